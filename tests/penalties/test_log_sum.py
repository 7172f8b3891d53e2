"""The log-sum penalty: prox against brute force, CD against a multi-start reference.

LogSum was added by its class and its kernel only; the estimators, sparse
coding and the solvers take it through make_penalty and the parameter vector.
"""

import itertools

import array_api_strict as xs
import numpy as np
import pytest
from scipy.optimize import minimize

from sparsestat.penalties import LogSum, make_penalty, penalty_names


def scalar_objective(u, z, step, alpha, eps):
    return 0.5 * (u - z) ** 2 + step * alpha * np.log1p(np.abs(u) / eps)


def brute_force_prox(z, step, alpha, eps, positive=False):
    """Grid minimisation of the scalar prox objective, refined around the best point."""
    low = 0.0 if positive else -abs(z) - 1.0
    grid = np.linspace(low, abs(z) + 1.0, 200_001)
    values = scalar_objective(grid, z, step, alpha, eps)
    best = grid[np.argmin(values)]
    width = grid[1] - grid[0]
    fine = np.linspace(best - width, best + width, 20_001)
    if positive:
        fine = np.clip(fine, 0.0, None)
    fine_values = scalar_objective(fine, z, step, alpha, eps)
    return fine[np.argmin(fine_values)], float(fine_values.min())


# (step·alpha, eps): convex prox (mu <= eps²) and nonconvex prox (mu > eps²)
REGIMES = [(0.05, 0.5), (0.2, 0.5), (0.5, 0.1), (2.0, 0.3), (0.01, 0.01)]


@pytest.mark.parametrize(("mu", "eps"), REGIMES)
def test_prox_is_the_global_minimiser_of_the_scalar_problem(mu, eps):
    rng = np.random.default_rng(0)
    penalty = LogSum(alpha=mu, eps=eps)
    points = np.concatenate([rng.uniform(-4, 4, 40), [0.0, eps, -mu / eps, 2 * np.sqrt(mu)]])
    for z in points:
        prox = float(penalty.prox(np.array([z]), 1.0)[0])
        _, best = brute_force_prox(z, 1.0, mu, eps)
        # the prox is never worse than the grid and lands on its minimiser
        assert scalar_objective(prox, z, 1.0, mu, eps) <= best + 1e-12, (z, prox)
        assert prox == penalty.prox_1d(z, 1.0)
        assert prox == 0.0 or np.sign(prox) == np.sign(z)


def test_prox_under_positivity_matches_brute_force():
    penalty = LogSum(alpha=0.3, eps=0.2, positive=True)
    for z in np.linspace(-3, 3, 25):
        prox = float(penalty.prox(np.array([z]), 1.0)[0])
        _, best = brute_force_prox(z, 1.0, 0.3, 0.2, positive=True)
        assert prox >= 0.0
        assert scalar_objective(prox, z, 1.0, 0.3, 0.2) <= best + 1e-12


@pytest.mark.parametrize(("mu", "eps"), REGIMES)
def test_threshold_is_the_edge_of_the_dead_zone(mu, eps):
    penalty = LogSum(alpha=mu, eps=eps)
    tau = penalty.threshold(1.0)
    assert penalty.prox_1d(tau, 1.0) == 0.0
    assert penalty.prox_1d(np.nextafter(tau, np.inf) * (1 + 1e-12), 1.0) != 0.0
    if mu <= eps * eps:  # convex prox: the dead zone is |z| <= mu/eps
        assert tau == pytest.approx(mu / eps, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kernel_and_array_api_formula_agree(dtype):
    rng = np.random.default_rng(1)
    x = (3 * rng.standard_normal((5, 7))).astype(dtype)
    for penalty in (LogSum(0.4, eps=0.2), LogSum(0.01, eps=0.5, positive=True)):
        kernel = penalty.prox(x, 0.9)
        formula = penalty._prox_array_api(x, 0.9)
        assert kernel.dtype == dtype
        tol = 1e-12 if dtype == np.float64 else 4 * np.finfo(np.float32).eps
        np.testing.assert_allclose(kernel, formula, rtol=tol, atol=tol * 3)
        strict = np.asarray(penalty.prox(xs.asarray(x), 0.9))
        np.testing.assert_array_equal(strict, formula)


def test_value_subdifferential_and_alpha_max():
    penalty = LogSum(alpha=0.5, eps=0.25)
    x = np.array([0.0, 1.0, -3.0])
    assert penalty.value(x) == pytest.approx(0.5 * (np.log1p(4.0) + np.log1p(12.0)))
    # slope at 0 is alpha/eps; derivative alpha/(eps + |x|) elsewhere
    grad = np.array([1.5, -0.5 / 1.25, 0.5 / 3.25])
    np.testing.assert_allclose(penalty.subdiff_distance(x, grad), [0.0, 0.0, 0.0], atol=1e-15)
    assert penalty.alpha_max(np.array([0.3, -0.8])) == pytest.approx(0.8 * 0.25)
    with pytest.raises(ValueError, match="eps"):
        LogSum(alpha=1.0, eps=0.0)
    with pytest.raises(TypeError, match="positive"):
        LogSum(alpha=1.0, positive="yes")


def _objective(X, y, w, penalty):
    return 0.5 * np.mean((y - X @ w) ** 2) + penalty.value(w)


def multi_start_reference(X, y, penalty):
    """Best local minimum over every sign pattern (0, +, −) of the coefficients."""
    n_features = X.shape[1]
    best = np.inf
    for pattern in itertools.product((0, 1, -1), repeat=n_features):
        free = [j for j in range(n_features) if pattern[j] != 0]
        bounds = [(0, None) if pattern[j] > 0 else (None, 0) for j in free]

        def restricted(v, free=free):
            w = np.zeros(n_features)
            w[free] = v
            return _objective(X, y, w, penalty)

        if not free:
            best = min(best, restricted(np.zeros(0)))
            continue
        start = np.array([0.5 * pattern[j] for j in free])
        result = minimize(restricted, start, bounds=bounds, method="L-BFGS-B", tol=1e-14)
        best = min(best, result.fun)
    return best


def test_coordinate_descent_is_no_worse_than_a_multi_start_reference():
    from sparsestat.linear_model import SparseRegression

    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 4))
    X = (X - X.mean(0)) / X.std(0)
    y = X @ np.array([1.5, 0.0, -1.0, 0.0]) + 0.1 * rng.standard_normal(30)
    for penalty in (LogSum(alpha=0.05, eps=0.5), LogSum(alpha=0.1, eps=0.05)):
        model = SparseRegression(
            penalty=penalty, fit_intercept=False, tol=1e-12, max_iter=10_000, init="best"
        ).fit(X, y)
        reached = _objective(X, y, model.coef_, penalty)
        assert reached <= multi_start_reference(X, y, penalty) + 1e-9


def test_the_name_reaches_every_estimator():
    from sparsestat.datasets import make_sparse_regression
    from sparsestat.decomposition import sparse_encode
    from sparsestat.linear_model import SparseRegression, alpha_max

    assert "log" in penalty_names("separable")
    assert repr(make_penalty("log", alpha=0.5, eps=0.2)) == repr(LogSum(0.5, eps=0.2))
    X, y, coef = make_sparse_regression(100, 30, 4, snr=10.0, random_state=0)
    model = SparseRegression(penalty="log", alpha=0.05).fit(X, y)
    assert isinstance(model.penalty_, LogSum) and model.penalty_.eps == LogSum().eps
    np.testing.assert_array_equal(np.flatnonzero(model.coef_), np.flatnonzero(coef))
    # at alpha_max coordinate descent from 0 stays at 0
    top = alpha_max(X, y, penalty="log")
    assert not np.any(SparseRegression(penalty="log", alpha=top).fit(X, y).coef_)
    assert np.any(SparseRegression(penalty="log", alpha=0.99 * top).fit(X, y).coef_)
    D = np.eye(5)
    codes = sparse_encode(X[:3, :5], D, penalty="log", alpha=0.1)
    np.testing.assert_allclose(codes, LogSum(0.1).prox(X[:3, :5], 1.0), atol=1e-9)


def test_entry_alpha_is_where_the_prox_reaches_zero():
    """What the continuation of sparse coding starts from (both regimes)."""
    from sparsestat.penalties import _kernels

    for z, step, eps in [(0.05, 1.0, 0.1), (2.0, 1.0, 0.1), (-3.0, 0.5, 0.3), (0.4, 2.0, 1.0)]:
        params = LogSum(alpha=1.0, eps=eps).kernel_params
        entry = _kernels.entry_alpha(z, step, _kernels.CODE_LOG, params, 1.0)
        at = LogSum(alpha=entry, eps=eps).prox_1d(z, step)
        below = LogSum(alpha=entry * (1 - 1e-9), eps=eps).prox_1d(z, step)
        assert at == 0.0 and below != 0.0, (z, step, eps, entry)


def test_extreme_inputs():
    penalty = LogSum(alpha=1.0, eps=0.1)
    huge = penalty.prox(np.array([1e200, -1e300]), 1.0)
    np.testing.assert_allclose(huge, [1e200, -1e300], rtol=1e-12)
    assert penalty.prox_1d(float("nan"), 1.0) != penalty.prox_1d(float("nan"), 1.0)
    np.testing.assert_array_equal(LogSum(alpha=0.0).prox(np.array([0.3, -2.0]), 1.0), [0.3, -2.0])
