"""Sufficient statistics: exact moments, chunk merging, and fits from them."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparsestat import SufficientStatistics, sufficient_statistics
from sparsestat.dag import CoLiDE
from sparsestat.datafits.statistics import GramProblem
from sparsestat.linear_model import (
    ElasticNet,
    Lasso,
    MultiTaskLasso,
    MultiTaskSparseRegression,
    SparseRegression,
)


def _data(n=500, p=8, n_tasks=None, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    coef = np.zeros((p, n_tasks or 1))
    coef[:3] = rng.standard_normal((3, n_tasks or 1)) * 2
    Y = X @ coef + 0.5 * rng.standard_normal((n, n_tasks or 1)) + 3.0
    return X, (Y[:, 0] if n_tasks is None else Y), rng.uniform(0.0, 2.0, n)


@pytest.mark.parametrize("weighted", [False, True])
def test_moments_equal_direct_formulas(weighted):
    X, Y, weights = _data(n_tasks=3)
    s = weights if weighted else np.ones(X.shape[0])
    stats = sufficient_statistics(X, Y, weights if weighted else None)
    mean_X = s @ X / s.sum()
    mean_Y = s @ Y / s.sum()
    Xc, Yc = X - mean_X, Y - mean_Y
    np.testing.assert_allclose(stats.mean_X, mean_X, rtol=1e-12)
    np.testing.assert_allclose(stats.scatter_XX, (Xc * s[:, None]).T @ Xc, rtol=1e-11)
    np.testing.assert_allclose(stats.scatter_Xy, (Xc * s[:, None]).T @ Yc, rtol=1e-11)
    np.testing.assert_allclose(stats.scatter_yy, s @ (Yc * Yc), rtol=1e-11)
    assert stats.n_samples == X.shape[0] and stats.weight_sum == pytest.approx(s.sum())
    Q, q, y_norm2 = stats.moments(fit_intercept=False)
    np.testing.assert_allclose(Q, (X * s[:, None]).T @ X / s.sum(), rtol=1e-10)
    np.testing.assert_allclose(q, (X * s[:, None]).T @ Y / s.sum(), rtol=1e-10)
    np.testing.assert_allclose(y_norm2, s @ (Y * Y) / s.sum(), rtol=1e-10)


def test_merging_chunks_equals_one_pass_and_is_associative():
    X, y, weights = _data(n=900)
    whole = sufficient_statistics(X, y, weights)
    parts = [
        sufficient_statistics(X[a:b], y[a:b], weights[a:b])
        for a, b in [(0, 100), (100, 101), (101, 600), (600, 900)]
    ]
    left = ((parts[0] + parts[1]) + parts[2]) + parts[3]
    right = parts[0] + (parts[1] + (parts[2] + parts[3]))
    for merged in (left, right):
        assert merged.n_samples == 900
        np.testing.assert_allclose(merged.scatter_XX, whole.scatter_XX, rtol=1e-11)
        np.testing.assert_allclose(merged.scatter_Xy, whole.scatter_Xy, rtol=1e-11)
        np.testing.assert_allclose(merged.mean_y, whole.mean_y, rtol=1e-12)


def test_centred_merge_keeps_the_variance_of_large_mean_data():
    # columns with mean 1e8 and unit variance: Σx² − n x̄² would lose every digit
    rng = np.random.default_rng(1)
    X = 1e8 + rng.standard_normal((20000, 3))
    stats = sufficient_statistics(X)
    reference = np.cov(X.T, bias=True)
    np.testing.assert_allclose(stats.covariance(), reference, rtol=1e-7)


def test_sparse_and_float32_input():
    X, y, _ = _data()
    X[np.abs(X) < 1.0] = 0.0
    dense = sufficient_statistics(X, y)
    sparse = sufficient_statistics(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.scatter_XX, dense.scatter_XX, rtol=1e-12)
    single = sufficient_statistics(X.astype(np.float32), y)
    assert single.dtype == np.float32 and single.scatter_XX.dtype == np.float64
    assert Lasso(alpha=0.1).fit_from_statistics(single).coef_.dtype == np.float32


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "make",
    [
        lambda: Lasso(alpha=0.05, tol=1e-10),
        lambda: ElasticNet(alpha=0.05, l1_ratio=0.3, tol=1e-10),
        lambda: SparseRegression("mcp", alpha=0.05, tol=1e-10),
        lambda: SparseRegression("cel0", alpha=0.02, tol=1e-10),
        lambda: SparseRegression("lq", alpha=0.02, q=0.5, tol=1e-10, init="lasso"),
    ],
)
def test_fit_from_statistics_equals_fit_on_rows(make, fit_intercept, weighted):
    X, y, weights = _data(offset=2.0)
    weights = weights if weighted else None
    rows = make().set_params(fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
    stats = sufficient_statistics(X, y, weights)
    moments = make().set_params(fit_intercept=fit_intercept).fit_from_statistics(stats)
    np.testing.assert_allclose(moments.coef_, rows.coef_, atol=1e-8)
    assert moments.intercept_ == pytest.approx(rows.intercept_, abs=1e-8)
    assert moments.solver_ == "gram" and moments.n_features_in_ == X.shape[1]
    np.testing.assert_allclose(moments.predict(X), rows.predict(X), atol=1e-7)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("penalty", ["l21", "mcp"])
def test_multitask_fit_from_statistics(penalty, fit_intercept):
    X, Y, weights = _data(n_tasks=4, offset=1.0)
    kwargs = {"alpha": 0.1, "fit_intercept": fit_intercept, "tol": 1e-12, "max_iter": 5000}
    rows = MultiTaskSparseRegression(penalty, **kwargs).fit(X, Y, sample_weight=weights)
    stats = sufficient_statistics(X, Y, weights)
    moments = MultiTaskSparseRegression(penalty, **kwargs).fit_from_statistics(stats)
    np.testing.assert_allclose(moments.coef_, rows.coef_, atol=1e-8)
    np.testing.assert_allclose(moments.intercept_, rows.intercept_, atol=1e-8)
    if penalty == "l21":
        assert moments.dual_gap_ <= 1e-12 * GramProblem(stats, fit_intercept).y_norm2


def test_multitask_gram_solver_matches_scikit_learn():
    from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso

    X, Y, _ = _data(n_tasks=3)
    reference = SkMultiTaskLasso(alpha=0.2, tol=1e-12, max_iter=100000).fit(X, Y)
    ours = MultiTaskLasso(alpha=0.2, tol=1e-12).fit_from_statistics(sufficient_statistics(X, Y))
    np.testing.assert_allclose(ours.coef_, reference.coef_, atol=1e-7)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, atol=1e-7)


def test_colide_from_statistics_equals_fit_on_rows():
    from sparsestat.dag import simulate_dag, simulate_linear_sem, simulate_parameters

    B = simulate_dag(6, 6, "ER", random_state=0)
    X = simulate_linear_sem(simulate_parameters(B, random_state=0), 400, random_state=0)
    rows = CoLiDE(variance="ev", max_iter=3000).fit(X)
    moments = CoLiDE(variance="ev", max_iter=3000).fit_from_statistics(sufficient_statistics(X))
    np.testing.assert_allclose(moments.raw_adjacency_, rows.raw_adjacency_, atol=1e-8)
    np.testing.assert_array_equal(moments.adjacency_ != 0, rows.adjacency_ != 0)


def test_constant_column_is_ignored_like_the_row_solvers():
    X, y, _ = _data()
    X[:, 4] = 7.0
    problem = GramProblem(sufficient_statistics(X, y))
    assert problem.lipschitz[4] == 0.0
    model = Lasso(alpha=0.05).fit_from_statistics(sufficient_statistics(X, y))
    assert model.coef_[4] == 0.0
    np.testing.assert_allclose(model.coef_, Lasso(alpha=0.05).fit(X, y).coef_, atol=1e-7)


def test_bad_statistics_and_inputs():
    X, y, weights = _data(n_tasks=None)
    _, Y, _ = _data(n_tasks=2)
    with pytest.raises(TypeError, match="SufficientStatistics"):
        Lasso().fit_from_statistics((X.T @ X, X.T @ y))
    with pytest.raises(ValueError, match="without y"):
        Lasso().fit_from_statistics(sufficient_statistics(X))
    with pytest.raises(ValueError, match="1-D y"):
        Lasso().fit_from_statistics(sufficient_statistics(X, Y))
    with pytest.raises(ValueError, match="2-D y"):
        MultiTaskLasso().fit_from_statistics(sufficient_statistics(X, y))
    for solver in ("cd", "fista"):  # the row solvers (docs/user_guide/scaling.rst)
        with pytest.raises(ValueError, match="solver='auto' or 'gram'"):
            SparseRegression(solver=solver).fit_from_statistics(sufficient_statistics(X, y))
    with pytest.raises(ValueError, match="different numbers of samples"):
        sufficient_statistics(X, y[:-1])
    with pytest.raises(ValueError, match="NaN|infinity"):
        sufficient_statistics(np.where(X > 2, np.nan, X), y)
    with pytest.raises(ValueError, match="non-negative"):
        sufficient_statistics(X, y, -weights)
    with pytest.raises(ValueError, match="features"):
        sufficient_statistics(X, y) + sufficient_statistics(X[:, :3], y)
    with pytest.raises(ValueError, match="weighted"):
        sufficient_statistics(X, y) + sufficient_statistics(X, y, weights)
    assert isinstance(sufficient_statistics(X[:2], y[:2]), SufficientStatistics)


def test_inputs_are_not_modified():
    X, y, weights = _data()
    copies = X.copy(), y.copy(), weights.copy()
    Lasso(alpha=0.1).fit_from_statistics(sufficient_statistics(X, y, weights))
    for original, copy in zip((X, y, weights), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


def test_unaligned_buffer_is_fitted_on_an_aligned_copy():
    """Arrays deserialised by dask.distributed can be unaligned (numpy then skips BLAS)."""
    from sparsestat.datafits import QuadraticProblem

    X, y, _ = _data()
    raw = np.zeros(X.nbytes + 1, dtype=np.uint8)
    unaligned = np.frombuffer(raw[1:].data, dtype=np.float64).reshape(X.shape)
    unaligned[:] = X
    assert not unaligned.flags.aligned
    problem = QuadraticProblem(unaligned, y)
    assert problem.X.flags.aligned and problem.X_kernel.flags.aligned
    np.testing.assert_allclose(
        Lasso(alpha=0.1).fit(unaligned, y).coef_, Lasso(alpha=0.1).fit(X, y).coef_, atol=1e-12
    )
    np.testing.assert_array_equal(unaligned, X)  # the caller's array is untouched
