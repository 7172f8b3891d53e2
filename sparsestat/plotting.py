"""Matplotlib helpers (matplotlib is imported only when a helper is called)."""

from __future__ import annotations

import numpy as np

from ._array_api import to_numpy

__all__ = ["plot_proximal_operators"]


def plot_proximal_operators(penalties, grid=None, step=1.0, axes=None):
    """Plot the proximal operators and penalty shapes of separable penalties.

    Parameters
    ----------
    penalties : dict of str -> SeparablePenalty
        Penalties to draw, with their legend labels.  Penalties with one
        per-coordinate parameter (CEL0) must have exactly one entry in it.
    grid : 1-D array, default=np.linspace(-4, 4, 2001)
        Points ``z`` at which the prox is evaluated.
    step : float, default=1.0
        Step of the prox.
    axes : pair of matplotlib Axes, optional
        Where to draw (prox, penalty); a new figure is created otherwise.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    grid = np.linspace(-4.0, 4.0, 2001) if grid is None else np.asarray(grid, dtype=float)
    if axes is None:
        figure, axes = plt.subplots(1, 2, figsize=(12, 5))
    else:
        figure = axes[0].figure
    prox_axis, value_axis = axes
    prox_axis.plot(grid, grid, color="0.8", linestyle="--", linewidth=1, label="identity")
    for label, pen in penalties.items():
        column = grid[:, None]
        prox = np.asarray(to_numpy(pen.prox(column, step))).reshape(-1)
        prox_axis.plot(grid, prox, linewidth=1.6, label=label)
        values = [pen.value(np.array([[z]])) for z in grid[::10]]
        value_axis.plot(grid[::10], values, linewidth=1.6, label=label)
    prox_axis.set_title(f"proximal operator, step = {step:g}")
    prox_axis.set_xlabel("z")
    prox_axis.set_ylabel("prox(z)")
    prox_axis.legend(fontsize=8, loc="upper left")
    prox_axis.grid(alpha=0.3)
    value_axis.set_title("penalty value")
    value_axis.set_xlabel("x")
    value_axis.set_ylabel("pen(x)")
    value_axis.set_ylim(bottom=0)
    value_axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure
