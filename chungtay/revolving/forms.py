"""Forms of the revolving pages (labels Vietnamese first; the views turn them into actions)."""
from __future__ import annotations

from django import forms

from chungtay.i18n import tr
from chungtay.web.forms import VNNumberField

from .models import KINDS, RULE_TYPES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _sexes():
    return [("", "–"), ("female", tr("Cái", "Female")), ("male", tr("Đực", "Male"))]


def _int_value(v):
    if v is None:
        return None
    if v != int(v):
        raise forms.ValidationError(tr("Số đồng nguyên", "Whole VND"))
    return int(v)


class ModelForm(forms.Form):
    commune = forms.ChoiceField(label=tr("Xã", "Commune"))
    code = forms.CharField(label=tr("Mã mô hình (ví dụ: DE-KROONG-2017)", "Model code (e.g. DE-KROONG-2017)"), max_length=40)
    name = forms.CharField(label=tr("Tên mô hình", "Name"), max_length=200)
    kind = forms.ChoiceField(label=tr("Loại", "Kind"))
    rule_type = forms.ChoiceField(label=tr("Quy tắc luân chuyển", "Pass-on rule"))
    months = forms.IntegerField(label=tr("Thời hạn phải chuyển / hoàn trả (tháng)", "Pass on / repay within (months)"),
                                min_value=1, max_value=120, initial=24)
    rule_note = forms.CharField(label=tr("Ghi chú quy tắc (ví dụ: con đực bán, mua con cái)",
                                         "Rule note (e.g. a male is sold to buy a female)"), max_length=300, required=False)
    start_date = forms.DateField(label=tr("Ngày bắt đầu", "Start date"), widget=DATE)
    planned = forms.CharField(label=tr("Hộ dự kiến nhận, theo thứ tự (mã hộ, mỗi dòng một hộ)",
                                       "Planned households in order (household codes, one a line)"),
                              widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=60000)
    support_entry = forms.IntegerField(label=tr("Số hỗ trợ ban đầu trong sổ hỗ trợ (không bắt buộc)",
                                                "Initial support number in the ledger (optional)"), required=False,
                                       min_value=1, max_value=2 ** 62)
    description = forms.CharField(label=tr("Mô tả", "Description"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False, max_length=2000)

    def __init__(self, *a, communes=(), **kw):
        super().__init__(*a, **kw)
        self.fields["commune"].choices = [(str(u.pk), u.full_name) for u in communes]
        self.fields["kind"].choices = [(k, tr(vi, en)) for k, vi, en in KINDS]
        self.fields["rule_type"].choices = [(k, tr(vi, en)) for k, vi, en in RULE_TYPES]


class AssetForm(forms.Form):
    code = forms.CharField(label=tr("Mã tài sản (số tai, số khoản vốn)", "Asset code (ear tag, tranche no.)"), max_length=40)
    description = forms.CharField(label=tr("Mô tả", "Description"), max_length=200, required=False)
    sex = forms.ChoiceField(label=tr("Giới tính (vật nuôi)", "Sex (livestock)"), required=False)
    value_vnd = VNNumberField(label=tr("Giá trị (đồng)", "Value (VND)"))
    household = forms.CharField(label=tr("Mã hộ nhận đầu tiên", "First household (code)"), max_length=40)
    date = forms.DateField(label=tr("Ngày giao", "Hand-over date"), widget=DATE)
    witness = forms.CharField(label=tr("Người chứng kiến", "Witness"), max_length=200, required=False)
    decision_no = forms.CharField(label=tr("Số quyết định / biên bản", "Decision / minutes no."), max_length=60,
                                  required=False)

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.fields["sex"].choices = _sexes()

    def clean_value_vnd(self):
        return _int_value(self.cleaned_data["value_vnd"])


class TransferForm(forms.Form):
    asset = forms.ChoiceField(label=tr("Tài sản", "Asset"))
    to_household = forms.CharField(label=tr("Mã hộ nhận", "Receiving household (code)"), max_length=40)
    date = forms.DateField(label=tr("Ngày chuyển", "Date"), widget=DATE)
    witness = forms.CharField(label=tr("Người chứng kiến", "Witness"), max_length=200)
    decision_no = forms.CharField(label=tr("Số quyết định của thôn", "Village decision no."), max_length=60, required=False)
    note = forms.CharField(label=tr("Ghi chú", "Note"), max_length=300, required=False)

    def __init__(self, *a, assets=(), **kw):
        super().__init__(*a, **kw)
        self.fields["asset"].choices = [(str(a.pk), a.code) for a in assets]


class BirthForm(forms.Form):
    asset = forms.ChoiceField(label=tr("Con mẹ", "Mother"))
    new_code = forms.CharField(label=tr("Mã con mới sinh", "Newborn's code"), max_length=40)
    sex = forms.ChoiceField(label=tr("Giới tính", "Sex"))
    value_vnd = VNNumberField(label=tr("Giá trị ước tính (đồng)", "Estimated value (VND)"))
    date = forms.DateField(label=tr("Ngày sinh", "Date of birth"), widget=DATE)

    def __init__(self, *a, assets=(), **kw):
        super().__init__(*a, **kw)
        self.fields["asset"].choices = [(str(a.pk), a.code) for a in assets]
        self.fields["sex"].choices = _sexes()

    def clean_value_vnd(self):
        return _int_value(self.cleaned_data["value_vnd"])


class DeathForm(forms.Form):
    asset = forms.ChoiceField(label=tr("Tài sản", "Asset"))
    date = forms.DateField(label=tr("Ngày chết / mất", "Date"), widget=DATE)
    note = forms.CharField(label=tr("Nguyên nhân", "Cause"), max_length=300, required=False)

    def __init__(self, *a, assets=(), **kw):
        super().__init__(*a, **kw)
        self.fields["asset"].choices = [(str(a.pk), a.code) for a in assets]


class SaleForm(forms.Form):
    asset = forms.ChoiceField(label=tr("Tài sản bán", "Asset sold"))
    date = forms.DateField(label=tr("Ngày bán", "Date"), widget=DATE)
    amount_vnd = VNNumberField(label=tr("Số tiền bán (đồng)", "Amount (VND)"))
    new_code = forms.CharField(label=tr("Mã con mua thay thế (nếu có)", "Replacement bought (code, optional)"),
                               max_length=40, required=False)
    replacement_value = VNNumberField(label=tr("Giá trị con mua thay thế (đồng)", "Replacement value (VND)"), required=False)
    sex = forms.ChoiceField(label=tr("Giới tính con mua thay thế", "Replacement's sex"), required=False)
    to_household = forms.CharField(label=tr("Giao con mua thay thế cho hộ (mã hộ)", "Give the replacement to (household code)"),
                                   max_length=40, required=False)
    witness = forms.CharField(label=tr("Người chứng kiến", "Witness"), max_length=200, required=False)
    decision_no = forms.CharField(label=tr("Số quyết định của thôn", "Village decision no."), max_length=60, required=False)

    def __init__(self, *a, assets=(), **kw):
        super().__init__(*a, **kw)
        self.fields["asset"].choices = [(str(a.pk), a.code) for a in assets]
        self.fields["sex"].choices = _sexes()

    def clean_amount_vnd(self):
        return _int_value(self.cleaned_data["amount_vnd"])

    def clean_replacement_value(self):
        return _int_value(self.cleaned_data["replacement_value"])


class PlanForm(forms.Form):
    planned = forms.CharField(label=tr("Thêm hộ dự kiến vào cuối kế hoạch (mã hộ, mỗi dòng một hộ)",
                                       "Add planned households at the end (household codes, one a line)"),
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=60000)


class VoidForm(forms.Form):
    reason = forms.CharField(label=tr("Lý do hủy ghi nhận", "Reason"), max_length=300)


EVENT_FORMS = {"transfer": TransferForm, "birth": BirthForm, "death": DeathForm, "sale": SaleForm}
