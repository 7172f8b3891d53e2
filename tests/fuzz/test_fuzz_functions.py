"""Fuzzing the public functions: penalties' proximal operators (array API path
against the numba kernel, homogeneity), sparse_encode (scale equivariance),
sufficient_statistics (a merge of random parts against one pass)."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sparsestat.datafits import sufficient_statistics
from sparsestat.decomposition import sparse_encode
from sparsestat.penalties import CEL0, L0, L1, L21, MCP, SCAD, WGSEF, ElasticNet, GroupL2, Lq

from .strategies import FAST, LONG, MAGNITUDES, hostile_arrays, is_clear_error


def _penalty(kind, size, alpha):
    groups = np.arange(size) // 2
    return {
        "l1": lambda: L1(alpha),
        "elasticnet": lambda: ElasticNet(alpha, l1_ratio=0.7),
        "l0": lambda: L0(alpha),
        "half": lambda: Lq(alpha, q=0.5),
        "two_thirds": lambda: Lq(alpha, q=2.0 / 3.0),
        "lq": lambda: Lq(alpha, q=0.3),
        "cel0": lambda: CEL0(alpha, column_norms=np.linspace(0.5, 1.0, size)),
        "mcp": lambda: MCP(alpha, gamma=3.0),
        "scad": lambda: SCAD(alpha, gamma=3.7),
        "group_l2": lambda: GroupL2(alpha, groups=groups),
        "wgsef": lambda: WGSEF(k=1, alpha=alpha, groups=groups),
    }[kind]()


PENALTIES = [
    "l1", "elasticnet", "l0", "half", "two_thirds", "lq", "cel0", "mcp", "scad", "group_l2",
    "wgsef",
]  # fmt: skip


# --------------------------------------------------------------------------- #
# proximal operators: both paths agree, finite in, finite out
# --------------------------------------------------------------------------- #
def check_prox(kind, draw):
    size = draw(st.integers(1, 7))
    x = draw(hostile_arrays((size,)))
    alpha = draw(st.sampled_from([0.0, 1e-8, 0.5, 3.0, 1e8]))
    step = draw(st.sampled_from([1e-3, 0.5, 1.0]))
    penalty = _penalty(kind, size, alpha)
    results = {}
    for path in ("prox", "prox_numba"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results[path] = getattr(penalty, path)(x, step)
        except Exception as error:  # noqa: BLE001 - classified below
            assert is_clear_error(error), f"{path}: {type(error).__name__}: {error}"
            results[path] = error
    prox, numba = results["prox"], results["prox_numba"]
    assert isinstance(prox, Exception) == isinstance(numba, Exception), results
    if isinstance(prox, Exception):
        return
    assert prox.shape == x.shape and prox.dtype == numba.dtype
    finite = np.all(np.isfinite(np.asarray(x, dtype=float)))
    if finite:
        assert np.all(np.isfinite(prox)) and np.all(np.isfinite(numba))
    rtol = 1e-9 if prox.dtype == np.float64 else 2e-3
    scale = np.abs(np.asarray(x, dtype=float))
    difference = np.abs(np.asarray(prox, float) - np.asarray(numba, float))
    both_nan = np.isnan(np.asarray(prox, float)) & np.isnan(np.asarray(numba, float))
    bad = ~both_nan & ~(difference <= rtol * scale + 1e-300)
    assert not np.any(bad), (x[bad], prox[bad], numba[bad])


@pytest.mark.parametrize("kind", PENALTIES)
@FAST
@given(draw=st.data())
def test_prox(kind, draw):
    check_prox(kind, draw.draw)


@pytest.mark.fuzz
@pytest.mark.parametrize("kind", PENALTIES)
@LONG
@given(draw=st.data())
def test_prox_long(kind, draw):
    check_prox(kind, draw.draw)


def check_lq_homogeneity(q, s, draw):
    """prox of alpha s^(2-q)|.|^q at s z is s times the prox of alpha|.|^q at z."""
    z = np.asarray(draw(st.lists(st.floats(-5, 5), min_size=1, max_size=6)))
    with np.errstate(over="ignore"):
        alpha_scaled = 0.7 * np.float64(s) ** (2.0 - q)
    assume(np.isfinite(alpha_scaled) and alpha_scaled > 0)
    for path in ("prox", "prox_numba"):
        reference = getattr(Lq(0.7, q=q), path)(z, 1.0)
        scaled = getattr(Lq(alpha_scaled, q=q), path)(z * s, 1.0)
        assert np.all(np.isfinite(scaled))
        np.testing.assert_allclose(scaled / s, reference, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("q", [0.5, 2.0 / 3.0, 0.3, 0.8])
@FAST
@given(s=MAGNITUDES, draw=st.data())
def test_lq_homogeneity(q, s, draw):
    check_lq_homogeneity(q, s, draw.draw)


def check_group_norm_scaling(s, draw):
    """Group norms (value, alpha_max, prox) are positively homogeneous, at any magnitude."""
    x = np.asarray(draw(st.lists(st.floats(-3, 3), min_size=2, max_size=6)))
    groups = np.arange(x.size) // 2
    penalty = GroupL2(1.0, groups=groups)
    reference = penalty.value(x)
    assert penalty.value(x * s) == pytest.approx(s * reference, rel=1e-12, abs=1e-300)
    rows = L21(1.0)
    W = x.reshape(-1, 1) if x.size % 2 else x.reshape(-1, 2)
    assert rows.value(W * s) == pytest.approx(s * rows.value(W), rel=1e-12, abs=1e-300)
    assert rows.alpha_max(W * s) == pytest.approx(s * rows.alpha_max(W), rel=1e-12, abs=1e-300)
    for path in ("prox", "prox_numba"):
        np.testing.assert_allclose(
            getattr(penalty.replace(alpha=s), path)(x * s, 1.0) / s,
            getattr(penalty, path)(x, 1.0),
            rtol=1e-12,
            atol=1e-14,
        )


@FAST
@given(s=MAGNITUDES, draw=st.data())
def test_group_norm_scaling(s, draw):
    check_group_norm_scaling(s, draw.draw)


# --------------------------------------------------------------------------- #
# sparse_encode: scale equivariance, or a clear error
# --------------------------------------------------------------------------- #
def check_sparse_encode(penalty, algorithm, s, draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_components, n_features = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    D = rng.standard_normal((n_components, n_features)) * draw(st.sampled_from([0.3, 1.0, 3.0]))
    X = rng.standard_normal((draw(st.integers(1, 4)), n_features))
    power = {"l1": 1.0, "half": 1.5, "two_thirds": 4.0 / 3.0, "l0": 2.0, "cel0": 2.0}[penalty]
    with np.errstate(over="ignore"):
        alpha_scaled = 0.2 * np.float64(s) ** power
    assume(np.isfinite(alpha_scaled) and alpha_scaled > 0)
    options = dict(penalty=penalty, algorithm=algorithm, tol=1e-12, max_iter=5000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reference = sparse_encode(X, D, alpha=0.2, **options)
        except Exception as error:  # noqa: BLE001
            assert is_clear_error(error), error
            return
        try:
            scaled = sparse_encode(X * s, D, alpha=alpha_scaled, **options)
        except Exception as error:  # noqa: BLE001
            assert is_clear_error(error), error
            assert "rescale" in str(error) or "large" in str(error)
            return
    assert np.all(np.isfinite(scaled))
    if penalty == "l1":  # convex: one minimiser (up to the tolerance)
        np.testing.assert_allclose(scaled / s, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("penalty", ["l1", "half", "two_thirds", "l0", "cel0"])
@pytest.mark.parametrize("algorithm", ["cd", "fista"])
@FAST
@given(s=MAGNITUDES, draw=st.data())
def test_sparse_encode(penalty, algorithm, s, draw):
    check_sparse_encode(penalty, algorithm, s, draw.draw)


@pytest.mark.fuzz
@pytest.mark.parametrize("penalty", ["l1", "half", "two_thirds", "l0", "cel0"])
@pytest.mark.parametrize("algorithm", ["cd", "fista", "ista"])
@LONG
@given(s=MAGNITUDES, draw=st.data())
def test_sparse_encode_long(penalty, algorithm, s, draw):
    check_sparse_encode(penalty, algorithm, s, draw.draw)


# --------------------------------------------------------------------------- #
# sufficient statistics: random unequal parts merged == one pass (or a clear error)
# --------------------------------------------------------------------------- #
def check_statistics_merge(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, p, k = draw(st.integers(2, 40)), draw(st.integers(1, 4)), draw(st.integers(1, 2))
    scale_x, scale_y = draw(MAGNITUDES), draw(MAGNITUDES)
    X = (rng.standard_normal((n, p)) + rng.standard_normal(p)) * scale_x
    Y = (rng.standard_normal((n, k)) + 3.0) * scale_y
    weighted = draw(st.booleans())
    s = rng.uniform(0.1, 2.0, n) if weighted else np.ones(n)
    cuts = sorted(set(draw(st.lists(st.integers(1, n - 1), max_size=3))))
    bounds = [0, *cuts, n]
    try:
        parts = [
            sufficient_statistics(X[a:b], Y[a:b], s[a:b] if weighted else None)
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        merged = parts[0]
        for part in parts[1:]:
            merged = merged + part
    except ValueError as error:
        assert "rescale" in str(error)
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = s.sum()
        mean_X, mean_Y = s @ X / total, s @ Y / total
        Xc, Yc = X - mean_X, Y - mean_Y
        expected = {
            "mean_X": mean_X,
            "mean_y": mean_Y,
            "scatter_XX": (Xc * s[:, None]).T @ Xc,
            "scatter_Xy": (Xc * s[:, None]).T @ Yc,
            "scatter_yy": np.sum(s[:, None] * Yc * Yc, axis=0),
        }
    for name, value in expected.items():
        got = np.asarray(getattr(merged, name), dtype=float)
        assert np.all(np.isfinite(got)), name
        np.testing.assert_allclose(
            got, value, rtol=1e-9, atol=1e-9 * float(np.max(np.abs(value))), err_msg=name
        )


@FAST
@given(draw=st.data())
def test_statistics_merge(draw):
    check_statistics_merge(draw.draw)


@pytest.mark.fuzz
@LONG
@given(draw=st.data())
def test_statistics_merge_long(draw):
    check_statistics_merge(draw.draw)
