"""CoLiDE-NV / CoLiDE-EV against the dagma package on simulated linear SEMs and Sachs.

For each graph (ER or SF, d nodes, degree k: n_edges = k·d), noise (equal
variances σ = 1, or heteroscedastic σ_j² ~ U[0.5, 10]) and seed: simulate
n = 1000 samples of a linear Gaussian SEM (weights ±U[0.5, 2]), fit every
method, threshold at 0.3, and report mean ± sd over seeds of SHD, TPR, FDR and
wall time.  CoLiDE runs its default optimizer, lazy-adam (the authors' Adam
schedule with the inverse of sI - W∘W refreshed every 8 iterations, and a stage
ended after 5 checkpoints without a new best objective), compiled with numba;
the kernels are compiled before any timing.  CoLiDE-NV is the
default (the central path with the EV score, then one NV stage from that
estimate); CoLiDE-NV0 is the authors' NV path from W = 0
(``nv_start="zero"``); CoLiDE-NVbest runs both and keeps the lower final NV
objective (``nv_start="best"``).  A second table compares, stage by stage,
lazy-adam, OWL-QN and the reference Adam on the data with its rows reversed (a
rounding-level change: the yardstick) against the reference Adam.  dagma is
installed by `make bench` (its linear model needs numpy, scipy, tqdm and
python-igraph; its torch requirement is skipped).

Every fit runs with ``--blas-threads`` BLAS threads (default 1, set with
threadpoolctl).  numpy and scipy wheels each ship their own OpenBLAS; dagma
alternates calls into both, and with two threads in each library its
iterations were 28× slower on the 2-core machine (12.4 ms against 0.43 ms per
iteration at d = 100), which would flatter CoLiDE.  CoLiDE's compiled loop
calls one BLAS only and ran equally fast with 1 or 2 threads.

    python benchmarks/bench_dag.py            # d = 20, 50, 100; 5 seeds (hours)
    python benchmarks/bench_dag.py --quick    # d = 20, 50; 3 seeds
    python benchmarks/bench_dag.py --sizes 100 --noise hetero --methods CoLiDE-NV DAGMA
    python benchmarks/bench_dag.py --optimizer-only --optimizer-sizes 20 50 --seeds 3
    python benchmarks/bench_dag.py --selection --noise hetero --sizes 20 50 --seeds 5
    python benchmarks/bench_dag.py --standardized --sizes 20 --seeds 5
    python benchmarks/bench_dag.py --bootstrap 20 --sizes 20 --seeds 3
    python benchmarks/bench_dag.py --sizes 100 --seeds 10 --noise hetero --no-dagma \
        --methods CoLiDE-NV --alpha 0.1 --skip-extra --per-seed   # another alpha
    python benchmarks/bench_dag.py --selection --noise hetero --seeds 5 --seeds-at 100=10

Results (JSON, ``benchmarks/_results.py``): every printed table is also written
to ``benchmarks/results/<name>.json``, saved again after every cell of the
selection table so that an interrupted run keeps what finished.  ``<name>`` is
``--results-name``, or by mode: ``bench_dag`` (default run),
``bench_dag_selection`` (``--selection``; ``bench_dag_selection_equal`` with
``--noise equal``), ``bench_dag_standardized``, ``bench_dag_bootstrap``,
``bench_dag_optimizer`` (``--optimizer-only``).  Table keys:

- ``accuracy``: graph, noise, method, seeds, then the means of SHD, TPR, FDR,
  time s, their sds and "x DAGMA"; ``accuracy_seeds``: one row per seed.
- ``optimizer``: the optimizer table (stages <= adam, stages, gaps, times,
  same SHD, seeds); ``sachs``: method, SHD, TPR, FDR, edges, time s.
- ``selection_hetero`` / ``selection_equal``: one row per cell: graph, seeds,
  varsort, SHD 0.05, SHD 0.1, SHD BIC, SHD EBIC, 1 path, thr grid, alpha BIC,
  cost x (mean), cost max, t 0.05 s, fits (means over the seeds);
  ``selection_hetero_seeds`` / ``selection_equal_seeds``: one row per seed.
  Values ``selection_<noise>_<name>``: ``n_cells``; ``cells_met`` (cells whose
  CoLiDECV mean SHD is no worse than the better of fixed 0.05 and 0.1) and
  ``cells_met_thresholds`` (the same for "thr grid"); ``pooled_shd_005``,
  ``pooled_shd_01``, ``pooled_shd_bic``, ``pooled_shd_ebic``,
  ``pooled_shd_one_path``, ``pooled_shd_thresholds`` (means over the cells);
  ``worst_ratio_to_005`` (largest cell SHD BIC / SHD 0.05); ``cost_mean``
  (mean over the cells of the cell means), ``cost_max_cell``,
  ``cost_max_seed``, ``cells_cost_met`` (cells with mean cost <= 4).
- ``standardized``: graph, seeds, varsort, "<method> raw" / "<method> std".
- ``bootstrap``: graph, seeds, AUROC, true freq, false freq, consensus SHD.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import time
import warnings

import numpy as np

from sparsestat.dag import (
    CoLiDE,
    CoLiDECV,
    dag_metrics,
    edge_stability,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameters,
    to_dag,
    varsortability,
)
from sparsestat.datasets import load_sachs

try:  # run as a script: benchmarks/ is on sys.path
    from _results import Results
except ImportError:  # imported as benchmarks.bench_dag
    from benchmarks._results import Results

N_SAMPLES = 1000
os.environ.setdefault("TQDM_DISABLE", "1")  # dagma draws a progress bar per fit


def dagma_fit(X, lambda1=0.02):
    from dagma.linear import DagmaLinear

    model = DagmaLinear(loss_type="l2")
    # dagma centres X in place, and on a retry it raises s[i] in place: with
    # its default list for s, every retry raised s for every later fit of the
    # process (results depended on what ran before), so pass a copy of that
    # default (never handed to dagma itself, so never raised)
    default_s = inspect.signature(DagmaLinear.fit).parameters["s"].default
    return model.fit(X.copy(), lambda1=lambda1, s=list(default_s))


METHODS = ("CoLiDE-NV", "CoLiDE-NV0", "CoLiDE-NVbest", "CoLiDE-EV", "DAGMA")


def methods(with_dagma, names=METHODS, alpha=None):
    """CoLiDE-NV: the default (EV path, then the NV stage); NV0: the NV path from zero;
    NVbest: both, keeping the lower final NV objective.  ``alpha``: CoLiDE's ℓ1 weight
    (None: CoLiDE's default)."""
    settings = {
        "CoLiDE-NV": {"variance": "nv"},
        "CoLiDE-NV0": {"variance": "nv", "nv_start": "zero"},
        "CoLiDE-NVbest": {"variance": "nv", "nv_start": "best"},
        "CoLiDE-EV": {"variance": "ev"},
    }
    if alpha is not None:
        settings = {name: {**options, "alpha": alpha} for name, options in settings.items()}
    table = {
        name: lambda X, options=options: CoLiDE(**options).fit(X).adjacency_
        for name, options in settings.items()
    }
    if with_dagma:
        table["DAGMA"] = dagma_fit
    return {name: fit for name, fit in table.items() if name in names}


def simulate(graph_type, d, degree, heteroscedastic, seed):
    B = simulate_dag(d, degree * d, graph_type, random_state=seed)
    W = simulate_parameters(B, random_state=seed)
    rng = np.random.RandomState(1000 + seed)
    scale = np.sqrt(rng.uniform(0.5, 10.0, d)) if heteroscedastic else 1.0
    return B, simulate_linear_sem(W, N_SAMPLES, noise_scale=scale, random_state=seed)


GRAPHS = (("ER", 2), ("ER", 4), ("SF", 2), ("SF", 4))


def accuracy_table(
    sizes,
    seeds,
    dagma_max_d,
    graphs=GRAPHS,
    noises=(True, False),
    names=METHODS,
    per_seed=False,
    alpha=None,
    results=None,
):
    table, seed_rows = [], []
    print(
        f"{'graph':<8}{'noise':<8}{'method':<14}{'SHD':>11}{'TPR':>13}{'FDR':>13}"
        f"{'time s':>15}{'x DAGMA':>9}"
    )
    for d in sizes:
        for graph_type, degree in graphs:
            for heteroscedastic in noises:
                runs = methods(with_dagma=d <= dagma_max_d, names=names, alpha=alpha)
                per_method = {name: [] for name in runs}
                for seed in seeds:
                    B, X = simulate(graph_type, d, degree, heteroscedastic, seed)
                    for name, fit in runs.items():
                        start = time.perf_counter()
                        estimate = fit(X)
                        seconds = time.perf_counter() - start
                        m = dag_metrics(B, estimate)
                        per_method[name].append((m["shd"], m["tpr"], m["fdr"], seconds))
                dagma_time = (
                    np.mean([r[3] for r in per_method["DAGMA"]])
                    if "DAGMA" in per_method
                    else np.nan
                )
                for name, rows in per_method.items():
                    rows = np.asarray(rows)
                    mean, sd = rows.mean(axis=0), rows.std(axis=0)
                    label = f"{graph_type}{degree}-{d}"
                    noise = "hetero" if heteroscedastic else "equal"
                    print(
                        f"{label:<8}{noise:<8}{name:<14}{mean[0]:>5.1f} ±{sd[0]:>4.1f}"
                        f"{mean[1]:>7.2f} ±{sd[1]:>4.2f}{mean[2]:>7.2f} ±{sd[2]:>4.2f}"
                        f"{mean[3]:>9.2f} ±{sd[3]:>4.1f}{mean[3] / dagma_time:>9.3f}",
                        flush=True,
                    )
                    table.append(
                        [label, noise, name, _seed_text(seeds), *mean, *sd, mean[3] / dagma_time]
                    )
                    for seed, row in zip(seeds, rows, strict=True):
                        seed_rows.append([label, noise, name, seed, int(row[0]), *row[1:]])
                    if per_seed:
                        shd = " ".join(f"{int(value):>4d}" for value in rows[:, 0])
                        print(f"{'':<16}{'SHD per seed':<14}{shd}", flush=True)
    if results is not None:
        results.table(
            "accuracy",
            ["graph", "noise", "method", "seeds", "SHD", "TPR", "FDR", "time s"]
            + ["SHD sd", "TPR sd", "FDR sd", "time sd", "x DAGMA"],
            table,
            title="SHD, TPR, FDR and wall time, mean (and sd) over seeds",
            formats=["", "", "", "", ".1f", ".2f", ".2f", ".2f", ".1f", ".2f", ".2f", ".1f"]
            + [".3f"],
            note="x DAGMA: time over DAGMA's mean time in the same cell (None without DAGMA).",
        )
        results.table(
            "accuracy_seeds",
            ["graph", "noise", "method", "seed", "SHD", "TPR", "FDR", "time s"],
            seed_rows,
            title="Every seed of the accuracy table",
            formats=["", "", "", "", "d", ".2f", ".2f", ".2f"],
        )


#: thresholds of the "thr grid" column: the BIC over (alpha, threshold) on the same fits
SELECTION_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def _seed_text(seeds):
    """ "0-4" for a run of consecutive seeds, "0,2,5" otherwise."""
    seeds = list(seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(str(seed) for seed in seeds)


def _criterion_pick(model, X, criterion="bic", thresholds=None, gamma=0.5):
    """(path, alpha, threshold) a criterion picks among a fitted CoLiDECV's estimates.

    The same fits scored another way: the extended BIC, or the BIC over a grid
    of thresholds.  Only the alphas the path fitted (``path_fitted_``) compete.
    """
    from sparsestat.dag._refit import information_criterion
    from sparsestat.dag.selection import _refitted

    thresholds = model.thresholds_ if thresholds is None else np.asarray(thresholds)
    centred = X - X.mean(axis=0)
    covariance = centred.T @ centred / len(X)
    values = np.full((*model.criterion_path_.shape, len(thresholds)), np.inf)
    for index in zip(*np.nonzero(model.path_fitted_), strict=True):
        for m, threshold in enumerate(thresholds):
            edges = to_dag(model.raw_adjacency_path_[index], threshold) != 0
            weights, variances = _refitted(covariance, edges, model.variance)
            values[(*index, m)] = information_criterion(
                covariance, len(X), edges, weights, variances, model.variance, criterion, gamma
            )
    row, k, m = np.unravel_index(int(np.argmin(values)), values.shape)
    return int(row), int(k), float(thresholds[m])


SELECTION_COLUMNS = (
    "varsort",
    "SHD 0.05",
    "SHD 0.1",
    "SHD BIC",
    "SHD EBIC",
    "1 path",
    "thr grid",
    "alpha BIC",
    "cost x",
    "t 0.05 s",
    "fits",
)


def selection_table(
    sizes, seeds_for, graphs=GRAPHS, heteroscedastic=True, variance="nv", results=None
):
    """Alpha selection without the truth: CoLiDECV (BIC; EBIC read off the same paths)
    against the fixed alphas 0.05 (the default) and 0.1.

    CoLiDECV's paths start with plain CoLiDE fits at 0.1 and 0.05 (tested to be
    identical to fresh fits), so the fixed-alpha SHDs are read off its paths.
    The default fit is also run alone, once before and once after CoLiDECV (same
    process), and the cost is CoLiDECV's time over the mean of those two.  Read
    off the same fits (only the alphas CoLiDECV fitted): "1 path", the BIC's
    choice along the path from 0.1 alone (= ``CoLiDECV(path_start=0.1)``);
    "SHD EBIC", the extended BIC's choice (gamma 0.5); "thr grid", the BIC's
    choice over (alpha, threshold) with the thresholds ``SELECTION_THRESHOLDS``.
    "fits": alphas fitted over both paths (14 without the early stop).
    Per seed: the SHDs, the selected alpha, the cost and the data's varsortability.
    """
    noise = "hetero" if heteroscedastic else "equal"
    key = f"selection_{noise}"
    print(
        f"\nAlpha selection, {noise} noise, CoLiDE-{variance.upper()}: fixed 0.05 and 0.1"
        " against CoLiDECV (BIC; EBIC gamma=0.5 on the same paths; BIC with 1 path from 0.1;"
        f" BIC over the thresholds {SELECTION_THRESHOLDS})"
    )
    print(
        f"{'graph':<9}{'varsort':>8}{'SHD 0.05':>10}{'SHD 0.1':>9}{'SHD BIC':>9}"
        f"{'SHD EBIC':>10}{'1 path':>8}{'thr grid':>10}{'alpha BIC':>11}{'cost x':>8}"
        f"{'t 0.05 s':>10}{'fits':>6}"
    )
    cells, seed_rows = [], []
    for d in sizes:
        seeds = seeds_for(d)
        for graph_type, degree in graphs:
            label = f"{graph_type}{degree}-{d}"
            rows = []
            for seed in seeds:
                B, X = simulate(graph_type, d, degree, heteroscedastic, seed)
                start = time.perf_counter()
                CoLiDE(variance=variance).fit(X)
                before = time.perf_counter() - start
                start = time.perf_counter()
                selected = CoLiDECV(variance=variance).fit(X)
                seconds_cv = time.perf_counter() - start
                start = time.perf_counter()
                CoLiDE(variance=variance).fit(X)
                seconds = 0.5 * (before + time.perf_counter() - start)
                alphas = list(np.round(selected.alphas_, 6))
                starts = list(np.round(selected.path_start_alphas_, 6))

                def shd(row, index, threshold=0.3, selected=selected, B=B):
                    raw = selected.raw_adjacency_path_[row, index]
                    return dag_metrics(B, to_dag(raw, threshold))["shd"]

                one_path = int(np.nanargmin(selected.criterion_path_[starts.index(0.1)]))
                row = (
                    varsortability(X, B),
                    shd(starts.index(0.05), alphas.index(0.05)),
                    shd(starts.index(0.1), alphas.index(0.1)),
                    dag_metrics(B, selected.adjacency_)["shd"],
                    shd(*_criterion_pick(selected, X, "ebic")),
                    shd(starts.index(0.1), one_path),
                    shd(*_criterion_pick(selected, X, "bic", SELECTION_THRESHOLDS)),
                    selected.alpha_,
                    seconds_cv / seconds,
                    seconds,
                    int(selected.path_fitted_.sum()),
                )
                rows.append(row)
                seed_rows.append([label, seed, *row])
                print(
                    f"{label:<9}{row[0]:>8.2f}{row[1]:>10d}{row[2]:>9d}{row[3]:>9d}"
                    f"{row[4]:>10d}{row[5]:>8d}{row[6]:>10d}{row[7]:>11.3f}{row[8]:>8.2f}"
                    f"{row[9]:>10.2f}{row[10]:>6d}   seed {seed}",
                    flush=True,
                )
            values = np.asarray(rows, dtype=float)
            mean = values.mean(axis=0)
            cost_max = values[:, 8].max()
            cells.append([label, _seed_text(seeds), *mean[:9], cost_max, *mean[9:]])
            print(
                f"{label:<9}{mean[0]:>8.2f}{mean[1]:>10.1f}{mean[2]:>9.1f}{mean[3]:>9.1f}"
                f"{mean[4]:>10.1f}{mean[5]:>8.1f}{mean[6]:>10.1f}{mean[7]:>11.3f}{mean[8]:>8.2f}"
                f"{mean[9]:>10.2f}{mean[10]:>6.1f}   mean of {len(seeds)} seeds"
                f" (cost max {cost_max:.2f})",
                flush=True,
            )
            if results is not None:
                _record_selection(results, key, noise, variance, cells, seed_rows)
                results.save()  # after every cell: an interrupted run keeps what finished
    summary = _selection_summary(cells)
    print(
        f"{noise}: selected no worse than the better fixed alpha in {summary['cells_met']} of "
        f"{len(cells)} cells (thr grid: {summary['cells_met_thresholds']}); pooled SHD "
        f"0.05 {summary['pooled_shd_005']:.1f}, 0.1 {summary['pooled_shd_01']:.1f}, BIC "
        f"{summary['pooled_shd_bic']:.1f}, EBIC {summary['pooled_shd_ebic']:.1f}, 1 path "
        f"{summary['pooled_shd_one_path']:.1f}, thr grid {summary['pooled_shd_thresholds']:.1f};"
        f" cost mean {summary['cost_mean']:.2f}, worst cell {summary['cost_max_cell']:.2f}, "
        f"worst seed {summary['cost_max_seed']:.2f}, cells <= 4x: {summary['cells_cost_met']}",
        flush=True,
    )
    return cells


def _record_selection(results, key, noise, variance, cells, seed_rows):
    """The selection tables and their summary values, under ``key`` (see the docstring)."""
    formats = [".2f", ".1f", ".1f", ".1f", ".1f", ".1f", ".1f", ".3f", ".2f"]
    results.table(
        key,
        ["graph", "seeds", *SELECTION_COLUMNS[:9], "cost max", *SELECTION_COLUMNS[9:]],
        cells,
        title=f"Alpha selection, {noise} noise, CoLiDE-{variance.upper()}: mean over seeds",
        formats=["", "", *formats, ".2f", ".2f", ".1f"],
        note=(
            "SHD 0.05 / SHD 0.1: fixed alpha (the paths' starting fits); SHD BIC: "
            "CoLiDECV with its defaults; SHD EBIC, 1 path, thr grid: read off the same "
            "fits; alpha BIC: mean selected alpha; cost x: CoLiDECV's time over one "
            "default fit (mean of one before and one after), mean and max over seeds; "
            "fits: alphas fitted over both paths."
        ),
    )
    results.table(
        f"{key}_seeds",
        ["graph", "seed", *SELECTION_COLUMNS],
        seed_rows,
        title=f"Alpha selection, {noise} noise: every seed",
        formats=["", "", ".2f", "d", "d", "d", "d", "d", "d", ".3f", ".2f", ".2f", "d"],
    )
    for name, value in _selection_summary(cells).items():
        if isinstance(value, int):
            fmt = "d"
        else:
            fmt = ".1f" if name.startswith("pooled_shd") else ".2f"
        results.value(f"{key}_{name}", value, fmt)


def _selection_summary(cells):
    """Targets and pooled means of a selection table (rows as ``selection_table`` builds)."""
    table = np.asarray([row[2:] for row in cells], dtype=float)
    fixed_005, fixed_01, bic = table[:, 1], table[:, 2], table[:, 3]
    better = np.minimum(fixed_005, fixed_01)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(fixed_005 > 0, bic / fixed_005, np.where(bic > 0, np.inf, 1.0))
    return {
        "n_cells": len(cells),
        "cells_met": int(np.sum(bic <= better + 1e-9)),
        "cells_met_thresholds": int(np.sum(table[:, 6] <= better + 1e-9)),
        "pooled_shd_005": float(fixed_005.mean()),
        "pooled_shd_01": float(fixed_01.mean()),
        "pooled_shd_bic": float(bic.mean()),
        "pooled_shd_ebic": float(table[:, 4].mean()),
        "pooled_shd_one_path": float(table[:, 5].mean()),
        "pooled_shd_thresholds": float(table[:, 6].mean()),
        "worst_ratio_to_005": float(ratio.max()),
        "cost_mean": float(table[:, 8].mean()),
        "cost_max_cell": float(table[:, 8].max()),
        "cost_max_seed": float(table[:, 9].max()),
        "cells_cost_met": int(np.sum(table[:, 8] <= 4.0)),
    }


def standardized_table(sizes, seeds, graphs=GRAPHS, with_dagma=False, results=None):
    """Raw against standardized data (heteroscedastic noise), default alpha.

    Standardizing sets every marginal variance to 1 (varsortability 0.5): what
    a method still finds then does not come from sorting by variance.
    """
    print("\nRaw vs standardized data, hetero noise, default settings (SHD)")
    names = ["CoLiDE-NV", "CoLiDE-EV"] + (["DAGMA"] if with_dagma else [])
    header = "".join(f"{name + ' raw':>15}{name + ' std':>15}" for name in names)
    print(f"{'graph':<9}{'varsort':>8}{header}")
    fits = methods(with_dagma, names)
    table = []
    for d in sizes:
        for graph_type, degree in graphs:
            rows = []
            for seed in seeds:
                B, X = simulate(graph_type, d, degree, True, seed)
                standardized = (X - X.mean(axis=0)) / X.std(axis=0)
                row = [varsortability(X, B)]
                for name in names:
                    row.append(dag_metrics(B, fits[name](X))["shd"])
                    row.append(dag_metrics(B, fits[name](standardized))["shd"])
                rows.append(row)
            mean = np.asarray(rows, dtype=float).mean(axis=0)
            cells = "".join(f"{value:>15.1f}" for value in mean[1:])
            print(
                f"{graph_type}{degree}-{d:<5}{mean[0]:>8.2f}{cells}   mean of {len(seeds)} seeds",
                flush=True,
            )
            table.append([f"{graph_type}{degree}-{d}", _seed_text(seeds), *mean])
    if results is not None:
        columns = [f"{name} {kind}" for name in names for kind in ("raw", "std")]
        results.table(
            "standardized",
            ["graph", "seeds", "varsort", *columns],
            table,
            title="Raw vs standardized data, hetero noise, default settings: mean SHD",
            formats=["", "", ".2f", *[".1f"] * len(columns)],
        )


def bootstrap_table(sizes, seeds, n_bootstrap, graphs=GRAPHS, results=None):
    """AUROC of the bootstrap frequency of each directed edge against the truth."""
    from sklearn.metrics import roc_auc_score

    print(f"\nBootstrap edge frequencies (CoLiDE-NV, {n_bootstrap} resamples), hetero noise")
    print(f"{'graph':<9}{'AUROC':>8}{'true freq':>11}{'false freq':>12}{'consensus SHD':>15}")
    table = []
    for d in sizes:
        off_diagonal = ~np.eye(d, dtype=bool)
        for graph_type, degree in graphs:
            rows = []
            for seed in seeds:
                B, X = simulate(graph_type, d, degree, True, seed)
                result = edge_stability(CoLiDE(), X, n_bootstrap=n_bootstrap, random_state=seed)
                truth = B[off_diagonal] != 0
                frequency = result.frequency[off_diagonal]
                rows.append(
                    (
                        roc_auc_score(truth, frequency),
                        frequency[truth].mean(),
                        frequency[~truth].mean(),
                        dag_metrics(B, result.consensus)["shd"],
                    )
                )
            mean = np.asarray(rows).mean(axis=0)
            print(
                f"{graph_type}{degree}-{d:<5}{mean[0]:>8.3f}{mean[1]:>11.3f}{mean[2]:>12.4f}"
                f"{mean[3]:>15.1f}   mean of {len(seeds)} seeds",
                flush=True,
            )
            table.append([f"{graph_type}{degree}-{d}", _seed_text(seeds), *mean])
    if results is not None:
        results.table(
            "bootstrap",
            ["graph", "seeds", "AUROC", "true freq", "false freq", "consensus SHD"],
            table,
            title=f"Bootstrap edge frequencies (CoLiDE-NV, {n_bootstrap} resamples), hetero noise",
            formats=["", "", ".3f", ".3f", ".4f", ".1f"],
        )


def _reversed_rows(X):
    """The same data, rows in reverse order: the covariance changes at rounding level."""
    return np.ascontiguousarray(X[::-1])


def optimizer_table(seeds, sizes=(20,), graphs=(("ER", 2), ("ER", 4)), results=None):
    """Each optimizer against the reference Adam schedule, stage by stage.

    "adam, rows reversed" is the reference itself on the data with its rows in
    reverse order: the same problem up to rounding in the covariance, which
    measures how far Adam's own stage objectives move under rounding alone.
    OWL-QN runs on the degree-2 graphs at d = 20 only (it stalls on the others).
    """
    print("\nOptimizers against the reference Adam ('adam'), hetero noise, objective per stage")
    print(
        f"{'graph':<8}{'var':<5}{'contender':<22}{'stages <= adam':>15}{'worst gap':>11}"
        f"{'median gap':>12}{'median |gap|':>14}{'time':>9}{'time adam':>11}{'same SHD':>10}"
    )
    table = []
    for d in sizes:
        for graph_type, degree in graphs:
            contenders = ["lazy-adam", "adam, rows reversed"]
            if d == 20 and degree == 2:
                contenders.append("owlqn")
            for variance in ("nv", "ev"):
                rows = {name: {"gaps": [], "time": [], "same": 0} for name in contenders}
                reference_times = []
                for seed in seeds:
                    B, X = simulate(graph_type, d, degree, True, seed)
                    start = time.perf_counter()
                    reference = CoLiDE(variance=variance, optimizer="adam").fit(X)
                    reference_times.append(time.perf_counter() - start)
                    reference_shd = dag_metrics(B, reference.adjacency_)["shd"]
                    for name in contenders:
                        optimizer = "adam" if name.startswith("adam") else name
                        data = _reversed_rows(X) if name.endswith("reversed") else X
                        start = time.perf_counter()
                        model = CoLiDE(variance=variance, optimizer=optimizer).fit(data)
                        rows[name]["time"].append(time.perf_counter() - start)
                        rows[name]["same"] += (
                            dag_metrics(B, model.adjacency_)["shd"] == reference_shd
                        )
                        if model.s_ != reference.s_:  # a stage retried with another s
                            continue
                        ours = np.asarray(model.stage_objective_)
                        theirs = np.asarray(reference.stage_objective_)
                        rows[name]["gaps"].extend((ours - theirs) / np.abs(theirs))
                for name, row in rows.items():
                    gaps = np.asarray(row["gaps"])
                    print(
                        f"{graph_type}{degree}-{d:<4}{variance:<5}{name:<22}"
                        f"{np.sum(gaps <= 1e-6):>9d} / {gaps.size:<4d}{gaps.max():>11.1e}"
                        f"{np.median(gaps):>12.1e}{np.median(np.abs(gaps)):>14.1e}"
                        f"{np.mean(row['time']):>8.2f}s{np.mean(reference_times):>10.2f}s"
                        f"{row['same']:>6d} / {len(seeds)}",
                        flush=True,
                    )
                    table.append(
                        [
                            f"{graph_type}{degree}-{d}",
                            variance,
                            name,
                            int(np.sum(gaps <= 1e-6)),
                            int(gaps.size),
                            gaps.max(),
                            np.median(gaps),
                            np.median(np.abs(gaps)),
                            np.mean(row["time"]),
                            np.mean(reference_times),
                            int(row["same"]),
                            len(seeds),
                        ]
                    )
    if results is not None:
        results.table(
            "optimizer",
            ["graph", "variance", "contender", "stages <= adam", "stages", "worst gap"]
            + ["median gap", "median |gap|", "time s", "time adam s", "same SHD", "seeds"],
            table,
            title="Optimizers against the reference Adam, hetero noise, objective per stage",
            formats=["", "", "", "d", "d", ".1e", ".1e", ".1e", ".2f", ".2f", "d", "d"],
            note="gap: (stage objective - adam's) / |adam's|, over the stages of every seed.",
        )


def sachs_table(with_dagma, results=None):
    sachs = load_sachs()
    title = "Sachs (853 samples, 11 proteins, 17-edge consensus graph), raw intensities"
    print(f"\n{title}")
    table = []
    for name, fit in methods(with_dagma).items():
        start = time.perf_counter()
        m = dag_metrics(sachs.adjacency, fit(sachs.data))
        seconds = time.perf_counter() - start
        print(
            f"  {name:<11} SHD {m['shd']:>3}  TPR {m['tpr']:.2f}  FDR {m['fdr']:.2f}  "
            f"edges {m['n_edges']:>3}  {seconds:.2f} s"
        )
        table.append([name, m["shd"], m["tpr"], m["fdr"], m["n_edges"], seconds])
    if results is not None:
        results.table(
            "sachs",
            ["method", "SHD", "TPR", "FDR", "edges", "time s"],
            table,
            title=title,
            formats=["", "d", ".2f", ".2f", "d", ".2f"],
        )


def warm_up():
    """Compile (or load from the numba cache) every CoLiDE kernel before any timing."""
    start = time.perf_counter()
    _, X = simulate("ER", 5, 1, True, 0)
    for variance in ("nv", "ev"):
        for optimizer in ("adam", "lazy-adam"):
            CoLiDE(variance=variance, optimizer=optimizer, max_iter=20).fit(X)
    print(f"CoLiDE kernels compiled or loaded in {time.perf_counter() - start:.1f} s (not timed)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first-seed, ...")
    parser.add_argument(
        "--seeds-at",
        nargs="*",
        default=[],
        metavar="D=N",
        help="another number of seeds at one size, e.g. 100=10 (selection table only)",
    )
    parser.add_argument(
        "--results-name",
        default=None,
        help="JSON file benchmarks/results/<name>.json (default: one per mode, see above)",
    )
    parser.add_argument("--dagma-max-d", type=int, default=100)
    parser.add_argument("--no-dagma", action="store_true")
    parser.add_argument("--graphs", nargs="*", help="subset, e.g. ER4 SF2")
    parser.add_argument("--noise", choices=["hetero", "equal", "both"], default="both")
    parser.add_argument("--methods", nargs="*", choices=METHODS, default=list(METHODS))
    parser.add_argument(
        "--optimizer-sizes", type=int, nargs="*", default=[20], help="d of the optimizer table"
    )
    parser.add_argument("--optimizer-only", action="store_true", help="only the optimizer table")
    parser.add_argument(
        "--selection", action="store_true", help="only the alpha-selection table (CoLiDECV)"
    )
    parser.add_argument(
        "--standardized", action="store_true", help="only the raw vs standardized table"
    )
    parser.add_argument(
        "--bootstrap", type=int, default=0, help="only the bootstrap AUROC table (resamples)"
    )
    parser.add_argument("--per-seed", action="store_true", help="print every seed's SHD")
    parser.add_argument("--skip-extra", action="store_true", help="no optimizer/Sachs tables")
    parser.add_argument(
        "--alpha", type=float, default=None, help="CoLiDE's l1 weight (default: its own)"
    )
    parser.add_argument(
        "--blas-threads", type=int, default=1, help="BLAS threads per fit (0: leave as is)"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    try:
        import dagma  # noqa: F401
    except ImportError:
        args.no_dagma = True
        print("dagma is not installed (make bench): CoLiDE only")
    sizes = args.sizes or ([20, 50] if args.quick else [20, 50, 100])
    n_seeds = args.seeds or (3 if args.quick else 5)
    seeds = list(range(args.first_seed, args.first_seed + n_seeds))
    dagma_max_d = -1 if args.no_dagma else args.dagma_max_d
    graphs = GRAPHS
    if args.graphs:
        graphs = tuple((name[:2], int(name[2:])) for name in args.graphs)
    noises = {"hetero": (True,), "equal": (False,), "both": (True, False)}[args.noise]
    seeds_at = {}
    for item in args.seeds_at:
        size, _, count = item.partition("=")
        seeds_at[int(size)] = list(range(args.first_seed, args.first_seed + int(count)))

    def seeds_for(d):
        return seeds_at.get(d, seeds)

    results = Results(_results_name(args, noises), script="bench_dag")
    with contextlib.ExitStack() as stack:
        if args.blas_threads > 0:
            from threadpoolctl import threadpool_limits

            stack.enter_context(threadpool_limits(limits=args.blas_threads, user_api="blas"))
            print(f"BLAS threads per fit: {args.blas_threads}")
        warm_up()
        if args.optimizer_only:
            optimizer_table(seeds, args.optimizer_sizes, results=results)
        elif args.selection:
            for heteroscedastic in noises:
                selection_table(sizes, seeds_for, graphs, heteroscedastic, results=results)
        elif args.standardized:
            standardized_table(sizes, seeds, graphs, with_dagma=not args.no_dagma, results=results)
        elif args.bootstrap:
            bootstrap_table(sizes, seeds, args.bootstrap, graphs, results=results)
        else:
            accuracy_table(
                sizes,
                seeds,
                dagma_max_d,
                graphs,
                noises,
                args.methods,
                args.per_seed,
                args.alpha,
                results=results,
            )
            if not args.skip_extra:
                optimizer_table(seeds, args.optimizer_sizes, results=results)
                sachs_table(not args.no_dagma, results=results)
    results.save()


def _results_name(args, noises):
    """The JSON file's name: --results-name, else one per mode (see the docstring)."""
    if args.results_name:
        return args.results_name
    if args.optimizer_only:
        return "bench_dag_optimizer"
    if args.selection:
        return "bench_dag_selection_equal" if noises == (False,) else "bench_dag_selection"
    if args.standardized:
        return "bench_dag_standardized"
    if args.bootstrap:
        return "bench_dag_bootstrap"
    return "bench_dag"


if __name__ == "__main__":
    main()
