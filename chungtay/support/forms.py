"""Forms of the support pages (labels Vietnamese first; the views turn them into actions)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms

from chungtay.i18n import tr
from chungtay.web.forms import VNNumberField

from . import funding as fund
from .models import KINDS, STATUSES, Partner, Pledge, ProgrammePart

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def kind_choices():
    return [(k, tr(vi, en)) for k, vi, en in KINDS]


def status_choices():
    return [(k, tr(vi, en)) for k, vi, en in STATUSES]


def part_choices():
    out = []
    for p in ProgrammePart.objects.filter(in_catalogue=True).order_by("position"):
        indent = {"programme": "", "project": "— ", "subproject": "—— "}[p.level]
        mark = tr(" (tạm thời)", " (provisional)") if p.provisional and p.level == "programme" else ""
        out.append((p.code, tr(f"{indent}{p.name_vi}{mark} [{p.code}]", f"{indent}{p.name_en}{mark} [{p.code}]")))
    return out


class QuantityField(forms.Field):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "20"})

    def to_python(self, value):
        text = (str(value) if value is not None else "").strip().replace(" ", "")[:20]
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(tr("Nhập một số, ví dụ 1 hoặc 2,5", "Enter a number, e.g. 1 or 2.5")) from None


class FactsForm(forms.Form):
    """What a support is (shared by one household, a distribution and a correction)."""
    part = forms.ChoiceField(label=tr("Chương trình / dự án / tiểu dự án", "Programme / project / sub-project"))
    kind = forms.ChoiceField(label=tr("Loại hỗ trợ", "Kind of support"))
    description = forms.CharField(label=tr("Mô tả (ví dụ: bò cái giống lai Zebu)", "Description (e.g. Zebu breeding cow)"),
                                  max_length=200, required=False)
    quantity = QuantityField(label=tr("Số lượng", "Quantity"), initial="1")
    unit_of_measure = forms.CharField(label=tr("Đơn vị tính (con, kg, thẻ, suất…)", "Unit (head, kg, card, place…)"),
                                      max_length=30)
    value_vnd = VNNumberField(label=tr("Giá trị (đồng)", "Value (VND)"))
    funding = forms.CharField(label=tr("Nguồn vốn (ví dụ: NSTW 70%; HO 30% — hoặc số tiền từng nguồn)",
                                       "Funding (e.g. NSTW 70%; HO 30% — or the amount of each source)"),
                              max_length=300)
    date = forms.DateField(label=tr("Ngày trao / ngày dự kiến", "Date delivered / planned"), widget=DATE)
    status = forms.ChoiceField(label=tr("Trạng thái", "Status"))
    provider = forms.ChoiceField(label=tr("Đơn vị / tổ chức hỗ trợ", "Providing unit / partner"))
    document_no = forms.CharField(label=tr("Số văn bản, biên bản bàn giao", "Document / hand-over record no."),
                                  max_length=60, required=False)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = part_choices()
        self.fields["kind"].choices = kind_choices()
        self.fields["status"].choices = [c for c in status_choices() if c[0] != "cancelled"]
        self.fields["provider"].choices = list(providers)

    def clean_value_vnd(self):
        v = self.cleaned_data["value_vnd"]
        if v is None or v != int(v):
            raise forms.ValidationError(tr("Giá trị là số đồng nguyên", "The value is whole VND"))
        return int(v)

    def clean_funding(self):
        try:
            return fund.parse(self.cleaned_data["funding"])
        except fund.FundingError as e:
            raise forms.ValidationError(tr(e.vi, e.en)) from None


class SupportForm(FactsForm):
    member = forms.ChoiceField(label=tr("Cho thành viên (để trống: cả hộ)", "For a member (empty: the household)"),
                               required=False)
    evidence = forms.FileField(label=tr("Ảnh / bản quét minh chứng (JPEG, PNG, PDF, tối đa 10 MB)",
                                        "Photo / scan (JPEG, PNG, PDF, at most 10 MB)"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(str(m.pk), f"{m.member_no}. {m.full_name}") for m in members]


class CorrectionForm(SupportForm):
    reason = forms.CharField(label=tr("Lý do sửa", "Reason for the correction"), max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=tr("Lý do thu hồi / hủy", "Reason for returning / cancelling"), max_length=300)


class DistributionForm(FactsForm):
    unit = forms.TypedChoiceField(label=tr("Đơn vị quyết định", "Deciding unit"), coerce=int)
    decision_no = forms.CharField(label=tr("Số quyết định", "Decision number"), max_length=60)
    decision_date = forms.DateField(label=tr("Ngày quyết định", "Decision date"), widget=DATE)
    title = forms.CharField(label=tr("Nội dung (ví dụ: cấp bò giống cho hộ nghèo)", "Title (e.g. breeding cows for poor households)"),
                            max_length=300)
    codes = forms.CharField(label=tr("Mã hộ nhận (mỗi dòng một mã, hoặc cách nhau bởi dấu phẩy)",
                                     "Household codes (one per line, or separated by commas)"),
                            widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000)
    field_order = ["unit", "decision_no", "decision_date", "title", "codes"]

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.id, u.full_name) for u in units]
        self.fields["value_vnd"].label = tr("Giá trị mỗi hộ (đồng)", "Value per household (VND)")
        self.fields["quantity"].label = tr("Số lượng mỗi hộ", "Quantity per household")

    def clean_codes(self):
        text = self.cleaned_data["codes"]
        return [c.strip() for c in text.replace(",", "\n").replace(";", "\n").splitlines() if c.strip()]


class PartnerForm(forms.Form):
    name = forms.CharField(label=tr("Tên tổ chức / cá nhân", "Name"), max_length=200)
    kind = forms.ChoiceField(label=tr("Loại", "Kind"))
    unit = forms.TypedChoiceField(label=tr("Đăng ký tại", "Registered at"), coerce=int)
    contact = forms.CharField(label=tr("Liên hệ (cơ quan, chức danh người đại diện)", "Contact (office, representative's title)"),
                              max_length=200, required=False)
    note = forms.CharField(label=tr("Ghi chú", "Note"), max_length=300, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, tr(vi, en)) for k, vi, en in Partner.KINDS]
        self.fields["unit"].choices = [(u.id, u.full_name) for u in units]


class PairingForm(forms.Form):
    helper = forms.ChoiceField(label=tr("Người giúp đỡ (tổ chức hoặc cán bộ)", "Helper (partner or officer)"))
    household_code = forms.CharField(label=tr("Mã hộ được giúp (hoặc chọn thôn)", "Household code (or choose a village)"),
                                     max_length=40, required=False)
    village = forms.TypedChoiceField(label=tr("Thôn được giúp", "Village helped"), coerce=int, required=False,
                                     empty_value=None)
    start_date = forms.DateField(label=tr("Từ ngày", "From"), widget=DATE)
    end_date = forms.DateField(label=tr("Đến ngày", "Until"), widget=DATE, required=False)
    commitments = forms.CharField(label=tr("Nội dung cam kết giúp đỡ", "Written commitments"),
                                  widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    document_no = forms.CharField(label=tr("Số văn bản phân công", "Document number"), max_length=60, required=False)

    def __init__(self, *args, helpers=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = list(helpers)
        from chungtay.units.labels import labels_for
        villages = list(villages)
        names = labels_for(villages)         # namesakes told apart by their old commune, one look-up
        self.fields["village"].choices = [("", "—")] + [(v.id, f"{names[v.id]} – {v.parent.full_name}") for v in villages]


class EndPairingForm(forms.Form):
    ended_on = forms.DateField(label=tr("Ngày kết thúc", "Ended on"), widget=DATE)
    reason = forms.CharField(label=tr("Lý do", "Reason"), max_length=300)


class PledgeForm(forms.Form):
    household_code = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40)
    year = forms.IntegerField(label=tr("Năm đăng ký thoát", "Year to escape"), min_value=2016, max_value=2035)
    goal = forms.ChoiceField(label=tr("Mục tiêu", "Goal"))
    plan = forms.CharField(label=tr("Kế hoạch, biện pháp của hộ", "The household's plan"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    support_asked = forms.CharField(label=tr("Hỗ trợ đề nghị", "Support asked for"),
                                    widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    kinds_asked = forms.MultipleChoiceField(label=tr("Loại hỗ trợ đề nghị", "Kinds of support asked for"),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    registered_on = forms.DateField(label=tr("Ngày đăng ký", "Registered on"), widget=DATE, initial=dt.date.today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [(k, tr(vi, en)) for k, vi, en in Pledge.GOALS]
        self.fields["kinds_asked"].choices = kind_choices()
