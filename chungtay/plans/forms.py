from django import forms

from chungtay.units.models import UnitTag

from .models import METRICS, Target


class PlanForm(forms.Form):
    title = forms.CharField(label="Tên kế hoạch", max_length=300)
    document_no = forms.CharField(label="Số văn bản", max_length=60, required=False)
    issued_on = forms.DateField(label="Ngày ban hành", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.TypedChoiceField(label="Đơn vị ban hành", coerce=int)
    start_year = forms.IntegerField(label="Từ năm", min_value=2016, max_value=2035)
    end_year = forms.IntegerField(label="Đến năm", min_value=2016, max_value=2035)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.id, u.full_name) for u in units]


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label="Chỉ tiêu", choices=[(m[0], m[1]) for m in METRICS])
    unit = forms.TypedChoiceField(label="Phạm vi", coerce=int)
    unit_tag = forms.ChoiceField(label="Nhóm đơn vị", required=False, choices=[("", "Toàn bộ đơn vị")] + UnitTag.TAGS)
    population = forms.ChoiceField(label="Nhóm dân cư", choices=Target.GROUPS)
    kind = forms.ChoiceField(label="Loại chỉ tiêu", choices=Target.KINDS)
    low = forms.FloatField(label="Từ")
    high = forms.FloatField(label="Đến", required=False)
    counted = forms.FloatField(label="Số tính kế hoạch", required=False,
                               help_text="Khoảng 3–4 thì kế hoạch tính theo số nào (mặc định: trung bình)")
    threshold = forms.FloatField(label="Ngưỡng tiêu chí 11 (% hộ nghèo tối đa)", required=False)
    baseline_year = forms.IntegerField(label="Năm gốc", min_value=2010, max_value=2035)
    baseline_value = forms.FloatField(label="Giá trị gốc (để trống: tính từ dữ liệu hộ)", required=False)
    baseline_source = forms.CharField(label="Nguồn số liệu gốc", required=False, max_length=300)
    published_change = forms.FloatField(label="Số đã công bố (điểm/năm) để kiểm tra", required=False)
    published_year = forms.IntegerField(label="Số công bố tính đến năm", required=False)
    published_source = forms.CharField(label="Nguồn số đã công bố", required=False, max_length=300)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.id, u.full_name) for u in units]

    def clean(self):
        d = super().clean()
        if d.get("counted") is None and d.get("low") is not None:
            d["counted"] = (d["low"] + d["high"]) / 2 if d.get("high") is not None else d["low"]
        if d.get("baseline_value") is not None and not d.get("baseline_source"):
            self.add_error("baseline_source", "Giá trị gốc nhập tay phải ghi nguồn")
        return d


class OfficialFigureForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2035)
    value = forms.FloatField(label="Giá trị")
    numerator = forms.FloatField(label="Tử số (nếu có)", required=False)
    denominator = forms.FloatField(label="Mẫu số (nếu có)", required=False)
    source = forms.CharField(label="Nguồn (số, ngày văn bản)", max_length=300)
