"""Group penalties: cvxpy oracles, Fenchel–Young equality, closed-form values, errors."""

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparsestat.penalties import (
    WGSEF,
    GroupL2,
    GroupPartition,
    SparseEnvelope,
    _kernels,
    envelope_value,
)
from sparsestat.penalties.group import _envelope_theta_xp

# interior-point solutions at tight tolerances are flagged "inaccurate"; the tests
# below account for the solver's error explicitly (see assert_prox_matches_oracle)
pytestmark = pytest.mark.filterwarnings("ignore:Solution may be inaccurate")

TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "max_iter": 400}


def random_groups(rng, n_groups, max_size=5, shuffle=True):
    sizes = rng.integers(1, max_size + 1, size=n_groups)
    features = np.arange(sizes.sum())
    if shuffle:
        rng.shuffle(features)
    return np.split(features, np.cumsum(sizes)[:-1])


def to_host(x):
    return x.get() if hasattr(x, "get") else np.asarray(x)


# --------------------------------------------------------------------------- #
# cvxpy oracles
# --------------------------------------------------------------------------- #
def cvxpy_wgsef_prox(z, groups, weights, k, lam):
    """argmin ½||x − z||² + lam·S_k(b) through the Moreau decomposition.

    x = z − y with y = argmin ½||y − z||² + f*(y), where the conjugate
    f*(y) = (1/(2 lam))·(sum of the k largest ||y_G||²/d_i) is a strongly convex,
    well-conditioned problem for the interior-point solver (the primal
    variational form degenerates at theta_i = 0).
    """
    y = cp.Variable(z.size)
    scaled = cp.hstack(
        [cp.quad_over_lin(y[np.asarray(g)], w) for g, w in zip(groups, weights, strict=True)]
    )
    objective = 0.5 * cp.sum_squares(y - z) + cp.sum_largest(scaled, k) / (2 * lam)
    cp.Problem(cp.Minimize(objective)).solve(solver=cp.CLARABEL, **TIGHT)
    return z - y.value


def cvxpy_group_lasso_prox(z, groups, weights, lam):
    x = cp.Variable(z.size)
    norms = [weights[i] * cp.norm(x[np.asarray(g)], 2) for i, g in enumerate(groups)]
    objective = 0.5 * cp.sum_squares(x - z) + lam * cp.sum(cp.hstack(norms))
    cp.Problem(cp.Minimize(objective)).solve(solver=cp.CLARABEL, **TIGHT)
    return x.value


def cvxpy_envelope_value(b, k):
    """½ min_theta sum b_i²/theta_i over the capped simplex."""
    theta = cp.Variable(b.size)
    terms = [cp.quad_over_lin(b[i], theta[i]) for i in range(b.size)]
    problem = cp.Problem(
        cp.Minimize(0.5 * cp.sum(cp.hstack(terms))),
        [theta >= 0, theta <= 1, cp.sum(theta) == k],
    )
    problem.solve(solver=cp.CLARABEL, **TIGHT)
    return problem.value


def assert_prox_matches_oracle(pen, z, step, result, oracle):
    """``result`` equals the cvxpy solution to 1e-6, up to the solver's own error.

    The prox objective F is 1-strongly convex, so if ``result`` is its exact
    minimiser then F(oracle) >= F(result) and
    ||oracle − result||² <= 2·(F(oracle) − F(result)).  Interior-point solvers
    stop at about 1e-8 in objective on these cones (cvxpy says
    "optimal_inaccurate"), which allows differences above 1e-6; the bound
    accounts for exactly that slack and nothing more.
    """

    def objective(x):
        return 0.5 * np.sum((x - z) ** 2) + step * pen.value(x)

    excess = objective(oracle) - objective(result)
    assert excess >= -1e-11 * (1 + objective(result))
    allowed = 1e-6 + np.sqrt(2 * max(excess, 0.0))
    assert np.linalg.norm(result - oracle) <= allowed


@pytest.mark.parametrize("seed", range(6))
def test_wgsef_prox_matches_cvxpy(seed):
    rng = np.random.default_rng(seed)
    n_groups = int(rng.integers(2, 9))
    groups = random_groups(rng, n_groups)
    weights = rng.uniform(0.3, 3.0, size=n_groups) if seed % 2 else np.ones(n_groups)
    k = int(rng.integers(1, n_groups + 1))
    alpha, step = float(rng.uniform(0.1, 2.0)), float(rng.uniform(0.2, 2.0))
    z = rng.standard_normal(sum(g.size for g in groups)) * rng.uniform(0.5, 3.0)
    pen = WGSEF(k=k, alpha=alpha, groups=groups, weights=weights)
    expected = cvxpy_wgsef_prox(z, groups, weights, k, step * alpha)
    for result in (pen.prox(z, step), pen.prox_numba(z, step)):
        assert_prox_matches_oracle(pen, z, step, result, expected)


@pytest.mark.parametrize("seed", range(4))
def test_sparse_envelope_prox_matches_cvxpy(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 15))
    k = int(rng.integers(1, n + 1))
    z = rng.standard_normal(n) * 2
    pen = SparseEnvelope(k=k, alpha=0.7)
    expected = cvxpy_wgsef_prox(z, [np.array([i]) for i in range(n)], np.ones(n), k, 0.7 * 1.3)
    assert_prox_matches_oracle(pen, z, 1.3, pen.prox(z, 1.3), expected)
    assert_prox_matches_oracle(pen, z, 1.3, pen.prox_numba(z, 1.3), expected)


@pytest.mark.parametrize("seed", range(4))
def test_group_l2_prox_matches_cvxpy(seed):
    rng = np.random.default_rng(200 + seed)
    groups = random_groups(rng, 6)
    weights = rng.uniform(0.0, 2.0, size=6)
    z = rng.standard_normal(sum(g.size for g in groups)) * 2
    pen = GroupL2(alpha=0.8, groups=groups, weights=weights)
    expected = cvxpy_group_lasso_prox(z, groups, weights, 0.8 * 0.9)
    np.testing.assert_allclose(pen.prox(z, 0.9), expected, atol=1e-6)
    np.testing.assert_allclose(pen.prox_numba(z, 0.9), expected, atol=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_envelope_value_matches_cvxpy(seed):
    rng = np.random.default_rng(300 + seed)
    n = int(rng.integers(2, 12))
    b = rng.standard_normal(n)
    if seed == 3:
        b[: n // 2] = 0.0
    if seed == 4:
        b[:] = 1.5  # ties
    for k in {1, n // 2 + 1, n}:
        assert envelope_value(b, k) == pytest.approx(cvxpy_envelope_value(b, k), rel=1e-6)


# --------------------------------------------------------------------------- #
# exact identities: Fenchel–Young equality and closed-form special cases
# --------------------------------------------------------------------------- #
def wgsef_conjugate(y, partition, weights, k, alpha):
    """(alpha·S_k(b))*(y) = (1/(2 alpha))·sum of the k largest ||y_G||²/d_i."""
    norms = np.asarray(partition.norms(y, _numpy_namespace()))
    scaled = np.sort(norms**2 / weights)[::-1]
    return scaled[:k].sum() / (2 * alpha)


def _numpy_namespace():
    from sparsestat._array_api import get_namespace

    return get_namespace(np.zeros(1))


@pytest.mark.parametrize("seed", range(20))
def test_wgsef_prox_fenchel_young_equality(seed):
    """p = prox_f(z) iff f(p) + f*(z − p) = <p, z − p> (Moreau decomposition)."""
    rng = np.random.default_rng(400 + seed)
    n_groups = int(rng.integers(1, 40))
    groups = random_groups(rng, n_groups, max_size=4)
    weights = rng.uniform(0.2, 4.0, size=n_groups)
    k = int(rng.integers(1, n_groups + 1))
    alpha = float(np.exp(rng.uniform(-3, 2)))
    z = rng.standard_normal(sum(g.size for g in groups)) * np.exp(rng.uniform(-2, 2))
    if seed % 4 == 0:  # some zero groups
        z[groups[0]] = 0.0
    pen = WGSEF(k=k, alpha=alpha, groups=groups, weights=weights)
    for p in (pen.prox(z, 1.0), pen.prox_numba(z, 1.0)):
        y = z - p
        lhs = pen.value(p) + wgsef_conjugate(y, pen.partition, weights, k, alpha)
        assert lhs == pytest.approx(float(p @ y), rel=1e-9, abs=1e-12)


def test_group_l2_prox_moreau():
    rng = np.random.default_rng(1)
    groups = random_groups(rng, 10)
    weights = rng.uniform(0.5, 2.0, size=10)
    pen = GroupL2(alpha=0.6, groups=groups, weights=weights)
    z = rng.standard_normal(sum(g.size for g in groups))
    p = pen.prox(z, 1.0)
    y = z - p
    # conjugate of alpha·sum w_g||x_g|| is the indicator of {||y_g|| <= alpha w_g}
    dual_norms = np.asarray(pen.group_norms(y))
    assert np.all(dual_norms <= 0.6 * weights * (1 + 1e-12))
    assert pen.value(p) == pytest.approx(float(p @ y), rel=1e-12)


def test_wgsef_value_special_cases():
    rng = np.random.default_rng(2)
    groups = random_groups(rng, 7)
    weights = rng.uniform(0.5, 3.0, size=7)
    x = rng.standard_normal(sum(g.size for g in groups))
    norms = np.array([np.linalg.norm(x[g]) for g in groups])
    k1 = WGSEF(k=1, alpha=1.0, groups=groups, weights=weights)
    assert k1.value(x) == pytest.approx(0.5 * np.sum(np.sqrt(weights) * norms) ** 2, rel=1e-12)
    km = WGSEF(k=7, alpha=2.0, groups=groups, weights=weights)
    assert km.value(x) == pytest.approx(2.0 * 0.5 * np.sum(weights * norms**2), rel=1e-12)
    # k-sparse group vectors: S_k equals ½ sum d_i ||x_G||²
    x_sparse = np.zeros_like(x)
    for g in groups[:3]:
        x_sparse[g] = x[g]
    k3 = WGSEF(k=3, alpha=1.0, groups=groups, weights=weights)
    expected = 0.5 * np.sum(weights[:3] * norms[:3] ** 2)
    assert k3.value(x_sparse) == pytest.approx(expected, rel=1e-12)


def test_sparse_envelope_value_special_cases():
    x = np.array([3.0, -1.0, 0.5, 0.0])
    assert SparseEnvelope(k=1, alpha=1.0).value(x) == pytest.approx(0.5 * 4.5**2)
    assert SparseEnvelope(k=4, alpha=1.0).value(x) == pytest.approx(0.5 * (9 + 1 + 0.25))
    assert SparseEnvelope(k=3, alpha=2.0).value(x) == pytest.approx(9 + 1 + 0.25)


# --------------------------------------------------------------------------- #
# the linear-time search
# --------------------------------------------------------------------------- #
def sort_based_multiplier_sum(slopes, offsets, k):
    xp = _numpy_namespace()
    theta = _envelope_theta_xp(slopes, np.ones_like(slopes), 0.0, k, xp)
    return theta


@pytest.mark.parametrize("seed", range(40))
def test_capped_simplex_search_linear_vs_sort(seed):
    """The search against the sort-based formula; from seed 30 on, sizes above
    the 4096-item sample of the bracketing step (so it runs), sorted inputs too."""
    rng = np.random.default_rng(500 + seed)
    m = int(rng.integers(2, 3000)) if seed < 30 else int(rng.integers(9000, 60000))
    norms = np.abs(rng.standard_normal(m)) * np.exp(rng.uniform(-3, 3))
    if seed % 3 == 0:
        norms = np.round(norms, 1)  # many ties
    if seed % 5 == 0:
        norms[rng.random(m) < 0.5] = 0.0  # zero groups
    if seed % 4 == 1:
        norms = np.sort(norms)  # a strided sample of sorted values
    sqrt_weights = np.sqrt(rng.uniform(0.1, 5.0, size=m)) if seed % 2 else np.ones(m)
    lam = float(np.exp(rng.uniform(-4, 3)))
    k = int(rng.integers(1, m + 1))
    theta_numba = np.empty(m)
    kept = _kernels.envelope_weights(norms, sqrt_weights, lam, k, theta_numba)
    theta_xp = np.asarray(_envelope_theta_xp(norms, sqrt_weights, lam, k, _numpy_namespace()))
    np.testing.assert_allclose(theta_numba, theta_xp, atol=1e-9)
    n_nonzero = int(np.count_nonzero(norms))
    assert kept == int(np.count_nonzero(theta_numba))
    assert kept >= min(k, n_nonzero)
    assert np.all((theta_numba >= 0) & (theta_numba <= 1))
    if n_nonzero > k:
        assert theta_numba.sum() == pytest.approx(k, rel=1e-10)
    else:
        np.testing.assert_array_equal(theta_numba, (norms > 0).astype(float))


def _capped_weight_by_division(slope, offset, nu):
    """The rule before the margin tests: the ends decided by dividing."""
    if not slope > 0.0:
        return 0.0
    if nu == np.inf:
        return 1.0
    if nu <= offset / slope:
        return 0.0
    if nu >= (1.0 + offset) / slope:
        return 1.0
    return min(max(slope * nu - offset, 0.0), 1.0)


@pytest.mark.parametrize("seed", range(4))
def test_capped_weight_margin_tests_agree_with_division(seed):
    """``capped_weight`` decides most ends by products with a 1e-14 margin; they
    must give the division rule's value bit for bit, also for ``nu`` one ulp
    around each breakpoint and for magnitudes near overflow and underflow."""
    rng = np.random.default_rng(seed)
    slopes = np.exp(rng.uniform(-700, 700, 400)) if seed % 2 else rng.exponential(size=400)
    offsets = np.exp(rng.uniform(-700, 700, 400)) if seed > 1 else rng.exponential(size=400)
    for slope, offset in zip(slopes, offsets, strict=True):
        with np.errstate(all="ignore"):  # breakpoints may overflow to inf: part of the test
            lower, upper = offset / slope, (1.0 + offset) / slope
            nus = (lower, upper, lower + 0.5 * (upper - lower), rng.exponential() * upper)
        for nu in nus:
            for candidate in (np.nextafter(nu, 0.0), nu, np.nextafter(nu, np.inf)):
                with np.errstate(all="ignore"):
                    expected = _capped_weight_by_division(slope, offset, candidate)
                got = _kernels.capped_weight(slope, offset, candidate)
                assert np.float64(got).tobytes() == np.float64(expected).tobytes()


def test_multiplier_with_breakpoints_clustered_at_the_root():
    """A third of the breakpoints within an ulp of the multiplier: the fold's
    margin tests leave them to the division tests, and the search still agrees
    with the sort-based formula."""
    rng = np.random.default_rng(7)
    m, k, lam = 20000, 2000, 0.3  # m above the 4096-item sample: the bracket runs
    slopes = rng.exponential(size=m)
    theta = np.empty(m)
    _kernels.envelope_weights(slopes, np.ones(m), lam, k, theta)
    inside = (theta > 0) & (theta < 1)
    nu = float(np.median((theta[inside] + lam) / slopes[inside]))
    near = rng.choice(m, m // 3, replace=False)
    slopes[near] = lam / np.nextafter(nu, rng.choice([0.0, np.inf], near.size))
    theta_numba = np.empty(m)
    _kernels.envelope_weights(slopes, np.ones(m), lam, k, theta_numba)
    theta_xp = np.asarray(_envelope_theta_xp(slopes, np.ones(m), lam, k, _numpy_namespace()))
    np.testing.assert_allclose(theta_numba, theta_xp, atol=1e-9)
    assert theta_numba.sum() == pytest.approx(k, rel=1e-12)


@pytest.mark.parametrize("scale", [2.0**1022, 2.0**-1040, 1.0])
@pytest.mark.parametrize("penalty", ["wgsef", "envelope", "nonconvex"])
def test_envelope_prox_is_homogeneous_up_to_overflow_and_subnormals(penalty, scale):
    """These penalties are homogeneous of degree 2, so prox(c·x) = c·prox(x).
    Near overflow (group norms of 1e308: their sums overflowed, and the prox
    returned zeros) and among subnormals (breakpoints overflowed), the
    kernels and the array-API formula rescale the slopes by a power of two."""
    from sparsestat.penalties import NonconvexWGSEF

    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(30), 3)
    x = rng.standard_normal(90) * np.repeat(rng.exponential(size=30), 3)
    x = x / np.abs(x).max() * 1.5  # entries up to 1.5: 1.5·2^1022 is finite
    pen = {
        "wgsef": WGSEF(k=4, alpha=0.3, groups=groups),
        "envelope": SparseEnvelope(k=10, alpha=0.3),
        "nonconvex": NonconvexWGSEF(k=4, alpha=0.05, groups=groups),
    }[penalty]
    expected = pen.prox(x, 1.0)
    scaled = x * scale
    for result in (pen.prox(scaled, 1.0), pen._prox_array_api(scaled, 1.0)):
        assert np.isfinite(result).all()
        if scale > 2.0**-1000:
            np.testing.assert_allclose(result / scale, expected, rtol=1e-10, atol=1e-12)
        else:  # subnormal entries keep few bits: compare where they keep many
            big = np.abs(scaled) > 1e3 * np.finfo(float).smallest_subnormal
            np.testing.assert_allclose(result[big] / scale, expected[big], rtol=1e-2, atol=1e-12)
            np.testing.assert_array_equal(result[big] != 0, expected[big] != 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_wgsef_prox_refuses_nonfinite_through_its_kernel(dtype, bad):
    """WGSEF's prox learns that x is finite from its kernel's group norms (no
    separate pass); the error is the one every other prox raises, also when the
    step makes the kernel a copy (no norms), and check_input=False skips it."""
    groups = np.repeat(np.arange(50), 3)
    x = np.random.default_rng(0).standard_normal(150).astype(dtype)
    x[77] = bad
    for pen in (WGSEF(k=3, alpha=0.5, groups=groups), WGSEF(k=3, alpha=0.0, groups=groups)):
        with pytest.raises(ValueError, match="x contains NaN or infinite values"):
            pen.prox(x, 1.0)
        with pytest.raises(ValueError, match="x contains NaN or infinite values"):
            pen.prox(x.tolist(), 1.0)
        out = pen.prox(x, 1.0, check_input=False)
        assert out.dtype == dtype and not np.isfinite(out[75:78]).all()
    finite = np.where(np.isfinite(x), x, 1.0)
    assert np.isfinite(WGSEF(k=3, alpha=0.5, groups=groups).prox(finite, 1.0)).all()


def test_search_on_a_plateau_stays_on_it():
    """Regression: k groups saturate exactly, the next one must stay at theta = 0.

    Cancellation in the cumulative slopes of the sort-based search left a slope
    of 4e-16 on the plateau, and dividing by it jumped past the next breakpoint.
    """
    norms = np.array(
        [
            2.129524484471978,
            1.0741812605686276,
            2.1667913822000995,
            0.7326371019919975,
            3.3945750869188283,
            2.8077676078445197,
        ]
    )
    lam = 2.4140625 * 3.96875
    theta = np.asarray(_envelope_theta_xp(norms, np.ones(6), lam, 4, _numpy_namespace()))
    np.testing.assert_allclose(theta, [1, 0, 1, 0, 1, 1], atol=1e-12)
    theta_numba = np.empty(6)
    _kernels.envelope_weights(norms, np.ones(6), lam, 4, theta_numba)
    np.testing.assert_allclose(theta_numba, [1, 0, 1, 0, 1, 1], atol=1e-12)


def test_prox_keeps_at_least_k_groups_and_exactly_k_when_separated():
    groups = np.repeat(np.arange(6), 2)
    pen = WGSEF(k=2, alpha=0.3, groups=groups)
    # two dominant groups, far above the rest: exactly two survive
    x = np.array([10.0, 10.0, 9.0, 9.0, 0.1, 0.1, 0.1, 0.0, 0.05, 0.0, 0.0, 0.02])
    np.testing.assert_array_equal(pen.active_groups(pen.prox(x, 1.0)), [0, 1])
    # nearly equal groups: more than k survive, never fewer
    x = np.ones(12) + 0.01 * np.arange(12)
    kept = pen.active_groups(pen.prox(x, 1.0))
    assert kept.size > 2


# --------------------------------------------------------------------------- #
# namespaces, shapes, dtypes
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("penalty", ["group_l2", "wgsef", "envelope"])
def test_group_vectorized_matches_numba(penalty, backend, dtype):
    rng = np.random.default_rng(9)
    groups = random_groups(rng, 25, max_size=6)
    # one huge group forces the cumulative-sum reduction instead of padding
    if penalty == "group_l2":
        groups = groups + [
            np.arange(sum(g.size for g in groups), sum(g.size for g in groups) + 400)
        ]
    n_features = sum(g.size for g in groups)
    weights = rng.uniform(0.5, 2.0, size=len(groups))
    if penalty == "group_l2":
        pen = GroupL2(alpha=0.3, groups=groups, weights=weights)
    elif penalty == "wgsef":
        pen = WGSEF(k=5, alpha=0.3, groups=groups, weights=weights)
    else:
        pen = SparseEnvelope(k=7, alpha=0.3)
    z = (rng.standard_normal(n_features) * 2).astype(dtype)
    expected = pen.prox_numba(z, 0.8)
    result = pen.prox(backend.asarray(z), 0.8)
    assert type(result) is type(backend.asarray(z))
    result = to_host(result)
    assert result.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(result, expected, rtol=tol, atol=tol)
    assert pen.value(backend.asarray(z)) == pytest.approx(pen.value(z), rel=tol)


def test_wgsef_accepts_matrix_shaped_weights():
    """Neural-network use: groups index the flattened (C-order) weight matrix."""
    rng = np.random.default_rng(4)
    weight_matrix = rng.standard_normal((5, 3))  # 5 neurons, 3 inputs each
    neuron_of_entry = np.repeat(np.arange(5), 3)
    pen = WGSEF(k=2, alpha=1.0, groups=neuron_of_entry)
    out = pen.prox(weight_matrix, 0.5)
    assert out.shape == (5, 3)
    np.testing.assert_allclose(out.reshape(-1), pen.prox(weight_matrix.reshape(-1), 0.5))
    kept_rows = np.flatnonzero(np.linalg.norm(out, axis=1))
    assert kept_rows.size >= 2


def test_subdiff_distance_envelope_and_group():
    rng = np.random.default_rng(6)
    groups = random_groups(rng, 8)
    n = sum(g.size for g in groups)
    z = rng.standard_normal(n) * 2
    for pen in (
        WGSEF(k=3, alpha=0.5, groups=groups),
        GroupL2(alpha=0.5, groups=groups),
        SparseEnvelope(k=3, alpha=0.5),
    ):
        x = pen.prox(z, 1.0)
        np.testing.assert_allclose(pen.subdiff_distance(x, x - z), 0.0, atol=1e-10)
        assert np.max(pen.subdiff_distance(x + 0.3, x - z)) > 1e-2


def test_group_l2_alpha_max():
    rng = np.random.default_rng(8)
    groups = random_groups(rng, 6)
    weights = np.array([0.0, 1.0, 2.0, 1.0, 0.5, 1.0])
    grad = rng.standard_normal(sum(g.size for g in groups))
    pen = GroupL2(alpha=1.0, groups=groups, weights=weights)
    amax = pen.alpha_max(grad)
    penalized = weights > 0
    zero = np.zeros_like(grad)
    dist_above = pen.replace(alpha=amax * (1 + 1e-9)).subdiff_distance(zero, grad)
    assert np.all(dist_above[penalized] == 0.0)
    dist_below = pen.replace(alpha=amax * 0.99).subdiff_distance(zero, grad)
    assert np.max(dist_below[penalized]) > 0.0
    with pytest.raises(NotImplementedError, match="quadratically"):
        WGSEF(k=1, groups=groups).alpha_max(grad)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(1, 6),
    alpha=st.floats(0.0, 5.0),
    step=st.floats(0.01, 5.0),
)
def test_wgsef_properties(seed, k, alpha, step):
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(6), 3)
    pen = WGSEF(k=k, alpha=alpha, groups=groups)
    z = rng.standard_normal(18)
    p = pen.prox(z, step)
    # zero maps to zero; odd; shrinks every group towards 0 without rotating it
    assert np.all(pen.prox(np.zeros(18), step) == 0.0)
    np.testing.assert_allclose(pen.prox(-z, step), -p, atol=1e-12)
    assert np.all(p * z >= -1e-15)
    assert np.all(np.abs(p) <= np.abs(z) + 1e-15)
    np.testing.assert_allclose(p, pen.prox_numba(z, step), atol=1e-10)
    # firm non-expansiveness of a convex prox: <p − q, z − w> >= ||p − q||²
    w = z + 0.3 * rng.standard_normal(18)
    q = pen.prox(w, step)
    assert (p - q) @ (z - w) >= np.sum((p - q) ** 2) - 1e-10


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "groups, match",
    [
        ([[0, 1], [1, 2]], "overlap: feature 1"),
        ([[0, 1], [3, 4]], "feature.s. 2 are in no group"),
        ([[0, -1], [2]], "negative index"),
        ([[0, 1], []], "empty"),
        ([[0.0, 1.0], [2.0]], "integer feature indices"),
        ([], "at least one group|non-empty"),
        (None, "required"),
        (3, "label per feature"),
        ([0, 1, np.nan], "NaN"),
    ],
)
def test_bad_groups(groups, match):
    with pytest.raises((ValueError, TypeError), match=match):
        GroupL2(alpha=1.0, groups=groups)
    with pytest.raises((ValueError, TypeError), match=match):
        WGSEF(k=1, alpha=1.0, groups=groups)


def test_bad_wgsef_parameters():
    groups = [0, 0, 1, 1, 2]
    with pytest.raises(ValueError, match="k=4 is larger than the number of groups"):
        WGSEF(k=4, groups=groups)
    with pytest.raises(ValueError, match="k must be"):
        WGSEF(k=0, groups=groups)
    with pytest.raises(TypeError, match="k must be an integer"):
        WGSEF(k=1.5, groups=groups)
    with pytest.raises(ValueError, match="one entry per group"):
        WGSEF(k=1, groups=groups, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        WGSEF(k=1, groups=groups, weights=[1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="alpha"):
        WGSEF(k=1, alpha=-1.0, groups=groups)
    pen = WGSEF(k=1, groups=groups)
    with pytest.raises(ValueError, match="describe 5 features .* but x has 6"):
        pen.prox(np.ones(6), 1.0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        pen.prox(np.array([1.0, np.nan, 0, 0, 0]), 1.0)
    with pytest.raises(ValueError, match="k=3 is larger"):
        SparseEnvelope(k=3).prox(np.ones(2), 1.0)


def test_partition_from_labels_and_lists_agree():
    labels = np.array(["b", "a", "b", "c", "a"])
    from_labels = GroupPartition(labels)
    assert from_labels.n_groups == 3 and list(from_labels.labels) == ["a", "b", "c"]
    lists = GroupPartition([[1, 4], [0, 2], [3]])
    for g in range(3):
        np.testing.assert_array_equal(
            np.sort(from_labels.index_lists()[g]), np.sort(lists.index_lists()[g])
        )
    np.testing.assert_array_equal(from_labels.group_of_feature, [1, 0, 1, 2, 0])


def test_input_not_mutated():
    groups = np.repeat(np.arange(4), 2)
    z = np.arange(8, dtype=float)
    before = z.copy()
    for pen in (WGSEF(k=2, groups=groups), GroupL2(groups=groups), SparseEnvelope(k=2)):
        pen.prox(z, 1.0)
        pen.prox_numba(z, 1.0)
        np.testing.assert_array_equal(z, before)


def test_convex_prox_step_keeps_many_more_than_k_groups_as_documented():
    """docs/user_guide/group.rst: on the demo's 10⁵ groups of 8 (alpha 0.05, step 1)
    one convex prox step keeps 826, 25 076 and 92 900 groups for k = 10, 1000 and
    50 000 (``python -m sparsestat.demo`` prints the same numbers)."""
    from sparsestat.demo.proximal_operators import wgsef_input

    x, groups = wgsef_input()
    kept = []
    for k in (10, 1_000, 50_000):
        penalty = WGSEF(k=k, alpha=0.05, groups=groups)
        kept.append(penalty.active_groups(penalty.prox(x, 1.0)).size)
    assert kept == [826, 25_076, 92_900]
