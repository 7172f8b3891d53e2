"""Numba kernels of the penalties (CPU hot path).

Every separable penalty is served by one compiled scalar kernel, dispatched by
an integer code and a small float64 parameter vector (no jitclasses: they cannot
be cached and would make each new process pay seconds of compilation)::

    params = [alpha, extra, positive, fixed_point, gap_l1_ratio]
                                          # extra: l1_ratio, q or gamma
    coord_weight                          # per coordinate: L1 weight, CEL0 column norm

All functions are module-level ``@njit(cache=True)``.  The scalar functions
(:func:`prox_1d`, :func:`value_1d`, :func:`subdiff_distance_1d`) are what the
coordinate-descent solvers call inside their loops; the array functions loop them
over a 2-D ``(n_rows, n_coords)`` array whose last axis carries the coordinate
weights.

Group kernels work on a partition described by ``grp_ptr`` / ``grp_idx``:
the features of group ``g`` are ``grp_idx[grp_ptr[g]:grp_ptr[g + 1]]``.
"""

import math
from typing import NamedTuple

import numpy as np

from .._numba import njit


class KernelPenalty(NamedTuple):
    """A separable penalty as the solver kernels take it (a named tuple: numba
    passes it as a struct and caches the kernels that take it).

    ``code`` (``CODE_*``), ``params`` (the ``P_*`` vector) and ``weights``
    (the per-coordinate parameter; ones when the penalty has none), as
    :meth:`~sparsestat.penalties.SeparablePenalty.kernel_arguments` builds them.
    """

    code: int
    params: np.ndarray
    weights: np.ndarray


# Integer codes of the separable penalties (see ``SeparablePenalty.kernel_code``).
CODE_L1 = 0
CODE_ELASTIC_NET = 1
CODE_L0 = 2
CODE_LQ = 3
CODE_CEL0 = 4
CODE_MCP = 5
CODE_SCAD = 6
CODE_LOG = 7

# Positions in the parameter vector (``SeparablePenalty.kernel_params`` fills it:
# the class declares, the kernels read; no kernel outside this module lists codes).
P_ALPHA = 0
P_EXTRA = 1
P_POSITIVE = 2
#: 1.0 when the subdifferential at 0 is the whole line (L0, Lq): optimality is
#: then measured by the fixed-point residual of exact coordinate minimisation
P_FIXED_POINT = 3
#: share of the ℓ1 part in the elastic-net duality gap (L1: 1, ElasticNet:
#: l1_ratio; 0 for the penalties without a duality gap)
P_GAP_L1_RATIO = 4
N_PARAMS = 5

_TWO_THIRDS = 2.0 / 3.0
# step·a_j² within this of 1 counts as 1 (the hard-thresholding limit of CEL0)
CEL0_STEP_SLACK = 1e-9
_LQ_NEWTON_MAX_ITER = 100


# --------------------------------------------------------------------------- #
# scalar building blocks
# --------------------------------------------------------------------------- #
@njit(cache=True, internal=True)
def soft_threshold(z, tau):
    """Soft thresholding sign(z)·max(|z| − tau, 0) (NaN in, NaN out)."""
    if z != z:
        return z
    if z > tau:
        return z - tau
    if z < -tau:
        return z + tau
    return 0.0


@njit(cache=True)
def lq_threshold(mu, q):
    """Return ``(beta, tau)`` for the prox of ``mu·|x|^q``.

    ``tau`` is the threshold on ``|z|`` above which the prox is non-zero and
    ``beta`` the magnitude it jumps to at ``|z| = tau``:
    ``beta = (2 mu (1 - q))^(1 / (2 - q))`` and ``tau = beta + mu q beta^(q - 1)``.
    """
    beta = (2.0 * mu * (1.0 - q)) ** (1.0 / (2.0 - q))
    tau = beta + mu * q * beta ** (q - 1.0)
    return beta, tau


@njit(cache=True, internal=True)
def lq_magnitude(a, mu, q, beta):
    """Largest root of ``x + mu q x^(q-1) = a`` for ``a`` above the threshold.

    Closed forms for q = 1/2 (Xu et al. 2012, trigonometric root of a cubic) and
    q = 2/3 (Cao et al. 2013, quartic solved by Ferrari's method); otherwise
    Newton's method started at ``x = a``.
    On ``[beta, a]`` the stationarity function is increasing and convex, so
    Newton iterates decrease monotonically to the root (no overshoot).
    """
    # Both closed forms are written scale-free (every intermediate is O(1) for
    # ``a`` above the threshold): they hold from tiny values to ``finfo.max``.
    if q == 0.5:
        # 0.25·mu·(3/a)^(3/2) as (mu/a)/sqrt(a): <= 1 above the threshold, no overflow
        cosine = 0.75 * math.sqrt(3.0) * ((mu / a) / math.sqrt(a))
        phi = math.acos(min(1.0, cosine))
        return a * ((2.0 / 3.0) * (1.0 + math.cos(2.0 * math.pi / 3.0 - 2.0 * phi / 3.0)))
    if q == _TWO_THIRDS:
        # x = u³ with u⁴ − a·u + c = 0 (c = 2 mu / 3); with u = a^(1/3)·v this is
        # v⁴ − v + c' = 0, c' = c·a^(−4/3), and x = a·v³.  m solves the
        # resolvent cubic m³ − c'·m − 1/8 = 0, by Cardano with the
        # cancellation-free second term: m = cbrt(A) + (c'/3)/cbrt(A),
        # A = 1/16 + sqrt(1/256 − c'³/27).
        c = ((2.0 * mu / 3.0) / a) / np.cbrt(a)
        root_a = np.cbrt(0.0625 + math.sqrt(max(0.00390625 - c**3 / 27.0, 0.0)))
        m = root_a + (c / 3.0) / root_a
        phi = math.sqrt(2.0 * m)
        v = 0.5 * (phi + math.sqrt(max(0.0, 2.0 / phi - phi * phi)))
        return a * (v * v * v)
    x = a
    for _ in range(_LQ_NEWTON_MAX_ITER):
        f = x - a + mu * q * x ** (q - 1.0)
        fprime = 1.0 - mu * q * (1.0 - q) * x ** (q - 2.0)
        x_new = x - f / fprime
        if x_new < beta:
            x_new = beta
        if abs(x_new - x) <= 4e-16 * x:
            return x_new
        x = x_new
    return x


@njit(cache=True, internal=True)
def _scad_value_abs(a, alpha, gamma):
    if a <= alpha:
        return alpha * a
    if a <= gamma * alpha:
        return (2.0 * gamma * alpha * a - a * a - alpha * alpha) / (2.0 * (gamma - 1.0))
    return 0.5 * alpha * alpha * (gamma + 1.0)


@njit(cache=True, internal=True)
def _scad_prox_abs(a, step, alpha, gamma):
    """Global minimiser over x >= 0 of ½(x − a)² + step·SCAD(x), a >= 0.

    Minimises on each of the three pieces and keeps the best candidate (ties go
    to the smaller magnitude), which is exact for every step, including the
    nonconvex regime step >= gamma − 1.  NaN in, NaN out.
    """
    if a != a:
        return a
    # piece 1: [0, alpha], objective convex
    x1 = min(max(a - step * alpha, 0.0), alpha)
    # piece 2: [alpha, gamma alpha], curvature 1 − step / (gamma − 1)
    curvature = 1.0 - step / (gamma - 1.0)
    if curvature > 0.0:
        x2 = (a - step * gamma * alpha / (gamma - 1.0)) / curvature
        x2 = min(max(x2, alpha), gamma * alpha)
    else:
        x2 = gamma * alpha  # concave piece: its endpoints; alpha is covered by piece 1
    # piece 3: [gamma alpha, inf), penalty constant
    x3 = max(a, gamma * alpha)
    best = x1
    best_value = 0.5 * (x1 - a) ** 2 + step * _scad_value_abs(x1, alpha, gamma)
    for cand in (x2, x3):
        value = 0.5 * (cand - a) ** 2 + step * _scad_value_abs(cand, alpha, gamma)
        if value < best_value:
            best = cand
            best_value = value
    return best


@njit(cache=True, internal=True)
def log_sum_magnitude(a, mu, eps):
    """``|prox|`` of ``mu·log(1 + |x|/eps)`` at ``|z| = a``: 0 or the larger stationary point.

    For ``u > 0`` the stationary points of ``½(u − a)² + mu·log(1 + u/eps)``
    solve ``u² + (eps − a)·u + mu − a·eps = 0``.  Without real roots the
    objective increases and the prox is 0; otherwise the larger root is the
    only local minimiser with ``u > 0``.  When ``mu <= eps²`` the objective is
    convex and that root (when positive) is the prox; beyond, it is compared
    with 0 and ties go to 0.  The root is computed without cancellation (from
    the product of the roots when ``a < eps``) and the discriminant without
    overflow.
    """
    if a != a or mu == 0.0:  # NaN in, NaN out; no penalty, no shrinkage
        return a
    s = a + eps
    ratio = (4.0 * mu / s) / s
    if ratio > 1.0:
        return 0.0
    root = s * math.sqrt(1.0 - ratio)
    if a >= eps:
        u = 0.5 * ((a - eps) + root)
    else:
        u = (mu - a * eps) / (0.5 * ((a - eps) - root))
    if u <= 0.0:
        return 0.0
    if mu <= eps * eps:
        return u
    if 0.5 * u * (u - 2.0 * a) + mu * math.log1p(u / eps) < 0.0:
        return u
    return 0.0


@njit(cache=True, internal=True)
def _clamp(z, positive):
    """``max(z, 0)`` under positivity, ``z`` otherwise."""
    if positive and z < 0.0:
        return 0.0
    return z


@njit(cache=True, internal=True)
def _prox_cel0(z, step, root_two_alpha, col):
    """CEL0 prox; at ``step·col² = 1`` (exact coordinate descent) it is hard
    thresholding at ``sqrt(2·alpha)/col``, the limit of the formula."""
    if z != z:  # NaN in, NaN out
        return z
    a = abs(z)
    denominator = 1.0 - col * col * step
    if denominator <= CEL0_STEP_SLACK:
        return z if a > root_two_alpha / col else 0.0
    shrunk = max(a - root_two_alpha * col * step, 0.0) / denominator
    return math.copysign(min(a, shrunk), z)


@njit(cache=True, internal=True)
def _prox_mcp(z, step, alpha, gamma):
    a = abs(z)
    if gamma > step:
        if a <= step * alpha:
            return 0.0
        if a <= gamma * alpha:
            return math.copysign((a - step * alpha) / (1.0 - step / gamma), z)
        return z
    if a <= alpha * math.sqrt(step * gamma):
        return 0.0
    return z


@njit(cache=True, internal=True)
def uses_fixed_point(params):
    """Whether optimality is the coordinate-wise fixed point (``P_FIXED_POINT``).

    For L0 and Lq the subdifferential at 0 is the whole line, so 0 is always
    "stationary"; the solvers measure optimality by the fixed-point residual of
    exact coordinate minimisation instead of the subdifferential distance.
    """
    return params[P_FIXED_POINT] != 0.0


# --------------------------------------------------------------------------- #
# scalar kernels dispatched by code
# --------------------------------------------------------------------------- #
@njit(cache=True)
def prox_1d(z, step, code, params, coord_weight):
    """Proximal operator of ``step · penalty`` at the scalar ``z``.

    Parameters
    ----------
    z : float
        Point at which the prox is evaluated.
    step : float
        Step size (> 0).
    code : int
        Penalty code (``CODE_*``).
    params : float64 array of shape (N_PARAMS,)
        ``[alpha, extra, positive, fixed_point, gap_l1_ratio]``.
    coord_weight : float
        Per-coordinate parameter (L1 weight, CEL0 column norm; 1 otherwise).
    """
    if z != z:  # NaN in, NaN out (IEEE): thresholds would map it to 0
        return z
    alpha = params[P_ALPHA]
    z = _clamp(z, params[P_POSITIVE] != 0.0)
    a = abs(z)
    sign = 1.0 if z >= 0.0 else -1.0
    if code == CODE_L1:
        return soft_threshold(z, step * alpha * coord_weight)
    if code == CODE_ELASTIC_NET:
        l1_ratio = params[P_EXTRA]
        return soft_threshold(z, step * alpha * l1_ratio) / (1.0 + step * alpha * (1.0 - l1_ratio))
    if code == CODE_L0:
        if a <= math.sqrt(2.0 * step * alpha):
            return 0.0
        return z
    if code == CODE_LQ:
        mu = step * alpha
        if mu == 0.0:
            return z
        q = params[P_EXTRA]
        beta, tau = lq_threshold(mu, q)
        if a <= tau:
            return 0.0
        return sign * lq_magnitude(a, mu, q, beta)
    if code == CODE_CEL0:
        return _prox_cel0(z, step, math.sqrt(2.0 * alpha), coord_weight)
    if code == CODE_MCP:
        return _prox_mcp(z, step, alpha, params[P_EXTRA])
    if code == CODE_SCAD:
        return sign * _scad_prox_abs(a, step, alpha, params[P_EXTRA])
    if code == CODE_LOG:
        return sign * log_sum_magnitude(a, step * alpha, params[P_EXTRA])
    return math.nan


@njit(cache=True)
def zero_threshold_1d(step, code, params, coord_weight):
    """The largest ``|z|`` that ``prox_1d(z, step)`` maps to 0 (its dead zone).

    Constant for a coordinate at a fixed step, so a coordinate-descent loop can
    skip the prox of a zero coordinate whose point stays inside it (under
    ``positive``, every ``z <= 0`` maps to 0 as well).
    """
    alpha = params[P_ALPHA]
    if code == CODE_L1:
        return step * alpha * coord_weight
    if code == CODE_ELASTIC_NET:
        return step * alpha * params[P_EXTRA]
    if code == CODE_L0:
        return math.sqrt(2.0 * step * alpha)
    if code == CODE_LQ:
        mu = step * alpha
        if mu == 0.0:
            return 0.0
        return lq_threshold(mu, params[P_EXTRA])[1]
    if code == CODE_CEL0:
        col = coord_weight
        if 1.0 - col * col * step <= CEL0_STEP_SLACK:
            return math.sqrt(2.0 * alpha) / col
        return math.sqrt(2.0 * alpha) * col * step
    if code == CODE_MCP:
        gamma = params[P_EXTRA]
        if gamma > step:
            return step * alpha
        return alpha * math.sqrt(step * gamma)
    if code == CODE_SCAD:  # exact in the convex regime only; no dead zone assumed beyond it
        return step * alpha if step < params[P_EXTRA] - 1.0 else 0.0
    if code == CODE_LOG:  # convex prox (mu <= eps²): mu/eps; beyond, no dead zone assumed
        mu = step * alpha
        eps = params[P_EXTRA]
        return mu / eps if mu <= eps * eps else 0.0
    return 0.0


@njit(cache=True, internal=True)
def entry_alpha(z, step, code, params, coord_weight):
    """The ``alpha`` at and above which ``prox_1d(z, step)`` is 0 (other parameters kept).

    What a continuation on ``alpha`` needs: with ``z = c_j / a_j²`` (the
    coordinate's minimiser without penalty) and the step of exact coordinate
    descent, the largest entry over the coordinates is the smallest ``alpha``
    whose code is all zeros.  For SCAD it is the threshold of the convex
    regime, ``|z| / step``.
    """
    if params[P_POSITIVE] != 0.0 and z <= 0.0:
        return 0.0
    a = abs(z)
    if a == 0.0:
        return 0.0
    if code == CODE_L1:
        return a / (step * coord_weight) if coord_weight > 0.0 else math.inf
    if code == CODE_ELASTIC_NET:
        l1_ratio = params[P_EXTRA]
        return a / (step * l1_ratio) if l1_ratio > 0.0 else math.inf
    if code == CODE_L0:
        return a * a / (2.0 * step)
    if code == CODE_LQ:
        # the threshold is tau(mu) = c_q mu^(1/(2-q)) with mu = step·alpha
        q = params[P_EXTRA]
        beta_1, tau_1 = lq_threshold(1.0, q)
        return (a / tau_1) ** (2.0 - q) / step
    if code == CODE_CEL0:
        col = coord_weight
        if col * col * step >= 1.0 - CEL0_STEP_SLACK:
            return 0.5 * a * a * col * col
        return a * a / (2.0 * col * col * step * step)
    if code == CODE_MCP:
        gamma = params[P_EXTRA]
        if gamma > step:
            return a / step
        return a / math.sqrt(step * gamma)
    if code == CODE_SCAD:
        return a / step
    if code == CODE_LOG:
        eps = params[P_EXTRA]
        if a <= eps:  # reached in the convex regime: a = mu/eps
            return a * eps / step
        # zero for every alpha with no real stationary point; bisection below that
        low = eps * eps / step
        high = (a + eps) * (a + eps) / (4.0 * step)
        while True:
            middle = 0.5 * (low + high)
            if middle <= low or middle >= high:
                return high
            if log_sum_magnitude(a, step * middle, eps) == 0.0:
                high = middle
            else:
                low = middle
    return math.nan


@njit(cache=True, internal=True)
def value_1d(x, code, params, coord_weight):
    """Penalty value at the scalar ``x`` (``inf`` if x < 0 under positivity)."""
    alpha = params[P_ALPHA]
    if params[P_POSITIVE] != 0.0 and x < 0.0:
        return math.inf
    a = abs(x)
    if code == CODE_L1:
        return alpha * coord_weight * a
    if code == CODE_ELASTIC_NET:
        l1_ratio = params[P_EXTRA]
        return alpha * (l1_ratio * a + 0.5 * (1.0 - l1_ratio) * x * x)
    if code == CODE_L0:
        return alpha if x != 0.0 else 0.0
    if code == CODE_LQ:
        return alpha * a ** params[P_EXTRA] if x != 0.0 else 0.0
    if code == CODE_CEL0:
        col = coord_weight
        knee = math.sqrt(2.0 * alpha) / col
        if a >= knee:
            return alpha
        return alpha - 0.5 * col * col * (a - knee) ** 2
    if code == CODE_MCP:
        gamma = params[P_EXTRA]
        if a <= gamma * alpha:
            return alpha * a - a * a / (2.0 * gamma)
        return 0.5 * gamma * alpha * alpha
    if code == CODE_SCAD:
        return _scad_value_abs(a, alpha, params[P_EXTRA])
    if code == CODE_LOG:
        return alpha * math.log1p(a / params[P_EXTRA])
    return math.nan


@njit(cache=True, internal=True)
def _slope_at_zero(code, params, coord_weight):
    """Half-width of the subdifferential at 0 (inf when it is the whole line)."""
    alpha = params[P_ALPHA]
    if code == CODE_L1:
        return alpha * coord_weight
    if code == CODE_ELASTIC_NET:
        return alpha * params[P_EXTRA]
    if code == CODE_CEL0:
        return math.sqrt(2.0 * alpha) * coord_weight
    if code == CODE_MCP or code == CODE_SCAD:
        return alpha
    if code == CODE_LOG:
        return alpha / params[P_EXTRA]
    return math.inf  # L0, Lq


@njit(cache=True, internal=True)
def _derivative_abs(a, code, params, coord_weight):
    """Derivative of the penalty in |x| at a > 0."""
    alpha = params[P_ALPHA]
    if code == CODE_L1:
        return alpha * coord_weight
    if code == CODE_ELASTIC_NET:
        l1_ratio = params[P_EXTRA]
        return alpha * (l1_ratio + (1.0 - l1_ratio) * a)
    if code == CODE_L0:
        return 0.0
    if code == CODE_LQ:
        q = params[P_EXTRA]
        return alpha * q * a ** (q - 1.0)
    if code == CODE_CEL0:
        col = coord_weight
        return max(math.sqrt(2.0 * alpha) * col - col * col * a, 0.0)
    if code == CODE_MCP:
        return max(alpha - a / params[P_EXTRA], 0.0)
    if code == CODE_SCAD:
        gamma = params[P_EXTRA]
        if a <= alpha:
            return alpha
        if a <= gamma * alpha:
            return (gamma * alpha - a) / (gamma - 1.0)
        return 0.0
    if code == CODE_LOG:
        return alpha / (params[P_EXTRA] + a)
    return math.nan


@njit(cache=True, internal=True)
def subdiff_distance_1d(x, grad, code, params, coord_weight):
    """Distance of ``-grad`` to the (limiting) subdifferential of the penalty at x."""
    positive = params[P_POSITIVE] != 0.0
    if x == 0.0:
        half_width = _slope_at_zero(code, params, coord_weight)
        if positive:  # subdifferential (-inf, half_width]
            return max(-grad - half_width, 0.0)
        return max(abs(grad) - half_width, 0.0)
    if positive and x < 0.0:
        return math.inf
    sign = 1.0 if x > 0.0 else -1.0
    return abs(grad + sign * _derivative_abs(abs(x), code, params, coord_weight))


@njit(cache=True, inline="always")  # a few lines: inlined, no compile of its own
def coordinate_violation(x, grad, curvature, fixed_point, code, params, coord_weight):
    """Optimality violation of one coordinate: the rule every CD solver stops on.

    ``subdiff_distance_1d(x, grad)`` for penalties with a finite slope at 0;
    with ``fixed_point`` (L0 and Lq, whose subdifferential at 0 is the whole
    line) the fixed-point residual of exact coordinate minimisation,
    ``curvature·|x − prox_{pen/curvature}(x − grad/curvature)|``, in gradient
    units and zero iff no move of this coordinate alone lowers the objective.
    ``curvature > 0``.
    """
    if fixed_point:
        moved = prox_1d(x - grad / curvature, 1.0 / curvature, code, params, coord_weight)
        return curvature * abs(x - moved)
    return subdiff_distance_1d(x, grad, code, params, coord_weight)


# --------------------------------------------------------------------------- #
# array loops over separable penalties (2-D: rows × coordinates)
# --------------------------------------------------------------------------- #
@njit(cache=True)
def prox_separable(x, step, code, params, coord_weights, out):
    """``out[i, j] = prox_1d(x[i, j], step, code, params, coord_weights[j])``.

    ``coord_weights`` has one entry per column (a single entry for the
    unweighted L1 norm).  The penalty is dispatched once,
    outside the loops, and each loop calls a small scalar function that LLVM
    inlines: calling the generic :func:`prox_1d` per entry would keep the
    dispatch inside the loop and cost about 20 times more.
    """
    n_rows, n_cols = x.shape
    alpha = params[P_ALPHA]
    extra = params[P_EXTRA]
    positive = params[P_POSITIVE] != 0.0
    if code == CODE_L1:
        if coord_weights.shape[0] != n_cols:  # unweighted: one threshold
            tau = step * alpha * coord_weights[0]
            for i in range(n_rows):
                for j in range(n_cols):
                    out[i, j] = soft_threshold(_clamp(x[i, j], positive), tau)
            return
        for i in range(n_rows):
            for j in range(n_cols):
                z = _clamp(x[i, j], positive)
                out[i, j] = soft_threshold(z, step * alpha * coord_weights[j])
    elif code == CODE_ELASTIC_NET:
        tau = step * alpha * extra
        shrink = 1.0 + step * alpha * (1.0 - extra)
        for i in range(n_rows):
            for j in range(n_cols):
                out[i, j] = soft_threshold(_clamp(x[i, j], positive), tau) / shrink
    elif code == CODE_L0:
        threshold = math.sqrt(2.0 * step * alpha)
        for i in range(n_rows):
            for j in range(n_cols):
                z = _clamp(x[i, j], positive)
                out[i, j] = 0.0 if abs(z) <= threshold else z  # NaN stays NaN
    elif code == CODE_LQ:
        mu = step * alpha
        beta, tau = lq_threshold(mu, extra)
        for i in range(n_rows):
            for j in range(n_cols):
                z = _clamp(x[i, j], positive)
                if mu == 0.0:
                    out[i, j] = z
                elif abs(z) <= tau:
                    out[i, j] = 0.0
                else:
                    out[i, j] = math.copysign(lq_magnitude(abs(z), mu, extra, beta), z)
    elif code == CODE_CEL0:
        root = math.sqrt(2.0 * alpha)
        for i in range(n_rows):
            for j in range(n_cols):
                out[i, j] = _prox_cel0(_clamp(x[i, j], positive), step, root, coord_weights[j])
    elif code == CODE_MCP:
        low = step * alpha
        high = extra * alpha
        if extra > step:  # firm thresholding
            scale = 1.0 / (1.0 - step / extra)
            for i in range(n_rows):
                for j in range(n_cols):
                    z = _clamp(x[i, j], positive)
                    a = abs(z)
                    if a <= low:
                        out[i, j] = 0.0
                    elif a <= high:
                        out[i, j] = math.copysign((a - low) * scale, z)
                    else:
                        out[i, j] = z
        else:  # hard thresholding
            threshold = alpha * math.sqrt(step * extra)
            for i in range(n_rows):
                for j in range(n_cols):
                    z = _clamp(x[i, j], positive)
                    out[i, j] = 0.0 if abs(z) <= threshold else z  # NaN stays NaN
    elif code == CODE_SCAD:
        for i in range(n_rows):
            for j in range(n_cols):
                z = _clamp(x[i, j], positive)
                out[i, j] = math.copysign(_scad_prox_abs(abs(z), step, alpha, extra), z)
    elif code == CODE_LOG:
        mu = step * alpha
        for i in range(n_rows):
            for j in range(n_cols):
                z = _clamp(x[i, j], positive)
                out[i, j] = math.copysign(log_sum_magnitude(abs(z), mu, extra), z)


@njit(cache=True)
def value_separable(x, code, params, coord_weights):
    """Sum of ``value_1d`` over a 2-D array (one coordinate weight per column)."""
    n_rows, n_cols = x.shape
    total = 0.0
    for j in range(n_cols):
        for i in range(n_rows):
            total += value_1d(x[i, j], code, params, coord_weights[j])
    return total


@njit(cache=True)
def subdiff_distance_separable(x, grad, code, params, coord_weights, out):
    """Coordinate-wise ``subdiff_distance_1d`` over 2-D arrays."""
    n_rows, n_cols = x.shape
    for j in range(n_cols):
        for i in range(n_rows):
            out[i, j] = subdiff_distance_1d(x[i, j], grad[i, j], code, params, coord_weights[j])


# --------------------------------------------------------------------------- #
# group kernels
# --------------------------------------------------------------------------- #
@njit(cache=True)
def group_norms(x, grp_ptr, grp_idx, out):
    """Euclidean norm of every group of the 1-D array ``x``.

    The plain sum of squares, redone on entries divided by the group's largest
    magnitude when it overflows or may have underflowed (hypot-style scaling).
    """
    for g in range(grp_ptr.shape[0] - 1):
        total = 0.0
        for pos in range(grp_ptr[g], grp_ptr[g + 1]):
            value = x[grp_idx[pos]]
            total += value * value
        if total < 1e-280 or total > 1e280:  # inf / underflow guard (NaN passes through)
            out[g] = _scaled_group_norm(x, grp_idx, grp_ptr[g], grp_ptr[g + 1])
        else:
            out[g] = math.sqrt(total)


@njit(cache=True, internal=True)
def _scaled_group_norm(x, grp_idx, start, stop):
    """``max|x_g| · ||x_g / max|x_g|||``: the group norm without overflow or underflow."""
    scale = 0.0
    for pos in range(start, stop):
        scale = max(scale, abs(x[grp_idx[pos]]))
    if scale == 0.0 or not math.isfinite(scale):
        return scale
    scale = math.ldexp(1.0, math.frexp(scale)[1] - 1)  # a power of two <= scale: exact divisions
    total = 0.0
    for pos in range(start, stop):
        value = x[grp_idx[pos]] / scale
        total += value * value
    return scale * math.sqrt(total)


@njit(cache=True, internal=True)
def block_soft_threshold_factor(norm, tau):
    """Factor ``max(1 − tau / norm, 0)`` of block soft thresholding."""
    if norm <= tau:
        return 0.0
    return 1.0 - tau / norm


@njit(cache=True)
def prox_group_l2(x, taus, grp_ptr, grp_idx, out):
    """Block soft thresholding of each group ``g`` at level ``taus[g]``."""
    for g in range(grp_ptr.shape[0] - 1):
        total = 0.0
        for pos in range(grp_ptr[g], grp_ptr[g + 1]):
            value = x[grp_idx[pos]]
            total += value * value
        if total < 1e-280 or total > 1e280:  # overflow / underflow guard, as group_norms
            norm = _scaled_group_norm(x, grp_idx, grp_ptr[g], grp_ptr[g + 1])
        else:
            norm = math.sqrt(total)
        factor = block_soft_threshold_factor(norm, taus[g])
        for pos in range(grp_ptr[g], grp_ptr[g + 1]):
            out[grp_idx[pos]] = factor * x[grp_idx[pos]]


@njit(cache=True)
def prox_rows_l2(x, tau, out):
    """Block soft thresholding of each row of the 2-D array ``x`` (ℓ2,1 prox)."""
    n_rows, n_cols = x.shape
    for i in range(n_rows):
        total = 0.0
        for j in range(n_cols):
            total += x[i, j] * x[i, j]
        norm = math.sqrt(total)
        if total < 1e-280 or total > 1e280:  # overflow / underflow guard (hypot-style)
            scale = 0.0
            for j in range(n_cols):
                scale = max(scale, abs(x[i, j]))
            if scale > 0.0 and math.isfinite(scale):
                scale = math.ldexp(1.0, math.frexp(scale)[1] - 1)  # a power of two <= scale: exact
                total = 0.0
                for j in range(n_cols):
                    total += (x[i, j] / scale) ** 2
                norm = scale * math.sqrt(total)
        factor = block_soft_threshold_factor(norm, tau)
        for j in range(n_cols):
            out[i, j] = factor * x[i, j]


@njit(cache=True, internal=True)
def _heapsort(values, lo, hi):
    """Sort ``values[lo:hi]`` in place (O(n log n) worst case, quick to compile).

    Builds a max-heap, then moves its root to the end of the shrinking heap;
    both phases sift one root down, written once in the loop below (a separate
    sift-down function called with a constant 0 was compiled in several
    specialisations).
    """
    n = hi - lo
    n_build = n // 2
    for step in range(n_build + max(n - 1, 0)):
        if step < n_build:  # heap construction: roots n//2 - 1, ..., 0 over the whole slice
            root = n_build - 1 - step
            end = n
        else:  # extraction: the largest goes to the end, the new root sinks
            end = n - 1 - (step - n_build)
            values[lo], values[lo + end] = values[lo + end], values[lo]
            root = 0
        while 2 * root + 1 < end:
            child = 2 * root + 1
            if child + 1 < end and values[lo + child] < values[lo + child + 1]:
                child += 1
            if values[lo + root] < values[lo + child]:
                values[lo + root], values[lo + child] = values[lo + child], values[lo + root]
                root = child
            else:
                break


@njit(cache=True, internal=True)
def select_kth(values, n, kth):
    """``kth`` smallest of ``values[:n]``, reordering them in place.

    Quickselect with Hoare partitioning around a median-of-three pivot:
    expected linear time.  After ``2·log2(n) + 8`` rounds without converging (an
    adversarial order) the remaining slice is heap-sorted, so the worst case
    stays ``O(n log n)``.
    """
    lo = np.int64(0)  # not the literal 0: numba would also compile _heapsort for it
    hi = n - 1
    budget = 8
    size = n
    while size > 1:
        budget += 2
        size //= 2
    while hi > lo:
        budget -= 1
        if budget < 0:
            _heapsort(values, lo, hi + 1)
            return values[kth]
        mid = (lo + hi) // 2
        a = values[lo]
        b = values[mid]
        c = values[hi]
        if a > b:
            a, b = b, a
        if b > c:
            b = c
        pivot = a if a > b else b
        i = lo
        j = hi
        while i <= j:
            while values[i] < pivot:
                i += 1
            while values[j] > pivot:
                j -= 1
            if i <= j:
                values[i], values[j] = values[j], values[i]
                i += 1
                j -= 1
        if kth <= j:
            hi = j
        elif kth >= i:
            lo = i
        else:
            return values[kth]
    return values[kth]


# Relative margins far above rounding (a few 1e-16): ``a <= b·(1 − 1e-14)`` with
# ``b = lo·slope`` of normal size implies ``a/slope <= lo`` in floating point too.
_BELOW = 1.0 - 1e-14
_ABOVE = 1.0 + 1e-14
_TINY = 1e-290  # below it products may be subnormal, with no relative error bound
_SAMPLE_ITEMS = 127  # items sampled per round to pick the pivot breakpoint
_BRACKET_ITEMS = 4096  # items sampled once to bracket the multiplier


@njit(cache=True, inline="always")
def _sampled_sum(slopes, offsets, stride, nu):
    """``sum clip(slopes·nu − offsets, 0, 1)`` over every ``stride``-th item, scaled to all."""
    n = slopes.shape[0]
    total = 0.0
    count = 0
    for pos in range(0, n, stride):
        if slopes[pos] > 0.0:
            total += min(max(slopes[pos] * nu - offsets[pos], 0.0), 1.0)
        count += 1
    return total * n / count


@njit(cache=True, inline="always")
def _sampled_bracket(slopes, offsets, k):
    """An interval ``(lo, hi)`` that holds the root of the capped-simplex sum.

    The sum on a strided sample of about 4096 items, scaled to all of them,
    estimates the full sum; bisection on it gives two candidates where the
    estimate is ``k`` minus and plus three standard deviations of a sum of
    ``[0, 1]`` terms (at most ``sqrt(k·n/n_sample)``).  One pass evaluates the
    true sum at both; the bracket keeps each candidate on its correct side, and
    falls back to ``0`` or ``inf`` for one that is not.  Returns ``(nu, nu)``
    when the sum at a candidate is exactly ``k``.
    """
    n = slopes.shape[0]
    stride = max(1, n // _BRACKET_ITEMS)
    n_sample = (n + stride - 1) // stride
    smallest = math.inf
    largest = 0.0
    for pos in range(0, n, stride):
        if slopes[pos] > 0.0:
            smallest = min(smallest, offsets[pos] / slopes[pos])
            largest = max(largest, (1.0 + offsets[pos]) / slopes[pos])
    if stride == 1 or not (0.0 < smallest < largest < math.inf):
        return 0.0, math.inf
    spread = 3.0 * math.sqrt(k * n / n_sample) + n / n_sample
    candidates = np.empty(2, dtype=np.float64)
    for side in range(2):
        target = k - spread if side == 0 else k + spread
        a = smallest
        b = largest
        for _ in range(40):  # geometric bisection on the sampled sum
            middle = math.sqrt(a * b)
            if _sampled_sum(slopes, offsets, stride, middle) < target:
                a = middle
            else:
                b = middle
        candidates[side] = a if side == 0 else b
    low_sum = 0.0
    high_sum = 0.0
    for i in range(n):
        slope = slopes[i]
        if slope > 0.0:
            low_sum += min(max(slope * candidates[0] - offsets[i], 0.0), 1.0)
            high_sum += min(max(slope * candidates[1] - offsets[i], 0.0), 1.0)
    if low_sum == k:
        return candidates[0], candidates[0]
    if high_sum == k:
        return candidates[1], candidates[1]
    lo = candidates[0] if low_sum < k else 0.0
    hi = candidates[1] if high_sum > k else math.inf
    if low_sum > k:  # both candidates are above the root
        hi = candidates[0]
    if high_sum < k:  # both below it
        lo = candidates[1]
    return lo, hi


@njit(cache=True, internal=True)
def capped_simplex_multiplier(slopes, offsets, k):
    """Find ``nu`` with ``sum_i clip(slopes_i·nu − offsets_i, 0, 1) = k``.

    ``slopes >= 0`` and ``offsets > 0``; the caller guarantees that more than
    ``k`` slopes are positive, so the root is finite.  The sum is piecewise
    linear and non-decreasing in ``nu`` with breakpoints ``offsets_i/slopes_i``
    (an item starts to grow) and ``(1 + offsets_i)/slopes_i`` (it saturates).

    Linear time, no sort.  First, :func:`_sampled_bracket` brackets ``nu``
    from a strided sample and one pass over the items, and a second pass
    folds the items the bracket already decides and copies the others (a few
    percent on typical inputs).  Then each round bisects the bracketing interval
    ``(lo, hi)`` at a median of breakpoints and does one pass over the items
    still undecided: it evaluates the sum at the pivot and, at the same time,
    folds the items left with no breakpoint inside the interval into three
    running aggregates (the count of saturated items, and the sums of slopes and
    offsets of the items growing linearly across it), compacting the rest.
    The pivot is the median of the in-interval breakpoints of a strided sample
    of at most 127 undecided items (of all of them once fewer remain), which
    halves the undecided items per round in expectation; should three rounds in
    a row shrink them by less than a tenth (an adversarial order), the pivot is
    the exact median of all in-interval breakpoints, found by quickselect
    (:func:`select_kth`).  Work per round is proportional to the items left:
    ``O(n) + O(n/2) + ... = O(n)`` in total.
    """
    n = slopes.shape[0]
    lo, hi = _sampled_bracket(slopes, offsets, k)
    if lo == hi:  # the sum is exactly k there
        return lo
    # one pass: fold the items the bracket decides, copy the others (np.empty
    # touches no memory, so only the copied items cost writes)
    item_slope = np.empty(n, dtype=np.float64)
    item_offset = np.empty(n, dtype=np.float64)
    item_lower = np.empty(n, dtype=np.float64)
    item_upper = np.empty(n, dtype=np.float64)
    n_active = 0
    n_saturated = 0.0
    slope_sum = 0.0
    offset_sum = 0.0
    for i in range(n):
        slope = slopes[i]
        if not slope > 0.0:
            continue
        offset = offsets[i]
        # most items are decided by products with a safety margin, which imply
        # the division tests below (the same decisions, without two divisions)
        at_lo = lo * slope
        at_hi = hi * slope
        if 1.0 + offset <= at_lo * _BELOW:
            n_saturated += 1.0
            continue
        if offset >= at_hi * _ABOVE and at_hi > _TINY:
            continue
        if offset <= at_lo * _BELOW and 1.0 + offset >= at_hi * _ABOVE and at_lo > _TINY:
            slope_sum += slope
            offset_sum += offset
            continue
        lower = offset / slope
        upper = (1.0 + offset) / slope
        if upper <= lo:
            n_saturated += 1.0
        elif lower >= hi:
            pass
        elif lower <= lo and upper >= hi:
            slope_sum += slope
            offset_sum += offset
        else:
            item_slope[n_active] = slope
            item_offset[n_active] = offset
            item_lower[n_active] = lower
            item_upper[n_active] = upper
            n_active += 1
    sample = np.empty(2 * _SAMPLE_ITEMS + 2, dtype=np.float64)
    buffer = np.empty(0, dtype=np.float64)
    slow_rounds = 0
    while n_active > 0:
        # ---- pivot: a median of breakpoints strictly inside (lo, hi)
        n_points = 0
        if slow_rounds < 3:
            stride = max(1, n_active // _SAMPLE_ITEMS)
            for pos in range(0, n_active, stride):
                if n_points + 2 > sample.shape[0]:
                    break
                if lo < item_lower[pos] < hi:
                    sample[n_points] = item_lower[pos]
                    n_points += 1
                if lo < item_upper[pos] < hi:
                    sample[n_points] = item_upper[pos]
                    n_points += 1
            points = sample
        else:
            if buffer.shape[0] == 0:
                buffer = np.empty(2 * n_active, dtype=np.float64)
            for pos in range(n_active):
                if lo < item_lower[pos] < hi:
                    buffer[n_points] = item_lower[pos]
                    n_points += 1
                if lo < item_upper[pos] < hi:
                    buffer[n_points] = item_upper[pos]
                    n_points += 1
            points = buffer
            slow_rounds = 0
        pivot = math.nan
        if n_points > 0:
            pivot = select_kth(points, n_points, n_points // 2)
        # ---- one pass: fold decided items, compact the rest, evaluate the sum at the pivot
        kept = 0
        total = 0.0
        for pos in range(n_active):
            lower = item_lower[pos]
            upper = item_upper[pos]
            if upper <= lo:
                n_saturated += 1.0
            elif lower >= hi:
                pass
            elif lower <= lo and upper >= hi:
                slope_sum += item_slope[pos]
                offset_sum += item_offset[pos]
            else:
                slope = item_slope[pos]
                offset = item_offset[pos]
                item_slope[kept] = slope
                item_offset[kept] = offset
                item_lower[kept] = lower
                item_upper[kept] = upper
                kept += 1
                total += min(max(slope * pivot - offset, 0.0), 1.0)
        slow_rounds = slow_rounds + 1 if 10 * kept > 9 * n_active else 0
        n_active = kept
        if n_points == 0:
            continue  # the pass only folded items; pick a pivot among those left
        total += n_saturated + slope_sum * pivot - offset_sum
        if total == k:
            return pivot
        if total < k:
            lo = pivot
        else:
            hi = pivot
    # no breakpoint left inside (lo, hi): the sum is linear there
    if slope_sum <= 0.0:
        return lo
    nu = (k - n_saturated + offset_sum) / slope_sum
    return min(max(nu, lo), hi)


@njit(cache=True, inline="always")
def capped_weight(slope, offset, nu):
    """``clip(slope·nu − offset, 0, 1)`` for the multiplier ``nu`` of the capped simplex.

    ``nu = inf`` (at most ``k`` positive slopes) gives 1 on every positive
    slope.  Otherwise the ends are decided against the breakpoints themselves
    (as in :func:`capped_simplex_multiplier`), so rounding in
    ``slope·nu − offset`` cannot leave a 1e-16 weight on a dropped item.
    """
    if not slope > 0.0:
        return 0.0
    if nu == math.inf:
        return 1.0
    scaled = slope * nu  # the margin tests imply the division tests below
    if scaled * _ABOVE <= offset and scaled > _TINY:
        return 0.0
    if scaled * _BELOW >= 1.0 + offset:
        return 1.0
    if nu <= offset / slope:
        return 0.0
    if nu >= (1.0 + offset) / slope:
        return 1.0
    return min(max(slope * nu - offset, 0.0), 1.0)


@njit(cache=True, inline="always")
def envelope_slopes(norms, sqrt_weights, lam, slopes, offsets):
    """``slopes <- sqrt(d_i)·|a_i|`` and ``offsets <- lam·d_i``.

    ``norms``: the group norms ``a_i``, or for singleton groups the entries
    themselves (their absolute values are the norms).  Returns the count of
    positive slopes, whether every norm is finite, and the largest slope.
    ``slopes`` may be ``norms`` itself (updated in place).
    """
    n_positive = 0
    finite = True
    largest = 0.0
    for g in range(norms.shape[0]):
        if not math.isfinite(norms[g]):
            finite = False
        slopes[g] = sqrt_weights[g] * abs(norms[g])
        offsets[g] = lam * sqrt_weights[g] * sqrt_weights[g]
        if slopes[g] > 0.0:
            n_positive += 1
        largest = max(largest, slopes[g])
    return n_positive, finite, largest


_SLOPES_TOO_LARGE = 2.0**1000  # the largest slope times their count, beyond: rescale
_SLOPES_TOO_SMALL = 2.0**-1000


@njit(cache=True, internal=True)
def rescale_slopes(slopes, largest):
    """Multiply ``slopes`` in place by a power of two when their sums could overflow
    or their breakpoints ``offset / slope`` could (huge or subnormal group norms).

    The capped-simplex weights do not change when every slope is multiplied by
    the same factor (the multiplier takes its inverse), and a power of two
    multiplies exactly, so the caller's weights are those of the unscaled
    slopes.  Slopes in the usual range are left untouched.  ``largest``: the
    largest slope, found by the caller's pass over them.
    """
    shift = slope_shift(largest, slopes.shape[0])
    if shift != 0:
        for i in range(slopes.shape[0]):
            slopes[i] = math.ldexp(slopes[i], shift)


@njit(cache=True)
def slope_shift(largest, n):
    """The power of two ``shift`` that :func:`rescale_slopes` multiplies ``n``
    slopes by (``2**shift``), given the largest; 0 in the usual range.

    The one rule, also for the array-API formula of ``penalties/group.py``.
    """
    if not (0.0 < largest < math.inf):
        return 0
    if largest * n <= _SLOPES_TOO_LARGE and largest >= _SLOPES_TOO_SMALL:
        return 0
    return -math.frexp(largest)[1]  # the largest slope into [0.5, 1)


@njit(cache=True, inline="always")
def envelope_multiplier(slopes, offsets, n_positive, largest, k):
    """The capped-simplex multiplier, ``inf`` when at most ``k`` slopes are positive.

    ``slopes`` may be rescaled in place (:func:`rescale_slopes`): the caller
    reads the weights from them afterwards.
    """
    if n_positive <= k:
        return math.inf
    rescale_slopes(slopes, largest)
    return capped_simplex_multiplier(slopes, offsets, k)


@njit(cache=True, internal=True)
def envelope_weights(norms, sqrt_weights, lam, k, theta):
    """Optimal ``theta`` of the (weighted group) sparse-envelope prox.

    ``theta_i = clip(nu·sqrt(d_i)·a_i − lam·d_i, 0, 1)`` with ``sum theta = k``,
    where ``a_i`` are the group norms; all non-zero groups get ``theta = 1`` when
    there are at most ``k`` of them.  Returns the number of groups with
    ``theta > 0`` (the groups the prox keeps).  The proxes below compute the
    same weights group by group, without this array.
    """
    m = norms.shape[0]
    slopes = np.empty(m, dtype=np.float64)
    offsets = np.empty(m, dtype=np.float64)
    n_positive, _, largest = envelope_slopes(norms, sqrt_weights, lam, slopes, offsets)
    nu = envelope_multiplier(slopes, offsets, n_positive, largest, k)
    kept = 0
    for g in range(m):
        theta[g] = capped_weight(slopes[g], offsets[g], nu)
        if theta[g] > 0.0:
            kept += 1
    return kept


@njit(cache=True)
def prox_wgsef(x, lam, k, sqrt_weights, grp_ptr, grp_idx, out, work):
    """Prox of ``lam · S_k(b)``, ``b_i = sqrt(d_i)·||x_{G_i}||``, into ``out``.

    ``x_{G_i} <- theta_i / (theta_i + lam·d_i) · x_{G_i}`` with the ``theta``
    of :func:`envelope_weights`, computed group by group in the pass that
    writes ``out``.  ``work`` is a float64 array of shape ``(2, n_groups)``,
    overwritten: allocated by the caller with numpy, whose large arrays the
    kernel may back with huge pages (an array allocated here in numba pays a
    page fault per 4 KiB on first touch).  Returns the number of groups kept
    and whether every group norm is finite, which holds when every entry of
    ``x`` is (the groups cover all entries, and a norm that would overflow is
    rescaled), so the caller needs no separate pass to validate ``x``.
    Linear time in the number of features.
    """
    m = grp_ptr.shape[0] - 1
    slopes = work[0]
    offsets = work[1]
    group_norms(x, grp_ptr, grp_idx, slopes)
    n_positive, finite, largest = envelope_slopes(slopes, sqrt_weights, lam, slopes, offsets)
    nu = envelope_multiplier(slopes, offsets, n_positive, largest, k)
    kept = 0
    for g in range(m):
        theta = capped_weight(slopes[g], offsets[g], nu)
        denominator = theta + offsets[g]
        factor = theta / denominator if denominator > 0.0 else 1.0
        if theta > 0.0:
            kept += 1
        for pos in range(grp_ptr[g], grp_ptr[g + 1]):
            out[grp_idx[pos]] = factor * x[grp_idx[pos]]
    return kept, finite


@njit(cache=True)
def prox_sparse_envelope(x, lam, k, out, work):
    """Prox of ``lam · S_k(x)`` for a 1-D array (singleton groups, unit weights).

    ``work``: a float64 array of shape ``(2, x.size)``, as for :func:`prox_wgsef`.
    """
    n = x.shape[0]
    slopes = work[0]
    offsets = work[1]
    # unit weights: a stride-0 view of one 1.0 (multiplying by it is exact)
    unit = np.broadcast_to(np.ones(1), (n,))
    n_positive, _, largest = envelope_slopes(x, unit, lam, slopes, offsets)
    nu = envelope_multiplier(slopes, offsets, n_positive, largest, k)
    kept = 0
    for i in range(n):
        theta = capped_weight(slopes[i], lam, nu)
        denominator = theta + lam
        out[i] = theta / denominator * x[i] if denominator > 0.0 else x[i]
        if theta > 0.0:
            kept += 1
    return kept


@njit(cache=True, internal=True)
def top_k_mask(norms, k, keep):
    """``keep[g] = 1`` for the ``k`` largest ``norms`` (ties: lower index first).

    Linear time (quickselect on a copy).  Returns the number of kept groups
    with a positive norm.
    """
    m = norms.shape[0]
    if k >= m:
        kept = 0
        for g in range(m):
            keep[g] = 1.0
            if norms[g] > 0.0:
                kept += 1
        return kept
    work = np.empty(m, dtype=np.float64)
    for g in range(m):
        work[g] = -norms[g]
    threshold = -select_kth(work, m, k - 1)  # the k-th largest norm
    above = 0
    for g in range(m):
        if norms[g] > threshold:
            above += 1
    ties_left = k - above
    kept = 0
    for g in range(m):
        if norms[g] > threshold:
            keep[g] = 1.0
        elif norms[g] == threshold and ties_left > 0:
            keep[g] = 1.0
            ties_left -= 1
        else:
            keep[g] = 0.0
        if keep[g] > 0.0 and norms[g] > 0.0:
            kept += 1
    return kept


@njit(cache=True)
def prox_wgsef_nonconvex(x, lam, k, weights, grp_ptr, grp_idx, out):
    """Prox of ``lam · (S_k(b) − ½||b||²)``, ``b_i = sqrt(d_i)·||x_{G_i}||``, into ``out``.

    With ``l_i = lam·d_i``: when every ``l_i >= 1`` it keeps the ``k`` groups of
    largest ``||x_{G_i}||`` untouched and zeroes the others (ties: lower index);
    when every ``l_i < 1``,
    ``theta_i = clip((s·sqrt(l_i)·a_i − l_i)/(1 − l_i), 0, 1)`` with
    ``sum theta = k`` and ``x_{G_i} <- theta_i/(theta_i + l_i(1 − theta_i))·x_{G_i}``.
    The caller refuses the mixed case.  Returns the number of groups kept.
    Linear time in the number of features.
    """
    m = grp_ptr.shape[0] - 1
    norms = np.empty(m, dtype=np.float64)
    group_norms(x, grp_ptr, grp_idx, norms)
    factor = np.empty(m, dtype=np.float64)
    kept = 0
    if lam * weights.min() >= 1.0:
        kept = top_k_mask(norms, k, factor)
    else:
        slopes = np.empty(m, dtype=np.float64)
        offsets = np.empty(m, dtype=np.float64)
        n_positive = 0
        largest = 0.0
        for g in range(m):
            level = lam * weights[g]
            slopes[g] = math.sqrt(level) * norms[g] / (1.0 - level)
            offsets[g] = level / (1.0 - level)
            if slopes[g] > 0.0:
                n_positive += 1
            largest = max(largest, slopes[g])
        s = envelope_multiplier(slopes, offsets, n_positive, largest, k)
        for g in range(m):
            theta = capped_weight(slopes[g], offsets[g], s)
            level = lam * weights[g]
            if s == math.inf:  # at most k non-zero groups: every group kept as it is
                factor[g] = 1.0
            else:
                factor[g] = theta / (theta + level * (1.0 - theta)) if theta > 0.0 else 0.0
            if theta > 0.0:
                kept += 1
    for g in range(m):
        for pos in range(grp_ptr[g], grp_ptr[g + 1]):
            out[grp_idx[pos]] = factor[g] * x[grp_idx[pos]]
    return kept
