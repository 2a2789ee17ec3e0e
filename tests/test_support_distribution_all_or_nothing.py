"""A distribution records one decision for many households at once, or nothing at all."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Household
from chungtay.support import actions
from chungtay.support.models import Distribution, Support, SupportEntry
from tests.support_helpers import facts, poor_in


def test_46_cows_to_46_households(commune_officer, my_commune):
    households = poor_in(my_commune, 2024, 46)
    assert len(households) == 46
    d = actions.record_distribution(commune_officer, unit=my_commune, decision_no="46/QĐ-UBND",
                                    decision_date=dt.date(2024, 4, 1), title="Cấp bò giống cho hộ nghèo",
                                    codes=[h.code for h in households],
                                    facts=facts(households[0], provider_unit=my_commune, document_no=""))
    rows = Support.objects.filter(entry__distribution=d)
    assert d.households == 46 and rows.count() == 46 and rows.filter(is_current=True, version=1).count() == 46
    assert {s.household_id for s in rows} == {h.pk for h in households}
    assert set(rows.values_list("document_no", flat=True)) == {"46/QĐ-UBND"}       # the decision is the evidence
    assert sum(rows.values_list("value_vnd", flat=True)) == 46 * 20_000_000
    assert AuditEvent.objects.filter(action="support.record", changes__distribution=d.pk).count() == 46
    assert AuditEvent.objects.filter(action="distribution.record", object_id=str(d.pk)).exists()


def test_one_unknown_household_and_nothing_is_written(commune_officer, my_commune, other_commune):
    households = poor_in(my_commune, 2024, 5)
    stranger = Household.objects.filter(commune=other_commune).order_by("id").first()
    before = (Distribution.objects.count(), SupportEntry.objects.count(), Support.objects.count())
    codes = [h.code for h in households] + ["KHONG-CO-MA-NAY", stranger.code, households[0].code]
    with pytest.raises(ValidationError) as e:
        actions.record_distribution(commune_officer, unit=my_commune, decision_no="1/QĐ", decision_date=dt.date(2024, 4, 1),
                                    title="Cấp giống", codes=codes, facts=facts(households[0]))
    text = " ".join(e.value.messages)
    assert "KHONG-CO-MA-NAY" in text and stranger.code in text and "ghi hai lần" in text
    assert (Distribution.objects.count(), SupportEntry.objects.count(), Support.objects.count()) == before


def test_bad_facts_and_nothing_is_written(commune_officer, my_commune):
    households = poor_in(my_commune, 2024, 3)
    with pytest.raises(ValidationError, match="100%"):
        actions.record_distribution(commune_officer, unit=my_commune, decision_no="2/QĐ", decision_date=dt.date(2024, 4, 1),
                                    title="x", codes=[h.code for h in households],
                                    facts=facts(households[0], funding=[("NSTW", 70, True), ("HO", 20, True)]))
    with pytest.raises(ValidationError, match="2021–2025"):
        actions.record_distribution(commune_officer, unit=my_commune, decision_no="2/QĐ", decision_date=dt.date(2019, 4, 1),
                                    title="x", codes=[h.code for h in households],
                                    facts=facts(households[0], date=dt.date(2019, 4, 1)))
    assert not Support.objects.filter(household__in=households).exists()


def test_one_closed_household_stops_the_whole_distribution(commune_officer, my_commune):
    households = poor_in(my_commune, 2024, 4)
    Household.objects.filter(pk=households[2].pk).update(status="moved_away", end_year=2023)
    with pytest.raises(ValidationError, match=households[2].code):
        actions.record_distribution(commune_officer, unit=my_commune, decision_no="3/QĐ", decision_date=dt.date(2024, 4, 1),
                                    title="x", codes=[h.code for h in households], facts=facts(households[0]))
    assert not Support.objects.filter(household__in=households).exists()


def test_the_province_gives_across_communes_and_a_commune_only_in_its_own(province_officer, commune_officer,
                                                                          my_commune, other_commune):
    a, b = poor_in(my_commune, 2024, 1)[0], poor_in(other_commune, 2024, 1)[0]
    province = my_commune.parent
    d = actions.record_distribution(province_officer, unit=province, decision_no="9/QĐ-UBND", decision_date=dt.date(2024, 6, 1),
                                    title="Bò giống của tỉnh", codes=[a.code, b.code],
                                    facts=facts(a, provider_unit=province))
    assert d.households == 2 and d.commune is None and d.province == province
    with pytest.raises(ValidationError, match=b.code):
        actions.record_distribution(commune_officer, unit=my_commune, decision_no="4/QĐ", decision_date=dt.date(2024, 6, 1),
                                    title="x", codes=[a.code, b.code], facts=facts(a))
    with pytest.raises(PermissionDenied):
        actions.record_distribution(commune_officer, unit=other_commune, decision_no="4/QĐ", decision_date=dt.date(2024, 6, 1),
                                    title="x", codes=[b.code], facts=facts(b))


def test_the_page_records_a_distribution_and_lists_it(client, commune_officer, my_commune):
    households = poor_in(my_commune, 2024, 3)
    client.force_login(commune_officer)
    r = client.post("/support/distributions/new/", {
        "unit": my_commune.pk, "decision_no": "77/QĐ-UBND", "decision_date": "2024-03-01", "title": "Cấp dê giống",
        "codes": "\n".join(h.code for h in households), "part": "GNBV2125.DA2", "kind": "livestock",
        "description": "Dê cái", "quantity": "2", "unit_of_measure": "con", "value_vnd": "6.000.000",
        "funding": "NSTW 100%", "date": "2024-03-05", "status": "delivered", "provider": f"u{my_commune.pk}"})
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Distribution.objects.get(decision_no="77/QĐ-UBND")
    page = client.get(r["Location"]).content.decode()
    assert all(h.code in page for h in households) and "Cấp dê giống" in page
    assert Support.objects.filter(entry__distribution=d, value_vnd=6_000_000, quantity=2).count() == 3
