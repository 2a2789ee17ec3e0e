"""Downloads of the official outputs. Every view is login-required and scoped: a unit or
household outside the user's area answers 404 (``unit_for_user``, ``for_user``).

Nothing here logs names: the certificate (the one download about a single family) leaves an
audit record with the household id, year and category only.
"""
from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.accounts.models import AuditEvent
from chungtay.accounts.roles import require
from chungtay.core import fmt
from chungtay.core.standards import CATEGORY_NAMES
from chungtay.households.models import Assessment
from chungtay.households.stats import available_years, year_rows
from chungtay.households.completeness import year_status
from chungtay.units.labels import unit_label
from chungtay.units.models import Unit

from . import data, pdf, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _year(request, user) -> int:
    raw = request.GET.get("year", "")
    if raw:
        try:
            y = int(raw)
        except ValueError:
            raise Http404("Năm không hợp lệ") from None
        if not 1990 <= y <= 2100:
            raise Http404("Năm không hợp lệ")
        return y
    years = available_years(user)
    return years[0] if years else date.today().year


def _download(content: bytes, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    resp = HttpResponse(content, content_type=content_type)
    resp["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    resp["Cache-Control"] = "no-store, private"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _unit_slug(unit: Unit) -> str:
    if unit.level == Unit.VILLAGE and unit.parent_id:
        label = data.village_labels(unit.parent).get(unit.id) or unit.full_name or unit.name
        return data.slug(label, unit.parent.full_name)
    return data.slug(unit.full_name or unit.name)


def _posting(request, pk: int) -> data.PostingList:
    unit = unit_for_user(request.user, pk)
    return data.posting_list(request.user, unit, _year(request, request.user),
                             escaped=request.GET.get("escaped", "1") != "0")


@login_required
def posting_list_pdf(request, pk: int):
    pl = _posting(request, pk)
    name = f"danh-sach-ho-ngheo-ho-can-ngheo-{_unit_slug(pl.unit)}-{pl.year}.pdf"
    return _download(pdf.posting_list_pdf(pl), name, PDF, inline=True)


@login_required
def posting_list_xlsx(request, pk: int):
    pl = _posting(request, pk)
    name = f"danh-sach-ho-ngheo-ho-can-ngheo-{_unit_slug(pl.unit)}-{pl.year}.xlsx"
    return _download(xlsx.posting_list_xlsx(pl), name, XLSX)


@login_required
def certificate_pdf(request, pk: int):
    require(request.user, "certificate_print")
    year = _year(request, request.user)
    try:
        cert = data.certificate(request.user, pk, year)
    except data.NotEligible as e:
        return render(request, "reports/not_eligible.html", {"message": str(e), "year": year, "pk": pk},
                      status=404)
    require(request.user, "certificate_print", cert.village)
    AuditEvent.objects.create(actor=request.user, action="report.certificate", object_type="household",
                              object_id=str(cert.household.pk), unit=cert.village,
                              changes={"year": year, "category": cert.category})
    kind = "ho-ngheo" if cert.category == "poor" else "ho-can-ngheo"
    name = f"giay-chung-nhan-{kind}-{data.slug(cert.household.code)}-{year}.pdf"
    return _download(pdf.certificate_pdf(cert), name, PDF, inline=True)


@login_required
def summary_xlsx(request, pk: int):
    unit = unit_for_user(request.user, pk)
    s = data.summary(request.user, unit, _year(request, request.user))
    name = f"bieu-tong-hop-ket-qua-ra-soat-{_unit_slug(unit)}-{s.year}.xlsx"
    return _download(xlsx.summary_xlsx(s), name, XLSX)


def _breadcrumb(user, unit: Unit) -> list[Unit]:
    chain = [unit]
    while chain[-1].parent_id:
        chain.append(chain[-1].parent)
    scope = scope_for(user)
    return [u for u in reversed(chain) if scope.covers(u)]


@login_required
def unit_reports(request, pk: int):
    """The downloads available for a unit and year, with what each one is for."""
    user = request.user
    unit = unit_for_user(user, pk)
    if unit.system != Unit.SYSTEM_2025:
        raise Http404("Biểu mẫu chỉ lập theo đơn vị hành chính hiện hành")
    year = _year(request, user)
    years = available_years(user)
    posting = (unit.system, unit.level) in data.POSTING_UNITS
    summary = (unit.system, unit.level) in data.SUMMARY_UNITS
    villages, certificates, communes = [], [], []
    if unit.level == Unit.COMMUNE:
        labels = data.village_labels(unit)
        villages = sorted(((vid, label) for vid, label in labels.items()), key=lambda x: fmt.sort_key(x[1]))
    if posting:
        col = data.POSTING_UNITS[(unit.system, unit.level)]
        labels = data.village_labels(unit if unit.level == Unit.COMMUNE else unit.parent)
        rows = (Assessment.objects.for_user(user)
                .filter(year=year, kind=Assessment.PERIODIC, is_current=True, category__in=data.ELIGIBLE,
                        **{col: unit.id})
                .values_list("household_id", "household__head_name", "village_id", "category"))
        certificates = sorted(((hid, head, labels.get(v, ""), CATEGORY_NAMES[c][0], c) for hid, head, v, c in rows),
                              key=lambda r: (r[4] != "poor", fmt.sort_key(r[2]), fmt.sort_key(r[1] or "")))
    if unit.level == Unit.PROVINCE:
        communes = list(Unit.objects.filter(parent=unit, system=Unit.SYSTEM_2025, level=Unit.COMMUNE)
                        .filter(id__in=year_rows(user, year).filter(province_id=unit.id).values("commune_id")))
        communes.sort(key=lambda u: fmt.sort_key(u.name))
    from chungtay.jobs.files import kinds_for
    from chungtay.jobs.models import PreparedFile
    prepared = [{"name": k.name, "title": k.title[1] if request.lang == "en" else k.title[0],
                 "description": k.description[1] if request.lang == "en" else k.description[0]}
                for k in kinds_for(unit)]
    recent = list(PreparedFile.objects.filter(user=user, unit=unit).order_by("-created_at", "-id")[:5]) if prepared else []
    for f in recent:
        f.label = f.status_label(request.lang)
    return render(request, "reports/unit.html", {
        "prepared": prepared, "recent_files": recent,
        "unit": unit, "year": year, "years": years, "posting": posting, "summary": summary,
        "villages": villages, "certificates": certificates, "communes": communes,
        "breadcrumb": _breadcrumb(user, unit), "unit_label": unit_label(unit),
        "status": year_status(user, unit if unit.level != Unit.VILLAGE else unit.parent, year),
    })
