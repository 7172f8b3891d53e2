r"""Sufficient statistics of least squares, computed in one pass over row chunks.

A quadratic datafit with an intercept depends on the data only through

    n,   Σ s_i,   x̄ = Σ s_i x_i / Σ s_i,   ȳ,   S_xx = Σ s_i (x_i − x̄)(x_i − x̄)ᵀ,
    S_xy = Σ s_i (x_i − x̄)(y_i − ȳ)ᵀ,   S_yy = Σ s_i (y_i − ȳ)²  (per target),

with sample weights ``s_i`` (1 by default).  The centred Gram matrix of the
solvers is ``Q = S_xx / Σ s_i`` and its right-hand side ``q = S_xy / Σ s_i``;
without intercept the uncentred moments follow from the centred ones
(``Σ s x xᵀ = S_xx + (Σ s) x̄ x̄ᵀ``).  CoLiDE's covariance is ``S_xx / n``.

Each chunk of rows is reduced to centred statistics and chunks are merged
pairwise with the update of Chan, Golub and LeVeque [1]_ — never by
subtracting ``n x̄ x̄ᵀ`` from an uncentred sum, which loses the digits of the
variance when the means are large.  On a :mod:`dask.array` the chunk
reductions and the merge tree run on dask's scheduler (threads, processes or a
``dask.distributed`` cluster), so the rows never need to fit in memory: only
p × p (and p × n_targets) matrices travel.

References
----------
.. [1] T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing the
   sample variance: analysis and recommendations", The American Statistician
   37(3), 242–247, 1983.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._validation import check_sample_weight

__all__ = ["SufficientStatistics", "sufficient_statistics", "is_dask_collection", "GramProblem"]

#: rows per chunk when an in-memory X is reduced (bounded extra memory)
_CHUNK_ROWS = 8192


def is_dask_collection(X):
    """True for dask arrays and dataframes (without importing dask)."""
    module = type(X).__module__ or ""
    return module.split(".")[0] == "dask" and hasattr(X, "__dask_graph__")


@dataclass(frozen=True, eq=False)
class SufficientStatistics:
    """What least squares (and CoLiDE) need from the data: moments, not rows.

    Build it with :func:`sufficient_statistics`; add two of them (``a + b``)
    to get the statistics of the stacked rows.  All arrays are float64.

    Parameters
    ----------
    n_samples : int
        Number of rows.
    weight_sum : float
        ``Σ s_i`` (``n_samples`` without sample weights).
    weighted : bool
        Whether sample weights were given.
    mean_X : ndarray of shape (n_features,)
        Weighted column means.
    scatter_XX : ndarray of shape (n_features, n_features)
        ``Σ s_i (x_i − x̄)(x_i − x̄)ᵀ``.
    mean_y : ndarray of shape (n_targets,) or None
        Weighted mean of each target (None without y).
    scatter_Xy : ndarray of shape (n_features, n_targets) or None
        ``Σ s_i (x_i − x̄)(y_i − ȳ)ᵀ`` (None without y).
    scatter_yy : ndarray of shape (n_targets,) or None
        Centred weighted sum of squares of each target.
    y_ndim : int
        1 or 2: the shape of the target the statistics came from (0 without y).
    dtype : numpy dtype
        The floating dtype of ``X`` (the fitted coefficients use it).

    Attributes
    ----------
    n_features : int
        Number of features.
    n_targets : int
        Number of targets (0 without y).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat import sufficient_statistics
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((100, 3)), rng.standard_normal(100)
    >>> both = sufficient_statistics(X[:60], y[:60]) + sufficient_statistics(X[60:], y[60:])
    >>> both.n_samples, both.n_features, both.n_targets
    (100, 3, 1)
    >>> bool(np.allclose(both.covariance(), np.cov(X.T, bias=True)))
    True
    """

    n_samples: int
    weight_sum: float
    weighted: bool
    mean_X: np.ndarray
    scatter_XX: np.ndarray
    mean_y: np.ndarray | None
    scatter_Xy: np.ndarray | None
    scatter_yy: np.ndarray | None
    y_ndim: int
    dtype: np.dtype

    @property
    def n_features(self):
        return self.mean_X.shape[0]

    @property
    def n_targets(self):
        return 0 if self.mean_y is None else self.mean_y.shape[0]

    def __add__(self, other):
        if not isinstance(other, SufficientStatistics):
            return NotImplemented
        return check_finite_statistics(_merge(self, other))

    def covariance(self):
        """Weighted covariance ``S_xx / Σ s_i`` of the features (float64)."""
        return self.scatter_XX / self.weight_sum

    def moments(self, fit_intercept=True):
        """``(Q, q, y_norm2)`` in the datafit's scaling ``1/Σ s_i``.

        ``Q`` is (n_features, n_features), ``q`` (n_features, n_targets) and
        ``y_norm2`` (n_targets,): centred with an intercept, raw moments
        without.
        """
        _require_target(self)
        total = self.weight_sum
        Q = self.scatter_XX / total
        q = self.scatter_Xy / total
        y_norm2 = self.scatter_yy / total
        if not fit_intercept:
            Q = Q + np.outer(self.mean_X, self.mean_X)
            q = q + np.outer(self.mean_X, self.mean_y)
            y_norm2 = y_norm2 + self.mean_y**2
        return Q, q, y_norm2


def _require_target(statistics):
    if statistics.mean_y is None:
        raise ValueError(
            "these sufficient statistics were computed without y; pass y to "
            "sufficient_statistics to fit a regression from them."
        )


def _merge(a, b):
    """Statistics of the rows of ``a`` and ``b`` together (Chan et al. update)."""
    if a.n_features != b.n_features:
        raise ValueError(f"cannot add statistics of {a.n_features} and {b.n_features} features.")
    if a.n_targets != b.n_targets or (a.y_ndim and b.y_ndim and a.y_ndim != b.y_ndim):
        raise ValueError("cannot add statistics computed with different targets.")
    if a.weighted != b.weighted:
        raise ValueError("cannot add weighted and unweighted statistics.")
    dtype = np.promote_types(a.dtype, b.dtype)
    if b.weight_sum == 0.0:
        return _replace_counts(a, a.n_samples + b.n_samples, dtype)
    if a.weight_sum == 0.0:
        return _replace_counts(b, a.n_samples + b.n_samples, dtype)
    total = a.weight_sum + b.weight_sum
    fraction = b.weight_sum / total
    cross = a.weight_sum * fraction  # W_a W_b / W
    delta_X = b.mean_X - a.mean_X
    mean_X = a.mean_X + fraction * delta_X
    scatter_XX = a.scatter_XX + b.scatter_XX + cross * np.outer(delta_X, delta_X)
    mean_y = scatter_Xy = scatter_yy = None
    if a.mean_y is not None:
        delta_y = b.mean_y - a.mean_y
        mean_y = a.mean_y + fraction * delta_y
        scatter_Xy = a.scatter_Xy + b.scatter_Xy + cross * np.outer(delta_X, delta_y)
        scatter_yy = a.scatter_yy + b.scatter_yy + cross * delta_y**2
    return SufficientStatistics(
        a.n_samples + b.n_samples,
        total,
        a.weighted,
        mean_X,
        scatter_XX,
        mean_y,
        scatter_Xy,
        scatter_yy,
        max(a.y_ndim, b.y_ndim),
        dtype,
    )


def _replace_counts(statistics, n_samples, dtype):
    return SufficientStatistics(
        n_samples,
        statistics.weight_sum,
        statistics.weighted,
        statistics.mean_X,
        statistics.scatter_XX,
        statistics.mean_y,
        statistics.scatter_Xy,
        statistics.scatter_yy,
        statistics.y_ndim,
        dtype,
    )


def _chunk_statistics(X, y, weights, y_ndim, weighted, dtype):
    """Centred statistics of one in-memory chunk of rows."""
    n = X.shape[0]
    if sp.issparse(X):
        X = X.toarray()
    X = np.asarray(X, dtype=np.float64)
    s = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    total = float(s.sum())
    p = X.shape[1]
    if total > 0.0:
        mean_X = (s @ X) / total
        root = None if weights is None else np.sqrt(s)[:, None]
        scaled = X - mean_X  # √s-scaled centred rows: scatter = scaledᵀ scaled (syrk)
        if root is not None:
            scaled *= root
        scatter_XX = scaled.T @ scaled
    else:
        mean_X = np.zeros(p)
        scatter_XX = np.zeros((p, p))
    mean_y = scatter_Xy = scatter_yy = None
    if y is not None:
        Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
        if total > 0.0:
            mean_y = (s @ Y) / total
            scaled_y = Y - mean_y
            if root is not None:
                scaled_y *= root
            scatter_Xy = scaled.T @ scaled_y
            scatter_yy = np.sum(scaled_y * scaled_y, axis=0)
        else:
            mean_y = np.zeros(Y.shape[1])
            scatter_Xy = np.zeros((p, Y.shape[1]))
            scatter_yy = np.zeros(Y.shape[1])
    return SufficientStatistics(
        n,
        total,
        weighted,
        mean_X,
        (scatter_XX + scatter_XX.T) / 2.0,
        mean_y,
        scatter_Xy,
        scatter_yy,
        y_ndim,
        np.dtype(dtype),
    )


def _tree_sum(items, add):
    """Pairwise (balanced) sum: rounding errors grow with log(#chunks)."""
    items = list(items)
    while len(items) > 1:
        items = [
            add(items[k], items[k + 1]) if k + 1 < len(items) else items[k]
            for k in range(0, len(items), 2)
        ]
    return items[0]


def sufficient_statistics(X, y=None, sample_weight=None):
    """Moments of ``(X, y)`` that least squares and CoLiDE depend on.

    Parameters
    ----------
    X : array-like, sparse matrix or dask array of shape (n_samples, n_features)
        A :mod:`dask.array` chunked by rows is reduced chunk by chunk on dask's
        scheduler (a ``dask.distributed`` client when one is active), so it
        may have more rows than fit in memory; its columns are gathered into
        one chunk per block of rows (p up to a few thousand).
    y : array-like of shape (n_samples,) or (n_samples, n_targets), optional
        Same kind as ``X`` (a dask array is rechunked to ``X``'s rows).
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights (a dask array for dask ``X``).

    Returns
    -------
    SufficientStatistics
        Accepted by ``fit_from_statistics`` of the linear estimators and of
        :class:`~sparsestat.dag.CoLiDE`.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat import sufficient_statistics
    >>> from sparsestat.linear_model import Lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((1000, 5))
    >>> y = X @ [1.0, 0.0, 0.0, -2.0, 0.0] + 0.1 * rng.standard_normal(1000)
    >>> first = sufficient_statistics(X[:600], y[:600])
    >>> second = sufficient_statistics(X[600:], y[600:])
    >>> model = Lasso(alpha=0.1).fit_from_statistics(first + second)
    >>> np.allclose(model.coef_, Lasso(alpha=0.1).fit(X, y).coef_, atol=1e-6)
    True
    """
    if is_dask_collection(X) or is_dask_collection(y) or is_dask_collection(sample_weight):
        return check_finite_statistics(_dask_statistics(X, y, sample_weight))
    X, y, weights, y_ndim, dtype = _check_in_memory(X, y, sample_weight)
    n = X.shape[0]
    chunks = [
        _chunk_statistics(
            X[start : start + _CHUNK_ROWS],
            None if y is None else y[start : start + _CHUNK_ROWS],
            None if weights is None else weights[start : start + _CHUNK_ROWS],
            y_ndim,
            weights is not None,
            dtype,
        )
        for start in range(0, n, _CHUNK_ROWS)
    ]
    return check_finite_statistics(_tree_sum(chunks, _merge))


def check_finite_statistics(statistics):
    """``statistics``, or a ValueError naming X or y when a moment overflowed.

    Finite data whose squares exceed the floating-point range give infinite
    scatter matrices; a fit from them would return NaN coefficients.
    """
    bad = []
    if not (np.all(np.isfinite(statistics.mean_X)) and np.all(np.isfinite(statistics.scatter_XX))):
        bad.append("X")
    if statistics.mean_y is not None and not (
        np.all(np.isfinite(statistics.mean_y))
        and np.all(np.isfinite(statistics.scatter_Xy))
        and np.all(np.isfinite(statistics.scatter_yy))
    ):
        bad.append("y")
    if bad or not math.isfinite(statistics.weight_sum):
        which = " and ".join(bad) or "sample_weight"
        raise ValueError(
            f"the sufficient statistics of {which} overflow (sums of squares or products are "
            f"not finite in float64): rescale {which}, e.g. divide by the largest absolute "
            "value."
        )
    return statistics


def _check_in_memory(X, y, sample_weight):
    from sklearn.utils.validation import check_array

    X = check_array(
        X,
        accept_sparse=("csr", "csc"),
        dtype=[np.float64, np.float32],
        ensure_min_samples=1,
        input_name="X",
    )
    if sp.issparse(X):
        X = X.tocsr()
    y_ndim = 0
    if y is not None:
        y = check_array(y, ensure_2d=False, dtype=np.float64, ensure_min_samples=1, input_name="y")
        if y.ndim not in (1, 2):
            raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}.")
        if y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X and y have different numbers of samples: {X.shape[0]} and {y.shape[0]}."
            )
        y_ndim = y.ndim
    weights = check_sample_weight(sample_weight, X.shape[0])
    return X, y, weights, y_ndim, X.dtype


def _dask_statistics(X, y, sample_weight):
    import dask
    import dask.array as da

    X = _as_dask_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got {X.ndim} dimensions.")
    if any(math.isnan(size) for size in X.shape):
        raise ValueError(
            "X has unknown chunk sizes (e.g. from a dask dataframe): compute them first, "
            "for instance with dataframe.to_dask_array(lengths=True)."
        )
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    X = X.rechunk({1: -1})
    row_chunks = X.chunks[0]
    y_ndim = 0
    if y is not None:
        y = _as_dask_array(y, "y")
        if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
            raise ValueError(
                f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, n_targets), got "
                f"{tuple(y.shape)}."
            )
        y_ndim = y.ndim
        y = y.rechunk((row_chunks,) + ((-1,) if y.ndim == 2 else ()))
    if sample_weight is not None:
        if isinstance(sample_weight, numbers.Number):
            sample_weight = da.full(X.shape[0], float(sample_weight), chunks=(row_chunks,))
        sample_weight = _as_dask_array(sample_weight, "sample_weight")
        if sample_weight.ndim != 1 or sample_weight.shape[0] != X.shape[0]:
            raise ValueError(
                f"sample_weight must have shape ({X.shape[0]},), got {tuple(sample_weight.shape)}."
            )
        sample_weight = sample_weight.rechunk((row_chunks,))
    X_blocks = X.to_delayed().ravel()
    y_blocks = [None] * len(X_blocks) if y is None else y.to_delayed().ravel()
    w_blocks = (
        [None] * len(X_blocks) if sample_weight is None else sample_weight.to_delayed().ravel()
    )
    chunk = dask.delayed(_checked_chunk_statistics, pure=True)
    merge = dask.delayed(_merge, pure=True)
    parts = [
        chunk(X_block, y_block, w_block, y_ndim, sample_weight is not None, X.dtype)
        for X_block, y_block, w_block in zip(X_blocks, y_blocks, w_blocks, strict=True)
    ]
    (statistics,) = dask.compute(_tree_sum(parts, merge))
    if statistics.weighted and statistics.weight_sum <= 0.0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a weight > 0.")
    return statistics


def _checked_chunk_statistics(X, y, weights, y_ndim, weighted, dtype):
    """One dask chunk: the same checks as in memory (finite values, weights >= 0)."""
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values.")
    if y is not None and not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinite values.")
    if weights is not None and (not np.all(np.isfinite(weights)) or np.any(weights < 0)):
        raise ValueError("sample_weight must be finite and non-negative.")
    return _chunk_statistics(X, y, weights, y_ndim, weighted, dtype)


def _as_dask_array(value, name):
    import dask.array as da

    if hasattr(value, "to_dask_array"):  # dask dataframe / series
        return value.to_dask_array(lengths=True)
    if is_dask_collection(value):
        return value
    return da.from_array(np.asarray(value))


class GramProblem:
    """A least-squares problem given by its sufficient statistics (Gram solvers only).

    Offers what :func:`~sparsestat.solvers.solve_gram_cd`, the multitask Gram
    solver and the penalty builders read from a
    :class:`~sparsestat.datafits.QuadraticProblem`: ``gram()``, ``y_norm2``,
    ``lipschitz``, ``column_norms``, ``value``, ``gradient`` and ``intercept``.

    Parameters
    ----------
    statistics : SufficientStatistics
        Moments computed with a target (:func:`sufficient_statistics` with ``y``).
    fit_intercept : bool, default=True
        Use the centred moments (an intercept is fitted) or the raw ones.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.datafits import GramProblem, sufficient_statistics
    >>> from sparsestat.penalties import L1
    >>> from sparsestat.solvers import solve_gram_cd
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> problem = GramProblem(sufficient_statistics(X, X @ [1.0, 0.0, 0.0, -2.0]))
    >>> solve_gram_cd(problem, L1(alpha=0.1)).coef.round(3)
    array([ 0.9  ,  0.   ,  0.   , -1.924])
    """

    def __init__(self, statistics, fit_intercept=True):
        _require_target(statistics)
        self.statistics = statistics
        self.n_samples = statistics.n_samples
        self.n_features = statistics.n_features
        self.dtype = statistics.dtype
        self.fit_intercept = bool(fit_intercept)
        self.weighted = statistics.weighted
        Q, q, y_norm2 = statistics.moments(self.fit_intercept)
        raw_norms = np.diag(Q) + (np.square(statistics.mean_X) if self.fit_intercept else 0.0)
        lipschitz = np.diag(Q).copy()
        # constant (after centring) columns carry no information, as in QuadraticProblem
        lipschitz[lipschitz <= 1e-12 * np.maximum(raw_norms, 1e-300)] = 0.0
        Q = Q.copy()
        Q[lipschitz == 0.0, :] = 0.0
        Q[:, lipschitz == 0.0] = 0.0
        self.lipschitz = lipschitz
        self._Q = np.ascontiguousarray(Q)
        self._q = np.ascontiguousarray(q)
        self.multitask = statistics.y_ndim == 2
        self.y_norm2 = float(np.sum(y_norm2))

    @property
    def column_norms(self):
        return np.sqrt(self.lipschitz)

    def gram(self):
        """``(Q, q)``; ``q`` is 1-D for a single target."""
        q = self._q if self.multitask else self._q[:, 0]
        return self._Q, np.ascontiguousarray(q)

    def gradient(self, w):
        Q, q = self.gram()
        return Q @ np.asarray(w, dtype=np.float64) - q

    def value(self, w):
        """Datafit value ``½(y_norm2 − 2⟨q, w⟩ + ⟨w, Qw⟩)``."""
        Q, q = self.gram()
        w = np.asarray(w, dtype=np.float64)
        return 0.5 * max(self.y_norm2 - 2.0 * np.sum(q * w) + np.sum(w * (Q @ w)), 0.0)

    def intercept(self, w):
        """``ȳ − x̄ᵀw`` (per target), 0 without intercept."""
        statistics = self.statistics
        if not self.fit_intercept:
            return 0.0 if not self.multitask else np.zeros(statistics.n_targets)
        offset = statistics.mean_y - np.asarray(w, dtype=np.float64).T @ statistics.mean_X
        return float(offset[0]) if not self.multitask else offset
