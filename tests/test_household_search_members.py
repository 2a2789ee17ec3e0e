"""Household search results say which member matched, when it is not the head (one query for
the page's rows, however many rows match)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core.fmt import fold
from chungtay.households import actions
from chungtay.households.models import Household
from chungtay.units.models import Unit


def _household(officer, commune, code, head, child):
    v = Unit.objects.filter(parent=commune, level="village").order_by("id").first()
    hh = actions.create_household(officer, code=code, village=v,
                                  head={"full_name": head, "sex": "M", "birth_year": 1970, "ethnicity": "Kinh"})
    actions.add_member(officer, hh, {"full_name": child, "sex": "F", "birth_year": 2005, "ethnicity": "Kinh",
                                     "relation": "child"})
    return hh


def test_it_shows_the_member_that_matched(commune_officer, as_commune_officer, my_commune):
    hh = _household(commune_officer, my_commune, "SM-1", "Trần Văn Bình", "Trần Thị Ánh Tuyết Hường")
    r = as_commune_officer.get(reverse("households"), {"q": "Anh tuyet huong"})
    assert [h.pk for h, _ in r.context["rows"]] == [hh.pk]
    assert "khớp: Trần Thị Ánh Tuyết Hường (con)" in r.content.decode()


def test_it_says_nothing_more_when_the_head_matched(commune_officer, as_commune_officer, my_commune):
    hh = _household(commune_officer, my_commune, "SM-2", "Lê Văn Khánh Sơn", "Lê Văn Khánh")
    r = as_commune_officer.get(reverse("households"), {"q": "khanh son"})
    assert hh.pk in [h.pk for h, _ in r.context["rows"]]
    assert "khớp:" not in r.content.decode()


def test_it_speaks_english_when_switched(commune_officer, as_commune_officer, my_commune):
    _household(commune_officer, my_commune, "SM-3", "Phạm Văn Cường", "Phạm Thị Đào Hoa")
    from chungtay.web.middleware import LANG_COOKIE
    as_commune_officer.cookies[LANG_COOKIE] = "en"
    html = as_commune_officer.get(reverse("households"), {"q": "dao hoa"}).content.decode()
    assert "matched: Phạm Thị Đào Hoa (child)" in html


def test_member_matches_cost_one_query_for_the_whole_page(as_commune_officer, my_commune):
    def count(q):
        with CaptureQueriesContext(connection) as ctx:
            r = as_commune_officer.get(reverse("households"), {"q": q})
        return len(ctx.captured_queries), r
    one = Household.objects.filter(commune=my_commune).order_by("id").first()
    few, r_few = count(one.code)            # the code matched: no member query
    assert [h.pk for h, _ in r_few.context["rows"]] == [one.pk]
    many, r_many = count("thi")             # a full page of matches, most through a member
    assert r_many.context["page"].paginator.count > 50 and len(r_many.context["rows"]) == 50
    assert "khớp:" in r_many.content.decode()
    assert many <= few + 1                  # one query for the member matches of the page
    assert all("thi" in fold(h.search_text) for h, _ in r_many.context["rows"])
