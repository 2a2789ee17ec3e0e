"""The escaped / escaped-and-stayed figures read only the histories of households that were poor in
the two earlier years (a province's three years of results are ~400,000 rows, its poor a tenth),
and give exactly the figures of the whole history."""
import pytest

from chungtay.core import emulation_sources as core
from chungtay.emulation import sources
from chungtay.emulation.models import Participant
from chungtay.households.models import Assessment


def _participants(commune):
    village = commune.children.filter(level="village").order_by("code").first()
    hh = (Assessment.objects.filter(commune=commune, kind="periodic", is_current=True, category="poor", year=2023)
          .order_by("household_id").values_list("household_id", flat=True).first())
    return [Participant(kind="unit", unit=commune.parent), Participant(kind="unit", unit=commune),
            Participant(kind="unit", unit=village), Participant(kind="household", household_id=hh)]


@pytest.mark.parametrize("source,core_figure", [("escaped", core.escaped), ("escaped_stayed", core.escaped_stayed)])
def test_it_gives_the_figures_of_the_whole_history(my_commune, source, core_figure):
    seen = 0
    for p in _participants(my_commune):
        for year in range(2018, 2026):
            whole = sources._history(p, range(year - 2, year + 1))
            got = sources._figure(source, p, year, None)
            want = core_figure(whole, year)
            assert (got.value, got.vi, got.en) == (want.value, want.vi, want.en), (p.kind, p.unit_id, year)
            seen += got.value > 0
    assert seen          # some figures are not zero: the comparison says something


def test_it_reads_fewer_households(my_commune):
    p = Participant(kind="unit", unit=my_commune)
    whole = sources._history(p, range(2023, 2026))
    poor = sources._history(p, range(2023, 2026), poor_in=(2023, 2024))
    assert 0 < len(poor) < len(whole) / 2
    assert all(whole[h] == poor[h] for h in poor)          # each history kept whole
