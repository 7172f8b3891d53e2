"""Sparse coding and dictionary learning beyond ℓ1."""

from .dictionary_learning import DictionaryLearning
from .sparse_coding import SparseCoder, sparse_encode

__all__ = ["sparse_encode", "SparseCoder", "DictionaryLearning"]
