"""Forms of the group pages (labels Vietnamese first; the views turn them into actions)."""
from __future__ import annotations

from django import forms

from chungtay.i18n import tr
from chungtay.web.forms import VNNumberField

from .models import ENTRY_KINDS, KINDS, ROLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def village_choices(villages) -> list[tuple[int, str]]:
    """(id, label) of villages: namesakes told apart by their old commune (units/labels.py, one look-up for
    all communes); with villages of several communes, each also names its commune."""
    from chungtay.units.labels import labels_for
    villages = list(villages)
    names = labels_for(villages)
    several = len({v.parent_id for v in villages}) > 1
    return [(v.pk, f"{names[v.pk]} – {v.parent.full_name}" if several else names[v.pk]) for v in villages]


def _choices(rows):
    return [(k, tr(vi, en)) for k, vi, en in rows]


class GroupForm(forms.Form):
    name = forms.CharField(label=tr("Tên tổ, nhóm", "Group name"), max_length=200)
    kind = forms.ChoiceField(label=tr("Loại", "Kind"), choices=())
    commune = forms.TypedChoiceField(label=tr("Xã, phường", "Commune"), coerce=int, choices=())
    village = forms.TypedChoiceField(label=tr("Thôn (không bắt buộc)", "Village (optional)"), coerce=int,
                                     choices=(), required=False, empty_value=None)
    runner = forms.ChoiceField(label=tr("Tổ chức, đơn vị phụ trách", "Run by"), choices=(), required=False)
    founded_on = forms.DateField(label=tr("Ngày thành lập", "Founded on"), widget=DATE)
    purpose = forms.CharField(label=tr("Mục đích, nội dung hoạt động", "Purpose"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, communes=(), villages=(), runners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(KINDS)
        self.fields["commune"].choices = [(c.pk, c.full_name) for c in communes]
        self.fields["village"].choices = [("", "—")] + village_choices(villages)
        self.fields["runner"].choices = [("", "—")] + list(runners)


class MemberForm(forms.Form):
    household_code = forms.CharField(label=tr("Mã hộ", "Household code"), max_length=40)
    member_no = forms.IntegerField(label=tr("Số thứ tự người trong hộ (để trống: cả hộ)",
                                            "Person number in the household (blank: the household)"),
                                   required=False, min_value=1, max_value=99)
    role = forms.ChoiceField(label=tr("Vai trò trong tổ", "Role in the group"), choices=())
    joined_on = forms.DateField(label=tr("Ngày tham gia", "Joined on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _choices(ROLES)
        self.fields["role"].initial = "member"


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=tr("Ngày rời tổ", "Left on"), widget=DATE)
    reason = forms.CharField(label=tr("Lý do", "Reason"), max_length=300)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=tr("Ngày sinh hoạt", "Date"), widget=DATE)
    attendees = forms.IntegerField(label=tr("Số người dự", "Attendees"), min_value=1, max_value=10000)
    topic = forms.CharField(label=tr("Nội dung", "Topic"), max_length=300)
    minutes = forms.CharField(label=tr("Biên bản", "Minutes"), required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class EntryForm(forms.Form):
    membership = forms.TypedChoiceField(label=tr("Thành viên", "Member"), coerce=int, choices=())
    kind = forms.ChoiceField(label=tr("Loại giao dịch", "Kind"), choices=())
    amount_vnd = VNNumberField(label=tr("Số tiền (đồng)", "Amount (VND)"))
    date = forms.DateField(label=tr("Ngày", "Date"), widget=DATE)
    note = forms.CharField(label=tr("Ghi chú", "Note"), max_length=300, required=False)

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, f"{m.name} ({m.household.code})") for m in memberships]
        self.fields["kind"].choices = _choices(ENTRY_KINDS)

    def clean_amount_vnd(self):
        v = self.cleaned_data.get("amount_vnd")
        if v is None:
            raise forms.ValidationError(tr("Cần số tiền", "Give the amount"))
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not isinstance(v, int):
            raise forms.ValidationError(tr("Số tiền phải là số đồng nguyên", "The amount must be whole VND"))
        if v <= 0:
            raise forms.ValidationError(tr("Số tiền phải là số dương", "The amount must be positive"))
        return v


class ReverseForm(forms.Form):
    reason = forms.CharField(label=tr("Lý do điều chỉnh", "Reason for the correction"), max_length=300)
