"""Numba kernels of working-set coordinate descent with Anderson acceleration.

One compiled solver serves dense and sparse designs (a flag picks the column
access, per column, not per entry) and every separable penalty (the integer
code and parameter vector of :mod:`sparsestat.penalties._kernels`).  The
problem is the least-squares datafit of
:class:`sparsestat.datafits.QuadraticProblem`: raw residual ``r``, scalar
``vr = vᵀr``, centred gradient ``g_j = −scale2·(X_jᵀr − m_j·vr)``.

References
----------
.. [1] Q. Bertrand and M. Massias, "Anderson acceleration of coordinate descent",
   AISTATS 2021.
.. [2] M. Massias, A. Gramfort and J. Salmon, "Celer: a fast solver for the
   Lasso with dual extrapolation", ICML 2018 (working sets).
.. [3] Q. Bertrand, Q. Klopfenstein, P.-A. Bannier, G. Gidel and M. Massias,
   "Beyond L1: faster and better sparse models with skglm", NeurIPS 2022.
"""

import math

import numpy as np

from .._kernel_copy import copy_vector
from .._numba import njit
from ..datafits.quadratic import (
    LAYOUT_COLUMNS,
    LAYOUT_ROWS,
    LAYOUT_SPARSE,
    KernelDatafit,
    KernelDesign,
)
from ..penalties._kernels import (
    P_ALPHA,
    P_GAP_L1_RATIO,
    P_POSITIVE,
    KernelPenalty,
    coordinate_violation,
    prox_1d,
    select_kth,
    uses_fixed_point,
    value_1d,
)
from ._gap import rescaled_residual_gap, residual_dot_target

# --------------------------------------------------------------------------- #
# column access
# --------------------------------------------------------------------------- #
# Reductions may be reassociated (and multiply-adds contracted) so that LLVM
# vectorizes them; NaN and inf never reach the kernels (inputs are validated).
_REDUCTION_FLAGS = {"reassoc", "contract"}


@njit(cache=True, inline="always")  # unpacking only: no compile of its own
def columns_of(block):
    """``(X, data, indices, indptr, is_sparse)`` of a block, for :func:`col_dot` and
    :func:`col_axpy`.

    The per-coordinate helpers take the arrays themselves: numba passes a named
    tuple of arrays as all of its arrays' fields, a cost paid at every call of
    the innermost loop.
    """
    return block.X, block.data, block.indices, block.indptr, block.layout == LAYOUT_SPARSE


@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def col_dot(X, data, indices, indptr, is_sparse, j, vec):
    """``X_jᵀ vec`` in float64; dense ``X`` in the columns layout (row j = column j)."""
    total = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            total += data[k] * vec[indices[k]]
    else:
        for i in range(X.shape[1]):
            total += X[j, i] * vec[i]
    return total


@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def col_axpy(X, data, indices, indptr, is_sparse, j, scale, vec):
    """``vec += scale · X_j`` in place (columns layout or CSC)."""
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            vec[indices[k]] += scale * data[k]
    else:
        for i in range(X.shape[1]):
            vec[i] += scale * X[j, i]


@njit(cache=True, internal=True)
def residual_from(block, data, w, features, r):
    """``r = y − Σ_{j in features} w_j X_j`` in place (a block); returns ``vᵀr``."""
    X, values, indices, indptr, is_sparse = columns_of(block)
    copy_vector(r, data.y)
    for j in features:
        if w[j] != 0.0:
            col_axpy(X, values, indices, indptr, is_sparse, j, -w[j], r)
    vr = 0.0
    if data.fit_intercept:
        v = block.rho
        for i in range(r.shape[0]):
            vr += v[i] * r[i]
    return vr


# --------------------------------------------------------------------------- #
# the full design, in any layout, rows scaled on the fly
# --------------------------------------------------------------------------- #
@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def full_gradient(design, data, r, vr, out):
    """Centred gradient of every coordinate: ``−scale2·(X̂ᵀr − m·vr)``, ``X̂ = diag(rho) X``."""
    layout, X, rho = design.layout, design.X, design.rho
    means, scale2 = data.means, data.scale2
    n = r.shape[0]
    p = out.shape[0]
    scaled = np.empty(n)
    for i in range(n):
        scaled[i] = rho[i] * r[i]
    if layout == LAYOUT_ROWS:
        out[:] = 0.0
        for i in range(n):
            factor = scaled[i]
            for j in range(p):
                out[j] += X[i, j] * factor
    elif layout == LAYOUT_COLUMNS:
        for j in range(p):
            total = 0.0
            for i in range(n):
                total += X[j, i] * scaled[i]
            out[j] = total
    else:
        values, indices, indptr = design.data, design.indices, design.indptr
        for j in range(p):
            total = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                total += values[k] * scaled[indices[k]]
            out[j] = total
    for j in range(p):
        value = out[j]
        if data.fit_intercept:
            value -= means[j] * vr
        out[j] = -scale2 * value


@njit(cache=True, internal=True)
def initial_residual(design, data, w, r):
    """``r = ŷ − X̂ w`` for the full design; returns ``vr = rhoᵀ r``."""
    layout, X, rho = design.layout, design.X, design.rho
    n = r.shape[0]
    copy_vector(r, data.y)
    support = np.empty(w.shape[0], dtype=np.int64)  # the non-zero coordinates, in order
    n_support = 0
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            support[n_support] = j
            n_support += 1
    support = support[:n_support]
    if n_support > 0:
        if layout == LAYOUT_ROWS:
            for i in range(n):
                total = 0.0
                for j in support:
                    total += X[i, j] * w[j]
                r[i] -= rho[i] * total
        elif layout == LAYOUT_COLUMNS:
            for j in support:
                for i in range(n):
                    r[i] -= w[j] * rho[i] * X[j, i]
        else:
            values, indices, indptr = design.data, design.indices, design.indptr
            for j in support:
                for k in range(indptr[j], indptr[j + 1]):
                    i = indices[k]
                    r[i] -= w[j] * rho[i] * values[k]
    vr = 0.0
    if data.fit_intercept:
        for i in range(n):
            vr += rho[i] * r[i]
    return vr


@njit(cache=True)
def gather_block(design, ws):
    """Columns ``ws`` of ``X̂ = diag(rho) X`` as a compact block, a :class:`KernelDesign`.

    Dense: a C-ordered (m, n) array in the columns layout.  Sparse: CSC arrays
    of the m columns (rows rescaled).  The unused arrays are empty; ``rho`` is
    the design's (the block's rows are scaled already: it serves ``vᵀr``).
    """
    layout, X, rho = design.layout, design.X, design.rho
    data, indices, indptr = design.data, design.indices, design.indptr
    m = ws.shape[0]
    n = rho.shape[0]
    if layout == LAYOUT_SPARSE:
        indptr_b = np.empty(m + 1, dtype=indptr.dtype)
        indptr_b[0] = 0
        for k in range(m):
            j = ws[k]
            indptr_b[k + 1] = indptr_b[k] + (indptr[j + 1] - indptr[j])
        data_b = np.empty(indptr_b[m], dtype=data.dtype)
        indices_b = np.empty(indptr_b[m], dtype=indices.dtype)
        for k in range(m):
            j = ws[k]
            start = indptr_b[k]
            for offset in range(indptr[j + 1] - indptr[j]):
                source = indptr[j] + offset
                i = indices[source]
                indices_b[start + offset] = i
                data_b[start + offset] = rho[i] * data[source]
        return KernelDesign(
            layout, np.empty((0, 0), dtype=X.dtype), data_b, indices_b, indptr_b, rho
        )
    block = np.empty((m, n), dtype=X.dtype)
    if layout == LAYOUT_COLUMNS:
        for k in range(m):
            j = ws[k]
            for i in range(n):
                block[k, i] = rho[i] * X[j, i]
    else:
        for i in range(n):
            factor = rho[i]
            for k in range(m):
                block[k, i] = factor * X[i, ws[k]]
    return KernelDesign(
        np.int64(LAYOUT_COLUMNS),  # an int64 like the design's layout, not a literal
        block,
        data[:0].copy(),
        indices[:0].copy(),
        indptr[:1].copy(),
        rho,
    )


@njit(cache=True, fastmath=_REDUCTION_FLAGS, internal=True)
def datafit_value(r, vr, V, scale2, fit_intercept):
    """``scale2/2 · (||r||² − vr²/V)``."""
    total = 0.0
    for i in range(r.shape[0]):
        total += r[i] * r[i]
    if fit_intercept:
        total -= vr * vr / V
    return 0.5 * scale2 * total


@njit(cache=True, internal=True)
def penalty_value(w, features, pen):
    total = 0.0
    for j in features:
        if w[j] != 0.0:
            total += value_1d(w[j], pen.code, pen.params, pen.weights[j])
    return total


@njit(cache=True, internal=True)
def gradient_on(block, data, r, vr, features, out):
    """Centred gradient ``out[j]`` for ``j`` in ``features``."""
    X, values, indices, indptr, is_sparse = columns_of(block)
    for j in features:
        dot = col_dot(X, values, indices, indptr, is_sparse, j, r)
        if data.fit_intercept:
            dot -= data.means[j] * vr
        out[j] = -data.scale2 * dot


@njit(cache=True, internal=True)
def kkt_violation(w, grad, lipschitz, features, pen, out):
    """Per-coordinate optimality violation; returns the max over ``features``.

    ``subdiff_distance(w_j, g_j)`` for penalties with a finite slope at 0; for
    L0 and Lq the fixed-point residual of exact coordinate minimisation,
    ``L_j·|w_j − prox_{pen/L_j}(w_j − g_j/L_j)|`` (in gradient units; zero iff no
    single-coordinate move lowers the objective).  Columns with zero curvature
    (constant after centring) have a zero gradient, stay at 0 and count as
    optimal.
    """
    largest = 0.0
    fixed_point = uses_fixed_point(pen.params)
    for j in features:
        lip = lipschitz[j]
        if lip == 0.0:
            out[j] = 0.0
            continue
        out[j] = coordinate_violation(
            w[j], grad[j], lip, fixed_point, pen.code, pen.params, pen.weights[j]
        )
        if out[j] > largest:
            largest = out[j]
    return largest


@njit(cache=True, internal=True)
def _gap_from(w, grad, r_norm2, ry, pen, lipschitz):
    """Duality gap of the (weighted) Lasso or elastic net.

    ``P(w) = ½||ρ||² + sum_j l1_j |w_j| + ½ l2 ||w||²`` with the centred scaled
    residual ``ρ`` (``r_norm2 = ||ρ||²``, ``ry = bᵀρ``); the dual point is
    ``ρ`` rescaled into the dual feasible set (the formula of scikit-learn's
    ``enet_coordinate_descent``, with per-coordinate ℓ1 weights and the
    one-sided constraint under positivity).

    Unpenalized coordinates (``l1_j = 0``: ``alpha = 0`` or zero weights) have
    no room in the dual constraint, so the rescaled point is only feasible once
    their gradients vanish; the criterion adds ``g_j² / (2 L_j)`` for each of
    them, the decrease a single exact update of that coordinate would bring.
    It is zero exactly at the optimum and equals the gap when they are optimal.
    """
    params, coord_weights = pen.params, pen.weights
    alpha = params[P_ALPHA]
    l1_ratio = params[P_GAP_L1_RATIO]  # L1: 1; elastic net: its l1_ratio
    l2 = alpha * (1.0 - l1_ratio)
    positive = params[P_POSITIVE] != 0.0
    const = 1.0
    l1_norm = 0.0
    w_norm2 = 0.0
    for j in range(w.shape[0]):
        l1_j = alpha * l1_ratio * coord_weights[j]  # ones but for weighted L1
        correlation = -grad[j] - l2 * w[j]
        drive = correlation if positive else abs(correlation)
        if l1_j > 0.0 and drive > l1_j:
            const = min(const, l1_j / drive)
        l1_norm += l1_j * abs(w[j])
        w_norm2 += w[j] * w[j]
    gap = rescaled_residual_gap(r_norm2, ry, l1_norm, const, l2, w_norm2)
    unpenalized = 0.0
    for j in range(w.shape[0]):
        l1_j = alpha * l1_ratio * coord_weights[j]  # ones but for weighted L1
        if l1_j == 0.0 and lipschitz[j] > 0.0:
            # positivity: at w_j = 0 a non-negative gradient is optimal
            violation = max(-grad[j], 0.0) if positive and w[j] == 0.0 else abs(grad[j])
            unpenalized += violation * violation / (2.0 * (lipschitz[j] + l2))
    return gap + unpenalized


@njit(cache=True)
def duality_gap(w, grad, r, vr, data, pen):
    """Duality gap at ``w`` from the residual (see :func:`_gap_from`).

    ``data`` is the full design's :class:`KernelDatafit`.
    """
    r_norm2 = 2.0 * datafit_value(r, vr, data.V, data.scale2, data.fit_intercept)
    ry = residual_dot_target(r, vr, data.y, data.vy, data.V, data.scale2, data.fit_intercept)
    return _gap_from(w, grad, r_norm2, ry, pen, data.lipschitz)


# --------------------------------------------------------------------------- #
# epochs and extrapolation
# --------------------------------------------------------------------------- #
@njit(cache=True, internal=True)
def cd_epoch(block, data, features, w, r, vr, pen):
    """One pass of exact coordinate minimisation over ``features``; returns ``vr``.

    ``data`` holds the block's own column means and Lipschitz constants.
    """
    means, lipschitz, scale2, V = data.means, data.lipschitz, data.scale2, data.V
    X, values, indices, indptr, is_sparse = columns_of(block)
    for j in features:
        lip = lipschitz[j]
        if lip == 0.0:
            continue
        dot = col_dot(X, values, indices, indptr, is_sparse, j, r)
        if data.fit_intercept:
            dot -= means[j] * vr
        grad = -scale2 * dot
        old = w[j]
        new = prox_1d(old - grad / lip, 1.0 / lip, pen.code, pen.params, pen.weights[j])
        if new != old:
            delta = new - old
            w[j] = new
            col_axpy(X, values, indices, indptr, is_sparse, j, -delta, r)
            if data.fit_intercept:
                vr -= delta * means[j] * V
    return vr


@njit(cache=True, internal=True)
def _solve_small_spd(matrix):
    """Solve ``matrix · z = 1`` for a small symmetric PSD matrix by Cholesky.

    A hand-written K × K factorisation (K = 5) instead of ``np.linalg.solve``,
    whose LAPACK binding costs seconds of numba compilation.  Returns an empty
    array when the matrix is numerically singular.
    """
    n = matrix.shape[0]
    lower = np.zeros((n, n))
    scale = 0.0
    for i in range(n):
        scale = max(scale, matrix[i, i])
    if scale <= 0.0:
        return np.empty(0)
    for i in range(n):
        for j in range(i + 1):
            total = matrix[i, j]
            for k in range(j):
                total -= lower[i, k] * lower[j, k]
            if i == j:
                if total <= 1e-14 * scale:
                    return np.empty(0)
                lower[i, i] = math.sqrt(total)
            else:
                lower[i, j] = total / lower[j, j]
    z = np.ones(n)
    for i in range(n):  # forward: L u = 1
        total = z[i]
        for k in range(i):
            total -= lower[i, k] * z[k]
        z[i] = total / lower[i, i]
    for i in range(n - 1, -1, -1):  # backward: Lᵀ z = u
        total = z[i]
        for k in range(i + 1, n):
            total -= lower[k, i] * z[k]
        z[i] = total / lower[i, i]
    return z


@njit(cache=True, internal=True)
def anderson_weights(iterates):
    """Coefficients ``c`` (summing to 1) of the Anderson extrapolation.

    ``iterates`` has shape (K + 1, m); with ``U = diff(iterates)``, ``c`` solves
    ``(U Uᵀ) z = 1`` normalised.  Returns an empty array when the system is
    singular (the caller then skips the extrapolation).
    """
    n_iter = iterates.shape[0] - 1
    m = iterates.shape[1]
    gram = np.zeros((n_iter, n_iter))
    for a in range(n_iter):
        for b in range(a, n_iter):
            total = 0.0
            for pos in range(m):
                total += (iterates[a + 1, pos] - iterates[a, pos]) * (
                    iterates[b + 1, pos] - iterates[b, pos]
                )
            gram[a, b] = total
            gram[b, a] = total
    z = _solve_small_spd(gram)
    if z.shape[0] == 0:
        return z
    total = 0.0  # the loop numba's z.sum() runs (same order), without compiling it
    for value in z:
        total += value
    if total == 0.0 or not math.isfinite(total):
        return np.empty(0)
    return z / total


@njit(cache=True, internal=True)
def anderson_extrapolate(iterates, epoch, current, out):
    """Record ``current`` as the iterate of ``epoch``; extrapolate every ``K + 1`` epochs.

    ``iterates`` has ``K + 1`` rows, a ring of the last iterates.  After the
    epochs ``K, 2K + 1, ...`` (every ``K + 1``-th) the Anderson extrapolation
    ``sum_k c_k·iterates[k + 1]`` is written into ``out`` and True is returned;
    False otherwise, or when the weights' system is singular.  The one copy of
    the extrapolation every solver uses; each solver then keeps ``out`` only
    when it lowers its objective.
    """
    n_slots = iterates.shape[0]
    slot = epoch % n_slots
    copy_vector(iterates[slot], current)
    if slot != n_slots - 1:
        return False
    coefs = anderson_weights(iterates)
    if coefs.shape[0] == 0:
        return False
    for pos in range(out.shape[0]):
        total = 0.0
        for k in range(coefs.shape[0]):
            total += coefs[k] * iterates[k + 1, pos]
        out[pos] = total
    return True


#: Every working-set solver (CD, group BCD, multitask BCD) runs its inner
#: epochs until the working set's largest violation is below this fraction of
#: the outer one (the EPS_TOL = 0.3 of skglm's working-set solvers).
INNER_TOL_RATIO = 0.3


@njit(cache=True)
def build_working_set(w, kkt, ws_start):
    """Sorted indices of the support plus the largest KKT violations.

    The working set of every working-set solver: coordinates for CD, groups
    for group BCD (``w`` their norms) and rows for multitask BCD (``w`` the
    row norms); ``kkt`` holds the violations of the same items.  Size
    ``min(max(ws_start, 2·|support|), n_items)``; selection by quickselect on
    the scores (support scored +inf; ties at the cutoff taken in index order),
    no sort.
    """
    n_features = w.shape[0]
    n_support = 0
    for j in range(n_features):
        if w[j] != 0.0:
            n_support += 1
    ws_size = min(max(ws_start, 2 * n_support), n_features)
    if ws_size == n_features:
        return np.arange(n_features)
    scores = np.empty(n_features)
    for j in range(n_features):
        scores[j] = math.inf if w[j] != 0.0 else kkt[j]
    buffer = scores.copy()
    cutoff = select_kth(buffer, n_features, n_features - ws_size)
    ws = np.empty(ws_size, dtype=np.int64)
    n_above = 0
    for j in range(n_features):
        if scores[j] > cutoff:
            n_above += 1
    n_ties = ws_size - n_above
    count = 0
    for j in range(n_features):
        if scores[j] > cutoff or (scores[j] == cutoff and n_ties > 0):
            if scores[j] == cutoff:
                n_ties -= 1
            ws[count] = j
            count += 1
    return ws


@njit(cache=True, internal=True)
def anderson_step(block, data, ws, w, r, vr, extrapolated, r_candidate, pen):
    """Keep the Anderson extrapolation ``extrapolated`` (values on ``ws``) if it helps.

    Accepted (``w``, ``r`` updated in place) when it lowers the objective;
    returns the new ``vr``.
    """
    w_candidate = w.copy()
    for pos in range(ws.shape[0]):
        w_candidate[ws[pos]] = extrapolated[pos]
    vr_candidate = residual_from(block, data, w_candidate, ws, r_candidate)
    V, scale2, fit_intercept = data.V, data.scale2, data.fit_intercept
    value_candidate = datafit_value(r_candidate, vr_candidate, V, scale2, fit_intercept)
    value_candidate += penalty_value(w_candidate, ws, pen)
    value_current = datafit_value(r, vr, V, scale2, fit_intercept)
    value_current += penalty_value(w, ws, pen)
    if value_candidate < value_current:
        for pos in range(ws.shape[0]):
            w[ws[pos]] = w_candidate[ws[pos]]
        copy_vector(r, r_candidate)
        return vr_candidate
    return vr


@njit(cache=True, internal=True)
def inner_solve(
    block, data, ws, w, r, vr, pen, work, max_epochs, inner_tol, anderson_k, check_every
):
    """CD epochs on the working set with Anderson extrapolation every ``anderson_k``.

    ``data`` holds the block's column means and Lipschitz constants; ``work``
    is ``(grad, kkt, r_candidate)``, scratch arrays.  Stops when the largest
    violation on ``ws`` is below ``inner_tol`` (checked every ``check_every``
    epochs) or after ``max_epochs``.  Returns ``(vr, n_epochs)``.
    """
    grad, kkt, r_candidate = work
    iterates = np.zeros((anderson_k + 1, ws.shape[0]))
    current = np.empty(ws.shape[0])
    extrapolated = np.empty(ws.shape[0])
    n_epochs = 0
    for epoch in range(max_epochs):
        vr = cd_epoch(block, data, ws, w, r, vr, pen)
        n_epochs += 1
        if anderson_k > 0:
            for pos in range(ws.shape[0]):
                current[pos] = w[ws[pos]]
            if anderson_extrapolate(iterates, epoch, current, extrapolated):
                vr = anderson_step(block, data, ws, w, r, vr, extrapolated, r_candidate, pen)
        if epoch % check_every == 0:
            gradient_on(block, data, r, vr, ws, grad)
            if kkt_violation(w, grad, data.lipschitz, ws, pen, kkt) <= inner_tol:
                break
    return vr, n_epochs


@njit(cache=True)
def working_set_cd(
    design, data, pen, w, max_epochs, tol, use_gap, ws_start, anderson_k, check_every
):
    """Solve ``min_w F(w) + pen(w)`` by working-set CD with Anderson acceleration.

    ``design`` (:class:`KernelDesign`) and ``data`` (:class:`KernelDatafit`)
    are the problem's (``QuadraticProblem.kernel_arguments``), ``pen`` the
    penalty's (``SeparablePenalty.kernel_arguments``).

    Outer loop, on the full design: gradient, optimality (duality gap when
    ``use_gap``, else the largest subdifferential distance), stop if below
    ``tol`` (the gap is compared with ``tol·y_norm2``, as scikit-learn does).
    Otherwise the working set is the current support plus the most violating
    coordinates (at least ``ws_start``, twice the support size); its columns
    are gathered into a compact block (rows scaled), and CD epochs with
    Anderson extrapolation every ``anderson_k`` epochs run on the block until
    its own largest violation falls below ``INNER_TOL_RATIO`` times the outer
    one.  The full design is only read, never copied.

    Returns ``(vr, r, n_epochs, stop_crit, converged)``; ``w`` is updated in place.
    """
    n_features = w.shape[0]
    y = data.y
    r = np.empty_like(y)
    vr = initial_residual(design, data, w, r)
    grad = np.zeros(n_features)
    kkt = np.zeros(n_features)
    all_features = np.arange(n_features)
    r_candidate = np.empty_like(y)
    threshold = tol * data.y_norm2 if use_gap else tol
    n_epochs = 0
    stop_crit = math.inf
    converged = False
    while True:
        full_gradient(design, data, r, vr, grad)
        largest_kkt = kkt_violation(w, grad, data.lipschitz, all_features, pen, kkt)
        if use_gap:
            stop_crit = duality_gap(w, grad, r, vr, data, pen)
        else:
            stop_crit = largest_kkt
        if stop_crit <= threshold:
            converged = True
            break
        if n_epochs >= max_epochs:
            break
        ws = build_working_set(w, kkt, ws_start)
        m = ws.shape[0]
        block = gather_block(design, ws)
        w_local = np.empty(m)
        means_local = np.empty(m)
        lipschitz_local = np.empty(m)
        weights_local = np.empty(m)
        for k in range(m):
            w_local[k] = w[ws[k]]
            means_local[k] = data.means[ws[k]]
            lipschitz_local[k] = data.lipschitz[ws[k]]
            weights_local[k] = pen.weights[ws[k]]
        data_local = KernelDatafit(
            y,
            data.V,
            data.scale2,
            means_local,
            lipschitz_local,
            data.fit_intercept,
            data.vy,
            data.y_norm2,
        )
        vr, done = inner_solve(
            block,
            data_local,
            np.arange(m),
            w_local,
            r,
            vr,
            KernelPenalty(pen.code, pen.params, weights_local),
            (np.zeros(m), np.zeros(m), r_candidate),
            max_epochs - n_epochs,
            INNER_TOL_RATIO * largest_kkt,
            anderson_k,
            check_every,
        )
        for k in range(m):
            w[ws[k]] = w_local[k]
        n_epochs += done
    return vr, r, n_epochs, stop_crit, converged


# --------------------------------------------------------------------------- #
# Gram variant (n_samples >> n_features)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def gram_cd(Q, q, y_norm2, pen, w, max_epochs, tol, use_gap, anderson_k):
    """CD on ``½ wᵀQw − qᵀw + ½ y_norm2 + pen(w)`` with a maintained gradient.

    ``Q`` is the centred scaled Gram matrix (p × p) and ``q`` the centred
    ``X̃ᵀỹ``; each update costs O(p) instead of O(n).  Stops on the duality gap
    (convex) or the largest subdifferential distance.  Returns
    ``(grad, n_epochs, stop_crit, converged)``.
    """
    p = w.shape[0]
    grad = Q @ w - q
    kkt = np.zeros(p)
    iterates = np.zeros((anderson_k + 1, p))
    candidate = np.empty(p)
    threshold = tol * y_norm2 if use_gap else tol
    diag = np.empty(p)
    for j in range(p):
        diag[j] = Q[j, j]
    all_features = np.arange(p)
    stop_crit = math.inf
    converged = False
    n_epochs = 0
    for epoch in range(max_epochs + 1):
        largest = kkt_violation(w, grad, diag, all_features, pen, kkt)
        if use_gap:
            qw = q @ w
            r_norm2 = y_norm2 - qw + w @ grad  # ||ρ||² = ||b||² − 2qᵀw + wᵀQw
            stop_crit = _gap_from(w, grad, r_norm2, y_norm2 - qw, pen, diag)
        else:
            stop_crit = largest
        if stop_crit <= threshold:
            converged = True
            break
        if epoch == max_epochs:
            break
        for j in range(p):
            lip = diag[j]
            if lip <= 0.0:
                continue
            old = w[j]
            new = prox_1d(old - grad[j] / lip, 1.0 / lip, pen.code, pen.params, pen.weights[j])
            if new != old:
                delta = new - old
                w[j] = new
                for k in range(p):  # Q is symmetric: row j is contiguous
                    grad[k] += delta * Q[j, k]
        n_epochs += 1
        if anderson_k > 0:
            if anderson_extrapolate(iterates, epoch, w, candidate):
                grad_candidate = Q @ candidate - q
                value_candidate = 0.5 * candidate @ (grad_candidate - q) + penalty_value(
                    candidate, all_features, pen
                )
                value_current = 0.5 * w @ (grad - q) + penalty_value(w, all_features, pen)
                if value_candidate < value_current:
                    copy_vector(w, candidate)
                    copy_vector(grad, grad_candidate)
    return grad, n_epochs, stop_crit, converged
