"""The rules of commendation as data (issue 12 §6; docs/emulation.md, "Nominations, decisions and
awards"), and the pure arithmetic on them (no database).

Sources, as far as they are known here. Each value says where it comes from; **ASSUMPTION** marks
what is not read from a gazette text and must be checked before the platform is used for real
decisions (the tables are data so that an officer or a later migration changes them, not code).

- Law 06/2022/QH15 on Emulation and Commendation (in force 01/01/2024): the forms of commendation
  and the emulation titles (Arts. 8–9 list them), the dossier (Art. 84: tờ trình, báo cáo thành
  tích, biên bản họp hội đồng thi đua – khen thưởng, and the certifications the form needs),
  revocation and recovery of the award and its bonus (Chapter VII, "Xử lý vi phạm").
- Decree 98/2023/NĐ-CP, Art. 4: no commendation is considered or proposed for a collective or a
  person while the competent body considers a discipline, while an investigation, inspection or
  audit with signs of a violation runs, or while a complaint or denunciation about them is being
  verified.
- Decree 152/2025/NĐ-CP (replacing the bonus provisions of Decree 98/2023): the bonus is a
  coefficient of the base salary (mức lương cơ sở) in force on the date of the decision, rounded up
  to the ten thousand đồng. **ASSUMPTION**: the coefficients below are those of Decree 98/2023
  Arts. 55–57 (and Decree 91/2017 before it) as remembered here; that Decree 152/2025 keeps them
  has not been checked against its text.
- The base salary: Decrees 47/2016, 47/2017, 72/2018, 38/2019, 24/2023 and 73/2024/NĐ-CP (dated
  data below; each amount from the decree's effective date).
- The council's vote (``VOTE_RULES``): **ASSUMPTION** — the usual rule of collegial bodies and of
  the emulation councils' working rules (quy chế hoạt động của Hội đồng thi đua – khen thưởng): a
  meeting is valid with at least 2/3 of the members present, a proposal passes with more than half
  of the members present. The 70 % (of all members, by secret ballot) for Chiến sĩ thi đua cấp tỉnh
  / cấp bộ and 90 % for Chiến sĩ thi đua toàn quốc follow the practice of the guidance on those
  titles; check them against Decree 98/2023 and the council's own rules. A member with a conflict
  of interest (the subject, or of the subject's unit, organisation or household) is flagged and
  **ASSUMPTION** does not vote: their ballot is left out of the approvals.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

# ---------------------------------------------------------------- the dossier (Law 06/2022 Art. 84)
CHECKLIST = [
    ("cover_request", "Tờ trình đề nghị khen thưởng", "Cover request (tờ trình)"),
    ("achievement_report", "Báo cáo thành tích của tập thể, cá nhân, hộ gia đình", "Achievement report"),
    ("council_minutes", "Biên bản họp Hội đồng thi đua – khen thưởng (kết quả bỏ phiếu)",
     "Minutes of the emulation and commendation council (with the vote)"),
    ("certifications", "Xác nhận của cơ quan có thẩm quyền (thành tích, nghĩa vụ, không vi phạm)",
     "Certifications of the competent bodies"),
]
CHECKLIST_NAMES = {k: (vi, en) for k, vi, en in CHECKLIST}

# ---------------------------------------------------------------- states of a nomination
DRAFT, SUBMITTED, RECEIVED, APPRAISED, VOTED, UPWARD, DECIDED, RETURNED = (
    "draft", "submitted", "received", "appraised", "council_vote", "submitted_upward", "decided", "returned")
NOMINATION_STATES = [
    (DRAFT, "Đang lập hồ sơ", "Draft"), (SUBMITTED, "Đã nộp", "Submitted"), (RECEIVED, "Đã tiếp nhận", "Received"),
    (APPRAISED, "Đã thẩm định", "Appraised"), (VOTED, "Hội đồng đã bỏ phiếu", "Council vote"),
    (UPWARD, "Đã trình cấp có thẩm quyền", "Submitted upward"), (DECIDED, "Đã có quyết định", "Decided"),
    (RETURNED, "Trả lại hồ sơ", "Returned")]
NOMINATION_STATE_NAMES = {k: (vi, en) for k, vi, en in NOMINATION_STATES}
# the step forward from each state (the vote and the decision are their own actions)
FORWARD = {DRAFT: SUBMITTED, SUBMITTED: RECEIVED, RECEIVED: APPRAISED, VOTED: UPWARD}
RETURNABLE = {SUBMITTED, RECEIVED, APPRAISED, VOTED, UPWARD}

# ---------------------------------------------------------------- subjects
COLLECTIVE, INDIVIDUAL, HOUSEHOLD = "collective", "individual", "household"
SUBJECT_KINDS = [(COLLECTIVE, "Tập thể", "Collective"), (INDIVIDUAL, "Cá nhân", "Individual"),
                 (HOUSEHOLD, "Hộ gia đình", "Household")]
SUBJECT_NAMES = {k: (vi, en) for k, vi, en in SUBJECT_KINDS}

# ---------------------------------------------------------------- a council member's ballot (stored as the key)
BALLOT_KINDS = [("approve", "đồng ý", "in favour"), ("reject", "không đồng ý", "against"),
                ("abstain", "không biểu quyết", "abstained")]
BALLOT_NAMES = {k: (vi, en) for k, vi, en in BALLOT_KINDS}

# ---------------------------------------------------------------- restrictions (Decree 98/2023 Art. 4)
RESTRICTION_KINDS = [
    ("discipline", "Đang xem xét kỷ luật hoặc đang thi hành kỷ luật", "Discipline being considered or served"),
    ("investigation", "Đang bị điều tra, thanh tra, kiểm tra có dấu hiệu vi phạm",
     "Under investigation, inspection or audit for signs of a violation"),
    ("complaint", "Có đơn khiếu nại, tố cáo đang được xác minh", "A complaint or denunciation being verified")]
RESTRICTION_NAMES = {k: (vi, en) for k, vi, en in RESTRICTION_KINDS}

# ---------------------------------------------------------------- forms and titles, with their level
COMMUNE, PROVINCE, MINISTRY, PRIME_MINISTER, GOVERNMENT = "commune", "province", "ministry", "prime_minister", "government"
LEVELS = {COMMUNE: ("Cấp xã", "Commune"), PROVINCE: ("Cấp tỉnh", "Province"), MINISTRY: ("Cấp bộ, ngành", "Ministry"),
          PRIME_MINISTER: ("Thủ tướng Chính phủ", "Prime Minister"), GOVERNMENT: ("Chính phủ", "Government")}


@dataclass(frozen=True)
class Form:
    code: str
    vi: str
    en: str
    kind: str                 # "form" (hình thức khen thưởng) or "title" (danh hiệu thi đua)
    level: str
    subjects: tuple           # which subjects may receive it
    coefficient: dict         # subject kind -> coefficient of the base salary (Decree 152/2025, see above)
    certificate: bool = False  # printed as a Giấy khen / Bằng khen
    issuer_hint: str = ""


C, I, H = COLLECTIVE, INDIVIDUAL, HOUSEHOLD
FORMS = [
    Form("giay_khen_xa", "Giấy khen của Chủ tịch UBND xã", "Certificate of merit of the commune chairman", "form",
         COMMUNE, (C, I, H), {I: 0.3, C: 0.6, H: 0.3}, True, "Chủ tịch UBND xã"),
    Form("giay_khen_thu_truong", "Giấy khen của Thủ trưởng cơ quan, đơn vị", "Certificate of merit of the head of an agency",
         "form", COMMUNE, (C, I), {I: 0.3, C: 0.6}, True, "Thủ trưởng cơ quan, đơn vị"),
    Form("bang_khen_tinh", "Bằng khen của Chủ tịch UBND tỉnh", "Certificate of merit of the province chairman", "form",
         PROVINCE, (C, I, H), {I: 1.0, C: 2.0, H: 1.0}, True, "Chủ tịch UBND tỉnh"),
    Form("bang_khen_bo", "Bằng khen của Bộ trưởng, Thủ trưởng cơ quan ngang bộ", "Certificate of merit of a minister",
         "form", MINISTRY, (C, I, H), {I: 1.0, C: 2.0, H: 1.0}, True, "Bộ trưởng"),
    Form("bang_khen_ttg", "Bằng khen của Thủ tướng Chính phủ", "Certificate of merit of the Prime Minister", "form",
         PRIME_MINISTER, (C, I, H), {I: 1.5, C: 3.0, H: 1.5}, True, "Thủ tướng Chính phủ"),
    Form("co_thi_dua_tinh", "Cờ thi đua của UBND tỉnh", "Emulation flag of the province", "title", PROVINCE, (C,),
         {C: 8.0}, False, "Chủ tịch UBND tỉnh"),
    Form("co_thi_dua_cp", "Cờ thi đua của Chính phủ", "Emulation flag of the Government", "title", GOVERNMENT, (C,),
         {C: 12.0}, False, "Thủ tướng Chính phủ"),
    Form("tap_the_lao_dong_xuat_sac", "Tập thể lao động xuất sắc", "Excellent labour collective", "title", PROVINCE,
         (C,), {C: 1.5}, False, "Chủ tịch UBND tỉnh"),
    Form("tap_the_lao_dong_tien_tien", "Tập thể lao động tiên tiến", "Advanced labour collective", "title", COMMUNE,
         (C,), {C: 0.8}, False, "Chủ tịch UBND xã"),
    Form("chien_si_thi_dua_co_so", "Chiến sĩ thi đua cơ sở", "Grassroots emulation fighter", "title", COMMUNE, (I,),
         {I: 1.0}, False, "Chủ tịch UBND xã"),
    Form("chien_si_thi_dua_tinh", "Chiến sĩ thi đua cấp tỉnh", "Province emulation fighter", "title", PROVINCE, (I,),
         {I: 3.0}, False, "Chủ tịch UBND tỉnh"),
    Form("chien_si_thi_dua_toan_quoc", "Chiến sĩ thi đua toàn quốc", "National emulation fighter", "title",
         PRIME_MINISTER, (I,), {I: 4.5}, False, "Thủ tướng Chính phủ"),
    Form("lao_dong_tien_tien", "Lao động tiên tiến", "Advanced worker", "title", COMMUNE, (I,), {I: 0.3}, False,
         "Chủ tịch UBND xã"),
    # ASSUMPTION: the household title of Law 06/2022 ("Gia đình tiêu biểu") is not given a bonus here
    Form("gia_dinh_tieu_bieu", "Gia đình tiêu biểu", "Exemplary family", "title", COMMUNE, (H,), {H: 0.0}, False,
         "Chủ tịch UBND xã"),
]
FORMS_BY_CODE = {f.code: f for f in FORMS}

# ---------------------------------------------------------------- the base salary (mức lương cơ sở), dated
BASE_SALARY = [  # (in force from, VND a month, source)
    (dt.date(2016, 5, 1), 1_210_000, "Nghị định 47/2016/NĐ-CP"),
    (dt.date(2017, 7, 1), 1_300_000, "Nghị định 47/2017/NĐ-CP"),
    (dt.date(2018, 7, 1), 1_390_000, "Nghị định 72/2018/NĐ-CP"),
    (dt.date(2019, 7, 1), 1_490_000, "Nghị định 38/2019/NĐ-CP"),
    (dt.date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP"),
    (dt.date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP"),
]
ROUND_TO = 10_000      # the bonus is rounded up to the ten thousand đồng


def base_salary(on: dt.date) -> tuple[int, str] | None:
    """The base salary in force on ``on`` and its source (None before the first date known)."""
    found = None
    for start, amount, source in BASE_SALARY:
        if start <= on:
            found = (amount, source)
    return found


def bonus_vnd(coefficient, salary: int) -> int:
    """coefficient × base salary, rounded up to the ten thousand đồng, as an integer (exact:
    the coefficient is read as a decimal fraction, never a float product)."""
    amount = Fraction(str(coefficient)) * salary
    units = -(-amount // ROUND_TO)       # ceiling
    return int(units * ROUND_TO)


# ---------------------------------------------------------------- the council's vote
VOTE_RULES = {
    "default": {"quorum": {"num": 2, "den": 3, "of": "members", "op": ">="},
                "approval": {"num": 1, "den": 2, "of": "present", "op": ">"},
                "conflicted_vote": False,
                "source": "ASSUMPTION: quy chế hoạt động của Hội đồng thi đua – khen thưởng (≥ 2/3 thành viên dự họp; "
                          "> 50% thành viên có mặt đồng ý)"},
    "chien_si_thi_dua_tinh": {"quorum": {"num": 2, "den": 3, "of": "members", "op": ">="},
                              "approval": {"num": 7, "den": 10, "of": "members", "op": ">="},
                              "conflicted_vote": False,
                              "source": "ASSUMPTION: ≥ 70% tổng số thành viên Hội đồng, bỏ phiếu kín (hướng dẫn về "
                                        "Chiến sĩ thi đua cấp tỉnh; đối chiếu Nghị định 98/2023/NĐ-CP)"},
    "chien_si_thi_dua_toan_quoc": {"quorum": {"num": 2, "den": 3, "of": "members", "op": ">="},
                                   "approval": {"num": 9, "den": 10, "of": "members", "op": ">="},
                                   "conflicted_vote": False,
                                   "source": "ASSUMPTION: ≥ 90% tổng số thành viên Hội đồng, bỏ phiếu kín"},
}


def vote_rule(form_code: str) -> dict:
    return VOTE_RULES.get(form_code, VOTE_RULES["default"])


@dataclass
class VoteOutcome:
    members: int
    present: int
    approvals: int            # counted approvals (conflicted members left out unless the rule lets them vote)
    quorum_met: bool
    approved: bool
    quorum_needed: Fraction
    approval_needed: Fraction
    text_vi: str
    text_en: str


def _meets(count: int, base: int, part: dict) -> tuple[bool, Fraction]:
    need = Fraction(part["num"], part["den"]) * base
    ok = count >= need if part["op"] == ">=" else count > need
    return ok, need


def vote_outcome(rule: dict, members: int, present: int, approvals: int) -> VoteOutcome:
    """The quorum and the approval share under ``rule`` (see ``VOTE_RULES``)."""
    q = rule["quorum"]
    quorum_ok, q_need = _meets(present, members if q["of"] == "members" else present, q)
    a = rule["approval"]
    approval_ok, a_need = _meets(approvals, members if a["of"] == "members" else present, a)
    approved = quorum_ok and approval_ok

    def pct(x):
        return f"{float(x) * 100:.1f}".replace(".", ",") + "%"

    qs = f"{present}/{members} thành viên có mặt ({pct(Fraction(present, members) if members else 0)}; cần " \
         f"{q['op']} {q['num']}/{q['den']} {'tổng số thành viên' if q['of'] == 'members' else 'số có mặt'})"
    base = members if a["of"] == "members" else present
    as_ = f"{approvals}/{base} đồng ý ({pct(Fraction(approvals, base) if base else 0)}; cần {a['op']} {a['num']}/{a['den']} " \
          f"{'tổng số thành viên' if a['of'] == 'members' else 'số có mặt'})"
    vi = f"{qs}: {'đủ' if quorum_ok else 'KHÔNG đủ'} số lượng; {as_}: " + \
         ("được thông qua" if approved else "KHÔNG được thông qua")
    qe = f"{present}/{members} members present (needs {q['op']} {q['num']}/{q['den']} of the {q['of']})"
    ae = f"{approvals}/{base} in favour (needs {a['op']} {a['num']}/{a['den']} of the {a['of']})"
    en = f"{qe}: quorum {'met' if quorum_ok else 'NOT met'}; {ae}: " + ("passed" if approved else "NOT passed")
    return VoteOutcome(members, present, approvals, quorum_ok, approved, q_need, a_need, vi, en)


# ---------------------------------------------------------------- award history
def consecutive_runs(years) -> list[tuple[int, int]]:
    """Runs of consecutive years, e.g. {2018, 2019, 2020, 2023} -> [(2018, 2020), (2023, 2023)]."""
    ys = sorted(set(years))
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return [(a, b) for a, b in runs]


def consecutive_until(years, last: int) -> int:
    """How many consecutive years with an award end at ``last`` (0 when ``last`` has none)."""
    s, n = set(years), 0
    while last - n in s:
        n += 1
    return n
