"""Standards are data: their JSON, the year mapping, and a new file with no code change."""
import json

import pytest

from chungtay.cli import main
from chungtay.core import StandardError, all_standards, classify, get_standard, standard_for_year
from chungtay.core.standards import BUILTIN_DIR, load_standard


@pytest.mark.parametrize("year,code", [(2016, "2016-2020"), (2021, "2016-2020"), (2022, "2021-2025"),
                                       (2026, "2021-2025"), (2027, "2026-2030"), (2030, "2026-2030")])
def test_year_to_standard(year, code):
    assert standard_for_year(year).code == code


def test_the_three_national_standards_have_their_indicators():
    assert [len(s.indicators) for s in all_standards()] == [10, 12, 12]
    assert "information_means" not in get_standard("2026-2030").indicator_codes
    assert "waste_treatment" in get_standard("2026-2030").indicator_codes
    assert get_standard("2026-2030").status == "provisional"


def test_show_json_has_the_documented_shape(capsys):
    assert main(["standards", "show", "2021-2025", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["code"] == "2021-2025"
    assert d["income_lines"]["rural"]["poverty"] == 1_500_000
    assert d["income_lines"]["urban"]["poverty"] == 2_000_000
    assert d["years"] == [2022, 2023, 2024, 2025, 2026]
    assert d["legal_basis"][0].startswith("Nghị định 07/2021")
    assert [i["code"] for i in d["indicators"]][:3] == ["employment", "dependants", "nutrition"]
    assert set(d["indicators"][0]) >= {"code", "dimension", "name_vi", "name_en"}


def test_list_prints_every_standard(capsys):
    assert main(["standards", "list"]) == 0
    out = capsys.readouterr().out
    assert all(c in out for c in ("2016-2020", "2021-2025", "2026-2030"))


def test_unknown_standard_exits_2(capsys):
    assert main(["standards", "show", "nope"]) == 2
    assert "unknown standard" in capsys.readouterr().err


def test_a_provincial_standard_is_a_new_file(tmp_path, monkeypatch):
    d = json.loads((BUILTIN_DIR / "2021-2025.json").read_text(encoding="utf-8"))
    d.update(code="2022-2025-79", scope="79", name_vi="Chuẩn nghèo TP.HCM", years=[2022, 2023, 2024, 2025])
    d["lines"]["poverty"]["urban"] = 2_500_000
    (tmp_path / "hcm.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("CHUNGTAY_STANDARDS_DIR", str(tmp_path))
    assert standard_for_year(2023, province="79").code == "2022-2025-79"
    assert standard_for_year(2023, province="51").code == "2021-2025"
    s = get_standard("2022-2025-79")
    three = s.indicator_codes[:3]
    assert classify(s, area="urban", income=2_400_000, deprived=three).category == "poor"
    assert classify(get_standard("2021-2025"), area="urban", income=2_400_000, deprived=three).category != "poor"


def test_a_malformed_standard_is_refused_with_its_file(tmp_path):
    d = json.loads((BUILTIN_DIR / "2021-2025.json").read_text(encoding="utf-8"))
    d["rules"][-1]["income_at_most"] = "average"
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(StandardError, match="bad.json.*last rule must be unconditional"):
        load_standard(p)
    d["rules"][0]["income_at_most"] = "nope"
    p.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(StandardError, match="unknown line 'nope'"):
        load_standard(p)
