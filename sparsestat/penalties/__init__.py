"""Penalties and their proximal operators.

Every penalty has ``value``, ``prox`` (the numba kernel on float32/float64
numpy arrays; on other arrays a vectorized formula written against the array
API, tested on array-api-strict, not yet run on a GPU), ``prox_numba`` (the
kernel the CPU solvers call), ``subdiff_distance`` and, where defined,
``alpha_max``.  :func:`make_penalty` builds any of them from its name, the one
vocabulary of every estimator.  The separable penalties are exported from
``separable.__all__``, so a new one is public once its class is listed there.
"""

from ._base import Penalty, SeparablePenalty
from ._groups import GroupPartition
from ._registry import make_penalty, penalty_names
from .group import WGSEF, GroupL2, NonconvexWGSEF, SparseEnvelope, envelope_value
from .multitask import L21
from .separable import *  # noqa: F403 - every separable penalty, from separable.__all__
from .separable import __all__ as _separable

__all__ = [
    "Penalty",
    "SeparablePenalty",
    "GroupPartition",
    *_separable,
    "GroupL2",
    "SparseEnvelope",
    "WGSEF",
    "NonconvexWGSEF",
    "envelope_value",
    "L21",
    "make_penalty",
    "penalty_names",
]
