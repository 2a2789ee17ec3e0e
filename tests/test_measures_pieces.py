"""`chungtay measures mpi` counts a .csv/.parquet file a piece at a time, reading only the columns it
needs, and answers exactly what reading the whole file answers: the same JSON and text to the last
digit, and for a bad file the same error (the plain path reports it)."""
import csv

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chungtay import measures_cli
from chungtay.cli import main
from chungtay.core import tables

IND = [f"d{j}" for j in range(1, 11)]


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch):
    monkeypatch.setattr(tables, "CHUNK_BYTES", 500)
    monkeypatch.setattr(tables, "SLICE_ROWS", 37)


def population(n=900, seed=7):
    rng = np.random.default_rng(seed)
    m = (rng.random((n, len(IND))) < np.linspace(0.05, 0.5, len(IND))).astype(int)
    return {"household_id": [f"{i:06d}" for i in range(n)],
            "province": rng.choice([11, 2, 46, 79], n).tolist(),
            "thon": [f"Thôn {x}" for x in rng.integers(1, 12, n)],
            "size": rng.integers(1, 8, n).tolist(),
            "note": ["x" * 50] * n,
            **{c: m[:, j].tolist() for j, c in enumerate(IND)}}


def write(path, data):
    if str(path).endswith(".parquet"):
        pq.write_table(pa.table(data), path, row_group_size=101)
    else:
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(list(data))
            w.writerows(zip(*data.values()))
    return str(path)


def both(capsys, monkeypatch, *args):
    """(status, stdout, stderr) the piece-wise way and the whole-file way, and whether pieces ran."""
    taken = []
    real = measures_cli._mpi_pieces

    def spy(*a):
        r = real(*a)
        taken.append(r is not None)
        return r
    monkeypatch.setattr(measures_cli, "_mpi_pieces", spy)
    fast = (main(["measures", "mpi", *args]), *capsys.readouterr())
    monkeypatch.setattr(measures_cli, "_mpi_pieces", lambda *a: None)
    plain = (main(["measures", "mpi", *args]), *capsys.readouterr())
    return fast, plain, taken == [True]


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
@pytest.mark.parametrize("extra", [[], ["--by", "province"], ["--by", "thon"], ["--k", "0.2"],
                                   ["--weights", ",".join(str(j % 3 + 1) for j in range(len(IND)))]])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_pieces_answer_exactly_what_the_whole_file_answers(tmp_path, capsys, monkeypatch, ext, extra, fmt):
    src = write(tmp_path / f"in{ext}", population())
    fast, plain, taken = both(capsys, monkeypatch, src, "--indicators", ",".join(IND), "--format", fmt, *extra)
    assert taken, "the file was not counted piece by piece"
    assert fast == plain
    assert fast[0] == 0 and "M0" in fast[1]


def test_a_weight_column_reads_the_whole_file(tmp_path, capsys, monkeypatch):
    src = write(tmp_path / "in.csv", population())
    fast, plain, taken = both(capsys, monkeypatch, src, "--indicators", ",".join(IND), "--weight-column", "size",
                              "--format", "json")
    assert not taken and fast == plain and fast[0] == 0


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_bad_files_get_the_plain_error(tmp_path, capsys, monkeypatch, ext):
    data = population()
    data["d3"][850] = 2                         # in a late piece
    src = write(tmp_path / f"in{ext}", data)
    fast, plain, taken = both(capsys, monkeypatch, src, "--indicators", ",".join(IND), "--format", "json")
    assert not taken and fast == plain
    assert fast[0] == 2 and "row 852" in fast[2]
    data = population()
    data["thon"][700] = " "
    src = write(tmp_path / f"in{ext}", data)
    fast, plain, taken = both(capsys, monkeypatch, src, "--indicators", ",".join(IND), "--by", "thon")
    assert not taken and fast == plain and fast[0] == 2 and "empty at row 702" in fast[2]


def test_missing_and_duplicate_columns_and_empty_files(tmp_path, capsys, monkeypatch):
    src = write(tmp_path / "in.csv", population())
    fast, plain, taken = both(capsys, monkeypatch, src, "--indicators", "d1,nope")
    assert not taken and fast == plain and "missing column(s): nope" in fast[2] and "the file has:" in fast[2]
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(IND) + "\n")
    fast, plain, taken = both(capsys, monkeypatch, str(empty), "--indicators", ",".join(IND))
    assert not taken and fast == plain and "no data rows" in fast[2]


def test_a_type_that_changes_between_pieces_reads_the_whole_file(tmp_path, capsys, monkeypatch):
    data = population()
    data["d5"] = [str(v) for v in data["d5"]]
    data["d5"][880] = "1.0"                     # the whole file reads the column as float: still 0/1
    src = write(tmp_path / "in.csv", data)
    fast, plain, taken = both(capsys, monkeypatch, src, "--indicators", ",".join(IND), "--by", "province",
                              "--format", "json")
    assert not taken and fast == plain and fast[0] == 0


def test_only_the_needed_columns_are_read(tmp_path, monkeypatch):
    src = write(tmp_path / "in.parquet", population())
    seen = []
    real = pq.ParquetFile.iter_batches

    def spy(self, *a, **kw):
        seen.append(kw.get("columns"))
        return real(self, *a, **kw)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    assert main(["measures", "mpi", src, "--indicators", "d1,d2,d3", "--by", "thon", "--format", "json"]) == 0
    assert seen == [["d1", "d2", "d3", "thon"]]
