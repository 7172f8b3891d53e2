"""First fit in a fresh process: numba's compile (empty cache) and its cache load, per family.

Run with ``python benchmarks/bench_first_fit.py [--repeat N]``.

1. ``families``: import plus the first fit of each estimator family in a new
   Python process, with an empty ``NUMBA_CACHE_DIR`` (a new install: every
   kernel the fit reaches is compiled) and again with the cache that run wrote
   (every later process).  Against scikit-learn's first ``Lasso`` fit in a
   fresh process, and skglm's (whose kernels are compiled in every process).
2. ``floor``: what the compile time buys.  A minimal numba Lasso kernel,
   scikit-learn's algorithm (cyclic coordinate descent on a dense float64
   design, its duality-gap stop every 10 epochs, no working set, no
   extrapolation, no other penalty or layout), is compiled in a fresh process
   from an empty cache; then, warm, it and sparsestat's ``Lasso`` fit the same
   correlated 1000 × 5000 problem to the same duality gap (tol 1e-4 relative
   to ``||y||²``, scikit-learn's rule).

Every number is the best of ``--repeat`` runs (each cold run with its own empty
cache).  Writes ``benchmarks/results/bench_first_fit.json``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from _results import Results

DATA = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.standard_normal((200, 50)); y = X[:, :5].sum(axis=1) + rng.standard_normal(200)
"""

#: (family, estimator, the fit); each runs after DATA in a new process
FAMILIES = (
    (
        "regression",
        "Lasso",
        "from sparsestat.linear_model import Lasso\nLasso(alpha=0.1).fit(X, y)",
    ),
    (
        "regression",
        "MCPRegression",
        "from sparsestat.linear_model import MCPRegression\nMCPRegression(alpha=0.1).fit(X, y)",
    ),
    (
        "group",
        "GroupSparseRegression, group_l2",
        "from sparsestat.linear_model import GroupSparseRegression\n"
        "GroupSparseRegression(groups=5, penalty='group_l2', alpha=0.1).fit(X, y)",
    ),
    (
        "group",
        "GroupSparseRegression, wgsef",
        "from sparsestat.linear_model import GroupSparseRegression\n"
        "GroupSparseRegression(groups=5, penalty='wgsef', alpha=0.1).fit(X, y)",
    ),
    (
        "multitask",
        "MultiTaskLasso",
        "from sparsestat.linear_model import MultiTaskLasso\n"
        "MultiTaskLasso(alpha=0.1).fit(X, np.c_[y, y[::-1]])",
    ),
    (
        "decomposition",
        "sparse_encode, half",
        "from sparsestat.decomposition import sparse_encode\n"
        "sparse_encode(X[:50], rng.standard_normal((30, 50)), penalty='half', alpha=0.1)",
    ),
    (
        "dag",
        "CoLiDE",
        "from sparsestat.dag import CoLiDE\nCoLiDE(alpha=0.1).fit(X[:, :5])",
    ),
    (
        "penalties",
        "WGSEF.prox",
        "from sparsestat.penalties import WGSEF\n"
        "WGSEF(k=2, alpha=0.1, groups=np.repeat(np.arange(10), 5)).prox(X[0], 1.0)",
    ),
)

SKLEARN = "from sklearn.linear_model import Lasso\nLasso(alpha=0.1).fit(X, y)"
SKGLM = "from skglm import Lasso\nLasso(alpha=0.1).fit(X, y)"

TIMED = """
import time
start = time.perf_counter()
{data}
{body}
print(f"{{time.perf_counter() - start:.3f}}")
"""

PLAIN_CD = '''
import numpy as np
from numba import njit


@njit(cache=True)
def plain_cd(X, y, alpha, max_iter, tol):
    """Cyclic CD for the Lasso, X Fortran-ordered and centred, scikit-learn's gap stop."""
    n, p = X.shape
    w = np.zeros(p)
    r = y.copy()
    norms = np.empty(p)
    for j in range(p):
        norms[j] = X[:, j] @ X[:, j]
    tol_gap = tol * (y @ y)
    for it in range(max_iter):
        for j in range(p):
            if norms[j] == 0.0:
                continue
            old = w[j]
            z = old + (X[:, j] @ r) / norms[j]
            t = alpha * n / norms[j]
            new = np.sign(z) * max(abs(z) - t, 0.0)
            if new != old:
                w[j] = new
                r -= (new - old) * X[:, j]
        if it % 10 == 0:
            dual_norm = np.max(np.abs(X.T @ r))
            const = alpha * n / dual_norm if dual_norm > alpha * n else 1.0
            gap = (
                0.5 * (r @ r) * (1 + const * const)
                + alpha * n * np.sum(np.abs(w))
                - const * (r @ y)
            )
            if gap < tol_gap:
                break
    return w
'''

PLAIN_FIRST_FIT = """
import time
start = time.perf_counter()
{data}
from plain_cd import plain_cd
Xc = np.asfortranarray(X - X.mean(axis=0)); yc = y - y.mean()
plain_cd(Xc, yc, 0.1, 1000, 1e-4)
print(f"{{time.perf_counter() - start:.3f}}")
"""

WARM = """
import time, warnings
import numpy as np
warnings.simplefilter("ignore")
from plain_cd import plain_cd
from sparsestat.linear_model import Lasso
rng = np.random.default_rng(0)
n, p = 1000, 5000
Z = rng.standard_normal((n, p))
X = np.empty_like(Z); X[:, 0] = Z[:, 0]
for j in range(1, p):  # AR(1) features, correlation 0.5 between neighbours
    X[:, j] = 0.5 * X[:, j - 1] + np.sqrt(0.75) * Z[:, j]
coef = np.zeros(p); coef[rng.choice(p, 20, replace=False)] = rng.standard_normal(20)
y = X @ coef + 0.5 * rng.standard_normal(n)
Xc = np.asfortranarray(X - X.mean(axis=0)); yc = y - y.mean()
alpha_max = np.max(np.abs(Xc.T @ yc)) / n
for divisor in (5, 20, 100):
    alpha = alpha_max / divisor
    runs = {{"plain": [], "ours": []}}
    plain_cd(Xc, yc, alpha, 2, 1e-4); Lasso(alpha=alpha, tol=1e-4).fit(X, y)
    for _ in range({repeat}):
        start = time.perf_counter(); w_plain = plain_cd(Xc, yc, alpha, 100000, 1e-4)
        runs["plain"].append(time.perf_counter() - start)
        model = Lasso(alpha=alpha, tol=1e-4, max_iter=100000)
        start = time.perf_counter(); w_ours = model.fit(X, y).coef_
        runs["ours"].append(time.perf_counter() - start)
    objective = lambda w: 0.5 / n * np.sum((yc - Xc @ w) ** 2) + alpha * np.abs(w).sum()
    print(divisor, min(runs["plain"]), min(runs["ours"]), objective(w_plain), objective(w_ours))
"""


def run(code, env=None, cwd=None):
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, **(env or {})),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return done.stdout.strip()


def first_fits(body, repeat, cached=True):
    """Best cold and warm seconds of ``body`` in fresh processes (cold: empty cache)."""
    cold, warm = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as cache:
            env = {"NUMBA_CACHE_DIR": cache}
            cold.append(float(run(TIMED.format(data=DATA, body=body), env)))
            if cached:
                warm.append(float(run(TIMED.format(data=DATA, body=body), env)))
    return min(cold), (min(warm) if warm else None)


def families_table(results, repeat):
    print("\n1. import + first fit in a fresh process (200 x 50), seconds, best of", repeat)
    sklearn = min(float(run(TIMED.format(data=DATA, body=SKLEARN))) for _ in range(repeat))
    skglm, _ = first_fits(SKGLM, repeat, cached=False)
    rows = []
    for family, label, body in FAMILIES:
        cold, warm = first_fits(body, repeat)
        rows.append([family, label, cold, warm, cold / sklearn, warm / sklearn])
        print(
            f"  {label:<34} cold {cold:6.2f}  warm {warm:5.2f}  ({cold / sklearn:.1f}x, "
            f"{warm / sklearn:.2f}x scikit-learn's)",
            flush=True,
        )
        key = label.replace(", ", "_")
        results.value(f"cold/{key}", cold, ".1f")
        results.value(f"warm/{key}", warm, ".1f")
        results.value(f"cold_over_sklearn/{key}", cold / sklearn, ".1f")
        results.value(f"warm_over_sklearn/{key}", warm / sklearn, ".2f")
    print(
        f"  scikit-learn Lasso {sklearn:.2f}; skglm Lasso (compiles in every process) {skglm:.2f}"
    )
    rows.append(["(anchor)", "scikit-learn Lasso", sklearn, sklearn, 1.0, 1.0])
    rows.append(["(anchor)", "skglm Lasso, every process", skglm, None, skglm / sklearn, None])
    results.value("sklearn", sklearn, ".2f")
    results.value("skglm", skglm, ".1f")
    results.table(
        "families",
        [
            "family",
            "first fit",
            "empty cache (s)",
            "cached (s)",
            "empty / sklearn",
            "cached / sklearn",
        ],
        rows,
        title="Import and first fit in a fresh process (200 × 50)",
        formats=["", "", ".2f", ".2f", ".1f", ".2f"],
        note="empty cache: a new install compiles the kernels the fit reaches; "
        "cached: every later process",
    )


def floor_table(results, repeat):
    print("\n2. a minimal numba Lasso kernel (scikit-learn's algorithm)")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "plain_cd.py").write_text(textwrap.dedent(PLAIN_CD))
        cold = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as cache:
                env = {"NUMBA_CACHE_DIR": cache, "PYTHONPATH": folder}
                cold.append(float(run(PLAIN_FIRST_FIT.format(data=DATA), env, cwd=folder)))
        lasso_cold = results.values["cold/Lasso"]["value"]
        print(
            f"  import + compile + first fit, empty cache: {min(cold):.2f} s "
            f"(sparsestat's Lasso: {lasso_cold:.2f} s)"
        )
        results.value("plain_cold", min(cold), ".1f")
        env = {"PYTHONPATH": folder}
        lines = run(WARM.format(repeat=repeat), env, cwd=folder).splitlines()
    rows = []
    for line in lines:
        divisor, plain, ours, plain_objective, our_objective = line.split()
        plain, ours = float(plain), float(ours)
        gap = (float(plain_objective) - float(our_objective)) / float(our_objective)
        rows.append([f"alpha_max / {divisor}", plain, ours, plain / ours, gap])
        print(
            f"  alpha_max/{divisor:<4} plain {plain:.3f} s  sparsestat {ours:.3f} s  "
            f"({plain / ours:.1f}x)  objective difference {gap:.1e}"
        )
        results.value(f"plain_over_ours/{divisor}", plain / ours, ".1f")
    results.table(
        "floor",
        [
            "alpha",
            "plain CD (s)",
            "sparsestat Lasso (s)",
            "plain / sparsestat",
            "objective, plain − ours (relative)",
        ],
        rows,
        title="Warm fits, correlated 1000 × 5000 design, duality gap 1e-4·‖y‖²",
        formats=["", ".3f", ".3f", ".1f", ".1e"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = Results("bench_first_fit")
    families_table(results, args.repeat)
    floor_table(results, args.repeat)
    results.save()


if __name__ == "__main__":
    main()
