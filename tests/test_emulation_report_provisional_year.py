"""The movement's review report marks a year whose review is not yet recognised (issue 7 §5): after
one household is surveyed in the commune's open 2026 round, the 2026 row of the poverty-rate table
says "(tạm tính)" and the report says "Số liệu tạm tính năm 2026 – đã rà soát 1/… hộ", on the page,
in the .docx and in the PDF; the final 2025 row carries no mark, and recognition removes it."""
import io
import subprocess

from django.urls import reverse

from chungtay.emulation.report import review_report
from chungtay.emulation.report_docx import review_report_docx
from chungtay.emulation.report_pdf import review_report_pdf
from chungtay.emulation.report_text import blocks
from chungtay.households.completeness import exists_in
from chungtay.households.models import Household
from chungtay.reviews.models import ReviewRound
from tests.emulation_helpers import movement
from tests.provisional_helpers import NEW


def _coverage(commune) -> str:
    n = Household.objects.filter(exists_in(NEW), commune=commune).count()
    return f"đã rà soát 1/{n:,} hộ".replace(",", ".")


def _table_rows(r):
    return next(b for b in blocks(r) if b.kind == "table").rows


def test_the_provisional_years_rate_row_is_marked(one_surveyed, commune_officer, my_commune):
    m = movement(commune_officer, my_commune, end_year=NEW)
    r = review_report(commune_officer, m, my_commune, 2024, NEW)
    by_year = {y.year: y for y in r.results.years}
    assert by_year[NEW].households == 1 and by_year[NEW].provisional_vi == _coverage(my_commune)
    assert by_year[2025].provisional_vi == ""
    rows = {row[0]: row for row in _table_rows(r)}
    assert f"{NEW} (tạm tính)" in rows and "2025" in rows and "2025 (tạm tính)" not in rows
    alerts = [b.text for b in blocks(r) if b.kind == "alert" and "tạm tính" in b.text]
    assert alerts == [f"Số liệu tạm tính năm {NEW} – {_coverage(my_commune)}: kết quả rà soát năm {NEW} chưa được "
                      "Chủ tịch Ủy ban nhân dân công nhận, số hộ, hộ nghèo, tỷ lệ hộ nghèo và hộ thoát nghèo của năm "
                      "này còn thay đổi."]
    total = next(ln for ln in r.results.lines if ln.label_vi.startswith("Tổng số hộ thoát nghèo"))
    assert total.formula_vi.startswith("Số liệu tạm tính") and _coverage(my_commune) in total.formula_vi


def test_both_documents_and_the_page_carry_the_mark(one_surveyed, commune_officer, my_commune, client, tmp_path):
    from docx import Document
    m = movement(commune_officer, my_commune, end_year=NEW)
    r = review_report(commune_officer, m, my_commune, 2024, NEW)
    doc = Document(io.BytesIO(review_report_docx(r)))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert f"{NEW} (tạm tính)" in text and f"Số liệu tạm tính năm {NEW} – {_coverage(my_commune)}" in text
    f = tmp_path / "r.pdf"
    f.write_bytes(review_report_pdf(r))
    pdf = " ".join(subprocess.run(["pdftotext", str(f), "-"], capture_output=True, check=True).stdout.decode().split())
    assert f"Số liệu tạm tính năm {NEW}" in pdf and _coverage(my_commune) in pdf
    client.force_login(commune_officer)
    html = client.get(reverse("emulation:report", args=[m.pk]), {"unit": my_commune.pk, "from": 2024, "to": NEW})
    assert html.status_code == 200
    page = html.content.decode()
    assert f"{NEW} (tạm tính)" in page and _coverage(my_commune) in page


def test_recognition_removes_the_mark(one_surveyed, commune_officer, my_commune):
    m = movement(commune_officer, my_commune, end_year=NEW)
    ReviewRound.objects.filter(commune=my_commune, year=NEW).update(state="recognised")
    r = review_report(commune_officer, m, my_commune, 2024, NEW)
    assert all(y.provisional_vi == "" for y in r.results.years)
    assert not any("tạm tính" in str(c) for row in _table_rows(r) for c in row)


def test_a_final_report_keeps_its_fingerprint(commune_officer, my_commune):
    """No provisional year: the row has no mark and the fingerprint is the one before the mark existed."""
    import dataclasses
    import hashlib
    import json
    m = movement(commune_officer, my_commune)
    r = review_report(commune_officer, m, my_commune, 2021, 2025)
    d = dataclasses.asdict(r)
    d.pop("published"), d.pop("fingerprint")
    for y in d["results"]["years"]:
        assert y.pop("provisional_vi") == ""
    old = hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    assert r.fingerprint == old
