"""Plot helpers draw what they are given and return their figure."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sparsestat.penalties import L0, L1, Lq  # noqa: E402
from sparsestat.plotting import (  # noqa: E402
    plot_adjacency,
    plot_cv_curve,
    plot_dictionary,
    plot_proximal_operators,
    plot_regularization_path,
    plot_sparsity_error,
    plot_stability_path,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_adjacency_marks_reference_edges():
    W = np.array([[0.0, 1.5, 0.0], [0.0, 0.0, -0.7], [0.0, 0.0, 0.0]])
    truth = np.array([[0, 1, 0], [0, 0, 0], [1, 0, 0]])
    ax = plot_adjacency(W, reference=truth, labels=["a", "b", "c"], title="t")
    np.testing.assert_array_equal(ax.images[0].get_array(), W)
    assert len(ax.patches) == 2  # one square per true edge
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_title() == "t"
    low, high = ax.images[0].get_clim()
    assert low == -high == -1.5


def test_plot_adjacency_accepts_array_api_input():
    xps = pytest.importorskip("array_api_strict")
    ax = plot_adjacency(xps.asarray(np.eye(3)))
    assert ax.images[0].get_array().shape == (3, 3)


def test_plot_dictionary_and_curves():
    atoms = np.random.default_rng(0).standard_normal((6, 16))
    ax = plot_dictionary(atoms, (4, 4))
    assert ax.images[0].get_array().shape == (2 * 5 + 1, 3 * 5 + 1)  # 3 columns, 2 rows
    ax = plot_sparsity_error({"l1": ([0.1, 0.2], [0.5, 0.3]), "cel0": ([0.1], [0.2])})
    assert len(ax.lines) == 2


def test_plot_receptive_fields_draws_the_gabor_like_atoms():
    from sparsestat.decomposition import fit_gabor
    from sparsestat.plotting import plot_receptive_fields

    rows, cols = np.mgrid[0:10, 0:10]
    gabor = np.exp(-((cols - 5) ** 2 + (rows - 4) ** 2) / 6) * np.cos(0.4 * np.pi * cols)
    noise = np.random.default_rng(0).standard_normal((3, 100))
    fit = fit_gabor(np.vstack([gabor.ravel(), noise]), (10, 10))
    plane, tiling = plot_receptive_fields(fit, title="t")
    offsets = plane.collections[0].get_offsets()
    assert offsets.shape == (2, 2)  # one atom and its mirror image
    np.testing.assert_allclose(np.abs(offsets[0]), [0.2, 0.0], atol=1e-3)
    assert len(tiling.lines) == 1
    bar = np.column_stack([tiling.lines[0].get_xdata(), tiling.lines[0].get_ydata()])
    np.testing.assert_allclose(bar.mean(axis=0), [5.0, 4.0], atol=1e-3)  # the centre
    np.testing.assert_allclose(bar[:, 0], 5.0, atol=1e-3)  # vertical stripes
    with pytest.raises(TypeError, match="GaborFit"):
        plot_receptive_fields(np.ones((2, 100)))


def test_plot_proximal_operators():
    penalties = {"l1": L1(1.0), "l0": L0(1.0), "half": Lq(1.0, q=0.5)}
    prox_axis, value_axis = plot_proximal_operators(penalties)
    assert len(prox_axis.lines) == 4  # identity + one per penalty
    assert len(value_axis.lines) == 3
    soft = prox_axis.lines[1].get_ydata()
    grid = prox_axis.lines[1].get_xdata()
    np.testing.assert_allclose(soft, np.sign(grid) * np.maximum(np.abs(grid) - 1.0, 0.0))


def test_plot_regularization_path_draws_each_coefficient():
    alphas = np.array([1.0, 0.5, 0.1])
    coefs = np.array([[0.0, 0.5, 1.0], [0.0, 0.0, -0.3], [0.0, 0.0, 0.0]])
    ax = plot_regularization_path(alphas, coefs, highlight=[0], title="path")
    lines = [line for line in ax.lines if len(line.get_xdata()) == 3]
    assert len(lines) == 3
    # grey first (features 1, 2), the highlighted feature last, in colour
    np.testing.assert_array_equal(lines[-1].get_ydata(), coefs[0])
    np.testing.assert_array_equal(lines[-1].get_xdata(), alphas)
    assert lines[0].get_color() == "0.75" and lines[-1].get_color() != "0.75"
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    assert ax.get_title() == "path"
    _, given = plt.subplots()
    assert plot_regularization_path(alphas, coefs, ax=given) is given
    with pytest.raises(ValueError, match="coefs must have shape"):
        plot_regularization_path(alphas, coefs[:, :2])


def test_plot_cv_curve_from_arrays():
    alphas = np.array([1.0, 0.3, 0.1])
    mean = np.array([3.0, 1.0, 2.0])
    std = np.array([0.5, 0.2, 0.4])
    ax = plot_cv_curve(alphas, mean, std, best_alpha=0.3, label="fold mean")
    curve, best = ax.lines
    np.testing.assert_array_equal(curve.get_ydata(), mean)
    np.testing.assert_array_equal(best.get_xdata(), [0.3, 0.3])  # vertical line at alpha_
    band = ax.collections[0].get_paths()[0].vertices
    assert np.isclose(band[:, 1].min(), 0.8) and np.isclose(band[:, 1].max(), 3.5)
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "fold mean"
    with pytest.raises(ValueError, match="std_errors"):
        plot_cv_curve(alphas, mean, std[:2])
    with pytest.raises(ValueError, match="mean_errors"):
        plot_cv_curve(alphas)


def test_plot_cv_curve_from_a_fitted_estimator():
    from sparsestat.datasets import make_sparse_regression
    from sparsestat.linear_model import SparseRegressionCV

    X, y, _ = make_sparse_regression(60, 15, 3, random_state=0)
    model = SparseRegressionCV(n_alphas=8, cv=3).fit(X, y)
    ax = plot_cv_curve(model)
    curve, best = ax.lines
    np.testing.assert_allclose(curve.get_xdata(), model.alphas_)
    np.testing.assert_allclose(curve.get_ydata(), model.mse_path_.mean(axis=1))
    assert best.get_xdata()[0] == model.alpha_
    # a grid of gamma: one curve per candidate, labelled with its value
    searched = SparseRegressionCV(penalty="mcp", gamma=[2.0, 5.0], n_alphas=6, cv=3).fit(X, y)
    ax = plot_cv_curve(searched)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["gamma = 2", "gamma = 5"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), searched.mse_path_[1].mean(axis=1))


def test_plot_stability_path():
    alphas = np.array([1.0, 0.5, 0.2])
    probabilities = np.array([[0.0, 0.0, 0.1], [0.7, 0.1, 0.2], [1.0, 0.3, 0.4]])
    ax = plot_stability_path(alphas, probabilities, threshold=0.6)
    paths = [line for line in ax.lines if len(line.get_xdata()) == 3]
    assert len(paths) == 3
    # the stable feature (0) is drawn last, in colour; the threshold as a horizontal line
    np.testing.assert_array_equal(paths[-1].get_ydata(), probabilities[:, 0])
    assert paths[0].get_color() == "0.75" and paths[-1].get_color() != "0.75"
    assert any(np.all(np.asarray(line.get_ydata()) == 0.6) for line in ax.lines)
    assert ax.get_ylim() == (-0.02, 1.02)
    with pytest.raises(ValueError, match="n_alphas, n_features"):
        plot_stability_path(alphas, probabilities.T[:2])


def test_plot_stability_path_from_a_fitted_selector():
    from sparsestat.datasets import make_sparse_regression
    from sparsestat.linear_model import Lasso, StabilitySelection

    X, y, _ = make_sparse_regression(60, 8, 2, random_state=0)
    selector = StabilitySelection(
        Lasso(), n_bootstrap=6, alphas=[1.0, 0.3, 0.1], threshold=0.7, random_state=0
    ).fit(X, y)
    ax = plot_stability_path(selector)
    paths = [line for line in ax.lines if len(line.get_xdata()) == 3]
    drawn = np.array([line.get_ydata() for line in paths])
    expected = selector.selection_probabilities_.T
    assert sorted(map(tuple, drawn)) == sorted(map(tuple, expected))
    assert any(np.all(np.asarray(line.get_ydata()) == 0.7) for line in ax.lines)
    unfitted_grid = StabilitySelection(Lasso(alpha=0.3), n_bootstrap=2).fit(X, y)
    with pytest.raises(ValueError, match="without alphas"):
        plot_stability_path(unfitted_grid)
