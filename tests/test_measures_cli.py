"""`chungtay measures mpi|fgt|near-escape`: the worked examples as real commands on real files
(csv, xlsx, parquet), groups, sampling weights, text output, and every kind of bad input."""
import csv
import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chungtay.cli import main
from chungtay.core import get_standard
from chungtay.core.measures import af, fgt

from .test_measures import AF_CODES, AF_G, HK_INCOME, HK_LINE


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
        import xlsxwriter
        wb = xlsxwriter.Workbook(path)
        ws = wb.add_worksheet()
        ws.write_row(0, 0, header)
        for i, r in enumerate(rows, 1):
            ws.write_row(i, 0, r)
        wb.close()
    return path


def run(*args):
    """The real command in a subprocess: (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-m", "chungtay", "measures", *map(str, args)],
                       capture_output=True, text=True, env={**os.environ}, timeout=120)
    return p.returncode, p.stdout, p.stderr


def af_file(tmp_path, ext=".csv", extra=None):
    header = ["person", *AF_CODES] + (list(extra) if extra else [])
    rows = [[i + 1, *map(int, AF_G[i])] + (list(extra[h][i] for h in extra) if extra else [])
            for i in range(4)]
    return write(tmp_path / f"af{ext}", header, rows)


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_af_2011_example_through_the_command(tmp_path, ext):
    src = af_file(tmp_path, ext)
    code, out, err = run("mpi", src, "--indicators", ",".join(AF_CODES), "--k", "0.5", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["n"] == 4 and r["q"] == 2
    assert r["H"] == pytest.approx(0.5) and r["A"] == pytest.approx(0.75) and r["M0"] == pytest.approx(0.375)
    api = af(AF_G, k=0.5, indicators=AF_CODES)
    for c in AF_CODES:
        assert r["indicators"][c]["uncensored"] == pytest.approx(api.uncensored[c])
        assert r["indicators"][c]["censored"] == pytest.approx(api.censored[c])
        assert r["indicators"][c]["contribution"] == pytest.approx(api.contribution[c])
    assert sum(v["contribution"] for v in r["indicators"].values()) == pytest.approx(1)
    assert r["groups"] == {}


def test_af_k_as_a_fraction_and_text_output(tmp_path):
    src = af_file(tmp_path)
    code, out, err = run("mpi", src, "--indicators", ",".join(AF_CODES), "--k", "2/4")
    assert code == 0, err
    assert "H  = 50.00%" in out and "A  = 75.00%" in out and "M0 = 0.3750" in out
    assert "k = 0.5 = 2 of 4" in out and "years_of_education" in out


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_fgt_haughton_khandker_example_through_the_command(tmp_path, ext):
    src = write(tmp_path / f"inc{ext}", ["household", "income"], [[i, y] for i, y in enumerate(HK_INCOME)])
    code, out, err = run("fgt", src, "--line", HK_LINE, "--income-column", "income", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["P0"] == pytest.approx(0.5) and r["P1"] == pytest.approx(0.08) and r["P2"] == pytest.approx(0.0136)
    assert r["inclusive"] is False and r["poor_when"] == "income < line"
    api = fgt(HK_INCOME, HK_LINE)
    assert (r["P0"], r["P1"], r["P2"]) == (api.P0, api.P1, api.P2)
    code, out, _ = run("fgt", src, "--line", HK_LINE, "--income-column", "income")
    assert code == 0 and "P1 = 0.0800" in out and "P2 = 0.0136" in out


def test_fgt_inclusive_and_groups(tmp_path, capsys):
    src = write(tmp_path / "inc.csv", ["income", "area", "size"],
                [[100, "rural", 2], [125, "urban", 1], [150, "rural", 1], [160, "urban", 4]])
    assert main(["measures", "fgt", src, "--line", "125", "--income-column", "income", "--format", "json"]) == 0
    strict = json.loads(capsys.readouterr().out)
    assert main(["measures", "fgt", src, "--line", "125", "--income-column", "income", "--inclusive",
                 "--by", "area", "--weight-column", "size", "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert strict["P0"] == pytest.approx(0.25)
    assert r["n"] == 8 and r["P0"] == pytest.approx(3 / 8) and r["P1"] == pytest.approx(2 * 0.2 / 8)
    assert set(r["groups"]) == {"rural", "urban"}
    assert r["groups"]["rural"]["P0"] == pytest.approx(2 / 3) and r["groups"]["urban"]["P0"] == pytest.approx(1 / 5)
    assert sum(g["population_share"] * g["P0"] for g in r["groups"].values()) == pytest.approx(r["P0"])
    assert sum(g["contribution_to_P0"] for g in r["groups"].values()) == pytest.approx(1)


def test_af_by_group_with_household_size(tmp_path):
    extra = {"commune": ["00123", "00123", "00456", "00456"], "size": [1, 3, 2, 5]}
    src = af_file(tmp_path, ".csv", extra)
    code, out, err = run("mpi", src, "--indicators", ",".join(AF_CODES), "--k", "0.5", "--by", "commune",
                         "--weight-column", "size", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["n"] == 11 and r["q"] == 5                   # persons: 3 in person 2's and 2 in person 3's household
    assert list(r["groups"]) == ["00123", "00456"]        # codes keep their leading zeros
    g = r["groups"]
    assert g["00123"]["n"] == 4 and g["00456"]["n"] == 7
    assert g["00123"]["population_share"] == pytest.approx(4 / 11)
    assert sum(x["population_share"] * x["M0"] for x in g.values()) == pytest.approx(r["M0"])
    assert sum(x["contribution_to_M0"] for x in g.values()) == pytest.approx(1)
    assert g["00456"]["indicators"]["income"]["censored"] == pytest.approx(2 / 7)
    code, out, _ = run("mpi", src, "--indicators", ",".join(AF_CODES), "--k", "0.5", "--by", "commune",
                       "--weight-column", "size")
    assert code == 0 and "by commune:" in out and "00456" in out and "weighted by size" in out


def test_af_default_is_the_legal_rule_with_weights_option(tmp_path, capsys):
    codes = list(get_standard("2021-2025").indicator_codes)
    rows = [[1] * d + [0] * (12 - d) for d in (0, 2, 3, 5)]
    src = write(tmp_path / "h.csv", codes, rows)
    assert main(["measures", "mpi", src, "--indicators", ",".join(codes), "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["k"] == 0.25 and r["q"] == 2 and r["A"] == pytest.approx(8 / 24)
    w = ",".join(["2"] + ["1"] * 11)
    assert main(["measures", "mpi", src, "--indicators", ",".join(codes), "--weights", w, "--k", "0.5",
                 "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["indicators"]["employment"]["weight"] == pytest.approx(2 / 13) and r["q"] == 0
    assert r["A"] is None and r["indicators"]["employment"]["contribution"] is None


BAD = [
    # (file rows, arguments, expected message parts)
    ("ok", ["--indicators", "a,b,zz"], ["missing column(s): zz"]),
    ("bad01", ["--indicators", "a,b"], ["column a: value must be 0 or 1 at rows 3, 4", "column b: value must be 0 or 1 at row 5"]),
    ("ok", ["--indicators", "a,b", "--weights", "1,2,3"], ["3 weights for 2 indicators"]),
    ("ok", ["--indicators", "a,b", "--weights", "1,-1"], ["must not be negative"]),
    ("ok", ["--indicators", "a,b", "--weights", "1,x"], ["--weights: not a number"]),
    ("ok", ["--indicators", "a,b", "--k", "0"], ["--k must be in (0, 1]"]),
    ("ok", ["--indicators", "a,b", "--k", "2"], ["--k must be in (0, 1]", "K/2"]),
    ("ok", ["--indicators", "a,b", "--k", "-0.5"], ["--k must be in (0, 1]"]),
    ("ok", ["--indicators", "a,a"], ["repeated a"]),
    ("ok", ["--indicators", "a,b", "--by", "nowhere"], ["missing column(s): nowhere"]),
    ("badgroup", ["--indicators", "a,b", "--by", "g"], ["column g: empty at row 3"]),
    ("badweight", ["--indicators", "a,b", "--weight-column", "w"], ["column w: not a number at row 2",
                                                                     "column w: negative value at row 4"]),
    ("empty", ["--indicators", "a,b"], ["no data rows"]),
]
FILES = {
    "ok": [[0, 1, "x", 1], [1, 1, "x", 2], [0, 0, "y", 1], [1, 0, "y", 3]],
    "bad01": [[0, 1, "x", 1], [2, 1, "x", 2], ["", 0, "y", 1], [1, "yes", "y", 3]],
    "badgroup": [[0, 1, "x", 1], [1, 1, "", 2]],
    "badweight": [[0, 1, "x", "big"], [1, 1, "x", 2], [1, 1, "x", -2]],
    "empty": [],
}


@pytest.mark.parametrize("kind, args, messages", BAD)
def test_mpi_bad_input_exits_2_with_a_clear_message(tmp_path, capsys, kind, args, messages):
    src = write(tmp_path / "in.csv", ["a", "b", "g", "w"], FILES[kind])
    assert main(["measures", "mpi", src, *args, "--format", "json"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    for m in messages:
        assert m in cap.err
    assert cap.err.startswith("chungtay: error:")


@pytest.mark.parametrize("rows, args, message", [
    ([["100"], ["abc"], ["1e3x"]], [], "column income: not a number at rows 3, 4"),
    ([["100"], [""]], [], "column income: empty at row 3"),
    ([["100"], ["-5"]], [], "column income: negative value at row 3"),
    ([["100"]], ["--line", "0"], "--line must be positive"),
    ([["100"]], ["--line", "abc"], "--line: not a number"),
    ([], [], "no data rows"),
])
def test_fgt_bad_input(tmp_path, capsys, rows, args, message):
    src = write(tmp_path / "in.csv", ["income"], rows)
    argv = ["measures", "fgt", src, "--income-column", "income"] + (args or ["--line", "125"])
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_input_through_the_real_command(tmp_path):
    src = write(tmp_path / "in.csv", ["a", "b"], [[0, 1], [3, 1]])
    code, out, err = run("mpi", src, "--indicators", "a,b", "--format", "json")
    assert code == 2 and out == "" and "column a: value must be 0 or 1 at row 3" in err
    code, _, err = run("mpi", tmp_path / "missing.csv", "--indicators", "a")
    assert code == 2 and "file not found" in err
    code, _, err = run("fgt", src, "--line", "125", "--income-column", "income")
    assert code == 2 and "missing column(s): income" in err
    code, _, err = run("mpi", src)                        # --indicators is required (argparse: status 2)
    assert code == 2 and "--indicators" in err


def test_near_escape_command(tmp_path, capsys):
    s = get_standard("2021-2025")
    codes = list(s.indicator_codes)
    header = ["household_id", "area", "income", *codes, "name"]

    def hh(hid, area, income, d):
        return [hid, area, income] + [1] * d + [0] * (12 - d) + ["someone"]
    src = write(tmp_path / "commune.csv", header, [
        hh("001", "rural", 1_200_000, 3),      # one deprivation → near-poor
        hh("002", "rural", 1_450_000, 4),      # 50,000 below the line (3.3 %)
        hh("003", "nông thôn", 1_450_000, 3),  # both
        hh("004", "urban", 1_000_000, 5),      # neither
        hh("005", "rural", 3_000_000, 5),      # not poor
    ])
    out_file = tmp_path / "list.xlsx"
    assert main(["measures", "near-escape", src, "--standard", "2021-2025", "--format", "json",
                 "-o", str(out_file)]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["poor"] == 4 and r["listed"] == 3
    ids = [h["household_id"] for h in r["households"]]
    assert ids == ["003", "002", "001"]
    first = r["households"][0]
    assert first["routes"] == ["deprivation", "income"] and first["row"] == 4
    assert first["removable"] == codes[:3] and first["gap"] == 50_000
    assert first["gap_percent"] == pytest.approx(100 / 30)
    assert out_file.exists()
    assert main(["measures", "near-escape", src, "--year", "2024", "--income-gap", "2%"]) == 0
    text = capsys.readouterr().out
    assert "2 of 4 poor households listed" in text and "001" in text and "002" not in text
    assert main(["measures", "near-escape", src, "--standard", "2021-2025", "--all", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["listed"] == 4


def test_near_escape_bad_input(tmp_path, capsys):
    codes = list(get_standard("2021-2025").indicator_codes)
    src = write(tmp_path / "c.csv", ["household_id", "area", "income", *codes],
                [["1", "mountain", "x", *([0] * 12)]])
    assert main(["measures", "near-escape", src, "--standard", "2021-2025"]) == 2
    err = capsys.readouterr().err
    assert "column income: not a number at row 2" in err and "column area: unknown area at row 2" in err
    assert main(["measures", "near-escape", src, "--standard", "1999"]) == 2
    assert "unknown standard" in capsys.readouterr().err
    assert main(["measures", "near-escape", src, "--standard", "2016-2020"]) == 2
    assert "missing column(s): health_access" in capsys.readouterr().err
    assert main(["measures", "near-escape", src, "--standard", "2021-2025", "--income-gap", "3"]) == 2
    assert "--income-gap" in capsys.readouterr().err


def test_a_zero_byte_file_is_bad_input(tmp_path, capsys):
    src = tmp_path / "zero.csv"
    src.write_bytes(b"")
    assert main(["measures", "mpi", str(src), "--indicators", "a"]) == 2
    assert "empty" in capsys.readouterr().err.lower()
    assert main(["measures", "fgt", str(src), "--line", "1", "--income-column", "income"]) == 2


def test_fgt_line_per_row(tmp_path, capsys):
    src = write(tmp_path / "inc.csv", ["income", "line"],
                [[1_200_000, 1_500_000], [1_800_000, 1_500_000], [1_800_000, 2_000_000], [2_500_000, 2_000_000]])
    assert main(["measures", "fgt", src, "--line-column", "line", "--income-column", "income", "--inclusive",
                 "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["line"] is None and r["line_column"] == "line"
    assert r["P0"] == pytest.approx(0.5) and r["P1"] == pytest.approx((0.2 + 0.1) / 4)
    bad = write(tmp_path / "bad.csv", ["income", "line"], [[1, 0], [1, "x"]])
    assert main(["measures", "fgt", bad, "--line-column", "line", "--income-column", "income"]) == 2
    err = capsys.readouterr().err
    assert "column line: not a number at row 3" in err and "column line: must be positive at row 2" in err
    with pytest.raises(SystemExit) as exc:                 # argparse: one of --line / --line-column
        main(["measures", "fgt", src, "--line", "5", "--line-column", "line", "--income-column", "income"])
    assert exc.value.code == 2


@pytest.mark.parametrize("ext", [".parquet", ".xlsx"])
def test_numeric_group_codes(tmp_path, capsys, ext):
    src = af_file(tmp_path, ext, {"province": [79, 79, 8, 8]})
    assert main(["measures", "mpi", src, "--indicators", ",".join(AF_CODES), "--k", "0.5", "--by", "province",
                 "--format", "json"]) == 0
    g = json.loads(capsys.readouterr().out)["groups"]
    assert list(g) == ["8", "79"]                  # numeric order, xlsx 79.0 printed as 79
    assert g["79"]["M0"] == pytest.approx(2 / 8) and g["8"]["M0"] == pytest.approx(4 / 8)
