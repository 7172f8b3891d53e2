"""Numba kernels of block coordinate descent over feature rows (multitask).

The coefficient matrix ``W`` has one row per feature and one column per task;
a row is updated at once by a proximal step on the penalty of its Euclidean
norm: block soft thresholding for the ℓ2,1 norm, and for the nonconvex row
penalties (block MCP, block SCAD) the scalar prox of the penalty applied to the
row norm, ``W_j ← prox(||z||)/||z|| · z``, which is the exact prox of
``pen(||W_j||)`` (it is rotation invariant).  The inner solve runs on the
working set's columns, gathered into a compact block (see ``_cd_kernels``);
the residual ``R`` is (n_samples, n_tasks), C-ordered.

References
----------
.. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection and
   joint subspace selection for multiple classification problems", Stat.
   Comput. 20, 231–252, 2010.
.. [2] Q. Bertrand and M. Massias, "Anderson acceleration of coordinate descent",
   AISTATS 2021.
"""

import math

import numpy as np

from .._kernel_copy import copy_matrix, copy_vector
from .._numba import njit
from ..penalties._kernels import (
    _derivative_abs,
    _slope_at_zero,
    prox_1d,
    uses_fixed_point,
    value_1d,
)
from ._cd_kernels import _REDUCTION_FLAGS, anderson_extrapolate, columns_of
from ._gap import rescaled_residual_gap


@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def row_correlation(X, data, indices, indptr, is_sparse, j, R, out):
    """``out[t] = X_jᵀ R[:, t]`` for column ``j`` of the block (``columns_of`` a block)."""
    out[:] = 0.0
    n_tasks = R.shape[1]
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            x = data[k]
            for t in range(n_tasks):
                out[t] += x * R[i, t]
    else:
        for i in range(X.shape[1]):
            x = X[j, i]
            for t in range(n_tasks):
                out[t] += x * R[i, t]


@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def row_update(X, data, indices, indptr, is_sparse, j, delta, R):
    """``R −= X_j δᵀ`` in place."""
    n_tasks = R.shape[1]
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            x = data[k]
            for t in range(n_tasks):
                R[i, t] -= x * delta[t]
    else:
        for i in range(X.shape[1]):
            x = X[j, i]
            for t in range(n_tasks):
                R[i, t] -= x * delta[t]


@njit(cache=True, internal=True)
def row_violation(w_row, g_row, lipschitz, code, params):
    """Optimality violation of one row (same conventions as the scalar solvers).

    ``||g + pen'(||w||)·w/||w||||`` for a non-zero row, ``max(||g|| − s, 0)`` for a
    zero row (``s`` the slope at 0); for L0 and Lq the fixed-point residual of
    the exact row update, in gradient units.
    """
    n_tasks = w_row.shape[0]
    w_norm = math.sqrt((w_row * w_row).sum())
    g_norm = math.sqrt((g_row * g_row).sum())
    if uses_fixed_point(params):
        z = w_row - g_row / lipschitz
        z_norm = math.sqrt((z * z).sum())
        new_norm = abs(prox_1d(z_norm, 1.0 / lipschitz, code, params, 1.0))
        total = 0.0
        for t in range(n_tasks):
            moved = z[t] * new_norm / z_norm if z_norm > 0.0 else 0.0
            total += (w_row[t] - moved) ** 2
        return lipschitz * math.sqrt(total)
    if w_norm == 0.0:
        return max(g_norm - _slope_at_zero(code, params, 1.0), 0.0)
    slope = _derivative_abs(w_norm, code, params, 1.0)
    total = 0.0
    for t in range(n_tasks):
        value = g_row[t] + slope * w_row[t] / w_norm
        total += value * value
    return math.sqrt(total)


@njit(cache=True)
def rows_violation(W, G, lipschitz, code, params, out):
    """:func:`row_violation` of every row (0 for constant columns); returns the max."""
    largest = 0.0
    for j in range(W.shape[0]):
        out[j] = (
            0.0 if lipschitz[j] == 0.0 else row_violation(W[j], G[j], lipschitz[j], code, params)
        )
        largest = max(largest, out[j])
    return largest


@njit(cache=True, internal=True)
def rows_value(W, code, params):
    total = 0.0
    for j in range(W.shape[0]):
        norm = math.sqrt((W[j] * W[j]).sum())
        if norm > 0.0:
            total += value_1d(norm, code, params, 1.0)
    return total


@njit(cache=True, fastmath=_REDUCTION_FLAGS)
def residual_value(R, vr, V, scale2, fit_intercept):
    total = 0.0
    for i in range(R.shape[0]):
        for t in range(R.shape[1]):
            total += R[i, t] * R[i, t]
    if fit_intercept:
        for t in range(R.shape[1]):
            total -= vr[t] * vr[t] / V
    return 0.5 * scale2 * total


@njit(cache=True, internal=True)
def block_residual(block, Y, fit_intercept, W, R, vr):
    """``R = Ŷ − X_block W`` and ``vr = rhoᵀ R`` in place."""
    X, values, indices, indptr, is_sparse = columns_of(block)
    copy_matrix(R, Y)
    for j in range(W.shape[0]):
        if np.any(W[j] != 0.0):
            row_update(X, values, indices, indptr, is_sparse, j, W[j], R)
    vr[:] = 0.0
    rho = block.rho
    if fit_intercept:
        for i in range(R.shape[0]):
            for t in range(R.shape[1]):
                vr[t] += rho[i] * R[i, t]


@njit(cache=True)
def multitask_inner_solve(
    block,
    Y,
    V,
    scale2,
    means,
    lipschitz,
    fit_intercept,
    W,
    R,
    vr,
    code,
    params,
    max_epochs,
    inner_tol,
    anderson_k,
    check_every,
):
    """Row-wise proximal BCD on the block, Anderson every ``anderson_k`` epochs.

    ``block`` is a ``KernelDesign`` (``_cd_kernels.gather_block``); ``W``
    (m, n_tasks), ``means`` and ``lipschitz`` are the block's; ``R`` and ``vr``
    are the global residual and its intercept sums, updated in place.  Returns
    the number of epochs.
    """
    m, n_tasks = W.shape
    X, values, indices, indptr, is_sparse = columns_of(block)
    correlation = np.empty(n_tasks)
    gradient = np.empty(n_tasks)
    z = np.empty(n_tasks)
    delta = np.empty(n_tasks)
    iterates = np.zeros((anderson_k + 1, m * n_tasks))
    flat = np.empty(m * n_tasks)
    R_candidate = np.empty_like(R)
    vr_candidate = np.empty_like(vr)
    n_epochs = 0
    for epoch in range(max_epochs):
        for j in range(m):
            lip = lipschitz[j]
            if lip == 0.0:
                continue
            row_correlation(X, values, indices, indptr, is_sparse, j, R, correlation)
            norm = 0.0
            for t in range(n_tasks):
                value = correlation[t] - (means[j] * vr[t] if fit_intercept else 0.0)
                z[t] = W[j, t] + scale2 * value / lip
                norm += z[t] * z[t]
            norm = math.sqrt(norm)
            new_norm = abs(prox_1d(norm, 1.0 / lip, code, params, 1.0)) if norm > 0.0 else 0.0
            factor = new_norm / norm if norm > 0.0 else 0.0
            changed = False
            for t in range(n_tasks):
                delta[t] = factor * z[t] - W[j, t]
                if delta[t] != 0.0:
                    changed = True
            if changed:
                row_update(X, values, indices, indptr, is_sparse, j, delta, R)
                for t in range(n_tasks):
                    W[j, t] += delta[t]
                    if fit_intercept:
                        vr[t] -= delta[t] * means[j] * V
        n_epochs += 1
        if anderson_k > 0 and anderson_extrapolate(iterates, epoch, W.ravel(), flat):
            candidate = flat.reshape((m, n_tasks))
            block_residual(block, Y, fit_intercept, candidate, R_candidate, vr_candidate)
            new_value = residual_value(
                R_candidate, vr_candidate, V, scale2, fit_intercept
            ) + rows_value(candidate, code, params)
            old_value = residual_value(R, vr, V, scale2, fit_intercept) + rows_value(
                W, code, params
            )
            if new_value < old_value:
                copy_matrix(W, candidate)
                copy_matrix(R, R_candidate)
                copy_vector(vr, vr_candidate)
        if epoch % check_every == 0:
            largest = 0.0
            for j in range(m):
                if lipschitz[j] == 0.0:
                    continue
                row_correlation(X, values, indices, indptr, is_sparse, j, R, correlation)
                for t in range(n_tasks):
                    value = correlation[t] - (means[j] * vr[t] if fit_intercept else 0.0)
                    gradient[t] = -scale2 * value
                largest = max(largest, row_violation(W[j], gradient, lipschitz[j], code, params))
            if largest <= inner_tol:
                break
    return n_epochs


@njit(cache=True)
def gram_multitask_bcd(Q, q, y_norm2, code, params, W, max_epochs, tol, use_gap):
    """Row-wise BCD on ``½ tr(WᵀQW) − ⟨q, W⟩ + ½ y_norm2 + Σ_j pen(||W_j||)``.

    ``Q`` (p × p) and ``q`` (p × n_tasks) are the centred scaled moments
    (sufficient statistics); the gradient ``G = QW − q`` is maintained, so a
    row update costs O(p·n_tasks) whatever the number of samples.  Stops on the
    duality gap of the ℓ2,1 problem (``use_gap``; ``tol`` absolute) or on the
    largest row violation.  Returns ``(n_epochs, stop_crit, converged)``.
    """
    p, n_tasks = W.shape
    G = Q @ W - q
    z = np.empty(n_tasks)
    alpha = params[0]
    stop_crit = math.inf
    converged = False
    n_epochs = 0
    for epoch in range(max_epochs + 1):
        largest = 0.0
        largest_gradient = 0.0
        for j in range(p):
            if Q[j, j] == 0.0:
                continue
            largest = max(largest, row_violation(W[j], G[j], Q[j, j], code, params))
            largest_gradient = max(largest_gradient, math.sqrt((G[j] * G[j]).sum()))
        if use_gap:
            qw = (q * W).sum()
            ry = y_norm2 - qw  # centred ⟨Y, R⟩ in the datafit's scaling
            r_norm2 = max(y_norm2 - qw + (W * G).sum(), 0.0)  # ||R||² = b − 2⟨q,W⟩ + ⟨W,QW⟩
            if largest_gradient > 0.0 and alpha > 0.0:
                const = min(1.0, alpha / largest_gradient)
            else:
                const = 1.0
            stop_crit = rescaled_residual_gap(
                r_norm2, ry, rows_value(W, code, params), const, 0.0, 0.0
            )
        else:
            stop_crit = largest
        if stop_crit <= tol:
            converged = True
            break
        if epoch == max_epochs:
            break
        for j in range(p):
            lip = Q[j, j]
            if lip == 0.0:
                continue
            norm = 0.0
            for t in range(n_tasks):
                z[t] = W[j, t] - G[j, t] / lip
                norm += z[t] * z[t]
            norm = math.sqrt(norm)
            new_norm = abs(prox_1d(norm, 1.0 / lip, code, params, 1.0)) if norm > 0.0 else 0.0
            factor = new_norm / norm if norm > 0.0 else 0.0
            for t in range(n_tasks):
                delta = factor * z[t] - W[j, t]
                if delta != 0.0:
                    W[j, t] += delta
                    for k in range(p):  # Q is symmetric: row j is contiguous
                        G[k, t] += delta * Q[j, k]
        n_epochs += 1
    return n_epochs, stop_crit, converged
