"""Role × URL rows of the emulation movement (merged by tests/test_role_url_matrix.py).

The world gets a movement launched by xa's commune with three participants (the commune, the
village head's village, a household of it), a cluster, a registration, a pact with its scan, an
activity with evidence, a criteria set and a computed scoring. Everyone whose area holds the
commune reads it (xa2: 404); the writes belong to the roles of docs/roles.md: movement_launch,
emulation_manage, emulation_register, activity_report and scoring_run to the province and commune
officers, scoring_publish to the chairman (and the province); the commune's Front committee reports
the activities of its own commune's movement (the province's committee does not: 403); the national
level writes only national movements (403 here)."""
import atexit
import datetime as dt
import uuid

from tests.emulation_helpers import evidence
from tests.test_role_url_matrix import CHUTICH, MTTQ, TINH, XA, XA2, Case, codes, only

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
TABLE = {"code": "XA-TD", "name": "Thi đua xã", "bands": [{"min": 0, "label": "Hoàn thành"}],
         "criteria": [{"code": "A1", "name": {"vi": "Hộ thoát nghèo", "en": "Escaped"}, "column": "escaped",
                       "points": 40, "kind": "ratio", "target": 10, "source": "escaped"},
                      {"code": "B1", "name": {"vi": "Tuyên truyền", "en": "Communication"}, "column": "communication",
                       "points": 10, "kind": "boolean"}]}


def extend(w):
    from django.contrib.auth import get_user_model
    from chungtay.emulation import actions
    from chungtay.emulation import evidence as store
    from chungtay.emulation.models import ClusterMember, EvidenceFile
    xa = get_user_model().objects.get(username="xa")
    m = actions.launch_movement(xa, level="commune", name="Xã chung tay vì người nghèo", decision_no="5/KH-UBND",
                                decision_date=dt.date(2021, 3, 1), issuer="UBND xã", unit=w.commune,
                                start_year=2021, end_year=2025, contents=["Hộ gia đình phấn đấu thoát nghèo"])
    w.movement = m
    p1 = actions.add_participant(xa, m, unit=w.commune)
    p2 = actions.add_participant(xa, m, unit=w.village)
    actions.add_participant(xa, m, household=w.hh)
    c = actions.add_cluster(xa, m, name="Cụm 1")
    actions.set_member(xa, c, p1, year=2025, role=ClusterMember.HEAD)
    actions.set_member(xa, c, p2, year=2025, role=ClusterMember.DEPUTY)
    name = f"matrix-{uuid.uuid4().hex}.png"
    path = store.folder() / name
    path.write_bytes(PNG)
    atexit.register(path.unlink, missing_ok=True)
    w.emu_file = EvidenceFile.objects.create(movement=m, stored_name=name, original_name="a.png",
                                             content_type="image/png", size=len(PNG), sha256="0")
    cs = actions.add_criteria_set(xa, m, TABLE)
    w.criteria_set = cs
    w.run = actions.open_run(xa, cs, year=2025)
    for p in m.participants.all():
        actions.enter_value(xa, w.run, p, "B1", 1, upload=evidence())
    actions.compute_run(xa, w.run)
    _awards(w, xa, p1, p2)


def _awards(w, xa, p1, p2):
    """A draft dossier for the commune, a restriction on the village, and a dossier of the commune
    decided by the chairman (issue 12 §6): the items point to the world's evidence file."""
    import datetime as dt
    from django.contrib.auth import get_user_model
    from chungtay.emulation import actions_awards as act
    from chungtay.emulation import commendation as rules
    chutich = get_user_model().objects.get(username="chutich")
    w.nomination = act.create_nomination(xa, p1, subject_kind=rules.COLLECTIVE, year=2025, form_code="giay_khen_xa",
                                         achievements="Dẫn đầu cụm thi đua năm 2025")
    w.restriction = act.record_restriction(xa, p2, kind="complaint", started_on=dt.date(2026, 1, 5),
                                           reference="01/TB-UBND")
    n = act.create_nomination(xa, p1, subject_kind=rules.INDIVIDUAL, person_name="Nguyễn Thị Hoa", year=2025,
                              form_code="giay_khen_xa", achievements="Cán bộ giảm nghèo xuất sắc")
    n.items.update(evidence=w.emu_file, checked=True)
    for to in (rules.SUBMITTED, rules.RECEIVED, rules.APPRAISED):
        n = act.advance_nomination(xa, n, to=to)
    act.record_vote(xa, n, council="Hội đồng TĐKT xã", held_on=dt.date(2026, 1, 10), members=[
        {"name": f"Thành viên {i}", "present": True, "ballot": "approve"} for i in range(3)])
    n.refresh_from_db()
    n = act.advance_nomination(xa, n, to=rules.UPWARD)
    w.decision = act.record_decision(chutich, n, number="3/QĐ-UBND", decided_on=dt.date(2026, 1, 20), issuer="UBND xã")


READ = codes(200, **{XA2: 404})
MANAGE = only(200, (TINH, XA))              # an empty form: the role check let the user through
MOV = lambda w: [w.movement.pk]             # noqa: E731
RUN = lambda w: [w.run.pk]                  # noqa: E731
NOM = lambda w: [w.nomination.pk]           # noqa: E731
DEC = lambda w: [w.decision.pk]             # noqa: E731
DECIDE = only(200, (TINH, CHUTICH))         # award_decide: the chairman signs, the province too
REPORT = only(200, (TINH, XA, MTTQ))        # activity_report: also the commune's Front committee (own unit's movement;
                                            # the province's committee is refused in a commune's movement)

CASES = {
    "emulation:list": [Case("GET", expect=codes(200)),
                       Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "emulation:detail": [Case("GET", MOV, READ)],
    "emulation:state": [Case("GET", MOV, codes(405)),
                        Case("POST", MOV, only(302, (TINH, XA)), data=lambda w: {"to": "running"})],
    "emulation:participants": [Case("GET", MOV, READ), Case("POST", MOV, MANAGE, data=lambda w: {})],
    "emulation:registrations": [Case("GET", MOV, READ), Case("POST", MOV, MANAGE, data=lambda w: {})],
    "emulation:pacts": [Case("GET", MOV, READ), Case("POST", MOV, MANAGE, data=lambda w: {})],
    "emulation:activities": [Case("GET", MOV, READ), Case("POST", MOV, REPORT, data=lambda w: {})],
    "emulation:criteria": [Case("GET", MOV, READ), Case("POST", MOV, MANAGE, data=lambda w: {})],
    "emulation:criteria_json": [Case("GET", lambda w: [w.criteria_set.pk], READ)],
    "emulation:run_new": [Case("POST", MOV, only(302, (TINH, XA)), data=lambda w: {})],
    "emulation:run": [Case("GET", RUN, READ), Case("POST", RUN, only(302, (TINH, XA)), data=lambda w: {})],
    "emulation:run_value": [Case("POST", RUN, MANAGE, data=lambda w: {})],
    "emulation:run_advance": [Case("POST", RUN, only(302, (TINH, XA)), data=lambda w: {})],
    "emulation:evidence": [Case("GET", lambda w: [w.emu_file.pk], READ)],
    # nominations, votes, decisions, certificates, award histories (issue 12 §6): the officers prepare
    # and review dossiers and record restrictions; the chairman (and the province) decides
    "emulation:nominations": [Case("GET", MOV, READ), Case("POST", MOV, MANAGE, data=lambda w: {}),
                              Case("POST", MOV, MANAGE, data=lambda w: {"what": "restriction"})],
    "emulation:decisions": [Case("GET", MOV, READ)],
    "emulation:nomination": [Case("GET", NOM, READ)],
    "emulation:nomination_item": [Case("GET", NOM, codes(405)), Case("POST", NOM, MANAGE, data=lambda w: {})],
    "emulation:nomination_advance": [Case("POST", NOM, only(302, (TINH, XA)), data=lambda w: {"to": "x"})],
    "emulation:nomination_return": [Case("POST", NOM, MANAGE, data=lambda w: {})],
    "emulation:nomination_vote": [Case("POST", NOM, MANAGE, data=lambda w: {})],
    "emulation:nomination_decide": [Case("POST", NOM, DECIDE, data=lambda w: {})],
    "emulation:restriction_end": [Case("POST", lambda w: [w.restriction.pk], only(302, (TINH, XA)),
                                       data=lambda w: {})],
    "emulation:decision_issue": [Case("POST", DEC, DECIDE, data=lambda w: {})],
    "emulation:decision_revoke": [Case("POST", DEC, DECIDE, data=lambda w: {})],
    "emulation:decision_recover": [Case("POST", DEC, DECIDE, data=lambda w: {})],
    "emulation:certificate": [Case("GET", DEC, READ)],
    "emulation:history": [Case("GET", lambda w: [w.nomination.participant_id], READ)],
}
