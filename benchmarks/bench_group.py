"""Group sparsity: sparsestat's group lasso against celer and skglm; WGSEF at scale.

Run with ``python benchmarks/bench_group.py [--quick]`` (the ``bench`` extra).

1. Group lasso, time to relative suboptimality 1e-6 (tol sweep, best of 3, the
   same procedure as ``bench_regression.py``), ``fit_intercept=False``, unit
   group weights, contiguous groups of 5.
2. WGSEF on p = 1e5 features in 1e4 groups: FISTA time per iteration as a
   multiple of one gradient evaluation (two matrix-vector products, the floor
   of any first-order method), and of one numba prox.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _results import Results
from bench_regression import time_to_target

from sparsestat.datasets import make_sparse_regression
from sparsestat.linear_model import GroupSparseRegression
from sparsestat.penalties import WGSEF, GroupL2

GROUP_SIZE = 5


def group_lasso_objective(X, y, w, alpha):
    r = y - X @ w
    groups = np.arange(X.shape[1]) // GROUP_SIZE
    return 0.5 * float(r @ r) / X.shape[0] + GroupL2(alpha, groups=groups).value(w)


def fitters():
    result = {
        "sparsestat": lambda X, y, a, tol: (
            GroupSparseRegression(
                groups=GROUP_SIZE,
                penalty="group_l2",
                alpha=a,
                tol=tol,
                max_iter=1_000_000,
                fit_intercept=False,
            )
            .fit(X, y)
            .coef_
        ),
    }
    try:
        from celer import GroupLasso as CelerGroupLasso

        result["celer"] = lambda X, y, a, tol: (
            CelerGroupLasso(
                groups=GROUP_SIZE, alpha=a, tol=tol, max_iter=1000, fit_intercept=False
            )
            .fit(X, y)
            .coef_
        )
    except ImportError:
        pass
    try:
        from skglm import GroupLasso as SkglmGroupLasso

        result["skglm"] = lambda X, y, a, tol: (
            SkglmGroupLasso(
                groups=GROUP_SIZE, alpha=a, tol=tol, max_iter=1000, fit_intercept=False
            )
            .fit(X, y)
            .coef_
        )
    except ImportError:
        pass
    return result


def group_lasso_table(quick, repeat, results):
    print("1. Group lasso, groups of 5, time to relative suboptimality 1e-6 (seconds)")
    header = f"{'case':<26}{'library':<12}{'time s':>9}{'tol':>9}{'x ours':>9}{'subopt':>11}"
    print(header)
    print("-" * len(header))
    scale = 10 if quick else 1
    ratios, table = [], []
    for n, p, divisor in ((1000, 5000, 10), (1000, 5000, 50), (500, 20000, 20)):
        n, p = n // scale, p // scale
        X, y, _ = make_sparse_regression(
            n, p, 20, group_size=GROUP_SIZE, rho=0.5, snr=5.0, random_state=0
        )
        groups = np.arange(p) // GROUP_SIZE
        grad = -X.T @ y / n
        alpha = GroupL2(1.0, groups=groups).alpha_max(grad) / divisor
        libraries = fitters()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fit in libraries.values():  # compile
                fit(X[:40], y[:40], alpha, 1e-3)
            best = min(
                group_lasso_objective(X, y, fit(X, y, alpha, 1e-12), alpha)
                for fit in libraries.values()
            )
        rows = []
        for name, fit in libraries.items():
            seconds, tol, value = time_to_target(
                fit, group_lasso_objective, X, y, alpha, best, repeat
            )
            rows.append((name, seconds, tol, value))
        ours = rows[0][1]
        label = f"{n}x{p} alpha_max/{divisor}"
        for name, seconds, tol, value in rows:
            print(
                f"{label:<26}{name:<12}{seconds:>9.3f}{tol:>9.0e}{seconds / ours:>9.2f}"
                f"{(value - best) / best:>11.1e}"
            )
        anchors = [row[1] for row in rows[1:] if np.isfinite(row[1])]
        ratio = ours / min(anchors) if anchors else None
        if anchors:
            ratios.append(ratio)
        table.append([label, *[row[1] for row in rows], ratio])
    names = [row[0] for row in rows]
    results.table(
        "group_lasso",
        ["case", *[f"{name} (s)" for name in names], "ratio"],
        table,
        title="Group lasso, groups of 5: seconds to suboptimality 1e-6",
        formats=["", *[".3f"] * len(names), ".2f"],
        note="ratio: sparsestat's time over the fastest other library's.",
    )
    if ratios:
        results.value("worst_ratio", max(ratios), ".2f")
        results.value("slower_cases", sum(r > 1 for r in ratios), "d")
        print(f"sparsestat / fastest anchor: {', '.join(f'{r:.2f}' for r in ratios)}")


def wgsef_table(quick, results):
    n, p, n_groups = (200, 10_000, 1_000) if quick else (500, 100_000, 10_000)
    print(f"\n2. WGSEF on {n} x {p} dense, {n_groups} groups of {p // n_groups}, k = 50")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    w_true = np.zeros(p)
    w_true[: 50 * (p // n_groups)] = rng.standard_normal(50 * (p // n_groups))
    y = X @ w_true + 0.1 * rng.standard_normal(n)
    groups = np.arange(p) // (p // n_groups)
    w = rng.standard_normal(p)

    def best_of(func, repeat=5):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        return min(times)

    gradient = best_of(lambda: X.T @ (X @ w - y) / n)
    pen = WGSEF(k=50, alpha=1.0, groups=groups)
    pen.prox_numba(w, 0.1)
    prox = best_of(lambda: pen.prox_numba(w, 0.1, check_input=False))
    timings = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for max_iter in (1, 201):
            model = GroupSparseRegression(
                groups=groups, k=50, alpha=1.0, tol=1e-12, max_iter=max_iter
            )
            start = time.perf_counter()
            model.fit(X, y)
            timings[max_iter] = time.perf_counter() - start
    setup = timings[1]
    per_iteration = (timings[201] - timings[1]) / 200
    print(f"  one gradient (X @ w, X.T @ r): {1e3 * gradient:8.2f} ms")
    print(
        f"  one WGSEF prox (numba):        {1e3 * prox:8.2f} ms ({prox / gradient:.2f} x gradient)"
    )
    print(
        f"  FISTA: setup (validation, means, Lipschitz by power iteration) {setup:.2f} s; "
        f"{1e3 * per_iteration:.2f} ms per iteration = {per_iteration / gradient:.2f} x one "
        f"gradient (the duality gap every 10 iterations included); "
        f"{model.n_active_groups_} groups kept after 201 iterations"
    )
    results.table(
        "wgsef",
        ["step", "time (ms)", "× one gradient"],
        [
            ["one gradient (X w and Xᵀ r)", 1e3 * gradient, 1.0],
            ["one WGSEF prox (numba)", 1e3 * prox, prox / gradient],
            [
                "one FISTA iteration (duality gap every 10 included)",
                1e3 * per_iteration,
                per_iteration / gradient,
            ],
            ["setup (validation, means, Lipschitz constant)", 1e3 * setup, setup / gradient],
        ],
        title=f"WGSEF on a dense {n} × {p} problem, {n_groups} groups of {p // n_groups}, k = 50",
        formats=["", ".2f", ".2f"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = Results("bench_group_quick" if args.quick else "bench_group")
    group_lasso_table(args.quick, args.repeat, results)
    wgsef_table(args.quick, results)
    results.save()


if __name__ == "__main__":
    main()
