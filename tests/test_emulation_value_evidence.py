"""Entered criteria come with evidence (issue 12 §5: "self-assessment with evidence", "the other
criteria are entered with evidence"; audit GAP 4): a value is refused without a file unless that
participant's value on that criterion already has one (a re-check or the council confirming it),
and the computation refuses an entered value without evidence."""
import pytest
from django.core.exceptions import ValidationError

from chungtay.emulation import actions
from chungtay.emulation.models import Score
from tests.emulation_helpers import TABLE, evidence, movement, villages

NEEDS = "Cần tệp minh chứng"


def _run(officer, commune):
    m = movement(officer, commune)
    p1, p2 = (actions.add_participant(officer, m, unit=v) for v in villages(commune))
    run = actions.open_run(officer, actions.add_criteria_set(officer, m, TABLE), year=2025)
    return m, run, p1, p2


def test_a_value_without_evidence_is_refused(commune_officer, my_commune):
    m, run, p1, p2 = _run(commune_officer, my_commune)
    with pytest.raises(ValidationError) as e:
        actions.enter_value(commune_officer, run, p1, "B1", 1)
    assert NEEDS in e.value.message_dict["evidence"][0]
    assert not Score.objects.filter(run=run).exists()
    s = actions.enter_value(commune_officer, run, p1, "B1", 1, upload=evidence())
    assert s.self_value == 1 and s.evidence_id is not None
    # at the re-check the value may keep the file it has, or come with the re-check's record
    actions.enter_value(commune_officer, run, p2, "B1", 0, upload=evidence())
    actions.compute_run(commune_officer, run)
    run = actions.advance_run(commune_officer, run)
    kept = actions.enter_value(commune_officer, run, p1, "B1", 0)
    assert (kept.recheck_value, kept.evidence_id) == (0, s.evidence_id)


def test_the_value_form_says_the_evidence_is_missing(client, commune_officer, my_commune):
    m, run, p1, p2 = _run(commune_officer, my_commune)
    client.force_login(commune_officer)
    r = client.post(f"/emulation/runs/{run.pk}/value/", {"participant": str(p1.pk), "criterion": "B1", "value": "1"})
    assert r.status_code == 200 and NEEDS in r.content.decode()
    r = client.post(f"/emulation/runs/{run.pk}/value/", {"participant": str(p1.pk), "criterion": "B1", "value": "1",
                                                          "evidence": evidence()})
    assert r.status_code == 302 and Score.objects.get(run=run, participant=p1).evidence_id


def test_the_computation_refuses_an_entered_value_without_evidence(commune_officer, my_commune):
    m, run, p1, p2 = _run(commune_officer, my_commune)
    actions.enter_value(commune_officer, run, p1, "B1", 1, upload=evidence())
    Score.objects.create(run=run, participant=p2, criterion="B1", self_value=0)    # as recorded before the rule
    with pytest.raises(ValidationError) as e:
        actions.compute_run(commune_officer, run)
    assert f"Giá trị nhập chưa có minh chứng, cần tải tệp lên: {p2.name}: B1" in " ".join(e.value.messages)
