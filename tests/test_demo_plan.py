"""The demo contains the seeds' real plan: Kon Tum's Kế hoạch 2736/KH-UBND (2016–2020) with its targets."""
from django.urls import reverse

from chungtay.accounts.models import AuditEvent
from chungtay.plans.models import Plan
from chungtay.plans.progress import target_progress


def _plan():
    return Plan.objects.get(document_no="2736/KH-UBND")


def test_the_demo_has_the_kon_tum_plan_with_its_targets(db):
    p = _plan()
    assert (p.start_year, p.end_year) == (2016, 2020) and "Kon Tum" in p.title
    got = {(t.metric, t.unit_tag, t.kind, t.low, t.high, t.counted) for t in p.targets.all()}
    assert ("poverty_rate", "", "points_per_year", 3, 4, 3.5) in got
    assert ("poverty_rate", "poor_district", "points_per_year", 6, 8, 7) in got
    assert ("poor_income", "", "multiple_of_baseline", 2, None, 2) in got
    assert all(t.unit.code == "62" and t.unit.system == "legacy" for t in p.targets.all())
    assert AuditEvent.objects.filter(action="plan.create", object_id=str(p.pk)).exists()


def test_its_published_figure_is_checked(province_officer):
    t = _plan().targets.get(metric="poverty_rate", unit_tag="")
    tp = target_progress(province_officer, t)
    assert tp.baseline.value == 26.11 and tp.published is not None and tp.standard_break is None


def test_the_province_officer_sees_it(as_province_officer):
    html = as_province_officer.get(reverse("plans")).content.decode()
    assert "2736/KH-UBND" in html
    assert as_province_officer.get(reverse("plan", args=[_plan().pk])).status_code == 200


def test_setup_is_idempotent(db):
    from chungtay.households.demo_extras import create_kon_tum_plan, record_historical_rounds
    assert create_kon_tum_plan() == _plan()
    assert record_historical_rounds() == 0
    assert Plan.objects.filter(document_no="2736/KH-UBND").count() == 1
