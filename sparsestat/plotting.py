"""Matplotlib helpers (matplotlib is imported only when a helper is called)."""

from __future__ import annotations

import numpy as np

from ._array_api import to_numpy

__all__ = [
    "plot_proximal_operators",
    "plot_dictionary",
    "plot_sparsity_error",
    "plot_adjacency",
]


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


def plot_dictionary(components, patch_shape, n_cols=None, ax=None, title=None):
    """Draw dictionary atoms as a grid of image patches.

    Parameters
    ----------
    components : array of shape (n_components, height·width)
        The atoms (any array library; moved to the host).
    patch_shape : (int, int)
    n_cols : int, optional
        Atoms per row (default: about the square root of their number).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    atoms = np.asarray(to_numpy(components), dtype=float)
    height, width = patch_shape
    if atoms.shape[1] != height * width:
        raise ValueError(
            f"atoms have {atoms.shape[1]} entries, not {height}×{width} = {height * width}."
        )
    n_atoms = atoms.shape[0]
    n_cols = n_cols or int(np.ceil(np.sqrt(n_atoms)))
    n_rows = int(np.ceil(n_atoms / n_cols))
    canvas = np.full((n_rows * (height + 1) + 1, n_cols * (width + 1) + 1), np.nan)
    for index, atom in enumerate(atoms):
        row, col = divmod(index, n_cols)
        scale = np.max(np.abs(atom)) or 1.0
        canvas[
            1 + row * (height + 1) : 1 + row * (height + 1) + height,
            1 + col * (width + 1) : 1 + col * (width + 1) + width,
        ] = atom.reshape(height, width) / scale
    if ax is None:
        figure, ax = plt.subplots(figsize=(0.35 * n_cols + 1, 0.35 * n_rows + 1))
    else:
        figure = ax.figure
    ax.imshow(canvas, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return figure


def plot_sparsity_error(curves, ax=None):
    """Reconstruction error against the fraction of active units, one curve per label.

    Parameters
    ----------
    curves : dict of str -> (sparsity, error) sequences
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        figure, ax = plt.subplots(figsize=(6, 4))
    else:
        figure = ax.figure
    for label, (sparsity, error) in curves.items():
        order = np.argsort(sparsity)
        ax.loglog(np.asarray(sparsity)[order], np.asarray(error)[order], marker="o", label=label)
    ax.set_xlabel("fraction of active units")
    ax.set_ylabel("relative reconstruction error")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return figure


def plot_adjacency(adjacency, reference=None, labels=None, ax=None, title=None):
    """Draw a weighted adjacency matrix; optionally mark the edges of a reference graph.

    Parameters
    ----------
    adjacency : array of shape (d, d)
        ``adjacency[i, j]`` is the weight of the edge ``i → j`` (row = cause,
        column = effect); drawn on a symmetric blue-red scale, zeros white.
    reference : array of shape (d, d), optional
        True graph: its edges are outlined (black squares), so hits, misses
        and false edges can be read off.
    labels : list of str, optional
        Node names for the ticks.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from ._array_api import to_numpy

    adjacency = np.asarray(to_numpy(adjacency), dtype=float)
    if ax is None:
        figure, ax = plt.subplots(figsize=(4.5, 4))
    else:
        figure = ax.figure
    limit = max(float(np.max(np.abs(adjacency))), 1e-12)
    image = ax.imshow(adjacency, cmap="RdBu_r", vmin=-limit, vmax=limit)
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if reference is not None:
        for i, j in zip(*np.nonzero(np.asarray(to_numpy(reference))), strict=True):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.2, ec="black"))
    d = adjacency.shape[0]
    if labels is not None:
        ax.set_xticks(range(d), labels, rotation=90, fontsize=7)
        ax.set_yticks(range(d), labels, fontsize=7)
    ax.set_xlabel("effect")
    ax.set_ylabel("cause")
    if title:
        ax.set_title(title)
    return figure
