"""Brute-force oracles for 1-D proximal problems."""

import numpy as np

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def brute_force_prox_value(objective, z, n_grid=4001, n_refine=60):
    """Smallest value of ``objective(x, j)`` over a dense grid plus refinement.

    For each entry ``z_j`` the grid covers ``[min(0, z_j) − 1e-3, max(0, z_j) +
    1e-3]`` (the proxes of even, non-decreasing penalties lie between 0 and z),
    includes the points 0 and z_j exactly, and the best grid point is refined by
    golden-section search on its two neighbouring cells.

    ``objective(x, rows)`` evaluates the prox objective at points ``x`` of shape
    (m, n) for the entries ``z[rows]`` broadcast along axis 1.
    """
    z = np.asarray(z, dtype=np.float64)
    m = z.shape[0]
    low = np.minimum(z, 0.0) - 1e-3
    high = np.maximum(z, 0.0) + 1e-3
    t = np.linspace(0.0, 1.0, n_grid)
    grid = low[:, None] + (high - low)[:, None] * t[None, :]
    grid = np.concatenate([grid, np.zeros((m, 1)), z[:, None]], axis=1)
    values = objective(grid)
    best = np.argmin(values, axis=1)
    best_x = grid[np.arange(m), best]
    best_value = values[np.arange(m), best]
    # golden-section refinement on [x* − h, x* + h]
    h = (high - low) / (n_grid - 1)
    a = best_x - h
    b = best_x + h
    for _ in range(n_refine):
        c = b - GOLDEN * (b - a)
        d = a + GOLDEN * (b - a)
        fc = objective(c[:, None])[:, 0]
        fd = objective(d[:, None])[:, 0]
        left = fc < fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
    mid = 0.5 * (a + b)
    refined = objective(mid[:, None])[:, 0]
    return np.minimum(best_value, refined)
