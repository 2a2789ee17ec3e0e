"""A province's prepared radar is built from the province's newest final year while one commune's
2026 round is open; the results year is part of the prepared row's parameters, so the provisional
radar (asked for) and the final one are two rows, and recognising the round never serves the
figures of the other year. The province page of the provisional year carries the badge."""

import datetime as dt

from chungtay.reviews.models import ReviewRound
from chungtay.support import prepared
from chungtay.support.models import PreparedAnalysis
from chungtay.support import radar as reads
from tests.provisional_helpers import NEW
from tests.support_helpers import when_ready


def test_the_province_radar_uses_its_final_year(one_surveyed, province_officer, my_commune):
    province = my_commune.parent
    ry = reads.results_year(province_officer, province)
    assert (ry.year, ry.newest) == (2025, NEW) and ry.newer_provisional.provisional
    got = reads.radar_for(province_officer, province, NEW)
    assert got.latest_year == 2025
    assert PreparedAnalysis.objects.filter(kind="radar", unit=province, params=f"latest=2025&year={NEW}").exists()
    asked = reads.radar_for(province_officer, province, NEW, NEW)
    assert asked.latest_year == NEW and asked.counts() == reads.compute_radar(province_officer, province, NEW, NEW).counts()
    assert PreparedAnalysis.objects.filter(kind="radar", unit=province, params=f"latest={NEW}&year={NEW}").exists()


def test_the_province_page_of_the_provisional_year(one_surveyed, as_province_officer, my_commune):
    province = my_commune.parent
    html = when_ready(as_province_officer, f"/support/radar/?unit={province.pk}").content.decode()
    assert 'class="provisional"' not in html and 'id="newer-provisional"' in html
    html = when_ready(as_province_officer, f"/support/radar/?unit={province.pk}&results_year={NEW}").content.decode()
    assert "Số liệu tạm tính" in html and "đã rà soát 1/" in html and "xã đã công nhận kết quả" in html


def test_the_defaults_prepared_by_the_loader_are_the_final_year(one_surveyed, my_commune):
    province = my_commune.parent
    PreparedAnalysis.objects.all().delete()
    assert prepared.prepare_defaults([province]) == 2
    assert set(PreparedAnalysis.objects.filter(unit=province).values_list("params", flat=True)) >= {
        f"latest=2025&year={NEW}", "first=2023&kind=&last=2025&programme=&through=2025"}


def test_the_worker_recomputes_a_stale_row_of_its_results_year(one_surveyed, province_officer, my_commune):
    province = my_commune.parent
    reads.radar_for(province_officer, province, NEW, NEW)
    PreparedAnalysis.objects.filter(unit=province).update(stamp="old", asked_at=dt.datetime.now(dt.timezone.utc))
    assert prepared.refresh_stale() >= 1
    row = PreparedAnalysis.objects.get(kind="radar", unit=province, params=f"latest={NEW}&year={NEW}")
    assert row.payload["latest_year"] == NEW


def test_recognition_moves_the_default_to_the_new_year(one_surveyed, province_officer, my_commune):
    province = my_commune.parent
    ReviewRound.objects.filter(commune=my_commune, year=NEW).update(state="recognised")
    # the other communes of the province have no 2026 round and no 2026 result: still not final
    assert reads.results_year(province_officer, province).year == 2025
    assert reads.results_year(province_officer, my_commune).year == NEW
