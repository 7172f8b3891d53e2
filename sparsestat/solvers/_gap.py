"""The duality gap of least squares with a norm penalty: one owner for every solver.

For ``P(w) = ½||ρ||² + pen(w) + ½ l2 ||w||²`` with a norm ``pen`` (ℓ1, weighted
ℓ1, group ℓ2, row ℓ2) and the centred, scaled residual ``ρ``, the dual point is
``ρ`` rescaled by ``const = min(1, min_g level_g / ||∇_g||_*)`` into the dual
feasible set (the rule of scikit-learn's ``enet_coordinate_descent``), and the
gap is

    ½||ρ||²(1 + const²) + pen(w) − const·⟨b, ρ⟩ + ½ l2 (1 + const²) ||w||².

Each solver computes ``||ρ||²``, ``⟨b, ρ⟩``, ``pen(w)`` and ``const`` in its own
layout (columns, groups, rows, Gram) and calls :func:`rescaled_residual_gap`;
``tests/test_solver_gaps.py`` checks that they agree where their problems
coincide.
"""

from .._numba import njit


@njit(cache=True, inline="always")  # a few lines: inlined, no compile of its own
def rescaled_residual_gap(r_norm2, ry, penalty_value, const, l2, w_norm2):
    """The gap above from its parts (clipped at 0 against rounding)."""
    gap = 0.5 * r_norm2 * (1.0 + const * const) + penalty_value - const * ry
    gap += 0.5 * l2 * (1.0 + const * const) * w_norm2
    return max(gap, 0.0)


@njit(cache=True, inline="always")
def residual_dot_target(r, vr, y, vy, V, scale2, fit_intercept):
    """``⟨b, ρ⟩`` in the datafit's scaling from the raw residual ``r`` and ``vr = vᵀr``."""
    ry = 0.0
    for i in range(r.shape[0]):
        ry += y[i] * r[i]
    if fit_intercept:
        ry -= vy * vr / V
    return scale2 * ry
