"""The vectorised chunk scan (chungtay.core.sheet_scan) gives the regular expressions' answers.

chungtay.core.limits scans every sheet's XML before the reader opens it. Each chunk's cell
references, tags, long texts and shared-string indexes are found with numpy where the chunk allows
it, and with the regular expressions otherwise. Here both are run on generated chunks — XML as
spreadsheet programs write it, and odd or hostile fragments — and must agree.
"""
from __future__ import annotations

import re
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from chungtay.core import limits, sheet_scan
from tests.test_untrusted_files import HEAD, sheet_xml, xlsx_bytes

LONG = 40           # a small "longest text" so that the generated chunks reach it


def regex_figures(data: bytes, long_text: int = LONG):
    refs = limits._REF.findall(data)
    cols = [limits._col_number(r.upper().rstrip(b"0123456789")) for r in refs]
    rows = [int(r.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")) for r in refs]
    long = re.search(rb">[^<]{%d,}" % (long_text + 1), data) is not None
    return (len(refs), max(cols, default=0), max(rows, default=0), data.count(b"<c") + data.count(b":c"), long,
            [int(x) for x in limits._SST_REF.findall(data)])


def agree(data: bytes) -> bool:
    """True when the vectorised scan answered (False: it left the chunk to the regular expressions)."""
    fast = sheet_scan.chunk_figures(data, LONG, True)
    if fast is None:
        return False
    want = regex_figures(data)
    n, c, r, tags, long, sst = fast
    assert (n, c, r, tags) == want[:4], data
    assert long or not want[4], data            # may say "maybe" where the pattern finds nothing, never less
    assert sst.tolist() == want[5], data
    return True


def excel_rows(first: int, n: int, cols: str = "ABCDEFGHIJK") -> bytes:
    out = []
    for r in range(first, first + n):
        cells = "".join(f'<c r="{c}{r}" s="1" t="s"><v>{(r * 7 + i) % 50}</v></c>' if i % 3 == 0 else
                        f'<c r="{c}{r}" s="2"><v>{r + i}</v></c>' if i % 3 == 1 else
                        f'<c r="{c}{r}" t="inlineStr"><is><t>Hộ số {r} = {i}</t></is></c>'
                        for i, c in enumerate(cols))
        out.append(f'<row r="{r}" spans="1:{len(cols)}">{cells}</row>')
    return "".join(out).encode()


def test_excel_like_chunks_are_scanned_by_numpy_with_the_same_answers():
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:K500"/><sheetData>')
    for data in (head + excel_rows(1, 200), excel_rows(900, 300, "AB"), excel_rows(1, 5, "XFD"),
                 b'<row r="1048576"><c r="XFD1048576" t="s"><v>3</v></c></row>', b"", b"<sheetData/>"):
        assert agree(data), "an Excel-like chunk fell back to the regular expressions"


def test_the_fallback_cases_are_left_to_the_regular_expressions():
    for data in (b'<c r = "A1"><v>1</v></c>',                 # white space around '='
                 b'<c r="A1" t ="s"><v>1</v></c>',
                 b'<c r="A1" t="s">\n<v>1</v></c>',            # white space before <v>
                 b'<c r="A1" t="s"><v> 1</v></c>',
                 b'<c r="A1" t="s"><x:v>1</x:v></c>',          # a namespaced value
                 b'<c r="A1" t="s" u="s" t="s"><v>1</v></c>'):  # two t="s" before one '>'
        assert sheet_scan.chunk_figures(data, LONG, True) is None, data


def test_hand_made_corner_cases_agree():
    for data in (b'<c r="ABCDEFGH1"/><c r="ABCDEFGHI2"/>',     # 8 letters a reference, 9 not
                 b'<c r="A123456789012"/><c r="A1234567890123"/>',   # 12 digits, 13 not
                 b"<c r='B7'/><c r=\"C8'/><c r='D9\"/>",       # either quote, mixed
                 b'<c r="a5"/><c r="zz10"/>',                  # lower case columns
                 b'<c t="s"/><c r="B1"><v>4</v></c>',          # t="s" with no value of its own
                 b'<c t="s"><f>1+1</f><v>4</v></c>',
                 b'<c t="s"><v>1234567890123456</v></c>',      # more than 12 digits: the first 12
                 b'<c t="s"><v></v></c><c t="s"><v>x</v></c>',
                 b'<c t="s"></c>',
                 b'<c r="A1" t="s"><v>7</v></c',              # cut at the end
                 b'<c r="A1" t="s"', b'=', b'="', b'="A', b'="A1', b'="A1"',
                 b'<t>' + b'x' * 41 + b'</t>', b'<t>' + b'x' * 39 + b'</t>', b'>' + b'y' * 45,
                 b'<t>a=b==c="d"</t>', b'\x00<c r="A1"\x00/>'):
        agree(data)


FRAGMENTS = [b'<c r="', b'"', b"'", b"=", b" ", b"\n", b"\t", b"<", b">", b"/>", b"<v>", b"</v>", b"<x:v>",
             b't="s"', b"t='s'", b't="s\'', b' t = "s"', b"<f>", b"</c>", b"<row r=\"", b":c", b"<c",
             b"A", b"ab", b"XFD", b"ABCDEFGHI", b"0", b"12", b"1048576", b"9999999999999", b"x" * 50,
             "Đào".encode(), b"\x00"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=6), max_size=60))
def test_generated_chunks_agree(parts):
    agree(b"".join(parts))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabc", min_size=1, max_size=10),
                          st.integers(0, 10 ** 13), st.sampled_from(['"', "'"]), st.booleans(),
                          st.integers(0, 10 ** 13)), max_size=40))
def test_generated_cells_agree(cells):
    data = b"".join(f'<c r={q}{col}{row}{q}{" t=" + q + "s" + q if shared else ""}><v>{v}</v></c>'.encode()
                    for col, row, q, shared, v in cells)
    agree(data)


def _sheet_figures(tmp_path, rows: str, vectorised: bool):
    p = tmp_path / "ho.xlsx"
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main">' + "".join(f"<si><t>Thôn {i}</t></si>" for i in range(50)) + "</sst>")
    p.write_bytes(xlsx_bytes(sheet_xml(HEAD + rows), sst))
    with zipfile.ZipFile(p) as zf:
        lens = limits._scan_shared_strings(zf, zf.getinfo("xl/sharedStrings.xml"), "ho.xlsx")
        return limits._scan_share(zf, zf.getinfo("xl/worksheets/sheet1.xml"), "ho.xlsx", lens, vectorised=vectorised)


def test_a_whole_sheet_gives_the_same_figures_either_way(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "CHUNK", 4096)           # many chunks, cut anywhere a tag ends
    rows = excel_rows(2, 400).decode()
    fast, slow = _sheet_figures(tmp_path, rows, True), _sheet_figures(tmp_path, rows, False)
    assert fast == slow
    assert fast[:2] == (11, 401)
    odd = rows[:5000] + '<row r="900"><c r = "Q900"><v>1</v></c></row>' + rows[5000:]   # one chunk falls back
    assert _sheet_figures(tmp_path, odd, True) == _sheet_figures(tmp_path, odd, False)
