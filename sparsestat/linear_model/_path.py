"""Regularization paths with warm starts, and the smallest alpha that zeroes a model."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from joblib import delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_array, check_consistent_length

from .._progress import progress, run_parallel
from .._validation import check_coef_init, check_integer, check_real, check_sample_weight
from ..penalties import SeparablePenalty
from ..solvers._table import auto_solver
from ._base import (
    NOT_CONVERGED,
    PENALTY_NAMES,
    build_penalty,
    check_finite_result,
    make_problem,
    report_solve,
    run_solver,
)

__all__ = ["sparse_path", "alpha_max"]


class _Settings:
    """The flat parameters ``build_penalty`` reads, for one alpha."""

    def __init__(self, penalty, alpha, l1_ratio, gamma, q, positive):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.gamma = gamma
        self.q = q
        self.positive = positive


def alpha_max(
    X,
    y,
    penalty="l1",
    *,
    l1_ratio=0.5,
    gamma=None,
    q=0.5,
    positive=False,
    fit_intercept=True,
    sample_weight=None,
):
    """Smallest ``alpha`` at which coordinate descent started at 0 stays at 0.

    For the penalties with a finite slope at 0 (l1, elasticnet, mcp, scad,
    cel0) this is the smallest alpha making 0 a stationary point,
    ``penalty.alpha_max(∇F(0))``.  For l0 and lq, whose subdifferential at 0 is
    the whole line, it is the smallest alpha for which every coordinate's exact
    minimisation from 0 returns 0: ``max_j g_j²/(2 L_j)`` for l0 and
    ``max_j L_j (|g_j|/(L_j·tau_1))^(2−q)`` for lq, with ``tau_1`` the ℓq
    threshold at unit strength.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    penalty : str or SeparablePenalty, default="l1"
        One of ``"l1"``, ``"elasticnet"``, ``"l0"``, ``"lq"``, ``"cel0"``,
        ``"mcp"``, ``"scad"``, or a separable penalty object (its ``alpha`` is
        ignored).
    l1_ratio : float, default=0.5
        Elastic-net mixing (``alpha_max`` is the Lasso's divided by it).
    gamma : float, default=None
        MCP / SCAD concavity (does not change ``alpha_max``).
    q : float, default=0.5
        Exponent of the ℓq penalty.
    positive : bool, default=False
        Non-negative coefficients (only positive correlations count).
    fit_intercept : bool, default=True
        Whether the model fits an intercept (``X`` and ``y`` centred).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    float
        With unit weights and ``penalty="l1"``:
        ``max_j |X̃_jᵀ ỹ| / n_samples``, scikit-learn's ``alpha_max``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import Lasso, alpha_max
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((40, 8)), rng.standard_normal(40)
    >>> top = alpha_max(X, y)
    >>> bool(np.all(Lasso(alpha=top).fit(X, y).coef_ == 0))
    True
    >>> bool(np.any(Lasso(alpha=0.9 * top).fit(X, y).coef_ != 0))
    True
    """
    X = check_array(
        X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32], input_name="X"
    )
    y = check_array(y, ensure_2d=False, dtype=X.dtype, input_name="y")
    check_consistent_length(X, y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}.")
    sample_weight = check_sample_weight(sample_weight, X.shape[0])
    problem = make_problem(X, y, sample_weight, fit_intercept)
    return problem_alpha_max(
        problem, penalty, l1_ratio=l1_ratio, gamma=gamma, q=q, positive=positive
    )


def problem_alpha_max(problem, penalty="l1", *, l1_ratio=0.5, gamma=None, q=0.5, positive=False):
    """:func:`alpha_max` of a datafit problem (``QuadraticProblem`` or ``GramProblem``)."""
    grad = problem.gradient(np.zeros(problem.n_features))
    if not isinstance(penalty, SeparablePenalty):
        settings = _Settings(penalty, 1.0, l1_ratio, gamma, q, positive)
        penalty = build_penalty(settings, problem)
    # each penalty class owns its rule (L0 and Lq: the step-dependent one)
    return penalty.coordinate_alpha_max(grad, problem.lipschitz)


def alpha_grid(alphas, n_alphas, eps, top):
    """The decreasing grid of alphas a path or a CV runs on.

    ``alphas`` None: ``n_alphas`` values from ``top`` down to ``eps·top`` on a
    geometric grid; an int: that many values; an array: sorted in decreasing
    order.  When ``top`` is 0 (``y`` constant or orthogonal to ``X``) every
    alpha zeroes the model and the grid is ``finfo(float).resolution``
    repeated, as in scikit-learn.
    """
    if alphas is not None and not isinstance(alphas, numbers.Integral):
        grid = np.sort(np.asarray(alphas, dtype=float).ravel())[::-1]
        if grid.size == 0 or np.any(~np.isfinite(grid)) or np.any(grid < 0):
            raise ValueError("alphas must be a non-empty array of finite values >= 0.")
        return grid
    if alphas is not None:
        n_alphas = check_integer(alphas, "alphas", low=1)
    n_alphas = check_integer(n_alphas, "n_alphas", low=1)
    eps = check_real(eps, "eps", low=0.0, high=1.0, low_inclusive=False)
    if top <= 0:
        return np.full(n_alphas, np.finfo(float).resolution)
    return top * np.geomspace(1.0, eps, n_alphas)


def sparse_path(
    X,
    y,
    penalty="l1",
    *,
    alphas=None,
    n_alphas=100,
    eps=1e-3,
    l1_ratio=0.5,
    gamma=None,
    q=0.5,
    fit_intercept=True,
    positive=False,
    sample_weight=None,
    max_iter=1000,
    tol=1e-6,
    solver="auto",
    coef_init=None,
    return_info=False,
    verbose=0,
    n_jobs=None,
):
    """Solutions along a decreasing grid of ``alpha``, each warm-started at the previous.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    penalty : str, penalty object or list of them, default="l1"
        One of ``"l1"``, ``"elasticnet"``, ``"l0"``, ``"lq"``, ``"cel0"``,
        ``"mcp"``, ``"scad"``, or a separable penalty object.  With a list,
        one path per penalty is computed, each on its own grid (unless
        ``alphas`` is given), as independent jobs of ``joblib.Parallel``
        (``n_jobs``; ``with joblib.parallel_backend("dask")`` spreads them over
        a cluster), and a list of results is returned.
    alphas : array-like or int, optional
        The grid (sorted in decreasing order before use), or the number of
        alphas of the default grid.  Default: ``n_alphas`` values from
        :func:`alpha_max` down to ``eps·alpha_max`` on a geometric grid.
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is None.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the default grid.
    l1_ratio, gamma, q, fit_intercept, positive, max_iter, tol
        As in :class:`~sparsestat.linear_model.SparseRegression`.
    sample_weight : array-like of shape (n_samples,), optional
        Sample weights.
    solver : {"auto", "cd", "gram"}, default="auto"
        The Gram matrix is computed once for the whole path.
    coef_init : array-like of shape (n_features,), optional
        Warm start of the first alpha.
    return_info : bool, default=False
        Also return a dict with ``n_iter``, ``stop_crit`` and ``converged``
        (bool) per alpha.
    verbose : int, default=0
        Show a tqdm progress bar over the alphas (over the finished paths
        for a list of penalties; tqdm is optional); from 2 on, also one line
        per solve.
    n_jobs : int, default=None
        Number of joblib workers for a list of penalties (a single path is
        sequential: each alpha is warm-started at the previous one).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The grid, in decreasing order.
    coefs : ndarray of shape (n_features, n_alphas)
        The solutions.
    intercepts : ndarray of shape (n_alphas,)
        The intercepts.
    info : dict, only if ``return_info``
        For a list of penalties: a list with one such tuple per penalty, in
        the same order.

    Warns
    -----
    ConvergenceWarning
        When some alphas did not converge within ``max_iter`` (one warning
        for the path, naming how many and the largest criterion).

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import sparse_path
    >>> X, y, _ = make_sparse_regression(60, 30, 3, random_state=0)
    >>> alphas, coefs, intercepts = sparse_path(X, y, penalty="mcp", n_alphas=20)
    >>> coefs.shape, int((coefs[:, 0] != 0).sum())
    ((30, 20), 0)
    >>> paths = sparse_path(X, y, penalty=["l1", "mcp", "scad"], n_alphas=20, n_jobs=2)
    >>> [coefs.shape for _, coefs, _ in paths]
    [(30, 20), (30, 20), (30, 20)]
    """
    # every parameter but the data, the penalty and the parallel settings, for the jobs
    # of a list of penalties (taken from the signature so that it cannot drift)
    path_options = {
        name: value
        for name, value in locals().items()
        if name not in ("X", "y", "penalty", "verbose", "n_jobs")
    }
    X = check_array(
        X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32], input_name="X"
    )
    y = check_array(y, ensure_2d=False, dtype=X.dtype, input_name="y")
    check_consistent_length(X, y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}.")
    if isinstance(penalty, (list, tuple)):
        if not penalty:
            raise ValueError("penalty must be a penalty or a non-empty list of penalties.")
        if any(isinstance(single, (list, tuple)) for single in penalty):
            raise TypeError("penalty lists cannot be nested.")
        jobs = [delayed(sparse_path)(X, y, single, **path_options) for single in penalty]
        return run_parallel(jobs, n_jobs, verbose, len(jobs), "sparse paths")
    sample_weight = check_sample_weight(sample_weight, X.shape[0])
    problem = make_problem(X, y, sample_weight, fit_intercept)
    if isinstance(penalty, str) and penalty not in PENALTY_NAMES:
        raise ValueError(f"penalty must be one of {PENALTY_NAMES}, got {penalty!r}.")
    top = None
    if alphas is None or isinstance(alphas, numbers.Integral):
        top = problem_alpha_max(
            problem, penalty, l1_ratio=l1_ratio, gamma=gamma, q=q, positive=positive
        )
    alphas = _path_grid(alphas, n_alphas, eps, top)
    max_iter = check_integer(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    if solver == "auto":
        solver = auto_solver("separable", X)
    if solver not in ("cd", "gram"):
        raise ValueError(f"sparse_path runs solver 'cd' or 'gram', got {solver!r}.")
    gram = problem.gram() if solver == "gram" else None
    coefs = np.empty((X.shape[1], alphas.size), dtype=X.dtype)
    intercepts = np.empty(alphas.size)
    n_iters = np.empty(alphas.size, dtype=int)
    stop_crits = np.empty(alphas.size)
    converged = np.empty(alphas.size, dtype=bool)
    warm = None if coef_init is None else check_coef_init(coef_init, X.shape[1])
    steps = progress(alphas, verbose, total=alphas.size, description="sparse_path")
    uses_gap = False
    for position, alpha in enumerate(steps):
        if isinstance(penalty, SeparablePenalty):
            pen = penalty.replace(alpha=float(alpha))
        else:
            pen = build_penalty(
                _Settings(penalty, float(alpha), l1_ratio, gamma, q, positive), problem
            )
        result = run_solver(solver, problem, pen, warm, max_iter, tol, gram=gram)
        check_finite_result(result.coef, result.stop_crit)
        if verbose >= 2:
            report_solve(f"{type(pen).__name__}(alpha={alpha:.4g})", result, tol)
        warm = result.coef
        uses_gap = result.uses_gap
        coefs[:, position] = result.coef
        intercepts[position] = result.intercept
        n_iters[position] = result.n_iter
        stop_crits[position] = result.stop_crit
        converged[position] = result.converged
    if not np.all(converged):
        warn_path_not_converged(converged, stop_crits, alphas, uses_gap, max_iter, tol)
    if return_info:
        info = {"n_iter": n_iters, "stop_crit": stop_crits, "converged": converged}
        return alphas, coefs, intercepts, info
    return alphas, coefs, intercepts


def _path_grid(alphas, n_alphas, eps, top):
    return alpha_grid(alphas, n_alphas, eps, top if top is not None else 0.0)


def warn_path_not_converged(converged, stop_crits, alphas, uses_gap, max_iter, tol):
    """One ConvergenceWarning for a path: how many alphas, the worst criterion."""
    failed = np.flatnonzero(~np.asarray(converged))
    worst = failed[np.argmax(np.asarray(stop_crits)[failed])]
    what = "duality gap" if uses_gap else "subdifferential distance"
    warnings.warn(
        f"{NOT_CONVERGED}. You might want to increase the number of iterations "
        f"(max_iter={max_iter}), check the scale of the features or loosen tol. "
        f"sparse_path: {failed.size} of the {len(converged)} alphas did not converge; "
        f"the largest {what} is {float(stop_crits[worst]):.3e} at alpha={alphas[worst]:.4g} "
        f"(tol={tol:g}).",
        ConvergenceWarning,
        stacklevel=3,
    )
