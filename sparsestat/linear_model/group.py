r"""Group-sparse regression: group lasso and the WGSEF with exact k-level selection."""

from __future__ import annotations

import numbers

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, to_numpy
from .._progress import run_parallel
from .._validation import check_integer, check_real
from ..penalties import WGSEF, GroupL2, GroupPartition
from ._base import RefitPredictMixin, check_sample_weight, make_problem, warn_if_not_converged
from .regression import _is_foreign_array, _store_params, _XYInput

__all__ = ["GroupSparseRegression", "GroupSparseRegressionCV"]

_GROUP_PENALTIES = ("wgsef", "group_l2")


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


class GroupSparseRegression(RegressorMixin, BaseEstimator):
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
    has exactly ``k`` non-zero groups.

    Parameters
    ----------
    groups : int, array-like of labels, or list of index arrays
        The partition of the features: one label per feature, one index array
        per group, or an int ``s`` for contiguous groups of ``s`` features (the
        last one may be shorter).  Overlaps, gaps and unknown features raise.
    penalty : {"wgsef", "group_l2"}, default="wgsef"
    k : int, default=1
        Number of groups WGSEF aims for (1 <= k <= number of groups).
    alpha : float, default=1.0
        Regularization strength (>= 0).
    weights : array-like of shape (n_groups,), default=None
        Group weights ``d_g`` (positive for WGSEF, non-negative for the group
        lasso); None: all ones.
    exact_k : bool, default=False
        Keep exactly ``k`` groups (see above).
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        FISTA iterations or block-CD epochs.
    tol : float, default=1e-6
        Duality gap relative to the centred ``||y||²``.
    warm_start : bool, default=False
    solver : {"auto", "bcd", "fista"}, default="auto"
        "auto": block CD for the group lasso on numpy input, FISTA otherwise.
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    active_groups_ : ndarray of int
        Indices (in partition order) of the groups with non-zero coefficients.
    n_active_groups_ : int
    group_labels_ : ndarray
        The label of every group (``np.unique`` order of the labels given).
    n_iter_ : int
    stop_crit_ : float
        The duality gap reached (before the exact-k refit, if any).
    penalty_ : Penalty
    solver_ : str

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
        _store_params(self, locals())

    def _build_penalty(self, partition):
        if self.penalty not in _GROUP_PENALTIES:
            raise ValueError(f"penalty must be one of {_GROUP_PENALTIES}, got {self.penalty!r}.")
        alpha = check_real(self.alpha, "alpha", low=0.0)
        labels = partition.group_of_feature
        if self.penalty == "group_l2":
            if self.exact_k:
                raise ValueError("exact_k=True applies to penalty='wgsef' only.")
            return GroupL2(alpha, groups=labels, weights=self.weights)
        return WGSEF(k=self.k, alpha=alpha, groups=labels, weights=self.weights)

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        from ..solvers.bcd import solve_group_bcd
        from ..solvers.fista import solve_fista

        for name in ("fit_intercept", "warm_start", "exact_k"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}.")
        data = _XYInput(self, X, y, reset=True)
        X, y = data.X, data.y
        sample_weight = check_sample_weight(
            None if sample_weight is None else np.asarray(to_numpy(sample_weight)), X.shape[0]
        )
        partition = _partition_for(self.groups, X.shape[1])
        penalty = self._build_penalty(partition)
        max_iter = check_integer(self.max_iter, "max_iter", low=1)
        tol = check_real(self.tol, "tol", low=0.0)
        solver = self.solver
        if solver not in ("auto", "bcd", "fista"):
            raise ValueError(f"solver must be 'auto', 'bcd' or 'fista', got {solver!r}.")
        if solver == "auto":
            solver = "bcd" if (self.penalty == "group_l2" and data.on_numpy) else "fista"
        if solver == "bcd" and (self.penalty != "group_l2" or not data.on_numpy):
            raise ValueError(
                "solver='bcd' solves the group lasso on numpy/scipy input; WGSEF's prox "
                "couples the groups, use solver='fista'."
            )
        coef_init = None
        if self.warm_start and hasattr(self, "coef_") and np.shape(self.coef_) == (X.shape[1],):
            coef_init = np.asarray(to_numpy(self.coef_), dtype=np.float64)
        if solver == "bcd":
            problem = make_problem(X, y, sample_weight, self.fit_intercept)
            result = solve_group_bcd(problem, penalty, coef_init, max_iter=max_iter, tol=tol)
        else:
            result = solve_fista(
                X,
                y,
                sample_weight,
                self.fit_intercept,
                penalty,
                coef_init,
                max_iter=max_iter,
                tol=tol,
            )
        warn_if_not_converged(result, type(self).__name__, max_iter, tol)
        coef, intercept = result.coef, result.intercept
        if self.exact_k:
            coef, intercept = self._exact_k_refit(X, y, sample_weight, partition, penalty, coef)
        xp = get_namespace(X) if _is_foreign_array(X) else None
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
        X_host = X if not _is_foreign_array(X) else np.asarray(to_numpy(X))
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
        w, intercept = _ridge_refit(
            X_host, y_host, sample_weight, self.fit_intercept, columns, ridge
        )
        return w, intercept

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``."""
        check_is_fitted(self, "coef_")
        if not _is_foreign_array(X):
            X = validate_data(
                self, X, reset=False, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32]
            )
            return np.asarray(X @ self.coef_).ravel() + self.intercept_
        xp = get_namespace(X, self.coef_)
        return xp.matmul(X, self.coef_) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _group_fold_errors(X, y, sample_weight, train, test, params, alphas):
    """Test MSE along a warm-started alpha path fitted on ``train``."""
    model = GroupSparseRegression(**params, warm_start=True)
    errors = np.empty(len(alphas))
    train_weight = None if sample_weight is None else sample_weight[train]
    for position, alpha in enumerate(alphas):
        model.set_params(alpha=float(alpha))
        model.fit(X[train], y[train], sample_weight=train_weight)
        residual = y[test] - model.predict(X[test])
        if sample_weight is None:
            errors[position] = np.mean(residual**2)
        else:
            weight = sample_weight[test]
            errors[position] = np.sum(weight * residual**2) / max(weight.sum(), 1e-300)
    return errors


class GroupSparseRegressionCV(RefitPredictMixin, RegressorMixin, BaseEstimator):
    """Group-sparse regression with ``alpha`` (and ``k``) chosen by K-fold CV.

    Every (k, fold) pair runs a warm-started path over ``alphas`` through
    ``joblib.Parallel``; the best (k, alpha) is refitted on all data.

    Parameters
    ----------
    groups, penalty, weights, exact_k, fit_intercept, max_iter, tol, solver
        As in :class:`GroupSparseRegression`.
    k : int or list of int, default=1
        A list is searched over (WGSEF).
    alphas : array-like, optional
        Default: ``n_alphas`` values on a geometric grid — from ``alpha_max``
        down to ``eps·alpha_max`` for the group lasso; from ``100·L`` down to
        ``eps·L`` for WGSEF (``L`` the largest eigenvalue of the centred
        ``XᵀX/n``; WGSEF never zeroes everything, its scale is set by ``L``).
    n_alphas : int, default=20
    eps : float, default=1e-3
    cv : int or splitter, default=5
    n_jobs : int, default=None
        (k, fold) paths run through ``joblib.Parallel``.
    fit_intercept, max_iter, tol, solver
        As in :class:`GroupSparseRegression`.
    verbose : int, default=0
        A tqdm progress bar of the finished (k, fold) paths.

    Attributes
    ----------
    alpha_, k_ : the chosen parameters
    alphas_ : ndarray of shape (n_alphas,)
    ks_ : list of the candidate k
    mse_path_ : ndarray of shape (n_k, n_alphas, n_folds)
    best_estimator_ : GroupSparseRegression
    coef_, intercept_, active_groups_, n_active_groups_, n_iter_ : from the refit

    References
    ----------
    .. [1] Y. Refael, I. Arbel and W. Huleihel, "Learning k-level structured
       sparse neural networks using group envelope regularization",
       arXiv:2212.12921, 2023.
    """

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
        _store_params(self, locals())

    def _alpha_grid(self, X, y, sample_weight, partition):
        if self.alphas is not None:
            return np.sort(np.asarray(self.alphas, dtype=float).ravel())[::-1]
        n_alphas = check_integer(self.n_alphas, "n_alphas", low=1)
        eps = check_real(self.eps, "eps", low=0.0, high=1.0, low_inclusive=False)
        problem = make_problem(X, y, sample_weight, self.fit_intercept)
        if self.penalty == "group_l2":
            grad = problem.gradient(np.zeros(X.shape[1]))
            top = GroupL2(1.0, groups=partition.group_of_feature, weights=self.weights).alpha_max(
                grad
            )
            top = top if top > 0 else 1.0
            return top * np.geomspace(1.0, eps, n_alphas)
        from ..solvers.fista import ArrayProblem

        scale = ArrayProblem(X, y, sample_weight, self.fit_intercept).lipschitz()
        scale = scale if scale > 0 else 1.0
        return scale * np.geomspace(100.0, 100.0 * eps, n_alphas)

    def fit(self, X, y, sample_weight=None):
        """Choose ``alpha`` (and ``k``) by cross-validation, then refit."""
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
        ks = list(np.atleast_1d(self.k)) if self.penalty == "wgsef" else [self.k]
        alphas = self._alpha_grid(X, y, sample_weight, partition)
        folds = list(check_cv(self.cv).split(X, y))
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
        jobs = [
            delayed(_group_fold_errors)(
                X, y, sample_weight, train, test, {**base, "k": int(k)}, alphas
            )
            for k in ks
            for train, test in folds
        ]
        errors = run_parallel(jobs, self.n_jobs, self.verbose, len(jobs), "cross-validation")
        mse = np.asarray(errors).reshape(len(ks), len(folds), -1).transpose(0, 2, 1)
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
