"""The programme catalogue is data: loaded after migrate, idempotent, a new programme is a new
file, names and the provisional mark come from the files, funding shares are exact integers."""
import json
import shutil

import pytest

from chungtay.support import catalogue, funding
from chungtay.support.models import CatalogueFile, ProgrammePart


def test_loaded_after_migrate_with_the_seven_projects(db):
    p = ProgrammePart.objects.get(code="GNBV2125")
    assert (p.start_year, p.end_year, p.provisional) == (2021, 2025, False) and "90/QĐ-TTg" in p.legal_basis
    projects = list(ProgrammePart.objects.filter(parent=p).values_list("code", flat=True))
    assert projects == [f"GNBV2125.DA{i}" for i in range(1, 8)]
    assert ProgrammePart.objects.get(code="GNBV2125.DA3.TDA2").name_vi == "Tiểu dự án 2: Cải thiện dinh dưỡng"
    assert not ProgrammePart.objects.get(code="GNBV2125.DA4.TDA2").verified          # [BK] in the notes
    merged = ProgrammePart.objects.get(code="MTQG2635")
    assert merged.provisional and (merged.start_year, merged.end_year) == (2026, 2035)
    assert ProgrammePart.objects.get(code="MTQG2635.GD1").provisional
    assert ProgrammePart.objects.get(code="QVNN").kind == "other_source"


def test_loading_again_changes_nothing(db):
    c = catalogue.load()
    assert c.created == c.updated == c.retired == 0 and c.unchanged == ProgrammePart.objects.count()


def test_a_new_programme_is_a_new_file_and_a_removed_part_is_kept(db, tmp_path):
    for f in catalogue.DATA_DIR.glob("*.json"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "kt-2026.json").write_text(json.dumps({
        "code": "KT2630", "file_version": "1", "kind": "provincial_programme", "name_vi": "Chương trình tỉnh",
        "name_en": "Province programme", "period": [2026, 2030], "legal_basis": "NQ 1/2026", "provisional": True,
        "parts": [{"code": "A", "name_vi": "Nội dung A", "name_en": "Part A"}]}), encoding="utf-8")
    c = catalogue.load(tmp_path)
    assert c.created == 2 and ProgrammePart.objects.get(code="KT2630.A").programme.code == "KT2630"
    assert CatalogueFile.objects.get(name="kt-2026.json").file_version == "1"
    (tmp_path / "kt-2026.json").unlink()
    c = catalogue.load(tmp_path)
    assert c.retired == 2 and not ProgrammePart.objects.get(code="KT2630").in_catalogue


@pytest.mark.parametrize("doc, why", [
    ({"code": "X", "file_version": "1", "name_vi": "x", "name_en": "x", "period": [2025, 2021]}, "thời kỳ"),
    ({"code": "X.Y", "file_version": "1", "name_vi": "x", "name_en": "x", "period": [2021, 2025]}, "mã không hợp lệ"),
    ({"code": "X", "file_version": "1", "name_vi": "x", "name_en": "", "period": [2021, 2025]}, "name_en"),
    ({"code": "X", "file_version": "1", "name_vi": "x", "name_en": "x", "period": [2021, 2025],
      "parts": [{"code": "A", "name_vi": "a", "name_en": "a", "period": [2020, 2022]}]}, "ngoài thời kỳ"),
    ({"code": "X", "name_vi": "x", "name_en": "x", "period": [2021, 2025]}, "file_version"),
])
def test_a_bad_file_is_refused_with_its_name(tmp_path, doc, why):
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=why) as e:
        catalogue.read(tmp_path)
    assert "bad.json" in str(e.value)


@pytest.mark.parametrize("value, entries, shares, amounts", [
    (20_000_000, [("NSTW", 70, True), ("HO", 30, True)], [70, 30], [14_000_000, 6_000_000]),
    (10, [("A", 33, True), ("B", 33, True), ("C", 34, True)], [33, 33, 34], [3, 3, 4]),
    (3, [("A", 1, False), ("B", 1, False), ("C", 1, False)], [34, 33, 33], [1, 1, 1]),
    (0, [("NSTW", 100, True)], [100], [0]),
])
def test_funding_shares_and_amounts_are_exact_integers(value, entries, shares, amounts):
    lines = funding.split(value, entries)
    assert [ln.share for ln in lines] == shares and [ln.amount for ln in lines] == amounts
    assert sum(ln.amount for ln in lines) == value and sum(ln.share for ln in lines) == 100


@pytest.mark.parametrize("text, why", [("NSTW 70%; HO 20%", "90%"), ("NSTW 70%; HO 6000000", "không trộn"),
                                       ("NSTW 50%; NSTW 50%", "hai lần"), ("bò", "Không hiểu"), ("", "ít nhất")])
def test_funding_errors(text, why):
    with pytest.raises(funding.FundingError, match=why):
        funding.split(20_000_000, funding.parse(text))
