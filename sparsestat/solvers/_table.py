"""The one table of solvers, and the one ``solver="auto"`` rule.

Each entry says which penalty family a solver minimises (a penalty's
``penalty_kind``) and which inputs it takes.  The estimators and
:func:`~sparsestat.linear_model.sparse_path` read their ``solver`` options and
resolve ``"auto"`` here; whether a solver minimises a given penalty is the
penalty's own ``solvers`` attribute.
"""

from __future__ import annotations

import importlib
from collections import namedtuple

import scipy.sparse as sp

from .._array_api import is_foreign_array

__all__ = [
    "GRAM_MAX_FEATURES",
    "GRAM_MIN_RATIO",
    "SOLVERS",
    "Solver",
    "auto_solver",
    "solver_function",
    "solver_names",
]

#: ``family``: the ``penalty_kind`` values it minimises; ``any_namespace``:
#: whether it runs on arrays of other array-API libraries (CuPy, ...), not only
#: on numpy and scipy.sparse; ``problem``: the datafit it takes, ``"quadratic"``
#: (:class:`~sparsestat.datafits.QuadraticProblem`, numba kernels) or
#: ``"array"`` (:class:`~sparsestat.datafits.ArrayProblem`, array API);
#: ``solve``: ``"module:function"``, imported on first use, with the signature
#: ``solve(problem, penalty, coef_init, *, max_iter, tol) -> SolverResult``;
#: ``summary``: one line for the docs and errors.
Solver = namedtuple("Solver", "family any_namespace problem solve summary")

SOLVERS = {
    "cd": Solver(
        ("separable",),
        False,
        "quadratic",
        "sparsestat.solvers.cd:solve_cd",
        "working-set coordinate descent with Anderson acceleration",
    ),
    "gram": Solver(
        ("separable",),
        False,
        "quadratic",
        "sparsestat.solvers.cd:solve_gram_cd",
        "coordinate descent on the Gram matrix X'X",
    ),
    "bcd": Solver(
        ("group",),
        False,
        "quadratic",
        "sparsestat.solvers.bcd:solve_group_bcd",
        "block coordinate descent, one group at a time",
    ),
    "fista": Solver(
        ("separable", "group"),
        True,
        "array",
        "sparsestat.solvers.fista:solve_fista",
        "FISTA with restarts (any array namespace)",
    ),
    "cvxpy": Solver(
        ("separable",),
        False,
        "array",
        "sparsestat.solvers.reference:solve_cvxpy",
        "cvxpy, the reference for convex penalties",
    ),
}


def solver_function(name):
    """The ``solve`` function of the table's entry ``name`` (imported now)."""
    module, function = SOLVERS[name].solve.split(":")
    return getattr(importlib.import_module(module), function)


#: The Gram matrix pays off for dense ``X`` with ``n_samples >= 10·n_features``
#: and at most 2000 features (its ``p × p`` matrix stays small).
GRAM_MIN_RATIO = 10
GRAM_MAX_FEATURES = 2000


def solver_names(family):
    """``("auto", ...)``: the ``solver`` options of an estimator of ``family``."""
    return ("auto",) + tuple(name for name, spec in SOLVERS.items() if family in spec.family)


def auto_solver(family, X, penalty=None):
    """What ``solver="auto"`` runs for a penalty of ``family`` on ``X``.

    Arrays of other array-API libraries: ``"fista"``.  Separable penalties:
    ``"gram"`` for dense ``X`` with ``n_samples >= 10·n_features`` and at most
    2000 features, ``"cd"`` otherwise.  Group penalties: ``"bcd"`` when
    ``penalty`` lists it among its solvers (the group lasso; WGSEF couples the
    groups), ``"fista"`` otherwise.
    """
    if is_foreign_array(X):
        return "fista"
    if family == "separable":
        n_samples, n_features = X.shape
        tall = n_samples >= GRAM_MIN_RATIO * n_features and n_features <= GRAM_MAX_FEATURES
        return "gram" if tall and not sp.issparse(X) else "cd"
    if family == "group":
        return "bcd" if penalty is None or "bcd" in penalty.solvers else "fista"
    raise ValueError(f"no solver family {family!r}; the families are 'separable' and 'group'.")
