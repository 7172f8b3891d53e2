"""Sparse regression estimators: oracles (scikit-learn, cvxpy, skglm numbers), API, errors."""

import json
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sparsestat.datafits import QuadraticProblem
from sparsestat.datasets import make_sparse_regression
from sparsestat.linear_model import (
    ElasticNet,
    L0Regression,
    Lasso,
    LqRegression,
    MCPRegression,
    SCADRegression,
    SparseRegression,
    SparseRegressionCV,
    alpha_max,
    sparse_path,
)
from sparsestat.penalties import CEL0, L1, MCP

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def problem():
    X, y, coef = make_sparse_regression(60, 90, 6, rho=0.5, snr=5.0, random_state=0)
    return X, y, coef


def sparsify(X, fmt):
    if fmt == "dense":
        return X
    if fmt == "fortran":
        return np.asfortranarray(X)
    Xs = np.where(np.abs(X) > 0.8, X, 0.0)
    return sp.csr_matrix(Xs) if fmt == "csr" else sp.csc_matrix(Xs)


def assert_close_to(model, reference, rtol):
    scale = max(np.max(np.abs(reference.coef_)), 1e-12)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=0, atol=rtol * scale)
    assert model.intercept_ == pytest.approx(reference.intercept_, rel=rtol, abs=rtol * scale)


# --------------------------------------------------------------------------- #
# Lasso and ElasticNet equal scikit-learn
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("fmt", ["dense", "fortran", "csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("kind", ["lasso", "enet"])
def test_equals_scikit_learn(problem, fmt, fit_intercept, weighted, positive, kind):
    X, y, _ = problem
    X = sparsify(X, fmt)
    rng = np.random.default_rng(1)
    sample_weight = rng.uniform(0.2, 2.0, size=y.size) if weighted else None
    alpha = 0.05
    common = dict(alpha=alpha, fit_intercept=fit_intercept, positive=positive, tol=1e-12)
    if kind == "lasso":
        reference = sk.Lasso(max_iter=100_000, **common)
        ours = Lasso(max_iter=100_000, **common)
    else:
        reference = sk.ElasticNet(l1_ratio=0.7, max_iter=100_000, **common)
        ours = ElasticNet(l1_ratio=0.7, max_iter=100_000, **common)
    reference.fit(X, y, sample_weight=sample_weight)
    ours.fit(X, y, sample_weight=sample_weight)
    assert_close_to(ours, reference, 1e-6)
    assert ours.dual_gap_ <= 1e-12 * np.var(y) * 10


@pytest.mark.parametrize("solver", ["gram", "fista", "cvxpy"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_other_solvers_equal_scikit_learn(problem, solver, fit_intercept):
    X, y, _ = problem
    sample_weight = np.random.default_rng(2).uniform(0.5, 1.5, size=y.size)
    reference = sk.Lasso(alpha=0.05, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000)
    reference.fit(X, y, sample_weight=sample_weight)
    ours = Lasso(
        alpha=0.05, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000, solver=solver
    ).fit(X, y, sample_weight=sample_weight)
    assert ours.solver_ == solver
    assert_close_to(ours, reference, 1e-6)


def test_weighted_l1_and_positive_match_cvxpy(problem):
    """Per-coordinate weights (some zero: unpenalized) against the cvxpy reference."""
    X, y, _ = problem
    weights = np.random.default_rng(3).uniform(0.0, 2.0, size=X.shape[1])
    weights[:3] = 0.0
    pen = L1(alpha=0.05, weights=weights, positive=True)
    cd = SparseRegression(penalty=pen, tol=1e-12, max_iter=100_000).fit(X, y)
    ref = SparseRegression(penalty=pen, solver="cvxpy").fit(X, y)
    np.testing.assert_allclose(cd.coef_, ref.coef_, atol=1e-6)
    assert cd.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_float32_stays_float32(problem, dtype, fmt):
    X, y, _ = problem
    X = sparsify(X.astype(dtype), fmt)
    model = Lasso(alpha=0.05, tol=1e-8).fit(X, y.astype(dtype))
    assert model.coef_.dtype == dtype
    assert model.predict(X).dtype == dtype
    reference = Lasso(alpha=0.05, tol=1e-10).fit(X.astype(np.float64), y)
    tol = 1e-4 if dtype == np.float32 else 1e-7
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=tol)


# --------------------------------------------------------------------------- #
# nonconvex penalties
# --------------------------------------------------------------------------- #
NONCONVEX = {
    "mcp": dict(penalty="mcp", gamma=3.0),
    "scad": dict(penalty="scad", gamma=3.7),
    "lq_half": dict(penalty="lq", q=0.5),
    "lq_two_thirds": dict(penalty="lq", q=2.0 / 3.0),
}


@pytest.mark.parametrize("name", ["mcp", "scad", "lq", "l0", "cel0"])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_nonconvex_first_order_condition(problem, name, fmt, fit_intercept):
    X, y, _ = problem
    X = sparsify(X, fmt)
    model = SparseRegression(penalty=name, alpha=0.1, tol=1e-8, fit_intercept=fit_intercept)
    model.fit(X, y)
    assert model.stop_crit_ < 1e-8
    # independently: the penalty's own subdifferential distance at the solution
    data = QuadraticProblem(
        X if not sp.issparse(X) else X.tocsc(), y.astype(float), None, fit_intercept
    )
    grad = data.gradient(model.coef_.astype(float))
    if name in ("l0", "lq"):  # fixed point of exact coordinate minimisation
        steps = 1.0 / data.lipschitz
        moved = np.array(
            [
                model.penalty_.prox_1d(w - g * s, s)
                for w, g, s in zip(model.coef_, grad, steps, strict=True)
            ]
        )
        assert np.max(np.abs(moved - model.coef_) / steps) < 1e-7
    else:
        assert np.max(model.penalty_.subdiff_distance(model.coef_, grad)) < 1e-7
    assert model.intercept_ == pytest.approx(data.intercept(model.coef_.astype(float)))


@pytest.mark.parametrize("name", ["l1", "elasticnet", "mcp", "scad", "lq", "l0", "cel0"])
def test_positive_for_every_penalty(problem, name):
    X, y, _ = problem
    model = SparseRegression(penalty=name, alpha=0.05, positive=True, tol=1e-8).fit(X, y)
    assert np.all(model.coef_ >= 0) and np.any(model.coef_ > 0)
    unconstrained = SparseRegression(penalty=name, alpha=0.05, tol=1e-8).fit(X, y)
    assert np.any(unconstrained.coef_ < 0)  # the constraint is active on this problem
    assert model.penalty_.positive


def test_nonconvex_objective_no_worse_than_skglm():
    """Fixtures from benchmarks/make_skglm_fixtures.py (skglm AndersonCD, tol=1e-10)."""
    records = json.loads((DATA / "skglm_nonconvex.json").read_text())["records"]
    for record in records:
        X, y, _ = make_sparse_regression(
            100, 200, 10, rho=0.5, snr=5.0, random_state=record["seed"]
        )
        model = SparseRegression(
            alpha=record["alpha"],
            fit_intercept=False,
            tol=1e-10,
            max_iter=10_000,
            init="best",
            **NONCONVEX[record["penalty"]],
        ).fit(X, y)
        objective = 0.5 * np.mean((y - X @ model.coef_) ** 2) + model.penalty_.value(model.coef_)
        assert objective <= record["objective"] + 1e-9 * abs(record["objective"]), record


def test_init_best_is_the_better_of_two_starts(problem):
    X, y, _ = problem
    fits = {
        init: MCPRegression(alpha=0.05, init=init, fit_intercept=False).fit(X, y)
        for init in ("zero", "lasso", "best")
    }

    def objective(model):
        return 0.5 * np.mean((y - X @ model.coef_) ** 2) + model.penalty_.value(model.coef_)

    values = {init: objective(model) for init, model in fits.items()}
    assert values["best"] == pytest.approx(min(values["zero"], values["lasso"]), rel=1e-12)


def test_support_recovery_beats_lasso():
    """At the CV-chosen alpha, nonconvex penalties find the true support better."""
    X, y, coef = make_sparse_regression(200, 100, 8, rho=0.6, snr=3.0, random_state=1)
    truth = coef != 0
    scores = {}
    for name in ("l1", "mcp", "scad", "lq", "l0"):
        model = SparseRegressionCV(penalty=name, n_alphas=30).fit(X, y)
        scores[name] = f1_score(truth, model.coef_ != 0)
    for name in ("mcp", "scad", "lq", "l0"):
        assert scores[name] >= scores["l1"] + 0.1, scores


# --------------------------------------------------------------------------- #
# paths and cross-validation
# --------------------------------------------------------------------------- #
def test_path_matches_individual_fits(problem):
    X, y, _ = problem
    alphas, coefs, intercepts = sparse_path(
        X, y, penalty="l1", n_alphas=8, tol=1e-12, max_iter=100_000
    )
    assert np.all(coefs[:, 0] == 0)
    assert np.all(np.diff(alphas) < 0)
    for k in (2, 5, 7):
        single = Lasso(alpha=alphas[k], tol=1e-12, max_iter=100_000).fit(X, y)
        np.testing.assert_allclose(coefs[:, k], single.coef_, atol=1e-7)
        assert intercepts[k] == pytest.approx(single.intercept_, abs=1e-7)
    # scikit-learn's path on the same grid (no intercept there)
    _, sk_coefs, _ = sk.lasso_path(
        X - X.mean(0), y - y.mean(), alphas=alphas, tol=1e-12, max_iter=1_000_000
    )
    np.testing.assert_allclose(coefs, sk_coefs, atol=1e-6)


def test_path_of_several_penalties_equals_their_single_paths(problem):
    X, y, _ = problem
    options = dict(n_alphas=6, tol=1e-10, return_info=True)
    penalties = ["l1", "elasticnet", MCP(alpha=1.0, gamma=2.5)]
    together = sparse_path(X, y, penalty=penalties, n_jobs=2, **options)
    assert isinstance(together, list) and len(together) == 3
    for penalty, (alphas, coefs, intercepts, info) in zip(penalties, together, strict=True):
        single = sparse_path(X, y, penalty=penalty, **options)
        np.testing.assert_array_equal(alphas, single[0])
        np.testing.assert_allclose(coefs, single[1], atol=1e-12)
        np.testing.assert_allclose(intercepts, single[2], atol=1e-12)
        np.testing.assert_array_equal(info["n_iter"], single[3]["n_iter"])
    # each penalty gets its own grid (elastic net: alpha_max / l1_ratio) unless alphas is given
    assert together[0][0][0] != together[1][0][0]
    shared = sparse_path(X, y, penalty=("l1", "scad"), alphas=[0.5, 0.1])
    np.testing.assert_array_equal(shared[0][0], shared[1][0])
    with pytest.raises(ValueError, match="non-empty"):
        sparse_path(X, y, penalty=[])
    with pytest.raises(TypeError, match="nested"):
        sparse_path(X, y, penalty=["l1", ["mcp"]])


@pytest.mark.parametrize("name", ["l1", "mcp", "scad", "l0", "lq", "cel0"])
def test_alpha_max_zeroes_the_solution(problem, name):
    X, y, _ = problem
    top = alpha_max(X, y, name)
    above = SparseRegression(penalty=name, alpha=top * 1.0001).fit(X, y)
    below = SparseRegression(penalty=name, alpha=top * 0.9).fit(X, y)
    assert np.all(above.coef_ == 0)
    assert np.any(below.coef_ != 0)


def test_alpha_max_rule_is_owned_by_the_penalty_class(problem):
    # the path asks the penalty (coordinate_alpha_max), not its class name: a
    # subclass of L0 or Lq keeps the step-dependent rule of its parent
    from sparsestat.penalties import L0, Lq

    class MyL0(L0):
        pass

    class MyLq(Lq):
        pass

    X, y, _ = problem
    assert alpha_max(X, y, MyL0(3.0)) == alpha_max(X, y, "l0")
    assert alpha_max(X, y, MyLq(3.0, q=0.6)) == alpha_max(X, y, "lq", q=0.6)
    assert alpha_max(X, y, L0(2.0, positive=True)) == alpha_max(X, y, "l0", positive=True)
    assert alpha_max(X, y, "l0") != alpha_max(X, y, "l1")
    top = alpha_max(X, y, MyLq(1.0, q=0.6))
    assert np.all(SparseRegression(penalty=Lq(top * 1.0001, q=0.6)).fit(X, y).coef_ == 0)
    assert np.any(SparseRegression(penalty=Lq(top * 0.9, q=0.6)).fit(X, y).coef_ != 0)


def test_gram_path_equals_cd_path(problem):
    X, y, _ = problem
    options = dict(n_alphas=10, tol=1e-12, max_iter=100_000)
    _, cd, _ = sparse_path(X, y, penalty="elasticnet", solver="cd", **options)
    _, gram, _ = sparse_path(X, y, penalty="elasticnet", solver="gram", **options)
    np.testing.assert_allclose(cd, gram, atol=1e-6)
    # nonconvex: both reach first-order points (possibly different local minima)
    _, _, _, info = sparse_path(X, y, penalty="mcp", solver="gram", return_info=True, **options)
    assert np.all(info["stop_crit"] < 1e-12)


def test_cv_grid_over_gamma_and_refit(problem):
    X, y, _ = problem
    model = SparseRegressionCV(penalty="mcp", gamma=[1.5, 4.0], n_alphas=10, cv=3).fit(X, y)
    assert model.mse_path_.shape == (2, 10, 3)
    assert model.alphas_.shape == (2, 10)
    assert model.gamma_ in (1.5, 4.0)
    refit = SparseRegression(penalty="mcp", alpha=model.alpha_, gamma=model.gamma_).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_)
    with pytest.raises(ValueError, match="no q to search over"):
        SparseRegressionCV(penalty="mcp", q=[0.3, 0.5]).fit(X, y)


def test_cv_lasso_agrees_with_lassocv(problem):
    X, y, _ = problem
    alphas = np.geomspace(0.5, 0.005, 15)
    ours = SparseRegressionCV(penalty="l1", alphas=alphas, cv=4, tol=1e-10).fit(X, y)
    theirs = sk.LassoCV(alphas=alphas, cv=4, tol=1e-10, max_iter=100_000).fit(X, y)
    assert ours.alpha_ == pytest.approx(theirs.alpha_)
    np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=1e-5)


# --------------------------------------------------------------------------- #
# scikit-learn API
# --------------------------------------------------------------------------- #
def test_pipeline_and_grid_search(problem):
    X, y, _ = problem
    pipe = make_pipeline(StandardScaler(), MCPRegression())
    search = GridSearchCV(
        pipe, {"mcpregression__alpha": [0.05, 0.2], "mcpregression__gamma": [2.0, 3.0]}, cv=3
    ).fit(X, y)
    assert set(search.best_params_) == {"mcpregression__alpha", "mcpregression__gamma"}
    search = GridSearchCV(
        SparseRegression(penalty="scad"), {"alpha": [0.05, 0.2], "gamma": [2.5, 3.7]}, cv=3
    ).fit(X, y)
    assert search.best_estimator_.penalty_.gamma in (2.5, 3.7)


def test_clone_pickle_and_no_mutation(problem):
    X, y, _ = problem
    X_before, y_before = X.copy(), y.copy()
    sample_weight = np.ones(y.size)
    pen = MCP(alpha=0.1, gamma=2.5)
    model = SparseRegression(penalty=pen).fit(X, y, sample_weight=sample_weight)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(sample_weight, np.ones(y.size))
    assert model.penalty is pen and model.get_params()["penalty"] is pen
    copy = clone(model)
    assert copy.penalty is not pen and copy.penalty.get_params() == pen.get_params()
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_warm_start_and_convergence_warning(problem):
    X, y, _ = problem
    model = Lasso(alpha=0.01, tol=1e-14, max_iter=3)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        model.fit(X, y)
    model.set_params(max_iter=100_000, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    cold = Lasso(alpha=0.01, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(model.coef_, cold.coef_, atol=1e-8)
    with pytest.warns(ConvergenceWarning, match="subdifferential distance"):
        MCPRegression(alpha=0.01, tol=1e-15, max_iter=2).fit(X, y)


def test_feature_names_and_shortcut_defaults(problem):
    pd = pytest.importorskip("pandas")
    X, y, _ = problem
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    model = SCADRegression(alpha=0.1).fit(frame, y)
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.penalty_.gamma == 3.7 and MCPRegression().fit(X, y).penalty_.gamma == 3.0
    assert LqRegression(q=0.3).fit(X, y).penalty_.q == 0.3
    assert type(L0Regression().fit(X, y).penalty_).__name__ == "L0"


def test_array_api_strict_runs_fista(problem):
    xs = pytest.importorskip("array_api_strict")
    X, y, _ = problem
    model = Lasso(alpha=0.05, tol=1e-10, max_iter=20_000).fit(xs.asarray(X), xs.asarray(y))
    assert model.solver_ == "fista"
    assert isinstance(model.coef_, type(xs.asarray(X)))
    reference = Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(np.asarray(model.coef_), reference.coef_, atol=1e-6)
    assert isinstance(model.predict(xs.asarray(X)), type(xs.asarray(X)))


def test_cel0_objects_and_constant_columns(problem):
    X, y, _ = problem
    X = X.copy()
    X[:, 4] = 3.0  # constant column: carries nothing, coefficient 0
    for name in ("l1", "mcp", "cel0", "l0"):
        model = SparseRegression(penalty=name, alpha=0.05).fit(X, y)
        assert model.coef_[4] == 0.0
    too_large = CEL0(alpha=0.1, column_norms=np.full(X.shape[1], 100.0))
    with pytest.raises(ValueError, match="CEL0 column_norms larger"):
        SparseRegression(penalty=too_large).fit(X, y)


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "estimator, match",
    [
        (SparseRegression(alpha=-1.0), "alpha"),
        (SparseRegression(penalty="lasso"), "penalty must be one of"),
        (SparseRegression(penalty="lq", q=1.5), "q must be"),
        (SparseRegression(penalty="lq", q=0.0), "q must be"),
        (SparseRegression(penalty="mcp", gamma=1.0), "gamma"),
        (SparseRegression(penalty="scad", gamma=2.0), "gamma"),
        (SparseRegression(penalty="elasticnet", l1_ratio=2.0), "l1_ratio"),
        (SparseRegression(solver="newton"), "solver must be one of"),
        (SparseRegression(penalty="mcp", solver="cvxpy"), "convex problems only"),
        (SparseRegression(max_iter=0), "max_iter"),
        (SparseRegression(tol=-1.0), "tol"),
        (SparseRegression(init="random"), "init must be"),
        (SparseRegression(fit_intercept="yes"), "fit_intercept"),
        (Lasso(precompute="always"), "precompute"),
        (Lasso(selection="greedy"), "selection"),
    ],
)
def test_bad_parameters(problem, estimator, match):
    X, y, _ = problem
    with pytest.raises((ValueError, TypeError), match=match):
        estimator.fit(X, y)


def test_bad_data(problem):
    X, y, _ = problem
    model = Lasso(alpha=0.1)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X_nan, y)
    y_inf = y.copy()
    y_inf[3] = np.inf
    with pytest.raises(ValueError, match="[Ii]nf"):
        model.fit(X, y_inf)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        model.fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        model.fit(X, y, sample_weight=-np.ones(y.size))
    with pytest.raises(ValueError, match="sample_weight must have shape"):
        model.fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="sums to zero"):
        model.fit(X, y, sample_weight=np.zeros(y.size))
    model.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :5])


def test_tiny_and_degenerate_inputs():
    # one sample, one feature, y constant, all-zero X
    model = Lasso(alpha=0.1).fit(np.array([[1.0]]), np.array([2.0]))
    assert model.coef_[0] == 0.0 and model.intercept_ == 2.0
    X = np.zeros((5, 3))
    model = MCPRegression(alpha=0.1).fit(X, np.arange(5.0))
    np.testing.assert_array_equal(model.coef_, 0.0)
    assert model.intercept_ == pytest.approx(2.0)
    model = Lasso(alpha=0.0, tol=1e-12, max_iter=10_000).fit(
        np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0, 3.0])
    )
    np.testing.assert_allclose(model.predict(np.eye(2)), [1.0, 2.0], atol=1e-6)


def test_cv_default_is_five_folds(problem):
    """The README's "alpha by 5-fold CV": the default splitter has five folds."""
    X, y, _ = problem
    model = SparseRegressionCV(n_alphas=3).fit(X, y)
    assert model.mse_path_.shape[-1] == 5


@pytest.mark.parametrize(
    ("shape", "sparse", "expected"),
    [
        ((1000, 100), False, "gram"),  # n >= 10 p, p <= 2000
        ((999, 100), False, "cd"),  # n < 10 p
        ((1000, 100), True, "cd"),  # sparse X
        ((30000, 2001), False, "cd"),  # p > 2000
        ((20000, 2000), False, "gram"),
    ],
)
def test_auto_solver_rule(shape, sparse, expected):
    """The user guide's rule for solver="auto": Gram CD for dense X with
    n_samples >= 10·n_features and n_features <= 2000, CD otherwise."""
    from sparsestat.linear_model._base import choose_solver

    X = sp.random(*shape, density=1e-4, format="csc") if sparse else np.empty(shape)
    assert choose_solver("auto", X, L1(1.0)) == expected


def test_auto_solver_is_what_the_fit_runs(problem):
    X, y, _ = problem
    tall = np.vstack([X] * 15)  # 900 rows = 10 × 90 features
    assert Lasso(alpha=0.1).fit(tall, np.tile(y, 15)).solver_ == "gram"
    assert Lasso(alpha=0.1).fit(X, y).solver_ == "cd"


@pytest.mark.parametrize("penalty", ["l1", "mcp"])
def test_index_example_needs_more_than_the_default_epochs(penalty):
    """docs/index.rst raises max_iter to 3000 because "the grid's smallest alphas
    (p > n) need more than the default 1000 epochs": with the default, the same
    cross-validation warns (with 3000 it does not: tests/test_doc_snippets.py runs
    the block with ConvergenceWarning as an error)."""
    X, y, _ = make_sparse_regression(200, 500, n_informative=10, random_state=0)
    with pytest.warns(ConvergenceWarning):
        SparseRegressionCV(penalty=penalty).fit(X, y)
