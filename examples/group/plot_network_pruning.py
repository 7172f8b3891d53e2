"""
=================================================================
Pruning a neural network to exactly k neurons with the WGSEF prox
=================================================================

The weighted group sparse envelope (WGSEF) penalises whole groups of weights
and aims at a chosen number ``k`` of them.  Its proximal operators work on
weight arrays of any shape, so they drop into somebody else's training loop:
after each optimizer step, ``W = pen.prox(W, step=learning_rate)``.

Here a 64-32-10 perceptron learns scikit-learn's handwritten digits, one group
per hidden neuron (its incoming weights and bias), 60 epochs of minibatch SGD
for each of three ways to end with exactly ``k`` hidden neurons:

- **non-convex WGSEF, trained to k**: proximal SGD with
  :class:`~sparsestat.penalties.NonconvexWGSEF` (the envelope minus the
  weighted ridge, zero on networks with at most ``k`` neurons;
  ``step·alpha = 0.1``) for all 60 epochs, with no projection;
- **convex WGSEF + projection**: proximal SGD with
  :class:`~sparsestat.penalties.WGSEF` for 40 epochs, then keep the ``k``
  neurons of largest group norm and fine-tune for 20;
- **magnitude pruning**: plain SGD for 40 epochs, keep the ``k`` neurons of
  largest ``||W1[:, h]||·||W2[h, :]||``, fine-tune for 20.

Six seeds (initialisation and minibatch order) for every ``k``.  Every
statement about the results is a line the script prints below.
"""

# %%
import matplotlib.pyplot as plt

from sparsestat.demo.network_pruning import compare, plot_accuracy, report

ks = [1, 2, 4, 8, 16]
results = compare(ks, seeds=range(6))
report(results)

# %%
# Mean test accuracy with one standard deviation over the six seeds.
fig, ax = plt.subplots(figsize=(6, 4))
plot_accuracy(results, ks, ax)
plt.show()
