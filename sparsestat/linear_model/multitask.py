r"""Multitask regression with row-sparse coefficients (shared supports)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import validate_data

from .._validation import (
    Anything,
    Boolean,
    Integer,
    Options,
    RandomState,
    Real,
    check_sample_weight,
)
from ..datafits.statistics import is_dask_collection
from ..penalties import MCP, make_penalty
from ..penalties._registry import penalty_parameters
from ._base import (
    CVRoutingMixin,
    SparseLinearModel,
    check_finite_result,
    fit_dask,
    make_problem,
    statistics_problem,
    warn_if_alpha_zero,
    warn_if_not_converged,
)
from ._cv import ALPHAS_CONSTRAINT, cross_validate_paths
from ._path import alpha_grid

__all__ = ["MultiTaskSparseRegression", "MultiTaskLasso", "MultiTaskLassoCV"]

_ROW_PENALTIES = ("l21", "mcp", "scad")  # names of make_penalty this estimator offers


def _validate_multitask(estimator, X, Y, reset=True):
    if X is None:
        raise TypeError(f"{type(estimator).__name__}.fit needs X (an array-like), got None.")
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


def multitask_alpha_max(problem):
    """``max_j ||X̃_jᵀ Ỹ|| / n``: the smallest alpha of the ℓ2,1 penalty that zeroes ``W``."""
    rho = problem.rho.astype(float)
    centred = (
        problem.y - np.outer(rho, problem.vy / problem.V) if problem.fit_intercept else problem.y
    )
    G = np.asarray(problem.X.T @ (rho[:, None] * centred), dtype=float) * problem.scale2
    return float(np.linalg.norm(G, axis=1).max()) if G.size else 0.0


_MULTITASK_CONSTRAINTS = {
    "alpha": [Real(low=0.0)],
    "fit_intercept": [Boolean()],
    "max_iter": [Integer(low=1)],
    "tol": [Real(low=0.0)],
    "warm_start": [Boolean()],
    "verbose": [Integer(low=0), Boolean()],
}


class MultiTaskSparseRegression(SparseLinearModel):
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
        The penalty of each feature's row norm.
    alpha : float, default=1.0
        Regularization strength (>= 0).
    gamma : float, optional
        MCP (> 1, default 3) or SCAD (> 2, default 3.7) concavity.
    fit_intercept : bool, default=True
        Whether to fit one intercept per task.
    max_iter : int, default=1000
        Maximum number of epochs over the working sets.
    tol : float, default=1e-4
        Duality gap relative to the centred ``||Y||_F²`` (l21); largest row
        violation otherwise.
    warm_start : bool, default=False
        Start from the previous ``coef_`` (when its shape matches).
    verbose : int, default=0
        With a positive value, print one line per solve (iterations,
        stopping criterion, convergence).

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        The coefficients, one row per task.
    sparse_coef_ : scipy.sparse matrix of shape (n_tasks, n_features)
        ``coef_`` as a CSR matrix.
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    n_iter_ : int
        Epochs run (0 when the start already meets ``tol``).
    stop_crit_ : float
        The stopping criterion reached.
    dual_gap_ : float
        The duality gap (l21 only).
    active_features_ : ndarray of int
        Features with a non-zero row.
    penalty_ : SeparablePenalty
        The scalar penalty of one row norm that was minimised: ``L1(alpha)``
        for ``"l21"`` (``L21(alpha).row_penalty()``), ``MCP`` or ``SCAD``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    References
    ----------
    .. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection
       and joint subspace selection for multiple classification problems",
       Stat. Comput. 20, 231–252, 2010.
    .. [2] C.-H. Zhang, "Nearly unbiased variable selection under minimax concave
       penalty", Ann. Statist. 38(2), 894–942, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import MultiTaskSparseRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 10))
    >>> Y = X[:, :2] @ rng.standard_normal((2, 3)) + 0.1 * rng.standard_normal((60, 3))
    >>> model = MultiTaskSparseRegression(penalty="mcp", alpha=0.1).fit(X, Y)
    >>> model.active_features_
    array([0, 1])
    """

    _parameter_constraints = {
        "penalty": [Options(*_ROW_PENALTIES)],
        # the looser of the two string bounds; SCAD(...) applies its own
        "gamma": [None, Real(low=MCP.estimator_gamma_low, low_inclusive=False)],
        **_MULTITASK_CONSTRAINTS,
    }
    _targets = "multi"

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
        self.penalty = penalty
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data (never modified).  A :mod:`dask.array` (rows in
            chunks) is reduced to its sufficient statistics by dask and fitted
            as in :meth:`fit_from_statistics`.
        y : array-like of shape (n_samples, n_tasks)
            Targets, one column per task.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        from ..solvers.multitask import solve_multitask

        self._validate_params()
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
            Computed with a 2-D ``y`` (and the sample weights, if any).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        from ..solvers.multitask import solve_gram_multitask

        self._validate_params()
        problem = statistics_problem(self, statistics, targets=2)
        return self._fit_problem(
            solve_gram_multitask, problem, statistics.n_targets, statistics.dtype
        )

    def _fit_problem(self, solve, problem, n_tasks, dtype):
        from ._base import report_solve

        # block coordinate descent minimises sum_j pen(||W_:,j||) for a scalar pen
        # (block MCP and block SCAD); "l21" is L21's row penalty, L1(alpha)
        settings = {
            "alpha": float(self.alpha),
            "gamma": None if self.gamma is None else float(self.gamma),
        }
        accepted = penalty_parameters(self.penalty)
        penalty = make_penalty(
            self.penalty, **{name: value for name, value in settings.items() if name in accepted}
        )
        if penalty.penalty_kind == "rows":
            penalty = penalty.row_penalty()
        warn_if_alpha_zero(penalty.alpha)
        coef_init = None
        previous = getattr(self, "coef_", None)
        if self.warm_start and previous is not None:
            if previous.shape == (n_tasks, problem.n_features):
                coef_init = np.asarray(previous, dtype=float).T
        result = solve(problem, penalty, coef_init, max_iter=self.max_iter, tol=self.tol)
        check_finite_result(result.coef, result.stop_crit)
        if self.verbose:
            report_solve(type(self).__name__, result, self.tol)
        warn_if_not_converged(result, type(self).__name__, self.max_iter, self.tol)
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
        elif hasattr(self, "dual_gap_"):
            del self.dual_gap_
        self.active_features_ = np.flatnonzero(np.any(self.coef_ != 0, axis=0))
        self.penalty_ = penalty
        self._converged = bool(result.converged)
        return self


class MultiTaskLasso(MultiTaskSparseRegression):
    r"""Multitask Lasso: a drop-in for ``sklearn.linear_model.MultiTaskLasso``.

    Minimises :math:`\frac{1}{2n}\|Y - XW^\top - 1b^\top\|_F^2 + \alpha\sum_j\|W_{:,j}\|_2`
    by working-set block coordinate descent with Anderson acceleration (numba),
    stopping on the duality gap relative to the centred ``||Y||_F²`` as
    scikit-learn does.  Also accepts sparse ``X`` and sample weights.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength (>= 0).
    fit_intercept : bool, default=True
        Whether to fit one intercept per task.
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified.
    max_iter : int, default=1000
        Maximum number of epochs over the working sets.
    tol : float, default=1e-4
        Duality gap relative to the centred ``||Y||_F²``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` (when its shape matches).
    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility (validated, unused: working sets choose the rows).
    selection : {"cyclic", "random"}, default="cyclic"
        Accepted for compatibility (validated, unused: working sets choose the rows).
    verbose : int, default=0
        With a positive value, print one line per solve.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        The coefficients, one row per task.
    sparse_coef_ : scipy.sparse matrix of shape (n_tasks, n_features)
        ``coef_`` as a CSR matrix.
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    n_iter_ : int
        Epochs run (0 when the start already meets ``tol``).
    dual_gap_ : float
        The duality gap reached.
    stop_crit_ : float
        Same as ``dual_gap_``.
    active_features_ : ndarray of int
        Features with a non-zero row.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

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

    _parameter_constraints = {
        **_MULTITASK_CONSTRAINTS,
        "copy_X": [Boolean()],
        "random_state": [RandomState()],
        "selection": [Options("cyclic", "random")],
    }

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
        super().__init__(
            penalty="l21",
            alpha=alpha,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            verbose=verbose,
        )
        self.copy_X = copy_X
        self.random_state = random_state
        self.selection = selection


def _multitask_fold_path(X_train, Y_train, w_train, X_test, alphas, candidate, settings):
    """A warm-started MultiTaskLasso path on a training fold, predicted on its test fold."""
    model = MultiTaskLasso(**settings, warm_start=True)
    predictions = np.empty((X_test.shape[0], Y_train.shape[1], len(alphas)))
    n_failed = 0
    for position, alpha in enumerate(alphas):
        model.set_params(alpha=float(alpha))
        model.fit(X_train, Y_train, sample_weight=w_train)
        predictions[:, :, position] = model.predict(X_test)
        n_failed += not model._converged
    return predictions, n_failed


class MultiTaskLassoCV(CVRoutingMixin, SparseLinearModel):
    """Multitask Lasso with ``alpha`` chosen by K-fold cross-validation (joblib).

    A drop-in for ``sklearn.linear_model.MultiTaskLassoCV``: each fold runs a
    warm-started :class:`MultiTaskLasso` path, scored by the held-out mean
    squared error (averaged over the tasks, weighted by ``sample_weight``
    over the samples); the best alpha is refitted on all data.

    Parameters
    ----------
    alphas : array-like or int, default=None
        The candidate alphas, or their number on the default grid (as in
        scikit-learn 1.9: an int is a number of alphas).  None: ``n_alphas``
        values from ``alpha_max = max_j ||X̃_jᵀỸ||/n`` down to
        ``eps·alpha_max``.
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is None.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the default grid.
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn; with ``enable_metadata_routing=True``, ``fit``'s
        ``groups`` reach the splitter.
    n_jobs : int, default=None
        Number of joblib workers over the folds.
    fit_intercept : bool, default=True
        Whether to fit one intercept per task.
    max_iter : int, default=1000
        Maximum number of epochs per fit.
    tol : float, default=1e-4
        Duality gap relative to the centred ``||Y||_F²``.
    copy_X : bool, default=True
        Accepted for compatibility; ``X`` is never modified.
    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility (validated, unused).
    selection : {"cyclic", "random"}, default="cyclic"
        Accepted for compatibility (validated, unused).
    verbose : int, default=0
        A tqdm progress bar of the finished folds.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Held-out (weighted) mean squared errors.
    coef_ : ndarray of shape (n_tasks, n_features)
        Coefficients of the refitted model.
    intercept_ : ndarray of shape (n_tasks,)
        Its intercepts.
    n_iter_ : int
        Its epochs.
    dual_gap_ : float
        Its duality gap.
    best_estimator_ : MultiTaskLasso
        The refitted model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    References
    ----------
    .. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection
       and joint subspace selection for multiple classification problems",
       Stat. Comput. 20, 231–252, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import MultiTaskLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 10))
    >>> Y = X[:, :2] @ rng.standard_normal((2, 3)) + 0.1 * rng.standard_normal((60, 3))
    >>> model = MultiTaskLassoCV(alphas=10, cv=3).fit(X, Y)
    >>> model.mse_path_.shape, model.coef_.shape
    ((10, 3), (3, 10))
    """

    _parameter_constraints = {
        "alphas": ALPHAS_CONSTRAINT,
        "n_alphas": [Integer(low=1)],
        "eps": [Real(0.0, 1.0, low_inclusive=False)],
        "cv": [Anything()],
        "n_jobs": [None, Integer()],
        "fit_intercept": [Boolean()],
        "max_iter": [Integer(low=1)],
        "tol": [Real(low=0.0)],
        "copy_X": [Boolean()],
        "random_state": [RandomState()],
        "selection": [Options("cyclic", "random")],
        "verbose": [Integer(low=0), Boolean()],
    }
    _targets = "multi"

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
        copy_X=True,
        random_state=None,
        selection="cyclic",
        verbose=0,
    ):
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.cv = cv
        self.n_jobs = n_jobs
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.random_state = random_state
        self.selection = selection
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None, **params):
        """Choose ``alpha`` by cross-validation, then refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples, n_tasks)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights: used by the fits and by the held-out scores.
        **params : dict
            Metadata for the splitter (``groups``), only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        split_params = self._split_params(params)
        X, Y = _validate_multitask(self, X, y)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        top = 0.0
        if self.alphas is None or isinstance(self.alphas, numbers.Integral):
            top = multitask_alpha_max(make_problem(X, Y, sample_weight, self.fit_intercept))
        alphas = alpha_grid(self.alphas, self.n_alphas, self.eps, top)
        settings = {
            "fit_intercept": self.fit_intercept,
            "max_iter": self.max_iter,
            "tol": self.tol,
            "copy_X": self.copy_X,
            "random_state": self.random_state,
            "selection": self.selection,
        }
        mse = cross_validate_paths(
            self,
            _multitask_fold_path,
            settings,
            X,
            Y,
            sample_weight,
            [alphas],
            [None],
            split_params,
        )
        self.mse_path_ = mse[0]
        self.alphas_ = alphas
        self.alpha_ = float(alphas[np.argmin(self.mse_path_.mean(axis=1))])
        best = MultiTaskLasso(alpha=self.alpha_, **settings).fit(X, Y, sample_weight=sample_weight)
        self._adopt(best, ("coef_", "intercept_", "n_iter_", "dual_gap_"))
        return self
