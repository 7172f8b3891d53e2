"""Sparse coding and dictionary learning beyond ℓ1."""

from .dictionary_learning import DictionaryLearning
from .receptive_fields import GaborFit, fit_gabor, summarize_receptive_fields
from .sparse_coding import SparseCoder, alpha_for_sparsity, sparse_encode

__all__ = [
    "sparse_encode",
    "alpha_for_sparsity",
    "SparseCoder",
    "DictionaryLearning",
    "fit_gabor",
    "summarize_receptive_fields",
    "GaborFit",
]
