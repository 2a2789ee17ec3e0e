"""A large sheet part is scanned by two processes (every other chunk each): same answer, same messages.

The limits of chungtay.core.limits scan every sheet before the reader opens it; from
``SPLIT_FROM_BYTES`` a child process scans the odd chunks while the caller scans the even ones.
Here the threshold and the chunk size are lowered so that a small workbook takes that path.
"""
from __future__ import annotations

import zipfile

import pytest

from chungtay.core import limits
from tests.test_untrusted_files import HEAD, sheet_xml, xlsx_bytes


def _rows(n: int, start: int = 2) -> str:
    return "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{r % 3}</v></c><c r="B{r}"><v>{r}</v></c>'
                   f'<c r="C{r}" t="inlineStr"><is><t>hộ số {r}</t></is></c></row>' for r in range(start, start + n))


SST = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
       '<si><t>Thôn 1</t></si><si><t>Thôn Kon Đào</t></si><si><t>Làng Ngọk Bay</t></si></sst>')


@pytest.fixture
def small_split(monkeypatch):
    monkeypatch.setattr(limits, "SPLIT_FROM_BYTES", 1)
    monkeypatch.setattr(limits, "CHUNK", 16 * 1024)


def _write(tmp_path, rows: str, name="ho.xlsx", sst=SST) -> str:
    p = tmp_path / name
    p.write_bytes(xlsx_bytes(sheet_xml(HEAD + rows), sst))
    return str(p)


def _both(path):
    """(split answer, sequential answer) of the one sheet of ``path``."""
    with zipfile.ZipFile(path) as zf:
        sst = limits._scan_shared_strings(zf, zf.getinfo("xl/sharedStrings.xml"), "ho.xlsx")
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        return limits._scan_split(zf, path, info, "ho.xlsx", sst), limits._scan_share(zf, info, "ho.xlsx", sst)


def _message(path) -> str:
    with pytest.raises(limits.LimitError) as e:
        limits.check_workbook(path, "ho.xlsx")
    return e.value.vi


def test_the_two_halves_add_up_to_the_sequential_scan(tmp_path, small_split):
    path = _write(tmp_path, _rows(3000))
    split, sequential = _both(path)
    assert split is not None, "the child process did not answer"
    assert split == sequential
    assert split[:2] == (3, 3001)                     # columns A..C, rows 1..3001
    limits.check_workbook(path, "ho.xlsx")            # a good file passes


def test_a_far_cell_in_the_childs_half_is_refused_with_the_same_message(tmp_path, small_split, monkeypatch):
    far = '<row r="5000"><c r="XFD1048576"><v>1</v></c></row>'
    for before in range(1500, 2500, 50):
        # the far cell in an odd chunk: the child finds it, the parent's half alone would not
        path = _write(tmp_path, _rows(before) + far + _rows(1500, 5001))
        with zipfile.ZipFile(path) as zf:
            chunks = list(limits._with_carry(limits._chunks(zf, zf.getinfo("xl/worksheets/sheet1.xml"), "x", 1 << 30)))
        if [i for i, c in enumerate(chunks) if b"XFD1048576" in c][0] % 2 == 1:
            break
    else:
        pytest.fail("no layout put the far cell in an odd chunk")
    split = _message(path)
    monkeypatch.setattr(limits, "SPLIT_FROM_BYTES", 1 << 40)
    assert split == _message(path)
    assert "16.384" in split and "vượt giới hạn" in split


def test_a_missing_shared_string_is_reported_as_the_sequential_scan_does(tmp_path, small_split, monkeypatch):
    bad = '<row r="2500"><c r="A2500" t="s"><v>99</v></c></row>'
    path = _write(tmp_path, _rows(2400) + bad + _rows(1000, 2501))
    split = _message(path)
    monkeypatch.setattr(limits, "SPLIT_FROM_BYTES", 1 << 40)
    assert split == _message(path)
    assert "tham chiếu chuỗi không tồn tại" in split


def test_cells_without_a_reference_fall_back_to_the_sequential_scan(tmp_path, small_split):
    # 700 cells without a reference (each counted as a column more: a reader numbers them in order)
    noref = "".join(f"<row><c><v>{i}</v></c><c><v>{i}</v></c></row>" for i in range(350))
    path = _write(tmp_path, _rows(2000) + noref + _rows(500, 3000))
    split, sequential = _both(path)
    assert split is None                              # counted in order by the caller instead
    assert sequential[2] >= 350
    limits.check_workbook(path, "ho.xlsx")


def test_the_child_gets_the_callers_main_script_never(tmp_path, small_split):
    """A plain `python -c` child: multiprocessing would import the caller's script again."""
    import subprocess
    import sys
    path = _write(tmp_path, _rows(3000))
    script = tmp_path / "caller.py"
    marker = tmp_path / "ran"
    script.write_text(
        "import sys\nfrom pathlib import Path\n"
        f"p = Path({str(marker)!r}); p.write_text(p.read_text() + 'x' if p.exists() else 'x')\n"
        "from chungtay.core import limits\nlimits.SPLIT_FROM_BYTES = 1\nlimits.CHUNK = 16 * 1024\n"
        f"limits.check_workbook({path!r}, 'ho.xlsx')\nprint('ok')\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr
    assert marker.read_text() == "x"                  # the script ran once
