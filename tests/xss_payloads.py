"""Write markup/script payloads into every text a user or an import can write, through the app's
action functions, in the database of the current settings (CHUNGTAY_DATA_DIR / DATABASE_URL).
Used by tests/test_e2e_xss.py: ``python -m tests.xss_payloads`` prints what it wrote as JSON.

Unit names are reference data with no action that renames them: they are updated through the ORM."""
from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

# Long payload (names, texts) and a short one (fields of 40–60 characters).
P = '"\'><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
S = '<img src=x onerror="window.__xss=1">'


def main() -> dict:
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungtay.households import actions as hh
    from chungtay.imports import actions as imp
    from chungtay.plans import actions as plans
    from chungtay.reviews import actions as rv
    from chungtay.reviews.models import RoundHousehold
    from chungtay.units.models import Unit
    from tests.test_import_support import good_rows, write_xlsx

    users = get_user_model().objects
    xa, tinh = users.get(username="xa"), users.get(username="tinh")
    commune, province = xa.assignments.get().unit, tinh.assignments.get().unit
    villages = list(Unit.objects.filter(parent=commune, level=Unit.VILLAGE).order_by("code"))
    village = villages[0]
    out: dict = {"commune": commune.pk, "province": province.pk, "village": village.pk}

    # unit names (reference data: no action renames a unit)
    Unit.objects.filter(pk=village.pk).update(name=P, full_name="Thôn " + P)
    Unit.objects.filter(pk=commune.pk).update(name=P, full_name="Xã " + P)

    # a household, its members and a result with a reason
    h = hh.create_household(xa, code="XSS-0001", village=village, address=P,
                            head={"full_name": P, "sex": "M", "birth_year": 1980, "ethnicity": S, "citizen_id": ""})
    hh.add_member(xa, h, {"full_name": P, "sex": "F", "birth_year": 1982, "ethnicity": "Kinh", "relation": "spouse"})
    hh.record_assessment(xa, h, year=2025, kind="regular", income=400_000, deprived=["employment", "latrine"],
                         reason=P)
    out["household"] = h.pk

    # a periodic review round through to posting: survey reasons, meeting texts, posting places,
    # a complaint pending and one resolved
    rnd = rv.open_round(xa, commune, 2026)
    rv.add_household(xa, rnd, h, "requested")
    rv.start_survey(xa, rnd)
    for rh in rnd.members.select_related("household"):
        rv.record_survey(xa, rnd, rh.household, income=800_000, deprived=["employment"], reason=P)
    rv.start_meetings(xa, rnd)
    for v in {rh.household.village for rh in rnd.members.select_related("household__village")}:
        hids = list(rnd.members.filter(household__village=v, step=RoundHousehold.SURVEYED)
                    .values_list("household_id", flat=True))
        rv.record_meeting(xa, rnd, v, held_on=date.today(), chaired_by=P, attendees=20, minutes=P,
                          votes={hid: 20 for hid in hids})
    rv.post_lists(xa, rnd, posted_from=date.today(), places=P)
    c1 = rv.record_complaint(xa, rnd, h, received_on=date.today(), complainant=P, content=P)
    c2 = rv.record_complaint(xa, rnd, h, received_on=date.today(), complainant=S, content=P)
    rv.resolve_complaint(xa, c2, outcome="rejected", resolution=P)
    out.update(round=rnd.pk, complaint=c1.pk, resolved=c2.pk)

    # a plan, its target and an official figure
    plan = plans.create_plan(tinh, unit=province, title=P, document_no=S, start_year=2021, end_year=2025)
    t = plans.add_target(tinh, plan, metric="poverty_rate", unit=province, kind="points_per_year", low=1.0,
                         counted=1.0, baseline_year=2021, end_year=2025, baseline_source=P, note=P,
                         published_source=P)
    plans.enter_official_figure(tinh, unit=province, year=2015, metric="poverty_rate", value=9.5, source=P)
    out.update(plan=plan.pk, target=t.pk)

    # imports: names, addresses and ethnic groups from a file (named with a payload), and a file whose
    # bad cells (shown back in the error table) hold payloads
    tmp = Path(tempfile.mkdtemp())
    rows = good_rows(villages[1].code, villages[1].code, prefix="00990")
    for r in rows["Ho"][1:]:
        r[2] = P
    for r in rows["NhanKhau"][1:]:
        r[1], r[4] = P, S
    good = write_xlsx(tmp / "good.xlsx", rows)
    job = imp.create_job(xa, commune, [SimpleUploadedFile(S + ".xlsx", good.read_bytes())])
    job = imp.run_job(job.pk)
    out["import_ok"], out["import_status"] = job.pk, job.status
    bad_rows = good_rows(villages[1].code, villages[1].code, prefix="00980")
    bad_rows["NhanKhau"][1][2] = P            # sex: not Nam/Nữ → the value comes back in the error table
    bad_rows["NhanKhau"][2][5] = S            # relation
    bad_rows["Ho"][1][1] = P                  # village unknown
    bad = write_xlsx(tmp / "bad.xlsx", bad_rows)
    job = imp.create_job(xa, commune, [SimpleUploadedFile(S + "bad.xlsx", bad.read_bytes())])
    job = imp.run_job(job.pk)
    out["import_bad"], out["import_bad_status"] = job.pk, job.status
    return out


if __name__ == "__main__":
    print(json.dumps(main()))
    sys.exit(0)
