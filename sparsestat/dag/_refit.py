r"""Least squares on a fixed DAG, Gaussian log-likelihoods and information criteria.

For centred data with covariance ``C = XᵀX/n`` and a DAG with parent sets
``pa(j)``, the Gaussian linear SEM's maximum-likelihood weights are the
least-squares regressions of each node on its parents,
``w_pa(j) = C_pa,pa⁻¹ C_pa,j`` (a pseudo-inverse when ``C_pa,pa`` is
singular), whatever the noise model: the likelihood factorises over nodes.
The residual variances ``r_j = R_jj``, ``R = (I-W)ᵀC(I-W)``, give the noise
variances: ``σ_j² = r_j`` with one variance per node (NV), ``σ² = mean_j r_j``
with a shared one (EV).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln

__all__ = [
    "refit_dag",
    "residual_variances",
    "noise_variances",
    "gaussian_log_likelihood",
    "information_criterion",
]


def refit_dag(covariance, edges):
    """Least-squares weights of each node on its parents in ``edges`` (boolean d x d)."""
    covariance = np.asarray(covariance, dtype=np.float64)
    edges = np.asarray(edges, dtype=bool)
    d = covariance.shape[0]
    weights = np.zeros((d, d))
    for j in range(d):
        parents = np.flatnonzero(edges[:, j])
        if parents.size == 0:
            continue
        solution = np.linalg.lstsq(
            covariance[np.ix_(parents, parents)], covariance[parents, j], rcond=None
        )[0]
        weights[parents, j] = solution
    return weights


def residual_variances(covariance, weights):
    """``diag((I-W)ᵀC(I-W))``, clipped at zero."""
    residual_map = np.eye(weights.shape[0]) - weights
    return np.clip(np.sum(residual_map * (covariance @ residual_map), axis=0), 0.0, None)


def noise_variances(residual, variance, floor=0.0):
    """Maximum-likelihood noise variances from the residual variances (per node or shared)."""
    residual = np.maximum(np.asarray(residual, dtype=np.float64), floor)
    if variance == "ev":
        return np.full(residual.shape, max(float(np.mean(residual)), floor))
    return residual


def gaussian_log_likelihood(covariance, n_samples, weights, variances):
    """Gaussian log-likelihood of ``n_samples`` rows with second moments ``covariance``.

    ``covariance`` is ``XᵀX/n`` of the rows centred at the model's mean (for
    held-out rows: the training mean), so the value is
    ``-n/2 Σ_j [log(2π σ_j²) + R_jj/σ_j²]``.
    """
    residual = residual_variances(covariance, weights)
    return (
        -0.5 * n_samples * float(np.sum(np.log(2.0 * math.pi * variances) + residual / variances))
    )


def information_criterion(
    covariance, n_samples, edges, weights, variances, variance, criterion, gamma=0.5
):
    """BIC (``-2 log L + k log n``) or extended BIC of a refitted DAG (lower is better).

    ``k`` counts the edges and the noise variances (``d`` for NV, one for EV).
    The extended BIC of Chen and Chen (2008), applied to each node's
    regression on the ``d - 1`` other nodes, adds
    ``2γ Σ_j log binom(d - 1, |pa(j)|)``.
    """
    d = weights.shape[0]
    parents = np.sum(np.asarray(edges, dtype=bool), axis=0)
    n_params = int(parents.sum()) + (1 if variance == "ev" else d)
    value = -2.0 * gaussian_log_likelihood(covariance, n_samples, weights, variances)
    value += n_params * math.log(n_samples)
    if criterion == "ebic":
        log_binomial = gammaln(d) - gammaln(parents + 1.0) - gammaln(d - parents)
        value += 2.0 * gamma * float(np.sum(log_binomial))
    return value
