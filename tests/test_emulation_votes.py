"""The council's vote (issue 12 §6): quorum and approval share from the rule kept as data
(``commendation.VOTE_RULES``), the outcome computed, conflicts of interest flagged (and not
counted), a dossier not passed cannot go upward, bad member lists get clear messages."""
import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.emulation import actions_awards as act
from chungtay.emulation import commendation as rules
from chungtay.emulation.forms_awards import parse_members
from chungtay.emulation.models import CouncilVote
from tests.emulation_award_helpers import TODAY, dossier, to_appraised


def _m(name, present=True, ballot="approve", affiliation=""):
    return {"name": name, "position": "", "present": present, "ballot": ballot if present else "",
            "affiliation": affiliation}


@pytest.mark.parametrize("members, present, approvals, quorum, approved", [
    (9, 6, 4, True, True),      # 6 ≥ 2/3 × 9; 4 > 6/2
    (9, 5, 5, False, False),    # 5 < 6: no quorum
    (9, 6, 3, True, False),     # 3 is not more than half of 6
    (3, 2, 2, True, True),
    (0, 0, 0, True, False),
])
def test_the_default_rule(members, present, approvals, quorum, approved):
    o = rules.vote_outcome(rules.VOTE_RULES["default"], members, present, approvals)
    assert (o.quorum_met, o.approved) == (quorum, approved)


def test_the_rule_is_data_with_its_source_and_the_titles_rules():
    d = rules.vote_rule("giay_khen_xa")
    assert d is rules.VOTE_RULES["default"] and "ASSUMPTION" in d["source"]
    assert d["quorum"] == {"num": 2, "den": 3, "of": "members", "op": ">="}
    cstd = rules.vote_rule("chien_si_thi_dua_tinh")
    o = rules.vote_outcome(cstd, 10, 10, 6)           # 6 of 10 members < 70 %
    assert not o.approved and o.approval_needed == Fraction(7)
    assert rules.vote_outcome(cstd, 10, 8, 7).approved


def test_the_vote_is_recorded_with_its_outcome_and_conflicts(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    n = to_appraised(commune_officer, n)
    members = [_m("Nguyễn Văn An"), _m("Trần Thị Bình"), _m("Lê Văn Cường", affiliation=p1.name),
               _m("Phạm Thị Dung", ballot="reject"), _m("Hồ Văn Em", present=False)]
    v = act.record_vote(commune_officer, n, council="Hội đồng TĐKT xã", held_on=dt.date(2026, 2, 20),
                        members=members, today=TODAY)
    assert (v.members_total, v.present, v.approvals, v.rejections) == (5, 4, 2, 1)
    assert v.quorum_met and not v.approved               # 2 counted approvals are not more than half of 4
    assert "4/5 thành viên có mặt" in v.outcome_vi and "KHÔNG được thông qua" in v.outcome_vi
    flagged = [x for x in v.members.all() if x.conflict]
    assert [x.name for x in flagged] == ["Lê Văn Cường"]
    assert flagged[0].conflict_reason == "Thuộc đơn vị được đề nghị khen thưởng" and flagged[0].unit_id == p1.unit_id
    n.refresh_from_db()
    assert n.state == rules.VOTED
    with pytest.raises(ValidationError, match="Hội đồng chưa thông qua"):
        act.advance_nomination(commune_officer, n, to=rules.UPWARD, today=TODAY)
    with pytest.raises(ValidationError, match="Chỉ bỏ phiếu hồ sơ đã thẩm định"):
        act.record_vote(commune_officer, n, council="x", held_on=TODAY, members=members, today=TODAY)
    assert act.return_nomination(commune_officer, n, reason="Hội đồng không thông qua").state == rules.RETURNED


def test_the_subject_in_the_council_is_a_conflict(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune, subject_kind=rules.INDIVIDUAL,
                                person_name="Đinh Thị Hoa", person_position="Trưởng thôn")
    n = to_appraised(commune_officer, n)
    v = act.record_vote(commune_officer, n, council="Hội đồng", held_on=TODAY, today=TODAY,
                        members=[_m("đinh thị  hoa"), _m("B"), _m("C")])
    by = {x.name: x for x in v.members.all()}
    assert by["đinh thị hoa"].conflict and by["đinh thị hoa"].conflict_reason == "Là người được đề nghị khen thưởng"
    assert v.approvals == 2 and v.approved
    n.refresh_from_db()
    assert act.advance_nomination(commune_officer, n, to=rules.UPWARD, today=TODAY).state == rules.UPWARD


def test_bad_member_lists():
    with pytest.raises(ValidationError, match="Dòng 2: cột thứ ba"):
        parse_members("A | Chủ tịch | có mặt | đồng ý\nB | | hôm nay | đồng ý")
    with pytest.raises(ValidationError, match="Dòng 1: phiếu là"):
        parse_members("A | | có mặt | có lẽ")
    with pytest.raises(ValidationError, match="có mặt cần ghi phiếu"):
        parse_members("A | | có mặt |")
    with pytest.raises(ValidationError, match="Cần danh sách"):
        parse_members("\n \n")
    rows = parse_members("A | Chủ tịch | có mặt | đồng ý | Xã X\nB | | vắng | | ")
    assert rows[0] == {"name": "A", "position": "Chủ tịch", "present": True, "ballot": "approve", "affiliation": "Xã X"}
    assert rows[1]["present"] is False and rows[1]["ballot"] == ""


def test_bad_votes_in_the_action(commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    n = to_appraised(commune_officer, n)
    for members, text in (([], "Cần danh sách"), ([_m("A"), _m("a")], "ghi hai lần"),
                          ([{"name": "A", "present": False, "ballot": "approve"}], "vắng mặt nhưng có phiếu")):
        with pytest.raises(ValidationError, match=text):
            act.record_vote(commune_officer, n, council="HĐ", held_on=TODAY, members=members, today=TODAY)
    with pytest.raises(ValidationError, match="tương lai"):
        act.record_vote(commune_officer, n, council="HĐ", held_on=TODAY + dt.timedelta(days=1), members=[_m("A")],
                        today=TODAY)
    assert not CouncilVote.objects.filter(nomination=n).exists()


def test_roles_area_and_page(client, commune_officer, commune_chairman, other_commune_officer, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    n = to_appraised(commune_officer, n)
    with pytest.raises(PermissionDenied):
        act.record_vote(commune_chairman, n, council="HĐ", held_on=TODAY, members=[_m("A")], today=TODAY)
    client.force_login(other_commune_officer)
    assert client.post(f"/emulation/nominations/{n.pk}/vote/", {}).status_code == 404
    client.force_login(commune_officer)
    r = client.post(f"/emulation/nominations/{n.pk}/vote/", {"council": "HĐ", "held_on": "2026-02-20",
                                                             "members": "A | | có mặt | đồng ý\nB | | ??? |"})
    assert r.status_code == 200 and "Dòng 2: cột thứ ba" in r.content.decode()
    r = client.post(f"/emulation/nominations/{n.pk}/vote/", {
        "council": "HĐ", "held_on": "2026-02-20",
        "members": f"A | Chủ tịch | có mặt | đồng ý\nB | | có mặt | đồng ý | {p1.name}\nC | | có mặt | không đồng ý"})
    assert r.status_code == 302
    page = client.get(f"/emulation/nominations/{n.pk}/").content.decode()
    assert "Thuộc đơn vị được đề nghị khen thưởng" in page and "KHÔNG được thông qua" in page
