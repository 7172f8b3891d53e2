r"""Choosing CoLiDE's ``alpha`` from the data alone: ``CoLiDECV``."""

from __future__ import annotations

import numbers

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .._array_api import to_numpy
from .._progress import progress, run_parallel
from .._validation import check_integer, check_real
from ._refit import (
    gaussian_log_likelihood,
    information_criterion,
    noise_variances,
    refit_dag,
    residual_variances,
)
from .acyclicity import to_dag, topological_order
from .colide import CoLiDE

__all__ = ["CoLiDECV"]

#: default grid: 0.2 down to 0.025 in steps of sqrt(2) (0.1 and 0.05 included)
DEFAULT_ALPHAS = tuple(0.2 * 2.0 ** (-k / 2) for k in range(7))
_CRITERIA = ("bic", "ebic", "cv")
#: objective checkpoints of the warm-started stages (CoLiDE's stages: every 1000
#: iterations): a warm stage starts next to its answer, and lazy-adam ends a
#: stage after five checkpoints without a new best, so it ends sooner
_WARM_CHECKPOINT = 500
# CoLiDE's parameters that CoLiDECV passes on (alpha is the grid's)
_COLIDE_PARAMETERS = (
    "variance",
    "w_threshold",
    "mu_init",
    "mu_factor",
    "s",
    "nv_start",
    "optimizer",
    "inverse_refresh",
    "max_iter",
    "tol",
    "learning_rate",
)


def _check_alphas(alphas):
    if alphas is None:
        return np.asarray(DEFAULT_ALPHAS)
    if isinstance(alphas, numbers.Number):
        alphas = [alphas]
    try:
        values = np.asarray(alphas, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"alphas must be a sequence of positive numbers, got {alphas!r}."
        ) from exc
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(
            f"alphas must be a non-empty sequence of positive finite numbers, got {alphas!r}."
        )
    return np.unique(values)[::-1]  # decreasing: the path goes from sparse to dense


def _start_index(alphas, path_start):
    """Index of the grid value closest to ``path_start`` on a log scale."""
    return int(np.argmin(np.abs(np.log(alphas) - np.log(path_start))))


def _path(
    parameters,
    alphas,
    covariance,
    n_samples,
    start,
    score=None,
    patience=None,
    warm_max_iter=None,
    verbose=0,
    description=None,
):
    """CoLiDE models along ``alphas`` (decreasing), warm-started outward from one.

    ``alphas[start]`` runs CoLiDE's whole central path from ``W = 0``; the
    smaller alphas follow in decreasing order and the larger ones in
    increasing order, each running only the last stage from its neighbour's
    estimate (:meth:`CoLiDE._continue_from`).

    ``score(model)`` returns the criterion of a fitted model at each
    threshold.  With ``patience = (p_down, p_up)``, the direction toward
    smaller alphas stops after ``p_down`` alphas in a row whose best criterion
    (over the thresholds) did not go below the lowest one of that direction so
    far (the start included), and the direction toward larger alphas after
    ``p_up``: the criterion comes from the data alone, and a warm-started
    model depends only on its neighbour on the start's side, so the models
    that are fitted are those of the full path.  Returns ``(models, scores)``,
    ``None`` where the stop skipped an alpha.  ``warm_max_iter``: the budget
    of each warm-started stage (None: CoLiDE's last-stage budget).
    """
    n_alphas = len(alphas)
    models, scores = [None] * n_alphas, [None] * n_alphas
    bar = progress(range(n_alphas), verbose, n_alphas, description)
    steps = iter(bar)

    def fit(index, neighbour):
        model = CoLiDE(**parameters, alpha=float(alphas[index]))
        covariance_checked, _, xp, floor, schedule = model._prepare(None, covariance, n_samples)
        if neighbour is None:
            model._solve(covariance_checked, schedule, floor, xp)
        else:
            model._continue_from(
                neighbour,
                covariance_checked,
                schedule,
                floor,
                xp,
                max_iter=warm_max_iter,
                checkpoint=_WARM_CHECKPOINT,
                warn=warm_max_iter is None,
            )
        models[index] = model
        if score is not None:
            scores[index] = np.asarray(score(model), dtype=float)
        next(steps, None)
        return model

    fit(start, None)
    directions = (range(start + 1, n_alphas), range(start - 1, -1, -1))
    for side, direction in enumerate(directions):
        best = np.min(scores[start]) if score is not None else None
        stalled, neighbour = 0, models[start]
        for index in direction:
            neighbour = fit(index, neighbour)
            if score is None or patience is None:
                continue
            value = np.min(scores[index])
            if value < best:
                best, stalled = value, 0
            else:
                stalled += 1
                if stalled >= patience[side]:
                    break
    if hasattr(bar, "close"):
        bar.close()
    return models, scores


def _refitted(covariance, edges, variance):
    """Least-squares weights on ``edges`` and the noise variances (per node or shared)."""
    weights = refit_dag(covariance, edges)
    floor = (1e-8 * float(np.sqrt(np.max(np.diag(covariance))))) ** 2
    variances = noise_variances(residual_variances(covariance, weights), variance, floor)
    return weights, variances


def _centred_covariance(X, mean):
    centred = X - mean
    return centred.T @ centred / X.shape[0]


def _fold_log_likelihoods(parameters, alphas, thresholds, starts, warm_max_iter, X, train, test):
    """Mean held-out Gaussian log-likelihood per sample, one fold.

    Shape (n_starts, n_alphas, n_thresholds).  The paths are fitted on the
    training rows (the whole grid); at each alpha and threshold the
    thresholded DAG is refitted by least squares on them, and the test rows,
    centred at the training mean, are scored.  One BLAS thread, so the result
    does not depend on where the fold runs.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        mean = X[train].mean(axis=0)
        covariance = _centred_covariance(X[train], mean)
        test_covariance = _centred_covariance(X[test], mean)

        def score(model):
            values = []
            for threshold in thresholds:
                weights, variances = _refitted(
                    covariance, _edges(model, threshold), parameters["variance"]
                )
                log_likelihood = gaussian_log_likelihood(
                    test_covariance, len(test), weights, variances
                )
                values.append(log_likelihood / len(test))
            return values

        return np.asarray(
            [
                _path(
                    parameters, alphas, covariance, len(train), start, score, None, warm_max_iter
                )[1]
                for start in starts
            ]
        )


def _edges(model, threshold):
    """Edges of a fitted model's raw estimate thresholded at ``threshold`` (acyclic)."""
    return np.asarray(to_dag(np.asarray(model.raw_adjacency_), float(threshold))) != 0


def _check_thresholds(w_threshold):
    """``w_threshold`` as an increasing array of distinct non-negative thresholds."""
    if isinstance(w_threshold, numbers.Number) and not isinstance(w_threshold, (bool, np.bool_)):
        values = [w_threshold]
    else:
        try:
            values = list(w_threshold)
        except TypeError:
            values = None
    message = (
        "w_threshold must be a non-negative number or a non-empty sequence of them, "
        f"got {w_threshold!r}."
    )
    if not values:
        raise ValueError(message)
    checked = []
    for value in values:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise ValueError(message)
        if not np.isfinite(value) or value < 0:
            raise ValueError(message)
        checked.append(float(value))
    return np.unique(checked)


def _check_patience(patience):
    """``patience`` as ``(toward smaller alphas, toward larger alphas)``; None: no stop."""
    if patience is None:
        return None
    values = [patience, patience] if isinstance(patience, numbers.Number) else patience
    message = (
        "patience must be a positive integer, a pair of them (toward smaller, toward larger "
        f"alphas) or None, got {patience!r}."
    )
    try:
        values = list(values)
    except TypeError:
        raise ValueError(message) from None
    if len(values) != 2:
        raise ValueError(message)
    for value in values:
        if (
            isinstance(value, (bool, np.bool_))
            or not isinstance(value, numbers.Integral)
            or value < 1
        ):
            raise ValueError(message)
    return int(values[0]), int(values[1])


def _check_path_start(path_start, alphas):
    """Grid indices (distinct, in the given order) of the values closest to ``path_start``."""
    values = [path_start] if isinstance(path_start, numbers.Number) else list(path_start)
    if not values:
        raise ValueError("path_start must be a positive number or a non-empty sequence of them.")
    starts = []
    for value in values:
        value = check_real(value, "path_start", low=0.0, low_inclusive=False)
        index = _start_index(alphas, value)
        if index not in starts:
            starts.append(index)
    return starts


class CoLiDECV(BaseEstimator):
    r"""CoLiDE with ``alpha`` chosen from the data: (extended) BIC or held-out likelihood.

    Fits CoLiDE along a grid of ``alphas`` from each value of ``path_start``:
    the grid value closest to it runs CoLiDE's whole central path from
    ``W = 0``; from its estimate a path goes down the smaller alphas and up
    the larger ones, each alpha warm-started at its neighbour's estimate and
    running only the last stage.  Every estimate of every path is
    thresholded at ``w_threshold`` (at each value, when it is a grid),
    refitted by least squares (:class:`CoLiDE`'s ``refit``) and scored by a
    criterion computed from the data alone:

    - ``"bic"``: :math:`-2\log L + k\log n` of the Gaussian linear SEM on the
      refitted DAG, ``k`` = edges + noise variances, with one variance per
      node (``variance="nv"``) or one shared (``"ev"``);
    - ``"ebic"``: the extended BIC of Chen and Chen (2008) applied to each
      node's regression on the ``d - 1`` others, BIC +
      :math:`2γ\sum_j \log\binom{d-1}{|pa(j)|}`; it penalises dense graphs
      more as ``d`` grows;
    - ``"cv"``: minus the mean held-out Gaussian log-likelihood per sample
      over ``cv`` folds (the path refitted on each training part, the
      folds run through joblib).

    The estimate with the lowest criterion, over all paths, alphas and
    thresholds, becomes the model.  Thresholding and refitting reuse each fit,
    so a grid of thresholds costs least squares, not CoLiDE fits.

    With the BIC or the extended BIC, each direction of a path stops once
    the criterion has not improved for ``patience`` alphas in a row: the
    criterion needs no truth, so the stop is part of the estimator, and the
    estimates it does fit are those of the full path (each depends only on
    its neighbour toward the start).  A warm-started stage checks its
    objective every 500 iterations instead of CoLiDE's 1000, so, started next
    to its answer, it can end sooner once it stalls.

    Why a separate estimator and not ``CoLiDE(alpha="auto")``: the selection
    has its own parameters (grid, criterion, folds, ``n_jobs``) and its own
    fitted attributes (the criterion and edge-count paths), ``CoLiDE``'s
    ``alpha`` stays a number that ``GridSearchCV`` can search, and the name
    follows scikit-learn's ``LassoCV`` and ``GraphicalLassoCV``.

    Parameters
    ----------
    variance : {"nv", "ev"}, default="nv"
        Noise model of CoLiDE and of the likelihood.
    alphas : array-like of float, default=None
        Grid of ℓ1 weights (> 0), stored in decreasing order.  None: seven
        values from 0.2 to 0.025 in steps of √2 (0.1 and 0.05 included).
    path_start : float or sequence of float, default=(0.1, 0.05)
        Where the central paths run (the grid values closest to these, log
        scale); one path over the whole grid from each.  The central path
        sets the causal order and the warm stages mostly move the sparsity,
        so the starts are what explores different orders, and the criterion
        then chooses between them too.  Each start costs about one CoLiDE fit
        plus one last stage per other alpha it reaches.  Why these two and not
        the largest alpha, the usual start of a lasso path: see the user guide.
    patience : int, pair of int or None, default=(3, 1)
        Early stop of the paths (``criterion="bic"`` or ``"ebic"``): a path
        going toward smaller alphas stops after ``patience[0]`` alphas in a
        row without a criterion below the lowest one it has seen (its start
        included), and toward larger alphas after ``patience[1]``; an int sets
        both.  Toward larger alphas the graphs only lose edges, and on the
        benchmark the criterion rose steadily there; toward smaller alphas it
        can go up and down again, hence the longer patience.  None fits the
        whole grid (always so with ``criterion="cv"``, whose criterion is
        known only after all folds).
    warm_max_iter : int or None, default=None
        Iteration budget of each warm-started stage along a path (the path
        starts run CoLiDE's own budgets); a way to bound the cost, at some
        risk to the estimates (a capped stage hands a less converged estimate
        to its neighbour).  A warm stage that ends on it raises no warning
        (``estimator_.stage_converged_`` records it).  None: CoLiDE's
        last-stage budget, or ``max_iter``.
    criterion : {"bic", "ebic", "cv"}, default="bic"
        How the thresholded, refitted DAG at each alpha is scored (lower is
        better).
    ebic_gamma : float, default=0.5
        γ of the extended BIC (>= 0; 0 gives the BIC).
    cv : int or cross-validation splitter, default=5
        Folds of ``criterion="cv"`` (an int means unshuffled ``KFold``).
    w_threshold : float or sequence of float, default=0.3
        Threshold of CoLiDE's estimate (>= 0).  A sequence is a grid: the
        threshold is chosen by the criterion together with alpha (each fit
        thresholded and refitted at every value).  On the benchmark's
        simulated data the BIC's choice of threshold did not beat the fixed
        0.3 (see the user guide), hence the single default.
    mu_init, mu_factor, s, nv_start, optimizer, inverse_refresh, max_iter, tol, learning_rate
        As in :class:`CoLiDE`.
    refit : bool, default=False
        ``adjacency_`` holds the least-squares effects on the selected graph
        and ``noise_scale_`` their residual scales (as ``CoLiDE(refit=True)``).
    n_jobs : int, default=None
        Folds fitted in parallel (``criterion="cv"``), joblib's meaning.
    verbose : int, default=0
        Progress bar over the alphas (tqdm, when installed).

    Attributes
    ----------
    alpha_ : float
        The selected ``alpha``.
    w_threshold_ : float
        The selected threshold (``w_threshold`` itself when it is a number).
    best_index_ : tuple of int
        ``(path, alpha)`` position of the selected estimate in the path
        attributes.
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    path_start_alphas_ : ndarray of shape (n_paths,)
        The grid values where the central paths ran (one row of the path
        attributes each).
    thresholds_ : ndarray of shape (n_thresholds,)
        The thresholds, increasing.
    path_fitted_ : ndarray of bool of shape (n_paths, n_alphas)
        Which alphas each path fitted (False: skipped by the early stop).
    criterion_path_ : ndarray of shape (n_paths, n_alphas)
        The criterion at each alpha of each path, at that alpha's best
        threshold (lower is better): BIC, extended BIC or minus the mean
        held-out log-likelihood per sample; NaN where not fitted.
    criterion_threshold_path_ : ndarray of shape (n_paths, n_alphas, n_thresholds)
        The criterion at every (alpha, threshold); NaN where not fitted.
    threshold_path_ : ndarray of shape (n_paths, n_alphas)
        The threshold with the lowest criterion at each alpha (the smallest on
        ties); NaN where not fitted.
    n_edges_path_ : ndarray of int of shape (n_paths, n_alphas)
        Edges of the DAG thresholded at ``threshold_path_``; -1 where not
        fitted.
    cv_log_likelihood_ : ndarray of shape (n_paths, n_alphas, n_thresholds, n_folds)
        ``criterion="cv"`` only: held-out log-likelihood per sample, per fold.
    raw_adjacency_path_ : ndarray of shape (n_paths, n_alphas, n_features, n_features)
        CoLiDE's raw estimates; NaN where not fitted.
    path_iter_ : ndarray of int of shape (n_paths, n_alphas)
        Iterations spent at each alpha (the whole central path at the start,
        one warm stage elsewhere; 0 where not fitted).
    estimator_ : CoLiDE
        The path's fitted model at ``alpha_``, thresholded at ``w_threshold_``
        (for ``stage_objective_`` and the other stage attributes).  It is
        warm-started, so it can differ from ``CoLiDE(alpha=alpha_).fit(X)``.
    adjacency_ : ndarray of shape (n_features, n_features)
        The selected DAG (penalized weights, or least-squares ones with
        ``refit=True``).
    raw_adjacency_ : ndarray of shape (n_features, n_features)
    noise_scale_ : float or ndarray of shape (n_features,)
    causal_order_ : ndarray of int
    n_iter_ : int
        Iterations along the whole path (the folds not counted).
    n_samples_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` has column names.

    See Also
    --------
    CoLiDE : The estimator at a fixed alpha.
    sparsestat.dag.edge_stability : Bootstrap frequencies of the edges.
    sparsestat.plotting.plot_alpha_selection : Draw the criterion and edge paths.

    Notes
    -----
    The criterion is a likelihood of the refitted graph, so it judges the
    thresholded DAG, not the penalized fit; it does not know the true graph
    and favours graphs that explain the data with few edges.  The user guide
    reports how often the selected alpha does as well as the best fixed one
    on simulated data.  Folds are fitted with one BLAS thread each
    (``threadpoolctl``), so the criterion does not depend on ``n_jobs``.

    References
    ----------
    .. [1] S. S. Saboksayr, G. Mateos and M. Tepper, "CoLiDE: Concomitant linear
       DAG estimation", ICLR 2024.
    .. [2] G. Schwarz, "Estimating the dimension of a model", Annals of
       Statistics 6, 1978.
    .. [3] J. Chen and Z. Chen, "Extended Bayesian information criteria for
       model selection with large model spaces", Biometrika 95, 2008.

    Examples
    --------
    >>> from sparsestat.dag import (CoLiDECV, simulate_dag, simulate_parameters,
    ...                             simulate_linear_sem, dag_metrics)
    >>> B = simulate_dag(8, 8, "ER", random_state=0)
    >>> X = simulate_linear_sem(simulate_parameters(B, random_state=0), 1000,
    ...                         random_state=0)
    >>> model = CoLiDECV(variance="ev", alphas=[0.2, 0.1, 0.05]).fit(X)
    >>> model.criterion_path_.shape   # (paths started at 0.1 and 0.05, alphas)
    (2, 3)
    >>> model.alphas_.tolist()
    [0.2, 0.1, 0.05]
    >>> dag_metrics(B, model.adjacency_)["shd"]
    0
    """

    def __init__(
        self,
        variance="nv",
        alphas=None,
        path_start=(0.1, 0.05),
        patience=(3, 1),
        warm_max_iter=None,
        criterion="bic",
        ebic_gamma=0.5,
        cv=5,
        w_threshold=0.3,
        mu_init=1.0,
        mu_factor=0.1,
        s=(1.0, 0.9, 0.8, 0.7),
        nv_start="ev",
        optimizer="auto",
        inverse_refresh=8,
        max_iter=None,
        tol=None,
        learning_rate=3e-4,
        refit=False,
        n_jobs=None,
        verbose=0,
    ):
        self.variance = variance
        self.alphas = alphas
        self.path_start = path_start
        self.patience = patience
        self.warm_max_iter = warm_max_iter
        self.criterion = criterion
        self.ebic_gamma = ebic_gamma
        self.cv = cv
        self.w_threshold = w_threshold
        self.mu_init = mu_init
        self.mu_factor = mu_factor
        self.s = s
        self.nv_start = nv_start
        self.optimizer = optimizer
        self.inverse_refresh = inverse_refresh
        self.max_iter = max_iter
        self.tol = tol
        self.learning_rate = learning_rate
        self.refit = refit
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y=None):
        """Fit the paths, score them and keep the best alpha (and threshold).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Observations (numpy or pandas); centred on a copy.
        y : ignored

        Returns
        -------
        self : CoLiDECV
        """
        alphas = _check_alphas(self.alphas)
        if self.criterion not in _CRITERIA:
            raise ValueError(f"criterion must be one of {_CRITERIA}, got {self.criterion!r}.")
        gamma = check_real(self.ebic_gamma, "ebic_gamma", low=0.0)
        if not isinstance(self.refit, (bool, np.bool_)):
            raise TypeError(f"refit must be True or False, got {self.refit!r}.")
        thresholds = _check_thresholds(self.w_threshold)
        patience = _check_patience(self.patience)
        warm_max_iter = self.warm_max_iter
        if warm_max_iter is not None:
            warm_max_iter = check_integer(warm_max_iter, "warm_max_iter", low=1)
            if self.max_iter is not None:  # CoLiDE's budget, when smaller, still applies
                warm_max_iter = min(warm_max_iter, int(self.max_iter))
        parameters = {name: getattr(self, name) for name in _COLIDE_PARAMETERS}
        parameters["w_threshold"] = float(thresholds[0])
        # CoLiDE validates the data and its own parameters (names, shapes, NaN)
        checker = CoLiDE(**parameters)
        covariance, n_samples, _, _, _ = checker._prepare(X, None, None)
        X = np.asarray(X, dtype=np.float64)
        if hasattr(checker, "feature_names_in_"):
            self.feature_names_in_ = checker.feature_names_in_
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.n_features_in_ = checker.n_features_in_
        self.n_samples_ = n_samples
        covariance = np.asarray(to_numpy(covariance), dtype=np.float64)
        splits = None
        if self.criterion == "cv":
            splitter = check_cv(self.cv)
            n_splits = splitter.get_n_splits(X)
            if n_splits < 2:
                raise ValueError(f"cv must give at least 2 folds, got {n_splits}.")
            if n_samples < 2 * n_splits:
                raise ValueError(
                    f"cv={n_splits} folds need at least {2 * n_splits} samples (2 per "
                    f"fold), got n_samples={n_samples}."
                )
            splits = list(splitter.split(X))
            if (
                min(len(train) for train, _ in splits) < 2
                or min(len(test) for _, test in splits) < 1
            ):
                raise ValueError("every fold needs at least 2 training and 1 test sample.")

        starts = _check_path_start(self.path_start, alphas)
        if splits is None:

            def score(model):
                values = []
                for threshold in thresholds:
                    edges = _edges(model, threshold)
                    weights, variances = _refitted(covariance, edges, self.variance)
                    values.append(
                        information_criterion(
                            covariance,
                            n_samples,
                            edges,
                            weights,
                            variances,
                            self.variance,
                            self.criterion,
                            gamma,
                        )
                    )
                return values

        else:  # the criterion comes from the folds: the whole grid is fitted
            score, patience = None, None
        paths = []
        grid = np.full((len(starts), len(alphas), len(thresholds)), np.nan)
        for row, start in enumerate(starts):
            models, scores = _path(
                parameters,
                alphas,
                covariance,
                n_samples,
                start,
                score,
                patience,
                warm_max_iter,
                self.verbose,
                "CoLiDE path",
            )
            paths.append(models)
            for k, values in enumerate(scores):
                if values is not None:
                    grid[row, k] = values
        if splits is None:
            if hasattr(self, "cv_log_likelihood_"):
                del self.cv_log_likelihood_
        else:
            jobs = (
                delayed(_fold_log_likelihoods)(
                    parameters, alphas, thresholds, starts, warm_max_iter, X, train, test
                )
                for train, test in splits
            )
            with threadpool_limits(limits=1, user_api="blas"):
                folds = run_parallel(jobs, self.n_jobs, self.verbose, len(splits), "folds")
            self.cv_log_likelihood_ = np.stack(folds, axis=-1)
            grid = -self.cv_log_likelihood_.mean(axis=-1)

        fitted = np.asarray([[m is not None for m in models] for models in paths])
        # per alpha, the threshold with the lowest criterion (the first on ties)
        best_threshold = np.zeros(fitted.shape, dtype=np.int64)
        best_threshold[fitted] = np.argmin(grid[fitted], axis=-1)
        self.alphas_ = alphas
        self.thresholds_ = thresholds
        self.path_start_alphas_ = alphas[starts]
        self.path_fitted_ = fitted
        self.criterion_threshold_path_ = grid
        self.criterion_path_ = np.take_along_axis(grid, best_threshold[..., None], axis=-1)[..., 0]
        self.threshold_path_ = np.where(fitted, thresholds[best_threshold], np.nan)
        d = self.n_features_in_
        self.n_edges_path_ = np.full(fitted.shape, -1, dtype=np.int64)
        self.raw_adjacency_path_ = np.full((*fitted.shape, d, d), np.nan)
        self.path_iter_ = np.zeros(fitted.shape, dtype=np.int64)
        for row, k in zip(*np.nonzero(fitted), strict=True):
            model = paths[row][k]
            edges = _edges(model, thresholds[best_threshold[row, k]])
            self.n_edges_path_[row, k] = int(np.count_nonzero(edges))
            self.raw_adjacency_path_[row, k] = np.asarray(model.raw_adjacency_)
            self.path_iter_[row, k] = model.n_iter_
        self.n_iter_ = int(self.path_iter_.sum())
        # the lowest criterion over paths, alphas and thresholds (NaN: not fitted)
        row, best, column = np.unravel_index(int(np.nanargmin(grid)), grid.shape)
        row, best, column = int(row), int(best), int(column)
        self.best_index_ = (row, best)
        self.alpha_ = float(alphas[best])
        self.w_threshold_ = float(thresholds[column])
        estimator = paths[row][best]
        self.estimator_ = estimator
        self.raw_adjacency_ = estimator.raw_adjacency_
        self.h_ = estimator.h_
        # the estimator at the selected threshold (its refit, if any, on that graph)
        estimator.w_threshold = self.w_threshold_
        estimator.adjacency_ = to_dag(estimator.raw_adjacency_, self.w_threshold_)
        estimator.causal_order_ = topological_order(estimator.adjacency_)
        if self.refit:
            weights, variances = _refitted(
                covariance, np.asarray(estimator.adjacency_) != 0, self.variance
            )
            self.adjacency_ = weights
            scales = np.sqrt(variances)
            self.noise_scale_ = float(scales[0]) if self.variance == "ev" else scales
            estimator.adjacency_, estimator.noise_scale_ = self.adjacency_, self.noise_scale_
        else:
            self.adjacency_ = estimator.adjacency_
            self.noise_scale_ = estimator.noise_scale_
        self.causal_order_ = topological_order(self.adjacency_)
        return self

    @property
    def graph_(self):
        """``adjacency_`` as a :class:`networkx.DiGraph` (edge attribute ``weight``)."""
        check_is_fitted(self, "adjacency_")
        if hasattr(self, "feature_names_in_"):
            self.estimator_.feature_names_in_ = self.feature_names_in_
        return self.estimator_.graph_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
