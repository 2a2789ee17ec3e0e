"""Prepared files (chungtay.jobs.files): a province's large outputs are asked for on the reports
page, built by the worker, and downloaded from their own page — complete or not at all, 0600,
their requester's alone, audited, deleted after the documented period."""
from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chungtay.accounts.models import AuditEvent
from chungtay.jobs import files
from chungtay.jobs.models import PreparedFile
from chungtay.reports import data, readback, xlsx

YEAR = 2025


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path          # stored files, worker locks and progress files of this test only


@pytest.fixture
def province(my_commune):
    return my_commune.parent


def run_queued() -> int:
    from chungtay.jobs.liveness import WorkerLock
    from chungtay.jobs.worker import Worker
    with WorkerLock() as worker_id:
        return Worker(worker_id).run_ready()


def ask(client, province, kind="reports.summaries_xlsx", year=YEAR) -> PreparedFile:
    resp = client.post(reverse("jobs:file_new"), {"kind": kind, "unit": province.pk, "year": year})
    assert resp.status_code == 302, resp.content[:300]
    f = PreparedFile.objects.latest("id")
    assert resp["Location"] == reverse("jobs:file", args=[f.pk])
    return f


def stored(settings) -> list[str]:
    d = settings.DATA_DIR / "files"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def test_the_reports_page_of_a_province_offers_the_large_files(as_province_officer, province):
    page = as_province_officer.get(reverse("reports:unit", args=[province.pk]) + f"?year={YEAR}").content.decode()
    assert 'id="prepared"' in page and reverse("jobs:file_new") in page
    for kind in ("reports.posting_lists_zip", "reports.posting_lists_xlsx", "reports.summaries_xlsx"):
        assert f'value="{kind}"' in page
    assert "bị xóa khỏi máy chủ sau 24 giờ" in page


def test_a_summary_workbook_is_queued_made_by_the_worker_and_downloaded(as_province_officer, province_officer,
                                                                       province, settings):
    f = ask(as_province_officer, province)
    assert (f.status, f.user, f.unit, f.params) == ("queued", province_officer, province, {"year": YEAR})
    assert AuditEvent.objects.filter(action="file.request", object_id=str(f.pk), actor=province_officer,
                                     unit=province).exists()
    page = as_province_officer.get(reverse("jobs:file", args=[f.pk])).content.decode()
    assert "Đang chờ" in page and "Chưa có tiến trình xử lý nền nào đang chạy" in page    # no worker in this test
    assert as_province_officer.get(reverse("jobs:file_download", args=[f.pk])).status_code == 404   # not yet
    assert stored(settings) == []

    assert run_queued() == 1
    f.refresh_from_db()
    assert (f.status, f.progress, f.attempt) == ("done", 100, 1)
    assert f.expires_at - f.finished_at == files.RETENTION == timedelta(hours=24)
    path = files.final_path(f)
    assert stored(settings) == [path.name]                       # no .part left behind
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    state = as_province_officer.get(reverse("jobs:file_json", args=[f.pk])).json()
    assert (state["status"], state["finished"], state["download"]) == ("done", True,
                                                                      reverse("jobs:file_download", args=[f.pk]))
    page = as_province_officer.get(reverse("jobs:file", args=[f.pk])).content.decode()
    assert "Tệp đã sẵn sàng" in page and 'id="download"' in page

    resp = as_province_officer.get(reverse("jobs:file_download", args=[f.pk]))
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store, private"
    assert f'filename="bieu-tong-hop-tinh-va-cac-xa-{data.slug(province.full_name)}-{YEAR}.xlsx"' in \
        resp["Content-Disposition"]
    content = b"".join(resp.streaming_content)
    assert content == path.read_bytes()
    assert AuditEvent.objects.filter(action="file.download", object_id=str(f.pk), actor=province_officer).count() == 1
    # the province sheet equals the province's own summary; each commune sheet equals the commune's
    wb = load_workbook(io.BytesIO(content), data_only=True)
    own = readback.xlsx_rows(xlsx.summary_xlsx(data.summary(province_officer, province, YEAR)))
    assert [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)] == own
    from chungtay.reports.prepared import communes_with_results
    communes = communes_with_results(province_officer, province, YEAR)
    assert len(wb.worksheets) == 1 + len(communes) > 2
    c = communes[0]
    assert [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)] == readback.xlsx_rows(
        xlsx.summary_xlsx(data.summary(province_officer, c, YEAR)))


def test_the_province_posting_lists_hold_every_commune_list(as_province_officer, province_officer, province):
    import zipfile
    f = ask(as_province_officer, province, "reports.posting_lists_zip")
    g = ask(as_province_officer, province, "reports.posting_lists_xlsx")
    assert run_queued() == 2
    f.refresh_from_db()
    g.refresh_from_db()
    assert f.status == g.status == "done"
    from chungtay.reports.prepared import communes_with_results
    communes = communes_with_results(province_officer, province, YEAR)
    z = zipfile.ZipFile(files.final_path(f))
    assert len(z.namelist()) == len(communes)
    c = communes[0]
    text = readback.pdf_text(z.read(f"danh-sach-ho-ngheo-ho-can-ngheo-{data.slug(c.full_name)}-{YEAR}.pdf"))
    pl = data.posting_list(province_officer, c, YEAR)
    assert "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025" in text and c.name in text
    assert all(r.head_name in text for s in pl.sections for r in s.rows)
    wb = load_workbook(files.final_path(g), data_only=True)
    assert len(wb.worksheets) == len(communes)
    sheet = "\n".join(" | ".join("" if v is None else str(v) for v in r) for r in wb.worksheets[0].iter_rows(values_only=True))
    assert sum(len(s.rows) for s in pl.sections) > 10
    assert all(r.head_name in sheet for s in pl.sections for r in s.rows)


def test_a_file_is_its_requesters_alone(client, as_province_officer, admin_user, province_officer, commune_officer,
                                        province):
    f = ask(as_province_officer, province)
    run_queued()
    for other in (admin_user, commune_officer):             # even the national administrator
        client.force_login(other)
        for name in ("jobs:file", "jobs:file_json", "jobs:file_download"):
            assert client.get(reverse(name, args=[f.pk])).status_code == 404, (other, name)
        assert f.pk not in [r.pk for r in client.get(reverse("jobs:files")).context["files"]]
    # and only while the unit is in the requester's area
    client.force_login(province_officer)
    assert client.get(reverse("jobs:file_download", args=[f.pk])).status_code == 200
    province_officer.assignments.update(unit=commune_officer.assignments.get().unit)
    assert client.get(reverse("jobs:file_download", args=[f.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="file.download", object_id=str(f.pk)).count() == 1


def test_outside_the_area_or_a_wrong_kind_answers_404(client, as_commune_officer, province, my_commune):
    url = reverse("jobs:file_new")
    # a commune officer cannot ask for the province's files
    assert as_commune_officer.post(url, {"kind": "reports.summaries_xlsx", "unit": province.pk,
                                         "year": YEAR}).status_code == 404
    # the large files are made for provinces; an unknown kind, a bad year or unit: 404
    for form in ({"kind": "reports.summaries_xlsx", "unit": my_commune.pk, "year": YEAR},
                 {"kind": "nope", "unit": my_commune.pk, "year": YEAR},
                 {"kind": "reports.summaries_xlsx", "unit": my_commune.pk, "year": "abc"},
                 {"kind": "reports.summaries_xlsx", "unit": "", "year": YEAR},
                 {"kind": "reports.summaries_xlsx", "unit": my_commune.pk, "year": 99999}):
        assert as_commune_officer.post(url, form).status_code == 404, form
    assert as_commune_officer.get(url).status_code == 405
    assert not PreparedFile.objects.exists()


def test_a_double_click_makes_one_file(as_province_officer, province):
    f = ask(as_province_officer, province)
    assert ask(as_province_officer, province).pk == f.pk
    assert run_queued() == 1


def test_a_year_without_results_fails_and_says_why(as_province_officer, province, settings):
    f = ask(as_province_officer, province, year=2001)
    run_queued()
    f.refresh_from_db()
    assert f.status == "failed" and "Không có kết quả rà soát năm 2001" in f.message
    page = as_province_officer.get(reverse("jobs:file", args=[f.pk])).content.decode()
    assert "Không tạo được tệp" in page and "2001" in page
    assert stored(settings) == []


def test_a_builder_that_crashes_leaves_no_part_file(as_province_officer, province, settings, monkeypatch):
    def crash(user, unit, params, out, progress):
        out.write(b"half a file")
        raise RuntimeError("boom")
    kind = files.KINDS["reports.summaries_xlsx"]
    import dataclasses
    monkeypatch.setitem(files.KINDS, kind.name, dataclasses.replace(kind, build=crash))
    f = ask(as_province_officer, province)
    run_queued()
    f.refresh_from_db()
    assert f.status == "failed" and f.message.startswith("Lỗi hệ thống, không tạo được tệp (RuntimeError)")
    assert stored(settings) == []
    assert as_province_officer.get(reverse("jobs:file_download", args=[f.pk])).status_code == 404


def test_files_are_deleted_after_the_retention_period(as_province_officer, province, settings):
    f = ask(as_province_officer, province)
    run_queued()
    f.refresh_from_db()
    path = files.final_path(f)
    # a part file of no running job and a file no row names (a crash in between), both old
    (path.parent / "0123abcd.part").write_bytes(b"x")
    (path.parent / "4567cdef.xlsx").write_bytes(b"x")
    old = (timezone.now() - timedelta(hours=2)).timestamp()
    for p in path.parent.iterdir():
        os.utime(p, (old, old))
    assert files.cleanup() == {"expired": 0, "orphans": 2, "rows": 0}
    assert path.exists()                                          # still within 24 h
    assert files.cleanup(now=timezone.now() + timedelta(hours=25))["expired"] == 1
    f.refresh_from_db()
    assert f.status == "expired" and not path.exists() and stored(settings) == []
    assert as_province_officer.get(reverse("jobs:file_download", args=[f.pk])).status_code == 404
    page = as_province_officer.get(reverse("jobs:file", args=[f.pk])).content.decode()
    assert "Tệp đã bị xóa" in page and "24" in page
    # the rows go after 30 days
    assert files.cleanup(now=timezone.now() + timedelta(days=31))["rows"] == 1
    assert not PreparedFile.objects.filter(pk=f.pk).exists()


def test_the_worker_housekeeping_runs_the_cleanup(db):
    from chungtay.jobs import housekeeping
    assert "chungtay.jobs.tasks.cleanup" in housekeeping.CLEANUPS
    assert set(housekeeping.run()["chungtay.jobs.tasks.cleanup"]) == {"expired", "orphans", "rows", "idempotent_writes"}


def test_the_pages_speak_english_when_switched(as_province_officer, province):
    f = ask(as_province_officer, province)
    as_province_officer.cookies["chungtay_lang"] = "en"
    state = as_province_officer.get(reverse("jobs:file_json", args=[f.pk])).json()
    assert (state["status_label"], state["message"]) == ("Queued", "Queued")
