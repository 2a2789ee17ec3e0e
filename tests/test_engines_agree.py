"""Property: the single and the vectorised classifier agree on any household,
including incomes exactly on, one below and one above every line (drawn at random, and
all of them, for every standard, in the last test). Long arrays (several blocks of the
vectorised engine) are checked in tests/test_vector_blocks.py."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chungtay.core import all_standards, classify
from tests.kernels import both_kernels  # noqa: F401 (every test on both forms of the engine)
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


def _edge_values(edge):
    """An edge, one VND (or point) either side, half of one and the nearest floats."""
    e = float(edge)
    return [e, e - 1, e + 1, e - 0.5, e + 0.5, float(np.nextafter(e, -np.inf)), float(np.nextafter(e, np.inf))]


@pytest.mark.parametrize("s", STANDARDS, ids=[s.code for s in STANDARDS])
def test_every_line_exactly_on_and_either_side_agrees(s):
    """Not left to chance: every line (income) and every score A threshold of every
    standard, in both areas, exactly on the line and the nearest values either side, with
    every possible deprivation count, through both engines."""
    bases = [("income", float(ln.value(area)), area) for ln in s.lines.values() for area in ("rural", "urban")]
    if s.score_rules is not None:
        bases += [("score_a", float(v[area]), area) for v in s.score_a.values() for area in ("rural", "urban")]
    rows = []
    for basis, edge, _ in bases:
        for value in _edge_values(edge):
            for area in ("rural", "urban"):          # the other area's line too: it is a value like any other
                for d in range(len(s.indicator_codes) + 1):
                    rows.append((basis, max(0.0, value), area, d))
    urban = np.array([r[2] == "urban" for r in rows])
    income = np.array([r[1] if r[0] == "income" else np.nan for r in rows])
    score = np.array([r[1] if r[0] == "score_a" else np.nan for r in rows])
    counts = np.array([r[3] for r in rows], dtype=np.int16)
    vec = category_names(classify_arrays(s, urban, income, score if s.score_rules is not None else None, counts))
    on_line = 0
    for r, v in zip(rows, vec):
        single = classify(s, area=r[2], deprived=s.indicator_codes[:r[3]], **{r[0]: r[1]})
        assert single.category == v, (s.code, r, single.explanation_en)
        on_line += r[1] in {b[1] for b in bases}
    assert on_line >= len(bases) * 2 * (len(s.indicator_codes) + 1)
