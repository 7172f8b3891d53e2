"""L21: cvxpy oracle, Moreau decomposition, numba agreement, errors."""

import cvxpy as cp
import numpy as np
import pytest

from sparsestat.penalties import L21


def to_host(x):
    return x.get() if hasattr(x, "get") else np.asarray(x)


def test_l21_prox_matches_cvxpy():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((8, 3)) * 2
    w = cp.Variable((8, 3))
    objective = 0.5 * cp.sum_squares(w - z) + 0.7 * cp.sum(cp.norm(w, 2, axis=1))
    cp.Problem(cp.Minimize(objective)).solve(solver=cp.CLARABEL)
    pen = L21(alpha=0.7)
    np.testing.assert_allclose(pen.prox(z, 1.0), w.value, atol=1e-6)
    np.testing.assert_allclose(pen.prox_numba(z, 1.0), w.value, atol=1e-6)


def test_l21_moreau_and_subdiff():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((20, 4))
    pen = L21(alpha=1.1)
    p = pen.prox(z, 1.0)
    y = z - p
    # conjugate: indicator of {||y_j|| <= alpha}; Fenchel–Young equality
    assert np.all(np.linalg.norm(y, axis=1) <= 1.1 * (1 + 1e-12))
    assert pen.value(p) == pytest.approx(float(np.sum(p * y)), rel=1e-12)
    np.testing.assert_allclose(pen.subdiff_distance(p, p - z), 0.0, atol=1e-12)
    assert np.max(pen.subdiff_distance(p + 0.1, p - z)) > 1e-3
    assert set(pen.active_rows(p)) == set(np.flatnonzero(np.linalg.norm(z, axis=1) > 1.1))


def test_l21_alpha_max():
    rng = np.random.default_rng(2)
    grad = rng.standard_normal((10, 3))
    amax = L21(1.0).alpha_max(grad)
    assert amax == pytest.approx(np.max(np.linalg.norm(grad, axis=1)))
    zero = np.zeros_like(grad)
    assert np.max(L21(amax).subdiff_distance(zero, grad)) == 0.0
    assert np.max(L21(amax * 0.99).subdiff_distance(zero, grad)) > 0.0


def test_l21_namespaces(backend, dtype):
    rng = np.random.default_rng(3)
    z = rng.standard_normal((30, 5)).astype(dtype)
    pen = L21(alpha=1.5)
    result = pen.prox(backend.asarray(z), 0.7)
    assert type(result) is type(backend.asarray(z))
    result = to_host(result)
    assert result.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(result, pen.prox_numba(z, 0.7), rtol=tol, atol=tol)
    assert pen.value(backend.asarray(z)) == pytest.approx(pen.value(z), rel=tol)


def test_l21_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        L21(alpha=-1)
    with pytest.raises(ValueError, match="2-D array"):
        L21(1.0).prox(np.ones(3), 1.0)
    with pytest.raises(ValueError, match="NaN"):
        L21(1.0).prox(np.array([[1.0, np.nan]]), 1.0)
    with pytest.raises(ValueError, match="same shape"):
        L21(1.0).subdiff_distance(np.ones((2, 2)), np.ones((2, 3)))


def test_l21_is_l1_of_the_row_norms():
    # MultiTaskSparseRegression(penalty="l21") solves with L21(alpha).row_penalty()
    # on row norms: check that this is the ℓ2,1 norm, value and prox alike.
    rng = np.random.default_rng(4)
    W = rng.standard_normal((12, 3))
    W[::3] *= 0.1
    pen = L21(alpha=0.8)
    row = pen.row_penalty()
    assert type(row).__name__ == "L1" and row.alpha == 0.8
    norms = np.linalg.norm(W, axis=1)
    assert pen.value(W) == pytest.approx(sum(row.value(np.array([n])) for n in norms))
    shrunk = row.prox(norms, 0.6)
    expected = W * np.where(norms > 0, shrunk / norms, 0.0)[:, None]
    np.testing.assert_allclose(pen.prox(W, 0.6), expected, rtol=1e-14, atol=1e-15)
