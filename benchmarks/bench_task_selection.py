"""ν¹ against ν²: source samples to reach a target risk, from 1.0 down to 0.05.

The setting of the gallery example (``make_multitask_representation(12, 40, 12,
2, noise=1.0)``, 200 target samples, rank 12, first round 120 samples), run
for 5 rounds (growth 4: 120 … 40 920 source samples) or 9 (growth 2), seeds
0-9.  For every strategy variant and target excess risk, the source samples at
which the log-log interpolated risk curve of a seed reaches it; printed: the
geometric mean over the seeds that reach it, how many do, and the seeds where
ν¹ needs fewer samples than ν² ("wins"; a seed that never reaches counts as
needing infinitely many).  Then what the final round spends on the two relevant
sources and how many sources the Lasso keeps.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_task_selection.py [--seeds 10]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _results import Results

from sparsestat.datasets import make_multitask_representation
from sparsestat.task_selection import TaskSelector

RISKS = (1.0, 0.5, 0.3, 0.2, 0.15, 0.1, 0.08, 0.05)


class RelevanceSelector(TaskSelector):
    """ν¹ with another Lasso weight: ``factor·alpha_max`` (the default is 0.1), and
    with ``shrink`` multiplied by ``sqrt(n_first / n_total)``, so the relevance
    estimate tightens as the source estimates get more precise (the spirit of
    the paper's epoch-wise schedule)."""

    factor = 0.1
    shrink = False

    def _estimate(self, sources, target):
        self._n_total = sum(X.shape[0] for X, _ in sources)
        return super()._estimate(sources, target)

    def _relevance(self, design, response):
        from sparsestat.linear_model import Lasso

        if self.strategy != "l1":
            return super()._relevance(design, response)
        scale = np.abs(design.T @ response).max() / max(design.shape[0], 1)
        if scale == 0.0:
            return np.zeros(design.shape[1])
        alpha = self.factor * scale
        if self.shrink:
            alpha *= np.sqrt(self.budget_per_round / max(self._n_total, 1))
        lasso = Lasso(alpha=alpha, fit_intercept=False, tol=1e-8, max_iter=100_000)
        return lasso.fit(design, response).coef_.astype(float)


VARIANTS = {
    # name: (strategy, {factor, shrink, floor}, n_rounds, growth)
    "l1 (default)": ("l1", {}, 5, 4.0),
    "l2 (default)": ("l2", {}, 5, 4.0),
    "uniform": ("uniform", {}, 5, 4.0),
    "l1 alpha 0.01": ("l1", {"factor": 0.01}, 5, 4.0),
    "l1 alpha 0.03": ("l1", {"factor": 0.03}, 5, 4.0),
    "l1 alpha 0.3": ("l1", {"factor": 0.3}, 5, 4.0),
    "l1 shrinking alpha": ("l1", {"shrink": True}, 5, 4.0),
    "l1 floor 0": ("l1", {"floor": 0.0}, 5, 4.0),
    "l2 floor 0": ("l2", {"floor": 0.0}, 5, 4.0),
    "l1 growth 2": ("l1", {}, 9, 2.0),
    "l2 growth 2": ("l2", {}, 9, 2.0),
}


def samples_to_reach(totals, risks, threshold):
    for i in range(1, len(risks)):
        if risks[i] <= threshold:
            if risks[i - 1] <= threshold:
                return float(totals[i - 1])
            fraction = np.log(threshold / risks[i - 1]) / np.log(risks[i] / risks[i - 1])
            return float(totals[i - 1] * (totals[i] / totals[i - 1]) ** fraction)
    return np.inf


def run(name, seed):
    strategy, options, n_rounds, growth = VARIANTS[name]
    truth = make_multitask_representation(12, 40, 12, 2, noise=1.0, random_state=seed)
    target = truth.sample(-1, 200)
    selector = RelevanceSelector(
        strategy=strategy,
        rank=12,
        n_rounds=n_rounds,
        budget_per_round=120,
        growth=growth,
        floor=options.get("floor", 0.05),
        random_state=seed,
    )
    selector.factor = options.get("factor", 0.1)
    selector.shrink = options.get("shrink", False)
    selector.fit_active(truth.sample, 12, target)
    totals = [h["n_samples_total"] for h in selector.history_]
    risks = [truth.target_excess_risk(h["target_coef"]) for h in selector.history_]
    relevant = np.flatnonzero(truth.nu)
    last = selector.history_[-1]
    share = float(last["samples_per_task"][relevant].sum() / last["n_samples_total"])
    kept = int(np.count_nonzero(last["relevance"]))
    # the floor no allocation can beat: the target head fitted on the same 200
    # target samples in the *true* representation
    X0, y0 = target
    oracle = truth.B @ np.linalg.lstsq(X0 @ truth.B, y0, rcond=None)[0]
    return totals, risks, share, kept, truth.target_excess_risk(oracle)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    seeds = range(args.seeds)
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    needed, shares, kept, finals, floors = {}, {}, {}, {}, []
    for name in VARIANTS:
        needed[name] = np.zeros((len(seeds), len(RISKS)))
        shares[name], kept[name], finals[name] = [], [], []
        for s, seed in enumerate(seeds):
            totals, risks, share, n_kept, floor = run(name, seed)
            if name == "l1 (default)":
                floors.append(floor)
            needed[name][s] = [samples_to_reach(totals, risks, r) for r in RISKS]
            shares[name].append(share)
            kept[name].append(n_kept)
            finals[name].append(risks[-1])
    print(f"source samples to reach a target excess risk, seeds 0-{args.seeds - 1}")
    print("geometric mean over the seeds that reach it [seeds reaching]; wins: l1 < l2")
    print(f"{'variant':<20}" + "".join(f"{r:>16g}" for r in RISKS))
    summary = {}
    for name in VARIANTS:
        cells = []
        for j in range(len(RISKS)):
            values = needed[name][:, j]
            ok = np.isfinite(values)
            mean = np.exp(np.log(values[ok]).mean()) if ok.any() else np.inf
            cells.append(f"{mean:>11.0f} [{ok.sum():>2}]")
            summary[name, j] = f"{mean:.0f} [{ok.sum()}]" if ok.any() else "— [0]"
        print(f"{name:<20}" + "".join(cells))
    results = Results("bench_task_selection")
    results.table(
        "samples_to_risk",
        ["risk", "ν¹", "ν²", "uniform", f"ν¹ wins / {len(seeds)}"],
        [
            [
                risk,
                summary["l1 (default)", j],
                summary["l2 (default)", j],
                summary["uniform", j],
                int(np.sum(needed["l1 (default)"][:, j] < needed["l2 (default)"][:, j])),
            ]
            for j, risk in enumerate(RISKS)
        ],
        title="Source samples to reach a target excess risk",
        formats=["g", "", "", "", "d"],
        note="Geometric mean over the seeds that reach the risk, their number in brackets; "
        "wins: seeds on which ν¹ needs strictly fewer samples than ν².",
    )
    pairs = [
        ("l1 (default)", "l2 (default)"),
        ("l1 floor 0", "l2 floor 0"),
        ("l1 growth 2", "l2 growth 2"),
        ("l1 shrinking alpha", "l2 (default)"),
        ("l1 alpha 0.01", "l2 (default)"),
        ("l1 alpha 0.03", "l2 (default)"),
    ]
    pair_rows = []
    print("\nwins of the first over the second (seeds needing strictly fewer samples)")
    print(f"{'pair':<40}" + "".join(f"{r:>8g}" for r in RISKS))
    for a, b in pairs:
        wins = [int(np.sum(needed[a][:, j] < needed[b][:, j])) for j in range(len(RISKS))]
        print(f"{a + ' vs ' + b:<40}" + "".join(f"{w:>8d}" for w in wins))
        pair_rows.append([f"{a} vs {b}", *wins])
    results.table(
        "wins",
        ["pair", *[f"risk {r:g}" for r in RISKS]],
        pair_rows,
        title="Seeds on which the first strategy needs strictly fewer samples",
        formats=["", *["d"] * len(RISKS)],
    )
    print("\nfinal round: risk (geometric mean ± sd of log), share of all source samples on")
    print("the 2 relevant sources (mean ± sd), sources with a non-zero relevance (mean)")
    for name in VARIANTS:
        logs = np.log(finals[name])
        results.value(f"final_risk/{name}", float(np.exp(logs.mean())), ".3f")
        print(
            f"{name:<20} risk {np.exp(logs.mean()):.4f} (sd of log {logs.std(ddof=1):.2f})  "
            f"relevant share {np.mean(shares[name]):.3f} ± {np.std(shares[name], ddof=1):.3f}  "
            f"kept {np.mean(kept[name]):.1f}"
        )
    logs = np.log(floors)
    print(
        f"oracle floor (true representation, head fitted on the 200 target samples): "
        f"{np.exp(logs.mean()):.4f} geometric mean, {np.min(floors):.4f}-{np.max(floors):.4f}"
    )
    print(f"({time.perf_counter() - start:.0f} s)")
    results.value("floor", float(np.exp(logs.mean())), ".3f")
    results.value("floor_min", float(np.min(floors)), ".3f")
    results.value("floor_max", float(np.max(floors)), ".3f")
    results.value("last_seed", seeds[-1], "d")
    results.save()


if __name__ == "__main__":
    main()
