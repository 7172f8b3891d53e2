"""Bootstrap edge confidence for DAG learners (bootstrap strength of each edge)."""

from __future__ import annotations

import numbers

import numpy as np
from joblib import delayed
from sklearn.base import clone
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_array
from threadpoolctl import threadpool_limits

from .._array_api import to_numpy
from .._progress import run_parallel
from .._validation import check_integer, check_real
from .acyclicity import to_dag

__all__ = ["edge_stability"]


def _bootstrap_edges(estimator, X, seed):
    """Edges (boolean d x d) of ``estimator`` fitted on the bootstrap sample drawn by ``seed``.

    One BLAS thread per fit: the path of CoLiDE depends on the rounding, and
    the number of BLAS threads changes it, so pinning it makes each
    resample's graph the same whether it runs in this process or in a worker.
    """
    n_samples = X.shape[0]
    rows = np.random.RandomState(seed).randint(0, n_samples, n_samples)
    with threadpool_limits(limits=1, user_api="blas"):
        model = clone(estimator).fit(X[rows])
    return np.asarray(to_numpy(model.adjacency_)) != 0


def edge_stability(
    estimator,
    X,
    *,
    n_bootstrap=100,
    threshold=0.5,
    n_jobs=None,
    random_state=None,
    verbose=0,
):
    """How often each edge is learned on bootstrap resamples of the data.

    The bootstrap strength of Friedman, Goldszmidt and Wyner (1999), as in
    bnlearn's ``boot.strength``: ``estimator`` (unfitted; cloned for every
    resample) is fitted on ``n_bootstrap`` resamples of the rows of ``X``
    drawn with replacement, and each directed edge gets the fraction of fits
    that contain it.  The consensus DAG keeps the edges more frequent than
    ``threshold`` and breaks any remaining cycle at its least frequent edge
    (:func:`~sparsestat.dag.to_dag` on the frequencies), so it is acyclic.

    The fits run through :class:`joblib.Parallel` (``with
    joblib.parallel_backend("dask")`` spreads them over a cluster).  The
    resamples' seeds are all drawn from ``random_state`` before any fit, and
    every fit runs with one BLAS thread (``threadpoolctl``; CoLiDE's path
    depends on the rounding, which the thread count changes), so the result
    is the same for any ``n_jobs`` and backend.

    Parameters
    ----------
    estimator : estimator
        An unfitted DAG learner with ``fit(X)`` and an ``adjacency_``
        attribute, such as :class:`~sparsestat.dag.CoLiDE` or
        :class:`~sparsestat.dag.CoLiDECV`.
    X : array-like of shape (n_samples, n_features)
        Observations (numpy or pandas).
    n_bootstrap : int, default=100
        Number of resamples (>= 1).
    threshold : float, default=0.5
        Frequency above which an edge enters the consensus DAG, in [0, 1).
    n_jobs : int, default=None
        Parallel fits, joblib's meaning (None: 1 unless a backend says
        otherwise, -1: all cores).
    random_state : int, RandomState instance or None, default=None
        Draws the resamples.
    verbose : int, default=0
        Progress bar over the fits (tqdm, when installed).

    Returns
    -------
    result : sklearn.utils.Bunch
        - ``frequency``: array (d, d), fraction of fits with the edge
          ``i → j``;
        - ``undirected_frequency``: array (d, d), symmetric, fraction of fits
          with ``i → j`` or ``j → i``;
        - ``consensus``: array (d, d), the frequencies of the consensus
          edges (zero elsewhere); a DAG;
        - ``threshold``, ``n_bootstrap``, ``seeds`` (the resamples' seeds)
          and ``feature_names`` (the columns of a DataFrame, else None).

    See Also
    --------
    sparsestat.plotting.plot_edge_stability : Draw the frequencies.

    Notes
    -----
    The frequencies measure the sampling variability of the estimate at the
    estimator's settings, not the probability that an edge is causal: an
    edge that CoLiDE learns consistently in the wrong direction, or one
    created by a confounder, is frequent too.  With
    :class:`~sparsestat.dag.CoLiDECV` as the estimator the selection of
    ``alpha`` is repeated on every resample, so its variability is counted.

    References
    ----------
    .. [1] N. Friedman, M. Goldszmidt and A. Wyner, "Data analysis with
       Bayesian networks: a bootstrap approach", UAI 1999.
    .. [2] M. Scutari and R. Nagarajan, "Identifying significant edges in
       graphical models of molecular networks", Artificial Intelligence in
       Medicine 57, 2013.

    Examples
    --------
    >>> from sparsestat.dag import (CoLiDE, edge_stability, simulate_dag,
    ...                             simulate_parameters, simulate_linear_sem)
    >>> B = simulate_dag(5, 4, "ER", random_state=0)
    >>> X = simulate_linear_sem(simulate_parameters(B, random_state=0), 500,
    ...                         random_state=0)
    >>> result = edge_stability(CoLiDE(variance="ev"), X, n_bootstrap=5,
    ...                         random_state=0)
    >>> result.frequency.shape
    (5, 5)
    >>> bool(((result.consensus != 0) <= (result.frequency > 0.5)).all())
    True
    """
    if not hasattr(estimator, "fit"):
        raise TypeError(
            f"estimator must be a DAG learner with fit, got {type(estimator).__name__}."
        )
    n_bootstrap = check_integer(n_bootstrap, "n_bootstrap", low=1)
    threshold = check_real(threshold, "threshold", low=0.0, high=1.0, high_inclusive=False)
    if verbose is not None and not isinstance(verbose, numbers.Integral):
        raise TypeError(f"verbose must be an integer, got {verbose!r}.")
    columns = getattr(X, "columns", None)
    X = check_array(X, dtype=("float64", "float32"), ensure_min_samples=2, ensure_min_features=2)
    rng = check_random_state(random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_bootstrap)  # all before any fit
    jobs = (delayed(_bootstrap_edges)(estimator, X, int(seed)) for seed in seeds)
    # one BLAS thread here too: threads of the threading backend share this limit
    with threadpool_limits(limits=1, user_api="blas"):
        edges = run_parallel(jobs, n_jobs, verbose, n_bootstrap, "bootstrap fits")
    edges = np.asarray(edges)
    frequency = edges.mean(axis=0)
    undirected = (edges | np.swapaxes(edges, 1, 2)).mean(axis=0)
    return Bunch(
        frequency=frequency,
        undirected_frequency=undirected,
        consensus=to_dag(frequency, threshold),
        threshold=threshold,
        n_bootstrap=n_bootstrap,
        seeds=seeds,
        feature_names=None if columns is None else [str(name) for name in columns],
    )
