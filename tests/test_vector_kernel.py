"""When the vectorised engine runs its compiled form (numba), and that both forms give the
same codes and counts. The engine tests themselves run on both forms (tests/kernels.py)."""
import numpy as np
import pytest

from chungtay.core import vector
from chungtay.core.standards import get_standard
from chungtay.core.vector import KERNEL_MIN_ROWS, classify_arrays, deprivation_count, use_kernel

S = get_standard("2021-2025")


def households(n, seed=7):
    rng = np.random.default_rng(seed)
    urban = rng.random(n) < 0.3
    income = rng.choice([1_500_000.0, 2_000_000.0, 2_000_001.0, 2_800_000.0], n) + rng.integers(-2, 3, n)
    income[rng.random(n) < 0.02] = np.nan
    matrix = (rng.random((n, 12)) < 0.25).astype(np.uint8)
    return urban, income, matrix


@pytest.fixture
def calls(monkeypatch):
    """Counts the calls of the compiled kernels."""
    kern = vector._load_kernel()
    seen = {"classify": 0, "count": 0}

    def spy(name, fn):
        def call(*a):
            seen[name] += 1
            return fn(*a)
        return call
    monkeypatch.setattr(kern, "classify_lut", spy("classify", kern.classify_lut))
    monkeypatch.setattr(kern, "row_sums", spy("count", kern.row_sums))
    return seen


def test_compiled_form_runs_the_kernel_and_agrees(calls):
    urban, income, matrix = households(3 * vector.KERNEL_CHUNK // 2)
    counts = deprivation_count(matrix, kernel="numpy")
    want = classify_arrays(S, urban, income, None, counts, kernel="numpy")
    assert calls == {"classify": 0, "count": 0}
    assert np.array_equal(deprivation_count(matrix, kernel="compiled"), counts)
    got = classify_arrays(S, urban, income, None, counts, kernel="compiled")
    assert calls == {"classify": 2, "count": 1}            # two chunks, one matrix
    assert np.array_equal(got, want)
    assert (got == vector.UNSET).sum() == np.isnan(income).sum() > 0


def test_rows_without_income_fall_to_score_a_on_both_forms(calls):
    urban, income, matrix = households(10_000)
    score = np.where(np.isnan(income), 140.0, np.nan)
    score[np.isnan(income).nonzero()[0][:5]] = np.nan       # neither: unset
    counts = deprivation_count(matrix)
    if S.score_rules is None:
        pytest.skip("2021-2025 has no score A thresholds")
    want = classify_arrays(S, urban, income, score, counts, kernel="numpy")
    got = classify_arrays(S, urban, income, score, counts, kernel="compiled")
    assert calls["classify"] == 1
    assert np.array_equal(got, want)
    assert (got == vector.UNSET).sum() == 5


def test_auto_keeps_numpy_for_small_arrays_until_numba_is_loaded(monkeypatch):
    monkeypatch.delenv("CHUNGTAY_VECTOR_KERNEL", raising=False)
    monkeypatch.setattr(vector, "_kernel_module", None)      # a process that has not loaded numba
    assert not use_kernel(1_000_000)
    assert vector._kernel_module is None                      # deciding did not import it
    assert use_kernel(KERNEL_MIN_ROWS)
    assert use_kernel(10)                                     # loaded now: small arrays use it too
    assert not use_kernel(KERNEL_MIN_ROWS, "numpy")
    monkeypatch.setenv("CHUNGTAY_VECTOR_KERNEL", "numpy")
    assert not use_kernel(KERNEL_MIN_ROWS)


def test_without_numba_auto_uses_numpy_and_compiled_says_why(monkeypatch):
    monkeypatch.setattr(vector, "_kernel_module", False)     # as after a failed import
    urban, income, matrix = households(1000)
    assert not use_kernel(KERNEL_MIN_ROWS)
    counts = deprivation_count(matrix)
    assert classify_arrays(S, urban, income, None, counts).shape == (1000,)
    with pytest.raises(RuntimeError, match="needs numba"):
        classify_arrays(S, urban, income, None, counts, kernel="compiled")


def test_an_unknown_mode_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="kernel mode 'fast'"):
        use_kernel(10, "fast")
    monkeypatch.setenv("CHUNGTAY_VECTOR_KERNEL", "gpu")
    with pytest.raises(ValueError, match="kernel mode 'gpu'"):
        classify_arrays(S, np.zeros(3, bool), np.zeros(3), None, np.zeros(3, np.int16))


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, bool])
@pytest.mark.parametrize("cols", [4, 8, 12, 16, 20, 252])
def test_compiled_row_sums_match_numpy_also_beyond_zero_one(dtype, cols, calls):
    rng = np.random.default_rng(cols)
    m = (rng.random((1000, cols)) < 0.4).astype(dtype)
    if dtype is not bool:
        m[rng.integers(0, 1000, 3), rng.integers(0, cols, 3)] = 7 if dtype is np.uint8 else -3
    got = deprivation_count(m, kernel="compiled")
    assert calls["count"] == 1
    np.testing.assert_array_equal(got, m.sum(axis=1, dtype=np.int16))
    assert got.dtype == np.int16
