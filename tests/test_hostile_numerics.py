"""Extreme magnitudes (issue 20): scale-equivariant problems give the scaled answer, the
others raise a ValueError asking to rescale; never NaN, inf or a silent all-zero model."""

import numpy as np
import pytest

from sparsestat.dag import CoLiDE
from sparsestat.datafits import sufficient_statistics
from sparsestat.decomposition import DictionaryLearning, sparse_encode
from sparsestat.linear_model import (
    Lasso,
    MultiTaskLasso,
    MultiTaskSparseRegression,
    SparseRegression,
)
from sparsestat.penalties import L21, WGSEF, GroupL2, Lq

RESCALE = "rescale|too large|overflow|non-finite|not finite"


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 6))
    y = X @ np.array([1.0, 0.0, 2.0, -1.0, 0.0, 3.0]) + 0.1 * rng.standard_normal(30)
    return X, y


# --------------------------------------------------------------------------- #
# overflow in the estimators: a clear error, or the scaled answer
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("penalty", ["l1", "elasticnet", "cel0", "scad", "mcp", "l0"])
@pytest.mark.parametrize("solver", ["cd", "fista"])
def test_huge_X_is_refused_not_zeroed(regression, penalty, solver):
    X, y = regression
    with pytest.raises(ValueError, match=RESCALE):
        SparseRegression(penalty=penalty, solver=solver, alpha=0.1).fit(X * 1e200, y)


@pytest.mark.parametrize(
    "make", [lambda: MultiTaskLasso(alpha=0.1), lambda: MultiTaskSparseRegression(alpha=0.1)]
)
def test_multitask_huge_Y_is_refused(regression, make):
    X, y = regression
    Y = np.c_[y, 2 * y] * 1e200
    with pytest.raises(ValueError, match=RESCALE):
        make().fit(X, Y)
    with pytest.raises(ValueError, match=RESCALE):
        make().fit_from_statistics(sufficient_statistics(X, Y))


def test_lasso_scaled_problem_scaled_back(regression):
    """Lasso is equivariant: (s X, t y, alpha s t) has the solution (t/s) w."""
    X, y = regression
    reference = Lasso(alpha=0.1, tol=1e-10).fit(X, y)
    for s, t in [(1e100, 1.0), (1.0, 1e100), (1e-100, 1e-100), (1e120, 1e-120)]:
        scaled = Lasso(alpha=0.1 * s * t, tol=1e-10).fit(X * s, y * t)
        np.testing.assert_allclose(scaled.coef_ * s / t, reference.coef_, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(scaled.intercept_ / t, reference.intercept_, atol=1e-8)


@pytest.mark.parametrize("which", ["X", "y"])
def test_sufficient_statistics_overflow_named(regression, which):
    X, y = regression
    args = (X * 1e200, y) if which == "X" else (X, y * 1e200)
    with pytest.raises(ValueError, match=f"statistics of {which}"):
        sufficient_statistics(*args)


def test_colide_huge_X_refused():
    X = np.random.default_rng(0).standard_normal((50, 4)) * 1e200
    with pytest.raises(ValueError, match="X is too large"):
        CoLiDE().fit(X)


def test_dictionary_learning_huge_X_refused():
    X = np.random.default_rng(0).standard_normal((40, 6)) * 1e200
    with pytest.raises(ValueError, match="X is too large"):
        DictionaryLearning(n_components=4, random_state=0).fit(X)


# --------------------------------------------------------------------------- #
# sparse_encode at extreme values
# --------------------------------------------------------------------------- #
@pytest.fixture
def coding():
    rng = np.random.default_rng(1)
    D = rng.standard_normal((8, 6))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    return rng.standard_normal((4, 6)), D


@pytest.mark.parametrize(
    "penalty, q, power",
    [("two_thirds", None, 4 / 3), ("half", None, 1.5), ("lq", 0.7, 1.3), ("l1", None, 1.0)],
)
@pytest.mark.parametrize("algorithm", ["cd", "fista", "ista"])
@pytest.mark.parametrize("scale", [1e160, 1e200, 1e-150])
def test_sparse_encode_scale_equivariant(coding, penalty, q, power, algorithm, scale):
    """codes(s X, alpha s^(2-q)) = s codes(X, alpha): the ℓq problems are homogeneous."""
    X, D = coding
    options = dict(penalty=penalty, q=q, algorithm=algorithm, tol=1e-12, max_iter=20000)
    reference = sparse_encode(X, D, alpha=0.3, **options)
    scaled = sparse_encode(X * scale, D, alpha=0.3 * scale**power, **options)
    assert np.all(np.isfinite(scaled))
    np.testing.assert_allclose(scaled / scale, reference, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("algorithm", ["cd", "fista", "ista"])
def test_sparse_encode_huge_dictionary_refused(coding, algorithm):
    X, D = coding
    with pytest.raises(ValueError, match="dictionary is too large"):
        sparse_encode(X * 1e160, D * 1e160, algorithm=algorithm, alpha=0.1)


@pytest.mark.parametrize("algorithm", ["cd", "fista", "ista"])
def test_sparse_encode_without_atoms(coding, algorithm):
    X, D = coding
    codes = sparse_encode(X, D[:0], algorithm=algorithm, alpha=0.1)
    assert codes.shape == (4, 0)


# --------------------------------------------------------------------------- #
# penalty kernels at extreme values
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("q", [0.5, 2 / 3, 0.7, 0.3])
@pytest.mark.parametrize("path", ["prox", "prox_numba"])
def test_lq_prox_homogeneous_at_extremes(q, path):
    """prox_{mu s^(2-q)}(s z) = s prox_mu(z), from 1e-200 to the largest float."""
    z = np.array([3.0, -1.7, 0.4, 2.2])
    reference = getattr(Lq(alpha=0.8, q=q), path)(z, 1.0)
    for s in [1e-150, 1e150]:
        penalty = Lq(alpha=0.8 * s ** (2.0 - q), q=q)
        scaled = getattr(penalty, path)(z * s, 1.0)
        assert np.all(np.isfinite(scaled))
        np.testing.assert_allclose(scaled / s, reference, rtol=1e-12)
    top = getattr(Lq(alpha=1.0, q=q), path)(np.array([1.797e308, 1.0]), 1.0)
    assert np.isfinite(top[0]) and top[0] == pytest.approx(1.797e308, rel=1e-12)


@pytest.mark.parametrize("scale", [1e160, 1e-160])
def test_wgsef_prox_paths_agree_at_extremes(scale):
    penalty = WGSEF(k=1, alpha=1.0, groups=[[0, 1], [2, 3], [4]])
    x = np.array([3.0, 4.0, 1.0, 1.0, 0.5])
    reference = penalty.prox(x, 1.0)
    # pen is homogeneous of degree 2: prox_{step}(s x) = s prox_{step}(x)
    for path in ("prox", "prox_numba"):
        scaled = getattr(penalty, path)(x * scale, 1.0)
        np.testing.assert_allclose(scaled / scale, reference, rtol=1e-12)


def test_group_norms_hypot_scaled():
    group = GroupL2(1.0, groups=[0, 0])
    assert group.value(np.array([3e200, 4e200])) == pytest.approx(5e200, rel=1e-15)
    assert group.value(np.array([3e-200, 4e-200])) == pytest.approx(5e-200, rel=1e-15)
    assert group.alpha_max(np.array([3e200, 4e200])) == pytest.approx(5e200, rel=1e-15)
    np.testing.assert_allclose(
        group.prox_numba(np.array([3e200, 4e200]), 1e200), [2.4e200, 3.2e200], rtol=1e-14
    )
    np.testing.assert_allclose(
        group.prox(np.array([3e200, 4e200]), 1e200), [2.4e200, 3.2e200], rtol=1e-14
    )
    rows = L21(1.0)
    W = np.array([[3e200, 4e200], [0.0, 0.0], [3e-200, 4e-200]])
    assert rows.value(W) == pytest.approx(5e200, rel=1e-15)
    assert rows.alpha_max(W) == pytest.approx(5e200, rel=1e-15)
    np.testing.assert_allclose(rows.prox(W, 1e200)[0], [2.4e200, 3.2e200], rtol=1e-14)
    np.testing.assert_allclose(rows.prox_numba(W, 1e200)[0], [2.4e200, 3.2e200], rtol=1e-14)
    np.testing.assert_allclose(rows.prox(W, 1e-200)[2], [2.4e-200, 3.2e-200], rtol=1e-14)


@pytest.mark.parametrize("sparse", [False, True])
def test_underflowing_columns_refused_not_zeroed(regression, sparse):
    """Entries below ~1e-154 square to 0: such columns would pass for constant ones."""
    import scipy.sparse as sp

    X, y = regression
    reference = Lasso(alpha=0.05, tol=1e-10).fit(X, y).coef_
    fine = Lasso(alpha=0.05 * 1e-150, tol=1e-10).fit(X * 1e-150, y)
    np.testing.assert_allclose(fine.coef_ * 1e-150, reference, rtol=1e-6, atol=1e-9)
    tiny = X * 1e-170
    with pytest.raises(ValueError, match="underflow"):
        Lasso(alpha=0.05 * 1e-170).fit(sp.csr_matrix(tiny) if sparse else tiny, y)


def test_underflowing_y_refused_not_zeroed(regression):
    X, y = regression
    with pytest.raises(ValueError, match="y is too small"):
        Lasso(alpha=0.05 * 1e-170).fit(X, y * 1e-170)
    # a constant y (at any magnitude) is not an underflow: the model is 0
    assert np.all(Lasso(alpha=0.1).fit(X, np.full(30, 1e-200)).coef_ == 0.0)


def test_scad_array_prox_compares_in_float64():
    """alpha = 0: the identity, also for float32 inputs whose squares underflow."""
    from sparsestat.penalties import SCAD

    x = np.array([1.2573022e-31, -3e-25, 2.0], dtype=np.float32)
    np.testing.assert_array_equal(SCAD(0.0).prox(x, 0.001), x)
    np.testing.assert_array_equal(SCAD(0.0).prox_numba(x, 0.001), x)


def test_group_norms_near_the_largest_float():
    """Scaling by a power of two above finfo.max (2**1024) once gave NaN in the kernels."""
    x = np.array([1.7e308, -1e200, 3e200, 4e200])
    group = GroupL2(1.0, groups=[0, 0, 1, 1])
    np.testing.assert_array_equal(group.prox_numba(x, 0.5), group.prox(x, 0.5))
    assert group.value(x) == pytest.approx(1.7e308 + 5e200, rel=1e-15)
    envelope = WGSEF(k=1, alpha=1.0, groups=[0, 0, 1, 1])
    np.testing.assert_allclose(envelope.prox_numba(x, 0.5), envelope.prox(x, 0.5), rtol=1e-12)
    rows = L21(1.0)
    np.testing.assert_array_equal(rows.prox_numba(x.reshape(2, 2), 0.5), x.reshape(2, 2))
