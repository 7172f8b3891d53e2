"""
===========================================
Thresholding operators beyond soft and hard
===========================================

Every penalty in :mod:`sparsestat.penalties` comes with its proximal operator

.. math::

    \\operatorname{prox}_{t\\,\\mathrm{pen}}(z)
    = \\arg\\min_x \\tfrac12 (x - z)^2 + t\\,\\mathrm{pen}(x).

For the ℓ1 norm it is soft thresholding; for ℓ0 it is hard thresholding; the
ℓq quasi-norms (q = 1/2, 2/3 or any q in (0, 1)), CEL0, MCP and SCAD sit in
between: they zero small inputs like ℓ1 but shrink large ones less, or not at
all.  This example draws them side by side, then shows how the weighted group
sparse envelope (WGSEF) keeps or drops whole groups of variables.
"""

# %%
# Scalar thresholding operators
# -----------------------------
# All proxes are exact global minimisers (closed forms, or Newton's method on the
# stationarity equation for general q; ``tests/penalties/test_separable.py`` checks
# them against brute force), written against the array API and tested with numpy
# and array-api-strict (not yet run on a GPU).
import matplotlib.pyplot as plt
import numpy as np

from sparsestat.penalties import CEL0, L0, L1, MCP, SCAD, WGSEF, Lq
from sparsestat.plotting import plot_proximal_operators

penalties = {
    "soft (L1)": L1(alpha=1.0),
    "hard (L0)": L0(alpha=1.0),
    "half (q = 1/2)": Lq(alpha=1.0, q=0.5),
    "q = 0.2": Lq(alpha=1.0, q=0.2),
    "CEL0 (a = 0.9)": CEL0(alpha=1.0, column_norms=[0.9]),
    "MCP (gamma = 3)": MCP(alpha=1.0, gamma=3.0),
    "SCAD (gamma = 3.7)": SCAD(alpha=1.0, gamma=3.7),
}
plot_proximal_operators(penalties, step=1.0)
plt.show()

# %%
# The thresholds are exact: hard thresholding keeps ``|z| > sqrt(2·step·alpha)``,
# the ℓq prox jumps from 0 to ``beta`` at ``tau``.
half = Lq(alpha=1.0, q=0.5)
tau, beta = half.threshold(step=1.0), half.jump(step=1.0)
print(f"half thresholding: zero up to |z| = {tau:.4f}, then jumps to {beta:.4f}")
print(f"hard thresholding keeps |z| > {L0(alpha=1.0).threshold(step=1.0):.4f}")

# %%
# Group selection with WGSEF
# --------------------------
# WGSEF penalises the k-support norm of the vector of group norms.  One prox
# step keeps at least ``k`` groups; as ``alpha`` grows it concentrates on the
# ``k`` strongest ones.  Its numba prox finds the multiplier by
# median-of-breakpoints selection, without sorting.
rng = np.random.default_rng(0)
n_groups, group_size, k = 40, 5, 4
groups = np.repeat(np.arange(n_groups), group_size)
strength = np.sort(rng.exponential(size=n_groups))[::-1]
z = rng.standard_normal(n_groups * group_size) * np.repeat(strength, group_size)

alphas = np.logspace(-3, 1, 30)
kept = []
for alpha in alphas:
    pen = WGSEF(k=k, alpha=alpha, groups=groups)
    kept.append(pen.active_groups(pen.prox(z, step=1.0)).size)
print("groups kept:", kept)

fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogx(alphas, kept, marker="o")
ax.axhline(k, color="k", linestyle="--", label=f"k = {k}")
ax.set_xlabel("alpha")
ax.set_ylabel("groups kept by one prox step")
ax.set_title("WGSEF prox: groups kept as alpha grows")
ax.legend()
plt.show()
