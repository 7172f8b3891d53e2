"""Regularization paths with warm starts."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from joblib import delayed
from sklearn.utils.validation import check_array, check_consistent_length

from .._progress import progress, run_parallel
from .._validation import check_integer, check_real
from ..penalties import Lq, SeparablePenalty
from ._base import PENALTY_NAMES, build_penalty, check_sample_weight, make_problem, run_solver

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


def alpha_max(problem, penalty="l1", *, l1_ratio=0.5, gamma=None, q=0.5, positive=False):
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
    problem : QuadraticProblem
    penalty : str or SeparablePenalty

    Returns
    -------
    float
    """
    grad = problem.gradient(np.zeros(problem.n_features))
    lipschitz = problem.lipschitz
    if isinstance(penalty, SeparablePenalty):
        name = {"L0": "l0", "Lq": "lq"}.get(type(penalty).__name__)
        if name is None:
            return penalty.replace(alpha=1.0).alpha_max(grad)
        positive = penalty.positive
        q = getattr(penalty, "q", q)
        penalty = name
    active = lipschitz > 0
    drive = np.clip(-grad, 0.0, None) if positive else np.abs(grad)
    if penalty == "l0":
        values = drive[active] ** 2 / (2.0 * lipschitz[active])
        return float(values.max()) if values.size else 0.0
    if penalty == "lq":
        tau_unit = Lq(alpha=1.0, q=q).threshold(1.0)
        z = drive[active] / lipschitz[active]
        values = lipschitz[active] * (z / tau_unit) ** (2.0 - q)
        return float(values.max()) if values.size else 0.0
    settings = _Settings(penalty, 1.0, l1_ratio, gamma, q, positive)
    return build_penalty(settings, problem).alpha_max(grad)


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
    y : array-like of shape (n_samples,)
    penalty : str, penalty object or list of them, default="l1"
        One of ``"l1"``, ``"elasticnet"``, ``"l0"``, ``"lq"``, ``"cel0"``,
        ``"mcp"``, ``"scad"``, or a separable penalty object.  With a list,
        one path per penalty is computed, each on its own grid (unless
        ``alphas`` is given), as independent jobs of ``joblib.Parallel``
        (``n_jobs``; ``with joblib.parallel_backend("dask")`` spreads them over
        a cluster), and a list of results is returned.
    alphas : array-like, optional
        The grid (sorted in decreasing order before use).  Default: ``n_alphas``
        values from :func:`alpha_max` down to ``eps·alpha_max`` on a geometric grid.
    n_alphas : int, default=100
    eps : float, default=1e-3
    l1_ratio, gamma, q, fit_intercept, positive, max_iter, tol
        As in :class:`~sparsestat.linear_model.SparseRegression`.
    sample_weight : array-like of shape (n_samples,), optional
    solver : {"auto", "cd", "gram"}, default="auto"
        The Gram matrix is computed once for the whole path.
    coef_init : array-like of shape (n_features,), optional
        Warm start of the first alpha.
    return_info : bool, default=False
        Also return a dict with ``n_iter`` and ``stop_crit`` per alpha.
    verbose : int, default=0
        Show a tqdm progress bar over the alphas (over the finished paths
        for a list of penalties; tqdm is optional).
    n_jobs : int, default=None
        Number of joblib workers for a list of penalties (a single path is
        sequential: each alpha is warm-started at the previous one).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas)
    intercepts : ndarray of shape (n_alphas,)
    info : dict, only if ``return_info``
        For a list of penalties: a list with one such tuple per penalty, in
        the same order.

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
    X = check_array(X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32])
    y = check_array(y, ensure_2d=False, dtype=X.dtype)
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
    if alphas is None:
        n_alphas = check_integer(n_alphas, "n_alphas", low=1)
        eps = check_real(eps, "eps", low=0.0, high=1.0, low_inclusive=False)
        top = alpha_max(problem, penalty, l1_ratio=l1_ratio, gamma=gamma, q=q, positive=positive)
        top = top if top > 0 else 1.0
        alphas = top * np.geomspace(1.0, eps, n_alphas)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=float).ravel())[::-1]
        if alphas.size == 0 or np.any(~np.isfinite(alphas)) or np.any(alphas < 0):
            raise ValueError("alphas must be a non-empty array of finite values >= 0.")
    if solver == "auto":
        dense_tall = not sp.issparse(X) and X.shape[0] >= 10 * X.shape[1] and X.shape[1] <= 2000
        solver = "gram" if dense_tall else "cd"
    if solver not in ("cd", "gram"):
        raise ValueError(f"sparse_path runs solver 'cd' or 'gram', got {solver!r}.")
    gram = problem.gram() if solver == "gram" else None
    coefs = np.empty((X.shape[1], alphas.size), dtype=X.dtype)
    intercepts = np.empty(alphas.size)
    n_iters = np.empty(alphas.size, dtype=int)
    stop_crits = np.empty(alphas.size)
    warm = None if coef_init is None else np.asarray(coef_init, dtype=float)
    steps = progress(alphas, verbose, total=alphas.size, description="sparse_path")
    for position, alpha in enumerate(steps):
        if isinstance(penalty, SeparablePenalty):
            pen = penalty.replace(alpha=float(alpha))
        else:
            pen = build_penalty(
                _Settings(penalty, float(alpha), l1_ratio, gamma, q, positive), problem
            )
        if solver == "gram":
            from ..solvers import solve_gram_cd

            result = solve_gram_cd(problem, pen, warm, max_iter=max_iter, tol=tol, gram=gram)
        else:
            result = run_solver("cd", problem, pen, warm, max_iter, tol)
        warm = result.coef
        coefs[:, position] = result.coef
        intercepts[position] = result.intercept
        n_iters[position] = result.n_iter
        stop_crits[position] = result.stop_crit
    if return_info:
        return alphas, coefs, intercepts, {"n_iter": n_iters, "stop_crit": stop_crits}
    return alphas, coefs, intercepts
