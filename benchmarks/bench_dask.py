"""Rows beyond memory: Lasso from dask sufficient statistics against in-memory fits.

Run with ``python benchmarks/bench_dask.py [--quick]`` (needs the ``dask`` extra).

1. ``--rows`` rows × ``--features`` features (default 10⁷ × 200, 16 GB in float64)
   are generated lazily by ``dask.array`` on a ``LocalCluster`` of ``--workers``
   single-threaded processes; :func:`sparsestat.sufficient_statistics` reduces
   them chunk by chunk and ``Lasso.fit_from_statistics`` solves on the p × p
   moments.  Reported: time to the statistics (generation included, and the
   generation alone for reference), time to the fit, and throughput in rows per
   second per core.
2. On the first ``--memory-rows`` rows (materialised in memory), scikit-learn's
   ``Lasso`` (coordinate descent on X, and ``precompute=True``) against
   sparsestat's ``Lasso.fit`` (Gram solver chosen automatically) and the fit
   from in-memory statistics: times (best of 2), time ratios and objective values
   ``||y − Xw − b||²/(2n) + alpha·||w||₁``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _results import Results

from sparsestat import sufficient_statistics
from sparsestat.linear_model import Lasso


def lazy_problem(n_rows, n_features, chunk_rows, seed=0):
    """Correlated design (x_j = z_j + 0.5 z_{j−1} + 1), 10 active features, intercept 3."""
    import dask.array as da

    state = da.random.RandomState(seed)
    Z = state.standard_normal((n_rows, n_features), chunks=(chunk_rows, n_features))
    X = da.concatenate([Z[:, :1], Z[:, 1:] + 0.5 * Z[:, :-1]], axis=1) + 1.0
    coef = np.zeros(n_features)
    coef[np.linspace(0, n_features - 1, 10).astype(int)] = np.linspace(-2.0, 2.0, 10)
    y = X @ coef + 3.0 + state.standard_normal(n_rows, chunks=chunk_rows)
    return X, y, coef


def objective(X, y, coef, intercept, alpha):
    residual = y - X @ coef - intercept
    return 0.5 * float(residual @ residual) / X.shape[0] + alpha * float(np.abs(coef).sum())


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=200)
    parser.add_argument("--chunk-rows", type=int, default=200_000)
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--alpha", type=float, default=0.01)
    parser.add_argument("--quick", action="store_true", help="10⁶ rows, 2·10⁵ in memory")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.memory_rows = 1_000_000, 200_000
    import distributed
    from sklearn.linear_model import Lasso as SkLasso

    cluster = distributed.LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    n, p = args.rows, args.features
    print(
        f"{n:,} rows × {p} features ({n * p * 8 / 2**30:.1f} GiB float64), chunks of "
        f"{args.chunk_rows:,} rows, {args.workers} worker processes × 1 thread, "
        f"{os.cpu_count()} cores on the machine"
    )
    X, y, coef = lazy_problem(n, p, args.chunk_rows)
    warm_X, warm_y, _ = lazy_problem(2000, p, 1000, seed=1)  # numba caches, worker imports
    Lasso(alpha=args.alpha).fit(warm_X, warm_y)
    Lasso(alpha=args.alpha).fit(warm_X.compute(), warm_y.compute())
    _, generation = timed(lambda: (X.sum() + y.sum()).compute())
    statistics, to_statistics = timed(lambda: sufficient_statistics(X, y))
    model, to_fit = timed(
        lambda: Lasso(alpha=args.alpha, tol=1e-8).fit_from_statistics(statistics)
    )
    cores = args.workers
    print("\n| step | time s | rows / s / core |")
    print("|---|---|---|")
    print(f"| generate only (dask) | {generation:.1f} | {n / generation / cores:,.0f} |")
    print(f"| generate + statistics | {to_statistics:.1f} | {n / to_statistics / cores:,.0f} |")
    print(f"| Lasso.fit_from_statistics | {to_fit:.3f} | – |")
    error = np.abs(model.coef_ - coef).max()
    print(f"\nmax |coef − truth| = {error:.2e}, intercept {model.intercept_:.4f} (truth 3)")
    results = Results("bench_dask_quick" if args.quick else "bench_dask")
    results.table(
        "beyond_memory",
        ["step", "time (s)", "rows / s / core"],
        [
            ["generating the rows alone (reference)", generation, n / generation / cores],
            ["generating + sufficient_statistics", to_statistics, n / to_statistics / cores],
            ["Lasso.fit_from_statistics", to_fit, None],
        ],
        title=f"{n:,} rows × {p} features ({n * p * 8 / 2**30:.1f} GiB), {cores} worker processes",
        formats=["", ".3g", ",.0f"],
    )
    results.value("coef_error", error, ".1e")
    results.value("intercept", model.intercept_, ".4f")
    results.value("statistics_over_generation", generation / to_statistics, ".2f")

    m = min(args.memory_rows, n)
    X_m = X[:m].compute()
    y_m = y[:m].compute()
    print(f"\nIn memory: first {m:,} rows ({X_m.nbytes / 2**30:.2f} GiB), alpha = {args.alpha}")
    rows = {}
    fits = {
        "sparsestat Lasso.fit (gram)": lambda: Lasso(alpha=args.alpha, tol=1e-8).fit(X_m, y_m),
        "sparsestat statistics in memory + fit": lambda: Lasso(
            alpha=args.alpha, tol=1e-8
        ).fit_from_statistics(sufficient_statistics(X_m, y_m)),
        "scikit-learn Lasso (cd on X)": lambda: SkLasso(alpha=args.alpha, tol=1e-8).fit(X_m, y_m),
        "scikit-learn Lasso precompute=True": lambda: SkLasso(
            alpha=args.alpha, tol=1e-8, precompute=True
        ).fit(X_m, y_m),
    }
    for name, fit in fits.items():  # best of 2 (the first call also pays page faults)
        fitted, seconds = timed(fit)
        seconds = min(seconds, timed(fit)[1])
        rows[name] = (seconds, objective(X_m, y_m, fitted.coef_, fitted.intercept_, args.alpha))
    reference = rows["sparsestat Lasso.fit (gram)"][0]
    best = min(value for _, value in rows.values())
    print("\n| method | time s | × sparsestat | objective − best |")
    print("|---|---|---|---|")
    for name, (seconds, value) in rows.items():
        print(f"| {name} | {seconds:.2f} | {seconds / reference:.2f} | {value - best:.1e} |")
    results.table(
        "in_memory",
        ["method", "time (s)", "× sparsestat", "objective − best"],
        [[name, s, s / reference, value - best] for name, (s, value) in rows.items()],
        title=f"First {m:,} rows in memory, alpha = {args.alpha}",
        formats=["", ".2f", ".2f", ".1e"],
    )
    results.value("objective_spread", max(v for _, v in rows.values()) - best, ".0e")
    results.save()
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
