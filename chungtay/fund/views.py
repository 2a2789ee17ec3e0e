"""Pages of the Fund for the Poor. Thin: reads start from ``Fund.objects.for_user`` (a fund
outside the area is a 404), writes go through ``actions`` (the Front committee of the fund's own
unit; anyone else gets the 403 of ``roles.require``)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.roles import FRONT, _grants, can
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit
from chungtay.core import fmt

from . import actions, forms, payments, queries
from .models import (PURPOSE_NAMES, BankStatement, Campaign, Disbursement, Donation, Fund, LedgerLine,
                     LedgerTransaction, Transfer)

MAX_STATEMENT_BYTES = 5 * 1024 * 1024


def _pk(v) -> int:
    try:
        n = int(v)
    except (TypeError, ValueError):
        return 0
    return n if 0 < n < 2 ** 63 else 0


def _fund(request, pk) -> Fund:
    if not _pk(pk):
        raise Http404
    return queries.fund_for_user(request.user, pk)


def _errors(form, e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        for f, errs in e.error_dict.items():
            for err in errs:
                form.add_error(f if f in form.fields else None, err.messages[0] if hasattr(err, "messages") else str(err))
    else:
        for m in e.messages:
            form.add_error(None, m)


def _pick(qs, raw):
    pk = _pk(raw)
    return qs.filter(pk=pk).first() if pk else None


def _form_page(request, fund, form, title, back=None, multipart=False, extra=None):
    ctx = {"fund": fund, "form": form, "title": title, "multipart": multipart, "back": back}
    ctx.update(extra or {})
    return render(request, "fund/form.html", ctx)


def _may(user, action, fund) -> bool:
    return can(user, action, fund.unit) and any(r == FRONT and u == fund.unit_id for r, u in _grants(user))


# ------------------------------------------------------------------ funds

@login_required
def fund_list(request):
    """The funds of the user's area, with their balances; a Front committee opens its own."""
    mine = [uid for r, uid in _grants(request.user) if r == FRONT and uid]
    units = list(Unit.objects.filter(pk__in=mine, system=Unit.SYSTEM_2025, level__in=[Unit.PROVINCE, Unit.COMMUNE])
                 .exclude(poor_fund__isnull=False))
    if (FRONT, None) in _grants(request.user) and not Fund.objects.filter(level=Fund.NATIONAL).exists():
        units.insert(0, None)                       # the Central Committee opens the national fund
    form = None
    if request.method == "POST":
        from chungtay.accounts.roles import require
        require(request.user, "fund_manage")
        form = forms.OpenFundForm(request.POST, units=units)
        if form.is_valid():
            unit = next(u for u in units if (str(u.pk) if u else "national") == form.cleaned_data["unit"])
            try:
                f = actions.open_fund(request.user, unit, committee=form.cleaned_data["committee"])
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.success(request, tr("Đã mở quỹ", "Fund opened"))
                return redirect("fund:detail", pk=f.pk)
    elif units:
        form = forms.OpenFundForm(units=units)
    funds = list(Fund.objects.for_user(request.user).select_related("unit", "province"))
    rows = [(f, queries.summary(f)) for f in funds]
    return render(request, "fund/list.html", {"rows": rows, "form": form})


@login_required
def fund_detail(request, pk):
    fund = _fund(request, pk)
    txns = queries.recent_transactions(fund, 30)
    return render(request, "fund/detail.html", {
        "fund": fund, "s": queries.summary(fund), "txns": txns,
        "campaigns": fund.campaigns.all()[:10], "banks": fund.bank_accounts.all(),
        "allocations": fund.allocations.all()[:10], "houses": fund.houses.select_related("household")[:20],
        "transfers_in": Transfer.objects.filter(to_fund=fund).select_related("from_fund")[:10],
        "may": {a: _may(request.user, a, fund) for a in ("fund_manage", "donation_record", "allocation_decide",
                                                          "disbursement_record", "ledger_reverse", "bank_reconcile",
                                                          "period_publish")},
        "published": fund.published.all()[:10]})


# ------------------------------------------------------------------ registers

@login_required
def donors(request, pk):
    fund = _fund(request, pk)
    from chungtay.support.models import Partner
    partners = sorted(Partner.objects.for_user(request.user)[:500], key=lambda p: fmt.sort_key(p.name))
    form = None
    if request.method == "POST":
        actions.require_fund(request.user, "fund_manage", fund)
        form = forms.DonorForm(request.POST, partners=partners)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                actions.create_donor(request.user, fund, kind=cd["kind"], name=cd["name"], anonymous=cd["anonymous"],
                                     partner=_pick(Partner.objects.for_user(request.user), cd["partner"]),
                                     contact=cd["contact"])
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.success(request, tr("Đã thêm nhà tài trợ", "Donor added"))
                return redirect("fund:donors", pk=fund.pk)
    elif _may(request.user, "fund_manage", fund):
        form = forms.DonorForm(partners=partners)
    return render(request, "fund/donors.html", {"fund": fund, "donors": fund.donors.select_related("partner"),
                                                "form": form})


@login_required
def campaigns(request, pk):
    fund = _fund(request, pk)
    form = None
    if request.method == "POST":
        actions.require_fund(request.user, "fund_manage", fund)
        form = forms.CampaignForm(request.POST)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                actions.create_campaign(request.user, fund, kind=cd["kind"], name=cd["name"], start=cd["start"],
                                        end=cd["end"], target_vnd=cd["target_vnd"] or 0)
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.success(request, tr("Đã tạo đợt vận động", "Campaign created"))
                return redirect("fund:campaigns", pk=fund.pk)
    elif _may(request.user, "fund_manage", fund):
        import datetime as dt
        start, end = actions.peak_month(dt.date.today().year)
        form = forms.CampaignForm(initial={"kind": Campaign.PEAK, "start": start, "end": end})
    from django.db.models import Sum
    rows = [(c, c.donations.filter(txn__reversal__isnull=True).aggregate(s=Sum("value_vnd"))["s"] or 0)
            for c in fund.campaigns.all()]
    return render(request, "fund/campaigns.html", {"fund": fund, "rows": rows, "form": form})


@login_required
def pledges(request, pk):
    fund = _fund(request, pk)
    form = None
    if request.method == "POST":
        actions.require_fund(request.user, "fund_manage", fund)
        form = forms.PledgeForm(request.POST, donors=fund.donors.all(), campaigns=fund.campaigns.all())
        if form.is_valid():
            cd = form.cleaned_data
            try:
                actions.record_pledge(request.user, fund, donor=_pick(fund.donors.all(), cd["donor"]),
                                      amount_vnd=cd["amount_vnd"], made_on=cd["made_on"], due_date=cd["due_date"],
                                      campaign=_pick(fund.campaigns.all(), cd["campaign"]), note=cd["note"])
            except ValidationError as e:
                _errors(form, e)
            except AttributeError:
                form.add_error("donor", tr("Chọn nhà tài trợ", "Choose a donor"))
            else:
                messages.success(request, tr("Đã ghi cam kết", "Pledge recorded"))
                return redirect("fund:pledges", pk=fund.pk)
    elif _may(request.user, "fund_manage", fund):
        form = forms.PledgeForm(donors=fund.donors.all(), campaigns=fund.campaigns.all())
    rows = queries.pledge_rows(fund.pledges.select_related("donor", "campaign"))
    return render(request, "fund/pledges.html", {"fund": fund, "rows": rows, "form": form})


# ------------------------------------------------------------------ donations

def _receipt_key(raw) -> tuple[int, int] | None:
    """``2025-1234`` (a page link's keyset cursor) → (2025, 1234); anything else → None."""
    year, _, no = (raw or "").partition("-")
    if year.isascii() and no.isascii() and year.isdigit() and no.isdigit() and len(year) == 4 and len(no) <= 9:
        return int(year), int(no)
    return None


@login_required
def donations(request, pk):
    fund = _fund(request, pk)
    rows = queries.DonationPages(fund, after=_receipt_key(request.GET.get("after")),
                                 before=_receipt_key(request.GET.get("before")))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    items = list(page.object_list)
    key = "{0.receipt_year}-{0.receipt_no}".format
    return render(request, "fund/donations.html", {"fund": fund, "page": page,
                                                   "after": key(items[-1]) if items else "",
                                                   "before": key(items[0]) if items else "",
                                                   "may_record": _may(request.user, "donation_record", fund)})


@login_required
def donation_new(request, pk):
    fund = _fund(request, pk)
    actions.require_fund(request.user, "donation_record", fund)
    kw = {"donors": fund.donors.all(), "campaigns": fund.campaigns.all(), "pledges": fund.pledges.select_related("donor")}
    form = forms.DonationForm(request.POST or None, **kw)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            d = actions.record_donation(request.user, fund, donor=_pick(fund.donors.all(), cd["donor"]), date=cd["date"],
                                        value_vnd=cd["value_vnd"], form=cd["form"], channel=cd["channel"],
                                        campaign=_pick(fund.campaigns.all(), cd["campaign"]),
                                        pledge=_pick(fund.pledges.all(), cd["pledge"]), goods=cd["goods"],
                                        bank_reference=cd["bank_reference"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr(f"Đã ghi, biên lai số {d.receipt}", f"Recorded, receipt {d.receipt}"))
            return redirect("fund:donations", pk=fund.pk)
    return _form_page(request, fund, form, tr("Ghi nhận ủng hộ", "Record a donation"), "fund:donations")


@login_required
def receipt(request, pk):
    if not _pk(pk):
        raise Http404
    d = (Donation.objects.for_user(request.user).select_related("fund__unit", "donor", "campaign", "txn")
         .filter(pk=pk).first())
    if d is None:
        raise Http404
    from .receipt_pdf import receipt_pdf
    resp = HttpResponse(receipt_pdf(d), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="bien-lai-{d.receipt}.pdf"'
    return resp


# ------------------------------------------------------------------ allocation, money out

def _allocation_lines(fund: Fund, text: str) -> list:
    out = []
    for i, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("\t", ";").split(";")]
        if len(parts) != 3:
            raise ValidationError(tr(f"Dòng {i}: cần 3 phần: mục đích; mã đơn vị; số tiền",
                                     f"Line {i}: give purpose; unit code; amount"))
        purpose, code, amount = parts
        if purpose not in PURPOSE_NAMES:
            raise ValidationError(tr(f"Dòng {i}: mục đích “{purpose}” không có (house, livelihood, scholarship, "
                                     f"health_insurance, emergency)", f"Line {i}: unknown purpose “{purpose}”"))
        unit = Unit.objects.filter(system=Unit.SYSTEM_2025, code=code).exclude(level=Unit.DISTRICT).first()
        digits = amount.replace(".", "").replace(" ", "")
        if not digits.isdigit() or len(digits) > 16:
            raise ValidationError(tr(f"Dòng {i}: số tiền “{amount}” không phải số đồng nguyên",
                                     f"Line {i}: “{amount}” is not whole VND"))
        if unit is None:
            raise ValidationError(tr(f"Dòng {i}: không có đơn vị mã {code}", f"Line {i}: no unit with code {code}"))
        out.append((purpose, unit, int(digits)))
    return out


@login_required
def allocation_new(request, pk):
    fund = _fund(request, pk)
    actions.require_fund(request.user, "allocation_decide", fund)
    form = forms.AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            actions.decide_allocation(request.user, fund, decision_no=cd["decision_no"], decision_date=cd["decision_date"],
                                      title=cd["title"], lines=_allocation_lines(fund, cd["lines"]))
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr("Đã ghi quyết định phân bổ", "Allocation recorded"))
            return redirect("fund:detail", pk=fund.pk)
    return _form_page(request, fund, form, tr("Quyết định phân bổ Quỹ", "Allocation decision"), "fund:detail",
                      extra={"summary": queries.summary(fund)})


@login_required
def disbursement_new(request, pk):
    fund = _fund(request, pk)
    actions.require_fund(request.user, "disbursement_record", fund)
    allocations = fund.allocations.all()[:100]
    form = forms.DisbursementForm(request.POST or None, allocations=allocations)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            hh = actions.household_for(request.user, fund, cd["household"])
            d = actions.record_disbursement(request.user, fund, household=hh, purpose=cd["purpose"],
                                            amount_vnd=cd["amount_vnd"], date=cd["date"], paid_from=cd["paid_from"],
                                            allocation=_pick(fund.allocations.all(), cd["allocation"]),
                                            document_no=cd["document_no"], description=cd["description"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr(f"Đã chi cho hộ {d.household.code} và ghi vào sổ hỗ trợ của hộ",
                                         f"Paid household {d.household.code}; recorded as its support"))
            return redirect("fund:disbursements", pk=fund.pk)
    return _form_page(request, fund, form, tr("Chi hỗ trợ hộ từ Quỹ", "Pay a household from the fund"), "fund:detail",
                      extra={"summary": queries.summary(fund)})


@login_required
def payment_list_new(request, pk):
    """One allocation decision's list of households paid at once (all or none, every bad line named)."""
    fund = _fund(request, pk)
    actions.require_fund(request.user, "disbursement_record", fund)
    allocations = fund.allocations.all()[:100]
    form = forms.PaymentListForm(request.POST or None, allocations=allocations)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            paid = payments.pay_households(request.user, fund, allocation=_pick(fund.allocations.all(), cd["allocation"]),
                                           payments=_payment_list(request.user, fund, form.codes(), cd))
        except ValidationError as e:
            _errors(form, e)
        else:
            total = sum(d.amount_vnd for d in paid)
            messages.success(request, tr(f"Đã chi cho {len(paid)} hộ, tổng {fmt.money(total)}, và ghi vào sổ hỗ trợ "
                                         f"của từng hộ", f"Paid {len(paid)} households, {fmt.money(total, 'en')} in all; "
                                         f"recorded as their supports"))
            return redirect("fund:disbursements", pk=fund.pk)
    return _form_page(request, fund, form, tr("Chi hỗ trợ theo danh sách hộ", "Pay a list of households"), "fund:detail",
                      extra={"summary": queries.summary(fund)})


def _payment_list(user, fund, codes: list[str], cd: dict) -> list:
    """The form's codes as payments; every unknown or repeated code named (ValidationError)."""
    known, bad = payments.resolve_codes(user, fund, codes)
    if bad:
        raise ValidationError([tr(f"Dòng {i + 1}: mã hộ {code} đã có ở dòng {j + 1}",
                                  f"Line {i + 1}: household {code} is already on line {j + 1}") if j is not None
                               else f"{tr('Dòng', 'Line')} {i + 1}: {actions.not_in_fund(fund, code)}"
                               for i, code, j in bad])
    return [payments.Payment(known[c], cd["purpose"], cd["amount_vnd"], cd["date"], cd["paid_from"], cd["description"])
            for c in codes]


@login_required
def disbursements(request, pk):
    fund = _fund(request, pk)
    qs = (Disbursement.objects.filter(fund=fund).filter(household__in=Household.objects.for_user(request.user))
          .select_related("household", "village", "txn__reversal"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "fund/disbursements.html", {"fund": fund, "page": page,
                                                       "may_record": _may(request.user, "disbursement_record", fund)})


@login_required
def transfer_new(request, pk):
    fund = _fund(request, pk)
    actions.require_fund(request.user, "disbursement_record", fund)
    others = list(actions.related_funds(fund).select_related("unit").order_by("level", "code"))
    form = forms.TransferForm(request.POST or None, funds=others)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        to = next((f for f in others if str(f.pk) == cd["to_fund"]), None)
        try:
            actions.record_transfer(request.user, fund, to, amount_vnd=cd["amount_vnd"], date=cd["date"],
                                    reference=cd["reference"], paid_from=cd["paid_from"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr("Đã chuyển quỹ", "Transfer recorded"))
            return redirect("fund:detail", pk=fund.pk)
    return _form_page(request, fund, form, tr("Chuyển tiền sang quỹ cấp khác", "Transfer to another level's fund"),
                      "fund:detail")


@login_required
def reverse(request, pk):
    if not _pk(pk):
        raise Http404
    txn = LedgerTransaction.objects.filter(fund__in=Fund.objects.for_user(request.user), pk=pk).select_related(
        "fund__unit").first()
    if txn is None:
        raise Http404
    fund = txn.fund
    actions.require_fund(request.user, "ledger_reverse", fund)
    form = forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.reverse(request.user, txn, date=form.cleaned_data["date"], reason=form.cleaned_data["reason"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, tr("Đã ghi bút toán đảo", "Reversal recorded"))
            return redirect("fund:detail", pk=fund.pk)
    lines = list(LedgerLine.objects.filter(txn=txn).select_related("fund"))
    return _form_page(request, fund, form, tr(f"Đảo bút toán #{txn.pk}", f"Reverse entry #{txn.pk}"), "fund:detail",
                      extra={"txn": txn, "lines": lines})


# ------------------------------------------------------------------ bank

@login_required
def reconcile(request, pk):
    fund = _fund(request, pk)
    may = _may(request.user, "bank_reconcile", fund)
    form = result = statement = None
    if request.method == "POST":
        actions.require_fund(request.user, "bank_reconcile", fund)
        form = forms.StatementForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            if f.size > MAX_STATEMENT_BYTES:
                form.add_error("file", tr(f"{f.name}: tệp quá 5 MB", f"{f.name}: file larger than 5 MB"))
            else:
                try:
                    statement, result = actions.import_statement(request.user, fund, name=f.name, data=f.read(),
                                                                 window_days=form.cleaned_data["window_days"])
                except ValidationError as e:
                    _errors(form, e)
    elif may:
        form = forms.StatementForm()
    if statement is None:
        statement = _pick(BankStatement.objects.filter(fund=fund), request.GET.get("statement"))
    unmatched_lines, unmatched_entries = [], []
    if statement is not None:
        unmatched_lines = [ln for ln in statement.lines if not ln.get("entry")]
        unmatched_entries = list(LedgerLine.objects.filter(pk__in=statement.unmatched_ledger).select_related("txn")
                                 .order_by("txn__date", "id"))
    return render(request, "fund/reconcile.html", {
        "fund": fund, "form": form, "statement": statement, "unmatched_lines": unmatched_lines,
        "unmatched_entries": unmatched_entries, "statements": BankStatement.objects.filter(fund=fund)[:20]})


@require_POST
@login_required
def publish(request, pk):
    import datetime as dt
    fund = _fund(request, pk)
    actions.require_fund(request.user, "period_publish", fund)
    try:
        start = dt.date.fromisoformat(request.POST.get("start", ""))
        end = dt.date.fromisoformat(request.POST.get("end", ""))
        actions.publish_period(request.user, fund, start=start, end=end)
    except ValueError:
        messages.error(request, tr("Ngày không hợp lệ", "Invalid date"))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr("Đã công khai kỳ báo cáo", "Period published"))
    return redirect("fund:detail", pk=fund.pk)




@login_required
def donation_import(request, pk):
    """A donation list from Excel or CSV, all or nothing (chungtay/fund/importer.py)."""
    from chungtay.web.uploads import upload_name, upload_on_disk

    from . import importer
    fund = _fund(request, pk)
    actions.require_fund(request.user, "donation_record", fund)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result, name = None, ""
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        name = upload_name(f)
        with upload_on_disk(form, f, "ct-fund-") as path:
            if path is not None:
                result = importer.check_and_import(request.user, fund, path, name)
        if result is not None:
            if not result.problems:
                messages.success(request, tr(f"Đã nhập {result.written} khoản ủng hộ từ tệp {name}",
                                             f"{result.written} donations imported from {name}"))
                return redirect("fund:donations", pk=fund.pk)
    return render(request, "fund/import.html", {"fund": fund, "form": form, "result": result, "name": name,
                                                "shown": result.problems[:500] if result else [],
                                                "columns": importer.COLUMNS})


# ------------------------------------------------------------------ public (no login)

def public_list(request):
    """Every published period of every fund: public by design (the Front publishes its fund)."""
    from .models import PublishedPeriod
    periods = PublishedPeriod.objects.select_related("fund__unit", "fund__province").order_by(
        "fund__province_id", "fund__level", "fund__code", "-end")[:1000]
    return render(request, "fund/public_list.html", {"periods": periods})


def public_period(request, pk):
    from .models import PublishedPeriod
    from .public import statement
    if not _pk(pk):
        raise Http404
    period = PublishedPeriod.objects.select_related("fund__unit").filter(pk=pk).first()
    if period is None:
        raise Http404("Kỳ này chưa được công khai")
    return render(request, "fund/public_period.html", {"s": statement(period), "period": period,
                                                       "fund": period.fund})
