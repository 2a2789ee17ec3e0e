"""core.emulation (issue 12 §5): each kind with its defaults, directions, caps, penalties, relative
within clusters, competition ranks, bands, unrounded scores, explanations and table checks."""
import numpy as np
import pyarrow as pa
import pytest

from chungtay.core import emulation as em


def table(*criteria, bands=(), code="T"):
    return em.parse_table({"code": code, "name": "Bảng thử", "criteria": list(criteria), "bands": list(bands)})


def crit(kind, column="v", points=10, code="C", **kw):
    return {"code": code, "column": column, "points": points, "kind": kind, **kw}


def scores(c, values, clusters=None):
    t = table(c)
    r = em.score(t, {c["column"]: values}, ids=[f"p{i}" for i in range(len(values))], clusters=clusters)
    return [p.scores[c["code"]] for p in r.participants]


# --------------------------------------------------------------------------- kinds

def test_boolean_points_only_when_one():
    assert scores(crit("boolean"), [1, 0, 2, -1, 1.0]) == [10, 0, 0, 0, 10]


def test_threshold_higher_by_default():
    c = crit("threshold", min=80)
    assert em.parse_table({"code": "T", "name": "n", "criteria": [c], "bands": []}).criteria[0].direction == "higher"
    assert scores(c, [79.99, 80, 95]) == [0, 10, 10]


def test_threshold_lower():
    assert scores(crit("threshold", min=0.05, direction="lower"), [0.04, 0.05, 0.06]) == [10, 10, 0]


def test_threshold_allows_float_noise_only():
    # 0.1 × 7 = 0.7000000000000001 in binary floating point; 0.7 - 1e-6 is really below
    assert scores(crit("threshold", min=0.7), [0.1 * 7, 0.7 - 1e-12, 0.7 - 1e-6]) == [10, 10, 0]


def test_ratio_default_cap_is_one():
    assert em.parse_table({"code": "T", "name": "n", "criteria": [crit("ratio", target=50)],
                           "bands": []}).criteria[0].cap == 1.0
    assert scores(crit("ratio", points=40, target=50), [0, 25, 50, 75, -5]) == [0, 20, 40, 40, 0]


def test_ratio_cap_above_one():
    assert scores(crit("ratio", points=40, target=50, cap=1.5), [25, 75, 100]) == [20, 60, 60]


def test_ratio_unrounded():
    [s] = scores(crit("ratio", points=10, target=3), [1])
    assert s == 10 * (1 / 3) and s != round(s, 6)


def test_relative_higher_one_cluster():
    assert scores(crit("relative", points=20), [10, 20, 30, 25]) == [0, 10, 20, 15]


def test_relative_lower():
    assert scores(crit("relative", points=20, direction="lower"), [10, 20, 30]) == [20, 10, 0]


def test_relative_equal_min_max_gives_full_points():
    assert scores(crit("relative", points=20), [7, 7, 7]) == [20, 20, 20]
    assert scores(crit("relative", points=20, direction="lower"), [3]) == [20]


def test_relative_within_each_cluster():
    # north: 10..30, south: 100..100 (one value: full points)
    vals = [10, 100, 30, 20]
    cl = ["north", "south", "north", "north"]
    assert scores(crit("relative", points=20), vals, cl) == [0, 20, 20, 10]
    # without clusters: one cluster 10..100
    assert scores(crit("relative", points=90), vals) == [0, 90, 20, 10]


def test_bonus_clamped_to_zero_and_max():
    assert scores(crit("bonus", points=2, per=1, max=10), [0, 3, 5, 8, -4]) == [0, 6, 10, 10, 0]


def test_bonus_per():
    assert scores(crit("bonus", points=1, per=100_000_000, max=5), [250_000_000]) == [2.5]


def test_bonus_negative_max_is_a_penalty():
    assert scores(crit("bonus", points=-2, per=1, max=-6), [0, 1, 2, 5]) == [0, -2, -4, -6]
    # a positive product is clamped to 0 under a penalty
    assert scores(crit("bonus", points=2, per=1, max=-6), [3]) == [0]
    out = scores(crit("bonus", points=-2, per=1, max=-6), [0])
    assert str(out[0]) == "0.0"                      # never -0.0 in the output


def test_total_is_the_unrounded_sum_in_table_order():
    t = table(crit("ratio", code="A", points=10, target=3), crit("bonus", code="B", column="w", points=0.1, per=1,
                                                                 max=1))
    r = em.score(t, {"v": [1], "w": [2]}, ids=["a"])
    p = r.participants[0]
    assert p.scores == {"A": 10 * (1 / 3), "B": 0.1 * 2}          # points × clamp(value/target)
    assert p.total == 10 * (1 / 3) + 0.1 * 2
    assert list(p.scores) == ["A", "B"]


# --------------------------------------------------------------------------- ranks and bands

def test_competition_ranks_1_2_2_4():
    assert em.competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert em.competition_ranks([70, 80, 90, 80]) == [4, 2, 1, 2]
    assert em.competition_ranks([5, 5, 5]) == [1, 1, 1]
    assert em.competition_ranks([]) == []


def test_ranks_within_clusters():
    assert em.competition_ranks([10, 50, 20, 50, 20], ["a", "b", "a", "b", "a"]) == [3, 1, 1, 1, 1]


def test_float_noise_does_not_split_a_tie():
    assert em.competition_ranks([0.1 + 0.2, 0.3, 0.2]) == [1, 1, 3]


def test_score_ranks_and_ties_through_score():
    t = table(crit("bonus", points=1, per=1, max=100))
    r = em.score(t, {"v": [90, 80, 80, 70, 60, 60]}, ids=list("abcdef"),
                 clusters=["x", "x", "x", "x", "y", "y"])
    assert [p.rank for p in r.participants] == [1, 2, 2, 4, 1, 1]
    assert [p.cluster for p in r.participants] == ["x", "x", "x", "x", "y", "y"]


def test_bands_highest_min_at_or_below_total():
    bands = [{"min": 80, "label": "Xuất sắc"}, {"min": 50, "label": "Tốt"}, {"min": 65, "label": "Khá"}]
    t = table(crit("bonus", points=1, per=1, max=100), bands=bands)
    r = em.score(t, {"v": [100, 80, 79.5, 65, 50, 49.99, 0]}, ids=list("abcdefg"))
    assert [p.band for p in r.participants] == ["Xuất sắc", "Xuất sắc", "Khá", "Khá", "Tốt", None, None]


def test_no_bands_means_null():
    t = table(crit("boolean"))
    assert em.score(t, {"v": [1]}, ids=["a"]).participants[0].band is None


def test_negative_band_min_and_band_noise():
    bands = [em.Band(-10, "Kém"), em.Band(0.3, "Đạt")]
    assert em.band_for(-5, bands) == "Kém"
    assert em.band_for(0.1 + 0.2, bands) == "Đạt"
    assert em.band_for(-11, bands) is None


def test_output_dict_shape_and_input_order():
    t = table(crit("boolean", code="A"), bands=[{"min": 5, "label": "Đạt"}], code="KT")
    r = em.score(t, {"v": ["0", "1", " 1 "]}, ids=[3, "b", 1.0])
    d = r.to_dict()
    assert d == {"table": "KT", "participants": [
        {"id": "3", "cluster": None, "scores": {"A": 0.0}, "total": 0.0, "rank": 3, "band": None},
        {"id": "b", "cluster": None, "scores": {"A": 10.0}, "total": 10.0, "rank": 1, "band": "Đạt"},
        {"id": "1", "cluster": None, "scores": {"A": 10.0}, "total": 10.0, "rank": 1, "band": "Đạt"}]}


def test_columns_as_numpy_and_pyarrow():
    t = table(crit("ratio", target=4))
    a = em.score(t, {"v": np.array([1.0, 2.0])}, ids=["a", "b"])
    b = em.score(t, {"v": pa.chunked_array([pa.array([1, 2])])}, ids=pa.chunked_array([pa.array(["a", "b"])]))
    assert a.to_dict() == b.to_dict()
    assert [p.total for p in a.participants] == [2.5, 5.0]


# --------------------------------------------------------------------------- input problems

def test_input_problems_name_rows_and_criteria():
    t = table(crit("boolean", code="A", column="x"), crit("threshold", code="B", column="x", min=1),
              crit("ratio", code="C", column="y", target=1), crit("boolean", code="D", column="z"))
    with pytest.raises(em.ScoreInputError) as e:
        em.score(t, {"x": [1, "abc", None, "inf"], "y": [1, 2, "", 3]}, ids=["a", "b", "a", ""],
                 clusters=["n", None, "n", "n"])
    msg = str(e.value)
    assert "missing column(s): z (criterion D)" in msg
    assert "column x (criteria A, B): not a number at rows 3, 5" in msg
    assert "column x (criteria A, B): empty at row 4" in msg
    assert "column y (criterion C): empty at row 4" in msg
    assert "id column: empty at row 5" in msg
    assert "id column: 'a' is repeated at rows 2, 4" in msg
    assert "cluster column: empty at row 3" in msg
    assert len(e.value.problems) == 7


def test_first_row_changes_the_numbering():
    t = table(crit("boolean"))
    with pytest.raises(em.ScoreInputError, match=r"not a number at row 1\b"):
        em.score(t, {"v": ["x"]}, ids=["a"], first_row=1)


# --------------------------------------------------------------------------- the table

def test_table_problems_are_all_listed():
    with pytest.raises(em.TableError) as e:
        em.parse_table({"code": "", "criteria": [
            {"code": "A", "kind": "percent"},
            {"code": "A", "column": "x", "points": "3", "kind": "threshold", "direction": "up"},
            {"code": "R", "column": "x", "points": 1, "kind": "ratio", "target": 0, "cap": -1},
            {"code": "B", "column": "x", "points": 1, "kind": "bonus", "per": 0},
            "not an object"],
            "bands": [{"min": 1}, {"min": "x", "label": "L"}, {"min": 2, "label": "a"}, {"min": 2, "label": "b"}]})
    p = e.value.problems
    text = "\n".join(p)
    assert "table: missing key(s) name" in text
    assert "table: code must be non-empty text" in text
    assert "criterion 1 (A): missing key(s) column, points; unknown kind 'percent'" in text
    assert "criterion 2 (A): points must be a number (got '3'); kind threshold needs min; " \
           "direction must be higher or lower (got 'up')" in text
    assert "criterion 3 (R): target must be positive (got 0); cap must not be negative (got -1)" in text
    assert "criterion 4 (B): kind bonus needs max; per must be positive (got 0)" in text
    assert "criterion 5: must be an object" in text
    assert "criteria 1 and 2: duplicate code 'A'" in text
    assert "band 1: label is missing" in text
    assert "band 2: min must be a number" in text
    assert "bands 3 and 4: the same min 2" in text


@pytest.mark.parametrize("data, fragment", [
    ([], "must be a JSON object"),
    ({"code": "T", "name": "n", "criteria": [], "bands": []}, "criteria is empty"),
    ({"code": "T", "name": "n", "criteria": {}, "bands": []}, "criteria must be a list"),
    ({"code": "T", "name": "n", "criteria": [crit("boolean")], "bands": {}}, "bands must be a list"),
    ({"code": "T", "name": "n", "criteria": [crit("boolean", points=True)], "bands": []}, "points must be a number"),
    ({"code": "T", "name": "", "criteria": [crit("boolean")], "bands": []}, "name must be non-empty"),
    ({"code": "T", "name": "n", "criteria": [crit("relative", direction="down")], "bands": []}, "direction must be"),
])
def test_malformed_tables(data, fragment):
    with pytest.raises(em.TableError, match=fragment):
        em.parse_table(data)


def test_table_keeps_extra_keys_and_bilingual_names():
    t = em.parse_table({"code": "T", "version": 3, "name": {"vi": "Bảng", "en": "Table"},
                        "criteria": [crit("boolean", name={"vi": "Giữ cam kết", "en": "Pledge kept"},
                                          source="support.pledges")],
                        "bands": [{"min": 5, "label": "Đạt"}, {"min": 0, "label": "Chưa đạt"}]})
    assert t.raw["version"] == 3
    assert t.criteria[0].name["en"] == "Pledge kept"
    assert [b.min for b in t.bands] == [0, 5]


def test_load_table_malformed_json(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"code": "T",\n "name": }', encoding="utf-8")
    with pytest.raises(em.TableError, match=r"malformed JSON: .* at line 2, column 10"):
        em.load_table(f)
    f.write_text('{"code": NaN}', encoding="utf-8")
    with pytest.raises(em.TableError, match="malformed JSON"):
        em.load_table(f)
    with pytest.raises(em.TableError, match="file not found"):
        em.load_table(tmp_path / "none.json")


# --------------------------------------------------------------------------- explanations

def test_explain_each_kind():
    c = lambda **kw: em.parse_table({"code": "T", "name": "n", "criteria": [kw], "bands": []}).criteria[0]  # noqa
    vi, en = em.explain(c(**crit("ratio", column="escaped", points=40, target=50)), 45)
    assert en == "escaped = 45: 40 × 45/50 = 40 × 0.9 = 36 points"
    assert vi == "escaped = 45: 40 × 45/50 = 40 × 0,9 = 36 điểm"
    _, en = em.explain(c(**crit("ratio", column="escaped", points=40, target=50)), 60)
    assert en == "escaped = 60: 40 × 60/50 = 40 × 1.2, clamped to [0, 1] → 40 × 1 = 40 points"
    _, en = em.explain(c(**crit("boolean", column="kept")), 0)
    assert en == "kept = 0: 0 ≠ 1 → 0 points (10 when it is 1)"
    _, en = em.explain(c(**crit("threshold", column="rate", min=0.05, direction="lower")), 0.04)
    assert en == "rate = 0.04: 0.04 ≤ 0.05 → 10 points"
    vi, en = em.explain(c(**crit("relative", column="fall", points=20)), 25, em.ClusterStats(10, 30, 3))
    assert en == "fall = 25: 20 × (25 − 10)/(30 − 10) = 15 points (cluster minimum 10, maximum 30)"
    assert "thấp nhất trong cụm 10, cao nhất 30" in vi
    _, en = em.explain(c(**crit("relative", column="fall", points=20, direction="lower")), 25, (10, 30))
    assert en == "fall = 25: 20 × (30 − 25)/(30 − 10) = 5 points (cluster minimum 10, maximum 30)"
    _, en = em.explain(c(**crit("relative", column="fall", points=20)), 7, (7, 7))
    assert en == "fall = 7: the cluster's maximum equals its minimum (7) → the full 20 points"
    vi, en = em.explain(c(**crit("bonus", column="late", points=-2, per=1, max=-6)), 4)
    assert en == "late = 4: -2 × 4/1 = -8, clamped to [-6, 0] → -6 points"
    assert vi == "late = 4: -2 × 4/1 = -8, giới hạn trong [-6; 0] → -6 điểm"
    with pytest.raises(ValueError, match="needs the cluster"):
        em.explain(c(**crit("relative")), 1)


def test_result_explain_uses_the_participants_cluster():
    t = table(crit("relative", column="v", points=20, code="R"))
    r = em.score(t, {"v": [10, 100, 30, 20]}, ids=list("abcd"), clusters=["n", "s", "n", "n"])
    assert r.explain(3, "R")[1] == "v = 20: 20 × (20 − 10)/(30 − 10) = 10 points (cluster minimum 10, maximum 30)"
    assert r.stats[("n", "v")] == em.ClusterStats(10, 30, 3)
    for i, p in enumerate(r.participants):
        assert r.table.criterion("R").score(r.values["v"][i], r.stats[(p.cluster, "v")]) == p.scores["R"]


def test_the_notebook_example_in_the_docstring():
    import doctest
    res = doctest.testmod(em, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted >= 5 and res.failed == 0
