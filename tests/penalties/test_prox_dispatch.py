"""``prox`` hands float32/float64 numpy arrays to the numba kernels.

The kernels must give the values of the array-API formula (which stays the
path of every other namespace): to 1e-12 in float64, to the rounding of a
float32 result in float32 (the kernel rounds once, from float64).
"""

import array_api_strict as xs
import numpy as np
import pytest

from sparsestat.penalties import (
    CEL0,
    L0,
    L1,
    L21,
    MCP,
    SCAD,
    WGSEF,
    ElasticNet,
    GroupL2,
    Lq,
    NonconvexWGSEF,
    SparseEnvelope,
)
from sparsestat.penalties._base import takes_kernel_path

SHAPE = (6, 8)
GROUPS = np.repeat(np.arange(12), 4)  # 48 features in 12 groups of 4

PENALTIES = {
    "l1": L1(0.3),
    "l1_weighted": L1(0.3, weights=np.linspace(0.0, 2.0, SHAPE[1])),
    "l1_positive": L1(0.3, positive=True),
    "elasticnet": ElasticNet(0.3, l1_ratio=0.7),
    "l0": L0(0.3),
    "lq_half": Lq(0.3, q=0.5),
    "lq_two_thirds": Lq(0.3, q=2.0 / 3.0),
    "lq_newton": Lq(0.3, q=0.3),
    "cel0": CEL0(0.3, column_norms=np.linspace(0.5, 1.0, SHAPE[1])),
    "mcp_firm": MCP(0.3, gamma=3.0),
    "mcp_hard": MCP(0.3, gamma=0.5),
    "scad": SCAD(0.3, gamma=3.7, positive=True),
    "group_l2": GroupL2(0.5, groups=GROUPS),
    "sparse_envelope": SparseEnvelope(k=5, alpha=0.5),
    "wgsef": WGSEF(k=3, alpha=0.5, groups=GROUPS, weights=np.linspace(1.0, 2.0, 12)),
    "nonconvex_wgsef_shrink": NonconvexWGSEF(k=3, alpha=0.5, groups=GROUPS),
    "nonconvex_wgsef_top_k": NonconvexWGSEF(k=3, alpha=2.0, groups=GROUPS),
    "l21": L21(0.5),
}
STEP = 0.8


def inputs(dtype, layout, seed=0):
    """A (6, 8) array of ``dtype``: C-contiguous, Fortran-ordered or strided."""
    rng = np.random.default_rng(seed)
    wide = (2.0 * rng.standard_normal((SHAPE[0], 2 * SHAPE[1]))).astype(dtype)
    if layout == "C":
        return np.ascontiguousarray(wide[:, : SHAPE[1]])
    if layout == "F":
        return np.asfortranarray(wide[:, : SHAPE[1]])
    return wide[:, ::2]  # a view with a stride of two


def assert_same_values(result, expected, dtype, scale):
    result = np.asarray(result, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if dtype == np.float64:
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12 * scale)
    else:  # one float32 rounding apart, relative to the input's scale
        eps = float(np.finfo(np.float32).eps)
        np.testing.assert_allclose(result, expected, rtol=4 * eps, atol=4 * eps * scale)


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_numpy_prox_runs_the_kernel_with_the_array_api_values(name, dtype, layout, monkeypatch):
    penalty = PENALTIES[name]
    x = inputs(dtype, layout)
    before = x.copy()
    expected = penalty._prox_array_api(x, STEP)  # the formula numpy input took before
    assert expected.dtype == dtype

    def refuse(*args, **kwargs):
        raise AssertionError("numpy input took the array-API formula")

    for formula in ("_prox_array_api", "_prox_array", "_prox_flat"):
        if hasattr(penalty, formula):
            monkeypatch.setattr(type(penalty), formula, refuse)
    result = penalty.prox(x, STEP)
    unchecked = penalty.prox(x, STEP, check_input=False)
    monkeypatch.undo()

    assert type(result) is np.ndarray
    assert result.dtype == dtype and result.shape == x.shape
    np.testing.assert_array_equal(x, before)  # the input is left alone
    assert result is not x and not np.shares_memory(result, x)
    np.testing.assert_array_equal(result, unchecked)
    np.testing.assert_array_equal(result, penalty.prox_numba(x, STEP))
    assert_same_values(result, expected, dtype, float(np.max(np.abs(x))))


@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_other_namespaces_keep_the_array_api_formula(name):
    penalty = PENALTIES[name]
    x = inputs(np.float64, "C", seed=1)
    strict = penalty.prox(xs.asarray(x), STEP)
    assert isinstance(strict, type(xs.asarray(x)))
    np.testing.assert_array_equal(np.asarray(strict), penalty._prox_array_api(x, STEP))
    assert_same_values(penalty.prox(x, STEP), np.asarray(strict), np.float64, 2.0)


def test_only_plain_float_numpy_arrays_take_the_kernel():
    assert takes_kernel_path(np.ones(3)) and takes_kernel_path(np.ones(3, dtype=np.float32))
    assert not takes_kernel_path(np.ones(3, dtype=np.float16))
    assert not takes_kernel_path(np.ones(3, dtype=np.int64))
    assert not takes_kernel_path(np.ma.masked_array(np.ones(3)))
    assert not takes_kernel_path(xs.ones(3))
    # float16 keeps the array-API path and its dtype
    out = L1(0.5).prox(np.array([1.0, -0.2], dtype=np.float16), 1.0)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, np.array([0.5, 0.0], dtype=np.float16))


def test_large_wgsef_input_matches_the_sorting_formula():
    """Many groups: the kernel's linear-time search and the sort agree."""
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(5000), 4)
    x = rng.standard_normal(groups.size)
    for penalty in (
        WGSEF(k=200, alpha=0.3, groups=groups),
        NonconvexWGSEF(k=200, alpha=0.3, groups=groups),
    ):
        assert_same_values(penalty.prox(x, 1.0), penalty._prox_array_api(x, 1.0), np.float64, 4.0)


@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_prox_numba_brings_other_arrays_to_the_host(name):
    """``prox_numba`` on an array-API-strict array returns the numpy result of the
    kernel on the same values (the user guide: "arrays of other libraries are
    brought to the host")."""
    penalty = PENALTIES[name]
    x = inputs(np.float64, "C", seed=2)
    result = penalty.prox_numba(xs.asarray(x), STEP)
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, penalty.prox_numba(x, STEP))
