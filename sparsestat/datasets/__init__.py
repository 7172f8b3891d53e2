"""Data sets: simulated problems with a known sparse truth."""

from .generators import make_sparse_regression
from .multitask import MultitaskRepresentation, make_multitask_representation

__all__ = ["make_sparse_regression", "make_multitask_representation", "MultitaskRepresentation"]
