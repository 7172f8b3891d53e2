"""The working-set CD solver's two mechanisms, as the user guide describes them.

The Anderson extrapolation itself (``_cd_kernels.anderson_extrapolate``) is
shared by every solver (CD, Gram CD, group BCD, multitask BCD); each keeps it
only when it lowers its own objective.

``docs/user_guide/linear_model.rst``: the working set holds the current support
and the coordinates that violate optimality most; the inner loop extrapolates
(Anderson) every ``ANDERSON_K + 1`` epochs and keeps the extrapolation only when
it lowers the objective.
"""

import numpy as np
import pytest

from sparsestat.datafits import QuadraticProblem
from sparsestat.datasets import make_sparse_regression
from sparsestat.penalties import L1
from sparsestat.solvers import _cd_kernels, cd, solve_cd


def brute_force_working_set(w, kkt, ws_start):
    support = np.flatnonzero(w)
    size = min(max(ws_start, 2 * support.size), w.size)
    zeros = np.flatnonzero(w == 0)
    violators = zeros[np.argsort(-kkt[zeros], kind="stable")[: size - support.size]]
    return np.sort(np.concatenate([support, violators]))


@pytest.mark.parametrize(("n_support", "ws_start"), [(0, 5), (3, 5), (4, 5), (10, 5), (20, 30)])
def test_working_set_is_the_support_plus_the_largest_violations(n_support, ws_start):
    rng = np.random.default_rng(n_support)
    p = 40
    w = np.zeros(p)
    w[rng.choice(p, n_support, replace=False)] = rng.standard_normal(n_support)
    kkt = rng.permutation(p).astype(float)  # distinct scores: no ties
    kkt[w != 0] = 0.0  # a coordinate in the support is kept whatever its score
    ws = _cd_kernels.build_working_set(w, kkt, ws_start)
    np.testing.assert_array_equal(ws, brute_force_working_set(w, kkt, ws_start))
    assert set(np.flatnonzero(w)) <= set(ws)


def test_working_set_ties_at_the_cutoff_go_in_index_order():
    w = np.zeros(12)
    w[[2, 9]] = 1.0
    kkt = np.array([5.0, 3, 0, 3, 3, 1, 3, 0, 0, 0, 0, 4])  # four 3s compete for two places
    ws = _cd_kernels.build_working_set(w, kkt, 6)
    np.testing.assert_array_equal(ws, brute_force_working_set(w, kkt, 6))
    np.testing.assert_array_equal(ws, [0, 1, 2, 3, 9, 11])


def test_every_working_set_solver_shares_the_rule_and_the_inner_tolerance():
    """CD, group BCD and multitask BCD take their working sets from
    ``build_working_set`` and their inner tolerance from ``INNER_TOL_RATIO``:
    no solver module selects or sets the 0.3 itself (a second copy would drift)."""
    import inspect
    import re

    from sparsestat.solvers import _bcd_kernels, multitask

    for module in (_cd_kernels, _bcd_kernels, multitask):
        source = inspect.getsource(module)
        calls = re.findall(r"(?<!def )build_working_set\(", source)
        assert calls, module.__name__
        assert "INNER_TOL_RATIO * " in source, module.__name__
        assert not re.search(r"\b0\.3 \*", source), module.__name__
        body = source.replace(inspect.getsource(_cd_kernels.build_working_set), "")
        assert "select_kth(" not in body, module.__name__
    assert _cd_kernels.INNER_TOL_RATIO == 0.3


@pytest.fixture(scope="module")
def lasso_problem():
    X, y, _ = make_sparse_regression(80, 60, 5, rho=0.5, random_state=0)
    problem = QuadraticProblem(X, y)
    penalty = L1(alpha=0.05 * L1(1.0).alpha_max(problem.gradient(np.zeros(60))))
    optimum = solve_cd(problem, penalty, tol=1e-14, max_iter=100_000).coef
    return problem, penalty, optimum


def _anderson(problem, penalty, w, iterates):
    """Run the kernel's Anderson step on all features; returns (w, accepted)."""
    design, datafit = problem.kernel_arguments()
    pen = penalty.kernel_arguments(problem.n_features)
    w = w.copy()
    r = np.empty_like(datafit.y)
    vr = _cd_kernels.initial_residual(design, datafit, w, r)
    before = problem.value(w) + penalty.value(w)
    ws = np.arange(problem.n_features)
    block = _cd_kernels.gather_block(
        design, ws
    )  # what the working-set loop hands the inner solver
    # the shared extrapolation (every solver's), then the CD solver's acceptance test
    ring = np.array(iterates, dtype=float)
    extrapolated = np.empty(problem.n_features)
    assert _cd_kernels.anderson_extrapolate(ring, ring.shape[0] - 1, ring[-1].copy(), extrapolated)
    _cd_kernels.anderson_step(
        block, datafit, ws, w, r, vr, extrapolated, np.empty_like(datafit.y), pen
    )
    after = problem.value(w) + penalty.value(w)
    return w, before, after


def test_anderson_extrapolation_is_kept_when_it_lowers_the_objective(lasso_problem):
    """Iterates converging geometrically to the optimum: Anderson extrapolates to
    the limit, which lowers the objective, so the step is kept."""
    problem, penalty, optimum = lasso_problem
    k = cd.ANDERSON_K
    # a linear iteration with k distinct rates: k differences make the
    # extrapolation exact (minimal polynomial of degree k)
    rates = np.resize(np.linspace(0.3, 0.8, k), optimum.size)
    iterates = np.array([optimum * (1 - rates**t) for t in range(1, k + 2)])
    w, before, after = _anderson(problem, penalty, iterates[-1], iterates)
    assert after < before
    # near the limit (the 5×5 system is ill-conditioned: not to machine precision)
    assert np.linalg.norm(w - optimum) < 0.01 * np.linalg.norm(iterates[-1] - optimum)


def test_anderson_extrapolation_is_rejected_when_it_raises_the_objective(lasso_problem):
    """At the optimum every other point is worse: the extrapolated point is
    rejected and the iterate is left exactly as it was."""
    problem, penalty, optimum = lasso_problem
    rng = np.random.default_rng(1)
    k = cd.ANDERSON_K
    iterates = optimum + 0.1 * np.cumsum(rng.standard_normal((k + 1, optimum.size)), axis=0)
    w, before, after = _anderson(problem, penalty, optimum, iterates)
    np.testing.assert_array_equal(w, optimum)
    assert after == before


def _inner(problem, penalty, anderson_k, max_epochs):
    design, datafit = problem.kernel_arguments()
    pen = penalty.kernel_arguments(problem.n_features)
    p = problem.n_features
    w = np.zeros(p)
    r = np.empty_like(datafit.y)
    vr = _cd_kernels.initial_residual(design, datafit, w, r)
    block = _cd_kernels.gather_block(design, np.arange(p))
    work = (np.zeros(p), np.zeros(p), np.empty_like(datafit.y))
    _cd_kernels.inner_solve(
        block, datafit, np.arange(p), w, r, vr, pen, work, max_epochs, 0.0, anderson_k, 1000
    )
    return w


def test_anderson_extrapolates_after_every_k_plus_one_epochs(lasso_problem):
    """With ANDERSON_K = 5 an extrapolation is tried after epochs 6, 12, 18, ...:
    the iterates are plain CD's bit for bit until the first accepted one, which
    comes at a multiple of six epochs."""
    problem, penalty, _ = lasso_problem
    k = cd.ANDERSON_K
    assert k == 5  # the user guide says "every six epochs"
    first = next(
        n_epochs
        for n_epochs in range(1, 61)
        if not np.array_equal(
            _inner(problem, penalty, k, n_epochs), _inner(problem, penalty, 0, n_epochs)
        )
    )
    assert first % (k + 1) == 0


def test_anderson_reaches_the_same_lasso_in_fewer_epochs(lasso_problem):
    """Acceleration: the same optimum (to the tolerance), fewer CD epochs."""
    problem, penalty, optimum = lasso_problem
    fast = solve_cd(problem, penalty, tol=1e-10, max_iter=100_000, anderson=True)
    plain = solve_cd(problem, penalty, tol=1e-10, max_iter=100_000, anderson=False)
    assert fast.converged and plain.converged
    np.testing.assert_allclose(fast.coef, optimum, atol=1e-5)
    np.testing.assert_allclose(plain.coef, optimum, atol=1e-5)
    assert fast.n_iter < plain.n_iter


@pytest.mark.parametrize("solver", ["group", "multitask"])
def test_anderson_also_accelerates_group_and_multitask_bcd(solver):
    """The shared extrapolation in the two BCD solvers: the same solution,
    fewer epochs (on this correlated design: 250 against 2159 for the group
    lasso, 144 against 422 for the multitask Lasso)."""
    from sparsestat.penalties import GroupL2
    from sparsestat.solvers.bcd import solve_group_bcd
    from sparsestat.solvers.multitask import solve_multitask

    X, y, _ = make_sparse_regression(80, 60, 5, rho=0.8, random_state=0)
    if solver == "group":
        problem = QuadraticProblem(X, y)
        penalty = GroupL2(alpha=0.02, groups=np.repeat(np.arange(20), 3))
        solve = solve_group_bcd
    else:
        problem = QuadraticProblem(X, np.column_stack([y, X[:, 1] + 0.1 * y]))
        penalty = L1(alpha=0.02)
        solve = solve_multitask
    fast = solve(problem, penalty, tol=1e-10, max_iter=100_000, anderson=True)
    plain = solve(problem, penalty, tol=1e-10, max_iter=100_000, anderson=False)
    assert fast.converged and plain.converged
    np.testing.assert_allclose(fast.coef, plain.coef, atol=1e-6)
    assert fast.n_iter < plain.n_iter / 2


def test_anderson_extrapolation_matches_the_textbook_formula_and_has_one_copy():
    """``anderson_extrapolate`` against a numpy solve of Anderson's system
    (c ∝ (UUᵀ)⁻¹1, U the differences of the iterates), and it is the only caller
    of the weights in the solvers: a second copy of the extrapolation would
    have to call them too."""
    from pathlib import Path

    rng = np.random.default_rng(3)
    k = cd.ANDERSON_K
    ring = rng.standard_normal((k + 1, 30)).cumsum(axis=0)
    out = np.empty(30)
    for epoch in range(k):  # the ring fills up; nothing extrapolated before slot K
        assert not _cd_kernels.anderson_extrapolate(ring, epoch, ring[epoch].copy(), out)
    assert _cd_kernels.anderson_extrapolate(ring, k, ring[k].copy(), out)
    U = np.diff(ring, axis=0)
    z = np.linalg.solve(U @ U.T, np.ones(k))
    np.testing.assert_allclose(out, (z / z.sum()) @ ring[1:], rtol=1e-8, atol=1e-10)
    solvers = Path(_cd_kernels.__file__).parent
    callers = [
        path.name
        for path in sorted(solvers.glob("*.py"))
        for line in path.read_text().splitlines()
        if "anderson_weights(iterates)" in line and "def " not in line
    ]
    assert callers == ["_cd_kernels.py"]
