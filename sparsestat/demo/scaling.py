"""Demo step: fits from dask sufficient statistics (rows beyond memory), one pass, many fits."""

from __future__ import annotations

import os
import time

import numpy as np


def run(output_dir):
    try:
        import dask
        import dask.array as da
    except ImportError:  # the dask extra is optional
        print("  dask is not installed (pip install sparsestat[dask]): step skipped")
        return
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import StandardScaler

    from sparsestat import sufficient_statistics
    from sparsestat.linear_model import Lasso, SparseRegression
    from sparsestat.plotting import plot_regularization_path

    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    names = load_diabetes().feature_names
    # the diabetes rows as a dask array in 9 chunks, reduced on dask's threads
    statistics = sufficient_statistics(da.from_array(X, chunks=(50, -1)), da.from_array(y))
    print(
        f"diabetes: {statistics.n_samples} rows in 9 dask chunks -> moments "
        f"({statistics.n_features} x {statistics.n_features})"
    )
    alphas = np.geomspace(20.0, 0.02, 30)
    start = time.perf_counter()
    path = np.column_stack(
        [Lasso(alpha=a, tol=1e-10).fit_from_statistics(statistics).coef_ for a in alphas]
    )
    seconds = time.perf_counter() - start
    in_memory = np.column_stack([Lasso(alpha=a, tol=1e-10).fit(X, y).coef_ for a in alphas])
    print(
        f"  Lasso path, 30 alphas from the statistics: {seconds * 1e3:.0f} ms; "
        f"max |difference| to fits on the rows {np.abs(path - in_memory).max():.1e}"
    )
    mcp_rows = SparseRegression("mcp", alpha=1.0).fit(X, y)
    mcp_moments = SparseRegression("mcp", alpha=1.0).fit_from_statistics(statistics)
    kept = [names[j] for j in np.flatnonzero(mcp_moments.coef_)]
    difference = np.abs(mcp_moments.coef_ - mcp_rows.coef_).max()
    print(
        f"  MCP (alpha 1) from the statistics keeps {kept}; "
        f"max |difference| to the fit on the rows {difference:.1e}"
    )

    n_rows, n_features = 2_000_000, 50
    state = da.random.RandomState(0)
    X_lazy = state.standard_normal((n_rows, n_features), chunks=(250_000, n_features))
    truth = np.zeros(n_features)
    truth[:5] = [3.0, -2.0, 1.5, 1.0, -0.5]
    y_lazy = X_lazy @ truth + 1.0 + state.standard_normal(n_rows, chunks=250_000)
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    with dask.config.set(scheduler="threads"):
        model = Lasso(alpha=1e-3).fit(X_lazy, y_lazy)
    seconds = time.perf_counter() - start
    print(
        f"lazy dask array, {n_rows:,} x {n_features} ({X_lazy.nbytes / 2**20:.0f} MiB, never "
        f"in memory at once): generated, reduced and fitted in {seconds:.1f} s "
        f"({n_rows / seconds / cores:,.0f} rows/s/core on {cores} cores); "
        f"max |coef - truth| {np.abs(model.coef_ - truth).max():.1e}"
    )

    figure, ax = plt.subplots(figsize=(6.5, 4))
    plot_regularization_path(alphas, path, ax=ax, title="Lasso path from dask statistics")
    for line, name in zip(ax.lines, names, strict=False):
        line.set_label(name)
    ax.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    target = output_dir / "scaling_lasso_path.png"
    figure.savefig(target, dpi=110)
    plt.close(figure)
    print(f"  figure: {target}")
