"""Matplotlib helpers (matplotlib is imported only when a helper is called)."""

from __future__ import annotations

import numpy as np

from ._array_api import to_numpy
from ._optional import import_optional
from ._validation import check_integer

__all__ = [
    "plot_proximal_operators",
    "plot_dictionary",
    "plot_sparsity_error",
    "plot_receptive_fields",
    "plot_adjacency",
    "plot_edge_stability",
    "plot_alpha_selection",
    "plot_regularization_path",
    "plot_cv_curve",
    "plot_stability_path",
]


def _pyplot():
    """matplotlib.pyplot, or an ImportError naming the ``plot`` extra."""
    return import_optional("matplotlib.pyplot", "plot", "sparsestat.plotting")


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
    ndarray of two matplotlib Axes
        The (prox, penalty) Axes; their figure is ``axes[0].figure``.

    Examples
    --------
    >>> from sparsestat.penalties import L0, L1, MCP
    >>> from sparsestat.plotting import plot_proximal_operators
    >>> axes = plot_proximal_operators({"l1": L1(1.0), "l0": L0(0.5), "mcp": MCP(1.0)})
    >>> len(axes)
    2
    """
    plt = _pyplot()

    grid = np.linspace(-4.0, 4.0, 2001) if grid is None else np.asarray(grid, dtype=float)
    if axes is None:
        figure, axes = plt.subplots(1, 2, figsize=(12, 5))
    else:
        figure = axes[0].figure
    prox_axis, value_axis = axes
    prox_axis.plot(grid, grid, color="0.8", linestyle="--", linewidth=1, label="identity")
    if not isinstance(penalties, dict):  # a list of penalties: labelled by their repr
        try:
            penalties = {repr(pen): pen for pen in penalties}
        except TypeError:
            raise TypeError(
                "penalties must be a dict {label: SeparablePenalty} or a list of penalties, "
                f"got {type(penalties).__name__}."
            ) from None
    from .penalties import SeparablePenalty

    for label, pen in penalties.items():
        if not isinstance(pen, SeparablePenalty):
            raise TypeError(
                f"penalties[{label!r}] must be a separable penalty (L1, L0, MCP, ...), got "
                f"{type(pen).__name__}."
            )
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
    return np.asarray([prox_axis, value_axis], dtype=object)


def plot_dictionary(components, patch_shape, n_cols=None, ax=None, title=None):
    """Draw dictionary atoms as a grid of image patches.

    Parameters
    ----------
    components : array of shape (n_components, height·width)
        The atoms (any array library; moved to the host).
    patch_shape : (int, int)
        Height and width of one atom, to unflatten it.
    n_cols : int, optional
        Atoms per row (default: about the square root of their number).
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (its figure is ``ax.figure``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.plotting import plot_dictionary
    >>> atoms = np.random.default_rng(0).standard_normal((6, 16))
    >>> ax = plot_dictionary(atoms, (4, 4), title="six atoms")
    >>> ax.get_title()
    'six atoms'
    """
    plt = _pyplot()

    atoms = np.asarray(to_numpy(components), dtype=float)
    if atoms.ndim != 2 or atoms.shape[0] == 0:
        raise ValueError(
            "components must be a 2-D array (n_components >= 1, height·width), got shape "
            f"{atoms.shape}."
        )
    if isinstance(patch_shape, (str, bytes)) or np.shape(patch_shape) != (2,):
        raise ValueError(f"patch_shape must be a pair (height, width), got {patch_shape!r}.")
    height = check_integer(patch_shape[0], "patch_shape[0]", low=1)
    width = check_integer(patch_shape[1], "patch_shape[1]", low=1)
    if atoms.shape[1] != height * width:
        raise ValueError(
            f"atoms have {atoms.shape[1]} entries, not {height}×{width} = {height * width}."
        )
    n_atoms = atoms.shape[0]
    if n_cols is not None:
        n_cols = check_integer(n_cols, "n_cols", low=1)
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
        _, ax = plt.subplots(figsize=(0.35 * n_cols + 1, 0.35 * n_rows + 1))
    ax.imshow(canvas, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_sparsity_error(curves, ax=None):
    """Reconstruction error against the fraction of active units, one curve per label.

    Parameters
    ----------
    curves : dict of str -> (sparsity, error) sequences
        One curve per label: the sparsity (x) and the error (y) of each point.
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (its figure is ``ax.figure``).

    Examples
    --------
    >>> from sparsestat.plotting import plot_sparsity_error
    >>> ax = plot_sparsity_error({'l1': ([0.1, 0.2, 0.4], [0.5, 0.3, 0.2])})
    >>> len(ax.get_lines())
    1
    """
    plt = _pyplot()

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    if not isinstance(curves, dict):
        raise TypeError(
            f"curves must be a dict {{label: (sparsity, error)}}, got {type(curves).__name__}."
        )
    checked = {}
    for label, curve in curves.items():
        try:
            sparsity, error = curve
        except (TypeError, ValueError):
            raise ValueError(
                f"curves[{label!r}] must be a pair (sparsity, error) of sequences."
            ) from None
        sparsity = np.asarray(sparsity, dtype=float).ravel()
        error = np.asarray(error, dtype=float).ravel()
        if sparsity.shape != error.shape:
            raise ValueError(
                f"curves[{label!r}]: sparsity and error must have the same length, got "
                f"{sparsity.size} and {error.size}."
            )
        checked[label] = (sparsity, error)
    for label, (sparsity, error) in checked.items():
        order = np.argsort(sparsity)
        ax.loglog(sparsity[order], error[order], marker="o", label=label)
    ax.set_xlabel("fraction of active units")
    ax.set_ylabel("relative reconstruction error")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax


def plot_receptive_fields(fit, threshold=0.7, axes=None, title=None):
    """Draw the tiling of a dictionary's Gabor fits, as in Olshausen and Field's figures.

    Left: every Gabor-like atom (``R² >= threshold``) as a point of the
    frequency plane, at radius = spatial frequency and angle = orientation of
    the carrier (with its mirror image, the spectrum of a real filter being
    symmetric).  Right: the same atoms in the patch, each a bar through its
    envelope's centre along its stripes, as long as two envelope widths along
    them; colour codes the frequency.

    Parameters
    ----------
    fit : GaborFit
        From :func:`sparsestat.decomposition.fit_gabor`.
    threshold : float, default=0.7
        ``R²`` from which an atom is drawn.
    axes : pair of matplotlib Axes, optional
        Where to draw (frequency plane, positions); a new figure otherwise.
    title : str, optional
        Title of the figure.

    Returns
    -------
    ndarray of two matplotlib Axes
        Their figure is ``axes[0].figure``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import fit_gabor
    >>> from sparsestat.plotting import plot_receptive_fields
    >>> rows, cols = np.mgrid[0:10, 0:10]
    >>> atom = np.exp(-((cols - 5) ** 2 + (rows - 4) ** 2) / 6) * np.cos(0.4 * np.pi * cols)
    >>> axes = plot_receptive_fields(fit_gabor(atom.reshape(1, -1), (10, 10)))
    >>> len(axes)
    2
    """
    import matplotlib.pyplot as plt

    from .decomposition.receptive_fields import GaborFit

    if not isinstance(fit, GaborFit):
        raise TypeError(f"fit must be a GaborFit (from fit_gabor), got {type(fit).__name__}.")
    good = fit.gabor_like(threshold)
    if axes is None:
        figure, axes = plt.subplots(1, 2, figsize=(11, 5))
    else:
        figure = axes[0].figure
    plane, tiling = axes
    frequency, theta = fit.frequency[good], fit.theta[good]
    fx, fy = frequency * np.cos(theta), frequency * np.sin(theta)
    plane.scatter(np.r_[fx, -fx], np.r_[fy, -fy], s=8, c="C0", alpha=0.7)
    limit = max(0.5, float(np.max(frequency, initial=0.0)) * 1.05)
    plane.set_xlim(-limit, limit)
    plane.set_ylim(-limit, limit)
    plane.set_aspect("equal")
    plane.axhline(0, color="0.8", linewidth=0.8)
    plane.axvline(0, color="0.8", linewidth=0.8)
    plane.set_xlabel("horizontal frequency (cycles/pixel)")
    plane.set_ylabel("vertical frequency (cycles/pixel)")
    plane.set_title(f"{int(good.sum())} of {fit.n_atoms} atoms with R² >= {threshold:g}")
    height, width = fit.patch_shape
    stripes = theta + np.pi / 2
    half = fit.sigma_v[good]
    x0, y0 = fit.x0[good], fit.y0[good]
    colours = plt.get_cmap("viridis")(np.clip(frequency / 0.5, 0.0, 1.0))
    for k in range(x0.size):
        dx, dy = half[k] * np.cos(stripes[k]), half[k] * np.sin(stripes[k])
        tiling.plot([x0[k] - dx, x0[k] + dx], [y0[k] - dy, y0[k] + dy], color=colours[k], lw=1.2)
    tiling.set_xlim(-0.5, width - 0.5)
    tiling.set_ylim(height - 0.5, -0.5)  # image orientation: row 0 at the top
    tiling.set_aspect("equal")
    tiling.set_xlabel("x (pixels)")
    tiling.set_ylabel("y (pixels)")
    tiling.set_title("position and orientation (colour: frequency)")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return np.asarray([plane, tiling], dtype=object)


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
        Where to draw (a new figure otherwise).
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (its figure is ``ax.figure``).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.plotting import plot_adjacency
    >>> truth = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    >>> ax = plot_adjacency(0.8 * truth, reference=truth, labels=["a", "b", "c"])
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['a', 'b', 'c']
    """
    adjacency = _square_matrix(adjacency, "adjacency")
    limit = max(float(np.max(np.abs(adjacency))), 1e-12)
    return _draw_edge_matrix(
        adjacency,
        reference,
        labels,
        ax,
        title,
        image_kwargs={"cmap": "RdBu_r", "vmin": -limit, "vmax": limit},
        outline={"lw": 1.2, "ec": "black"},
    )


def _square_matrix(matrix, name):
    """``matrix`` as a float numpy array, checked to be non-empty, square and 2-D."""
    from ._array_api import to_numpy

    matrix = np.asarray(to_numpy(matrix), dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(
            f"{name} must be a non-empty square 2-D array (d, d), got shape {matrix.shape}."
        )
    return matrix


def _draw_edge_matrix(matrix, outlined, labels, ax, title, *, image_kwargs, outline):
    """Draw a (d, d) edge matrix (row = cause, column = effect), outline the edges
    of ``outlined`` and name the nodes; the body of the DAG matrix plots."""
    plt = _pyplot()
    from matplotlib.patches import Rectangle

    from ._array_api import to_numpy

    matrix = _square_matrix(matrix, "adjacency")
    if outlined is not None:
        outlined = np.asarray(to_numpy(outlined))
        if outlined.shape != matrix.shape:
            raise ValueError(
                f"reference must have the shape of adjacency {matrix.shape}, got shape "
                f"{outlined.shape}."
            )
    d = matrix.shape[0]
    if labels is not None and len(labels) != d:
        raise ValueError(f"labels must name the {d} nodes, got {len(labels)} labels.")
    if ax is None:
        figure, ax = plt.subplots(figsize=(4.5, 4))
    else:
        figure = ax.figure
    image = ax.imshow(matrix, **image_kwargs)
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if outlined is not None:
        for i, j in zip(*np.nonzero(outlined), strict=True):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, **outline))
    if labels is not None:
        ax.set_xticks(range(d), labels, rotation=90, fontsize=7)
        ax.set_yticks(range(d), labels, fontsize=7)
    ax.set_xlabel("effect")
    ax.set_ylabel("cause")
    if title:
        ax.set_title(title)
    return ax


def plot_edge_stability(stability, reference=None, labels=None, ax=None, title=None):
    """Draw bootstrap edge frequencies; outline the consensus (or a reference) graph.

    Parameters
    ----------
    stability : Bunch
        The result of :func:`sparsestat.dag.edge_stability`.
    reference : array of shape (d, d), optional
        Graph whose edges are outlined; default: the consensus DAG.
    labels : list of str, optional
        Node names for the ticks (default: the data's column names, if any).
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; cell ``(i, j)`` is the frequency of ``i → j``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from sparsestat.plotting import plot_edge_stability
    >>> frequency = np.array([[0, 0.9, 0.1], [0.1, 0, 0.6], [0, 0.3, 0]])
    >>> result = Bunch(frequency=frequency, consensus=frequency * (frequency > 0.5),
    ...                threshold=0.5, n_bootstrap=10, feature_names=None)
    >>> ax = plot_edge_stability(result, labels=["a", "b", "c"])
    >>> ax.get_title()
    'edge frequency over 10 resamples'
    """
    if labels is None:
        labels = stability.get("feature_names")
    return _draw_edge_matrix(
        stability.frequency,
        stability.consensus if reference is None else reference,
        labels,
        ax,
        title or f"edge frequency over {stability.n_bootstrap} resamples",
        image_kwargs={"cmap": "Greys", "vmin": 0.0, "vmax": 1.0},
        outline={"lw": 1.4, "ec": "tab:red"},
    )


def plot_alpha_selection(estimator, ax=None, title=None):
    """Criterion and edge count along a fitted CoLiDECV path, with the selected alpha.

    Parameters
    ----------
    estimator : CoLiDECV
        A fitted :class:`sparsestat.dag.CoLiDECV` (alphas a path skipped are
        left out of its lines).
    ax : matplotlib Axes, optional
        Where to draw the criterion (a new figure otherwise); the edge count
        goes on a twin axis on the right.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The criterion's Axes (log scale in alpha), one solid line per path
        (the edge counts dotted, on the right axis); the dashed line marks
        ``alpha_``.

    Examples
    --------
    >>> from sparsestat.dag import CoLiDECV, simulate_dag, simulate_parameters
    >>> from sparsestat.dag import simulate_linear_sem
    >>> from sparsestat.plotting import plot_alpha_selection
    >>> B = simulate_dag(5, 4, "ER", random_state=0)
    >>> X = simulate_linear_sem(simulate_parameters(B, random_state=0), 500,
    ...                         random_state=0)
    >>> model = CoLiDECV(variance="ev", alphas=[0.2, 0.1, 0.05]).fit(X)
    >>> ax = plot_alpha_selection(model)
    >>> ax.get_ylabel()
    'BIC'
    """
    from sklearn.utils.validation import check_is_fitted

    plt = _pyplot()
    check_is_fitted(estimator, "criterion_path_")
    alphas = np.asarray(estimator.alphas_, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    labels = {"bic": "BIC", "ebic": "extended BIC", "cv": "- held-out log-likelihood / sample"}
    criterion = np.atleast_2d(np.asarray(estimator.criterion_path_, dtype=float))
    n_edges = np.atleast_2d(np.asarray(estimator.n_edges_path_, dtype=float))
    n_edges[n_edges < 0] = np.nan  # alphas the early stop skipped (criterion NaN too)
    starts = getattr(estimator, "path_start_alphas_", [None] * len(criterion))
    edges = ax.twinx()
    for row, start in enumerate(starts):
        label = None if start is None else f"path from {start:.3g}"
        ax.plot(alphas, criterion[row], "o-", color=f"C{row}", label=label)
        edges.plot(alphas, n_edges[row], "s:", color=f"C{row}", alpha=0.6)
    ax.set_ylabel(labels.get(estimator.criterion, "criterion"))
    ax.axvline(estimator.alpha_, color="black", linestyle="--", linewidth=1.0)
    edges.set_ylabel("edges (dotted)")
    if len(criterion) > 1:
        ax.legend(fontsize=8)
    _log_alpha_axis(ax, alphas)
    ax.set_xlabel("alpha")
    if title:
        ax.set_title(title)
    return ax


def _feature_mask(highlight, n_features):
    """Boolean mask of the features to draw in colour (indices or a mask)."""
    mask = np.zeros(n_features, dtype=bool)
    highlight = np.asarray(to_numpy(highlight))
    if highlight.dtype == bool:
        if highlight.shape != (n_features,):
            raise ValueError(
                f"highlight must be a mask of shape ({n_features},) or feature indices, got "
                f"shape {highlight.shape}."
            )
        return highlight.copy()
    if highlight.size == 0:
        return mask
    if highlight.dtype.kind not in "iu":
        raise TypeError(
            f"highlight must be feature indices (integers) or a boolean mask, got dtype "
            f"{highlight.dtype}."
        )
    indices = highlight.ravel()
    if indices.size and (indices.min() < -n_features or indices.max() >= n_features):
        raise ValueError(
            f"highlight holds feature indices outside 0..{n_features - 1}: "
            f"{indices[(indices < -n_features) | (indices >= n_features)][:5].tolist()}."
        )
    mask[indices] = True
    return mask


def _draw_paths(ax, alphas, paths, colored):
    """One line per row of ``paths`` against ``alphas``: coloured ones on top of grey ones."""
    plt = _pyplot()
    from matplotlib.colors import to_rgb

    # the style's colour cycle without its greys, which mark the other features
    cycle = plt.rcParams["axes.prop_cycle"].by_key().get("color", [])
    cycle = [c for c in cycle if len(set(np.round(to_rgb(c), 3))) > 1] or ["C0"]
    for j in np.flatnonzero(~colored):
        ax.plot(alphas, paths[j], color="0.75", linewidth=0.7)
    for position, j in enumerate(np.flatnonzero(colored)):
        ax.plot(alphas, paths[j], color=cycle[position % len(cycle)], linewidth=1.5, label=str(j))
    if np.all(alphas > 0):
        _log_alpha_axis(ax, alphas)
    if alphas.size > 1 and alphas[0] > alphas[-1]:
        ax.invert_xaxis()  # large alpha (sparse model) on the left
    ax.set_xlabel("alpha")
    ax.grid(alpha=0.3)


def _log_alpha_axis(ax, alphas):
    """Log scale with plain labels at 1, 2, 5 × 10^k (only 10^k over many decades)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    decades = np.log10(np.max(alphas) / np.min(alphas))
    subs = (1.0,) if decades > 2 else (1.0, 2.0, 5.0)
    ax.xaxis.set_major_locator(LogLocator(subs=subs))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_regularization_path(alphas, coefs, ax=None, *, highlight=None, title=None):
    """Coefficients against ``alpha``, one line per feature (as returned by ``sparse_path``).

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        The regularization strengths (drawn on a log axis).
    coefs : array-like of shape (n_features, n_alphas)
        The solutions along the path, e.g. from
        :func:`sparsestat.linear_model.sparse_path`.
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    highlight : array-like of int or bool mask of shape (n_features,), optional
        Features drawn in colour (the others in grey), e.g. the true support.
        Default: every feature in colour.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes (on a log scale in alpha when every alpha is positive; alpha
        decreases from left to right when given in decreasing order).

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import sparse_path
    >>> from sparsestat.plotting import plot_regularization_path
    >>> X, y, coef = make_sparse_regression(50, 10, 2, random_state=0)
    >>> alphas, coefs, _ = sparse_path(X, y, n_alphas=20)
    >>> ax = plot_regularization_path(alphas, coefs, highlight=coef != 0)
    >>> len(ax.lines)  # one per feature, and the zero line
    11
    """
    plt = _pyplot()

    alphas = np.asarray(to_numpy(alphas), dtype=float).ravel()
    coefs = np.asarray(to_numpy(coefs), dtype=float)
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(
            f"coefs must have shape (n_features, n_alphas) = (n_features, {alphas.size}), got "
            f"{coefs.shape}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    colored = (
        np.ones(coefs.shape[0], dtype=bool)
        if highlight is None
        else _feature_mask(highlight, coefs.shape[0])
    )
    _draw_paths(ax, alphas, coefs, colored)
    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title)
    return ax


def _cv_curves(estimator):
    """(label, alphas, mean, standard error) per candidate of a fitted CV estimator."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "mse_path_")
    mse = np.asarray(estimator.mse_path_, dtype=float)
    alphas = np.asarray(estimator.alphas_, dtype=float)
    if mse.ndim == 2:
        mse, labels = mse[None], [None]
    elif hasattr(estimator, "ks_"):  # GroupSparseRegressionCV: one curve per k
        labels = [f"k = {k}" for k in estimator.ks_]
    else:  # SparseRegressionCV with a grid of gamma, q or l1_ratio
        name = next(n for n in ("gamma", "q", "l1_ratio") if hasattr(estimator, n + "_"))
        values = np.ravel(np.asarray(getattr(estimator, name), dtype=float))
        labels = [f"{name} = {value:g}" for value in values]
    alphas = np.broadcast_to(alphas, mse.shape[:2])
    n_folds = mse.shape[2]
    mean = mse.mean(axis=2)
    error = mse.std(axis=2, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else None
    return [
        (label, alphas[c], mean[c], None if error is None else error[c])
        for c, label in enumerate(labels)
    ]


def plot_cv_curve(
    alphas, mean_errors=None, std_errors=None, best_alpha=None, ax=None, *, label=None
):
    """Cross-validation error against ``alpha``, with its spread and the chosen alpha.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), or a fitted CV estimator
        The grid; or a fitted :class:`~sparsestat.linear_model.SparseRegressionCV`
        (or any estimator with ``alphas_``, ``mse_path_`` of shape
        ``(n_alphas, n_folds)`` or ``(n_candidates, n_alphas, n_folds)`` and
        ``alpha_``, such as :class:`~sparsestat.linear_model.GroupSparseRegressionCV`),
        whose mean fold error, standard error over the folds
        (``std(ddof=1)/sqrt(n_folds)``) and ``alpha_`` are drawn — one curve per
        candidate of the searched ``gamma``, ``q``, ``l1_ratio`` or ``k``.
    mean_errors : array-like of shape (n_alphas,)
        Mean validation error per alpha (required with an array of alphas).
    std_errors : array-like of shape (n_alphas,), optional
        Drawn as the band ``mean_errors ± std_errors``.
    best_alpha : float, optional
        Marked by a vertical dashed line.
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    label : str, optional
        Legend label of the curve.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import SparseRegressionCV
    >>> from sparsestat.plotting import plot_cv_curve
    >>> X, y, _ = make_sparse_regression(60, 20, 3, random_state=0)
    >>> model = SparseRegressionCV(n_alphas=10, cv=3).fit(X, y)
    >>> ax = plot_cv_curve(model)
    >>> ax.get_ylabel()
    'mean squared error'
    """
    plt = _pyplot()

    if hasattr(alphas, "mse_path_") or hasattr(alphas, "fit"):
        if mean_errors is not None or std_errors is not None:
            raise ValueError("give either a fitted CV estimator or the arrays, not both.")
        estimator = alphas
        curves = _cv_curves(estimator)
        best_alpha = estimator.alpha_ if best_alpha is None else best_alpha
        ylabel = "mean squared error"
    else:
        if mean_errors is None:
            raise ValueError("mean_errors is required when alphas is an array.")
        alphas = np.asarray(to_numpy(alphas), dtype=float).ravel()
        mean = np.asarray(to_numpy(mean_errors), dtype=float).ravel()
        error = None if std_errors is None else np.asarray(to_numpy(std_errors), dtype=float)
        for name, values in (("mean_errors", mean), ("std_errors", error)):
            if values is not None and values.shape != alphas.shape:
                raise ValueError(
                    f"{name} must have shape ({alphas.size},), one value per alpha, got "
                    f"{values.shape}."
                )
        curves = [(label, alphas, mean, error)]
        ylabel = "validation error"
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for curve_label, curve_alphas, mean, error in curves:
        (line,) = ax.plot(curve_alphas, mean, marker=".", label=curve_label)
        if error is not None:
            ax.fill_between(
                curve_alphas, mean - error, mean + error, color=line.get_color(), alpha=0.2
            )
    if best_alpha is not None:
        ax.axvline(
            float(best_alpha),
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"alpha = {float(best_alpha):.3g}",
        )
    if all(np.all(c[1] > 0) for c in curves):
        _log_alpha_axis(ax, np.concatenate([c[1] for c in curves]))
    first = curves[0][1]
    if first.size > 1 and first[0] > first[-1]:
        ax.invert_xaxis()
    ax.set_xlabel("alpha")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if any(c[0] is not None for c in curves) or best_alpha is not None:
        ax.legend(fontsize=8)
    return ax


def plot_stability_path(
    alphas, selection_probabilities=None, threshold=None, ax=None, *, highlight=None, title=None
):
    """Selection probability of every feature against ``alpha`` (stability paths).

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), or a fitted StabilitySelection
        The grid; or a fitted
        :class:`~sparsestat.linear_model.StabilitySelection` fitted with
        ``alphas``, whose ``alphas_``, ``selection_probabilities_`` and
        ``threshold`` are drawn.
    selection_probabilities : array-like of shape (n_alphas, n_features)
        As stored in ``StabilitySelection.selection_probabilities_`` (required
        with an array of alphas).
    threshold : float, optional
        Drawn as a horizontal dashed line.
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    highlight : array-like of int or bool mask of shape (n_features,), optional
        Features drawn in colour (the others in grey), e.g. the true support.
        Default: the stable features (maximum probability >= ``threshold``), or
        all features when there is no threshold.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from sparsestat.datasets import make_sparse_regression
    >>> from sparsestat.linear_model import Lasso, StabilitySelection
    >>> from sparsestat.plotting import plot_stability_path
    >>> X, y, _ = make_sparse_regression(60, 10, 2, random_state=0)
    >>> selector = StabilitySelection(
    ...     Lasso(), n_bootstrap=10, alphas=[1.0, 0.3, 0.1], random_state=0
    ... ).fit(X, y)
    >>> ax = plot_stability_path(selector)
    >>> len(ax.lines)  # one per feature, and the threshold
    11
    """
    plt = _pyplot()

    if hasattr(alphas, "selection_probabilities_") or hasattr(alphas, "fit"):
        if selection_probabilities is not None:
            raise ValueError("give either a fitted StabilitySelection or the arrays, not both.")
        selector = alphas
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(selector, "selection_probabilities_")
        if selector.alphas_ is None:
            raise ValueError(
                "the StabilitySelection was fitted without alphas: there is no path to draw."
            )
        alphas, selection_probabilities = selector.alphas_, selector.selection_probabilities_
        threshold = selector.threshold if threshold is None else threshold
    elif selection_probabilities is None:
        raise ValueError("selection_probabilities is required when alphas is an array.")
    alphas = np.asarray(to_numpy(alphas), dtype=float).ravel()
    probabilities = np.asarray(to_numpy(selection_probabilities), dtype=float)
    if probabilities.ndim != 2 or probabilities.shape[0] != alphas.size:
        raise ValueError(
            f"selection_probabilities must have shape (n_alphas, n_features) = ({alphas.size}, "
            f"n_features), got {probabilities.shape}."
        )
    n_features = probabilities.shape[1]
    if highlight is not None:
        colored = _feature_mask(highlight, n_features)
    elif threshold is not None:
        colored = probabilities.max(axis=0) >= threshold
    else:
        colored = np.ones(n_features, dtype=bool)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    _draw_paths(ax, alphas, probabilities.T, colored)
    if threshold is not None:
        ax.axhline(float(threshold), color="black", linestyle="--", linewidth=1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("selection probability")
    if title:
        ax.set_title(title)
    return ax
