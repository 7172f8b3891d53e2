"""Stability selection: how often a sparse estimator keeps each feature on subsamples."""

from __future__ import annotations

import numpy as np
from joblib import delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from .._array_api import to_numpy
from .._progress import run_parallel
from .._validation import (
    ArrayLike,
    Boolean,
    Integer,
    RandomState,
    Real,
    check_real,
    validate_params,
)
from ._base import routing_enabled

__all__ = ["StabilitySelection"]


def _subsamples(seed, n_samples, size, pairs):
    """Row indices of the subsample(s) of one draw (two disjoint halves with ``pairs``)."""
    order = np.random.RandomState(seed).permutation(n_samples)
    if pairs:
        return [np.sort(order[:size]), np.sort(order[size : 2 * size])]
    return [np.sort(order[:size])]


def _selected(estimator, n_features):
    """Boolean mask of the features with a non-zero coefficient in ``estimator.coef_``."""
    coef = getattr(estimator, "coef_", None)
    if coef is None:
        raise ValueError(
            f"StabilitySelection needs an estimator that sets coef_ when fitted; "
            f"{type(estimator).__name__} has no coef_ after fit."
        )
    coef = np.asarray(to_numpy(coef))
    if coef.ndim == 0 or coef.shape[-1] != n_features:
        raise ValueError(
            f"the estimator's coef_ has shape {coef.shape}; StabilitySelection needs "
            f"(n_features,) or (n_targets, n_features) with n_features={n_features}."
        )
    return np.any(coef.reshape(-1, n_features) != 0, axis=0)


def _rows_of(params, rows, n_samples):
    """The metadata of a subsample: per-sample arrays indexed by ``rows``, others as given."""
    subset = {}
    for name, value in params.items():
        if value is not None and hasattr(value, "__len__") and not isinstance(value, str):
            array = np.asarray(value)
            if array.ndim >= 1 and array.shape[0] == n_samples:
                value = array[rows]
        subset[name] = value
    return subset


def _fit_draw(estimator, X, y, seed, size, pairs, alphas, fit_params):
    """Selections of one draw: bool array of shape (n_subsamples, n_alphas, n_features)."""
    n_samples, n_features = X.shape
    draws = []
    for rows in _subsamples(seed, n_samples, size, pairs):
        model = clone(estimator)
        params = _rows_of(fit_params, rows, n_samples)
        masks = []
        for alpha in [None] if alphas is None else alphas:
            if alpha is not None:
                model.set_params(alpha=float(alpha))
            model.fit(X[rows], y[rows], **params)
            masks.append(_selected(model, n_features))
        draws.append(masks)
    return np.asarray(draws, dtype=bool)


class StabilitySelection(SelectorMixin, MetaEstimatorMixin, BaseEstimator):
    r"""Feature selection by stability selection: keep what survives subsampling.

    ``clone(estimator)`` is fitted on ``n_bootstrap`` random subsamples of
    :math:`\lfloor \text{sample\_fraction}\cdot n\rfloor` rows drawn without
    replacement; the selection probability of feature :math:`k` is the fraction
    of fits with :math:`\hat w_k \neq 0`.  With a grid ``alphas`` the estimator's
    ``alpha`` is set to each value in turn, which gives one probability
    :math:`\hat\Pi_k^\alpha` per alpha; the stability score is
    :math:`\max_\alpha \hat\Pi_k^\alpha` and the stable set is
    :math:`\{k : \max_\alpha \hat\Pi_k^\alpha \ge \text{threshold}\}` [1]_.

    With ``pairs=True`` each draw splits a random permutation of the rows into
    two disjoint subsamples of the same size, both fitted (complementary pairs
    stability selection [2]_: ``2·n_bootstrap`` fits; ``sample_fraction=0.5``
    gives the halves of [2]_).  The default ``pairs=False`` draws the
    ``n_bootstrap`` subsamples independently, as [1]_ does.

    The fits run through ``joblib.Parallel`` (``n_jobs``), so
    ``with joblib.parallel_backend("dask"):`` spreads them over a cluster.  The
    seeds of all subsamples are drawn from ``random_state`` before any fit, so
    the result does not depend on ``n_jobs`` or on the backend.

    Parameters
    ----------
    estimator : estimator object
        A regressor (or classifier) that exposes ``coef_`` after ``fit``: any
        sparsestat linear model (``SparseRegression(penalty="mcp")``,
        :class:`Lasso`, :class:`ElasticNet`, ...) or scikit-learn's ``Lasso``.
        A feature counts as selected when its coefficient is non-zero (for any
        target, when ``coef_`` has one row per target).  It is cloned, never
        modified.
    n_bootstrap : int, default=100
        Number of subsamples (of complementary pairs with ``pairs=True``), >= 1.
    threshold : float in (0, 1], default=0.6
        Features whose stability score reaches it are selected.  [1]_
        recommends values in [0.6, 0.9].
    sample_fraction : float in (0, 1), default=0.5
        Size of each subsample as a fraction of the rows (rounded down; at
        most 0.5 with ``pairs=True``, so that the two halves are disjoint).
    alphas : array-like of shape (n_alphas,), default=None
        Values given in turn to the estimator's ``alpha`` parameter.  None:
        the estimator is fitted with its own parameters only.
    pairs : bool, default=False
        Complementary pairs stability selection [2]_.
    random_state : int, RandomState instance or None, default=None
        Draws the subsamples.
    n_jobs : int, default=None
        Number of joblib workers (None: 1 unless in a ``parallel_backend``
        context; -1: all processors).
    verbose : int, default=0
        Show a tqdm progress bar of the finished draws (tqdm is optional).

    Attributes
    ----------
    selection_probabilities_ : ndarray of shape (n_features,) or (n_alphas, n_features)
        Fraction of the fits that selected each feature (one row per alpha
        when ``alphas`` is given).
    stability_scores_ : ndarray of shape (n_features,)
        The maximum of ``selection_probabilities_`` over the alphas.
    support_ : ndarray of bool of shape (n_features,)
        ``stability_scores_ >= threshold``; also :meth:`get_support`.
    alphas_ : ndarray of shape (n_alphas,) or None
        The grid used (a copy of ``alphas``).
    n_subsamples_ : int
        Number of fits per alpha (``n_bootstrap``, or ``2·n_bootstrap`` with
        ``pairs``).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` has string column names (pandas).

    See Also
    --------
    sparsestat.plotting.plot_stability_path : Draw the probabilities against alpha.

    Notes
    -----
    Under the assumptions of [1]_ (exchangeable noise features, a selection
    procedure not worse than random guessing) and ``sample_fraction=0.5``, the
    expected number of falsely selected features satisfies
    :math:`\mathbb{E}[V] \le q^2 / ((2\,\text{threshold} - 1)\,p)` for
    ``threshold > 0.5``, with :math:`q` the average number of features the
    estimator selects over the grid and :math:`p` the number of features.
    [2]_ gives bounds for complementary pairs that need no such assumption.

    References
    ----------
    .. [1] N. Meinshausen and P. Bühlmann, "Stability selection", J. R. Stat.
       Soc. B 72(4), 417–473, 2010.
    .. [2] R. D. Shah and R. J. Samworth, "Variable selection with error
       control: another look at stability selection", J. R. Stat. Soc. B 75(1),
       55–80, 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import Lasso, StabilitySelection
    >>> X, y, coef = make_sparse_regression(100, 30, 3, random_state=0)
    >>> selector = StabilitySelection(
    ...     Lasso(), n_bootstrap=20, alphas=[1.0, 0.5, 0.3], random_state=0
    ... ).fit(X, y)
    >>> selector.selection_probabilities_.shape
    (3, 30)
    >>> np.flatnonzero(selector.get_support()), np.flatnonzero(coef)
    (array([10, 11, 13]), array([10, 11, 13]))
    >>> selector.transform(X).shape
    (100, 3)
    """

    def __init__(
        self,
        estimator,
        *,
        n_bootstrap=100,
        threshold=0.6,
        sample_fraction=0.5,
        alphas=None,
        pairs=False,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_bootstrap = n_bootstrap
        self.threshold = threshold
        self.sample_fraction = sample_fraction
        self.alphas = alphas
        self.pairs = pairs
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    _parameter_constraints = {
        "n_bootstrap": [Integer(low=1)],
        "threshold": [Real(0.0, 1.0, low_inclusive=False)],
        "sample_fraction": [Real(0.0, 1.0, low_inclusive=False, high_inclusive=False)],
        "alphas": [None, ArrayLike(ndim=1, low=0.0)],
        "pairs": [Boolean()],
        "random_state": [RandomState()],
        "n_jobs": [None, Integer()],
        "verbose": [Integer(low=0), Boolean()],
    }

    def _check_params(self, n_samples):
        """Validated (n_bootstrap, subsample size, alphas)."""
        validate_params(self)
        n_bootstrap = int(self.n_bootstrap)
        fraction = check_real(self.sample_fraction, "sample_fraction")
        if self.pairs and fraction > 0.5:
            raise ValueError(
                f"sample_fraction must be in (0, 0.5] with pairs=True (the two halves of a "
                f"pair are disjoint), got {fraction!r}."
            )
        size = int(np.floor(fraction * n_samples))
        if size < 1:
            raise ValueError(
                f"sample_fraction={fraction!r} of n_samples={n_samples} leaves subsamples "
                "without any row; use more samples or a larger sample_fraction."
            )
        if not hasattr(self.estimator, "fit"):
            raise TypeError(f"estimator must have a fit method, got {self.estimator!r}.")
        alphas = self.alphas
        if alphas is not None:
            alphas = np.array(alphas, dtype=float).ravel()
            if "alpha" not in self.estimator.get_params(deep=False):
                raise ValueError(
                    f"alphas was given, but the estimator {type(self.estimator).__name__} has "
                    "no alpha parameter to set."
                )
        return n_bootstrap, size, alphas

    def fit(self, X, y, **fit_params):
        """Fit the estimator on the subsamples and compute the selection probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target(s).
        **fit_params : dict
            Metadata for the estimator's ``fit`` (e.g. ``sample_weight``),
            subsampled with the rows.  With
            ``sklearn.set_config(enable_metadata_routing=True)`` they are
            routed as the estimator requests them
            (``Lasso().set_fit_request(sample_weight=True)``); without routing
            only ``sample_weight`` is accepted, and passed to estimators whose
            ``fit`` takes it.

        Returns
        -------
        self : object
            The fitted selector.
        """
        if not (hasattr(self.estimator, "fit") and hasattr(self.estimator, "get_params")):
            raise TypeError(
                "estimator must be a scikit-learn estimator with fit and a sparse coef_ "
                f"(e.g. Lasso()), got {self.estimator!r}."
            )
        X, y = validate_data(self, X, y, accept_sparse=("csr", "csc"), multi_output=True)
        n_bootstrap, size, alphas = self._check_params(X.shape[0])
        fit_params = self._estimator_params(fit_params)
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=n_bootstrap
        )
        jobs = (
            delayed(_fit_draw)(self.estimator, X, y, seed, size, self.pairs, alphas, fit_params)
            for seed in seeds
        )
        draws = run_parallel(jobs, self.n_jobs, self.verbose, n_bootstrap, "stability selection")
        selections = np.concatenate(draws, axis=0)  # (n_subsamples, n_alphas, n_features)
        probabilities = selections.mean(axis=0)
        self.n_subsamples_ = int(selections.shape[0])
        self.alphas_ = alphas
        self.stability_scores_ = probabilities.max(axis=0)
        self.selection_probabilities_ = probabilities if alphas is not None else probabilities[0]
        self.support_ = self.stability_scores_ >= self.threshold
        return self

    def _estimator_params(self, fit_params):
        """The metadata the estimator's ``fit`` receives (routed, or ``sample_weight``)."""
        if routing_enabled():
            return dict(process_routing(self, "fit", **fit_params).estimator.fit)
        unknown = set(fit_params) - {"sample_weight"}
        if unknown:
            raise ValueError(
                f"StabilitySelection.fit got {sorted(unknown)}: without metadata routing only "
                "sample_weight is passed to the estimator; for other metadata use "
                "sklearn.set_config(enable_metadata_routing=True) and the estimator's "
                "set_fit_request."
            )
        params = {k: v for k, v in fit_params.items() if v is not None}
        if params and not has_fit_parameter(self.estimator, "sample_weight"):
            raise ValueError(
                f"sample_weight was given, but {type(self.estimator).__name__}.fit does not "
                "accept sample_weight."
            )
        return params

    def get_metadata_routing(self):
        """How ``fit``'s metadata reach the estimator's ``fit`` (as it requests them).

        Returns
        -------
        MetadataRouter
        """
        return MetadataRouter(owner=type(self).__name__).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if hasattr(self.estimator, "__sklearn_tags__"):  # a bad estimator is refused in fit
            tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        tags.target_tags.required = True
        return tags
