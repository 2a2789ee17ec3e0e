"""Villages with the same name are told apart by their old commune, from one source."""
import pytest

from chungtay.units import labels
from chungtay.units.models import Unit


@pytest.fixture
def twin_villages(db, my_commune):
    old = list(Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.COMMUNE)
               .exclude(full_name="").order_by("code")[:2])
    made = [Unit.objects.create(system=Unit.SYSTEM_2025, level=Unit.VILLAGE, code=f"T-TWIN-{i}", name="Thôn Twin",
                                full_name="Thôn Twin", kind="thon", parent=my_commune, legacy_parent=o)
            for i, o in enumerate(old)]
    return made, old


def test_it_names_twin_villages_by_their_old_commune(twin_villages, my_commune):
    (a, b), (oa, ob) = twin_villages
    got = labels.village_labels(my_commune.id)
    assert got[a.id] == f"Thôn Twin ({labels.inline_name(oa)} cũ)"
    assert got[b.id] == f"Thôn Twin ({labels.inline_name(ob)} cũ)"
    assert got[a.id] != got[b.id]


def test_it_keeps_a_unique_village_name_plain(twin_villages, my_commune):
    from collections import Counter
    vs = list(Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).exclude(name="Thôn Twin"))
    seen = Counter(v.name for v in vs)
    other = next(v for v in vs if seen[v.name] == 1)
    assert labels.village_labels(my_commune.id)[other.id] == (other.full_name or other.name)
    assert labels.unit_label(other) == (other.full_name or other.name)


def test_it_falls_back_to_the_code_when_the_old_commune_repeats_too(db, my_commune):
    old = Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.COMMUNE).first()
    a, b = (Unit.objects.create(system=Unit.SYSTEM_2025, level=Unit.VILLAGE, code=f"T-SAME-{i}", name="Thôn Same",
                                full_name="Thôn Same", kind="thon", parent=my_commune, legacy_parent=old)
            for i in range(2))
    got = labels.village_labels(my_commune)
    assert got[a.id].endswith("(T-SAME-0)") and got[b.id].endswith("(T-SAME-1)")


def test_reports_alias_is_the_same_source(twin_villages, my_commune):
    from chungtay.reports.data import village_labels
    assert village_labels(my_commune) == labels.village_labels(my_commune.id)


def test_unit_label_of_a_commune_is_its_full_name(my_commune):
    assert labels.unit_label(my_commune) == my_commune.full_name


def test_the_movement_pages_tell_twin_villages_apart(client, commune_officer, twin_villages, my_commune):
    """Pledges, supports and the radar's lists name a village by its label, as the registry does."""
    import datetime as dt

    from chungtay.households.models import Household
    from chungtay.support import actions, people
    from chungtay.support.radar import households
    from tests.support_helpers import facts
    (a, b), _ = twin_villages
    hhs = list(Household.objects.filter(commune=my_commune, status="active", end_year=None)
               .exclude(pledges__year=2025).order_by("id")[:2])
    for hh, v in zip(hhs, (a, b)):
        Household.objects.filter(pk=hh.pk).update(village=v)
        hh.refresh_from_db()
        people.record_pledge(commune_officer, hh, year=2025, plan="Nuôi gà")
        actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2025, 3, 1)))
    want = [labels.unit_label(a), labels.unit_label(b)]
    assert want[0] != want[1] and "cũ)" in want[0]
    client.force_login(commune_officer)
    for url in ("/support/pledges/?year=2025", f"/support/?unit={my_commune.pk}&year=2025"):
        html = client.get(url).content.decode()
        for label in want:
            assert label in html, (url, label)
    got = households([h.pk for h in hhs])
    assert [got[h.pk][2] for h in hhs] == want
