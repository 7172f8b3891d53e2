"""sparsestat: sparse statistical estimation in the scikit-learn style.

Subpackages
-----------
penalties
    Convex and nonconvex penalties with their proximal operators (numba kernels
    for the CPU solvers, array-API code, tested with numpy and array-api-strict).
linear_model
    Sparse regression estimators, regularization paths and cross-validation.
decomposition
    Sparse coding and dictionary learning with ℓ1, ℓ0, ℓ1/2, ℓ2/3, ℓq and CEL0.
dag
    DAG structure learning (CoLiDE), simulation and metrics.
task_selection
    Source-task selection for multitask representation learning (the former
    ``sparsestat.multitask``, which still works and warns).
datasets
    Simulated problems with a known sparse truth, and real data shipped offline.
datafits, solvers
    The least-squares problems and the solvers the estimators run.
plotting
    Matplotlib helpers (``pip install sparsestat[plot]``).
precompile
    Compile the numba kernels ahead of the first fits (``python -m
    sparsestat.precompile``), for container images and CI caches.

``sufficient_statistics`` reduces data (in memory or a dask array larger than
memory) to the moments least squares and CoLiDE depend on; the linear
estimators and CoLiDE fit from them (``fit_from_statistics``).

Subpackages are imported on first use (a module ``__getattr__``, as SciPy and
scikit-image do): ``import sparsestat`` itself imports neither numba nor
scikit-learn, and ``sparsestat.dag`` loads the DAG code only when touched.
"""

import importlib

__version__ = "0.1.0.dev0"

#: subpackages and modules reachable as attributes, imported on first access
_SUBMODULES = (
    "dag",
    "datafits",
    "datasets",
    "decomposition",
    "demo",
    "linear_model",
    "multitask",
    "penalties",
    "plotting",
    "precompile",
    "solvers",
    "task_selection",
)
#: top-level names and the module that defines them
_ATTRIBUTES = {
    "get_namespace": "._array_api",
    "to_numpy": "._array_api",
    "sufficient_statistics": ".datafits",
    "SufficientStatistics": ".datafits",
}

__all__ = [
    "dag",
    "datafits",
    "datasets",
    "decomposition",
    "linear_model",
    "penalties",
    "plotting",
    "precompile",
    "solvers",
    "task_selection",
    "get_namespace",
    "to_numpy",
    "sufficient_statistics",
    "SufficientStatistics",
    "__version__",
]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _ATTRIBUTES:
        value = getattr(importlib.import_module(_ATTRIBUTES[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES) | set(_ATTRIBUTES))
