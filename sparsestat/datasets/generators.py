"""Simulated data with a known sparse truth."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .._validation import check_integer, check_real

__all__ = ["make_sparse_regression"]


def make_sparse_regression(
    n_samples=100,
    n_features=1000,
    n_informative=10,
    *,
    rho=0.5,
    snr=5.0,
    coef_range=(1.0, 2.0),
    group_size=None,
    return_groups=False,
    random_state=None,
):
    """Linear model ``y = X w + noise`` with a sparse ``w`` and correlated features.

    Rows of ``X`` are Gaussian with the AR(1) (Toeplitz) covariance
    ``Cov(X_j, X_k) = rho^|j − k|``; ``w`` has ``n_informative`` non-zero entries at
    random positions, with random signs and magnitudes drawn uniformly in
    ``coef_range``; the noise is Gaussian with the variance that gives the
    requested signal-to-noise ratio ``Var(X w) / Var(noise) = snr``.

    Parameters
    ----------
    n_samples : int, >= 1
        Number of rows.
    n_features : int, >= 1
        Number of features.
    n_informative : int in [0, n_features]
        Size of the true support.
    rho : float in [0, 1), default=0.5
        Correlation of neighbouring features.
    snr : float > 0, default=5.0
        Signal-to-noise ratio (``np.inf`` is not allowed; use a large value).
    coef_range : (float, float), default=(1.0, 2.0)
        Range of the magnitudes of the non-zero coefficients.
    group_size : int, optional
        Group-sparse truth: the features form contiguous groups of
        ``group_size`` (label ``j // group_size``), ``n_informative`` counts the
        active groups, and every feature of an active group is non-zero.
    return_groups : bool, default=False
        Also return the group label of every feature (requires ``group_size``).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
        The true coefficients (``np.flatnonzero(coef)`` is the true support).
    groups : ndarray of shape (n_features,)
        Only with ``return_groups=True``: ``np.arange(n_features) // group_size``.

    References
    ----------
    .. [1] T. Hastie, R. Tibshirani and R. Tibshirani, "Best subset, forward
       stepwise or lasso? Analysis and recommendations based on extensive
       comparisons", Statist. Sci. 35(4), 579–592, 2020 (the AR(1) design and
       SNR parametrization).

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> X, y, coef = make_sparse_regression(50, 200, 5, random_state=0)
    >>> X.shape, y.shape, int((coef != 0).sum())
    ((50, 200), (50,), 5)
    """
    n_samples = check_integer(n_samples, "n_samples", low=1)
    n_features = check_integer(n_features, "n_features", low=1)
    if group_size is not None:
        group_size = check_integer(group_size, "group_size", low=1, high=n_features)
        n_groups = -(-n_features // group_size)
        n_informative = check_integer(n_informative, "n_informative", low=0, high=n_groups)
    else:
        if return_groups:
            raise ValueError("return_groups=True needs group_size.")
        n_informative = check_integer(n_informative, "n_informative", low=0, high=n_features)
    rho = check_real(rho, "rho", low=0.0, high=1.0, high_inclusive=False)
    snr = check_real(snr, "snr", low=0.0, low_inclusive=False)
    if (
        isinstance(coef_range, (str, bytes))
        or len(np.shape(coef_range)) != 1
        or (np.shape(coef_range)[0] != 2)
    ):
        raise ValueError(f"coef_range must be a pair (low, high), got {coef_range!r}.")
    low = check_real(coef_range[0], "coef_range[0]", low=0.0)
    high = check_real(coef_range[1], "coef_range[1]", low=low)
    rng = check_random_state(random_state)

    X = np.empty((n_samples, n_features))
    X[:, 0] = rng.standard_normal(n_samples)
    innovation_scale = np.sqrt(1.0 - rho**2)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + innovation_scale * rng.standard_normal(n_samples)

    coef = np.zeros(n_features)
    if group_size is None:
        support = rng.choice(n_features, size=n_informative, replace=False)
    else:
        labels = np.arange(n_features) // group_size
        active = rng.choice(labels.max() + 1, size=n_informative, replace=False)
        support = np.flatnonzero(np.isin(labels, active))
    coef[support] = rng.uniform(low, high, size=support.size) * rng.choice(
        [-1.0, 1.0], size=support.size
    )
    signal = X @ coef
    # population variance of the signal: w' Sigma w with Sigma_jk = rho^|j-k|
    idx = np.flatnonzero(coef)
    sigma = rho ** np.abs(idx[:, None] - idx[None, :])
    signal_variance = float(coef[idx] @ sigma @ coef[idx]) if idx.size else 0.0
    noise_scale = np.sqrt(signal_variance / snr) if signal_variance > 0 else 1.0
    y = signal + noise_scale * rng.standard_normal(n_samples)
    if return_groups:
        return X, y, coef, np.arange(n_features) // group_size
    return X, y, coef
