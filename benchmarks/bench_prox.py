"""Proximal operators: sparsestat against skglm and pyproximal, in one process.

Run with ``make bench`` (installs the ``bench`` extra) or
``python benchmarks/bench_prox.py [--n 10000000] [--quick]``.

Prints three tables:

1. throughput of every separable prox on ``n`` entries (float64): sparsestat's
   array-API ``prox`` (numpy) and its numba kernel, skglm's numba prox
   functions (looped in numba, as skglm's solvers use them) and pyproximal's
   operators; time relative to sparsestat's numba kernel, and the largest
   difference from sparsestat's result;
2. the WGSEF prox on m = 1e4 ... 1e7 groups (4 variables each): time of
   ``prox_numba``, time of just computing the group norms (the floor), their
   ratio, the public ``prox`` on the numpy array (the same kernel, which also
   validates the input), and the fitted slope of log(time) against log(m)
   (1 means linear);
3. first-call compile time of the numba kernels in a fresh process, with an
   empty numba cache and with the cache that ``cache=True`` leaves behind.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from _results import Results
from numba import njit

from sparsestat.penalties import CEL0, L0, L1, L21, MCP, SCAD, WGSEF, GroupL2, Lq, _kernels

NOTES = []  # anomalies of this run, printed under the table


def best_time(func, repeat=3):
    best = np.inf
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


# --------------------------------------------------------------------------- #
# anchors
# --------------------------------------------------------------------------- #
def skglm_anchors(step, alpha):
    """Element-wise loops around skglm's scalar prox functions (None if absent)."""
    try:
        from skglm.utils import prox_funcs as sk
    except ImportError:
        return {}

    @njit
    def loop_st(x, tau):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = sk.ST(x[i], tau)
        return out

    @njit
    def loop_half(x, tau):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = sk.prox_05(x[i], tau)
        return out

    @njit
    def loop_two_thirds(x, tau):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = sk.prox_2_3(x[i], tau)
        return out

    @njit
    def loop_mcp(x, step, alpha, gamma):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = sk.prox_MCP(x[i], step, alpha, gamma)
        return out

    @njit
    def loop_scad(x, step, alpha, gamma):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = sk.prox_SCAD(x[i], step, alpha, gamma)
        return out

    mu = step * alpha
    return {
        "L1": lambda x: loop_st(x, mu),
        "Lq q=1/2": lambda x: loop_half(x, mu),
        "Lq q=2/3": lambda x: loop_two_thirds(x, mu),
        "MCP": lambda x: loop_mcp(x, step, alpha, 3.0),
        "SCAD": lambda x: loop_scad(x, step, alpha, 3.7),
    }


def pyproximal_anchors(step, alpha):
    try:
        import pyproximal
    except ImportError:
        return {}
    return {
        "L1": lambda x: pyproximal.L1(sigma=alpha).prox(x, step),
        # pyproximal's L0 zeroes |x| <= tau·sigma (sigma is the threshold, not the
        # price of a non-zero): sigma = sqrt(2·step·alpha)/step gives the same prox
        "L0": lambda x: pyproximal.L0(sigma=np.sqrt(2 * step * alpha) / step).prox(x, step),
        "SCAD": lambda x: pyproximal.SCAD(sigma=alpha, a=3.7).prox(x, step),
    }


# --------------------------------------------------------------------------- #
# tables
# --------------------------------------------------------------------------- #
def separable_table(n, rng):
    step, alpha = 0.7, 1.0
    x = rng.standard_normal(n) * 2.0
    penalties = {
        "L1": L1(alpha),
        "L0": L0(alpha),
        "Lq q=1/2": Lq(alpha, q=0.5),
        "Lq q=2/3": Lq(alpha, q=2.0 / 3.0),
        "Lq q=0.3": Lq(alpha, q=0.3),
        "CEL0": CEL0(alpha, column_norms=np.full(n, 0.9)),
        "MCP": MCP(alpha, gamma=3.0),
        "SCAD": SCAD(alpha, gamma=3.7),
    }
    anchors = {"skglm": skglm_anchors(step, alpha), "pyproximal": pyproximal_anchors(step, alpha)}
    print(f"\n1. Separable proxes on n = {n:.0e} entries (float64), step={step}, alpha={alpha}")
    header = (
        f"{'penalty':<10}{'implementation':<24}{'time ms':>10}{'Mentries/s':>12}"
        f"{'x numba':>9}{'max |diff|':>12}"
    )
    print(header)
    print("-" * len(header))
    records = []
    for name, pen in penalties.items():
        pen.prox_numba(x, step)  # compile
        numba_time, reference = best_time(lambda pen=pen: pen.prox_numba(x, step))
        rows = [("sparsestat numba", numba_time, reference)]
        array_time, array_result = best_time(lambda pen=pen: pen.prox(x, step))
        rows.append(("sparsestat prox (numpy)", array_time, array_result))
        for library, funcs in anchors.items():
            if name in funcs:
                funcs[name](x[:10])  # compile
                anchor_time, anchor_result = best_time(lambda f=funcs[name]: f(x))
                rows.append((library, anchor_time, anchor_result))
        for label, seconds, result in rows:
            diff = float(np.max(np.abs(np.asarray(result) - reference)))
            print(
                f"{name:<10}{label:<24}{1e3 * seconds:>10.1f}{n / seconds / 1e6:>12.1f}"
                f"{seconds / numba_time:>9.2f}{diff:>12.1e}"
            )
        records.append((name, rows, numba_time, reference))
    return records


def record_prox_rows(results, key, title, records):
    """One row per penalty: numba ms, then each implementation as a multiple of it."""
    labels = ["sparsestat prox (numpy)", "skglm", "pyproximal"]
    rows, largest = [], 0.0
    for name, implementations, numba_time, reference in records:
        ratios = {}
        for label, seconds, result in implementations[1:]:
            # "sparsestat prox (numpy)" keeps its label; anchors go by library name
            label = label if label.startswith("sparsestat") else label.split()[0]
            ratios[label] = seconds / numba_time
            largest = max(largest, float(np.max(np.abs(np.asarray(result) - reference))))
        rows.append([name, 1e3 * numba_time, *[ratios.get(label) for label in labels]])
    # the speed page's "slower" list: another library's prox faster than the kernel
    slower = [
        f"{name} ({label} {ratio:.2f}×)"
        for name, _, *ratios in rows
        for label, ratio in zip(labels[1:], ratios[1:], strict=True)
        if ratio is not None and ratio < 1.0
    ]
    results.value("slower_cases", len(slower), "d")
    results.value("slower_list", "; ".join(slower) if slower else "none")
    results.table(
        key,
        ["penalty", "sparsestat numba (ms)", *[f"{label} (× numba)" for label in labels]],
        rows,
        title=title,
        formats=["", ".1f", ".2f", ".2f", ".2f"],
        note=" ".join(NOTES),
    )
    return largest


def group_table(n, rng):
    print(f"\n   Group proxes on {n:.0e} variables in groups of 4 (float64)")
    header = (
        f"{'penalty':<10}{'implementation':<24}{'time ms':>10}{'x numba':>9}{'max |diff|':>12}"
    )
    print(header)
    print("-" * len(header))
    m = n // 4
    x = rng.standard_normal(4 * m)
    groups = np.repeat(np.arange(m), 4)
    pen = GroupL2(alpha=1.0, groups=groups)
    pen.prox_numba(x, 0.5)  # compile
    numba_time, reference = best_time(lambda: pen.prox_numba(x, 0.5))
    rows = [("sparsestat numba", numba_time, reference)]
    rows.append(("sparsestat prox (numpy)", *best_time(lambda: pen.prox(x, 0.5))))
    try:
        from skglm.utils.prox_funcs import BST_vec

        BST_vec(x[:8], 0.5, 4)
        rows.append(("skglm BST_vec", *best_time(lambda: BST_vec(x, 0.5, 4))))
    except ImportError:
        pass
    except Exception as exc:  # skglm's BST_vec does not compile with recent numba
        print(f"{'GroupL2':<10}{'skglm BST_vec':<24}  fails: {type(exc).__name__}")
        NOTES.append(f"skglm's ``BST_vec`` (GroupL2) fails here with a {type(exc).__name__}.")
    print_group_rows("GroupL2", rows, numba_time, reference)
    records = [("GroupL2 (groups of 4)", rows, numba_time, reference)]
    W = x.reshape(m, 4)
    pen = L21(alpha=1.0)
    numba_time, reference = best_time(lambda: pen.prox_numba(W, 0.5))
    rows = [("sparsestat numba", numba_time, reference)]
    rows.append(("sparsestat prox (numpy)", *best_time(lambda: pen.prox(W, 0.5))))
    try:
        import pyproximal

        op = pyproximal.L21(ndim=4, sigma=1.0)
        rows.append(
            (
                "pyproximal L21",
                *best_time(lambda: op.prox(W.T.reshape(-1), 0.5).reshape(4, m).T),
            )
        )
    except ImportError:
        pass
    print_group_rows("L21", rows, numba_time, reference)
    records.append(("L21 (rows of 4)", rows, numba_time, reference))
    return records


def print_group_rows(name, rows, numba_time, reference):
    for label, seconds, result in rows:
        diff = float(np.max(np.abs(result - reference)))
        print(
            f"{name:<10}{label:<24}{1e3 * seconds:>10.1f}{seconds / numba_time:>9.2f}{diff:>12.1e}"
        )


def wgsef_table(sizes, rng, results):
    print("\n2. WGSEF prox, groups of 4 variables, k = m/100, alpha = 0.1, step = 1 (float64)")
    header = (
        f"{'m groups':>10}{'numba ms':>10}{'norms ms':>10}{'numba/norms':>12}"
        f"{'prox ms':>14}{'kept':>10}"
    )
    print(header)
    print("-" * len(header))
    numba_times, rows = [], []
    for m in sizes:
        x = rng.standard_normal(4 * m) * np.repeat(rng.exponential(size=m), 4)
        groups = np.repeat(np.arange(m), 4)
        pen = WGSEF(k=max(1, m // 100), alpha=0.1, groups=groups)
        partition = pen.partition
        norms = np.empty(m)
        _kernels.group_norms(x[:4], partition.grp_ptr[:2], partition.grp_idx, norms[:1])
        pen.prox_numba(x, 1.0)
        norms_time, _ = best_time(
            lambda x=x, p=partition, out=norms: _kernels.group_norms(x, p.grp_ptr, p.grp_idx, out)
        )
        numba_time, out = best_time(lambda x=x, pen=pen: pen.prox_numba(x, 1.0))
        array_time, _ = best_time(lambda x=x, pen=pen: pen.prox(x, 1.0))
        kept = pen.active_groups(out).size
        numba_times.append(numba_time)
        ratio = numba_time / norms_time
        rows.append([m, 1e3 * numba_time, 1e3 * norms_time, ratio, 1e3 * array_time, kept])
        print(
            f"{m:>10.0e}{1e3 * numba_time:>10.2f}{1e3 * norms_time:>10.2f}"
            f"{numba_time / norms_time:>12.2f}{1e3 * array_time:>14.1f}{kept:>10}"
        )
    slope = np.polyfit(np.log(sizes), np.log(numba_times), 1)[0]
    print(f"slope of log(numba time) against log(m): {slope:.3f}  (1 = linear)")
    results.table(
        "wgsef",
        ["m groups", "numba (ms)", "norms (ms)", "numba / norms", "prox on numpy (ms)", "kept"],
        rows,
        title="WGSEF prox, groups of 4, k = m/100",
        formats=[".0e", ".2f", ".2f", ".2f", ".2f", "d"],
    )
    results.value("wgsef_slope", slope, ".3f")
    ratios = [row[3] for row in rows]
    results.value("wgsef_ratio_min", min(ratios), ".1f")
    results.value("wgsef_ratio_max", max(ratios), ".1f")
    results.value("wgsef_prox_over_norms_max", max(row[4] / row[2] for row in rows), ".1f")
    large = [row[4] / row[2] for row in rows if row[0] >= 10**6]
    if large:  # the public prox at 1e6 groups and more, where the fixed costs no longer count
        results.value("wgsef_prox_over_norms_large", max(large), ".1f")


COLD_SNIPPET = """
import time
start = time.perf_counter()
import numpy as np
from sparsestat.penalties import L1, MCP, WGSEF
imported = time.perf_counter()
L1(1.0).prox_numba(np.ones(3), 1.0)
MCP(1.0).prox_numba(np.ones(3), 1.0)
WGSEF(k=1, alpha=1.0, groups=[0, 0, 1]).prox_numba(np.ones(3), 1.0)
done = time.perf_counter()
print(f"{imported - start:.2f} {done - imported:.2f}")
"""


def compile_table(results):
    print("\n3. First call in a fresh process (import, then first separable + WGSEF prox)")
    with tempfile.TemporaryDirectory() as cache_dir:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
        rows = []
        for label in ("empty numba cache", "warm numba cache"):
            out = subprocess.run(
                [sys.executable, "-c", COLD_SNIPPET],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            print(f"{label:<20} import {out[0]} s, first prox calls {out[1]} s")
            rows.append([label, float(out[0]), float(out[1])])
    results.table(
        "first_call",
        ["numba cache", "import (s)", "first L1, MCP and WGSEF prox (s)"],
        rows,
        title="First call in a fresh process",
        formats=["", ".2f", ".2f"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7, help="entries for table 1")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = 10**5 if args.quick else args.n
    sizes = [10**3, 10**4, 10**5] if args.quick else [10**4, 10**5, 10**6, 10**7]
    results = Results("bench_prox_quick" if args.quick else "bench_prox")
    records = separable_table(n, rng) + group_table(n, rng)
    largest = record_prox_rows(
        results, "separable", f"Proximal operators on n = {n:.0e} entries (float64)", records
    )
    results.value("n", f"{n:.0e}")
    results.value("largest_difference", largest, ".1e")
    wgsef_table(sizes, rng, results)
    compile_table(results)
    results.save()


if __name__ == "__main__":
    main()
