"""Household list: search ignores diacritics; filters by category, village, ethnic minority."""
from django.urls import reverse

from chungtay.core.fmt import fold
from chungtay.households.models import Assessment, Household


def test_search_ignores_diacritics(as_province_officer):
    hh = Household.objects.exclude(head_name="").order_by("id").first()
    plain = fold(hh.head_name)
    assert plain != hh.head_name.lower() or hh.head_name.isascii()
    r = as_province_officer.get(reverse("households"), {"q": plain})
    found = [h.pk for h, _ in r.context["rows"]]
    assert hh.pk in found or r.context["page"].paginator.count > 50
    assert all(plain in fold(" ".join([h.code] + [m.full_name for m in h.members.all()]))
               for h, _ in r.context["rows"])


def test_nguyen_van_a_finds_nguyen_van_a(as_commune_officer, commune_officer, my_commune):
    from chungtay.households import actions
    from chungtay.units.models import Unit
    v = Unit.objects.filter(parent=my_commune, level="village").first()
    hh = actions.create_household(commune_officer, code="S-1", village=v,
                                  head={"full_name": "Nguyễn Văn Á", "sex": "M", "birth_year": 1970, "ethnicity": "Kinh"})
    r = as_commune_officer.get(reverse("households"), {"q": "nguyen van a"})
    assert hh.pk in [h.pk for h, _ in r.context["rows"]]


def test_category_filter_uses_the_year(as_commune_officer, my_commune):
    r = as_commune_officer.get(reverse("households"), {"year": 2018, "category": "poor"})
    ids = [h.pk for h, _ in r.context["rows"]]
    expected = Assessment.objects.filter(year=2018, category="poor", is_current=True, commune=my_commune).count()
    assert r.context["page"].paginator.count == expected > 0
    assert all(a.category == "poor" and a.year == 2018 for _, a in r.context["rows"])
    assert len(ids) == min(50, expected)


def test_village_and_ethnic_minority_filters(as_commune_officer, my_commune):
    from chungtay.units.models import Unit
    v = Unit.objects.filter(parent=my_commune, level="village").order_by("code").first()
    r = as_commune_officer.get(reverse("households"), {"village": v.pk, "em": "1"})
    assert r.context["page"].paginator.count == Household.objects.filter(village=v, ethnic_minority=True).count()
    assert all(h.village_id == v.pk and h.ethnic_minority for h, _ in r.context["rows"])


def test_household_page_shows_members_and_every_year(as_commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    r = as_commune_officer.get(reverse("household", args=[hh.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    years = set(hh.assessments.values_list("year", flat=True))
    assert len(years) >= 5 and all(str(y) in html for y in years)
    from django.utils.html import escape
    for m in hh.members.all():
        assert escape(m.full_name) in html
    assert "Hộ " in html and ("thu nhập" in html)   # explanations in plain Vietnamese
