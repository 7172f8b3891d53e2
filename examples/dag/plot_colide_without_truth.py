"""
CoLiDE without ground truth: alpha, effect sizes and edge confidence
====================================================================

On real data nobody hands you the true graph to tune ``alpha`` against.  This
example runs the three tools of :mod:`sparsestat.dag` meant for that case on
the Sachs et al. (2005) protein-signalling data (853 cells, 11 proteins):

1. :class:`~sparsestat.dag.CoLiDECV` chooses ``alpha`` by the BIC of the
   thresholded, least-squares-refitted DAG along a warm-started path;
2. ``refit=True`` replaces the ℓ1-shrunk weights by least-squares effects;
3. :func:`~sparsestat.dag.edge_stability` refits on bootstrap resamples and
   reports how often each edge comes back.

The 17-edge consensus graph of the biology literature is used only at the end,
to see how the data-only answers line up with it.
"""

import matplotlib.pyplot as plt
import numpy as np

from sparsestat.dag import CoLiDE, CoLiDECV, dag_metrics, edge_stability
from sparsestat.datasets import load_sachs
from sparsestat.plotting import plot_adjacency, plot_alpha_selection, plot_edge_stability

sachs = load_sachs()
X, names = sachs.data, sachs.feature_names

# %%
# Alpha from the data
# -------------------
# Two central paths, at 0.1 and at 0.05; from each, one warm stage per other
# alpha of the grid (0.2 down to 0.025), until the BIC stops improving (three
# alphas in a row toward smaller alphas, one toward larger ones).  Lower BIC is
# better; the estimate with the lowest BIC over both paths is kept.
selection = CoLiDECV(refit=True).fit(X)
for start, bics, edges, fitted in zip(
    selection.path_start_alphas_,
    selection.criterion_path_,
    selection.n_edges_path_,
    selection.path_fitted_,
    strict=True,
):
    print(f"path from {start:.3g}:")
    for alpha, bic, n_edges, done in zip(selection.alphas_, bics, edges, fitted, strict=True):
        if done:
            print(f"  alpha {alpha:.3f}: BIC {bic:10.1f}, {n_edges:2d} edges")
        else:
            print(f"  alpha {alpha:.3f}: not fitted (the path stopped before it)")
print(f"selected alpha: {selection.alpha_:.3g} (path, alpha) = {selection.best_index_}")
plot_alpha_selection(selection, title="Sachs: BIC along the path")

# %%
# Effect sizes on the selected graph
# ----------------------------------
# With ``refit=True`` ``adjacency_`` holds the least-squares regression of
# each protein on its learned parents (the ℓ1 penalty no longer shrinks them)
# and ``noise_scale_`` the residual scale of each node.
effects = selection.adjacency_
for i, j in sorted(zip(*np.nonzero(effects), strict=True), key=lambda e: -abs(effects[e])):
    print(f"{names[i]:>8} -> {names[j]:<8} {effects[i, j]:+.3f}")

# %%
# How sure is each edge?
# ----------------------
# 30 bootstrap resamples (use 100 or more for a report; ``n_jobs`` spreads
# them over cores), CoLiDE at the selected alpha.  The consensus keeps the
# edges found in more than half of the fits.
stability = edge_stability(CoLiDE(alpha=selection.alpha_), X, n_bootstrap=30, random_state=0)
frequency = stability.frequency
print(f"{np.count_nonzero(stability.consensus)} consensus edges (frequency > 0.5)")
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
plot_edge_stability(stability, labels=names, ax=axes[0])
plot_adjacency(
    stability.consensus,
    reference=sachs.adjacency,
    labels=names,
    ax=axes[1],
    title="consensus (black: literature graph)",
)
fig.tight_layout()

# %%
# Against the literature graph
# ----------------------------
# Frequencies of the literature's 17 edges against all other ordered pairs,
# in either direction (the data alone cannot orient every edge).
literature = sachs.adjacency != 0
off_diagonal = ~np.eye(len(names), dtype=bool)
undirected = stability.undirected_frequency
known = undirected[literature]
others = undirected[off_diagonal & ~(literature | literature.T)]
print(f"literature edges, either direction: median frequency {np.median(known):.2f}")
print(f"other pairs:                        median frequency {np.median(others):.2f}")
for name, graph in (("selected", selection.adjacency_), ("consensus", stability.consensus)):
    m = dag_metrics(sachs.adjacency, graph)
    print(f"{name:>9}: SHD {m['shd']}, {m['n_edges']} edges, {m['true_positives']} literature")
plt.show()
