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
    try:
        size = len(shape)
    except TypeError:
        size = None
    if size != 2:
        raise ValueError(
            f"shape must be a pair (height, width) of positive integers, got {shape!r}."
        )
    height = check_integer(shape[0], "shape[0]", low=1)
    width = check_integer(shape[1], "shape[1]", low=1)
    cutoff = check_real(cutoff, "cutoff", low=0.0, low_inclusive=False)
    rows = np.fft.fftfreq(height)[:, None]
    cols = np.fft.fftfreq(width)[None, :]
    rho = np.sqrt(rows**2 + cols**2)
    return rho * np.exp(-((rho / cutoff) ** 4))


def _check_images(images, patch_size):
    """Grey-level float images from a user's list (2-D, or 3-D with colour channels last)."""
    if isinstance(images, np.ndarray) and images.ndim in (2, 3) and images.dtype != object:
        if images.ndim == 2 or images.shape[-1] in (3, 4):
            images = [images]  # one picture, not a stack
    try:
        images = list(images)
    except TypeError:
        raise TypeError(
            f"images must be a list of 2-D (grey) or 3-D (colour) arrays, got "
            f"{type(images).__name__}."
        ) from None
    if not images:
        raise ValueError("images must hold at least one picture, got an empty list.")
    greys = []
    for index, image in enumerate(images):
        try:
            array = np.asarray(image, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"images[{index}] is not a numeric array.") from None
        if array.ndim == 3:
            array = array[..., :3].mean(axis=2)  # colour to grey (alpha channel dropped)
        if array.ndim != 2:
            raise ValueError(
                f"images[{index}] must be 2-D (grey) or 3-D (height, width, channels), got "
                f"shape {array.shape}."
            )
        if min(array.shape) < patch_size:
            raise ValueError(
                f"images[{index}] has shape {array.shape}, smaller than patch_size={patch_size}."
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"images[{index}] contains NaN or infinite values.")
        greys.append(array)
    return greys


def load_image_patches(
    patch_size=16,
    n_patches=10_000,
    *,
    images=None,
    whiten=True,
    cutoff=0.39,
    random_state=None,
):
    """Whitened, mean-subtracted patches of natural images (scikit-learn's or your own).

    Each picture is converted to grey levels, whitened with
    :func:`whitening_filter` (the preprocessing of Olshausen and Field, and of
    Rentzeperis et al.) and scaled to unit variance; random ``patch_size ×
    patch_size`` patches are cut, each has its mean removed.

    By default the pictures are the two photographs of
    :func:`sklearn.datasets.load_sample_images` (no download).  They are few
    (two scenes of 427 × 640 pixels, one with buildings) and JPEG-compressed
    (8 × 8 blocks): enough to learn oriented filters and to compare penalties
    on the same data, not the calibrated natural images the published V1
    numbers come from (Rentzeperis et al. used 137 pictures of the van Hateren
    database, Olshausen and Field ten scenes of their own).  Pass those, or
    any pictures, as ``images``.

    Parameters
    ----------
    patch_size : int, default=16
        Side of the square patches, in pixels.
    n_patches : int, default=10000
        Number of patches.
    images : list of arrays, optional
        Your own pictures: 2-D grey-level arrays, or 3-D ``(height, width,
        channels)`` colour arrays (averaged to grey), each at least
        ``patch_size`` in both directions; a single 2-D or 3-D array counts as
        one picture.  Default: scikit-learn's two sample photographs.  Each
        patch comes from a picture drawn uniformly at random.
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
    >>> picture = np.random.default_rng(0).standard_normal((40, 50))
    >>> load_image_patches(8, 10, images=[picture], random_state=0).shape
    (10, 64)
    """
    patch_size = check_integer(patch_size, "patch_size", low=2, high=400)
    n_patches = check_integer(n_patches, "n_patches", low=1)
    cutoff = check_real(cutoff, "cutoff", low=0.0, low_inclusive=False)
    rng = check_random_state(random_state)
    if images is None:
        from sklearn.datasets import load_sample_images

        pictures = [image.astype(np.float64).mean(axis=2) for image in load_sample_images().images]
    else:
        pictures = _check_images(images, patch_size)
    images = []
    for grey in pictures:
        grey = grey - grey.mean()
        if whiten:
            spectrum = np.fft.fft2(grey) * whitening_filter(grey.shape, cutoff)
            grey = np.real(np.fft.ifft2(spectrum))
        spread = grey.std()
        if spread == 0:
            raise ValueError("a picture of images is constant: it has no patches to learn from.")
        grey /= spread
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
