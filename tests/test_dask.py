"""Dask: estimators on row-chunked dask arrays, on a real ``dask.distributed`` cluster.

The cluster (2 worker processes) starts once for this module.  Fits on dask
arrays reduce the data to sufficient statistics on the workers and must equal
the in-memory fits to solver tolerance; joblib's dask backend must give the
same cross-validation results as the default backend.
"""

import tracemalloc

import joblib
import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

from sparsestat import sufficient_statistics  # noqa: E402
from sparsestat.dag import CoLiDE, simulate_dag, simulate_linear_sem, simulate_parameters  # noqa: E402
from sparsestat.linear_model import (  # noqa: E402
    ElasticNet,
    Lasso,
    MultiTaskLasso,
    SparseRegression,
    SparseRegressionCV,
)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def _regression(n=4000, p=12, n_tasks=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.5
    coef = np.zeros((p, n_tasks or 1))
    coef[:4] = rng.uniform(1.0, 2.0, (4, n_tasks or 1))
    Y = X @ coef + rng.standard_normal((n, n_tasks or 1))
    return X, (Y[:, 0] if n_tasks is None else Y), rng.uniform(0.2, 3.0, n)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "make",
    [
        lambda: Lasso(alpha=0.05, tol=1e-10),
        lambda: ElasticNet(alpha=0.05, l1_ratio=0.5, tol=1e-10),
        lambda: SparseRegression("mcp", alpha=0.05, tol=1e-10),
        lambda: SparseRegression("l0", alpha=0.01, tol=1e-10),
    ],
)
def test_dask_fit_equals_in_memory_fit(client, make, fit_intercept, weighted):
    X, y, weights = _regression()
    weights = weights if weighted else None
    in_memory = make().set_params(fit_intercept=fit_intercept).fit(X, y, sample_weight=weights)
    X_dask = da.from_array(X, chunks=(700, 5))  # uneven row chunks, split columns
    y_dask = da.from_array(y, chunks=1000)  # chunked differently from X: rechunked
    w_dask = None if weights is None else da.from_array(weights, chunks=900)
    on_dask = make().set_params(fit_intercept=fit_intercept).fit(X_dask, y_dask, w_dask)
    np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, atol=1e-8)
    assert on_dask.intercept_ == pytest.approx(in_memory.intercept_, abs=1e-8)
    prediction = on_dask.predict(X_dask)
    assert isinstance(prediction, da.Array)  # lazy
    np.testing.assert_allclose(prediction.compute(), in_memory.predict(X), atol=1e-7)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_dask_multitask_lasso(client, fit_intercept):
    X, Y, weights = _regression(n_tasks=3)
    kwargs = {"alpha": 0.1, "fit_intercept": fit_intercept, "tol": 1e-12}
    in_memory = MultiTaskLasso(**kwargs).fit(X, Y, sample_weight=weights)
    on_dask = MultiTaskLasso(**kwargs).fit(
        da.from_array(X, chunks=(1000, -1)),
        da.from_array(Y, chunks=(500, 2)),
        da.from_array(weights, chunks=1000),
    )
    np.testing.assert_allclose(on_dask.coef_, in_memory.coef_, atol=1e-8)
    np.testing.assert_allclose(on_dask.intercept_, in_memory.intercept_, atol=1e-8)


def test_dask_colide_equals_in_memory(client):
    B = simulate_dag(8, 10, "ER", random_state=1)
    X = simulate_linear_sem(simulate_parameters(B, random_state=1), 1500, random_state=1)
    in_memory = CoLiDE(variance="nv", max_iter=2000).fit(X)
    on_dask = CoLiDE(variance="nv", max_iter=2000).fit(da.from_array(X, chunks=(400, -1)))
    np.testing.assert_allclose(on_dask.raw_adjacency_, in_memory.raw_adjacency_, atol=1e-8)
    assert on_dask.n_samples_ == 1500 and on_dask.n_features_in_ == 8


def test_lazy_rows_beyond_the_client_memory_budget(client):
    """2.4 million rows × 20 features (384 MB) never reach the client: it holds p × p moments."""
    n, p, chunk = 2_400_000, 20, 200_000
    state = da.random.RandomState(0)
    X = state.standard_normal((n, p), chunks=(chunk, p))
    coef = np.zeros(p)
    coef[[1, 5, 7]] = [2.0, -1.0, 0.5]
    y = X @ coef + 3.0 + 0.1 * state.standard_normal(n, chunks=chunk)
    budget = 32 * 2**20  # a tenth of the data
    assert X.nbytes > 10 * budget
    tracemalloc.start()
    try:
        statistics = sufficient_statistics(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < budget, f"client peak {peak / 2**20:.1f} MiB"
    assert statistics.n_samples == n
    model = Lasso(alpha=1e-3).fit_from_statistics(statistics)
    np.testing.assert_allclose(model.coef_, coef, atol=5e-3)
    assert model.intercept_ == pytest.approx(3.0, abs=5e-3)


def test_joblib_dask_backend_gives_the_default_results(client):
    X, y, _ = _regression(n=300, p=15)
    settings = {"penalty": "mcp", "n_alphas": 8, "cv": 3, "n_jobs": 2}
    default = SparseRegressionCV(**settings).fit(X, y)
    with joblib.parallel_backend("dask"):
        spread = SparseRegressionCV(**settings).fit(X, y)
    assert spread.alpha_ == default.alpha_
    np.testing.assert_allclose(spread.coef_, default.coef_, atol=1e-12)


def test_paths_of_several_penalties_on_the_dask_backend(client):
    from sparsestat.linear_model import sparse_path

    X, y, _ = _regression(n=300, p=15)
    settings = {"penalty": ["l1", "mcp", "scad"], "n_alphas": 6, "n_jobs": 2}
    default = sparse_path(X, y, **settings)
    with joblib.parallel_backend("dask"):
        spread = sparse_path(X, y, **settings)
    for (_, coefs, _), (_, coefs_spread, _) in zip(default, spread, strict=True):
        np.testing.assert_array_equal(coefs_spread, coefs)


def test_stability_selection_on_the_dask_backend(client):
    from sparsestat.linear_model import StabilitySelection

    X, y, _ = _regression(n=200, p=10)
    selector = StabilitySelection(
        SparseRegression("mcp", alpha=0.1), n_bootstrap=8, random_state=0, n_jobs=2
    )
    default = selector.fit(X, y).selection_probabilities_.copy()
    with joblib.parallel_backend("dask"):
        spread = selector.fit(X, y).selection_probabilities_
    np.testing.assert_array_equal(spread, default)


def test_task_selector_on_the_dask_backend(client):
    from sparsestat.datasets import make_multitask_representation
    from sparsestat.task_selection import TaskSelector

    truth = make_multitask_representation(6, 20, 4, 2, noise=0.5, random_state=2)
    sources = [truth.sample(m, 300) for m in range(6)]
    target = truth.sample(-1, 100)
    default = TaskSelector(rank=4, n_jobs=2).fit(sources, target)
    with joblib.parallel_backend("dask"):
        spread = TaskSelector(rank=4, n_jobs=2).fit(sources, target)
    np.testing.assert_allclose(spread.relevance_, default.relevance_, atol=1e-12)


def test_dask_input_errors(client):
    X, y, _ = _regression(n=100)
    with pytest.raises(ValueError, match="NaN"):
        Lasso().fit(da.from_array(np.where(X > 3, np.nan, X), chunks=50), da.from_array(y))
    with pytest.raises(ValueError, match="shape"):
        Lasso().fit(da.from_array(X, chunks=50), da.from_array(y[:-1]))
    with pytest.raises(ValueError, match="features"):
        Lasso().fit(X, y).predict(da.from_array(X[:, :3]))


def test_dask_dataframe_fit_keeps_column_names_and_predicts_lazily():
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    X, y, _ = _regression(n=1200, p=5)
    names = [f"protein_{k}" for k in range(5)]
    frame = dd.from_pandas(pd.DataFrame(X, columns=names), npartitions=3)
    target = dd.from_pandas(pd.Series(y), npartitions=3)
    lazy = Lasso(alpha=0.05, tol=1e-10).fit(frame, target)
    eager = Lasso(alpha=0.05, tol=1e-10).fit(pd.DataFrame(X, columns=names), y)
    np.testing.assert_allclose(lazy.coef_, eager.coef_, atol=1e-8)
    assert list(lazy.feature_names_in_) == names
    prediction = lazy.predict(frame)
    assert hasattr(prediction, "compute")
    np.testing.assert_allclose(
        prediction.compute(), eager.predict(pd.DataFrame(X, columns=names)), atol=1e-7
    )
    renamed = dd.from_pandas(pd.DataFrame(X, columns=names[::-1]), npartitions=3)
    with pytest.raises(ValueError, match="feature names"):
        lazy.predict(renamed)
    tasks = MultiTaskLasso(alpha=0.05, tol=1e-10).fit(
        frame, dd.from_pandas(pd.DataFrame(np.column_stack([y, -y])), npartitions=3)
    )
    assert list(tasks.feature_names_in_) == names
    np.testing.assert_allclose(tasks.coef_[0], -tasks.coef_[1], atol=1e-8)
