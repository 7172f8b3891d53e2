"""Cross-validated choice of alpha (and gamma or q) along regularization paths."""

from __future__ import annotations

import numbers

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.validation import validate_data

from .._progress import run_parallel
from ._base import PENALTY_NAMES, RefitPredictMixin, check_sample_weight, make_problem
from ._path import alpha_max, sparse_path
from .regression import SparseRegression, _store_params

__all__ = ["SparseRegressionCV"]

_GRID_PARAMETER = {"mcp": "gamma", "scad": "gamma", "lq": "q", "elasticnet": "l1_ratio"}


def _as_grid(value):
    """A list of candidate values, and whether a grid was given."""
    if value is None or isinstance(value, (numbers.Number, str)):
        return [value], False
    values = list(np.asarray(value, dtype=float).ravel())
    if not values:
        raise ValueError("an empty grid of candidate values was given.")
    return values, True


def _fold_errors(X, y, sample_weight, train, test, penalty, alphas, extra, settings):
    """Weighted test MSE along the path fitted on ``train``."""
    kwargs = dict(settings)
    if extra is not None:
        kwargs[_GRID_PARAMETER[penalty]] = extra
    train_weight = None if sample_weight is None else sample_weight[train]
    _, coefs, intercepts = sparse_path(
        X[train], y[train], penalty=penalty, alphas=alphas, sample_weight=train_weight, **kwargs
    )
    predictions = np.asarray(X[test] @ coefs) + intercepts[None, :]
    errors = (y[test][:, None] - predictions) ** 2
    if sample_weight is None:
        return errors.mean(axis=0)
    test_weight = sample_weight[test]
    return (test_weight[:, None] * errors).sum(axis=0) / max(test_weight.sum(), 1e-300)


class SparseRegressionCV(RefitPredictMixin, RegressorMixin, BaseEstimator):
    """Sparse regression with ``alpha`` (and ``gamma``, ``q`` or ``l1_ratio``) chosen by CV.

    For each candidate of the extra parameter (when a list is given for
    ``gamma``, ``q`` or ``l1_ratio``) and each fold, the whole regularization
    path is computed with warm starts (:func:`sparse_path`) on the training
    part and scored by mean squared error on the held-out part; folds run in
    parallel through ``joblib.Parallel`` (so ``joblib.parallel_backend("dask")``
    spreads them over a cluster).  The best combination is refitted on all data.

    Parameters
    ----------
    penalty : {"l1", "elasticnet", "l0", "lq", "cel0", "mcp", "scad"}, default="l1"
    alphas : array-like, optional
        Candidate alphas (default: ``n_alphas`` values on a geometric grid from
        the data's ``alpha_max`` down to ``eps·alpha_max``, one grid per
        candidate of the extra parameter).
    n_alphas : int, default=100
    eps : float, default=1e-3
    l1_ratio : float or list of float, default=0.5
    gamma : float, list of float or None, default=None
    q : float or list of float, default=0.5
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn (``KFold(5)`` by default).
    n_jobs : int, default=None
    fit_intercept, positive, max_iter, tol, solver
        As in :class:`SparseRegression`.
    verbose : int, default=0
        A tqdm progress bar of the finished (candidate, fold) paths.

    Attributes
    ----------
    alpha_ : float
    gamma_, q_, l1_ratio_ : float
        The chosen extra parameter (only the one searched over).
    alphas_ : ndarray of shape (n_alphas,) or (n_candidates, n_alphas)
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_candidates, n_alphas, n_folds)
    coef_, intercept_, n_iter_, stop_crit_ : as in :class:`SparseRegression`
    best_estimator_ : SparseRegression
        The refitted model.

    References
    ----------
    .. [1] J. Friedman, T. Hastie and R. Tibshirani, "Regularization paths for
       generalized linear models via coordinate descent", J. Stat. Softw. 33(1),
       2010.

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import SparseRegressionCV
    >>> X, y, coef = make_sparse_regression(100, 40, 4, random_state=0)
    >>> model = SparseRegressionCV(penalty="mcp", gamma=[2.0, 5.0], n_alphas=20).fit(X, y)
    >>> model.mse_path_.shape
    (2, 20, 5)
    """

    def __init__(
        self,
        penalty="l1",
        *,
        alphas=None,
        n_alphas=100,
        eps=1e-3,
        l1_ratio=0.5,
        gamma=None,
        q=0.5,
        cv=5,
        n_jobs=None,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=1e-6,
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())

    def _candidates(self):
        if self.penalty not in PENALTY_NAMES:
            raise ValueError(f"penalty must be one of {PENALTY_NAMES}, got {self.penalty!r}.")
        name = _GRID_PARAMETER.get(self.penalty)
        grids = {key: _as_grid(getattr(self, key)) for key in ("gamma", "q", "l1_ratio")}
        searched = [key for key, (_, is_grid) in grids.items() if is_grid]
        for key in searched:
            if key != name:
                raise ValueError(
                    f"a grid of {key} values was given, but penalty={self.penalty!r} has no "
                    f"{key} to search over."
                )
        if name is None:
            return None, [None]
        values, is_grid = grids[name]
        return (name if is_grid else None), (values if is_grid else [None])

    def fit(self, X, y, sample_weight=None):
        """Choose the parameters by cross-validation, then refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=[np.float64, np.float32],
            y_numeric=True,
        )
        y = np.asarray(y, dtype=X.dtype)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        searched, candidates = self._candidates()
        settings = {
            "fit_intercept": self.fit_intercept,
            "positive": self.positive,
            "max_iter": self.max_iter,
            "tol": self.tol,
            "solver": "auto" if self.solver in ("fista", "cvxpy") else self.solver,
            "l1_ratio": self.l1_ratio if searched != "l1_ratio" else None,
            "gamma": self.gamma if searched != "gamma" else None,
            "q": self.q if searched != "q" else None,
        }
        settings = {key: value for key, value in settings.items() if value is not None}
        if "gamma" not in settings:
            settings["gamma"] = None
        problem = make_problem(X, y, sample_weight, self.fit_intercept)
        grids = []
        for extra in candidates:
            if self.alphas is not None:
                grids.append(np.sort(np.asarray(self.alphas, dtype=float).ravel())[::-1])
                continue
            kwargs = {key: settings[key] for key in ("gamma", "q", "l1_ratio") if key in settings}
            if extra is not None:
                kwargs[searched] = extra
            top = alpha_max(problem, self.penalty, positive=self.positive, **kwargs)
            top = top if top > 0 else 1.0
            grids.append(top * np.geomspace(1.0, self.eps, self.n_alphas))
        folds = list(check_cv(self.cv).split(X, y))
        jobs = [
            delayed(_fold_errors)(
                X, y, sample_weight, train, test, self.penalty, grids[c], extra, settings
            )
            for c, extra in enumerate(candidates)
            for train, test in folds
        ]
        errors = run_parallel(jobs, self.n_jobs, self.verbose, len(jobs), "cross-validation")
        mse = np.asarray(errors).reshape(len(candidates), len(folds), -1).transpose(0, 2, 1)
        mean_mse = mse.mean(axis=2)
        best_candidate, best_alpha = np.unravel_index(np.argmin(mean_mse), mean_mse.shape)
        self.alpha_ = float(grids[best_candidate][best_alpha])
        if searched is not None:
            setattr(self, f"{searched}_", float(candidates[best_candidate]))
            self.alphas_ = np.asarray(grids)
            self.mse_path_ = mse
        else:
            self.alphas_ = grids[0]
            self.mse_path_ = mse[0]
        params = {key: settings[key] for key in ("gamma", "q", "l1_ratio") if key in settings}
        if searched is not None:
            params[searched] = float(candidates[best_candidate])
        best = SparseRegression(
            penalty=self.penalty,
            alpha=self.alpha_,
            fit_intercept=self.fit_intercept,
            positive=self.positive,
            max_iter=self.max_iter,
            tol=self.tol,
            solver=self.solver,
            **params,
        )
        best.fit(X, y, sample_weight=sample_weight)
        self._adopt(best, ("coef_", "intercept_", "n_iter_", "stop_crit_"))
        return self
