"""The movement's review report (chungtay/emulation/report.py and its files, docs/emulation.md
"Review report"): on the demo movement the figures equal their inputs recomputed here, the
published 3.56 points a year is said not to follow, the .docx (read back with python-docx) and the
PDF (pdftotext) hold the sections and DỰ THẢO until published; the pages answer 400/404 to bad
parameters and other areas, and publishing is role-checked and audited."""
import datetime as dt
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse

from chungtay.accounts.models import AuditEvent
from chungtay.emulation import actions
from chungtay.emulation.demo import create_demo_movement
from chungtay.emulation.models import Activity, Movement, PUBLISHED, ScoreTotal
from chungtay.emulation.report import PUBLISH_ACTION, review_report
from chungtay.emulation.report_actions import publish_report
from chungtay.emulation.report_docx import review_report_docx
from chungtay.emulation.report_pdf import review_report_pdf
from chungtay.households.models import Assessment

SECTIONS = ("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU GIẢM NGHÈO", "II. CÁC HOẠT ĐỘNG CỦA PHONG TRÀO",
            "III. NGUỒN LỰC HỖ TRỢ VÀ ỦNG HỘ ĐÃ HUY ĐỘNG", "IV. TẬP THỂ, CÁ NHÂN TIÊU BIỂU", "V. KIỂM TRA SỐ LIỆU")


def docx_text(data: bytes) -> tuple[str, list[str], str]:
    """(all text of paragraphs and tables, the Heading 1 texts, the first section's header text)."""
    from docx import Document
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    return "\n".join(parts), h1, header


def pdf_text(data: bytes, tmp_path) -> str:
    f = tmp_path / "r.pdf"
    f.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, check=True).stdout.decode()


def _counts(unit, year):
    qs = Assessment.objects.filter(kind="periodic", is_current=True, year=year, province=unit)
    return qs.filter(category="poor").count(), qs.count()


def _escaped(unit, year):
    before = set(Assessment.objects.filter(kind="periodic", is_current=True, year=year - 1, province=unit,
                                           category="poor").values_list("household_id", flat=True))
    now = dict(Assessment.objects.filter(kind="periodic", is_current=True, year=year, household_id__in=before)
               .values_list("household_id", "category"))
    return sum(1 for h in before if h in now and now[h] != "poor")


def test_demo_report_figures_files_and_publication(db, province_officer, commune_officer, tmp_path):
    out = create_demo_movement()
    m = Movement.objects.get(pk=out["movement"])
    r = review_report(province_officer, m, m.unit, 2017, 2020)
    # the demo publishes its final review report (after the awards)
    assert r.kind == "final" and not r.draft and r.published.version == 1 == out["report_version"]
    assert r.published.on == "20/04/2021"

    # I. results: every year's rate and escaped households recomputed from the results
    res = r.results
    assert res.base_year == 2016 and [y.year for y in res.years] == [2016, 2017, 2018, 2019, 2020]
    for y in res.years:
        poor, total = _counts(m.unit, y.year)
        assert (y.poor, y.households) == (poor, total) and y.rate == pytest.approx(100 * poor / total)
        assert y.escaped == (None if y.year == 2016 else _escaped(m.unit, y.year))
    fall = res.lines[0]
    (p0, t0), (p1, t1) = _counts(m.unit, 2016), _counts(m.unit, 2020)
    assert fall.value == pytest.approx((100 * p0 / t0 - 100 * p1 / t1) / 4)
    total_escaped = next(ln for ln in res.lines if ln.label_vi.startswith("Tổng số hộ thoát nghèo"))
    assert total_escaped.value == sum(_escaped(m.unit, y) for y in (2017, 2018, 2019, 2020))
    # the province's own A2 of the published scoring is the same fall (the report and the scores agree)
    a2 = m.runs.get(year=2020).scores.get(participant__unit=m.unit, criterion="A2")
    assert a2.value == pytest.approx(fall.value)
    # the plan's goal: the published 3.56 does not follow from its inputs, and the report says so
    goal = res.goals[0]
    assert goal.published is not None and not goal.published.follows
    assert "3,56" in goal.published.vi and "KHÔNG suy ra được" in goal.published.vi and "26,11" in goal.published.vi

    # II. activities: the seeds' figures, summed from the Activity records
    groups = {g.kind: g for g in r.activities}
    # (the province's own three, and the 12 broadcasts of xa's commune movement derived from it)
    cm = Movement.objects.get(pk=out["commune_movement"])
    assert groups["communication"].count == Activity.objects.filter(movement__in=[m, cm], kind="communication").count() == 4
    assert set(groups["communication"].totals_vi) == {"10 cụm pano", "350 tờ áp phích", "810 cuốn sổ tay",
                                                      "12 buổi phát thanh"}
    assert [it.movement_vi for it in groups["communication"].items if it.figure_vi == "12 buổi phát thanh"] == [
        f"phong trào 15/KH-UBND của {cm.unit.full_name}"]
    assert "72/86 đơn vị được mời cử người tham gia" in groups["training"].totals_vi
    assert "2 dự án" in groups["model"].totals_vi
    assert groups["exemplary"].count == 1 and groups["exemplary"].items[0].story

    # III. supports and donations: summed from the ledgers, integer VND
    from chungtay.fund.models import Donation
    from chungtay.support.models import Support
    sup = Support.objects.filter(is_current=True, status="delivered", year__gte=2017, year__lte=2020, province=m.unit)
    assert r.mobilised.supports.value_vnd == (sup.aggregate(s=Sum("value_vnd"))["s"] or 0)
    assert r.mobilised.supports.count == sup.count()
    don = Donation.objects.filter(txn__reversal__isnull=True, date__year__gte=2017, date__year__lte=2020,
                                  fund__province=m.unit)
    assert r.mobilised.donations.value_vnd == (don.aggregate(s=Sum("value_vnd"))["s"] or 0)
    assert isinstance(r.mobilised.supports.value_vnd, int) and isinstance(r.mobilised.donations.value_vnd, int)

    # IV. the best: the published scoring's first three of each cluster
    s = r.best.scorings[0]
    run = m.runs.get(year=2020)
    assert run.state == PUBLISHED and s.year == 2020
    want = {(t.participant.name, t.rank) for t in ScoreTotal.objects.filter(run=run, rank__lte=3)}
    assert {(t.name, t.rank) for t in s.top} == want
    assert s.best_band == "Hoàn thành xuất sắc"
    # the awards of §6's decision register: the demo's two decisions
    from chungtay.emulation.models import AwardDecision
    decided = AwardDecision.objects.filter(pk__in=out["decisions"])
    assert sorted(a["number"] for a in r.best.awards) == sorted(decided.values_list("number", flat=True))
    assert sum(a["bonus_vnd"] for a in r.best.awards) == sum(decided.values_list("bonus_vnd", flat=True))

    # the published files: no draft mark, the version and date of the publication
    ev = AuditEvent.objects.get(action=PUBLISH_ACTION)
    assert ev.changes["fingerprint"] == r.fingerprint and ev.unit_id == m.unit_id and ev.actor == province_officer
    text, h1, header = docx_text(review_report_docx(r))
    assert list(h1) == list(SECTIONS)
    assert "DỰ THẢO" not in text and "DỰ THẢO" not in header and "Bản số 1, công bố ngày 20/04/2021" in text
    assert "DỰ THẢO" not in " ".join(pdf_text(review_report_pdf(r), tmp_path).split())
    with pytest.raises(ValidationError):
        publish_report(province_officer, m, m.unit, 2017, 2020)         # the same figures: nothing to publish
    # another period of the same movement is a draft (an interim review)
    interim = review_report(province_officer, m, m.unit, 2017, 2018)
    assert interim.draft and interim.kind == "interim"

    # a figure changes after publication: a draft of version 2 again
    p = m.participants.get(unit=m.unit)
    actions.report_activity(province_officer, m, p, kind="communication", title="Băng rôn", date=dt.date(2020, 5, 1),
                            quantity=20, unit_of_measure="băng rôn")
    again = review_report(province_officer, m, m.unit, 2017, 2020)
    assert again.draft and again.version == 2 and "bản số 1" in again.status.draft_vi
    assert "20 băng rôn" in next(g for g in again.activities if g.kind == "communication").totals_vi

    # the draft's files: sections, figures, the check and the draft mark
    text, h1, header = docx_text(review_report_docx(again))
    assert list(h1) == list(SECTIONS)
    assert "DỰ THẢO" in header and "DỰ THẢO" in text
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO TỔNG KẾT",
                   "ỦY BAN NHÂN DÂN", "Số: ......../BC-UBND", "2736/KH-UBND", "10 cụm pano", "72/86",
                   "KHÔNG suy ra được", "3,56", "Nơi nhận:", "CHỦ TỊCH"):
        assert needle in text, needle
    flat = " ".join(pdf_text(review_report_pdf(again), tmp_path).split())
    assert "DỰ THẢO" in flat
    for needle in (*SECTIONS, "BÁO CÁO TỔNG KẾT PHONG TRÀO THI ĐUA", "10 cụm pano", "3,56", "KHÔNG suy ra được"):
        assert needle in flat, needle

    # publishing version 2: role-checked, audited
    with pytest.raises(PermissionDenied):
        publish_report(commune_officer, m, m.unit, 2017, 2020)
    v2 = publish_report(province_officer, m, m.unit, 2017, 2020, today=dt.date(2021, 5, 2))
    assert not v2.draft and v2.published.version == 2 and v2.published.on == "02/05/2021"
    assert AuditEvent.objects.filter(action=PUBLISH_ACTION).count() == 2


def test_commune_part_of_the_province_movement(db, commune_officer, my_commune):
    """A commune officer reads their commune's part of the province's movement: its participants
    and figures only, and the province's goals (read on the province) are left out."""
    out = create_demo_movement()
    m = Movement.objects.get(pk=out["movement"])
    r = review_report(commune_officer, m, my_commune, 2017, 2020)
    assert r.participants["total"] == 1 and r.results.goals == []
    poor, total = (Assessment.objects.filter(kind="periodic", is_current=True, year=2020, commune=my_commune)
                   .filter(category="poor").count(),
                   Assessment.objects.filter(kind="periodic", is_current=True, year=2020, commune=my_commune).count())
    assert (r.results.years[-1].poor, r.results.years[-1].households) == (poor, total)
    # not the province's own activities; the 12 broadcasts of the commune's movement derived from it
    assert [it.figure_vi for g in r.activities if g.kind == "communication" for it in g.items] == ["12 buổi phát thanh"]
    assert {g.kind: g.count for g in r.activities}["exemplary"] == 1


def test_pages(db, client, province_officer, commune_officer, other_commune_officer, commune_chairman, my_commune,
               tmp_path):
    from tests.emulation_helpers import scored
    m, run, *_ = scored(commune_officer, my_commune)
    url = reverse("emulation:report", args=[m.pk])
    client.force_login(commune_officer)
    r = client.get(url)
    assert r.status_code == 200 and "DỰ THẢO" in r.content.decode() and b"report-publish" not in r.content
    assert r.context["r"].first == 2021 and r.context["r"].unit_id == my_commune.pk
    for q in ("?from=abc", "?from=2019", "?to=2030", "?from=2025&to=2022", "?from=２０２２"):
        assert client.get(url + q).status_code == 400, q
        for name in ("emulation:report_docx", "emulation:report_pdf"):
            assert client.get(reverse(name, args=[m.pk]) + q).status_code == 400, (name, q)
    for q in ("?unit=x", "?unit=-1", "?unit=99999999999999999999", f"?unit={my_commune.parent_id}"):
        assert client.get(url + q).status_code == 404, q
    d = client.get(reverse("emulation:report_docx", args=[m.pk]) + "?from=2022&to=2024")
    assert d.status_code == 200 and d["Content-Disposition"].endswith('-du-thao.docx"')
    text, h1, _ = docx_text(d.content)
    assert list(h1) == list(SECTIONS) and "BÁO CÁO SƠ KẾT" in text
    p = client.get(reverse("emulation:report_pdf", args=[m.pk]) + "?from=2025&to=2025")
    assert p.status_code == 200 and p["Content-Type"] == "application/pdf"
    assert "DỰ THẢO" in " ".join(pdf_text(p.content, tmp_path).split())
    # the commune officer may not publish; another commune's officer does not see the movement
    pub = reverse("emulation:report_publish", args=[m.pk]) + "?from=2021&to=2025"
    assert client.post(pub).status_code == 403
    client.force_login(other_commune_officer)
    for name in ("emulation:report", "emulation:report_docx", "emulation:report_pdf", "emulation:report_publish"):
        resp = client.post(reverse(name, args=[m.pk])) if name.endswith("publish") else client.get(
            reverse(name, args=[m.pk]))
        assert resp.status_code == 404, name
    # the chairman publishes: the page and the files lose the mark
    client.force_login(commune_chairman)
    assert b"report-publish" in client.get(url + "?from=2021&to=2025").content
    assert client.post(pub).status_code == 302
    page = client.get(url + "?from=2021&to=2025").content.decode()
    assert "report-published" in page and "Bản số 1" in page
    d = client.get(reverse("emulation:report_docx", args=[m.pk]) + "?from=2021&to=2025")
    assert d["Content-Disposition"].endswith('-ban-1.docx"') and "DỰ THẢO" not in docx_text(d.content)[0]
    assert AuditEvent.objects.filter(action=PUBLISH_ACTION, actor=commune_chairman).count() == 1
