from django import forms

from chungtay.households.models import Member

ETHNIC_GROUPS = ["Kinh", "Xơ Đăng", "Ba Na", "Gia Rai", "Giẻ Triêng", "Brâu", "Rơ Măm", "Tày", "Thái", "Mường",
                 "Khơ Me", "Hoa", "Nùng", "Mông", "Dao", "Ê Đê", "Hrê", "Cơ Tu", "Khác"]


class MemberForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    sex = forms.ChoiceField(label="Giới tính", choices=Member.SEX)
    birth_year = forms.IntegerField(label="Năm sinh", min_value=1900, max_value=2100)
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=[(e, e) for e in ETHNIC_GROUPS])
    relation = forms.ChoiceField(label="Quan hệ với chủ hộ", choices=Member.RELATIONS)
    citizen_id = forms.CharField(label="Số CCCD (12 chữ số)", max_length=14, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    health_insurance = forms.BooleanField(label="Có thẻ BHYT", required=False)
    schooling = forms.ChoiceField(label="Trình độ học vấn", choices=[("", "–")] + Member.SCHOOLING, required=False)
    disability = forms.BooleanField(label="Khuyết tật", required=False)
    work = forms.ChoiceField(label="Việc làm", choices=[("", "–")] + Member.WORK, required=False)


class HouseholdForm(MemberForm):
    code = forms.CharField(label="Mã hộ", max_length=40)
    village = forms.TypedChoiceField(label="Thôn/tổ dân phố", coerce=int)
    address = forms.CharField(label="Địa chỉ", max_length=200, required=False)
    field_order = ["code", "village", "address", "full_name", "sex", "birth_year", "ethnicity", "citizen_id",
                   "health_insurance", "schooling", "disability", "work"]

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.id, f"{v.name} – {v.parent.full_name}") for v in villages]
        self.fields["full_name"].label = "Họ và tên chủ hộ"
        del self.fields["relation"]


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label="Năm rà soát", min_value=2016, max_value=2030)
    kind = forms.ChoiceField(label="Loại rà soát", choices=[("periodic", "Rà soát định kỳ"),
                                                         ("regular", "Rà soát thường xuyên (hằng tháng)")],
                             initial="periodic", required=False)
    basis = forms.ChoiceField(label="Căn cứ", choices=[("income", "Thu nhập bình quân đầu người/tháng"),
                                                       ("score_a", "Điểm A (phiếu B)")])
    value = forms.FloatField(label="Thu nhập (đồng/người/tháng) hoặc điểm A", min_value=0)
    pledged_escape = forms.BooleanField(label="Hộ đăng ký thoát nghèo năm nay", required=False)
    reason = forms.CharField(label="Ghi chú / lý do điều chỉnh", max_length=300, required=False)

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for ind in standard.indicators if standard else ():
            name = f"ind_{ind.code}"
            self.fields[name] = forms.BooleanField(label=ind.name_vi, required=False,
                                                   help_text=ind.deprivation_vi)
            self.indicator_fields.append((name, ind))
