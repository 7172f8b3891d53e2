"""Random DAGs and linear structural equation models with known ground truth."""

from __future__ import annotations

import functools

import numpy as np
from sklearn.utils import check_random_state
from threadpoolctl import ThreadpoolController

from .._validation import check_integer, check_real
from .acyclicity import _edge_mask, topological_order

__all__ = ["simulate_dag", "simulate_parameters", "simulate_linear_sem"]

_NOISES = ("gaussian", "exponential", "gumbel", "laplace", "uniform")


@functools.cache
def _blas_controller():
    """The loaded BLAS libraries, scanned once (numpy's is loaded by then).

    ``threadpool_limits`` rescans them on every call.
    """
    return ThreadpoolController()


def _shuffle_nodes(B, rng):
    """Relabel the nodes of the DAG ``B`` at random (hides the causal order)."""
    permutation = rng.permutation(B.shape[0])
    return B[np.ix_(permutation, permutation)].astype(np.float64)


def simulate_dag(d, n_edges, graph_type="ER", random_state=None):
    """Random directed acyclic graph.

    Parameters
    ----------
    d : int
        Number of nodes (>= 2).
    n_edges : int
        Number of edges.  ``"ER"`` draws exactly this many edges uniformly
        among the ``d(d-1)/2`` node pairs (the Erdős–Rényi G(d, M) model).
        ``"SF"`` grows a Barabási–Albert graph in which each new node attaches
        to ``m = max(1, round(n_edges / d))`` earlier nodes with probability
        proportional to their degree (so the count is about ``m·d``); edges
        point from the new node to the earlier ones, so hubs have many parents
        (as in NOTEARS, DAGMA and CoLiDE).  In the literature, "ER2" / "SF4"
        mean ``n_edges = 2d`` / ``4d``.
    graph_type : {"ER", "SF"}, default="ER"
        Erdős–Rényi or scale-free (Barabási–Albert), as described above.
    random_state : int, RandomState instance or None
        Seed of the draw (graph and node order).  A seed fixes the data, not the result
        of a DAG learner on them: CoLiDE's path is sensitive to rounding, and
        the number of BLAS threads changes the rounding, so the per-seed SHD
        of a fit can differ between thread counts (fit inside
        ``threadpoolctl.threadpool_limits(limits=1)`` to reproduce it; see
        :class:`CoLiDE`).

    Returns
    -------
    B : ndarray of shape (d, d)
        Binary adjacency (float64), ``B[i, j] = 1`` for an edge ``i → j``;
        nodes are shuffled so the causal order is random.

    References
    ----------
    .. [1] X. Zheng, B. Aragam, P. Ravikumar and E. P. Xing, "DAGs with NO TEARS:
       continuous optimization for structure learning", NeurIPS 2018 (the
       ER/SF benchmark protocol).
    .. [2] A.-L. Barabási and R. Albert, "Emergence of scaling in random
       networks", Science 286(5439), 509–512, 1999.

    Examples
    --------
    >>> from sparsestat.dag import simulate_dag, is_dag
    >>> B = simulate_dag(10, 20, "ER", random_state=0)
    >>> int(B.sum()), is_dag(B)
    (20, True)
    """
    d = check_integer(d, "d", low=2)
    max_edges = d * (d - 1) // 2
    n_edges = check_integer(n_edges, "n_edges", low=0, high=max_edges)
    rng = check_random_state(random_state)
    lower = np.zeros((d, d), dtype=bool)  # lower[i, j] (i > j): edge i -> j
    if graph_type == "ER":
        rows, cols = np.tril_indices(d, k=-1)
        chosen = rng.choice(rows.size, size=n_edges, replace=False)
        lower[rows[chosen], cols[chosen]] = True
    elif graph_type == "SF":
        m = max(1, min(d - 1, int(round(n_edges / d))))
        degree = np.zeros(d)
        for node in range(1, d):
            n_targets = min(m, node)
            weights = degree[:node] + 1.0
            targets = rng.choice(node, size=n_targets, replace=False, p=weights / weights.sum())
            lower[node, targets] = True
            degree[targets] += 1
            degree[node] += n_targets
    else:
        raise ValueError(f"graph_type must be 'ER' or 'SF', got {graph_type!r}.")
    return _shuffle_nodes(lower, rng)


def simulate_parameters(B, w_ranges=((-2.0, -0.5), (0.5, 2.0)), random_state=None):
    """Edge weights drawn uniformly from a union of intervals.

    Parameters
    ----------
    B : array of shape (d, d)
        Binary adjacency; only its non-zero pattern is used.
    w_ranges : sequence of (low, high) pairs, default=((-2, -0.5), (0.5, 2))
        Each edge picks one interval (with equal probability), then a uniform
        value in it.
    random_state : int, RandomState instance or None
        Seed of the draw (weights).  A seed fixes the data, not the result
        of a DAG learner on them: CoLiDE's path is sensitive to rounding, and
        the number of BLAS threads changes the rounding, so the per-seed SHD
        of a fit can differ between thread counts (fit inside
        ``threadpoolctl.threadpool_limits(limits=1)`` to reproduce it; see
        :class:`CoLiDE`).

    Returns
    -------
    W : ndarray of shape (d, d)
        Weighted adjacency with the support of ``B``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import simulate_parameters
    >>> B = np.array([[0, 1], [0, 0]])
    >>> W = simulate_parameters(B, random_state=0)
    >>> bool(0.5 <= abs(W[0, 1]) <= 2.0), float(W[1, 0])
    (True, 0.0)
    """
    edges = _edge_mask(B)
    ranges = np.asarray(w_ranges, dtype=np.float64)
    if ranges.ndim != 2 or ranges.shape[1] != 2 or ranges.shape[0] == 0:
        raise ValueError("w_ranges must be a non-empty sequence of (low, high) pairs.")
    if not np.all(np.isfinite(ranges)) or np.any(ranges[:, 0] > ranges[:, 1]):
        raise ValueError("each pair of w_ranges must be finite with low <= high.")
    rng = check_random_state(random_state)
    which = rng.randint(ranges.shape[0], size=edges.shape)
    values = rng.uniform(ranges[which, 0], ranges[which, 1])
    return np.where(edges, values, 0.0)


def simulate_linear_sem(W, n_samples, noise="gaussian", noise_scale=1.0, random_state=None):
    r"""Samples of the linear structural equation model ``X = XW + Z``.

    Parameters
    ----------
    W : array of shape (d, d)
        Weighted adjacency of a DAG (``W[i, j]``: effect of node i on node j).
    n_samples : int
        Number of rows (>= 1).
    noise : {"gaussian", "exponential", "gumbel", "laplace", "uniform"}
        Distribution of the exogenous noise ``Z``: normal with standard
        deviation ``σ``; exponential, Gumbel or Laplace with scale ``σ``;
        uniform on ``[-σ, σ]``.  Non-Gaussian noises are not centred (the
        estimators centre the data).
    noise_scale : float or array of shape (d,), default=1.0
        ``σ``, one for all nodes (equal variances) or one per node
        (heteroscedastic).  Must be positive.
    random_state : int, RandomState instance or None
        Seed of the draw (noise).  A seed fixes the data, not the result
        of a DAG learner on them: CoLiDE's path is sensitive to rounding, and
        the number of BLAS threads changes the rounding, so the per-seed SHD
        of a fit can differ between thread counts (fit inside
        ``threadpoolctl.threadpool_limits(limits=1)`` to reproduce it; see
        :class:`CoLiDE`).

    Returns
    -------
    X : ndarray of shape (n_samples, d)

    Raises
    ------
    ValueError
        If ``W`` has a cycle, or a parameter is out of range.

    Notes
    -----
    ``X`` solves ``X (I - W) = Z`` with LAPACK on one BLAS thread, so that a
    seed gives the same data bit for bit whatever the number of threads (a
    multithreaded solve sums in a different order and changes ``X`` at the
    rounding level).  DAG learners can be that sensitive: on one simulated
    100-node scale-free graph, CoLiDE's SHD was 168 on the one-thread data
    and 152 on the two-thread data.  Another BLAS build or CPU can still
    change the last digits.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import simulate_linear_sem
    >>> W = np.array([[0.0, 2.0], [0.0, 0.0]])
    >>> X = simulate_linear_sem(W, 20000, random_state=0)
    >>> round(float(np.cov(X.T)[0, 1]), 1)   # cov(x0, 2 x0 + z) = 2
    2.0
    """
    try:
        W = np.array(W, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"W must be a square 2-D array of real numbers: {exc}") from None
    _edge_mask(W, "W")  # square and finite, with messages that name W
    if topological_order(W) is None:
        raise ValueError("W must be the weighted adjacency of a DAG (it has a cycle).")
    d = W.shape[0]
    n_samples = check_integer(n_samples, "n_samples", low=1)
    if noise not in _NOISES:
        raise ValueError(f"noise must be one of {_NOISES}, got {noise!r}.")
    scale = np.asarray(noise_scale, dtype=np.float64)
    if scale.ndim == 0:
        check_real(float(scale), "noise_scale", low=0.0, low_inclusive=False)
        scale = np.full(d, float(scale))
    elif scale.shape != (d,):
        raise ValueError(f"noise_scale must be a scalar or have shape ({d},), got {scale.shape}.")
    elif not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise ValueError("noise_scale must be finite and positive.")
    rng = check_random_state(random_state)
    size = (n_samples, d)
    if noise == "gaussian":
        Z = rng.normal(scale=scale, size=size)
    elif noise == "exponential":
        Z = rng.exponential(scale=scale, size=size)
    elif noise == "gumbel":
        Z = rng.gumbel(scale=scale, size=size)
    elif noise == "laplace":
        Z = rng.laplace(scale=scale, size=size)
    else:
        Z = rng.uniform(low=-scale, high=scale, size=size)
    # X (I - W) = Z: solve instead of forming the inverse, on one thread so
    # that the rounding does not depend on the machine's thread count
    with _blas_controller().limit(limits=1, user_api="blas"):
        return np.linalg.solve((np.eye(d) - W).T, Z.T).T
