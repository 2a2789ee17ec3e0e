"""The Fund for the Poor at 100,000 donations (issue 11 §6): the fund's pages and the statements.

    python benchmarks/bench_fund.py [--data-dir /tmp/chungtay-bench-fund] [--donations 100000] [--runs 5]
    python benchmarks/bench_fund.py --database-url postgres://postgres:postgres@127.0.0.1:5432/ct_bench_fund [--vacuum-analyze]

Data: a small demo province (``setup_demo(households=3000, movement=False)``) in its own data folder
(and database), then, in the commune fund of ``xa``, ``--donations`` donations of 2025 from 2,000
donors (one in six anonymous, one in ten in kind), an allocation and 300 payments to households
through the actions, and the period 01/01–31/12/2025 published. The donations are written in bulk
(``bulk_create`` of the transactions, their two ledger lines and the donations, receipt numbers
1..n in date order, the receipt counter set to n) — the same rows ``actions.record_donation`` writes,
one by one it would take ~10 minutes; the prepared balances are then computed from those lines
(``ledger.rebuild``, which is what ``ledger.post`` keeps one posting at a time). Loaded once and
reused (a data folder from before migration 0002 gets its prepared figures from the migration); the
books are **checked** after the load (each fund's lines sum to 0, prepared balances = sums of lines in
every fund, receipts 1..n, donation lines = donations, the public statement's received and held-at-end
figures as read by index (migration 0003) = their sums over every row).

Timed (through Django's test client, best of ``--runs``, wall and CPU of this process; CPU is the
steadier figure on a shared machine): the fund page, the donations list page 1, a late page asked
for by number and the same page reached by its "next" link (keyset cursor), the public page of the period (goal 300 ms each); the statements PDF and Excel as the worker builds them
(``chungtay.jobs.files.run_file`` of a requested prepared file; goal 10 s), with their size.
Prints a table and a last line of JSON.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import _common  # noqa: E402

PAGE_GOAL_MS, FILE_GOAL_S = 300.0, 10.0


def setup(args):
    os.environ["CHUNGTAY_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "chungtay.settings"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)


def load(n: int, log=print):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from chungtay.accounts.models import Assignment
    from chungtay.fund import actions, ledger
    from chungtay.fund.models import (Donation, Donor, Fund, LedgerLine, LedgerTransaction, PublishedPeriod,
                                      ReceiptCounter)
    from chungtay.households.models import Household
    User = get_user_model()
    if not User.objects.filter(username="xa").exists():
        from chungtay.households.demo import setup_demo
        t = time.perf_counter()
        setup_demo(households=3000, log=lambda m: None, movement=False)
        log(f"demo province loaded in {time.perf_counter() - t:.0f} s")
    commune = User.objects.get(username="xa").assignments.get().unit
    front = User.objects.filter(username="bench-mttq").first()
    if front is None:
        front = User.objects.create_user("bench-mttq", first_name="MTTQ bench")
        Assignment.objects.create(user=front, unit=commune, role="front_committee")
    fund = Fund.objects.filter(unit=commune).first() or actions.open_fund(front, commune, opened_on=dt.date(2020, 1, 1))
    period = PublishedPeriod.objects.filter(fund=fund, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)).first()
    if period is not None:
        return front, fund, period
    rng = random.Random(11)
    t = time.perf_counter()
    first = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
    mid = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang"]
    last = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Phúc", "Sơn", "Tâm"]
    donors = []
    for i in range(2000):
        if i % 10 == 0:
            donors.append(Donor(fund=fund, kind="enterprise", name=f"Công ty TNHH {rng.choice(last)} {rng.choice(last)} {i}"))
        else:
            donors.append(Donor(fund=fund, kind="individual", anonymous=i % 6 == 0,
                                name=f"{rng.choice(first)} {rng.choice(mid)} {rng.choice(last)} {i}"))
    Donor.objects.bulk_create(donors)
    donors = list(Donor.objects.filter(fund=fund))
    start = dt.date(2025, 1, 1)
    days = sorted(start + dt.timedelta(days=rng.randrange(365)) for _ in range(n))
    with transaction.atomic():
        Fund.objects.select_for_update().filter(pk=fund.pk).first()
        chunk = 5000
        for a in range(0, n, chunk):
            part = days[a:a + chunk]
            spec = []
            for j, d in enumerate(part, start=a + 1):
                in_kind = rng.random() < 0.1
                v = rng.choice([100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000])
                acc = "goods" if in_kind else rng.choice(["cash", "bank", "bank"])
                spec.append((j, d, in_kind, v, acc, rng.choice(donors)))
            txns = LedgerTransaction.objects.bulk_create([
                LedgerTransaction(fund=fund, kind="donation", date=d, memo="Ủng hộ Quỹ", reference=f"2025-{j:05d}",
                                  created_by=front) for j, d, *_ in spec])
            if txns[0].pk is None:
                raise SystemExit("bulk_create returned no ids (SQLite < 3.35?)")
            LedgerLine.objects.bulk_create([x for t, (_, _, _, v, acc, _) in zip(txns, spec)
                                            for x in (LedgerLine(txn=t, fund=fund, account=acc, amount=v),
                                                      LedgerLine(txn=t, fund=fund, account="unallocated", amount=-v))])
            Donation.objects.bulk_create([
                Donation(fund=fund, donor=dn, form="in_kind" if ik else "money", goods="Gạo" if ik else "",
                         value_vnd=v, channel="" if ik else acc, date=d, receipt_year=2025, receipt_no=j, txn=t,
                         created_by=front)
                for t, (j, d, ik, v, acc, dn) in zip(txns, spec)])
            log(f"  {a + len(part):,} donations")
        ReceiptCounter.objects.update_or_create(fund=fund, year=2025, defaults={"last": n})
        ledger.rebuild([fund.pk])      # the prepared balances ledger.post keeps, for the lines written in bulk
    log(f"{n:,} donations written in {time.perf_counter() - t:.0f} s")
    hhs = list(Household.objects.filter(commune=commune, status="active").order_by("id")[:300])
    actions.decide_allocation(front, fund, decision_no="12/QĐ-MTTQ", decision_date=dt.date(2025, 11, 28),
                              title="Phân bổ Quỹ 2025", lines=[("livelihood", commune, 3_000_000 * len(hhs)),
                                                               ("scholarship", commune, 1_500_000 * len(hhs))])
    for i, hh in enumerate(hhs):
        actions.record_disbursement(front, fund, household=hh, purpose="livelihood" if i % 2 else "scholarship",
                                    amount_vnd=3_000_000 if i % 2 else 1_500_000, date=dt.date(2025, 12, 10),
                                    paid_from="bank")
    period = actions.publish_period(front, fund, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    log(f"allocation, {len(hhs)} payments, period published")
    return front, fund, period


def check(fund, n, period):
    """The books after the load: exact, or the benchmark stops."""
    from django.db.models import Count, Sum

    from chungtay.fund import queries
    from chungtay.fund.models import Donation, LedgerLine
    lines = LedgerLine.objects.filter(fund=fund)
    total = lines.aggregate(t=Sum("amount"))["t"]
    assert total == 0, f"the fund's lines sum to {total}"
    b = queries.balances(fund)
    assert queries.check_balances() == [], "prepared balances differ from the sums of the lines"
    assert b == queries.line_sums(fund)
    for acc, v in b.items():
        assert v == lines.filter(account=acc).aggregate(t=Sum("amount"))["t"], acc
        assert (v >= 0) if acc in ("cash", "bank", "goods") else (v <= 0), f"overdraft on {acc}"
    dons = Donation.objects.filter(fund=fund, receipt_year=2025)
    agg = dons.aggregate(c=Count("id"), lo=Sum("receipt_no"), t=Sum("value_vnd"))
    assert agg["c"] >= n and agg["lo"] == agg["c"] * (agg["c"] + 1) // 2, "receipts are not 1..n"
    don_lines = lines.filter(txn__kind="donation", account__in=["cash", "bank", "goods"]).aggregate(t=Sum("amount"))["t"]
    assert don_lines == Donation.objects.filter(fund=fund).aggregate(t=Sum("value_vnd"))["t"]
    from chungtay.fund import public
    assert public.figures(period) == public.figures_by_definition(period), "public statement figures differ"
    return {"donations": agg["c"], "received_vnd": agg["t"], "held_vnd": queries.summary(fund)["held"]}


def vacuum_analyze():
    from django.db import connection
    if connection.vendor != "postgresql":
        return
    from chungtay.fund import models
    tables = [m._meta.db_table for m in (models.Donation, models.Donor, models.LedgerLine, models.LedgerTransaction,
                                         models.FundBalance, models.FundCrossEntry)]
    t = time.perf_counter()
    with connection.cursor() as c:
        for table in tables:
            c.execute(f'VACUUM (ANALYZE) "{table}"')
    print(f"VACUUM ANALYZE {', '.join(tables)}: {time.perf_counter() - t:.1f} s", file=sys.stderr)


def time_pages(front, fund, period, runs):
    from django.test import Client

    from chungtay.fund.models import Donation
    c = Client()
    c.force_login(front)
    anon = Client()
    late = max(1, Donation.objects.filter(fund=fund).count() // 50 - 5)
    prev = Donation.objects.filter(fund=fund).order_by("-receipt_year", "-receipt_no")[(late - 1) * 50 - 1]
    pages = [("fund page", c, f"/fund/{fund.pk}/"), ("donations page 1", c, f"/fund/{fund.pk}/donations/"),
             (f"donations page {late}", c, f"/fund/{fund.pk}/donations/?page={late}"),
             (f"donations page {late} by link", c,
              f"/fund/{fund.pk}/donations/?page={late}&after={prev.receipt_year}-{prev.receipt_no}"),
             ("public period page", anon, f"/fund/public/{period.pk}/")]
    out = []
    for name, client, url in pages:
        client.get(url)                                   # warm (templates, connection)
        r = _common.runs(lambda: client.get(url), runs)
        assert r["result"].status_code == 200, (url, r["result"].status_code)
        out.append({"what": name, "url": url, "best_ms": round(r["best"] * 1000, 1), "cpu_ms": round(r["cpu"] * 1000, 1),
                    "runs_ms": [round(x * 1000) for x in r["runs"]], "goal_ms": PAGE_GOAL_MS,
                    "met": r["best"] * 1000 <= PAGE_GOAL_MS})
    return out


def time_files(front, fund, period):
    from chungtay.fund import statements
    from chungtay.jobs import files
    from chungtay.jobs.models import PreparedFile
    out = []
    for ext in ("pdf", "xlsx"):
        f = files.request_file(front, statements.KINDS[ext].name, fund.unit, {"period": period.pk})
        c0, t0 = time.process_time(), time.perf_counter()
        files.run_file(f.pk)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        f = PreparedFile.objects.get(pk=f.pk)
        assert f.status == PreparedFile.DONE, f.message
        path = files.final_path(f)
        out.append({"what": f"statement {ext.upper()} (worker)", "seconds": round(wall, 2), "cpu_s": round(cpu, 2),
                    "bytes": path.stat().st_size, "goal_s": FILE_GOAL_S, "met": wall <= FILE_GOAL_S})
        if ext == "pdf":
            import subprocess
            pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
            out[-1]["pages"] = next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages")), "?")
        path.unlink(missing_ok=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default="/tmp/chungtay-bench-fund")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--donations", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-files", action="store_true")
    ap.add_argument("--vacuum-analyze", action="store_true",
                    help="PostgreSQL: VACUUM ANALYZE the fund's tables before timing (what autovacuum does on a "
                         "server where it is on; the bench server runs with autovacuum off, so without this the "
                         "planner has no statistics for the bulk-loaded rows)")
    _common.add_common_args(ap)
    args = ap.parse_args()
    setup(args)
    front, fund, period = load(args.donations, log=lambda m: print(m, file=sys.stderr))
    books = check(fund, args.donations, period)
    print(f"books checked: {books}", file=sys.stderr)
    if args.vacuum_analyze:
        vacuum_analyze()
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    pages = time_pages(front, fund, period, args.runs)
    for p in pages:
        print(f"{p['what']:<28} {p['best_ms']:>8.1f} ms  cpu {p['cpu_ms']:>8.1f} ms  "
              f"{'ok' if p['met'] else 'MISSED'} (goal {PAGE_GOAL_MS:.0f} ms)  runs {p['runs_ms']}")
    filesout = [] if args.no_files else time_files(front, fund, period)
    for f in filesout:
        print(f"{f['what']:<28} {f['seconds']:>8.2f} s   cpu {f['cpu_s']:>8.2f} s   {f['bytes']:,} bytes "
              f"{'ok' if f['met'] else 'MISSED'} (goal {FILE_GOAL_S:.0f} s)")
    from django.db import connection
    _common.summary("fund", contention, database=connection.vendor, books=books, pages=pages, files=filesout)


if __name__ == "__main__":
    main()
