"""Working-set block coordinate descent over feature rows (multitask regression)."""

from __future__ import annotations

import numpy as np

from ..penalties._kernels import P_GAP_L1_RATIO
from . import _multitask_kernels
from ._cd_kernels import INNER_TOL_RATIO, build_working_set, gather_block
from ._gap import rescaled_residual_gap
from .cd import ANDERSON_K, CHECK_EVERY, SolverResult

__all__ = ["solve_multitask", "solve_gram_multitask"]

WS_START = 30


def _has_rows_gap(penalty):
    """Whether ``sum_j pen(||W_j||)`` has the duality gap the kernels compute.

    That gap is the ℓ2,1 norm's: a penalty with a duality gap and no ridge
    part (``gap_l1_ratio = 1``), i.e. :class:`~sparsestat.penalties.L1` on
    the row norms.
    """
    return bool(penalty.has_duality_gap) and penalty.kernel_params[P_GAP_L1_RATIO] == 1.0


def _violations(W, G, lipschitz, code, params):
    out = np.zeros(W.shape[0])
    _multitask_kernels.rows_violation(
        np.ascontiguousarray(W), np.ascontiguousarray(G), lipschitz, code, params, out
    )
    return out


def solve_multitask(problem, penalty, coef_init=None, max_iter=1000, tol=1e-4, anderson=True):
    """Minimise ``F(W) + sum_j pen(||W_j,:||)`` by working-set row-wise BCD.

    The outer loop (a few iterations) runs in Python with BLAS for the full
    gradient ``X̂ᵀR``; the inner epochs on the working set's gathered columns
    run in numba.  The ℓ2,1 norm (``penalty`` an :class:`~sparsestat.penalties.L1`
    applied to row norms, i.e. ``alpha·sum_j ||W_j||``:
    :meth:`L21.row_penalty <sparsestat.penalties.L21.row_penalty>`) stops on the duality gap
    relative to the centred ``||Y||_F²``; nonconvex row penalties on the largest
    row violation.

    Parameters
    ----------
    problem : QuadraticProblem
        Built with a 2-D target (n_samples, n_tasks).
    penalty : SeparablePenalty
        The penalty of one row norm (L1 for the multitask Lasso, MCP, SCAD...).

    Returns
    -------
    SolverResult
        ``coef`` of shape (n_features, n_tasks), ``intercept`` of shape (n_tasks,).
    """
    code = int(penalty.kernel_code)
    params = penalty.kernel_params
    n_features = problem.n_features
    Y = problem.y
    n_tasks = Y.shape[1]
    W = np.zeros((n_features, n_tasks)) if coef_init is None else np.array(coef_init, dtype=float)
    rho = problem.rho.astype(np.float64)
    if np.any(W):
        R = np.ascontiguousarray(Y - rho[:, None] * np.asarray(problem.X @ W, dtype=np.float64))
        R = R.astype(problem.dtype)
    else:  # cold start: no product needed
        R = np.array(Y, dtype=problem.dtype, order="C")
    vr = rho @ R if problem.fit_intercept else np.zeros(n_tasks)
    vr = np.asarray(vr, dtype=np.float64)
    use_gap = _has_rows_gap(penalty)
    threshold = tol * problem.y_norm2 if use_gap else tol
    alpha = penalty.alpha
    n_epochs = 0
    stop_crit = np.inf
    converged = False
    design = problem.kernel_design()
    while True:
        scaled = rho[:, None] * R if problem.weighted else R
        correlation = np.asarray(problem.X.T @ scaled, dtype=np.float64)
        if problem.fit_intercept:
            correlation -= np.outer(problem.means, vr)
        G = -problem.scale2 * correlation
        violations = _violations(W, G, problem.lipschitz, code, params)
        if use_gap:
            row_norms = np.linalg.norm(G, axis=1)
            largest = row_norms.max() if row_norms.size else 0.0
            const = min(1.0, alpha / largest) if largest > 0 and alpha > 0 else 1.0
            r_norm2 = 2.0 * _multitask_kernels.residual_value(
                R, vr, problem.V, problem.scale2, problem.fit_intercept
            )
            ry = float(np.sum(Y * R))
            if problem.fit_intercept:
                ry -= float(np.dot(problem.vy, vr)) / problem.V
            ry *= problem.scale2
            penalty_value = alpha * np.linalg.norm(W, axis=1).sum()
            stop_crit = rescaled_residual_gap(
                float(r_norm2), float(ry), float(penalty_value), float(const), 0.0, 0.0
            )
            if alpha == 0.0:
                stop_crit += float(np.sum(G**2)) / (2 * max(problem.lipschitz.max(), 1e-300))
        else:
            stop_crit = float(violations.max()) if violations.size else 0.0
        if stop_crit <= threshold:
            converged = True
            break
        if n_epochs >= max_iter:
            break
        row_norms_w = np.linalg.norm(W, axis=1)
        ws = build_working_set(row_norms_w, violations, WS_START)
        block = gather_block(design, ws)
        W_local = np.ascontiguousarray(W[ws])
        n_epochs += _multitask_kernels.multitask_inner_solve(
            block,
            Y,
            problem.V,
            problem.scale2,
            problem.means[ws],
            problem.lipschitz[ws],
            problem.fit_intercept,
            W_local,
            R,
            vr,
            code,
            params,
            max_iter - n_epochs,
            INNER_TOL_RATIO * float(violations.max()),
            ANDERSON_K if anderson else 0,
            CHECK_EVERY,
        )
        W[ws] = W_local
    intercept = vr / problem.V if problem.fit_intercept else np.zeros(n_tasks)
    return SolverResult(W, intercept, n_epochs, stop_crit, converged, use_gap, "bcd")


def solve_gram_multitask(problem, penalty, coef_init=None, max_iter=1000, tol=1e-4):
    """Row-wise BCD on the precomputed moments (a :class:`~sparsestat.datafits.GramProblem`).

    Same problem and stopping rule as :func:`solve_multitask` (duality gap
    relative to the centred ``||Y||_F²`` for the ℓ2,1 norm, largest row
    violation otherwise), for data given by its sufficient statistics: each
    epoch costs O(p²·n_tasks), independent of the number of samples.
    """
    Q, q = problem.gram()
    code = int(penalty.kernel_code)
    n_tasks = q.shape[1]
    W = (
        np.zeros((problem.n_features, n_tasks))
        if coef_init is None
        else np.array(coef_init, dtype=float)
    )
    use_gap = _has_rows_gap(penalty)
    threshold = tol * problem.y_norm2 if use_gap else tol
    n_epochs, stop_crit, converged = _multitask_kernels.gram_multitask_bcd(
        Q,
        q,
        problem.y_norm2,
        code,
        penalty.kernel_params,
        W,
        int(max_iter),
        float(threshold),
        use_gap,
    )
    intercept = problem.intercept(W)
    return SolverResult(W, intercept, n_epochs, stop_crit, converged, use_gap, "gram")
