"""The base class of the sparse linear models and the pieces they share.

Every estimator of :mod:`sparsestat.linear_model` follows one sequence:
declared parameters, checked once (:meth:`SparseLinearModel._validate_params`
against the class's ``_parameter_constraints``) → validated data → a datafit
problem → a penalty → a solver → fitted attributes; and one ``predict``.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, is_foreign_array, to_numpy
from .._validation import (
    check_finite_array,
    check_integer,
    check_real,
    validate_params,
)
from ..datafits import ArrayProblem, QuadraticProblem
from ..datafits.statistics import (
    GramProblem,
    SufficientStatistics,
    is_dask_collection,
    sufficient_statistics,
)
from ..penalties import CEL0, SeparablePenalty, make_penalty, penalty_names
from ..penalties._registry import penalty_class, penalty_parameters
from ..solvers._table import SOLVERS as SOLVER_TABLE
from ..solvers._table import auto_solver, solver_function, solver_names

__all__ = [
    "PENALTY_NAMES",
    "SOLVERS",
    "SparseLinearModel",
    "build_penalty",
    "choose_solver",
    "run_solver",
    "statistics_problem",
    "predict_dask",
    "fit_dask",
]

#: The penalty strings of the linear estimators: every separable penalty's name.
PENALTY_NAMES = penalty_names("separable")
#: The estimator parameters a penalty string is built from (those its class takes).
ESTIMATOR_PARAMETERS = ("alpha", "l1_ratio", "gamma", "q", "positive")
SOLVERS = solver_names("separable")

#: The start of scikit-learn's ConvergenceWarning for coordinate descent, so that
#: warning filters written against scikit-learn's message catch ours too.
NOT_CONVERGED = "Objective did not converge"

NON_FINITE_MESSAGE = (
    "Coordinate descent iterations resulted in non-finite parameter values: {detail}. "
    "The input data may contain large values and need to be preprocessed (scaled)."
)


def host(array):
    """Weights and warm starts may come from any namespace; the solvers want numpy."""
    if isinstance(array, (list, tuple, numbers.Number)):
        return array
    return to_numpy(array)


# --------------------------------------------------------------------------- #
# penalties and solvers
# --------------------------------------------------------------------------- #
def build_penalty(estimator, problem):
    """The penalty object an estimator's flat parameters describe.

    ``estimator.penalty`` may be a name of a separable penalty
    (:func:`~sparsestat.penalties.make_penalty`, which receives those of
    ``alpha``, ``l1_ratio``, ``gamma``, ``q``, ``positive`` its class takes) or
    a :class:`SeparablePenalty` instance, used as given.  A penalty with
    ``column_norms`` (CEL0) takes the centred column norms of the datafit
    (``sqrt(L_j)``); constant columns, which the solver never moves, get 1.
    A class's ``estimator_gamma_low`` bounds ``gamma`` given as a string's
    parameter.
    """
    spec = estimator.penalty
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
    positive = estimator.positive
    if not isinstance(positive, (bool, np.bool_)):
        raise TypeError(f"positive must be True or False, got {positive!r}.")
    accepted = penalty_parameters(spec)
    params = {name: getattr(estimator, name) for name in ESTIMATOR_PARAMETERS if name in accepted}
    params["alpha"] = alpha
    bound = getattr(penalty_class(spec), "estimator_gamma_low", None)
    if bound is not None and params.get("gamma") is not None:
        check_real(params["gamma"], "gamma", low=bound, low_inclusive=False)
    if "column_norms" in accepted:
        norms = problem.column_norms.copy()
        norms[norms == 0.0] = 1.0
        params["column_norms"] = norms
    return make_penalty(spec, **params)


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
    if solver == "auto":
        return auto_solver("separable", X)
    if not SOLVER_TABLE[solver].any_namespace and is_foreign_array(X):
        raise ValueError(
            f"solver={solver!r} needs numpy or scipy.sparse input; arrays from "
            f"{type(X).__module__} run with solver='fista' (or 'auto')."
        )
    if solver == "cvxpy" and not penalty.is_convex:
        raise ValueError(
            f"solver='cvxpy' solves convex problems only; {type(penalty).__name__} is "
            "nonconvex (use 'cd')."
        )
    if solver not in penalty.solvers:
        raise ValueError(
            f"solver={solver!r} does not minimise {type(penalty).__name__}; its solvers are "
            f"{penalty.solvers}."
        )
    return solver


def solver_problem(solver, X, y, sample_weight, fit_intercept, quadratic=None):
    """The datafit ``solver`` takes (the table's ``problem``): ``quadratic`` when
    given and it is a QuadraticProblem solver, else built from the data."""
    if SOLVER_TABLE[solver].problem == "quadratic":
        return (
            quadratic
            if quadratic is not None
            else make_problem(X, y, sample_weight, fit_intercept)
        )
    if isinstance(quadratic, ArrayProblem):
        return quadratic
    return ArrayProblem(X, y, sample_weight, fit_intercept)


def run_solver(solver, problem, penalty, coef_init, max_iter, tol, verbose=0, gram=None):
    """Run one solver of the table (``solvers/_table.py``); returns a SolverResult.

    ``problem`` is the datafit the table's entry takes: a
    :class:`~sparsestat.datafits.QuadraticProblem` for the numba solvers, an
    :class:`~sparsestat.datafits.ArrayProblem` for fista and cvxpy (see
    :func:`solver_problem`).  ``gram`` passes a precomputed ``(Q, q)`` to the
    Gram solver.  With ``verbose``, one line reports the solve (solver,
    iterations, the stopping criterion reached and whether it converged).
    """
    max_iter = check_integer(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    options = {} if gram is None else {"gram": gram}
    solve = solver_function(solver)
    result = solve(problem, penalty, coef_init, max_iter=max_iter, tol=tol, **options)
    if verbose:
        report_solve(type(penalty).__name__, result, tol)
    return result


def report_solve(label, result, tol):
    """Print one line about a finished solve (the ``verbose`` output of the estimators)."""
    what = "duality gap" if result.uses_gap else "subdifferential distance"
    status = "converged" if result.converged else "NOT converged"
    print(
        f"[sparsestat] {label}, solver={result.solver}: {result.n_iter} iterations, "
        f"{what} {float(result.stop_crit):.3e} (tol={tol:g}), {status}",
        flush=True,
    )


def convergence_message(estimator_name, result, max_iter, tol):
    """scikit-learn's ConvergenceWarning text, with what sparsestat knows added."""
    what = "duality gap" if result.uses_gap else "largest subdifferential distance"
    relative = ", relative to the centred ||y||²" if result.uses_gap else ""
    return (
        f"{NOT_CONVERGED}. You might want to increase the number of iterations "
        f"(max_iter={max_iter}), check the scale of the features or loosen tol. "
        f"{estimator_name}: the {what} is {float(result.stop_crit):.3e} "
        f"(tol={tol:g}{relative})."
    )


def warn_if_not_converged(result, estimator_name, max_iter, tol):
    if not result.converged:
        warnings.warn(
            convergence_message(estimator_name, result, max_iter, tol),
            ConvergenceWarning,
            stacklevel=3,
        )


def warn_if_alpha_zero(alpha, stacklevel=4):
    """scikit-learn's advice for ``alpha=0`` (coordinate descent without a penalty)."""
    if alpha == 0:
        warnings.warn(
            "With alpha=0, this algorithm does not converge well. You are advised to use "
            "the LinearRegression estimator (alpha=0 leaves the least-squares problem "
            "unpenalized, so coordinate descent converges slowly on correlated features).",
            UserWarning,
            stacklevel=stacklevel,
        )


def check_finite_problem(problem):
    """ValueError if the data overflow (infinite column statistics or ``||y||²``).

    Values near ``finfo.max`` pass the input checks but their squares or sums
    overflow; without this check the solvers see infinite or NaN statistics
    and return a silent all-zero model.
    """
    bad = []
    if not np.all(np.isfinite(problem.lipschitz)) or not np.all(np.isfinite(problem.means)):
        bad.append("the column means or squared norms of X are not finite")
    if not np.isfinite(problem.y_norm2) or not np.all(np.isfinite(problem.vy)):
        bad.append("the sum or squared norm of y is not finite")
    if getattr(problem, "y_underflow", False):
        raise ValueError(
            "y is too small in magnitude: the squared norm of the centred y underflows in "
            "floating point (values below about 1e-150), so the fit and its stopping rule "
            "would see a constant target. Rescale y."
        )
    if getattr(problem, "underflow", False):
        raise ValueError(
            "X has non-zero columns whose squared norms underflow in floating point "
            "(entries below about 1e-150 in magnitude): they would pass for constant "
            "columns. Rescale X (e.g. with sklearn.preprocessing.StandardScaler)."
        )
    if bad:
        raise ValueError(NON_FINITE_MESSAGE.format(detail=" and ".join(bad)))


def check_finite_result(coef, stop_crit):
    """ValueError if a solver ended on non-finite coefficients or criterion."""
    values = np.asarray(to_numpy(coef), dtype=np.float64)
    if not np.all(np.isfinite(values)) or not np.isfinite(float(stop_crit)):
        raise ValueError(
            NON_FINITE_MESSAGE.format(detail="the solver produced NaN or infinite coefficients")
        )


def make_problem(X, y, sample_weight, fit_intercept):
    """The :class:`QuadraticProblem` of the data, refused if its statistics overflow."""
    problem = QuadraticProblem(X, y, sample_weight, fit_intercept)
    check_finite_problem(problem)
    return problem


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


# --------------------------------------------------------------------------- #
# data
# --------------------------------------------------------------------------- #
class XYInput:
    """Validated training data in its own namespace (numpy / scipy.sparse or other).

    ``multi_output`` accepts a 2-D ``y`` (one column per target).
    """

    def __init__(self, estimator, X, y, reset, multi_output=False):
        if X is None:  # (y=None gets scikit-learn's "requires y to be passed" message)
            raise TypeError(f"{type(estimator).__name__}.fit needs X (an array-like), got None.")
        if not is_foreign_array(X):
            X, y = validate_data(
                estimator,
                X,
                y,
                reset=reset,
                accept_sparse=("csr", "csc"),
                dtype=[np.float64, np.float32],
                y_numeric=True,
                multi_output=multi_output,
                ensure_min_samples=1,
            )
            self.X = X
            self.y = np.asarray(y, dtype=X.dtype)
            self.on_numpy = True
        else:  # CuPy and other array-API inputs: same checks, written against the namespace
            xp = get_namespace(X, y)
            if X.ndim != 2:
                raise ValueError(f"X must be 2-D, got shape {tuple(X.shape)}.")
            if y.ndim != 1 and not (multi_output and y.ndim == 2):
                wanted = "1-D or 2-D" if multi_output else "1-D"
                raise ValueError(f"y must be {wanted}, got shape {tuple(y.shape)}.")
            if X.shape[0] != y.shape[0] or X.shape[0] == 0:
                raise ValueError(
                    f"X and y must have the same number (>= 1) of samples, got {X.shape[0]} "
                    f"and {y.shape[0]}."
                )
            if not xp.isdtype(X.dtype, "real floating"):
                X = xp.astype(X, xp.float64)
            check_finite_array(X, "X")
            y = xp.astype(y, X.dtype)
            check_finite_array(y, "y")
            if reset:
                estimator.n_features_in_ = X.shape[1]
            self.X, self.y = X, y
            self.on_numpy = False


def unchecked_input(estimator, X, y):
    """``fit(..., check_input=False)``: the caller promises validated data.

    No finiteness check, no conversion: ``X`` must already be a 2-D
    float32/float64 numpy array (C or Fortran order: the kernels read both) or
    a CSR/CSC matrix of such floats, and ``y`` is cast to its dtype.  Anything
    else is a ``ValueError`` naming what is expected, not a numba traceback.
    """
    floating = getattr(X, "dtype", None) in (np.float32, np.float64)
    dense_ok = isinstance(X, np.ndarray) and X.ndim == 2 and floating
    sparse_ok = sp.issparse(X) and X.format in ("csr", "csc") and floating
    if not (dense_ok or sparse_ok):
        raise ValueError(
            "check_input=False skips the validation of X, which must then be a 2-D "
            "float32/float64 numpy array or a CSR/CSC matrix of such floats; got "
            f"{type(X).__name__} of dtype {getattr(X, 'dtype', None)}. Use check_input=True "
            "to have X converted."
        )
    y = np.asarray(y, dtype=X.dtype)
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: {X.shape[0]} and {y.shape[0]}."
        )
    estimator.n_features_in_ = X.shape[1]
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return X, y


# --------------------------------------------------------------------------- #
# the base class
# --------------------------------------------------------------------------- #
class SparseLinearModel(RegressorMixin, BaseEstimator):
    """Base of the sparse linear models: validate once, one ``predict``.

    Subclasses declare ``_parameter_constraints`` (see
    :func:`sparsestat._validation.validate_params`), call
    :meth:`_validate_params` first thing in ``fit`` and set ``coef_`` (shape
    (n_features,) or (n_targets, n_features)) and ``intercept_``.
    """

    #: {parameter: [allowed alternatives]}, checked once at the start of ``fit``
    _parameter_constraints: dict = {}
    #: the targets ``fit`` takes: "single" (1-D y), "both" (1-D or 2-D) or "multi" (2-D)
    _targets = "single"

    def _validate_params(self):
        """Check every parameter against the class's declared table."""
        validate_params(self)

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy.sparse CSR matrix (as scikit-learn's ``sparse_coef_``)."""
        coef = self.coef_
        if not isinstance(coef, (list, tuple)):
            coef = to_numpy(coef)
        return sp.csr_matrix(coef)

    def predict(self, X):
        """Predict with the linear model: ``X @ coef_ᵀ + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Arrays of another array-API library (CuPy...) are predicted in
            their own namespace; dask collections lazily.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            One column per target when the model was fitted on several.
        """
        check_is_fitted(self, "coef_")
        if is_dask_collection(X):
            return predict_dask(self, X)
        if is_foreign_array(X):
            xp = get_namespace(X, self.coef_)
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has shape {tuple(X.shape)} but the model was fitted on "
                    f"{self.n_features_in_} features."
                )
            coef = self.coef_ if self.coef_.ndim == 1 else xp.matrix_transpose(self.coef_)
            return xp.matmul(X, coef) + self.intercept_
        X = validate_data(
            self, X, reset=False, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32]
        )
        coef = np.asarray(to_numpy(self.coef_))
        if coef.ndim == 1:
            return np.asarray(X @ coef).ravel() + self.intercept_
        return np.asarray(X @ coef.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = self._targets in ("both", "multi")
        tags.target_tags.single_output = self._targets in ("single", "both")
        return tags


# --------------------------------------------------------------------------- #
# cross-validation: metadata routing of the splitter
# --------------------------------------------------------------------------- #
def routing_enabled():
    return bool(get_config().get("enable_metadata_routing", False))


def raise_for_params(params, owner, method="fit"):
    """scikit-learn's rule: extra metadata needs ``enable_metadata_routing=True``."""
    if params and not routing_enabled():
        raise ValueError(
            f"Passing extra keyword arguments to {type(owner).__name__}.{method} is only "
            "supported if enable_metadata_routing=True, which you can set using "
            "`sklearn.set_config(enable_metadata_routing=True)`. See "
            "https://scikit-learn.org/stable/metadata_routing.html. Extra parameters "
            f"passed are: {set(params)}"
        )


class CVRoutingMixin:
    """``groups`` (and any splitter metadata) routed to ``cv.split``, as in LassoCV."""

    def get_metadata_routing(self):
        """How ``fit``'s metadata reach the splitter (``groups`` → ``cv.split``).

        Returns
        -------
        MetadataRouter
        """
        from sklearn.model_selection import check_cv

        return (
            MetadataRouter(owner=type(self).__name__)
            .add_self_request(self)  # sample_weight, for a meta-estimator routing to us
            .add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )

    def _split_params(self, params):
        """The keyword arguments of ``cv.split`` (routed metadata such as ``groups``)."""
        raise_for_params(params, self)
        if not params:
            return {}
        routed = process_routing(self, "fit", **params)
        return dict(routed.splitter.split)

    def _adopt(self, best, names):
        """Keep ``best`` as ``best_estimator_`` and copy its fitted attributes ``names``."""
        self.best_estimator_ = best
        for name in names:
            setattr(self, name, getattr(best, name))
