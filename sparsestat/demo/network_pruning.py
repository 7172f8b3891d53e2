"""Demo step: prune the hidden neurons of a small network to exactly k with the WGSEF prox.

A one-hidden-layer perceptron on scikit-learn's digits is trained by proximal
stochastic gradient: after every gradient step on the input weights ``W1``
(64 × n_hidden), ``W1`` goes through the WGSEF prox with one group per hidden
neuron (its column of incoming weights).  The envelope pushes the network
towards ``k`` active neurons; at the end the ``k`` strongest are kept, the others
removed, and the kept network is fine-tuned (the exact-k step of
:class:`sparsestat.linear_model.GroupSparseRegression`: project on the k best
groups, then refit).  The baseline trains without penalty and keeps the ``k``
neurons of largest weight norm, fine-tuned the same way.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sparsestat.penalties import WGSEF

N_HIDDEN = 32


def load_data(random_state=0):
    """Standardized digits, split 70/30."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=random_state, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _forward(params, X):
    W1, b1, W2, b2 = params
    hidden = np.maximum(X @ W1 + b1, 0.0)
    logits = hidden @ W2 + b2
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return hidden, probabilities


def accuracy(params, X, y):
    """Test accuracy of the network."""
    return float(np.mean(np.argmax(_forward(params, X)[1], axis=1) == y))


def _sgd(params, X, y, epochs, learning_rate, rng, penalty=None, mask=None, batch_size=64):
    """Minibatch SGD on cross-entropy; optional prox on W1 and a neuron mask."""
    W1, b1, W2, b2 = params
    n = X.shape[0]
    onehot = np.eye(10)[y]
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            hidden, probabilities = _forward((W1, b1, W2, b2), X[batch])
            delta_out = (probabilities - onehot[batch]) / batch.size
            grad_W2 = hidden.T @ delta_out
            grad_b2 = delta_out.sum(axis=0)
            delta_hidden = (delta_out @ W2.T) * (hidden > 0)
            grad_W1 = X[batch].T @ delta_hidden
            grad_b1 = delta_hidden.sum(axis=0)
            W1 -= learning_rate * grad_W1
            b1 -= learning_rate * grad_b1
            W2 -= learning_rate * grad_W2
            b2 -= learning_rate * grad_b2
            if penalty is not None:  # proximal step: any-shaped weights, groups = columns
                W1 = penalty.prox(W1, step=learning_rate)
            if mask is not None:
                W1 *= mask
                b1 *= mask
                W2 *= mask[:, None]
    return W1, b1, W2, b2


def _init(rng, n_features=64):
    return (
        rng.standard_normal((n_features, N_HIDDEN)) / np.sqrt(n_features),
        np.zeros(N_HIDDEN),
        rng.standard_normal((N_HIDDEN, 10)) / np.sqrt(N_HIDDEN),
        np.zeros(10),
    )


def _keep(params, scores, k):
    """Keep the k neurons with the largest scores; return params and the mask."""
    mask = np.zeros(N_HIDDEN)
    mask[np.argsort(scores)[::-1][:k]] = 1.0
    W1, b1, W2, b2 = params
    return (W1 * mask, b1 * mask, W2 * mask[:, None], b2.copy()), mask


def train_pruned(
    X,
    y,
    k,
    *,
    method="wgsef",
    alpha=0.02,
    epochs=40,
    fine_tune=20,
    learning_rate=0.05,
    random_state=0,
):
    """Train a 64-32-10 network and prune it to exactly ``k`` hidden neurons.

    ``method="wgsef"``: proximal SGD with ``WGSEF(k, alpha)`` on the incoming
    weights (one group per neuron), then keep the k strongest neurons.
    ``method="magnitude"``: plain SGD, then keep the k neurons of largest
    ``||W1[:, h]||·||W2[h, :]||``.  Both are fine-tuned on the kept neurons.

    Returns
    -------
    params : tuple of arrays (W1, b1, W2, b2)
    kept : ndarray of int, the indices of the kept neurons
    """
    rng = np.random.default_rng(random_state)
    params = _init(rng, X.shape[1])
    if method == "wgsef":
        groups = np.tile(np.arange(N_HIDDEN), X.shape[1])  # column h of W1 (C order)
        penalty = WGSEF(k=k, alpha=alpha, groups=groups)
        params = _sgd(params, X, y, epochs, learning_rate, rng, penalty=penalty)
        scores = np.linalg.norm(params[0], axis=0)
    elif method == "magnitude":
        params = _sgd(params, X, y, epochs, learning_rate, rng)
        scores = np.linalg.norm(params[0], axis=0) * np.linalg.norm(params[2], axis=1)
    else:
        raise ValueError(f"method must be 'wgsef' or 'magnitude', got {method!r}.")
    params, mask = _keep(params, scores, k)
    params = _sgd(params, X, y, fine_tune, learning_rate, rng, mask=mask)
    return params, np.flatnonzero(mask)


def run(output_dir, ks=(1, 2, 4, 8, 16, 32)):
    import matplotlib.pyplot as plt

    X_train, X_test, y_train, y_test = load_data()
    print(f"digits: {X_train.shape[0]} training / {X_test.shape[0]} test images, 64 pixels")
    print(f"network 64-{N_HIDDEN}-10; test accuracy after pruning to exactly k hidden neurons")
    print(f"{'k':>4}{'WGSEF prox':>12}{'magnitude':>11}{'neurons kept':>14}")
    results = {"wgsef": [], "magnitude": []}
    start = time.perf_counter()
    for k in ks:
        row = []
        for method in results:
            params, kept = train_pruned(X_train, y_train, k, method=method)
            results[method].append(accuracy(params, X_test, y_test))
            row.append(kept.size)
        print(f"{k:>4}{results['wgsef'][-1]:>12.3f}{results['magnitude'][-1]:>11.3f}{row[0]:>14}")
    print(f"({time.perf_counter() - start:.1f} s for {2 * len(ks)} trainings)")
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.semilogx(ks, results["wgsef"], marker="o", label="WGSEF prox, then exact k")
    axis.semilogx(ks, results["magnitude"], marker="s", label="magnitude pruning")
    axis.set_xticks(ks)
    axis.set_xticklabels([str(k) for k in ks])
    axis.set_xlabel("hidden neurons kept (k)")
    axis.set_ylabel("test accuracy")
    axis.set_title("Pruning a 64-32-10 network on digits")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    path = output_dir / "network_pruning_digits.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"figure: {path}")
    return results
