r"""Sparse linear regression with convex and nonconvex penalties."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, is_numpy_namespace
from .._validation import check_finite_array
from ..datafits.statistics import is_dask_collection
from ..penalties import L1
from ._base import (
    build_penalty,
    check_sample_weight,
    choose_solver,
    fit_dask,
    make_problem,
    predict_dask,
    run_solver,
    statistics_problem,
    warn_if_not_converged,
)

__all__ = [
    "SparseRegression",
    "Lasso",
    "ElasticNet",
    "MCPRegression",
    "SCADRegression",
    "LqRegression",
    "L0Regression",
]

_OBJECTIVE = r"""
    The objective is

    .. math::

        \min_{w, b}\ \frac{1}{2\sum_i s_i}\sum_{i=1}^n s_i\,(y_i - x_i^\top w - b)^2
        + \mathrm{pen}(w),

    with sample weights :math:`s_i` (all 1 by default, which gives
    :math:`\frac{1}{2n}\|y - Xw - b\|^2 + \mathrm{pen}(w)`, the scaling of
    :class:`sklearn.linear_model.Lasso`: ``alpha`` means the same thing) and
    :math:`b = 0` when ``fit_intercept=False``.
"""


class _XYInput:
    """Validated training data in its own namespace (numpy / scipy.sparse or other)."""

    def __init__(self, estimator, X, y, reset):
        if not _is_foreign_array(X):
            X, y = validate_data(
                estimator,
                X,
                y,
                reset=reset,
                accept_sparse=("csr", "csc"),
                dtype=[np.float64, np.float32],
                y_numeric=True,
                ensure_min_samples=1,
            )
            self.X = X
            self.y = np.asarray(y, dtype=X.dtype)
            self.on_numpy = True
        else:  # CuPy and other array-API inputs: same checks, written against the namespace
            xp = get_namespace(X, y)
            if X.ndim != 2:
                raise ValueError(f"X must be 2-D, got shape {tuple(X.shape)}.")
            if y.ndim != 1:
                raise ValueError(f"y must be 1-D, got shape {tuple(y.shape)}.")
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


class SparseRegression(RegressorMixin, BaseEstimator):
    __doc__ = (
        r"""Linear regression with a convex or nonconvex sparsity-inducing penalty.
    """
        + _OBJECTIVE
        + r"""
    Parameters
    ----------
    penalty : str or penalty object, default="l1"
        One of ``"l1"``, ``"elasticnet"``, ``"l0"``, ``"lq"``, ``"cel0"``,
        ``"mcp"``, ``"scad"``; strings use ``alpha``, ``l1_ratio``, ``gamma``, ``q`` and
        ``positive`` below.  A separable penalty object from
        :mod:`sparsestat.penalties` is used as given (those parameters are
        then ignored).  ``"cel0"`` builds CEL0 with the centred column norms
        of ``X`` in this scaling.
    alpha : float, default=1.0
        Regularization strength (>= 0).
    l1_ratio : float in [0, 1], default=0.5
        Elastic-net mixing.
    gamma : float or None, default=None
        Concavity of MCP (> 1, default 3) or SCAD (> 2, default 3.7).
    q : float in (0, 1), default=0.5
        Exponent of the ℓq penalty.
    fit_intercept : bool, default=True
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs (FISTA iterations).
    tol : float, default=1e-6
        Stopping tolerance: on the duality gap relative to the centred
        ``||y||²`` for ``l1`` and ``elasticnet`` (as scikit-learn), on the largest
        distance of the negative gradient to the penalty's subdifferential for
        the others.
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    init : {"zero", "lasso", "best"}, default="zero"
        Starting point for nonconvex penalties (ignored for convex ones and
        when ``warm_start`` reuses ``coef_``): 0; the Lasso solution at the same
        ``alpha`` (the convex relaxation, as in the one-step LLA of Zou and Li);
        or both, keeping the lower objective ("best": different starts reach
        different local minima, and this one reaches the better of two at the
        cost of about three fits).
    solver : {"auto", "cd", "gram", "fista", "cvxpy"}, default="auto"
        ``"cd"``: working-set coordinate descent with Anderson acceleration
        (numba).  ``"gram"``: coordinate descent on the precomputed ``XᵀX``, for
        ``n_samples ≫ n_features``.  ``"fista"``: accelerated proximal gradient
        with restarts, written against the array API (numpy, CuPy).
        ``"cvxpy"``: the exact reference for convex penalties (small problems).
        ``"auto"``: ``"fista"`` for non-numpy arrays, ``"gram"`` for dense
        ``X`` with ``n_samples >= 10·n_features`` and at most 2000 features,
        ``"cd"`` otherwise.
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Same dtype as ``X``.
    intercept_ : float
    n_iter_ : int
        Passes over the data: coordinate-descent epochs plus the final
        optimality check (CD), or iterations (FISTA).
    stop_crit_ : float
        The stopping criterion reached (duality gap or subdifferential distance).
    dual_gap_ : float
        The duality gap, for convex penalties with a gap (``l1``, ``elasticnet``).
    penalty_ : Penalty
        The penalty object that was minimised.
    solver_ : str
        The solver that ran.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    References
    ----------
    .. [1] Q. Bertrand and M. Massias, "Anderson acceleration of coordinate
       descent", AISTATS 2021.
    .. [2] Q. Bertrand et al., "Beyond L1: faster and better sparse models with
       skglm", NeurIPS 2022.
    .. [3] J. Friedman, T. Hastie and R. Tibshirani, "Regularization paths for
       generalized linear models via coordinate descent", J. Stat. Softw. 33(1),
       2010.

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import SparseRegression
    >>> X, y, coef = make_sparse_regression(100, 50, 5, random_state=0)
    >>> model = SparseRegression(penalty="mcp", alpha=0.3).fit(X, y)
    >>> model.coef_.nonzero()[0], coef.nonzero()[0]
    (array([19, 22, 23, 32, 39]), array([19, 22, 23, 32, 39]))
    """
    )

    def __init__(
        self,
        penalty="l1",
        alpha=1.0,
        *,
        l1_ratio=0.5,
        gamma=None,
        q=0.5,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        init="zero",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())

    # -- helpers shared with the subclasses --------------------------------
    def _solver_name(self):
        return getattr(self, "solver", "auto")

    def _check_flags(self):
        for name in ("fit_intercept", "warm_start"):
            value = getattr(self, name, False)
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}.")

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Dense (C or Fortran order) or scipy.sparse CSR/CSC; float32 stays
            float32.  Never modified.  A :mod:`dask.array` (rows in chunks,
            possibly more than fit in memory) is reduced to its sufficient
            statistics by dask and fitted with the Gram solver, as
            :meth:`fit_from_statistics`.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self
        """
        self._check_flags()
        if any(is_dask_collection(value) for value in (X, y, sample_weight)):
            return fit_dask(self, X, y, sample_weight)
        data = _XYInput(self, X, y, reset=True)
        X, y = data.X, data.y
        sample_weight = check_sample_weight(
            None if sample_weight is None else _host(sample_weight), X.shape[0]
        )
        if data.on_numpy:
            problem = make_problem(X, y, sample_weight, self.fit_intercept)
        else:
            from ..solvers.fista import ArrayProblem

            problem = ArrayProblem(X, y, sample_weight, self.fit_intercept)
        penalty = build_penalty(self, problem)
        solver = choose_solver(self._solver_name(), X, penalty)
        args = problem if solver in ("cd", "gram") else (X, y, sample_weight, self.fit_intercept)
        result = self._minimise(solver, args, penalty, X.shape[1])
        self._store_result(result, penalty, X.dtype, get_namespace(X))
        return self

    def fit_from_statistics(self, statistics):
        """Fit from sufficient statistics instead of rows.

        The datafit depends on the data only through the moments that
        :func:`sparsestat.sufficient_statistics` computes (chunk by chunk,
        with dask for data larger than memory), so statistics computed once
        serve any number of fits (penalties, alphas).  The Gram solver runs on
        the ``p × p`` moments: the regime is up to a few thousand features and
        any number of samples.

        Parameters
        ----------
        statistics : SufficientStatistics
            Computed with a 1-D ``y`` (and the sample weights, if any).

        Returns
        -------
        self
        """
        self._check_flags()
        problem = statistics_problem(self, statistics, targets=1)
        penalty = build_penalty(self, problem)
        solver = self._solver_name()
        if solver not in ("auto", "gram"):
            raise ValueError(
                f"solver={solver!r} needs the rows of X; a fit from sufficient statistics "
                "(or a dask array) runs the Gram solver: use solver='auto' or 'gram'."
            )
        result = self._minimise("gram", problem, penalty, problem.n_features)
        self._store_result(result, penalty, statistics.dtype, None)
        return self

    def _minimise(self, solver, args, penalty, n_features):
        """Run the solver from each starting point; keep the lowest objective."""
        if self.warm_start and hasattr(self, "coef_") and np.shape(self.coef_) == (n_features,):
            starts = [np.asarray(_host(self.coef_), dtype=np.float64)]
        else:
            starts = self._starting_points(solver, args, penalty)
        result = None
        for coef_init in starts:
            candidate = run_solver(solver, args, penalty, coef_init, self.max_iter, self.tol)
            if result is None or self._objective(args, penalty, candidate) < self._objective(
                args, penalty, result
            ):
                result = candidate
        warn_if_not_converged(result, type(self).__name__, self.max_iter, self.tol)
        return result

    def _starting_points(self, solver, args, penalty):
        """Starting points the ``init`` parameter asks for (None means 0)."""
        init = getattr(self, "init", "zero")
        if init not in ("zero", "lasso", "best"):
            raise ValueError(f"init must be 'zero', 'lasso' or 'best', got {init!r}.")
        if init == "zero" or penalty.is_convex:
            return [None]
        lasso = L1(penalty.alpha, positive=penalty.positive)
        relaxed = run_solver(solver, args, lasso, None, self.max_iter, self.tol)
        start = np.asarray(_host(relaxed.coef), dtype=np.float64)
        return [start] if init == "lasso" else [None, start]

    @staticmethod
    def _objective(args, penalty, result):
        if isinstance(args, tuple):  # array-API problems: evaluate on the host
            from ..solvers.fista import ArrayProblem

            problem = ArrayProblem(*args)
            residual = problem.residual(result.coef)
            xp = problem.xp
            datafit = 0.5 * float(xp.sum(problem.weights * residual * residual))
        else:
            datafit = args.value(result.coef)
        return datafit + penalty.value(result.coef)

    def _store_result(self, result, penalty, dtype, xp):
        """Fitted attributes, in the namespace of the training data (numpy when ``xp`` is None)."""
        if xp is None or is_numpy_namespace(xp):
            self.coef_ = np.asarray(result.coef, dtype=dtype)
        else:
            self.coef_ = xp.asarray(result.coef, dtype=dtype)
        self.intercept_ = float(result.intercept) if self.fit_intercept else 0.0
        self.n_iter_ = int(result.n_iter)
        self.stop_crit_ = float(result.stop_crit)
        if result.uses_gap:
            self.dual_gap_ = float(result.stop_crit)
        elif hasattr(self, "dual_gap_"):
            del self.dual_gap_
        self.penalty_ = penalty
        self.solver_ = result.solver

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            A lazy dask array for a dask ``X``.
        """
        check_is_fitted(self, "coef_")
        if is_dask_collection(X):
            return predict_dask(self, X)
        if not _is_foreign_array(X):
            X = validate_data(
                self, X, reset=False, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32]
            )
            return np.asarray(X @ self.coef_).ravel() + self.intercept_
        xp = get_namespace(X, self.coef_)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has shape {tuple(X.shape)} but the model was fitted on "
                f"{self.n_features_in_} features."
            )
        return xp.matmul(X, self.coef_) + self.intercept_

    def path(self, X, y, alphas=None, n_alphas=100, eps=1e-3, sample_weight=None):
        """Regularization path with this estimator's penalty and settings.

        See :func:`sparsestat.linear_model.sparse_path`; returns
        ``(alphas, coefs, intercepts)`` with ``coefs`` of shape
        (n_features, n_alphas).
        """
        from ._path import sparse_path

        return sparse_path(
            X,
            y,
            penalty=getattr(self, "penalty", self._default_penalty()),
            alphas=alphas,
            n_alphas=n_alphas,
            eps=eps,
            l1_ratio=getattr(self, "l1_ratio", 0.5),
            gamma=getattr(self, "gamma", None),
            q=getattr(self, "q", 0.5),
            fit_intercept=self.fit_intercept,
            positive=getattr(self, "positive", False),
            sample_weight=sample_weight,
            max_iter=self.max_iter,
            tol=self.tol,
            solver=self._solver_name(),
        )

    def _default_penalty(self):
        return "l1"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _store_params(estimator, params):
    """``__init__`` only stores its arguments, under their own names."""
    for name, value in params.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


def _is_foreign_array(X):
    """True for arrays of another array-API library (CuPy, array-api-strict...).

    numpy arrays, scipy.sparse matrices and anything scikit-learn converts
    (lists, pandas DataFrames) take the numpy path.
    """
    if sp.issparse(X) or not hasattr(X, "__array_namespace__"):
        return False
    return not is_numpy_namespace(get_namespace(X))


def _host(array):
    """Weights may come from any namespace; the solvers want numpy."""
    from .._array_api import to_numpy

    return to_numpy(array) if not isinstance(array, (list, tuple, numbers.Number)) else array


class _NamedPenaltyRegression(SparseRegression):
    """Base of the shortcuts: the penalty is fixed by the class."""

    _penalty_name = "l1"

    @property
    def penalty(self):
        return self._penalty_name

    @penalty.setter
    def penalty(self, value):  # pragma: no cover - the shortcuts have no penalty parameter
        raise AttributeError(f"{type(self).__name__} always uses penalty={self._penalty_name!r}.")

    def _default_penalty(self):
        return self._penalty_name


def _precompute_to_solver(precompute, solver):
    """``precompute=True`` asks for the Gram solver; False and "auto" leave ``solver``."""
    if isinstance(precompute, str):
        if precompute != "auto":
            raise ValueError(f"precompute must be True, False or 'auto', got {precompute!r}.")
        return solver
    if isinstance(precompute, (bool, np.bool_)):
        return "gram" if precompute and solver == "auto" else solver
    raise TypeError(
        "precompute must be True, False or 'auto'; precomputed Gram arrays are not "
        "accepted (pass precompute=True and the Gram matrix is computed once, centred)."
    )


class _SklearnCompatible(_NamedPenaltyRegression):
    """Lasso / ElasticNet: the parameters of their scikit-learn namesakes."""

    def _solver_name(self):
        return _precompute_to_solver(self.precompute, self.solver)

    def _check_flags(self):
        super()._check_flags()
        if self.selection not in ("cyclic", "random"):
            raise ValueError(f"selection must be 'cyclic' or 'random', got {self.selection!r}.")


class Lasso(_SklearnCompatible):
    __doc__ = (
        r"""Linear regression with an ℓ1 penalty: a drop-in for ``sklearn.linear_model.Lasso``.
    """
        + _OBJECTIVE
        + r"""
    with :math:`\mathrm{pen}(w) = \alpha\|w\|_1`.  Same parameters as scikit-learn
    where they overlap and the same solution (to solver tolerance), computed by
    working-set coordinate descent with Anderson acceleration.

    Parameters
    ----------
    alpha : float, default=1.0
    fit_intercept : bool, default=True
    precompute : bool or "auto", default=False
        True uses the Gram solver (``XᵀX`` computed once); "auto" lets
        ``solver="auto"`` decide.
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified either way.
    max_iter : int, default=1000
    tol : float, default=1e-4
        Duality gap relative to the centred ``||y||²`` (scikit-learn's rule).
    warm_start : bool, default=False
    positive : bool, default=False
    random_state : None
        Accepted for compatibility (coordinates are visited by working sets).
    selection : {"cyclic", "random"}, default="cyclic"
        Accepted for compatibility (coordinates are visited by working sets).
    solver : {"auto", "cd", "gram", "fista", "cvxpy"}, default="auto"
    verbose : int, default=0

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, stop_crit_, n_features_in_
        As in :class:`SparseRegression`.

    References
    ----------
    .. [1] R. Tibshirani, "Regression shrinkage and selection via the lasso",
       J. R. Stat. Soc. B 58(1), 267–288, 1996.
    .. [2] Q. Bertrand and M. Massias, "Anderson acceleration of coordinate
       descent", AISTATS 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import Lasso
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> Lasso(alpha=0.1).fit(X, [0.0, 1.0, 2.0]).coef_.round(4)
    array([0.85, 0.  ])
    """
    )

    _penalty_name = "l1"

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute=False,
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())


class ElasticNet(_SklearnCompatible):
    __doc__ = (
        r"""Elastic-net regression: a drop-in for ``sklearn.linear_model.ElasticNet``.
    """
        + _OBJECTIVE
        + r"""
    with :math:`\mathrm{pen}(w) = \alpha\rho\|w\|_1 + \tfrac{\alpha(1-\rho)}{2}\|w\|_2^2`,
    :math:`\rho` = ``l1_ratio``.

    Parameters
    ----------
    alpha : float, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept, precompute, copy_X, max_iter, tol, warm_start, positive, \
random_state, selection, solver, verbose
        As in :class:`Lasso`.

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, stop_crit_, n_features_in_
        As in :class:`SparseRegression`.

    References
    ----------
    .. [1] H. Zou and T. Hastie, "Regularization and variable selection via the
       elastic net", J. R. Stat. Soc. B 67(2), 301–320, 2005.
    """
    )

    _penalty_name = "elasticnet"

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        precompute=False,
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())


_SHORTCUT_PARAMS = """
    fit_intercept : bool, default=True
    positive : bool, default=False
    max_iter : int, default=1000
    tol : float, default=1e-6
        Largest distance of the negative gradient to the subdifferential.
    warm_start : bool, default=False
    init : {"zero", "lasso", "best"}, default="zero"
        Starting point (see :class:`SparseRegression`).
    solver : {"auto", "cd", "gram", "fista"}, default="auto"
    verbose : int, default=0

    Attributes
    ----------
    coef_, intercept_, n_iter_, stop_crit_, n_features_in_
        As in :class:`SparseRegression`.
"""


class _NonconvexShortcut(_NamedPenaltyRegression):
    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        init="zero",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())


class MCPRegression(_NamedPenaltyRegression):
    __doc__ = (
        r"""Linear regression with the minimax concave penalty (MCP).
    """
        + _OBJECTIVE
        + r"""
    with the MCP of Zhang (2010), :class:`sparsestat.penalties.MCP`.

    Parameters
    ----------
    alpha : float, default=1.0
    gamma : float > 1, default=3.0
    """
        + _SHORTCUT_PARAMS
        + r"""
    References
    ----------
    .. [1] C.-H. Zhang, "Nearly unbiased variable selection under minimax concave
       penalty", Ann. Statist. 38(2), 894–942, 2010.
    .. [2] P. Breheny and J. Huang, "Coordinate descent algorithms for nonconvex
       penalized regression", Ann. Appl. Stat. 5(1), 232–253, 2011.
    """
    )

    _penalty_name = "mcp"

    def __init__(
        self,
        alpha=1.0,
        *,
        gamma=3.0,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        init="zero",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())


class SCADRegression(_NamedPenaltyRegression):
    __doc__ = (
        r"""Linear regression with the SCAD penalty.
    """
        + _OBJECTIVE
        + r"""
    with the SCAD of Fan and Li (2001), :class:`sparsestat.penalties.SCAD`.

    Parameters
    ----------
    alpha : float, default=1.0
    gamma : float > 2, default=3.7
    """
        + _SHORTCUT_PARAMS
        + r"""
    References
    ----------
    .. [1] J. Fan and R. Li, "Variable selection via nonconcave penalized
       likelihood and its oracle properties", J. Amer. Statist. Assoc. 96(456),
       1348–1360, 2001.
    """
    )

    _penalty_name = "scad"

    def __init__(
        self,
        alpha=1.0,
        *,
        gamma=3.7,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        init="zero",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())


class LqRegression(_NamedPenaltyRegression):
    __doc__ = (
        r"""Linear regression with the ℓq quasi-norm penalty, 0 < q < 1.
    """
        + _OBJECTIVE
        + r"""
    with :math:`\mathrm{pen}(w) = \alpha\sum_j |w_j|^q`
    (:class:`sparsestat.penalties.Lq`; exact closed-form thresholding for
    q = 1/2 and 2/3).

    Parameters
    ----------
    alpha : float, default=1.0
    q : float in (0, 1), default=0.5
    """
        + _SHORTCUT_PARAMS
        + r"""
    References
    ----------
    .. [1] Z. Xu, X. Chang, F. Xu and H. Zhang, "L_{1/2} regularization: a
       thresholding representation theory and a fast solver", IEEE Trans.
       Neural Netw. Learn. Syst. 23(7), 1013–1027, 2012.
    """
    )

    _penalty_name = "lq"

    def __init__(
        self,
        alpha=1.0,
        *,
        q=0.5,
        fit_intercept=True,
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        init="zero",
        solver="auto",
        verbose=0,
    ):
        _store_params(self, locals())


class L0Regression(_NonconvexShortcut):
    __doc__ = (
        r"""Linear regression with the ℓ0 penalty (best-subset in Lagrangian form).
    """
        + _OBJECTIVE
        + r"""
    with :math:`\mathrm{pen}(w) = \alpha\,\#\{j: w_j \neq 0\}`, minimised by
    coordinate descent with hard thresholding (a local minimiser; use CEL0 via
    ``SparseRegression(penalty="cel0")`` for fewer spurious local minima).

    Parameters
    ----------
    alpha : float, default=1.0
    """
        + _SHORTCUT_PARAMS
        + r"""
    References
    ----------
    .. [1] T. Blumensath and M. E. Davies, "Iterative thresholding for sparse
       approximations", J. Fourier Anal. Appl. 14, 629–654, 2008.
    .. [2] R. Mazumder, J. Friedman and T. Hastie, "SparseNet: coordinate descent
       with nonconvex penalties", J. Amer. Statist. Assoc. 106(495), 2011.
    """
    )

    _penalty_name = "l0"
