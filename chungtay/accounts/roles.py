"""Who may do what, and where: the role × action matrix of docs/roles.md, as data.

Reads are decided by the user's *area* (``access.scope_for``); writes by the user's *role*
and area together, here. Every write action calls :func:`require` on its first line;
pages call :func:`can` to show only the buttons, forms and menu entries the user may use.

- ``can(user, action, unit=None, inside=False) -> bool``
  ``unit=None``: may the user do this anywhere (menus, "new …" buttons).
  ``unit``: may the user do this *on* that unit (it lies in the area of one of the user's
  assignments whose role the matrix allows). ``inside=True`` also accepts assignments
  *below* the unit: "may the user do this somewhere in this commune" (a village head
  may survey in one village of the commune: the commune's round page shows the button).
- ``require(user, action, unit=None, inside=False)``: the same test, raising ``PermissionDenied`` with
  a Vietnamese message (English when the user switches; the web answers 403).
- Templates: the context processor ``chungtay.web.context.common`` puts ``ct_can`` in every
  page: ``{% if ct_can.import_households %}`` is ``can(user, "import_households")``
  (anywhere). For one unit use the tag ``{% can "round_recognise" rnd.commune as ok %}``
  (``chungtay/web/templatetags/ct.py``, ``inside=True``).

Areas (Decision 24/2021/QĐ-TTg, annual-review.md): a province officer acts on the province
and anything in it; commune officer and chairman on their commune and its villages; a
village head on their own village only; the national administrator reads everything and
writes nothing in the registry, the review or the plans.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

NATIONAL = "national"
PROVINCE = "province_officer"
COMMUNE = "commune_officer"
CHAIRMAN = "commune_chairman"
VILLAGE = "village_head"
FRONT = "front_committee"
ROLES = (NATIONAL, PROVINCE, COMMUNE, CHAIRMAN, VILLAGE, FRONT)

# action -> (roles allowed, what the action is in Vietnamese and English, for the refusal message)
MATRIX: dict[str, tuple[frozenset[str], str, str]] = {
    # Registry (household data entry: the commune poverty officer)
    "household_create": (frozenset({COMMUNE}), "đăng ký hộ mới", "register a household"),
    "member_add": (frozenset({COMMUNE}), "thêm thành viên của hộ", "add a household member"),
    "household_assess": (frozenset({COMMUNE}), "ghi kết quả rà soát ngoài đợt rà soát",
        "record a review result outside a review round"),
    "import_households": (frozenset({COMMUNE}), "nhập dữ liệu từ Excel", "import data from Excel"),
    # The periodic / regular review round (steps 1-5 of annual-review.md)
    "round_open": (frozenset({COMMUNE}), "mở đợt rà soát", "open a review round"),
    "round_add_household": (frozenset({COMMUNE}), "bổ sung hộ vào danh sách rà soát",
        "add a household to the review list"),
    "round_start_survey": (frozenset({COMMUNE}), "chuyển đợt rà soát sang bước rà soát",
        "move the round to the survey"),
    "round_survey": (frozenset({COMMUNE, VILLAGE}), "ghi phiếu rà soát của hộ",
        "record a household's review form"),
    "round_start_meetings": (frozenset({COMMUNE}), "chuyển đợt rà soát sang bước họp dân",
        "move the round to the village meetings"),
    "round_meeting": (frozenset({COMMUNE, VILLAGE}), "ghi biên bản họp dân", "record a village meeting"),
    "round_post": (frozenset({COMMUNE}), "niêm yết danh sách", "post the lists publicly"),
    "round_complaint": (frozenset({COMMUNE}), "ghi nhận khiếu nại", "record a complaint"),
    "round_resolve": (frozenset({COMMUNE}), "giải quyết khiếu nại (phúc tra)", "resolve a complaint (re-check)"),
    "round_recognise": (frozenset({CHAIRMAN}), "quyết định công nhận kết quả rà soát",
        "decide the recognition of the review results"),
    "round_lock": (frozenset({CHAIRMAN}), "khóa kết quả đợt rà soát", "lock the review round"),
    # Reports (step 6: the certificate is issued by the commune)
    "certificate_print": (frozenset({COMMUNE, CHAIRMAN}), "in giấy chứng nhận hộ nghèo, hộ cận nghèo",
        "print a poor / near-poor household certificate"),
    # Plans and targets: the unit that issues the plan
    # the Fatherland Front committee supervises the programme (Decision 90/2022/QĐ-TTg), so it reads the plans
    "plan_view": (frozenset({NATIONAL, PROVINCE, COMMUNE, CHAIRMAN, FRONT}), "xem kế hoạch giảm nghèo",
        "see poverty-reduction plans"),
    "plan_create": (frozenset({PROVINCE, COMMUNE}), "lập kế hoạch giảm nghèo", "create a poverty-reduction plan"),
    "target_add": (frozenset({PROVINCE, COMMUNE}), "thêm chỉ tiêu", "add a target"),
    "target_derive": (frozenset({PROVINCE}), "phân bổ chỉ tiêu của tỉnh cho xã",
        "cascade a province target to its communes"),
    "official_figure_enter": (frozenset({PROVINCE, COMMUNE}), "nhập số liệu chính thức",
        "enter an official figure"),
    # Support to households (chungtay/support, docs/support.md): the units that give it record it
    "support_record": (frozenset({PROVINCE, COMMUNE}), "ghi hỗ trợ cho hộ (một hộ, đợt cấp phát, sửa, hủy)",
        "record support to households (one household, a distribution, a correction, a cancellation)"),
    "support_import": (frozenset({PROVINCE, COMMUNE}), "nhập hỗ trợ từ Excel", "import supports from Excel"),
    "partner_manage": (frozenset({PROVINCE, COMMUNE}), "đăng ký tổ chức, cá nhân tham gia hỗ trợ",
        "register a partner organisation"),
    "pairing_record": (frozenset({PROVINCE, COMMUNE}), "ghi phân công giúp đỡ hộ, thôn",
        "record a pairing with households or villages"),
    "pledge_record": (frozenset({COMMUNE}), "ghi đăng ký thoát nghèo của hộ", "record a household's pledge to escape poverty"),
    # Revolving models (chungtay/revolving): the commune runs the model; the village head records the
    # pass-on, birth, death or sale in their own village (the village meeting decides it)
    "revolving_manage": (frozenset({PROVINCE, COMMUNE}), "lập mô hình luân chuyển (quy tắc, tài sản, hộ dự kiến)",
        "set up a revolving model (rule, assets, planned households)"),
    "revolving_event": (frozenset({COMMUNE, VILLAGE}), "ghi luân chuyển, sinh, chết, bán tài sản của mô hình",
        "record a pass-on, birth, death or sale in a revolving model"),
    # Groups (chungtay/groups): cooperative, savings-and-loan and livelihood groups
    "group_manage": (frozenset({PROVINCE, COMMUNE}), "quản lý tổ nhóm (thành viên, sinh hoạt, tiết kiệm)",
        "manage groups (members, meetings, savings)"),
    # The Fund for the Poor (chungtay/fund, docs/fund.md): the Fatherland Front committee of the
    # fund's own unit (commune or province) keeps its books
    "fund_manage": (frozenset({FRONT}), "quản lý Quỹ Vì người nghèo (quỹ, đợt vận động, nhà tài trợ, cam kết, nhà ở)",
        "manage the Fund for the Poor (fund, campaigns, donors, pledges, houses)"),
    "donation_record": (frozenset({FRONT}), "ghi nhận tiền, hiện vật ủng hộ Quỹ", "record a donation to the Fund"),
    "allocation_decide": (frozenset({FRONT}), "quyết định phân bổ Quỹ", "decide an allocation of the Fund"),
    "disbursement_record": (frozenset({FRONT}), "ghi chi hỗ trợ từ Quỹ cho hộ, chuyển Quỹ cấp khác",
        "record a disbursement from the Fund to a household or a transfer to another fund"),
    "ledger_reverse": (frozenset({FRONT}), "đảo bút toán sổ Quỹ", "reverse a Fund ledger entry"),
    "bank_reconcile": (frozenset({FRONT}), "đối chiếu sao kê ngân hàng của Quỹ", "reconcile the Fund's bank statement"),
    "period_publish": (frozenset({FRONT}), "công khai kỳ báo cáo của Quỹ", "publish a period of the Fund"),
    # The emulation movement (chungtay/emulation, docs/emulation.md): the unit that launches the movement
    # runs it; the commune chairman (the council's chair) publishes a commune's scores, the province
    # officer a province's; the national movements are reference data (migration emulation 0002)
    "movement_launch": (frozenset({PROVINCE, COMMUNE}), "phát động phong trào thi đua, chuyển bước phong trào",
        "launch an emulation movement, move it to its next step"),
    "emulation_manage": (frozenset({PROVINCE, COMMUNE}), "quản lý đối tượng, cụm khối, giao ước, bộ tiêu chí thi đua",
        "manage participants, clusters, pacts and criteria sets"),
    "emulation_register": (frozenset({PROVINCE, COMMUNE}), "ghi đăng ký thi đua", "record an emulation registration"),
    "activity_report": (frozenset({PROVINCE, COMMUNE, FRONT}), "báo cáo hoạt động của phong trào thi đua",
        "report an activity of the movement"),
    "scoring_run": (frozenset({PROVINCE, COMMUNE}), "chấm điểm thi đua (tự chấm, phúc tra, hội đồng)",
        "score the emulation (self-assessment, re-check, council)"),
    "scoring_publish": (frozenset({PROVINCE, CHAIRMAN}), "công bố kết quả chấm điểm thi đua",
        "publish the emulation scores"),
    # Nominations, decisions and awards (issue 12 §6): the emulation office (the officers) prepares and
    # appraises the dossiers and records the council's vote; the chairman (commune) or the province
    # decides, revokes and records the recovery of a bonus
    "nomination_prepare": (frozenset({PROVINCE, COMMUNE}), "lập, nộp hồ sơ đề nghị khen thưởng",
        "prepare and submit a nomination dossier"),
    "nomination_review": (frozenset({PROVINCE, COMMUNE}),
        "tiếp nhận, thẩm định, trả lại hồ sơ khen thưởng, ghi kết quả bỏ phiếu của hội đồng, trình cấp trên",
        "receive, appraise or return a nomination, record the council's vote, submit it upward"),
    "award_decide": (frozenset({PROVINCE, CHAIRMAN}), "ghi quyết định khen thưởng, thu hồi, thu hồi tiền thưởng",
        "record a commendation decision, its revocation and the recovery of the bonus"),
    "restriction_record": (frozenset({PROVINCE, COMMUNE}), "ghi kỷ luật, khiếu nại đang xác minh của đối tượng thi đua",
        "record a discipline or a complaint being verified on a participant"),
}

ROLE_NAMES = {NATIONAL: ("Quản trị toàn quốc", "national administrator"),
              PROVINCE: ("Cán bộ tỉnh", "province officer"),
              COMMUNE: ("Cán bộ giảm nghèo xã", "commune poverty officer"),
              CHAIRMAN: ("Chủ tịch UBND xã", "commune chairman"), VILLAGE: ("Trưởng thôn", "village head"),
              FRONT: ("Ủy ban MTTQ Việt Nam", "Vietnam Fatherland Front committee")}


def _grants(user) -> list[tuple[str, int | None]]:
    """(role, unit id) of each assignment; cached on the user object for the request."""
    cached = getattr(user, "_chungtay_grants", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        grants = []
    else:
        from .access import assignment_rows
        grants = [(role, unit) for role, unit, _level, _system in assignment_rows(user)]
        if user.is_superuser and not grants:
            grants = [(NATIONAL, None)]
    user._chungtay_grants = grants
    return grants


def _chain_ids(user, unit) -> tuple[int, ...]:
    """Ids of the unit and its 2025 ancestors. A pre-2025 unit maps to its 2025 province
    (only province officers and the national level act on pre-2025 units)."""
    cache = getattr(user, "_chungtay_chains", None)
    if cache is None:
        cache = {}
        user._chungtay_chains = cache
    if unit.pk in cache:
        return cache[unit.pk]
    from chungtay.units.models import Unit
    if unit.system == Unit.SYSTEM_LEGACY:
        from .access import Scope
        code = Scope.legacy_province_code(unit)
        new = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code=code).values_list(
            "id", flat=True).first()
        ids = (new,) if new else ()
    else:
        ids, u, walked = [unit.pk], unit, []
        while u.parent_id is not None:
            if u.parent_id in cache:                 # the rest of the chain is known: no query
                ids.extend(cache[u.parent_id])
                break
            ids.append(u.parent_id)
            u = u.parent
            walked.append(u.pk)
        ids = tuple(ids)
        for i, pk in enumerate(walked, start=1):     # the ancestors walked through, for the next units
            cache.setdefault(pk, ids[i:])
    cache[unit.pk] = ids
    return ids


def _below(user, unit_id: int, unit) -> bool:
    """Is the assigned unit ``unit_id`` inside ``unit``?"""
    from chungtay.units.models import Unit
    if unit.system == Unit.SYSTEM_LEGACY:
        return False
    assigned = Unit.objects.filter(pk=unit_id).first()
    return assigned is not None and unit.pk in _chain_ids(user, assigned)


def can(user, action: str, unit=None, inside: bool = False) -> bool:
    roles = MATRIX[action][0]
    for role, unit_id in _grants(user):
        if role not in roles:
            continue
        if unit is None or role == NATIONAL:
            return True
        if unit_id is None:
            continue
        if unit_id in _chain_ids(user, unit) or (inside and _below(user, unit_id, unit)):
            return True
    return False


def assigned_units(user, action: str) -> set[int] | None:
    """Ids of the units where the user may do ``action`` (with everything below them), or
    None when the user may do it everywhere (a national role allowed by the matrix)."""
    roles = MATRIX[action][0]
    out: set[int] = set()
    for role, unit_id in _grants(user):
        if role in roles:
            if role == NATIONAL:
                return None
            if unit_id is not None:
                out.add(unit_id)
    return out


def require(user, action: str, unit=None, inside: bool = False) -> None:
    """Raise PermissionDenied (403) unless the user's role and area allow the action."""
    if can(user, action, unit, inside):
        return
    from chungtay.i18n import tr
    roles, what_vi, what_en = MATRIX[action]
    mine = {r for r, _ in _grants(user)}
    if mine & roles:
        raise PermissionDenied(tr(f"Không được {what_vi}: đơn vị này nằm ngoài địa bàn được giao",
                                  f"You may not {what_en} here: this unit is outside your assigned area"))
    who_vi = ", ".join(ROLE_NAMES[r][0] for r in ROLES if r in roles)
    who_en = ", ".join(ROLE_NAMES[r][1] for r in ROLES if r in roles)
    raise PermissionDenied(tr(f"Không được {what_vi}: việc này do {who_vi} thực hiện",
                              f"You may not {what_en}: this is done by the {who_en}"))


class TemplateCan:
    """``ct_can`` in templates: ``{{ ct_can.round_open }}`` is ``can(user, "round_open")``."""

    def __init__(self, user):
        self._user = user

    def __getitem__(self, action: str) -> bool:
        if action not in MATRIX:
            raise KeyError(action)
        return self._user is not None and can(self._user, action)

    def __contains__(self, action: str) -> bool:
        return action in MATRIX and self._user is not None and can(self._user, action)
