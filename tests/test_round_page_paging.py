"""Review round page at commune scale: the household table is paged (50 a page) and filtered by
village, step and result, with a search that ignores diacritics; the step counts, the to-do
list and the meeting vote table still cover the whole round."""
import csv
import io

import pytest
from django.urls import reverse

from chungtay.core.fmt import fold
from chungtay.households.models import Household, Member
from chungtay.reviews import actions
from chungtay.reviews.models import ReviewRound, RoundHousehold

YEAR = 2026


@pytest.fixture
def big_round(commune_officer, my_commune):
    """The commune's round with every household of the commune listed (well over one page)."""
    rnd = actions.open_round(commune_officer, my_commune, YEAR)
    listed = set(rnd.members.values_list("household_id", flat=True))
    RoundHousehold.objects.bulk_create([
        RoundHousehold(round=rnd, household_id=h, reason="requested")
        for h in Household.objects.filter(commune=my_commune).exclude(id__in=listed).values_list("id", flat=True)])
    assert rnd.members.count() > 100
    return rnd


def _page(client, rnd, **params):
    r = client.get(reverse("round", args=[rnd.pk]), params)
    assert r.status_code == 200
    return r


def test_it_shows_fifty_households_a_page(as_commune_officer, big_round):
    total = big_round.members.count()
    r1 = _page(as_commune_officer, big_round)
    r2 = _page(as_commune_officer, big_round, page=2)
    first, second = r1.context["entries"], r2.context["entries"]
    assert len(first) == 50 and len(second) == min(50, total - 50)
    assert not {e.pk for e in first} & {e.pk for e in second}
    assert r1.context["page"].paginator.num_pages == (total + 49) // 50
    html = r1.content.decode()
    assert html.count('class="button ghost survey"') == 0          # listing step: no survey buttons yet
    assert html.count("<tr><td><a href=\"/households/") == 50
    assert f"Trang 1 / {(total + 49) // 50}" in html


def test_step_counts_cover_the_whole_round_whatever_the_filter(as_commune_officer, big_round):
    v = big_round.members.values_list("household__village_id", flat=True).first()
    r = _page(as_commune_officer, big_round, village=v, q="zzzz-nothing")
    assert r.context["page"].paginator.count == 0
    assert r.context["counts"]["listed"] == big_round.members.count()
    assert "Không có hộ nào khớp điều kiện lọc" in r.content.decode()


def test_it_filters_by_village(as_commune_officer, big_round):
    v = big_round.members.values_list("household__village_id", flat=True).order_by("household__village_id").last()
    r = _page(as_commune_officer, big_round, village=v)
    expected = big_round.members.filter(household__village_id=v).count()
    assert r.context["page"].paginator.count == expected > 0
    assert all(e.household.village_id == v for e in r.context["entries"])


def test_it_filters_by_step_and_result(commune_officer, as_commune_officer, big_round):
    actions.start_survey(commune_officer, big_round)
    some = list(big_round.members.order_by("id")[:3])
    for rh in some[:2]:
        actions.record_survey(commune_officer, big_round, rh.household, income=1_000_000,
                              deprived=["employment", "nutrition", "latrine"])
    actions.record_survey(commune_officer, big_round, some[2].household, income=3_000_000)
    r = _page(as_commune_officer, big_round, step="surveyed")
    assert {e.pk for e in r.context["entries"]} == {rh.pk for rh in some}
    r = _page(as_commune_officer, big_round, step="surveyed", category="poor")
    assert {e.pk for e in r.context["entries"]} == {some[0].pk, some[1].pk}
    r = _page(as_commune_officer, big_round, category="none")
    assert r.context["page"].paginator.count == big_round.members.count() - 3
    assert r.context["counts"]["surveyed"] == 3
    r = _page(as_commune_officer, big_round, step="bogus", category="bogus", village="x")
    assert r.context["page"].paginator.count == big_round.members.count()    # bad values are ignored


def test_search_ignores_diacritics_and_finds_members(as_commune_officer, big_round):
    m = next(m for m in Member.objects.filter(household__round_entries__round=big_round, relation="child")
             .select_related("household").order_by("id")
             if fold(m.full_name) not in fold(m.household.head_name))
    words = fold(m.full_name)
    r = _page(as_commune_officer, big_round, q=words.upper())
    found = {e.household_id for e in r.context["entries"]}
    assert m.household_id in found
    assert all(words in e.household.search_text for e in r.context["entries"])
    assert f"khớp: {m.full_name} (con)" in r.content.decode()
    code = Household.objects.get(pk=m.household_id).code
    r = _page(as_commune_officer, big_round, q=code.lower())
    assert [e.household_id for e in r.context["entries"]] == [m.household_id]


def test_csv_download_follows_the_filters(as_commune_officer, big_round):
    v = big_round.members.values_list("household__village_id", flat=True).first()
    r = as_commune_officer.get(reverse("round", args=[big_round.pk]), {"village": v, "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["household_code", "head_name", "village", "reason", "step", "category"]
    codes = {row[0].lstrip("'") for row in rows[1:]}
    assert codes == set(big_round.members.filter(household__village_id=v).values_list("household__code", flat=True))


def test_meeting_vote_table_lists_every_surveyed_household_of_the_chosen_village(as_commune_officer, big_round):
    big_round.members.update(step=RoundHousehold.SURVEYED)
    ReviewRound.objects.filter(pk=big_round.pk).update(state=ReviewRound.MEETING)
    r = _page(as_commune_officer, big_round)
    villages = set(big_round.members.values_list("household__village_id", flat=True))
    choices = [v for v, _ in r.context["meeting_form"].fields["village"].choices]
    assert set(choices) == villages
    first = choices[0]
    assert r.context["meeting_form"].initial["village"] == first
    assert r.content.decode().count('class="agree"') == big_round.members.filter(household__village_id=first).count()
    assert {e.household.village_id for e in r.context["voting"]} == {first}
    other = choices[-1]
    r = _page(as_commune_officer, big_round, village=other, page=2)       # the filtered village is the meeting's
    assert r.context["meeting_form"].initial["village"] == other
    assert {e.pk for e in r.context["voting"]} == set(
        big_round.members.filter(household__village_id=other).values_list("pk", flat=True))
    assert r.context["todo"] == [f"{big_round.members.count()} hộ chờ họp dân biểu quyết"]
