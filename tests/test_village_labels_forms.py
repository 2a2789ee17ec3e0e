"""Twin villages ("Thôn 1" of two old communes, now in one commune) are told apart in the selects,
pages and documents of the apps beyond the registry: the group form and page, the pairing form,
the emulation participant form (and the participant's stored name), the support page, the plans'
target form, the support filters, and the Fund's village recipient list (its select, PDF and Excel).
Each uses units/labels.py, one look-up for every village of a page."""
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from chungtay.households.models import Household
from chungtay.units import labels
from chungtay.units.models import Unit


@pytest.fixture
def twins(db, my_commune):
    """Two new villages called "Thôn Twin" in xa's commune, from two old communes: their labels."""
    old = list(Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.COMMUNE)
               .exclude(full_name="").order_by("code")[:2])
    made = [Unit.objects.create(system=Unit.SYSTEM_2025, level=Unit.VILLAGE, code=f"T-TWIN-F{i}", name="Thôn Twin",
                                full_name="Thôn Twin", kind="thon", parent=my_commune, legacy_parent=o)
            for i, o in enumerate(old)]
    want = [labels.unit_label(v) for v in made]
    assert want[0] != want[1] and all(w.startswith("Thôn Twin (") and w.endswith(" cũ)") for w in want)
    return made, want


def _options(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", html)]


def _has_both(html: str, want):
    opts = _options(html.replace("&#x27;", "'"))
    for label in want:
        assert any(o.startswith(label) for o in opts), (label, [o for o in opts if "Twin" in o])
    assert not any(o == "Thôn Twin" for o in opts), "a twin village still shown by its bare name"


def test_the_group_form_and_page_tell_twin_villages_apart(client, commune_officer, my_commune, twins):
    from chungtay.groups import actions
    (a, b), want = twins
    client.force_login(commune_officer)
    _has_both(client.get("/support/groups/").content.decode(), want)
    g = actions.create_group(commune_officer, commune=my_commune, village=b, name="Tổ nhóm thôn sinh đôi",
                             kind="savings_loan", run_by_unit=my_commune, founded_on=dt.date(2022, 1, 1))
    html = client.get(f"/support/groups/{g.pk}/").content.decode()
    assert want[1] in html.replace("&#x27;", "'")


def test_the_group_form_names_the_commune_when_it_lists_several(province_officer, my_commune, twins):
    from chungtay.groups.forms import village_choices
    (a, b), want = twins
    others = list(Unit.objects.filter(level=Unit.VILLAGE, parent__parent=my_commune.parent)
                  .exclude(parent=my_commune).select_related("parent")[:2])
    got = dict(village_choices([a, b] + others))
    assert got[a.pk] == f"{want[0]} – {my_commune.full_name}" and got[b.pk] == f"{want[1]} – {my_commune.full_name}"


def test_the_pairing_form_tells_twin_villages_apart(client, commune_officer, twins):
    (a, b), want = twins
    client.force_login(commune_officer)
    _has_both(client.get("/support/pairings/").content.decode(), want)


def test_the_participant_form_and_the_participant_tell_twin_villages_apart(client, commune_officer, my_commune,
                                                                            twins):
    from chungtay.emulation import actions
    (a, b), want = twins
    m = actions.launch_movement(commune_officer, level="commune", name="Xã chung tay", decision_no="9/KH-UBND",
                                decision_date=dt.date(2021, 3, 1), issuer="UBND xã", unit=my_commune,
                                start_year=2021, end_year=2025, contents=["Hộ gia đình phấn đấu thoát nghèo"])
    client.force_login(commune_officer)
    _has_both(client.get(f"/emulation/{m.pk}/participants/").content.decode(), want)
    p = actions.add_participant(commune_officer, m, unit=b)
    assert p.name == want[1]


def test_the_support_page_tells_twin_villages_apart(client, commune_officer, my_commune, twins):
    from chungtay.support import actions
    from tests.support_helpers import facts
    (a, b), want = twins
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    Household.objects.filter(pk=hh.pk).update(village=b)
    hh.refresh_from_db()
    s = actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2025, 3, 1)))
    client.force_login(commune_officer)
    html = client.get(f"/support/{s.entry_id}/").content.decode().replace("&#x27;", "'")
    assert want[1] in html
    _has_both(client.get("/support/").content.decode(), want)          # the ledger's unit filter


def test_the_target_form_tells_twin_villages_apart(commune_officer, my_commune, twins):
    from chungtay.plans.forms import TargetForm
    (a, b), want = twins
    form = TargetForm(units=[my_commune, a, b])
    assert dict(form.fields["unit"].choices)[a.pk] == want[0]
    assert dict(form.fields["unit"].choices)[b.pk] == want[1]


@pytest.fixture
def twin_payments(my_commune, twins):
    from chungtay.fund import actions
    from tests.fund_helpers import commune_front, donor, fund_of
    (a, b), want = twins
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    day = dt.date(2025, 10, 20)
    actions.record_donation(front, fund, donor=donor(front, fund), date=day, value_vnd=100_000_000)
    actions.decide_allocation(front, fund, decision_no="7/QĐ-MTTQ", decision_date=day, title="",
                              lines=[("house", my_commune, 60_000_000)])
    hhs = list(Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id")[:2])
    for hh, v in zip(hhs, (a, b)):
        Household.objects.filter(pk=hh.pk).update(village=v)
        hh.refresh_from_db()
        actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=10_000_000, date=day)
    return front, fund, hhs


def test_the_recipient_list_tells_twin_villages_apart(client, twins, twin_payments):
    from tests.test_fund_recipient_list import pdf_text
    (a, b), want = twins
    front, fund, hhs = twin_payments
    client.force_login(front)
    with CaptureQueriesContext(connection) as page:
        html = client.get(f"/fund/{fund.pk}/recipients/").content.decode()
    _has_both(html, want)
    unit_reads = [q["sql"] for q in page.captured_queries    # the labels' query: villages with their old commune
                  if '"parent_id" IN' in q["sql"] and 'legacy_parent_id" =' in q["sql"]]
    assert len(unit_reads) <= 1, unit_reads                               # one labels look-up for the whole select
    base = f"/fund/{fund.pk}/recipients/?village={b.pk}&start=2025-10-01&end=2025-11-30"
    r = client.get(base + "&format=pdf")
    assert r.status_code == 200
    text = " ".join(pdf_text(r.content).split())
    assert want[1] in text and hhs[1].head_name in text and hhs[0].head_name not in text
    assert want[0] not in text
    x = load_workbook(io.BytesIO(client.get(base + "&format=xlsx").content))
    cells = [c for row in x.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(want[1] in c for c in cells)                               # the subtitle
    assert want[1] in cells                                               # the village column
    assert "cu" in client.get(base + "&format=xlsx")["Content-Disposition"]   # the file name carries the old commune


def test_the_published_allocations_tell_twin_villages_apart(my_commune, twins):
    from chungtay.fund import actions
    from chungtay.fund.public import statement
    from tests.fund_helpers import commune_front, donor, fund_of
    (a, b), want = twins
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    day = dt.date(2025, 10, 20)
    actions.record_donation(front, fund, donor=donor(front, fund), date=day, value_vnd=20_000_000)
    actions.decide_allocation(front, fund, decision_no="8/QĐ-MTTQ", decision_date=day, title="",
                              lines=[("house", a, 5_000_000), ("house", b, 5_000_000)])
    period = actions.publish_period(front, fund, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 30))
    assert [u for no, _, _, u, _ in statement(period).allocations if no == "8/QĐ-MTTQ"] == want


@pytest.mark.parametrize("path", ["/support/radar/", "/support/outcomes/"])
def test_the_radar_and_outcomes_unit_selects_tell_twin_villages_apart(client, commune_officer, twins, path):
    _, want = twins
    client.force_login(commune_officer)
    r = client.get(path)
    assert r.status_code == 200
    _has_both(r.content.decode(), want)
