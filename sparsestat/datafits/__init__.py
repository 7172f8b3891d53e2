"""Datafits: what the data costs."""

from .array import ArrayProblem
from .quadratic import QuadraticProblem
from .statistics import GramProblem, SufficientStatistics, sufficient_statistics

__all__ = [
    "ArrayProblem",
    "QuadraticProblem",
    "GramProblem",
    "SufficientStatistics",
    "sufficient_statistics",
]
