"""The solver table (sparsestat/solvers/_table.py) is the one owner of the
``solver`` options and of the ``solver="auto"`` rule: every estimator and
``sparse_path`` must follow it, so a change there changes them all."""

import numpy as np
import pytest
import scipy.sparse as sp

import sparsestat.linear_model._path as path_module
from sparsestat.linear_model import (
    GroupSparseRegression,
    GroupSparseRegressionCV,
    Lasso,
    SparseRegression,
    SparseRegressionCV,
    sparse_path,
)
from sparsestat.linear_model._base import choose_solver
from sparsestat.penalties import L1, WGSEF, GroupL2
from sparsestat.solvers._table import SOLVERS, auto_solver, solver_names

SHAPES = [(200, 20), (199, 20), (60, 20), (25000, 2001), (20000, 2000)]


def _options(estimator):
    (constraint,) = type(estimator)._parameter_constraints["solver"]
    return tuple(constraint.options)


@pytest.mark.parametrize(
    ("estimator", "family"),
    [
        (SparseRegression(), "separable"),
        (Lasso(), "separable"),
        (SparseRegressionCV(), "separable"),
        (GroupSparseRegression(groups=2), "group"),
        (GroupSparseRegressionCV(groups=2), "group"),
    ],
)
def test_estimator_solver_options_are_the_table(estimator, family):
    assert set(_options(estimator)) == set(solver_names(family))


def test_table_families_match_the_penalties_solvers():
    """A penalty's ``solvers`` are table entries of its family."""
    for penalty in (L1(1.0), GroupL2(1.0, groups=[0, 0, 1]), WGSEF(1, 1.0, groups=[0, 0, 1])):
        for name in penalty.solvers:
            assert penalty.penalty_kind in SOLVERS[name].family


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("sparse", [False, True])
def test_sparse_path_and_estimators_resolve_auto_by_the_table(shape, sparse, monkeypatch):
    X = sp.random(*shape, density=1e-4, format="csc", random_state=0) if sparse else None
    if X is None:
        X = np.empty(shape)
    expected = auto_solver("separable", X)
    assert choose_solver("auto", X, L1(1.0)) == expected
    # sparse_path resolves "auto" itself: record what it runs (on a small stand-in
    # problem whose shape class is the same, to keep the test fast)
    ran = []
    real = path_module.run_solver

    def record(solver, *args, **kwargs):
        ran.append(solver)
        return real(solver, *args, **kwargs)

    monkeypatch.setattr(path_module, "run_solver", record)
    monkeypatch.setattr(path_module, "auto_solver", lambda family, X_: auto_solver(family, X))
    rng = np.random.default_rng(0)
    X_small = rng.standard_normal((40, 4))
    sparse_path(X_small, rng.standard_normal(40), "l1", alphas=[0.1], solver="auto")
    assert ran == [expected]


def test_auto_rule_values():
    rng = np.random.default_rng(0)
    assert auto_solver("separable", np.empty((200, 20))) == "gram"
    assert auto_solver("separable", np.empty((199, 20))) == "cd"
    assert auto_solver("separable", sp.random(200, 20, format="csc")) == "cd"
    assert auto_solver("group", np.empty((50, 3)), GroupL2(1.0, groups=[0, 0, 1])) == "bcd"
    assert auto_solver("group", np.empty((50, 3)), WGSEF(1, 1.0, groups=[0, 0, 1])) == "fista"
    X = rng.standard_normal((50, 4))
    y = rng.standard_normal(50)
    lasso = GroupSparseRegression(groups=2, penalty="group_l2", alpha=0.1).fit(X, y)
    assert lasso.solver_ == "bcd"
    assert GroupSparseRegression(groups=2, k=1, alpha=0.1).fit(X, y).solver_ == "fista"
    with pytest.raises(ValueError, match="no solver family"):
        auto_solver("rows", X)


def test_auto_rule_on_other_namespaces():
    xp = pytest.importorskip("array_api_strict")
    X = xp.asarray(np.ones((200, 20)))
    assert auto_solver("separable", X) == "fista"
    assert auto_solver("group", X, GroupL2(1.0, groups=[0] * 20)) == "fista"


def test_every_entry_has_the_common_solver_signature():
    """``solve(problem, penalty, coef_init, *, max_iter, tol)`` for every entry,
    so that run_solver calls them all the same way."""
    import inspect

    from sparsestat.solvers._table import solver_function

    for name, spec in SOLVERS.items():
        parameters = inspect.signature(solver_function(name)).parameters
        assert list(parameters)[:3] == ["problem", "penalty", "coef_init"], name
        for keyword in ("max_iter", "tol"):
            assert keyword in parameters, (name, keyword)
        assert spec.problem in ("quadratic", "array"), name


@pytest.mark.parametrize("solver", ["cd", "gram", "fista", "cvxpy"])
def test_run_solver_builds_the_datafit_of_the_entry(solver):
    """The same Lasso from every separable solver through run_solver."""
    if solver == "cvxpy":
        pytest.importorskip("cvxpy")
    from sparsestat.linear_model._base import run_solver, solver_problem

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 10))
    y = X[:, :3] @ np.ones(3) + 0.1 * rng.standard_normal(60)
    w = rng.uniform(0.5, 2.0, 60)
    problem = solver_problem(solver, X, y, w, True)
    assert (
        type(problem).__name__
        == {"quadratic": "QuadraticProblem", "array": "ArrayProblem"}[SOLVERS[solver].problem]
    )
    result = run_solver(solver, problem, L1(0.05), None, 100_000, 1e-12)
    reference = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(result.coef, reference.coef_, atol=1e-6)
