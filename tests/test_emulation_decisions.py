"""The decision register (issue 12 §6): number, date, issuer, the form and its level from the
Law's list, the bonus = coefficient × the dated base salary rounded up to 10,000 đồng (integer
VND), drafts issued later, revocation and recovery as later records, roles, area and bad input;
and the award history per subject with its consecutive years."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.emulation import actions_awards as act
from chungtay.emulation import commendation as rules
from chungtay.emulation.models import AwardDecision, AwardRevocation, BonusRecovery
from tests.emulation_award_helpers import TODAY, decided, dossier, to_upward


def test_the_base_salary_is_dated_data_and_the_bonus_an_integer():
    assert rules.base_salary(dt.date(2021, 4, 5)) == (1_490_000, "Nghị định 38/2019/NĐ-CP")
    assert rules.base_salary(dt.date(2024, 6, 30))[0] == 1_800_000
    assert rules.base_salary(dt.date(2024, 7, 1))[0] == 2_340_000
    assert rules.base_salary(dt.date(2010, 1, 1)) is None
    assert rules.bonus_vnd(2.0, 1_490_000) == 2_980_000
    assert rules.bonus_vnd(0.3, 2_340_000) == 710_000            # 702,000 rounded up to the ten thousand
    assert rules.bonus_vnd(0.6, 2_340_000) == 1_410_000
    assert isinstance(rules.bonus_vnd(4.5, 1_800_000), int) and rules.bonus_vnd(4.5, 1_800_000) == 8_100_000
    f = rules.FORMS_BY_CODE
    assert (f["bang_khen_ttg"].level, f["giay_khen_xa"].level, f["co_thi_dua_cp"].kind) == (
        "prime_minister", "commune", "title")
    assert {"Giấy khen của Chủ tịch UBND xã", "Bằng khen của Chủ tịch UBND tỉnh", "Cờ thi đua của UBND tỉnh",
            "Chiến sĩ thi đua cơ sở"} <= {x.vi for x in rules.FORMS}


def test_a_decision_with_its_bonus(commune_officer, commune_chairman, my_commune):
    m, n, d = decided(commune_officer, commune_chairman, my_commune)
    n.refresh_from_db()
    assert n.state == rules.DECIDED
    assert (d.number, d.issuer, d.form_code, d.form_level, d.final) == ("25/QĐ-UBND", "UBND xã", "giay_khen_xa",
                                                                        "commune", True)
    d.refresh_from_db()
    assert (d.coefficient, d.base_salary, d.bonus_vnd) == (Decimal("0.60"), 2_340_000, 1_410_000)
    assert d.salary_source == "Nghị định 73/2024/NĐ-CP" and d.subject_name == n.participant.name
    with pytest.raises(ValidationError, match="Chỉ quyết định hồ sơ đã trình"):
        act.record_decision(commune_chairman, n, number="26", decided_on=TODAY, issuer="UBND xã", today=TODAY)


def test_bad_decisions(commune_officer, commune_chairman, my_commune):
    m, run, p1, p2, n = dossier(commune_officer, my_commune)
    n = to_upward(commune_officer, n)
    def err(**kw):
        args = dict(number="1/QĐ", decided_on=dt.date(2026, 2, 25), issuer="UBND xã", today=TODAY)
        args.update(kw)
        with pytest.raises(ValidationError) as e:
            act.record_decision(commune_chairman, n, **args)
        return " ".join(e.value.messages)
    assert "cần số quyết định" in err(number=" ")
    assert "tương lai" in err(decided_on=dt.date(2026, 3, 2))
    assert "trước ngày họp hội đồng" in err(decided_on=dt.date(2026, 2, 19))
    assert "Cần cơ quan" in err(issuer="")
    assert "không dùng cho đối tượng tập thể" in err(form_code="chien_si_thi_dua_co_so")
    assert not AwardDecision.objects.filter(nomination=n).exists()
    with pytest.raises(PermissionDenied, match="quyết định khen thưởng"):
        act.record_decision(commune_officer, n, number="1", decided_on=TODAY, issuer="UBND xã", today=TODAY)


def test_a_draft_is_issued_later(commune_officer, commune_chairman, my_commune):
    m, n, d = decided(commune_officer, commune_chairman, my_commune, number="", final=False)
    n.refresh_from_db()
    assert not d.final and n.state == rules.UPWARD
    with pytest.raises(ValidationError, match="dự thảo"):
        act.revoke_decision(commune_chairman, d, number="2", decided_on=TODAY, issuer="x", reason="y", today=TODAY)
    with pytest.raises(ValidationError, match="Cần số"):
        act.issue_decision(commune_chairman, d, number="")
    d = act.issue_decision(commune_chairman, d, number="30/QĐ-UBND", today=TODAY)
    n.refresh_from_db()
    assert d.final and d.number == "30/QĐ-UBND" and n.state == rules.DECIDED


def test_revocation_and_recovery_are_later_records(commune_officer, commune_chairman, my_commune):
    m, n, d = decided(commune_officer, commune_chairman, my_commune)
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        act.record_recovery(commune_chairman, d, amount_vnd=100_000, recovered_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="Cần lý do"):
        act.revoke_decision(commune_chairman, d, number="40/QĐ", decided_on=TODAY, issuer="UBND xã", reason="",
                            today=TODAY)
    with pytest.raises(ValidationError, match="trước ngày quyết định khen thưởng"):
        act.revoke_decision(commune_chairman, d, number="40/QĐ", decided_on=dt.date(2026, 1, 1), issuer="UBND xã",
                            reason="Kê khai gian dối", today=TODAY)
    r = act.revoke_decision(commune_chairman, d, number="40/QĐ-UBND", decided_on=TODAY, issuer="UBND xã",
                            reason="Kê khai thành tích không trung thực", today=TODAY)
    assert AwardRevocation.objects.get(decision=d) == r
    d.refresh_from_db()
    assert d.final and d.bonus_vnd == 1_410_000 and d.number == "25/QĐ-UBND"     # the award itself is unchanged
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        act.revoke_decision(commune_chairman, d, number="41", decided_on=TODAY, issuer="x", reason="y", today=TODAY)
    act.record_recovery(commune_chairman, d, amount_vnd=1_000_000, recovered_on=TODAY, reference="PT 12", today=TODAY)
    with pytest.raises(ValidationError, match="lớn hơn số còn phải thu hồi \\(410.000 đồng\\)"):
        act.record_recovery(commune_chairman, d, amount_vnd=500_000, recovered_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="số nguyên"):
        act.record_recovery(commune_chairman, d, amount_vnd="abc", recovered_on=TODAY, today=TODAY)
    act.record_recovery(commune_chairman, d, amount_vnd=410_000, recovered_on=TODAY, today=TODAY)
    assert act.recovered(d) == 1_410_000 and BonusRecovery.objects.filter(decision=d).count() == 2


def test_register_page_bad_input_and_outsiders(client, commune_officer, commune_chairman, other_commune_officer,
                                               my_commune):
    m, n, d = decided(commune_officer, commune_chairman, my_commune)
    client.force_login(commune_officer)
    page = client.get(f"/emulation/{m.pk}/decisions/").content.decode()
    assert "25/QĐ-UBND" in page and "1.410.000" in page and "Nghị định 73/2024/NĐ-CP" in page
    assert client.post(f"/emulation/decisions/{d.pk}/revoke/", {}).status_code == 403
    client.force_login(commune_chairman)
    r = client.post(f"/emulation/decisions/{d.pk}/revoke/", {"number": "4", "decided_on": "2026-13-01",
                                                             "issuer": "UBND", "reason": "x"})
    assert r.status_code == 200 and not AwardRevocation.objects.exists()
    r = client.post(f"/emulation/decisions/{d.pk}/revoke/", {"number": "4/QĐ", "decided_on": "2026-02-26",
                                                             "issuer": "UBND xã", "reason": "Gian dối",
                                                             "recover_bonus": "on"})
    assert r.status_code == 302 and AwardRevocation.objects.filter(decision=d).exists()
    r = client.post(f"/emulation/decisions/{d.pk}/recover/", {"amount_vnd": "-5", "recovered_on": "2026-02-27"})
    assert r.status_code == 200
    client.force_login(other_commune_officer)
    assert client.get(f"/emulation/{m.pk}/decisions/").status_code == 404
    assert client.post(f"/emulation/decisions/{d.pk}/issue/", {"number": "1"}).status_code == 404


def test_the_award_history_shows_consecutive_years(client, commune_officer, commune_chairman, my_commune):
    assert rules.consecutive_runs([2018, 2019, 2020, 2023]) == [(2018, 2020), (2023, 2023)]
    assert rules.consecutive_until([2018, 2019, 2020, 2023], 2020) == 3
    m, n, d = decided(commune_officer, commune_chairman, my_commune)
    p1 = n.participant
    for year in (2023, 2024):
        x = act.create_nomination(commune_officer, p1, subject_kind=rules.COLLECTIVE, year=year,
                                  form_code="giay_khen_xa", achievements="Tốt", today=TODAY)
        x = to_upward(commune_officer, x)
        act.record_decision(commune_chairman, x, number=f"{year}/QĐ", decided_on=dt.date(2026, 2, 25),
                            issuer="UBND xã", today=TODAY)
    client.force_login(commune_officer)
    page = client.get(f"/emulation/participants/{p1.pk}/awards/").content.decode()
    assert "Số năm liên tục có khen thưởng tính đến" in page and "2023–2025" in page and "<b>3</b>" in page
    # a revoked award does not count
    act.revoke_decision(commune_chairman, d, number="9/QĐ", decided_on=TODAY, issuer="UBND xã", reason="Sai",
                        today=TODAY)
    page = client.get(f"/emulation/participants/{p1.pk}/awards/").content.decode()
    assert "2023–2024" in page and "Đã thu hồi" in page
