"""The national analysis page: the nation's radar counted by province and its outcomes of support,
from the newest snapshot (``national.py``), with the moment the data was taken. For the users whose
area is the nation (the national administrator, the Front's Central Committee); anyone else: 404."""
from __future__ import annotations

import datetime as dt
from dataclasses import fields

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.shortcuts import render

from chungtay.accounts.access import scope_for
from chungtay.core import csvsafe
from chungtay.core.outcomes import Outcomes
from chungtay.core.radar_sql import RULES
from chungtay.support.models import KINDS, ProgrammePart
from chungtay.support.views_radar import TITLES, _year
from chungtay.units.models import Unit

from . import national
from . import snapshot as snaps

# the column headings of the table by province (the full titles are their tooltips and the legend)
SHORT = {"persistent": ("Nghèo từ 3 năm liền", "Poor 3+ years"),
         "unsupported": ("Chưa được hỗ trợ 2 năm", "No support in 2 years"),
         "fell_back": ("Tái nghèo, rơi xuống", "Fell back"),
         "pledges": ("Đăng ký chưa có hỗ trợ", "Pledges, no support"),
         "near_escape": ("Sắp thoát, cản trở chưa hỗ trợ", "Near escape, unaddressed")}
REFRESH = 5                  # seconds before a page whose figures are being computed reloads itself


def _pct(a, b):
    return None if not b else 100 * a / b


@login_required
def page(request):
    if not scope_for(request.user).everything:
        raise Http404
    snap = snaps.latest()
    if snap is None:
        national.radar(dt.date.today().year, None)        # starts the first snapshot unless one is being built
        return _waiting(request, None, {})
    ys = snap.years
    latest = _year(request, "results_year", None)
    latest = latest if latest in ys else None
    newest = latest or (ys[-1] if ys else dt.date.today().year)
    year = _year(request, "year", dt.date.today().year)
    last = _year(request, "to", newest)
    first = _year(request, "from", last - 2)
    if first > last:
        first, last = last, first
    first = max(first, last - 15)
    programmes = list(ProgrammePart.objects.filter(in_catalogue=True).exclude(level="subproject").order_by("position"))
    programme = request.GET.get("programme", "")
    programme = programme if programme in {p.code for p in programmes} else ""     # figures are kept per choice
    kind = request.GET.get("kind") if request.GET.get("kind") in {k for k, *_ in KINDS} else ""
    r = national.radar(year, latest)
    o = national.outcomes(first, last, programme, kind, latest)
    ctx = {"snap": snap, "year": year, "results_year": latest, "first": first, "last": last, "programme": programme,
           "kind": kind, "kinds": KINDS, "years": ys, "programmes": programmes, "failed": r.failed or o.failed}
    if r.payload is None or o.payload is None:
        return _waiting(request, snap, ctx)
    ctx.update(radar=_radar(r.payload, year), o=_outcomes(o.payload), counted=o.payload, rates=_rates(o.payload))
    if request.GET.get("format") == "csv":
        return _csv(snap, ctx["radar"], year)
    return render(request, "analysis/national.html", ctx)


def _csv(snap, radar: dict, year: int) -> HttpResponse:
    """The table by province as CSV (counts only), with the snapshot's time and the years on every row."""
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="chungtay-toan-quoc-radar-{year}-snapshot-{snap.pk}.csv"'
    resp["Cache-Control"] = "no-store, private"
    resp.write("\ufeff")
    w = csvsafe.writer(resp)
    w.writerow(["province_code", "province", *RULES, "reference_year", "results_year", "snapshot_taken_at"])
    tail = [year, radar["latest_year"] or "", timezone.localtime(snap.started_at).isoformat(timespec="seconds")]
    for row in radar["provinces"]:
        w.writerow([row["code"], row["name"], *("" if n is None else n for n in row["counts"]), *tail])
    w.writerow(["", "Toàn quốc", *("" if r["total"] is None else r["total"] for r in radar["rules"]), *tail])
    return resp


def _waiting(request, snap, ctx):
    resp = render(request, "analysis/national.html", {**ctx, "snap": snap, "waiting": True, "seconds": REFRESH},
                  status=202)
    resp["Retry-After"] = str(REFRESH)
    return resp


def _radar(p: dict, year: int) -> dict:
    provinces = {u.code: u for u in Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE)}
    lines = []
    for code, counts in sorted(p["by_province"].items()):
        u = provinces.get(code)
        lines.append({"code": code, "name": u.name if u else code, "pk": u.pk if u else None,
                     "counts": [counts.get(rule, 0) if p["counts"].get(rule) is not None else None for rule in RULES]})
    rules = [{"name": rule, "vi": TITLES[rule][0], "en": TITLES[rule][1], "short": SHORT[rule],
              "total": p["counts"].get(rule)} for rule in RULES]
    return {**p, "provinces": lines, "rules": rules, "provisional_pct": _pct(p["provisional"], p["rows"])}


def _outcomes(p: dict) -> Outcomes:
    return Outcomes(**{f.name: p[f.name] for f in fields(Outcomes) if f.name in p})


def _rates(p: dict) -> dict:
    return {"escape": _pct(p["escaped"], p["decided"]), "stayed_1": _pct(p["stayed_1"], p["stayed_1_n"]),
            "stayed_2": _pct(p["stayed_2"], p["stayed_2_n"]), "repoverty": _pct(p["repoverty"], p["repoverty_n"]),
            "provisional_pct": _pct(p["provisional"], p["rows"])}
