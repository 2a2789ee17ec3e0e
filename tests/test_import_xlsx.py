"""Excel import (issue 3 §4): all or nothing, a per-row report in Vietnamese, idempotent,
codes kept as text, Vietnamese text normalised, citizen ID numbers never echoed."""
import logging
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied

from chungtay.accounts.models import AuditEvent
from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household, Member, YearSummary
from chungtay.imports.engine import Villages, fast_fold
from chungtay.core import fmt
from tests.test_import_support import (
    ID_AN, ID_BINH, ID_CUONG, ID_DUNG, MEMBER_HEAD, REVIEW_HEAD, YEAR, db_counts, good_rows, run, ticks,
    villages_of, write_csv, write_xlsx,
)


@pytest.fixture
def villages(my_commune):
    return villages_of(my_commune)


@pytest.fixture
def sheets(my_commune, villages):
    v = Villages.of(my_commune)
    return good_rows(v.label(villages[0].id), villages[1].code)


@pytest.fixture
def good_file(tmp_path, sheets):
    return write_xlsx(tmp_path / "danh_sach.xlsx", sheets)


def problems_of(out):
    return [(p.sheet, p.row, p.column, p.value, p.reason) for p in out.problems]


def test_it_imports_a_good_xlsx_keeping_leading_zeros(commune_officer, my_commune, villages, good_file):
    before = db_counts()
    out = run(commune_officer, my_commune, good_file)
    assert out.ok, problems_of(out)
    assert out.counts == {"households": {"created": 3, "updated": 0, "unchanged": 0},
                          "members": {"created": 7, "updated": 0, "unchanged": 0},
                          "reviews": {"created": 3, "updated": 0, "unchanged": 0}}
    after = db_counts()
    assert (after["households"] - before["households"], after["members"] - before["members"],
            after["assessments"] - before["assessments"], after["audit"] - before["audit"]) == (3, 7, 3, 1)

    a = Household.objects.get(code="001201")          # the leading zeros survived
    assert a.village == villages[0] and a.commune == my_commune and a.province == my_commune.parent
    assert a.head_name == "Nguyễn Văn An" and not a.ethnic_minority and not a.is_urban
    assert a.address == "Số 1, đường Trần Phú"
    members = list(a.members.order_by("member_no"))
    assert [(m.member_no, m.full_name, m.relation) for m in members] == [
        (1, "Nguyễn Văn An", "head"), (2, "Lê Thị Bình", "spouse"), (3, "Nguyễn Văn Cường", "child")]
    assert members[0].citizen_id_masked == "•••••••••456" and ID_AN not in members[0].citizen_id_encrypted
    assert (members[1].sex, members[1].birth_year, members[1].schooling, members[1].work,
            members[1].health_insurance) == ("F", 1982, "lower_secondary", "wage", True)
    assert a.search_text == fmt.fold("001201 Nguyễn Văn An Lê Thị Bình Nguyễn Văn Cường")

    b = Household.objects.get(code="001202")
    assert b.ethnic_minority and b.head_name == "A Thút"
    assert b.members.get(full_name="Y Hoa").disability
    c = Household.objects.get(code="001203")
    assert c.village == villages[1] and c.is_urban          # found by village code; khu_vuc = thành thị

    ra = Assessment.objects.get(household=a, year=YEAR)
    assert (ra.category, ra.deprivation_count, ra.basis, ra.income, ra.version, ra.is_current) == \
        ("poor", 3, "income", 1_200_000, 1, True)
    assert ra.pledged_escape and ra.recorded_by == commune_officer and ra.standard == "2021-2025"
    assert (ra.village, ra.commune, ra.legacy_commune) == (a.village, my_commune, a.village.legacy_parent)
    rb = Assessment.objects.get(household=b, year=YEAR)
    assert (rb.category, rb.income, rb.ethnic_minority) == ("poor", 900_000, True)   # "900.000" read as VND
    assert Assessment.objects.get(household=c, year=YEAR).category == "above_average"

    # the drill-down counts include them at once (summary refreshed for the touched villages)
    s = YearSummary.objects.get(year=YEAR, village=villages[0], legacy_commune=villages[0].legacy_parent)
    assert s.total == Assessment.objects.filter(year=YEAR, village=villages[0], is_current=True,
                                                kind="periodic").count()
    ev = AuditEvent.objects.filter(action="import.apply").latest("id")
    assert ev.actor == commune_officer and ev.unit == my_commune
    assert ev.changes["files"] == ["danh_sach.xlsx"] and ev.changes["counts"]["members"]["created"] == 7


def test_it_rejects_a_bad_row_and_writes_nothing(commune_officer, my_commune, sheets, tmp_path, caplog):
    sheets["Ho"][2][1] = "Thôn Không Có"                   # row 3: unknown village
    sheets["NhanKhau"][4][6] = "06221011122"               # row 5: 11 digits
    sheets["RaSoat"][3][6] = 2                             # row 4, column 'x (nutrition)': not 0/1
    path = write_xlsx(tmp_path / "loi.xlsx", sheets)
    before = db_counts()
    with caplog.at_level(logging.DEBUG):
        out = run(commune_officer, my_commune, path)
    assert not out.ok
    assert db_counts() == before                            # nothing written, not even an audit row
    assert not Household.objects.filter(code__startswith="00120").exists()
    found = problems_of(out)
    assert ("Ho", 3, "Thôn", "Thôn Không Có", "Không có thôn/tổ dân phố này trong xã") in found
    assert ("NhanKhau", 5, "Số CCCD", "••••••••122", "Số CCCD phải gồm đúng 12 chữ số") in found
    assert ("RaSoat", 4, "x (nutrition)", "2", "Chỉ số phải là 0 hoặc 1") in found
    # the rows of household 001202 in the other sheets are not reported again (its Ho row is)
    assert all(p[1] != 5 or p[0] != "RaSoat" for p in found)
    assert len(found) == 3, found
    assert "06221011122" not in str(found) and "06221011122" not in caplog.text


def test_every_kind_of_bad_value_is_named(commune_officer, my_commune, villages, sheets, tmp_path):
    v = sheets["Ho"][1][1]
    sheets["Ho"] += [["001201", v, "", ""],                                 # 5: duplicate code
                     ["", v, "", ""],                                      # 6: no code
                     ["001209", v, "", "miền núi"],                        # 7: bad area
                     ["001210", v, "", ""]]                                # 8: new household, no member
    sheets["NhanKhau"] += [
        ["001202", "Đinh Văn Tèo", "Nam", 1990, "Xơ Đăng", "Chủ hộ", "", "", "", "", ""],   # 9: 2nd head
        ["001299", "Ai Đó", "Nam", 1990, "Kinh", "Con", "", "", "", "", ""],               # 10: unknown hh
        ["001203", "Trần Văn Út", "Nam", 3000, "Kinh", "Con", "", "", "", "", ""],         # 11: year
        ["001203", "Trần Văn Út", "Nam", 1999, "Kinh", "Em", "", "hay", "", "", ""],       # 12: relation, bhyt
        ["001203", "Trần Văn Út", "Nam", 1980, "Kinh", "Con", ID_AN, "", "", "", ""],      # 13: ID again
        ["001203", "Trần Văn Út", "Nam", 1999, "Kinh", "Con", "062199000111", "", "", "", ""],  # 14: sex
    ]
    sheets["RaSoat"] += [["001203", YEAR, "nhiều", "", *ticks(), ""],      # 5: income not a number
                         ["001202", YEAR, 1_000_000, "", *ticks(), ""],    # 6: second answer
                         ["001201", 2015, 1_000_000, "", *ticks(), ""],    # 7: no standard
                         ["001201", 2023, -5, "", *ticks(), ""]]           # 8: negative income
    path = write_xlsx(tmp_path / "nhieu_loi.xlsx", sheets)
    before = db_counts()
    out = run(commune_officer, my_commune, path)
    assert not out.ok and db_counts() == before
    got = {(p.sheet, p.row, p.column): p.reason for p in out.problems}
    assert got[("Ho", 5, "Mã hộ")] == "Mã hộ trùng với dòng 2"
    assert got[("Ho", 6, "Mã hộ")] == "Thiếu mã hộ"
    assert got[("Ho", 7, "Khu vực")] == "Khu vực phải là 'nông thôn' hoặc 'thành thị'"
    assert "chưa có thành viên" in got[("Ho", 8, "Mã hộ")]
    assert "nhiều hơn một chủ hộ (đã có ở dòng 5)" in got[("NhanKhau", 9, "Quan hệ")]
    assert got[("NhanKhau", 10, "Mã hộ")].startswith("Không có hộ mã này")
    assert got[("NhanKhau", 11, "Năm sinh")].startswith("Năm sinh phải là số nguyên từ 1900")
    assert got[("NhanKhau", 12, "Quan hệ")].startswith("Quan hệ với chủ hộ phải là một trong: Chủ hộ")
    assert got[("NhanKhau", 12, "BHYT")] == "BHYT phải là 'Có' hoặc 'Không'"
    assert got[("NhanKhau", 13, "Số CCCD")] == "Số CCCD trùng với dòng 2"
    assert got[("NhanKhau", 14, "Số CCCD")] == "Số CCCD không khớp với giới tính"
    assert got[("RaSoat", 5, "Thu nhập")] == "Thu nhập phải là số (đồng/người/tháng)"
    assert got[("RaSoat", 6, "Mã hộ")] == f"Hộ đã có kết quả rà soát năm {YEAR} ở dòng 3"
    assert got[("RaSoat", 7, "Năm")] == "Không có chuẩn nghèo áp dụng cho năm 2015"
    assert got[("RaSoat", 8, "Thu nhập")] == "Thu nhập không được âm"
    assert [p.row for p in out.problems if p.sheet == "Ho"] == sorted(p.row for p in out.problems if p.sheet == "Ho")
    assert ID_AN not in str(problems_of(out))


def test_a_household_needs_exactly_one_head(commune_officer, my_commune, sheets, tmp_path):
    sheets["NhanKhau"][6][5] = "Con"                       # 001203 loses its head (row 7)
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets))
    assert not out.ok
    assert [(p.sheet, p.row, p.column, p.reason) for p in out.problems] == [
        ("NhanKhau", 7, "Quan hệ", "Hộ 001203 chưa có chủ hộ: cần đúng một người có quan hệ 'Chủ hộ'")]


def test_reimporting_the_same_file_changes_nothing(commune_officer, my_commune, good_file):
    first = run(commune_officer, my_commune, good_file)
    assert first.ok
    counts = db_counts()
    snapshot = list(Member.objects.filter(household__code__startswith="00120")
                    .order_by("id").values_list("id", "full_name", "citizen_id_encrypted"))
    again = run(commune_officer, my_commune, good_file)
    assert again.ok and again.changed == 0
    assert again.counts == {"households": {"created": 0, "updated": 0, "unchanged": 3},
                            "members": {"created": 0, "updated": 0, "unchanged": 7},
                            "reviews": {"created": 0, "updated": 0, "unchanged": 3}}
    assert {k: v for k, v in db_counts().items() if k != "audit"} == \
        {k: v for k, v in counts.items() if k != "audit"}
    assert db_counts()["audit"] == counts["audit"] + 1      # the import itself is recorded
    assert list(Member.objects.filter(household__code__startswith="00120")
                .order_by("id").values_list("id", "full_name", "citizen_id_encrypted")) == snapshot
    for code in ("001201", "001202", "001203"):
        assert Household.objects.filter(code=code).count() == 1
        assert Assessment.objects.filter(household__code=code, year=YEAR).count() == 1


def test_a_changed_file_updates_and_keeps_history(commune_officer, my_commune, sheets, tmp_path, villages):
    assert run(commune_officer, my_commune, write_xlsx(tmp_path / "v1.xlsx", sheets)).ok
    old = Assessment.objects.get(household__code="001202", year=YEAR)
    sheets["RaSoat"][2][2] = 3_000_000                     # 001202: income corrected
    sheets["NhanKhau"][5][1] = "Y Hoa Mai"                 # member without an ID: renamed -> new person
    sheets["NhanKhau"][1][1] = "Nguyễn Văn Ân"             # member with an ID: renamed in place
    sheets["Ho"][2][2] = "Làng Mới"
    sheets["NhanKhau"].append(["001203", "Trần Bé Na", "Nữ", 2020, "Kinh", "Cháu", "", "", "", "", ""])
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "v2.xlsx", sheets))
    assert out.ok, problems_of(out)
    assert out.counts["households"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert out.counts["members"] == {"created": 2, "updated": 1, "unchanged": 5}
    assert out.counts["reviews"] == {"created": 0, "updated": 1, "unchanged": 2}
    old.refresh_from_db()
    new = Assessment.objects.get(household__code="001202", year=YEAR, is_current=True)
    assert (old.version, old.is_current, new.version, new.category) == (1, False, 2, "above_average")
    a = Household.objects.get(code="001201")
    assert a.head_name == "Nguyễn Văn Ân" and a.members.get(member_no=1).citizen_id_masked == "•••••••••456"
    assert Household.objects.get(code="001202").address == "Làng Mới"
    c = Household.objects.get(code="001203")
    assert [m.member_no for m in c.members.all()] == [1, 2, 3] and "tran be na" in c.search_text
    # the import never deletes: the old spelling of the renamed member without an ID stays
    assert Household.objects.get(code="001202").members.count() == 3


def test_large_updates_take_the_bulk_path(commune_officer, my_commune, sheets, tmp_path, monkeypatch):
    """(On PostgreSQL many updates go through a temporary table: forced here for a few rows.)"""
    from chungtay.imports import engine
    monkeypatch.setattr(engine, "UPDATE_VIA_TEMP_TABLE", 1)
    sheets["NhanKhau"][1][6] = ""
    assert run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets)).ok
    sheets["NhanKhau"][1][6] = ID_AN
    for r in sheets["NhanKhau"][1:]:
        r[1] = r[1] + " Em" if r[5] == "Con" else r[1]
    sheets["Ho"][1][2] = "Địa chỉ mới"
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "b.xlsx", sheets))
    assert out.ok and out.counts["households"]["updated"] == 1
    assert Household.objects.get(code="001201").address == "Địa chỉ mới"
    assert Member.objects.get(household__code="001201", member_no=1).citizen_id_masked == "•••••••••456"
    assert Household.objects.get(code="001201").members.filter(full_name="Nguyễn Văn Cường Em").exists()


def test_a_member_without_id_is_matched_by_name_and_year_and_gets_its_id(commune_officer, my_commune, sheets,
                                                                          tmp_path):
    sheets["NhanKhau"][1][6] = ""                          # An imported without his ID …
    assert run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets)).ok
    sheets["NhanKhau"][1][6] = ID_AN                       # … then with it: the same person, updated
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "b.xlsx", sheets))
    assert out.ok and out.counts["members"] == {"created": 0, "updated": 1, "unchanged": 6}
    m = Member.objects.get(household__code="001201", member_no=1)
    assert m.citizen_id_masked == "•••••••••456"
    from chungtay.households import protect
    assert m.citizen_id_digest == protect.digest(ID_AN)


def test_the_csv_variant_detects_each_table_by_its_header(commune_officer, my_commune, sheets, tmp_path):
    ho = write_csv(tmp_path / "ho.csv", sheets["Ho"])
    nk = write_csv(tmp_path / "nhan_khau.csv", sheets["NhanKhau"], delimiter=";")   # Excel, Vietnamese locale
    rs = write_csv(tmp_path / "ra_soat.csv", sheets["RaSoat"], encoding="utf-8")
    out = run(commune_officer, my_commune, rs, nk, ho)
    assert out.ok, problems_of(out)
    assert out.counts["households"]["created"] == 3 and out.counts["members"]["created"] == 7
    assert Household.objects.filter(code="001201").exists()           # codes stay text in CSV too
    # the same data as xlsx afterwards changes nothing
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "x.xlsx", sheets))
    assert out.ok and out.changed == 0


def test_csv_errors_name_the_file_and_row(commune_officer, my_commune, sheets, tmp_path):
    sheets["NhanKhau"][2][2] = "Không rõ"
    nk = write_csv(tmp_path / "nk.csv", sheets["NhanKhau"])
    ho = write_csv(tmp_path / "ho.csv", sheets["Ho"])
    out = run(commune_officer, my_commune, ho, nk)
    assert not out.ok and not Household.objects.filter(code="001201").exists()
    assert problems_of(out) == [("nk.csv", 3, "Giới tính", "Không rõ", "Giới tính phải là 'Nam' hoặc 'Nữ'")]


def test_vietnamese_text_is_normalised(commune_officer, my_commune, sheets, tmp_path):
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Văn  An ")
    assert nfd != unicodedata.normalize("NFC", nfd)
    sheets["NhanKhau"][1][1] = nfd
    sheets["NhanKhau"][4][4] = unicodedata.normalize("NFD", "xơ đăng")   # any case, decomposed
    sheets["NhanKhau"][4][5] = unicodedata.normalize("NFD", "CHỦ HỘ")
    sheets["Ho"][1][2] = unicodedata.normalize("NFD", " Số 1,  đường Trần Phú ")
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "nfd.xlsx", sheets))
    assert out.ok, problems_of(out)
    a = Household.objects.get(code="001201")
    assert a.head_name == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", a.head_name)
    assert a.address == "Số 1, đường Trần Phú"
    b = Household.objects.get(code="001202")
    assert b.members.get(member_no=1).ethnicity == "Xơ Đăng" and b.ethnic_minority
    # and the NFC spelling is the same person: re-importing it changes nothing
    sheets["NhanKhau"][1][1] = "Nguyễn Văn An"
    assert run(commune_officer, my_commune, write_xlsx(tmp_path / "nfc.xlsx", sheets)).changed == 0


def test_numbers_typed_into_code_cells_keep_their_digits(commune_officer, my_commune, sheets, tmp_path):
    for sheet in ("Ho", "NhanKhau", "RaSoat"):
        for row in sheets[sheet][1:]:
            row[0] = row[0].replace("00120", "77120")
    sheets["NhanKhau"][4][6] = 62075000777.0       # an ID typed as a number: the leading zero is lost
    path = write_xlsx(tmp_path / "so.xlsx", sheets, text_columns=())   # codes written as numbers
    out = run(commune_officer, my_commune, path)
    assert [(p.row, p.column, p.value) for p in out.problems] == [(5, "Số CCCD", "••••••••777")]
    assert "định dạng cột là Văn bản" in out.problems[0].reason
    sheets["NhanKhau"][4][6] = ID_DUNG
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "so2.xlsx", sheets, text_columns=("Số CCCD",)))
    assert out.ok, problems_of(out)
    assert Household.objects.filter(code="771201").exists()          # not "771201.0"


def test_a_commune_officer_cannot_import_into_another_commune(commune_officer, other_commune, good_file,
                                                              village_head, my_commune):
    before = db_counts()
    with pytest.raises(PermissionDenied):
        run(commune_officer, other_commune, good_file)
    with pytest.raises(PermissionDenied):
        run(village_head, my_commune, good_file)          # a village head does not import for the commune
    assert db_counts() == before


def test_a_household_code_of_another_commune_is_refused(commune_officer, my_commune, other_commune, sheets,
                                                        tmp_path):
    foreign = Household.objects.filter(commune=other_commune).order_by("id").first()
    sheets["Ho"][3][0] = foreign.code
    for r in sheets["NhanKhau"][1:] + sheets["RaSoat"][1:]:
        if r[0] == "001203":
            r[0] = foreign.code
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "f.xlsx", sheets))
    assert not out.ok
    assert [(p.sheet, p.row, p.reason) for p in out.problems] == [
        ("Ho", 4, "Mã hộ không dùng được (đã được dùng cho một hộ khác): hãy chọn mã khác")]
    foreign.refresh_from_db()
    assert foreign.commune == other_commune


def test_members_and_answers_can_be_added_to_existing_households(commune_officer, my_commune, tmp_path):
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    n_members = hh.members.count()
    rows = {"NhanKhau": [MEMBER_HEAD, [hh.code, "Bé Mới Sinh", "Nữ", 2026, "Kinh", "Con", "", "", "", "", ""]],
            "RaSoat": [REVIEW_HEAD, [hh.code, 2026, 1_000_000, "", *ticks("employment"), ""]]}
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "them.xlsx", rows))
    assert out.ok, problems_of(out)
    assert hh.members.count() == n_members + 1
    assert hh.members.order_by("-member_no").first().member_no == n_members + 1
    a = Assessment.objects.get(household=hh, year=2026, is_current=True)
    assert a.category == "near_poor"
    assert a.version == Assessment.objects.filter(household=hh, year=2026).count()


def test_versions_follow_record_assessment(commune_officer, my_commune, sheets, tmp_path):
    assert run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets)).ok
    hh = Household.objects.get(code="001203")
    hh_actions.record_assessment(commune_officer, hh, year=YEAR, income=500_000, _round_ok=True,   # a re-check
                                 deprived=["employment", "nutrition", "latrine"], reason="phúc tra")
    # the file still says 4,000,000: importing it again makes version 3, the current one
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "b.xlsx", sheets))
    assert out.ok and out.counts["reviews"] == {"created": 0, "updated": 1, "unchanged": 2}
    versions = list(Assessment.objects.filter(household=hh, year=YEAR).order_by("version")
                    .values_list("version", "is_current", "category"))
    assert versions == [(1, False, "above_average"), (2, False, "poor"), (3, True, "above_average")]


def test_score_a_needs_a_standard_with_score_thresholds(commune_officer, my_commune, sheets, tmp_path):
    sheets["RaSoat"][1][2], sheets["RaSoat"][1][3] = "", 120       # 001201 by score A (2021–2025: ok)
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets))
    assert out.ok, problems_of(out)
    a = Assessment.objects.get(household__code="001201", year=YEAR)
    assert (a.basis, a.score_a, a.income, a.category) == ("score_a", 120.0, None, "poor")


def test_a_locked_round_refuses_new_results(commune_officer, my_commune, sheets, tmp_path):
    from chungtay.reviews.models import ReviewRound
    ReviewRound.objects.update_or_create(commune=my_commune, year=YEAR, kind="periodic",
                                         defaults={"province": my_commune.parent, "state": "locked"})
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets))
    assert not out.ok
    assert {(p.sheet, p.reason) for p in out.problems} == {
        ("RaSoat", f"Đợt rà soát năm {YEAR} của xã đã khóa: điều chỉnh qua rà soát thường xuyên")}
    assert not Household.objects.filter(code="001201").exists()


def test_dry_run_counts_and_writes_nothing(commune_officer, my_commune, good_file):
    before = db_counts()
    out = run(commune_officer, my_commune, good_file, dry_run=True)
    assert out.ok and out.dry_run and out.counts["members"]["created"] == 7
    assert db_counts() == before


def test_an_unknown_sheet_or_file_type_is_reported(commune_officer, my_commune, tmp_path):
    path = write_xlsx(tmp_path / "khac.xlsx", {"GhiChu": [["Nội dung"], ["xin chào"]]})
    out = run(commune_officer, my_commune, path)
    assert not out.ok and "Không tìm thấy bảng" in out.problems[0].reason
    txt = tmp_path / "a.txt"
    txt.write_text("x")
    out = run(commune_officer, my_commune, txt)
    assert not out.ok and "Không hỗ trợ loại tệp" in out.problems[0].reason


def test_a_missing_required_column_is_reported_on_row_1(commune_officer, my_commune, sheets, tmp_path):
    sheets["NhanKhau"] = [r[:2] + r[3:] for r in sheets["NhanKhau"]]     # no 'Giới tính'
    sheets["RaSoat"] = [r[:4 + 2] + r[4 + 3:] for r in sheets["RaSoat"]]  # no 'nutrition' column
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets))
    got = [(p.sheet, p.row, p.column, p.reason) for p in out.problems]
    assert ("NhanKhau", 1, "Giới tính", "Thiếu cột bắt buộc 'Giới tính' (gioi_tinh)") in got
    assert ("RaSoat", 1, "nutrition", f"Thiếu cột chỉ số 'nutrition' của chuẩn 2021-2025 (dùng cho năm {YEAR})") \
        in got


def test_fast_fold_is_fmt_fold():
    samples = ["Nguyễn Văn Ấn", unicodedata.normalize("NFD", "Đặng Thị Ánh Tuyết"), "A  Thút\t", "ΣΟΦΙΑ",
               "İstanbul", "x\u00a0y", "Ơ Đu", "Hồ Chí Minh", ""]
    for s in samples:
        assert fast_fold(s) == fmt.fold(s), s


def test_citizen_ids_never_reach_the_audit_trail(commune_officer, my_commune, good_file):
    assert run(commune_officer, my_commune, good_file).ok
    dump = " ".join(str(e.changes) for e in AuditEvent.objects.filter(action="import.apply"))
    for cid in (ID_AN, ID_BINH, ID_CUONG, ID_DUNG):
        assert cid not in dump


def test_a_sheet_without_its_required_columns_is_reported_once(commune_officer, my_commune, sheets, tmp_path):
    sheets["Ho"] = [r[:1] for r in sheets["Ho"]]                          # no 'Thôn' column at all
    out = run(commune_officer, my_commune, write_xlsx(tmp_path / "a.xlsx", sheets))
    assert [(p.sheet, p.row, p.reason) for p in out.problems] == [
        ("Ho", 1, "Thiếu cột bắt buộc 'Thôn' (thon)")]                  # not once per member row as well
