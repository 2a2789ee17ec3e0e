"""Group pages: the list of the user's area with member counts and savings totals, the group
page with its forms only for group_manage, the writes through the forms, the household panel."""
import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from chungtay.groups import actions
from chungtay.groups.models import Membership, SavingsEntry
from chungtay.households.models import Household

D = dt.date


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def hh(village):
    return Household.objects.filter(village=village, status="active").order_by("id").first()


@pytest.fixture
def group(commune_officer, my_commune, village, hh):
    g = actions.create_group(commune_officer, commune=my_commune, village=village, name="Tổ nhóm sinh kế nuôi heo",
                             kind="livelihood", run_by_unit=my_commune, founded_on=D(2022, 5, 1))
    m = actions.add_member(commune_officer, g, household=hh, role="leader", joined_on=D(2022, 5, 1))
    actions.record_entry(commune_officer, g, membership=m, kind="deposit", amount_vnd=1_234_000, date=D(2023, 1, 2))
    return g


def test_list_shows_member_counts_and_savings(client, commune_officer, group):
    client.force_login(commune_officer)
    r = client.get(reverse("groups:list"))
    html = r.content.decode()
    assert r.status_code == 200 and "Tổ nhóm sinh kế nuôi heo" in html and "1.234.000" in html
    assert 'id="new-group"' in html and "support-nav" in html
    assert "Tổ nhóm sinh kế nuôi heo" in client.get(reverse("groups:list") + "?kind=livelihood").content.decode()
    assert "Tổ nhóm sinh kế nuôi heo" not in client.get(reverse("groups:list") + "?kind=cooperative").content.decode()


def test_outside_users_do_not_see_the_group(client, other_commune_officer, group):
    client.force_login(other_commune_officer)
    assert "Tổ nhóm sinh kế nuôi heo" not in client.get(reverse("groups:list")).content.decode()
    assert client.get(reverse("groups:detail", args=[group.pk])).status_code == 404


def test_forms_only_for_group_manage(client, commune_chairman, village_head, commune_officer, group):
    for user in (commune_chairman, village_head):
        client.force_login(user)
        html = client.get(reverse("groups:detail", args=[group.pk])).content.decode()
        assert "1.234.000" in html and 'id="new-entry"' not in html and 'id="new-member"' not in html
        assert 'id="new-group"' not in client.get(reverse("groups:list")).content.decode()
        assert client.post(reverse("groups:meeting_add", args=[group.pk]), {}).status_code == 403
    client.force_login(commune_officer)
    html = client.get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert all(f'id="{x}"' in html for x in ("new-entry", "new-member", "new-meeting"))


def test_create_group_and_write_through_the_forms(client, commune_officer, my_commune, hh):
    client.force_login(commune_officer)
    r = client.post(reverse("groups:list"), {"name": "HTX Nông nghiệp Măng Đen", "kind": "cooperative",
                                              "commune": my_commune.pk, "runner": "commune", "founded_on": "2021-04-01",
                                              "purpose": "Trồng sâm, rau"})
    assert r.status_code == 302
    g = my_commune and __import__("chungtay.groups.models", fromlist=["Group"]).Group.objects.get(
        name="HTX Nông nghiệp Măng Đen")
    url = reverse("groups:detail", args=[g.pk])
    assert r["Location"] == url
    r = client.post(reverse("groups:member_add", args=[g.pk]), {"household_code": "KHONG-CO", "role": "member",
                                                                 "joined_on": "2021-05-01"})
    assert r.status_code == 200 and "Không có hộ mã này" in r.content.decode()
    r = client.post(reverse("groups:member_add", args=[g.pk]), {"household_code": hh.code, "role": "member",
                                                                 "joined_on": "2031-05-01"})
    assert r.status_code == 200 and "tương lai" in r.content.decode()
    assert client.post(reverse("groups:member_add", args=[g.pk]), {"household_code": hh.code, "role": "member",
                                                                    "joined_on": "2021-05-01"}).status_code == 302
    m = Membership.objects.get(group=g)
    r = client.post(reverse("groups:entry_add", args=[g.pk]), {"membership": m.pk, "kind": "withdrawal",
                                                                "amount_vnd": "10.000", "date": "2022-01-01"})
    assert r.status_code == 200 and "vượt số dư" in r.content.decode()
    r = client.post(reverse("groups:entry_add", args=[g.pk]), {"membership": m.pk, "kind": "deposit",
                                                                "amount_vnd": "-10.000", "date": "2022-01-01"})
    assert r.status_code == 200 and "số dương" in r.content.decode()
    assert client.post(reverse("groups:entry_add", args=[g.pk]), {"membership": m.pk, "kind": "deposit",
                                                                   "amount_vnd": "250.000", "date": "2022-01-01"}).status_code == 302
    e = SavingsEntry.objects.get(group=g)
    assert client.post(reverse("groups:entry_reverse", args=[e.pk]), {"reason": "nhầm"}).status_code == 302
    assert SavingsEntry.objects.filter(group=g).count() == 2
    assert client.post(reverse("groups:meeting_add", args=[g.pk]), {"held_on": "2022-02-01", "attendees": "9",
                                                                     "topic": "Họp xã viên"}).status_code == 302
    assert client.post(reverse("groups:member_leave", args=[m.pk]), {"left_on": "2023-01-01",
                                                                      "reason": "chuyển đi"}).status_code == 302
    html = client.get(url).content.decode()
    assert "Họp xã viên" in html and "đã điều chỉnh" in html and "chuyển đi" in html


def test_household_panel_lists_memberships(commune_officer, other_commune_officer, hh, group):
    req = RequestFactory().get("/")
    req.user = commune_officer
    tpl = Template('{% load groups_tags %}{% groups_panel hh %}')
    html = tpl.render(Context({"hh": hh, "user": commune_officer, "request": req, "lang": "vi"}))
    assert "Tổ nhóm sinh kế nuôi heo" in html and reverse("groups:detail", args=[group.pk]) in html
    assert "Trưởng nhóm" in html
    html = tpl.render(Context({"hh": hh, "user": other_commune_officer, "request": req, "lang": "en"}))
    assert reverse("groups:detail", args=[group.pk]) not in html and "Leader" in html
