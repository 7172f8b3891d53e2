"""
===============================================================
Beyond ℓ1 sparse coding in V1: ℓ0, ℓ1/2 and CEL0 dictionaries
===============================================================

Olshausen and Field's model of the primary visual cortex explains an image
patch ``x`` as a sparse combination ``r D`` of learned atoms, minimising
``½||x − rD||² + pen(r)``.  Rentzeperis, Calatroni, Perrinet and Prandi (PLOS
Comput. Biol. 2023) compared the ℓ1 penalty (soft thresholding) with ℓ0 (hard
thresholding), ℓ1/2 and CEL0: the non-convex ones reconstruct better at the
same sparsity and need far fewer units, and all learn oriented, localised,
V1-like filters.

This example learns dictionaries on whitened patches of scikit-learn's sample
photographs (:func:`sparsestat.datasets.load_image_patches`) with
:class:`sparsestat.decomposition.DictionaryLearning`, for each penalty, several
strengths and three dictionary sizes (1×, 2× and 4× overcomplete), and plots
the reconstruction error against the fraction of active units.  It is a
reduced version of the paper's experiment (8×8 patches, a few epochs).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition import DictionaryLearning, sparse_encode
from sparsestat.plotting import plot_dictionary, plot_sparsity_error

train = load_image_patches(patch_size=8, n_patches=8000, random_state=0)
test = load_image_patches(patch_size=8, n_patches=2000, random_state=1)
settings = {
    "l1": [0.1, 0.3, 1.0],
    "l0": [0.01, 0.05, 0.2],
    "half": [0.03, 0.1, 0.3],
    "cel0": [0.01, 0.05, 0.2],
}
results = {}  # (penalty, size) -> list of (sparsity, error)
dictionaries = {}
for penalty, alphas in settings.items():
    for size in (64, 128, 256):
        for alpha in alphas:
            model = DictionaryLearning(
                size, penalty=penalty, alpha=alpha, n_epochs=3, random_state=0
            ).fit(train)
            codes = sparse_encode(test, model.components_, penalty=penalty, alpha=alpha)
            error = np.sum((test - codes @ model.components_) ** 2) / np.sum(test**2)
            results.setdefault((penalty, size), []).append((np.mean(codes != 0), error))
            dictionaries[(penalty, size, alpha)] = model.components_

# %%
# Reconstruction error against sparsity (2× overcomplete dictionaries)
curves = {penalty: tuple(np.array(results[(penalty, 128)]).T) for penalty in settings}
plot_sparsity_error(curves)
plt.title("2x overcomplete: error at a given fraction of active units")
plt.show()

# %%
# Units needed: the smallest dictionary reaching 5% relative error with at
# most 10% active units, for each penalty.
for penalty in settings:
    reached = [
        size
        for size in (64, 128, 256)
        if any(s <= 0.10 and e <= 0.05 for s, e in results[(penalty, size)])
    ]
    print(f"{penalty:>5}: " + (f"{min(reached)} units" if reached else "not reached"))

# %%
# The learned atoms are oriented, localised filters, as in V1
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
plot_dictionary(dictionaries[("l1", 128, 0.3)], (8, 8), ax=axes[0], title="ℓ1, 128 atoms")
plot_dictionary(dictionaries[("cel0", 128, 0.05)], (8, 8), ax=axes[1], title="CEL0, 128 atoms")
plt.show()
