"""The two update orders of the ISTA / FISTA coding kernel, timed on the same problems.

Run with ``python benchmarks/bench_coding_update.py [--repeat N]``.

The numba kernel of ``sparse_encode(algorithm="ista"/"fista")`` and of
``DictionaryLearning``'s codes keeps the gradient ``G r − c`` up to date
through the coordinates that changed.  Signal by signal, every change reads a
row of the Gram matrix ``G``: cheap while ``G`` stays in cache, a stream from
memory once it does not.  Atom by atom, each row is read once per block of 256
signals and added to every signal of the block that changed it.  Both orders
give the same bits (``identical`` below, and the tests); ``sparse_encode``
picks atom by atom above ``GRAM_CACHED_BYTES`` of Gram matrix.  This script
times both on whitened 16×16 patches for dictionaries of 512 to 2,048 atoms
(normalised whitened patches, the usual data initialisation), with the codes
of dictionary learning (ISTA from zero at step 0.05, the 1 % batch rule, 256
signals) and FISTA per signal (tol 1e-6, at most 200 iterations), ℓ1 and CEL0
at alphas near 5 % active units.  One BLAS thread, best of ``--repeat``.
Writes ``benchmarks/results/bench_coding_update.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _results import Results
from threadpoolctl import threadpool_limits

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition.sparse_coding import (
    GRAM_CACHED_BYTES,
    _coding_penalty,
    _encode_proximal_numba,
)

PENALTIES = {"l1": 1.4, "cel0": 0.8}  # the learning alphas of bench_v1 (about 5 % active)
ALGORITHMS = {
    "learning ISTA": dict(accelerated=False, batch_rule=True, tol=1e-2, max_iter=5000),
    "FISTA": dict(accelerated=True, batch_rule=False, tol=1e-6, max_iter=200),
}


def run(X, D, G, pen, step, by_atom, accelerated, batch_rule, tol, max_iter):
    """Time of ``sparse_encode``'s numba path with the update order forced."""
    codes = np.zeros((X.shape[0], D.shape[0]))
    start = time.perf_counter()
    codes, _, _ = _encode_proximal_numba(
        X, D, G, codes, pen, step, accelerated, max_iter, tol, batch_rule, by_atom=by_atom
    )
    return time.perf_counter() - start, codes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 1448, 2048])
    args = parser.parse_args()
    out = Results("bench_coding_update")
    threadpool_limits(limits=1, user_api="blas")
    patches = load_image_patches(16, 20_000, random_state=0)
    X = load_image_patches(16, 256, random_state=1)
    rows = []
    small = _coding_penalty("l1", 1.0, np.ones(8), q=None, positive=False)
    for by_atom in (False, True):  # numba's compile or cache load, out of the times
        eye = np.eye(8)
        run(X[:2, :8].copy(), eye, eye, small, 0.05, by_atom, **ALGORITHMS["FISTA"])
    for size in args.sizes:
        D = patches[np.random.default_rng(size).choice(patches.shape[0], size, replace=False)]
        D = D / np.linalg.norm(D, axis=1, keepdims=True)
        G = np.ascontiguousarray(D @ D.T)
        step = min(0.05, 1.0 / np.linalg.norm(D, 2) ** 2)
        chosen = "by atom" if G.nbytes > GRAM_CACHED_BYTES else "by signal"
        for penalty, alpha in PENALTIES.items():
            pen = _coding_penalty(penalty, alpha, np.sqrt(np.diag(G)), q=None, positive=False)
            for algorithm, settings in ALGORITHMS.items():
                best, codes = {}, {}
                for by_atom in (False, True):
                    times = []
                    for _ in range(args.repeat):
                        seconds, codes[by_atom] = run(X, D, G, pen, step, by_atom, **settings)
                        times.append(seconds)
                    best[by_atom] = min(times)
                identical = bool(np.array_equal(codes[True], codes[False]))
                ratio = best[False] / best[True]
                rows.append(
                    [size, G.nbytes / 2**20, penalty, algorithm, best[False], best[True],
                     ratio, float(np.mean(codes[True] != 0)), identical, chosen]
                )  # fmt: skip
                print(
                    f"{size:5d} atoms ({G.nbytes / 2**20:5.1f} MiB Gram) {penalty:5s} "
                    f"{algorithm:14s} by signal {best[False]:.3f} s  by atom {best[True]:.3f} s  "
                    f"by signal / by atom {ratio:.2f}  identical {identical}  "
                    f"library: {chosen}",
                    flush=True,
                )
    out.table(
        "orders",
        ["atoms", "Gram (MiB)", "penalty", "codes", "by signal (s)", "by atom (s)",
         "by signal / by atom", "active", "identical", "library's order"],
        rows,
        title="The coding kernel's two gradient-update orders, 256 whitened 16×16 patches",
        formats=["", ".1f", "", "", ".3f", ".3f", ".2f", ".3f", "", ""],
    )  # fmt: skip
    out.value("gram_cached_mib", GRAM_CACHED_BYTES / 2**20, ".0f")
    out.save()


if __name__ == "__main__":
    main()
