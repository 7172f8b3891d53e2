"""Demo step: V1-like dictionaries on natural-image patches with ℓ1 and CEL0.

Rentzeperis et al. (2023) report that both penalties learn oriented, localised atoms and that
CEL0 reconstructs better at the same fraction of active units.  The step
prints the share of Gabor-like atoms (R² >= 0.7 of a 2-D Gabor fit) and the
held-out error at 5 % active units, and draws the atoms.
"""

from __future__ import annotations

import time

import numpy as np

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition import (
    DictionaryLearning,
    alpha_for_sparsity,
    fit_gabor,
    sparse_encode,
)
from sparsestat.plotting import plot_dictionary

PATCH = 8
# learning strengths giving about 5 % active units on these patches
ALPHAS = {"l1": 1.4, "cel0": 0.8}


def error_at_sparsity(test, D, penalty, target=0.05):
    """Held-out relative error of converged codes at ``target`` active units."""
    alpha = alpha_for_sparsity(test[:300], D, target, penalty=penalty, n_steps=18)
    codes = sparse_encode(test, D, penalty=penalty, alpha=alpha, max_iter=10_000)
    return np.sum((test - codes @ D) ** 2) / np.sum(test**2), np.mean(codes != 0)


def run(output_dir):
    import matplotlib.pyplot as plt

    train = load_image_patches(patch_size=PATCH, n_patches=12_000, random_state=0)
    test = load_image_patches(patch_size=PATCH, n_patches=1_000, random_state=1)
    print(
        f"whitened {PATCH}x{PATCH} patches of scikit-learn's sample images: {train.shape[0]} to "
        f"learn (5 epochs), {test.shape[0]} to test; 128 atoms"
    )
    print(
        f"{'penalty':<8}{'alpha':>7}{'active':>8}{'Gabor-like':>12}{'error @ 5%':>12}{'time s':>8}"
    )
    figure, axes = plt.subplots(1, 2, figsize=(10, 5))
    errors = {}
    for axis, (penalty, alpha) in zip(axes, ALPHAS.items(), strict=True):
        start = time.perf_counter()
        model = DictionaryLearning(
            128, penalty=penalty, alpha=alpha, n_epochs=5, random_state=0
        ).fit(train)
        elapsed = time.perf_counter() - start
        share = fit_gabor(model.components_, (PATCH, PATCH)).gabor_like().mean()
        errors[penalty], _ = error_at_sparsity(test, model.components_, penalty)
        print(
            f"{penalty:<8}{alpha:>7}{model.sparsity_[-1]:>8.3f}{share:>12.0%}"
            f"{errors[penalty]:>12.4f}{elapsed:>8.1f}"
        )
        plot_dictionary(
            model.components_,
            (PATCH, PATCH),
            ax=axis,
            title=f"{penalty} atoms: {share:.0%} Gabor-like",
        )
    print(f"CEL0's error is {errors['cel0'] / errors['l1']:.2f}x l1's at 5% active units")
    path = output_dir / "dictionary_atoms.png"
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)
    print(f"figure: {path}")
