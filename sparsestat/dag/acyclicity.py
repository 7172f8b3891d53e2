r"""The log-det acyclicity function of DAGMA, DAG checks and DAG projection.

For a weighted adjacency matrix ``W`` (``W[i, j] != 0`` is an edge ``i → j``)
and ``s > 0``, DAGMA's acyclicity function is

.. math:: h_s(W) = -\log\det(sI - W\circ W) + d\log s,

defined on the set where ``sI - W∘W`` is an M-matrix (``s`` larger than the
spectral radius of ``W∘W``).  There ``h_s ≥ 0`` with equality exactly when
``W`` is the adjacency matrix of a DAG, and
``∇h_s(W) = 2\,W\circ(sI - W\circ W)^{-\top}``.
"""

from __future__ import annotations

import math

import numpy as np
from array_api_compat import device as array_device
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .._array_api import get_namespace, is_numpy_namespace, to_numpy
from .._validation import check_finite_array, check_real

__all__ = ["logdet_acyclicity", "is_dag", "topological_order", "to_dag"]

# sI - W∘W is a Z-matrix; it is a nonsingular M-matrix iff its inverse is
# entrywise non-negative.  Entries of the inverse below -_M_TOLERANCE times its
# largest entry count as negative (rounding leaves tiny negative zeros).
_M_TOLERANCE = 1e-10


def _as_matrix(W, name="W"):
    """Array-API arrays as they are; lists and other array-likes as float64 numpy arrays."""
    if hasattr(W, "__array_namespace__"):
        if not get_namespace(W).isdtype(W.dtype, ("real floating", "integral", "bool")):
            raise TypeError(f"{name} must hold real numbers, got dtype {W.dtype}.")
        if not get_namespace(W).isdtype(W.dtype, "real floating"):
            return get_namespace(W).astype(W, get_namespace(W).float64)
        return W
    try:
        return np.asarray(W, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a square 2-D array of real numbers: {exc}") from None


def _check_square(W, name="W"):
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"{name} must be a square 2-D array, got shape {tuple(W.shape)}.")


def _m_matrix_inverse(W, s, xp):
    """``(sI - W∘W)^{-1}`` when ``sI - W∘W`` is a nonsingular M-matrix, else None."""
    d = W.shape[0]
    M = s * xp.eye(d, dtype=W.dtype) - W * W
    try:
        inverse = xp.linalg.inv(M)
    except Exception:  # singular: numpy raises LinAlgError, other libraries differ
        return None
    if not bool(xp.all(xp.isfinite(inverse))):
        return None
    if float(xp.min(inverse)) < -_M_TOLERANCE * float(xp.max(xp.abs(inverse))):
        return None
    return inverse


def _acyclicity_parts(W, s, xp):
    """Value, gradient and domain flag of ``h_s`` at ``W`` (one inverse, one slogdet).

    Returns ``(inf, None, False)`` outside the M-matrix domain.
    """
    inverse = _m_matrix_inverse(W, s, xp)
    if inverse is None:
        return math.inf, None, False
    d = W.shape[0]
    sign, logabsdet = xp.linalg.slogdet(s * xp.eye(d, dtype=W.dtype) - W * W)
    if float(sign) <= 0.0:
        return math.inf, None, False
    value = -float(logabsdet) + d * math.log(s)
    return value, 2.0 * W * inverse.T, True


def logdet_acyclicity(W, s=1.0, *, return_gradient=False):
    r"""DAGMA's log-det acyclicity function :math:`h_s(W)` and its gradient.

    Parameters
    ----------
    W : array of shape (d, d)
        Weighted adjacency matrix, ``W[i, j]`` the weight of the edge
        ``i → j``.  numpy, CuPy or any array-API array.
    s : float, default=1.0
        Must exceed the spectral radius of ``W∘W``.
    return_gradient : bool, default=False
        Also return :math:`∇h_s(W) = 2W\circ(sI - W\circ W)^{-\top}`.

    Returns
    -------
    value : float
        ``h_s(W) ≥ 0``; zero exactly when ``W`` is acyclic.
    gradient : array of shape (d, d)
        Only when ``return_gradient`` is true; same namespace as ``W``.

    Raises
    ------
    ValueError
        If ``W`` is not square or finite, ``s ≤ 0``, or ``sI - W∘W`` is not an
        M-matrix (``W`` is outside the domain of ``h_s``).

    References
    ----------
    .. [1] K. Bello, B. Aragam and P. Ravikumar, "DAGMA: Learning DAGs via
       M-matrices and a log-determinant acyclicity characterization", NeurIPS
       2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import logdet_acyclicity
    >>> round(logdet_acyclicity(np.array([[0.0, 0.5], [0.0, 0.0]])), 12)
    0.0
    >>> logdet_acyclicity(np.array([[0.0, 0.5], [0.5, 0.0]])) > 0
    True
    """
    W = _as_matrix(W)
    xp = get_namespace(W)
    _check_square(W)
    check_finite_array(W, "W")
    s = check_real(s, "s", low=0.0, low_inclusive=False)
    value, gradient, inside = _acyclicity_parts(W, s, xp)
    if not inside:
        raise ValueError(
            f"sI - W∘W is not an M-matrix for s={s:g}: the spectral radius of W∘W must be below s."
        )
    return (value, gradient) if return_gradient else value


def _edge_mask(B, name="B"):
    B = np.asarray(to_numpy(B))
    _check_square(B, name)
    if not np.all(np.isfinite(B)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return B != 0


def topological_order(B):
    """A causal (topological) order of the graph with adjacency ``B``.

    Parameters
    ----------
    B : array of shape (d, d)
        ``B[i, j] != 0`` is an edge ``i → j``.

    Returns
    -------
    order : ndarray of int or None
        Nodes such that every edge goes from an earlier to a later node (ties
        broken by the smaller index first); ``None`` when ``B`` has a cycle
        (self-loops included).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import topological_order
    >>> topological_order(np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0]])).tolist()
    [2, 1, 0]
    >>> topological_order(np.array([[0, 1], [1, 0]])) is None
    True
    """
    edges = _edge_mask(B)
    d = edges.shape[0]
    in_degree = edges.sum(axis=0).astype(np.int64)
    order = []
    ready = sorted(np.flatnonzero(in_degree == 0).tolist())
    while ready:
        node = ready.pop(0)
        order.append(node)
        for child in np.flatnonzero(edges[node]):
            in_degree[child] -= 1
            if in_degree[child] == 0:
                ready.append(int(child))
        ready.sort()
    return np.asarray(order, dtype=np.int64) if len(order) == d else None


def is_dag(B):
    """True when the directed graph with adjacency ``B`` has no cycle.

    Parameters
    ----------
    B : array of shape (d, d)
        ``B[i, j] != 0`` is an edge ``i → j``; a non-zero diagonal is a cycle.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import is_dag
    >>> is_dag(np.array([[0, 1], [0, 0]])), is_dag(np.array([[0, 1], [1, 0]]))
    (True, False)
    """
    return topological_order(B) is not None


def to_dag(W, threshold=0.0):
    """Threshold a weighted adjacency matrix and break its remaining cycles.

    Edges with ``|w| ≤ threshold`` are removed; then, while a cycle remains,
    the weakest edge lying on a cycle (inside a strongly connected component)
    is removed.  Edges on no cycle are never touched, so the result keeps every
    edge that does not have to go.

    Parameters
    ----------
    W : array of shape (d, d)
        Weighted adjacency (numpy, or any array-API array: the result comes
        back in its namespace).
    threshold : float, default=0.0
        Must be non-negative.

    Returns
    -------
    dag : array of shape (d, d)
        A copy of ``W`` with the removed edges set to zero; always acyclic.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.dag import to_dag
    >>> to_dag(np.array([[0.0, 0.9, 0.0], [0.0, 0.0, 0.8], [0.4, 0.0, 0.0]]))
    array([[0. , 0.9, 0. ],
           [0. , 0. , 0.8],
           [0. , 0. , 0. ]])
    """
    xp = get_namespace(W)
    threshold = check_real(threshold, "threshold", low=0.0)
    dag = np.array(to_numpy(W), dtype=None, copy=True)
    _check_square(dag)
    if not np.all(np.isfinite(dag)):
        raise ValueError("W contains NaN or infinite values.")
    dag[np.abs(dag) <= threshold] = 0
    np.fill_diagonal(dag, 0)
    while True:
        n_components, labels = connected_components(csr_matrix(dag != 0), connection="strong")
        if n_components == dag.shape[0]:
            break
        on_cycle = (labels[:, None] == labels[None, :]) & (dag != 0)
        weights = np.where(on_cycle, np.abs(dag), np.inf)
        dag[np.unravel_index(np.argmin(weights), dag.shape)] = 0
    if is_numpy_namespace(xp):
        return dag
    return xp.asarray(dag, device=array_device(W))
