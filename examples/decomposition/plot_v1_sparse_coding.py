"""
===============================================================
Beyond ℓ1 sparse coding in V1: ℓ0, ℓ1/2 and CEL0 dictionaries
===============================================================

Olshausen and Field's model of the primary visual cortex explains an image
patch ``x`` as a sparse combination ``r D`` of learned atoms, minimising
``½||x − rD||² + pen(r)``.  Rentzeperis, Calatroni, Perrinet and Prandi (PLOS
Comput. Biol. 2023) compared soft thresholding (ℓ1) with hard thresholding
(ℓ0), ℓ1/2 and CEL0 and reported that (1) ℓ1 needs about ten times more units
than CEL0 to reconstruct as well at the same sparsity, (2) at a fixed sparsity
the ℓ0-type penalties reconstruct about five times better, and (3) every
penalty learns V1-like receptive fields.

This example is a reduced version of ``benchmarks/bench_v1.py``: 8×8 patches
of scikit-learn's two sample photographs, dictionaries of 64 to 256 atoms,
:class:`~sparsestat.decomposition.DictionaryLearning` with its default learner
(the authors' algorithm: ISTA codes from zero with a fixed step, stopped at 1 %
relative change, one stochastic-gradient step on the atoms per batch, whose
rate falls to zero over the last 40 % of the batches).  Every
statement below is a number the script prints; the user guide discusses what
holds at this scale and what does not.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition import (
    DictionaryLearning,
    alpha_for_sparsity,
    fit_gabor,
    sparse_encode,
    summarize_receptive_fields,
)
from sparsestat.plotting import plot_dictionary, plot_receptive_fields

PATCH = 8
train = load_image_patches(PATCH, 16_000, random_state=0)
test = load_image_patches(PATCH, 2_000, random_state=1)
# learning strengths: about 5 % of active units in the learner's codes
LEARNING_ALPHA = {"l1": 1.4, "l0": 0.15, "half": 0.5, "cel0": 0.8}
LABELS = {"l1": "soft (ℓ1)", "l0": "hard (ℓ0)", "half": "ℓ1/2", "cel0": "CEL0"}


def learn(penalty, n_atoms, report=False):
    model = DictionaryLearning(
        n_atoms, penalty=penalty, alpha=LEARNING_ALPHA[penalty], n_epochs=6, random_state=0
    ).fit(train)
    if report:
        print(f"{LABELS[penalty]:>10}: {model.sparsity_[-1]:.1%} active units while learning")
    return model.components_


def error_at_sparsity(D, penalty, target=0.05):
    """Held-out relative error with converged codes at ``target`` active units.

    ``max_iter=10_000`` so that every code converges (``sparse_encode`` warns
    about any that do not, and the warning would show in the output).
    """
    alpha = alpha_for_sparsity(test[:500], D, target, penalty=penalty)
    codes = sparse_encode(test, D, penalty=penalty, alpha=alpha, max_iter=10_000)
    return np.sum((test - codes @ D) ** 2) / np.sum(test**2), np.mean(codes != 0)


dictionaries = {penalty: learn(penalty, 128, report=True) for penalty in LABELS}

# %%
# Receptive fields: the share of atoms a 2-D Gabor function fits with R² >= 0.7
fits = {penalty: fit_gabor(D, (PATCH, PATCH)) for penalty, D in dictionaries.items()}
for penalty, fit in fits.items():
    summary = summarize_receptive_fields(fit)
    print(
        f"{LABELS[penalty]:>10}: {summary['gabor_fraction']:.0%} Gabor-like, "
        f"orientation coverage {summary['orientation_coverage']:.0%}, "
        f"median frequency {summary['frequency_quartiles'][1]:.2f} cycles/pixel"
    )

fig, axes = plt.subplots(1, 4, figsize=(14, 4))
for axis, (penalty, D) in zip(axes, dictionaries.items(), strict=True):
    share = fits[penalty].gabor_like().mean()
    plot_dictionary(D, (PATCH, PATCH), ax=axis, title=f"{LABELS[penalty]}: {share:.0%} Gabor")
plt.show()

# %%
# The tiling of CEL0's Gabor-like atoms: orientations and frequencies (left),
# positions in the patch (right)
plot_receptive_fields(fits["cel0"], title="CEL0, 128 atoms")
plt.show()

# %%
# Claim 2: error at the same size (128 atoms) and the same sparsity (5 %)
errors = {penalty: error_at_sparsity(D, penalty) for penalty, D in dictionaries.items()}
for penalty, (error, density) in errors.items():
    ratio = error / errors["l1"][0]
    print(f"{LABELS[penalty]:>10}: error {error:.4f} at {density:.1%} active, {ratio:.2f}× ℓ1's")

# %%
# Claim 1: how many ℓ1 units reach the error of 64 CEL0 units (5 % active)?
goal = error_at_sparsity(learn("cel0", 64), "cel0")[0]
curve = {64: error_at_sparsity(learn("l1", 64), "l1")[0], 128: errors["l1"][0]}
curve[256] = error_at_sparsity(learn("l1", 256), "l1")[0]
print(f"CEL0 with 64 units: error {goal:.4f}")
for size, error in curve.items():
    verdict = "reaches it" if error <= goal else "does not reach it"
    print(f"ℓ1 with {size:>3} units: error {error:.4f} ({verdict})")

plt.figure(figsize=(6, 4))
plt.loglog(list(curve), list(curve.values()), marker="o", label="ℓ1")
plt.axhline(goal, color="C3", linestyle="--", label="CEL0, 64 units")
plt.xlabel("ℓ1 dictionary size")
plt.ylabel("relative error at 5 % active units")
plt.legend()
plt.show()
