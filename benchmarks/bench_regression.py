"""Sparse regression: sparsestat against scikit-learn, skglm and celer, in one process.

Run with ``make bench`` (installs the ``bench`` extra) or
``python benchmarks/bench_regression.py [--quick] [--cases NAME ...]``.

For every case and library the solver is run with a decreasing sequence of
tolerances (each library's own notion of tol) until its objective is within a
relative suboptimality of 1e-6 of the reference objective (the best objective
any library reaches at its tightest tolerance); the time of that first
successful run is reported ("time to 1e-6"), best of a few repetitions.  All
fits use ``fit_intercept=False`` so the objectives are the same function.
Compile time is excluded by a warm-up fit (numba is used by sparsestat and
skglm).  Then peak memory of one fit per library (a fresh process each,
``ru_maxrss`` increase) on the dense and the sparse case.  The first fit in a
fresh process (numba's compile) is ``bench_first_fit.py``'s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from _results import Results

from sparsestat.datasets import make_sparse_regression
from sparsestat.linear_model import Lasso, MCPRegression
from sparsestat.penalties import MCP

TOLS = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]
TARGET = 1e-6


# --------------------------------------------------------------------------- #
# data
# --------------------------------------------------------------------------- #
def make_case(name, rng_seed=0, quick=False):
    scale = 10 if quick else 1
    if name.startswith("ar1"):
        X, y, _ = make_sparse_regression(
            1000 // scale, 5000 // scale, 50, rho=0.6, snr=5.0, random_state=rng_seed
        )
        divisor = float(name.split("/")[1])
    elif name == "wide":
        X, y, _ = make_sparse_regression(
            500 // scale, 20000 // scale, 50, rho=0.6, snr=5.0, random_state=rng_seed
        )
        divisor = 20.0
    elif name == "sparse":
        rng = np.random.default_rng(rng_seed)
        n, p = 10_000 // scale, 100_000 // scale
        X = sp.random(n, p, density=1e-3, format="csc", random_state=rng_seed)
        X.data = rng.standard_normal(X.data.size)
        w = np.zeros(p)
        w[rng.choice(p, 100, replace=False)] = rng.standard_normal(100)
        y = X @ w + 0.1 * rng.standard_normal(n)
        divisor = 10.0
    elif name == "tall":
        X, y, _ = make_sparse_regression(
            100_000 // scale, 100, 10, rho=0.6, snr=5.0, random_state=rng_seed
        )
        divisor = 20.0
    else:
        raise ValueError(name)
    alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    return X, y, alpha_max / divisor


# --------------------------------------------------------------------------- #
# libraries
# --------------------------------------------------------------------------- #
def lasso_objective(X, y, w, alpha):
    r = y - X @ w
    return 0.5 * float(r @ r) / X.shape[0] + alpha * float(np.abs(w).sum())


def mcp_objective(X, y, w, alpha, gamma=3.0):
    r = y - X @ w
    return 0.5 * float(r @ r) / X.shape[0] + MCP(alpha, gamma).value(w)


def lasso_fitters():
    fitters = {
        "sparsestat": lambda X, y, a, tol: (
            Lasso(alpha=a, tol=tol, max_iter=1_000_000, fit_intercept=False).fit(X, y).coef_
        ),
    }
    try:
        from sklearn.linear_model import Lasso as SkLasso

        fitters["scikit-learn"] = lambda X, y, a, tol: (
            SkLasso(alpha=a, tol=tol, max_iter=1_000_000, fit_intercept=False).fit(X, y).coef_
        )
    except ImportError:  # pragma: no cover
        pass
    try:
        from skglm import Lasso as SkglmLasso

        fitters["skglm"] = lambda X, y, a, tol: (
            SkglmLasso(alpha=a, tol=tol, max_iter=1000, fit_intercept=False).fit(X, y).coef_
        )
    except ImportError:
        pass
    try:
        from celer import Lasso as CelerLasso

        fitters["celer"] = lambda X, y, a, tol: (
            CelerLasso(alpha=a, tol=tol, max_iter=1000, fit_intercept=False).fit(X, y).coef_
        )
    except ImportError:
        pass
    return fitters


def mcp_fitters():
    fitters = {
        "sparsestat": lambda X, y, a, tol: (
            MCPRegression(alpha=a, gamma=3.0, tol=tol, max_iter=1_000_000, fit_intercept=False)
            .fit(X, y)
            .coef_
        ),
    }
    try:
        from skglm import MCPRegression as SkglmMCP

        fitters["skglm"] = lambda X, y, a, tol: (
            SkglmMCP(alpha=a, gamma=3.0, tol=tol, max_iter=1000, fit_intercept=False)
            .fit(X, y)
            .coef_
        )
    except ImportError:
        pass
    return fitters


# --------------------------------------------------------------------------- #
# timing
# --------------------------------------------------------------------------- #
def time_to_target(fit, objective, X, y, alpha, reference, repeat):
    """Smallest time over ``repeat`` runs at the loosest tol reaching the target.

    ``reference=None`` (nonconvex problems) uses the lowest objective this
    library reaches at any tolerance of the sweep: a looser tol can stop in a
    different local minimum, so "its own limit point" is the best of them.
    """
    if reference is None:
        values = []
        for tol in TOLS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values.append(objective(X, y, fit(X, y, alpha, tol), alpha))
        reference = min(values)
    for tol in TOLS:
        best = np.inf
        value = np.nan
        for _ in range(repeat):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                coef = fit(X, y, alpha, tol)
            best = min(best, time.perf_counter() - start)
            value = objective(X, y, coef, alpha)
        if (value - reference) / abs(reference) <= TARGET:
            return best, tol, value
    return np.nan, np.nan, value


def run_case(name, model, quick, repeat):
    X, y, alpha = make_case(name, quick=quick)
    fitters = lasso_fitters() if model == "lasso" else mcp_fitters()
    objective = lasso_objective if model == "lasso" else mcp_objective
    small = X[:50] if not sp.issparse(X) else X[:50].tocsc()
    for fit in fitters.values():  # warm-up: numba compilation is not timed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(small, y[:50], alpha, 1e-4)
    tight = {}
    for library, fit in fitters.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tight[library] = objective(X, y, fit(X, y, alpha, 1e-12), alpha)
    best = min(tight.values())
    rows = []
    for library, fit in fitters.items():
        # convex: one optimum, the best objective anyone reaches is the reference.
        # nonconvex: libraries stop at different local minima; each is timed to
        # its own limit point and the last column shows how good that point is.
        reference = best if model == "lasso" else None
        seconds, tol, value = time_to_target(fit, objective, X, y, alpha, reference, repeat)
        rows.append((library, seconds, tol, value))
    reference = best
    ours = rows[0][1]
    anchors = [seconds for library, seconds, _, _ in rows[1:] if np.isfinite(seconds)]
    fastest_anchor = min(anchors) if anchors else np.nan
    shape = f"{X.shape[0]}x{X.shape[1]}{' sparse' if sp.issparse(X) else ''}"
    for library, seconds, tol, value in rows:
        print(
            f"{model:<6}{name:<10}{shape:<22}{library:<13}{seconds:>9.3f}{tol:>9.0e}"
            f"{seconds / ours:>9.2f}{(value - reference) / abs(reference):>11.1e}"
        )
    ratio = ours / fastest_anchor if np.isfinite(fastest_anchor) else np.nan
    return ratio, shape, rows, reference


# --------------------------------------------------------------------------- #
# memory
# --------------------------------------------------------------------------- #
MEMORY_SNIPPET = """
import sys, warnings
import numpy as np
sys.path.insert(0, {bench_dir!r})
from bench_regression import make_case, lasso_fitters


def status(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key):
                return float(line.split()[1]) * 1024


X, y, alpha = make_case({case!r}, quick={quick!r})
fit = lasso_fitters()[{library!r}]
warnings.simplefilter("ignore")
fit(X[:50] if not hasattr(X, "tocsc") else X[:50].tocsc(), y[:50], alpha, 1e-4)
with open("/proc/self/clear_refs", "w") as handle:  # reset the peak (VmHWM) to now
    handle.write("5")
before = status("VmRSS")
fit(X, y, alpha, 1e-6)
peak = status("VmHWM")
size = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes if hasattr(X, "tocsc") else X.nbytes
print(peak - before, size)
"""


def memory_table(quick, results):
    print("\nPeak memory of one Lasso fit (rise of peak RSS over the RSS before the fit)")
    print(f"{'case':<10}{'library':<14}{'peak MB':>10}{'X MB':>8}{'peak/X':>8}")
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    rows = []
    for case in ("ar1/20", "sparse"):
        for library in lasso_fitters():
            code = MEMORY_SNIPPET.format(
                bench_dir=bench_dir, case=case, quick=quick, library=library
            )
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=False
            )
            if out.returncode != 0:
                print(f"{case:<10}{library:<14}  failed: {out.stderr.strip().splitlines()[-1]}")
                rows.append([case, library, None, None, None])
                continue
            peak, size = (float(v) for v in out.stdout.split())
            print(
                f"{case:<10}{library:<14}{peak / 1e6:>10.1f}{size / 1e6:>8.1f}{peak / size:>8.2f}"
            )
            rows.append([case, library, peak / 1e6, size / 1e6, peak / size])
    results.table(
        "memory",
        ["case", "library", "peak rise (MB)", "X (MB)", "peak / X"],
        rows,
        title="Peak memory of one Lasso fit (rise of peak RSS, fresh process)",
        formats=["", "", ".1f", ".1f", ".2f"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller problems")
    parser.add_argument("--cases", nargs="*", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--models", nargs="*", default=["lasso", "mcp"])
    args = parser.parse_args()
    cases = args.cases or ["ar1/5", "ar1/20", "ar1/100", "wide", "sparse", "tall"]
    print(
        f"time to relative suboptimality {TARGET:g} (MCP: of the best point each library"
        " reaches over its tol sweep);"
        " 'x ours' = time / sparsestat's time; 'subopt' = (objective − best)/best"
    )
    print(
        f"{'model':<6}{'case':<10}{'shape':<22}{'library':<13}{'time s':>9}{'tol':>9}"
        f"{'x ours':>9}{'subopt':>11}"
    )
    results = Results("bench_regression_quick" if args.quick else "bench_regression")
    ratios = {}
    for model in args.models:
        table = []
        for case in cases:
            ratio, shape, rows, reference = run_case(case, model, args.quick, args.repeat)
            ratios[(model, case)] = ratio
            subopt = (rows[0][3] - reference) / abs(reference)
            table.append([case, shape, *[row[1] for row in rows], ratio, subopt])
        libraries = [row[0] for row in rows]
        results.table(
            model,
            [
                "case",
                "shape",
                *[f"{name} (s)" for name in libraries],
                "ratio",
                "sparsestat subopt",
            ],
            table,
            title=f"{'Lasso' if model == 'lasso' else 'MCP'}: seconds to suboptimality {TARGET:g}",
            formats=["", "", *[".3f"] * len(libraries), ".2f", ".1e"],
            note="ratio: sparsestat's time over the fastest other library's."
            + (
                " Each library is timed to the best point of its own tolerance sweep (local"
                " minima differ); sparsestat subopt: how far above the best objective any"
                " library reached sparsestat's point is."
                if model == "mcp"
                else ""
            ),
        )
        model_ratios = [r for (m, _), r in ratios.items() if m == model and np.isfinite(r)]
        if model_ratios:
            results.value(f"{model}_median_ratio", float(np.median(model_ratios)), ".2f")
            results.value(f"{model}_worst_ratio", float(np.max(model_ratios)), ".2f")
            results.value(f"{model}_slower_cases", sum(r > 1 for r in model_ratios), "d")
    print("\nsparsestat time / fastest anchor's time (< 1: sparsestat is faster)")
    for (model, case), ratio in ratios.items():
        print(f"  {model:<6}{case:<10}{ratio:>6.2f}")
    finite = [r for r in ratios.values() if np.isfinite(r)]
    if finite:
        print(f"  median {np.median(finite):.2f}, worst {np.max(finite):.2f}")
    if not args.skip_memory:
        memory_table(args.quick, results)
    results.save()


if __name__ == "__main__":
    main()
