"""Reads of the emulation movement follow the area: another commune's officer gets 404 on a
commune's movement, its scores and its files, and does not see it in the list; the province's
movement and the national ones are seen below them."""
import datetime as dt

import pytest

from chungtay.emulation.models import EvidenceFile, Movement
from tests.emulation_helpers import movement, scored


@pytest.fixture
def scored_run(commune_officer, my_commune):
    return scored(commune_officer, my_commune)


def test_another_communes_officer_gets_404(scored_run, client, other_commune_officer):
    m, run, *_ = scored_run
    ev = EvidenceFile.objects.create(movement=m, stored_name="scope-x.png", original_name="a.png",
                                     content_type="image/png", size=1, sha256="0")
    client.force_login(other_commune_officer)
    for url in (f"/emulation/{m.pk}/", f"/emulation/{m.pk}/participants/", f"/emulation/{m.pk}/registrations/",
                f"/emulation/{m.pk}/pacts/", f"/emulation/{m.pk}/activities/", f"/emulation/{m.pk}/criteria/",
                f"/emulation/runs/{run.pk}/", f"/emulation/criteria/{run.criteria_set_id}.json",
                f"/emulation/evidence/{ev.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/emulation/{m.pk}/participants/", {}).status_code == 404
    assert m.name not in client.get("/emulation/").content.decode()


def test_the_commune_the_province_and_the_village_head_see_it(scored_run, client, province_officer, village_head,
                                                              commune_chairman):
    m, run, *_ = scored_run
    for u in (province_officer, village_head, commune_chairman):
        client.force_login(u)
        assert client.get(f"/emulation/runs/{run.pk}/").status_code == 200
        assert m.name in client.get("/emulation/").content.decode()


def test_a_provinces_movement_and_the_national_ones_are_seen_below(province_officer, my_commune,
                                                                   other_commune_officer, commune_officer):
    national = Movement.objects.get(level="national", decision_no="1258/QĐ-TTg")
    pm = movement(province_officer, None, level="province", unit=my_commune.parent, name="Tỉnh chung tay",
                  decision_no="2736/KH-UBND", decision_date=dt.date(2017, 10, 11), start_year=2016, end_year=2020,
                  parent=national)
    for u in (commune_officer, other_commune_officer):
        seen = set(Movement.objects.for_user(u).values_list("pk", flat=True))
        assert {national.pk, pm.pk} <= seen
