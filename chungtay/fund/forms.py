"""Forms of the fund pages (Vietnamese labels first; the views hand the values to actions)."""
from __future__ import annotations

from django import forms

from chungtay.i18n import tr

from .models import PURPOSES, Campaign, Donation, Donor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def bilingual(rows):
    return [(k, tr(vi, en)) for k, vi, en in rows]


class VNDField(forms.Field):
    """Whole đồng, typed 1.200.000 or 1200000 (never a fraction: money is an integer)."""
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "24"})

    def to_python(self, value):
        text = (str(value) if value is not None else "").strip().replace(" ", "").replace(".", "")
        if not text:
            return None
        if not text.isdigit() or len(text) > 16:
            raise forms.ValidationError(tr("Nhập số đồng nguyên, ví dụ 1.200.000", "Enter whole VND, e.g. 1200000"))
        return int(text)


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=tr("Loại", "Kind"), choices=bilingual(Donor.KINDS))
    name = forms.CharField(label=tr("Tên cá nhân, tổ chức", "Name"), max_length=200)
    anonymous = forms.BooleanField(label=tr("Xin giấu tên khi công khai", "Anonymous on public pages"), required=False)
    partner = forms.ChoiceField(label=tr("Tổ chức tham gia đã đăng ký (nếu có)", "Registered partner (if any)"), required=False)
    contact = forms.CharField(label=tr("Liên hệ", "Contact"), max_length=200, required=False)

    def __init__(self, *a, partners=(), **kw):
        super().__init__(*a, **kw)
        self.fields["partner"].choices = [("", "—")] + [(str(p.pk), p.name) for p in partners]


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=tr("Loại đợt vận động", "Kind"), choices=bilingual(Campaign.KINDS))
    name = forms.CharField(label=tr("Tên", "Name"), max_length=200, required=False)
    start = forms.DateField(label=tr("Từ ngày", "From"), widget=DATE)
    end = forms.DateField(label=tr("Đến ngày", "To"), widget=DATE)
    target_vnd = VNDField(label=tr("Chỉ tiêu (đồng)", "Target (VND)"), required=False)


class DonationForm(forms.Form):
    donor = forms.ChoiceField(label=tr("Nhà tài trợ", "Donor"))
    date = forms.DateField(label=tr("Ngày nhận", "Date received"), widget=DATE)
    form = forms.ChoiceField(label=tr("Hình thức", "Form"), choices=bilingual(Donation.FORMS))
    value_vnd = VNDField(label=tr("Số tiền / giá trị hiện vật (đồng)", "Amount / value in kind (VND)"))
    channel = forms.ChoiceField(label=tr("Kênh (tiền)", "Channel (money)"), required=False,
                                choices=[("", "—")] + bilingual(Donation.CHANNELS))
    goods = forms.CharField(label=tr("Hiện vật (loại, số lượng)", "Goods (what, how many)"), max_length=300, required=False)
    campaign = forms.ChoiceField(label=tr("Đợt vận động", "Campaign"), required=False)
    pledge = forms.ChoiceField(label=tr("Thực hiện cam kết", "Fulfils pledge"), required=False)
    bank_reference = forms.CharField(label=tr("Mã giao dịch ngân hàng", "Bank reference"), max_length=100, required=False)

    def __init__(self, *a, donors=(), campaigns=(), pledges=(), **kw):
        super().__init__(*a, **kw)
        self.fields["donor"].choices = [("", "—")] + [(str(d.pk), d.name) for d in donors]
        self.fields["campaign"].choices = [("", "—")] + [(str(c.pk), c.name) for c in campaigns]
        self.fields["pledge"].choices = [("", "—")] + [
            (str(p.pk), f"{p.donor.name}: {p.amount_vnd:,} đ – {p.due_date:%d/%m/%Y}".replace(",", ".")) for p in pledges]


class PledgeForm(forms.Form):
    donor = forms.ChoiceField(label=tr("Nhà tài trợ", "Donor"))
    amount_vnd = VNDField(label=tr("Số tiền cam kết (đồng)", "Amount pledged (VND)"))
    made_on = forms.DateField(label=tr("Ngày cam kết", "Pledged on"), widget=DATE)
    due_date = forms.DateField(label=tr("Hạn nộp", "Due by"), widget=DATE)
    campaign = forms.ChoiceField(label=tr("Đợt vận động", "Campaign"), required=False)
    note = forms.CharField(label=tr("Ghi chú", "Note"), max_length=300, required=False)

    def __init__(self, *a, donors=(), campaigns=(), **kw):
        super().__init__(*a, **kw)
        self.fields["donor"].choices = [("", "—")] + [(str(d.pk), d.name) for d in donors]
        self.fields["campaign"].choices = [("", "—")] + [(str(c.pk), c.name) for c in campaigns]


class AllocationForm(forms.Form):
    decision_no = forms.CharField(label=tr("Số quyết định", "Decision number"), max_length=60)
    decision_date = forms.DateField(label=tr("Ngày quyết định", "Decision date"), widget=DATE)
    title = forms.CharField(label=tr("Trích yếu", "Title"), max_length=300, required=False)
    lines = forms.CharField(label=tr("Phân bổ, mỗi dòng: mục đích; mã đơn vị; số tiền — ví dụ: house; 23317; 50.000.000 "
                                     "(mục đích: house, livelihood, scholarship, health_insurance, emergency)",
                                     "One line each: purpose; unit code; amount — e.g. house; 23317; 50.000.000"),
                            max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))


class DisbursementForm(forms.Form):
    household = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40)
    purpose = forms.ChoiceField(label=tr("Mục đích", "Purpose"), choices=bilingual(PURPOSES))
    amount_vnd = VNDField(label=tr("Số tiền / giá trị (đồng)", "Amount / value (VND)"))
    date = forms.DateField(label=tr("Ngày chi", "Date paid"), widget=DATE)
    paid_from = forms.ChoiceField(label=tr("Chi từ", "Paid from"), choices=[
        ("bank", tr("Tiền gửi ngân hàng", "Bank")), ("cash", tr("Tiền mặt", "Cash")), ("goods", tr("Hiện vật", "Goods"))])
    allocation = forms.ChoiceField(label=tr("Theo quyết định phân bổ", "Under allocation"), required=False)
    document_no = forms.CharField(label=tr("Số chứng từ", "Document number"), max_length=60, required=False)
    description = forms.CharField(label=tr("Nội dung", "Description"), max_length=200, required=False)

    def __init__(self, *a, allocations=(), **kw):
        super().__init__(*a, **kw)
        self.fields["allocation"].choices = [("", "—")] + [(str(x.pk), f"{x.decision_no} ({x.decision_date:%d/%m/%Y})")
                                                           for x in allocations]


class PaymentListForm(forms.Form):
    """Many households of one allocation decision, the same purpose and amount each (a Tết gift, a
    year's scholarships): ``payments.pay_households``."""
    allocation = forms.ChoiceField(label=tr("Theo quyết định phân bổ", "Under allocation"))
    purpose = forms.ChoiceField(label=tr("Mục đích", "Purpose"), choices=bilingual(PURPOSES))
    amount_vnd = VNDField(label=tr("Số tiền / giá trị mỗi hộ (đồng)", "Amount / value for each household (VND)"))
    date = forms.DateField(label=tr("Ngày chi", "Date paid"), widget=DATE)
    paid_from = forms.ChoiceField(label=tr("Chi từ", "Paid from"), choices=[
        ("bank", tr("Tiền gửi ngân hàng", "Bank")), ("cash", tr("Tiền mặt", "Cash")), ("goods", tr("Hiện vật", "Goods"))])
    description = forms.CharField(label=tr("Nội dung", "Description"), max_length=200, required=False)
    households = forms.CharField(
        label=tr("Mã hộ (mỗi dòng một hộ, hoặc cách nhau bằng dấu phẩy)", "Household codes (one a line, or comma-separated)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}), max_length=5000 * 42)

    def __init__(self, *a, allocations=(), **kw):
        super().__init__(*a, **kw)
        self.fields["allocation"].choices = [("", "—")] + [(str(x.pk), f"{x.decision_no} ({x.decision_date:%d/%m/%Y})")
                                                           for x in allocations]

    def codes(self) -> list[str]:
        import re
        return [c for c in (x.strip() for x in re.split(r"[,;\s]+", self.cleaned_data["households"])) if c]


class TransferForm(forms.Form):
    to_fund = forms.ChoiceField(label=tr("Chuyển đến quỹ", "To fund"))
    amount_vnd = VNDField(label=tr("Số tiền (đồng)", "Amount (VND)"))
    date = forms.DateField(label=tr("Ngày chuyển", "Date"), widget=DATE)
    paid_from = forms.ChoiceField(label=tr("Chuyển từ", "From"), choices=[
        ("bank", tr("Tiền gửi ngân hàng", "Bank")), ("cash", tr("Tiền mặt", "Cash"))])
    reference = forms.CharField(label=tr("Mã giao dịch / chứng từ", "Reference"), max_length=100, required=False)

    def __init__(self, *a, funds=(), **kw):
        super().__init__(*a, **kw)
        self.fields["to_fund"].choices = [(str(f.pk), f.name) for f in funds]


class ReverseForm(forms.Form):
    date = forms.DateField(label=tr("Ngày đảo", "Date"), widget=DATE)
    reason = forms.CharField(label=tr("Lý do", "Reason"), max_length=300)


class StatementForm(forms.Form):
    file = forms.FileField(label=tr("Sao kê ngân hàng (CSV: ngày, số tiền, mã tham chiếu, diễn giải)",
                                    "Bank statement (CSV: date, amount, reference, description)"))
    window_days = forms.IntegerField(label=tr("Lệch ngày tối đa", "Date window (days)"), min_value=0, max_value=31,
                                     initial=3)


class OpenFundForm(forms.Form):
    unit = forms.ChoiceField(label=tr("Đơn vị", "Unit"))
    committee = forms.CharField(label=tr("Tên Ủy ban MTTQ", "Front committee"), max_length=200, required=False)

    def __init__(self, *a, units=(), **kw):
        super().__init__(*a, **kw)
        self.fields["unit"].choices = [(str(u.pk), u.full_name) if u is not None else ("national", tr("Trung ương", "National"))
                                       for u in units]


class ImportForm(forms.Form):
    file = forms.FileField(label=tr("Tệp Excel (.xlsx) hoặc CSV", "Excel (.xlsx) or CSV file"))
