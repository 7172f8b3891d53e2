"""Solvers: coordinate descent (numba), Gram CD, FISTA (array API), cvxpy reference."""

from .cd import SolverResult, solve_cd, solve_gram_cd

__all__ = ["SolverResult", "solve_cd", "solve_gram_cd"]
