"""A target's page "as of" a year before its baseline (or with no result yet) has no actual figure:
it shows "–" where the figure would be, never a server error (`?as_of=-1` and `?as_of=1900`
answered 500: the template asked for the value of a missing figure)."""
import pytest

from chungtay.plans import actions
from chungtay.plans.models import Target
from chungtay.units.models import Unit


@pytest.fixture
def target(province_officer):
    province = Unit.objects.get(system="2025", level="province", code="51")
    plan = actions.create_plan(province_officer, unit=province, title="Kế hoạch 2021–2025", document_no="98/KH-UBND",
                               start_year=2022, end_year=2025)
    return actions.add_target(province_officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS,
                              low=2, high=3, counted=2.5, baseline_year=2022)


@pytest.mark.parametrize("as_of", ["-1", "1", "1900", "2022", "2021"])
def test_a_year_with_no_actual_figure_shows_a_dash(client, province_officer, target, as_of):
    client.force_login(province_officer)
    r = client.get(f"/plans/targets/{target.pk}/", {"as_of": as_of})
    assert r.status_code == 200
    assert "–" in r.content.decode()


def test_a_later_year_still_shows_its_figure(client, province_officer, target):
    client.force_login(province_officer)
    page = client.get(f"/plans/targets/{target.pk}/", {"as_of": "2025"}).content.decode()
    assert "Thực hiện" in page and "(2025)" in page
