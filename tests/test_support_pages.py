"""Every support page opens for each role of the area, in Vietnamese and in English, and the
household page shows the supports beside each year's result."""
import datetime as dt
import re

import pytest

from chungtay.households.models import Assessment
from chungtay.support import actions, people
from tests.support_helpers import facts, household_in

PAGES = ["/support/", "/support/programmes/", "/support/distributions/", "/support/partners/", "/support/pairings/",
         "/support/pledges/"]


@pytest.fixture
def hh(village_head, commune_officer):
    h = household_in(village_head.assignments.get().unit)
    actions.record_support(commune_officer, h, facts(h, date=dt.date(2024, 5, 10)))
    people.record_pledge(commune_officer, h, year=2024, plan="Nuôi bò sinh sản")
    return h


@pytest.mark.parametrize("username", ["xa", "tinh", "thon", "chutich", "admin"])
def test_pages_open_in_both_languages(client, django_user_model, hh, username):
    client.force_login(django_user_model.objects.get(username=username))
    for url in PAGES:
        vi = client.get(url)
        assert vi.status_code == 200, url
        client.cookies["chungtay_lang"] = "en"
        en = client.get(url).content.decode()
        client.cookies["chungtay_lang"] = "vi"
        assert 'lang="en"' in en, url
    client.cookies["chungtay_lang"] = "en"
    en = client.get("/support/programmes/").content.decode()
    assert "National Target Programme for Sustainable Poverty Reduction 2021–2025" in en


def test_the_household_page_shows_support_beside_the_year(client, commune_officer, hh):
    client.force_login(commune_officer)
    page = client.get(f"/households/{hh.pk}/").content.decode()
    panel = page[page.index('id="support"'):]
    row = re.search(r"<td><b>2024</b></td>(.*?)</tr>", panel, re.S).group(1)
    result = Assessment.objects.get(household=hh, year=2024, kind="periodic", is_current=True)
    from chungtay.core.standards import CATEGORY_NAMES
    assert CATEGORY_NAMES[result.category][0] in row
    assert "Con giống, vật nuôi" in row and "20.000.000" in row and "Nuôi bò sinh sản" in row
    assert "+ Ghi hỗ trợ" in page


def test_the_ledger_filters(client, commune_officer, hh, my_commune):
    client.force_login(commune_officer)
    assert hh.code in client.get(f"/support/?unit={my_commune.pk}&year=2024&kind=livestock&status=delivered").content.decode()
    assert hh.code not in client.get("/support/?year=2023").content.decode()
    assert hh.code not in client.get("/support/?kind=house").content.decode()
    assert hh.code in client.get("/support/?programme=GNBV2125.DA3").content.decode()
    assert hh.code not in client.get("/support/?programme=QVNN").content.decode()
    for bad in ("?unit=abc", "?year=xyz", "?year=99999", "?unit=999999999"):
        assert client.get("/support/" + bad).status_code == 404, bad
    assert client.get("/support/?page=zzz&kind=nonsense&status=x").status_code == 200


def test_the_unit_page_has_the_support_panel(client, commune_officer, hh, my_commune):
    client.force_login(commune_officer)
    page = client.get(f"/units/{my_commune.pk}/?year=2024").content.decode()
    assert 'id="support"' in page and "Lượt hỗ trợ" in page


def test_record_one_support_through_the_form(client, commune_officer, hh):
    client.force_login(commune_officer)
    r = client.post(f"/support/households/{hh.pk}/new/", {
        "part": "QVNN.HT", "kind": "scholarship", "quantity": "1", "unit_of_measure": "suất",
        "value_vnd": "2.000.000", "funding": "QVNN 100%", "date": "2024-09-05", "status": "delivered",
        "provider": f"u{hh.commune_id}", "member": str(hh.members.first().pk)})
    assert r.status_code == 302
    detail = client.get(r["Location"]).content.decode()
    assert "Học bổng" in detail and "2.000.000" in detail and "QVNN 100%" in detail
    entry = int(r["Location"].rstrip("/").split("/")[-1])
    r = client.post(f"/support/{entry}/correct/", {
        "part": "QVNN.HT", "kind": "scholarship", "quantity": "1", "unit_of_measure": "suất",
        "value_vnd": "3.000.000", "funding": "QVNN 100%", "date": "2024-09-05", "status": "delivered",
        "provider": f"u{hh.commune_id}", "member": "", "reason": "ghi nhầm số tiền"})
    assert r.status_code == 302
    detail = client.get(f"/support/{entry}/").content.decode()
    assert "3.000.000" in detail and "ghi nhầm số tiền" in detail and "đã thay" in detail


EXTREMES = ["", "0", "-1", "99999999999999999999", "9223372036854775808", "1e308", "nan", "abc", "x" * 3000,
            "' OR 1=1 --", "<script>", "GNBV2125%", "%", "_", "2024", "livestock"]


@pytest.mark.parametrize("username", ["xa", "thon", "xa2"])
def test_nonsense_parameters_never_make_a_server_error(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    for url in ("/support/", "/support/pledges/", "/support/pairings/", "/support/distributions/"):
        for v in EXTREMES:
            for key in ("unit", "year", "programme", "kind", "status", "household", "page"):
                r = client.get(url, {key: v})
                assert r.status_code in (200, 404), (url, key, v, r.status_code)
    for path in ("/support/9223372036854775808/", "/support/evidence/0/", "/support/distributions/99999999999/",
                 "/support/households/99999999999999/new/"):
        assert client.get(path).status_code in (403, 404), path
