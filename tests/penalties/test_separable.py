"""Separable penalties: proxes against brute force, numba vs array API, values, errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparsestat.penalties import CEL0, L0, L1, MCP, SCAD, ElasticNet, Lq

from ._oracles import brute_force_prox_value

# --------------------------------------------------------------------------- #
# independent definitions of each penalty (straight from the papers)
# --------------------------------------------------------------------------- #


def reference_penalty(name, x, alpha, extra=None, weights=1.0):
    a = np.abs(x)
    if name == "l1":
        return alpha * weights * a
    if name == "elasticnet":
        return alpha * (extra * a + 0.5 * (1 - extra) * x**2)
    if name == "l0":
        return alpha * (x != 0)
    if name == "lq":
        return alpha * a**extra
    if name == "cel0":
        knee = np.sqrt(2 * alpha) / weights
        return np.where(a < knee, alpha - 0.5 * weights**2 * (a - knee) ** 2, alpha)
    if name == "mcp":
        gamma = extra
        return np.where(a <= gamma * alpha, alpha * a - a**2 / (2 * gamma), gamma * alpha**2 / 2)
    if name == "scad":
        gamma = extra
        middle = (2 * gamma * alpha * a - a**2 - alpha**2) / (2 * (gamma - 1))
        return np.where(
            a <= alpha, alpha * a, np.where(a <= gamma * alpha, middle, alpha**2 * (gamma + 1) / 2)
        )
    raise ValueError(name)


def make_penalty(name, alpha, extra, weights, positive=False):
    if name == "l1":
        return L1(alpha, weights=weights, positive=positive)
    if name == "elasticnet":
        return ElasticNet(alpha, l1_ratio=extra, positive=positive)
    if name == "l0":
        return L0(alpha, positive=positive)
    if name == "lq":
        return Lq(alpha, q=extra, positive=positive)
    if name == "cel0":
        return CEL0(alpha, column_norms=weights, positive=positive)
    if name == "mcp":
        return MCP(alpha, gamma=extra, positive=positive)
    if name == "scad":
        return SCAD(alpha, gamma=extra, positive=positive)
    raise ValueError(name)


NAMES = ["l1", "elasticnet", "l0", "lq", "cel0", "mcp", "scad"]
NONCONVEX = ["l0", "lq", "cel0", "mcp", "scad"]
Q_VALUES = [0.5, 2.0 / 3.0, 0.1, 0.3, 0.8, 0.95]


def random_setting(name, rng, n):
    """Random (alpha, extra, weights, step, z) for one penalty."""
    alpha = float(np.exp(rng.uniform(np.log(0.05), np.log(3.0))))
    step = float(np.exp(rng.uniform(np.log(0.05), np.log(5.0))))
    weights = None
    extra = None
    if name == "l1":
        weights = rng.uniform(0.0, 2.0, size=n)
    elif name == "elasticnet":
        extra = float(rng.uniform(0.0, 1.0))
    elif name == "lq":
        extra = float(rng.choice(Q_VALUES))
    elif name == "cel0":
        weights = rng.uniform(0.2, 2.0, size=n)
        step = float(rng.uniform(0.05, 0.99) / np.max(weights) ** 2)
    elif name == "mcp":
        extra = float(np.exp(rng.uniform(np.log(0.2), np.log(8.0))))
    elif name == "scad":
        extra = float(rng.uniform(2.05, 8.0))
    scale = rng.choice([0.3, 1.0, 4.0])
    z = scale * rng.uniform(-5.0, 5.0, size=n)
    return alpha, extra, weights, step, z


# --------------------------------------------------------------------------- #
# global optimality against brute force
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("positive", [False, True], ids=["signed", "positive"])
@pytest.mark.parametrize("name", NAMES)
def test_prox_is_global_minimiser(name, positive, dtype):
    rng = np.random.default_rng(hash((name, positive, np.dtype(dtype).name)) % 2**32)
    n_settings, n_points = 40, 150
    tol_scale = 1e-11 if dtype == np.float64 else 2e-6
    for _ in range(n_settings):
        alpha, extra, weights, step, z = random_setting(name, rng, n_points)
        z = z.astype(dtype)
        pen = make_penalty(name, alpha, extra, weights, positive)
        z64 = z.astype(np.float64)
        w = 1.0 if weights is None else weights

        def objective(x, z64=z64, alpha=alpha, extra=extra, w=w, step=step):
            zc = z64[:, None] if x.shape[1] > 1 else z64[:, None]
            wc = w[:, None] if np.ndim(w) else w
            values = 0.5 * (x - zc) ** 2 + step * reference_penalty(name, x, alpha, extra, wc)
            if positive:
                values = np.where(x < 0, np.inf, values)
            return values

        best = brute_force_prox_value(objective, z64)
        tol = tol_scale * (1.0 + z64**2)
        for result in (pen.prox(z, step), pen.prox_numba(z, step)):
            assert result.dtype == dtype
            reached = objective(result.astype(np.float64)[:, None])[:, 0]
            gap = reached - best
            worst = int(np.argmax(gap - tol))
            assert np.all(gap <= tol), (
                f"{pen} step={step}: z={z64[worst]!r} prox={result[worst]!r} "
                f"value {reached[worst]!r} > brute force {best[worst]!r}"
            )


@pytest.mark.parametrize("q", Q_VALUES)
def test_lq_prox_is_stationary_and_beats_zero(q):
    """Above the threshold the prox solves x + mu q x^(q-1) = |z| to rounding."""
    pen = Lq(alpha=0.7, q=q)
    step = 1.3
    mu = step * 0.7
    tau, beta = pen.threshold(step), pen.jump(step)
    z = np.concatenate([tau * (1 + np.logspace(-12, 1, 400)), -tau * (1 + np.logspace(-9, 1, 50))])
    x = pen.prox(z, step)
    a = np.abs(x)
    assert np.all(a >= beta * (1 - 1e-12))
    residual = a + mu * q * a ** (q - 1) - np.abs(z)
    np.testing.assert_allclose(residual, 0.0, atol=1e-12 * np.max(np.abs(z)))
    # jump of size beta at the threshold, and zero at the threshold itself
    assert pen.prox(np.array([tau]), step)[0] == 0.0
    np.testing.assert_allclose(pen.prox(np.array([tau * (1 + 1e-13)]), step), beta, rtol=1e-5)


def test_lq_closed_forms_match_newton():
    """q = 1/2 and 2/3 closed forms agree with Newton on the same equation."""
    from sparsestat.penalties import _kernels

    for q in (0.5, 2.0 / 3.0):
        mu = 0.9
        beta, tau = _kernels.lq_threshold(mu, q)
        for a in tau * np.array([1.0 + 1e-10, 1.001, 1.1, 2.0, 10.0, 1e3]):
            closed = _kernels.lq_magnitude(a, mu, q, beta)
            newton = _kernels.lq_magnitude(a, mu, q + 1e-15, beta)  # forces Newton
            assert closed == pytest.approx(newton, rel=1e-9)


# --------------------------------------------------------------------------- #
# thresholds are hit exactly
# --------------------------------------------------------------------------- #
def test_thresholds_exact():
    step = 0.5
    below = np.nextafter
    # L1: tau = step * alpha * w
    pen = L1(alpha=2.0)
    assert pen.prox(np.array([1.0]), step)[0] == 0.0
    assert pen.prox(np.array([below(1.0, 2.0)]), step)[0] > 0.0
    # L0: keep |z| > sqrt(2 step alpha)
    pen = L0(alpha=4.0)
    thr = pen.threshold(step)
    assert thr == 2.0
    np.testing.assert_array_equal(pen.prox(np.array([2.0, -2.0]), step), [0.0, 0.0])
    up = below(2.0, 3.0)
    np.testing.assert_array_equal(pen.prox(np.array([up, -up]), step), [up, -up])
    # MCP: zero up to step * alpha, identity beyond gamma * alpha
    pen = MCP(alpha=1.0, gamma=3.0)
    assert pen.prox(np.array([0.5]), step)[0] == 0.0
    assert pen.prox(np.array([3.0 + 1e-12]), step)[0] == 3.0 + 1e-12
    # SCAD: soft thresholding at step * alpha
    pen = SCAD(alpha=1.0, gamma=3.7)
    assert pen.prox(np.array([0.5]), step)[0] == 0.0
    # CEL0: zero up to sqrt(2 alpha) a step
    pen = CEL0(alpha=0.5, column_norms=[1.0])
    assert pen.prox(np.array([0.5]), step)[0] == 0.0
    assert pen.prox(np.array([below(0.5, 1.0)]), step)[0] > 0.0
    # above sqrt(2 alpha)/a the prox is the identity
    assert pen.prox(np.array([1.5]), step)[0] == 1.5


@pytest.mark.parametrize("name", NAMES)
def test_threshold_is_the_last_zeroed_input(name):
    """threshold(step) is exact: the prox zeroes it and keeps the next float."""
    rng = np.random.default_rng(21)
    for _ in range(20):
        alpha, extra, weights, step, _ = random_setting(name, rng, 3)
        pen = make_penalty(name, alpha, extra, weights)
        for j in range(3):
            tau = pen.threshold(step, coordinate=j)
            if tau == 0.0:
                continue
            assert pen.prox_1d(tau, step, j) == 0.0
            assert pen.prox_1d(np.nextafter(tau, np.inf) * (1 + 1e-15), step, j) != 0.0


def test_mcp_nonconvex_regime_is_hard_thresholding():
    pen = MCP(alpha=1.0, gamma=0.5)
    step = 2.0
    thr = math.sqrt(step * 0.5)
    z = np.array([thr, np.nextafter(thr, 2.0), 0.5, 3.0])
    np.testing.assert_array_equal(pen.prox(z, step), [0.0, z[1], 0.0, 3.0])


# --------------------------------------------------------------------------- #
# numba kernel and vectorized path agree, on every namespace
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("positive", [False, True], ids=["signed", "positive"])
@pytest.mark.parametrize("name", NAMES)
def test_vectorized_matches_numba(name, positive, backend, dtype):
    rng = np.random.default_rng(7)
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    for _ in range(10):
        alpha, extra, weights, step, z = random_setting(name, rng, 64)
        pen = make_penalty(name, alpha, extra, weights, positive)
        z = z.astype(dtype).reshape(4, 16) if weights is None else z.astype(dtype)
        if weights is not None and weights.size == 64:
            z = z.reshape(1, 64)
        expected = pen.prox_numba(z, step)
        result = pen.prox(backend.asarray(z), step)
        assert type(result) is type(backend.asarray(z))
        result = np.asarray(result) if backend.name != "cupy" else result.get()
        assert result.dtype == dtype and result.shape == z.shape
        atol = rtol * (1.0 + np.abs(z))
        bad = np.abs(result - expected) > atol
        assert not np.any(bad), (pen, step, z[bad], result[bad], expected[bad])
        # the scalar kernel that the CD solvers call
        flat = z.reshape(-1)
        scalar = np.array(
            [pen.prox_1d(v, step, j % z.shape[-1]) for j, v in enumerate(flat)]
        ).reshape(z.shape)
        np.testing.assert_allclose(scalar, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name", NAMES)
def test_value_matches_reference_and_kernel(name, backend):
    from sparsestat.penalties import _kernels

    rng = np.random.default_rng(3)
    alpha, extra, weights, _, z = random_setting(name, rng, 50)
    z[::5] = 0.0
    pen = make_penalty(name, alpha, extra, weights)
    w = 1.0 if weights is None else weights
    expected = float(np.sum(reference_penalty(name, z, alpha, extra, w)))
    assert pen.value(backend.asarray(z)) == pytest.approx(expected, rel=1e-12)
    kernel = _kernels.value_separable(
        z.reshape(1, -1), pen.kernel_code, pen.kernel_params, pen.coordinate_weights(z.size)
    )
    assert kernel == pytest.approx(expected, rel=1e-12)


def test_value_positive_constraint():
    assert L1(1.0, positive=True).value(np.array([1.0, -1.0])) == math.inf
    assert MCP(1.0, positive=True).value(np.array([1.0, 0.0])) == pytest.approx(1.0 - 1.0 / 6)


# --------------------------------------------------------------------------- #
# optimality measure and alpha_max
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("positive", [False, True], ids=["signed", "positive"])
@pytest.mark.parametrize("name", NAMES)
def test_subdiff_distance_zero_at_prox_points(name, positive, backend):
    rng = np.random.default_rng(11)
    for _ in range(5):
        alpha, extra, weights, step, z = random_setting(name, rng, 40)
        pen = make_penalty(name, alpha, extra, weights, positive)
        x = pen.prox(z, step)
        grad = (x - z) / step  # x minimises ½||u − z||²/step + pen(u)
        dist = pen.subdiff_distance(backend.asarray(x), backend.asarray(grad))
        dist = np.asarray(dist) if backend.name != "cupy" else dist.get()
        np.testing.assert_allclose(dist, 0.0, atol=1e-9 * (1 + np.abs(z).max()))
        # a point moved away from the prox is not stationary (where the move is visible)
        moved = x + 0.5
        dist_moved = pen.subdiff_distance(moved, (moved - z) / step)
        assert np.max(dist_moved) > 1e-3


@pytest.mark.parametrize("positive", [False, True], ids=["signed", "positive"])
@pytest.mark.parametrize("name", ["l1", "elasticnet", "cel0", "mcp", "scad"])
def test_alpha_max_is_the_smallest_alpha_zeroing_the_solution(name, positive):
    rng = np.random.default_rng(5)
    alpha, extra, weights, _, _ = random_setting(name, rng, 30)
    if name == "elasticnet":
        extra = max(extra, 0.1)
    grad = rng.standard_normal(30)
    pen = make_penalty(name, alpha, extra, weights, positive)
    amax = pen.alpha_max(grad)
    assert amax > 0
    zero = np.zeros(30)
    above = make_penalty(name, amax * (1 + 1e-9), extra, weights, positive)
    below = make_penalty(name, amax * (1 - 1e-3), extra, weights, positive)
    assert np.max(above.subdiff_distance(zero, grad)) == 0.0
    assert np.max(below.subdiff_distance(zero, grad)) > 0.0


@pytest.mark.parametrize("pen", [L0(1.0), Lq(1.0, 0.5)], ids=repr)
def test_alpha_max_undefined_for_l0_lq(pen):
    with pytest.raises(NotImplementedError, match="stationary point for every alpha"):
        pen.alpha_max(np.ones(3))


def test_alpha_max_elastic_net_pure_ridge():
    with pytest.raises(ValueError, match="l1_ratio=0"):
        ElasticNet(1.0, l1_ratio=0.0).alpha_max(np.ones(3))


# --------------------------------------------------------------------------- #
# property tests
# --------------------------------------------------------------------------- #
def _penalty_strategy():
    return st.one_of(
        st.builds(L1, alpha=st.floats(0.0, 5.0)),
        st.builds(ElasticNet, alpha=st.floats(0.0, 5.0), l1_ratio=st.floats(0.0, 1.0)),
        st.builds(L0, alpha=st.floats(0.0, 5.0)),
        st.builds(Lq, alpha=st.floats(0.01, 5.0), q=st.sampled_from(Q_VALUES)),
        st.builds(MCP, alpha=st.floats(0.0, 5.0), gamma=st.floats(0.1, 10.0)),
        st.builds(SCAD, alpha=st.floats(0.0, 5.0), gamma=st.floats(2.01, 10.0)),
        st.builds(CEL0, alpha=st.floats(0.0, 5.0), column_norms=st.just(np.full(4, 0.5))),
    )


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(pen=_penalty_strategy(), z1=finite, z2=finite, step=st.floats(0.01, 3.0))
def test_prox_properties(pen, z1, z2, step):
    if isinstance(pen, CEL0):
        step = min(step, 3.9)
    z = np.array([z1, z2, -z1, 0.0])
    x = pen.prox(z, step)
    x_numba = pen.prox_numba(z, step)
    # zero maps to zero
    assert x[3] == 0.0 and x_numba[3] == 0.0
    # sign symmetry (odd)
    assert x[2] == -x[0]
    # shrinkage: same sign as z, never larger in magnitude
    assert np.all(np.abs(x) <= np.abs(z) * (1 + 1e-12))
    assert np.all(x * z >= 0)
    # monotone non-decreasing in z (every 1-D prox is)
    lo, hi = (0, 1) if z1 <= z2 else (1, 0)
    assert x[lo] <= x[hi] * (1 + 1e-12) + 1e-12 if x[hi] >= 0 else x[lo] <= x[hi] + 1e-12
    # idempotent on zero: prox(prox(0)) = 0
    assert np.all(pen.prox(np.zeros(4), step) == 0.0)


@settings(max_examples=100, deadline=None)
@given(alpha=st.floats(0.0, 3.0), z=finite, step=st.floats(0.01, 3.0))
def test_positive_prox_is_prox_of_positive_part(alpha, z, step):
    for cls in (L1, L0, MCP):
        pen, pos = cls(alpha), cls(alpha, positive=True)
        expected = pen.prox(np.array([max(z, 0.0)]), step)
        assert pos.prox(np.array([z]), step)[0] == expected[0]


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "factory, match",
    [
        (lambda: L1(alpha=-1.0), "alpha"),
        (lambda: L1(alpha=float("nan")), "alpha"),
        (lambda: L1(alpha="1"), "alpha"),
        (lambda: L1(alpha=1.0, weights=[1.0, -1.0]), "weights"),
        (lambda: L1(alpha=1.0, weights=[1.0, np.inf]), "weights"),
        (lambda: L1(alpha=1.0, weights=[[1.0]]), "weights"),
        (lambda: L1(alpha=1.0, positive="yes"), "positive"),
        (lambda: ElasticNet(alpha=1.0, l1_ratio=1.5), "l1_ratio"),
        (lambda: ElasticNet(alpha=1.0, l1_ratio=-0.1), "l1_ratio"),
        (lambda: L0(alpha=-0.1), "alpha"),
        (lambda: Lq(alpha=1.0, q=1.0), "q"),
        (lambda: Lq(alpha=1.0, q=0.0), "q"),
        (lambda: Lq(alpha=1.0, q=-0.5), "q"),
        (lambda: CEL0(alpha=1.0), "column_norms"),
        (lambda: CEL0(alpha=1.0, column_norms=[1.0, 0.0]), "column_norms"),
        (lambda: MCP(alpha=1.0, gamma=0.0), "gamma"),
        (lambda: MCP(alpha=1.0, gamma=np.inf), "gamma"),
        (lambda: SCAD(alpha=1.0, gamma=2.0), "gamma"),
        (lambda: SCAD(alpha=1.0, gamma=True), "gamma"),
    ],
)
def test_invalid_parameters(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_gamma_bounds_have_one_owner():
    # MCP's prox exists for every gamma > 0 (hard thresholding when gamma <= step);
    # estimators building it from penalty="mcp" ask gamma > 1.  Both bounds live on
    # the class and the estimators read them from there.
    from sparsestat.linear_model import MCPRegression, SCADRegression, SparseRegression
    from sparsestat.linear_model._cv import SparseRegressionCV
    from sparsestat.linear_model.multitask import MultiTaskSparseRegression

    assert MCP.gamma_low == 0.0 and MCP.estimator_gamma_low == 1.0
    assert SCAD.gamma_low == SCAD.estimator_gamma_low == 2.0
    np.testing.assert_array_equal(MCP(1.0, gamma=0.5).prox(np.array([0.6, 0.8]), 1.0), [0, 0.8])
    for cls, owner in [
        (MCPRegression, MCP),
        (SCADRegression, SCAD),
        (SparseRegression, MCP),
        (SparseRegressionCV, MCP),
        (MultiTaskSparseRegression, MCP),
    ]:
        lows = [getattr(c, "low", None) for c in cls._parameter_constraints["gamma"] if c]
        assert owner.estimator_gamma_low in lows, cls


@pytest.mark.parametrize("name", NAMES)
def test_invalid_inputs(name):
    rng = np.random.default_rng(0)
    alpha, extra, weights, step, _ = random_setting(name, rng, 3)
    pen = make_penalty(name, alpha, extra, weights)
    for bad in (np.array([1.0, np.nan, 0.0]), np.array([1.0, np.inf, 0.0])):
        with pytest.raises(ValueError, match="NaN or infinite"):
            pen.prox(bad, step)
        with pytest.raises(ValueError, match="NaN or infinite"):
            pen.prox_numba(bad, step)
        with pytest.raises(ValueError, match="NaN or infinite"):
            pen.value(bad)
    for bad_step in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="step"):
            pen.prox(np.ones(3), bad_step)
    with pytest.raises(TypeError):
        pen.prox(np.array(["a", "b", "c"]), step)


def test_weights_length_must_match():
    pen = L1(1.0, weights=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="weights has 3 entries"):
        pen.prox(np.ones(4), 1.0)


def test_cel0_step_bound():
    pen = CEL0(alpha=1.0, column_norms=[1.0, 2.0])
    assert pen.max_step() == 0.25
    with pytest.raises(ValueError, match=r"step·a_j² <= 1"):
        pen.prox(np.ones(2), 0.2501)
    pen.prox(np.ones(2), 0.2499)


def test_cel0_at_unit_step_is_hard_thresholding():
    """step·a² = 1 (exact CD): the limit of the formula, hard threshold sqrt(2 alpha)/a."""
    pen = CEL0(alpha=0.5, column_norms=[2.0, 2.0, 2.0, 2.0])
    z = np.array([0.49, 0.5, np.nextafter(0.5, 1.0), -3.0])
    expected = [0.0, 0.0, z[2], -3.0]
    np.testing.assert_array_equal(pen.prox(z, 0.25), expected)
    np.testing.assert_array_equal(pen.prox_numba(z, 0.25), expected)
    # and it minimises ½(x − z)² + step·CEL0(x) (the flat direction ties at the threshold)
    l0 = L0(alpha=0.5)
    np.testing.assert_array_equal(pen.prox(z, 0.25), l0.prox(z, 0.25))


def test_input_not_mutated_and_integers_accepted():
    z = np.array([3, -1, 0])
    before = z.copy()
    out = L1(1.0).prox(z, 1.0)
    np.testing.assert_array_equal(z, before)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [2.0, 0.0, 0.0])
    zf = np.array([3.0, -1.0])
    MCP(1.0).prox(zf, 1.0)
    np.testing.assert_array_equal(zf, [3.0, -1.0])


def test_immutable_replace_and_clone():
    from sklearn.base import clone

    pen = MCP(alpha=1.0, gamma=3.0)
    with pytest.raises(AttributeError, match="immutable"):
        pen.alpha = 2.0
    other = pen.replace(alpha=2.0)
    assert other.alpha == 2.0 and pen.alpha == 1.0 and other.gamma == 3.0
    with pytest.raises(TypeError, match="no parameter"):
        pen.replace(beta=1.0)
    copy = clone(pen)
    assert copy is not pen and copy.get_params() == pen.get_params()
    assert repr(pen) == "MCP(alpha=1.0, gamma=3.0, positive=False)"
