"""Pages "Không để ai bị bỏ lại phía sau" (the radar) and "Kết quả hỗ trợ" (outcomes of support).

Thin: the unit comes from ``?unit=`` through ``unit_for_user`` (outside the area: 404), the
default is the user's own unit; the reads are in ``support/radar.py``, the logic in the pure
cores ``chungtay.core.radar`` and ``chungtay.core.outcomes``. A parameter that is not a number
or out of range is ignored (a unit that is not a number: 404, like the ledger)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.core import csvsafe
from chungtay.core.radar import ADDRESSES
from chungtay.i18n import tr

from . import radar as reads
from .models import KIND_NAMES, KINDS, ProgrammePart
from .views import _filter_units, _int

LISTS = ("persistent", "unsupported", "fell_back", "pledges", "near_escape")
SHORT, FULL = 50, 2000
CSV_MAX = 200_000           # rows of one downloaded list (a whole province's list fits)
PREPARING_REFRESH = 3       # seconds before a page whose figures the worker computes reloads itself


def _unit(request):
    raw = request.GET.get("unit")
    if raw:
        pk = _int(raw)
        if pk is None or not 0 < pk < 2 ** 63:
            raise Http404
        return unit_for_user(request.user, pk)
    tops = scope_for(request.user).top_units()
    if not tops:
        raise Http404
    return tops[0]


def _year(request, name, default):
    y = _int(request.GET.get(name))
    return y if y is not None and 2000 <= y <= 2100 else default


def _preparing(request, unit, title: str) -> HttpResponse:
    """Figures of a province never computed for these choices: the worker computes them (a few
    seconds); the page says so and reloads itself (202, Retry-After)."""
    resp = render(request, "support/preparing.html", {"unit": unit, "title": title, "seconds": PREPARING_REFRESH},
                  status=202)
    resp["Retry-After"] = str(PREPARING_REFRESH)
    return resp


@login_required
def radar(request):
    unit = _unit(request)
    today = dt.date.today().year
    year = _year(request, "year", today)
    ry = reads.results_year(request.user, unit, _year(request, "results_year", None))
    csv = request.GET.get("format") == "csv"
    r = reads.radar_for(request.user, unit, year, ry.year, wait=csv)     # a download waits; a page does not
    if r is None:
        return _preparing(request, unit, tr("Không để ai bị bỏ lại phía sau", "No one left behind"))
    if csv:
        return _radar_csv(request, unit, year, r, ry)
    full = request.GET.get("full") if request.GET.get("full") in LISTS else ""
    cut = {name: getattr(r, name)[:FULL if name == full else SHORT] for name in LISTS}
    info = reads.households({row[1] if name == "pledges" else row[0] for name in LISTS for row in cut[name]})
    names = _indicator_names()
    lists = []
    for name in LISTS:
        rows = [_row(name, row, info, names) for row in cut[name]]
        lists.append({"name": name, "title": TITLES[name], "rows": rows, "total": len(getattr(r, name)),
                      "more": len(getattr(r, name)) > len(rows)})
    return render(request, "support/radar.html", {
        "unit": unit, "year": year, "r": r, "lists": lists, "full": full, "ry": ry, "status": ry.status,
        "stale": getattr(r, "stale_since", None), "refresh": PREPARING_REFRESH,
        "addresses": [(names.get(c, (c, c)), [KIND_NAMES[k] for k in ks]) for c, ks in ADDRESSES.items()],
        "units": _filter_units(request.user)})


def _radar_csv(request, unit, year, r, ry) -> HttpResponse:
    """One list of the radar, whole (up to CSV_MAX rows), for the officer to act on: household code,
    head, village and why listed — no ID numbers, income or health details. Every row also says
    which results year the list comes from and whether its figures are provisional (``tam_tinh``
    1, with ``reviewed`` of ``expected`` households), like the other CSV downloads."""
    name = request.GET.get("list")
    if name not in LISTS:
        return HttpResponse("Danh sách không hợp lệ: chọn một trong " + ", ".join(LISTS) + ".",
                            status=400, content_type="text/plain; charset=utf-8")
    rows = getattr(r, name)[:CSV_MAX]
    info = reads.households({row[1] if name == "pledges" else row[0] for row in rows})
    names = _indicator_names()
    en = getattr(request, "lang", "vi") == "en"
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    st = ry.status
    mark = "-tam-tinh" if ry.provisional else ""
    resp["Content-Disposition"] = f'attachment; filename="chungtay-radar-{name}-{unit.code}-{year}{mark}.csv"'
    resp["Cache-Control"] = "no-store, private"
    resp.write("\ufeff")
    w = csvsafe.writer(resp)
    w.writerow(["household_code", "head_name", "village", "details", "results_year", "tam_tinh", "reviewed", "expected"])
    tail = [r.latest_year if r.latest_year is not None else "", int(ry.provisional),
            st.reviewed if st is not None else "", st.expected if st is not None else ""]
    for row in rows:
        x = _row(name, row, info, names)
        w.writerow([x["code"], x["head"], x["village"], x["en"] if en else x["vi"], *tail])
    return resp


TITLES = {
    "persistent": ("Hộ nghèo từ 3 năm liên tiếp trở lên", "Poor for three or more consecutive years",
                   "Nghèo ở năm kết quả đang xem và ở mỗi năm trước đó, không gián đoạn, ít nhất 3 năm.",
                   "Poor in the results year shown and in every year before it, without a gap, at least 3 years."),
    "unsupported": ("Hộ nghèo, cận nghèo chưa nhận hỗ trợ trong 2 năm gần đây", "Poor or near-poor with no support in the last two years",
                    "Nghèo hoặc cận nghèo ở năm kết quả đang xem; không có hỗ trợ đã trao (phiên bản hiện hành) trong năm đang xem và năm trước đó.",
                    "Poor or near-poor in the results year shown; no delivered support (current version) in the year shown or the year before."),
    "fell_back": ("Hộ tái nghèo, rơi xuống cận nghèo", "Households that fell back",
                  "Năm kết quả đang xem so với năm trước đó: từ không nghèo, không cận nghèo thành nghèo hoặc cận nghèo; hoặc từ cận nghèo thành nghèo.",
                  "The results year shown against the year before: from neither to poor or near-poor, or from near-poor to poor."),
    "pledges": ("Đăng ký thoát nghèo chưa có hỗ trợ (tính theo lượt đăng ký)", "Pledges with no support behind them (counted per pledge)",
                "Đăng ký cho năm Y (không muộn hơn năm đang xem), không có hỗ trợ đã trao cho hộ trong năm Y hoặc Y − 1.",
                "A pledge for year Y (not after the year shown) and no delivered support to the household in Y or Y − 1."),
    "near_escape": ("Hộ sắp thoát nghèo nhưng thiếu hụt cản trở chưa được hỗ trợ", "Near escape, blocking deprivation not addressed",
                    "Hộ nghèo thiếu hụt đúng bằng ngưỡng (3 chỉ số): bớt một thiếu hụt là ra khỏi hộ nghèo; hoặc hộ cận nghèo (đo bằng thu nhập) "
                    "có thu nhập bình quân thấp hơn chuẩn không quá 10%. Không có hỗ trợ đã trao nào (từ năm trước năm kết quả đang xem) thuộc loại giải quyết "
                    "được chỉ số cản trở (bảng bên dưới).",
                    "A poor household deprived in exactly the cutoff (3 indicators): one deprivation fewer and it is not poor; or a near-poor "
                    "household measured by income whose income per person is at most 10% below the line. No delivered support (since the year "
                    "before the results year) is of a kind that addresses a blocking indicator (table below)."),
}


def _indicator_names():
    from chungtay.core.standards import all_standards
    names = {i.code: (i.name_vi, i.name_en) for s in all_standards() for i in s.indicators}
    names["income"] = ("Thu nhập", "Income")
    return names


def _row(name, row, info, names):
    from chungtay.core.standards import CATEGORY_NAMES as C
    h = row[1] if name == "pledges" else row[0]
    code, head, village = info.get(h, ("", "", ""))
    if name == "persistent":
        vi, en = f"{row[1]} năm liên tiếp", f"{row[1]} consecutive years"
    elif name == "unsupported":
        vi, en = C[row[1]]
    elif name == "fell_back":
        vi, en = f"{C[row[1]][0]} → {C[row[2]][0]}", f"{C[row[1]][1]} → {C[row[2]][1]}"
    elif name == "pledges":
        vi, en = f"Đăng ký năm {row[2]}", f"Pledge for {row[2]}"
    else:
        block = [names.get(b, (b, b)) for b in row[2]]
        kinds = [KIND_NAMES.get(k, (k, k)) for k in row[3]]
        vi = f"{C[row[1]][0]} · cản trở: {', '.join(b[0] for b in block)} · nên hỗ trợ: {', '.join(k[0] for k in kinds)}"
        en = f"{C[row[1]][1]} · blocking: {', '.join(b[1] for b in block)} · fitting support: {', '.join(k[1] for k in kinds)}"
    return {"hh": h, "code": code, "head": head, "village": village, "vi": vi, "en": en}


def _pct(x):
    return None if x is None else 100 * x


def counted_provisional(ry, first: int) -> list:
    """The statuses of the provisional years whose results the outcomes of ``first …`` count
    (from the baseline year first − 1 up to the results year), oldest first."""
    if ry.year is None:
        return []
    return [st for y, st in sorted(ry.statuses.items()) if first - 1 <= y <= ry.year and st.provisional]


@login_required
def outcomes(request):
    unit = _unit(request)
    ry = reads.results_year(request.user, unit, _year(request, "results_year", None))
    latest = ry.year or dt.date.today().year
    last = _year(request, "to", latest)
    first = _year(request, "from", last - 2)
    if first > last:
        first, last = last, first
    first = max(first, last - 15)
    programme = (request.GET.get("programme") or "")[:60].strip()
    kind = request.GET.get("kind") if request.GET.get("kind") in {k for k, *_ in KINDS} else ""
    o = reads.outcomes_for(request.user, unit, first, last, programme, kind, ry.year, wait=False)
    if o is None:
        return _preparing(request, unit, tr("Kết quả hỗ trợ", "Outcomes of support"))
    info = reads.households(o.escaped_ids[:SHORT] + o.repoverty_ids[:SHORT])
    return render(request, "support/outcomes.html", {
        "unit": unit, "first": first, "last": last, "programme": programme, "kind": kind, "o": o, "ry": ry,
        "stale": getattr(o, "stale_since", None), "refresh": PREPARING_REFRESH,
        "counted_provisional": counted_provisional(ry, first),
        "rates": {"escape": _pct(o.escape_rate), "stayed_1": _pct(o.stayed_1_rate), "stayed_2": _pct(o.stayed_2_rate),
                  "repoverty": _pct(o.repoverty_rate)},
        "effect": None if o.effect is None else {
            "att": _pct(o.effect.att), "se": _pct(o.effect.att_se), "treated": _pct(o.effect.treated_rate),
            "control": _pct(o.effect.control_rate), "matched": o.effect.n_matched_treated,
            "unmatched": o.effect.unmatched_treated, "n_control": o.effect.n_control, "strata": o.effect.n_strata_matched},
        "info": info, "escaped": [(h, *info.get(h, ("", "", ""))) for h in o.escaped_ids[:SHORT]],
        "repoverty": [(h, *info.get(h, ("", "", ""))) for h in o.repoverty_ids[:SHORT]],
        "kinds": KINDS, "units": _filter_units(request.user), "latest": latest,
        "programmes": ProgrammePart.objects.filter(in_catalogue=True).exclude(level="subproject").order_by("position")})
