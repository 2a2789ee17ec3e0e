"""The support ledger never edits a record: a correction and a cancellation are new versions,
the old ones stay as they were, exactly one version is current, and each write is audited."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chungtay.accounts.models import AuditEvent
from chungtay.support import actions
from chungtay.support.models import Support, SupportFunding
from tests.support_helpers import facts, household_in


@pytest.fixture
def hh(village_head):
    return household_in(village_head.assignments.get().unit)


def test_a_correction_is_version_two_and_version_one_stays(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    assert (s1.version, s1.is_current, s1.status) == (1, True, "delivered")
    assert [(f.source.code, f.share, f.amount_vnd) for f in s1.funding.all()] == [("NSTW", 70, 14_000_000),
                                                                                 ("HO", 30, 6_000_000)]
    s2 = actions.correct_support(commune_officer, s1, facts(hh, value_vnd=18_000_000), reason="sai giá trị")
    assert (s2.version, s2.entry_id, s2.reason) == (2, s1.entry_id, "sai giá trị")
    old = Support.objects.get(pk=s1.pk)
    assert not old.is_current and old.value_vnd == 20_000_000 and old.recorded_at == s1.recorded_at
    assert [f.amount_vnd for f in old.funding.all()] == [14_000_000, 6_000_000]          # untouched
    assert [f.amount_vnd for f in s2.funding.all()] == [12_600_000, 5_400_000]
    assert Support.objects.filter(entry=s1.entry, is_current=True).get().pk == s2.pk


def test_a_cancellation_is_a_new_version_and_is_final(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    s2 = actions.cancel_support(commune_officer, s1, reason="hộ trả lại bò")
    assert (s2.version, s2.status, s2.value_vnd, s2.kind) == (2, "cancelled", 20_000_000, "livestock")
    assert Support.objects.get(pk=s1.pk).status == "delivered"
    with pytest.raises(ValidationError, match="đã thu hồi"):
        actions.cancel_support(commune_officer, s2, reason="lần nữa")
    with pytest.raises(ValidationError, match="không sửa được"):
        actions.correct_support(commune_officer, s2, facts(hh), reason="sửa")
    assert Support.objects.filter(entry=s1.entry).count() == 2


def test_a_correction_of_a_superseded_version_is_refused(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    actions.correct_support(commune_officer, s1, facts(hh, quantity=2), reason="hai con")
    with pytest.raises(ValidationError, match="người khác sửa"):
        actions.correct_support(commune_officer, s1, facts(hh, quantity=3), reason="ba con")
    assert Support.objects.filter(entry=s1.entry).count() == 2


def test_a_correction_needs_a_reason(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    with pytest.raises(ValidationError):
        actions.correct_support(commune_officer, s1, facts(hh), reason="  ")
    assert Support.objects.filter(entry=s1.entry).count() == 1


def test_the_database_refuses_two_current_versions(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(**{f.attname: getattr(s1, f.attname) for f in Support._meta.concrete_fields
                                  if f.name not in ("id", "version")}, version=2)


def test_every_write_is_audited_without_personal_data(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh, member=hh.members.first()))
    s2 = actions.correct_support(commune_officer, s1, facts(hh, value_vnd=1_000_000), reason="giá")
    s3 = actions.cancel_support(commune_officer, s2, reason="hủy")
    events = list(AuditEvent.objects.filter(object_type="support", object_id__in=[s1.pk, s2.pk, s3.pk]).order_by("id"))
    assert [e.action for e in events] == ["support.record", "support.correct", "support.cancel"]
    assert all(e.actor_id == commune_officer.pk and e.unit_id == hh.village_id for e in events)
    assert events[0].changes["value_vnd"] == 20_000_000 and events[0].changes["funding"] == "NSTW 70%; HO 30%"
    assert events[0].changes["member"] is True
    member = hh.members.first()
    text = str([e.changes for e in events])
    assert member.full_name not in text and (not member.citizen_id_digest or member.citizen_id_digest not in text)


def test_funding_rows_are_not_rewritten(commune_officer, hh):
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    before = list(SupportFunding.objects.filter(support=s1).values_list("pk", "amount_vnd"))
    actions.correct_support(commune_officer, s1, facts(hh, funding=[("NSDP", 100, True)]), reason="nguồn")
    assert list(SupportFunding.objects.filter(support=s1).values_list("pk", "amount_vnd")) == before
