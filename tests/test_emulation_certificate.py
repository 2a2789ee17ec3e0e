"""Certificates (Giấy khen, Bằng khen) as PDF (issue 12 §6): A4 landscape, Vietnamese diacritics
from the bundled fonts (checked with pdftotext), the draft mark for a draft decision and the
revocation mark for a revoked one; a title without a printed certificate answers 404; outsiders 404;
and the demo's two decisions print."""
import datetime as dt
import subprocess

from pypdf import PdfReader

from chungtay.emulation import actions_awards as act
from chungtay.emulation.demo import create_demo_movement
from chungtay.emulation.models import AwardDecision, CouncilVote, Nomination, ScoreTotal
from tests.emulation_award_helpers import TODAY, decided

def _text(content: bytes, tmp_path) -> str:
    f = tmp_path / "c.pdf"
    f.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_a_certificate_of_merit(client, tmp_path, commune_officer, commune_chairman, my_commune, village_head):
    m, n, d = decided(commune_officer, commune_chairman, my_commune, citation="Đã có thành tích xuất sắc năm 2025")
    client.force_login(village_head)                     # a read of the commune's movement
    r = client.get(f"/emulation/decisions/{d.pk}/certificate.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    import io
    page = PdfReader(io.BytesIO(r.content)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)           # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297
    text = _text(r.content, tmp_path)
    for s in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ",
              "GIẤY KHEN", n.participant.name, "Đã có thành tích xuất sắc năm 2025", "Quyết định số 25/QĐ-UBND",
              "ngày 25 tháng 02 năm 2026"):
        assert s in text, s
    assert "DỰ THẢO" not in text and "ĐÃ THU HỒI" not in text


def test_the_draft_and_the_revocation_marks(client, tmp_path, commune_officer, commune_chairman, my_commune):
    m, n, d = decided(commune_officer, commune_chairman, my_commune, number="", final=False)
    client.force_login(commune_officer)
    text = _text(client.get(f"/emulation/decisions/{d.pk}/certificate.pdf").content, tmp_path)
    assert "DỰ THẢO" in text and "(dự thảo)" in text
    d = act.issue_decision(commune_chairman, d, number="31/QĐ-UBND", today=TODAY)
    act.revoke_decision(commune_chairman, d, number="50/QĐ-UBND", decided_on=TODAY, issuer="UBND xã",
                        reason="Gian dối", today=TODAY)
    text = _text(client.get(f"/emulation/decisions/{d.pk}/certificate.pdf").content, tmp_path)
    assert "ĐÃ THU HỒI" in text and "Đã thu hồi theo Quyết định số 50/QĐ-UBND" in text and "DỰ THẢO" not in text


def test_a_title_has_no_certificate_and_outsiders_get_404(client, commune_officer, commune_chairman,
                                                          other_commune_officer, my_commune):
    m, n, d = decided(commune_officer, commune_chairman, my_commune)
    AwardDecision.objects.filter(pk=d.pk).update(form_code="tap_the_lao_dong_tien_tien")
    client.force_login(commune_officer)
    assert client.get(f"/emulation/decisions/{d.pk}/certificate.pdf").status_code == 404
    client.force_login(other_commune_officer)
    assert client.get(f"/emulation/decisions/{d.pk}/certificate.pdf").status_code == 404


def test_the_demo_nominates_the_best_and_prints_their_certificates(client, tmp_path, province_officer):
    out = create_demo_movement()
    assert out["created"] and len(out["decisions"]) == 2
    best = {t.participant_id for t in ScoreTotal.objects.filter(run_id=out["run"], rank=1)}
    client.force_login(province_officer)
    for pk in out["decisions"]:
        d = AwardDecision.objects.get(pk=pk)
        n = Nomination.objects.get(pk=d.nomination_id)
        assert n.state == "decided" and n.participant_id in best and n.run_id == out["run"]
        assert all(i.evidence_id and i.checked for i in n.items.all())
        vote = CouncilVote.objects.get(nomination=n)
        assert vote.approved and vote.members.filter(conflict=True).count() == 1
        assert (d.form_code, d.final, d.base_salary, d.bonus_vnd) == ("bang_khen_tinh", True, 1_490_000, 2_980_000)
        text = _text(client.get(f"/emulation/decisions/{pk}/certificate.pdf").content, tmp_path)
        assert "BẰNG KHEN" in text and "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM" in text
        assert f"Quyết định số {d.number}" in text and "ngày 05 tháng 04 năm 2021" in text
    page = client.get(f"/emulation/{out['movement']}/decisions/").content.decode()
    assert "412/QĐ-UBND" in page and "2.980.000" in page
    assert "Khen thưởng" in client.get(f"/emulation/{out['movement']}/").content.decode()
    # still idempotent
    assert not create_demo_movement()["created"]
    assert dt.date(2021, 4, 5) == AwardDecision.objects.get(pk=out["decisions"][0]).decided_on
