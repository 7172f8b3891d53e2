"""Demo step: learn small dictionaries on natural-image patches with ℓ1 and CEL0."""

from __future__ import annotations

import time

import numpy as np

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition import DictionaryLearning, sparse_encode
from sparsestat.plotting import plot_dictionary


def run(output_dir):
    import matplotlib.pyplot as plt

    train = load_image_patches(patch_size=12, n_patches=10_000, random_state=0)
    test = load_image_patches(patch_size=12, n_patches=2_000, random_state=1)
    print(
        f"whitened 12x12 patches of scikit-learn's sample images: {train.shape[0]} to learn, "
        f"{test.shape[0]} to test; 144 atoms, 2 epochs"
    )
    print(f"{'penalty':<8}{'alpha':>7}{'active':>9}{'rel. error':>12}{'time s':>8}")
    figure, axes = plt.subplots(1, 2, figsize=(10, 5))
    for axis, (penalty, alpha) in zip(axes, (("l1", 0.5), ("cel0", 0.2)), strict=True):
        start = time.perf_counter()
        model = DictionaryLearning(
            144, penalty=penalty, alpha=alpha, n_epochs=2, random_state=0
        ).fit(train)
        elapsed = time.perf_counter() - start
        codes = sparse_encode(test, model.components_, penalty=penalty, alpha=alpha, max_iter=5000)
        error = np.sum((test - codes @ model.components_) ** 2) / np.sum(test**2)
        print(f"{penalty:<8}{alpha:>7}{np.mean(codes != 0):>9.3f}{error:>12.4f}{elapsed:>8.1f}")
        plot_dictionary(model.components_, (12, 12), ax=axis, title=f"{penalty} atoms")
    path = output_dir / "dictionary_atoms.png"
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)
    print(f"figure: {path}")
