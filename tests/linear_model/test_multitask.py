"""Multitask regression: scikit-learn and cvxpy oracles, nonconvex rows, API, errors."""

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk

from sparsestat.datafits import QuadraticProblem
from sparsestat.linear_model import MultiTaskLasso, MultiTaskLassoCV, MultiTaskSparseRegression

pytestmark = pytest.mark.filterwarnings("ignore:Solution may be inaccurate")


@pytest.fixture(scope="module")
def tasks():
    rng = np.random.default_rng(0)
    n, p, T = 70, 50, 4
    X = rng.standard_normal((n, p))
    W = np.zeros((p, T))
    W[:6] = rng.standard_normal((6, T)) * 2
    Y = X @ W + 0.5 * rng.standard_normal((n, T)) + 3.0
    return X, Y, W


@pytest.mark.parametrize("fmt", ["dense", "fortran", "csc", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_equals_scikit_learn(tasks, fmt, fit_intercept, dtype):
    X, Y, _ = tasks
    X = X.astype(dtype)
    reference = sk.MultiTaskLasso(
        alpha=0.1, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000
    ).fit(X.astype(float), Y)
    if fmt == "fortran":
        X = np.asfortranarray(X)
    elif fmt in ("csc", "csr"):
        X = sp.csc_matrix(X) if fmt == "csc" else sp.csr_matrix(X)
    ours = MultiTaskLasso(alpha=0.1, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000).fit(
        X, Y.astype(dtype)
    )
    assert ours.coef_.shape == reference.coef_.shape and ours.coef_.dtype == dtype
    scale = np.abs(reference.coef_).max()
    tol = 1e-6 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(ours.coef_, reference.coef_, atol=tol * scale)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, atol=tol * scale)
    np.testing.assert_array_equal(
        ours.active_features_, np.flatnonzero(np.any(ours.coef_ != 0, axis=0))
    )


def test_weighted_matches_cvxpy(tasks):
    X, Y, _ = tasks
    X, Y = X[:30, :12], Y[:30]
    weights = np.random.default_rng(1).uniform(0.2, 2.0, size=30)
    model = MultiTaskLasso(alpha=0.2, tol=1e-13, max_iter=100_000).fit(X, Y, sample_weight=weights)
    W = cp.Variable((12, 4))
    b = cp.Variable(4)
    s = weights / weights.sum()
    residual = Y - X @ W - np.ones((30, 1)) @ cp.reshape(b, (1, 4), order="C")
    objective = 0.5 * cp.sum(cp.multiply(s[:, None], cp.square(residual)))
    objective += 0.2 * cp.sum(cp.norm(W, 2, axis=1))
    problem = cp.Problem(cp.Minimize(objective))
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    # Clarabel stops near 1e-8 in objective on this cone ("inaccurate"): ours must be
    # at least as good, and the coefficients agree to what that slack allows
    ours = model.coef_.T
    fitted = Y - X @ ours - model.intercept_
    value = 0.5 * np.sum(s[:, None] * fitted**2) + 0.2 * np.linalg.norm(ours, axis=1).sum()
    assert value <= problem.value + 1e-12
    np.testing.assert_allclose(model.coef_, W.value.T, atol=1e-4)
    np.testing.assert_allclose(model.intercept_, b.value, atol=1e-4)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_nonconvex_rows_first_order_and_support(tasks, penalty):
    X, Y, W_true = tasks
    model = MultiTaskSparseRegression(penalty=penalty, alpha=0.3, tol=1e-9).fit(X, Y)
    assert model.stop_crit_ < 1e-9
    lasso = MultiTaskLasso(alpha=0.3).fit(X, Y)
    truth = set(np.flatnonzero(np.any(W_true != 0, axis=1)))
    assert set(model.active_features_) == truth
    # block MCP/SCAD leave large rows unshrunk: closer to the truth than the lasso
    error = np.linalg.norm(model.coef_.T - W_true)
    assert error < np.linalg.norm(lasso.coef_.T - W_true)
    # independent first-order check on every row through the scalar kernels
    problem = QuadraticProblem(X, Y, None, True)
    R = problem.y - X @ model.coef_.T.astype(float)
    R -= R.mean(axis=0)
    G = -(X - X.mean(0)).T @ R / X.shape[0]
    for j in range(X.shape[1]):
        row = model.coef_[:, j]
        norm = np.linalg.norm(row)
        if norm == 0:
            assert np.linalg.norm(G[j]) <= model.penalty_.alpha + 1e-8
        else:
            slope = model.penalty_.subdiff_distance(np.array([norm]), np.array([0.0]))[0]
            np.testing.assert_allclose(G[j], -slope * row / norm, atol=1e-7)


def test_cv_chooses_alpha_and_refits(tasks):
    X, Y, _ = tasks
    model = MultiTaskLassoCV(n_alphas=8, cv=3).fit(X, Y)
    assert model.mse_path_.shape == (8, 3)
    refit = MultiTaskLasso(alpha=model.alpha_).fit(X, Y)
    np.testing.assert_allclose(model.coef_, refit.coef_)


def test_bad_input(tasks):
    X, Y, _ = tasks
    with pytest.raises(ValueError, match="2-D target"):
        MultiTaskLasso().fit(X, Y[:, 0])
    Y_nan = Y.copy()
    Y_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MultiTaskLasso().fit(X, Y_nan)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MultiTaskLasso().fit(X, Y[:-2])
    with pytest.raises(ValueError, match="penalty must be one of"):
        MultiTaskSparseRegression(penalty="l1").fit(X, Y)
    with pytest.raises(ValueError, match="gamma"):
        MultiTaskSparseRegression(penalty="mcp", gamma=0.5).fit(X, Y)
    with pytest.raises(ValueError, match="alpha"):
        MultiTaskLasso(alpha=-1).fit(X, Y)


def test_l21_solves_with_the_row_penalty_of_l21(tasks):
    from sparsestat.penalties import L21

    X, Y, _ = tasks
    model = MultiTaskLasso(alpha=0.3).fit(X, Y)
    expected = L21(0.3).row_penalty()
    assert type(model.penalty_) is type(expected) and repr(model.penalty_) == repr(expected)
    # the objective the solver reports a gap for is L21's value on W = coef_.T
    norms = np.linalg.norm(model.coef_, axis=0)
    assert L21(0.3).value(model.coef_.T) == pytest.approx(model.penalty_.value(norms))


def test_single_column_target_is_a_one_task_problem(tasks):
    X, Y, _ = tasks
    one = MultiTaskLasso(alpha=0.1, tol=1e-12).fit(X, Y[:, :1])
    from sparsestat.linear_model import Lasso

    lasso = Lasso(alpha=0.1, tol=1e-12).fit(X, Y[:, 0])
    np.testing.assert_allclose(one.coef_[0], lasso.coef_, atol=1e-8)
