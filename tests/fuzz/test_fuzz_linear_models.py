"""Fuzzing the linear estimators: a case passes on a clear error or on the reference
answer (the dense equivalent of a sparse input, the unscaled problem scaled back,
a C-ordered float copy of the input); never NaN, never a mutated input."""

import copy
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from sparsestat.linear_model import (
    GroupSparseRegression,
    Lasso,
    MCPRegression,
    MultiTaskLasso,
    SparseRegression,
)

from .strategies import (
    FAST,
    LONG,
    MAGNITUDES,
    hostile_arrays,
    hostile_sparse,
    is_clear_error,
    regression_data,
)

CONVEX = {
    "lasso-cd": lambda p: Lasso(alpha=0.05, tol=1e-12, max_iter=20000),
    "enet-gram": lambda p: SparseRegression(
        penalty="elasticnet", alpha=0.05, solver="gram", tol=1e-12, max_iter=20000
    ),
    "lasso-fista": lambda p: SparseRegression(
        alpha=0.05, solver="fista", tol=1e-12, max_iter=50000
    ),
    "group-lasso": lambda p: GroupSparseRegression(
        groups=2, penalty="group_l2", alpha=0.05, tol=1e-12, max_iter=20000
    ),
}


def _fit(make, X, y):
    """(model, None) or (None, error): warnings are not failures here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return make().fit(X, y), None
        except Exception as error:  # noqa: BLE001 - classified by the caller
            return None, error


def _assert_clear(error):
    assert is_clear_error(error), f"unclear error {type(error).__name__}: {error}"


def _close(a, b, rtol):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = 1.0 + max(float(np.max(np.abs(b), initial=0.0)), 0.0)
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


# --------------------------------------------------------------------------- #
# sparse input (any format, duplicates, unsorted) == dense input
# --------------------------------------------------------------------------- #
def check_sparse_matches_dense(data, name, draw):
    X, y = data
    assume(X.shape[0] >= X.shape[1] + 2 or name == "group-lasso")
    make = lambda: CONVEX[name](X.shape[1])  # noqa: E731
    Xs = draw(hostile_sparse(X))
    before = Xs.copy() if not sp.isspmatrix_dok(Xs) else None
    dense_model, dense_error = _fit(make, X, y)
    sparse_model, sparse_error = _fit(make, Xs, y)
    if dense_error is not None:
        _assert_clear(dense_error)
        assert sparse_error is not None, "the dense fit failed, the sparse one did not"
        _assert_clear(sparse_error)
        return
    assert sparse_error is None, f"{type(sparse_error).__name__}: {sparse_error}"
    assert np.all(np.isfinite(sparse_model.coef_))
    _close(sparse_model.coef_, dense_model.coef_, 1e-6)
    _close(sparse_model.intercept_, dense_model.intercept_, 1e-6)
    if before is not None:  # the caller's matrix is untouched (format, entries, order)
        assert type(before) is type(Xs)
        for field in ("data", "indices", "indptr", "row", "col"):
            if hasattr(before, field):
                np.testing.assert_array_equal(getattr(Xs, field), getattr(before, field))


@pytest.mark.parametrize("name", sorted(CONVEX))
@FAST
@given(data=regression_data(), draw=st.data())
def test_sparse_matches_dense(name, data, draw):
    check_sparse_matches_dense(data, name, draw.draw)


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(CONVEX))
@LONG
@given(data=regression_data(max_samples=60, max_features=12), draw=st.data())
def test_sparse_matches_dense_long(name, data, draw):
    check_sparse_matches_dense(data, name, draw.draw)


# --------------------------------------------------------------------------- #
# extreme magnitudes: the scaled problem, scaled back, or a clear error
# --------------------------------------------------------------------------- #
def check_scaled_problem(data, s, t):
    """Lasso on (s X, t y) with alpha·s·t has the coefficients (t/s)·w and intercept t·b."""
    X, y = data
    assume(np.isfinite(0.05 * s * t) and 0.05 * s * t > 0)
    reference, error = _fit(lambda: Lasso(alpha=0.05, tol=1e-12, max_iter=20000), X, y)
    assume(error is None)
    with np.errstate(over="ignore", under="ignore"):
        Xs, ys = X * s, y * t
    assume(np.all(np.isfinite(Xs)) and np.all(np.isfinite(ys)))
    scaled, error = _fit(lambda: Lasso(alpha=0.05 * s * t, tol=1e-12, max_iter=20000), Xs, ys)
    if error is not None:
        _assert_clear(error)
        assert "scale" in str(error) or "large" in str(error) or "small" in str(error)
        return
    assert np.all(np.isfinite(scaled.coef_)) and np.isfinite(scaled.intercept_)
    _close(scaled.coef_ * (s / t), reference.coef_, 1e-5)
    _close(scaled.intercept_ / t, reference.intercept_, 1e-5)


@FAST
@given(data=regression_data(min_samples=2), s=MAGNITUDES, t=MAGNITUDES)
def test_scaled_problem(data, s, t):
    check_scaled_problem(data, s, t)


@pytest.mark.fuzz
@LONG
@given(
    data=regression_data(min_samples=2, max_samples=60, max_features=12),
    s=MAGNITUDES,
    t=MAGNITUDES,
)
def test_scaled_problem_long(data, s, t):
    check_scaled_problem(data, s, t)


# --------------------------------------------------------------------------- #
# hostile arrays (dtypes, NaN, inf, read-only, Fortran order, float16)
# --------------------------------------------------------------------------- #
HOSTILE = {
    "lasso": lambda: Lasso(alpha=0.1),
    "mcp": lambda: MCPRegression(alpha=0.1),
    "lasso-fista": lambda: SparseRegression(alpha=0.1, solver="fista"),
    "group": lambda: GroupSparseRegression(groups=1, alpha=0.1),
}


def check_hostile_arrays(name, draw):
    n = draw(st.integers(1, 12))
    p = draw(st.integers(1, 5))
    X = draw(hostile_arrays((n, p)))
    y = draw(hostile_arrays((n,)))
    X_copy, y_copy = copy.deepcopy(X), copy.deepcopy(y)
    model, error = _fit(HOSTILE[name], X, y)
    np.testing.assert_array_equal(X, X_copy)  # never mutated
    np.testing.assert_array_equal(y, y_copy)
    if error is not None:
        _assert_clear(error)
        return
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    # the reference: the same fit on plain C-ordered float copies
    dtype = np.float32 if X.dtype in (np.float32, np.float16) else np.float64
    reference, ref_error = _fit(
        HOSTILE[name], np.array(X, dtype=dtype, order="C"), np.array(y, dtype=dtype)
    )
    assert ref_error is None, ref_error
    tolerance = 1e-3 if dtype == np.float32 else 1e-6
    if name != "mcp":  # nonconvex: only finiteness (the layouts may reach other minima)
        _close(model.coef_, reference.coef_, tolerance)


@pytest.mark.parametrize("name", sorted(HOSTILE))
@FAST
@given(draw=st.data())
def test_hostile_arrays(name, draw):
    check_hostile_arrays(name, draw.draw)


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(HOSTILE))
@LONG
@given(draw=st.data())
def test_hostile_arrays_long(name, draw):
    check_hostile_arrays(name, draw.draw)


# --------------------------------------------------------------------------- #
# multitask: sparse == dense, and finite or a clear error at any magnitude
# --------------------------------------------------------------------------- #
def check_multitask(data, magnitude, draw):
    X, Y = data
    assume(X.shape[0] >= X.shape[1] + 2)  # a unique least-squares limit
    make = lambda: MultiTaskLasso(alpha=0.05, tol=1e-12, max_iter=20000)  # noqa: E731
    dense, error = _fit(make, X, Y * magnitude)
    sparse_model, sparse_error = _fit(make, draw(hostile_sparse(X)), Y * magnitude)
    if error is not None:
        _assert_clear(error)
        assert sparse_error is not None
        _assert_clear(sparse_error)
        return
    assert sparse_error is None, sparse_error
    assert np.all(np.isfinite(dense.coef_))
    _close(sparse_model.coef_, dense.coef_, 1e-6)


@FAST
@given(data=regression_data(min_samples=4, n_targets=2), magnitude=MAGNITUDES, draw=st.data())
def test_multitask(data, magnitude, draw):
    check_multitask(data, magnitude, draw.draw)


@pytest.mark.fuzz
@LONG
@given(
    data=regression_data(min_samples=4, n_targets=3, max_samples=50),
    magnitude=MAGNITUDES,
    draw=st.data(),
)
def test_multitask_long(data, magnitude, draw):
    check_multitask(data, magnitude, draw.draw)
