"""`chungtay export` writes supports as Parquet by year and province: current versions only, funding
shares exact, and nothing that names a person (no description, document number, member or partner)."""
import datetime as dt
import subprocess
import sys

import duckdb

from chungtay.households.models import Household, Member
from chungtay.snapshots import export
from chungtay.support import actions
from chungtay.support.models import Support
from tests.support_helpers import facts, household_in


def test_supports_are_exported_without_personal_data(commune_officer, village_head, tmp_path):
    hh = household_in(village_head.assignments.get().unit)
    other = Household.objects.filter(commune=hh.commune, status="active").exclude(pk=hh.pk).order_by("id").first()
    member = Member.objects.filter(household=other).order_by("id").first()
    s1 = actions.record_support(commune_officer, hh, facts(hh, description="Bò cái giống cho Nguyễn Văn A"))
    s2 = actions.correct_support(commune_officer, s1, facts(hh, value_vnd=18_000_000), reason="sai giá trị")
    actions.record_support(commune_officer, other, facts(other, kind="scholarship", member=member, value_vnd=1_500_000,
                                                         quantity=1, unit_of_measure="suất", funding=[("NSDP", 100, True)],
                                                         date=dt.date(2025, 9, 1)))
    files = export(tmp_path, years=[2024, 2025])
    sup = sorted(f for f in files if f.name == "supports.parquet")
    province = hh.province.code
    assert [f.relative_to(tmp_path).as_posix() for f in sup] == [
        f"supports/year=2024/province={province}/supports.parquet", f"supports/year=2025/province={province}/supports.parquet"]
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{tmp_path}/supports/**/*.parquet', hive_partitioning = true) ORDER BY date")
    assert not set(rel.columns) & {"description", "document_no", "member_id", "full_name", "citizen_id", "partner_name",
                                   "reason", "recorded_by"}
    rows = [dict(zip(rel.columns, r)) for r in rel.fetchall()]
    db_current = Support.objects.filter(is_current=True, year__in=[2024, 2025], province=hh.province).count()
    assert len(rows) == db_current
    mine = [r for r in rows if r["support_id"] == s1.entry_id]
    assert len(mine) == 1 and mine[0]["version"] == 2 and mine[0]["value_vnd"] == 18_000_000   # the current version
    assert mine[0]["funding"] == [{"source": "NSTW", "share": 70, "amount_vnd": 12_600_000},
                                  {"source": "HO", "share": 30, "amount_vnd": 5_400_000}]
    assert sum(f["amount_vnd"] for f in mine[0]["funding"]) == mine[0]["value_vnd"] == s2.value_vnd
    assert (mine[0]["household_code"], mine[0]["kind"], mine[0]["part_code"], mine[0]["programme_code"]) == (
        hh.code, "livestock", "GNBV2125.DA3.TDA1", "GNBV2125")
    sch = [r for r in rows if r["kind"] == "scholarship" and r["household_code"] == other.code]
    assert sch and sch[-1]["for_member"] is True and sch[-1]["date"] == dt.date(2025, 9, 1)
    raw = b"".join(f.read_bytes() for f in sup)
    assert "Nguyễn Văn A".encode() not in raw and b"12/QD" not in raw and member.full_name.encode() not in raw


def test_assessments_and_supports_are_read_as_separate_tables(tmp_path, commune_officer, village_head):
    hh = household_in(village_head.assignments.get().unit)
    actions.record_support(commune_officer, hh, facts(hh))
    export(tmp_path, years=[2024])
    con = duckdb.connect()
    n = con.sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/year=*/*/*.parquet', hive_partitioning = true)").fetchall()[0][0]
    assert n > 0 and "category" in con.sql(f"SELECT * FROM read_parquet('{tmp_path}/year=*/*/*.parquet') LIMIT 1").columns


def test_export_cli_answers_bad_years_with_status_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "chungtay.cli", "export", "--out", str(tmp_path), "--years", "20x4"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
