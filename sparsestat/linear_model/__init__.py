"""Sparse linear models in the scikit-learn style."""

from ._cv import SparseRegressionCV
from ._path import alpha_max, sparse_path
from ._stability import StabilitySelection
from .group import GroupSparseRegression, GroupSparseRegressionCV
from .multitask import MultiTaskLasso, MultiTaskLassoCV, MultiTaskSparseRegression
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
    "SparseRegressionCV",
    "Lasso",
    "ElasticNet",
    "MCPRegression",
    "SCADRegression",
    "LqRegression",
    "L0Regression",
    "sparse_path",
    "alpha_max",
    "GroupSparseRegression",
    "GroupSparseRegressionCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "MultiTaskSparseRegression",
    "StabilitySelection",
]
