"""Forms of the Great Unity house pages (Vietnamese labels first; the views hand the values to
``actions.create_house`` / ``advance_house`` / ``add_house_contribution``). Money is whole đồng,
typed 1.200.000 or 1200000 (``forms.VNDField``)."""
from __future__ import annotations

from django import forms

from chungtay.i18n import tr

from .actions import HOUSE_SOURCES
from .forms import DATE, VNDField, bilingual
from .models import HouseProject


class HouseForm(forms.Form):
    household = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40)
    disbursement = forms.ChoiceField(label=tr("Khoản chi nhà của Quỹ cho hộ (nếu đã chi)",
                                              "The fund's house payment to the household (if paid)"), required=False)
    fund_vnd = VNDField(label=tr("Quỹ Vì người nghèo hỗ trợ (đồng; để trống = theo khoản chi đã chọn)",
                                 "Fund for the Poor (VND; empty = the chosen payment)"), required=False)
    state_vnd = VNDField(label=tr("Ngân sách nhà nước (đồng)", "State budget (VND)"), required=False)
    community_vnd = VNDField(label=tr("Cộng đồng, nhà hảo tâm (đồng)", "Community, benefactors (VND)"), required=False)
    household_vnd = VNDField(label=tr("Hộ gia đình tự góp (đồng)", "The household itself (VND)"), required=False)

    def __init__(self, *a, payments=(), **kw):
        super().__init__(*a, **kw)
        self.fields["disbursement"].choices = [("", "—")] + [
            (str(d.pk), f"{d.household.code} · {d.amount_vnd:,} đ · {d.date:%d/%m/%Y}".replace(",", ".")
             + (f" · {d.document_no}" if d.document_no else "")) for d in payments]


class HouseStageForm(forms.Form):
    stage = forms.ChoiceField(label=tr("Chuyển sang giai đoạn", "Move to stage"))
    date = forms.DateField(label=tr("Ngày đạt giai đoạn", "Date reached"), widget=DATE)
    note = forms.CharField(label=tr("Ghi chú (biên bản, người nghiệm thu…)", "Note (minutes, who inspected…)"),
                           max_length=300, required=False)

    def __init__(self, *a, house: HouseProject, **kw):
        super().__init__(*a, **kw)
        order = HouseProject.STAGE_ORDER
        later = order[order.index(house.stage) + 1:] if house.stage in order else []
        names = {k: tr(vi, en) for k, vi, en in HouseProject.STAGES}
        self.fields["stage"].choices = [(k, names[k]) for k in later]
        if later and not self.is_bound:
            self.initial.setdefault("stage", later[0])


class HouseContributionForm(forms.Form):
    source = forms.ChoiceField(label=tr("Nguồn", "Source"),
                               choices=bilingual([s for s in HOUSE_SOURCES if s[0] != "fund"]))
    kind = forms.ChoiceField(label=tr("Loại ghi", "Entry"), choices=[
        ("add", tr("Đóng góp thêm", "A further contribution")),
        ("correction", tr("Điều chỉnh giảm (ghi nhầm trước đó; ghi lý do)", "Correction down (an earlier mistake; "
                                                                            "give the reason)"))])
    amount_vnd = VNDField(label=tr("Số tiền (đồng)", "Amount (VND)"))
    date = forms.DateField(label=tr("Ngày nhận", "Date received"), widget=DATE)
    note = forms.CharField(label=tr("Ghi chú (người, đơn vị đóng góp; lý do điều chỉnh)",
                                    "Note (who contributed; reason of a correction)"), max_length=300, required=False)
