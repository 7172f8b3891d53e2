"""Numba kernels of working-set block coordinate descent for the group lasso.

Same datafit conventions as :mod:`sparsestat.solvers._cd_kernels` (raw
residual ``r``, scalar ``vr``, centred gradients through the column means);
the coordinates are groups of features, updated by a proximal step with the
group's own Lipschitz constant ``L_g`` (the largest eigenvalue of the centred
group Gram matrix) and block soft thresholding.

References
----------
.. [1] M. Yuan and Y. Lin, "Model selection and estimation in regression with
   grouped variables", J. R. Stat. Soc. B 68(1), 49–67, 2006.
.. [2] Q. Bertrand and M. Massias, "Anderson acceleration of coordinate descent",
   AISTATS 2021.
"""

import math

import numpy as np

from .._kernel_copy import copy_vector
from .._numba import njit
from ..datafits.quadratic import LAYOUT_SPARSE, KernelDatafit
from ._cd_kernels import (
    _REDUCTION_FLAGS,
    INNER_TOL_RATIO,
    anderson_extrapolate,
    build_working_set,
    col_axpy,
    col_dot,
    columns_of,
    datafit_value,
    full_gradient,
    gather_block,
    initial_residual,
    residual_from,
)
from ._gap import rescaled_residual_gap, residual_dot_target

_POWER_ITERATIONS = 60


@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def group_lipschitz(block, positions, means, V, scale2):
    """Largest eigenvalue of the centred scaled Gram matrix of one group.

    ``positions`` are the group's columns in ``block`` (a ``KernelDesign`` in the
    columns or sparse layout); power iteration on the small (size × size) Gram
    matrix.
    """
    size = positions.shape[0]
    gram = np.empty((size, size))
    is_sparse = block.layout == LAYOUT_SPARSE
    data, indices, indptr = block.data, block.indices, block.indptr
    n = block.X.shape[1] if not is_sparse else 0
    for a in range(size):
        for b in range(a, size):
            total = 0.0
            ja = positions[a]
            jb = positions[b]
            if is_sparse:
                ka = indptr[ja]
                kb = indptr[jb]
                while ka < indptr[ja + 1] and kb < indptr[jb + 1]:
                    if indices[ka] == indices[kb]:
                        total += data[ka] * data[kb]
                        ka += 1
                        kb += 1
                    elif indices[ka] < indices[kb]:
                        ka += 1
                    else:
                        kb += 1
            else:
                for i in range(n):
                    total += block.X[ja, i] * block.X[jb, i]
            value = scale2 * (total - V * means[a] * means[b])
            gram[a, b] = value
            gram[b, a] = value
    if size == 1:
        return max(gram[0, 0], 0.0)
    vector = np.ones(size) / math.sqrt(size)
    image = np.empty(size)
    value = 0.0
    for _ in range(_POWER_ITERATIONS):
        for a in range(size):  # explicit product: no BLAS binding to compile
            total = 0.0
            for b in range(size):
                total += gram[a, b] * vector[b]
            image[a] = total
        norm = math.sqrt((image * image).sum())
        if norm == 0.0:
            return 0.0
        previous = value
        value = norm
        vector = image / norm
        if abs(value - previous) <= 1e-10 * value:
            break
    # the power iteration approaches from below; a slight over-estimate keeps
    # the proximal step a descent step
    return value * (1.0 + 1e-6)


@njit(cache=True, internal=True)
def group_norm_of(vector, start, stop, order):
    total = 0.0
    for pos in range(start, stop):
        value = vector[order[pos]]
        total += value * value
    return math.sqrt(total)


@njit(cache=True, internal=True)
def group_kkt(w, grad, grp_ptr, grp_idx, taus, out):
    """Per-group violation: ``||g_g + tau_g·w_g/||w_g||||`` if ``w_g != 0``,
    else ``max(||g_g|| − tau_g, 0)``; returns the largest."""
    largest = 0.0
    for g in range(grp_ptr.shape[0] - 1):
        start, stop = grp_ptr[g], grp_ptr[g + 1]
        w_norm = group_norm_of(w, start, stop, grp_idx)
        if w_norm > 0.0:
            total = 0.0
            for pos in range(start, stop):
                j = grp_idx[pos]
                value = grad[j] + taus[g] * w[j] / w_norm
                total += value * value
            out[g] = math.sqrt(total)
        else:
            out[g] = max(group_norm_of(grad, start, stop, grp_idx) - taus[g], 0.0)
        if out[g] > largest:
            largest = out[g]
    return largest


@njit(cache=True, internal=True)
def group_lasso_gap(w, grad, r, vr, data, grp_ptr, grp_idx, taus):
    """Duality gap of the group lasso (dual point: the residual rescaled).

    Unpenalized groups (``tau_g = 0``) add ``||g_g||² / (2·sum_{j in g} L_j)``
    (zero exactly when their gradient vanishes), as in the Lasso gap.
    """
    const = 1.0
    penalty = 0.0
    unpenalized = 0.0
    for g in range(grp_ptr.shape[0] - 1):
        start, stop = grp_ptr[g], grp_ptr[g + 1]
        grad_norm = group_norm_of(grad, start, stop, grp_idx)
        if taus[g] > 0.0:
            if grad_norm > taus[g]:
                const = min(const, taus[g] / grad_norm)
            penalty += taus[g] * group_norm_of(w, start, stop, grp_idx)
        else:
            trace = 0.0
            for pos in range(start, stop):
                trace += data.lipschitz[grp_idx[pos]]
            if trace > 0.0:
                unpenalized += grad_norm * grad_norm / (2.0 * trace)
    r_norm2 = 2.0 * datafit_value(r, vr, data.V, data.scale2, data.fit_intercept)
    ry = residual_dot_target(r, vr, data.y, data.vy, data.V, data.scale2, data.fit_intercept)
    return rescaled_residual_gap(r_norm2, ry, penalty, const, 0.0, 0.0) + unpenalized


@njit(cache=True, internal=True)
def group_penalty_value(w, grp_ptr, grp_idx, taus, groups):
    total = 0.0
    for g in groups:
        total += taus[g] * group_norm_of(w, grp_ptr[g], grp_ptr[g + 1], grp_idx)
    return total


@njit(cache=True, internal=True)
def bcd_epoch(block, data, w, local_ptr, group_lip, taus, r, vr, scratch):
    """One pass of proximal block updates over the groups of the block.

    The block holds the working set's columns group after group
    (``local_ptr``); ``w`` and ``data.means`` are indexed like the block's
    columns and ``group_lip``, ``taus`` like its groups.  Returns ``vr``.
    """
    means, scale2, V, fit_intercept = data.means, data.scale2, data.V, data.fit_intercept
    X, values, indices, indptr, is_sparse = columns_of(block)
    for g in range(local_ptr.shape[0] - 1):
        lip = group_lip[g]
        if lip <= 0.0:
            continue
        start, stop = local_ptr[g], local_ptr[g + 1]
        norm = 0.0
        for j in range(start, stop):
            dot = col_dot(X, values, indices, indptr, is_sparse, j, r)
            if fit_intercept:
                dot -= means[j] * vr
            scratch[j] = w[j] + scale2 * dot / lip  # w_j − g_j / L_g
            norm += scratch[j] * scratch[j]
        norm = math.sqrt(norm)
        threshold = taus[g] / lip
        factor = 0.0 if norm <= threshold else 1.0 - threshold / norm
        for j in range(start, stop):
            new = factor * scratch[j]
            delta = new - w[j]
            if delta != 0.0:
                w[j] = new
                col_axpy(X, values, indices, indptr, is_sparse, j, -delta, r)
                if fit_intercept:
                    vr -= delta * means[j] * V
    return vr


@njit(cache=True, internal=True)
def _block_kkt(block, data, w, local_ptr, taus, r, vr, grad):
    means, scale2, fit_intercept = data.means, data.scale2, data.fit_intercept
    X, values, indices, indptr, is_sparse = columns_of(block)
    largest = 0.0
    for g in range(local_ptr.shape[0] - 1):
        start, stop = local_ptr[g], local_ptr[g + 1]
        w_norm = 0.0
        for j in range(start, stop):
            dot = col_dot(X, values, indices, indptr, is_sparse, j, r)
            if fit_intercept:
                dot -= means[j] * vr
            grad[j] = -scale2 * dot
            w_norm += w[j] * w[j]
        w_norm = math.sqrt(w_norm)
        total = 0.0
        if w_norm > 0.0:
            for j in range(start, stop):
                value = grad[j] + taus[g] * w[j] / w_norm
                total += value * value
            violation = math.sqrt(total)
        else:
            for j in range(start, stop):
                total += grad[j] * grad[j]
            violation = max(math.sqrt(total) - taus[g], 0.0)
        largest = max(largest, violation)
    return largest


@njit(cache=True)
def working_set_bcd(
    design, data, grp_ptr, grp_idx, taus, w, max_epochs, tol, ws_start, anderson_k, check_every
):
    """Group lasso by working-set block coordinate descent with Anderson acceleration.

    ``design`` and ``data`` are the problem's (``QuadraticProblem.kernel_arguments``).
    Outer loop on the full design: gradient, group violations, duality gap
    (stop when below ``tol·y_norm2``); the working set is the groups in the
    support plus the most violating ones (at least ``ws_start``, twice the
    support), gathered group after group into a compact block on which proximal
    block epochs run (Anderson extrapolation every ``anderson_k`` epochs, kept
    when it lowers the objective) until the block's violation is below
    ``INNER_TOL_RATIO`` times the outer one.  Group Lipschitz constants are
    computed when a group first enters a working set.

    Returns ``(vr, n_epochs, stop_crit, converged)``; ``w`` is updated in place.
    """
    n_features = w.shape[0]
    n_groups = grp_ptr.shape[0] - 1
    y = data.y
    r = np.empty_like(y)
    vr = initial_residual(design, data, w, r)
    grad = np.zeros(n_features)
    kkt = np.zeros(n_groups)
    group_lip_all = np.full(n_groups, -1.0)
    r_candidate = np.empty_like(y)
    threshold = tol * data.y_norm2
    n_epochs = 0
    stop_crit = math.inf
    converged = False
    while True:
        full_gradient(design, data, r, vr, grad)
        largest = group_kkt(w, grad, grp_ptr, grp_idx, taus, kkt)
        stop_crit = group_lasso_gap(w, grad, r, vr, data, grp_ptr, grp_idx, taus)
        if stop_crit <= threshold:
            converged = True
            break
        if n_epochs >= max_epochs:
            break
        # ---- working set of groups: the rule of every working-set solver
        norms = np.empty(n_groups)
        for g in range(n_groups):
            norms[g] = group_norm_of(w, grp_ptr[g], grp_ptr[g + 1], grp_idx)
        ws_groups = build_working_set(norms, kkt, ws_start)
        # ---- gather the block, group after group
        local_ptr = np.empty(ws_groups.shape[0] + 1, dtype=np.int64)
        local_ptr[0] = 0
        for k in range(ws_groups.shape[0]):
            g = ws_groups[k]
            local_ptr[k + 1] = local_ptr[k] + grp_ptr[g + 1] - grp_ptr[g]
        columns = np.empty(local_ptr[-1], dtype=np.int64)
        for k in range(ws_groups.shape[0]):
            g = ws_groups[k]
            for offset in range(grp_ptr[g + 1] - grp_ptr[g]):
                columns[local_ptr[k] + offset] = grp_idx[grp_ptr[g] + offset]
        block = gather_block(design, columns)
        m = columns.shape[0]
        w_local = np.empty(m)
        means_local = np.empty(m)
        for c in range(m):
            w_local[c] = w[columns[c]]
            means_local[c] = data.means[columns[c]]
        data_local = KernelDatafit(
            y,
            data.V,
            data.scale2,
            means_local,
            data.lipschitz,  # not read on the block (groups have their own constants)
            data.fit_intercept,
            data.vy,
            data.y_norm2,
        )
        n_local = ws_groups.shape[0]
        group_lip = np.empty(n_local)
        taus_local = np.empty(n_local)
        for k in range(n_local):
            g = ws_groups[k]
            taus_local[k] = taus[g]
            if group_lip_all[g] < 0.0:
                positions = np.arange(local_ptr[k], local_ptr[k + 1])
                group_lip_all[g] = group_lipschitz(
                    block,
                    positions,
                    means_local[local_ptr[k] : local_ptr[k + 1]],
                    data.V,
                    data.scale2,
                )
            group_lip[k] = group_lip_all[g]
        # ---- inner loop
        scratch = np.empty(m)
        grad_local = np.empty(m)
        iterates = np.zeros((anderson_k + 1, m))
        candidate = np.empty(m)
        all_local = np.arange(m)
        all_groups_local = np.arange(n_local)
        inner_tol = INNER_TOL_RATIO * largest
        V, scale2, fit_intercept = data.V, data.scale2, data.fit_intercept
        for epoch in range(max_epochs - n_epochs):
            vr = bcd_epoch(
                block, data_local, w_local, local_ptr, group_lip, taus_local, r, vr, scratch
            )
            n_epochs += 1
            if anderson_k > 0 and anderson_extrapolate(iterates, epoch, w_local, candidate):
                vr_candidate = residual_from(block, data_local, candidate, all_local, r_candidate)
                value_candidate = datafit_value(
                    r_candidate, vr_candidate, V, scale2, fit_intercept
                ) + group_penalty_value(
                    candidate, local_ptr, all_local, taus_local, all_groups_local
                )
                value_current = datafit_value(
                    r, vr, V, scale2, fit_intercept
                ) + group_penalty_value(
                    w_local, local_ptr, all_local, taus_local, all_groups_local
                )
                if value_candidate < value_current:
                    copy_vector(w_local, candidate)
                    copy_vector(r, r_candidate)
                    vr = vr_candidate
            if n_epochs >= max_epochs:
                break
            if epoch % check_every == 0:
                inner = _block_kkt(
                    block, data_local, w_local, local_ptr, taus_local, r, vr, grad_local
                )
                if inner <= inner_tol:
                    break
        for c in range(m):
            w[columns[c]] = w_local[c]
    return vr, n_epochs, stop_crit, converged
