"""
=================================================================
Pruning a neural network to exactly k neurons with the WGSEF prox
=================================================================

The weighted group sparse envelope (WGSEF) penalises whole groups of weights
and aims at a chosen number ``k`` of them.  Its proximal operator,
:meth:`sparsestat.penalties.WGSEF.prox`, works on weight arrays of any shape
and any array library, so it drops into somebody else's training loop: after
each optimizer step, ``W = pen.prox(W, step=learning_rate)``.

Here a 64-32-10 perceptron learns scikit-learn's handwritten digits by
proximal SGD, one group per hidden neuron (its column of incoming weights).
At the end the ``k`` strongest neurons are kept, the others removed, and the
small network is fine-tuned — the same "project on the k best groups, then
refit" step as ``GroupSparseRegression(exact_k=True)``.  The baseline trains
without penalty and prunes by weight magnitude.  (A PyTorch model would call
the same ``prox`` on ``layer.weight.detach().numpy()`` or on a DLPack view.)
"""

# %%
import matplotlib.pyplot as plt

from sparsestat.demo.network_pruning import accuracy, load_data, train_pruned

X_train, X_test, y_train, y_test = load_data()
ks = [1, 2, 3, 4, 6, 8, 12, 16, 32]
scores = {"WGSEF prox, then exact k": [], "magnitude pruning": []}
for k in ks:
    for label, method in zip(scores, ("wgsef", "magnitude"), strict=True):
        params, kept = train_pruned(X_train, y_train, k, method=method)
        assert kept.size == k  # exactly k hidden neurons remain
        scores[label].append(accuracy(params, X_test, y_test))
    print(f"k={k:>2}: " + ", ".join(f"{label}: {v[-1]:.3f}" for label, v in scores.items()))

# %%
# With few neurons, the network trained under the envelope has already moved
# its capacity into the neurons it keeps, so pruning costs less accuracy.
fig, ax = plt.subplots(figsize=(6, 4))
for (label, values), marker in zip(scores.items(), "os", strict=True):
    ax.semilogx(ks, values, marker=marker, label=label)
ax.set_xticks(ks)
ax.set_xticklabels([str(k) for k in ks])
ax.set_xlabel("hidden neurons kept (k)")
ax.set_ylabel("test accuracy")
ax.grid(alpha=0.3)
ax.legend()
plt.show()
