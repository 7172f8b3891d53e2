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
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import time
import warnings

import numpy as np
from _results import Results

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
    results_out=None,
):
    """Mean SHD/TPR/FDR/time per cell and method; recorded as table ``accuracy_<noise>``
    (and each seed's SHD under ``data``) when ``results_out`` is given."""
    recorded = {}
    print(
        f"{'graph':<8}{'noise':<8}{'method':<14}{'SHD':>11}{'TPR':>13}{'FDR':>13}"
        f"{'time s':>15}{'x DAGMA':>9}"
    )
    for d in sizes:
        for graph_type, degree in graphs:
            for heteroscedastic in noises:
                runs = methods(with_dagma=d <= dagma_max_d, names=names, alpha=alpha)
                results = {name: [] for name in runs}
                for seed in seeds:
                    B, X = simulate(graph_type, d, degree, heteroscedastic, seed)
                    for name, fit in runs.items():
                        start = time.perf_counter()
                        estimate = fit(X)
                        seconds = time.perf_counter() - start
                        m = dag_metrics(B, estimate)
                        results[name].append((m["shd"], m["tpr"], m["fdr"], seconds))
                dagma_time = (
                    np.mean([r[3] for r in results["DAGMA"]]) if "DAGMA" in results else np.nan
                )
                for name, rows in results.items():
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
                    if per_seed:
                        shd = " ".join(f"{int(value):>4d}" for value in rows[:, 0])
                        print(f"{'':<16}{'SHD per seed':<14}{shd}", flush=True)
                cell = recorded.setdefault(noise, {})[label] = {}
                for name, rows in results.items():
                    rows = np.asarray(rows)
                    cell[name] = {
                        "shd": rows[:, 0].tolist(),
                        "tpr": rows[:, 1].tolist(),
                        "fdr": rows[:, 2].tolist(),
                        "seconds": rows[:, 3].tolist(),
                    }
                if results_out is not None:  # after every cell: a long run keeps its cells
                    record_accuracy(results_out, recorded, seeds)
                    results_out.save()


def record_accuracy(results_out, recorded, seeds):
    """Tables ``accuracy_<noise>``; values: cells where CoLiDE-NV's mean SHD is no worse
    than DAGMA's, and the pooled means over the cells."""
    for noise, cells in recorded.items():
        names = list(next(iter(cells.values())))
        columns = ["graph", "seeds", *[f"{name} SHD" for name in names]]
        formats = ["", "", *[""] * len(names)]
        timed = [name for name in names if name != "DAGMA"]
        columns += [f"{name} time (s)" for name in timed]
        formats += [".2f"] * len(timed)
        if "DAGMA" in names:
            columns += [f"{name} × DAGMA" for name in timed] + ["DAGMA time (s)"]
            formats += [".3f"] * len(timed) + [".1f"]
        rows = []
        for label, cell in cells.items():
            shd = [f"{np.mean(cell[n]['shd']):.1f} ± {np.std(cell[n]['shd']):.1f}" for n in names]
            times = [float(np.mean(cell[n]["seconds"])) for n in timed]
            row = [label, f"{seeds[0]}–{seeds[-1]}", *shd, *times]
            if "DAGMA" in names:
                dagma = float(np.mean(cell["DAGMA"]["seconds"]))
                row += [t / dagma for t in times] + [dagma]
            rows.append(row)
        results_out.table(
            f"accuracy_{noise}",
            columns,
            rows,
            title=f"Mean SHD ± sd over the seeds, {noise} noise",
            formats=formats,
            note="× DAGMA: mean time over DAGMA's mean time, in the same run.",
        )
        results_out.data[f"accuracy_{noise}"] = cells
        if "DAGMA" in names and "CoLiDE-NV" in names:
            nv = [np.mean(c["CoLiDE-NV"]["shd"]) for c in cells.values()]
            dagma = [np.mean(c["DAGMA"]["shd"]) for c in cells.values()]
            results_out.value(
                f"{noise}/nv_no_worse_cells", sum(a <= b for a, b in zip(nv, dagma, strict=True))
            )
            results_out.value(f"{noise}/cells", len(nv))
            results_out.value(f"{noise}/nv_pooled", float(np.mean(nv)), ".1f")
            results_out.value(f"{noise}/dagma_pooled", float(np.mean(dagma)), ".1f")
            ratios = [
                np.mean(c["CoLiDE-NV"]["seconds"]) / np.mean(c["DAGMA"]["seconds"])
                for c in cells.values()
            ]
            results_out.value(f"{noise}/nv_time_ratio_max", float(np.max(ratios)), ".3f")


def _ebic_pick(model, X, gamma=0.5):
    """(path, alpha) the extended BIC picks on a fitted CoLiDECV (same fits, other score)."""
    from sparsestat.dag._refit import information_criterion
    from sparsestat.dag.selection import _refitted

    centred = X - X.mean(axis=0)
    covariance = centred.T @ centred / len(X)
    values = np.empty(model.criterion_path_.shape)
    for index in np.ndindex(values.shape):
        edges = to_dag(model.raw_adjacency_path_[index], model.w_threshold) != 0
        weights, variances = _refitted(covariance, edges, model.variance)
        values[index] = information_criterion(
            covariance, len(X), edges, weights, variances, model.variance, "ebic", gamma
        )
    return np.unravel_index(int(np.argmin(values)), values.shape)


def selection_table(sizes, seeds, graphs=GRAPHS, heteroscedastic=True, variance="nv"):
    """Alpha selection without the truth: CoLiDECV (BIC; EBIC read off the same paths)
    against the fixed alphas 0.05 (the default) and 0.1.

    CoLiDECV's paths start with plain CoLiDE fits at 0.1 and 0.05 (tested to be
    identical to fresh fits), so the fixed-alpha SHDs are read off its paths; the
    default fit is also run alone, for the cost ratio (same process, one after the
    other).  "1 path" is CoLiDECV(path_start=0.1), read off the same fits.
    Per seed: the SHDs, the selected alpha, the cost and the data's varsortability.
    """
    noise = "hetero" if heteroscedastic else "equal"
    print(
        f"\nAlpha selection, {noise} noise, CoLiDE-{variance.upper()}: fixed 0.05 and 0.1"
        " against CoLiDECV (BIC; EBIC gamma=0.5 on the same paths; BIC with 1 path from 0.1)"
    )
    print(
        f"{'graph':<9}{'varsort':>8}{'SHD 0.05':>10}{'SHD 0.1':>9}{'SHD BIC':>9}"
        f"{'SHD EBIC':>10}{'1 path':>8}{'alpha BIC':>11}{'cost x':>8}{'t 0.05 s':>10}"
    )
    for d in sizes:
        for graph_type, degree in graphs:
            rows = []
            for seed in seeds:
                B, X = simulate(graph_type, d, degree, heteroscedastic, seed)
                start = time.perf_counter()
                CoLiDE(variance=variance).fit(X)
                seconds = time.perf_counter() - start
                start = time.perf_counter()
                selected = CoLiDECV(variance=variance).fit(X)
                cost = (time.perf_counter() - start) / seconds
                alphas = list(np.round(selected.alphas_, 6))
                starts = list(np.round(selected.path_start_alphas_, 6))

                def shd(row, index, selected=selected, B=B):
                    return dag_metrics(B, to_dag(selected.raw_adjacency_path_[row, index], 0.3))[
                        "shd"
                    ]

                one_path = int(np.argmin(selected.criterion_path_[starts.index(0.1)]))
                row = (
                    varsortability(X, B),
                    shd(starts.index(0.05), alphas.index(0.05)),
                    shd(starts.index(0.1), alphas.index(0.1)),
                    dag_metrics(B, selected.adjacency_)["shd"],
                    shd(*_ebic_pick(selected, X)),
                    shd(starts.index(0.1), one_path),
                    selected.alpha_,
                    cost,
                    seconds,
                )
                rows.append(row)
                print(
                    f"{graph_type}{degree}-{d:<5}{row[0]:>8.2f}{row[1]:>10d}{row[2]:>9d}"
                    f"{row[3]:>9d}{row[4]:>10d}{row[5]:>8d}{row[6]:>11.3f}{row[7]:>8.2f}"
                    f"{row[8]:>10.2f}   seed {seed}",
                    flush=True,
                )
            mean = np.asarray(rows, dtype=float).mean(axis=0)
            print(
                f"{graph_type}{degree}-{d:<5}{mean[0]:>8.2f}{mean[1]:>10.1f}{mean[2]:>9.1f}"
                f"{mean[3]:>9.1f}{mean[4]:>10.1f}{mean[5]:>8.1f}{mean[6]:>11.3f}{mean[7]:>8.2f}"
                f"{mean[8]:>10.2f}   mean of {len(seeds)} seeds",
                flush=True,
            )


def standardized_table(sizes, seeds, graphs=GRAPHS, with_dagma=False):
    """Raw against standardized data (heteroscedastic noise), default alpha.

    Standardizing sets every marginal variance to 1 (varsortability 0.5): what
    a method still finds then does not come from sorting by variance.
    """
    print("\nRaw vs standardized data, hetero noise, default settings (SHD)")
    names = ["CoLiDE-NV", "CoLiDE-EV"] + (["DAGMA"] if with_dagma else [])
    header = "".join(f"{name + ' raw':>15}{name + ' std':>15}" for name in names)
    print(f"{'graph':<9}{'varsort':>8}{header}")
    fits = methods(with_dagma, names)
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


def bootstrap_table(sizes, seeds, n_bootstrap, graphs=GRAPHS):
    """AUROC of the bootstrap frequency of each directed edge against the truth."""
    from sklearn.metrics import roc_auc_score

    print(f"\nBootstrap edge frequencies (CoLiDE-NV, {n_bootstrap} resamples), hetero noise")
    print(f"{'graph':<9}{'AUROC':>8}{'true freq':>11}{'false freq':>12}{'consensus SHD':>15}")
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


def _reversed_rows(X):
    """The same data, rows in reverse order: the covariance changes at rounding level."""
    return np.ascontiguousarray(X[::-1])


def optimizer_table(seeds, sizes=(20,), graphs=(("ER", 2), ("ER", 4))):
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


def sachs_table(with_dagma):
    sachs = load_sachs()
    print("\nSachs (853 samples, 11 proteins, 17-edge consensus graph), raw intensities")
    for name, fit in methods(with_dagma).items():
        start = time.perf_counter()
        m = dag_metrics(sachs.adjacency, fit(sachs.data))
        print(
            f"  {name:<11} SHD {m['shd']:>3}  TPR {m['tpr']:.2f}  FDR {m['fdr']:.2f}  "
            f"edges {m['n_edges']:>3}  {time.perf_counter() - start:.2f} s"
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
    parser.add_argument(
        "--results-name",
        default=None,
        help="name of the results file (benchmarks/results/<name>.json); default bench_dag",
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
    with contextlib.ExitStack() as stack:
        if args.blas_threads > 0:
            from threadpoolctl import threadpool_limits

            stack.enter_context(threadpool_limits(limits=args.blas_threads, user_api="blas"))
            print(f"BLAS threads per fit: {args.blas_threads}")
        warm_up()
        if args.optimizer_only:
            optimizer_table(seeds, args.optimizer_sizes)
            return
        if args.selection:
            for heteroscedastic in noises:
                selection_table(sizes, seeds, graphs, heteroscedastic)
            return
        if args.standardized:
            standardized_table(sizes, seeds, graphs, with_dagma=not args.no_dagma)
            return
        if args.bootstrap:
            bootstrap_table(sizes, seeds, args.bootstrap, graphs)
            return
        name = args.results_name or ("bench_dag_quick" if args.quick else "bench_dag")
        results_out = Results(name)
        accuracy_table(
            sizes,
            seeds,
            dagma_max_d,
            graphs,
            noises,
            args.methods,
            args.per_seed,
            args.alpha,
            results_out=results_out,
        )
        if not args.skip_extra:
            optimizer_table(seeds, args.optimizer_sizes)
            sachs_table(not args.no_dagma)


if __name__ == "__main__":
    main()
