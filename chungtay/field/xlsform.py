"""The review form (Phiếu B) of a round as an XLSForm for ODK Collect and KoboToolbox, and the
round's household list as the CSV attachment its ``select_one_from_file`` question reads.

The form is built from the standard of the round's year (chungtay/standards/*.json): its
indicators in legal order, income or score A as the standard allows, the same bounds as the web
form (households/bounds.py) and a provisional classification computed on the tablet from the
standard's own rule table. The names of the questions are the keys the import reads back
(field/submissions.py): ``ma_ho``, ``can_cu``, ``thu_nhap``, ``diem_a``, ``thieu_hut``,
``dang_ky_thoat_ngheo``, ``ghi_chu``.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass

from chungtay.core.standards import CATEGORY_NAMES, Rule, Standard, standard_for_year
from chungtay.households import bounds

FORM_REVISION = 1                       # bump when the form's structure changes
LIST_NAME = "ho_ra_soat"                # the CSV attachment: ho_ra_soat.csv
LIST_FILE = f"{LIST_NAME}.csv"
VI, EN = "Tiếng Việt (vi)", "English (en)"
NONE_CHOICE = "khong"                   # "no deprivation" in the indicator list
# group, field -> the import's keys (the last segment of a column header)
FIELDS = ("ma_ho", "can_cu", "thu_nhap", "diem_a", "thieu_hut", "dang_ky_thoat_ngheo", "ghi_chu")
SURVEY_COLUMNS = ("type", "name", f"label::{VI}", f"label::{EN}", f"hint::{VI}", f"hint::{EN}", "required",
                  f"required_message::{VI}", f"required_message::{EN}", "constraint", f"constraint_message::{VI}",
                  f"constraint_message::{EN}", "relevant", "calculation", "choice_filter", "appearance", "default")
CHOICE_COLUMNS = ("list_name", "name", f"label::{VI}", f"label::{EN}")
LIST_COLUMNS = ("name", "label", "thon", "chu_ho", "ten_thon", "khu_vuc", "ket_qua_truoc")
REQUIRED = ("Cần trả lời câu này", "This question must be answered")


def form_id(rnd) -> str:
    base = f"chungtay_{rnd.commune.code}_{rnd.year}"
    return base + (f"_{rnd.month:02d}" if rnd.kind == "regular" and rnd.month else "")


def _q(type_, name, vi="", en="", **kw) -> dict:
    row = {"type": type_, "name": name}
    if vi or en:
        row[f"label::{VI}"], row[f"label::{EN}"] = vi, en
    for key, value in kw.items():
        if key in ("hint", "required_message", "constraint_message"):
            row[f"{key}::{VI}"], row[f"{key}::{EN}"] = value
        else:
            row[key] = value
    if row.get("required") == "yes" and "required_message" not in kw:
        row[f"required_message::{VI}"], row[f"required_message::{EN}"] = REQUIRED
    return row


def _line(std: Standard, line: str, score: bool) -> str:
    """The threshold of a line for the household's area (the list's ``khu_vuc``), as XPath."""
    if score:
        rural, urban = std.score_a[line]["rural"], std.score_a[line]["urban"]
    else:
        rural, urban = std.lines[line].rural, std.lines[line].urban
    return f"if(${{khu_vuc}} = 'urban', {_num(urban)}, {_num(rural)})"


def _num(v) -> str:
    """A number as XPath reads it (no exponent: 2e+06 is not XPath)."""
    return str(int(v)) if float(v).is_integer() else format(float(v), "f").rstrip("0")


def _chain(std: Standard, rules: tuple[Rule, ...], value: str, score: bool) -> str:
    """The standard's first-match rule table as nested if() (the last rule is unconditional)."""
    out = f"'{rules[-1].category}'"
    for r in reversed(rules[:-1]):
        conds = []
        if r.income_at_most:
            conds.append(f"{value} <= {_line(std, r.income_at_most, score)}")
        if r.deprivations_at_least is not None:
            conds.append(f"${{so_thieu_hut}} >= {r.deprivations_at_least}")
        out = f"if({' and '.join(conds)}, '{r.category}', {out})"
    return out


def _names(lang: int) -> str:
    out = "''"
    for code, names in reversed(CATEGORY_NAMES.items()):
        out = f"if(${{ket_qua_tam}} = '{code}', '{names[lang]}', {out})"
    return out


@dataclass
class Form:
    survey: list[dict]
    choices: list[dict]
    settings: dict
    standard: Standard


def build(rnd, villages: list[tuple[str, str]]) -> Form:
    """The XLSForm of the round. ``villages``: [(village code, label)] for the village filter."""
    std = standard_for_year(rnd.year)
    score = bool(std.score_rules and std.score_a)
    income_err = bounds.income_error(bounds.MAX_INCOME + 1)
    score_err = bounds.score_error(bounds.MAX_SCORE_A + 1)
    lookup = f"instance('{LIST_NAME}')/root/item[name = ${{ma_ho}}]"
    s: list[dict] = [
        _q("start", "start"), _q("end", "end"), _q("today", "today"), _q("deviceid", "deviceid"),
        _q("begin_group", "ho", "Hộ được rà soát", "Household reviewed"),
        *([_q("select_one thon", "thon", "Thôn/tổ dân phố (để lọc danh sách hộ)", "Village (filters the household list)",
              hint=("Có thể bỏ trống: danh sách hiện mọi hộ của đợt rà soát",
                    "May be left empty: the list then shows every household of the round"))] if villages else []),
        _q(f"select_one_from_file {LIST_FILE}", "ma_ho", "Chọn hộ (mã hộ – chủ hộ – thôn)",
           "Choose the household (code – head – village)", required="yes", appearance="autocomplete",
           **({"choice_filter": "${thon} = '' or thon = ${thon}"} if villages else {}),
           hint=("Gõ mã hộ hoặc tên chủ hộ để tìm", "Type the household code or the head's name to search")),
        _q("calculate", "chu_ho", calculation=f"{lookup}/chu_ho"),
        _q("calculate", "ten_thon", calculation=f"{lookup}/ten_thon"),
        _q("calculate", "khu_vuc", calculation=f"{lookup}/khu_vuc"),
        _q("calculate", "ket_qua_truoc", calculation=f"{lookup}/ket_qua_truoc"),
        _q("note", "thong_tin_ho", "Chủ hộ: **${chu_ho}** · ${ten_thon} · Kết quả năm trước: ${ket_qua_truoc}",
           "Head: **${chu_ho}** · ${ten_thon} · Last year's result: ${ket_qua_truoc}", relevant="${ma_ho} != ''"),
        _q("end_group", "ho"),
        _q("begin_group", "thu_nhap_diem", "Thu nhập" + (" hoặc điểm A" if score else ""),
           "Income" + (" or score A" if score else "")),
    ]
    if score:
        s.append(_q("select_one can_cu", "can_cu", "Căn cứ xác định", "Basis", required="yes",
                    hint=("Thu nhập bình quân đầu người/tháng, hoặc điểm A của phiếu B",
                          "Income per person per month, or score A of form B")))
    else:
        s.append(_q("calculate", "can_cu", calculation="'income'"))
    s.append(_q("decimal", "thu_nhap", "Thu nhập bình quân đầu người/tháng (đồng)",
                "Income per person per month (VND)", required="yes", relevant="${can_cu} = 'income'",
                constraint=f". >= 0 and . <= {bounds.MAX_INCOME}", constraint_message=income_err,
                hint=("Số đồng, không ghi dấu chấm", "Whole đồng, no separators")))
    if score:
        s.append(_q("decimal", "diem_a", "Điểm A (phiếu B)", "Score A (form B)", required="yes",
                    relevant="${can_cu} = 'score_a'", constraint=f". >= 0 and . <= {bounds.MAX_SCORE_A}",
                    constraint_message=score_err))
    s += [
        _q("end_group", "thu_nhap_diem"),
        _q("begin_group", "chi_so", f"Các chỉ số thiếu hụt ({std.code})", f"Deprivation indicators ({std.code})"),
        _q("select_multiple thieu_hut", "thieu_hut", "Hộ bị thiếu hụt những chỉ số nào?",
           "Which indicators is the household deprived in?", required="yes",
           hint=(f"Chọn mọi chỉ số hộ bị thiếu hụt, hoặc '{'Không thiếu hụt chỉ số nào'}'",
                 "Tick every indicator the household is deprived in, or 'No deprivation'"),
           constraint=f"not(selected(., '{NONE_CHOICE}') and count-selected(.) > 1)",
           constraint_message=("Không chọn 'Không thiếu hụt chỉ số nào' cùng với một chỉ số",
                               "Do not tick 'No deprivation' together with an indicator")),
        _q("calculate", "so_thieu_hut",
           calculation=f"count-selected(${{thieu_hut}}) - number(selected(${{thieu_hut}}, '{NONE_CHOICE}'))"),
        _q("end_group", "chi_so"),
        _q("select_one co_khong", "dang_ky_thoat_ngheo", "Hộ đăng ký thoát nghèo năm nay",
           "The household pledged to leave poverty this year", default="0"),
        _q("text", "ghi_chu", "Ghi chú", "Note", constraint="string-length(.) <= 300",
           constraint_message=("Ghi chú tối đa 300 ký tự", "A note holds at most 300 characters")),
    ]
    income_chain = _chain(std, std.rules, "${thu_nhap}", False)
    chain = (f"if(${{can_cu}} = 'score_a', {_chain(std, std.score_rules, '${diem_a}', True)}, {income_chain})"
             if score else income_chain)
    answered = "(${can_cu} = 'income' and ${thu_nhap} != '')" + (
        " or (${can_cu} = 'score_a' and ${diem_a} != '')" if score else "")
    s += [
        _q("calculate", "ket_qua_tam", calculation=chain),
        _q("calculate", "ket_qua_tam_vi", calculation=_names(0)),
        _q("calculate", "ket_qua_tam_en", calculation=_names(1)),
        _q("note", "ket_qua", "Kết quả tạm tính: **${ket_qua_tam_vi}** (hệ thống phân loại lại khi nhập)",
           "Provisional result: **${ket_qua_tam_en}** (the system classifies again on import)",
           relevant=f"${{ma_ho}} != '' and ({answered}) and ${{thieu_hut}} != ''"),
    ]
    c: list[dict] = []

    def choice(lst, name, vi, en):
        c.append({"list_name": lst, "name": name, f"label::{VI}": vi, f"label::{EN}": en})
    if score:
        choice("can_cu", "income", "Thu nhập bình quân đầu người/tháng", "Income per person per month")
        choice("can_cu", "score_a", "Điểm A (phiếu B)", "Score A (form B)")
    for ind in std.indicators:
        choice("thieu_hut", ind.code, f"{ind.name_vi}: {ind.deprivation_vi}".rstrip(": "),
               f"{ind.name_en}: {ind.deprivation_en}".rstrip(": "))
    choice("thieu_hut", NONE_CHOICE, "Không thiếu hụt chỉ số nào", "No deprivation")
    choice("co_khong", "1", "Có", "Yes")
    choice("co_khong", "0", "Không", "No")
    for code, label in villages:
        choice("thon", code, label, label)
    settings = {"form_title": f"Phiếu rà soát {rnd.year} – {rnd.commune.full_name}", "form_id": form_id(rnd),
                "default_language": VI, "instance_name": "concat(${ma_ho}, ' – ', ${chu_ho})"}
    digest = hashlib.sha256(json.dumps([s, c, settings], ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    settings["version"] = f"{rnd.year}{FORM_REVISION:02d}-{digest[:8]}"
    return Form(s, c, settings, std)


def to_xlsx(form: Form) -> bytes:
    """The XLSForm workbook: ``survey``, ``choices`` and ``settings`` sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook()
    sheets = [("survey", SURVEY_COLUMNS, form.survey), ("choices", CHOICE_COLUMNS, form.choices),
              ("settings", tuple(form.settings), [form.settings])]
    for i, (title, cols, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(list(cols))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([row.get(col, "") for col in cols])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"          # text from the database is never a formula
        ws.freeze_panes = "A2"
        for col, width in zip("ABCD", (28, 22, 60, 50)):
            ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def household_rows(rnd, labels: dict[int, str]) -> list[dict]:
    """The round's households for the tablets: code, head's name, village and last year's result —
    no citizen ID, no income, no health details (docs/field.md: still personal data)."""
    from chungtay.households.models import Assessment
    members = list(rnd.members.select_related("household", "household__village")
                   .order_by("household__village__sort_name", "household__village_id", "household__code"))
    prev = dict(Assessment.objects.filter(household_id__in=[m.household_id for m in members], year=rnd.year - 1,
                                          kind=Assessment.PERIODIC, is_current=True)
                .values_list("household_id", "category"))
    out = []
    for m in members:
        hh = m.household
        village = labels.get(hh.village_id, hh.village.name)
        last = prev.get(hh.id)
        out.append({"name": hh.code, "label": f"{hh.code} – {hh.head_name} – {village}",
                    "thon": hh.village.code, "chu_ho": hh.head_name, "ten_thon": village,
                    "khu_vuc": "urban" if hh.is_urban else "rural",
                    "ket_qua_truoc": f"{CATEGORY_NAMES[last][0]} ({rnd.year - 1})" if last else "–"})
    return out


def household_csv(rows: list[dict]) -> bytes:
    """UTF-8 without BOM (ODK reads the first column's name literally), comma separated."""
    from chungtay.core import csvsafe
    out = io.StringIO()
    w = csvsafe.writer(out)
    w.writerow(LIST_COLUMNS)
    for r in rows:
        w.writerow([r[c] for c in LIST_COLUMNS])
    return out.getvalue().encode("utf-8")
