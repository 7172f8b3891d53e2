"""Structure-recovery metrics of an estimated graph against the true DAG."""

from __future__ import annotations

import numpy as np

from .acyclicity import _edge_mask, topological_order

__all__ = ["dag_metrics"]


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
