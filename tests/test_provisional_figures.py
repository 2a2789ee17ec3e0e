"""A year whose periodic round is not yet recognised shows its figures as provisional, with the
coverage, on the drill-down, dashboards, national page and CSV exports."""
import csv
import io

import pytest
from django.urls import reverse

from chungtay.households import actions
from chungtay.households.completeness import exists_in, year_status
from chungtay.households.models import Household
from chungtay.reviews.models import ReviewRound

NEW = 2026


@pytest.fixture
def one_surveyed(commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, assessments__year=2025).order_by("id").first()
    actions.record_assessment(commune_officer, hh, year=NEW, income=500_000, deprived=[])
    return hh


def _expected(commune):
    return Household.objects.filter(exists_in(NEW), commune=commune).count()


def test_loaded_years_are_final(commune_officer, my_commune):
    st = year_status(commune_officer, my_commune, 2025)
    assert st.final and st.reviewed == st.expected > 0


def test_it_marks_a_new_year_with_one_household_as_provisional(one_surveyed, commune_officer, my_commune):
    st = year_status(commune_officer, my_commune, NEW)
    assert not st.final
    assert st.reviewed == 1
    assert st.expected == _expected(my_commune) > 100
    assert st.label_vi.startswith("Số liệu tạm tính – đã rà soát 1/")
    assert st.label_en.startswith("Provisional – 1 of ")


def test_a_loaded_year_without_round_is_final_once_a_later_year_exists(commune_officer, my_commune):
    ReviewRound.objects.filter(commune=my_commune, year__in=[2024, 2025]).delete()
    assert year_status(commune_officer, my_commune, 2024).final
    assert not year_status(commune_officer, my_commune, 2025).final


def test_recognition_makes_the_year_final(one_surveyed, commune_officer, my_commune):
    rnd = ReviewRound.objects.create(commune=my_commune, province=my_commune.parent, year=NEW, state="posting")
    assert not year_status(commune_officer, my_commune, NEW).final
    rnd.state = "recognised"
    rnd.save()
    assert year_status(commune_officer, my_commune, NEW).final


def test_the_unit_page_shows_the_coverage(one_surveyed, as_commune_officer, my_commune):
    html = as_commune_officer.get(reverse("unit", args=[my_commune.pk]) + f"?year={NEW}").content.decode()
    n = _expected(my_commune)
    assert "Số liệu tạm tính" in html
    assert f"đã rà soát 1/{n:,} hộ".replace(",", ".") in html
    final = as_commune_officer.get(reverse("unit", args=[my_commune.pk]) + "?year=2025").content.decode()
    assert "Số liệu tạm tính" not in final


def test_the_province_page_marks_only_the_provisional_commune(one_surveyed, as_province_officer, my_commune):
    province = my_commune.parent
    html = as_province_officer.get(reverse("unit", args=[province.pk]) + f"?year={NEW}").content.decode()
    assert "Số liệu tạm tính" in html and "tạm tính 1/" in html


def test_the_dashboard_and_its_csv_say_provisional(one_surveyed, as_commune_officer, my_commune):
    url = reverse("dashboard", args=[my_commune.pk])
    html = as_commune_officer.get(url + f"?year={NEW}").content.decode()
    assert "Số liệu tạm tính" in html and "đã rà soát 1/" in html
    body = as_commune_officer.get(reverse("dashboard_csv", args=[my_commune.pk]) + f"?year={NEW}&part=trend")
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    by_year = {int(r["year"]): r for r in rows}
    assert by_year[NEW]["tam_tinh"] == "1" and by_year[NEW]["reviewed"] == "1"
    assert by_year[2025]["tam_tinh"] == "0"
    kids = as_commune_officer.get(reverse("dashboard_csv", args=[my_commune.pk]) + f"?year={NEW}&part=children")
    rows = list(csv.DictReader(io.StringIO(kids.content.decode("utf-8-sig"))))
    assert rows and all(r["tam_tinh"] == "1" for r in rows)


def test_the_unit_csv_has_the_tam_tinh_column(one_surveyed, as_commune_officer, my_commune):
    body = as_commune_officer.get(reverse("unit", args=[my_commune.pk]) + f"?year={NEW}&format=csv")
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    total = rows[-1]
    assert total["tam_tinh"] == "1" and total["reviewed"] == "1"
    assert int(total["expected"]) == _expected(my_commune)


def test_the_national_page_marks_the_province(one_surveyed, client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("national") + f"?year={NEW}").content.decode()
    assert "tạm tính 1/" in html
    assert "tạm tính" not in client.get(reverse("national") + "?year=2025").content.decode()


def test_the_household_list_csv_marks_the_provisional_year(one_surveyed, as_commune_officer, my_commune):
    for year, flag in ((NEW, "1"), (2025, "0")):
        body = as_commune_officer.get(reverse("households") + f"?unit={my_commune.pk}&year={year}&format=csv")
        rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
        assert rows and {r["tam_tinh"] for r in rows} == {flag}, year
    rows = list(csv.DictReader(io.StringIO(as_commune_officer.get(
        reverse("households") + f"?unit={my_commune.pk}&year={NEW}&format=csv").content.decode("utf-8-sig"))))
    assert [r["category"] for r in rows if r["household_code"] == one_surveyed.code] != [""]


def test_the_parquet_export_marks_the_provisional_rows(one_surveyed, tmp_path):
    import duckdb

    from chungtay.snapshots import export
    export(tmp_path, years=[2025, NEW])
    con = duckdb.connect()
    got = dict(con.sql(f"SELECT year, bool_and(provisional) FROM read_parquet('{tmp_path}/year=*/*/*.parquet', "
                       "hive_partitioning = true) GROUP BY year").fetchall())
    assert got == {2025: False, NEW: True}
