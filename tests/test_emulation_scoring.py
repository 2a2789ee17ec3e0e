"""Scores computed from outcomes: the app gathers each participant's figures from the review
results and hands them to the core; the points, totals, ranks, bands and explanations are the
core's (hand-computed here)."""
import pytest

from chungtay.core import emulation as core
from chungtay.emulation.models import Score, ScoreTotal
from tests.emulation_helpers import TABLE, scored


@pytest.fixture
def run(commune_officer, my_commune):
    return scored(commune_officer, my_commune)


def test_escaped_households_are_counted_from_the_review_results(run):
    m, r, p1, p2, _ = run
    s1 = Score.objects.get(run=r, participant=p1, criterion="A1")
    s2 = Score.objects.get(run=r, participant=p2, criterion="A1")
    assert (s1.value, s2.value) == (3.0, 1.0)
    assert s1.source == "escaped"
    assert s1.figures_vi == "3 hộ nghèo năm 2024 không còn nghèo năm 2025 (trong 5 hộ nghèo)"
    assert s2.figures_en == "1 households poor in 2024 not poor in 2025 (of 2 poor)"


def test_points_totals_ranks_and_bands_by_hand(run):
    m, r, p1, p2, _ = run
    pts = {(s.participant_id, s.criterion): s.points for s in Score.objects.filter(run=r)}
    # A1 = 40 × min(3/4, 1) = 30 and 40 × 1/4 = 10; A2 = 20 × (v − 1)/(3 − 1): 20 and 0; B1 entered 1 / 0
    assert [pts[(p1.pk, c)] for c in ("A1", "A2", "B1")] == [30.0, 20.0, 10.0]
    assert [pts[(p2.pk, c)] for c in ("A1", "A2", "B1")] == [10.0, 0.0, 0.0]
    t = {x.participant_id: x for x in ScoreTotal.objects.filter(run=r)}
    assert (t[p1.pk].total, t[p1.pk].rank, t[p1.pk].band, t[p1.pk].cluster) == (60.0, 1, "Xuất sắc", "Cụm các thôn")
    assert (t[p2.pk].total, t[p2.pk].rank, t[p2.pk].band) == (10.0, 2, "Hoàn thành")


def test_the_same_numbers_as_the_core_and_its_explanation(run):
    m, r, p1, p2, result = run
    direct = core.score(core.parse_table(TABLE), {"escaped": [3, 1], "communication": [1, 0]},
                        [str(p1.pk), str(p2.pk)], ["Cụm các thôn"] * 2)
    app = {p.id: p for p in result.participants}
    assert [p.to_dict() for p in direct.participants] == [app[str(x.pk)].to_dict() for x in (p1, p2)]
    assert [p.total for p in direct.participants] == [x.total for x in ScoreTotal.objects.filter(run=r).order_by("rank")]
    s = Score.objects.get(run=r, participant=p1, criterion="A1")
    assert s.explanation_vi == "escaped = 3: 40 × 3/4 = 40 × 0,75 = 30 điểm"
    assert (s.explanation_vi, s.explanation_en) == direct.explain(0, "A1")
    rel = Score.objects.get(run=r, participant=p2, criterion="A2")
    assert "thấp nhất trong cụm 1, cao nhất 3" in rel.explanation_vi


def test_the_scoring_page_shows_each_score_with_its_formula(run, as_commune_officer):
    m, r, *_ = run
    page = as_commune_officer.get(f"/emulation/runs/{r.pk}/").content.decode()
    assert "escaped = 3: 40 × 3/4 = 40 × 0,75 = 30 điểm" in page
    assert "3 hộ nghèo năm 2024 không còn nghèo năm 2025" in page
    assert "Xuất sắc" in page and "Cụm các thôn" in page


def test_a_missing_entered_value_stops_the_computation_with_its_name(commune_officer, my_commune):
    from django.core.exceptions import ValidationError

    from chungtay.emulation import actions
    m, r, p1, p2, _ = scored(commune_officer, my_commune)
    from tests.emulation_helpers import villages
    v3 = villages(my_commune, 3)[2]
    p3 = actions.add_participant(commune_officer, m, unit=v3)
    with pytest.raises(ValidationError) as e:
        actions.compute_run(commune_officer, r)
    assert f"{p3.name}: B1" in " ".join(e.value.messages)


def test_publication_freezes_the_scores(run, commune_officer, commune_chairman):
    from django.core.exceptions import ValidationError

    from chungtay.emulation import actions
    m, r, p1, *_ = run
    actions.advance_run(commune_officer, r)            # → cluster re-check
    r.refresh_from_db()
    actions.enter_value(commune_officer, r, p1, "B1", 0)
    assert Score.objects.get(run=r, participant=p1, criterion="B1").recheck_value == 0
    actions.compute_run(commune_officer, r)            # the re-checked value scored before moving on
    actions.advance_run(commune_officer, r)            # → council
    r.refresh_from_db()
    actions.advance_run(commune_chairman, r, comment_days=10)
    r.refresh_from_db()
    assert r.state == "published" and (r.comment_until - r.published_on).days == 10
    with pytest.raises(ValidationError, match="đã công bố"):
        actions.compute_run(commune_officer, r)
