"""One duality gap for every solver (``sparsestat/solvers/_gap.py``).

The Lasso is a special case of each solver's problem: the group lasso with one
feature per group, the multitask Lasso with one task, the Gram solvers on the
same data.  At the same point ``w`` (``max_iter=0``: the solvers only evaluate
their stopping rule at the start) every solver must report the same gap, and
that gap must be ``P(w) − D(θ)`` computed here from the textbook Lasso dual with
the rescaled residual as the dual point.  A second copy of the formula that
drifted would break the equality.
"""

import numpy as np
import pytest

from sparsestat.datafits import ArrayProblem, GramProblem, QuadraticProblem, sufficient_statistics
from sparsestat.penalties import L1, GroupL2
from sparsestat.solvers import solve_cd, solve_gram_cd
from sparsestat.solvers.bcd import solve_group_bcd
from sparsestat.solvers.fista import _gap
from sparsestat.solvers.multitask import solve_gram_multitask, solve_multitask


def textbook_gap(X, y, weights, w, alpha, fit_intercept):
    """P(w) − D(θ), θ = ρ·min(1, alpha/||Xcᵀρ||_∞), with ρ the weighted centred residual."""
    weights = weights / weights.sum()
    if fit_intercept:
        X = X - weights @ X
        y = y - weights @ y
    residual = y - X @ w
    primal = 0.5 * weights @ residual**2 + alpha * np.abs(w).sum()
    correlation = X.T @ (weights * residual)
    scale = min(1.0, alpha / np.abs(correlation).max())
    theta = scale * residual
    dual = 0.5 * weights @ y**2 - 0.5 * weights @ (y - theta) ** 2
    return primal - dual


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_solver_reports_the_same_lasso_gap(fit_intercept, weighted):
    rng = np.random.default_rng(0)
    n, p = 40, 12
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ [1.0, -2.0, 0.5] + 0.3 * rng.standard_normal(n) + 2.0
    sample_weight = rng.uniform(0.5, 2.0, n) if weighted else None
    w = np.zeros(p)
    w[[0, 1, 5]] = [0.7, -1.5, 0.2]  # not the optimum
    alpha = 0.1
    expected = textbook_gap(
        X, y, np.ones(n) if sample_weight is None else sample_weight, w, alpha, fit_intercept
    )
    assert expected > 1e-3

    problem = QuadraticProblem(X, y, sample_weight, fit_intercept)
    gaps = {
        "cd": solve_cd(problem, L1(alpha), coef_init=w, max_iter=0).stop_crit,
        "gram": solve_gram_cd(problem, L1(alpha), coef_init=w, max_iter=0).stop_crit,
        "bcd (one feature per group)": solve_group_bcd(
            problem, GroupL2(alpha, groups=np.arange(p)), coef_init=w, max_iter=0
        ).stop_crit,
    }
    multi = QuadraticProblem(X, y[:, None], sample_weight, fit_intercept)
    gaps["multitask (one task)"] = solve_multitask(
        multi, L1(alpha), coef_init=w[:, None], max_iter=0
    ).stop_crit
    statistics = sufficient_statistics(X, y[:, None], sample_weight)
    gaps["multitask gram (one task)"] = solve_gram_multitask(
        GramProblem(statistics, fit_intercept), L1(alpha), coef_init=w[:, None], max_iter=0
    ).stop_crit
    array_problem = ArrayProblem(X, y, sample_weight, fit_intercept)
    residual = array_problem.residual(w)
    gaps["fista"] = _gap(
        array_problem, L1(alpha), w, array_problem.gradient_from_residual(residual), residual
    )
    for name, gap in gaps.items():
        assert gap == pytest.approx(expected, rel=1e-10), name


@pytest.mark.parametrize("name", ["l1", "l0", "half", "mcp", "cel0"])
def test_regression_and_coding_kernels_share_the_optimality_rule(name):
    """The CD regression kernel (``kkt_violation``) and the coding kernel
    (``code_violations``) measure optimality by one rule
    (``penalties._kernels.coordinate_violation``): on the same coordinates,
    gradients and curvatures they give the same largest violation, and it is
    the fixed-point residual for L0 / ℓq, the subdifferential distance otherwise."""
    from sparsestat.decomposition._coding_kernels import code_violations
    from sparsestat.penalties import _kernels as pk
    from sparsestat.penalties import make_penalty
    from sparsestat.solvers import _cd_kernels

    rng = np.random.default_rng(1)
    D = rng.standard_normal((6, 10))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    G = D @ D.T
    x = rng.standard_normal(10)
    code = np.zeros(6)
    code[[1, 4]] = [0.8, -0.3]
    params = {"alpha": 0.2}
    if name == "cel0":
        params["column_norms"] = np.sqrt(np.diag(G))
    penalty = make_penalty(name, **params)
    weights = np.ascontiguousarray(penalty.coordinate_weights(6), dtype=float)
    C = (x @ D.T)[None, :]
    coding = np.empty(1)
    code_violations(G, C, code[None, :], int(penalty.kernel_code), penalty.kernel_params,
                    weights, coding)  # fmt: skip
    grad = G @ code - C[0]
    out = np.empty(6)
    regression = _cd_kernels.kkt_violation(
        code, grad, np.diag(G).copy(), np.arange(6), penalty.kernel_arguments(6), out
    )
    # the coding kernel forms the gradient itself (another summation order)
    assert regression == pytest.approx(coding[0], rel=1e-12)
    fixed_point = pk.uses_fixed_point(penalty.kernel_params)
    assert fixed_point == (name in ("l0", "half"))
    expected = max(
        pk.coordinate_violation(code[j], grad[j], G[j, j], fixed_point,
                                int(penalty.kernel_code), penalty.kernel_params, weights[j])
        for j in range(6)
    )  # fmt: skip
    assert regression == expected > 0
