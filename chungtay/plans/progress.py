"""A target's progress: live values from the registry (or entered official figures) fed to
the pure arithmetic of chungtay.core.progress."""
from __future__ import annotations

from dataclasses import dataclass

from chungtay.core import progress as core
from chungtay.households.stats import available_years

from . import metrics
from .models import DIRECTION, Target


@dataclass
class TargetProgress:
    target: Target
    baseline: metrics.Value
    actual: metrics.Value | None
    progress: core.Progress
    published: core.PublishedCheck | None
    series: list[metrics.Value]
    standard_break: core.StandardBreak | None = None     # baseline and result under two standards
    actual_status: object = None     # households.completeness.YearStatus when the actual year is provisional


def target_progress(user, t: Target, years: list[int] | None = None, as_of: int | None = None) -> TargetProgress:
    """Progress of ``t`` with the data up to ``as_of`` (default: the latest year with data)."""
    kw = {"tag": t.unit_tag, "population": t.population, "threshold": t.threshold}
    if t.baseline_value is not None:
        baseline = metrics.Value(t.baseline_year, t.baseline_value, None, None,
                                 t.baseline_source or "nhập từ báo cáo")
    else:
        baseline = metrics.value(user, t.metric, t.unit, t.baseline_year, **kw)
    years = years if years is not None else sorted(available_years(user))
    span = [y for y in years if t.baseline_year < y <= min(t.end_year, as_of or t.end_year)]
    series = [baseline] + metrics.series(user, t.metric, t.unit, span, **kw)
    have = [v for v in series[1:] if v.value is not None]
    actual = have[-1] if have else None
    direction = DIRECTION[t.metric]
    a_year, a_val = (actual.year, actual.value) if actual else (None, None)
    if baseline.value is None:
        prog = core.Progress(t.kind, direction, t.baseline_year, float("nan"), a_year, a_val, t.end_year, t.counted)
    elif t.kind == Target.POINTS:
        prog = core.points_per_year(t.baseline_year, baseline.value, a_year, a_val, t.counted, t.end_year, direction)
    elif t.kind == Target.LEVEL:
        prog = core.level_by(t.baseline_year, baseline.value, a_year, a_val, t.counted, t.end_year, direction)
    else:
        prog = core.multiple_of_baseline(t.baseline_year, baseline.value, a_year, a_val, t.counted, t.end_year)
    published = None
    ref = next((v for v in series if v.year == t.published_year), None) if t.published_year else actual
    if t.published_change is not None and ref and ref.value is not None and baseline.value is not None \
            and ref.year > t.baseline_year:
        published = core.check_published_change(t.published_change, baseline.value, ref.value,
                                                ref.year - t.baseline_year)
    brk = core.standard_break(t.baseline_year, _standard_code(t.baseline_year), a_year, _standard_code(a_year))
    status = _provisional(user, t.unit, actual.year) if actual and actual.source == "registry" else None
    return TargetProgress(t, baseline, actual, prog, published, series, brk, status)


def _provisional(user, unit, year: int):
    """The year's status when its figures may be provisional, else None. Two cheap probes
    first: a year with a later year on record and no unrecognised round is final."""
    from chungtay.households.completeness import FINAL_STATES, year_status
    from chungtay.households.models import YearSummary
    from chungtay.reviews.models import ReviewRound
    open_round = ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, year=year).exclude(state__in=FINAL_STATES)
    if YearSummary.objects.filter(year__gt=year).exists() and not open_round.exists():
        return None
    st = year_status(user, unit, year)
    return st if st.provisional else None


def _standard_code(year: int | None) -> str | None:
    """The standard a year's results are measured under (None when no standard covers it)."""
    from chungtay.core.standards import StandardError, standard_for_year
    if year is None:
        return None
    try:
        return standard_for_year(year).code
    except StandardError:
        return None
