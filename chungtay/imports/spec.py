"""The import template as data: sheets, columns, allowed values (pure Python, no Django).

One workbook, three data sheets (``Ho``, ``NhanKhau``, ``RaSoat``) and an instructions sheet
(``HuongDan``). A header cell is recognised when, folded (lower case, no diacritics, runs of
other characters turned into ``_``), it equals the column's machine key — so "Mã hộ",
"ma_ho" and "MA HO" are the same column — or one of its aliases, or when it ends with the
key in parentheses ("Việc làm (employment)"). docs/import.md is the user-facing copy.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HOUSEHOLDS, MEMBERS, REVIEWS = "households", "members", "reviews"
KINDS = (HOUSEHOLDS, MEMBERS, REVIEWS)


@dataclass(frozen=True)
class Column:
    key: str
    label: str               # the Vietnamese header written in the template
    required: bool = False
    text: bool = False       # a code: the template formats the column as text ('@')
    help: str = ""           # allowed values / meaning, for the HuongDan sheet
    example: str = ""
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    kind: str
    name: str                # sheet name in the workbook
    title: str               # Vietnamese title
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


# --- allowed values (folded spelling -> stored value) ---------------------------------------

SEX = {"nam": "M", "nu": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
RELATION = {
    "chu ho": "head", "vo": "spouse", "chong": "spouse", "vo/chong": "spouse", "vo chong": "spouse",
    "con": "child", "bo": "parent", "me": "parent", "cha": "parent", "bo/me": "parent", "bo me": "parent",
    "chau": "grandchild", "khac": "other",
    "head": "head", "spouse": "spouse", "child": "child", "parent": "parent", "grandchild": "grandchild",
    "other": "other",
}
AREA = {"nong thon": False, "thanh thi": True, "rural": False, "urban": True}
YES_NO = {"co": True, "khong": False, "1": True, "0": False, "x": True, "c": True, "k": False,
          "yes": True, "no": False, "true": True, "false": False}
SCHOOLING = {"chua di hoc": "none", "tieu hoc": "primary", "thcs": "lower_secondary",
             "trung hoc co so": "lower_secondary", "thpt": "upper_secondary",
             "trung hoc pho thong": "upper_secondary", "tren thpt": "higher", "dang di hoc": "in_school",
             "none": "none", "primary": "primary", "lower_secondary": "lower_secondary",
             "upper_secondary": "upper_secondary", "higher": "higher", "in_school": "in_school"}
WORK = {"nong nghiep": "farming", "lam cong": "wage", "tu lam": "self_employed", "that nghiep": "unemployed",
        "hoc sinh, sinh vien": "student", "hoc sinh": "student", "sinh vien": "student",
        "nghi huu": "retired", "khong lam viec": "none",
        "farming": "farming", "wage": "wage", "self_employed": "self_employed", "unemployed": "unemployed",
        "student": "student", "retired": "retired", "none": "none"}
# Spellings shown in the template (drop-down lists) and in messages.
SEX_LABELS = ("Nam", "Nữ")
RELATION_LABELS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Bố", "Mẹ", "Cháu", "Khác")
AREA_LABELS = ("nông thôn", "thành thị")
YES_NO_LABELS = ("Có", "Không")
SCHOOLING_LABELS = ("Chưa đi học", "Tiểu học", "THCS", "THPT", "Trên THPT", "Đang đi học")
WORK_LABELS = ("Nông nghiệp", "Làm công", "Tự làm", "Thất nghiệp", "Học sinh, sinh viên", "Nghỉ hưu",
               "Không làm việc")
ETHNIC_GROUPS = (
    "Kinh", "Tày", "Thái", "Hoa", "Khơ Me", "Mường", "Nùng", "Mông", "Dao", "Gia Rai", "Ngái", "Ê Đê", "Ba Na",
    "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra Glai", "Xtiêng", "Bru Vân Kiều",
    "Thổ", "Giáy", "Cơ Tu", "Giẻ Triêng", "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun",
    "Hà Nhì", "Chu Ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn",
    "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm")

_opts = lambda labels: ", ".join(labels)  # noqa: E731

HOUSEHOLD_SHEET = Sheet(HOUSEHOLDS, "Ho", "Hộ gia đình", (
    Column("ma_ho", "Mã hộ", True, True, "Mã hộ do xã đặt, duy nhất; giữ nguyên số 0 ở đầu", "0001", 14),
    Column("thon", "Thôn", True, True, "Tên hoặc mã thôn/tổ dân phố thuộc xã", "Thôn 1", 22),
    Column("dia_chi", "Địa chỉ", False, False, "Địa chỉ (không bắt buộc)", "Thôn 1, xã …", 32),
    Column("khu_vuc", "Khu vực", False, False,
           f"{_opts(AREA_LABELS)}; để trống: theo thôn (hộ mới) hoặc giữ như cũ (hộ đã có)", "nông thôn", 12),
))
MEMBER_SHEET = Sheet(MEMBERS, "NhanKhau", "Nhân khẩu", (
    Column("ma_ho", "Mã hộ", True, True, "Mã hộ ở bảng Ho hoặc hộ đã có của xã", "0001", 14),
    Column("ho_ten", "Họ tên", True, False, "Họ và tên đầy đủ", "Nguyễn Văn An", 26),
    Column("gioi_tinh", "Giới tính", True, False, _opts(SEX_LABELS), "Nam", 10),
    Column("nam_sinh", "Năm sinh", True, False, "Năm, 4 chữ số (1900 – năm nay)", "1980", 10),
    Column("dan_toc", "Dân tộc", True, False, "Tên dân tộc, ví dụ Kinh, Xơ Đăng, Ba Na", "Kinh", 12),
    Column("quan_he", "Quan hệ", True, False, "Quan hệ với chủ hộ: " + _opts(RELATION_LABELS)
           + "; mỗi hộ đúng một Chủ hộ", "Chủ hộ", 12),
    Column("so_cccd", "Số CCCD", False, True, "12 chữ số, không bắt buộc; giữ nguyên số 0 ở đầu",
           "062080123456", 16),
    Column("bhyt", "BHYT", False, False, f"Có thẻ bảo hiểm y tế: {_opts(YES_NO_LABELS)} (trống = Không)", "Có", 8),
    Column("hoc_van", "Học vấn", False, False, _opts(SCHOOLING_LABELS), "THCS", 14),
    Column("khuyet_tat", "Khuyết tật", False, False, f"{_opts(YES_NO_LABELS)} (trống = Không)", "Không", 10),
    Column("viec_lam", "Việc làm", False, False, _opts(WORK_LABELS), "Nông nghiệp", 16),
))
REVIEW_BASE = (
    Column("ma_ho", "Mã hộ", True, True, "Mã hộ ở bảng Ho hoặc hộ đã có của xã", "0001", 14),
    Column("nam", "Năm", True, False, "Năm rà soát, ví dụ 2025", "2025", 8),
    Column("thu_nhap", "Thu nhập", False, False,
           "Thu nhập bình quân (đồng/người/tháng); điền thu nhập HOẶC điểm A", "1200000", 14),
    Column("diem_a", "Điểm A", False, False, "Điểm A của phiếu B (chỉ chuẩn 2021–2025)", "", 10),
)
PLEDGE = Column("dang_ky_thoat_ngheo", "Đăng ký thoát nghèo", False, False,
                f"Hộ đăng ký thoát nghèo: {_opts(YES_NO_LABELS)} (trống = Không)", "Không", 12)

ALIASES = {
    "ho_va_ten": "ho_ten", "ten": "ho_ten", "quan_he_voi_chu_ho": "quan_he", "cccd": "so_cccd",
    "so_can_cuoc": "so_cccd", "so_can_cuoc_cong_dan": "so_cccd", "ma_thon": "thon", "ten_thon": "thon",
    "thon_to_dan_pho": "thon", "nam_ra_soat": "nam", "thu_nhap_binh_quan": "thu_nhap", "bao_hiem_y_te": "bhyt",
    "trinh_do_hoc_van": "hoc_van", "gioi": "gioi_tinh", "dia_chi_ho": "dia_chi",
    "household_code": "ma_ho", "household_id": "ma_ho", "income": "thu_nhap", "score_a": "diem_a", "year": "nam",
}

_NON_WORD = re.compile(r"[^a-z0-9]+")
_PAREN_KEY = re.compile(r"[(\[]\s*([A-Za-z0-9_]+)\s*[)\]]\s*$")


def fold_key(text: str) -> str:
    """'Mã hộ' -> 'ma_ho'; 'Số CCCD' -> 'so_cccd'."""
    t = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if unicodedata.category(c) != "Mn").lower()
    return _NON_WORD.sub("_", t).strip("_")


def header_key(cell, known: set[str]) -> str | None:
    """The machine key a header cell names, or None if it names no known column."""
    if cell is None:
        return None
    raw = unicodedata.normalize("NFC", str(cell)).strip().lstrip("\ufeff")
    if not raw:
        return None
    m = _PAREN_KEY.search(raw)
    if m and m.group(1).lower() in known:
        return m.group(1).lower()
    k = fold_key(raw)
    k = ALIASES.get(k, k)
    return k if k in known else None


def all_indicator_codes() -> list[str]:
    from chungtay.core.standards import all_standards
    out: list[str] = []
    for s in all_standards():
        out += [c for c in s.indicator_codes if c not in out]
    return out


def review_sheet(standard=None) -> Sheet:
    """The RaSoat sheet; the template lists the indicators of ``standard`` (legal order)."""
    inds = ()
    if standard is not None:
        inds = tuple(Column(i.code, f"{i.name_vi} ({i.code})", True, False,
                            f"1 = thiếu hụt ({i.deprivation_vi}); 0 = không", "0", 12)
                     for i in standard.indicators)
    return Sheet(REVIEWS, "RaSoat", "Kết quả rà soát", REVIEW_BASE + inds + (PLEDGE,))


def known_keys(kind: str) -> set[str]:
    if kind == HOUSEHOLDS:
        return {c.key for c in HOUSEHOLD_SHEET.columns}
    if kind == MEMBERS:
        return {c.key for c in MEMBER_SHEET.columns}
    return {c.key for c in REVIEW_BASE} | {PLEDGE.key} | set(all_indicator_codes())


SHEET_NAMES = {"ho": HOUSEHOLDS, "ho_gia_dinh": HOUSEHOLDS, "households": HOUSEHOLDS,
               "nhankhau": MEMBERS, "nhan_khau": MEMBERS, "thanh_vien": MEMBERS, "members": MEMBERS,
               "rasoat": REVIEWS, "ra_soat": REVIEWS, "ket_qua_ra_soat": REVIEWS, "reviews": REVIEWS}
SHEET_TITLES = {HOUSEHOLDS: "Ho", MEMBERS: "NhanKhau", REVIEWS: "RaSoat"}


def kind_of_sheet_name(name: str) -> str | None:
    return SHEET_NAMES.get(fold_key(name))


def kind_of_header(keys: set[str]) -> str | None:
    """Recognise a CSV file (or an oddly named sheet) by its columns."""
    if "ho_ten" in keys or "quan_he" in keys:
        return MEMBERS
    if "nam" in keys and ("thu_nhap" in keys or "diem_a" in keys):
        return REVIEWS
    if "thon" in keys:
        return HOUSEHOLDS
    return None
