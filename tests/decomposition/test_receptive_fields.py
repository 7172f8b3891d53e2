"""Gabor fits of receptive fields: known parameters come back, noise fits badly."""

import numpy as np
import pytest

from sparsestat.decomposition import GaborFit, fit_gabor, summarize_receptive_fields


def gabor_images(params, shape):
    """Gabor functions written out directly from the formula (independent of the fitter)."""
    height, width = shape
    rows, cols = np.mgrid[0:height, 0:width]
    out = []
    for amplitude, x0, y0, theta, frequency, phase, sigma_u, sigma_v in params:
        u = (cols - x0) * np.cos(theta) + (rows - y0) * np.sin(theta)
        v = -(cols - x0) * np.sin(theta) + (rows - y0) * np.cos(theta)
        envelope = np.exp(-(u**2) / (2 * sigma_u**2) - v**2 / (2 * sigma_v**2))
        out.append((amplitude * envelope * np.cos(2 * np.pi * frequency * u + phase)).ravel())
    return np.array(out)


@pytest.fixture(scope="module")
def planted():
    rng = np.random.default_rng(0)
    n = 60
    params = np.column_stack(
        [
            rng.uniform(0.5, 2.0, n),
            rng.uniform(5, 10, n),
            rng.uniform(5, 10, n),
            rng.uniform(0, np.pi, n),
            rng.uniform(0.1, 0.3, n),
            rng.uniform(-np.pi, np.pi, n),
            rng.uniform(1.5, 3.0, n),
            rng.uniform(1.5, 4.0, n),
        ]
    )
    clean = gabor_images(params, (16, 16))
    noise = 0.03 * rng.standard_normal(clean.shape) * np.abs(clean).max(axis=1, keepdims=True)
    return params, clean + noise


def test_recovers_planted_parameters(planted):
    params, atoms = planted
    fit = fit_gabor(atoms, (16, 16))
    assert isinstance(fit, GaborFit) and fit.n_atoms == len(params)
    assert np.min(fit.r2) > 0.9
    # orientation is defined modulo π
    theta_error = np.abs(np.angle(np.exp(2j * (fit.theta - params[:, 3])))) / 2
    assert np.median(theta_error) < 0.02 and np.max(theta_error) < 0.15
    frequency_error = np.abs(fit.frequency - params[:, 4]) / params[:, 4]
    assert np.median(frequency_error) < 0.03
    assert np.median(np.hypot(fit.x0 - params[:, 1], fit.y0 - params[:, 2])) < 0.15
    assert np.median(np.abs(fit.sigma_u / params[:, 6] - 1)) < 0.1
    assert np.median(np.abs(fit.sigma_v / params[:, 7] - 1)) < 0.1
    np.testing.assert_array_less(-1e-12, fit.frequency)
    assert np.all((fit.theta >= 0) & (fit.theta < np.pi))
    # the fitted function reproduces the atoms (up to their mean, which R² ignores)
    centred = atoms - atoms.mean(axis=1, keepdims=True)
    prediction = fit.predict()
    prediction -= prediction.mean(axis=1, keepdims=True)
    residual = np.sum((prediction - centred) ** 2, axis=1) / np.sum(centred**2, axis=1)
    np.testing.assert_allclose(1 - residual, fit.r2, atol=1e-3)


def test_exact_gabor_any_scale_and_phase():
    params = np.array([[3e4, 7.3, 4.2, 2.5, 0.17, -2.0, 2.0, 3.0]])
    atom = gabor_images(params, (12, 14))
    fit = fit_gabor(atom, (12, 14))
    assert fit.r2[0] > 1 - 1e-8
    np.testing.assert_allclose(fit.predict(), atom, atol=1e-6 * 3e4)
    np.testing.assert_allclose(fit.frequency[0], 0.17, rtol=1e-5)
    np.testing.assert_allclose(fit.amplitude[0], 3e4, rtol=1e-4)


def test_white_noise_is_not_gabor_like():
    noise = np.random.default_rng(1).standard_normal((100, 144))
    fit = fit_gabor(noise, (12, 12))
    assert np.max(fit.r2) < 0.3
    summary = summarize_receptive_fields(fit)
    assert summary["gabor_fraction"] == 0.0
    assert summary["orientation_coverage"] == 0.0


def test_summary_statistics(planted):
    params, atoms = planted
    # half the atoms are noise: exactly the planted half is Gabor-like
    noise = np.random.default_rng(2).standard_normal((20, 256))
    fit = fit_gabor(np.vstack([atoms[:20], noise]), (16, 16))
    summary = summarize_receptive_fields(fit, threshold=0.7, n_orientations=4)
    params = params[:20]
    assert summary["n_atoms"] == 40
    assert summary["gabor_fraction"] == 0.5
    assert summary["localized_fraction"] == 0.5
    assert summary["orientation_coverage"] == 1.0
    assert summary["orientation_uniformity"] > 0.8
    low, median, high = summary["frequency_quartiles"]
    assert 0.1 < low < median < high < 0.3
    np.testing.assert_allclose(median, np.median(params[:, 4]), rtol=0.05)
    np.testing.assert_allclose(
        summary["median_aspect_ratio"], np.median(params[:, 7] / params[:, 6]), rtol=0.1
    )


def test_plane_wave_is_gabor_like_but_not_localized():
    rows, cols = np.mgrid[0:12, 0:12]
    wave = np.cos(2 * np.pi * 0.25 * (cols * np.cos(0.4) + rows * np.sin(0.4)))
    fit = fit_gabor(wave.reshape(1, -1), (12, 12))
    summary = summarize_receptive_fields(fit)
    assert summary["gabor_fraction"] == 1.0
    assert summary["localized_fraction"] == 0.0


def test_constant_and_empty_atoms():
    fit = fit_gabor(np.ones((2, 9)), (3, 3))
    assert np.all(np.isnan(fit.r2))
    assert not fit.gabor_like().any()
    empty = fit_gabor(np.zeros((0, 16)), (4, 4))
    assert empty.n_atoms == 0
    assert np.isnan(summarize_receptive_fields(empty)["gabor_fraction"])


@pytest.mark.parametrize(
    "components, shape, message",
    [
        (np.ones(16), (4, 4), "2-D"),
        (np.ones((2, 16)), (4, 5), "patch_shape"),
        (np.ones((2, 4)), (2, 2), "at least"),
        (np.ones((2, 16)), "4x4", "pair of integers"),
        (np.full((2, 16), np.nan), (4, 4), "NaN"),
    ],
)
def test_bad_input(components, shape, message):
    with pytest.raises(ValueError, match=message):
        fit_gabor(components, shape)


def test_summary_rejects_other_objects():
    with pytest.raises(TypeError, match="GaborFit"):
        summarize_receptive_fields({"r2": [1.0]})
    fit = fit_gabor(np.random.default_rng(0).standard_normal((2, 16)), (4, 4))
    with pytest.raises(ValueError, match="threshold"):
        summarize_receptive_fields(fit, threshold=2.0)
