"""Demo step: every regression penalty on scikit-learn's diabetes data."""

from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import cross_val_score

from sparsestat.linear_model import SparseRegression, SparseRegressionCV, sparse_path

PENALTIES = {
    "Lasso (l1)": dict(penalty="l1"),
    "MCP (gamma=3)": dict(penalty="mcp", gamma=3.0),
    "SCAD (gamma=3.7)": dict(penalty="scad", gamma=3.7),
    "l1/2 (lq, q=1/2)": dict(penalty="lq", q=0.5),
    "L0": dict(penalty="l0"),
    "CEL0": dict(penalty="cel0"),
}


def run(output_dir):
    import matplotlib.pyplot as plt

    data = load_diabetes()
    X, y = data.data, data.target
    names = np.asarray(data.feature_names)
    print(f"diabetes: {X.shape[0]} patients, {X.shape[1]} features; alpha chosen by 5-fold CV")
    header = f"{'penalty':<20}{'alpha':>10}{'kept':>6}{'CV R²':>8}{'time s':>8}  features kept"
    print(header)
    print("-" * (len(header) + 20))
    for label, params in PENALTIES.items():
        start = time.perf_counter()
        model = SparseRegressionCV(n_alphas=50, cv=5, **params).fit(X, y)
        elapsed = time.perf_counter() - start
        refit = SparseRegression(alpha=model.alpha_, **params)
        r2 = cross_val_score(refit, X, y, cv=5, scoring="r2").mean()
        kept = np.flatnonzero(model.coef_)
        print(
            f"{label:<20}{model.alpha_:>10.4f}{kept.size:>6}{r2:>8.3f}{elapsed:>8.2f}  "
            + ", ".join(names[kept])
        )

    figure, axes = plt.subplots(1, 3, figsize=(15, 4.5), sharey=True)
    for axis, (label, params) in zip(axes, list(PENALTIES.items())[:3], strict=False):
        alphas, coefs, _ = sparse_path(X, y, n_alphas=100, eps=1e-3, **params)
        for j in range(coefs.shape[0]):
            axis.semilogx(alphas, coefs[j], label=names[j])
        axis.set_title(label)
        axis.set_xlabel("alpha")
        axis.invert_xaxis()
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("coefficient")
    axes[0].legend(fontsize=7, ncol=2)
    figure.tight_layout()
    path = output_dir / "regression_paths_diabetes.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"figure: {path}")
