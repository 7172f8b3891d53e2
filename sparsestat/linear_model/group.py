r"""Group-sparse regression: group lasso and the WGSEF with exact k-level selection."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.utils.validation import validate_data

from .._array_api import get_namespace, to_numpy
from .._validation import (
    Anything,
    ArrayLike,
    Boolean,
    Integer,
    Options,
    Real,
    check_integer,
    check_sample_weight,
)
from ..datafits import ArrayProblem
from ..penalties import GroupL2, GroupPartition, make_penalty, penalty_names
from ..penalties._registry import penalty_parameters
from ..solvers._table import auto_solver, solver_function, solver_names
from ._base import (
    CVRoutingMixin,
    SparseLinearModel,
    XYInput,
    check_finite_result,
    is_foreign_array,
    make_problem,
    report_solve,
    solver_problem,
    warn_if_alpha_zero,
    warn_if_not_converged,
)
from ._cv import ALPHAS_CONSTRAINT, cross_validate_paths
from ._path import alpha_grid

__all__ = ["GroupSparseRegression", "GroupSparseRegressionCV"]

_GROUP_PENALTIES = penalty_names("group")


def _partition_for(groups, n_features):
    """A GroupPartition from labels, index lists or a group size (int)."""
    if isinstance(groups, numbers.Integral) and not isinstance(groups, (bool, np.bool_)):
        size = check_integer(groups, "groups", low=1)
        return GroupPartition(np.arange(n_features) // size)
    return GroupPartition(groups, n_features=n_features)


def _ridge_refit(X, y, sample_weight, fit_intercept, columns, ridge):
    """Least squares on ``columns`` with the penalty ``½ Σ ridge_j w_j²``.

    Solves ``(Q_S + diag(ridge)) w_S = q_S`` with the centred, scaled Gram
    matrix of the selected columns; returns the full coefficient vector and the
    intercept.
    """
    from ..datafits import QuadraticProblem

    sub = X[:, columns]
    problem = QuadraticProblem(sub, y, sample_weight, fit_intercept)
    Q, q = problem.gram()
    system = Q + np.diag(ridge)
    try:
        w_sub = np.linalg.solve(system, q)
    except np.linalg.LinAlgError:
        w_sub = np.linalg.lstsq(system, q, rcond=None)[0]
    w = np.zeros(X.shape[1])
    w[columns] = w_sub
    return w, problem.intercept(w_sub)


class GroupSparseRegression(SparseLinearModel):
    r"""Linear regression that keeps or drops predefined groups of features.

    .. math::

        \min_{w, b}\ \frac{1}{2\sum_i s_i}\sum_i s_i (y_i - x_i^\top w - b)^2 + \mathrm{pen}(w)

    with ``penalty="wgsef"``: :math:`\mathrm{pen}(w) = \alpha\,S_k(b)`, the weighted
    group sparse envelope of the group norms :math:`b_g = \sqrt{d_g}\|w_g\|`
    (:class:`sparsestat.penalties.WGSEF`, convex, aiming at ``k`` groups), solved
    by FISTA with restarts (array-API generic: runs on CuPy) and the numba
    linear-time prox on the CPU, stopping on the exact duality gap; or with
    ``penalty="group_l2"``: :math:`\alpha\sum_g d_g\|w_g\|` (group lasso), solved by
    working-set block coordinate descent in numba.

    **Exactly k groups** (``exact_k=True``, WGSEF only).  The convex WGSEF
    solution keeps at least ``k`` groups, often a few more with small norms.
    Exact k-level selection keeps the ``k`` groups with the largest
    :math:`b_g` (ties broken by the gradient norm) and refits on them.  On
    vectors with at most ``k`` non-zero groups the envelope equals
    :math:`\tfrac12\sum_g d_g\|w_g\|^2`, so the refit — a weighted ridge on the
    ``k`` groups — minimises the very same objective over those groups: the
    result is the best point of the WGSEF objective with that support, and it
    has exactly ``k`` non-zero groups — unless the refit itself zeroes some of
    them (data without signal on those groups, e.g. a constant ``y``), which
    a ``UserWarning`` reports.

    Parameters
    ----------
    groups : int, array-like of labels, or list of index arrays
        The partition of the features: one label per feature, one index array
        per group, or an int ``s`` for contiguous groups of ``s`` features (the
        last one may be shorter).  Overlaps, gaps and unknown features raise.
    penalty : {"wgsef", "wgsef_nonconvex", "group_l2"}, default="wgsef"
        The group penalty: the weighted group sparse envelope (convex, aims at
        ``k`` groups), the non-convex WGSEF (envelope minus the weighted ridge,
        zero on vectors with at most ``k`` groups; with ``alpha >= L/min(d)``,
        ``L`` the Lipschitz constant of the datafit, every FISTA iterate has at
        most ``k`` groups) or the group lasso.
    k : int, default=1
        Number of groups WGSEF (convex or not) aims for (1 <= k <= number of
        groups).
    alpha : float, default=1.0
        Regularization strength (>= 0).
    weights : array-like of shape (n_groups,), default=None
        Group weights ``d_g`` (positive for WGSEF, non-negative for the group
        lasso); None: all ones.
    exact_k : bool, default=False
        Keep exactly ``k`` groups (see above).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    max_iter : int, default=1000
        FISTA iterations or block-CD epochs.
    tol : float, default=1e-6
        Duality gap relative to the centred ``||y||²``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` (when its shape matches).
    solver : {"auto", "bcd", "fista"}, default="auto"
        "auto": block CD for the group lasso on numpy input, FISTA otherwise.
    verbose : int, default=0
        With a positive value, print one line per solve (solver, iterations,
        duality gap, convergence).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients.
    sparse_coef_ : scipy.sparse matrix of shape (1, n_features)
        ``coef_`` as a CSR matrix.
    intercept_ : float
        The intercept.
    active_groups_ : ndarray of int
        Indices (in partition order) of the groups with non-zero coefficients.
    n_active_groups_ : int
    group_labels_ : ndarray
        The label of every group (``np.unique`` order of the labels given).
    n_iter_ : int
        Iterations (FISTA) or block epochs (BCD).
    stop_crit_ : float
        The duality gap reached (before the exact-k refit, if any).
    penalty_ : Penalty
        The penalty object that was minimised.
    solver_ : str
        The solver that ran.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    References
    ----------
    .. [1] Y. Refael, I. Arbel and W. Huleihel, "Learning k-level structured
       sparse neural networks using group envelope regularization",
       arXiv:2212.12921, 2023.
    .. [2] A. Beck and Y. Refael, "Sparse regularization via bidualization",
       J. Global Optim. 82, 463–482, 2022.
    .. [3] M. Yuan and Y. Lin, "Model selection and estimation in regression with
       grouped variables", J. R. Stat. Soc. B 68(1), 49–67, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import GroupSparseRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 12))
    >>> y = X[:, :3].sum(axis=1) + 0.1 * rng.standard_normal(100)
    >>> model = GroupSparseRegression(groups=3, k=1, alpha=0.5, exact_k=True).fit(X, y)
    >>> model.active_groups_
    array([0])
    """

    _parameter_constraints = {
        "groups": [Anything()],
        "penalty": [Options(*_GROUP_PENALTIES)],
        "k": [Integer(low=1)],
        "alpha": [Real(low=0.0)],
        "weights": [None, ArrayLike(ndim=1)],  # signs and sizes: the penalty checks them
        "exact_k": [Boolean()],
        "fit_intercept": [Boolean()],
        "max_iter": [Integer(low=1)],
        "tol": [Real(low=0.0)],
        "warm_start": [Boolean()],
        "solver": [Options(*solver_names("group"))],
        "verbose": [Integer(low=0), Boolean()],
    }

    def __init__(
        self,
        groups=1,
        penalty="wgsef",
        *,
        k=1,
        alpha=1.0,
        weights=None,
        exact_k=False,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        solver="auto",
        verbose=0,
    ):
        self.groups = groups
        self.penalty = penalty
        self.k = k
        self.alpha = alpha
        self.weights = weights
        self.exact_k = exact_k
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.solver = solver
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (never modified); arrays of another array-API
            library (CuPy) are fitted by FISTA in their namespace.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        data = XYInput(self, X, y, reset=True)
        X, y = data.X, data.y
        sample_weight = check_sample_weight(
            None if sample_weight is None else np.asarray(to_numpy(sample_weight)), X.shape[0]
        )
        partition = _partition_for(self.groups, X.shape[1])
        if self.penalty != "wgsef" and self.exact_k:
            raise ValueError("exact_k=True applies to penalty='wgsef' only.")
        settings = {
            "k": self.k,
            "alpha": float(self.alpha),
            "groups": partition.group_of_feature,
            "weights": self.weights,
        }
        accepted = penalty_parameters(self.penalty)
        penalty = make_penalty(
            self.penalty, **{name: value for name, value in settings.items() if name in accepted}
        )
        warn_if_alpha_zero(penalty.alpha, stacklevel=3)
        max_iter, tol = self.max_iter, self.tol
        solver = self.solver
        if solver == "auto":
            solver = auto_solver("group", X, penalty)
        if solver == "bcd" and ("bcd" not in penalty.solvers or not data.on_numpy):
            raise ValueError(
                "solver='bcd' solves the group lasso on numpy/scipy input; WGSEF's prox "
                "couples the groups, use solver='fista'."
            )
        coef_init = None
        if self.warm_start and hasattr(self, "coef_") and np.shape(self.coef_) == (X.shape[1],):
            coef_init = np.asarray(to_numpy(self.coef_), dtype=np.float64)
        if solver == "fista" and data.on_numpy:  # the refusal of overflowing data of
            make_problem(X, y, sample_weight, self.fit_intercept)  # every other solver
        problem = solver_problem(solver, X, y, sample_weight, self.fit_intercept)
        solve = solver_function(solver)
        result = solve(problem, penalty, coef_init, max_iter=max_iter, tol=tol)
        check_finite_result(result.coef, result.stop_crit)
        if self.verbose:
            report_solve(type(self).__name__, result, tol)
        warn_if_not_converged(result, type(self).__name__, max_iter, tol)
        self._converged = bool(result.converged)
        coef, intercept = result.coef, result.intercept
        if self.exact_k:
            coef, intercept = self._exact_k_refit(X, y, sample_weight, partition, penalty, coef)
        xp = get_namespace(X) if is_foreign_array(X) else None
        if xp is None:
            self.coef_ = np.asarray(to_numpy(coef), dtype=X.dtype)
        else:
            self.coef_ = xp.asarray(coef, dtype=X.dtype)
        self.intercept_ = float(intercept) if self.fit_intercept else 0.0
        norms = np.asarray(to_numpy(penalty.group_norms(np.asarray(to_numpy(coef)))))
        self.active_groups_ = np.flatnonzero(norms > 0)
        self.n_active_groups_ = int(self.active_groups_.size)
        self.group_labels_ = partition.labels
        self.n_iter_ = int(result.n_iter)
        self.stop_crit_ = float(result.stop_crit)
        self.penalty_ = penalty
        self.solver_ = solver
        return self

    def _exact_k_refit(self, X, y, sample_weight, partition, penalty, coef):
        """Keep the k groups with the largest sqrt(d_g)·||w_g||, refit on them."""
        coef = np.asarray(to_numpy(coef), dtype=np.float64)
        X_host = X if not is_foreign_array(X) else np.asarray(to_numpy(X))
        y_host = np.asarray(to_numpy(y), dtype=X_host.dtype)
        from ..datafits import QuadraticProblem

        problem = QuadraticProblem(X_host, y_host, sample_weight, self.fit_intercept)
        sqrt_d = np.sqrt(penalty.group_weights)
        strength = sqrt_d * np.asarray(penalty.group_norms(coef))
        grad_norms = np.asarray(penalty.group_norms(problem.gradient(coef))) / sqrt_d
        order = np.lexsort((-grad_norms, -strength))  # by strength, then gradient
        chosen = np.sort(order[: penalty.k])
        columns = np.concatenate([partition.index_lists()[g] for g in chosen])
        ridge = penalty.alpha * np.repeat(penalty.group_weights[chosen], partition.sizes[chosen])
        raw_norm2 = problem.scale2 * float(np.sum(problem.y.astype(np.float64) ** 2))
        if problem.y_norm2 <= 1e-28 * raw_norm2:  # nothing to explain: y constant (or 0)
            w = np.zeros(X_host.shape[1])
            intercept = problem.intercept(w)
        else:
            w, intercept = _ridge_refit(
                X_host, y_host, sample_weight, self.fit_intercept, columns, ridge
            )
        n_kept = int(np.count_nonzero(np.asarray(penalty.group_norms(w)) > 0))
        if n_kept < penalty.k:
            warnings.warn(
                f"exact_k=True: the refit on the k={penalty.k} chosen groups has only "
                f"{n_kept} non-zero group(s): the data carry no signal on the others (for "
                "instance y is constant); no choice of k groups does better.",
                UserWarning,
                stacklevel=3,
            )
        return w, intercept


def _group_fold_path(X_train, y_train, w_train, X_test, alphas, candidate, settings):
    """A warm-started GroupSparseRegression path (k = ``candidate``) on a training fold."""
    model = GroupSparseRegression(**settings, k=int(candidate), warm_start=True)
    predictions = np.empty((X_test.shape[0], len(alphas)))
    n_failed = 0
    for position, alpha in enumerate(alphas):
        model.set_params(alpha=float(alpha))
        model.fit(X_train, y_train, sample_weight=w_train)
        predictions[:, position] = model.predict(X_test)
        n_failed += not model._converged
    return predictions, n_failed


class GroupSparseRegressionCV(CVRoutingMixin, SparseLinearModel):
    """Group-sparse regression with ``alpha`` (and ``k``) chosen by K-fold CV.

    Every (k, fold) pair runs a warm-started path over ``alphas`` through
    ``joblib.Parallel``, scored by the held-out mean squared error (weighted
    by ``sample_weight`` when given); the best (k, alpha) is refitted on all
    data.

    Parameters
    ----------
    groups : int, array-like of labels, or list of index arrays, default=1
        The partition of the features (see :class:`GroupSparseRegression`).
    penalty : {"wgsef", "wgsef_nonconvex", "group_l2"}, default="wgsef"
        The group penalty (see :class:`GroupSparseRegression`).
    k : int or list of int, default=1
        Number of groups WGSEF aims for; a list is searched over (both WGSEF
        penalties).
    alphas : array-like or int, optional
        The candidate alphas, or their number on the default grid.  Default:
        ``n_alphas`` values on a geometric grid — from ``alpha_max`` down to
        ``eps·alpha_max`` for the group lasso; from ``100·L`` down to
        ``100·eps·L`` for WGSEF (``L`` the largest eigenvalue of the centred
        ``XᵀX/n``; WGSEF never zeroes everything, its scale is set by ``L``);
        from ``L / min(weights)`` down to ``eps`` times that for the
        non-convex WGSEF, whose fits are the same for every alpha above it
        (each prox step is then the projection on ``k`` groups).  With
        unequal weights, alphas between ``L / max(weights)`` and
        ``L / min(weights)`` fit with the smaller step
        ``NonconvexWGSEF.prox_step`` gives (the prox is not defined at ``1/L``
        there).
    n_alphas : int, default=20
        Number of alphas when ``alphas`` is None.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid.
    weights : array-like of shape (n_groups,), default=None
        Group weights (see :class:`GroupSparseRegression`).
    exact_k : bool, default=False
        Keep exactly ``k`` groups (WGSEF).
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn; with ``enable_metadata_routing=True``, ``fit``'s
        ``groups`` metadata reach the splitter.
    n_jobs : int, default=None
        Number of joblib workers over the (k, fold) paths.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    max_iter : int, default=1000
        FISTA iterations or block-CD epochs per fit.
    tol : float, default=1e-6
        Duality gap relative to the centred ``||y||²``.
    solver : {"auto", "bcd", "fista"}, default="auto"
        As in :class:`GroupSparseRegression`.
    verbose : int, default=0
        A tqdm progress bar of the finished (k, fold) paths.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    k_ : int
        The chosen k.
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    ks_ : list of int
        The candidate k.
    mse_path_ : ndarray of shape (n_k, n_alphas, n_folds)
        Held-out (weighted) mean squared errors.
    best_estimator_ : GroupSparseRegression
        The refitted model.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the refit.
    intercept_ : float
        Its intercept.
    active_groups_ : ndarray of int
        Its non-zero groups.
    n_active_groups_ : int
        Their number.
    n_iter_ : int
        Its iterations.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    References
    ----------
    .. [1] Y. Refael, I. Arbel and W. Huleihel, "Learning k-level structured
       sparse neural networks using group envelope regularization",
       arXiv:2212.12921, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.linear_model import GroupSparseRegressionCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((90, 12))
    >>> y = X[:, :3].sum(axis=1) + 0.1 * rng.standard_normal(90)
    >>> model = GroupSparseRegressionCV(groups=3, k=[1, 2], n_alphas=5, cv=3).fit(X, y)
    >>> model.mse_path_.shape, model.k_ in (1, 2)
    ((2, 5, 3), True)
    """

    _parameter_constraints = {
        "groups": [Anything()],
        "penalty": [Options("wgsef", "wgsef_nonconvex", "group_l2")],
        "k": [Integer(low=1), ArrayLike(ndim=1, low=1.0)],
        "alphas": ALPHAS_CONSTRAINT,
        "n_alphas": [Integer(low=1)],
        "eps": [Real(0.0, 1.0, low_inclusive=False)],
        "weights": [None, ArrayLike(ndim=1)],  # signs and sizes: the penalty checks them
        "exact_k": [Boolean()],
        "cv": [Anything()],
        "n_jobs": [None, Integer()],
        "fit_intercept": [Boolean()],
        "max_iter": [Integer(low=1)],
        "tol": [Real(low=0.0)],
        "solver": [Options(*solver_names("group"))],
        "verbose": [Integer(low=0), Boolean()],
    }

    def __init__(
        self,
        groups=1,
        penalty="wgsef",
        *,
        k=1,
        alphas=None,
        n_alphas=20,
        eps=1e-3,
        weights=None,
        exact_k=False,
        cv=5,
        n_jobs=None,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-6,
        solver="auto",
        verbose=0,
    ):
        self.groups = groups
        self.penalty = penalty
        self.k = k
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.weights = weights
        self.exact_k = exact_k
        self.cv = cv
        self.n_jobs = n_jobs
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.verbose = verbose

    def _alpha_grid(self, X, y, sample_weight, partition):
        if self.alphas is not None and not isinstance(self.alphas, numbers.Integral):
            return alpha_grid(self.alphas, self.n_alphas, self.eps, 0.0)
        n_alphas = self.n_alphas if self.alphas is None else self.alphas
        n_alphas = check_integer(n_alphas, "alphas" if self.alphas else "n_alphas", low=1)
        eps = float(self.eps)
        problem = make_problem(X, y, sample_weight, self.fit_intercept)
        if self.penalty == "group_l2":
            grad = problem.gradient(np.zeros(X.shape[1]))
            top = GroupL2(1.0, groups=partition.group_of_feature, weights=self.weights).alpha_max(
                grad
            )
            return alpha_grid(None, n_alphas, eps, top)
        scale = ArrayProblem(X, y, sample_weight, self.fit_intercept).lipschitz()
        scale = scale if scale > 0 else 1.0
        if self.penalty == "wgsef_nonconvex":
            smallest = 1.0
            if self.weights is not None:
                weights = np.asarray(self.weights, dtype=float)
                smallest = weights[weights > 0].min() if np.any(weights > 0) else 1.0
            top = scale / smallest
            return top * np.geomspace(1.0, eps, n_alphas)
        return scale * np.geomspace(100.0, 100.0 * eps, n_alphas)

    def fit(self, X, y, sample_weight=None, **params):
        """Choose ``alpha`` (and ``k``) by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights: used by the fits and by the held-out scores.
        **params : dict
            Metadata for the splitter (``groups`` of samples, not to be
            confused with the feature partition ``self.groups``), only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        split_params = self._split_params(params)
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
        partition = _partition_for(self.groups, X.shape[1])
        if self.penalty == "wgsef_nonconvex" and self.exact_k:
            raise ValueError(
                "exact_k=True is for the convex WGSEF: the non-convex WGSEF ends with at most "
                "k groups by itself; use penalty='wgsef' with exact_k=True, or exact_k=False."
            )
        ks = list(np.atleast_1d(self.k)) if self.penalty != "group_l2" else [self.k]
        alphas = self._alpha_grid(X, y, sample_weight, partition)
        base = {
            "groups": self.groups,
            "penalty": self.penalty,
            "weights": self.weights,
            "exact_k": self.exact_k,
            "fit_intercept": self.fit_intercept,
            "max_iter": self.max_iter,
            "tol": self.tol,
            "solver": self.solver,
        }
        mse = cross_validate_paths(
            self,
            _group_fold_path,
            base,
            X,
            y,
            sample_weight,
            [alphas] * len(ks),
            [int(k) for k in ks],
            split_params,
        )
        best_k, best_alpha = np.unravel_index(np.argmin(mse.mean(axis=2)), mse.shape[:2])
        self.k_ = int(ks[best_k])
        self.alpha_ = float(alphas[best_alpha])
        self.ks_ = [int(k) for k in ks]
        self.alphas_ = alphas
        self.mse_path_ = mse
        best = GroupSparseRegression(**base, k=self.k_, alpha=self.alpha_)
        best.fit(X, y, sample_weight=sample_weight)
        names = ("coef_", "intercept_", "active_groups_", "n_active_groups_", "n_iter_")
        self._adopt(best, names)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
