"""Demo step: CoLiDE on the Sachs protein-signalling data and on a heteroscedastic simulation."""

from __future__ import annotations

import time

import numpy as np

from sparsestat.dag import (
    CoLiDE,
    CoLiDECV,
    dag_metrics,
    edge_stability,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameters,
)
from sparsestat.datasets import load_sachs


def _report(label, truth, model, seconds):
    m = dag_metrics(truth, model.adjacency_)
    print(
        f"  {label:<24} SHD {m['shd']:>3}  TPR {m['tpr']:.2f}  FDR {m['fdr']:.2f}  "
        f"edges {m['n_edges']:>3}  {seconds:.2f} s"
    )


def _without_truth(sachs):
    """Alpha by BIC, least-squares effects and bootstrap frequencies on Sachs."""
    names = sachs.feature_names
    start = time.perf_counter()
    selection = CoLiDECV(refit=True).fit(sachs.data)
    seconds = time.perf_counter() - start
    print(
        f"  CoLiDECV (BIC): alpha {selection.alpha_:.3g} of "
        f"{', '.join(f'{a:.3g}' for a in selection.alphas_)}; edges along the paths "
        f"from 0.1 and 0.05 (-1: skipped by the early stop): "
        f"{selection.n_edges_path_.tolist()}; {seconds:.2f} s"
    )
    _report("CoLiDECV, selected alpha", sachs.adjacency, selection, seconds)
    effects = selection.adjacency_
    strongest = sorted(zip(*np.nonzero(effects), strict=True), key=lambda e: -abs(effects[e]))
    listed = ", ".join(f"{names[i]}->{names[j]} {effects[i, j]:+.2f}" for i, j in strongest[:5])
    print(f"  refitted (least-squares) effects, largest: {listed}")
    start = time.perf_counter()
    stability = edge_stability(
        CoLiDE(alpha=selection.alpha_), sachs.data, n_bootstrap=20, random_state=0
    )
    seconds = time.perf_counter() - start
    literature = sachs.adjacency != 0
    off_diagonal = ~np.eye(len(names), dtype=bool)
    undirected = stability.undirected_frequency
    known = undirected[literature]
    others = undirected[off_diagonal & ~(literature | literature.T)]
    print(
        f"  bootstrap (20 resamples, {seconds:.1f} s), frequency of an edge in either "
        f"direction: the 17 consensus edges median {np.median(known):.2f} "
        f"(mean {known.mean():.2f}, {np.sum(known > 0.5)} above 0.5); the other pairs "
        f"median {np.median(others):.2f} (mean {others.mean():.3f}, "
        f"{np.sum(others > 0.5) // 2} above 0.5)"
    )
    m = dag_metrics(sachs.adjacency, stability.consensus)
    print(f"  bootstrap consensus DAG: {m['n_edges']} edges, SHD {m['shd']}")
    return stability


def run(output_dir):
    """The DAG step, with one thread per native library: the tests assert these Sachs numbers
    under the same limit (the thread count can change a hard estimate's last
    digits, and so an edge, on other machines)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _run(output_dir)


def _run(output_dir):
    import matplotlib.pyplot as plt

    from sparsestat.plotting import plot_adjacency, plot_edge_stability

    sachs = load_sachs()
    print("Sachs et al. (2005): 853 cells, 11 proteins, 17-edge consensus graph")
    fitted = {}
    for variance in ("nv", "ev"):
        start = time.perf_counter()
        fitted[variance] = CoLiDE(variance=variance).fit(sachs.data)
        seconds = time.perf_counter() - start
        _report(f"CoLiDE-{variance.upper()}", sachs.adjacency, fitted[variance], seconds)
    order = [sachs.feature_names[k] for k in fitted["nv"].causal_order_]
    print(f"  causal order (NV): {' > '.join(order)}")
    stability = _without_truth(sachs)

    d = 20
    B = simulate_dag(d, 2 * d, "ER", random_state=0)
    W = simulate_parameters(B, random_state=0)
    scale = np.sqrt(np.random.default_rng(0).uniform(0.5, 10.0, d))
    X = simulate_linear_sem(W, 1000, noise_scale=scale, random_state=0)
    print("simulated ER2 graph, 20 nodes, noise variances in [0.5, 10]")
    for variance in ("nv", "ev"):
        start = time.perf_counter()
        model = CoLiDE(variance=variance).fit(X)
        _report(f"CoLiDE-{variance.upper()}", B, model, time.perf_counter() - start)

    figure, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    plot_adjacency(sachs.adjacency, labels=sachs.feature_names, ax=axes[0], title="consensus")
    plot_adjacency(
        fitted["nv"].adjacency_,
        reference=sachs.adjacency,
        labels=sachs.feature_names,
        ax=axes[1],
        title="CoLiDE-NV",
    )
    plot_edge_stability(
        stability, reference=sachs.adjacency, labels=sachs.feature_names, ax=axes[2]
    )
    figure.tight_layout()
    path = output_dir / "colide_sachs.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"  figure: {path}")
