"""Solvers: coordinate descent (numba), Gram CD, FISTA (array API), cvxpy reference.

``_table`` lists them (what each minimises, on which inputs) and holds the
``solver="auto"`` rule.  The solver modules load on first use, so importing
the table (as every estimator module does) compiles and loads no kernel.
"""

__all__ = ["SolverResult", "solve_cd", "solve_gram_cd"]


def __getattr__(name):
    if name in __all__:
        from . import cd

        return getattr(cd, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
