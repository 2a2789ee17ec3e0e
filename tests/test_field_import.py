"""Importing tablet submissions (KoboToolbox and ODK Central downloads) into a round's survey step:
classification, all or nothing with per-row Vietnamese errors, idempotency by instance ID, and who
may do it (docs/field.md)."""
from __future__ import annotations

import json
import pytest
from django.core.exceptions import PermissionDenied

from chungtay.accounts.models import AuditEvent
from chungtay.field import submissions as sub
from chungtay.field import xlsform
from chungtay.field.models import FieldSubmission
from chungtay.field.views import villages
from chungtay.households.models import Assessment
from chungtay.reviews import actions as round_actions
from chungtay.reviews.models import RoundHousehold
from tests.stubs import exports

YEAR = 2026          # standard 2021-2025 (income or score A; rural poverty line 1,500,000)
UUIDS = ("0d6bb2a5-7c1e-4a55-9d0e-3c1c1f1a0001", "0d6bb2a5-7c1e-4a55-9d0e-3c1c1f1a0002",
         "0d6bb2a5-7c1e-4a55-9d0e-3c1c1f1a0003")


@pytest.fixture
def rnd(commune_officer, my_commune):
    r = round_actions.open_round(commune_officer, my_commune, YEAR)
    round_actions.start_survey(commune_officer, r)
    return r


@pytest.fixture
def form(rnd):
    return xlsform.build(rnd, villages(rnd))


@pytest.fixture
def three(rnd):
    """Three rural households of the round (the expected categories use the rural lines)."""
    hhs = [e.household for e in rnd.members.filter(household__is_urban=False).select_related("household")
           .order_by("household__code")[:3]]
    assert len(hhs) == 3
    return hhs


def answers(three):
    a, b, c = three
    return [
        {"uuid": UUIDS[0], "values": {"ma_ho": a.code, "can_cu": "income", "thu_nhap": "1200000",
                                      "thieu_hut": "employment nutrition health_insurance", "dang_ky_thoat_ngheo": "0"}},
        {"uuid": UUIDS[1], "values": {"ma_ho": b.code, "can_cu": "income", "thu_nhap": "1400000.0",
                                      "thieu_hut": "employment", "dang_ky_thoat_ngheo": "1", "ghi_chu": "Có con nhỏ"}},
        {"uuid": UUIDS[2], "values": {"ma_ho": c.code, "can_cu": "score_a", "diem_a": "150", "thieu_hut": "khong",
                                      "dang_ky_thoat_ngheo": "0"}},
    ]


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def current(hh):
    return Assessment.objects.get(household=hh, year=YEAR, kind="periodic", is_current=True)


def _assert_classified(three, rnd):
    a, b, c = (current(h) for h in three)
    assert (a.category, a.basis, a.income, a.deprivation_count) == ("poor", "income", 1_200_000, 3)
    assert a.explanation_vi.startswith("Hộ nghèo: thu nhập 1.200.000 đ ≤ chuẩn nghèo 1.500.000 đ (nông thôn)")
    assert "Việc làm, Dinh dưỡng, Bảo hiểm y tế" in a.explanation_vi
    assert (b.category, b.income, b.deprivation_count, b.pledged_escape) == ("near_poor", 1_400_000, 1, True)
    assert "thiếu hụt 1 chỉ số (< 3): Việc làm" in b.explanation_vi
    assert "Có con nhỏ" in b.reason
    assert (c.category, c.basis, c.score_a, c.income, c.deprivation_count) == ("average", "score_a", 150, None, 0)
    assert "điểm A 150 > ngưỡng điểm A ứng với chuẩn nghèo 140" in c.explanation_vi
    steps = dict(rnd.members.filter(household__in=three).values_list("household_id", "step"))
    assert set(steps.values()) == {RoundHousehold.SURVEYED}


def test_kobo_csv_of_three_submissions_classifies_the_three_households(tmp_path, commune_officer, rnd, form, three):
    data = exports.to_csv(exports.kobo_rows(form, answers(three)), sep=";")      # Kobo's default separator
    before = Assessment.objects.count()
    result = sub.import_file(commune_officer, rnd, write(tmp_path, "ra_soat_kobo.csv", data), "ra_soat_kobo.csv")
    assert result.ok, [p.as_list() for p in result.problems]
    assert [r["code"] for r in result.imported] == [h.code for h in three]
    assert [r["category"] for r in result.imported] == ["poor", "near_poor", "average"]
    assert [r["row"] for r in result.imported] == [2, 3, 4]
    assert Assessment.objects.count() == before + 3
    _assert_classified(three, rnd)
    # instance IDs kept (without "uuid:"), linked to the round, the household and its result
    kept = {s.instance_id: s for s in FieldSubmission.objects.filter(round=rnd)}
    assert set(kept) == set(UUIDS)
    assert kept[UUIDS[0]].assessment == current(three[0]) and kept[UUIDS[0]].household == three[0]
    ev = AuditEvent.objects.filter(action="field.import", object_id=str(rnd.pk)).get()
    assert ev.changes["imported"] == 3 and ev.actor == commune_officer
    assert three[0].head_name not in json.dumps(ev.changes, ensure_ascii=False)


def test_kobo_xlsx_with_split_choice_columns_only(tmp_path, commune_officer, rnd, form, three):
    """Kobo's "details" option: one 0/1 column per indicator instead of the summary column."""
    rows = exports.kobo_rows(form, answers(three), multi="details")
    assert "chi_so/thieu_hut" not in rows[0] and "chi_so/thieu_hut/nutrition" in rows[0]
    result = sub.import_file(commune_officer, rnd, write(tmp_path, "kobo.xlsx", exports.to_xlsx(rows, form.settings["form_id"])),
                             "kobo.xlsx")
    assert result.ok, [p.as_list() for p in result.problems]
    _assert_classified(three, rnd)


def test_central_csv_with_dash_groups_and_rejected_submission(tmp_path, commune_officer, rnd, form, three):
    subs = answers(three)
    subs.append({"uuid": "ffffffff-0000-4000-8000-000000000009", "review": "rejected",
                 "values": {"ma_ho": three[0].code, "can_cu": "income", "thu_nhap": "9", "thieu_hut": "khong"}})
    rows = exports.central_rows(form, subs)
    assert rows[0][0] == "SubmissionDate" and "ho-ma_ho" in rows[0] and "KEY" in rows[0]
    result = sub.import_file(commune_officer, rnd, write(tmp_path, "submissions.csv", exports.to_csv(rows)),
                             "submissions.csv")
    assert result.ok, [p.as_list() for p in result.problems]
    assert result.skipped == 1 and len(result.imported) == 3
    _assert_classified(three, rnd)
    assert not FieldSubmission.objects.filter(instance_id="ffffffff-0000-4000-8000-000000000009").exists()


def test_importing_twice_writes_nothing_the_second_time(tmp_path, commune_officer, rnd, form, three):
    """Kobo's _uuid and Central's uuid:-prefixed instanceID of the same submissions are the same."""
    kobo = write(tmp_path, "kobo.csv", exports.to_csv(exports.kobo_rows(form, answers(three)), sep=";"))
    assert sub.import_file(commune_officer, rnd, kobo, "kobo.csv").ok
    n_assess, n_sub, n_audit = Assessment.objects.count(), FieldSubmission.objects.count(), AuditEvent.objects.count()
    versions = [current(h).version for h in three]
    again = sub.import_file(commune_officer, rnd, kobo, "kobo.csv")
    central = sub.import_file(commune_officer, rnd, write(tmp_path, "c.csv", exports.to_csv(
        exports.central_rows(form, answers(three)))), "c.csv")
    for r in (again, central):
        assert r.ok and r.imported == [] and r.already == 3
    assert (Assessment.objects.count(), FieldSubmission.objects.count()) == (n_assess, n_sub)
    assert [current(h).version for h in three] == versions
    assert AuditEvent.objects.count() == n_audit + 2           # each run is audited, nothing else written


def test_bad_file_gets_row_errors_and_writes_nothing(tmp_path, commune_officer, rnd, form, three, other_commune):
    from chungtay.households.models import Household
    stranger = Household.objects.filter(commune=other_commune).order_by("id").first()
    outside = Household.objects.filter(commune=rnd.commune).exclude(
        id__in=rnd.members.values("household_id")).order_by("id").first()
    good = answers(three)
    bad = [
        good[0],                                                                            # row 2: fine
        {"uuid": "b1", "values": {"ma_ho": three[1].code, "can_cu": "income", "thu_nhap": "-5", "thieu_hut": "employment"}},
        {"uuid": "b2", "values": {"ma_ho": three[2].code, "can_cu": "income", "thu_nhap": "abc", "thieu_hut": "flying"}},
        {"uuid": "b3", "values": {"ma_ho": stranger.code, "can_cu": "income", "thu_nhap": "100", "thieu_hut": "khong"}},
        {"uuid": "b4", "values": {"ma_ho": outside.code, "can_cu": "income", "thu_nhap": "100", "thieu_hut": "khong"}},
        {"uuid": "b5", "values": {"ma_ho": "", "can_cu": "score_a", "diem_a": "5000", "thieu_hut": ""}},
        {"uuid": UUIDS[0], "values": good[0]["values"]},                                     # row 8: same ID as row 2
        {"uuid": "b6", "values": {"ma_ho": three[0].code, "can_cu": "income", "thu_nhap": "1", "thieu_hut": "khong employment"}},
    ]
    before = (Assessment.objects.count(), FieldSubmission.objects.count(), AuditEvent.objects.count())
    result = sub.import_file(commune_officer, rnd, write(tmp_path, "xau.csv", exports.to_csv(exports.kobo_rows(form, bad), ";")),
                             "xau.csv")
    assert not result.ok
    got = {(p.row, p.column, p.reason) for p in result.problems}
    assert all(p.sheet == "xau.csv" for p in result.problems)
    assert (3, "thu_nhap_diem/thu_nhap", "Thu nhập không được âm") in got
    assert (4, "thu_nhap_diem/thu_nhap", "Thu nhập phải là số (đồng/người/tháng)") in got
    assert any(r == 4 and c == "chi_so/thieu_hut" and why.startswith("Không phải chỉ số của chuẩn năm nay") for r, c, why in got)
    # another commune's household and a household of the commune outside the round: the same answer
    assert (5, "ho/ma_ho", "Hộ không có trong danh sách của đợt rà soát này") in got
    assert (6, "ho/ma_ho", "Hộ không có trong danh sách của đợt rà soát này") in got
    assert (7, "ho/ma_ho", "Thiếu mã hộ") in got
    assert (7, "thu_nhap_diem/diem_a", "Điểm A phải từ 0 đến 1000") in got
    assert any(r == 7 and c == "chi_so/thieu_hut" and why.startswith("Chưa trả lời") for r, c, why in got)
    assert (8, "_uuid", "Mã phiếu trùng với dòng 2") in got
    assert (9, "ho/ma_ho", f"Hộ {three[0].code} đã có phiếu ở dòng 2 của tệp: mỗi hộ một phiếu mỗi lần nhập "
                           "(từ chối phiếu thừa trên máy chủ rồi tải lại)") in got
    assert (9, "chi_so/thieu_hut", "Không chọn 'khong' cùng với một chỉ số") in got
    assert stranger.code not in {p.value for p in result.problems if p.row != 5}
    assert (Assessment.objects.count(), FieldSubmission.objects.count(), AuditEvent.objects.count()) == before


def test_a_failure_while_writing_rolls_back_every_row(tmp_path, commune_officer, rnd, form, three):
    """The last household left the commune before the year: the action refuses it while writing,
    after the first two were written — and they are rolled back too."""
    from chungtay.households.models import Household
    Household.objects.filter(pk=three[2].pk).update(end_year=YEAR - 1, status="moved_away")
    before = (Assessment.objects.count(), FieldSubmission.objects.count())
    result = sub.import_file(commune_officer, rnd, write(tmp_path, "k.csv", exports.to_csv(
        exports.kobo_rows(form, answers(three)), ";")), "k.csv")
    assert not result.ok and result.imported == []
    assert [(p.row, p.value) for p in result.problems] == [(4, three[2].code)]
    assert "không còn trong địa bàn sau năm 2025" in result.problems[0].reason
    assert (Assessment.objects.count(), FieldSubmission.objects.count()) == before


def test_unreadable_and_foreign_files(tmp_path, commune_officer, rnd):
    labels = write(tmp_path, "labels.csv", "Chọn hộ;Thu nhập\nA;1\n".encode())
    r = sub.import_file(commune_officer, rnd, labels, "labels.csv")
    assert not r.ok and r.problems[0].row == 1 and "XML values and headers" in r.problems[0].reason
    r = sub.import_file(commune_officer, rnd, write(tmp_path, "x.pdf", b"%PDF-1.4"), "x.pdf")
    assert "Không hỗ trợ loại tệp '.pdf'" in r.problems[0].reason
    r = sub.import_file(commune_officer, rnd, write(tmp_path, "broken.xlsx", b"PK\x03\x04garbage"), "broken.xlsx")
    assert not r.ok and r.problems[0].sheet == "broken.xlsx" and r.problems[0].row == 0
    r = sub.import_file(commune_officer, rnd, write(tmp_path, "latin.csv", "ma_ho;KEY\nNguy\xe9n;1\n".encode("cp1258")),
                        "latin.csv")
    assert not r.ok and "UTF-8" in r.problems[0].reason


def test_who_may_import(tmp_path, rnd, form, three, village_head, other_commune_officer, province_officer,
                        commune_chairman, admin_user):
    path = write(tmp_path, "k.csv", exports.to_csv(exports.kobo_rows(form, answers(three)), ";"))
    for user in (village_head, other_commune_officer, province_officer, commune_chairman, admin_user):
        with pytest.raises(PermissionDenied):
            sub.import_file(user, rnd, path, "k.csv")
    assert not FieldSubmission.objects.exists()


def test_round_must_be_in_the_survey_step(tmp_path, commune_officer, my_commune, three, rnd, form):
    listing = round_actions.open_round(commune_officer, my_commune, YEAR + 1)
    r = sub.import_file(commune_officer, listing, write(tmp_path, "k.csv", exports.to_csv(
        exports.kobo_rows(form, answers(three)), ";")), "k.csv")
    assert not r.ok and "không ở bước rà soát, chấm điểm (hiện tại: Lập danh sách)" in r.problems[0].reason


def test_command_line_import_and_exit_status(tmp_path, commune_officer, rnd, form, three, capsys):
    from chungtay.cli import main
    good = write(tmp_path, "k.csv", exports.to_csv(exports.kobo_rows(form, answers(three)), ";"))
    assert main(["field", "import", str(rnd.pk), str(good), "--actor", "thon"]) == 2
    assert "thon:" in capsys.readouterr().err and not FieldSubmission.objects.exists()
    assert main(["field", "import", "999999", str(good), "--actor", "xa"]) == 2
    assert "no review round 999999" in capsys.readouterr().err
    assert main(["field", "import", str(rnd.pk), str(good), "--actor", "nobody"]) == 2
    assert "unknown user 'nobody'" in capsys.readouterr().err
    assert main(["field", "import", str(rnd.pk), str(tmp_path / "nope.csv"), "--actor", "xa"]) == 2
    assert "file not found" in capsys.readouterr().err
    bad = write(tmp_path, "bad.csv", exports.to_csv(exports.kobo_rows(form, [
        {"uuid": "z", "values": {"ma_ho": three[0].code, "thu_nhap": "-1", "thieu_hut": "khong"}}]), ";"))
    assert main(["field", "import", str(rnd.pk), str(bad), "--actor", "xa"]) == 2
    assert "bad.csv\t2\tthu_nhap_diem/thu_nhap\t-1\tThu nhập không được âm" in capsys.readouterr().err
    assert main(["field", "import", str(rnd.pk), str(good), "--actor", "xa", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["category"] for r in out["imported"]] == ["poor", "near_poor", "average"]
    assert main(["field", "import", str(rnd.pk), str(good), "--actor", "xa"]) == 0
    assert "imported 0 submissions; 3 imported before" in capsys.readouterr().out
    assert main(["field", "xlsform", str(rnd.pk), "-o", str(tmp_path / "f.xlsx"), "--list", str(tmp_path / "ho.csv")]) == 0
    assert f"form_id {form.settings['form_id']}" in capsys.readouterr().out
    assert (tmp_path / "f.xlsx").read_bytes()[:2] == b"PK"
    assert three[0].code in (tmp_path / "ho.csv").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["field", "xlsform", str(rnd.pk), "-o", str(tmp_path / "missing-folder" / "f.xlsx")])
    assert e.value.code == 2 and "does not exist" in capsys.readouterr().err
