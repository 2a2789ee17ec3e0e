"""The boundary examples of poverty-standards.md, through all three paths:
single classification, the vectorised evaluator and the `chungtay classify` command."""
import numpy as np
import pyarrow as pa
import pytest

from chungtay.cli import main
from chungtay.core import ClassificationError, classify, get_standard
from chungtay.core.tables import classify_table
from chungtay.core.vector import category_names, classify_arrays

# (standard, area, income, deprivation count, expected category)
EXAMPLES = [
    ("2021-2025", "rural", 1_500_000, 3, "poor"),          # both bounds inclusive
    ("2021-2025", "rural", 1_500_001, 12, "average"),      # income decides first
    ("2016-2020", "urban", 900_000, 0, "poor"),            # first tier needs no deprivation
    ("2016-2020", "urban", 1_000_000, 2, "near_poor"),
    ("2016-2020", "urban", 1_000_000, 3, "poor"),
    ("2026-2030", "rural", 2_000_000, 2, "near_poor"),
]


def _deprived(code, d):
    return get_standard(code).indicator_codes[:d]


@pytest.mark.parametrize("code,area,income,d,expected", EXAMPLES)
def test_single_path(code, area, income, d, expected):
    r = classify(get_standard(code), area=area, income=income, deprived=_deprived(code, d))
    assert r.category == expected
    assert r.deprivation_count == d


@pytest.mark.parametrize("code,area,income,d,expected", EXAMPLES)
def test_vectorised_path(code, area, income, d, expected):
    s = get_standard(code)
    out = classify_arrays(s, np.array([area == "urban"]), np.array([float(income)]), None, np.array([d]))
    assert category_names(out)[0] == expected


def test_missing_income_and_score_is_an_explicit_error():
    with pytest.raises(ClassificationError, match="neither"):
        classify(get_standard("2021-2025"), area="rural", deprived=())


def test_missing_income_and_score_is_rejected_by_the_table_path():
    s = get_standard("2021-2025")
    t = pa.table({"household_id": ["1"], "area": ["rural"], "income": pa.array([None], pa.float64()),
                  **{c: [0] for c in s.indicator_codes}})
    with pytest.raises(ValueError, match="neither given at row 2"):
        classify_table(t, s)


@pytest.mark.parametrize("code", sorted({e[0] for e in EXAMPLES}))
def test_command_path(tmp_path, code):
    s = get_standard(code)
    rows = [e for e in EXAMPLES if e[0] == code]
    lines = ["household_id,area,income," + ",".join(s.indicator_codes)]
    for i, (_, area, income, d, _) in enumerate(rows):
        ticks = ["1" if j < d else "0" for j in range(len(s.indicator_codes))]
        lines.append(f"H{i:03d},{area},{income}," + ",".join(ticks))
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["classify", str(src), "--standard", code, "-o", str(out)]) == 0
    import csv
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [g["category"] for g in got] == [e[4] for e in rows]
    assert [int(g["deprivation_count"]) for g in got] == [e[3] for e in rows]
    assert {g["standard"] for g in got} == {code}


def test_explanation_names_income_line_area_and_deprivations():
    r = classify(get_standard("2021-2025"), area="rural", income=1_200_000,
                 deprived={"employment", "nutrition", "latrine", "telecom"})
    assert r.explanation_vi.startswith("Hộ nghèo: thu nhập 1.200.000 đ ≤ chuẩn nghèo 1.500.000 đ (nông thôn)")
    assert "thiếu hụt 4 chỉ số (≥ 3): Việc làm, Dinh dưỡng, Nhà tiêu hợp vệ sinh" in r.explanation_vi
    assert r.explanation_en.startswith("Poor: income 1,200,000 VND ≤ poverty line 1,500,000 VND (rural)")


def test_near_poor_explanation_says_why_not_poor():
    r = classify(get_standard("2016-2020"), area="rural", income=800_000, deprived={"latrine", "telecom"})
    assert r.category == "near_poor"
    assert "800.000 đ > chuẩn nghèo 700.000 đ" in r.explanation_vi
    assert "≤ chuẩn cận nghèo 1.000.000 đ" in r.explanation_vi
    assert "thiếu hụt 2 chỉ số (< 3)" in r.explanation_vi


def test_score_a_thresholds_2021_2025():
    s = get_standard("2021-2025")
    three = s.indicator_codes[:3]
    assert classify(s, area="rural", score_a=140, deprived=three).category == "poor"
    assert classify(s, area="rural", score_a=140, deprived=three[:2]).category == "near_poor"
    assert classify(s, area="rural", score_a=141, deprived=three).category == "average"
    assert classify(s, area="urban", score_a=175, deprived=three).category == "poor"
    assert classify(s, area="rural", score_a=100, deprived=()).basis == "score_a"


def test_score_a_is_refused_where_thresholds_are_not_confirmed():
    with pytest.raises(ClassificationError, match="điểm A"):
        classify(get_standard("2016-2020"), area="rural", score_a=100)
