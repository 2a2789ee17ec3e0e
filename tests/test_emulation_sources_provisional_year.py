"""Emulation criteria computed from periodic results say when a year they use is not yet
recognised: the value is computed (a movement may be scored early, as a draft) and its figures
start with "Số liệu tạm tính" — see emulation/sources.py — with the coverage; a final year
carries no mark, and recognition removes it."""
import pytest

from chungtay.emulation import actions
from chungtay.emulation.sources import figure
from chungtay.reviews.models import ReviewRound
from tests.emulation_helpers import movement
from tests.provisional_helpers import NEW, survey_one


@pytest.fixture
def one_surveyed(commune_officer, my_commune):
    return survey_one(commune_officer, my_commune, income=9_000_000)      # not poor any more


@pytest.mark.parametrize("source", ["escaped", "escaped_stayed", "villages_without_poor", "poverty_rate_fall"])
def test_a_units_figure_of_an_open_year_is_marked(one_surveyed, commune_officer, my_commune, source):
    m = movement(commune_officer, my_commune, end_year=NEW)
    p = actions.add_participant(commune_officer, m, unit=my_commune)
    f = figure(source, p, NEW, m)
    assert f.value is not None
    assert f.vi.startswith("Số liệu tạm tính") and "đã rà soát 1/" in f.vi
    assert f.en.startswith("Provisional") and "1 of " in f.en
    final = figure(source, p, 2025, m)
    assert "tạm tính" not in final.vi and "Provisional" not in final.en


def test_a_households_figure_follows_its_communes_round(one_surveyed, commune_officer, my_commune):
    m = movement(commune_officer, my_commune, end_year=NEW)
    p = actions.add_participant(commune_officer, m, household=one_surveyed)
    assert figure("pledge_kept", p, NEW, m).vi.startswith("Số liệu tạm tính")
    ReviewRound.objects.filter(commune=my_commune, year=NEW).update(state="recognised")
    f = figure("pledge_kept", p, NEW, m)
    assert f.value is not None and "tạm tính" not in f.vi


def test_other_sources_carry_no_mark(one_surveyed, commune_officer, my_commune):
    m = movement(commune_officer, my_commune, end_year=NEW)
    p = actions.add_participant(commune_officer, m, unit=my_commune)
    assert "tạm tính" not in figure("supports_delivered", p, NEW, m).vi
