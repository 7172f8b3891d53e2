"""Structure-recovery metrics of an estimated graph against the true DAG."""

from __future__ import annotations

import numpy as np

from .acyclicity import _edge_mask, topological_order

__all__ = ["dag_metrics", "varsortability"]


def dag_metrics(B_true, B_est):
    """Structural Hamming distance, TPR, FDR and FPR of an estimated graph.

    An estimated edge ``i → j`` is a true positive when ``i → j`` is in the
    true graph, *reversed* when only ``j → i`` is, and a false positive
    otherwise.  Conventions of the continuous DAG-learning literature (NOTEARS,
    DAGMA, CoLiDE):

    - ``tpr = true positives / true edges`` (never above 1),
    - ``fdr = (reversed + false positives) / estimated edges``,
    - ``fpr = (reversed + false positives) / (d(d-1)/2 - true edges)``,
    - ``shd`` = missing + extra edges of the skeleton + reversed edges (a
      reversed edge counts once).

    Parameters
    ----------
    B_true : array of shape (d, d)
        True adjacency (non-zero = edge); must be a DAG.
    B_est : array of shape (d, d)
        Estimated adjacency (weighted or binary, non-zero = edge).  It need not
        be acyclic: a pair estimated in both directions counts as one skeleton
        edge plus, when the true graph has one of them, one reversed edge; a
        self-loop is a false positive and adds one to the SHD.

    Returns
    -------
    metrics : dict
        ``shd``, ``tpr``, ``fdr``, ``fpr``, ``n_edges`` (estimated), ``true_positives``,
        ``reversed``, ``false_positives``, ``missing`` and ``is_dag`` (whether
        ``B_est`` is acyclic).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import dag_metrics
    >>> truth = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> guess = np.array([[0, 1, 0], [0, 0, 0], [0, 1, 0]])   # 1 -> 2 reversed
    >>> m = dag_metrics(truth, guess)
    >>> m["shd"], m["tpr"], m["fdr"]
    (1, 0.5, 0.5)
    """
    true_edges = _edge_mask(B_true, "B_true")
    est_edges = _edge_mask(B_est, "B_est")
    if true_edges.shape != est_edges.shape:
        raise ValueError(
            f"B_true and B_est must have the same shape, got {true_edges.shape} "
            f"and {est_edges.shape}."
        )
    if topological_order(true_edges) is None:
        raise ValueError("B_true must be a DAG.")
    d = true_edges.shape[0]
    true_positive = est_edges & true_edges
    reversed_ = est_edges & true_edges.T & ~true_edges
    false_positive = est_edges & ~true_edges & ~true_edges.T
    n_true = int(true_edges.sum())
    n_est = int(est_edges.sum())
    n_reversed = int(reversed_.sum())
    n_false = int(false_positive.sum())
    skeleton_true = np.triu(true_edges | true_edges.T, k=1)
    skeleton_est = np.triu(est_edges | est_edges.T, k=1)
    extra = int((skeleton_est & ~skeleton_true).sum())
    missing = int((skeleton_true & ~skeleton_est).sum())
    self_loops = int(np.trace(est_edges))
    shd = extra + missing + n_reversed + self_loops
    negatives = max(d * (d - 1) // 2 - n_true, 1)
    return {
        "shd": shd,
        "tpr": int(true_positive.sum()) / max(n_true, 1),
        "fdr": (n_reversed + n_false) / max(n_est, 1),
        "fpr": (n_reversed + n_false) / negatives,
        "n_edges": n_est,
        "true_positives": int(true_positive.sum()),
        "reversed": n_reversed,
        "false_positives": n_false,
        "missing": missing,
        "is_dag": topological_order(est_edges) is not None,
    }


def varsortability(X, B, tol=1e-9):
    """Fraction of directed paths along which the marginal variance increases.

    The measure of Reisach, Seiler and Weichwald (2021): over every ordered
    pair ``(i, j)`` joined by a directed path of length ``k`` in ``B``, for
    ``k = 1, ..., d - 1`` (a pair counts once per length at which a path
    joins it), the fraction with ``var(X_j) > var(X_i)``, ties (within
    ``tol`` relative) counting one half — their reference implementation.
    1 means that sorting the variables by variance gives a causal order, so
    a method can score well by exploiting the simulation's scale rather
    than learning structure; about 0.5 means the variances carry no order
    (standardized data have varsortability 0.5).

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        Observations.
    B : array-like of shape (d, d)
        The (true) graph, ``B[i, j] != 0`` an edge ``i → j``; must be a DAG
        with at least one edge.
    tol : float, default=1e-9
        Relative tolerance under which two variances tie.

    Returns
    -------
    float
        Varsortability in [0, 1].

    References
    ----------
    .. [1] A. G. Reisach, C. Seiler and S. Weichwald, "Beware of the simulated
       DAG! Causal discovery benchmarks may be easy to game", NeurIPS 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import simulate_linear_sem, varsortability
    >>> B = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> X = simulate_linear_sem(1.5 * B, 2000, random_state=0)
    >>> float(varsortability(X, B))   # variances grow along the chain
    1.0
    >>> float(varsortability(X / X.std(axis=0), B))   # all variances equal
    0.5
    """
    from sklearn.utils.validation import check_array

    X = check_array(X, dtype=np.float64, ensure_min_features=2)
    edges = _edge_mask(B)
    if edges.shape[0] != X.shape[1]:
        raise ValueError(
            f"B must be {X.shape[1]} x {X.shape[1]} for X with {X.shape[1]} columns, "
            f"got {edges.shape}."
        )
    if topological_order(edges) is None:
        raise ValueError("B must be a DAG.")
    if not edges.any():
        raise ValueError("B has no edge: varsortability is undefined.")
    variance = np.var(X, axis=0)
    ratio = variance[None, :] / variance[:, None]  # var(effect) / var(cause)
    increasing = ratio > 1 + tol
    tie = (ratio <= 1 + tol) & (ratio > 1 - tol)
    reach = edges.copy()
    n_paths = 0
    n_sorted = 0.0
    for _ in range(edges.shape[0] - 1):
        n_paths += int(reach.sum())
        n_sorted += int((reach & increasing).sum()) + 0.5 * int((reach & tie).sum())
        reach = (reach.astype(np.int64) @ edges.astype(np.int64)) > 0
        if not reach.any():
            break
    return n_sorted / n_paths
