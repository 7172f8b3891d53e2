"""The pruning demo's non-convex WGSEF run ends with exactly k neurons, no projection."""

import numpy as np
import pytest

from sparsestat.demo.network_pruning import active_neurons, load_data, train_pruned


@pytest.mark.parametrize("k", [2, 5])
def test_nonconvex_training_ends_with_exactly_k_neurons(k):
    X_train, _, y_train, _ = load_data()
    history = []
    params, kept = train_pruned(
        X_train,
        y_train,
        k,
        method="nonconvex",
        alpha=2.0,
        epochs=6,
        fine_tune=0,
        history=history,
    )
    assert kept.size == k
    np.testing.assert_array_equal(active_neurons(params), kept)
    assert history[-1] == k and len(history) == 6


def test_projection_methods_keep_exactly_k():
    X_train, _, y_train, _ = load_data()
    for method in ("wgsef", "magnitude"):
        _, kept = train_pruned(X_train, y_train, 3, method=method, epochs=2, fine_tune=1)
        assert kept.size == 3
    with pytest.raises(ValueError, match="method"):
        train_pruned(X_train, y_train, 3, method="random")
