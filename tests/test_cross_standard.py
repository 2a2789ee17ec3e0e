"""Progress measured from a baseline under 2016–2020 to a result under 2021–2025 is flagged."""
import pytest
from django.urls import reverse

from chungtay.core.progress import standard_break
from chungtay.plans import actions
from chungtay.plans.models import Target
from chungtay.plans.progress import target_progress
from chungtay.units.models import Unit


@pytest.fixture
def province():
    return Unit.objects.get(system="2025", level="province", code="51")


@pytest.fixture
def plan(province_officer, province):
    return actions.create_plan(province_officer, unit=province, title="Kế hoạch 2021–2025", document_no="1/KH",
                               start_year=2021, end_year=2025)


def _target(officer, plan, province, baseline_year):
    return actions.add_target(officer, plan, metric="poverty_rate", unit=province, kind=Target.POINTS, low=1,
                              high=1.5, counted=1.25, baseline_year=baseline_year)


def test_core_flags_only_a_change_of_standard():
    assert standard_break(2021, "2016-2020", 2025, "2021-2025").message_vi.startswith("Năm gốc 2021 tính theo")
    assert "2016-2020" in standard_break(2021, "2016-2020", 2025, "2021-2025").message_en
    assert standard_break(2022, "2021-2025", 2025, "2021-2025") is None
    assert standard_break(2015, None, 2017, "2016-2020") is None


def test_it_flags_a_2021_baseline_against_2025(province_officer, plan, province):
    tp = target_progress(province_officer, _target(province_officer, plan, province, 2021))
    assert tp.standard_break is not None
    assert (tp.standard_break.baseline_standard, tp.standard_break.actual_standard) == ("2016-2020", "2021-2025")


def test_it_does_not_flag_within_one_standard(province_officer, plan, province):
    assert target_progress(province_officer, _target(province_officer, plan, province, 2022)).standard_break is None


def test_the_target_and_plan_pages_say_what_it_means(as_province_officer, province_officer, plan, province):
    t = _target(province_officer, plan, province, 2021)
    html = as_province_officer.get(reverse("target", args=[t.pk])).content.decode()
    assert "So sánh giữa hai chuẩn nghèo" in html and "không chỉ do hộ thoát nghèo" in html
    assert "khác chuẩn nghèo" in as_province_officer.get(reverse("plan", args=[plan.pk])).content.decode()
    same = _target(province_officer, plan, province, 2022)
    assert "So sánh giữa hai chuẩn nghèo" not in as_province_officer.get(reverse("target", args=[same.pk])).content.decode()
