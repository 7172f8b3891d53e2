r"""Multitask regression with row-sparse coefficients (shared supports)."""

from __future__ import annotations

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted, validate_data

from .._progress import run_parallel
from .._validation import check_integer, check_real
from ..datafits.statistics import is_dask_collection
from ..penalties import L1, MCP, SCAD
from ._base import (
    RefitPredictMixin,
    check_sample_weight,
    fit_dask,
    make_problem,
    predict_dask,
    statistics_problem,
    warn_if_not_converged,
)
from .regression import _store_params

__all__ = ["MultiTaskSparseRegression", "MultiTaskLasso", "MultiTaskLassoCV"]

_ROW_PENALTIES = ("l21", "mcp", "scad")


def _validate_multitask(estimator, X, Y, reset=True):
    X, Y = validate_data(
        estimator,
        X,
        Y,
        reset=reset,
        accept_sparse=("csr", "csc"),
        dtype=[np.float64, np.float32],
        multi_output=True,
        y_numeric=True,
    )
    Y = np.asarray(Y)
    if Y.ndim != 2:
        raise ValueError(
            f"{type(estimator).__name__} needs a 2-D target of shape (n_samples, n_tasks); got "
            f"shape {Y.shape}. For a single task use Lasso (or reshape y to (-1, 1))."
        )
    return X, np.asarray(Y, dtype=X.dtype)


class MultiTaskSparseRegression(RegressorMixin, BaseEstimator):
    r"""Multitask linear regression whose tasks share their support.

    .. math::

        \min_{W, b}\ \frac{1}{2\sum_i s_i}\sum_i s_i\|y_i - W x_i - b\|^2
        + \sum_j \mathrm{pen}(\|W_{:, j}\|_2)

    (scikit-learn's scaling and ``coef_`` layout: ``W`` is (n_tasks,
    n_features)).  ``penalty="l21"``: :math:`\alpha\|W_{:,j}\|` (the multitask
    Lasso); ``"mcp"``, ``"scad"``: the nonconvex penalty of the row norm (block
    MCP / SCAD), which recovers shared supports with less bias.  Solved by
    working-set block coordinate descent over feature rows (numba, Anderson
    acceleration); dense or sparse ``X``, float32 or float64.

    Parameters
    ----------
    penalty : {"l21", "mcp", "scad"}, default="l21"
    alpha : float, default=1.0
    gamma : float, optional
        MCP (> 1, default 3) or SCAD (> 2, default 3.7) concavity.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of epochs over the working sets.
    tol : float, default=1e-4
        Duality gap relative to the centred ``||Y||_F²`` (l21); largest row
        violation otherwise.
    warm_start : bool, default=False
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    n_iter_ : int
    stop_crit_ : float
    dual_gap_ : float (l21 only)
    active_features_ : ndarray of int, features with a non-zero row
    n_features_in_ : int

    References
    ----------
    .. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection
       and joint subspace selection for multiple classification problems",
       Stat. Comput. 20, 231–252, 2010.
    .. [2] C.-H. Zhang, "Nearly unbiased variable selection under minimax concave
       penalty", Ann. Statist. 38(2), 894–942, 2010.
    """

    def __init__(
        self,
        penalty="l21",
        alpha=1.0,
        *,
        gamma=None,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        verbose=0,
    ):
        _store_params(self, locals())

    def _row_penalty(self):
        name = getattr(self, "penalty", "l21")
        if name not in _ROW_PENALTIES:
            raise ValueError(f"penalty must be one of {_ROW_PENALTIES}, got {name!r}.")
        alpha = check_real(self.alpha, "alpha", low=0.0)
        if name == "l21":
            return L1(alpha)
        gamma = getattr(self, "gamma", None)
        if name == "mcp":
            gamma = (
                3.0 if gamma is None else check_real(gamma, "gamma", low=1.0, low_inclusive=False)
            )
            return MCP(alpha, gamma=gamma)
        gamma = 3.7 if gamma is None else check_real(gamma, "gamma", low=2.0, low_inclusive=False)
        return SCAD(alpha, gamma=gamma)

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            A :mod:`dask.array` (rows in chunks) is reduced to its sufficient
            statistics by dask and fitted as in :meth:`fit_from_statistics`.
        y : array-like of shape (n_samples, n_tasks)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        from ..solvers.multitask import solve_multitask

        self._check_flags()
        if any(is_dask_collection(value) for value in (X, y, sample_weight)):
            return fit_dask(self, X, y, sample_weight)
        X, Y = _validate_multitask(self, X, y)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        problem = make_problem(X, Y, sample_weight, self.fit_intercept)
        return self._fit_problem(solve_multitask, problem, Y.shape[1], X.dtype)

    def fit_from_statistics(self, statistics):
        """Fit from sufficient statistics computed with a 2-D ``y``.

        Block coordinate descent on the ``p × p`` moments (O(p²·n_tasks) per
        epoch, independent of the number of samples); see
        :func:`sparsestat.sufficient_statistics`.

        Parameters
        ----------
        statistics : SufficientStatistics

        Returns
        -------
        self
        """
        from ..solvers.multitask import solve_gram_multitask

        self._check_flags()
        problem = statistics_problem(self, statistics, targets=2)
        return self._fit_problem(
            solve_gram_multitask, problem, statistics.n_targets, statistics.dtype
        )

    def _check_flags(self):
        for name in ("fit_intercept", "warm_start"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}.")

    def _fit_problem(self, solve, problem, n_tasks, dtype):
        penalty = self._row_penalty()
        max_iter = check_integer(self.max_iter, "max_iter", low=1)
        tol = check_real(self.tol, "tol", low=0.0)
        coef_init = None
        previous = getattr(self, "coef_", None)
        if self.warm_start and previous is not None:
            if previous.shape == (n_tasks, problem.n_features):
                coef_init = np.asarray(previous, dtype=float).T
        result = solve(problem, penalty, coef_init, max_iter=max_iter, tol=tol)
        warn_if_not_converged(result, type(self).__name__, max_iter, tol)
        self.coef_ = np.ascontiguousarray(result.coef.T, dtype=dtype)
        self.intercept_ = (
            np.asarray(result.intercept, dtype=dtype)
            if self.fit_intercept
            else np.zeros(n_tasks, dtype=dtype)
        )
        self.n_iter_ = int(result.n_iter)
        self.stop_crit_ = float(result.stop_crit)
        if result.uses_gap:
            self.dual_gap_ = float(result.stop_crit)
        self.active_features_ = np.flatnonzero(np.any(self.coef_ != 0, axis=0))
        self.penalty_ = penalty
        return self

    def predict(self, X):
        """Predict ``X @ coef_.T + intercept_``, shape (n_samples, n_tasks) (lazy for dask X)."""
        check_is_fitted(self, "coef_")
        if is_dask_collection(X):
            return predict_dask(self, X)
        X = validate_data(
            self, X, reset=False, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32]
        )
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class MultiTaskLasso(MultiTaskSparseRegression):
    r"""Multitask Lasso: a drop-in for ``sklearn.linear_model.MultiTaskLasso``.

    Minimises :math:`\frac{1}{2n}\|Y - XW^\top - 1b^\top\|_F^2 + \alpha\sum_j\|W_{:,j}\|_2`
    by working-set block coordinate descent with Anderson acceleration (numba),
    stopping on the duality gap relative to the centred ``||Y||_F²`` as
    scikit-learn does.  Also accepts sparse ``X`` and sample weights.

    Parameters
    ----------
    alpha : float, default=1.0
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified.
    max_iter : int, default=1000
    tol : float, default=1e-4
    warm_start : bool, default=False
    random_state, selection
        Accepted for compatibility (working sets choose the rows).
    verbose : int, default=0

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, stop_crit_, active_features_
        As in :class:`MultiTaskSparseRegression`.

    References
    ----------
    .. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection
       and joint subspace selection for multiple classification problems",
       Stat. Comput. 20, 231–252, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import MultiTaskLasso
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> MultiTaskLasso(alpha=0.1).fit(X, [[0, 0], [1, 1], [2, 2]]).coef_.round(4)
    array([[0.8939, 0.    ],
           [0.8939, 0.    ]])
    """

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        random_state=None,
        selection="cyclic",
        verbose=0,
    ):
        _store_params(self, locals())

    def _row_penalty(self):
        if self.selection not in ("cyclic", "random"):
            raise ValueError(f"selection must be 'cyclic' or 'random', got {self.selection!r}.")
        return L1(check_real(self.alpha, "alpha", low=0.0))


def _multitask_fold_errors(X, Y, sample_weight, train, test, alphas, params):
    model = MultiTaskLasso(**params, warm_start=True)
    errors = np.empty(len(alphas))
    weight = None if sample_weight is None else sample_weight[train]
    for position, alpha in enumerate(alphas):
        model.set_params(alpha=float(alpha))
        model.fit(X[train], Y[train], sample_weight=weight)
        errors[position] = np.mean((Y[test] - model.predict(X[test])) ** 2)
    return errors


class MultiTaskLassoCV(RefitPredictMixin, RegressorMixin, BaseEstimator):
    """Multitask Lasso with ``alpha`` chosen by K-fold cross-validation (joblib).

    Parameters
    ----------
    alphas : array-like, optional
        Default: ``n_alphas`` values from ``alpha_max = max_j ||X̃_jᵀỸ||/n`` down
        to ``eps·alpha_max``.
    n_alphas : int, default=100
    eps : float, default=1e-3
    cv : int or splitter, default=5
    n_jobs : int, default=None
    fit_intercept, max_iter, tol
        As in :class:`MultiTaskLasso`.
    verbose : int, default=0
        A tqdm progress bar of the finished folds.

    Attributes
    ----------
    alpha_ : float
    alphas_ : ndarray of shape (n_alphas,)
    mse_path_ : ndarray of shape (n_alphas, n_folds)
    coef_, intercept_, n_iter_ : from the refit

    References
    ----------
    .. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection
       and joint subspace selection for multiple classification problems",
       Stat. Comput. 20, 231–252, 2010.
    """

    def __init__(
        self,
        *,
        alphas=None,
        n_alphas=100,
        eps=1e-3,
        cv=5,
        n_jobs=None,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-4,
        verbose=0,
    ):
        _store_params(self, locals())

    def fit(self, X, y, sample_weight=None):
        """Choose ``alpha`` by cross-validation, then refit on all data."""
        X, Y = _validate_multitask(self, X, y)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        if self.alphas is None:
            problem = make_problem(X, Y, sample_weight, self.fit_intercept)
            rho = problem.rho.astype(float)
            centred = (
                problem.y - np.outer(rho, problem.vy / problem.V)
                if self.fit_intercept
                else problem.y
            )
            G = np.asarray(X.T @ (rho[:, None] * centred), dtype=float) * problem.scale2
            top = float(np.linalg.norm(G, axis=1).max()) or 1.0
            n_alphas = check_integer(self.n_alphas, "n_alphas", low=1)
            eps = check_real(self.eps, "eps", low=0.0, high=1.0, low_inclusive=False)
            alphas = top * np.geomspace(1.0, eps, n_alphas)
        else:
            alphas = np.sort(np.asarray(self.alphas, dtype=float).ravel())[::-1]
        params = {"fit_intercept": self.fit_intercept, "max_iter": self.max_iter, "tol": self.tol}
        folds = list(check_cv(self.cv).split(X, Y))
        jobs = [
            delayed(_multitask_fold_errors)(X, Y, sample_weight, train, test, alphas, params)
            for train, test in folds
        ]
        errors = run_parallel(jobs, self.n_jobs, self.verbose, len(jobs), "cross-validation")
        self.mse_path_ = np.asarray(errors).T
        self.alphas_ = alphas
        self.alpha_ = float(alphas[np.argmin(self.mse_path_.mean(axis=1))])
        best = MultiTaskLasso(alpha=self.alpha_, **params).fit(X, Y, sample_weight=sample_weight)
        self._adopt(best, ("coef_", "intercept_", "n_iter_"))
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags
