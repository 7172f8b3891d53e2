"""
Sparse regression on more rows than fit in memory (dask)
========================================================

A least-squares fit depends on the data only through a few moments: the
means, ``Σ (x − x̄)(x − x̄)ᵀ``, ``Σ (x − x̄)(y − ȳ)`` and ``Σ (y − ȳ)²``.
:func:`sparsestat.sufficient_statistics` computes them in one pass over chunks
of rows — for a :mod:`dask.array`, on dask's scheduler, so the rows never have
to be in memory at once — and every quadratic estimator fits from them with
``fit_from_statistics``.  One pass over the data then serves any number of
fits: a whole regularization path, several penalties.

Here a million rows × 40 features are generated lazily by dask (300 MiB,
never materialised), reduced to their 40 × 40 moments, and a Lasso path and an
MCP fit are computed from those.  On a cluster, create a
``distributed.Client`` first: the same calls then run on its workers.
"""

# %%
# A lazily generated design
# -------------------------
# Correlated features (each column mixes its neighbour), 6 active coefficients,
# an intercept of 2 and unit noise.  Nothing is computed yet.
import time

import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np

from sparsestat import sufficient_statistics
from sparsestat.linear_model import Lasso, SparseRegression
from sparsestat.plotting import plot_regularization_path

n_rows, n_features = 1_000_000, 40
state = da.random.RandomState(0)
Z = state.standard_normal((n_rows, n_features), chunks=(100_000, n_features))
X = da.concatenate([Z[:, :1], Z[:, 1:] + 0.6 * Z[:, :-1]], axis=1)
truth = np.zeros(n_features)
truth[[2, 9, 15, 23, 30, 37]] = [1.5, -1.0, 0.8, -0.6, 0.4, 0.2]
y = X @ truth + 2.0 + state.standard_normal(n_rows, chunks=100_000)
print(f"X: {X.shape}, {X.nbytes / 2**20:.0f} MiB in {X.numblocks[0]} chunks of rows")

# %%
# One pass over the rows
# ----------------------
# Each chunk is reduced to centred moments and the chunks are merged pairwise
# (Chan, Golub and LeVeque's update), here on dask's local threads.
start = time.perf_counter()
with dask.config.set(scheduler="threads"):
    statistics = sufficient_statistics(X, y)
print(f"statistics of {statistics.n_samples:,} rows in {time.perf_counter() - start:.1f} s")

# %%
# Many fits from the moments
# --------------------------
# Each fit runs coordinate descent on the 40 × 40 Gram matrix held in the
# statistics; it never reads the rows again.
alphas = np.geomspace(1.0, 1e-4, 40)
start = time.perf_counter()
path = np.column_stack(
    [Lasso(alpha=alpha).fit_from_statistics(statistics).coef_ for alpha in alphas]
)
print(f"Lasso path of {alphas.size} alphas: {time.perf_counter() - start:.2f} s")
mcp = SparseRegression("mcp", alpha=0.05).fit_from_statistics(statistics)
print("MCP support:", np.flatnonzero(mcp.coef_), "truth:", np.flatnonzero(truth))
print(f"max |MCP coef − truth| = {np.abs(mcp.coef_ - truth).max():.3f}")

fig, ax = plt.subplots(figsize=(6.5, 4))
plot_regularization_path(alphas, path, ax=ax, highlight=truth != 0)
ax.set_title("Lasso path from the sufficient statistics of 10⁶ rows")
fig.tight_layout()

# %%
# The same in one call
# --------------------
# ``fit`` accepts the dask arrays directly (and ``sample_weight`` as a dask
# array); ``predict`` stays lazy.
with dask.config.set(scheduler="threads"):
    model = Lasso(alpha=1e-3).fit(X, y)
    prediction = model.predict(X)
print(type(prediction).__name__, prediction.shape, "intercept", round(model.intercept_, 3))
