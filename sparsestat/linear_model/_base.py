"""Shared pieces of the linear estimators: input checks, penalty building, solver dispatch."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, is_numpy_namespace
from .._validation import check_integer, check_real
from ..datafits import QuadraticProblem
from ..datafits.statistics import GramProblem, SufficientStatistics, sufficient_statistics
from ..penalties import CEL0, L0, L1, MCP, SCAD, ElasticNet, Lq, SeparablePenalty

__all__ = [
    "PENALTY_NAMES",
    "SOLVERS",
    "build_penalty",
    "check_sample_weight",
    "choose_solver",
    "run_solver",
    "statistics_problem",
    "predict_dask",
    "fit_dask",
]

PENALTY_NAMES = ("l1", "elasticnet", "l0", "lq", "cel0", "mcp", "scad")
SOLVERS = ("auto", "cd", "gram", "fista", "cvxpy")
_DEFAULT_GAMMA = {"mcp": 3.0, "scad": 3.7}


def check_sample_weight(sample_weight, n_samples, dtype=np.float64):
    """Validate sample weights: 1-D, one per sample, finite, >= 0, positive sum.

    Returns None for None (unit weights) and a float64 copy otherwise.
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, float(sample_weight))
    weights = np.array(sample_weight, dtype=np.float64)
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must have shape ({n_samples},) (one weight per sample), got "
            f"{weights.shape}."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinite values.")
    if np.any(weights < 0):
        raise ValueError("sample_weight must be non-negative; negative weights were given.")
    if weights.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a weight > 0.")
    return weights


def build_penalty(estimator, problem):
    """The penalty object an estimator's flat parameters describe.

    ``estimator.penalty`` may be a string (with ``alpha``, ``l1_ratio``,
    ``gamma``, ``q``, ``positive``) or a :class:`SeparablePenalty` instance,
    used as given.  CEL0 takes the centred column norms of the datafit
    (``sqrt(L_j)``); constant columns, which the solver never moves, get 1.
    """
    spec = getattr(estimator, "penalty", "l1")
    if isinstance(spec, SeparablePenalty):
        if isinstance(spec, CEL0):
            _check_cel0_norms(spec, problem)
        return spec
    if not isinstance(spec, str) or spec not in PENALTY_NAMES:
        raise ValueError(
            f"penalty must be one of {PENALTY_NAMES} or a separable penalty object from "
            f"sparsestat.penalties, got {spec!r}."
        )
    alpha = check_real(estimator.alpha, "alpha", low=0.0)
    positive = getattr(estimator, "positive", False)
    if not isinstance(positive, (bool, np.bool_)):
        raise TypeError(f"positive must be True or False, got {positive!r}.")
    if spec == "l1":
        return L1(alpha, positive=positive)
    if spec == "elasticnet":
        return ElasticNet(alpha, l1_ratio=getattr(estimator, "l1_ratio", 0.5), positive=positive)
    if spec == "l0":
        return L0(alpha, positive=positive)
    if spec == "lq":
        return Lq(alpha, q=getattr(estimator, "q", 0.5), positive=positive)
    if spec == "cel0":
        norms = problem.column_norms.copy()
        norms[norms == 0.0] = 1.0
        return CEL0(alpha, column_norms=norms, positive=positive)
    gamma = getattr(estimator, "gamma", None)
    gamma = _DEFAULT_GAMMA[spec] if gamma is None else gamma
    if spec == "mcp":
        check_real(gamma, "gamma", low=1.0, low_inclusive=False)
        return MCP(alpha, gamma=gamma, positive=positive)
    check_real(gamma, "gamma", low=2.0, low_inclusive=False)
    return SCAD(alpha, gamma=gamma, positive=positive)


def _check_cel0_norms(penalty, problem):
    norms = np.asarray(penalty.column_norms, dtype=float)
    if norms.shape != (problem.n_features,):
        raise ValueError(
            f"CEL0 column_norms has {norms.size} entries but X has {problem.n_features} features."
        )
    limit = problem.column_norms * (1 + 1e-9)
    if np.any(norms > limit):
        raise ValueError(
            "CEL0 column_norms larger than the centred column norms of X in the datafit's "
            "scaling (sqrt of the coordinate-wise Lipschitz constants) make the CEL0 "
            "problem ill-posed; use penalty='cel0' to have them computed."
        )


def choose_solver(solver, X, penalty):
    """Resolve ``solver='auto'`` and check that the requested solver applies."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}.")
    on_numpy = sp.issparse(X) or not hasattr(X, "__array_namespace__")
    on_numpy = on_numpy or is_numpy_namespace(get_namespace(X))
    if solver == "auto":
        if not on_numpy:
            return "fista"
        n_samples, n_features = X.shape
        if not sp.issparse(X) and n_samples >= 10 * n_features and n_features <= 2000:
            return "gram"
        return "cd"
    if solver in ("cd", "gram", "cvxpy") and not on_numpy:
        raise ValueError(
            f"solver={solver!r} needs numpy or scipy.sparse input; arrays from "
            f"{type(X).__module__} run with solver='fista' (or 'auto')."
        )
    if solver == "cvxpy" and not penalty.is_convex:
        raise ValueError(
            f"solver='cvxpy' solves convex problems only; {type(penalty).__name__} is "
            "nonconvex (use 'cd')."
        )
    return solver


def run_solver(solver, problem_args, penalty, coef_init, max_iter, tol, verbose=0):
    """Run one solver; returns a SolverResult.

    ``problem_args`` is ``(X, y, sample_weight, fit_intercept)`` for the solvers
    that build their own problem (fista, cvxpy) and a QuadraticProblem for the
    numba ones.
    """
    from ..solvers import solve_cd, solve_gram_cd

    max_iter = check_integer(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    if solver == "cd":
        return solve_cd(problem_args, penalty, coef_init, max_iter=max_iter, tol=tol)
    if solver == "gram":
        return solve_gram_cd(problem_args, penalty, coef_init, max_iter=max_iter, tol=tol)
    if solver == "fista":
        from ..solvers.fista import solve_fista

        return solve_fista(*problem_args, penalty, coef_init, max_iter=max_iter, tol=tol)
    from ..solvers.reference import solve_cvxpy

    return solve_cvxpy(*problem_args, penalty)


def warn_if_not_converged(result, estimator_name, max_iter, tol):
    if not result.converged:
        what = "duality gap" if result.uses_gap else "largest subdifferential distance"
        warnings.warn(
            f"{estimator_name} did not converge in max_iter={max_iter} iterations: the "
            f"{what} is {result.stop_crit:.3e} (tol={tol:g}"
            f"{', relative to the centred ||y||²' if result.uses_gap else ''}). "
            "Increase max_iter, loosen tol, or scale the features.",
            ConvergenceWarning,
            stacklevel=3,
        )


def statistics_problem(estimator, statistics, targets):
    """The :class:`GramProblem` of ``statistics`` for a fit with ``targets`` (1 or 2) dims.

    Sets ``n_features_in_`` (and forgets ``feature_names_in_``: statistics
    carry no column names).
    """
    if not isinstance(statistics, SufficientStatistics):
        raise TypeError(
            "statistics must be a SufficientStatistics object from "
            f"sparsestat.sufficient_statistics, got {type(statistics).__name__}."
        )
    if statistics.n_targets == 0:
        raise ValueError(
            "these sufficient statistics were computed without y; pass y to "
            "sufficient_statistics to fit a regression from them."
        )
    if statistics.y_ndim != targets:
        wanted = "a 1-D y" if targets == 1 else "a 2-D y of shape (n_samples, n_tasks)"
        raise ValueError(
            f"{type(estimator).__name__} needs statistics computed with {wanted}; these "
            f"come from a {statistics.y_ndim}-D y."
        )
    estimator.n_features_in_ = statistics.n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return GramProblem(statistics, estimator.fit_intercept)


def fit_dask(estimator, X, y, sample_weight):
    """``fit`` on dask collections: reduce to sufficient statistics, fit from them.

    A dask dataframe's column names become ``feature_names_in_``, as with
    pandas input.
    """
    estimator.fit_from_statistics(sufficient_statistics(X, y, sample_weight))
    columns = getattr(X, "columns", None)
    if columns is not None and all(isinstance(name, str) for name in columns):
        estimator.feature_names_in_ = np.asarray(list(columns), dtype=object)
    return estimator


def predict_dask(estimator, X):
    """Lazy ``X @ coef_ᵀ + intercept_`` for a dask array or dataframe (nothing computed)."""
    columns = getattr(X, "columns", None)
    if columns is not None:
        names = getattr(estimator, "feature_names_in_", None)
        if names is not None and list(columns) != list(names):
            raise ValueError(
                "The feature names of X differ from those seen in fit: "
                f"{list(columns)} instead of {list(names)}."
            )
        X = X.to_dask_array()
    if X.ndim != 2 or X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has shape {tuple(X.shape)} but the model was fitted on "
            f"{estimator.n_features_in_} features."
        )
    coef = np.asarray(estimator.coef_)
    return X @ (coef if coef.ndim == 1 else coef.T) + estimator.intercept_


def make_problem(X, y, sample_weight, fit_intercept):
    return QuadraticProblem(X, y, sample_weight, fit_intercept)


class RefitPredictMixin:
    """``predict`` and sparse-input tags of the cross-validated estimators.

    They refit ``best_estimator_`` on the whole data and copy its fitted
    attributes (:meth:`_adopt`); prediction uses the copied ``coef_`` (one
    target: shape (n_features,); several: (n_tasks, n_features)).
    """

    def _adopt(self, best, names):
        """Keep ``best`` as ``best_estimator_`` and copy its fitted attributes ``names``."""
        self.best_estimator_ = best
        for name in names:
            setattr(self, name, getattr(best, name))

    def predict(self, X):
        """Predict with the refitted model."""
        check_is_fitted(self, "best_estimator_")
        X = validate_data(
            self, X, reset=False, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32]
        )
        if self.coef_.ndim == 1:
            return np.asarray(X @ self.coef_).ravel() + self.intercept_
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
