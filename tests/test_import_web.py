"""Import pages: upload, background job with progress, result or error table, template download,
and scope (a job is its user's alone; no import into another commune)."""
import io
import os
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from chungtay.households.models import Assessment, Household, Member
from chungtay.imports import actions
from chungtay.imports.engine import Villages
from chungtay.imports.models import ImportJob
from tests.test_import_support import ID_AN, db_counts, good_rows, villages_of, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def sheets(my_commune):
    vs = villages_of(my_commune)
    v = Villages.of(my_commune)
    return good_rows(v.label(vs[0].id), vs[1].code, prefix="00130")


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)


def run_queued() -> int:
    """Run the queued tasks as `chungtay worker` would, in this process (its connection, so inside
    the test's transaction); the number of tasks run."""
    from chungtay.jobs.liveness import WorkerLock
    from chungtay.jobs.worker import Worker
    with WorkerLock() as worker_id:
        return Worker(worker_id).run_ready()


def run_sync(client, commune, path, **extra):
    """POST the upload (which queues the job's task), then run the queue here."""
    before = set(ImportJob.objects.values_list("id", flat=True))
    resp = client.post(reverse("imports:upload"), {"commune": commune.pk, "files": upload(path), **extra})
    assert resp.status_code == 302, resp.content[:500]
    job = ImportJob.objects.exclude(id__in=before).get()
    assert resp["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == "queued" and job.task_id
    assert run_queued() == 1
    job.refresh_from_db()
    return job


def test_the_upload_page_offers_the_template(as_commune_officer, my_commune):
    resp = as_commune_officer.get(reverse("imports:upload"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Nhập dữ liệu từ Excel" in html and reverse("imports:template") in html
    assert my_commune.full_name in html            # a commune officer has one commune: no choice to make


def test_the_job_page_shows_progress_then_the_counts(as_commune_officer, commune_officer, my_commune, sheets,
                                                     tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", sheets)
    # a pk of its own: the side file lives in DATA_DIR, which the parallel test workers share
    job = ImportJob.objects.create(pk=700_000 + os.getpid() % 100_000, user=commune_officer, commune=my_commune,
                                   status="validating", progress=42,
                                   message="Đang kiểm tra nhân khẩu",        # as the worker writes it
                                   files=[{"name": "ds.xlsx", "path": "x", "size": 1}])
    resp = as_commune_officer.get(reverse("imports:job", args=[job.pk]))
    page = resp.content.decode()
    assert resp.status_code == 200 and 'style="width: 42%"' in page and "Đang kiểm tra nhân khẩu" in page
    assert reverse("imports:job_json", args=[job.pk]) in page and "imports/job.js" in page
    data = as_commune_officer.get(reverse("imports:job_json", args=[job.pk])).json()
    assert (data["status"], data["progress"], data["finished"]) == ("validating", 42, False)
    # inside its write transaction the worker reports progress in a side file (docs/jobs.md)
    from chungtay.jobs.progress import side_path
    ImportJob.objects.filter(pk=job.pk).update(status="applying")
    side_path(f"import-{job.pk}").write_text("63\tĐang ghi nhân khẩu", encoding="utf-8")
    try:
        data = as_commune_officer.get(reverse("imports:job_json", args=[job.pk])).json()
        assert (data["status"], data["progress"], data["message"]) == ("applying", 63, "Đang ghi nhân khẩu")
    finally:
        side_path(f"import-{job.pk}").unlink()

    job = run_sync(as_commune_officer, my_commune, path)
    assert job.status == "done" and job.progress == 100 and job.error_total == 0
    assert job.counts["households"]["created"] == 3
    assert Household.objects.filter(code="001301").exists()
    resp = as_commune_officer.get(reverse("imports:job", args=[job.pk]))
    page = resp.content.decode()
    assert "Đã nhập" in page and "Thêm mới" in page and 'style="width: 100%"' in page
    data = as_commune_officer.get(reverse("imports:job_json", args=[job.pk])).json()
    assert data["status"] == "done" and data["finished"] and data["counts"]["members"]["created"] == 7
    # the uploaded file (which holds ID numbers) is gone once the job ends
    from django.conf import settings
    assert not any((settings.DATA_DIR / f["path"]).exists() for f in job.files)

    again = run_sync(as_commune_officer, my_commune, path)
    page = as_commune_officer.get(reverse("imports:job", args=[again.pk])).content.decode()
    assert again.status == "done" and "Không có gì thay đổi" in page


def test_the_job_page_lists_ignored_columns(as_commune_officer, my_commune, sheets, tmp_path):
    sheets["Ho"] = [r + [x] for r, x in zip(sheets["Ho"], ["Ghi chú", "a", "b", "c"])]
    job = run_sync(as_commune_officer, my_commune, write_xlsx(tmp_path / "ghichu.xlsx", sheets))
    assert job.status == "done"
    page = as_commune_officer.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Đã bỏ qua các cột không nhận ra (Ho): Ghi chú" in page


def test_a_bad_file_shows_the_error_table_and_its_download(as_commune_officer, my_commune, sheets, tmp_path):
    sheets["NhanKhau"][1][6] = ID_AN[:-1]                     # 11 digits
    before = db_counts()
    job = run_sync(as_commune_officer, my_commune, write_xlsx(tmp_path / "loi.xlsx", sheets))
    assert job.status == "failed" and job.error_total == 1
    assert db_counts()["households"] == before["households"]
    page = as_commune_officer.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Không nhập được — chưa ghi gì" in page and "Số CCCD phải gồm đúng 12 chữ số" in page
    assert ID_AN[:-1] not in page and "••••••••345" in page
    resp = as_commune_officer.get(reverse("imports:job_errors", args=[job.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    rows = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_index(0).to_python()
    assert ["Bảng/tệp", "Dòng", "Cột", "Giá trị", "Lý do"] in rows
    assert ["NhanKhau", 2.0, "Số CCCD", "••••••••345", "Số CCCD phải gồm đúng 12 chữ số"] in rows
    assert ID_AN[:-1] not in json.dumps(job.errors)


def test_a_commune_officer_cannot_import_into_another_commune(as_commune_officer, other_commune, sheets,
                                                              tmp_path):
    before = ImportJob.objects.count()
    resp = as_commune_officer.post(reverse("imports:upload"),
                                   {"commune": other_commune.pk, "files": upload(write_xlsx(tmp_path / "a.xlsx",
                                                                                            sheets))})
    assert resp.status_code in (403, 404)
    assert ImportJob.objects.count() == before


def test_a_village_head_has_no_import_page(client, village_head):
    client.force_login(village_head)
    assert client.get(reverse("imports:upload")).status_code == 403


def test_jobs_are_visible_only_to_their_user(client, commune_officer, other_commune_officer, my_commune,
                                             province_officer):
    job = ImportJob.objects.create(user=commune_officer, commune=my_commune, status="done", progress=100,
                                   files=[{"name": "a.xlsx", "path": "x", "size": 1}])
    for other in (other_commune_officer, province_officer):
        client.force_login(other)
        for name in ("imports:job", "imports:job_json", "imports:job_errors"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
    client.force_login(commune_officer)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 200


@pytest.fixture
def two_commune_officer(db, my_commune, other_commune):
    """A poverty officer working for two communes (only commune officers import: docs/roles.md)."""
    from django.contrib.auth import get_user_model

    from chungtay.accounts.models import Assignment
    u = get_user_model().objects.create_user("xa-hai-xa")
    for c in (my_commune, other_commune):
        Assignment.objects.create(user=u, unit=c, role="commune_officer")
    return u


def test_an_officer_of_two_communes_chooses_the_commune(client, two_commune_officer, my_commune, other_commune,
                                                         sheets, tmp_path):
    client.force_login(two_commune_officer)
    page = client.get(reverse("imports:upload")).content.decode()
    assert f'<option value="{my_commune.pk}">' in page and f'<option value="{other_commune.pk}">' in page
    job = run_sync(client, my_commune, write_xlsx(tmp_path / "p.xlsx", sheets))
    assert job.status == "done" and job.user == two_commune_officer
    assert Household.objects.get(code="001301").commune == my_commune


def test_the_upload_form_explains_what_is_missing(client, two_commune_officer):
    client.force_login(two_commune_officer)
    resp = client.post(reverse("imports:upload"), {})
    page = resp.content.decode()
    assert resp.status_code == 200 and "Hãy chọn xã cần nhập" in page and "Hãy chọn tệp" in page


def test_the_template_downloads_and_a_filled_copy_imports(as_commune_officer, commune_officer, my_commune,
                                                            tmp_path):
    resp = as_commune_officer.get(reverse("imports:template") + "?nam=2024")
    assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    path = tmp_path / "mau.xlsx"
    path.write_bytes(resp.content)
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == ["Ho", "NhanKhau", "RaSoat", "HuongDan"]
    head = {n: wb.get_sheet_by_name(n).to_python()[0] for n in ("Ho", "NhanKhau", "RaSoat")}
    assert head["Ho"] == ["Mã hộ", "Thôn", "Địa chỉ", "Khu vực"]
    assert head["NhanKhau"][:3] == ["Mã hộ", "Họ tên", "Giới tính"] and "Số CCCD" in head["NhanKhau"]
    assert head["RaSoat"][:4] == ["Mã hộ", "Năm", "Thu nhập", "Điểm A"]
    assert "Việc làm (employment)" in head["RaSoat"] and head["RaSoat"][-1] == "Đăng ký thoát nghèo"
    guide = [c for row in wb.get_sheet_by_name("HuongDan").to_python() for c in row if isinstance(c, str)]
    assert any("Chủ hộ, Vợ, Chồng, Con" in c for c in guide)
    labels = dict(Villages.of(my_commune).labels())
    assert any(c in labels.values() for c in guide)             # the commune's villages are listed

    # the code columns are formatted as text, so typed leading zeros survive in Excel
    import openpyxl
    book = openpyxl.load_workbook(path)
    assert book["Ho"].column_dimensions["A"].number_format == "@"
    assert book["NhanKhau"].column_dimensions["G"].number_format == "@"
    # fill a few rows, as an officer would, and import it
    village = next(iter(labels.values()))
    ho, nk, rs = book["Ho"], book["NhanKhau"], book["RaSoat"]
    ho.append(["009901", village, "Thôn mẫu", "nông thôn"])
    nk.append(["009901", "Phạm Văn Mẫu", "Nam", 1985, "Kinh", "Chủ hộ", "062085999888", "Có", "THCS", "Không",
               "Nông nghiệp"])
    nk.append(["009901", "Phạm Thị Mẫu", "Nữ", 1987, "Kinh", "Vợ", "", "Có", "THPT", "", "Tự làm"])
    rs.append(["009901", 2024, 2_000_000, None] + [0] * 12 + ["Không"])
    book.save(path)
    out = actions.run_import(commune_officer, my_commune, [(path, "mau.xlsx")])
    assert out.ok, [p.as_list() for p in out.problems]
    assert out.counts["households"]["created"] == 1 and out.counts["members"]["created"] == 2
    assert Member.objects.get(household__code="009901", member_no=1).citizen_id_masked == "•••••••••888"
    assert Assessment.objects.get(household__code="009901").category == "average"


def test_the_template_for_a_year_without_standard_is_404(as_commune_officer):
    assert as_commune_officer.get(reverse("imports:template") + "?nam=1999").status_code == 404


# --- committed for real, outside the test transaction -------------------------------------

def test_the_upload_is_queued_and_a_worker_runs_it(django_db_blocker, client, tmp_path):
    """Outside the test transaction: the upload queues a task, a worker claims and runs it and the
    progress is read from the job's row; writes are real and removed at the end."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from chungtay.accounts.models import AuditEvent
    from chungtay.households import summary
    with django_db_blocker.unblock():
        user = get_user_model().objects.get(username="xa")
        commune = user.assignments.get().unit
        vs = villages_of(commune)
        sheets = good_rows(Villages.of(commune).label(vs[0].id), vs[1].code, prefix="00140")
        path = write_xlsx(tmp_path / "nen.xlsx", sheets)
        client.force_login(user)
        job = None
        try:
            resp = client.post(reverse("imports:upload"), {"files": upload(path)})   # the one commune
            assert resp.status_code == 302
            job = ImportJob.objects.filter(user=user).latest("id")
            data = client.get(reverse("imports:job_json", args=[job.pk])).json()
            assert data["status"] == "queued" and not data["finished"]
            assert run_queued() == 1
            job.refresh_from_db()
            assert job.status == "done", job.errors
            assert job.counts["members"]["created"] == 7 and job.attempt == 1
            data = client.get(reverse("imports:job_json", args=[job.pk])).json()
            assert data["finished"] and data["progress"] == 100
            assert Household.objects.filter(code__startswith="00140").count() == 3
            assert run_queued() == 0                       # the task ran once
            assert client.get(reverse("households")).status_code == 200
        finally:
            codes = list(Household.objects.filter(code__startswith="00140").values_list("id", flat=True))
            villages = set(Assessment.objects.filter(household_id__in=codes).values_list("year", "village_id"))
            Assessment.objects.filter(household_id__in=codes).delete()
            Member.objects.filter(household_id__in=codes).delete()
            Household.objects.filter(id__in=codes).delete()
            for year, vid in villages:
                summary.refresh(year, [vid])
            if job is not None:
                AuditEvent.objects.filter(action="import.apply", object_id=f"job:{job.pk}").delete()
                DBTaskResult.objects.filter(pk=job.task_id).delete()
                ImportJob.objects.filter(pk=job.pk).delete()
            client.logout()
            connection.close()
