"""Plans and targets against the registry, cascades, scope, and the dashboards."""
import pytest
from django.urls import reverse

from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household
from chungtay.plans import actions
from chungtay.plans.models import Target
from chungtay.plans.progress import target_progress
from chungtay.units.models import Unit


@pytest.fixture
def province():
    return Unit.objects.get(system="2025", level="province", code="51")


@pytest.fixture
def plan(province_officer, province):
    return actions.create_plan(province_officer, unit=province, title="Kế hoạch 2021–2025", document_no="99/KH-UBND",
                               start_year=2022, end_year=2025)


def _rate(**f):
    qs = Assessment.objects.filter(is_current=True, kind="periodic", **f)
    return 100.0 * qs.filter(category="poor").count() / qs.count()


def test_progress_figures_match_the_registry(province_officer, plan, province):
    t = actions.add_target(province_officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS,
                           low=2, high=3, counted=2.5, baseline_year=2022)
    tp = target_progress(province_officer, t)
    assert tp.baseline.value == pytest.approx(_rate(province=province, year=2022))
    assert tp.actual.year == 2025 and tp.actual.value == pytest.approx(_rate(province=province, year=2025))
    assert tp.actual.denominator == Assessment.objects.filter(province=province, year=2025, is_current=True).count()
    assert tp.progress.average_change == pytest.approx((tp.baseline.value - tp.actual.value) / 3)


def test_ethnic_minority_and_poor_district_scopes(province_officer, plan, province):
    t = actions.add_target(province_officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS, low=3,
                           counted=3, baseline_year=2022, population="ethnic_minority")
    assert target_progress(province_officer, t).actual.value == pytest.approx(
        _rate(province=province, year=2025, ethnic_minority=True))
    kon_tum = Unit.objects.get(system="legacy", level="province", code="62")
    t2 = actions.add_target(province_officer, plan, metric="poverty_rate", unit=kon_tum, unit_tag="poor_district",
                            kind=Target.POINTS, low=6, high=8, counted=7, baseline_year=2016, end_year=2020)
    tp = target_progress(province_officer, t2)
    assert tp.actual.value == pytest.approx(_rate(year=2020, district__code__in=["610", "613", "617", "618"]))


def test_entered_baseline_and_published_check(province_officer, plan):
    kon_tum = Unit.objects.get(system="legacy", level="province", code="62")
    t = actions.add_target(province_officer, plan, metric="poverty_rate", unit=kon_tum, kind=Target.POINTS, low=3,
                           high=4, counted=3.5, baseline_year=2015, baseline_value=26.11,
                           baseline_source="UBND tỉnh Kon Tum", end_year=2020, published_change=3.56,
                           published_year=2017)
    tp = target_progress(province_officer, t)
    assert tp.baseline.value == 26.11 and tp.baseline.source == "UBND tỉnh Kon Tum"
    actual_2017 = _rate(legacy_province=kon_tum, year=2017)
    assert tp.published.computed == pytest.approx((26.11 - actual_2017) / 2)
    assert not tp.published.follows


def test_cascade_to_communes_is_editable(province_officer, plan, province):
    t = actions.add_target(province_officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS, low=3,
                           counted=3, baseline_year=2022)
    made = actions.derive_for_children(province_officer, t)
    communes = set(Household.objects.values_list("commune_id", flat=True))
    assert communes <= {m.unit_id for m in made}
    assert actions.derive_for_children(province_officer, t) == []      # idempotent
    child = next(m for m in made if m.unit_id in communes)
    assert target_progress(province_officer, child).baseline.value == pytest.approx(
        _rate(commune_id=child.unit_id, year=2022))


def test_other_commune_cannot_see_plans_or_dashboards(client, other_commune_officer, plan, province, my_commune):
    client.force_login(other_commune_officer)
    assert client.get(reverse("plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("dashboard", args=[province.pk])).status_code == 404
    assert client.get(reverse("dashboard", args=[my_commune.pk])).status_code == 404
    assert client.get(reverse("dashboard_csv", args=[my_commune.pk]) + "?part=trend").status_code == 404


def test_dashboard_changes_with_the_next_request(client, commune_officer, my_commune):
    client.force_login(commune_officer)
    url = reverse("dashboard", args=[my_commune.pk]) + "?year=2025"
    before = client.get(url).context["report"].total
    hh = Household.objects.filter(commune=my_commune, assessments__year=2025, assessments__category="average",
                                  assessments__is_current=True).order_by("id").first()
    hh_actions.record_assessment(commune_officer, hh, year=2025, income=600_000,   # as the year's round
                                 deprived=["employment", "nutrition", "latrine", "telecom"], _round_ok=True)
    after = client.get(url).context["report"].total
    assert after.poor == before.poor + 1 and after.average == before.average - 1


def test_dashboard_csv_parts(as_province_officer, province):
    import csv
    import io
    for part, col in (("trend", "poverty_rate"), ("children", "poverty_rate"), ("deprivations", "contribution"),
                      ("movements", "newly_poor")):
        body = as_province_officer.get(reverse("dashboard_csv", args=[province.pk]) + f"?year=2024&part={part}")
        rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
        assert rows and col in rows[0], part
    dep = list(csv.DictReader(io.StringIO(as_province_officer.get(
        reverse("dashboard_csv", args=[province.pk]) + "?year=2024&part=deprivations").content.decode("utf-8-sig"))))
    assert sum(float(r["contribution"]) for r in dep) == pytest.approx(100, abs=0.1)


def test_plan_page_shows_status_and_rule(as_province_officer, province_officer, plan, province):
    actions.add_target(province_officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS, low=3,
                       counted=3, baseline_year=2022)
    html = as_province_officer.get(reverse("plan", args=[plan.pk])).content.decode()
    assert "Quy tắc đánh giá" in html and ("Đúng tiến độ" in html or "Chậm tiến độ" in html or "nguy cơ" in html)


def test_national_page_sums_the_provinces(client, admin_user, province):
    client.force_login(admin_user)
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r["Location"] == reverse("national")
    r = client.get(reverse("national") + "?year=2024")
    assert r.context["totals"]["total"] == Assessment.objects.filter(year=2024, is_current=True, kind="periodic").count()
    assert [row["code"] for row in r.context["rows"]] == ["51"]
    geo = client.get(reverse("national_geo"))
    import json
    assert len(json.loads(geo.content)["features"]) == 34


def test_national_page_is_scoped(as_commune_officer, my_commune):
    r = as_commune_officer.get(reverse("national") + "?year=2024")
    assert r.context["totals"]["total"] == Assessment.objects.filter(
        year=2024, is_current=True, kind="periodic", commune=my_commune).count()


def test_dashboard_ranks_children_by_progress(as_province_officer, province):
    r = as_province_officer.get(reverse("dashboard", args=[province.pk]) + "?year=2025")
    ranked = r.context["ranking"]
    assert r.context["rank_from"] == 2022 and ranked
    assert [x["rank"] for x in ranked] == list(range(1, len(ranked) + 1))
    assert all(a["change"] >= b["change"] for a, b in zip(ranked, ranked[1:]))
    top = ranked[0]
    assert top["change"] == pytest.approx((_rate(commune=top["unit"], year=2022) - _rate(commune=top["unit"], year=2025)) / 3)


def test_a_regular_review_after_the_lock_goes_through_the_form(as_commune_officer, commune_officer, commune_chairman,
                                                              my_commune):
    from datetime import date
    from chungtay.reviews import actions as r_actions
    rnd = r_actions.open_round(commune_officer, my_commune, 2026)
    r_actions.start_survey(commune_officer, rnd)
    for rh in rnd.members.all():
        r_actions.record_survey(commune_officer, rnd, rh.household, income=2_500_000, deprived=[])
    r_actions.start_meetings(commune_officer, rnd)
    by_village = {}
    for rh in rnd.members.select_related("household"):
        by_village.setdefault(rh.household.village, {})[rh.household_id] = 10
    for v, votes in by_village.items():
        r_actions.record_meeting(commune_officer, rnd, v, held_on=date(2026, 10, 1), chaired_by="A", attendees=10,
                                 minutes="ok", votes=votes)
    r_actions.post_lists(commune_officer, rnd, posted_from=date(2026, 10, 2), places="UBND")
    r_actions.recognise(commune_chairman, rnd, decision_no="1/QĐ", decision_date=date(2026, 10, 10), decided_by="CT")
    r_actions.lock(commune_chairman, rnd)
    hh = rnd.members.first().household
    url = reverse("assessment_new", args=[hh.pk]) + "?year=2026"
    data = {"year": 2026, "basis": "income", "value": 800_000, "ind_employment": "on", "ind_nutrition": "on",
            "ind_latrine": "on"}
    r = as_commune_officer.post(url, {**data, "kind": "periodic"})
    assert "đã được công nhận và khóa" in r.content.decode()
    r = as_commune_officer.post(url, {**data, "kind": "regular"}, follow=True)
    assert r.status_code == 200
    assert hh.assessments.get(year=2026, kind="regular").category == "poor"


def test_an_official_figure_serves_years_without_household_data(as_province_officer, province_officer, plan, province):
    t = actions.add_target(province_officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS, low=3,
                           counted=3, baseline_year=2015, end_year=2020)
    assert target_progress(province_officer, t).baseline.value is None          # no registry data for 2015
    r = as_province_officer.post(reverse("target", args=[t.pk]), {
        "year": 2015, "value": 26.11, "numerator": 25000, "denominator": 95750, "source": "Báo cáo 01/BC-UBND"})
    assert r.status_code == 302
    tp = target_progress(province_officer, t)
    assert tp.baseline.value == 26.11 and tp.baseline.source == "Báo cáo 01/BC-UBND"
    assert tp.progress.average_change is not None
    from chungtay.accounts.models import AuditEvent
    assert AuditEvent.objects.filter(action="official_figure.enter", actor=province_officer).exists()
