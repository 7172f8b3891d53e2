r"""Receptive-field analysis: a 2-D Gabor fit of every atom of a dictionary.

The field measures whether learned atoms look like the simple cells of V1 by
fitting each one with a Gabor function, an oriented sinusoidal carrier under a
Gaussian envelope (Jones and Palmer 1987; Olshausen and Field 1996;
Rentzeperis et al. 2023):

.. math::

    g(x, y) = A\,\exp\!\Big(-\frac{u^2}{2\sigma_u^2} - \frac{v^2}{2\sigma_v^2}\Big)
    \cos(2\pi f u + \varphi),\qquad
    \begin{aligned} u &= (x - x_0)\cos\theta + (y - y_0)\sin\theta \\
    v &= -(x - x_0)\sin\theta + (y - y_0)\cos\theta \end{aligned}

``u`` runs across the stripes (along the carrier's wave vector) and ``v``
along them.  An atom is *Gabor-like* when the least-squares fit explains a
large share of its variance (``R² >= 0.7`` by default).  A fit needs a good
start: the carrier's frequency and orientation come from the peak of the
atom's spectrum, the envelope's centre and widths from the moments of the
analytic signal (the atom demodulated around that peak), and a few other
starts (the envelope's maximum, a blob with no carrier) run beside it; all
starts of all atoms are refined together by a batched Levenberg–Marquardt
iteration with an analytic Jacobian, so a thousand atoms take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._array_api import to_numpy
from .._validation import check_integer, check_real

__all__ = ["GaborFit", "fit_gabor", "summarize_receptive_fields"]

_N_PARAMS = 8  # amplitude, x0, y0, theta, frequency, phase, log sigma_u, log sigma_v
_MIN_SIGMA = 0.35  # pixels: narrower envelopes are single-pixel spikes, not filters


@dataclass(frozen=True)
class GaborFit:
    """Gabor parameters of each atom (arrays of shape ``(n_atoms,)``), from :func:`fit_gabor`.

    Parameters
    ----------
    x0, y0 : ndarray
        Centre of the envelope in pixels (column, row; 0 is the first pixel).
    theta : ndarray
        Orientation of the carrier's wave vector in radians, in ``[0, π)``;
        the stripes run at ``theta + π/2``.
    frequency : ndarray
        Spatial frequency of the carrier, in cycles per pixel (``>= 0``).
    phase : ndarray
        Phase of the carrier at the centre, in ``(−π, π]`` (0: even, ±π/2: odd).
    sigma_u, sigma_v : ndarray
        Envelope widths across and along the stripes, in pixels.
    amplitude : ndarray
        Peak amplitude ``A`` (in the units of the atoms).
    r2 : ndarray
        Share of the atom's variance the fit explains, ``1 − ||(g − ḡ) −
        (atom − mean)||² / ||atom − mean||²`` (both compared without their
        mean over the pixels; ``nan`` for a constant atom).
    patch_shape : (int, int)
        (height, width) of the atoms.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import fit_gabor
    >>> rows, cols = np.mgrid[0:9, 0:9]
    >>> atom = np.exp(-((cols - 4) ** 2 + (rows - 4) ** 2) / 4) * np.sin(np.pi * 0.5 * rows)
    >>> fit = fit_gabor(atom.reshape(1, -1), (9, 9))
    >>> bool(fit.gabor_like(0.9)[0]), round(float(fit.theta[0]), 3)
    (True, 1.571)
    """

    x0: np.ndarray
    y0: np.ndarray
    theta: np.ndarray
    frequency: np.ndarray
    phase: np.ndarray
    sigma_u: np.ndarray
    sigma_v: np.ndarray
    amplitude: np.ndarray
    r2: np.ndarray
    patch_shape: tuple

    @property
    def n_atoms(self):
        """Number of atoms fitted."""
        return int(self.r2.shape[0])

    def gabor_like(self, threshold=0.7):
        """Boolean mask of the atoms whose fit reaches ``R² >= threshold``."""
        threshold = check_real(threshold, "threshold", low=0.0, high=1.0)
        return np.nan_to_num(self.r2, nan=-np.inf) >= threshold

    def predict(self):
        """The fitted Gabor functions, shape ``(n_atoms, height·width)``.

        The fit compares atoms up to a constant: ``predict() − its mean``
        approximates ``atom − its mean``.
        """
        params = np.stack(
            [
                self.amplitude,
                self.x0,
                self.y0,
                self.theta,
                self.frequency,
                self.phase,
                np.log(self.sigma_u),
                np.log(self.sigma_v),
            ],
            axis=1,
        )
        grid_x, grid_y = _pixel_grid(self.patch_shape)
        return _gabor(params, grid_x, grid_y)


def _pixel_grid(patch_shape):
    height, width = patch_shape
    rows, cols = np.mgrid[0:height, 0:width]
    return cols.ravel().astype(float), rows.ravel().astype(float)


def _gabor(params, grid_x, grid_y, jacobian=False):
    """Gabor functions for rows of ``params``, and their Jacobian if asked."""
    amplitude, x0, y0, theta, frequency, phase, log_su, log_sv = (
        params[:, k : k + 1] for k in range(_N_PARAMS)
    )
    dx = grid_x[None, :] - x0
    dy = grid_y[None, :] - y0
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    u = dx * cos_t + dy * sin_t
    v = -dx * sin_t + dy * cos_t
    inv_su2 = np.exp(-2.0 * log_su)
    inv_sv2 = np.exp(-2.0 * log_sv)
    envelope = np.exp(-0.5 * (u * u * inv_su2 + v * v * inv_sv2))
    angle = 2.0 * np.pi * frequency * u + phase
    carrier_cos, carrier_sin = np.cos(angle), np.sin(angle)
    values = amplitude * envelope * carrier_cos
    if not jacobian:
        return values
    a_env = amplitude * envelope
    d_u = a_env * (-u * inv_su2 * carrier_cos - 2.0 * np.pi * frequency * carrier_sin)
    d_v = a_env * (-v * inv_sv2 * carrier_cos)
    jac = np.empty(values.shape + (_N_PARAMS,))
    jac[..., 0] = envelope * carrier_cos
    jac[..., 1] = -cos_t * d_u + sin_t * d_v
    jac[..., 2] = -sin_t * d_u - cos_t * d_v
    jac[..., 3] = v * d_u - u * d_v
    jac[..., 4] = -a_env * carrier_sin * 2.0 * np.pi * u
    jac[..., 5] = -a_env * carrier_sin
    jac[..., 6] = values * u * u * inv_su2
    jac[..., 7] = values * v * v * inv_sv2
    return values, jac


def _starts(atoms, patch_shape):
    """Initial parameters for each atom: spectral peak + analytic-signal moments, and variants."""
    height, width = patch_shape
    n_atoms = atoms.shape[0]
    images = atoms.reshape(n_atoms, height, width)
    pad = (4 * height, 4 * width)
    spectrum = np.abs(np.fft.fft2(images, s=pad))
    freq_rows = np.fft.fftfreq(pad[0])
    freq_cols = np.fft.fftfreq(pad[1])
    # one half-plane (the spectrum of a real image is symmetric)
    half = (freq_cols[None, :] > 0) | ((freq_cols[None, :] == 0) & (freq_rows[:, None] >= 0))
    spectrum = np.where(half[None], spectrum, -1.0)
    peak = np.argmax(spectrum.reshape(n_atoms, -1), axis=1)
    ky = freq_rows[peak // pad[1]]
    kx = freq_cols[peak % pad[1]]
    frequency = np.hypot(kx, ky)
    theta = np.arctan2(ky, kx)

    # analytic signal: keep the spectrum on the peak's side, demodulate
    grid_x, grid_y = _pixel_grid(patch_shape)
    own = np.fft.fft2(images)
    f_rows = np.fft.fftfreq(height)[:, None]
    f_cols = np.fft.fftfreq(width)[None, :]
    side = (f_cols[None] * kx[:, None, None] + f_rows[None] * ky[:, None, None]) > 0
    centre_bin = (f_cols[None] == 0) & (f_rows[None] == 0)
    analytic = np.fft.ifft2(np.where(side, 2.0 * own, np.where(centre_bin, own, 0.0)))
    envelope = np.abs(analytic).reshape(n_atoms, -1)
    weights = envelope**2
    total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
    weights = weights / total
    cx = weights @ grid_x
    cy = weights @ grid_y
    dx = grid_x[None, :] - cx[:, None]
    dy = grid_y[None, :] - cy[:, None]
    u = dx * np.cos(theta)[:, None] + dy * np.sin(theta)[:, None]
    v = -dx * np.sin(theta)[:, None] + dy * np.cos(theta)[:, None]
    # the squared envelope has widths sigma/sqrt(2)
    sigma_u = np.sqrt(2.0 * np.sum(weights * u * u, axis=1))
    sigma_v = np.sqrt(2.0 * np.sum(weights * v * v, axis=1))
    limit = float(max(height, width))
    sigma_u = np.clip(sigma_u, 0.8, limit)
    sigma_v = np.clip(sigma_v, 0.8, limit)
    amplitude = envelope.max(axis=1)
    nearest = np.argmin(dx * dx + dy * dy, axis=1)
    phase = np.angle(analytic.reshape(n_atoms, -1)[np.arange(n_atoms), nearest])

    first = np.stack(
        [amplitude, cx, cy, theta, frequency, phase, np.log(sigma_u), np.log(sigma_v)], axis=1
    )
    # start 2: the envelope's maximum, a rounder envelope
    second = first.copy()
    peak_pixel = np.argmax(envelope, axis=1)
    second[:, 1] = grid_x[peak_pixel]
    second[:, 2] = grid_y[peak_pixel]
    second[:, 6] = second[:, 7] = np.log(np.clip(0.5 / np.maximum(frequency, 1e-3), 1.0, limit))
    # start 3: a blob (no carrier) at the largest absolute pixel
    third = first.copy()
    largest = np.argmax(np.abs(atoms), axis=1)
    third[:, 0] = atoms[np.arange(n_atoms), largest]
    third[:, 1] = grid_x[largest]
    third[:, 2] = grid_y[largest]
    third[:, 4] = 0.0
    third[:, 5] = 0.0
    third[:, 6] = third[:, 7] = np.log(1.5)
    return np.stack([first, second, third], axis=1)  # (n_atoms, n_starts, n_params)


def _project(params, patch_shape):
    """Keep the parameters in the fit's domain (widths, frequency, centre)."""
    height, width = patch_shape
    limit = np.log(4.0 * max(height, width))
    params[:, 6:8] = np.clip(params[:, 6:8], np.log(_MIN_SIGMA), limit)
    params[:, 4] = np.clip(params[:, 4], -0.75, 0.75)
    params[:, 1] = np.clip(params[:, 1], -width, 2.0 * width)
    params[:, 2] = np.clip(params[:, 2], -height, 2.0 * height)
    return params


def _centred_gabor(params, grid_x, grid_y, jacobian=False):
    """Gabor functions minus their mean over the pixels (atoms are compared up to a constant)."""
    if not jacobian:
        values = _gabor(params, grid_x, grid_y)
        return values - values.mean(axis=1, keepdims=True)
    values, jac = _gabor(params, grid_x, grid_y, jacobian=True)
    return values - values.mean(axis=1, keepdims=True), jac - jac.mean(axis=1, keepdims=True)


def _levenberg_marquardt(params, targets, patch_shape, max_iter, rtol=1e-9):
    """Batched Levenberg–Marquardt on ``||gabor(params_i) − target_i||²`` for every row i.

    Both sides are compared without their mean over the pixels.  A row stops
    when an accepted step lowers its cost by less than ``rtol`` (relative) or
    when its damping saturates (no step lowers the cost).
    """
    grid_x, grid_y = _pixel_grid(patch_shape)
    params = params.copy()
    damping = np.full(params.shape[0], 1e-2)
    cost = np.sum((_centred_gabor(params, grid_x, grid_y) - targets) ** 2, axis=1)
    active = np.arange(params.shape[0])
    eye = np.eye(_N_PARAMS)
    for _ in range(max_iter):
        if active.size == 0:
            break
        current = params[active]
        target = targets[active]
        values, jac = _centred_gabor(current, grid_x, grid_y, jacobian=True)
        residual = values - target
        normal = np.matmul(np.swapaxes(jac, 1, 2), jac)
        gradient = np.matmul(np.swapaxes(jac, 1, 2), residual[..., None])[..., 0]
        diagonal = np.diagonal(normal, axis1=1, axis2=2)
        floor = 1e-9 * np.sum(diagonal, axis=1)
        scaled = (
            normal + eye[None] * (damping[active, None] * (diagonal + floor[:, None]))[:, None, :]
        )
        try:
            step = np.linalg.solve(scaled, -gradient[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular system: take a gradient step there
            step = -gradient / (np.sum(diagonal, axis=1)[:, None] + 1e-12)
        step = np.nan_to_num(step)
        trial = _project(current + step, patch_shape)
        trial_cost = np.sum((_centred_gabor(trial, grid_x, grid_y) - target) ** 2, axis=1)
        old_cost = cost[active]
        better = trial_cost < old_cost
        params[active] = np.where(better[:, None], trial, current)
        cost[active] = np.where(better, trial_cost, old_cost)
        damping[active] = np.clip(
            np.where(better, damping[active] / 3.0, damping[active] * 4.0), 1e-9, 1e9
        )
        finished = (better & (old_cost - trial_cost <= rtol * old_cost)) | (damping[active] >= 1e9)
        active = active[~finished]
    return params, cost


def _canonical(params):
    """Frequency >= 0 and theta in [0, π), with the phase that keeps the same function."""
    params = params.copy()
    negative = params[:, 4] < 0
    params[negative, 4] = -params[negative, 4]
    params[negative, 5] = -params[negative, 5]
    turns = np.floor(params[:, 3] / np.pi)
    params[:, 3] -= turns * np.pi
    odd = (turns.astype(np.int64) % 2) == 1  # u -> -u: the carrier's phase changes sign
    params[odd, 5] = -params[odd, 5]
    params[:, 5] = np.angle(np.exp(1j * params[:, 5]))
    flip = params[:, 0] < 0  # -A cos(a) = A cos(a + π)
    params[flip, 0] = -params[flip, 0]
    params[flip, 5] = np.angle(np.exp(1j * (params[flip, 5] + np.pi)))
    return params


def fit_gabor(components, patch_shape, *, max_iter=100):
    r"""Fit a 2-D Gabor function to every atom of a dictionary (receptive-field analysis).

    Each atom (a row of ``components``, reshaped to ``patch_shape``) is fitted
    by least squares over the envelope's centre, widths and orientation and
    the carrier's frequency and phase (see the module's formula).  Several
    starts per atom (the spectral peak with analytic-signal moments, the
    envelope's maximum, a carrier-free blob) are refined together by a batched
    Levenberg–Marquardt iteration, and the best fit is kept.

    Parameters
    ----------
    components : array of shape (n_atoms, height·width)
        The atoms, e.g. ``DictionaryLearning().components_`` (any array
        library; moved to the host).  Rows are flattened row-major.
    patch_shape : (int, int)
        (height, width) of an atom, each at least 3.
    max_iter : int, default=100
        Levenberg–Marquardt iterations (at most; a fit stops when its cost
        stops decreasing).

    Returns
    -------
    GaborFit
        The parameters and the ``R²`` of every atom; ``gabor_like(0.7)`` is
        the usual criterion for a V1-like receptive field.

    See Also
    --------
    summarize_receptive_fields : the fraction of Gabor-like atoms and their coverage.
    sparsestat.plotting.plot_receptive_fields : the tiling of orientation, frequency and position.

    References
    ----------
    .. [1] J. P. Jones and L. A. Palmer, "An evaluation of the two-dimensional
       Gabor filter model of simple receptive fields in cat striate cortex",
       J. Neurophysiol. 58(6), 1233–1258, 1987.
    .. [2] B. A. Olshausen and D. J. Field, "Emergence of simple-cell receptive
       field properties by learning a sparse code for natural images", Nature
       381, 607–609, 1996.
    .. [3] L. Rentzeperis, L. Calatroni, L. U. Perrinet and D. Prandi, "Beyond ℓ1
       sparse coding in V1", PLOS Comput. Biol. 19(9), e1011459, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import fit_gabor
    >>> rows, cols = np.mgrid[0:12, 0:12]
    >>> atom = np.exp(-((cols - 6) ** 2 + (rows - 5) ** 2) / 8) * np.cos(2 * np.pi * 0.2 * cols)
    >>> fit = fit_gabor(atom.reshape(1, -1), (12, 12))
    >>> round(float(fit.r2[0]), 6), round(float(fit.frequency[0]), 3), round(float(fit.x0[0]), 3)
    (1.0, 0.2, 6.0)
    """
    atoms = np.asarray(to_numpy(components), dtype=np.float64)
    if atoms.ndim != 2:
        raise ValueError(
            f"components must be 2-D (n_atoms, height·width), got shape {atoms.shape}."
        )
    try:
        height, width = (int(s) for s in patch_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"patch_shape must be a pair of integers (height, width), got {patch_shape!r}."
        ) from None
    if height < 3 or width < 3:
        raise ValueError(f"patch_shape must be at least (3, 3), got {(height, width)}.")
    if atoms.shape[1] != height * width:
        raise ValueError(
            f"components have {atoms.shape[1]} entries per atom, not "
            f"{height}×{width} = {height * width} (patch_shape)."
        )
    if not np.all(np.isfinite(atoms)):
        raise ValueError("components contain NaN or infinite values.")
    max_iter = check_integer(max_iter, "max_iter", low=1)
    patch_shape = (height, width)
    n_atoms = atoms.shape[0]
    if n_atoms == 0:
        empty = np.zeros(0)
        return GaborFit(*([empty] * 9), patch_shape=patch_shape)
    # fit unit-norm, zero-mean atoms (R² and the shape do not depend on the scale)
    centred = atoms - atoms.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1)
    scale = np.where(norms > 0, norms, 1.0)
    targets = centred / scale[:, None]
    starts = _starts(targets, patch_shape)
    n_starts = starts.shape[1]
    flat = _project(starts.reshape(-1, _N_PARAMS).copy(), patch_shape)
    repeated = np.repeat(targets, n_starts, axis=0)
    params, cost = _levenberg_marquardt(flat, repeated, patch_shape, max_iter)
    cost = cost.reshape(n_atoms, n_starts)
    best = np.argmin(cost, axis=1)
    params = params.reshape(n_atoms, n_starts, _N_PARAMS)[np.arange(n_atoms), best]
    params = _canonical(params)
    # R²: the share of the atom's variance (around its mean) that the fit explains
    grid_x, grid_y = _pixel_grid(patch_shape)
    fitted = _centred_gabor(params, grid_x, grid_y) * scale[:, None]
    residual = np.sum((fitted - centred) ** 2, axis=1)
    total = norms**2
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(total > 0, 1.0 - residual / total, np.nan)
    return GaborFit(
        x0=params[:, 1],
        y0=params[:, 2],
        theta=params[:, 3],
        frequency=params[:, 4],
        phase=params[:, 5],
        sigma_u=np.exp(params[:, 6]),
        sigma_v=np.exp(params[:, 7]),
        amplitude=params[:, 0] * scale,
        r2=r2,
        patch_shape=patch_shape,
    )


def summarize_receptive_fields(fit, threshold=0.7, *, n_orientations=8):
    """Summary statistics of a :class:`GaborFit`: how V1-like a dictionary is.

    Parameters
    ----------
    fit : GaborFit
        The result of :func:`fit_gabor`.
    threshold : float, default=0.7
        ``R²`` from which an atom counts as Gabor-like.
    n_orientations : int, default=8
        Orientation bins over ``[0, π)`` for the coverage statistic.

    Returns
    -------
    dict
        ``n_atoms``; ``gabor_fraction`` (share of atoms with ``R² >=
        threshold``); ``median_r2``; among the Gabor-like atoms:
        ``localized_fraction`` (share of all atoms that are Gabor-like *and*
        whose envelope is narrower than half the patch in both directions,
        with their centre inside it: an oriented, localised filter rather than
        a plane wave), ``orientation_coverage`` (share of the
        ``n_orientations`` bins holding at least one atom),
        ``orientation_uniformity`` (1 minus the length of the mean resultant
        of ``2θ``: 1 for evenly spread orientations, 0 for one orientation),
        ``frequency_quartiles`` (cycles per pixel), ``median_aspect_ratio``
        (``sigma_v / sigma_u``, > 1 for elongated fields) and
        ``median_bandwidth_octaves`` (the full width at half height of the
        carrier's spectral band, in octaves).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import fit_gabor, summarize_receptive_fields
    >>> noise = np.random.default_rng(0).standard_normal((20, 144))
    >>> summarize_receptive_fields(fit_gabor(noise, (12, 12)))["gabor_fraction"]
    0.0
    """
    if not isinstance(fit, GaborFit):
        raise TypeError(f"fit must be a GaborFit (from fit_gabor), got {type(fit).__name__}.")
    n_orientations = check_integer(n_orientations, "n_orientations", low=1)
    good = fit.gabor_like(threshold)
    height, width = fit.patch_shape
    localized = (
        good
        & (fit.sigma_u <= width / 2.0)
        & (fit.sigma_v <= height / 2.0)
        & (fit.x0 >= -0.5)
        & (fit.x0 <= width - 0.5)
        & (fit.y0 >= -0.5)
        & (fit.y0 <= height - 0.5)
    )
    n_atoms = fit.n_atoms
    summary = {
        "n_atoms": n_atoms,
        "gabor_fraction": float(np.mean(good)) if n_atoms else float("nan"),
        "localized_fraction": float(np.mean(localized)) if n_atoms else float("nan"),
        "median_r2": float(np.nanmedian(fit.r2)) if n_atoms else float("nan"),
    }
    theta = fit.theta[good]
    if theta.size:
        bins = np.floor(theta / np.pi * n_orientations).astype(int) % n_orientations
        resultant = np.abs(np.mean(np.exp(2j * theta)))
        frequency = fit.frequency[good]
        sigma_u = fit.sigma_u[good]
        # a Gaussian envelope of width sigma_u has a spectral half-width sqrt(2 ln 2)/(2π sigma_u)
        half_width = np.sqrt(2.0 * np.log(2.0)) / (2.0 * np.pi * sigma_u)
        low = np.maximum(frequency - half_width, 1e-12)
        with np.errstate(divide="ignore", invalid="ignore"):
            bandwidth = np.log2((frequency + half_width) / low)
        summary.update(
            orientation_coverage=float(np.unique(bins).size / n_orientations),
            orientation_uniformity=float(1.0 - resultant),
            frequency_quartiles=tuple(float(v) for v in np.quantile(frequency, [0.25, 0.5, 0.75])),
            median_aspect_ratio=float(np.median(fit.sigma_v[good] / sigma_u)),
            median_bandwidth_octaves=float(np.median(bandwidth)),
        )
    else:
        summary.update(
            orientation_coverage=0.0,
            orientation_uniformity=float("nan"),
            frequency_quartiles=(float("nan"),) * 3,
            median_aspect_ratio=float("nan"),
            median_bandwidth_octaves=float("nan"),
        )
    return summary
