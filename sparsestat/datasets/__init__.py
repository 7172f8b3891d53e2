"""Data sets: simulated problems with a known sparse truth, and real data shipped offline."""

from .generators import make_sparse_regression
from .loaders import load_image_patches, whitening_filter
from .multitask import MultitaskRepresentation, make_multitask_representation

__all__ = [
    "make_sparse_regression",
    "make_multitask_representation",
    "MultitaskRepresentation",
    "load_image_patches",
    "whitening_filter",
]
