"""A village head sees only their own village's households on the review round page: in the
table, the step counts, the to-do list, the complaints, the meetings, the search and the
download — never another village's households of the same commune."""
import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from chungtay.core.fmt import fold
from chungtay.households.models import Household
from chungtay.reviews import actions
from chungtay.reviews.models import Complaint, ReviewRound, RoundHousehold, VillageMeeting

YEAR = 2026


@pytest.fixture
def own_village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def rnd(commune_officer, own_village):
    """The round of the village head's commune, with every household of the commune listed."""
    commune = own_village.parent
    rnd = actions.open_round(commune_officer, commune, YEAR)
    listed = set(rnd.members.values_list("household_id", flat=True))
    RoundHousehold.objects.bulk_create([
        RoundHousehold(round=rnd, household_id=h, reason="requested")
        for h in Household.objects.filter(commune=commune).exclude(id__in=listed).values_list("id", flat=True)])
    mine = rnd.members.filter(household__village=own_village)
    assert mine.exists() and rnd.members.exclude(household__village=own_village).exists()
    return rnd


@pytest.fixture
def as_village_head(client, village_head):
    client.force_login(village_head)
    return client


def test_it_lists_only_the_village_heads_own_households(as_village_head, rnd, own_village):
    r = as_village_head.get(reverse("round", args=[rnd.pk]))
    assert r.status_code == 200
    mine = rnd.members.filter(household__village=own_village)
    assert r.context["page"].paginator.count == mine.count()
    assert {e.household.village_id for e in r.context["entries"]} == {own_village.id}
    assert r.context["counts"]["listed"] == mine.count() < rnd.members.count()
    html = r.content.decode()
    assert "Bạn là trưởng thôn" in html
    other = rnd.members.exclude(household__village=own_village).select_related("household").first().household
    assert other.code not in html


def test_another_villages_filter_or_search_finds_nothing(as_village_head, rnd, own_village):
    other = rnd.members.exclude(household__village=own_village).select_related("household").first().household
    r = as_village_head.get(reverse("round", args=[rnd.pk]), {"village": other.village_id})
    assert {e.household.village_id for e in r.context["entries"]} == {own_village.id}   # filter ignored
    r = as_village_head.get(reverse("round", args=[rnd.pk]), {"q": fold(other.code)})
    assert r.context["page"].paginator.count == 0


def test_the_download_holds_only_the_own_village(as_village_head, rnd, own_village):
    r = as_village_head.get(reverse("round", args=[rnd.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    codes = {row[0].lstrip("'") for row in rows}
    assert codes == set(rnd.members.filter(household__village=own_village)
                        .values_list("household__code", flat=True))


def test_complaints_and_meetings_of_other_villages_are_hidden(commune_officer, as_village_head, rnd, own_village):
    other = rnd.members.exclude(household__village=own_village).select_related("household__village").first()
    mine = rnd.members.filter(household__village=own_village).select_related("household").first()
    for rh in (other, mine):
        Complaint.objects.create(round=rnd, household=rh.household, received_on=date(YEAR, 10, 1),
                                 complainant=f"Người khiếu nại {rh.household.code}", content="Đề nghị phúc tra")
    VillageMeeting.objects.create(round=rnd, village=other.household.village, held_on=date(YEAR, 9, 1),
                                  chaired_by="Trưởng thôn khác", attendees=20, minutes="Biên bản thôn khác")
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.POSTING, posted_from=date(YEAR, 10, 1),
                                                 posted_to=date(YEAR, 10, 4))
    html = as_village_head.get(reverse("round", args=[rnd.pk])).content.decode()
    assert f"Người khiếu nại {mine.household.code}" in html
    assert f"Người khiếu nại {other.household.code}" not in html
    assert "Biên bản thôn khác" not in html
    r = as_village_head.get(reverse("round", args=[rnd.pk]))
    assert r.context["todo"][0] == "1 khiếu nại chưa giải quyết"
    as_village_head.force_login(commune_officer)
    officer = as_village_head.get(reverse("round", args=[rnd.pk]))
    assert officer.context["todo"][0] == "2 khiếu nại chưa giải quyết"     # the commune sees both
    assert "Biên bản thôn khác" in officer.content.decode()


def test_the_meeting_form_offers_only_the_own_village(as_village_head, rnd, own_village):
    rnd.members.update(step=RoundHousehold.SURVEYED)
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.MEETING)
    r = as_village_head.get(reverse("round", args=[rnd.pk]))
    assert [v for v, _ in r.context["meeting_form"].fields["village"].choices] == [own_village.id]
    assert r.content.decode().count('class="agree"') == rnd.members.filter(household__village=own_village).count()


def test_the_village_head_gets_the_survey_buttons_but_not_the_communes_forms(commune_officer, as_village_head, rnd,
                                                                              own_village):
    actions.start_survey(commune_officer, rnd)
    html = as_village_head.get(reverse("round", args=[rnd.pk])).content.decode()
    assert html.count('class="button ghost survey"') == min(50, rnd.members.filter(
        household__village=own_village).count())
    assert "round_add" not in html and 'value="meeting"' not in html and 'id="recognise"' not in html
    assert reverse("round_add", args=[rnd.pk]) not in html
    as_village_head.force_login(commune_officer)
    html = as_village_head.get(reverse("round", args=[rnd.pk])).content.decode()
    assert reverse("round_add", args=[rnd.pk]) in html and 'value="meeting"' in html
    assert 'id="recognise"' not in html               # recognition is the chairman's


def test_every_link_on_the_village_heads_round_page_opens(as_village_head, rnd, own_village):
    """No breadcrumb or button leads the village head to a commune page they may not open."""
    import re
    html = as_village_head.get(reverse("round", args=[rnd.pk])).content.decode()
    assert reverse("unit", args=[rnd.commune_id]) not in html
    assert reverse("movements", args=[own_village.pk]) in html
    links = {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)
             if not h.startswith(("/static/", "/lang/", "/households/"))}
    assert links
    for link in sorted(links):
        assert as_village_head.get(link, follow=True).status_code == 200, link
