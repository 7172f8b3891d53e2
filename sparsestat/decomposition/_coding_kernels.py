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
from numba import njit

from ..penalties._kernels import CODE_L0, CODE_LQ, prox_1d, subdiff_distance_1d


@njit(cache=True, nogil=True)
def gram_cd_codes(G, C, R, code, params, coord_weights, max_iter, tol, n_iter, converged):
    """Encode the rows of ``C`` (= X Dᵀ) in place in ``R`` (warm start).

    Each signal stops when its largest coordinate change in a pass is at most
    ``tol`` times its largest coefficient (or when every coordinate is 0 and no
    pass changes it), after at most ``max_iter`` passes.  ``n_iter`` and
    ``converged`` receive the per-signal passes and status.
    """
    n_signals, k = C.shape
    grad = np.empty(k)
    for s in range(n_signals):
        for j in range(k):
            grad[j] = -C[s, j]
        for m in range(k):  # warm start: add G r over the non-zeros only
            if R[s, m] != 0.0:
                value = R[s, m]
                for j in range(k):
                    grad[j] += G[m, j] * value
        done = False
        passes = 0
        for _ in range(max_iter):
            passes += 1
            largest_change = 0.0
            largest_value = 0.0
            for j in range(k):
                curvature = G[j, j]
                if curvature <= 0.0:
                    continue
                old = R[s, j]
                new = prox_1d(
                    old - grad[j] / curvature, 1.0 / curvature, code, params, coord_weights[j]
                )
                if new != old:
                    delta = new - old
                    R[s, j] = new
                    for m in range(k):  # G is symmetric: row j is contiguous
                        grad[m] += delta * G[j, m]
                    largest_change = max(largest_change, abs(delta))
                largest_value = max(largest_value, abs(R[s, j]))
            if largest_change <= tol * largest_value:
                done = True
                break
        n_iter[s] = passes
        converged[s] = done


@njit(cache=True)
def code_violations(G, C, R, code, params, coord_weights, out):
    """Largest optimality violation of each signal's code (as the regression solvers).

    Subdifferential distance for penalties with a finite slope at 0; for L0 and
    Lq the fixed-point residual of exact coordinate minimisation.
    """
    n_signals, k = C.shape
    fixed_point = code == CODE_L0 or code == CODE_LQ
    for s in range(n_signals):
        largest = 0.0
        for j in range(k):
            curvature = G[j, j]
            if curvature <= 0.0:
                continue
            grad = -C[s, j]
            for m in range(k):
                grad += G[j, m] * R[s, m]
            if fixed_point:
                moved = prox_1d(
                    R[s, j] - grad / curvature, 1.0 / curvature, code, params, coord_weights[j]
                )
                violation = curvature * abs(R[s, j] - moved)
            else:
                violation = subdiff_distance_1d(R[s, j], grad, code, params, coord_weights[j])
            largest = max(largest, violation)
        out[s] = largest if math.isfinite(largest) else math.inf
