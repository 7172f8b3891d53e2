"""Real data that ships offline (with scikit-learn or inside the package)."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .._validation import check_integer, check_real

__all__ = ["load_image_patches", "whitening_filter"]


def whitening_filter(shape, cutoff=0.39):
    """The Olshausen–Field whitening/low-pass filter ``ρ·exp(−(ρ/f₀)⁴)`` in Fourier space.

    ``ρ`` is the radial frequency in cycles per pixel and ``f₀ = cutoff``
    (Olshausen and Field used 200 cycles per 512-pixel picture, 0.39 cycles
    per pixel): the ramp ``ρ`` flattens the ``1/ρ`` amplitude spectrum of
    natural images, the exponential removes the high frequencies where noise
    and aliasing dominate.

    Parameters
    ----------
    shape : (int, int)
        Height and width of the image (the filter has the same shape).
    cutoff : float, default=0.39
        ``f₀``, the low-pass cut-off in cycles per pixel.

    Returns
    -------
    ndarray of shape ``shape``
        The filter, to multiply with the image's 2-D FFT.

    Examples
    --------
    >>> from sparsestat.datasets import whitening_filter
    >>> mask = whitening_filter((8, 8))
    >>> mask.shape, float(mask[0, 0])  # the mean (zero frequency) is removed
    ((8, 8), 0.0)
    """
    rows = np.fft.fftfreq(shape[0])[:, None]
    cols = np.fft.fftfreq(shape[1])[None, :]
    rho = np.sqrt(rows**2 + cols**2)
    return rho * np.exp(-((rho / cutoff) ** 4))


def load_image_patches(
    patch_size=16, n_patches=10_000, *, whiten=True, cutoff=0.39, random_state=None
):
    """Whitened, mean-subtracted patches of the natural images shipped with scikit-learn.

    The two photographs of :func:`sklearn.datasets.load_sample_images` are
    converted to grey levels, whitened with :func:`whitening_filter` (the
    preprocessing of Olshausen and Field, and of Rentzeperis et al.), scaled to
    unit variance; random ``patch_size × patch_size`` patches are cut, each has
    its mean removed.  No download: the images are part of scikit-learn.

    Parameters
    ----------
    patch_size : int, default=16
        Side of the square patches, in pixels.
    n_patches : int, default=10000
        Number of patches.
    whiten : bool, default=True
        Whiten the images first (:func:`whitening_filter`).
    cutoff : float, default=0.39
        ``f₀`` of the whitening filter, in cycles per pixel.
    random_state : int, RandomState instance or None, default=None
        Seed of the patch positions.

    Returns
    -------
    patches : ndarray of shape (n_patches, patch_size ** 2)
        Row-major flattened patches (reshape to ``(patch_size, patch_size)``).

    References
    ----------
    .. [1] B. A. Olshausen and D. J. Field, "Sparse coding with an overcomplete
       basis set: a strategy employed by V1?", Vision Res. 37(23), 3311–3325,
       1997.
    .. [2] L. Rentzeperis, L. Calatroni, L. U. Perrinet and D. Prandi, "Beyond ℓ1
       sparse coding in V1", PLOS Comput. Biol. 19(9), e1011459, 2023.

    Examples
    --------
    >>> from sparsestat.datasets import load_image_patches
    >>> load_image_patches(patch_size=8, n_patches=100, random_state=0).shape
    (100, 64)
    """
    from sklearn.datasets import load_sample_images

    patch_size = check_integer(patch_size, "patch_size", low=2, high=400)
    n_patches = check_integer(n_patches, "n_patches", low=1)
    cutoff = check_real(cutoff, "cutoff", low=0.0, low_inclusive=False)
    rng = check_random_state(random_state)
    images = []
    for image in load_sample_images().images:
        grey = image.astype(np.float64).mean(axis=2)
        grey -= grey.mean()
        if whiten:
            spectrum = np.fft.fft2(grey) * whitening_filter(grey.shape, cutoff)
            grey = np.real(np.fft.ifft2(spectrum))
        grey /= grey.std()
        images.append(grey)
    per_image = np.bincount(rng.randint(len(images), size=n_patches), minlength=len(images))
    patches = []
    for image, count in zip(images, per_image, strict=True):
        rows = rng.randint(image.shape[0] - patch_size + 1, size=count)
        cols = rng.randint(image.shape[1] - patch_size + 1, size=count)
        for r, c in zip(rows, cols, strict=True):
            patches.append(image[r : r + patch_size, c : c + patch_size].ravel())
    patches = np.asarray(patches)
    patches -= patches.mean(axis=1, keepdims=True)
    order = rng.permutation(n_patches)
    return patches[order]
