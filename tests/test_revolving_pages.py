"""Revolving pages as each role (Vietnamese and English), the forms shown only to those allowed,
a pass-on recorded through the page, the household panel, and the seeds' demo models."""
import datetime as dt

import pytest
from django.template import Context, Template

from chungtay.households.models import Household
from chungtay.revolving import actions
from chungtay.revolving.demo import FERTILISER, GOATS, create_demo_models
from chungtay.revolving.models import Event, RevolvingModel
from chungtay.revolving.queries import state_of

D = dt.date


@pytest.fixture
def world(commune_officer, village_head, my_commune):
    village = village_head.assignments.get().unit
    live = Household.objects.filter(status="active", end_year=None).order_by("id")
    first = live.filter(village=village).first()
    others = list(live.filter(commune=my_commune).exclude(village=village)[:2])
    m = actions.create_model(commune_officer, commune=my_commune, code="DE-PAGE", name="Dê luân chuyển thôn",
                             kind="livestock", rule_type="offspring", months=12, start_date=D(2022, 1, 1),
                             planned=[first.code] + [h.code for h in others])
    goat = actions.add_asset(commune_officer, m, code="D1", value_vnd=3_000_000, household=first, date=D(2022, 1, 10),
                             sex="female")
    return m, goat, first, others


@pytest.mark.parametrize("username", ["xa", "tinh", "thon", "chutich", "admin"])
def test_pages_open_for_each_role_in_both_languages(client, django_user_model, world, username):
    m = world[0]
    client.force_login(django_user_model.objects.get(username=username))
    for url in ["/support/revolving/", f"/support/revolving/{m.pk}/"]:
        vi = client.get(url).content.decode()
        assert "Dê luân chuyển thôn" in vi and "luân chuyển" in vi, url
        client.cookies["chungtay_lang"] = "en"
        en = client.get(url).content.decode()
        client.cookies["chungtay_lang"] = "vi"
        assert 'lang="en"' in en and ("Revolving" in en or "Chain by generation" in en), url
    page = client.get(f"/support/revolving/{m.pk}/").content.decode()
    assert "Cảnh báo quá hạn" in page                      # received 2022-01-10, due 2023-01-10
    assert ("Luân chuyển sang hộ khác" in page) == (username in ("xa", "thon"))
    assert ("Thêm tài sản" in page) == (username in ("xa", "tinh"))


def test_other_commune_cannot_see_the_model(client, other_commune_officer, world):
    client.force_login(other_commune_officer)
    assert client.get(f"/support/revolving/{world[0].pk}/").status_code == 404
    assert "DE-PAGE" not in client.get("/support/revolving/").content.decode()


def test_the_village_head_passes_on_through_the_page(client, village_head, world):
    m, goat, first, others = world
    client.force_login(village_head)
    r = client.post(f"/support/revolving/{m.pk}/events/transfer/",
                    {"asset": goat.pk, "to_household": others[0].code, "date": "2022-12-01", "witness": "Cán bộ xã",
                     "decision_no": "4/QĐ-thôn"})
    assert r.status_code == 302
    e = Event.objects.get(model=m, kind="transfer")
    assert (e.from_household, e.to_household, e.recorded_by) == (first, others[0], village_head)
    # the goat now sits outside the village head's village: refused there
    r = client.post(f"/support/revolving/{m.pk}/events/death/", {"asset": goat.pk, "date": "2023-01-01"})
    assert r.status_code == 403
    r = client.post(f"/support/revolving/{m.pk}/events/transfer/",
                    {"asset": goat.pk, "to_household": "KHONG-CO", "date": "2023-01-01", "witness": "x"})
    assert r.status_code in (200, 403)


def test_a_refusal_is_shown_on_the_page(client, commune_officer, world):
    m, goat, first, others = world
    client.force_login(commune_officer)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = client.post(f"/support/revolving/{m.pk}/events/transfer/",
                    {"asset": goat.pk, "to_household": others[0].code, "date": future, "witness": "x"})
    assert r.status_code == 200 and "tương lai" in r.content.decode()
    assert not Event.objects.filter(model=m, kind="transfer").exists()


def test_create_a_model_through_the_page(client, commune_officer, my_commune):
    client.force_login(commune_officer)
    assert client.get("/support/revolving/new/").status_code == 200
    r = client.post("/support/revolving/new/", {"commune": my_commune.pk, "code": "VON-01", "name": "Vốn xoay vòng",
                                                "kind": "capital", "rule_type": "rotate", "months": "12",
                                                "start_date": "2024-01-01", "planned": ""})
    assert r.status_code == 302
    assert RevolvingModel.objects.get(code="VON-01").rule == {"type": "rotate", "months": 12}


def test_the_household_panel(rf, village_head, world):
    m, goat, first, others = world
    request = rf.get("/")
    request.user = village_head
    html = Template("{% load revolving %}{% revolving_panel hh %}").render(
        Context({"hh": first, "user": village_head, "request": request, "lang": "vi"}))
    assert "DE-PAGE" in html and "Quá hạn chưa chuyển" in html


def test_demo_models_of_the_seeds(commune_officer):
    today = D(2026, 6, 1)
    built = create_demo_models(log=lambda m: None, today=today)
    codes = {m.code for m in built}
    assert codes == {GOATS, FERTILISER}           # the demo world has households in both communes
    for m in built:
        st = state_of(m, today)
        if m.code == GOATS:
            assert (st.health.dead, st.health.sold, st.health.overdue, st.health.generations) == (1, 1, 1, 3)
            assert st.health.reached == 7 and st.health.planned == 8
        else:
            assert st.health.overdue == 0 and st.health.reached == 6
    again = create_demo_models(log=lambda m: None, today=today)
    assert {m.pk for m in again} == {m.pk for m in built}
    assert Event.objects.filter(model__code__in=codes).count() == sum(
        Event.objects.filter(model=m).count() for m in built)


def test_households_outside_the_area_show_their_code_only(client, village_head, commune_officer, world):
    m, goat, first, others = world
    actions.record_transfer(commune_officer, m, goat, to_household=others[0], date=D(2022, 12, 1), witness="x")
    client.force_login(village_head)
    page = client.get(f"/support/revolving/{m.pk}/").content.decode()
    assert others[0].code in page and (not others[0].head_name or others[0].head_name not in page)
    assert first.head_name in page
    client.force_login(commune_officer)
    assert others[0].head_name in client.get(f"/support/revolving/{m.pk}/").content.decode()


def test_demo_pages_open(client, province_officer):
    built = create_demo_models(log=lambda m: None)
    client.force_login(province_officer)
    for m in built:
        page = client.get(f"/support/revolving/{m.pk}/").content.decode()
        assert m.name in page and "Chuỗi luân chuyển" in page
    listing = client.get("/support/revolving/").content.decode()
    assert all(m.code in listing for m in built)
