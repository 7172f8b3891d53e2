"""TaskSelector: allocation rules, relevance recovery, the ν¹ advantage, errors."""

import numpy as np
import pytest

from sparsestat.datasets import make_multitask_representation
from sparsestat.task_selection import TaskSelector


def samples_to_reach(totals, risks, threshold):
    """Total source samples at which the (log-log interpolated) risk hits ``threshold``."""
    log_totals, log_risks = np.log(totals), np.log(risks)
    for i in range(1, len(risks)):
        if risks[i] <= threshold:
            fraction = (np.log(threshold) - log_risks[i - 1]) / (log_risks[i] - log_risks[i - 1])
            return float(
                np.exp(log_totals[i - 1] + fraction * (log_totals[i] - log_totals[i - 1]))
            )
    return np.inf


def run(strategy, seed, n_sources=12, rank=12, n_relevant=2, n_target=200, **kwargs):
    truth = make_multitask_representation(
        n_sources, 40, rank, n_relevant, noise=1.0, random_state=seed
    )
    target = truth.sample(-1, n_target)
    selector = TaskSelector(
        strategy=strategy, rank=rank, n_rounds=4, budget_per_round=10 * n_sources, **kwargs
    ).fit_active(truth.sample, n_sources, target)
    return truth, selector


def test_l1_needs_fewer_source_samples_than_l2_and_uniform():
    """The paper's claim, with a sparse ν that is identifiable (n_sources <= rank),
    at the risks where it holds (1.0, 0.5, 0.3; ν²/ν¹ = 1.34, 1.26, 1.14 on these
    seeds).  Near the floor set by the 200 target samples it does not: see
    test_low_risks_are_set_by_the_target_sample and the user guide's table
    (benchmarks/bench_task_selection.py, 10 seeds, risks 1.0 to 0.05)."""
    needed = {}
    for strategy in ("l1", "l2", "uniform"):
        risks = []
        for seed in range(6):
            truth, selector = run(strategy, seed)
            risks.append([truth.target_excess_risk(h["target_coef"]) for h in selector.history_])
        totals = [h["n_samples_total"] for h in selector.history_]
        curve = np.exp(np.log(np.array(risks)).mean(axis=0))
        needed[strategy] = {t: samples_to_reach(totals, curve, t) for t in (1.0, 0.5, 0.3)}
    for threshold in (1.0, 0.5, 0.3):
        assert needed["l2"][threshold] >= 1.1 * needed["l1"][threshold], (threshold, needed)
        assert needed["uniform"][threshold] >= 1.5 * needed["l1"][threshold], (threshold, needed)


def test_low_risks_are_set_by_the_target_sample():
    """Below risk ~0.15 the strategies meet the oracle floor: the target head fitted
    on the same 200 target samples with the true representation (0.053 on these
    seeds).  After 10 200 source samples ν² is within 1.5x of it and ν¹ within 2x
    (0.066 and 0.084): the ν¹ advantage is a moderate-risk statement."""
    floors, finals = [], {"l1": [], "l2": []}
    for seed in range(6):
        for strategy in finals:
            truth, selector = run(strategy, seed)
            finals[strategy].append(truth.target_excess_risk(selector.target_coef_))
        truth = make_multitask_representation(12, 40, 12, 2, noise=1.0, random_state=seed)
        X0, y0 = truth.sample(-1, 200)  # the same target sample run() draws first
        oracle = truth.B @ np.linalg.lstsq(X0 @ truth.B, y0, rcond=None)[0]
        floors.append(truth.target_excess_risk(oracle))
    floor = np.exp(np.mean(np.log(floors)))
    l1, l2 = (np.exp(np.mean(np.log(finals[s]))) for s in ("l1", "l2"))
    assert floor <= l2 <= 1.5 * floor, (floor, l2)
    assert floor <= l1 <= 2.0 * floor, (floor, l1)


def test_allocation_follows_the_relevance():
    for strategy, power in (("l1", 1.0), ("l2", 2.0)):
        truth, selector = run(strategy, 0, floor=0.1)
        first, second = selector.history_[0], selector.history_[1]
        np.testing.assert_array_equal(first["samples_per_task"], 10)  # uniform first round
        drawn = second["samples_per_task"] - first["samples_per_task"]
        base = np.abs(first["relevance"]) ** power
        expected = (0.9 * base / base.sum() + 0.1 / 12) * 480  # round 2 budget: 120 × 4
        np.testing.assert_allclose(drawn, expected, atol=1.0)
        assert drawn.sum() == 480
    truth, selector = run("uniform", 0)
    drawn = selector.history_[1]["samples_per_task"] - selector.history_[0]["samples_per_task"]
    np.testing.assert_array_equal(drawn, 40)
    assert [h["n_samples_total"] for h in selector.history_] == [120, 600, 2520, 10200]


def test_relevant_tasks_get_the_samples_and_are_selected():
    truth, selector = run("l1", 3)
    relevant = np.flatnonzero(truth.nu)
    assert set(selector.selected_tasks_) >= set(relevant)
    per_task = selector.n_samples_per_task_
    assert per_task[relevant].min() > 5 * np.median(np.delete(per_task, relevant))


def test_fixed_data_fit_recovers_nu():
    truth = make_multitask_representation(6, 30, 8, 2, noise=0.5, random_state=1)
    sources = [truth.sample(m, 2000) for m in range(6)]
    target = truth.sample(-1, 500)
    selector = TaskSelector(rank=6, alpha=1e-3).fit(sources, target)  # span of 6 heads
    np.testing.assert_allclose(selector.relevance_, truth.nu, atol=0.05)
    assert set(selector.selected_tasks_) >= set(np.flatnonzero(truth.nu))
    X_test, y_test = truth.sample(-1, 200)
    assert selector.predict(X_test).shape == (200,)
    assert truth.target_excess_risk(selector.target_coef_) < 0.05


def test_bad_input():
    truth = make_multitask_representation(4, 10, 2, 1, random_state=0)
    target = truth.sample(-1, 30)
    sources = [truth.sample(m, 20) for m in range(4)]
    bad_sources = sources[:3] + [(np.ones((20, 9)), np.ones(20))]
    with pytest.raises(ValueError, match="9 features but the other tasks have 10"):
        TaskSelector(rank=2).fit(bad_sources, target)
    with pytest.raises(ValueError, match="returned 3 rows instead of"):
        TaskSelector(rank=2).fit_active(lambda t, n: truth.sample(t, 3), 4, target)
    with pytest.raises(ValueError, match="features but the other tasks"):
        TaskSelector(rank=2).fit_active(lambda t, n: (np.ones((n, 5)), np.ones(n)), 4, target)
    with pytest.raises(ValueError, match="one value per row"):
        TaskSelector(rank=2).fit_active(lambda t, n: (np.ones((n, 10)), np.ones(n + 1)), 4, target)
    for params, match in (
        (dict(budget_per_round=0), "budget_per_round"),
        (dict(n_rounds=0), "n_rounds"),
        (dict(strategy="l0"), "strategy"),
        (dict(floor=1.5), "floor"),
        (dict(rank=5), "rank=5 exceeds"),
    ):
        with pytest.raises(ValueError, match=match):
            TaskSelector(**params).fit(sources, target)
    with pytest.raises(TypeError, match="callable"):
        TaskSelector(rank=2).fit_active("not a function", 4, target)


def test_parallel_task_estimates_give_the_sequential_result():
    _, sequential = run("l1", 5)
    _, parallel = run("l1", 5, n_jobs=2, verbose=1)
    for one, other in zip(sequential.history_, parallel.history_, strict=True):
        np.testing.assert_array_equal(one["samples_per_task"], other["samples_per_task"])
        np.testing.assert_allclose(one["relevance"], other["relevance"], atol=1e-12)
    np.testing.assert_allclose(sequential.target_coef_, parallel.target_coef_, atol=1e-12)


def test_the_old_import_paths_still_work_and_warn():
    import importlib
    import sys

    import sparsestat.task_selection as home

    with pytest.warns(DeprecationWarning, match="sparsestat.task_selection"):
        from sparsestat.multitask import TaskSelector as old
    assert old is home.TaskSelector
    sys.modules.pop("sparsestat.multitask.task_selection", None)
    with pytest.warns(DeprecationWarning, match="sparsestat.task_selection"):
        module = importlib.import_module("sparsestat.multitask.task_selection")
    assert module.TaskSelector is home.TaskSelector
    import sparsestat

    assert sparsestat.task_selection is home and "task_selection" in sparsestat.__all__


@pytest.mark.parametrize("seed", [0, 3])
def test_more_sources_than_rank_nu_is_not_identifiable(seed):
    """docs/user_guide/multitask.rst: with more sources (8) than the rank (3), many
    combinations give the target head; the Lasso returns one of smaller ℓ1 norm
    than the planted ν, which it need not equal, and the target is still fitted."""
    truth = make_multitask_representation(8, 30, 3, 2, noise=0.5, random_state=seed)
    sources = [truth.sample(m, 3000) for m in range(8)]
    target = truth.sample(-1, 1000)
    selector = TaskSelector(rank=3, alpha=1e-3).fit(sources, target)
    assert np.abs(selector.relevance_).sum() < 0.75 * np.abs(truth.nu).sum()
    assert set(selector.selected_tasks_) != set(np.flatnonzero(truth.nu))
    assert truth.target_excess_risk(selector.target_coef_) < 0.01
