"""Multitask Lasso: sparsestat against scikit-learn (and skglm), in one process.

Run with ``python benchmarks/bench_multitask.py [--quick]`` (the ``bench`` extra).
Time to relative suboptimality 1e-6 by a tol sweep (best of 3), as in
``bench_regression.py``; ``fit_intercept=False``; the objective is
``||Y − X Wᵀ||_F²/(2n) + alpha·Σ_j ||W_:,j||``.  Target: at most 0.5× scikit-learn.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _results import Results
from bench_regression import time_to_target

from sparsestat.linear_model import MultiTaskLasso


def objective(X, Y, coef, alpha):
    residual = Y - X @ coef.T
    return 0.5 * float(np.sum(residual**2)) / X.shape[0] + alpha * float(
        np.linalg.norm(coef, axis=0).sum()
    )


def make_case(n, p, n_tasks, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):  # AR(1) correlation 0.5 between neighbouring features
        X[:, j] = 0.5 * X[:, j - 1] + np.sqrt(0.75) * X[:, j]
    W = np.zeros((p, n_tasks))
    support = rng.choice(p, 20, replace=False)
    W[support] = rng.standard_normal((20, n_tasks))
    Y = X @ W + rng.standard_normal((n, n_tasks))
    return X, Y


def fitters():
    result = {
        "sparsestat": lambda X, Y, a, tol: (
            MultiTaskLasso(alpha=a, tol=tol, max_iter=1_000_000, fit_intercept=False)
            .fit(X, Y)
            .coef_
        ),
    }
    from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso

    result["scikit-learn"] = lambda X, Y, a, tol: (
        SkMultiTaskLasso(alpha=a, tol=tol, max_iter=1_000_000, fit_intercept=False).fit(X, Y).coef_
    )
    try:
        from skglm import MultiTaskLasso as SkglmMultiTaskLasso

        result["skglm"] = lambda X, Y, a, tol: (
            SkglmMultiTaskLasso(alpha=a, tol=tol, max_iter=1000, fit_intercept=False)
            .fit(X, Y)
            .coef_
        )
    except ImportError:
        pass
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scale = 5 if args.quick else 1
    cases = [
        (500 // scale, 2000 // scale, 20, 5),
        (500 // scale, 2000 // scale, 20, 20),
        (200 // scale, 10000 // scale, 20, 10),
    ]
    print("time to relative suboptimality 1e-6 (seconds); 'x ours' = time / sparsestat")
    header = f"{'case':<30}{'library':<14}{'time s':>9}{'tol':>9}{'x ours':>9}{'subopt':>11}"
    print(header)
    print("-" * len(header))
    ratios, table = [], []
    libraries = fitters()
    for n, p, n_tasks, divisor in cases:
        X, Y = make_case(n, p, n_tasks)
        alpha = np.linalg.norm(X.T @ Y, axis=1).max() / n / divisor
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fit in libraries.values():
                fit(X[:30], Y[:30], alpha, 1e-3)
            best = min(
                objective(X, Y, fit(X, Y, alpha, 1e-12), alpha) for fit in libraries.values()
            )
        rows = []
        for name, fit in libraries.items():
            seconds, tol, value = time_to_target(fit, objective, X, Y, alpha, best, args.repeat)
            rows.append((name, seconds, tol, value))
        label = f"{n}x{p}, T={n_tasks}, alpha_max/{divisor}"
        ours = rows[0][1]
        for name, seconds, tol, value in rows:
            print(
                f"{label:<30}{name:<14}{seconds:>9.3f}{tol:>9.0e}{seconds / ours:>9.2f}"
                f"{(value - best) / best:>11.1e}"
            )
        ratios.append(ours / rows[1][1])
        table.append([label, *[row[1] for row in rows], ratios[-1]])
    print("sparsestat / scikit-learn: " + ", ".join(f"{r:.2f}" for r in ratios))
    results = Results("bench_multitask_quick" if args.quick else "bench_multitask")
    names = list(libraries)
    results.table(
        "multitask_lasso",
        ["case", *[f"{name} (s)" for name in names], "ratio to scikit-learn"],
        table,
        title="Multitask Lasso: seconds to suboptimality 1e-6",
        formats=["", *[".3f"] * len(names), ".2f"],
    )
    results.value("worst_ratio", max(ratios), ".2f")
    results.save()


if __name__ == "__main__":
    main()
