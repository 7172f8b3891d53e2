"""
==========================================================
Which source tasks help a target task? The ν¹ strategy
==========================================================

Wang, Chen, Jamieson and Du (ICML 2023) learn a representation shared by many
source tasks to help a target task with little data, and decide *where* to
spend the source samples: the target head is a combination ``W ν`` of the
source heads, ν is estimated by a Lasso regression of the target predictions
on the source predictions, and the next round draws source samples in
proportion to ``|ν̂_m|`` (the ν¹ strategy) — rather than ``ν̂_m²`` (ν², Chen et
al. 2022) or uniformly.

:class:`sparsestat.task_selection.TaskSelector` implements the three strategies with
a sampling callback, here the simulator
:func:`sparsestat.datasets.make_multitask_representation` (12 sources, a
rank-12 representation in 40 dimensions, 2 relevant sources).  We plot the
target excess risk against the total number of source samples, averaged
(geometrically) over 6 random problems.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sparsestat.datasets import make_multitask_representation
from sparsestat.task_selection import TaskSelector

curves = {}
floors = []  # the target head fitted on the 200 target samples in the true representation
for seed in range(6):
    truth = make_multitask_representation(12, 40, 12, 2, noise=1.0, random_state=seed)
    X0, y0 = truth.sample(-1, 200)
    floors.append(truth.target_excess_risk(truth.B @ np.linalg.lstsq(X0 @ truth.B, y0)[0]))
for strategy in ("l1", "l2", "uniform"):
    risks = []
    for seed in range(6):
        truth = make_multitask_representation(12, 40, 12, 2, noise=1.0, random_state=seed)
        target = truth.sample(-1, 200)
        selector = TaskSelector(strategy=strategy, rank=12, n_rounds=4, budget_per_round=120)
        selector.fit_active(truth.sample, 12, target)
        risks.append([truth.target_excess_risk(h["target_coef"]) for h in selector.history_])
    totals = [h["n_samples_total"] for h in selector.history_]
    curves[strategy] = np.exp(np.log(np.array(risks)).mean(axis=0))


def samples_to_reach(risks, threshold):
    """Total source samples at which the log-log interpolated risk hits ``threshold``."""
    for i in range(1, len(risks)):
        if risks[i] <= threshold:
            fraction = np.log(threshold / risks[i - 1]) / np.log(risks[i] / risks[i - 1])
            return totals[i - 1] * (totals[i] / totals[i - 1]) ** fraction
    return np.inf


for threshold in (1.0, 0.5, 0.3, 0.2, 0.1):
    needed = {s: samples_to_reach(c, threshold) for s, c in curves.items()}
    print(
        f"risk {threshold}: l1 needs {needed['l1']:.0f} source samples; "
        f"l2 {needed['l2'] / needed['l1']:.2f}x as many, uniform "
        f"{needed['uniform'] / needed['l1']:.2f}x"
    )
print(
    f"after {totals[-1]} source samples: l1 {curves['l1'][-1]:.3f}, l2 {curves['l2'][-1]:.3f}, "
    f"uniform {curves['uniform'][-1]:.3f}; the floor no allocation can beat (true "
    f"representation, head on the 200 target samples): {np.exp(np.mean(np.log(floors))):.3f}"
)

# %%
fig, ax = plt.subplots(figsize=(6, 4))
labels = {"l1": "ν¹: ∝ |ν̂| (Lasso)", "l2": "ν²: ∝ ν̂² (least squares)", "uniform": "uniform"}
for strategy, values in curves.items():
    ax.loglog(totals, values, marker="o", label=labels[strategy])
ax.set_xlabel("total source samples")
ax.set_ylabel("target excess risk")
ax.grid(alpha=0.3, which="both")
ax.legend()
plt.show()
