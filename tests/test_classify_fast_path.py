"""`chungtay classify`'s fast path (CSV a chunk at a time, Parquet a row group at a time, output a
slice at a time) writes exactly what the plain path (read the whole table, classify, write) writes,
and fails with exactly its error, on any file: the property test below writes odd CSV files (quoted
and bare cells, BOM, CRLF, blank lines, formula-looking ids, floats and text among the numbers,
values that are not 0/1, quoted newlines) and cuts them into chunks of a few bytes."""
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.cli import main
from chungtay.core import get_standard, tables
from chungtay.core.tables import InputError, classify_file, classify_table, read_table, write_table

S = get_standard("2021-2025")
IND = list(S.indicator_codes)
HEADER = ["household_id", "area", "income", *IND]


def plain(src, dst):
    """The path every file took before the fast one: what the user must keep getting."""
    result = classify_table(read_table(src), S, src)
    write_table(result, dst)
    return result.num_rows


def outcome(fn, src, dst):
    try:
        n = fn(src, dst)
    except InputError as e:
        assert not dst.exists(), "a failed classification left an output file"
        return ("error", str(e))
    data = pq.read_table(dst) if dst.suffix == ".parquet" else dst.read_bytes()
    dst.unlink()
    return ("ok", n, data)


def same(src, tmp_path, ext=".csv"):
    fast = outcome(lambda s, d: classify_file(s, S, d), src, tmp_path / f"fast{ext}")
    ref = outcome(plain, src, tmp_path / f"plain{ext}")
    if ext == ".parquet" and fast[0] == ref[0] == "ok":
        assert fast[2].schema == ref[2].schema
        assert fast[2].equals(ref[2])
        return fast[:2]
    assert fast == ref
    return fast


def csv_text(rows, header=HEADER, eol="\n", bom=False, blank_every=0):
    lines = [",".join(header)]
    for i, r in enumerate(rows):
        lines.append(",".join(r))
        if blank_every and i % blank_every == 0:
            lines.append("")
    return ("\ufeff" if bom else "") + eol.join(lines) + eol


def good_row(i, d=0, income="1000000", area="rural"):
    return [f'"{i:07d}"', area, income] + ["1" if k < d else "0" for k in range(len(IND))]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(tables, "CHUNK_BYTES", 300)      # a few lines a chunk: many chunks, many joins
    monkeypatch.setattr(tables, "SLICE_ROWS", 7)


def test_a_clean_file_takes_the_fast_path_and_writes_what_the_plain_one_writes(tmp_path, small_chunks):
    src = tmp_path / "in.csv"
    src.write_text(csv_text([good_row(i, d=i % 5, income=str(900_000 + 37_000 * i)) for i in range(200)]))
    for ext in (".csv", ".parquet"):
        out = tmp_path / f"direct{ext}"
        assert tables._classify_csv(src, S, out, ext) == 200     # the fast path did the work
        assert same(src, tmp_path, ext)[:2] == ("ok", 200)


def test_parquet_input_takes_the_fast_path_row_group_by_row_group(tmp_path, small_chunks):
    src = tmp_path / "in.parquet"
    cols = {"household_id": [f"{i:05d}" for i in range(50)], "area": ["urban", "Nông thôn "] * 25,
            "income": [float(1_400_000 + 20_000 * i) for i in range(50)]}
    cols.update({c: [int((i + k) % 7 == 0) for i in range(50)] for k, c in enumerate(IND)})
    pq.write_table(pa.table(cols), src, row_group_size=9)
    for ext in (".csv", ".parquet"):
        assert tables._classify_parquet(src, S, tmp_path / f"direct{ext}", ext) == 50
        assert same(src, tmp_path, ext)[:2] == ("ok", 50)


def test_a_type_that_changes_in_a_late_chunk_gives_the_plain_result(tmp_path, small_chunks):
    rows = [good_row(i) for i in range(100)]
    rows[90][2] = "1500000.5"          # pyarrow's whole-file read makes the column float64
    src = tmp_path / "in.csv"
    src.write_text(csv_text(rows))
    assert tables._classify_csv(src, S, tmp_path / "x.csv", ".csv") is None
    assert same(src, tmp_path)[0] == "ok"
    assert same(src, tmp_path, ".parquet")[0] == "ok"


def test_bad_values_in_a_late_chunk_give_the_plain_error_and_no_file(tmp_path, small_chunks):
    rows = [good_row(i) for i in range(100)]
    rows[95][5] = "2"
    rows[60][1] = "city"
    src = tmp_path / "in.csv"
    src.write_text(csv_text(rows))
    kind, message = same(src, tmp_path)
    assert kind == "error"
    assert "row 62" in message and "row 97" in message
    assert not list(tmp_path.glob("*.csv.*")) and not list(tmp_path.glob("tmp*"))


def test_stdout_gets_the_same_bytes(tmp_path, small_chunks, capsysbinary):
    src = tmp_path / "in.csv"
    src.write_text(csv_text([good_row(i, d=i % 4) for i in range(40)], eol="\r\n", bom=True))
    assert main(["classify", str(src), "--standard", S.code]) == 0
    fast = capsysbinary.readouterr().out
    plain(src, tmp_path / "ref.csv")
    assert fast == (tmp_path / "ref.csv").read_bytes()


def test_header_only_and_xlsx_output_go_the_plain_way(tmp_path, small_chunks):
    src = tmp_path / "in.csv"
    src.write_text(csv_text([]))
    assert same(src, tmp_path) == same(src, tmp_path)
    src.write_text(csv_text([good_row(1), good_row(2, d=3)]))
    assert main(["classify", str(src), "--standard", S.code, "-o", str(tmp_path / "o.xlsx")]) == 0


cells = st.one_of(st.sampled_from(["0", "1"]), st.sampled_from(["0", "1", "2", "", "1.0", "-1", " 1", "x", '"1"']))
ids = st.one_of(st.integers(0, 99999).map(lambda i: f"{i:05d}"),
                st.sampled_from(['"=1+2"', "-5", '"@x"', '"a,b"', '"say ""hi"""', "Hộ 1", "", '"a\nb"', "+84"]))
areas = st.sampled_from(["rural", "urban", "Nông thôn", " thành thị ", '"URBAN"', "city", ""])
incomes = st.one_of(st.integers(0, 4_000_000).map(str),
                    st.sampled_from(["1500000.5", "", "-1", "abc", "2e6", '"1 500 000"']))


@st.composite
def files(draw):
    n = draw(st.integers(0, 30))
    clean = draw(st.booleans())
    rows = []
    for _ in range(n):
        ind = [draw(st.sampled_from(["0", "1"]) if clean else cells) for _ in IND]
        rows.append([draw(ids), draw(areas) if not clean else "rural", draw(incomes) if not clean else
                     str(draw(st.integers(0, 4_000_000)))] + ind)
    return csv_text(rows, eol=draw(st.sampled_from(["\n", "\r\n"])), bom=draw(st.booleans()),
                    blank_every=draw(st.sampled_from([0, 0, 3])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=files(), chunk=st.integers(1, 400), ext=st.sampled_from([".csv", ".parquet"]))
def test_any_file_any_chunking_same_output_or_same_error(tmp_path, monkeypatch, text, chunk, ext):
    monkeypatch.setattr(tables, "CHUNK_BYTES", chunk)
    src = tmp_path / "in.csv"
    src.write_text(text, encoding="utf-8")
    same(src, tmp_path, ext)
