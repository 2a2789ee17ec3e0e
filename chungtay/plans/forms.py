from django import forms

from chungtay.i18n import tr
from chungtay.units.models import UnitTag

from .models import METRICS, Target

LIMIT = 10 ** 12      # counts, đồng and percentage points all lie far inside this


def Bounded(**kwargs):
    """A FloatField with bounds (no 1e308 reaching the arithmetic of the plans)."""
    kwargs.setdefault("min_value", -LIMIT)
    kwargs.setdefault("max_value", LIMIT)
    return forms.FloatField(**kwargs)


class PlanForm(forms.Form):
    title = forms.CharField(label=tr("Tên kế hoạch", "Title of the plan"), max_length=300)
    document_no = forms.CharField(label=tr("Số văn bản", "Document number"), max_length=60, required=False)
    issued_on = forms.DateField(label=tr("Ngày ban hành", "Issued on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.TypedChoiceField(label=tr("Đơn vị ban hành", "Issuing unit"), coerce=int)
    start_year = forms.IntegerField(label=tr("Từ năm", "From year"), min_value=2016, max_value=2035)
    end_year = forms.IntegerField(label=tr("Đến năm", "To year"), min_value=2016, max_value=2035)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.id, u.full_name) for u in units]


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=tr("Chỉ tiêu", "Indicator"), choices=[(m[0], tr(m[1], m[2])) for m in METRICS])
    unit = forms.TypedChoiceField(label=tr("Phạm vi", "Scope"), coerce=int)
    unit_tag = forms.ChoiceField(label=tr("Nhóm đơn vị", "Group of units"), required=False,
                                 choices=[("", tr("Toàn bộ đơn vị", "All units"))] + UnitTag.TAGS)
    population = forms.ChoiceField(label=tr("Nhóm dân cư", "Population"), choices=Target.GROUPS)
    kind = forms.ChoiceField(label=tr("Loại chỉ tiêu", "Kind of target"), choices=Target.KINDS)
    low = Bounded(label=tr("Từ", "From"))
    high = Bounded(label=tr("Đến", "To"), required=False)
    counted = Bounded(label=tr("Số tính kế hoạch", "Figure counted"), required=False,
                               help_text=tr("Khoảng 3–4 thì kế hoạch tính theo số nào (mặc định: trung bình)",
                                            "For a range such as 3–4, the figure the plan counts (default: the middle)"))
    threshold = Bounded(label=tr("Ngưỡng tiêu chí 11 (% hộ nghèo tối đa)", "Criterion 11 threshold (largest % of poor households)"),
                        required=False, min_value=0, max_value=100)
    baseline_year = forms.IntegerField(label=tr("Năm gốc", "Baseline year"), min_value=2010, max_value=2035)
    baseline_value = Bounded(label=tr("Giá trị gốc (để trống: tính từ dữ liệu hộ)", "Baseline value (empty: computed from the registry)"), required=False)
    baseline_source = forms.CharField(label=tr("Nguồn số liệu gốc", "Source of the baseline"), required=False, max_length=300)
    published_change = Bounded(label=tr("Số đã công bố (điểm/năm) để kiểm tra", "Published figure (points/year) to check"), required=False)
    published_year = forms.IntegerField(label=tr("Số công bố tính đến năm", "Published figure as of year"), required=False,
                                        min_value=2010, max_value=2035)
    published_source = forms.CharField(label=tr("Nguồn số đã công bố", "Source of the published figure"), required=False, max_length=300)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        from chungtay.units.labels import labels_for
        units = list(units)
        names = labels_for(units)            # a commune plan's villages: namesakes told apart
        self.fields["unit"].choices = [(u.id, names[u.id]) for u in units]

    def clean(self):
        d = super().clean()
        if d.get("counted") is None and d.get("low") is not None:
            d["counted"] = (d["low"] + d["high"]) / 2 if d.get("high") is not None else d["low"]
        if d.get("baseline_value") is not None and not d.get("baseline_source"):
            self.add_error("baseline_source", tr("Giá trị gốc nhập tay phải ghi nguồn", "A baseline typed in needs its source"))
        return d


class OfficialFigureForm(forms.Form):
    year = forms.IntegerField(label=tr("Năm", "Year"), min_value=2000, max_value=2035)
    value = Bounded(label=tr("Giá trị", "Value"))
    numerator = Bounded(label=tr("Tử số (nếu có)", "Numerator (if any)"), required=False)
    denominator = Bounded(label=tr("Mẫu số (nếu có)", "Denominator (if any)"), required=False)
    source = forms.CharField(label=tr("Nguồn (số, ngày văn bản)", "Source (document number, date)"), max_length=300)
