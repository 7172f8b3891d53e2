"""Data sets: simulated sparse problems (real data loaders come with their issues)."""

from .generators import make_sparse_regression

__all__ = ["make_sparse_regression"]
