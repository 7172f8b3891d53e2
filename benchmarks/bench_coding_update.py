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

Second table, "learning codes by density": the codes of dictionary learning
(``learning_codes``) through the kernel in the library's order and through
the dense factored gradient ``(R D − X) Dᵀ``, on the dictionaries above twice
as many atoms as features (and on 8×8 patches at 256 and 512 atoms), for
penalties and alphas that give from about 1 % to 20 % of non-zero codes:
the kernel's cost grows with the non-zeros, the factored one does not.
``non-zeros / feature`` is the codes' non-zeros per signal divided by the
features (256 or 64); the library takes the factored form at
or above ``FACTORED_NONZEROS`` of them, half as many above
``GRAM_CACHED_BYTES`` of Gram matrix (predicted from the learner's last
batch).  Writes ``benchmarks/results/bench_coding_update.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _results import Results
from threadpoolctl import threadpool_limits

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition.sparse_coding import (
    FACTORED_NONZEROS,
    GRAM_CACHED_BYTES,
    _coding_penalty,
    _encode_proximal_numba,
    _factored_learning_codes,
    learning_codes,
)

PENALTIES = {"l1": 1.4, "cel0": 0.8}  # the learning alphas of bench_v1 (about 5 % active)
# learning codes by density: alphas from about 1 % to 20 % of non-zero codes
DENSITY_ALPHAS = {"l1": (0.6, 1.4, 3.0), "l0": (0.02, 0.05, 0.15), "cel0": (0.15, 0.8)}
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
    density_rows = []
    small_patches = load_image_patches(8, 20_000, random_state=0)
    small_X = load_image_patches(8, 256, random_state=1)
    problems = [(patches, X, size) for size in args.sizes if size > 2 * X.shape[1]]
    problems += [(small_patches, small_X, size) for size in (256, 512)]  # 8x8: 4x and 8x
    for patches, X, size in problems:
        D = patches[np.random.default_rng(size).choice(patches.shape[0], size, replace=False)]
        D = D / np.linalg.norm(D, axis=1, keepdims=True)
        lipschitz = float(np.linalg.norm(D, 2) ** 2)
        for penalty, alphas in DENSITY_ALPHAS.items():
            for alpha in alphas:
                settings = dict(penalty=penalty, alpha=alpha, q=None, positive=False, step=0.05)
                settings.update(tol=1e-2, max_iter=5000, lipschitz=lipschitz)
                best, codes = {}, {}
                for form, density in (("kernel", None), ("factored", 1.0)):
                    times = []
                    for _ in range(args.repeat):
                        start = time.perf_counter()
                        codes[form], _ = learning_codes(X, D, density=density, **settings)
                        times.append(time.perf_counter() - start)
                    best[form] = min(times)
                active = float(np.mean(codes["kernel"] != 0))
                per_feature = active * size / X.shape[1]
                factored = _factored_learning_codes(size, X.shape[1], active)
                chosen = "factored" if factored else "kernel"
                ratio = best["kernel"] / best["factored"]
                gap = float(np.max(np.abs(codes["kernel"] - codes["factored"])))
                density_rows.append(
                    [X.shape[1], size, penalty, alpha, active, per_feature, best["kernel"],
                     best["factored"], ratio, gap, chosen]
                )  # fmt: skip
                print(
                    f"{X.shape[1]:3d} features {size:5d} atoms {penalty:5s} alpha {alpha:<5} "
                    f"active {active:.3f} "
                    f"({per_feature:.2f} per feature)  kernel {best['kernel']:.3f} s  "
                    f"factored {best['factored']:.3f} s  kernel / factored {ratio:.2f}  "
                    f"largest difference {gap:.1e}  library: {chosen}",
                    flush=True,
                )
    out.table(
        "learning_density",
        ["features", "atoms", "penalty", "alpha", "active", "non-zeros / feature",
         "kernel (s)", "factored (s)", "kernel / factored", "largest difference",
         "library's form"],
        density_rows,
        title="Learning codes (ISTA from zero, 1 % batch rule, 256 whitened 16×16 or 8×8 "
        "patches): the kernel against the factored gradient",
        formats=["", "", "", "", ".3f", ".2f", ".3f", ".3f", ".2f", ".0e", ""],
    )  # fmt: skip
    out.value("factored_nonzeros", FACTORED_NONZEROS, ".1f")
    out.save()


if __name__ == "__main__":
    main()
