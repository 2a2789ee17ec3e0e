"""The form on the household page that records a household moving away, merging or dying out
(households.actions.close_household)."""
from __future__ import annotations

from datetime import date

from django import forms

from chungtay.accounts.models import AuditEvent
from chungtay.households.actions import CLOSED_STATUSES
from chungtay.households.models import Household

STATUS_NAMES = {"moved_away": ("Chuyển đi nơi khác", "Moved away"), "merged": ("Nhập vào hộ khác", "Merged into another household"),
                "died_out": ("Không còn thành viên", "Died out (no member left)")}


class CloseHouseholdForm(forms.Form):
    status = forms.ChoiceField(label="Hình thức", choices=[(s, STATUS_NAMES[s][0]) for s in CLOSED_STATUSES])
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    reason = forms.CharField(label="Lý do", max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": "ví dụ: chuyển đến xã …, nhập vào hộ …"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": date.today().year})
        super().__init__(*args, **kwargs)


def closure(hh: Household) -> AuditEvent | None:
    """The audit record of the household's closing (who, when, why), if it was closed here."""
    if hh.status == "active":
        return None
    return (AuditEvent.objects.filter(action="household.close", object_type="household", object_id=str(hh.pk))
            .select_related("actor").order_by("-id").first())
