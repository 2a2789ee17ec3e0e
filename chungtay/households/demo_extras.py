"""What the demo adds around its synthetic population: the review rounds of the loaded years
and the real Kon Tum 2016–2020 plan of the seeds with its targets.

- Every loaded year of every commune gets a periodic review round in the state "recognised",
  decision "nhập từ số liệu lịch sử": those reviews are over, so their figures are final (see
  chungtay.households.completeness). As after any recognition, a loaded periodic result is no
  longer written directly (households.actions.periodic_refusal): a change goes through a regular
  review. They are left "recognised" rather than "locked" because the lock's carry-over has
  nothing to add to a fully loaded year.
- Kế hoạch 2736/KH-UBND ngày 11/10/2017 of the Kon Tum People's Committee ("Cả nước chung tay
  vì người nghèo" emulation movement, 2016–2020): reduce the poverty rate by 3–4 points a year
  (counted as 3.5), by 6–8 points a year in the poor districts (counted as 7), and double the
  income per person of poor households against the end of 2015. The baseline 26.11% (start of
  2016) and the published 3.56 points a year come from the province's report of 23/08/2018.
  Created through the plans actions as the province officer, so it is audited like any plan.
"""
from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from chungtay.units.models import Unit

from .models import YearSummary

HISTORY_DECISION = "nhập từ số liệu lịch sử"      # = reviews.models.ReviewRound.HISTORY_DECISION
PLAN_NO = "2736/KH-UBND"
REPORT_2018 = ("Báo cáo kết quả phong trào thi đua “Cả nước chung tay vì người nghèo” của tỉnh Kon Tum, "
               "23/08/2018")


@transaction.atomic
def record_historical_rounds(log=lambda m: None) -> int:
    """A recognised periodic round for every (commune, year) with loaded results and no round."""
    from chungtay.reviews.models import ReviewRound
    pairs = set(YearSummary.objects.values_list("commune_id", "province_id", "year").distinct().order_by())
    have = set(ReviewRound.objects.filter(kind=ReviewRound.PERIODIC).values_list("commune_id", "year"))
    rounds = [ReviewRound(commune_id=c, province_id=p, year=y, kind=ReviewRound.PERIODIC,
                          state=ReviewRound.RECOGNISED, decision_no=HISTORY_DECISION,
                          decision_date=date(y, 12, 31), decided_by="")
              for c, p, y in sorted(pairs) if (c, y) not in have]
    ReviewRound.objects.bulk_create(rounds, batch_size=2000)
    log(f"  {len(rounds):,} review rounds of the loaded years (recognised)")
    return len(rounds)


@transaction.atomic
def create_kon_tum_plan(log=lambda m: None):
    """The seeds' Kon Tum 2016–2020 plan with its three targets (idempotent)."""
    from chungtay.plans import actions
    from chungtay.plans.models import Plan, Target
    existing = Plan.objects.filter(document_no=PLAN_NO).first()
    if existing:
        return existing
    actor = get_user_model().objects.filter(username="tinh").first()
    province = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code="51").first()
    kon_tum = Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.PROVINCE, code="62").first()
    if actor is None or province is None or kon_tum is None:
        return None
    plan = actions.create_plan(
        actor, unit=province, document_no=PLAN_NO, issued_on=date(2017, 10, 11), start_year=2016, end_year=2020,
        title="Kế hoạch chỉ đạo tổ chức thực hiện Phong trào thi đua “Cả nước chung tay vì người nghèo – "
              "Không để ai bị bỏ lại phía sau” trên địa bàn tỉnh Kon Tum (cũ), giai đoạn 2016–2020")
    actions.add_target(actor, plan, metric="poverty_rate", unit=kon_tum, kind=Target.POINTS, low=3, high=4,
                       counted=3.5, baseline_year=2015, baseline_value=26.11,
                       baseline_source=REPORT_2018 + " (26,11% đầu năm 2016)", end_year=2020,
                       published_change=3.56, published_year=2017, published_source=REPORT_2018,
                       note="Giảm tỷ lệ hộ nghèo bình quân 3–4%/năm theo chuẩn nghèo tiếp cận đa chiều 2016–2020")
    actions.add_target(actor, plan, metric="poverty_rate", unit=kon_tum, unit_tag="poor_district",
                       kind=Target.POINTS, low=6, high=8, counted=7, baseline_year=2016, end_year=2020,
                       note="Các huyện nghèo giảm bình quân 6–8%/năm")
    actions.add_target(actor, plan, metric="poor_income", unit=kon_tum, kind=Target.MULTIPLE, low=2, counted=2,
                       baseline_year=2015, end_year=2020,
                       note="Đến cuối năm 2020 thu nhập bình quân đầu người của hộ nghèo tăng gấp 2 lần so với "
                            "cuối năm 2015 (số liệu năm 2015: nhập từ báo cáo chính thức)")
    log(f"  plan {PLAN_NO} (Kon Tum 2016–2020) with 3 targets")
    return plan
