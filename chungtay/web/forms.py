"""Forms of the registry. Labels and our own messages follow the user's language (``tr``);
Django's messages come from its vi/en locales. Bounds: see :mod:`chungtay.households.bounds`."""
from django import forms
from django.core.exceptions import ValidationError

from chungtay.households import bounds
from chungtay.households.models import Member

from chungtay.i18n import tr

ETHNIC_GROUPS = ["Kinh", "Xơ Đăng", "Ba Na", "Gia Rai", "Giẻ Triêng", "Brâu", "Rơ Măm", "Tày", "Thái", "Mường",
                 "Khơ Me", "Hoa", "Nùng", "Mông", "Dao", "Ê Đê", "Hrê", "Cơ Tu", "Khác"]

# English names of the model's choices (the model keeps the Vietnamese ones).
_EN = {"M": "Male", "F": "Female", "head": "Head of household", "spouse": "Spouse", "child": "Child",
       "parent": "Parent", "grandchild": "Grandchild", "other": "Other", "none": "None",
       "primary": "Primary school", "lower_secondary": "Lower secondary", "upper_secondary": "Upper secondary",
       "higher": "Above upper secondary", "in_school": "In school", "farming": "Farming", "wage": "Wage work",
       "self_employed": "Self-employed", "unemployed": "Unemployed", "student": "Student", "retired": "Retired"}
_EN_WORK = {"none": "Not working"}


def bilingual(choices, en=None):
    en = {**_EN, **(en or {})}
    return [(code, tr(vi, en.get(code, vi))) for code, vi in choices]


def pair(p):
    """A (vi, en) pair as a lazy string."""
    return tr(*p)


class VNNumberField(forms.Field):
    """A number typed the Vietnamese way (1.200.000 or 12,5) or plainly (1200000, 12.5): the same
    parser as the Excel import (:func:`chungtay.imports.engine.parse_number`)."""
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "40"})

    def to_python(self, value):
        from chungtay.imports.engine import BAD, MISSING, parse_number
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        v = BAD if len(text) > 40 else parse_number(text)
        if v is BAD or v is MISSING:
            raise ValidationError(tr("Nhập một số, ví dụ 1.200.000", "Enter a number, e.g. 1200000"),
                                  code="invalid")
        return v


class MemberForm(forms.Form):
    full_name = forms.CharField(label=tr("Họ và tên", "Full name"), max_length=120)
    sex = forms.ChoiceField(label=tr("Giới tính", "Sex"), choices=bilingual(Member.SEX))
    birth_year = forms.IntegerField(label=tr("Năm sinh", "Year of birth"))
    ethnicity = forms.ChoiceField(label=tr("Dân tộc", "Ethnic group"),
                                  choices=[(e, tr(e, "Other") if e == "Khác" else e) for e in ETHNIC_GROUPS])
    relation = forms.ChoiceField(label=tr("Quan hệ với chủ hộ", "Relation to the head"),
                                 choices=bilingual(Member.RELATIONS))
    citizen_id = forms.CharField(label=tr("Số CCCD (12 chữ số)", "Citizen ID (12 digits)"), max_length=14,
                                 required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    health_insurance = forms.BooleanField(label=tr("Có thẻ BHYT", "Has health insurance"), required=False)
    schooling = forms.ChoiceField(label=tr("Trình độ học vấn", "Schooling"),
                                  choices=[("", "–")] + bilingual(Member.SCHOOLING), required=False)
    disability = forms.BooleanField(label=tr("Khuyết tật", "Disability"), required=False)
    work = forms.ChoiceField(label=tr("Việc làm", "Work"), choices=[("", "–")] + bilingual(Member.WORK, _EN_WORK),
                             required=False)

    def clean_birth_year(self):
        y = self.cleaned_data["birth_year"]
        err = bounds.birth_year_error(y)
        if err:
            raise ValidationError(pair(err), code="birth_year")
        return y


class HouseholdForm(MemberForm):
    code = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40)
    village = forms.TypedChoiceField(label=tr("Thôn/tổ dân phố", "Village"), coerce=int)
    address = forms.CharField(label=tr("Địa chỉ", "Address"), max_length=200, required=False)
    field_order = ["code", "village", "address", "full_name", "sex", "birth_year", "ethnicity", "citizen_id",
                   "health_insurance", "schooling", "disability", "work"]

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.id, f"{getattr(v, 'label', v.name)} – {v.parent.full_name}")
                                          for v in villages]
        self.fields["full_name"].label = tr("Họ và tên chủ hộ", "Name of the head of household")
        del self.fields["relation"]


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=tr("Năm rà soát", "Review year"), min_value=2016, max_value=2030)
    kind = forms.ChoiceField(label=tr("Loại rà soát", "Kind of review"),
                             choices=[("periodic", tr("Rà soát định kỳ", "Periodic review")),
                                      ("regular", tr("Rà soát thường xuyên (hằng tháng)", "Regular review (monthly)"))],
                             initial="periodic", required=False)
    basis = forms.ChoiceField(label=tr("Căn cứ", "Basis"),
                              choices=[("income", tr("Thu nhập bình quân đầu người/tháng",
                                                     "Income per person per month")),
                                       ("score_a", tr("Điểm A (phiếu B)", "Score A (form B)"))])
    value = VNNumberField(label=tr("Thu nhập (đồng/người/tháng) hoặc điểm A",
                                   "Income (VND per person per month) or score A"))
    pledged_escape = forms.BooleanField(label=tr("Hộ đăng ký thoát nghèo năm nay",
                                                 "The household pledged to leave poverty this year"), required=False)
    reason = forms.CharField(label=tr("Ghi chú / lý do điều chỉnh", "Note / reason for a change"), max_length=300,
                             required=False)

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for ind in standard.indicators if standard else ():
            name = f"ind_{ind.code}"
            self.fields[name] = forms.BooleanField(label=tr(ind.name_vi, ind.name_en), required=False,
                                                   help_text=tr(ind.deprivation_vi, ind.deprivation_en))
            self.indicator_fields.append((name, ind))

    def clean(self):
        d = super().clean()
        value, basis = d.get("value"), d.get("basis")
        if value is not None and basis:
            err = bounds.income_error(value) if basis == "income" else bounds.score_error(value)
            if err:
                self.add_error("value", ValidationError(pair(err), code="out_of_range"))
            elif basis == "income":
                d["value"] = round(value)       # income is whole đồng
        return d


def form_errors(form, e: ValidationError) -> None:
    """Put an action's ValidationError on the form (fields it names, else the whole form)."""
    if hasattr(e, "error_dict"):
        for f, errs in e.error_dict.items():
            target = f if f in form.fields else None
            for err in errs:
                form.add_error(target, err.messages[0] if hasattr(err, "messages") else str(err))
    else:
        for m in e.messages:
            form.add_error(None, m)
