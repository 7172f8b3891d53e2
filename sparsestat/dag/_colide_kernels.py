"""Numba kernel of one stage of Adam on CoLiDE's objective (numpy float64).

Same iteration as :func:`sparsestat.dag._optimizers.adam_stage` — Adam on
``mu·(∇S + alpha·sign W) + ∇h_s`` with the noise scales at their closed form
after every step — compiled as one loop: the gradient, both moment updates
and the step are fused in a single branch-free pass over the matrix (the
per-column ``mu/σ_j`` and the bias corrections are computed once per
iteration), and no Python runs between iterations.  Per iteration the work is
the product ``CW`` (``diag R`` is accumulated in the same row-major pass that
forms ``C(I - W) = C - CW``) and, every ``refresh`` iterations, one LAPACK
inverse of ``sI - W∘W``; both are O(d³), the rest of an iteration O(d²).
``refresh = 1`` is the authors' schedule; ``refresh = 8`` (CoLiDE's
``optimizer="lazy-adam"``) spends the inverse over eight steps.  (Updating the
inverse by Newton–Schulz steps instead would take two to three matrix products
per step, since Adam moves every entry of ``W`` by about the learning rate, so
it is not used.)
"""

from __future__ import annotations

import numpy as np

from .._kernel_copy import copy_matrix
from .._numba import njit

# the reference's M-matrix test: an entry of the inverse below this is negative
_DOMAIN_TOLERANCE = -1e-6


@njit(cache=True, internal=True)
def _in_domain(W, s, M, inverse_transposed):
    """Fill ``inverse_transposed = (sI - W∘W)^{-T}``; False outside the domain.

    The transposed inverse is what the gradient reads (``2 W∘M^{-T}``); it is
    obtained as the inverse of ``Mᵀ``, a Fortran-ordered view that LAPACK
    takes without a copy.  The domain test and the copy are one pass, so on
    False ``inverse_transposed`` is partly overwritten (no caller reads it
    then).  A singular ``M`` raises numpy's LinAlgError; the caller falls back
    to the array-API loop for that stage.
    """
    d = W.shape[0]
    for i in range(d):
        for j in range(d):
            M[i, j] = -W[i, j] * W[i, j]
        M[i, i] += s
    inverse = np.linalg.inv(M.T)
    for i in range(d):
        for j in range(d):
            value = inverse[i, j]
            if value < _DOMAIN_TOLERANCE:
                return False
            inverse_transposed[i, j] = value
    return True


@njit(cache=True, error_model="numpy", internal=True)
def _scales(W, covariance, equal_variance, floor, sigma, covariance_times, residual_diag):
    """Closed-form noise scales at ``W`` into ``sigma``; returns ``tr R``.

    Also fills ``covariance_times = C(I - W) = C - CW`` and ``residual_diag =
    diag R`` (clipped at 0), ``R = (I - W)ᵀ C (I - W)``; both are read row by
    row, so the column sums of ``diag R`` stream through memory.
    """
    d = W.shape[0]
    np.dot(covariance, W, covariance_times)
    residual_diag[:] = 0.0
    for i in range(d):
        for j in range(d):
            value = covariance[i, j] - covariance_times[i, j]
            covariance_times[i, j] = value
            residual_diag[j] -= W[i, j] * value
        residual_diag[i] += covariance_times[i, i]
    total = 0.0
    for j in range(d):
        value = max(residual_diag[j], 0.0)
        residual_diag[j] = value
        sigma[j] = max(np.sqrt(value), floor)
        total += value
    if equal_variance:
        common = max(np.sqrt(total / d), floor)
        for j in range(d):
            sigma[j] = common
    return total


@njit(cache=True, internal=True)
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
        # loops, not array expressions (which cost seconds of first compile);
        # the same sums in the same order as np.sum
        total = 0.0
        for j in range(d):
            total += residual_diag[j] / sigma[j] + sigma[j]
        score = 0.5 * total
    l1_norm = 0.0
    for i in range(d):
        for j in range(d):
            l1_norm += abs(W[i, j])
            M[i, j] = -W[i, j] * W[i, j]
        M[i, i] += s
    sign, logdet = np.linalg.slogdet(M)
    if sign <= 0.0:
        return np.inf
    return mu * (score + alpha * l1_norm) - logdet + d * np.log(s)


@njit(cache=True, error_model="numpy")
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
    refresh,
    patience,
):
    """One stage of Adam on the CoLiDE objective; returns (W, n_iter, success).

    ``refresh = 1`` is the reference schedule: the inverse of ``sI - W∘W``
    (the barrier's gradient, and the domain test) at every iteration.  With
    ``refresh = k > 1`` the inverse is recomputed every ``k`` iterations and
    reused in between, while ``W`` itself (and so ``2 W∘M^{-T}``, the
    scales and the score gradient) is always current.

    Leaving the domain is detected when the inverse is computed: ``W`` goes
    back halfway to the last point that passed the test and the learning rate
    is halved, until the test passes — for ``k = 1`` exactly the reference's
    half step.  With ``k > 1`` the final ``W`` is tested too (and replaced by
    the last point that passed if it fails).  ``W`` is copied.  ``success`` is
    False when the start is outside the domain, or a step leaves it while
    ``s <= 0.9`` (the caller retries with ``s + 0.1`` and half the learning
    rate, as the reference does).

    ``patience = 0`` ends the stage by the reference's rule only (relative
    change between two consecutive checkpoints below ``tol``; the cap) and
    returns the last iterate.  ``patience = p > 0`` (lazy-adam) also ends it
    when ``p`` checkpoints in a row have not lowered the best objective seen
    (the start included) by more than ``tol`` relative, and returns the best
    point: with a fixed learning rate the checkpoint objectives can go up and
    down once Adam stalls, and the best checkpoint is no worse than the last.
    """
    d = W.shape[0]
    W = W.copy()
    checked = W.copy()  # the last iterate that passed the domain test
    M = np.empty((d, d))
    inverse_transposed = np.empty((d, d))
    sigma = np.empty(d)
    covariance_times = np.empty((d, d))
    residual_diag = np.empty(d)
    first = np.zeros((d, d))
    second = np.zeros((d, d))
    mu_over_sigma = np.empty(d)
    previous = 1e16
    lazy = refresh > 1
    # the best point among the start and the checkpoints that pass the domain
    # test (own buffers: the lazy inverse in inverse_transposed is kept)
    best = W.copy()
    best_objective = np.inf
    test_M = np.empty((d, d))
    test_inverse = np.empty((d, d))
    if patience > 0 and _in_domain(W, s, test_M, test_inverse):
        best_objective = _objective(W, covariance, mu, s, alpha, equal_variance, floor, M)
    stalled = 0
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        if (n_iter - 1) % refresh == 0:
            while not _in_domain(W, s, M, inverse_transposed):
                if n_iter == 1 or s <= 0.9:
                    return W, n_iter, False
                learning_rate *= 0.5
                if learning_rate <= 1e-16:
                    return checked, n_iter, True
                for i in range(d):
                    for j in range(d):
                        W[i, j] = checked[i, j] + 0.5 * (W[i, j] - checked[i, j])
                # at the boundary a stale barrier gradient lets W run out of
                # the domain again: the rest of the stage refreshes every step
                refresh = 1
            copy_matrix(checked, W)
        _scales(W, covariance, equal_variance, floor, sigma, covariance_times, residual_diag)
        for j in range(d):
            mu_over_sigma[j] = mu / sigma[j]
        mu_alpha = mu * alpha
        inverse_correction_1 = 1.0 / (1.0 - beta_1**n_iter)
        inverse_correction_2 = 1.0 / (1.0 - beta_2**n_iter)
        for i in range(d):
            for j in range(d):
                # branch-free so that the row vectorises (sign of 0 is 0)
                w = W[i, j]
                sign = np.sign(w)
                gradient = (
                    2.0 * w * inverse_transposed[i, j]
                    - covariance_times[i, j] * mu_over_sigma[j]
                    + mu_alpha * sign
                )
                moment_1 = beta_1 * first[i, j] + (1.0 - beta_1) * gradient
                moment_2 = beta_2 * second[i, j] + (1.0 - beta_2) * gradient * gradient
                first[i, j] = moment_1
                second[i, j] = moment_2
                step = (moment_1 * inverse_correction_1) / (
                    np.sqrt(moment_2 * inverse_correction_2) + 1e-8
                )
                W[i, j] = w - learning_rate * step
        if n_iter % checkpoint == 0 or n_iter == max_iter:
            current = _objective(W, covariance, mu, s, alpha, equal_variance, floor, M)
            if patience > 0:
                improved = current < best_objective - tol * abs(best_objective)
                stalled = 0 if improved else stalled + 1
                if current < best_objective and _in_domain(W, s, test_M, test_inverse):
                    best_objective = current
                    copy_matrix(best, W)
                if stalled >= patience:
                    break
            if abs((previous - current) / previous) <= tol:
                break
            if current > previous:
                # no progress over a checkpoint: the stale inverse may be
                # what keeps the iterates moving, so refresh twice as often
                refresh = max(refresh // 2, 1)
            previous = current
    if lazy and not _in_domain(W, s, M, inverse_transposed):
        W = checked
    if patience > 0 and best_objective < _objective(
        W, covariance, mu, s, alpha, equal_variance, floor, M
    ):
        return best, n_iter, True
    return W, n_iter, True
