"""AFStream (core.measures): a population given a piece at a time gives exactly af / af_by."""
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chungtay.core.measures import AFStream, af, af_by


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 3000), d=st.integers(1, 12),
       cuts=st.lists(st.integers(0, 3000), max_size=6), kind=st.sampled_from(["none", "int", "text"]),
       k=st.sampled_from([None, 0.25, 1 / 3, 1.0]), weighted=st.booleans())
def test_pieces_give_exactly_the_whole(seed, n, d, cuts, kind, k, weighted):
    rng = np.random.default_rng(seed)
    m = (rng.random((n, d)) < rng.random(d)).astype(np.int8)
    cols = {f"i{j}": m[:, j].copy() for j in range(d)}
    weights = list(rng.integers(1, 5, d)) if weighted else None
    groups = None
    if kind == "int":
        groups = rng.integers(100, 140, n)
    elif kind == "text":
        groups = pa.chunked_array([pa.array([f"Thôn {x}" for x in rng.integers(1, 15, n)])])
    whole = af(cols, weights, k) if groups is None else af_by(cols, groups, weights, k)
    stream = AFStream(list(cols), weights, k, by=groups is not None)
    edges = [0, *sorted({c % (n + 1) for c in cuts}), n]
    for a, b in zip(edges, edges[1:]):
        piece = [cols[c][a:b] for c in cols]
        stream.add(piece, None if groups is None else groups[a:b])
    got = stream.result()
    if got is None:                       # af_by counts directly here: the caller computes it whole
        G = len(np.unique(np.asarray(groups)))
        assert (G << d) > max(1 << 16, 4 * n)
        return
    if groups is None:
        assert got.to_dict() == whole.to_dict()
    else:
        assert list(got) == list(whole)
        assert got.to_dict(("M0", "H")) == whole.to_dict(("M0", "H"))
        assert got.total.to_dict() == whole.total.to_dict()


def test_too_many_groups_for_patterns_says_so():
    s = AFStream([f"i{j}" for j in range(16)], by=True)
    s.add([np.zeros(300, np.int8)] * 16, np.arange(300))
    assert s.result() is None            # af_by would count directly: the caller computes it whole


def test_empty_is_refused():
    with pytest.raises(ValueError, match="no units"):
        AFStream(["a"]).result()
