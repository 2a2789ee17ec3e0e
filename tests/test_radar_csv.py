"""A radar list downloaded as CSV: the whole list (not the page's first 50), the user's area only,
no ID numbers, formula-safe cells, a clear error for an unknown list."""
import csv
import io

from chungtay.households import protect
from chungtay.households.models import Household, Member
from chungtay.support.radar import radar_for


def _rows(resp):
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    text = resp.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_downloads_the_whole_list_of_the_commune(client, commune_officer, my_commune):
    client.force_login(commune_officer)
    r = radar_for(commune_officer, my_commune, 2025)
    assert len(r.unsupported) > 10
    resp = client.get(f"/support/radar/?unit={my_commune.pk}&year=2025&format=csv&list=unsupported")
    rows = _rows(resp)
    assert rows[0] == ["household_code", "head_name", "village", "details", "results_year", "tam_tinh", "reviewed",
                       "expected"]
    assert {(row[4], row[5]) for row in rows[1:]} == {("2025", "0")}       # a final year
    assert "chungtay-radar-unsupported-" in resp["Content-Disposition"] and resp["Cache-Control"] == "no-store, private"
    codes = {row[0] for row in rows[1:]}
    want = set(Household.objects.filter(pk__in=[x[0] for x in r.unsupported]).values_list("code", flat=True))
    assert len(rows) - 1 == len(r.unsupported) and codes == want
    assert all(row[3] in ("Hộ nghèo", "Hộ cận nghèo") for row in rows[1:])
    ids = {protect.decrypt(m.citizen_id_encrypted) for m in Member.objects.filter(household__code__in=codes)
           if m.citizen_id_encrypted}
    assert ids and not any(i in resp.content.decode("utf-8-sig") for i in ids)


def test_it_gives_more_than_the_page_shows(client, commune_officer, my_commune, monkeypatch):
    from chungtay.support import views_radar
    monkeypatch.setattr(views_radar, "SHORT", 5)     # the page shows 5 a list: the CSV still all
    client.force_login(commune_officer)
    page = client.get(f"/support/radar/?unit={my_commune.pk}&year=2025").content.decode()
    assert "Hiện thêm" in page
    rows = _rows(client.get(f"/support/radar/?unit={my_commune.pk}&year=2025&format=csv&list=unsupported"))
    assert len(rows) - 1 == len(radar_for(commune_officer, my_commune, 2025).unsupported) > 5


def test_the_village_head_gets_the_own_village_only(client, village_head):
    village = village_head.assignments.get().unit
    client.force_login(village_head)
    rows = _rows(client.get("/support/radar/?year=2025&format=csv&list=unsupported"))
    codes = [row[0] for row in rows[1:]]
    assert codes
    assert set(Household.objects.filter(code__in=codes).values_list("village_id", flat=True)) == {village.pk}


def test_it_refuses_another_communes_list(client, commune_officer, other_commune):
    client.force_login(commune_officer)
    assert client.get(f"/support/radar/?unit={other_commune.pk}&format=csv&list=persistent").status_code == 404


def test_an_unknown_list_is_a_clear_error(client, commune_officer):
    client.force_login(commune_officer)
    resp = client.get("/support/radar/?format=csv&list=everyone")
    assert resp.status_code == 400 and "Danh sách không hợp lệ" in resp.content.decode()


def test_the_page_links_each_list_to_its_csv(client, commune_officer, my_commune):
    client.force_login(commune_officer)
    page = client.get(f"/support/radar/?unit={my_commune.pk}&year=2025").content.decode()
    assert "format=csv" in page and "list=unsupported" in page and "Tải CSV" in page
