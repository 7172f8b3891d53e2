"""sparsestat: sparse statistical estimation in the scikit-learn style.

Subpackages
-----------
penalties
    Convex and nonconvex penalties with their proximal operators (numba kernels
    for the CPU solvers, array-API code for numpy / CuPy / array-api-strict).
linear_model
    Sparse regression estimators, regularization paths and cross-validation.
decomposition
    Sparse coding and dictionary learning with ℓ1, ℓ0, ℓ1/2, ℓ2/3, ℓq and CEL0.
multitask
    Source-task selection for multitask representation learning.
datasets
    Simulated problems with a known sparse truth.

``sufficient_statistics`` reduces data (in memory or a dask array larger than
memory) to the moments least squares and CoLiDE depend on; the linear
estimators and CoLiDE fit from them (``fit_from_statistics``).
"""

from . import datasets, decomposition, linear_model, multitask, penalties
from ._array_api import get_namespace, to_numpy
from .datafits import SufficientStatistics, sufficient_statistics

__version__ = "0.1.0.dev0"

__all__ = [
    "datasets",
    "decomposition",
    "linear_model",
    "multitask",
    "penalties",
    "get_namespace",
    "to_numpy",
    "sufficient_statistics",
    "SufficientStatistics",
    "__version__",
]
