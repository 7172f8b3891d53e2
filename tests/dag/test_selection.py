"""Edge stability (bootstrap), alpha selection (CoLiDECV) and varsortability."""

import joblib
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from sparsestat.dag import (
    CoLiDE,
    edge_stability,
    is_dag,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameters,
)


def _problem(d=8, n_edges=10, n=300, seed=1, heteroscedastic=True):
    B = simulate_dag(d, n_edges, "ER", random_state=seed)
    W = simulate_parameters(B, random_state=seed)
    scale = np.sqrt(np.random.default_rng(seed).uniform(0.5, 10.0, d)) if heteroscedastic else 1.0
    return B, W, simulate_linear_sem(W, n, noise_scale=scale, random_state=seed)


# ------------------------------------------------------------ edge stability
def test_edge_stability_is_independent_of_n_jobs_and_backend():
    B, _, X = _problem()
    estimator = CoLiDE(variance="ev")
    serial = edge_stability(estimator, X, n_bootstrap=6, random_state=0)
    # the serial run is the definition: resample by resample, by hand
    rng = np.random.RandomState(0)
    seeds = rng.randint(np.iinfo(np.int32).max, size=6)
    np.testing.assert_array_equal(serial.seeds, seeds)
    by_hand = []
    for seed in seeds:
        rows = np.random.RandomState(seed).randint(0, len(X), len(X))
        by_hand.append(CoLiDE(variance="ev").fit(X[rows]).adjacency_ != 0)
    np.testing.assert_array_equal(serial.frequency, np.mean(by_hand, axis=0))
    processes = edge_stability(estimator, X, n_bootstrap=6, random_state=0, n_jobs=2)
    with joblib.parallel_backend("threading", n_jobs=2):
        threads = edge_stability(estimator, X, n_bootstrap=6, random_state=0)
    for other in (processes, threads):
        np.testing.assert_array_equal(other.frequency, serial.frequency)
        np.testing.assert_array_equal(other.consensus, serial.consensus)
    # undirected: i -> j or j -> i (the fits are DAGs, so the two add up)
    np.testing.assert_allclose(
        serial.undirected_frequency, serial.frequency + serial.frequency.T, atol=1e-12
    )
    assert is_dag(serial.consensus)
    assert np.all((serial.consensus != 0) <= (serial.frequency > 0.5))
    # true edges are more frequent than absent ones
    off_diagonal = ~np.eye(8, dtype=bool)
    auroc = roc_auc_score(B[off_diagonal] != 0, serial.frequency[off_diagonal])
    assert auroc > 0.9
    assert serial.frequency[B != 0].mean() > 3 * serial.frequency[(B == 0) & off_diagonal].mean()


def test_consensus_breaks_cycles_at_the_least_frequent_edge(monkeypatch):
    # a 3-cycle of frequencies above the threshold (each fit a DAG, the
    # frequencies not): the consensus drops the weakest of the three
    import sparsestat.dag.stability as stability

    graphs = [
        np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]),
        np.array([[0, 0, 0], [0, 0, 1], [1, 0, 0]]),
    ]
    graphs.append(np.array([[0, 1, 0], [0, 0, 0], [1, 0, 0]]))
    calls = iter(graphs * 2)
    monkeypatch.setattr(stability, "_bootstrap_edges", lambda *args: next(calls) != 0)
    X = np.random.default_rng(0).normal(size=(20, 3))
    result = edge_stability(CoLiDE(), X, n_bootstrap=3, threshold=0.5)
    assert np.all(result.frequency[[0, 1, 2], [1, 2, 0]] == pytest.approx(2 / 3))
    assert is_dag(result.consensus) and np.count_nonzero(result.consensus) == 2


def test_edge_stability_bad_input():
    _, _, X = _problem(d=4, n_edges=3)
    with pytest.raises(ValueError, match="n_bootstrap"):
        edge_stability(CoLiDE(), X, n_bootstrap=0)
    with pytest.raises(ValueError, match="threshold"):
        edge_stability(CoLiDE(), X, threshold=1.0)
    with pytest.raises(TypeError, match="estimator"):
        edge_stability("colide", X)


def test_plot_edge_stability():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from sparsestat.plotting import plot_edge_stability

    _, _, X = _problem(d=4, n_edges=3)
    result = edge_stability(CoLiDE(variance="ev"), X, n_bootstrap=2, random_state=0)
    ax = plot_edge_stability(result, labels=list("abcd"))
    assert len(ax.patches) == np.count_nonzero(result.consensus)
    assert [label.get_text() for label in ax.get_xticklabels()] == list("abcd")
