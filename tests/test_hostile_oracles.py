"""Independent oracles for bugs the project's tests let through (issue 20).

Each check is computed from first principles in plain numpy (no sparsestat
penalty object, no sparsestat helper): a planted bug in the code under test
cannot hide in the reference."""

import numpy as np
import pytest

from sparsestat.datafits import sufficient_statistics
from sparsestat.decomposition import sparse_encode


# --------------------------------------------------------------------------- #
# sparse_encode with CEL0 on atoms of any norm
# --------------------------------------------------------------------------- #
def _cel0_prox(z, step, alpha, norms):
    """CEL0 prox written from Soubies et al. (2015), eq. for step·a² <= 1."""
    a = np.abs(z)
    denominator = 1.0 - norms**2 * step
    shrunk = np.maximum(a - np.sqrt(2.0 * alpha) * norms * step, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        soft = np.where(denominator > 1e-12, shrunk / denominator, np.inf)
    hard = np.where(a > np.sqrt(2.0 * alpha) / norms, a, 0.0)
    magnitude = np.where(denominator > 1e-12, np.minimum(a, soft), hard)
    return np.sign(z) * magnitude


@pytest.fixture
def uneven_atoms():
    rng = np.random.default_rng(3)
    D = rng.standard_normal((10, 8))
    D *= (rng.uniform(1.0, 3.0, 10) / np.linalg.norm(D, axis=1))[:, None]  # norms in [1, 3]
    X = rng.standard_normal((6, 8)) * 2.0
    return X, D


def test_cel0_codes_cd_are_coordinate_fixed_points(uneven_atoms):
    """Exact CD on CEL0 hard-thresholds z_j at sqrt(2 alpha)/||d_j|| (Soubies et al.)."""
    X, D = uneven_atoms
    alpha = 0.4
    R = sparse_encode(X, D, penalty="cel0", alpha=alpha, algorithm="cd", tol=1e-12)
    norms = np.linalg.norm(D, axis=1)
    worst = 0.0
    for x, r in zip(X, R, strict=True):
        residual = x - r @ D
        z = r + (D @ residual) / norms**2  # the 1-D minimiser of the quadratic in r_j
        target = np.where(np.abs(z) > np.sqrt(2.0 * alpha) / norms, z, 0.0)
        worst = max(worst, float(np.max(np.abs(r - target))))
    assert worst < 1e-8


@pytest.mark.parametrize("algorithm", ["ista", "fista"])
def test_cel0_codes_proximal_gradient_fixed_points(uneven_atoms, algorithm):
    X, D = uneven_atoms
    alpha = 0.4
    R = sparse_encode(
        X, D, penalty="cel0", alpha=alpha, algorithm=algorithm, tol=1e-13, max_iter=50000
    )
    norms = np.linalg.norm(D, axis=1)
    step = 1.0 / np.linalg.norm(D, 2) ** 2
    gradient = (R @ D - X) @ D.T
    moved = _cel0_prox(R - step * gradient, step, alpha, norms)
    assert np.max(np.abs(moved - R)) < 1e-8


def test_cel0_objective_is_that_of_the_atom_norms(uneven_atoms):
    """The CEL0 objective with the atoms' norms is below that of l0's at the CEL0 code
    and equal to it there (CEL0 has the same global minimisers as l0)."""
    X, D = uneven_atoms
    alpha = 0.4
    norms = np.linalg.norm(D, axis=1)

    def cel0(r):
        a = np.abs(r)
        inside = a <= np.sqrt(2 * alpha) / norms
        return np.sum(
            np.where(inside, alpha - 0.5 * norms**2 * (a - np.sqrt(2 * alpha) / norms) ** 2, alpha)
        )

    R = sparse_encode(X, D, penalty="cel0", alpha=alpha, algorithm="cd", tol=1e-12)
    for r in R:
        # a CD fixed point of CEL0 with exact coordinate steps is l0-like: no entry
        # inside (0, sqrt(2 alpha)/a_j), so the CEL0 value equals alpha ||r||_0
        assert cel0(r) == pytest.approx(alpha * np.count_nonzero(r), rel=1e-9, abs=1e-12)
        assert np.all((r == 0) | (np.abs(r) >= np.sqrt(2 * alpha) / norms - 1e-12))


# --------------------------------------------------------------------------- #
# sufficient statistics: every statistic of an unequal merge against one pass
# --------------------------------------------------------------------------- #
def _one_pass(X, Y, s):
    """The statistics from their definitions (weighted, centred), in plain numpy."""
    total = s.sum()
    mean_X = s @ X / total
    mean_Y = s @ Y / total
    Xc, Yc = X - mean_X, Y - mean_Y
    return {
        "weight_sum": total,
        "mean_X": mean_X,
        "scatter_XX": (Xc * s[:, None]).T @ Xc,
        "mean_y": mean_Y,
        "scatter_Xy": (Xc * s[:, None]).T @ Yc,
        "scatter_yy": np.sum(s[:, None] * Yc * Yc, axis=0),
    }


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("order", ["left", "right"])
def test_three_part_unequal_merge_matches_one_pass(weighted, order):
    rng = np.random.default_rng(7)
    n = 61
    X = rng.standard_normal((n, 4)) * [1.0, 10.0, 0.1, 3.0] + [5.0, -2.0, 0.0, 1.0]
    Y = rng.standard_normal((n, 2)) * [2.0, 0.5] + [10.0, -3.0]
    s = rng.uniform(0.1, 3.0, n) if weighted else np.ones(n)
    w = s if weighted else None
    cuts = [(0, 5), (5, 40), (40, n)]  # unequal parts, with different means
    parts = [sufficient_statistics(X[a:b], Y[a:b], None if w is None else w[a:b]) for a, b in cuts]
    merged = (
        (parts[0] + parts[1]) + parts[2] if order == "left" else parts[0] + (parts[1] + parts[2])
    )
    expected = _one_pass(X, Y, s)
    assert merged.n_samples == n
    for name, value in expected.items():
        got = np.asarray(getattr(merged, name), dtype=float)
        np.testing.assert_allclose(got, value, rtol=1e-12, atol=1e-9, err_msg=name)
    # the 1-D target path too (y_norm2, the duality gap and the stopping rule read scatter_yy)
    one = sufficient_statistics(X[:5], Y[:5, 0]) + sufficient_statistics(X[5:], Y[5:, 0])
    np.testing.assert_allclose(
        one.scatter_yy, _one_pass(X, Y[:, :1], np.ones(n))["scatter_yy"], rtol=1e-12
    )


# --------------------------------------------------------------------------- #
# coordinate descent: the objective never goes up, epoch after epoch
# --------------------------------------------------------------------------- #
def _mcp(w, alpha, gamma):
    a = np.abs(w)
    return np.sum(
        np.where(a <= gamma * alpha, alpha * a - a**2 / (2 * gamma), gamma * alpha**2 / 2)
    )


def _objective(X, y, w, penalty_value):
    """1/(2n)||y − Xw − b||² with the optimal b, plus the penalty (plain numpy)."""
    residual = y - X @ w
    residual = residual - residual.mean()
    return residual @ residual / (2 * X.shape[0]) + penalty_value


@pytest.mark.parametrize("penalty", ["l1", "mcp"])
def test_cd_objective_decreases_epoch_after_epoch(penalty):
    """Every accepted step (CD moves and Anderson extrapolations alike) lowers the
    objective, so the objective after k epochs from the same start never increases in k."""
    from sparsestat.datafits import QuadraticProblem
    from sparsestat.penalties import L1, MCP
    from sparsestat.solvers import solve_cd

    rng = np.random.default_rng(5)
    n, p = 60, 40
    base = rng.standard_normal((n, 1))
    X = 0.9 * base + 0.45 * rng.standard_normal((n, p))  # strongly correlated columns
    truth = np.zeros(p)
    truth[:6] = [3.0, -2.0, 2.0, 1.5, -1.0, 1.0]
    y = X @ truth + 0.5 * rng.standard_normal(n)
    alpha, gamma = 0.05, 3.0
    pen = L1(alpha) if penalty == "l1" else MCP(alpha, gamma=gamma)
    problem = QuadraticProblem(X, y)
    values = []
    for epochs in range(1, 60):
        w = solve_cd(problem, pen, max_iter=epochs, tol=1e-14).coef
        value = alpha * np.abs(w).sum() if penalty == "l1" else _mcp(w, alpha, gamma)
        values.append(_objective(X, y, w, value))
    values = np.array(values)
    increases = np.diff(values)
    assert np.all(increases <= 1e-12 * values[0]), increases.max()
    assert values[-1] < values[0]


# --------------------------------------------------------------------------- #
# the duality gap bound of the stopping rule, computed independently
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("tol", [1e-2, 1e-4])
def test_lasso_stops_within_the_gap_it_promises(tol):
    """scikit-learn's rule: the gap of ½||r||² + nα||w||₁ is below tol·||y − ȳ||²."""
    from sparsestat.linear_model import Lasso

    rng = np.random.default_rng(11)
    n, p = 200, 80
    base = rng.standard_normal((n, 1))
    X = 0.8 * base + 0.6 * rng.standard_normal((n, p))
    y = X[:, :5] @ [2.0, -1.0, 1.0, 0.5, -0.5] + rng.standard_normal(n)
    alpha = 0.02
    model = Lasso(alpha=alpha, tol=tol, max_iter=100000).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w = model.coef_
    r = yc - Xc @ w
    dual_norm = np.max(np.abs(Xc.T @ r))
    const = min(1.0, n * alpha / dual_norm)
    gap = 0.5 * (r @ r) * (1 + const**2) + n * alpha * np.abs(w).sum() - const * (r @ yc)
    assert gap <= tol * (yc @ yc) * (1 + 1e-9)


# --------------------------------------------------------------------------- #
# exact-k group selection: the k largest sqrt(d_g)·||w_g|| of the convex solution
# --------------------------------------------------------------------------- #
def test_exact_k_keeps_the_top_k_groups_of_the_convex_solution():
    from sparsestat.linear_model import GroupSparseRegression

    rng = np.random.default_rng(4)
    groups = [[0, 1, 2, 3], [4], [5, 6], [7, 8, 9], [10, 11]]
    weights = np.array([4.0, 1.0, 2.0, 3.0, 2.0])
    X = rng.standard_normal((80, 12))
    coef = np.zeros(12)
    coef[[0, 1]] = 0.4
    coef[4] = 1.3
    coef[[5, 6]] = 0.7
    coef[7] = 0.9
    y = X @ coef + 0.3 * rng.standard_normal(80)
    settings = dict(groups=groups, weights=weights, k=2, alpha=0.05, tol=1e-10, max_iter=20000)
    convex = GroupSparseRegression(**settings).fit(X, y).coef_
    norms = np.array([np.linalg.norm(convex[g]) for g in groups])
    strength = np.sqrt(weights) * norms
    expected = np.sort(np.argsort(-strength)[:2])
    # the data are chosen so that the weighting matters (other scores pick other groups)
    assert not np.array_equal(np.sort(np.argsort(-norms)[:2]), expected) or not np.array_equal(
        np.sort(np.argsort(-weights * norms)[:2]), expected
    )
    exact = GroupSparseRegression(**settings, exact_k=True).fit(X, y)
    np.testing.assert_array_equal(exact.active_groups_, expected)


# --------------------------------------------------------------------------- #
# stability selection: subsamples of floor(sample_fraction · n) rows
# --------------------------------------------------------------------------- #
_SEEN_ROWS = []


class _RecordingLasso:
    """Minimal estimator recording how many rows each fit sees."""

    def __init__(self, alpha=0.1):
        self.alpha = alpha

    def get_params(self, deep=True):
        return {"alpha": self.alpha}

    def set_params(self, **params):
        self.alpha = params.get("alpha", self.alpha)
        return self

    def fit(self, X, y):
        _SEEN_ROWS.append(X.shape[0])
        self.coef_ = np.ones(X.shape[1])
        return self


@pytest.mark.parametrize("fraction, pairs", [(0.5, False), (0.3, False), (0.37, True)])
def test_stability_selection_subsample_size(fraction, pairs):
    from sklearn.base import BaseEstimator

    from sparsestat.linear_model import StabilitySelection

    class Recorder(_RecordingLasso, BaseEstimator):
        pass

    n = 47
    X = np.random.default_rng(0).standard_normal((n, 3))
    _SEEN_ROWS.clear()
    StabilitySelection(
        Recorder(), n_bootstrap=4, sample_fraction=fraction, pairs=pairs, random_state=0
    ).fit(X, X[:, 0])
    assert _SEEN_ROWS and set(_SEEN_ROWS) == {int(np.floor(fraction * n))}
    assert len(_SEEN_ROWS) == (8 if pairs else 4)
