"""Shared helpers of the support tests (not a test module)."""
import datetime as dt
from decimal import Decimal

from chungtay.households.models import Assessment, Household
from chungtay.support import actions
from chungtay.support.models import ProgrammePart


def part(code="GNBV2125.DA3.TDA1"):
    return ProgrammePart.objects.get(code=code)


def facts(hh=None, **kw):
    f = dict(part=part(), kind="livestock", quantity=Decimal("1"), unit_of_measure="con", value_vnd=20_000_000,
             date=dt.date(2024, 5, 10), status="delivered", funding=[("NSTW", 70, True), ("HO", 30, True)],
             description="Bò cái giống", provider_unit=hh.commune if hh is not None else None, document_no="12/QĐ-UBND")
    f.update(kw)
    return actions.Facts(**f)


def household_in(village, n=0, **filters):
    return Household.objects.filter(village=village, status="active", **filters).order_by("id")[n]


def poor_in(commune, year, n):
    """``n`` active households of the commune, the poor of ``year`` first."""
    ids = list(Assessment.objects.filter(commune=commune, year=year, kind="periodic", is_current=True, category="poor")
               .order_by("household_id").values_list("household_id", flat=True)[:n])
    hs = list(Household.objects.filter(pk__in=ids, status="active", end_year=None).order_by("id"))
    more = Household.objects.filter(commune=commune, status="active", end_year=None).exclude(pk__in=ids).order_by("id")
    return (hs + list(more[: n - len(hs)]))[:n]


def run_worker() -> int:
    """The job worker's ready tasks, run now (tests/test_prepared_files.py does the same)."""
    from chungtay.jobs.liveness import WorkerLock
    from chungtay.jobs.worker import Worker
    with WorkerLock() as worker_id:
        return Worker(worker_id).run_ready()


def when_ready(client, url):
    """A province's radar or outcomes page as it shows once the worker has computed figures never
    asked before (the first read answers 202 and queues them) or recomputed them after a write (the
    read shows the figures it has, marked ``id="stale"``, and asks the worker: support/prepared.py)."""
    from django.test import TestCase
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.get(url)
    if r.status_code == 202 or b'id="stale"' in r.content:
        assert run_worker() >= 1
        r = client.get(url)
    return r
