"""Submissions of the round's XLSForm, as ODK Central or KoboToolbox export them, written into
the round's survey step — all or nothing, idempotent, with per-row Vietnamese errors.

Sources: a CSV or XLSX download (Central: ``SubmissionDate``, ``ho-ma_ho``, ``meta-instanceID``,
``KEY``, ``ReviewState``; Kobo: ``ho/ma_ho``, ``_uuid``, ``_submission_time``,
``_validation_status``, select_multiple as one space-separated column and/or one 0/1 column per
choice) or Central's OData feed (field/central.py flattens it into the same shape).

Each submission is matched to its household by the household code (``ma_ho``) among the
round's households, checked as the web survey form checks (households/bounds.py), and written
through the round's own survey action (``reviews.actions.record_survey``), which classifies it
with the year's standard. One ``FieldSubmission`` row per written submission keeps its instance
ID: the same submission imported again is "already imported", never a second result.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.core import limits
from chungtay.core.limits import LimitError
from chungtay.core.standards import StandardError, standard_for_year
from chungtay.households import actions as hh_actions
from chungtay.households import bounds
from chungtay.households.actions import audit
from chungtay.imports.reader import Problem
from chungtay.reviews import actions as round_actions
from chungtay.reviews.models import ReviewRound, RoundHousehold

from .models import FieldSubmission
from .xlsform import FIELDS, NONE_CHOICE

MAX_SUBMISSIONS = 20_000           # per import: a commune's round is a few thousand households
# The web import runs in the request: each submission takes 30–50 ms (the round's survey action
# with its village recount), so a page upload stops well inside gunicorn's 120 s timeout.
WEB_MAX_SUBMISSIONS = 2_000
MAX_PROBLEMS = 2_000
# header (last segment, lower case) -> (key, priority): the lowest priority wins when several
# columns could give the instance ID (an edited submission keeps Central's KEY/__id but gets a
# new meta/instanceID: the edit is then a new submission and a new version of the result)
META = {"instanceid": ("instance_id", 0), "__id": ("instance_id", 1), "key": ("instance_id", 2),
        "_uuid": ("instance_id", 3), "submissiondate": ("submitted_at", 0), "_submission_time": ("submitted_at", 1),
        "reviewstate": ("review_state", 0), "_validation_status": ("review_state", 1)}
REJECTED = {"rejected", "validation_status_not_approved", "not approved", "not_approved"}
TRUE = {"1", "1.0", "true", "yes", "có", "co", "x"}
FALSE = {"", "0", "0.0", "false", "no", "không", "khong"}
_SEP = re.compile(r"[/\-:]")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


class SubmissionFileError(ValueError):
    """The file cannot be read as a submissions table (one problem, no rows)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.reason)


@dataclass
class Table:
    source: str                   # file name, or "ODK Central"
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as in the spreadsheet or position in the feed, cells)


@dataclass
class Parsed:
    row: int
    instance_id: str
    entry: RoundHousehold
    income: float | None
    score_a: float | None
    deprived: list[str]
    pledged: bool
    note: str
    submitted_at: str


@dataclass
class Result:
    source: str
    ok: bool = False
    problems: list[Problem] = field(default_factory=list)
    problem_total: int = 0
    imported: list[dict] = field(default_factory=list)     # {row, code, head, category, explanation_vi/en}
    already: int = 0             # submissions imported before (same instance ID): nothing written
    skipped: int = 0             # rejected / not approved on the server: not imported
    rows: int = 0

    def add(self, p: Problem) -> None:
        self.problem_total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(p)


def mask(value) -> str:
    """A cell as shown in a report: runs of nine or more digits (ID numbers) masked."""
    text = "" if value is None else str(value)
    return re.sub(r"\d{9,}", lambda m: "•" * (len(m.group()) - 3) + m.group()[-3:], text)[:200]


# ---------------------------------------------------------------- reading

def read_file(path: str | Path, name: str, max_rows: int | None = None) -> Table:
    """A CSV or XLSX export of the submissions (limits of core/limits.py checked first)."""
    ext = Path(name).suffix.lower()
    try:
        if ext == ".csv":
            from chungtay.imports.reader import _csv_rows
            grid = _csv_rows(path, name, limits.check_csv(path, name))
        elif ext in (".xlsx", ".xlsm", ".xls"):
            grid = _sheet(path, name)
        else:
            raise SubmissionFileError(Problem(name, 0, "", "", f"Không hỗ trợ loại tệp '{ext or '?'}' (tệp '{name}'): "
                                                              "dùng tệp .csv hoặc .xlsx tải từ ODK Central/KoboToolbox"))
    except LimitError as e:
        raise SubmissionFileError(Problem(name, 0, "", "", e.vi)) from None
    if not grid:
        raise SubmissionFileError(Problem(name, 1, "", "", f"Tệp '{name}' rỗng"))
    top = max_rows or MAX_SUBMISSIONS
    if len(grid) - 1 > top:
        n, cap = (f"{v:,}".replace(",", ".") for v in (len(grid) - 1, top))
        raise SubmissionFileError(Problem(name, 0, "", "", f"Tệp có {n} dòng, quá {cap} phiếu một lần nhập: hãy tải "
                                                          "theo từng thôn (lọc trên máy chủ) hoặc dùng lệnh chungtay "
                                                          "field import"))
    headers = ["" if h is None else str(h).strip() for h in grid[0]]
    rows = [(i + 2, r) for i, r in enumerate(grid[1:]) if any(not _empty(v) for v in r)]
    return Table(name, headers, rows)


def _sheet(path, name) -> list[list]:
    """The sheet of the export that holds the household code (Kobo's first sheet; repeat sheets
    are skipped)."""
    from python_calamine import CalamineWorkbook
    limits.check_workbook(path, name)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # noqa: BLE001 - the reader's message names the damage
        raise SubmissionFileError(Problem(name, 0, "", "", f"Tệp '{name}': không đọc được tệp bảng tính "
                                                          f"({type(e).__name__})")) from None
    try:
        first = None
        for sheet_name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(sheet_name)
            limits.check_read_sheet(name, sheet_name, sheet.height, sheet.width)
            grid = sheet.to_python(skip_empty_area=False)
            first = first if first is not None else grid
            if grid and "ma_ho" in {_key(h)[0] for h in grid[0]}:
                return grid
        return first or []
    finally:
        wb.close()


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _key(header) -> tuple[str, object]:
    """('field', name) | ('option', indicator code) | (meta key, priority) | ('', None)."""
    text = "" if header is None else str(header).strip()
    segs = [s for s in _SEP.split(text) if s]
    if not segs:
        return "", None
    last = segs[-1]
    if last.lower() in FIELDS:
        return last.lower(), None
    if len(segs) >= 2 and segs[-2].lower() == "thieu_hut":
        return "option", last
    if text.lower() in META or last.lower() in META:
        k, prio = META.get(text.lower()) or META[last.lower()]
        return k, prio
    return "", None


def _columns(table: Table, result: Result) -> tuple[dict[str, int], dict[str, int]]:
    cols: dict[str, tuple[int, int]] = {}
    options: dict[str, int] = {}
    for j, h in enumerate(table.headers):
        k, extra = _key(h)
        if not k:
            continue
        if k == "option":
            options[extra] = j
            continue
        prio = extra if isinstance(extra, int) else 0
        if k in cols and cols[k][1] == prio:
            result.add(Problem(table.source, 1, h, h, f"Cột trùng: cột '{table.headers[cols[k][0]]}' cũng là '{k}'"))
        elif k not in cols or prio < cols[k][1]:
            cols[k] = (j, prio)
    out = {k: j for k, (j, _) in cols.items()}
    if "ma_ho" not in out:
        result.add(Problem(table.source, 1, "", "", "Không thấy cột mã hộ (ma_ho): hãy tải dữ liệu với tiêu đề cột là "
                                                    "tên câu hỏi (KoboToolbox: 'XML values and headers'; ODK Central: "
                                                    "tải CSV của biểu mẫu Chung Tay)"))
    if "instance_id" not in out:
        result.add(Problem(table.source, 1, "", "", "Không thấy cột mã phiếu (meta/instanceID, KEY hoặc _uuid): cần "
                                                    "cột này để không nhập một phiếu hai lần"))
    if "thieu_hut" not in out and not options:
        result.add(Problem(table.source, 1, "", "", "Không thấy cột chỉ số thiếu hụt (thieu_hut)"))
    return out, options


# ---------------------------------------------------------------- checking

def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _number(v) -> float | None:
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, (int, float)):
        f = float(v)
    else:
        s = _text(v).replace(" ", "")
        if not s:
            return None
        if _GROUPED.match(s):
            s = s.replace(".", "")
        elif s.count(",") == 1 and "." not in s:
            s = s.replace(",", ".")
        f = float(s)
    if not math.isfinite(f):
        raise ValueError
    return f


def _flag(v) -> bool | None:
    s = _text(v).lower()
    return True if s in TRUE else False if s in FALSE else None


def check(actor, rnd: ReviewRound, table: Table, result: Result) -> list[Parsed]:
    """Every row of the table checked against the round; problems go to ``result``."""
    std = standard_for_year(rnd.year)
    codes = set(std.indicator_codes)
    score_ok = bool(std.score_rules and std.score_a)
    cols, options = _columns(table, result)
    if result.problem_total:
        return []
    h = {k: table.headers[j] for k, j in cols.items()}
    entries = {rh.household.code: rh for rh in rnd.members.select_related("household", "household__village")}
    scope = scope_for(actor)

    def cell(r, k):
        j = cols.get(k)
        return r[j] if j is not None and j < len(r) else None
    ids = {_instance(cell(r, "instance_id")) for _, r in table.rows}
    known = {s.instance_id: s for s in FieldSubmission.objects.filter(instance_id__in=[i for i in ids if i])
             .select_related("household")}
    seen_ids: dict[str, int] = {}
    seen_hh: dict[str, int] = {}
    out: list[Parsed] = []
    for n, r in table.rows:
        result.rows += 1
        errs = len(result.problems), result.problem_total

        def bad(key, value, why):
            result.add(Problem(table.source, n, h.get(key, key), mask(value), why))
        if _text(cell(r, "review_state")).lower() in REJECTED:
            result.skipped += 1
            continue
        iid = _instance(cell(r, "instance_id"))
        code = _text(cell(r, "ma_ho"))
        if not iid:
            bad("instance_id", "", "Thiếu mã phiếu (instanceID)")
        elif iid in seen_ids:
            bad("instance_id", iid, f"Mã phiếu trùng với dòng {seen_ids[iid]}")
            continue
        else:
            seen_ids[iid] = n
        if iid in known:
            prev = known[iid]
            if prev.round_id != rnd.pk:
                bad("instance_id", iid, "Phiếu này đã được nhập vào một đợt rà soát khác: tệp không phải của đợt này")
            elif prev.household.code != code:
                bad("ma_ho", code, f"Phiếu này đã được nhập cho hộ {prev.household.code}, không phải hộ {code}")
            else:
                result.already += 1
            continue
        rh = entries.get(code)
        if not code:
            bad("ma_ho", "", "Thiếu mã hộ")
        elif rh is None:
            bad("ma_ho", code, "Hộ không có trong danh sách của đợt rà soát này")
        elif not scope.covers(rh.household.village):
            bad("ma_ho", code, "Hộ nằm ngoài địa bàn được giao")
            rh = None
        elif rnd.state == ReviewRound.MEETING and rh.step != RoundHousehold.RETURNED:
            bad("ma_ho", code, "Đợt rà soát đang ở bước họp dân: chỉ hộ bị họp dân trả lại mới được rà soát lại")
            rh = None
        elif code in seen_hh:
            bad("ma_ho", code, f"Hộ {code} đã có phiếu ở dòng {seen_hh[code]} của tệp: mỗi hộ một phiếu mỗi lần nhập "
                               "(từ chối phiếu thừa trên máy chủ rồi tải lại)")
            rh = None
        else:
            seen_hh[code] = n
        basis = _text(cell(r, "can_cu")).lower()
        try:
            income = _number(cell(r, "thu_nhap"))
        except ValueError:
            bad("thu_nhap", cell(r, "thu_nhap"), "Thu nhập phải là số (đồng/người/tháng)")
            income = math.nan
        try:
            score = _number(cell(r, "diem_a"))
        except ValueError:
            bad("diem_a", cell(r, "diem_a"), "Điểm A phải là số")
            score = math.nan
        if basis not in ("", "income", "score_a"):
            bad("can_cu", basis, "Căn cứ phải là 'income' (thu nhập) hoặc 'score_a' (điểm A)")
        basis = basis or ("score_a" if score is not None and income is None else "income")
        if income is not None and score is not None:
            bad("thu_nhap", income, "Chỉ điền một trong hai: thu nhập hoặc điểm A")
        elif basis == "income":
            if income is None:
                bad("thu_nhap", "", "Cần điền thu nhập hoặc điểm A")
            elif not math.isnan(income) and (err := bounds.income_error(income)):
                bad("thu_nhap", cell(r, "thu_nhap"), err[0])
        elif not score_ok:
            bad("diem_a", cell(r, "diem_a"), f"Chuẩn {std.code} (năm {rnd.year}) không xác định hộ bằng điểm A: "
                                             "cần điền thu nhập")
        elif score is None:
            bad("diem_a", "", "Cần điền điểm A")
        elif not math.isnan(score) and (err := bounds.score_error(score)):
            bad("diem_a", cell(r, "diem_a"), err[0])
        deprived = _deprived(cell(r, "thieu_hut") if "thieu_hut" in cols else None,
                             {c: r[j] if j < len(r) else None for c, j in options.items()}, codes, bad)
        pledged = _flag(cell(r, "dang_ky_thoat_ngheo"))
        if pledged is None:
            bad("dang_ky_thoat_ngheo", cell(r, "dang_ky_thoat_ngheo"), "Đăng ký thoát nghèo phải là 1 (có) hoặc 0 (không)")
        note = _text(cell(r, "ghi_chu"))
        if len(note) > 300:
            bad("ghi_chu", note[:40] + "…", "Ghi chú tối đa 300 ký tự")
        if (len(result.problems), result.problem_total) != errs or rh is None:
            continue
        out.append(Parsed(n, iid, rh, round(income) if basis == "income" else None,
                          score if basis == "score_a" else None, deprived, bool(pledged), note,
                          _text(cell(r, "submitted_at"))[:40]))
    return out


def _instance(v) -> str:
    s = _text(v)
    return s[5:] if s.lower().startswith("uuid:") else s


def _deprived(summary, split: dict, codes: set[str], bad) -> list[str] | None:
    """The ticked indicators: the space-separated column when present, else the 0/1 columns."""
    if summary is not None:
        tokens = _text(summary).split()
        if not tokens:
            bad("thieu_hut", "", f"Chưa trả lời câu chỉ số thiếu hụt (chọn '{NONE_CHOICE}' nếu hộ không thiếu hụt)")
            return None
        unknown = [t for t in tokens if t not in codes and t != NONE_CHOICE]
        if unknown:
            bad("thieu_hut", " ".join(unknown), "Không phải chỉ số của chuẩn năm nay; các mã hợp lệ: "
                                                + ", ".join(sorted(codes)) + f", {NONE_CHOICE}")
            return None
        if NONE_CHOICE in tokens and len(tokens) > 1:
            bad("thieu_hut", " ".join(tokens), f"Không chọn '{NONE_CHOICE}' cùng với một chỉ số")
            return None
        return [t for t in tokens if t != NONE_CHOICE]
    out = []
    for c, v in split.items():
        flag = _flag(v)
        if flag is None:
            bad("thieu_hut", v, f"Cột chỉ số '{c}' phải là 1 hoặc 0")
        elif flag and c != NONE_CHOICE:
            if c not in codes:
                bad("thieu_hut", c, "Không phải chỉ số của chuẩn năm nay")
            else:
                out.append(c)
    return out


# ---------------------------------------------------------------- writing

def import_table(actor, rnd: ReviewRound, table: Table, *, source: str = FieldSubmission.FILE) -> Result:
    """Check every row, then write all of them in one transaction — or nothing."""
    result = Result(table.source)
    require(actor, "round_survey", rnd.commune)
    if rnd.state not in (ReviewRound.SURVEYING, ReviewRound.MEETING):
        result.add(Problem(table.source, 0, "", "", "Đợt rà soát không ở bước rà soát, chấm điểm (hiện tại: "
                                                    f"{rnd.get_state_display()}): không nhập được phiếu"))
        return result
    try:
        parsed = check(actor, rnd, table, result)
    except StandardError as e:
        result.add(Problem(table.source, 0, "", "", str(e)))
        return result
    if result.problem_total:
        return result
    try:
        _write(actor, rnd, parsed, result, source)
    except _Rollback:
        result.imported = []
        return result
    result.ok = True
    return result


class _Rollback(Exception):
    pass


@hh_actions.retry_on_clash
@transaction.atomic
def _write(actor, rnd: ReviewRound, parsed: list[Parsed], result: Result, source: str) -> None:
    hh_actions.lock_commune(rnd.commune_id)
    result.imported, result.problems, result.problem_total = [], [], 0     # a retried run starts afresh
    reason = f"Nhập phiếu ODK/Kobo ({result.source})"[:300]
    for p in parsed:
        hh = p.entry.household
        try:
            a = round_actions.record_survey(actor, rnd, hh, income=p.income, score_a=p.score_a, deprived=p.deprived,
                                            pledged_escape=p.pledged,
                                            reason=f"{reason}: {p.note}"[:300] if p.note else reason)
        except (ValidationError, PermissionDenied) as e:
            msgs = e.messages if isinstance(e, ValidationError) else [str(e)]
            result.add(Problem(result.source, p.row, "ma_ho", hh.code, " ".join(str(m) for m in msgs)))
            continue
        FieldSubmission.objects.create(instance_id=p.instance_id, round=rnd, household=hh, assessment=a, source=source,
                                       file_name=result.source[:200], submitted_at=p.submitted_at, imported_by=actor)
        result.imported.append({"row": p.row, "code": hh.code, "head": hh.head_name, "category": a.category,
                                "explanation_vi": a.explanation_vi, "explanation_en": a.explanation_en})
    if result.problem_total:
        raise _Rollback
    audit(actor, "field.import", rnd, rnd.commune, source=source, file=result.source[:200],
          imported=len(result.imported), already=result.already, skipped=result.skipped)


def import_file(actor, rnd: ReviewRound, path: str | Path, name: str, max_rows: int | None = None) -> Result:
    require(actor, "round_survey", rnd.commune)
    try:
        table = read_file(path, name, max_rows)
    except SubmissionFileError as e:
        r = Result(name)
        r.add(e.problem)
        return r
    return import_table(actor, rnd, table)
