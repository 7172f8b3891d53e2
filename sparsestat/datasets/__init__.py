"""Data sets: simulated problems with a known sparse truth, and real data shipped offline."""

from .generators import make_sparse_regression
from .loaders import load_image_patches, whitening_filter
from .multitask import MultitaskRepresentation, make_multitask_representation
from .sachs import SACHS_CONSENSUS_EDGES, load_sachs

__all__ = [
    "make_sparse_regression",
    "make_multitask_representation",
    "MultitaskRepresentation",
    "load_image_patches",
    "whitening_filter",
    "load_sachs",
    "SACHS_CONSENSUS_EDGES",
]
