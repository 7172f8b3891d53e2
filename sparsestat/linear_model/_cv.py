"""Cross-validated choice of alpha (and gamma, q, l1_ratio or k) along regularization paths.

One fold runner (:func:`cross_validate_paths`) serves the three CV estimators:
for each (candidate, fold) pair it fits a warm-started path on the training
rows, scores it on the held-out rows by the (sample-weighted) mean squared
error, counts the fits that did not converge and runs the pairs through
``joblib.Parallel``.  The splitter receives routed metadata (``groups``).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from joblib import delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import check_cv
from sklearn.utils.validation import validate_data

from .._progress import run_parallel
from .._validation import Anything, ArrayLike, Boolean, Integer, Options, Real, check_sample_weight
from ..penalties import MCP
from ..penalties._registry import penalty_parameters
from ._base import (
    NOT_CONVERGED,
    PENALTY_NAMES,
    SOLVERS,
    CVRoutingMixin,
    SparseLinearModel,
    make_problem,
)
from ._path import alpha_grid, problem_alpha_max, sparse_path
from .regression import SparseRegression

__all__ = ["SparseRegressionCV", "cross_validate_paths"]

#: estimator parameters a penalty string can take besides alpha and positive
_SEARCHABLE = ("l1_ratio", "gamma", "q")


def _grid_parameter(penalty):
    """The parameter a grid is searched over for ``penalty``: the one of
    ``l1_ratio``, ``gamma``, ``q`` its class takes (None for l1, l0, cel0...)."""
    taken = [name for name in _SEARCHABLE if name in penalty_parameters(penalty)]
    return taken[0] if taken else None


#: ``alphas`` of the CV estimators: None, a number of alphas or a grid
ALPHAS_CONSTRAINT = [None, Integer(low=1), ArrayLike(ndim=1, low=0.0)]


def _as_grid(value):
    """A list of candidate values, and whether a grid was given."""
    if value is None or isinstance(value, (numbers.Number, str)):
        return [value], False
    values = list(np.asarray(value, dtype=float).ravel())
    if not values:
        raise ValueError("an empty grid of candidate values was given.")
    return values, True


def weighted_mse(y_test, predictions, weights):
    """Test MSE per alpha: ``predictions`` (n_test, n_alphas) or (n_test, n_targets, n_alphas).

    Squared errors are averaged over the targets, then over the samples with
    ``weights`` (scikit-learn's weighted mean; unweighted when None).
    """
    if predictions.ndim == 2:
        errors = (y_test[:, None] - predictions) ** 2
    else:
        errors = ((y_test[:, :, None] - predictions) ** 2).mean(axis=1)
    if weights is None:
        return errors.mean(axis=0)
    return (weights[:, None] * errors).sum(axis=0) / max(weights.sum(), 1e-300)


def _fold_job(fit_path, settings, X, y, sample_weight, train, test, alphas, candidate):
    """Fit the path on ``train``; return its test MSE per alpha and the unconverged count."""
    train_weight = None if sample_weight is None else sample_weight[train]
    with warnings.catch_warnings():
        # the fold reports its own count; one warning is raised by the caller
        warnings.simplefilter("ignore", ConvergenceWarning)
        predictions, n_failed = fit_path(
            X[train], y[train], train_weight, X[test], alphas, candidate, settings
        )
    test_weight = None if sample_weight is None else sample_weight[test]
    return weighted_mse(y[test], predictions, test_weight), n_failed


def cross_validate_paths(
    estimator,
    fit_path,
    settings,
    X,
    y,
    sample_weight,
    grids,
    candidates,
    split_params,
):
    """Run every (candidate, fold) path; return ``mse`` of shape (n_candidates, n_alphas, n_folds).

    ``fit_path(X_train, y_train, w_train, X_test, alphas, candidate, settings)``
    returns the test predictions (n_test, n_alphas) — or (n_test, n_targets,
    n_alphas) — and how many of its fits did not converge; it must be a
    module-level function (jobs may run in other processes).  ``grids[c]`` is
    the alpha grid of candidate ``c``.  The folds come from
    ``check_cv(estimator.cv).split(X, y, **split_params)``.  A single
    ConvergenceWarning reports the fits of all folds that did not converge.
    """
    folds = list(check_cv(estimator.cv).split(X, y, **split_params))
    jobs = [
        delayed(_fold_job)(
            fit_path, settings, X, y, sample_weight, train, test, grids[c], candidate
        )
        for c, candidate in enumerate(candidates)
        for train, test in folds
    ]
    outputs = run_parallel(
        jobs, estimator.n_jobs, estimator.verbose, len(jobs), "cross-validation"
    )
    errors = [errors for errors, _ in outputs]
    n_failed = sum(failed for _, failed in outputs)
    if n_failed:
        n_fits = len(jobs) * len(grids[0])
        warnings.warn(
            f"{NOT_CONVERGED}. You might want to increase the number of iterations "
            f"(max_iter={estimator.max_iter}), check the scale of the features or loosen "
            f"tol. {type(estimator).__name__}: {n_failed} of the {n_fits} fits of the "
            "cross-validation (folds × alphas) did not converge, which may affect the "
            "chosen parameters.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return np.asarray(errors).reshape(len(candidates), len(folds), -1).transpose(0, 2, 1)


def _sparse_fold_path(X_train, y_train, w_train, X_test, alphas, candidate, settings):
    """The path of :func:`sparse_path` on a training fold, predicted on its test fold."""
    kwargs = dict(settings)
    penalty = kwargs.pop("penalty")
    if candidate is not None:
        kwargs[_grid_parameter(penalty)] = candidate
    _, coefs, intercepts, info = sparse_path(
        X_train,
        y_train,
        penalty=penalty,
        alphas=alphas,
        sample_weight=w_train,
        return_info=True,
        **kwargs,
    )
    predictions = np.asarray(X_test @ coefs) + intercepts[None, :]
    return predictions, int(np.sum(~info["converged"]))


class SparseRegressionCV(CVRoutingMixin, SparseLinearModel):
    """Sparse regression with ``alpha`` (and ``gamma``, ``q`` or ``l1_ratio``) chosen by CV.

    For each candidate of the extra parameter (when a list is given for
    ``gamma``, ``q`` or ``l1_ratio``) and each fold, the whole regularization
    path is computed with warm starts (:func:`sparse_path`) on the training
    part and scored by the mean squared error on the held-out part (weighted
    by ``sample_weight`` when given, as scikit-learn's ``LassoCV``); folds run
    in parallel through ``joblib.Parallel`` (so
    ``joblib.parallel_backend("dask")`` spreads them over a cluster).  The
    best combination is refitted on all data.

    Parameters
    ----------
    penalty : {"l1", "elasticnet", "l0", "lq", "cel0", "mcp", "scad"}, default="l1"
        The penalty (see :class:`SparseRegression`).
    alphas : array-like or int, optional
        Candidate alphas, or their number on the default grid (default:
        ``n_alphas`` values on a geometric grid from the data's ``alpha_max``
        down to ``eps·alpha_max``, one grid per candidate of the extra
        parameter).
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is None.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the default grid.
    l1_ratio : float or list of float, default=0.5
        Elastic-net mixing; a list is searched over (``penalty="elasticnet"``).
    gamma : float, list of float or None, default=None
        MCP / SCAD concavity; a list is searched over.
    q : float or list of float, default=0.5
        ℓq exponent; a list is searched over.
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn (``KFold(5)`` by default).  With
        ``sklearn.set_config(enable_metadata_routing=True)``, ``fit``'s
        ``groups`` reach the splitter (e.g. ``GroupKFold``).
    n_jobs : int, default=None
        Number of joblib workers over the (candidate, fold) paths (None: 1
        unless in a ``joblib.parallel_backend`` context; -1: all processors).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    max_iter : int, default=1000
        Maximum number of epochs per fit.
    tol : float, default=1e-6
        Stopping tolerance (see :class:`SparseRegression`).
    solver : {"auto", "cd", "gram", "fista", "cvxpy"}, default="auto"
        Solver of the final refit (the paths run "cd" or "gram").
    verbose : int, default=0
        A tqdm progress bar of the finished (candidate, fold) paths.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    gamma_, q_, l1_ratio_ : float
        The chosen extra parameter (only the one searched over).
    alphas_ : ndarray of shape (n_alphas,) or (n_candidates, n_alphas)
        The grid(s).
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_candidates, n_alphas, n_folds)
        Held-out (weighted) mean squared errors.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the refitted model.
    intercept_ : float
        Its intercept.
    n_iter_ : int
        Its iterations.
    stop_crit_ : float
        Its stopping criterion.
    best_estimator_ : SparseRegression
        The refitted model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

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

    _parameter_constraints = {
        "penalty": [Options(*PENALTY_NAMES)],
        "alphas": ALPHAS_CONSTRAINT,
        "n_alphas": [Integer(low=1)],
        "eps": [Real(0.0, 1.0, low_inclusive=False)],
        "l1_ratio": [Real(0.0, 1.0), ArrayLike(ndim=1, low=0.0)],
        "gamma": [
            None,
            Real(low=MCP.estimator_gamma_low, low_inclusive=False),
            ArrayLike(ndim=1, low=MCP.estimator_gamma_low),  # each value: build_penalty
        ],
        "q": [Real(0.0, 1.0, low_inclusive=False, high_inclusive=False), ArrayLike(ndim=1)],
        "cv": [Anything()],
        "n_jobs": [None, Integer()],
        "fit_intercept": [Boolean()],
        "positive": [Boolean()],
        "max_iter": [Integer(low=1)],
        "tol": [Real(low=0.0)],
        "solver": [Options(*SOLVERS)],
        "verbose": [Integer(low=0), Boolean()],
    }

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
        self.penalty = penalty
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.l1_ratio = l1_ratio
        self.gamma = gamma
        self.q = q
        self.cv = cv
        self.n_jobs = n_jobs
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.verbose = verbose

    def _candidates(self):
        name = _grid_parameter(self.penalty)
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

    def fit(self, X, y, sample_weight=None, **params):
        """Choose the parameters by cross-validation, then refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights: used by the fits and by the held-out scores.
        **params : dict
            Metadata for the splitter (``groups``), only with
            ``sklearn.set_config(enable_metadata_routing=True)``, as in
            scikit-learn's ``LassoCV``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        split_params = self._split_params(params)
        if X is None:
            raise TypeError(f"{type(self).__name__}.fit needs X (an array-like), got None.")
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
            top = 0.0
            if self.alphas is None or isinstance(self.alphas, numbers.Integral):
                kwargs = {k: settings[k] for k in ("gamma", "q", "l1_ratio") if k in settings}
                if extra is not None:
                    kwargs[searched] = extra
                top = problem_alpha_max(problem, self.penalty, positive=self.positive, **kwargs)
            grids.append(alpha_grid(self.alphas, self.n_alphas, self.eps, top))
        mse = cross_validate_paths(
            self,
            _sparse_fold_path,
            {**settings, "penalty": self.penalty},
            X,
            y,
            sample_weight,
            grids,
            candidates,
            split_params,
        )
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
