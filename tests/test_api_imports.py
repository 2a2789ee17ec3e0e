"""Import jobs through the API: upload (imports.actions.create_job, as the upload page), the worker
runs the job, the status says done with its counts; a bad file's per-row errors are listed with
citizen ID numbers masked; another user sees none of it; a read key cannot upload."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungtay.households.models import Household
from chungtay.imports.engine import Villages
from tests.test_api_support import KeyClient
from tests.test_import_support import ID_AN, good_rows, villages_of, write_xlsx
from tests.test_import_web import XLSX, run_queued


@pytest.fixture
def sheets(my_commune, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    vs = villages_of(my_commune)
    return good_rows(Villages.of(my_commune).label(vs[0].id), vs[1].code, prefix="00150")


def upload(k, commune, path, **headers):
    return k.upload("/imports", {"commune": commune.pk, "files": SimpleUploadedFile(path.name, path.read_bytes(), XLSX)},
                    **headers)


def test_an_upload_is_queued_then_done_with_its_counts(commune_officer, other_commune_officer, my_commune, sheets,
                                                        tmp_path):
    k = KeyClient(commune_officer)
    ok = write_xlsx(tmp_path / "ok.xlsx", sheets)
    r = upload(k, my_commune, ok, HTTP_IDEMPOTENCY_KEY="up-1")
    assert r.status_code == 202, r.content
    job = r.json()
    assert job["status"] == "queued" and job["files"] == ["ok.xlsx"] and not job["finished"]
    again = upload(k, my_commune, ok, HTTP_IDEMPOTENCY_KEY="up-1")
    assert again.status_code == 202 and again.json()["id"] == job["id"]        # the same file: one job
    other_file = tmp_path / "other.xlsx"
    other_file.write_bytes(ok.read_bytes() + b"\0")
    assert upload(k, my_commune, other_file, HTTP_IDEMPOTENCY_KEY="up-1").status_code == 409
    assert run_queued() == 1
    done = k.get(f"/imports/{job['id']}").json()
    assert done["status"] == "done" and done["finished"] and done["counts"]["households"]["created"] == 3
    assert Household.objects.filter(code__startswith="00150").count() == 3
    assert [j["id"] for j in k.get("/imports").json()["items"]] == [job["id"]]
    other = KeyClient(other_commune_officer)
    assert other.get(f"/imports/{job['id']}").status_code == 404
    assert other.get("/imports").json()["items"] == []
    assert upload(other, my_commune, write_xlsx(tmp_path / "x.xlsx", sheets)).status_code == 404


def test_a_bad_file_lists_row_errors_with_ids_masked_and_writes_nothing(commune_officer, my_commune, sheets, tmp_path):
    sheets["NhanKhau"][1][6] = ID_AN[:-1] + "X"          # a broken citizen ID
    k = KeyClient(commune_officer)
    job = upload(k, my_commune, write_xlsx(tmp_path / "bad.xlsx", sheets)).json()
    run_queued()
    st = k.get(f"/imports/{job['id']}").json()
    assert st["status"] == "failed" and st["error_total"] >= 1
    errs = k.get(f"/imports/{job['id']}/errors", {"limit": 1}).json()
    assert errs["total"] == st["error_total"] and len(errs["items"]) == 1
    e = errs["items"][0]
    assert e["row"] == 2 and e["reason"] and ID_AN[:-1] not in str(errs)
    assert not Household.objects.filter(code__startswith="00150").exists()


def test_bad_uploads_are_refused_with_the_field(commune_officer, my_commune, sheets, tmp_path):
    k = KeyClient(commune_officer)
    r = k.upload("/imports", {"commune": my_commune.pk, "files": SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf")})
    assert r.status_code == 400 and r.json()["field"] == "files"
    village = my_commune.children.first()
    r = upload(k, village, write_xlsx(tmp_path / "ok.xlsx", sheets))
    assert r.status_code == 400 and r.json()["field"] == "commune"
    read = KeyClient(commune_officer, scope="read")
    assert upload(read, my_commune, write_xlsx(tmp_path / "ok.xlsx", sheets)).status_code == 403
