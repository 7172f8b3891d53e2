"""Numba kernel of one stage of CoLiDE's reference Adam schedule (numpy float64).

Same iteration as :func:`sparsestat.dag._optimizers.adam_stage` — Adam on
``mu·(∇S + alpha·sign W) + ∇h_s`` with the noise scales at their closed form
after every step — compiled as one loop: the gradient, both moment updates
and the step are fused in a single pass over the matrix, and no Python runs
between iterations.  Per iteration the work is one LAPACK inverse of
``sI - W∘W`` and one product ``C(I - W)``.  (Updating the inverse by
Newton–Schulz steps instead was measured: Adam moves every entry of ``W`` by
about the learning rate, so two to three steps are needed, as costly as the
LAPACK inverse at d = 100.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

# the reference's M-matrix test: an entry of the inverse below this is negative
_DOMAIN_TOLERANCE = -1e-6


@njit(cache=True)
def _in_domain(W, s, M):
    """``(sI - W∘W)^{-T}`` (``M`` filled in place), or None outside the domain.

    The transposed inverse is what the gradient reads (``2 W∘M^{-T}``); it is
    obtained as the inverse of ``Mᵀ``, a Fortran-ordered view that LAPACK
    takes without a copy.  A singular ``M`` raises numpy's LinAlgError; the
    caller falls back to the array-API loop for that stage.
    """
    d = W.shape[0]
    for i in range(d):
        for j in range(d):
            M[i, j] = -W[i, j] * W[i, j]
        M[i, i] += s
    inverse_transposed = np.linalg.inv(M.T)
    if np.min(inverse_transposed) < _DOMAIN_TOLERANCE:
        return None
    return inverse_transposed


@njit(cache=True)
def _scales(W, covariance, equal_variance, floor, sigma, covariance_times, residual_diag):
    """Closed-form noise scales at ``W`` into ``sigma``; returns ``tr R``.

    Also fills ``covariance_times = C(I - W)`` and ``residual_diag = diag R``
    (clipped at 0), ``R = (I - W)ᵀ C (I - W)``.
    """
    d = W.shape[0]
    residual_map = -W.copy()
    for i in range(d):
        residual_map[i, i] += 1.0
    covariance_times[:, :] = covariance @ residual_map
    total = 0.0
    for j in range(d):
        value = 0.0
        for i in range(d):
            value += residual_map[i, j] * covariance_times[i, j]
        value = max(value, 0.0)
        residual_diag[j] = value
        sigma[j] = max(np.sqrt(value), floor)
        total += value
    if equal_variance:
        common = max(np.sqrt(total / d), floor)
        for j in range(d):
            sigma[j] = common
    return total


@njit(cache=True)
def _objective(W, covariance, mu, s, alpha, equal_variance, floor, M):
    """Stage objective with the scales profiled out (inf outside the domain)."""
    d = W.shape[0]
    sigma = np.empty(d)
    covariance_times = np.empty((d, d))
    residual_diag = np.empty(d)
    residual = _scales(
        W, covariance, equal_variance, floor, sigma, covariance_times, residual_diag
    )
    if equal_variance:
        score = residual / (2.0 * sigma[0]) + d * sigma[0] / 2.0
    else:
        score = 0.5 * np.sum(residual_diag / sigma + sigma)
    for i in range(d):
        for j in range(d):
            M[i, j] = -W[i, j] * W[i, j]
        M[i, i] += s
    sign, logdet = np.linalg.slogdet(M)
    if sign <= 0.0:
        return np.inf
    return mu * (score + alpha * np.sum(np.abs(W))) - logdet + d * np.log(s)


@njit(cache=True)
def adam_stage_kernel(
    W,
    covariance,
    mu,
    s,
    alpha,
    equal_variance,
    floor,
    max_iter,
    tol,
    learning_rate,
    checkpoint,
    beta_1,
    beta_2,
):
    """One stage of the reference Adam schedule; returns (W, n_iter, success).

    ``W`` is copied.  ``success`` is False when the start is outside the
    domain, or a step leaves it while ``s <= 0.9`` (the caller retries with
    ``s + 0.1`` and half the learning rate, as the reference does).
    """
    d = W.shape[0]
    W = W.copy()
    M = np.empty((d, d))
    sigma = np.empty(d)
    covariance_times = np.empty((d, d))
    residual_diag = np.empty(d)
    first = np.zeros((d, d))
    second = np.zeros((d, d))
    direction = np.zeros((d, d))
    previous = 1e16
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        inverse_transposed = _in_domain(W, s, M)
        while inverse_transposed is None:
            if n_iter == 1 or s <= 0.9:
                return W, n_iter, False
            W += learning_rate * direction
            learning_rate *= 0.5
            if learning_rate <= 1e-16:
                return W, n_iter, True
            W -= learning_rate * direction
            inverse_transposed = _in_domain(W, s, M)
        _scales(W, covariance, equal_variance, floor, sigma, covariance_times, residual_diag)
        correction_1 = 1.0 - beta_1**n_iter
        correction_2 = 1.0 - beta_2**n_iter
        for i in range(d):
            for j in range(d):
                w = W[i, j]
                sign = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
                gradient = (
                    -mu * covariance_times[i, j] / sigma[j]
                    + mu * alpha * sign
                    + 2.0 * w * inverse_transposed[i, j]
                )
                first[i, j] = beta_1 * first[i, j] + (1.0 - beta_1) * gradient
                second[i, j] = beta_2 * second[i, j] + (1.0 - beta_2) * gradient * gradient
                direction[i, j] = (first[i, j] / correction_1) / (
                    np.sqrt(second[i, j] / correction_2) + 1e-8
                )
                W[i, j] = w - learning_rate * direction[i, j]
        if n_iter % checkpoint == 0 or n_iter == max_iter:
            current = _objective(W, covariance, mu, s, alpha, equal_variance, floor, M)
            if abs((previous - current) / previous) <= tol:
                break
            previous = current
    return W, n_iter, True
