"""
==========================================================
Support recovery: Lasso against MCP, SCAD, ℓ1/2 and L0
==========================================================

The Lasso shrinks every coefficient by the same amount, so the ``alpha`` that
predicts best keeps many small false positives.  Nonconvex penalties (MCP,
SCAD, ℓq with q = 1/2, L0) stop shrinking large coefficients and select sparser,
more accurate supports.  We simulate a sparse linear model with correlated
features (:func:`sparsestat.datasets.make_sparse_regression`), choose ``alpha``
for each penalty by 5-fold cross-validation
(:class:`sparsestat.linear_model.SparseRegressionCV`), and compare the F1 score
of the recovered support, the estimation error and the prediction error on
fresh data.  Then we draw each regularization path.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import f1_score, mean_squared_error

from sparsestat.datasets import make_sparse_regression
from sparsestat.linear_model import SparseRegressionCV, sparse_path
from sparsestat.plotting import plot_cv_curve, plot_regularization_path

X_all, y_all, coef = make_sparse_regression(
    n_samples=1300, n_features=400, n_informative=10, rho=0.6, snr=4.0, random_state=0
)
X, y = X_all[:300], y_all[:300]  # fit on 300 samples
X_test, y_test = X_all[300:], y_all[300:]  # measure prediction on 1000 fresh ones

penalties = {
    "Lasso": dict(penalty="l1"),
    "MCP": dict(penalty="mcp", gamma=3.0),
    "SCAD": dict(penalty="scad", gamma=3.7),
    "l1/2": dict(penalty="lq", q=0.5),
    "L0": dict(penalty="l0"),
}
truth = coef != 0
print(f"{'penalty':<8}{'kept':>6}{'F1':>7}{'||w - w*||':>12}{'test MSE':>10}")
models = {}
for name, params in penalties.items():
    model = models[name] = SparseRegressionCV(n_alphas=40, **params).fit(X, y)
    kept = model.coef_ != 0
    print(
        f"{name:<8}{kept.sum():>6}{f1_score(truth, kept):>7.2f}"
        f"{np.linalg.norm(model.coef_ - coef):>12.3f}"
        f"{mean_squared_error(y_test, model.predict(X_test)):>10.3f}"
    )

# %%
# Cross-validation curves
# -----------------------
# Mean held-out error over the 5 folds (band: its standard error) and the
# chosen alpha of each penalty.
fig, axes = plt.subplots(1, len(models), figsize=(18, 3.6))
for axis, (name, model) in zip(axes, models.items(), strict=True):
    plot_cv_curve(model, ax=axis)
    axis.set_title(name)
fig.tight_layout()
plt.show()

# %%
# Regularization paths
# --------------------
# The Lasso's path is continuous in ``alpha``; the nonconvex penalties' paths
# may jump (their prox is discontinuous).  True coefficients are drawn in
# colour, the others in grey.
fig, axes = plt.subplots(1, len(penalties), figsize=(18, 4), sharey=True)
for axis, (name, params) in zip(axes, penalties.items(), strict=True):
    alphas, coefs, _ = sparse_path(X, y, n_alphas=60, eps=1e-2, **params)
    plot_regularization_path(alphas, coefs, ax=axis, highlight=truth, title=name)
axes[0].set_ylabel("coefficient")
fig.tight_layout()
plt.show()
