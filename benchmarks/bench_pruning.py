"""Pruning a 64-32-10 network to exactly k hidden neurons, three ways, over seeds.

The computation of ``make demo``'s network-pruning step and of the gallery
example (``sparsestat.demo.network_pruning.compare``): for every ``k`` and seed,
the non-convex WGSEF trained to ``k`` (proximal SGD, no projection), the convex
WGSEF + projection, and magnitude pruning, 60 epochs each on the digits data.
It writes the tables and values the group user guide renders:

- ``accuracy``: k, then per method "mean ± sd (wins)" (wins: seeds where the
  method is strictly best of the three), test accuracy over the seeds;
- ``neurons``: per k, neurons left at the end (min–max over seeds) for the
  non-convex run, and the neurons with a non-zero group after epochs 1, 3, 5,
  10, 20, 40 and 60 of the non-convex run and after epoch 40 of the convex
  run, before its projection (first seed);
- values ``nonconvex_exact_k`` ("yes" when the non-convex run ends with exactly
  k neurons on every seed and every k), ``best_mean/<method>`` (the k where the
  method has the highest mean accuracy, or "none"), ``convex_above_magnitude``
  and ``convex_below_magnitude`` (the k where the convex envelope + projection
  has a higher / lower mean than magnitude pruning), ``seeds``, ``seconds``.

    python benchmarks/bench_pruning.py            # k = 1, 2, 4, 8, 16; seeds 0-5
    python benchmarks/bench_pruning.py --quick    # k = 2, 8; seeds 0-1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _results import Results

from sparsestat.demo.network_pruning import LABELS, METHODS, compare

EPOCHS = (1, 3, 5, 10, 20, 40, 60)


def _ks(values):
    return ", ".join(map(str, values)) if values else "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=6)
    args = parser.parse_args()
    ks = (2, 8) if args.quick else (1, 2, 4, 8, 16)
    seeds = range(2 if args.quick else args.seeds)
    results = Results("bench_pruning_quick" if args.quick else "bench_pruning")
    start = time.perf_counter()
    out = compare(ks, seeds)
    seconds = time.perf_counter() - start
    acc, left, history = out["accuracy"], out["left"], out["history"]
    n = len(out["seeds"])

    rows = []
    for i, k in enumerate(ks):
        cells = []
        for method in METHODS:
            others = np.max(np.stack([acc[o][i] for o in METHODS if o != method]), axis=0)
            wins = int(np.sum(acc[method][i] > others))
            mean, sd = acc[method][i].mean(), acc[method][i].std(ddof=1)
            cells.append(f"{mean:.3f} ± {sd:.3f} ({wins})")
        rows.append([k, *cells])
        print(f"k={k:>2}  " + "   ".join(cells))
    results.table(
        "accuracy",
        ["k", *[f"{LABELS[m]}: mean ± sd (wins)" for m in METHODS]],
        rows,
        title=f"Test accuracy over {n} seeds (wins: seeds where the method is strictly best)",
        formats=["d", "", "", ""],
    )

    rows = []
    for i, k in enumerate(ks):
        trace = history["nonconvex"][k]
        rows.append(
            [
                k,
                f"{left['nonconvex'][i].min()}–{left['nonconvex'][i].max()}",
                " ".join(str(trace[e - 1]) for e in EPOCHS),
                int(history["wgsef"][k][39]),
            ]
        )
    results.table(
        "neurons",
        [
            "k",
            "non-convex: left at the end (all seeds)",
            "non-convex: after epochs "
            + ", ".join(map(str, EPOCHS))
            + f" (seed {out['seeds'][0]})",
            f"convex: after epoch 40, before the projection (seed {out['seeds'][0]})",
        ],
        rows,
        title="Hidden neurons with a non-zero group (of 32)",
        formats=["d", "", "", "d"],
    )

    exact = all(
        np.all(left["nonconvex"][i] == k) for i, k in enumerate(ks)
    )  # every seed and every k
    results.value("nonconvex_exact_k", "yes" if exact else "no")
    means = {m: np.array([acc[m][i].mean() for i in range(len(ks))]) for m in METHODS}
    best = np.argmax(np.stack([means[m] for m in METHODS]), axis=0)
    best_ks = {
        m: [k for k, b in zip(ks, best, strict=True) if b == i] for i, m in enumerate(METHODS)
    }
    for method in METHODS:
        results.value(f"best_mean/{method}", _ks(best_ks[method]))
    above = [k for i, k in enumerate(ks) if means["wgsef"][i] > means["magnitude"][i]]
    below = [k for i, k in enumerate(ks) if means["wgsef"][i] < means["magnitude"][i]]
    results.value("convex_above_magnitude", _ks(above))
    results.value("convex_below_magnitude", _ks(below))
    results.value("seeds", n, "d")
    results.value("seconds", seconds, ".0f")
    print(f"{seconds:.1f} s; exact k: {exact}; best mean: {best_ks}")
    results.save()


if __name__ == "__main__":
    main()
