"""Evidence files: kept with mode 0600 under the data folder, served only inside the area."""
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungtay.support import evidence
from chungtay.support.models import Evidence, Support
from tests.support_helpers import household_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def hh(village_head):
    return household_in(village_head.assignments.get().unit)


def _post(client, hh, upload, **extra):
    data = {"part": "GNBV2125.DA5", "kind": "house", "description": "Nhà Đại đoàn kết", "quantity": "1",
            "unit_of_measure": "căn", "value_vnd": "40.000.000", "funding": "NSTW 50%; QVNN 50%", "date": "2024-08-01",
            "status": "delivered", "provider": f"u{hh.commune_id}", "document_no": "BB-01", "member": ""}
    data.update(extra)
    if upload is not None:
        data["evidence"] = upload
    return client.post(f"/support/households/{hh.pk}/new/", data)


def test_the_photo_is_stored_0600_and_served_only_in_the_area(data_dir, client, commune_officer, other_commune_officer,
                                                               village_head, province_officer, hh):
    client.force_login(commune_officer)
    r = _post(client, hh, SimpleUploadedFile("Nguyen Van A.png", PNG))
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Support.objects.get(household=hh, document_no="BB-01")
    ev = s.evidence
    path = data_dir / "support-evidence" / ev.stored_name
    assert path.read_bytes() == PNG and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / "support-evidence").stat().st_mode) == 0o700
    assert "Nguyen" not in ev.stored_name and ev.content_type == "image/png"
    for user, code in ((commune_officer, 200), (village_head, 200), (province_officer, 200), (other_commune_officer, 404)):
        client.force_login(user)
        r = client.get(f"/support/evidence/{ev.pk}/")
        assert r.status_code == code, user
        if code == 200:
            assert b"".join(r.streaming_content) == PNG and r["Cache-Control"] == "private, no-store"


def test_a_file_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_kept(data_dir, client, commune_officer, hh):
    client.force_login(commune_officer)
    r = _post(client, hh, SimpleUploadedFile("x.png", b"<script>alert(1)</script>"))
    assert r.status_code == 200 and "JPEG, PNG hoặc PDF" in r.content.decode()
    assert not Support.objects.filter(household=hh, document_no="BB-01").exists()
    assert not Evidence.objects.exists() or not list((data_dir / "support-evidence").glob("*"))


def test_a_bad_support_leaves_no_file_behind(data_dir, client, commune_officer, hh):
    client.force_login(commune_officer)
    r = _post(client, hh, SimpleUploadedFile("a.png", PNG), funding="NSTW 50%; QVNN 40%")
    assert r.status_code == 200 and "90%" in r.content.decode()
    assert list((data_dir / "support-evidence").glob("*")) == []
    assert not Evidence.objects.filter(village=hh.village).exists()


def test_store_refuses_a_household_outside_the_area(data_dir, other_commune_officer, hh):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        evidence.store(other_commune_officer, hh, SimpleUploadedFile("a.png", PNG))
