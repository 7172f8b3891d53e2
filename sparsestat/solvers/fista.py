"""FISTA with adaptive restart, written against the array API.

The same lines run on numpy and array-api-strict arrays (tested) and are meant
for CuPy arrays on a GPU (not yet run there): every operation is a
matrix-vector product, an elementwise expression or a reduction of the
standard, and the penalty's vectorized ``prox``.

References
----------
.. [1] A. Beck and M. Teboulle, "A fast iterative shrinkage-thresholding
   algorithm for linear inverse problems", SIAM J. Imaging Sci. 2(1), 2009.
.. [2] B. O'Donoghue and E. Candès, "Adaptive restart for accelerated gradient
   schemes", Found. Comput. Math. 15, 715–732, 2015.
"""

from __future__ import annotations

import math

import numpy as np
from array_api_compat import device as array_device

from .._array_api import is_numpy_namespace, to_numpy
from ..datafits.array import ArrayProblem
from ..penalties import L1
from ._gap import rescaled_residual_gap
from .cd import SolverResult

__all__ = ["ArrayProblem", "solve_fista"]

CHECK_EVERY = 10


def _gap(problem, penalty, w, grad, residual):
    """Duality gap for L1 (weighted, positive) and elastic net, any namespace."""
    xp = problem.xp
    alpha = penalty._alpha
    if isinstance(penalty, L1):
        l1 = alpha * (
            1.0
            if penalty._weights is None
            else xp.asarray(penalty._weights, dtype=w.dtype, device=array_device(w))
        )
        l2 = 0.0
    else:
        l1 = alpha * penalty._l1_ratio
        l2 = alpha * (1.0 - penalty._l1_ratio)
    correlation = -grad - l2 * w
    drive = correlation if penalty._positive else xp.abs(correlation)
    l1_full = l1 * xp.ones_like(drive)
    binding = (l1_full > 0) & (drive > l1_full)
    safe_drive = xp.where(binding, drive, xp.ones_like(drive))
    ratios = xp.where(binding, l1_full / safe_drive, xp.ones_like(drive))
    const = float(xp.min(ratios)) if ratios.shape[0] else 1.0
    r_norm2 = float(xp.sum(problem.weights * residual * residual))
    ry = float(xp.sum(problem.weights * problem.y_centred * residual))
    l1_norm = float(xp.sum(l1_full * xp.abs(w)))
    w_norm2 = float(xp.sum(w * w))
    return rescaled_residual_gap(r_norm2, ry, l1_norm, const, float(l2), w_norm2)


def solve_fista(problem, penalty, coef_init=None, *, max_iter=1000, tol=1e-6):
    """Minimise ``F(w) + pen(w)`` by FISTA with gradient-based adaptive restart.

    ``problem`` is an :class:`~sparsestat.datafits.array.ArrayProblem` (any
    array namespace).

    Stops on the duality gap (relative to the centred ``||y||²``) for the Lasso,
    the elastic net and penalties with a ``conjugate`` (the envelope penalties:
    ``pen(w) + pen*(−∇F(w)) + <w, ∇F(w)>``), and on the largest entry of the
    prox-gradient mapping
    ``(w − prox(w − t·∇F)) / t`` otherwise (zero exactly at fixed points),
    with the step ``t = penalty.prox_step(1/L)``.  The
    coefficients stay in the namespace and on the device of ``X``.
    """
    xp = problem.xp
    dev = array_device(problem.y_centred)
    lipschitz = problem.lipschitz()
    if coef_init is None:
        w = xp.zeros((problem.n_features,), dtype=problem.dtype, device=dev)
    else:
        w = xp.asarray(np.asarray(to_numpy(coef_init)), dtype=problem.dtype, device=dev)
    has_conjugate = hasattr(penalty, "conjugate")
    uses_gap = bool(getattr(penalty, "has_duality_gap", False)) or has_conjugate
    # on the CPU, a group penalty's numba prox (WGSEF: linear time) runs; the
    # separable penalties keep their array-API formula, as they always have here
    if is_numpy_namespace(xp) and hasattr(penalty, "_prox_numba_flat"):

        def prox(x, step):
            return penalty.prox_numba(x, step, check_input=False)

    else:

        def prox(x, step):
            return penalty._prox_array_api(x, step)

    if lipschitz == 0.0:  # every column constant: w = 0 is optimal for these penalties
        zero = xp.zeros_like(w)
        return SolverResult(zero, problem.intercept(zero), 0, 0.0, True, uses_gap, "fista")
    # the penalty may ask for a smaller step (the non-convex WGSEF's prox is
    # not defined on a range of steps with unequal weights)
    step = penalty.prox_step(1.0 / lipschitz)
    # 1/step in the stopping rule; at the usual step 1/L, L itself (the exact
    # value the rule used before prox_step existed)
    inv_step = lipschitz if step == 1.0 / lipschitz else 1.0 / step
    threshold = tol * problem.y_norm2 if uses_gap else tol
    z = w
    t = 1.0
    stop_crit = math.inf
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        grad_z = problem.gradient_from_residual(problem.residual(z))
        w_new = prox(z - step * grad_z, step)
        # gradient restart: momentum is dropped when it points uphill
        if float(xp.sum((z - w_new) * (w_new - w))) > 0:
            t = 1.0
            z = w_new
        else:
            t_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
            z = w_new + ((t - 1.0) / t_new) * (w_new - w)
            t = t_new
        w = w_new
        if n_iter % CHECK_EVERY == 0 or n_iter == max_iter:
            residual = problem.residual(w)
            grad = problem.gradient_from_residual(residual)
            if has_conjugate:  # Fenchel–Young gap: pen(w) + pen*(−∇F) + <w, ∇F>
                stop_crit = max(
                    penalty.value(w) + penalty.conjugate(-grad) + float(xp.sum(w * grad)), 0.0
                )
            elif uses_gap:
                stop_crit = _gap(problem, penalty, w, grad, residual)
            else:
                moved = prox(w - step * grad, step)
                stop_crit = float(xp.max(xp.abs(w - moved))) * inv_step
            if stop_crit <= threshold:
                converged = True
                break
    return SolverResult(w, problem.intercept(w), n_iter, stop_crit, converged, uses_gap, "fista")
