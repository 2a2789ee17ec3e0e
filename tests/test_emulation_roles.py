"""Role refusals (403) of the emulation writes, in the actions and on the pages
(docs/roles.md: the commune officer runs the commune's movement, the chairman publishes)."""
import pytest
from django.core.exceptions import PermissionDenied

from chungtay.emulation import actions
from chungtay.emulation.models import Movement
from tests.emulation_helpers import movement, scored


def test_the_chairman_and_the_village_head_do_not_launch(commune_chairman, village_head, my_commune, client):
    for u in (commune_chairman, village_head):
        with pytest.raises(PermissionDenied, match="Không được phát động phong trào thi đua"):
            movement(u, my_commune)
        client.force_login(u)
        assert client.post("/emulation/", {}).status_code == 403


def test_another_commune_is_outside_the_area(other_commune_officer, my_commune):
    with pytest.raises(PermissionDenied, match="nằm ngoài địa bàn được giao"):
        movement(other_commune_officer, my_commune)


def test_the_national_level_writes_nothing_and_the_national_movements_are_reference_data(admin_user, province_officer,
                                                                                        my_commune):
    with pytest.raises(PermissionDenied):
        movement(admin_user, my_commune)
    national = Movement.objects.get(level="national", decision_no="666/QĐ-TTg")
    with pytest.raises(PermissionDenied, match="dữ liệu có sẵn"):
        actions.add_cluster(province_officer, national, name="Cụm")


def test_only_the_chairman_or_the_province_publishes(commune_officer, commune_chairman, my_commune, client):
    m, run, *_ = scored(commune_officer, my_commune)
    actions.advance_run(commune_officer, run)
    run.refresh_from_db()
    actions.advance_run(commune_officer, run)
    run.refresh_from_db()
    assert run.state == "council"
    with pytest.raises(PermissionDenied, match="công bố kết quả chấm điểm thi đua"):
        actions.advance_run(commune_officer, run)
    client.force_login(commune_officer)
    assert client.post(f"/emulation/runs/{run.pk}/advance/", {"comment_days": "15"}).status_code == 403
    client.force_login(commune_chairman)
    assert client.post(f"/emulation/runs/{run.pk}/advance/", {"comment_days": "15"}).status_code == 302
    run.refresh_from_db()
    assert run.state == "published"


def test_the_chairman_does_not_score_and_the_village_head_does_not_manage(commune_officer, commune_chairman,
                                                                         village_head, my_commune, client):
    m, run, p1, *_ = scored(commune_officer, my_commune)
    with pytest.raises(PermissionDenied):
        actions.enter_value(commune_chairman, run, p1, "B1", 1)
    with pytest.raises(PermissionDenied):
        actions.compute_run(village_head, run)
    client.force_login(village_head)
    for url in (f"/emulation/{m.pk}/participants/", f"/emulation/{m.pk}/registrations/", f"/emulation/{m.pk}/pacts/",
                f"/emulation/{m.pk}/activities/", f"/emulation/{m.pk}/criteria/", f"/emulation/runs/{run.pk}/",
                f"/emulation/runs/{run.pk}/value/"):
        assert client.post(url, {}).status_code == 403, url
    page = client.get(f"/emulation/runs/{run.pk}/").content.decode()
    assert "Tính điểm" not in page
