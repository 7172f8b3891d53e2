"""Group-sparse regression: cvxpy oracles, exact k, support recovery, API, errors."""

import itertools
import warnings

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from sparsestat.datafits import QuadraticProblem
from sparsestat.datasets import make_sparse_regression
from sparsestat.linear_model import GroupSparseRegression, GroupSparseRegressionCV

pytestmark = pytest.mark.filterwarnings("ignore:Solution may be inaccurate")

TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "max_iter": 500}


@pytest.fixture(scope="module")
def grouped():
    X, y, coef, groups = make_sparse_regression(
        120, 30, 2, group_size=5, rho=0.4, snr=4.0, return_groups=True, random_state=0
    )
    return X, y, coef, groups


def cvxpy_objective_parts(X, y, sample_weight, fit_intercept):
    n, p = X.shape
    weights = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    datafit = 0.5 * cp.sum(cp.multiply(weights, cp.square(y - X @ w - b)))
    return w, b, datafit


def objective(model, X, y, sample_weight=None):
    problem = QuadraticProblem(
        np.asarray(X.todense()) if sp.issparse(X) else X, y, sample_weight, model.fit_intercept
    )
    w = model.coef_.astype(float)
    return problem.value(w) + model.penalty_.value(w)


def assert_matches_oracle(model, X, y, w_oracle, oracle_value, sample_weight=None):
    """Equal to the oracle up to the solver's own error (1e-5 on coefficients).

    The objective is strongly convex here (n > p, full-rank centred design);
    interior-point solvers stop around 1e-9 in objective, so the coefficient
    check allows sqrt(2·excess/mu) on top of 1e-5.
    """
    ours = objective(model, X, y, sample_weight)
    excess = oracle_value - ours
    assert excess >= -1e-9 * (1 + abs(ours)), (ours, oracle_value)
    Xd = np.asarray(X.todense()) if sp.issparse(X) else X
    centred = Xd - Xd.mean(0) if model.fit_intercept else Xd
    mu = np.linalg.eigvalsh(centred.T @ centred / Xd.shape[0]).min()
    allowed = 1e-5 + np.sqrt(2 * max(excess, 0.0) / mu)
    assert np.linalg.norm(model.coef_ - w_oracle) <= allowed


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_group_lasso_matches_cvxpy(grouped, fmt, fit_intercept, weighted):
    X, y, _, groups = grouped
    rng = np.random.default_rng(1)
    sample_weight = rng.uniform(0.3, 2.0, size=y.size) if weighted else None
    group_weights = rng.uniform(0.5, 2.0, size=6)
    group_weights[5] = 0.0  # an unpenalized group
    alpha = 0.08
    model = GroupSparseRegression(
        groups=groups,
        penalty="group_l2",
        alpha=alpha,
        weights=group_weights,
        tol=1e-12,
        max_iter=100_000,
        fit_intercept=fit_intercept,
    )
    Xf = sp.csc_matrix(X) if fmt == "csc" else X
    model.fit(Xf, y, sample_weight=sample_weight)
    assert model.solver_ == "bcd"
    w, b, datafit = cvxpy_objective_parts(X, y, sample_weight, fit_intercept)
    penalty = sum(alpha * group_weights[g] * cp.norm(w[groups == g], 2) for g in range(6))
    problem = cp.Problem(cp.Minimize(datafit + penalty))
    problem.solve(solver=cp.CLARABEL, **TIGHT)
    assert_matches_oracle(model, Xf, y, w.value, problem.value, sample_weight)
    fista = GroupSparseRegression(
        groups=groups,
        penalty="group_l2",
        alpha=alpha,
        weights=group_weights,
        tol=1e-12,
        max_iter=100_000,
        fit_intercept=fit_intercept,
        solver="fista",
    ).fit(Xf, y, sample_weight=sample_weight)
    np.testing.assert_allclose(fista.coef_, model.coef_, atol=1e-6)


@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted_groups", [False, True])
def test_wgsef_matches_cvxpy(grouped, k, fit_intercept, weighted_groups):
    X, y, _, groups = grouped
    d = np.random.default_rng(2).uniform(0.5, 3.0, size=6) if weighted_groups else np.ones(6)
    alpha = 0.3
    model = GroupSparseRegression(
        groups=groups,
        penalty="wgsef",
        k=k,
        alpha=alpha,
        weights=d,
        tol=1e-13,
        max_iter=100_000,
        fit_intercept=fit_intercept,
    ).fit(X, y)
    w, b, datafit = cvxpy_objective_parts(X, y, None, fit_intercept)
    theta = cp.Variable(6)
    envelope = 0.5 * sum(d[g] * cp.quad_over_lin(w[groups == g], theta[g]) for g in range(6))
    problem = cp.Problem(
        cp.Minimize(datafit + alpha * envelope), [theta >= 0, theta <= 1, cp.sum(theta) == k]
    )
    problem.solve(solver=cp.CLARABEL, **TIGHT)
    assert_matches_oracle(model, X, y, w.value, problem.value)
    assert model.stop_crit_ <= 1e-13 * np.var(y) * 10


@pytest.mark.parametrize("k", range(1, 7))
def test_exact_k_keeps_exactly_k_groups(grouped, k):
    X, y, _, groups = grouped
    for alpha in (0.01, 0.3, 10.0):
        model = GroupSparseRegression(
            groups=groups, k=k, alpha=alpha, exact_k=True, tol=1e-10
        ).fit(X, y)
        assert model.n_active_groups_ == k
        assert model.active_groups_.size == k


def test_exact_k_refit_minimises_the_objective_on_its_support(grouped):
    """On <= k groups WGSEF is a weighted ridge: the refit is its exact minimiser."""
    X, y, _, groups = grouped
    d = np.linspace(0.5, 2.0, 6)
    model = GroupSparseRegression(
        groups=groups, k=2, alpha=0.2, weights=d, exact_k=True, tol=1e-12
    ).fit(X, y)
    problem = QuadraticProblem(X, y, None, True)
    grad = problem.gradient(model.coef_)
    support = np.isin(groups, model.active_groups_)
    ridge_grad = grad + 0.2 * d[groups] * model.coef_
    np.testing.assert_allclose(ridge_grad[support], 0.0, atol=1e-10)
    # and its objective is no worse than the convex solution projected on that support
    convex = GroupSparseRegression(groups=groups, k=2, alpha=0.2, weights=d, tol=1e-12).fit(X, y)
    projected = np.where(support, convex.coef_, 0.0)
    value = problem.value(model.coef_) + model.penalty_.value(model.coef_)
    assert value <= problem.value(projected) + model.penalty_.value(projected) + 1e-12


def test_wgsef_recovers_groups_better_than_group_lasso():
    """At the CV-chosen alpha, WGSEF with the true k finds the true groups more often."""
    wins = {"wgsef": 0, "group_l2": 0}
    for seed in range(6):
        X, y, coef, groups = make_sparse_regression(
            80, 60, 3, group_size=5, rho=0.5, snr=2.0, return_groups=True, random_state=seed
        )
        truth = set(np.unique(groups[coef != 0]))
        for penalty in wins:
            model = GroupSparseRegressionCV(
                groups=groups,
                penalty=penalty,
                k=3,
                exact_k=penalty == "wgsef",
                n_alphas=10,
                cv=3,
                max_iter=5000,
            ).fit(X, y)
            wins[penalty] += set(model.active_groups_) == truth
    assert wins["wgsef"] >= wins["group_l2"] + 2, wins


def test_cv_grid_over_k(grouped):
    X, y, _, groups = grouped
    model = GroupSparseRegressionCV(groups=groups, k=[1, 2, 3], n_alphas=6, cv=3).fit(X, y)
    assert model.mse_path_.shape == (3, 6, 3)
    assert model.k_ in (1, 2, 3)
    assert model.best_estimator_.k == model.k_


def test_cv_nonconvex_wgsef(grouped):
    """The non-convex WGSEF in the CV: its grid starts at L (the projection regime),
    the held-out errors are those of direct fits on each fold, and the refit has at
    most k groups."""
    from sklearn.model_selection import KFold

    from sparsestat.datafits import ArrayProblem

    X, y, _, groups = grouped
    model = GroupSparseRegressionCV(
        groups=groups, penalty="wgsef_nonconvex", k=[1, 2], n_alphas=4, cv=3, tol=1e-10
    ).fit(X, y)
    lipschitz = ArrayProblem(X, y, None, True).lipschitz()
    np.testing.assert_allclose(model.alphas_, lipschitz * np.geomspace(1.0, 1e-3, 4))
    assert model.n_active_groups_ <= model.k_
    assert model.best_estimator_.penalty == "wgsef_nonconvex"
    # one (k, alpha, fold) cell by hand: a cold fit at the grid's top, where the
    # warm start cannot matter (the prox is the projection on k groups)
    train, test = next(iter(KFold(3).split(X)))
    direct = GroupSparseRegression(
        groups=groups, penalty="wgsef_nonconvex", k=2, alpha=model.alphas_[0], tol=1e-10
    ).fit(X[train], y[train])
    mse = np.mean((y[test] - direct.predict(X[test])) ** 2)
    assert model.mse_path_[1, 0, 0] == pytest.approx(mse, rel=1e-6)
    with pytest.raises(ValueError, match="exact_k"):
        GroupSparseRegressionCV(groups=groups, penalty="wgsef_nonconvex", exact_k=True).fit(X, y)
    # with group weights the grid starts at L / min(weights)
    weights = np.linspace(1.0, 2.0, 6)
    weighted = GroupSparseRegressionCV(
        groups=groups, penalty="wgsef_nonconvex", weights=weights, n_alphas=3, cv=3
    )
    np.testing.assert_allclose(
        weighted._alpha_grid(X, y, None, None), lipschitz / 1.0 * np.geomspace(1.0, 1e-3, 3)
    )
    weighted.set_params(weights=np.linspace(0.5, 2.0, 6))
    np.testing.assert_allclose(
        weighted._alpha_grid(X, y, None, None)[0], lipschitz / 0.5, rtol=1e-12
    )


def test_wgsef_runs_on_array_api_strict(grouped):
    xs = pytest.importorskip("array_api_strict")
    X, y, _, groups = grouped
    reference = GroupSparseRegression(groups=groups, k=2, alpha=0.3, tol=1e-12).fit(X, y)
    model = GroupSparseRegression(groups=groups, k=2, alpha=0.3, tol=1e-12).fit(
        xs.asarray(X), xs.asarray(y)
    )
    assert isinstance(model.coef_, type(xs.asarray(X)))
    np.testing.assert_allclose(np.asarray(model.coef_), reference.coef_, atol=1e-7)


def test_groups_given_three_ways_agree(grouped):
    X, y, _, groups = grouped
    by_labels = GroupSparseRegression(groups=groups, k=2, alpha=0.3).fit(X, y)
    by_lists = GroupSparseRegression(
        groups=[np.flatnonzero(groups == g) for g in range(6)], k=2, alpha=0.3
    ).fit(X, y)
    by_size = GroupSparseRegression(groups=5, k=2, alpha=0.3).fit(X, y)
    np.testing.assert_allclose(by_labels.coef_, by_lists.coef_)
    np.testing.assert_allclose(by_labels.coef_, by_size.coef_)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(groups=[[0, 1], [1, 2]]), "overlap"),
        (dict(groups=[[0, 1], [3, 4]]), "no group"),
        (dict(groups=[[0, 1], [2, 99]]), "name feature 99, but X has 30"),
        (dict(groups=np.arange(5)), "describe 5 features"),
        (dict(groups=5, k=0), "k must be"),
        (dict(groups=5, k=7), "larger than the number of groups"),
        (dict(groups=5, weights=[1.0, 2.0]), "one entry per group"),
        (dict(groups=5, weights=[1.0, 0.0, 1.0, 1.0, 1.0, 1.0]), "positive"),
        (dict(groups=5, penalty="group_l2", weights=-np.ones(6)), "non-negative"),
        (dict(groups=5, penalty="lasso"), "penalty must be one of"),
        (dict(groups=5, penalty="group_l2", exact_k=True), "exact_k"),
        (dict(groups=5, solver="bcd"), "solver='bcd'"),
        (dict(groups=5, alpha=-1.0), "alpha"),
        (dict(groups=0), "groups"),
    ],
)
def test_bad_input(grouped, params, match):
    X, y, _, _ = grouped
    with pytest.raises((ValueError, TypeError), match=match):
        GroupSparseRegression(**params).fit(X, y)


@pytest.mark.parametrize("k", range(1, 6))
def test_nonconvex_wgsef_ends_with_exactly_k_groups(grouped, k):
    """Proximal training (FISTA) with the non-convex WGSEF, no projection step.

    With alpha >= L (step·alpha >= 1) the prox is the top-k projection, so every
    iterate has exactly k groups; with alpha = 0.5·L or 0.9·L the prox shrinks
    but the run still ends, converged, with exactly k groups on this problem.
    At 0.1·L it does not (k = 1 ends with 2 groups): exact k is not automatic.
    """
    from sparsestat.datafits import ArrayProblem

    X, y, _, groups = grouped
    lipschitz = ArrayProblem(X, y, None, True).lipschitz()
    for factor in (0.5, 0.9, 1.0, 3.0):
        model = GroupSparseRegression(
            groups=groups, penalty="wgsef_nonconvex", k=k, alpha=factor * lipschitz, tol=1e-10
        ).fit(X, y)
        assert model._converged
        assert model.n_active_groups_ == k
        assert model.penalty_.value(model.coef_) == pytest.approx(0.0, abs=1e-12)
    # along training in the projection regime: exactly k after every iteration
    for factor, n_iter in itertools.product((1.0, 3.0), (1, 2, 5, 10, 20, 50, 100)):
        model = GroupSparseRegression(
            groups=groups,
            penalty="wgsef_nonconvex",
            k=k,
            alpha=factor * lipschitz,
            max_iter=n_iter,
            tol=1e-14,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        assert model.n_active_groups_ == k
    if k in (1, 3):
        low = GroupSparseRegression(
            groups=groups, penalty="wgsef_nonconvex", k=k, alpha=0.1 * lipschitz, tol=1e-10
        ).fit(X, y)
        assert low.n_active_groups_ > k


# docs/user_guide/group.rst prints this table: groups left after 1, 2, 5, 10, 20, 50
# and 100 FISTA iterations, then at convergence, with the non-convex WGSEF
GROUPS_ALONG_TRAINING = {
    (1, 0.1): ([5, 3, 2, 2, 2, 2, 2], 2),
    (1, 0.5): ([2, 2, 1, 1, 1, 1, 1], 1),
    (3, 0.1): ([6, 6, 6, 6, 5, 5, 5], 5),
    (3, 0.5): ([5, 4, 3, 3, 3, 3, 3], 3),
    (4, 0.1): ([6, 6, 6, 6, 6, 6, 6], 6),
    (4, 0.5): ([5, 5, 4, 4, 4, 4, 4], 4),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(("k", "factor"), list(GROUPS_ALONG_TRAINING))
def test_nonconvex_wgsef_groups_along_training_as_documented(grouped, k, factor):
    from sparsestat.datafits import ArrayProblem

    X, y, _, groups = grouped
    alpha = factor * ArrayProblem(X, y, None, True).lipschitz()
    along = [
        GroupSparseRegression(
            groups=groups, penalty="wgsef_nonconvex", k=k, alpha=alpha, max_iter=n_iter
        )
        .fit(X, y)
        .n_active_groups_
        for n_iter in (1, 2, 5, 10, 20, 50, 100)
    ]
    final = GroupSparseRegression(
        groups=groups, penalty="wgsef_nonconvex", k=k, alpha=alpha, tol=1e-10
    ).fit(X, y)
    assert (along, final.n_active_groups_) == GROUPS_ALONG_TRAINING[k, factor]


def test_nonconvex_wgsef_unequal_weights_every_alpha(grouped):
    """With unequal weights, alphas between L/max(d) and L/min(d) put step 1/L in the
    prox's mixed range; FISTA then takes the penalty's prox_step and ends at a fixed
    point of the prox-gradient map at that step, and the CV runs over the whole grid
    (it raised ValueError before)."""
    from sparsestat.datafits import ArrayProblem

    X, y, coef, groups = grouped
    true_groups = np.unique(groups[np.flatnonzero(coef)])
    weights = [1.0, 1.0, 2.0, 2.0, 4.0, 4.0]
    problem = ArrayProblem(X, y, None, True)
    lipschitz = problem.lipschitz()
    for factor in (0.1, 0.3, 0.5, 0.9, 1.5):  # L/4 < alpha < L: the mixed range
        model = GroupSparseRegression(
            groups=groups,
            penalty="wgsef_nonconvex",
            k=2,
            weights=weights,
            alpha=factor * lipschitz,
            tol=1e-10,
        ).fit(X, y)
        assert model._converged
        pen = model.penalty_
        step = pen.prox_step(1.0 / lipschitz)
        if 0.25 <= factor < 1.0:
            assert step < 1.0 / lipschitz
        else:
            assert step == 1.0 / lipschitz
        grad = problem.gradient_from_residual(problem.residual(model.coef_))
        moved = pen.prox(model.coef_ - step * grad, step)
        assert np.max(np.abs(moved - model.coef_)) / step <= 1e-9
        # on this problem every alpha keeps exactly the two true groups
        np.testing.assert_array_equal(model.active_groups_, true_groups)
    cv = GroupSparseRegressionCV(
        groups=groups, penalty="wgsef_nonconvex", k=[1, 2], weights=weights, n_alphas=8, cv=3
    ).fit(X, y)
    grid = cv.alphas_
    assert np.any((grid > lipschitz / 4) & (grid < lipschitz))
    assert np.all(np.isfinite(cv.mse_path_))
    np.testing.assert_array_equal(cv.best_estimator_.active_groups_, true_groups)


def test_nonconvex_wgsef_refuses_exact_k(grouped):
    X, y, _, groups = grouped
    with pytest.raises(ValueError, match="exact_k"):
        GroupSparseRegression(groups=groups, penalty="wgsef_nonconvex", exact_k=True).fit(X, y)
