"""
==========================================================
The group envelope: unit balls and what one prox step does
==========================================================

The sparse envelope :math:`S_k` is the convex envelope of
:math:`\\tfrac12\\|b\\|^2` restricted to vectors with at most ``k`` non-zeros —
half the squared k-support norm.  WGSEF applies it to the group norms
:math:`b_g = \\sqrt{d_g}\\,\\|w_g\\|`.  For ``k = 1`` it is the squared
group-lasso norm, for ``k`` equal to the number of groups a weighted ridge;
in between it behaves like a ridge on the ``k`` largest groups and like a
group lasso on the rest.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sparsestat.penalties import WGSEF, envelope_value

# Unit balls {S_k(b) <= 1/2} in the plane of three group norms, b_3 fixed at 0.3
grid = np.linspace(-1.2, 1.2, 301)
B1, B2 = np.meshgrid(grid, grid)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
for k, style in ((1, "-"), (2, "--"), (3, ":")):
    points = zip(B1.ravel(), B2.ravel(), strict=True)
    values = np.array([envelope_value(np.array([a, b, 0.3]), k) for a, b in points])
    values = values.reshape(B1.shape)
    axes[0].contour(B1, B2, values, levels=[0.5], linestyles=style, colors="k")
    axes[0].plot([], [], style, color="k", label=f"k = {k}")
axes[0].set_aspect("equal")
axes[0].set_xlabel("$b_1$")
axes[0].set_ylabel("$b_2$")
axes[0].set_title("unit balls of $S_k$ (slice $b_3 = 0.3$)")
axes[0].legend()

# %%
# One prox step on 10 groups of 4 weights: a small alpha shrinks every group,
# a larger one prunes the weak groups and shrinks the strong ones least.  A
# single convex step keeps at least k groups; the legend prints how many.
# ``GroupSparseRegression(exact_k=True)`` finishes with a projection on the k
# best groups and a refit; ``penalty="wgsef_nonconvex"`` reaches k groups
# without one (see the user guide).
rng = np.random.default_rng(1)
strength = np.array([3.0, 2.6, 2.2, 0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2])
groups = np.repeat(np.arange(10), 4)
z = rng.standard_normal(40) * np.repeat(strength, 4) / 2
width = 0.2
axes[1].bar(
    np.arange(10) - 1.5 * width,
    np.linalg.norm(z.reshape(10, 4), axis=1),
    width,
    label="before",
    color="0.7",
)
for shift, alpha in zip((-0.5, 0.5, 1.5), (0.05, 0.5, 2.0), strict=True):
    pen = WGSEF(k=3, alpha=alpha, groups=groups)
    after = np.linalg.norm(pen.prox(z, step=1.0).reshape(10, 4), axis=1)
    kept = pen.active_groups(pen.prox(z, step=1.0)).size
    axes[1].bar(np.arange(10) + shift * width, after, width, label=f"alpha={alpha} ({kept} kept)")
axes[1].set_xlabel("group")
axes[1].set_ylabel("group norm")
axes[1].set_title("one WGSEF prox step, k = 3")
axes[1].legend()
fig.tight_layout()
plt.show()
