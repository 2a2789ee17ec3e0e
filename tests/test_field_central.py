"""Reading a round's submissions from ODK Central's OData feed, against a local stand-in that answers
as Central documents (tests/stubs/odk_central.py): session login, paging by @odata.nextLink with a
$skiptoken, logout; errors in Vietnamese; credentials never logged."""
from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied

from chungtay.field import central
from chungtay.field.models import FieldSubmission
from chungtay.households.models import Assessment
from chungtay.reviews import actions as round_actions
from tests.stubs.odk_central import CentralStub, parse_skiptoken

YEAR = 2026
EMAIL, PASSWORD = "xa@example.org", "mat-khau-rat-bi-mat-2026"


@pytest.fixture
def rnd(commune_officer, my_commune):
    r = round_actions.open_round(commune_officer, my_commune, YEAR)
    round_actions.start_survey(commune_officer, r)
    return r


@pytest.fixture
def households(rnd):
    hhs = [e.household for e in rnd.members.filter(household__is_urban=False).select_related("household")
           .order_by("household__code")[:5]]
    assert len(hhs) == 5
    return hhs


def entry(code, income=None, score=None, deprived="khong", pledge="0"):
    """One submission as Central's OData gives it: the form's groups as nested objects."""
    return {"start": "2026-10-02T08:00:00.000+07:00", "end": "2026-10-02T08:20:00.000+07:00", "today": "2026-10-02",
            "deviceid": "collect:abc", "ho": {"thon": None, "ma_ho": code, "chu_ho": "x", "ten_thon": "y",
                                              "khu_vuc": "rural", "ket_qua_truoc": "–"},
            "thu_nhap_diem": {"can_cu": "score_a" if score is not None else "income", "thu_nhap": income,
                              "diem_a": score},
            "chi_so": {"thieu_hut": deprived, "so_thieu_hut": str(len(deprived.split()))},
            "dang_ky_thoat_ngheo": pledge, "ghi_chu": None, "ket_qua_tam": "poor", "ket_qua_tam_vi": "Hộ nghèo",
            "ket_qua_tam_en": "Poor"}


@pytest.fixture
def stub(rnd, households):
    with CentralStub(email=EMAIL, password=PASSWORD, project=7, form=f"chungtay_{rnd.commune.code}_{YEAR}") as s:
        a, b, c, d, e = households
        s.add("uuid:00000000-0000-4000-8000-000000000001", entry(a.code, 1_000_000, deprived="employment nutrition latrine"))
        s.add("uuid:00000000-0000-4000-8000-000000000002", entry(b.code, 1_499_999, deprived="telecom"))
        s.add("uuid:00000000-0000-4000-8000-000000000003", entry(c.code, score=140, deprived="housing_area water_source "
                                                                                         "adult_education"))
        s.add("uuid:00000000-0000-4000-8000-000000000004", entry(d.code, 3_500_000), review_state="approved")
        s.add("uuid:00000000-0000-4000-8000-000000000005", entry(e.code, 1), review_state="rejected")
        yield s


@pytest.fixture
def cfg(stub):
    return central.Config(stub.url, "7", EMAIL, PASSWORD)


def test_sync_reads_every_page_and_classifies(commune_officer, rnd, households, stub, cfg, caplog, monkeypatch):
    monkeypatch.setattr(central, "PAGE_SIZE", 2)
    caplog.set_level(logging.DEBUG)
    result = central.sync(commune_officer, rnd, cfg=cfg)
    assert result.ok, [p.as_list() for p in result.problems]
    a, b, c, d, e = households
    cats = {h.code: Assessment.objects.get(household=h, year=YEAR, kind="periodic", is_current=True).category
            for h in (a, b, c, d)}
    assert cats == {a.code: "poor", b.code: "near_poor", c.code: "poor", d.code: "above_average"}
    assert not Assessment.objects.filter(household=e, year=YEAR).exists()          # rejected on Central
    assert result.skipped == 1 and [r["row"] for r in result.imported] == [2, 3, 4, 5]   # newest first
    kept = set(FieldSubmission.objects.filter(round=rnd).values_list("instance_id", "source"))
    assert ("00000000-0000-4000-8000-000000000001", "central") in kept and len(kept) == 4
    # the protocol: login, three pages (2 + 2 + 1), each next page by its skiptoken, logout
    methods = [(m, p.split("?")[0]) for m, p, _ in stub.requests]
    assert stub.requests[-1][0] == "DELETE"
    session_token = stub.requests[-1][1].rsplit("/", 1)[1]
    feed = f"/v1/projects/7/forms/chungtay_{rnd.commune.code}_{YEAR}.svc/Submissions"
    assert methods[0] == ("POST", "/v1/sessions") and methods[1:4] == [("GET", feed)] * 3
    assert methods[4][0] == "DELETE" and methods[4][1].startswith("/v1/sessions/") and len(methods) == 5
    gets = [p for m, p, _ in stub.requests if m == "GET"]
    assert gets[0].endswith("?%24top=2") and "%24skiptoken=" in gets[1]
    from urllib.parse import parse_qs, urlsplit
    token = parse_qs(urlsplit(gets[1]).query)["$skiptoken"][0]
    assert parse_skiptoken(token) == "uuid:00000000-0000-4000-8000-000000000004"
    assert all(h.get("Authorization", "").startswith("Bearer ") for m, _, h in stub.requests if m == "GET")
    assert not stub.tokens                                    # the session was ended
    logged = caplog.text
    assert PASSWORD not in logged and EMAIL not in logged and "Bearer" not in logged
    assert session_token not in logged and "/v1/sessions/•••" in logged       # httpx's own request log
    assert "5 submissions read" in logged
    # again: nothing new is written
    n = Assessment.objects.count()
    again = central.sync(commune_officer, rnd, cfg=cfg)
    assert again.ok and again.imported == [] and again.already == 4 and Assessment.objects.count() == n


def test_sync_errors_are_clear(commune_officer, rnd, stub, cfg):
    with pytest.raises(central.CentralError) as e:
        central.sync(commune_officer, rnd, cfg=central.Config(stub.url, "7", EMAIL, "sai"))
    assert "từ chối đăng nhập" in e.value.vi and "sai" not in e.value.vi
    with pytest.raises(central.CentralError) as e:
        central.sync(commune_officer, rnd, cfg=cfg, form="khong_co")
    assert "Không tìm thấy trên ODK Central" in e.value.vi
    assert not stub.tokens                                    # logged out after the failure too
    with pytest.raises(central.CentralError) as e:
        central.sync(commune_officer, rnd, cfg=central.Config("http://127.0.0.1:1", "7", EMAIL, PASSWORD))
    assert "Không kết nối được máy chủ ODK Central (127.0.0.1:1)" in e.value.vi
    with pytest.raises(central.CentralError) as e:
        central.sync(commune_officer, rnd, cfg=central.Config("ftp://x", "7", EMAIL, PASSWORD))
    assert "không hợp lệ" in e.value.vi
    with pytest.raises(central.CentralError) as e:
        central.sync(commune_officer, rnd, cfg=central.Config(stub.url, "bảy", EMAIL, PASSWORD))
    assert "phải là số" in e.value.vi
    assert PASSWORD not in repr(cfg)
    assert not FieldSubmission.objects.exists()


def test_a_next_link_to_another_server_is_not_followed(commune_officer, rnd, stub, cfg, monkeypatch):
    """The bearer token goes only to the configured server."""
    import httpx

    def handler(request):
        if request.url.path == "/v1/sessions":
            return httpx.Response(200, json={"token": "t"})
        if request.method == "DELETE":
            return httpx.Response(200, json={"success": True})
        assert request.url.host == "central.example.org"
        return httpx.Response(200, json={"value": [], "@odata.nextLink": "https://evil.example.com/steal"})
    with pytest.raises(central.CentralError) as e:
        central.fetch(central.Config("https://central.example.org", "7", EMAIL, PASSWORD), "f",
                      transport=httpx.MockTransport(handler))
    assert "máy chủ khác" in e.value.vi


def test_not_configured_and_not_allowed(rnd, commune_officer, village_head, other_commune_officer, stub, cfg,
                                        monkeypatch):
    for k in ("URL", "PROJECT", "EMAIL", "PASSWORD", "FORM"):
        monkeypatch.delenv(f"CHUNGTAY_ODK_CENTRAL_{k}", raising=False)
    assert central.config() is None
    with pytest.raises(central.CentralError) as e:
        central.sync(commune_officer, rnd)
    assert "Chưa cấu hình máy chủ ODK Central" in e.value.vi
    for user in (village_head, other_commune_officer):
        with pytest.raises(PermissionDenied):
            central.sync(user, rnd, cfg=cfg)
    assert stub.requests == []                                # refused before any request


def test_command_line_sync_reads_the_environment(rnd, households, stub, monkeypatch, capsys):
    from chungtay.cli import main
    monkeypatch.setenv("CHUNGTAY_ODK_CENTRAL_URL", stub.url + "/")
    monkeypatch.setenv("CHUNGTAY_ODK_CENTRAL_PROJECT", "7")
    monkeypatch.setenv("CHUNGTAY_ODK_CENTRAL_EMAIL", EMAIL)
    monkeypatch.setenv("CHUNGTAY_ODK_CENTRAL_PASSWORD", PASSWORD)
    assert main(["field", "sync", str(rnd.pk), "--actor", "thon"]) == 2
    assert main(["field", "sync", str(rnd.pk), "--actor", "xa", "--form", "khac"]) == 2
    err = capsys.readouterr().err
    assert "Không tìm thấy trên ODK Central" in err and PASSWORD not in err
    assert main(["field", "sync", str(rnd.pk), "--actor", "xa"]) == 0
    out = capsys.readouterr().out
    assert "imported 4 submissions; 0 imported before; 1 rejected on the server (skipped)" in out
    assert FieldSubmission.objects.filter(round=rnd, source="central").count() == 4
