"""Bad input on the emulation forms answers the form again with Vietnamese messages, never a 500."""
import pytest

from tests.emulation_helpers import movement, scored


@pytest.fixture
def officer(client, commune_officer):
    from django.test import Client
    c = Client(raise_request_exception=False)
    c.force_login(commune_officer)
    return c


def _page(r):
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def test_launch_form(officer, my_commune):
    page = _page(officer.post("/emulation/", {"name": "P", "level": "commune", "unit": str(my_commune.pk),
                                               "decision_no": "1/KH", "decision_date": "2021-01-01", "issuer": "UBND",
                                               "start_year": "2025", "end_year": "2021"}))
    assert "Năm kết thúc trước năm bắt đầu" in page
    page = _page(officer.post("/emulation/", {"name": "P", "level": "province", "unit": str(my_commune.pk),
                                               "decision_no": "1/KH", "decision_date": "2021-01-01", "issuer": "UBND",
                                               "start_year": "2021", "end_year": "2025"}))
    assert "Đơn vị phát động phải đúng cấp" in page
    page = _page(officer.post("/emulation/", {"start_year": "abc", "decision_date": "31/02/2021", "unit": "x"}))
    assert "Trường này là bắt buộc" in page or "bắt buộc" in page


def test_registration_targets_and_pact_and_activity(officer, commune_officer, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    page = _page(officer.post(f"/emulation/{m.pk}/registrations/", {
        "participant": str(p1.pk), "year": "2025", "targets": "Hộ thoát nghèo, 3 hộ", "registered_on": "2025-02-01"}))
    assert "Dòng 1: cần &#x27;nội dung | đơn vị tính | giá trị kế hoạch&#x27;" in page
    page = _page(officer.post(f"/emulation/{m.pk}/registrations/", {
        "participant": str(p1.pk), "year": "2025", "targets": "Hộ thoát nghèo | hộ | ba", "registered_on": "2025-02-01"}))
    assert "Giá trị đăng ký phải là số" in page
    page = _page(officer.post(f"/emulation/{m.pk}/registrations/", {
        "participant": str(p1.pk), "year": "2030", "titles": "Thôn văn hóa", "registered_on": "2025-02-01"}))
    assert "ngoài thời gian của phong trào" in page
    page = _page(officer.post(f"/emulation/{m.pk}/pacts/", {
        "cluster": str(m.clusters.get().pk), "year": "2025", "title": "GU", "clauses": "1.", "signed_on": "2025-03-01",
        "parties": [str(p1.pk)]}))
    assert "Giao ước cần ít nhất hai bên" in page
    page = _page(officer.post(f"/emulation/{m.pk}/activities/", {
        "participant": str(p1.pk), "kind": "training", "title": "Tập huấn", "date": "2025-04-01", "reached": "90",
        "invited": "86"}))
    assert "Số tham gia (90) lớn hơn số được mời (86)" in page
    page = _page(officer.post(f"/emulation/{m.pk}/activities/", {
        "participant": str(p1.pk), "kind": "support", "title": "Vận động", "date": "2025-04-01", "supports": "12x"}))
    assert "không phải là số" in page
    page = _page(officer.post(f"/emulation/{m.pk}/activities/", {
        "participant": str(p1.pk), "kind": "support", "title": "Vận động", "date": "2025-04-01"}))
    assert "không nhập lại" in page
    page = _page(officer.post(f"/emulation/{m.pk}/activities/", {
        "participant": str(p1.pk), "kind": "communication", "title": "Pano", "date": "2025-04-01",
        "evidence": _file("a.txt", b"hello")}))
    assert "Tệp minh chứng phải là ảnh JPEG, PNG hoặc PDF" in page


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data)


def test_criteria_and_values(officer, commune_officer, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    page = _page(officer.post(f"/emulation/{m.pk}/criteria/", {"table": "{not json"}))
    assert "JSON không hợp lệ" in page
    page = _page(officer.post(f"/emulation/{m.pk}/criteria/", {"table": '{"code": "T", "name": "T", "bands": [], '
                              '"criteria": [{"code": "A", "column": "a", "points": 1, "kind": "percent"}]}'}))
    assert "Bảng tiêu chí không hợp lệ" in page and "loại (kind) không hợp lệ &#x27;percent&#x27;" in page
    page = _page(officer.post(f"/emulation/{m.pk}/criteria/", {"table": '{"code": "T", "name": "T", "bands": [], '
                              '"criteria": [{"code": "A", "column": "a", "points": 1, "kind": "boolean", "source": "x"}]}'}))
    assert "Nguồn dữ liệu không biết" in page
    page = _page(officer.post(f"/emulation/runs/{run.pk}/value/", {"participant": str(p1.pk), "criterion": "B1",
                                                                   "value": "nhiều"}))
    assert "Giá trị phải là số" in page
    page = _page(officer.post(f"/emulation/runs/{run.pk}/value/", {"participant": str(p1.pk), "criterion": "A1",
                                                                   "value": "5"}))
    assert "được tính từ số liệu của hệ thống" in page
    r = officer.post(f"/emulation/{m.pk}/runs/new/", {"criteria_set": "abc", "year": "x"})
    assert r.status_code == 302


def test_participant_form(officer, commune_officer, my_commune, other_commune):
    m = movement(commune_officer, my_commune)
    page = _page(officer.post(f"/emulation/{m.pk}/participants/", {"what": "participant", "kind": "household",
                                                                    "household_code": "KHONG-CO"}))
    assert "Không tìm thấy đối tượng trong địa bàn" in page
    page = _page(officer.post(f"/emulation/{m.pk}/participants/", {"what": "participant", "kind": "unit",
                                                                    "unit": str(other_commune.pk)}))
    assert "lựa chọn" in page.lower() or "không thuộc địa bàn" in page
    page = _page(officer.post(f"/emulation/{m.pk}/participants/", {"what": "cluster", "name": " ", "kind": "cluster"}))
    assert "bắt buộc" in page
