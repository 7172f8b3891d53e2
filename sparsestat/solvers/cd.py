"""Coordinate-descent solvers (numba) for least squares plus a separable penalty."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _cd_kernels

__all__ = ["SolverResult", "solve_cd", "solve_gram_cd"]

#: Initial working-set size and how often (in epochs) the inner loop checks itself.
WS_START = 30
CHECK_EVERY = 5
ANDERSON_K = 5


@dataclass
class SolverResult:
    """What a solver returns: float64 coefficients and its own report.

    Parameters
    ----------
    coef : ndarray of shape (n_features,) or (n_features, n_tasks)
        The coefficients (float64).
    intercept : float or ndarray of shape (n_tasks,)
        The intercept (0 without one).
    n_iter : int
        Epochs (coordinate descent) or iterations (FISTA) run; 0 when the
        starting point already met the tolerance.
    stop_crit : float
        The stopping criterion reached (duality gap or subdifferential distance).
    converged : bool
        Whether ``stop_crit`` met the tolerance within ``max_iter``.
    uses_gap : bool
        Whether ``stop_crit`` is a duality gap.
    solver : str
        Which solver ran (``"cd"``, ``"gram"``, ``"bcd"``, ``"fista"``, ``"cvxpy"``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.solvers import SolverResult
    >>> result = SolverResult(np.zeros(3), 0.0, 0, 0.0, True, True, "cd")
    >>> result.converged, result.solver
    (True, 'cd')
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    stop_crit: float
    converged: bool
    uses_gap: bool
    solver: str


def solve_cd(problem, penalty, coef_init=None, max_iter=1000, tol=1e-4, anderson=True):
    """Working-set coordinate descent with Anderson acceleration.

    Parameters
    ----------
    problem : QuadraticProblem
        The data and the datafit (never modified).
    penalty : SeparablePenalty
        The penalty, run by its numba kernel.
    coef_init : ndarray of shape (n_features,), optional
        Warm start (copied, never modified).
    max_iter : int
        Maximum number of CD epochs (passes over the working set).
    tol : float
        Duality gap relative to the centred ``||y||²`` for the Lasso and the
        elastic net (as in scikit-learn); largest subdifferential distance for the
        other penalties.
    anderson : bool
        Anderson extrapolation from the last ``ANDERSON_K + 1`` iterates, every
        ``ANDERSON_K + 1`` epochs (accepted when it lowers the objective).

    Returns
    -------
    SolverResult
        Coefficients, intercept, epochs and the stopping criterion reached.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.datafits import QuadraticProblem
    >>> from sparsestat.penalties import L1
    >>> from sparsestat.solvers import solve_cd
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> result = solve_cd(QuadraticProblem(X, X @ [1.0, 0.0, 0.0, -2.0]), L1(alpha=0.1))
    >>> result.coef.round(3), result.converged
    (array([ 0.9  ,  0.   ,  0.   , -1.924]), True)
    """
    w = np.zeros(problem.n_features) if coef_init is None else np.array(coef_init, dtype=float)
    use_gap = bool(penalty.has_duality_gap)
    design, datafit = problem.kernel_arguments()
    vr, _, n_epochs, stop_crit, converged = _cd_kernels.working_set_cd(
        design,
        datafit,
        penalty.kernel_arguments(problem.n_features),
        w,
        int(max_iter),
        float(tol),
        use_gap,
        WS_START,
        ANDERSON_K if anderson else 0,
        CHECK_EVERY,
    )
    intercept = vr / problem.V if problem.fit_intercept else 0.0
    # epochs, as scikit-learn counts them (0 when the start already meets the tolerance)
    return SolverResult(w, intercept, n_epochs, stop_crit, converged, use_gap, "cd")


def solve_gram_cd(problem, penalty, coef_init=None, max_iter=1000, tol=1e-4, gram=None):
    """Coordinate descent on the precomputed centred Gram matrix (n_samples ≫ n_features).

    ``gram`` may pass a precomputed ``(Q, q)`` pair (for paths); otherwise it is
    computed from ``problem`` (one ``XᵀX``, BLAS).

    Parameters
    ----------
    problem : QuadraticProblem or GramProblem
        The datafit; only its ``gram()``, ``y_norm2`` and ``intercept`` are read.
    penalty : SeparablePenalty
        The penalty, run by its numba kernel.
    coef_init : ndarray of shape (n_features,), optional
        Warm start (copied, never modified).
    max_iter : int, default=1000
        Maximum number of epochs (each O(n_features²)).
    tol : float, default=1e-4
        As in :func:`solve_cd`.
    gram : tuple (Q, q), optional
        The centred, scaled ``XᵀX`` and ``Xᵀy`` (as ``problem.gram()`` returns them).

    Returns
    -------
    SolverResult
        Coefficients, intercept, epochs and the stopping criterion reached.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.datafits import QuadraticProblem
    >>> from sparsestat.penalties import L1
    >>> from sparsestat.solvers import solve_gram_cd
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> problem = QuadraticProblem(X, X @ [1.0, 0.0, 0.0, -2.0])
    >>> solve_gram_cd(problem, L1(alpha=0.1)).coef.round(3)
    array([ 0.9  ,  0.   ,  0.   , -1.924])
    """
    Q, q = problem.gram() if gram is None else gram
    w = np.zeros(problem.n_features) if coef_init is None else np.array(coef_init, dtype=float)
    use_gap = bool(penalty.has_duality_gap)
    _, n_epochs, stop_crit, converged = _cd_kernels.gram_cd(
        Q,
        q,
        problem.y_norm2,
        penalty.kernel_arguments(problem.n_features),
        w,
        int(max_iter),
        float(tol),
        use_gap,
        ANDERSON_K,
    )
    intercept = problem.intercept(w)
    return SolverResult(w, intercept, n_epochs, stop_crit, converged, use_gap, "gram")
