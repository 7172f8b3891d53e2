"""Datafits: what the data costs."""

from .quadratic import QuadraticProblem
from .statistics import GramProblem, SufficientStatistics, sufficient_statistics

__all__ = ["QuadraticProblem", "GramProblem", "SufficientStatistics", "sufficient_statistics"]
