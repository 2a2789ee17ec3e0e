"""Property: the single and the vectorised classifier agree on any household,
including incomes exactly on, one below and one above every line."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chungtay.core import all_standards, classify
from chungtay.core.vector import category_names, classify_arrays

STANDARDS = all_standards()


@st.composite
def household(draw):
    s = draw(st.sampled_from(STANDARDS))
    area = draw(st.sampled_from(["rural", "urban"]))
    use_score = s.score_rules is not None and draw(st.booleans())
    if use_score:
        edges = [v[area] for v in s.score_a.values()]
        base = draw(st.sampled_from(edges))
        value = float(max(0, base + draw(st.sampled_from([-1, 0, 1, 0.5]))) if draw(st.booleans())
                      else draw(st.floats(0, 400, allow_nan=False)))
    else:
        edges = [ln.value(area) for ln in s.lines.values()]
        value = float(max(0, draw(st.sampled_from(edges)) + draw(st.sampled_from([-1, 0, 1]))) if draw(st.booleans())
                      else draw(st.integers(0, 6_000_000)))
    deprived = draw(st.sets(st.sampled_from(s.indicator_codes)))
    return s, area, use_score, value, deprived


@settings(max_examples=600, deadline=None)
@given(st.lists(household(), min_size=1, max_size=30))
def test_single_and_vectorised_agree(rows):
    for s in {r[0].code: r[0] for r in rows}.values():
        mine = [r for r in rows if r[0].code == s.code]
        urban = np.array([r[1] == "urban" for r in mine])
        income = np.array([np.nan if r[2] else r[3] for r in mine])
        score = np.array([r[3] if r[2] else np.nan for r in mine])
        counts = np.array([len(r[4]) for r in mine], dtype=np.int16)
        vec = category_names(classify_arrays(s, urban, income, score, counts))
        for r, v in zip(mine, vec):
            kw = {"score_a": r[3]} if r[2] else {"income": r[3]}
            single = classify(s, area=r[1], deprived=r[4], **kw)
            assert single.category == v, (s.code, r[1:], single.explanation_en)
