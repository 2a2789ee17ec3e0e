"""`chungtay measures support-effect`: the real command on real .csv, .xlsx (openpyxl) and .parquet
files, the exact JSON, text output, weights, and every kind of bad input (status 2, a message)."""
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chungtay.cli import main

from .test_support_effect import ROWS, synthetic

HEADER = ["household_id", "commune", "area", "D", "supported", "escaped", "size"]
COMMUNES = {"rural": "00301", "urban": "00302"}      # codes with a leading zero: text


def rows():
    return [[f"H{i:03d}", COMMUNES[a], a, d, t, y, w] for i, (a, d, t, y, w) in enumerate(ROWS)]


def write(path, header, data):
    path = str(path)
    if path.endswith(".csv"):
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(data)
    elif path.endswith(".parquet"):
        pq.write_table(pa.table({h: [r[j] for r in data] for j, h in enumerate(header)}), path)
    else:
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for r in data:
            ws.append(r)
        wb.save(path)
    return path


def run(*args):
    """The real command in a subprocess: (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-m", "chungtay", "measures", "support-effect", *map(str, args)],
                       capture_output=True, text=True, env={**os.environ}, timeout=120)
    return p.returncode, p.stdout, p.stderr


ARGS = ["--treated", "supported", "--outcome", "escaped", "--strata", "commune,area,D"]
EXPECTED_STRATA = [
    {"commune": "00301", "area": "rural", "D": 3, "n_treated": 3, "n_control": 4, "treated_rate": 2 / 3,
     "control_rate": 0.25},
    {"commune": "00301", "area": "rural", "D": 4, "n_treated": 1, "n_control": 2, "treated_rate": 1.0,
     "control_rate": 0.5},
    {"commune": "00302", "area": "urban", "D": 3, "n_treated": 2, "n_control": 0, "treated_rate": 0.5,
     "control_rate": None},
    {"commune": "00302", "area": "urban", "D": 5, "n_treated": 0, "n_control": 1, "treated_rate": None,
     "control_rate": 1.0},
]
KEYS = ["input", "treated_column", "outcome_column", "strata_columns", "weight_column", "n_treated", "n_control",
        "n_matched_treated", "unmatched_treated", "treated_rate", "control_rate", "att", "att_se", "strata"]


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_the_command_on_each_file_type(tmp_path, ext):
    src = write(tmp_path / f"households{ext}", HEADER, rows())
    code, out, err = run(src, *ARGS, "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert list(r) == KEYS
    assert (r["n_treated"], r["n_control"], r["n_matched_treated"], r["unmatched_treated"]) == (6, 7, 4, 2)
    assert all(type(r[k]) is int for k in ("n_treated", "n_control", "n_matched_treated", "unmatched_treated"))
    assert r["att"] == pytest.approx(7 / 16) and r["treated_rate"] == pytest.approx(0.75)
    assert r["control_rate"] == pytest.approx(5 / 16) and r["att_se"] == pytest.approx(math.sqrt(297 / 2304))
    assert r["strata"] == [{k: pytest.approx(v) if isinstance(v, float) else v for k, v in s.items()}
                           for s in EXPECTED_STRATA]
    for s in r["strata"]:
        assert list(s) == ["commune", "area", "D", "n_treated", "n_control", "treated_rate", "control_rate"]
        assert type(s["D"]) is int and type(s["n_treated"]) is int      # 3, not 3.0 (Excel stores floats)
        assert s["commune"].startswith("00")                              # leading zeros kept
    assert (r["input"], r["treated_column"], r["outcome_column"], r["weight_column"]) == (
        src, "supported", "escaped", None)
    assert r["strata_columns"] == ["commune", "area", "D"]


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_weighted(tmp_path, ext, capsys):
    src = write(tmp_path / f"households{ext}", HEADER, rows())
    assert main(["measures", "support-effect", src, *ARGS, "--weight-column", "size", "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert (r["n_treated"], r["n_control"], r["n_matched_treated"], r["unmatched_treated"]) == (8.0, 13.0, 6.0, 2.0)
    assert all(type(r[k]) is float for k in ("n_treated", "n_control", "n_matched_treated", "unmatched_treated"))
    assert r["att"] == pytest.approx(7 / 12) and r["treated_rate"] == pytest.approx(5 / 6)
    assert r["control_rate"] == pytest.approx(0.25) and r["weight_column"] == "size"
    assert r["strata"][1]["n_control"] == 4.0 and r["strata"][1]["control_rate"] == pytest.approx(0.25)


def test_text_output(tmp_path, capsys):
    src = write(tmp_path / "households.csv", HEADER, rows())
    assert main(["measures", "support-effect", src, *ARGS]) == 0
    out = capsys.readouterr().out
    assert "treated 6 (matched 4, unmatched 2 in strata without controls); control 7" in out
    assert "ATT = +43.75 pp" in out and "matched treated 75.00%" in out and "31.25%" in out
    assert "strata: 4, 2 holding both groups" in out
    lines = out.splitlines()
    assert lines[-4].split() == ["00301", "rural", "3", "3", "4", "66.7%", "25.0%"]
    assert lines[-1].split() == ["00302", "urban", "5", "0", "1", "–", "100.0%"]


def test_no_stratum_with_both_groups_gives_nulls(tmp_path, capsys):
    src = write(tmp_path / "h.csv", ["t", "y", "s"], [[1, 1, "a"], [0, 0, "b"]])
    assert main(["measures", "support-effect", src, "--treated", "t", "--outcome", "y", "--strata", "s",
                 "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["att"] is None and r["treated_rate"] is None and r["control_rate"] is None and r["att_se"] is None
    assert r["unmatched_treated"] == 1 and r["n_matched_treated"] == 0
    assert main(["measures", "support-effect", src, "--treated", "t", "--outcome", "y", "--strata", "s"]) == 0
    assert "ATT = –" in capsys.readouterr().out


def test_recovers_a_known_effect_from_a_parquet_file(tmp_path):
    """The check of issue 10 end to end: a file with a known effect, the real command, |ATT − truth| < 3 SE."""
    truth = 0.08
    t, y, strata = synthetic(200_000, truth, seed=11)
    src = tmp_path / "synthetic.parquet"
    pq.write_table(pa.table({"supported": t, "escaped": y, **strata}), src)
    code, out, err = run(src, "--treated", "supported", "--outcome", "escaped",
                         "--strata", "category,deprivations,area,commune", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert abs(r["att"] - truth) < 3 * r["att_se"], (r["att"], r["att_se"])
    assert len(r["strata"]) == 360 and r["n_treated"] + r["n_control"] == 200_000


# --------------------------------------------------------------------------- bad input

BAD = [
    # (name, file rows or None for the default, extra args replacing ARGS or None, expected message parts)
    ("unknown column", None, ["--treated", "supported", "--outcome", "escaped", "--strata", "commune,village"],
     ["missing column(s): village", "(the file has: household_id, commune, area, D, supported, escaped, size)"]),
    ("unknown treated", None, ["--treated", "helped", "--outcome", "escaped", "--strata", "D"],
     ["missing column(s): helped"]),
    ("unknown weight", None, [*ARGS, "--weight-column", "wt"], ["missing column(s): wt"]),
    ("treated not 0/1", [["a", "00301", "rural", 3, 2, 1, 1], ["b", "00301", "rural", 3, "yes", 0, 1],
                         ["c", "00301", "rural", 3, 0, 1, 1]], None,
     ["column supported: value must be 0 or 1 at rows 2 (2), 3 ('yes')"]),
    ("outcome not 0/1", [["a", "00301", "rural", 3, 1, 1, 1], ["b", "00301", "rural", 3, 0, 0.5, 1]], None,
     ["column escaped: value must be 0 or 1 at row 3 (0.5)"]),
    ("outcome empty", [["a", "00301", "rural", 3, 1, 1, 1], ["b", "00301", "rural", 3, 0, "", 1]], None,
     ["column escaped: empty at row 3"]),
    ("strata empty", [["a", "", "rural", 3, 1, 1, 1], ["b", "00301", "rural", "", 0, 1, 1],
                      ["c", "00301", "rural", 3, 0, 1, 1]], None,
     ["column commune: empty at row 2", "column D: empty at row 3", "every row needs a value"]),
    ("negative weight", [["a", "00301", "rural", 3, 1, 1, -2], ["b", "00301", "rural", 3, 0, 1, 1]],
     [*ARGS, "--weight-column", "size"], ["column size: negative weight at row 2 (-2)"]),
    ("non-numeric weight", [["a", "00301", "rural", 3, 1, 1, "big"], ["b", "00301", "rural", 3, 0, 1, 1]],
     [*ARGS, "--weight-column", "size"], ["column size: not a finite number at row 2 ('big')"]),
    ("empty weight", [["a", "00301", "rural", 3, 1, 1, ""], ["b", "00301", "rural", 3, 0, 1, 1]],
     [*ARGS, "--weight-column", "size"], ["column size: empty at row 2"]),
    ("zero weights", [["a", "00301", "rural", 3, 1, 1, 0], ["b", "00301", "rural", 3, 0, 1, 0]],
     [*ARGS, "--weight-column", "size"], ["column size: the weights sum to zero"]),
    ("no rows", [], None, ["the file has no data rows"]),
    ("treated in strata", None, ["--treated", "supported", "--outcome", "escaped", "--strata", "D,supported"],
     ["the treated column supported cannot also be a strata column"]),
    ("same columns", None, ["--treated", "supported", "--outcome", "supported", "--strata", "D"],
     ["the treated and outcome columns are the same"]),
    ("empty strata list", None, ["--treated", "supported", "--outcome", "escaped", "--strata", " , "],
     ["--strata: give at least one column name"]),
    ("repeated strata", None, ["--treated", "supported", "--outcome", "escaped", "--strata", "D,area,D"],
     ["--strata: repeated D"]),
    ("several problems", [["a", "", "rural", 3, 7, 1, 1], ["b", "00301", "rural", 3, 0, 9, 1]], None,
     ["3 problems:", "column supported: value must be 0 or 1 at row 2 (7)",
      "column escaped: value must be 0 or 1 at row 3 (9)", "column commune: empty at row 2"]),
]


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
@pytest.mark.parametrize("name, data, args, messages", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_a_clear_message(tmp_path, capsys, ext, name, data, args, messages):
    src = write(tmp_path / f"in{ext}", HEADER, rows() if data is None else data)
    assert main(["measures", "support-effect", src, *(args or ARGS), "--format", "json"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err.startswith("chungtay: error:")
    for m in messages:
        assert m in cap.err, cap.err


def test_bad_files_through_the_real_command(tmp_path):
    code, out, err = run(tmp_path / "missing.csv", *ARGS, "--format", "json")
    assert code == 2 and out == "" and "missing.csv: file not found" in err
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    code, out, err = run(broken, *ARGS, "--format", "json")
    assert code == 2 and out == "" and "broken.xlsx" in err and "Traceback" not in err
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1 not really")
    code, out, err = run(fake, *ARGS, "--format", "json")
    assert code == 2 and "not a valid Parquet file" in err
    zero = tmp_path / "zero.csv"
    zero.write_bytes(b"")
    code, out, err = run(zero, *ARGS, "--format", "json")
    assert code == 2 and "empty" in err.lower() and "Traceback" not in err
    code, out, err = run(tmp_path / "data.txt", *ARGS)
    assert code == 2 and "use .csv, .xlsx or .parquet" in err
    src = write(tmp_path / "ok.csv", HEADER, rows())
    code, out, err = run(src, "--treated", "supported", "--strata", "D")        # --outcome is required
    assert code == 2 and "--outcome" in err
    code, out, err = run(src, *ARGS, "--format", "yaml")                         # json or text, as the others
    assert code == 2 and "invalid choice" in err
    code, out, err = run(src, "--treated", "supported", "--outcome", "escaped", "--strata", "D", "--format", "json")
    assert code == 0 and json.loads(out)["att"] is not None


def test_parquet_types_are_kept(tmp_path, capsys):
    src = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"t": pa.array([1, 0, 1, 0], pa.int8()), "y": [True, False, True, True],
                             "year": pa.array([2024, 2024, 2025, 2025], pa.int16()),
                             "share": [0.5, 0.5, 1.5, 1.5]}), src)
    assert main(["measures", "support-effect", str(src), "--treated", "t", "--outcome", "y", "--strata",
                 "year,share", "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert [(s["year"], s["share"]) for s in r["strata"]] == [(2024, 0.5), (2025, 1.5)]
    assert type(r["strata"][0]["year"]) is int and type(r["strata"][0]["share"]) is float
    assert r["att"] == pytest.approx(0.5)
    assert np.isclose(r["control_rate"], 0.5)
