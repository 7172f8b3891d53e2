"""Sparse matrices with duplicate stored entries (issue 20): valid scipy.sparse inputs whose
``toarray()`` equals ``X``.  Every estimator must give the dense answer and leave the
caller's matrix as it was (duplicates are summed on a copy)."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparsestat.datafits import QuadraticProblem
from sparsestat.linear_model import (
    GroupSparseRegression,
    Lasso,
    MCPRegression,
    MultiTaskLasso,
    MultiTaskSparseRegression,
    SparseRegression,
    alpha_max,
    sparse_path,
)


def with_duplicates(X, k=16, fmt="csr"):
    """Split every stored entry of ``X`` into ``k`` equal duplicates (unsummed)."""
    coo = sp.coo_matrix(X)
    order = (
        np.argsort(coo.row, kind="stable") if fmt == "csr" else np.argsort(coo.col, kind="stable")
    )
    rows, cols, vals = coo.row[order], coo.col[order], coo.data[order]
    major, minor = (rows, cols) if fmt == "csr" else (cols, rows)
    major = np.repeat(major, k)
    minor = np.repeat(minor, k)
    data = np.repeat(vals / k, k)
    n_major = X.shape[0] if fmt == "csr" else X.shape[1]
    indptr = np.searchsorted(major, np.arange(n_major + 1))
    cls = sp.csr_matrix if fmt == "csr" else sp.csc_matrix
    out = cls((data, minor, indptr), shape=X.shape)
    assert not out.has_canonical_format
    np.testing.assert_allclose(out.toarray(), X)
    return out


def _snapshot(M):
    return M.data.copy(), M.indices.copy(), M.indptr.copy()


def _unchanged(M, snapshot):
    data, indices, indptr = snapshot
    return (
        np.array_equal(M.data, data)
        and np.array_equal(M.indices, indices)
        and np.array_equal(M.indptr, indptr)
    )


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 6))
    X[X < 0.3] = 0.0
    y = X @ np.array([1.0, 0.0, 2.0, -1.0, 0.0, 3.0]) + 0.1 * rng.standard_normal(30)
    return X, y


ESTIMATORS = [
    ("mcp", lambda: MCPRegression(alpha=0.1), 1),
    ("lasso", lambda: Lasso(alpha=0.1), 1),
    ("lasso-gram", lambda: SparseRegression(alpha=0.1, solver="gram"), 1),
    ("cel0", lambda: SparseRegression(penalty="cel0", alpha=0.1), 1),
    ("fista", lambda: SparseRegression(alpha=0.1, solver="fista"), 1),
    ("group", lambda: GroupSparseRegression(alpha=0.1, groups=[[0, 1], [2, 3], [4, 5]]), 1),
    ("multitask-lasso", lambda: MultiTaskLasso(alpha=0.1), 2),
    ("multitask-mcp", lambda: MultiTaskSparseRegression(penalty="mcp", alpha=0.1), 2),
]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("name, make, n_tasks", ESTIMATORS, ids=[e[0] for e in ESTIMATORS])
def test_duplicates_match_dense(data, fmt, name, make, n_tasks):
    X, y = data
    target = y if n_tasks == 1 else np.c_[y, 2.0 * y - 1.0]
    Xd = with_duplicates(X, fmt=fmt)
    before = _snapshot(Xd)
    sparse_fit = make().fit(Xd, target)
    dense_fit = make().fit(X, target)
    assert _unchanged(Xd, before), "the caller's sparse matrix was modified"
    assert not Xd.has_canonical_format
    assert np.all(np.isfinite(sparse_fit.coef_))
    np.testing.assert_allclose(sparse_fit.coef_, dense_fit.coef_, atol=1e-8)
    np.testing.assert_allclose(sparse_fit.intercept_, dense_fit.intercept_, atol=1e-8)


def test_quadratic_problem_column_norms_with_duplicates(data):
    X, y = data
    Xd = with_duplicates(X)
    sparse_problem = QuadraticProblem(Xd, y)
    dense_problem = QuadraticProblem(X, y)
    np.testing.assert_allclose(sparse_problem.lipschitz, dense_problem.lipschitz, rtol=1e-12)
    np.testing.assert_allclose(sparse_problem.means, dense_problem.means, atol=1e-14)
    assert not Xd.has_canonical_format


def test_cel0_column_norms_with_duplicates(data):
    X, y = data
    Xd = with_duplicates(X)
    penalty_sparse = SparseRegression(penalty="cel0", alpha=0.1).fit(Xd, y).penalty_
    penalty_dense = SparseRegression(penalty="cel0", alpha=0.1).fit(X, y).penalty_
    np.testing.assert_allclose(penalty_sparse.column_norms, penalty_dense.column_norms, rtol=1e-12)


def test_path_and_alpha_max_with_duplicates(data):
    X, y = data
    Xd = with_duplicates(X)
    assert alpha_max(Xd, y) == pytest.approx(alpha_max(X, y), rel=1e-12)
    alphas_s, coefs_s = sparse_path(Xd, y, n_alphas=5)[:2]
    alphas_d, coefs_d = sparse_path(X, y, n_alphas=5)[:2]
    np.testing.assert_allclose(alphas_s, alphas_d, rtol=1e-12)
    np.testing.assert_allclose(coefs_s, coefs_d, atol=1e-8)
