"""Sparse linear models in the scikit-learn style."""

from .regression import (
    ElasticNet,
    L0Regression,
    Lasso,
    LqRegression,
    MCPRegression,
    SCADRegression,
    SparseRegression,
)

__all__ = [
    "SparseRegression",
    "Lasso",
    "ElasticNet",
    "MCPRegression",
    "SCADRegression",
    "LqRegression",
    "L0Regression",
]
