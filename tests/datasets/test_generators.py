"""Simulated data: shapes, the planted truth, the signal-to-noise ratio, errors."""

import numpy as np
import pytest

from sparsestat.datasets import make_sparse_regression


def test_shapes_support_and_reproducibility():
    X, y, coef = make_sparse_regression(40, 100, 7, random_state=3)
    assert X.shape == (40, 100) and y.shape == (40,) and coef.shape == (100,)
    assert np.count_nonzero(coef) == 7
    assert np.all((np.abs(coef[coef != 0]) >= 1.0) & (np.abs(coef[coef != 0]) <= 2.0))
    X2, y2, coef2 = make_sparse_regression(40, 100, 7, random_state=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(coef, coef2)


def test_ar1_correlation_and_snr():
    X, y, coef = make_sparse_regression(20_000, 6, 3, rho=0.6, snr=4.0, random_state=0)
    correlation = np.corrcoef(X, rowvar=False)
    np.testing.assert_allclose(np.diag(correlation, 1), 0.6, atol=0.02)
    np.testing.assert_allclose(np.diag(correlation, 2), 0.36, atol=0.02)
    signal = X @ coef
    assert np.var(signal) / np.var(y - signal) == pytest.approx(4.0, rel=0.05)


def test_grouped_truth():
    X, y, coef, groups = make_sparse_regression(
        30, 23, 2, group_size=5, return_groups=True, random_state=1
    )
    np.testing.assert_array_equal(groups, np.arange(23) // 5)
    active = np.unique(groups[coef != 0])
    assert active.size == 2
    for g in active:  # every feature of an active group is non-zero
        assert np.all(coef[groups == g] != 0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(n_informative=200), "n_informative"),
        (dict(rho=1.0), "rho"),
        (dict(snr=0.0), "snr"),
        (dict(group_size=5, n_informative=300), "n_informative"),
        (dict(return_groups=True), "group_size"),
    ],
)
def test_bad_parameters(kwargs, match):
    params = dict(n_samples=10, n_features=100, n_informative=5)
    params.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        make_sparse_regression(**params)
