"""Exact reference solutions of the convex problems with cvxpy (small problems)."""

from __future__ import annotations

import numpy as np

from ..datafits import QuadraticProblem
from ..penalties import L1, ElasticNet
from . import _cd_kernels
from .cd import SolverResult

__all__ = ["solve_cvxpy"]

_TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "max_iter": 500}


def solve_cvxpy(problem, penalty, coef_init=None, *, max_iter=None, tol=None):
    """Solve the Lasso or elastic-net problem with cvxpy (Clarabel, tight tolerances).

    Meant as a reference on small problems: it builds the whole problem
    symbolically from the data of ``problem`` (an
    :class:`~sparsestat.datafits.array.ArrayProblem` on numpy or scipy.sparse
    input).  The reported ``stop_crit`` is the duality gap at the solution,
    computed as for the other solvers.  ``coef_init``, ``max_iter`` and
    ``tol`` are accepted for the common solver signature and not used:
    Clarabel runs to its own tight tolerances.
    """
    X, y = problem.X, problem.y
    sample_weight, fit_intercept = problem.sample_weight, problem.fit_intercept
    from .._optional import import_optional

    cp = import_optional("cvxpy", "cvxpy", "solver='cvxpy'")
    if "cvxpy" not in penalty.solvers or not isinstance(penalty, (L1, ElasticNet)):
        raise ValueError(
            f"solver='cvxpy' supports the L1 and ElasticNet penalties, not "
            f"{type(penalty).__name__}."
        )
    n_samples, n_features = X.shape
    if sample_weight is None:
        weights = np.full(n_samples, 1.0 / n_samples)
    else:
        weights = np.asarray(sample_weight, dtype=float) / np.sum(sample_weight)
    w = cp.Variable(n_features)
    b = cp.Variable() if fit_intercept else 0.0
    residual = np.asarray(y, dtype=float) - X @ w - b
    objective = 0.5 * cp.sum(cp.multiply(weights, cp.square(residual)))
    alpha = penalty._alpha
    if isinstance(penalty, L1):
        l1_weights = np.ones(n_features) if penalty._weights is None else penalty._weights
        objective += alpha * cp.norm1(cp.multiply(l1_weights, w))
    else:
        ratio = penalty._l1_ratio
        objective += alpha * (ratio * cp.norm1(w) + 0.5 * (1 - ratio) * cp.sum_squares(w))
    constraints = [w >= 0] if penalty._positive else []
    problem = cp.Problem(cp.Minimize(objective), constraints)
    problem.solve(solver=cp.CLARABEL, **_TIGHT)
    coef = np.asarray(w.value, dtype=float).ravel()
    if penalty._positive:
        coef = np.maximum(coef, 0.0)
    quadratic = QuadraticProblem(X, np.asarray(y, dtype=X.dtype), sample_weight, fit_intercept)
    r, vr = quadratic.residual(coef)
    grad = quadratic.gradient(coef)
    gap = _cd_kernels.duality_gap(
        coef,
        grad,
        r,
        vr,
        quadratic.kernel_arguments()[1],
        penalty.kernel_arguments(n_features),
    )
    intercept = quadratic.intercept(coef)
    return SolverResult(coef, intercept, 1, gap, True, True, "cvxpy")
