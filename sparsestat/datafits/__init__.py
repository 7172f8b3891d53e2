"""Datafits: what the data costs."""

from .quadratic import QuadraticProblem

__all__ = ["QuadraticProblem"]
