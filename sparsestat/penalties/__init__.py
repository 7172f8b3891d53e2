"""Penalties and their proximal operators.

Every penalty has ``value``, a vectorized ``prox`` written against the array API
(tested on numpy and array-api-strict arrays; not yet run on a GPU), a numba
kernel (``prox_numba``; the CPU solvers call the same kernels),
``subdiff_distance`` and, where defined, ``alpha_max``.  :func:`make_penalty`
builds any of them from its name, the one vocabulary of every estimator.
"""

from ._base import Penalty, SeparablePenalty
from ._groups import GroupPartition
from ._registry import make_penalty, penalty_names
from .group import WGSEF, GroupL2, NonconvexWGSEF, SparseEnvelope, envelope_value
from .multitask import L21
from .separable import CEL0, L0, L1, MCP, SCAD, ElasticNet, Lq

__all__ = [
    "Penalty",
    "SeparablePenalty",
    "GroupPartition",
    "L1",
    "ElasticNet",
    "L0",
    "Lq",
    "CEL0",
    "MCP",
    "SCAD",
    "GroupL2",
    "SparseEnvelope",
    "WGSEF",
    "NonconvexWGSEF",
    "envelope_value",
    "L21",
    "make_penalty",
    "penalty_names",
]
