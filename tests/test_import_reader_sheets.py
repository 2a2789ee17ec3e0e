"""The workbook reader parses sheets in worker threads and builds them in the workbook's order: the
tables, their row numbers and their problems come out exactly as a one-sheet-at-a-time read
would give them, whichever sheet finishes first."""
import pytest

from chungtay.imports.reader import ReadError, read_xlsx
from tests.test_import_support import HH_HEAD, MEMBER_HEAD, write_xlsx


def _members(n: int) -> list[list]:
    return [[f"{i:06d}", f"Người {i}", "Nam", 1980, "Kinh", "Chủ hộ"] for i in range(n)]


def test_the_tables_and_problems_keep_the_workbooks_order(tmp_path):
    # the first sheet is the largest, so a worker finishes it last
    big = [MEMBER_HEAD[:6] + ["Họ tên"]] + [r + ["x"] for r in _members(30_000)]
    small = [HH_HEAD + ["Thôn"], ["000001", "Thôn 1", "Số 1", "Nông thôn", "Thôn 2"]]
    path = write_xlsx(tmp_path / "order.xlsx", {"NhanKhau": big, "Ho": small})
    tables, problems = read_xlsx(path)
    assert [(t.kind, t.source, len(t)) for t in tables] == [("members", "NhanKhau", 30_000), ("households", "Ho", 1)]
    assert [(p.sheet, p.row, p.column) for p in problems] == [("NhanKhau", 1, "Họ tên"), ("Ho", 1, "Thôn")]
    assert all("Cột trùng" in p.reason for p in problems)
    assert tables[0].cols["ma_ho"][:2] == ["000000", "000001"] and tables[0].rows[-1] == 30_001


def test_blank_rows_are_left_out_with_their_row_numbers_kept(tmp_path):
    rows = [HH_HEAD + ["Ghi chú riêng"],
            ["000001", "Thôn 1", "Số 1", "Nông thôn", ""],
            ["", "", "", "", ""],                          # empty: left out
            ["", "", "", "", "chỉ có cột không nhận ra"],  # nothing in a recognised column: left out
            ["", "", "Số 4", "", ""],                      # one recognised cell: kept
            ["000005", "Thôn 2", "", "Thành thị", ""]]
    tables, problems = read_xlsx(write_xlsx(tmp_path / "blank.xlsx", {"Ho": rows}))
    (t,) = tables
    assert problems == [] and t.ignored == ["Ghi chú riêng"]
    assert t.rows == [2, 5, 6]
    assert t.cols == {"ma_ho": ["000001", "", "000005"], "thon": ["Thôn 1", "", "Thôn 2"],
                      "dia_chi": ["Số 1", "Số 4", ""], "khu_vuc": ["Nông thôn", "", "Thành thị"]}


def test_a_sheet_without_a_recognised_column_gives_no_rows(tmp_path):
    tables, problems = read_xlsx(write_xlsx(tmp_path / "odd.xlsx", {"Ho": [["Cột lạ", "Khác"], ["a", "b"]]}))
    assert problems == [] and [len(t) for t in tables] == [0]


def test_a_damaged_sheet_among_good_ones_is_one_clear_error(tmp_path):
    import zipfile
    good = write_xlsx(tmp_path / "good.xlsx", {"Ho": [HH_HEAD, ["000001", "Thôn 1", "Số 1", "Nông thôn"]],
                                                "NhanKhau": [MEMBER_HEAD[:6]] + _members(50)})
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]            # cut inside the members' cells
            dst.writestr(item, data)
    with pytest.raises(ReadError) as e:
        read_xlsx(bad)
    (p,) = e.value.problems
    assert p.sheet == "bad.xlsx" and "bad.xlsx" in p.reason and str(tmp_path) not in p.reason
    assert "bảng 'NhanKhau'" in p.reason            # the damaged sheet named, not the good one
