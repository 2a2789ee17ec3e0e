"""`chungtay classify`: formats, order, columns, and every kind of bad input."""
import csv
import subprocess
import sys

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chungtay.cli import main
from chungtay.core import get_standard

S = get_standard("2021-2025")
IND = list(S.indicator_codes)


def write_csv(path, rows, header=None):
    header = header or ["household_id", "area", "income"] + IND
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(hid, area="rural", income=1_000_000, d=0):
    return [hid, area, income] + [1 if i < d else 0 for i in range(len(IND))]


def test_it_keeps_every_row_in_order_with_its_columns(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", [row("007", d=4), row("003", "urban", 2_500_000), row("010", "nông thôn")])
    assert main(["classify", str(src), "--standard", "2021-2025"]) == 0
    out = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["household_id"] for r in out] == ["007", "003", "010"]   # leading zeros kept
    assert [r["category"] for r in out] == ["poor", "average", "near_poor"]
    assert list(out[0])[: 3 + len(IND)] == ["household_id", "area", "income"] + IND
    assert list(out[0])[-3:] == ["category", "deprivation_count", "standard"]


def test_year_picks_the_standard_in_force(tmp_path, capsys):
    s16 = get_standard("2016-2020")
    src = write_csv(tmp_path / "in.csv", [["1", "rural", 800_000] + [0] * 10],
                    ["household_id", "area", "income"] + list(s16.indicator_codes))
    assert main(["classify", str(src), "--year", "2017"]) == 0
    out = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert out[0]["standard"] == "2016-2020" and out[0]["category"] == "near_poor"


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_it_writes_and_reads_every_format(tmp_path, ext):
    src = write_csv(tmp_path / "in.csv", [row("001", d=3), row("002", income=3_000_000)])
    out = tmp_path / f"out{ext}"
    assert main(["classify", str(src), "--standard", "2021-2025", "-o", str(out)]) == 0
    if ext == ".parquet":
        t = pq.read_table(out)
        cats, ids = t.column("category").to_pylist(), t.column("household_id").to_pylist()
    elif ext == ".xlsx":
        ws = openpyxl.load_workbook(out).active
        rows = list(ws.values)
        cats = [r[rows[0].index("category")] for r in rows[1:]]
        ids = [r[0] for r in rows[1:]]
    else:
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        cats, ids = [r["category"] for r in rows], [r["household_id"] for r in rows]
    assert cats == ["poor", "above_average"] and ids == ["001", "002"]


def test_it_reads_xlsx_and_parquet_input(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["household_id", "area", "score_a"] + IND)
    ws.append(["0042", "thành thị", 170] + [1, 1, 1] + [0] * 9)
    wb.save(tmp_path / "in.xlsx")
    assert main(["classify", str(tmp_path / "in.xlsx"), "--year", "2024"]) == 0
    out = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert out[0]["household_id"] == "0042" and out[0]["category"] == "poor"
    pq.write_table(pa.table({"household_id": ["a"], "area": ["urban"], "income": [2_000_001],
                             **{c: [0] for c in IND}}), tmp_path / "in.parquet")
    assert main(["classify", str(tmp_path / "in.parquet"), "--standard", "2021-2025"]) == 0
    assert "average" in capsys.readouterr().out


def bad(tmp_path, capsys, rows, header=None, args=("--standard", "2021-2025")):
    src = write_csv(tmp_path / "bad.csv", rows, header)
    out = tmp_path / "out.csv"
    code = main(["classify", str(src), *args, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert not out.exists(), "no output file on bad input"
    return err


def test_it_names_every_bad_row_not_just_the_first(tmp_path, capsys):
    err = bad(tmp_path, capsys, [row("1"), row("2", income="abc"), row("3"), row("4", income=-5),
                                 row("5", income="x1")])
    assert "column income: not a number at rows 3, 6" in err
    assert "column income: negative value at row 5" in err


def test_it_rejects_a_row_with_neither_income_nor_score(tmp_path, capsys):
    err = bad(tmp_path, capsys, [row("1"), row("2", income="")])
    assert "neither given at row 3" in err


def test_it_rejects_values_other_than_0_or_1(tmp_path, capsys):
    r = row("1")
    r[5] = 2
    r2 = row("2")
    r2[-1] = ""
    err = bad(tmp_path, capsys, [r, r2])
    assert f"column {IND[2]}: value must be 0 or 1 at row 2" in err
    assert f"column {IND[-1]}: value must be 0 or 1 at row 3" in err


def test_it_rejects_unknown_area(tmp_path, capsys):
    err = bad(tmp_path, capsys, [row("1", area="city"), row("2"), row("3", area="")])
    assert "column area: unknown area at rows 2, 4" in err


def test_it_rejects_missing_and_unknown_columns(tmp_path, capsys):
    header = ["household_id", "area", "income", "colour"] + IND[:-1]
    err = bad(tmp_path, capsys, [["1", "rural", 1, "red"] + [0] * (len(IND) - 1)], header)
    assert "unknown column(s) colour" in err
    assert f"missing column(s): {IND[-1]}" in err


def test_it_rejects_unknown_standard(tmp_path, capsys):
    err = bad(tmp_path, capsys, [row("1")], args=("--standard", "1999-2000"))
    assert "unknown standard '1999-2000'" in err


def test_it_rejects_a_year_without_standard(tmp_path, capsys):
    err = bad(tmp_path, capsys, [row("1")], args=("--year", "2009"))
    assert "no standard applies to review year 2009" in err


def test_it_runs_as_a_module_with_exit_status_2(tmp_path):
    src = write_csv(tmp_path / "in.csv", [row("1", area="moon")])
    p = subprocess.run([sys.executable, "-m", "chungtay", "classify", str(src), "--year", "2023"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "row 2" in p.stderr and p.stdout == ""
