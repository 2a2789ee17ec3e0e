"""Published scores are never stale (issue 12 §5; audit GAP 3): a value entered after the last
computation marks the scores as needing a new one (the scoring page says so), and the scoring does
not move on, nor get published, until they are computed again — nor when the platform's inputs
changed (a participant joined) since."""
import pytest
from django.core.exceptions import ValidationError

from chungtay.emulation import actions
from chungtay.emulation.models import Score, ScoreRun, ScoreTotal
from tests.emulation_helpers import evidence, scored, villages

STALE = "Số liệu đã thay đổi sau lần tính điểm"


def test_a_value_entered_after_the_computation_is_scored_before_publication(commune_officer, commune_chairman,
                                                                            my_commune, client):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    run = actions.advance_run(commune_officer, run)                               # → cluster re-check
    assert run.computed_at is not None
    # the re-check finds that the second village did communicate (B1: 0 → 1), with its record
    actions.enter_value(commune_officer, run, p2, "B1", 1, upload=evidence("bien-ban-phuc-tra.pdf"))
    run.refresh_from_db()
    assert run.computed_at is None
    # the scoring page says the scores shown are of the old inputs
    client.force_login(commune_officer)
    page = client.get(f"/emulation/runs/{run.pk}/").content.decode()
    assert 'id="stale"' in page and STALE in page
    # neither the council's step nor the publication before a new computation
    with pytest.raises(ValidationError, match=STALE):
        actions.advance_run(commune_officer, run)
    r = client.post(f"/emulation/runs/{run.pk}/advance/", {"comment_days": "15"}, follow=True)
    assert STALE in r.content.decode()
    assert ScoreRun.objects.get(pk=run.pk).state == "cluster_recheck"
    actions.compute_run(commune_officer, run)
    assert 'id="stale"' not in client.get(f"/emulation/runs/{run.pk}/").content.decode()
    run = actions.advance_run(commune_officer, ScoreRun.objects.get(pk=run.pk))  # → council
    run = actions.advance_run(commune_chairman, run, comment_days=15)             # → published
    s = Score.objects.get(run=run, participant=p2, criterion="B1")
    assert (s.recheck_value, s.value, s.points) == (1.0, 1.0, 10.0)               # the re-checked value counts
    assert ScoreTotal.objects.get(run=run, participant=p2).total == 20.0          # A1 10 + A2 0 + B1 10


def test_the_same_value_again_keeps_the_scores_current(commune_officer, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    actions.enter_value(commune_officer, run, p1, "B1", "1,0")
    run.refresh_from_db()
    assert run.computed_at is not None
    assert actions.advance_run(commune_officer, run).state == "cluster_recheck"


def test_a_participant_joined_after_the_computation_stops_the_next_step(commune_officer, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    p3 = actions.add_participant(commune_officer, m, unit=villages(my_commune, 3)[2])
    run.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        actions.advance_run(commune_officer, run)
    msg = " ".join(e.value.messages)
    assert STALE in msg and f"{p3.name}: chưa có trong lần tính" in msg
    actions.enter_value(commune_officer, run, p3, "B1", 1, upload=evidence())
    actions.compute_run(commune_officer, run)
    assert actions.advance_run(commune_officer, ScoreRun.objects.get(pk=run.pk)).state == "cluster_recheck"
