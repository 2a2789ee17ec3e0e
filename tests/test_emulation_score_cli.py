"""`chungtay emulation score TABLE.json INPUT [--id-column C] [--cluster-column C] --format json`
(issue 12 §5): the real command in a subprocess on real .csv, .xlsx (openpyxl) and .parquet files,
and every error case (status 2, a message naming the file, rows and criteria, nothing on stdout)."""
import csv
import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

TABLE = {
    "code": "KT-2024", "version": 1, "name": {"vi": "Thi đua vì người nghèo 2024", "en": "For the poor 2024"},
    "criteria": [
        {"code": "A1", "column": "escaped", "points": 40, "kind": "ratio", "target": 50,
         "name": {"vi": "Hộ thoát nghèo", "en": "Households escaped"}},
        {"code": "A2", "column": "pledge_kept", "points": 10, "kind": "boolean"},
        {"code": "A3", "column": "poverty_rate", "points": 20, "kind": "relative", "direction": "lower"},
        {"code": "A4", "column": "on_time", "points": 10, "kind": "threshold", "min": 0.9},
        {"code": "B1", "column": "late", "points": -2, "kind": "bonus", "per": 1, "max": -6},
    ],
    "bands": [{"min": 0, "label": "Hoàn thành"}, {"min": 60, "label": "Xuất sắc"}],
}
HEADER = ["id", "cluster", "escaped", "pledge_kept", "poverty_rate", "on_time", "late"]
ROWS = [
    ["X1", "Bắc", 45, 1, 0.12, 0.95, 0],
    ["X2", "Bắc", 60, 0, 0.08, 0.85, 4],
    ["X3", "Nam", 20, 1, 0.30, 0.90, 1],
    ["X4", "Nam", 50, 1, 0.20, 1, 0],
    ["X5", "Bắc", 40, 1, 0.10, 0.90, 2],
]
# by hand: A1 = 40 × min(escaped/50, 1); A3 = 20 × (max − rate)/(max − min) in the cluster
# Bắc: rates 0.12, 0.08, 0.10 → 0, 20, 10; Nam: 0.30, 0.20 → 0, 20
EXPECTED = {
    "X1": ({"A1": 36.0, "A2": 10.0, "A3": 0.0, "A4": 10.0, "B1": 0.0}, 56.0),
    "X2": ({"A1": 40.0, "A2": 0.0, "A3": 20.0, "A4": 0.0, "B1": -6.0}, 54.0),
    "X3": ({"A1": 16.0, "A2": 10.0, "A3": 0.0, "A4": 10.0, "B1": -2.0}, 34.0),
    "X4": ({"A1": 40.0, "A2": 10.0, "A3": 20.0, "A4": 10.0, "B1": 0.0}, 80.0),
    "X5": ({"A1": 32.0, "A2": 10.0, "A3": 10.0, "A4": 10.0, "B1": -4.0}, 58.0),
}


def run(*args):
    p = subprocess.run([sys.executable, "-m", "chungtay", "emulation", "score", *map(str, args)],
                       capture_output=True, text=True, env={**os.environ}, timeout=120)
    return p.returncode, p.stdout, p.stderr


def write_table(tmp_path, data=TABLE, name="table.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write(path, header, rows):
    path = str(path)
    if path.endswith(".csv"):
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    elif path.endswith(".parquet"):
        pq.write_table(pa.table({h: [r[j] for r in rows] for j, h in enumerate(header)}), path)
    else:
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for r in rows:
            ws.append(r)
        wb.save(path)
    return path


def ok(*args):
    code, out, err = run(*args)
    assert code == 0, err
    return json.loads(out)


def fail(*args):
    code, out, err = run(*args)
    assert code == 2, (code, out, err)
    assert out == ""
    return err


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_scores_by_hand_on_each_file_type(tmp_path, ext):
    src = write(tmp_path / f"in{ext}", HEADER, ROWS)
    r = ok(write_table(tmp_path), src, "--cluster-column", "cluster", "--format", "json")
    assert r["table"] == "KT-2024"
    assert [p["id"] for p in r["participants"]] == ["X1", "X2", "X3", "X4", "X5"]        # input order
    for p in r["participants"]:
        scores, total = EXPECTED[p["id"]]
        assert p["scores"] == pytest.approx(scores) and list(p["scores"]) == ["A1", "A2", "A3", "A4", "B1"]
        assert p["total"] == pytest.approx(total)
        assert set(p) == {"id", "cluster", "scores", "total", "rank", "band"}
    assert [p["cluster"] for p in r["participants"]] == ["Bắc", "Bắc", "Nam", "Nam", "Bắc"]
    assert [p["rank"] for p in r["participants"]] == [2, 3, 2, 1, 1]
    assert [p["band"] for p in r["participants"]] == ["Hoàn thành", "Hoàn thành", "Hoàn thành", "Xuất sắc",
                                                      "Hoàn thành"]


def test_without_clusters_all_rows_are_one_cluster(tmp_path):
    src = write(tmp_path / "in.csv", HEADER, ROWS)
    r = ok(write_table(tmp_path), src, "--format", "json")
    assert all(p["cluster"] is None for p in r["participants"])
    # one cluster: rates 0.08..0.30 → A3 = 20 × (0.30 − rate)/0.22
    a3 = [p["scores"]["A3"] for p in r["participants"]]
    assert a3 == pytest.approx([20 * (0.30 - x) / 0.22 for x in (0.12, 0.08, 0.30, 0.20, 0.10)])
    totals = [p["total"] for p in r["participants"]]
    assert [p["rank"] for p in r["participants"]] == [sorted(totals, reverse=True).index(t) + 1 for t in totals]


def test_ties_share_the_rank_and_skip_the_next(tmp_path):
    t = {"code": "T", "name": "Ties", "bands": [],
         "criteria": [{"code": "P", "column": "points", "points": 1, "kind": "bonus", "per": 1, "max": 100}]}
    src = write(tmp_path / "in.csv", ["id", "points"], [["a", 70], ["b", 90], ["c", 80], ["d", 80]])
    r = ok(write_table(tmp_path, t), src, "--format", "json")
    assert [p["rank"] for p in r["participants"]] == [4, 1, 2, 2]
    assert all(p["band"] is None for p in r["participants"])


def test_unrounded_scores_and_custom_id_column(tmp_path):
    t = {"code": "T", "name": "n", "bands": [{"min": 3.3, "label": "Đạt"}],
         "criteria": [{"code": "R", "column": "v", "points": 10, "kind": "ratio", "target": 3}]}
    src = write(tmp_path / "in.csv", ["mã", "v"], [["007", 1], ["010", 0.5]])
    r = ok(write_table(tmp_path, t), src, "--id-column", "mã", "--format", "json")
    assert [p["id"] for p in r["participants"]] == ["007", "010"]          # codes stay text
    assert r["participants"][0]["scores"]["R"] == 10 * (1 / 3)
    assert r["participants"][0]["band"] == "Đạt"
    assert r["participants"][1]["total"] == 10 * (0.5 / 3)


def test_parquet_integer_ids_are_text(tmp_path):
    t = {"code": "T", "name": "n", "bands": [],
         "criteria": [{"code": "B", "column": "ok", "points": 5, "kind": "boolean"}]}
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [11, 12], "ok": [True, False]}), src)
    r = ok(write_table(tmp_path, t), src, "--format", "json")
    assert [(p["id"], p["total"]) for p in r["participants"]] == [("11", 5.0), ("12", 0.0)]


# --------------------------------------------------------------------------- errors

def test_missing_column_names_the_criteria(tmp_path):
    src = write(tmp_path / "in.csv", ["id", "cluster", "escaped", "pledge_kept", "poverty_rate"],
                [r[:5] for r in ROWS])
    err = fail(write_table(tmp_path), src, "--format", "json")
    assert "in.csv" in err
    assert "missing column(s): on_time (criterion A4); late (criterion B1)" in err
    assert "the file has: id, cluster, escaped, pledge_kept, poverty_rate" in err


def test_non_numeric_value_names_rows_and_criteria(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][2] = "nhiều"
    rows[3][2] = "12 hộ"
    rows[4][6] = "x"
    src = write(tmp_path / "in.csv", HEADER, rows)
    err = fail(write_table(tmp_path), src, "--format", "json")
    assert "column escaped (criterion A1): not a number at rows 3, 5" in err
    assert "column late (criterion B1): not a number at row 6" in err
    assert "2 problems" in err


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_empty_cell(tmp_path, ext):
    rows = [list(r) for r in ROWS]
    rows[2][4] = None if ext == ".xlsx" else ""
    src = write(tmp_path / f"in{ext}", HEADER, rows)
    err = fail(write_table(tmp_path), src, "--format", "json")
    assert "column poverty_rate (criterion A3): empty at row 4" in err


def test_column_shared_by_two_criteria_names_both(tmp_path):
    t = json.loads(json.dumps(TABLE))
    t["criteria"].append({"code": "A5", "column": "escaped", "points": 5, "kind": "threshold", "min": 30})
    rows = [list(r) for r in ROWS]
    rows[0][2] = "?"
    err = fail(write_table(tmp_path, t), write(tmp_path / "in.csv", HEADER, rows), "--format", "json")
    assert "column escaped (criteria A1, A5): not a number at row 2" in err


def test_unknown_kind(tmp_path):
    t = json.loads(json.dumps(TABLE))
    t["criteria"][1]["kind"] = "percent"
    err = fail(write_table(tmp_path, t), write(tmp_path / "in.csv", HEADER, ROWS), "--format", "json")
    assert "table.json" in err
    assert "criterion 2 (A2): unknown kind 'percent'" in err


def test_malformed_json(tmp_path):
    err = fail(write_table(tmp_path, '{"code": "T", "criteria": [\n'), write(tmp_path / "in.csv", HEADER, ROWS),
               "--format", "json")
    assert "table.json: malformed JSON" in err and "line 2" in err


def test_table_missing_keys(tmp_path):
    t = {"code": "T", "criteria": TABLE["criteria"]}
    err = fail(write_table(tmp_path, t), write(tmp_path / "in.csv", HEADER, ROWS), "--format", "json")
    assert "table: missing key(s) name, bands" in err


def test_criterion_missing_keys(tmp_path):
    t = json.loads(json.dumps(TABLE))
    del t["criteria"][0]["column"]
    del t["criteria"][3]["min"]
    del t["criteria"][4]["points"]
    err = fail(write_table(tmp_path, t), write(tmp_path / "in.csv", HEADER, ROWS), "--format", "json")
    assert "criterion 1 (A1): missing key(s) column" in err
    assert "criterion 4 (A4): kind threshold needs min" in err
    assert "criterion 5 (B1): missing key(s) points" in err
    assert "3 problems" in err


def test_bad_direction(tmp_path):
    t = json.loads(json.dumps(TABLE))
    t["criteria"][2]["direction"] = "down"
    err = fail(write_table(tmp_path, t), write(tmp_path / "in.csv", HEADER, ROWS), "--format", "json")
    assert "criterion 3 (A3): direction must be higher or lower (got 'down')" in err


def test_duplicate_criterion_codes(tmp_path):
    t = json.loads(json.dumps(TABLE))
    t["criteria"][4]["code"] = "A2"
    err = fail(write_table(tmp_path, t), write(tmp_path / "in.csv", HEADER, ROWS), "--format", "json")
    assert "criteria 2 and 5: duplicate code 'A2'" in err


def test_missing_id_column(tmp_path):
    src = write(tmp_path / "in.csv", ["code", *HEADER[1:]], ROWS)
    err = fail(write_table(tmp_path), src, "--format", "json")
    assert "missing id column id (--id-column; the file has: code, cluster" in err
    err = fail(write_table(tmp_path), write(tmp_path / "in2.csv", HEADER, ROWS), "--id-column", "mã",
               "--format", "json")
    assert "missing id column mã" in err


def test_unknown_cluster_column(tmp_path):
    err = fail(write_table(tmp_path), write(tmp_path / "in.csv", HEADER, ROWS), "--cluster-column", "cụm",
               "--format", "json")
    assert "missing cluster column cụm (--cluster-column; the file has: id, cluster" in err


def test_empty_and_repeated_ids_and_empty_cluster(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][0] = ""
    rows[3][0] = "X1"
    rows[4][1] = ""
    err = fail(write_table(tmp_path), write(tmp_path / "in.csv", HEADER, rows), "--cluster-column", "cluster",
               "--format", "json")
    assert "id column id: empty at row 3" in err
    assert "id column id: 'X1' is repeated at rows 2, 5" in err
    assert "cluster column cluster: empty at row 6" in err


def test_every_problem_at_once(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][3] = "có"
    src = write(tmp_path / "in.csv", ["id", "cluster", "escaped", "pledge_kept", "poverty_rate", "on_time"],
                [r[:6] for r in rows])
    err = fail(write_table(tmp_path), src, "--cluster-column", "cụm", "--format", "json")
    assert "missing cluster column cụm" in err
    assert "late (criterion B1)" in err
    assert "column pledge_kept (criterion A2): not a number at row 2" in err


def test_input_file_problems(tmp_path):
    table = write_table(tmp_path)
    assert "file not found" in fail(table, tmp_path / "none.csv", "--format", "json")
    assert "unsupported file type '.txt'" in fail(table, tmp_path / "x.txt", "--format", "json")
    assert "no data rows" in fail(table, write(tmp_path / "empty.csv", HEADER, []), "--format", "json")
    assert "file not found" in fail(tmp_path / "none.json", write(tmp_path / "in.csv", HEADER, ROWS),
                                    "--format", "json")


def test_format_json_is_the_only_accepted_value(tmp_path):
    table, src = write_table(tmp_path), write(tmp_path / "in.csv", HEADER, ROWS)
    code, out, err = run(table, src, "--format", "text")
    assert code == 2 and out == "" and "invalid choice: 'text'" in err
    code, out, err = run(table, src)
    assert code == 2 and "--format" in err
