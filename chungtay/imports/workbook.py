"""Workbooks written by the import: the blank template (with instructions) and the error report."""
from __future__ import annotations

import io

import xlsxwriter

from chungtay.core import fmt

from . import spec

TEMPLATE_ROWS = 5000      # rows given drop-down lists and text format in the template


def _formats(wb):
    return {
        "head": wb.add_format({"bold": True, "bg_color": "#0B5C7A", "font_color": "#FFFFFF", "border": 1,
                               "text_wrap": True, "valign": "vcenter"}),
        "head_req": wb.add_format({"bold": True, "bg_color": "#C8102E", "font_color": "#FFFFFF", "border": 1,
                                   "text_wrap": True, "valign": "vcenter"}),
        "text": wb.add_format({"num_format": "@"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _data_sheet(wb, f, sheet: spec.Sheet, lists: dict[str, tuple]) -> None:
    ws = wb.add_worksheet(sheet.name)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 36)
    for j, c in enumerate(sheet.columns):
        ws.set_column(j, j, c.width, f["text"] if c.text else None)
        ws.write_string(0, j, c.label, f["head_req"] if c.required else f["head"])
        ws.write_comment(0, j, f"{c.key}: {c.help}" + (" (bắt buộc)" if c.required else ""),
                         {"x_scale": 2, "y_scale": 1.5})
        if c.key in lists:
            ws.data_validation(1, j, TEMPLATE_ROWS, j, {
                "validate": "list", "source": list(lists[c.key]), "ignore_blank": True,
                "error_type": "warning", "error_title": c.label[:32],
                "error_message": "Giá trị nên là một trong: " + ", ".join(lists[c.key])})
    ws.autofilter(0, 0, 0, len(sheet.columns) - 1)


def template(standard, villages: list[tuple[str, str]] | None = None, commune_name: str = "") -> bytes:
    """The blank import workbook for review answers under ``standard``.

    ``villages``: [(code, name)] of the commune, listed on the instructions sheet and offered as
    a drop-down in the ``thon`` column when there are few enough.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    f = _formats(wb)
    wb.set_properties({"title": "Chung Tay – mẫu nhập hộ, nhân khẩu, kết quả rà soát",
                       "comments": "Tạo bởi Chung Tay"})
    yes_no = spec.YES_NO_LABELS
    lists = {"khu_vuc": spec.AREA_LABELS, "gioi_tinh": spec.SEX_LABELS, "quan_he": spec.RELATION_LABELS,
             "bhyt": yes_no, "khuyet_tat": yes_no, "hoc_van": spec.SCHOOLING_LABELS, "viec_lam": spec.WORK_LABELS,
             "dang_ky_thoat_ngheo": yes_no}
    if villages and sum(len(n) + 1 for _, n in villages) < 250:    # Excel's limit for an inline list
        lists["thon"] = tuple(n for _, n in villages)
    review = spec.review_sheet(standard)
    for c in review.columns:
        if c.key in standard.indicator_codes:
            lists[c.key] = ("0", "1")
    _data_sheet(wb, f, spec.HOUSEHOLD_SHEET, lists)
    _data_sheet(wb, f, spec.MEMBER_SHEET, lists)
    _data_sheet(wb, f, review, lists)
    _instructions(wb, f, standard, review, villages, commune_name)
    wb.close()
    return buf.getvalue()


def _instructions(wb, f, standard, review: spec.Sheet, villages, commune_name: str) -> None:
    ws = wb.add_worksheet("HuongDan")
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 90)
    r = 0
    ws.write(r, 0, "Hướng dẫn nhập dữ liệu từ Excel – Chung Tay", f["title"])
    r += 2
    lines = [
        "Tệp gồm ba bảng: Ho (hộ gia đình), NhanKhau (nhân khẩu), RaSoat (kết quả rà soát). Có thể nhập một, "
        "hai hoặc cả ba bảng; mỗi lần nhập vào MỘT xã.",
        "Dòng 1 là tiêu đề, giữ nguyên tên cột (cột đỏ là bắt buộc). Dữ liệu bắt đầu từ dòng 2. "
        "Có thể thêm cột ghi chú riêng: cột không nhận ra sẽ được bỏ qua.",
        "Cột mã (Mã hộ, Thôn, Số CCCD) đã định dạng Văn bản để giữ số 0 ở đầu; khi dán dữ liệu hãy dùng "
        "'Dán giá trị' (Paste Values).",
        "Mọi dòng được kiểm tra trước. Nếu có lỗi, KHÔNG ghi gì và có bảng lỗi (dòng, cột, giá trị, lý do) "
        "để sửa rồi nhập lại. Nếu không có lỗi, toàn bộ tệp được ghi cùng lúc.",
        "Nhập lại cùng một tệp không tạo bản sao: hộ được đối chiếu theo Mã hộ; thành viên theo Số CCCD, "
        "hoặc (khi không có số) theo họ tên và năm sinh trong hộ; kết quả rà soát giống hệt kết quả hiện tại "
        "thì giữ nguyên, khác thì ghi thành phiên bản mới (phiên bản cũ vẫn được lưu).",
        "Thành viên đã có nhưng không có trong tệp được giữ nguyên (nhập không xóa dữ liệu). Ô Số CCCD để "
        "trống không xóa số đã lưu.",
        "Mỗi hộ có đúng một người là 'Chủ hộ'. Hộ mới phải có thành viên trong bảng NhanKhau.",
        "Bảng RaSoat: điền Thu nhập (đồng/người/tháng) HOẶC Điểm A; mỗi chỉ số thiếu hụt ghi 1 (thiếu hụt) "
        "hoặc 0 (không). Cột chỉ số theo chuẩn nghèo của năm rà soát.",
        "Tệp CSV: mỗi bảng một tệp (UTF-8), nhận biết bảng theo dòng tiêu đề.",
    ]
    for line in lines:
        ws.write(r, 0, "•", f["bold"])
        ws.merge_range(r, 1, r, 2, line, f["wrap"])
        ws.set_row(r, 32)
        r += 1
    r += 1
    ws.write_row(r, 0, ["Bảng / cột", "Mã cột", "Giá trị cho phép, ý nghĩa"], f["head"])
    r += 1
    for sheet in (spec.HOUSEHOLD_SHEET, spec.MEMBER_SHEET, review):
        ws.write(r, 0, f"{sheet.name} – {sheet.title}", f["bold"])
        r += 1
        for c in sheet.columns:
            ws.write(r, 0, c.label + (" *" if c.required else ""))
            ws.write(r, 1, c.key)
            ws.write(r, 2, c.help, f["wrap"])
            r += 1
        r += 1
    ws.write(r, 0, f"Chuẩn nghèo: {standard.code}", f["bold"])
    ws.write(r, 2, f"{standard.name_vi}; áp dụng cho các năm rà soát "
                   f"{standard.years[0]}–{standard.years[-1]}. Mẫu cho năm khác: tải lại với ?nam=NĂM.", f["wrap"])
    r += 2
    ws.write(r, 0, "Dân tộc (54 dân tộc)", f["bold"])
    ws.write(r, 2, ", ".join(spec.ETHNIC_GROUPS), f["wrap"])
    ws.set_row(r, 48)
    r += 2
    if villages:
        ws.write(r, 0, f"Thôn/tổ dân phố của {commune_name}".strip(), f["bold"])
        r += 1
        ws.write_row(r, 0, ["Tên thôn", "Mã thôn"], f["head"])
        r += 1
        for code, name in villages:
            ws.write_string(r, 0, name)
            ws.write_string(r, 1, code)
            r += 1


def error_report(rows: list[list], total: int, title: str = "") -> bytes:
    """The error table as a workbook: sheet, row, column, value, reason (values already masked)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    f = _formats(wb)
    ws = wb.add_worksheet("Loi")
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 18)
    ws.set_column(3, 3, 26)
    ws.set_column(4, 4, 80)
    ws.write(0, 0, title or "Báo cáo lỗi nhập dữ liệu", f["title"])
    note = f"{fmt.number(total)} lỗi"
    if total > len(rows):
        note += f" (liệt kê {fmt.number(len(rows))} lỗi đầu)"
    ws.write(1, 0, note + " – chưa ghi gì. Sửa tệp rồi nhập lại.")
    ws.write_row(3, 0, ["Bảng/tệp", "Dòng", "Cột", "Giá trị", "Lý do"], f["head"])
    for i, (sheet, row, column, value, reason) in enumerate(rows, start=4):
        ws.write_string(i, 0, str(sheet))
        ws.write_number(i, 1, int(row or 0))
        ws.write_string(i, 2, str(column))
        ws.write_string(i, 3, str(value))
        ws.write_string(i, 4, str(reason))
    ws.autofilter(3, 0, 3 + len(rows), 4)
    ws.freeze_panes(4, 0)
    wb.close()
    return buf.getvalue()
