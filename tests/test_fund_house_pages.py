"""The Great Unity house pages (issue 11 §3, docs/fund.md §14): the commune's Front committee starts
a house for a household of its commune with the contributions by source (Vietnamese number formats),
moves it stage by stage to the handover, records a further contribution and a correction; the house
page shows the stages, the contributions and the audit of who did what when. Bad input gives a
Vietnamese message (never a 500); another commune gets 404; a reader without the role gets 403."""
import datetime as dt

import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.fund import actions
from chungtay.fund.models import HouseProject
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, front_user, fund_of, give, province_front


@pytest.fixture
def front(my_commune):
    u = commune_front(my_commune)
    u.first_name, u.last_name = "Nguyễn Văn", "Mặt Trận"
    u.save()
    return u


@pytest.fixture
def hh(village_head):
    village = village_head.assignments.get().unit
    return Household.objects.filter(village=village, status="active").order_by("id").first()


@pytest.fixture
def fund(front, my_commune, hh):
    f = fund_of(front, my_commune)
    give(front, f, 80_000_000)
    actions.decide_allocation(front, f, decision_no="3/QĐ-MTTQ", decision_date=dt.date(2025, 10, 25), title="Nhà",
                              lines=[("house", my_commune, 60_000_000)])
    return f


@pytest.fixture
def paid(front, fund, hh):
    return actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=50_000_000,
                                       date=dt.date(2025, 11, 2), document_no="7/PC")


def _start(client, fund, hh, paid=None, **more):
    data = {"household": hh.code, "disbursement": str(paid.pk) if paid else "", "fund_vnd": "",
            "state_vnd": "40.000.000", "community_vnd": "8 000 000", "household_vnd": "12000000", **more}
    return client.post(f"/fund/{fund.pk}/houses/new/", data)


def test_start_advance_to_handover_and_record_contributions(client, front, fund, hh, paid):
    client.force_login(front)
    assert f"/fund/{fund.pk}/houses/" in client.get(f"/fund/{fund.pk}/").content.decode()   # the link on the fund page
    assert "Chưa có nhà Đại đoàn kết" in client.get(f"/fund/{fund.pk}/houses/").content.decode()
    form = client.get(f"/fund/{fund.pk}/houses/new/").content.decode()
    assert f'value="{paid.pk}"' in form and "50.000.000" in form      # the house payment is offered
    r = _start(client, fund, hh, paid)
    assert r.status_code == 302, r.content.decode()[:3000]
    h = HouseProject.objects.get(household=hh)
    assert r["Location"] == f"/fund/houses/{h.pk}/"
    assert (h.stage, h.fund_vnd, h.state_vnd, h.community_vnd, h.household_vnd, h.disbursement_id) == (
        "planned", 50_000_000, 40_000_000, 8_000_000, 12_000_000, paid.pk)
    page = client.get(f"/fund/houses/{h.pk}/").content.decode()
    assert "110.000.000" in page and "Khởi tạo nhà" in page and "Nguyễn Văn Mặt Trận" in page
    assert "gắn với nhà này" in page and "7/PC" in page
    listing = client.get(f"/fund/{fund.pk}/houses/").content.decode()
    assert f"/fund/houses/{h.pk}/" in listing and "Dự kiến" in listing

    # stages, in order, never dated before a stage already reached
    r = client.post(f"/fund/houses/{h.pk}/stage/", {"stage": "started", "date": "2025-11-05", "note": "Lễ khởi công"})
    assert r.status_code == 302
    assert "đã chuyển sang giai đoạn: Khởi công" in client.get(f"/fund/houses/{h.pk}/").content.decode()
    r = client.post(f"/fund/houses/{h.pk}/stage/", {"stage": "frame", "date": "2025-11-01"})
    assert r.status_code == 200 and "không được trước ngày của giai đoạn đã qua (05/11/2025)" in r.content.decode()
    r = client.post(f"/fund/houses/{h.pk}/stage/", {"stage": "planned", "date": "2025-11-20"})
    assert r.status_code == 200 and "error" in r.content.decode()                         # not offered: backwards
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = client.post(f"/fund/houses/{h.pk}/stage/", {"stage": "frame", "date": future})
    assert r.status_code == 200 and "không sau hôm nay" in r.content.decode()
    for stage, day in [("frame", "2025-11-25"), ("roof", "2025-12-10"), ("handed_over", "2025-12-30")]:
        r = client.post(f"/fund/houses/{h.pk}/stage/", {"stage": stage, "date": day, "note": f"Nghiệm thu {stage}"})
        assert r.status_code == 302, r.content.decode()[:2000]
    h.refresh_from_db()
    assert h.stage == "handed_over" and h.stage_dates == {"started": "2025-11-05", "frame": "2025-11-25",
                                                          "roof": "2025-12-10", "handed_over": "2025-12-30"}
    moves = AuditEvent.objects.filter(object_type="houseproject", object_id=str(h.pk), action="fund.house_stage")
    assert [e.changes["stage"] for e in moves.order_by("id")] == ["started", "frame", "roof", "handed_over"]
    assert all(e.actor_id == front.pk for e in moves)
    assert moves.get(changes__stage="handed_over").changes["from"] == "roof"   # 'finished' was skipped
    page = client.get(f"/fund/houses/{h.pk}/").content.decode()
    assert "Lễ khởi công" in page and "30/12/2025" in page and "Lợp mái → " in page
    assert "Chuyển giai đoạn" not in page                                     # nothing after the handover
    done = client.get(f"/fund/houses/{h.pk}/stage/").content.decode()
    assert "Nhà đã bàn giao" in done
    assert client.post(f"/fund/houses/{h.pk}/stage/", {"stage": "handed_over", "date": "2025-12-31"}).status_code == 200

    # contributions: append-only, a correction needs its reason and cannot go below 0
    url = f"/fund/houses/{h.pk}/contribution/"
    r = client.post(url, {"source": "community", "kind": "add", "amount_vnd": "1.500.000", "date": "2025-12-01",
                          "note": "Đoàn Thanh niên xã"})
    assert r.status_code == 302
    r = client.post(url, {"source": "state", "kind": "correction", "amount_vnd": "5.000.000", "date": "2025-12-02"})
    assert r.status_code == 200 and "Điều chỉnh giảm phải ghi lý do" in r.content.decode()
    r = client.post(url, {"source": "household", "kind": "correction", "amount_vnd": "13.000.000", "date": "2025-12-02",
                          "note": "ghi nhầm"})
    assert r.status_code == 200 and "Điều chỉnh giảm quá số đã ghi của nguồn này (12.000.000 đồng)" in r.content.decode()
    r = client.post(url, {"source": "state", "kind": "correction", "amount_vnd": "5.000.000", "date": "2025-12-02",
                          "note": "ghi nhầm số tiền"})
    assert r.status_code == 302
    r = client.post(url, {"source": "fund", "kind": "add", "amount_vnd": "1.000.000", "date": "2025-12-02"})
    assert r.status_code == 200 and "error" in r.content.decode()      # the fund's share is its payment, in the books
    r = client.post(url, {"source": "state", "kind": "add", "amount_vnd": "1,5", "date": "2025-12-02"})
    assert r.status_code == 200 and "Nhập số đồng nguyên, ví dụ 1.200.000" in r.content.decode()
    h.refresh_from_db()
    assert (h.fund_vnd, h.state_vnd, h.community_vnd, h.household_vnd) == (50_000_000, 35_000_000, 9_500_000, 12_000_000)
    page = client.get(f"/fund/houses/{h.pk}/").content.decode()
    assert "Đoàn Thanh niên xã" in page and "ghi nhầm số tiền" in page
    assert "−5.000.000" in page or "-5.000.000" in page
    assert "106.500.000" in page


def test_bad_input_gives_vietnamese_messages(client, front, fund, hh, paid, other_commune):
    client.force_login(front)
    url = f"/fund/{fund.pk}/houses/new/"
    r = _start(client, fund, hh, state_vnd="1,5")
    assert r.status_code == 200 and "Nhập số đồng nguyên, ví dụ 1.200.000" in r.content.decode()
    r = _start(client, fund, hh, community_vnd="-3.000.000")
    assert r.status_code == 200 and "Nhập số đồng nguyên" in r.content.decode()
    r = _start(client, fund, hh)                            # no payment chosen, no amount of the fund
    assert r.status_code == 200 and "Nhà do Quỹ hỗ trợ: ghi số tiền Quỹ hỗ trợ" in r.content.decode()
    r = client.post(url, {"household": "KHONG-CO"})
    assert r.status_code == 200 and "Mã hộ KHONG-CO: không có trong" in r.content.decode()
    outside = Household.objects.filter(commune=other_commune, status="active").first()
    r = client.post(url, {"household": outside.code})
    assert r.status_code == 200 and f"Mã hộ {outside.code}: không có trong" in r.content.decode()
    other = Household.objects.filter(commune=fund.unit, status="active").exclude(pk=hh.pk).first()
    r = _start(client, fund, other, paid)                  # the payment is hh's, not this household's
    assert r.status_code == 200 and "cho chính hộ này" in r.content.decode()
    r = client.post(url, {"household": hh.code, "disbursement": "99999999"})
    assert r.status_code == 200 and "error" in r.content.decode()
    assert _start(client, fund, hh, paid).status_code == 302
    r = _start(client, fund, hh, fund_vnd="30.000.000")
    assert r.status_code == 200 and f"Hộ {hh.code} đang có nhà Đại đoàn kết chưa bàn giao (dự kiến)" in r.content.decode()
    form = client.get(url).content.decode()
    assert f'value="{paid.pk}"' not in form                 # a linked payment is no longer offered
    assert HouseProject.objects.count() == 1
    h = HouseProject.objects.get()
    for data in ({"stage": "roof", "date": "30/02/2025"}, {"stage": "x" * 50, "date": "2025-12-01"}, {}):
        assert client.post(f"/fund/houses/{h.pk}/stage/", data).status_code == 200
    assert client.get("/fund/houses/0/").status_code == 404
    assert client.get("/fund/houses/99999999999999999999/").status_code == 404


def test_who_sees_and_who_writes(client, front, fund, hh, paid, my_commune, other_commune, commune_officer,
                                 village_head, other_commune_officer):
    h = actions.create_house(front, fund, household=hh, fund_vnd=50_000_000, disbursement=paid)
    pages = [f"/fund/houses/{h.pk}/", f"/fund/{fund.pk}/houses/"]
    writes = [f"/fund/{fund.pk}/houses/new/", f"/fund/houses/{h.pk}/stage/", f"/fund/houses/{h.pk}/contribution/"]
    other_front = front_user(other_commune, "mttq-xa2")
    fund_of(other_front, other_commune)
    for user in (other_front, other_commune_officer):          # another commune: 404 everywhere
        client.force_login(user)
        assert {client.get(u).status_code for u in pages + writes} == {404}
        assert client.post(writes[1], {"stage": "started", "date": "2025-11-05"}).status_code == 404
    for user in (commune_officer, village_head, province_front(my_commune)):   # readers: 200, writes 403
        client.force_login(user)
        assert [client.get(u).status_code for u in pages] == [200, 200], user
        assert {client.get(u).status_code for u in writes} == {403}, user
        assert client.post(writes[1], {"stage": "started", "date": "2025-11-05"}).status_code == 403
    assert "Chuyển giai đoạn" not in client.get(pages[0]).content.decode()     # no write button for a reader
    h.refresh_from_db()
    assert h.stage == "planned"
    client.logout()
    assert client.get(pages[0]).status_code == 302


def test_actions_refuse_what_the_pages_refuse(front, fund, hh, paid, commune_officer):
    from django.core.exceptions import PermissionDenied, ValidationError
    with pytest.raises(ValidationError, match="ghi số tiền Quỹ hỗ trợ"):     # a house the fund supports
        actions.create_house(front, fund, household=hh, state_vnd=1)
    h = actions.create_house(front, fund, household=hh, fund_vnd=1, state_vnd=1)
    with pytest.raises(PermissionDenied):
        actions.advance_house(commune_officer, h, stage="started", date=dt.date(2025, 11, 5))
    with pytest.raises(PermissionDenied):
        actions.add_house_contribution(commune_officer, h, source="state", amount_vnd=1, date=dt.date(2025, 11, 5))
    actions.advance_house(front, h, stage="frame", date=dt.date(2025, 11, 5))
    with pytest.raises(ValidationError):
        actions.advance_house(front, h, stage="started", date=dt.date(2025, 11, 6))      # backwards
    with pytest.raises(ValidationError):
        actions.add_house_contribution(front, h, source="state", amount_vnd=0, date=dt.date(2025, 11, 5))
    with pytest.raises(ValidationError):
        actions.add_house_contribution(front, h, source="state", amount_vnd=2, date=dt.date(2025, 11, 5),
                                       correction=True, note="sai")
    other = Household.objects.filter(commune=fund.unit, status="active").exclude(pk=hh.pk).first()
    undone = actions.record_disbursement(front, fund, household=other, purpose="house", amount_vnd=5_000_000,
                                         date=dt.date(2025, 11, 2))
    actions.reverse(front, undone.txn, date=dt.date(2025, 11, 3), reason="nhầm")
    with pytest.raises(ValidationError, match="đã bị đảo"):    # a reversed payment is no house's fund share
        actions.create_house(front, fund, household=other, disbursement=undone)
