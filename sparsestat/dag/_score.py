r"""CoLiDE's concomitant least-squares scores, with the noise scales profiled out.

With ``C`` the covariance of the centred data and ``A = I - W``, the residual
covariance is ``R(W) = AᵀCA``.  CoLiDE scores a graph jointly with its noise
scales:

- equal variances (EV): ``S(W, σ) = tr(R)/(2σ) + dσ/2``, minimised by
  ``σ = sqrt(tr(R)/d)``, where ``S = sqrt(d·tr R)``;
- non-equal variances (NV): ``S(W, Σ) = ½ Σ_j (R_jj/σ_j + σ_j)``, minimised by
  ``σ_j = sqrt(R_jj)``, where ``S = Σ_j sqrt(R_jj)``.

The scales are floored at a small ``σ_min`` (the concomitant-lasso device of
Ndiaye et al. 2017), which keeps the score differentiable when a node is fitted
exactly.  At the optimal scale the gradient in ``W`` is ``-C A diag(1/σ)``
(envelope theorem), the same expression CoLiDE uses with σ held fixed.
"""

from __future__ import annotations

__all__ = ["noise_scales", "profiled_score"]


def noise_scales(W, covariance, variance, floor, xp):
    """Closed-form noise scales at ``W``; returns ``(σ, R_diag, C A)``."""
    d = W.shape[0]
    residual_map = xp.eye(d, dtype=W.dtype) - W
    covariance_times = covariance @ residual_map
    residual_diag = xp.sum(residual_map * covariance_times, axis=0)
    residual_diag = xp.clip(residual_diag, 0.0, None)
    if variance == "ev":
        sigma = xp.sqrt(xp.sum(residual_diag) / d)
        sigma = xp.maximum(sigma, xp.asarray(floor, dtype=W.dtype))
    else:
        sigma = xp.maximum(xp.sqrt(residual_diag), xp.asarray(floor, dtype=W.dtype))
    return sigma, residual_diag, covariance_times


def profiled_score(W, covariance, variance, floor, xp, *, gradient=True):
    """``min_σ S(W, σ)`` (floored scales) and its gradient in ``W``.

    Returns ``(value, gradient, sigma)``; ``gradient`` is None when not asked.
    """
    d = W.shape[0]
    sigma, residual_diag, covariance_times = noise_scales(W, covariance, variance, floor, xp)
    if variance == "ev":
        value = float(xp.sum(residual_diag)) / (2.0 * float(sigma)) + d * float(sigma) / 2.0
        grad = -covariance_times / sigma if gradient else None
    else:
        value = 0.5 * float(xp.sum(residual_diag / sigma + sigma))
        grad = -covariance_times / sigma[None, :] if gradient else None
    return value, grad, sigma
