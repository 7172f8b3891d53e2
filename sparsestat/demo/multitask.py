"""Demo step: shared supports with the multitask Lasso, and source-task selection (ν¹)."""

from __future__ import annotations

import numpy as np

from sparsestat.datasets import make_multitask_representation
from sparsestat.linear_model import MultiTaskLasso, SparseRegression
from sparsestat.task_selection import TaskSelector


def shared_support(rng):
    n, p, n_tasks, support = 30, 200, 8, 10
    rows = rng.choice(p, support, replace=False)
    W = np.zeros((p, n_tasks))
    W[rows] = rng.standard_normal((support, n_tasks))
    X = rng.standard_normal((n, p))
    Y = X @ W + 1.5 * rng.standard_normal((n, n_tasks))
    joint = MultiTaskLasso(alpha=0.5).fit(X, Y)
    strength_joint = np.linalg.norm(joint.coef_, axis=0)
    strength_independent = sum(
        np.abs(SparseRegression(alpha=0.5).fit(X, Y[:, t]).coef_) for t in range(n_tasks)
    )
    for label, strength in (
        ("multitask Lasso", strength_joint),
        ("8 independent Lassos", strength_independent),
    ):
        top = np.argsort(strength)[::-1][:support]
        print(f"  {label:<22} true features among its 10 strongest: {np.isin(top, rows).sum()}/10")


def task_selection():
    curves = {}
    for strategy in ("l1", "l2", "uniform"):
        risks = []
        for seed in range(4):
            truth = make_multitask_representation(12, 40, 12, 2, noise=1.0, random_state=seed)
            selector = TaskSelector(strategy=strategy, rank=12, n_rounds=4, budget_per_round=120)
            selector.fit_active(truth.sample, 12, truth.sample(-1, 200))
            risks.append([truth.target_excess_risk(h["target_coef"]) for h in selector.history_])
        totals = [h["n_samples_total"] for h in selector.history_]
        curves[strategy] = np.exp(np.log(np.array(risks)).mean(axis=0))
    print(f"  {'source samples':<16}" + "".join(f"{t:>9}" for t in totals))
    for strategy, values in curves.items():
        print(f"  {strategy + ' risk':<16}" + "".join(f"{v:>9.3f}" for v in values))


def run(output_dir):
    rng = np.random.default_rng(0)
    print("shared support: 30 samples, 200 features, 8 tasks sharing 10 features")
    shared_support(rng)
    print("\nsource-task selection (12 sources, 2 relevant): target excess risk per round")
    task_selection()
