"""Non-convex WGSEF: value, prox against a brute-force search, regimes, namespaces."""

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

from sparsestat.penalties import WGSEF, NonconvexWGSEF, envelope_value


def to_host(x):
    from sparsestat import to_numpy

    return np.asarray(to_numpy(x))


def envelope_rows(b, k):
    """``S_k`` of every row of ``b`` (Argyriou et al. 2012, Prop. 2.1), vectorized.

    Written separately from :func:`envelope_value`: with ``a`` sorted
    decreasing, ``S_k = ½(sum_{j<r} a_j² + T_r²/(k − r))`` for the unique
    ``r < k`` with ``a_{r-1} > T_r/(k − r) >= a_r`` (``T_r`` the tail sum).
    """
    a = -np.sort(-np.abs(b), axis=1)
    n = a.shape[1]
    best = np.full(a.shape[0], np.inf)
    for r in range(k):
        tail = a[:, r:].sum(axis=1)
        level = tail / (k - r)
        ok = level >= a[:, r] - 1e-12
        if r > 0:
            ok &= a[:, r - 1] >= level - 1e-12
        value = (a[:, :r] ** 2).sum(axis=1) + tail**2 / (k - r)
        best = np.where(ok, np.minimum(best, value), best)
    assert n >= k
    return 0.5 * best


def test_envelope_rows_matches_envelope_value():
    rng = np.random.default_rng(0)
    b = rng.standard_normal((50, 5))
    for k in (1, 2, 4, 5):
        expected = [envelope_value(row, k) for row in b]
        np.testing.assert_allclose(envelope_rows(b, k), expected, rtol=1e-12)


def brute_force_prox_value(z, groups, weights, k, lam, grid=31):
    """Smallest ``½||x − z||² + lam·(S_k(b) − ½||b||²)`` found by a grid on the group
    scalings ``x_G = c_G·z_G``, ``c in [0, 1.2]^m`` (the prox keeps each group's
    direction), refined by Nelder–Mead from the 5 best grid points."""
    m = weights.size
    norms = np.array([np.linalg.norm(z[groups == g]) for g in range(m)])

    def values(c):  # c: (N, m)
        b = np.sqrt(weights) * c * norms
        fit = 0.5 * (((1 - c) * norms) ** 2).sum(axis=1)
        return fit + lam * (envelope_rows(b, k) - 0.5 * (b**2).sum(axis=1))

    grid_c = np.array(list(itertools.product(np.linspace(0, 1.2, grid), repeat=m)))
    vals = values(grid_c)
    best = vals.min()
    for start in grid_c[np.argsort(vals)[:5]]:
        result = minimize(
            lambda c: values(np.clip(c, 0, None)[None])[0],
            start,
            method="Nelder-Mead",
            options={"xatol": 1e-11, "fatol": 1e-14, "maxiter": 5000},
        )
        best = min(best, result.fun)
    return best


def prox_objective(pen, x, z, step):
    return 0.5 * np.sum((x - z) ** 2) + step * pen.value(x)


@pytest.mark.parametrize("seed", range(16))
def test_prox_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    m = 3
    groups = np.repeat(np.arange(m), rng.integers(1, 4, m))
    k = int(rng.integers(1, m))
    z = rng.standard_normal(groups.size) * rng.uniform(0.3, 2.0)
    weighted = seed % 2 == 1
    weights = rng.uniform(0.5, 2.0, m) if weighted else np.ones(m)
    if seed % 4 < 2:  # every step·alpha·d_i < 1: the convex-allocation regime
        alpha = rng.uniform(0.05, 0.95) / weights.max()
    else:  # every step·alpha·d_i >= 1: the projection regime
        alpha = rng.uniform(1.0, 3.0) / weights.min()
    pen = NonconvexWGSEF(k=k, alpha=alpha, groups=groups, weights=weights if weighted else None)
    result = pen.prox(z, 1.0)
    np.testing.assert_allclose(pen.prox_numba(z, 1.0), result, atol=1e-12)
    ours = prox_objective(pen, result, z, 1.0)
    brute = brute_force_prox_value(z, groups, weights, k, alpha)
    assert ours <= brute + 1e-9 * (1 + abs(brute)), (ours, brute)
    # and the search gets there too (the brute-force value is not a loose bound)
    assert brute <= ours + 1e-6 * (1 + abs(ours))


def test_value_vanishes_exactly_on_k_group_sparse_vectors():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(5), 3)
    d = rng.uniform(0.5, 2.0, 5)
    for k in (1, 2, 3):
        pen = NonconvexWGSEF(k=k, alpha=0.7, groups=groups, weights=d)
        for n_active in range(6):
            x = rng.standard_normal(15)
            x[groups >= n_active] = 0.0
            value = pen.value(x)
            if n_active <= k:
                assert value == pytest.approx(0.0, abs=1e-12)
            else:
                assert value > 1e-6
    # k = 1: S_1(b) − ½||b||² = ½(sum b)² − ½ sum b² = sum_{i<j} b_i b_j
    x = rng.standard_normal(15)
    b = np.sqrt(d) * np.array([np.linalg.norm(x[groups == g]) for g in range(5)])
    pairs = sum(b[i] * b[j] for i in range(5) for j in range(i + 1, 5))
    pen = NonconvexWGSEF(k=1, alpha=0.7, groups=groups, weights=d)
    assert pen.value(x) == pytest.approx(0.7 * pairs, rel=1e-12)
    # k = number of groups: nothing is charged
    assert NonconvexWGSEF(k=5, alpha=0.7, groups=groups).value(x) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("lam", [0.1, 0.5, 0.9, 0.99])
def test_equal_weights_below_one_is_a_rescaled_convex_prox(lam):
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(8), 3)
    z = rng.standard_normal(24)
    ours = NonconvexWGSEF(k=3, alpha=lam, groups=groups).prox_numba(z, 1.0)
    convex = WGSEF(k=3, alpha=lam / (1 - lam), groups=groups).prox_numba(z / (1 - lam), 1.0)
    np.testing.assert_allclose(ours, convex, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("lam", [1.0, 1.5, 10.0])
def test_step_alpha_at_least_one_is_the_top_k_projection(lam):
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(8), 3)
    d = rng.uniform(1.0, 2.0, 8)  # lam·d_i >= 1 for every group
    z = rng.standard_normal(24)
    norms = np.array([np.linalg.norm(z[groups == g]) for g in range(8)])
    top = np.sort(np.argsort(-norms)[:3])
    expected = np.where(np.isin(groups, top), z, 0.0)
    pen = NonconvexWGSEF(k=3, alpha=lam, groups=groups, weights=d)
    for result in (pen.prox(z, 1.0), pen.prox_numba(z, 1.0)):
        np.testing.assert_array_equal(result, expected)
        np.testing.assert_array_equal(pen.active_groups(result), top)


def test_projection_ties_keep_the_lower_index():
    groups = np.repeat(np.arange(4), 2)
    z = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.5, 0.0])  # groups 0, 1, 2 tie
    pen = NonconvexWGSEF(k=2, alpha=2.0, groups=groups)
    for result in (pen.prox(z, 1.0), pen.prox_numba(z, 1.0)):
        np.testing.assert_array_equal(pen.active_groups(result), [0, 1])


def test_mixed_regime_is_refused():
    groups = np.repeat(np.arange(3), 2)
    pen = NonconvexWGSEF(k=1, alpha=1.0, groups=groups, weights=[0.5, 1.0, 2.0])
    for prox in (pen.prox, pen.prox_numba):
        with pytest.raises(ValueError, match="spans 1"):
            prox(np.ones(6), 1.0)
    pen.prox(np.ones(6), 0.4)  # 0.2 .. 0.8: fine
    pen.prox(np.ones(6), 2.0)  # 1 .. 4: fine


def test_prox_step_leaves_the_mixed_range():
    """prox_step: the step itself outside [1/(alpha·max d), 1/(alpha·min d)),
    0.99/(alpha·max d) inside it, where the prox then works."""
    groups = np.repeat(np.arange(3), 2)
    pen = NonconvexWGSEF(k=1, alpha=2.0, groups=groups, weights=[0.5, 1.0, 2.0])
    for step in (0.1, 0.249, 1.0, 3.0):  # l from 0.05..0.2 up to 3..12
        chosen = pen.prox_step(step)
        if 0.25 <= step < 1.0:
            assert chosen == pytest.approx(0.99 / 4.0)
            with pytest.raises(ValueError, match="spans 1"):
                pen.prox(np.ones(6), step)
        else:
            assert chosen == step
        assert chosen <= step
        np.testing.assert_array_equal(
            pen.prox(np.ones(6), chosen), pen.prox_numba(np.ones(6), chosen)
        )
    for step in (0.25, 0.5, 0.999):
        assert pen.prox_step(step) == pytest.approx(0.2475)
    # equal weights: never a mixed range
    equal = NonconvexWGSEF(k=1, alpha=2.0, groups=groups)
    for step in (0.1, 0.5, 0.6, 2.0):
        assert equal.prox_step(step) == step
    assert NonconvexWGSEF(k=1, alpha=0.0, groups=groups, weights=[1, 2, 3]).prox_step(5.0) == 5.0


@pytest.mark.parametrize("lam", [0.3, 2.0])
def test_vectorized_matches_numba(lam, backend, dtype):
    rng = np.random.default_rng(5)
    groups = np.repeat(np.arange(30), rng.integers(1, 6, 30))
    d = rng.uniform(1.0, 1.5, 30)
    pen = NonconvexWGSEF(k=5, alpha=lam / (1.6 if lam < 1 else 1.0), groups=groups, weights=d)
    z = (rng.standard_normal(groups.size) * 2).astype(dtype)
    expected = pen.prox_numba(z, 1.0)
    result = pen.prox(backend.asarray(z), 1.0)
    assert type(result) is type(backend.asarray(z))
    result = to_host(result)
    assert result.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(result, expected, rtol=tol, atol=tol)


def test_bad_parameters_and_input_not_mutated():
    groups = np.repeat(np.arange(3), 2)
    with pytest.raises(ValueError, match="larger than the number of groups"):
        NonconvexWGSEF(k=4, groups=groups)
    with pytest.raises(ValueError, match="alpha"):
        NonconvexWGSEF(k=1, alpha=-1.0, groups=groups)
    z = np.arange(6, dtype=float)
    before = z.copy()
    pen = NonconvexWGSEF(k=1, alpha=0.5, groups=groups)
    pen.prox(z, 1.0)
    pen.prox_numba(z, 3.0)
    np.testing.assert_array_equal(z, before)
    assert not pen.is_convex
