r"""Sparse linear regression with convex and nonconvex penalties."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.utils.metadata_routing import UNUSED

from .._array_api import get_namespace, is_numpy_namespace
from .._validation import (
    ArrayLike,
    Boolean,
    InstanceOf,
    Integer,
    Options,
    RandomState,
    Real,
    check_sample_weight,
)
from ..datafits import ArrayProblem
from ..datafits.statistics import is_dask_collection
from ..penalties import L1, MCP, SCAD, SeparablePenalty
from ._base import (
    PENALTY_NAMES,
    SOLVERS,
    SparseLinearModel,
    XYInput,
    build_penalty,
    check_finite_result,
    choose_solver,
    fit_dask,
    host,
    make_problem,
    run_solver,
    solver_problem,
    statistics_problem,
    unchecked_input,
    warn_if_alpha_zero,
    warn_if_not_converged,
)
from ._path import sparse_path

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
    :math:`b = 0` when ``fit_intercept=False``.  A 2-D ``y`` fits one such
    problem per column (target), as scikit-learn's ``Lasso`` does.
"""

_PENALTY_OBJECT = InstanceOf(
    SeparablePenalty, "a separable penalty object from sparsestat.penalties"
)

#: the parameters every sparse regressor shares, with what each may be
_COMMON_CONSTRAINTS = {
    "alpha": [Real(low=0.0)],
    "fit_intercept": [Boolean()],
    "positive": [Boolean()],
    "max_iter": [Integer(low=1)],
    "tol": [Real(low=0.0)],
    "warm_start": [Boolean()],
    "solver": [Options(*SOLVERS)],
    "verbose": [Integer(low=0), Boolean()],
}
_INIT = {"init": [Options("zero", "lasso", "best")]}
#: scikit-learn's parameters that Lasso and ElasticNet take on top
_SKLEARN_CONSTRAINTS = {
    "precompute": [Boolean(), Options("auto"), ArrayLike(ndim=2)],
    "copy_X": [Boolean()],
    "random_state": [RandomState()],
    "selection": [Options("cyclic", "random")],
}

_FIT_DOC = """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Dense (C or Fortran order) or scipy.sparse CSR/CSC; float32 stays
            float32.  Never modified (whatever ``copy_X``).  A :mod:`dask.array`
            (rows in chunks, possibly more than fit in memory) is reduced to its
            sufficient statistics by dask and fitted with the Gram solver, as
            :meth:`fit_from_statistics`.  Arrays of another array-API library
            (CuPy, array-api-strict) are fitted by FISTA in their namespace.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target(s).  With several columns, one model per column is fitted
            (``coef_`` of shape (n_targets, n_features)).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights (never modified); None gives every sample weight 1.
        check_input : bool, default=True
            False skips the validation of ``X`` and ``y`` (scikit-learn's
            option for callers that validated them already): ``X`` must then
            be a float32/float64 array (C or Fortran order) or a CSR/CSC
            matrix, without NaN or infinite values.  Do not use it unless you
            know what you do.

        Returns
        -------
        self : object
            The fitted estimator.
        """


def _path_method(penalty_name, class_name):
    """The static ``path`` of a shortcut class: :func:`sparse_path` with its penalty."""

    def path(X, y, *, alphas=None, n_alphas=100, eps=1e-3, **params):
        return sparse_path(
            X, y, penalty=penalty_name, alphas=alphas, n_alphas=n_alphas, eps=eps, **params
        )

    path.__doc__ = f"""Regularization path of :class:`{class_name}` (a static method).

        ``{class_name}.path(X, y, **params)`` is
        :func:`~sparsestat.linear_model.sparse_path` with
        ``penalty="{penalty_name}"``: it can be called on the class, as
        scikit-learn's ``Lasso.path``.  Unlike scikit-learn's ``lasso_path``
        it fits an intercept by default and its third output is the
        intercepts (the duality gaps are in the ``info`` of ``return_info=True``).

        Parameters
        ----------
        X : {{array-like, sparse matrix}} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target.
        alphas : array-like or int, default=None
            The grid, or the number of alphas of the default geometric grid.
        n_alphas : int, default=100
            Number of alphas when ``alphas`` is None.
        eps : float, default=1e-3
            ``alpha_min / alpha_max`` of the default grid.
        **params
            Any other argument of :func:`~sparsestat.linear_model.sparse_path`.

        Returns
        -------
        alphas : ndarray of shape (n_alphas,)
            The grid, in decreasing order.
        coefs : ndarray of shape (n_features, n_alphas)
            The solutions.
        intercepts : ndarray of shape (n_alphas,)
            The intercepts.
        info : dict
            Only with ``return_info=True``: ``n_iter``, ``stop_crit`` and
            ``converged`` per alpha.

        Examples
        --------
        >>> from sparsestat.datasets import make_sparse_regression
        >>> from sparsestat.linear_model import {class_name}
        >>> X, y, _ = make_sparse_regression(50, 20, 3, random_state=0)
        >>> alphas, coefs, intercepts = {class_name}.path(X, y, n_alphas=5)
        >>> coefs.shape
        (20, 5)
        """
    return staticmethod(path)


class SparseRegression(SparseLinearModel):
    __doc__ = (
        r"""Linear regression with a convex or nonconvex sparsity-inducing penalty.
    """
        + _OBJECTIVE
        + r"""
    Parameters
    ----------
    penalty : str or penalty object, default="l1"
        A separable penalty's name of :func:`~sparsestat.penalties.make_penalty`
        (``penalty_names("separable")``: ``"l1"``, ``"elasticnet"``, ``"l0"``,
        ``"lq"``, ``"cel0"``, ``"mcp"``, ``"scad"``...), built from those of
        ``alpha``, ``l1_ratio``, ``gamma``, ``q`` and ``positive`` below that
        it takes (its other parameters keep their defaults).  A separable penalty object from
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
        Whether to fit an intercept ``b`` (profiled out of the problem: ``X``
        is never centred in memory).
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
        Start from the previous ``coef_`` (when its shape matches).
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
        ``"cvxpy"``: the exact reference for convex penalties (small problems;
        needs ``pip install sparsestat[cvxpy]``).
        ``"auto"``: ``"fista"`` for non-numpy arrays, ``"gram"`` for dense
        ``X`` with ``n_samples >= 10·n_features`` and at most 2000 features,
        ``"cd"`` otherwise.
    verbose : int, default=0
        With a positive value, print one line per solve: the solver, its
        iterations, the stopping criterion reached and whether it converged.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Same dtype as ``X``; one row per target for a 2-D ``y``.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept(s) (0.0 without ``fit_intercept``).
    n_iter_ : int or list of int
        Coordinate-descent epochs (0 when the starting point already meets
        the tolerance, as scikit-learn counts them), or FISTA iterations; one
        per target.
    stop_crit_ : float or ndarray of shape (n_targets,)
        The stopping criterion reached (duality gap or subdifferential distance).
    dual_gap_ : float or ndarray of shape (n_targets,)
        The duality gap, for convex penalties with a gap (``l1``, ``elasticnet``).
    sparse_coef_ : scipy.sparse matrix of shape (1, n_features) or (n_targets, n_features)
        ``coef_`` as a CSR matrix.
    penalty_ : Penalty
        The penalty object that was minimised.
    solver_ : str
        The solver that ran.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    See Also
    --------
    sparse_path : Solutions along a grid of alphas.
    SparseRegressionCV : ``alpha`` (and the penalty's own parameter) by cross-validation.

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

    _parameter_constraints = {
        "penalty": [Options(*PENALTY_NAMES), _PENALTY_OBJECT],
        "l1_ratio": [Real(0.0, 1.0)],
        # the looser of the two string bounds; build_penalty applies SCAD's
        "gamma": [None, Real(low=MCP.estimator_gamma_low, low_inclusive=False)],
        "q": [Real(0.0, 1.0, low_inclusive=False, high_inclusive=False)],
        **_COMMON_CONSTRAINTS,
        **_INIT,
    }
    _targets = "both"
    # scikit-learn's convention: check_input is an option of fit, not metadata
    __metadata_request__fit = {"check_input": UNUSED}

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
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.gamma = gamma
        self.q = q
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.init = init
        self.solver = solver
        self.verbose = verbose

    path = staticmethod(sparse_path)

    # -- hooks of the scikit-learn compatible subclasses --------------------
    def _requested_solver(self):
        return self.solver

    def _precomputed_gram(self):
        """A Gram matrix given by the user (``precompute``), or None."""
        return None

    # -- fit ---------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, check_input=True):
        self._validate_params()
        if any(is_dask_collection(value) for value in (X, y, sample_weight)):
            return fit_dask(self, X, y, sample_weight)
        if check_input:
            data = XYInput(self, X, y, reset=True, multi_output=True)
            X, Y, on_numpy = data.X, data.y, data.on_numpy
        else:
            X, Y = unchecked_input(self, X, y)
            on_numpy = True
        sample_weight = check_sample_weight(
            None if sample_weight is None else host(sample_weight), X.shape[0]
        )
        self._warn_alpha_zero()
        single = Y.ndim == 1 or Y.shape[1] == 1
        targets = (
            [Y if Y.ndim == 1 else Y[:, 0]] if single else [Y[:, k] for k in range(Y.shape[1])]
        )
        starts = self._warm_starts(X.shape[1], len(targets), single)
        results = []
        gram_cache = {}
        for k, target in enumerate(targets):
            result, penalty = self._fit_target(
                X, target, sample_weight, on_numpy, starts[k], gram_cache
            )
            results.append(result)
        self._store_results(results, penalty, X.dtype, None if on_numpy else get_namespace(X))
        if not single:
            self._store_multi(results, X.dtype, None if on_numpy else get_namespace(X))
        return self

    fit.__doc__ = _FIT_DOC

    def _warn_alpha_zero(self):
        alpha = self.penalty.alpha if isinstance(self.penalty, SeparablePenalty) else self.alpha
        warn_if_alpha_zero(alpha)

    def _warm_starts(self, n_features, n_targets, single):
        """The previous ``coef_`` (row per target) when ``warm_start`` and shapes match."""
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is None:
            return [None] * n_targets
        previous = np.asarray(host(previous), dtype=np.float64)
        if single and previous.shape == (n_features,):
            return [previous]
        if not single and previous.shape == (n_targets, n_features):
            return list(previous)
        return [None] * n_targets

    def _fit_target(self, X, y, sample_weight, on_numpy, start, gram_cache):
        """Fit one target column: problem → penalty → solver → SolverResult."""
        if on_numpy:
            problem = make_problem(X, y, sample_weight, self.fit_intercept)
        else:
            problem = ArrayProblem(X, y, sample_weight, self.fit_intercept)
        penalty = build_penalty(self, problem)
        solver = choose_solver(self._requested_solver(), X, penalty)
        problem = solver_problem(solver, X, y, sample_weight, self.fit_intercept, problem)
        gram = None
        if solver == "gram":
            gram = self._gram_matrix(problem, X, sample_weight, gram_cache)
        result = self._minimise(solver, problem, penalty, start, gram)
        check_finite_result(result.coef, result.stop_crit)
        return result, penalty

    def _gram_matrix(self, problem, X, sample_weight, cache):
        """``(Q, q)`` for the Gram solver; ``Q`` computed (or validated) once for all targets."""
        if "Q" not in cache:
            user = self._precomputed_gram()
            Q = None
            if user is not None:
                Q = _checked_gram(user, problem, X, sample_weight)
            if Q is None:
                Q, q = problem.gram()
                cache["Q"] = Q
                return Q, q
            cache["Q"] = Q
        return cache["Q"], problem.gram_rhs()

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
        self : object
            The fitted estimator.
        """
        self._validate_params()
        problem = statistics_problem(self, statistics, targets=1)
        penalty = build_penalty(self, problem)
        solver = self._requested_solver()
        if solver not in ("auto", "gram"):
            raise ValueError(
                f"solver={solver!r} needs the rows of X; a fit from sufficient statistics "
                "(or a dask array) runs the Gram solver: use solver='auto' or 'gram'."
            )
        self._warn_alpha_zero()
        start = self._warm_starts(problem.n_features, 1, True)[0]
        result = self._minimise("gram", problem, penalty, start, None)
        check_finite_result(result.coef, result.stop_crit)
        self._store_results([result], penalty, statistics.dtype, None)
        return self

    def _minimise(self, solver, problem, penalty, start, gram):
        """Run the solver from each starting point; keep the lowest objective."""
        starts = (
            [start] if start is not None else self._starting_points(solver, problem, penalty, gram)
        )
        result = None
        for coef_init in starts:
            candidate = run_solver(
                solver, problem, penalty, coef_init, self.max_iter, self.tol, self.verbose, gram
            )
            if result is None or self._objective(problem, penalty, candidate) < self._objective(
                problem, penalty, result
            ):
                result = candidate
        warn_if_not_converged(result, type(self).__name__, self.max_iter, self.tol)
        return result

    def _starting_points(self, solver, problem, penalty, gram):
        """Starting points the ``init`` parameter asks for (None means 0)."""
        if self.init == "zero" or penalty.is_convex:
            return [None]
        lasso = L1(penalty.alpha, positive=penalty.positive)
        relaxed = run_solver(
            solver, problem, lasso, None, self.max_iter, self.tol, self.verbose, gram
        )
        start = np.asarray(host(relaxed.coef), dtype=np.float64)
        return [start] if self.init == "lasso" else [None, start]

    @staticmethod
    def _objective(problem, penalty, result):
        if isinstance(problem, ArrayProblem):  # array-API problems
            residual = problem.residual(result.coef)
            xp = problem.xp
            datafit = 0.5 * float(xp.sum(problem.weights * residual * residual))
        else:
            datafit = problem.value(result.coef)
        return datafit + penalty.value(result.coef)

    def _store_results(self, results, penalty, dtype, xp):
        """Fitted attributes of one target, in the namespace of the training data."""
        result = results[0]
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
        self._converged = all(r.converged for r in results)

    def _store_multi(self, results, dtype, xp):
        """One row of ``coef_`` (and one entry of the others) per target."""
        if xp is None or is_numpy_namespace(xp):
            self.coef_ = np.stack([np.asarray(r.coef, dtype=dtype) for r in results])
            intercepts = [float(r.intercept) if self.fit_intercept else 0.0 for r in results]
            self.intercept_ = np.asarray(intercepts, dtype=dtype)
        else:
            self.coef_ = xp.stack([xp.asarray(r.coef, dtype=dtype) for r in results])
            intercepts = [float(r.intercept) if self.fit_intercept else 0.0 for r in results]
            self.intercept_ = xp.asarray(intercepts, dtype=dtype)
        self.n_iter_ = [int(r.n_iter) for r in results]
        self.stop_crit_ = np.asarray([float(r.stop_crit) for r in results])
        if results[0].uses_gap:
            self.dual_gap_ = self.stop_crit_.copy()


def _checked_gram(gram, problem, X, sample_weight):
    """A user's Gram matrix in the solver's scaling, checked as scikit-learn checks it.

    scikit-learn's convention: ``precompute`` is ``X̃ᵀ diag(s·n/Σs) X̃`` for the
    data the model sees, centred when an intercept is fitted.  When an
    intercept is fitted and ``X`` is not centred, the matrix cannot be the one
    of the centred problem: it is ignored with scikit-learn's warning and the
    Gram matrix is recomputed (returns None).  Otherwise one entry is compared
    with its value from ``X`` (scikit-learn's tolerance), and ``Q = gram / n``.
    """
    gram = np.asarray(gram)
    n_samples, n_features = X.shape
    if gram.shape != (n_features, n_features):
        raise ValueError(
            "precompute: the Gram matrix must have shape (n_features, n_features) = "
            f"({n_features}, {n_features}), got {gram.shape}."
        )
    if problem.fit_intercept and not np.allclose(problem.means, 0.0):
        warnings.warn(
            "Gram matrix was provided but X was centered to fit intercept: recomputing "
            "Gram matrix.",
            UserWarning,
            stacklevel=5,
        )
        return None
    first = n_features // 2
    second = min(first + 1, n_features - 1)
    columns = X[:, [first, second]]
    columns = columns.toarray() if hasattr(columns, "toarray") else np.asarray(columns)
    columns = columns.astype(np.float64) - problem.means[[first, second]]
    weights = (
        np.ones(n_samples)
        if sample_weight is None
        else sample_weight * (n_samples / np.sum(sample_weight))
    )
    expected = float(np.sum(weights * columns[:, 0] * columns[:, 1]))
    actual = float(gram[first, second])
    rtol = max(1e-4 if dtype == np.float32 else 1e-7 for dtype in (gram.dtype, X.dtype))
    if not np.isclose(expected, actual, rtol=rtol, atol=1e-5):
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass validation when "
            "a single element was checked - please check that it was computed properly "
            f"(for the data X the model is fitted on, centred when fit_intercept=True). For "
            f"element ({first},{second}) we computed {expected} but the user-supplied value "
            f"was {actual}."
        )
    Q = np.array(gram, dtype=np.float64) / n_samples
    Q[problem.lipschitz == 0.0, :] = 0.0
    Q[:, problem.lipschitz == 0.0] = 0.0
    return np.ascontiguousarray(Q)


class _SklearnCompatible(SparseRegression):
    """Lasso / ElasticNet: the parameters of their scikit-learn namesakes."""

    _parameter_constraints = {
        "l1_ratio": SparseRegression._parameter_constraints["l1_ratio"],
        **_COMMON_CONSTRAINTS,
        **_SKLEARN_CONSTRAINTS,
    }

    def __init__(
        self,
        penalty,
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
        super().__init__(
            penalty=penalty,
            alpha=alpha,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            positive=positive,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            solver=solver,
            verbose=verbose,
        )
        self.precompute = precompute
        self.copy_X = copy_X
        self.random_state = random_state
        self.selection = selection

    def _requested_solver(self):
        """``precompute=True`` or a Gram array asks for the Gram solver."""
        precompute = self.precompute
        if isinstance(precompute, str):  # "auto": the solver's own rule
            return self.solver
        if isinstance(precompute, (bool, np.bool_)):
            return "gram" if precompute and self.solver == "auto" else self.solver
        if self.solver not in ("auto", "gram"):
            raise ValueError(
                "precompute=<Gram matrix> runs the Gram solver; solver must be 'auto' or "
                f"'gram', got {self.solver!r}."
            )
        return "gram"

    def _precomputed_gram(self):
        precompute = self.precompute
        if isinstance(precompute, (bool, np.bool_, str)):
            return None
        return precompute


_SKLEARN_PARAMS = """
    fit_intercept : bool, default=True
        Whether to fit an intercept (``X`` is never centred in memory).
    precompute : bool, "auto" or array-like of shape (n_features, n_features), default=False
        True uses the Gram solver (``XᵀX`` computed once); "auto" lets
        ``solver="auto"`` decide.  An array is used as the Gram matrix, as in
        scikit-learn: ``X̃ᵀ diag(s·n/Σs) X̃`` of the data passed to ``fit``,
        centred when ``fit_intercept=True`` (pass centred ``X``; otherwise it is
        recomputed, with a warning).  One entry is checked against ``X`` and
        a mismatch raises ``ValueError``.
    copy_X : bool, default=True
        Accepted for compatibility: ``X`` is never modified either way.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs.
    tol : float, default=1e-4
        Duality gap relative to the centred ``||y||²`` (scikit-learn's rule).
    warm_start : bool, default=False
        Start from the previous ``coef_`` (when its shape matches).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility (validated, unused: coordinates are visited
        by working sets, not at random).
    selection : {"cyclic", "random"}, default="cyclic"
        Accepted for compatibility (validated, unused: coordinates are visited
        by working sets).
    solver : {"auto", "cd", "gram", "fista", "cvxpy"}, default="auto"
        As in :class:`SparseRegression`.
    verbose : int, default=0
        With a positive value, print one line per solve (solver, iterations,
        duality gap, convergence).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The coefficients (one row per target for a 2-D ``y``).
    sparse_coef_ : scipy.sparse matrix of shape (1, n_features) or (n_targets, n_features)
        ``coef_`` as a CSR matrix.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept(s).
    n_iter_ : int or list of int
        Coordinate-descent epochs (0 when the start already meets ``tol``), one per target.
    dual_gap_ : float or ndarray of shape (n_targets,)
        The duality gaps reached.
    stop_crit_ : float or ndarray of shape (n_targets,)
        Same as ``dual_gap_``.
    penalty_ : Penalty
        The penalty object that was minimised.
    solver_ : str
        The solver that ran.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).
"""


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
        Regularization strength (>= 0; 0 is ordinary least squares, better
        solved by ``LinearRegression``).
"""
        + _SKLEARN_PARAMS
        + r"""
    See Also
    --------
    ElasticNet : ℓ1 plus ℓ2.
    sparse_path : The regularization path (also ``Lasso.path``).

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

    _parameter_constraints = {
        key: value
        for key, value in _SklearnCompatible._parameter_constraints.items()
        if key != "l1_ratio"
    }

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
        super().__init__(
            penalty="l1",
            alpha=alpha,
            fit_intercept=fit_intercept,
            precompute=precompute,
            copy_X=copy_X,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            positive=positive,
            random_state=random_state,
            selection=selection,
            solver=solver,
            verbose=verbose,
        )

    path = _path_method("l1", "Lasso")


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
        Regularization strength (>= 0).
    l1_ratio : float in [0, 1], default=0.5
        The mixing :math:`\rho`: 1 is the Lasso, 0 ridge regression.
"""
        + _SKLEARN_PARAMS
        + r"""
    See Also
    --------
    Lasso : The case ``l1_ratio=1``.
    sparse_path : The regularization path (also ``ElasticNet.path``).

    References
    ----------
    .. [1] H. Zou and T. Hastie, "Regularization and variable selection via the
       elastic net", J. R. Stat. Soc. B 67(2), 301–320, 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import ElasticNet
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, [1.0, 1.0, 4.0, 4.0]).coef_.round(4)
    array([0.9541, 0.839 ])
    """
    )

    _parameter_constraints = dict(_SklearnCompatible._parameter_constraints)

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
        super().__init__(
            penalty="elasticnet",
            alpha=alpha,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            precompute=precompute,
            copy_X=copy_X,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            positive=positive,
            random_state=random_state,
            selection=selection,
            solver=solver,
            verbose=verbose,
        )

    path = _path_method("elasticnet", "ElasticNet")


_SHORTCUT_PARAMS = """
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs (FISTA iterations).
    tol : float, default=1e-6
        Largest distance of the negative gradient to the subdifferential.
    warm_start : bool, default=False
        Start from the previous ``coef_`` (when its shape matches).
    init : {"zero", "lasso", "best"}, default="zero"
        Starting point (see :class:`SparseRegression`).
    solver : {"auto", "cd", "gram", "fista"}, default="auto"
        As in :class:`SparseRegression`.
    verbose : int, default=0
        With a positive value, print one line per solve.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The coefficients (one row per target for a 2-D ``y``).
    sparse_coef_ : scipy.sparse matrix
        ``coef_`` as a CSR matrix.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept(s).
    n_iter_ : int or list of int
        Coordinate-descent epochs (0 when the start already meets ``tol``), one per target.
    stop_crit_ : float or ndarray of shape (n_targets,)
        The largest subdifferential distance reached.
    penalty_ : Penalty
        The penalty object that was minimised.
    solver_ : str
        The solver that ran.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).
"""

_NONCONVEX_CONSTRAINTS = {**_COMMON_CONSTRAINTS, **_INIT}
_SHORTCUT_EXAMPLE = """
    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import {name}
    >>> X, y, coef = make_sparse_regression(100, 50, 5, random_state=0)
    >>> model = {name}(alpha={alpha}).fit(X, y)
    >>> bool(set(coef.nonzero()[0]) <= set(model.coef_.nonzero()[0]))
    True
"""


class MCPRegression(SparseRegression):
    __doc__ = (
        r"""Linear regression with the minimax concave penalty (MCP).
    """
        + _OBJECTIVE
        + r"""
    with the MCP of Zhang (2010), :class:`sparsestat.penalties.MCP`.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength (>= 0).
    gamma : float > 1, default=3.0
        Concavity: the penalty is flat beyond ``gamma·alpha``.
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
        + _SHORTCUT_EXAMPLE.format(name="MCPRegression", alpha=0.3)
    )

    _parameter_constraints = {
        "gamma": [Real(low=MCP.estimator_gamma_low, low_inclusive=False)],
        **_NONCONVEX_CONSTRAINTS,
    }

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
        super().__init__(
            penalty="mcp",
            alpha=alpha,
            gamma=gamma,
            fit_intercept=fit_intercept,
            positive=positive,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            init=init,
            solver=solver,
            verbose=verbose,
        )

    path = _path_method("mcp", "MCPRegression")


class SCADRegression(SparseRegression):
    __doc__ = (
        r"""Linear regression with the SCAD penalty.
    """
        + _OBJECTIVE
        + r"""
    with the SCAD of Fan and Li (2001), :class:`sparsestat.penalties.SCAD`.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength (>= 0).
    gamma : float > 2, default=3.7
        Concavity: the penalty is flat beyond ``gamma·alpha``.
    """
        + _SHORTCUT_PARAMS
        + r"""
    References
    ----------
    .. [1] J. Fan and R. Li, "Variable selection via nonconcave penalized
       likelihood and its oracle properties", J. Amer. Statist. Assoc. 96(456),
       1348–1360, 2001.
    """
        + _SHORTCUT_EXAMPLE.format(name="SCADRegression", alpha=0.3)
    )

    _parameter_constraints = {
        "gamma": [Real(low=SCAD.estimator_gamma_low, low_inclusive=False)],
        **_NONCONVEX_CONSTRAINTS,
    }

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
        super().__init__(
            penalty="scad",
            alpha=alpha,
            gamma=gamma,
            fit_intercept=fit_intercept,
            positive=positive,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            init=init,
            solver=solver,
            verbose=verbose,
        )

    path = _path_method("scad", "SCADRegression")


class LqRegression(SparseRegression):
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
        Regularization strength (>= 0).
    q : float in (0, 1), default=0.5
        The exponent.
    """
        + _SHORTCUT_PARAMS
        + r"""
    References
    ----------
    .. [1] Z. Xu, X. Chang, F. Xu and H. Zhang, "L_{1/2} regularization: a
       thresholding representation theory and a fast solver", IEEE Trans.
       Neural Netw. Learn. Syst. 23(7), 1013–1027, 2012.
    """
        + _SHORTCUT_EXAMPLE.format(name="LqRegression", alpha=0.1)
    )

    _parameter_constraints = {
        "q": SparseRegression._parameter_constraints["q"],
        **_NONCONVEX_CONSTRAINTS,
    }

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
        super().__init__(
            penalty="lq",
            alpha=alpha,
            q=q,
            fit_intercept=fit_intercept,
            positive=positive,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            init=init,
            solver=solver,
            verbose=verbose,
        )

    path = _path_method("lq", "LqRegression")


class L0Regression(SparseRegression):
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
        Regularization strength (>= 0): the price of one non-zero coefficient.
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
        + _SHORTCUT_EXAMPLE.format(name="L0Regression", alpha=0.05)
    )

    _parameter_constraints = dict(_NONCONVEX_CONSTRAINTS)

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
        super().__init__(
            penalty="l0",
            alpha=alpha,
            fit_intercept=fit_intercept,
            positive=positive,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            init=init,
            solver=solver,
            verbose=verbose,
        )

    path = _path_method("l0", "L0Regression")
