"""Plot helpers draw what they are given and return their figure."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sparsestat.penalties import L0, L1, Lq  # noqa: E402
from sparsestat.plotting import (  # noqa: E402
    plot_adjacency,
    plot_dictionary,
    plot_proximal_operators,
    plot_sparsity_error,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_adjacency_marks_reference_edges():
    W = np.array([[0.0, 1.5, 0.0], [0.0, 0.0, -0.7], [0.0, 0.0, 0.0]])
    truth = np.array([[0, 1, 0], [0, 0, 0], [1, 0, 0]])
    figure = plot_adjacency(W, reference=truth, labels=["a", "b", "c"], title="t")
    ax = figure.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), W)
    assert len(ax.patches) == 2  # one square per true edge
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_title() == "t"
    low, high = ax.images[0].get_clim()
    assert low == -high == -1.5


def test_plot_adjacency_accepts_array_api_input():
    xps = pytest.importorskip("array_api_strict")
    figure = plot_adjacency(xps.asarray(np.eye(3)))
    assert figure.axes[0].images[0].get_array().shape == (3, 3)


def test_plot_dictionary_and_curves():
    atoms = np.random.default_rng(0).standard_normal((6, 16))
    figure = plot_dictionary(atoms, (4, 4))
    assert figure is not None
    figure = plot_sparsity_error({"l1": ([0.1, 0.2], [0.5, 0.3]), "cel0": ([0.1], [0.2])})
    assert len(figure.axes[0].lines) == 2


def test_plot_proximal_operators():
    penalties = {"l1": L1(1.0), "l0": L0(1.0), "half": Lq(1.0, q=0.5)}
    figure = plot_proximal_operators(penalties)
    prox_axis, value_axis = figure.axes[:2]
    assert len(prox_axis.lines) == 4  # identity + one per penalty
    assert len(value_axis.lines) == 3
    soft = prox_axis.lines[1].get_ydata()
    grid = prox_axis.lines[1].get_xdata()
    np.testing.assert_allclose(soft, np.sign(grid) * np.maximum(np.abs(grid) - 1.0, 0.0))
