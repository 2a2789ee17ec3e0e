"""The radar and outcomes pages as each role: scoped to the user's area (the village head sees
only the own village; a unit outside the area is not found), both languages, bad parameters."""
import datetime as dt
import re

import pytest

from chungtay.households.models import Assessment, Household
from chungtay.support import actions, people
from chungtay.support.radar import outcomes_for, radar_for
from tests.support_helpers import facts, household_in, when_ready

PAGES = ["/support/radar/", "/support/outcomes/"]


@pytest.mark.parametrize("username", ["xa", "tinh", "thon", "chutich", "admin", "xa2"])
def test_pages_open_in_both_languages(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    for url in PAGES:
        vi = when_ready(client, url)
        assert vi.status_code == 200, url
        client.cookies["chungtay_lang"] = "en"
        en = client.get(url).content.decode()
        client.cookies["chungtay_lang"] = "vi"
        assert 'lang="en"' in en, url
    assert "Không để ai bị bỏ lại phía sau" in client.get("/support/radar/").content.decode()
    assert "Kết quả hỗ trợ" in client.get("/support/outcomes/").content.decode()


def test_anonymous_is_sent_to_log_in(client):
    for url in PAGES:
        assert client.get(url).status_code == 302


def _codes(html):
    return set(re.findall(r'href="/households/(\d+)/"', html))


def test_the_village_head_sees_only_the_own_village(client, village_head, my_commune):
    village = village_head.assignments.get().unit
    client.force_login(village_head)
    page = client.get("/support/radar/?full=unsupported").content.decode()
    assert village.full_name in page
    ids = {int(i) for i in _codes(page)}
    assert ids, "the demo village has poor households"
    assert set(Household.objects.filter(pk__in=ids).values_list("village_id", flat=True)) == {village.pk}
    for url in PAGES:
        assert client.get(f"{url}?unit={my_commune.pk}").status_code == 404
        assert client.get(f"{url}?unit={village.pk}").status_code == 200


def test_a_unit_outside_the_area_is_not_found(client, commune_officer, other_commune, my_commune):
    client.force_login(commune_officer)
    for url in PAGES:
        assert client.get(f"{url}?unit={other_commune.pk}").status_code == 404
        assert client.get(f"{url}?unit={my_commune.pk}").status_code == 200


def test_bad_parameters_are_not_a_server_error(client, commune_officer):
    client.force_login(commune_officer)
    for url in PAGES:
        for bad in ("?unit=abc", "?unit=-1", "?unit=99999999999999999999999", "?unit=999999999"):
            assert client.get(url + bad).status_code == 404, bad
        for odd in ("?year=xyz", "?year=99999", "?full=nonsense", "?from=abc&to=1", "?from=2030&to=2020",
                    "?kind=nonsense&programme=%00%27", "?programme=" + "x" * 500):
            assert client.get(url + odd).status_code in (200, 400), odd     # a NUL byte: 400 by the middleware


def test_a_pledge_with_no_support_shows_until_support_is_delivered(client, commune_officer, my_commune):
    from chungtay.support.models import Pledge, Support
    busy = set(Support.objects.filter(year__in=(2024, 2025)).values_list("household_id", flat=True)) | \
        set(Pledge.objects.filter(year=2025).values_list("household_id", flat=True))
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(pk__in=busy).order_by("id")[0]
    people.record_pledge(commune_officer, hh, year=2025, plan="Nuôi lợn")
    assert hh.pk in {h for _, h, _ in radar_for(commune_officer, my_commune, 2025).pledges}
    client.force_login(commune_officer)
    page = client.get(f"/support/radar/?unit={my_commune.pk}&year=2025&full=pledges").content.decode()
    assert f'href="/households/{hh.pk}/"' in page[page.index('id="pledges"'):]
    actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2024, 3, 1)))
    assert hh.pk not in {h for _, h, _ in radar_for(commune_officer, my_commune, 2025).pledges}


def test_outcomes_count_a_supported_household(commune_officer, my_commune):
    latest = Assessment.objects.filter(commune=my_commune, kind="periodic", is_current=True).order_by("-year")[0].year
    base = latest - 1
    hh = Household.objects.get(pk=Assessment.objects.filter(commune=my_commune, year=base - 1, category="poor", kind="periodic",
                                                            is_current=True, household__status="active")
                               .order_by("household_id")[0].household_id)
    before = outcomes_for(commune_officer, my_commune, base, base, kind="barn")
    actions.record_support(commune_officer, hh, facts(hh, kind="barn", value_vnd=7_000_000, date=dt.date(base, 4, 1)))
    after = outcomes_for(commune_officer, my_commune, base, base, kind="barn")
    assert after.supported == before.supported + 1 and after.value_vnd == before.value_vnd + 7_000_000
    assert after.eligible == before.eligible + 1
