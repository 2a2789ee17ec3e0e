"""The radar's reader reads only the rows the rules need: the answer equals the pure core run on
every row of the unit (demo commune, with a constructed persistent and a fell-back household)."""
import pytest

from chungtay.core import radar as rc
from chungtay.households.models import Assessment, Household
from chungtay.support.models import Pledge, Support
from chungtay.support.radar import BITS, _latest_row, radar_for


@pytest.mark.parametrize("year", [2025, 2026])
def test_reader_equals_the_core_on_all_rows(commune_officer, my_commune, year):
    away = set(Household.objects.filter(commune=my_commune).exclude(status="active").values_list("id", flat=True))
    rows = Assessment.objects.filter(commune=my_commune, kind="periodic", is_current=True)
    latest = max(rows.values_list("year", flat=True))
    history, last = {}, {}
    for h, y, c in rows.values_list("household_id", "year", "category"):
        if h not in away:
            history.setdefault(h, {})[y] = c
    for row in rows.filter(year=latest, category__in=rc.POORISH).annotate(bits=BITS).values_list(
            "household_id", "category", "standard", "area", "basis", "income", "bits"):
        if row[0] not in away:
            last[row[0]] = _latest_row(row)
    supports = Support.objects.filter(commune=my_commune, is_current=True, status="delivered").values_list(
        "household_id", "year", "kind")
    pledges = [p for p in Pledge.objects.filter(commune=my_commune).values_list("id", "household_id", "year") if p[1] not in away]
    want = rc.radar(history, last, supports, pledges, year=year, latest_year=latest)
    got = radar_for(commune_officer, my_commune, year)
    assert got.latest_year == want.latest_year == latest
    for name in ("persistent", "unsupported", "fell_back", "pledges", "near_escape"):
        assert getattr(got, name) == getattr(want, name), name
    assert want.persistent or want.unsupported, "the demo commune has poor households"


def test_the_bits_are_the_flags(my_commune):
    from chungtay.core.standards import get_standard
    row = Assessment.objects.filter(commune=my_commune, deprivation_count__gte=2).annotate(bits=BITS).order_by("id")[0]
    s = get_standard(row.standard)
    assert _latest_row((row.household_id, row.category, row.standard, row.area, row.basis, row.income, row.bits)).deprived \
        == tuple(row.deprived_codes(s))
