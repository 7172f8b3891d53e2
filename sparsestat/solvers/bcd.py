"""Block coordinate descent (numba) for least squares plus the group lasso."""

from __future__ import annotations

import numpy as np

from . import _bcd_kernels
from .cd import ANDERSON_K, CHECK_EVERY, SolverResult

__all__ = ["solve_group_bcd"]

#: Initial number of groups in the working set.
WS_START_GROUPS = 10


def solve_group_bcd(problem, penalty, coef_init=None, max_iter=1000, tol=1e-6, anderson=True):
    """Working-set block coordinate descent for ``F(w) + GroupL2(w)``.

    Parameters
    ----------
    problem : QuadraticProblem
    penalty : GroupL2
        Its partition must describe ``problem.n_features`` features.
    coef_init : ndarray of shape (n_features,), optional
    max_iter : int
        Maximum number of block epochs.
    tol : float
        Duality gap relative to the centred ``||y||²``.
    anderson : bool

    Returns
    -------
    SolverResult
    """
    partition = penalty.partition
    partition.check_n_features(problem.n_features, "X")
    taus = np.ascontiguousarray(penalty.alpha * penalty.group_weights, dtype=np.float64)
    w = np.zeros(problem.n_features) if coef_init is None else np.array(coef_init, dtype=float)
    design, datafit = problem.kernel_arguments()
    vr, n_epochs, stop_crit, converged = _bcd_kernels.working_set_bcd(
        design,
        datafit,
        partition.grp_ptr,
        partition.grp_idx,
        taus,
        w,
        int(max_iter),
        float(tol),
        WS_START_GROUPS,
        ANDERSON_K if anderson else 0,
        CHECK_EVERY,
    )
    intercept = vr / problem.V if problem.fit_intercept else 0.0
    return SolverResult(w, intercept, n_epochs, stop_crit, converged, True, "bcd")
