"""Numba kernel of sparse coding: batched coordinate descent on the Gram matrix.

For each signal ``x`` (a row), the code ``r`` minimises
``½||x − r D||² + pen(r) = ½ rᵀGr − cᵀr + ½||x||² + pen(r)`` with ``G = D Dᵀ``
and ``c = D x``: exact coordinate minimisation keeps the gradient
``G r − c`` up to date at O(n_components) per changed coordinate, so a signal
with a sparse code costs little per pass.  ``nogil=True`` lets a thread pool
encode chunks of signals in parallel (``parallel=True`` cannot be cached).
"""

import math

import numpy as np

from .._numba import njit
from ..penalties._kernels import (
    P_ALPHA,
    P_POSITIVE,
    coordinate_violation,
    entry_alpha,
    prox_1d,
    uses_fixed_point,
    zero_threshold_1d,
)

_MAX_CLASSES = 64  # distinct (curvature, weight) pairs looked for; beyond, no sharing
_UPDATE_BLOCK = 256  # proximal_gradient_codes(by_atom=True): signals updated together


@njit(cache=True, nogil=True, internal=True)
def _coordinate_classes(G, coord_weights, first):
    """``first[j]``: the first coordinate with the curvature ``G_jj`` and weight of j.

    Normalised atoms have a handful of distinct ``G_jj`` (rounding of 1), so
    the per-coordinate thresholds are a handful of distinct numbers.  At most
    ``_MAX_CLASSES`` classes are looked for; a coordinate outside them is its
    own (``first[j] = j``).
    """
    representatives = np.empty(_MAX_CLASSES, dtype=np.int64)
    n_classes = 0
    for j in range(G.shape[0]):
        first[j] = j
        for c in range(n_classes):
            i = representatives[c]
            if G[i, i] == G[j, j] and coord_weights[i] == coord_weights[j]:
                first[j] = i
                break
        if first[j] == j and n_classes < _MAX_CLASSES:
            representatives[n_classes] = j
            n_classes += 1


@njit(cache=True, nogil=True, internal=True)
def _dead_zones(G, code, params, coord_weights, first, out):
    """Zero thresholds of the prox at each coordinate's CD step ``1 / G_jj``.

    Computed once per class of :func:`_coordinate_classes` (the same inputs
    give the same value) and copied to the others: the threshold formula,
    powers for ℓq, runs a handful of times per continuation stage instead of
    once per atom.
    """
    for j in range(G.shape[0]):
        if first[j] < j:
            out[j] = out[first[j]]
            continue
        curvature = G[j, j]
        out[j] = (
            zero_threshold_1d(1.0 / curvature, code, params, coord_weights[j])
            if curvature > 0.0
            else 0.0
        )


@njit(cache=True, nogil=True, internal=True)
def _uniform_coordinates(G, coord_weights):
    """True when the curvatures ``G_jj`` are positive and, like the weights,
    equal to a relative 1e-12 (unit-norm atoms are, up to rounding)."""
    low = math.inf
    high = 0.0
    low_weight = math.inf
    high_weight = 0.0
    for j in range(G.shape[0]):
        low = min(low, G[j, j])
        high = max(high, G[j, j])
        low_weight = min(low_weight, coord_weights[j])
        high_weight = max(high_weight, coord_weights[j])
    return low > 0.0 and high <= low * _SPREAD and 0.0 < high_weight <= low_weight * _SPREAD


# An entry alpha is ``|z|^e·G^p`` up to constants, with ``e`` in [1, 2] and
# ``|p| <= 1.5`` (|z|, z², |z|^(2-q), the CEL0 and MCP regimes, the log-sum's
# bisection), ``z = c_j / G_jj``.  With curvatures and weights equal to 1e-12,
# a point 1e-9 below the largest, relatively, has an entry alpha smaller by far
# more than rounding: only the points near the largest can hold the maximum.
_SPREAD = 1.0 + 1e-12
_NEAR_LARGEST = 1.0 - 1e-9


@njit(cache=True, nogil=True, internal=True)
def _start_alpha(G, C, s, code, params, coord_weights, uniform):
    """``max_j entry_alpha(c_j / G_jj)``: the smallest ``alpha`` with an all-zero code.

    With ``uniform`` coordinates (unit-norm atoms, uniform weights) only the
    points within a relative 1e-9 of the largest ``|c_j| / G_jj`` (of the
    largest positive one for non-negative codes) are evaluated: the same
    maximum, bit for bit, at a few evaluations of the penalty's formula (powers
    for ℓq) instead of one per atom.
    """
    k = C.shape[1]
    alpha_start = 0.0
    positive = params[P_POSITIVE] != 0.0
    largest = 0.0
    if uniform:
        for j in range(k):
            z = C[s, j] / G[j, j]
            largest = max(largest, z if positive else abs(z))
    cutoff = largest * _NEAR_LARGEST
    for j in range(k):
        curvature = G[j, j]
        if curvature <= 0.0:
            continue
        z = C[s, j] / curvature
        if uniform and (z if positive else abs(z)) < cutoff:
            continue
        alpha_start = max(
            alpha_start, entry_alpha(z, 1.0 / curvature, code, params, coord_weights[j])
        )
    return alpha_start


@njit(cache=True, nogil=True, internal=True)
def _cd_passes(G, C, R, grad, s, code, params, coord_weights, dead_zone, max_passes, tol):
    """Exact CD passes on signal ``s`` until the relative change is at most ``tol``.

    ``dead_zone[j]`` is the prox's zero threshold at coordinate j's step: a
    zero coordinate whose point stays inside it is skipped without a prox.
    Returns ``(passes, done)``.
    """
    k = C.shape[1]
    positive = params[P_POSITIVE] != 0.0
    passes = 0
    for _ in range(max_passes):
        passes += 1
        largest_change = 0.0
        largest_value = 0.0
        for j in range(k):
            curvature = G[j, j]
            if curvature <= 0.0:
                continue
            old = R[s, j]
            point = old - grad[j] / curvature
            if old == 0.0 and (abs(point) <= dead_zone[j] or (positive and point <= 0.0)):
                continue
            new = prox_1d(point, 1.0 / curvature, code, params, coord_weights[j])
            if new != old:
                delta = new - old
                R[s, j] = new
                for m in range(k):  # G is symmetric: row j is contiguous
                    grad[m] += delta * G[j, m]
                largest_change = max(largest_change, abs(delta))
            largest_value = max(largest_value, abs(R[s, j]))
        if largest_change <= tol * largest_value:
            return passes, True
    return passes, False


@njit(cache=True, nogil=True)
def gram_cd_codes(
    G, C, R, code, params, coord_weights, max_iter, tol, continuation, n_iter, converged
):
    """Encode the rows of ``C`` (= X Dᵀ) in place in ``R`` (warm start).

    Each signal stops when its largest coordinate change in a pass is at most
    ``tol`` times its largest coefficient (or when every coordinate is 0 and no
    pass changes it), after at most ``max_iter`` passes.  ``n_iter`` and
    ``converged`` receive the per-signal passes and status.

    With ``continuation > 1`` a signal whose code starts at zero is first
    solved for ``alpha_0 / continuation^t`` (t = 1, 2, ...), from the
    ``alpha_0`` at which its code is all zeros down to ``alpha``, each stage
    warm-starting the next (stages stop at a relative change of
    ``max(tol, 1e-3)``; every pass counts towards ``max_iter``).  For a
    nonconvex penalty, plain coordinate descent from zero admits every atom
    whose correlation passes the threshold in index order and ends in poor
    local minima with large supports; the path admits the strongest atoms
    first, like a homotopy.
    """
    n_signals, k = C.shape
    grad = np.empty(k)
    dead_zone = np.empty(k)
    first = np.empty(k, dtype=np.int64)
    _coordinate_classes(G, coord_weights, first)
    _dead_zones(G, code, params, coord_weights, first, dead_zone)
    stage_dead_zone = np.empty(k)
    stage_params = params.copy()
    alpha = params[P_ALPHA]
    stage_tol = max(tol, 1e-3)
    uniform = _uniform_coordinates(G, coord_weights)
    for s in range(n_signals):
        for j in range(k):
            grad[j] = -C[s, j]
        cold = True
        for m in range(k):  # warm start: add G r over the non-zeros only
            if R[s, m] != 0.0:
                cold = False
                value = R[s, m]
                for j in range(k):
                    grad[j] += G[m, j] * value
        budget = max_iter
        if continuation > 1.0 and cold and alpha > 0.0:
            alpha_start = _start_alpha(G, C, s, code, params, coord_weights, uniform)
            stage_alpha = alpha_start / continuation
            while stage_alpha > alpha and budget > 1:
                stage_params[P_ALPHA] = stage_alpha
                _dead_zones(G, code, stage_params, coord_weights, first, stage_dead_zone)
                passes, _ = _cd_passes(
                    G,
                    C,
                    R,
                    grad,
                    s,
                    code,
                    stage_params,
                    coord_weights,
                    stage_dead_zone,
                    budget - 1,
                    stage_tol,
                )
                budget -= passes
                stage_alpha /= continuation
        passes, done = _cd_passes(
            G, C, R, grad, s, code, params, coord_weights, dead_zone, budget, tol
        )
        n_iter[s] = max_iter - budget + passes
        converged[s] = done


@njit(cache=True, internal=True)
def code_violations(G, C, R, code, params, coord_weights, out):
    """Largest optimality violation of each signal's code (as the regression solvers).

    Subdifferential distance for penalties with a finite slope at 0; for L0 and
    Lq the fixed-point residual of exact coordinate minimisation.
    """
    n_signals, k = C.shape
    fixed_point = uses_fixed_point(params)
    for s in range(n_signals):
        largest = 0.0
        for j in range(k):
            curvature = G[j, j]
            if curvature <= 0.0:
                continue
            grad = -C[s, j]
            for m in range(k):
                grad += G[j, m] * R[s, m]
            violation = coordinate_violation(
                R[s, j], grad, curvature, fixed_point, code, params, coord_weights[j]
            )
            largest = max(largest, violation)
        out[s] = largest if math.isfinite(largest) else math.inf


@njit(cache=True, nogil=True, internal=True)
def _apply_gradient_changes(G, grad, first, n_rows, changed, changes, counts, cursor, row):
    """``grad[s] += Σ_c changes[s, c] · G[changed[s, c]]`` for the block of signals
    ``first .. first + n_rows``, each signal's changes in increasing atom order.

    The block's sorted change lists are merged, so the changes are applied atom
    by atom: row ``j`` of ``G`` is copied once into ``row`` (more than one
    signal) and added to every signal of the block that changed ``j``.  For one
    signal and one position the sum runs over the same atoms in the same order
    whatever the block, so every block size gives the same bits.
    """
    k = G.shape[0]
    for b in range(n_rows):
        cursor[b] = 0
    while True:
        j = k  # the smallest atom of the rows' next changes
        for b in range(n_rows):
            c = cursor[b]
            if c < counts[b] and changed[b, c] < j:
                j = changed[b, c]
        if j == k:
            return
        source = G[j]
        if n_rows > 1:
            for m in range(k):
                row[m] = source[m]
            source = row
        for b in range(n_rows):
            c = cursor[b]
            if c < counts[b] and changed[b, c] == j:
                delta = changes[b, c]
                target = grad[first + b]
                for m in range(k):
                    target[m] += delta * source[m]
                cursor[b] = c + 1


@njit(cache=True, nogil=True)
def proximal_gradient_codes(
    G,
    C,
    R,
    code,
    params,
    coord_weights,
    step,
    accelerated,
    max_iter,
    tol,
    batch_rule,
    n_iter,
    converged,
    by_atom=False,
):
    """ISTA / FISTA on every row of ``C`` (= X Dᵀ) at once, codes in place in ``R``.

    Iteration ``r ← prox_{step·pen}(y − step (G y − c))`` with ``y = r`` (ISTA)
    or the FISTA extrapolation, restarted per signal when it goes uphill
    (O'Donoghue and Candès).  The gradient ``G r − c`` is kept up to date
    through the coordinates that changed, so an iteration costs
    O(n_components · (1 + changed coordinates)) per signal rather than a dense
    product, and a zero coordinate whose point stays in the prox's dead zone
    is skipped (ISTA screens for these first, in a loop without branches, and
    runs the prox on the others only).  ``by_atom``: the updates of a block of
    signals are applied atom by atom (:func:`_apply_gradient_changes`), each
    row of ``G`` read once per block, with the same bits; for a ``G`` out of
    cache (the caller decides).  Stopping: per signal (``batch_rule``
    False) when its largest change is at most ``tol`` times its largest
    coefficient (the rule of ``algorithm="cd"``); or for the whole batch at
    once by the rule of Rentzeperis et al., ``||ΔR||_F / (tol + ||R_prev||_F) < tol``.
    """
    n_signals, k = C.shape
    grad = np.empty((n_signals, k))
    grad_prev = np.empty(k)
    previous = np.empty(k)
    dead_zone = np.empty(k)
    block = max(1, min(n_signals, _UPDATE_BLOCK)) if by_atom else 1
    changed = np.empty((block, k), dtype=np.int64)
    changes = np.empty((block, k))
    counts = np.zeros(block, dtype=np.int64)
    cursor = np.zeros(block, dtype=np.int64)
    row = np.empty(k if by_atom else 0)
    candidates = np.empty(k, dtype=np.int64)
    mask = np.empty(k, dtype=np.bool_)
    for j in range(k):
        dead_zone[j] = zero_threshold_1d(step, code, params, coord_weights[j])
        candidates[j] = j  # FISTA sweeps every coordinate; ISTA's screen rewrites this
    positive = params[P_POSITIVE] != 0.0
    momentum_t = np.ones(n_signals)
    extrapolation = np.zeros(n_signals)  # the coefficient of the next FISTA point
    active = np.ones(n_signals, dtype=np.bool_)
    memory = n_signals if accelerated else 1
    prev_codes = np.zeros((memory, k))
    prev_grads = np.zeros((memory, k))
    for s in range(n_signals):
        for j in range(k):
            grad[s, j] = -C[s, j]
        for m in range(k):
            if R[s, m] != 0.0:
                value = R[s, m]
                for j in range(k):
                    grad[s, j] += G[m, j] * value
        if accelerated:
            for j in range(k):
                prev_codes[s, j] = R[s, j]
                prev_grads[s, j] = grad[s, j]
        n_iter[s] = 0
        converged[s] = False
    n_active = n_signals
    for _ in range(max_iter):
        if n_active == 0:
            break
        change_total = 0.0
        norm_total = 0.0
        # the gradient moves after the sweep (every coordinate saw the same point),
        # through the coordinates that changed, in increasing order: per block of
        # signals (one signal when G stays in cache)
        for first in range(0, n_signals, block):
            for s in range(first, min(first + block, n_signals)):
                counts[s - first] = 0
                if not active[s]:
                    continue
                uphill = 0.0
                largest_change = 0.0
                largest_value = 0.0
                change2 = 0.0
                n_changed = 0
                beta = extrapolation[s]
                if accelerated:
                    n_scan = k
                    for j in range(k):
                        previous[j] = R[s, j]
                        grad_prev[j] = grad[s, j]
                else:
                    # ISTA screen, branch-free so that it vectorises: a zero code whose point
                    # stays in the dead zone stays zero (a NaN point is kept, so the prox sees
                    # it); the others are the candidates of the sweep
                    for j in range(k):
                        old = R[s, j]
                        R[s, j] = old + 0.0  # -0.0 becomes 0.0, as the sweep would write it
                        point = old - step * grad[s, j]
                        mask[j] = (old != 0.0) | (
                            ~(abs(point) <= dead_zone[j]) & ~(positive & (point <= 0.0))
                        )
                    n_scan = 0
                    for j in range(k):
                        if mask[j]:
                            candidates[n_scan] = j
                            n_scan += 1
                for i in range(n_scan):
                    j = candidates[i]
                    old = R[s, j]
                    if accelerated:
                        y = old + beta * (old - prev_codes[s, j])
                        g = grad_prev[j] + beta * (grad_prev[j] - prev_grads[s, j])
                    else:
                        y = old
                        g = grad[s, j]
                    point = y - step * g
                    if y == 0.0 and (abs(point) <= dead_zone[j] or (positive and point <= 0.0)):
                        new = 0.0
                        if old == 0.0:  # stays at zero: nothing to record (-0.0 becomes 0.0)
                            R[s, j] = 0.0
                            continue
                    else:
                        new = prox_1d(point, step, code, params, coord_weights[j])
                    R[s, j] = new
                    if accelerated:
                        uphill += (y - new) * (new - old)
                    delta = new - old
                    if delta != 0.0:
                        change2 += delta * delta
                        largest_change = max(largest_change, abs(delta))
                        changed[s - first, n_changed] = j
                        changes[s - first, n_changed] = delta
                        n_changed += 1
                    largest_value = max(largest_value, abs(new))
                    norm_total += old * old
                counts[s - first] = n_changed
                if accelerated:
                    for j in range(k):
                        prev_codes[s, j] = previous[j]
                        prev_grads[s, j] = grad_prev[j]
                    t_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * momentum_t[s] * momentum_t[s]))
                    extrapolation[s] = (momentum_t[s] - 1.0) / t_new
                    momentum_t[s] = t_new
                    if uphill > 0.0:  # restart: the next point is the new code itself
                        extrapolation[s] = 0.0
                        momentum_t[s] = 1.0
                n_iter[s] += 1
                change_total += change2
                if not batch_rule and largest_change <= tol * largest_value:
                    active[s] = False
                    converged[s] = True
                    n_active -= 1
            _apply_gradient_changes(
                G, grad, first, min(block, n_signals - first), changed, changes, counts,
                cursor, row,
            )  # fmt: skip
        if batch_rule and math.sqrt(change_total) < tol * (tol + math.sqrt(norm_total)):
            for s in range(n_signals):
                converged[s] = True
            break
