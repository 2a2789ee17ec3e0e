"""Shared helpers of the emulation tests (not a test module)."""
import datetime as dt

from chungtay.emulation import actions
from chungtay.households.models import Assessment
from chungtay.units.models import Unit

TABLE = {"code": "XA-2025", "name": {"vi": "Thi đua xã 2025", "en": "Commune emulation 2025"},
         "bands": [{"min": 0, "label": "Hoàn thành"}, {"min": 50, "label": "Xuất sắc"}],
         "criteria": [{"code": "A1", "name": {"vi": "Hộ thoát nghèo so với chỉ tiêu", "en": "Escaped against the target"},
                       "column": "escaped", "points": 40, "kind": "ratio", "target": 4, "source": "escaped"},
                      {"code": "A2", "name": {"vi": "Hộ thoát nghèo so với các thôn trong cụm", "en": "Escaped, cluster"},
                       "column": "escaped", "points": 20, "kind": "relative", "source": "escaped"},
                      {"code": "B1", "name": {"vi": "Có hoạt động tuyên truyền", "en": "Communication activity"},
                       "column": "communication", "points": 10, "kind": "boolean"}]}


def evidence(name: str = "minh-chung.pdf"):
    """A small PDF upload standing for the evidence of an entered value (the demo's ``_pdf``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungtay.emulation.demo import _pdf
    return SimpleUploadedFile(name, _pdf(name), content_type="application/pdf")


def villages(commune, n=2):
    """The ``n`` villages of the commune with the most 2024 results (ties by code)."""
    from django.db.models import Count, Q
    return list(Unit.objects.filter(parent=commune, level=Unit.VILLAGE)
                .annotate(k=Count("households", filter=Q(households__status="active")))
                .order_by("-k", "code")[:n])


def set_history(village, poor_2024: int, escaped_2025: int) -> list[int]:
    """Every result of the village 2023–2025 made average, then ``poor_2024`` households (with a
    result in 2024 and 2025) poor in 2024, of which ``escaped_2025`` average in 2025 and the others
    still poor. Returns the poor households' ids."""
    res = Assessment.objects.filter(village=village, kind="periodic", is_current=True, year__in=[2023, 2024, 2025])
    res.update(category="average")
    both = set(res.filter(year=2024).values_list("household_id", flat=True)) & set(
        res.filter(year=2025).values_list("household_id", flat=True))
    ids = sorted(both)[:poor_2024]
    assert len(ids) == poor_2024
    res.filter(year=2024, household_id__in=ids).update(category="poor")
    res.filter(year=2025, household_id__in=ids[escaped_2025:]).update(category="poor")
    return ids


def movement(officer, commune, **kw):
    args = dict(level="commune", name="Xã chung tay vì người nghèo", decision_no="12/KH-UBND",
                decision_date=dt.date(2021, 3, 1), issuer="UBND xã", unit=commune, start_year=2021, end_year=2025,
                contents=["Thôn, làng giúp nhau thoát nghèo", "Hộ gia đình phấn đấu thoát nghèo"])
    args.update(kw)
    return actions.launch_movement(officer, **args)


def scored(officer, commune):
    """A movement with two villages in one cluster (3 of 5 and 1 of 2 poor households escaped in
    2025; communication 1 and 0, each entered with its evidence) and a computed scoring of 2025."""
    m = movement(officer, commune)
    v1, v2 = villages(commune)
    set_history(v1, 5, 3)
    set_history(v2, 2, 1)
    p1 = actions.add_participant(officer, m, unit=v1)
    p2 = actions.add_participant(officer, m, unit=v2)
    c = actions.add_cluster(officer, m, name="Cụm các thôn")
    actions.set_member(officer, c, p1, year=2025, role="head")
    actions.set_member(officer, c, p2, year=2025, role="deputy")
    cs = actions.add_criteria_set(officer, m, TABLE)
    run = actions.open_run(officer, cs, year=2025)
    actions.enter_value(officer, run, p1, "B1", 1, upload=evidence("bao-cao-tuyen-truyen.pdf"))
    actions.enter_value(officer, run, p2, "B1", "0", upload=evidence("bao-cao-thon.pdf"))
    result = actions.compute_run(officer, run)
    return m, run, p1, p2, result
