"""Demo step: a small network with exactly k hidden neurons, three ways.

A one-hidden-layer perceptron (64-32-10) on scikit-learn's digits, one group
per hidden neuron (its incoming weights and bias, a column of ``[W1; b1]``),
60 epochs of minibatch SGD for every method:

- non-convex WGSEF (:class:`sparsestat.penalties.NonconvexWGSEF`): proximal
  SGD for all 60 epochs, with no projection and no mask; the neurons left at
  the end are the ones the prox left;
- convex WGSEF + projection: proximal SGD with :class:`~sparsestat.penalties.WGSEF`
  for 40 epochs, then the ``k`` neurons of largest group norm are kept and
  fine-tuned for 20 (the exact-k step of
  :class:`sparsestat.linear_model.GroupSparseRegression`);
- magnitude pruning: plain SGD for 40 epochs, keep the ``k`` neurons of largest
  ``||W1[:, h]||·||W2[h, :]||``, fine-tune for 20.

What each method achieves is printed by :func:`report`; this docstring states
no result.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sparsestat.penalties import WGSEF, NonconvexWGSEF

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


def _sgd(
    params, X, y, epochs, learning_rate, rng, penalty=None, mask=None, batch_size=64, history=None
):
    """Minibatch SGD on cross-entropy; optional prox on the neurons and a neuron mask.

    With ``penalty``, every step ends with its prox (numba kernel) on the
    65 × n_hidden matrix ``[W1; b1]``: one group per hidden neuron, its incoming
    weights and its bias.  ``history`` (a list) receives the number of neurons
    with non-zero incoming weights or bias after each epoch.
    """
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
                stacked = penalty.prox_numba(np.vstack([W1, b1]), step=learning_rate)
                W1, b1 = stacked[:-1], stacked[-1]
            if mask is not None:
                W1 *= mask
                b1 *= mask
                W2 *= mask[:, None]
        if history is not None:
            history.append(active_neurons((W1, b1, W2, b2)).size)
    return W1, b1, W2, b2


def active_neurons(params):
    """Indices of the hidden neurons with non-zero incoming weights or bias."""
    W1, b1 = params[0], params[1]
    return np.flatnonzero(np.any(W1 != 0, axis=0) | (b1 != 0))


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


METHODS = ("nonconvex", "wgsef", "magnitude")


def train_pruned(
    X,
    y,
    k,
    *,
    method="nonconvex",
    alpha=None,
    epochs=40,
    fine_tune=20,
    learning_rate=0.05,
    random_state=0,
    history=None,
):
    """Train a 64-32-10 network with exactly ``k`` hidden neurons left.

    Groups: one per hidden neuron, its incoming weights and bias (a column of
    ``[W1; b1]``).  Every method runs ``epochs + fine_tune`` epochs of SGD.

    ``method="nonconvex"``: proximal SGD with ``NonconvexWGSEF(k, alpha)``
    (default ``alpha = 1/learning_rate``, so ``step·alpha = 1``: each prox keeps
    the k neurons of largest group norm) for all epochs.  No projection and no
    mask: the neurons left at the end are those the prox left.
    ``method="wgsef"``: proximal SGD with the convex ``WGSEF(k, alpha)``
    (default ``alpha = 0.02``) for ``epochs``, then the k neurons of largest
    group norm are kept (projection) and fine-tuned.
    ``method="magnitude"``: plain SGD for ``epochs``, then the k neurons of
    largest ``||W1[:, h]||·||W2[h, :]||`` are kept and fine-tuned.

    Returns
    -------
    params : tuple of arrays (W1, b1, W2, b2)
    kept : ndarray of int, the indices of the neurons left
    """
    rng = np.random.default_rng(random_state)
    params = _init(rng, X.shape[1])
    groups = np.tile(np.arange(N_HIDDEN), X.shape[1] + 1)  # column h of [W1; b1] (C order)
    if method == "nonconvex":
        alpha = 1.0 / learning_rate if alpha is None else alpha
        penalty = NonconvexWGSEF(k=k, alpha=alpha, groups=groups)
        params = _sgd(
            params, X, y, epochs + fine_tune, learning_rate, rng, penalty=penalty, history=history
        )
        return params, active_neurons(params)
    if method == "wgsef":
        penalty = WGSEF(k=k, alpha=0.02 if alpha is None else alpha, groups=groups)
        params = _sgd(params, X, y, epochs, learning_rate, rng, penalty=penalty, history=history)
        scores = np.linalg.norm(np.vstack([params[0], params[1]]), axis=0)
    elif method == "magnitude":
        params = _sgd(params, X, y, epochs, learning_rate, rng, history=history)
        scores = np.linalg.norm(params[0], axis=0) * np.linalg.norm(params[2], axis=1)
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    params, mask = _keep(params, scores, k)
    params = _sgd(params, X, y, fine_tune, learning_rate, rng, mask=mask, history=history)
    return params, active_neurons(params)


LABELS = {
    "nonconvex": "non-convex WGSEF, trained to k",
    "wgsef": "convex WGSEF + projection",
    "magnitude": "magnitude pruning",
}
NONCONVEX_ALPHA = 2.0  # step·alpha = 0.1 at the default learning rate: the shrinking regime


def compare(ks=(1, 2, 4, 8, 16), seeds=range(6), data=None):
    """Test accuracy of the three methods for every ``k`` and seed.

    Returns a dict with ``accuracy[method]`` of shape (len(ks), len(seeds)),
    ``left[method]`` (neurons left at the end, same shape) and
    ``history[method][k]`` (neurons with a non-zero group after each epoch of
    the two WGSEF runs, seed ``seeds[0]``).
    """
    X_train, X_test, y_train, y_test = load_data() if data is None else data
    seeds = list(seeds)
    accuracy_ = {m: np.zeros((len(ks), len(seeds))) for m in METHODS}
    left = {m: np.zeros((len(ks), len(seeds)), dtype=int) for m in METHODS}
    history = {"nonconvex": {}, "wgsef": {}}
    for i, k in enumerate(ks):
        for j, seed in enumerate(seeds):
            for method in METHODS:
                trace = [] if (method in history and j == 0) else None
                params, kept = train_pruned(
                    X_train,
                    y_train,
                    k,
                    method=method,
                    alpha=NONCONVEX_ALPHA if method == "nonconvex" else None,
                    random_state=seed,
                    history=trace,
                )
                accuracy_[method][i, j] = accuracy(params, X_test, y_test)
                left[method][i, j] = kept.size
                if trace is not None:
                    history[method][k] = trace
    return {
        "ks": list(ks),
        "seeds": seeds,
        "accuracy": accuracy_,
        "left": left,
        "history": history,
    }


def report(results):
    """Print the comparison: mean ± sd, wins per k, neurons left; every claim a number."""
    ks, seeds = results["ks"], results["seeds"]
    acc, left = results["accuracy"], results["left"]
    n = len(seeds)
    print(
        f"test accuracy, mean ± sd over {n} seeds ({seeds[0]}-{seeds[-1]}); "
        f"wins = seeds where the method is strictly best of the three"
    )
    header = "".join(f"{LABELS[m]:>34}" for m in METHODS)
    print(f"{'k':>4}{header}")
    for i, k in enumerate(ks):
        cells = []
        for m in METHODS:
            others = np.max(np.stack([acc[o][i] for o in METHODS if o != m]), axis=0)
            wins = int(np.sum(acc[m][i] > others))
            cells.append(f"{acc[m][i].mean():.3f} ± {acc[m][i].std(ddof=1):.3f} ({wins} wins)")
        print(f"{k:>4}" + "".join(f"{c:>34}" for c in cells))
    print("neurons left at the end (min-max over seeds):")
    for m in METHODS:
        spans = ", ".join(
            f"k={k}: {left[m][i].min()}-{left[m][i].max()}" for i, k in enumerate(ks)
        )
        print(f"  {LABELS[m]}: {spans}")
    print(
        f"neurons with a non-zero group after epochs 1, 2, 3, 5, 10, 20, 40, 60 (seed {seeds[0]};"
        " the convex run is projected after epoch 40):"
    )
    for m in ("nonconvex", "wgsef"):
        for k in ks:
            h = results["history"][m][k]
            counts = " ".join(f"{h[e - 1]:>2}" for e in (1, 2, 3, 5, 10, 20, 40, 60))
            print(f"  {LABELS[m]:<32} k={k:>2}: {counts}")
    print("paired over seeds, non-convex WGSEF against:")
    for other in ("wgsef", "magnitude"):
        parts = []
        for i, k in enumerate(ks):
            diff = acc["nonconvex"][i] - acc[other][i]
            parts.append(f"k={k}: {diff.mean():+.3f} ({int(np.sum(diff > 0))}/{n} higher)")
        print(f"  {LABELS[other]}: " + ", ".join(parts))
    print("highest mean accuracy:")
    for m in METHODS:
        where = [k for i, k in enumerate(ks) if max(METHODS, key=lambda o: acc[o][i].mean()) == m]
        print(f"  {LABELS[m]}: k = {', '.join(map(str, where)) if where else 'none'}")


def run(output_dir, ks=(1, 2, 4, 8, 16), seeds=range(6)):
    import matplotlib.pyplot as plt

    data = load_data()
    print(f"digits: {data[0].shape[0]} training / {data[1].shape[0]} test images, 64 pixels")
    print(f"network 64-{N_HIDDEN}-10, 60 epochs of SGD per training, exactly k hidden neurons")
    start = time.perf_counter()
    results = compare(ks, seeds, data)
    report(results)
    n_fits = len(ks) * len(list(seeds)) * len(METHODS)
    print(f"({time.perf_counter() - start:.1f} s for {n_fits} trainings)")
    figure, axis = plt.subplots(figsize=(6, 4))
    plot_accuracy(results, ks, axis)
    axis.set_title("Pruning a 64-32-10 network on digits")
    figure.tight_layout()
    path = output_dir / "network_pruning_digits.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"figure: {path}")
    return results


def plot_accuracy(results, ks, axis):
    """Mean test accuracy ± one standard deviation over the seeds, per method and k."""
    for method, marker in zip(METHODS, "o^s", strict=True):
        values = results["accuracy"][method]
        axis.errorbar(
            ks,
            values.mean(axis=1),
            yerr=values.std(axis=1, ddof=1),
            marker=marker,
            capsize=3,
            label=LABELS[method],
        )
    axis.set_xscale("log")
    axis.set_xticks(ks)
    axis.set_xticklabels([str(k) for k in ks])
    axis.set_xlabel("hidden neurons kept (k)")
    axis.set_ylabel("test accuracy (mean ± sd over seeds)")
    axis.grid(alpha=0.3)
    axis.legend()
