"""The outcomes of support ("Kết quả hỗ trợ") count the results up to the newest year whose figures
are final: a household surveyed in a 2026 round still open is not "escaped" on the page until the
round is recognised, unless the user asks to count the provisional year — then the page says
"Số liệu tạm tính" with the coverage, and /api/v1/outcomes gives `provisional` and its years."""
import datetime as dt

import pytest

from chungtay.households.models import Assessment, Household
from chungtay.reviews import actions as r_actions
from chungtay.reviews.models import ReviewRound
from chungtay.support import actions
from chungtay.support.radar import outcomes_for
from tests.support_helpers import facts

NEW = 2026


@pytest.fixture
def escaped_in_the_open_round(commune_officer, my_commune):
    """A household poor in 2024 and 2025, supported in 2025 (pending: no 2026 result), then surveyed
    in the open 2026 round with a good income."""
    poor = Assessment.objects.filter(commune=my_commune, kind="periodic", is_current=True, category="poor")
    both = set(poor.filter(year=2024).values_list("household_id", flat=True)) & \
        set(poor.filter(year=2025).values_list("household_id", flat=True))
    hh = Household.objects.filter(pk__in=both, status="active", end_year=None).exclude(supports__year__gte=2023) \
        .order_by("id").first()
    assert hh is not None, "the demo commune has households poor two years running"
    actions.record_support(commune_officer, hh, facts(hh, kind="barn", value_vnd=9_000_000, date=dt.date(2025, 4, 1)))
    rnd = r_actions.open_round(commune_officer, my_commune, NEW)
    r_actions.start_survey(commune_officer, rnd)
    r_actions.record_survey(commune_officer, rnd, hh, income=9_000_000)
    assert Assessment.objects.get(household=hh, year=NEW, kind="periodic", is_current=True).category != "poor"
    return hh


def test_a_provisional_result_is_not_counted_by_default(escaped_in_the_open_round, commune_officer, my_commune):
    hh = escaped_in_the_open_round
    final = outcomes_for(commune_officer, my_commune, 2025, 2025, kind="barn")
    assert hh.pk not in final.escaped_ids and final.pending >= 1
    counted = outcomes_for(commune_officer, my_commune, 2025, 2025, kind="barn", through=NEW)
    assert hh.pk in counted.escaped_ids and counted.pending == final.pending - 1


def test_the_page_says_what_it_counts(escaped_in_the_open_round, as_commune_officer, my_commune):
    url = f"/support/outcomes/?unit={my_commune.pk}&from=2025&to=2025&kind=barn"
    resp = as_commune_officer.get(url)
    html = resp.content.decode()
    assert resp.context["ry"].year == 2025 and escaped_in_the_open_round.pk not in resp.context["o"].escaped_ids
    assert 'class="provisional"' not in html
    assert 'id="newer-provisional"' in html and "đã rà soát 1/" in html
    resp = as_commune_officer.get(url + f"&results_year={NEW}")
    html = resp.content.decode()
    assert escaped_in_the_open_round.pk in resp.context["o"].escaped_ids
    assert "Số liệu tạm tính" in html and 'data-reviewed="1"' in html


def test_the_default_period_ends_at_the_final_year(escaped_in_the_open_round, as_commune_officer, my_commune):
    resp = as_commune_officer.get(f"/support/outcomes/?unit={my_commune.pk}")
    assert (resp.context["first"], resp.context["last"]) == (2023, 2025)


def test_the_api_says_whether_provisional_results_are_counted(escaped_in_the_open_round, as_commune_officer, my_commune):
    base = f"/api/v1/outcomes?unit={my_commune.pk}&from=2025&to=2025&kind=barn"
    body = as_commune_officer.get(base).json()
    assert (body["latest_year"], body["newest_year"], body["provisional"], body["provisional_years"]) == \
        (2025, NEW, False, [])
    body = as_commune_officer.get(base + f"&results_year={NEW}").json()
    assert (body["latest_year"], body["provisional"], body["provisional_years"], body["reviewed"]) == \
        (NEW, True, [NEW], 1)
    assert escaped_in_the_open_round.code in {h["household_code"] for h in body["escaped_households"]}


def test_recognition_counts_the_year(escaped_in_the_open_round, commune_officer, my_commune):
    ReviewRound.objects.filter(commune=my_commune, year=NEW).update(state="recognised")
    assert escaped_in_the_open_round.pk in outcomes_for(commune_officer, my_commune, 2025, 2025, kind="barn").escaped_ids
