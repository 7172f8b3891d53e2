"""Separable penalties: one function of each coordinate, summed.

Every class here has the same four ingredients:

* the vectorized formula (``_prox_array``, ``_value_array``) written against
  the array API (tested on numpy and array-api-strict; not yet run on a GPU);
* a numba scalar kernel in :mod:`sparsestat.penalties._kernels` with the same
  formula, selected by ``kernel_code`` (the CPU coordinate-descent solvers call
  it inside their loops);
* ``subdiff_distance`` (inherited) through the numba kernel;
* ``alpha_max`` where 0 stops being a stationary point above some ``alpha``.

All accept ``positive=True``: the penalty then includes the constraint
``x >= 0``; since each ``p`` is even and non-decreasing in ``|x|``, the
constrained prox is the unconstrained prox of ``max(z, 0)``.

Prox conventions: ``prox(z, step) = argmin_x ½(x − z)² + step·pen(x)``.  Where
the minimiser jumps (L0, Lq, MCP and SCAD in their nonconvex regimes) the tie
at the threshold itself is broken towards 0: the prox keeps ``|z| > tau`` and
zeroes ``|z| <= tau``.
"""

from __future__ import annotations

import math

import numpy as np

from .._array_api import supports_float64
from .._validation import check_real, check_step, check_weights
from . import _kernels
from ._base import SeparablePenalty, as_float_array

__all__ = ["L1", "ElasticNet", "L0", "Lq", "CEL0", "MCP", "SCAD", "LogSum"]


def _check_alpha(alpha):
    return check_real(alpha, "alpha", low=0.0)


def _check_positive_flag(positive):
    if not isinstance(positive, (bool, np.bool_)):
        raise TypeError(f"positive must be True or False, got {positive!r}.")
    return bool(positive)


def _soft_threshold(x, tau, xp):
    return xp.sign(x) * xp.clip(xp.abs(x) - tau, min=0.0)


class L1(SeparablePenalty):
    r"""Weighted ℓ1 norm, ``pen(x) = alpha · sum_j w_j |x_j|``.

    Prox: soft thresholding, ``sign(z)·max(|z| − step·alpha·w_j, 0)``.

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    weights : array-like of shape (n_features,), default=None
        Non-negative weight per coordinate (along the last axis of ``x``); a
        zero weight leaves that coordinate unpenalized.  ``None``: all ones.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] R. Tibshirani, "Regression shrinkage and selection via the lasso",
       J. R. Stat. Soc. B 58(1), 267–288, 1996.
    .. [2] D. L. Donoho, "De-noising by soft-thresholding", IEEE Trans. Inf.
       Theory 41(3), 613–627, 1995.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import L1
    >>> L1(alpha=1.0).prox(np.array([-3.0, 0.5, 2.0]), step=1.0)
    array([-2.,  0.,  1.])
    """

    names = ("l1",)
    kernel_code = _kernels.CODE_L1
    has_duality_gap = True
    solvers = ("cd", "gram", "fista", "cvxpy")
    _coordinate_parameter = "weights"

    def __init__(self, alpha=1.0, weights=None, positive=False):
        self._alpha = _check_alpha(alpha)
        self._weights = None if weights is None else check_weights(weights, "weights")
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.weights = weights
        self.positive = positive
        self._freeze()

    def _coordinate_weights_array(self):
        return self._weights

    def _gap_l1_ratio(self):
        return 1.0

    def _prox_array(self, x, step, xp):
        weights = self._weights_like(x, xp)
        tau = step * self._alpha if weights is None else (step * self._alpha) * weights
        return _soft_threshold(x, tau, xp)

    def _value_array(self, x, xp):
        weights = self._weights_like(x, xp)
        magnitude = xp.abs(x) if weights is None else weights * xp.abs(x)
        return self._alpha * xp.sum(magnitude)

    def alpha_max(self, gradient_at_zero):
        """``max_j |g_j| / w_j`` over penalized coordinates (``max(-g_j)/w_j`` if positive).

        With ``g = ∇f(0)``, 0 is optimal for ``f + pen`` iff ``alpha >= alpha_max``.
        """
        weights = 1.0 if self._weights is None else self._weights
        return self._alpha_max_from_slope(gradient_at_zero, weights)


class ElasticNet(SeparablePenalty):
    r"""Elastic net, ``pen(x) = alpha·(l1_ratio·|x| + ½(1 − l1_ratio)·x²)``.

    The parametrization of :class:`sklearn.linear_model.ElasticNet`.  Prox:
    ``soft(z, step·alpha·l1_ratio) / (1 + step·alpha·(1 − l1_ratio))``.

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    l1_ratio : float in [0, 1], default=0.5
        Mix of ℓ1 (1) and squared ℓ2 (0).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] H. Zou and T. Hastie, "Regularization and variable selection via the
       elastic net", J. R. Stat. Soc. B 67(2), 301–320, 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import ElasticNet
    >>> ElasticNet(alpha=1.0, l1_ratio=0.5).prox(np.array([-3.0, 0.2, 2.0]), step=1.0)
    array([-1.66666667,  0.        ,  1.        ])
    """

    names = ("elasticnet",)
    kernel_code = _kernels.CODE_ELASTIC_NET
    has_duality_gap = True
    solvers = ("cd", "gram", "fista", "cvxpy")

    def __init__(self, alpha=1.0, l1_ratio=0.5, positive=False):
        self._alpha = _check_alpha(alpha)
        self._l1_ratio = check_real(l1_ratio, "l1_ratio", low=0.0, high=1.0)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.positive = positive
        self._freeze()

    def _extra_param(self):
        return self._l1_ratio

    def _gap_l1_ratio(self):
        return self._l1_ratio

    def _prox_array(self, x, step, xp):
        shrink = 1.0 + step * self._alpha * (1.0 - self._l1_ratio)
        return _soft_threshold(x, step * self._alpha * self._l1_ratio, xp) / shrink

    def _value_array(self, x, xp):
        r = self._l1_ratio
        return self._alpha * (r * xp.sum(xp.abs(x)) + 0.5 * (1.0 - r) * xp.sum(x * x))

    def alpha_max(self, gradient_at_zero):
        """``max_j |g_j| / l1_ratio``; undefined (error) when ``l1_ratio == 0``."""
        if self._l1_ratio == 0.0:
            raise ValueError(
                "alpha_max is undefined for l1_ratio=0 (pure ridge never zeroes the coefficients)."
            )
        return self._alpha_max_from_slope(gradient_at_zero, self._l1_ratio)


class L0(SeparablePenalty):
    r"""ℓ0 pseudo-norm, ``pen(x) = alpha · #{j : x_j != 0}``.

    Prox: hard thresholding.  The prox of ``step·alpha·||x||_0`` keeps
    ``|z| > sqrt(2·step·alpha)`` and zeroes ``|z| <= sqrt(2·step·alpha)``
    (at equality both 0 and z are minimisers; 0 is returned).

    Parameters
    ----------
    alpha : float, >= 0
        Price of each non-zero coefficient.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] T. Blumensath and M. E. Davies, "Iterative thresholding for sparse
       approximations", J. Fourier Anal. Appl. 14, 629–654, 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import L0
    >>> L0(alpha=0.5).prox(np.array([-3.0, 0.5, 2.0]), step=1.0)
    array([-3.,  0.,  2.])
    """

    names = ("l0",)
    kernel_code = _kernels.CODE_L0
    is_convex = False
    fixed_point_optimality = True

    def __init__(self, alpha=1.0, positive=False):
        self._alpha = _check_alpha(alpha)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.positive = positive
        self._freeze()

    def _prox_array(self, x, step, xp):
        return xp.where(xp.abs(x) > self.threshold(step), x, xp.zeros_like(x))

    def _value_array(self, x, xp):
        return self._alpha * xp.sum(xp.astype(x != 0, x.dtype))

    def coordinate_alpha_max(self, gradient_at_zero, lipschitz):
        """``max_j g_j²/(2 L_j)``: hard thresholding at step ``1/L_j`` keeps 0 up to there."""
        active = lipschitz > 0
        grad = np.asarray(gradient_at_zero)
        drive = np.clip(-grad, 0.0, None) if self._positive else np.abs(grad)
        values = drive[active] ** 2 / (2.0 * lipschitz[active])
        return float(values.max()) if values.size else 0.0


class Lq(SeparablePenalty):
    r"""ℓq quasi-norm to the power q, ``pen(x) = alpha · sum_j |x_j|^q``, 0 < q < 1.

    The prox of ``mu = step·alpha`` times it is zero for ``|z| <= tau`` and
    ``sign(z)·x*`` above, where ``x*`` is the largest root of
    ``x + mu·q·x^(q−1) = |z|``; with ``beta = (2·mu·(1 − q))^(1/(2−q))``, the
    threshold is ``tau = beta + mu·q·beta^(q−1)`` and the prox jumps from 0 to
    ``beta`` there.  ``x*`` has closed forms for q = 1/2 (the half thresholding of
    Xu et al., a cubic) and q = 2/3 (Cao et al., a quartic); other q use Newton's
    method on ``[beta, |z|]``, where the stationarity function is increasing and
    convex so the iterates from ``|z|`` decrease monotonically to the root.
    No grid search anywhere: the result is the exact global minimiser.

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    q : float in (0, 1), default=0.5
        Exponent.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] Z. Xu, X. Chang, F. Xu and H. Zhang, "L_{1/2} regularization: a
       thresholding representation theory and a fast solver", IEEE Trans. Neural
       Netw. Learn. Syst. 23(7), 1013–1027, 2012.
    .. [2] W. Cao, J. Sun and Z. Xu, "Fast image deconvolution using closed-form
       thresholding formulas of L_q (q = 1/2, 2/3) regularization", J. Vis.
       Commun. Image Represent. 24(1), 31–41, 2013.
    .. [3] G. Marjanovic and V. Solo, "On l_q optimization and matrix completion",
       IEEE Trans. Signal Process. 60(11), 5714–5724, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import Lq
    >>> Lq(alpha=1.0, q=0.5).prox(np.array([-3.0, 0.5, 2.0]), step=1.0).round(4)
    array([-2.6955,  0.    ,  1.6054])
    """

    #: ``"half"`` and ``"two_thirds"`` fix q at 1/2 and 2/3 (closed-form prox)
    names = ("lq", "half", "two_thirds")
    kernel_code = _kernels.CODE_LQ
    is_convex = False
    fixed_point_optimality = True
    _FIXED_Q = {"half": 0.5, "two_thirds": 2.0 / 3.0}

    def __init__(self, alpha=1.0, q=0.5, positive=False):
        self._alpha = _check_alpha(alpha)
        self._q = check_real(q, "q", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.q = q
        self.positive = positive
        self._freeze()

    @classmethod
    def name_parameters(cls, name):
        """``"half"`` and ``"two_thirds"`` take no ``q``: the name fixes it."""
        params = super().name_parameters(name)
        return tuple(p for p in params if p != "q") if name in cls._FIXED_Q else params

    @classmethod
    def from_name(cls, name, **params):
        if name in cls._FIXED_Q:
            params["q"] = cls._FIXED_Q[name]
        return cls(**params)

    def _extra_param(self):
        return self._q

    def coordinate_alpha_max(self, gradient_at_zero, lipschitz):
        """``max_j L_j (|g_j|/(L_j·tau_1))^(2−q)``, ``tau_1`` the threshold at unit strength.

        The ℓq threshold at step ``1/L_j`` scales as ``alpha^(1/(2−q))``.
        """
        active = lipschitz > 0
        grad = np.asarray(gradient_at_zero)
        drive = np.clip(-grad, 0.0, None) if self._positive else np.abs(grad)
        q = self.q
        tau_unit = Lq(alpha=1.0, q=q).threshold(1.0)
        z = drive[active] / lipschitz[active]
        values = lipschitz[active] * (z / tau_unit) ** (2.0 - q)
        return float(values.max()) if values.size else 0.0

    def jump(self, step):
        """``beta = (2·mu·(1 − q))^(1/(2−q))``: the prox jumps from 0 to ``beta`` at tau."""
        return self._threshold_and_jump(check_step(step))[1]

    def _threshold_and_jump(self, step):
        mu = step * self._alpha
        if mu == 0.0:
            return 0.0, 0.0
        beta, tau = _kernels.lq_threshold(mu, self._q)
        return tau, beta

    def _prox_array(self, x, step, xp):
        mu = step * self._alpha
        if mu == 0.0:
            return xp.asarray(x, copy=True)
        tau, beta = self._threshold_and_jump(step)
        q = self._q
        work_dtype = xp.float64 if supports_float64(xp) else x.dtype
        a = xp.astype(xp.abs(x), work_dtype)
        above = a > tau
        # evaluate the magnitude formula only where it is valid; elsewhere use |z| = tau
        a_safe = xp.where(above, a, xp.full_like(a, tau))
        # the closed forms are scale-free, as in _kernels.lq_magnitude (no overflow)
        if q == 0.5:
            cosine = 0.75 * math.sqrt(3.0) * ((mu / a_safe) / xp.sqrt(a_safe))
            phi = xp.acos(xp.clip(cosine, max=1.0))
            magnitude = a_safe * (
                (2.0 / 3.0) * (1.0 + xp.cos(2.0 * math.pi / 3.0 - phi * (2.0 / 3.0)))
            )
        elif q == 2.0 / 3.0:
            # v⁴ − v + c' = 0 with c' = c·a^(−4/3), resolvent cubic by Cardano
            c = ((2.0 * mu / 3.0) / a_safe) / a_safe ** (1.0 / 3.0)
            discriminant = xp.clip(0.00390625 - c**3 / 27.0, min=0.0)
            root_a = (0.0625 + xp.sqrt(discriminant)) ** (1.0 / 3.0)
            m = root_a + (c / 3.0) / root_a
            phi = xp.sqrt(2.0 * m)
            v = 0.5 * (phi + xp.sqrt(xp.clip(2.0 / phi - phi * phi, min=0.0)))
            magnitude = a_safe * (v * v * v)
        else:
            magnitude = _lq_newton(a_safe, mu, q, beta, xp)
        result = xp.where(above, xp.sign(xp.astype(x, work_dtype)) * magnitude, xp.zeros_like(a))
        return xp.astype(result, x.dtype)

    def _value_array(self, x, xp):
        return self._alpha * xp.sum(xp.abs(x) ** self._q)


def _lq_newton(a, mu, q, beta, xp, max_iter=100):
    """Vectorized Newton for the largest root of ``x + mu q x^(q-1) = a``."""
    x = a
    for _ in range(max_iter):
        f = x - a + mu * q * x ** (q - 1.0)
        fprime = 1.0 - mu * q * (1.0 - q) * x ** (q - 2.0)
        x_new = xp.clip(x - f / fprime, min=beta)
        converged = not bool(xp.any(xp.abs(x_new - x) > 4e-16 * x))
        x = x_new
        if converged:
            break
    return x


class CEL0(SeparablePenalty):
    r"""Continuous exact ℓ0 penalty (CEL0) of Soubies, Blanc-Féraud and Aubert.

    With column norms ``a_j`` of the design (``||A_j||`` in ``½||Ax − y||²``),
    ``pen(x) = sum_j alpha − (a_j²/2)·(|x_j| − sqrt(2·alpha)/a_j)²`` for
    ``|x_j| <= sqrt(2·alpha)/a_j`` and ``alpha`` beyond.  Added to
    ``½||Ax − y||²``, it has the same global minimisers as ``alpha·||x||_0``
    and fewer local ones.

    Prox (for ``step·a_j² < 1``):
    ``sign(z)·min(|z|, max(|z| − sqrt(2·alpha)·a_j·step, 0) / (1 − a_j²·step))``.
    At ``step·a_j² = 1`` — the step of exact coordinate descent — it is the
    limit of that formula, hard thresholding at ``sqrt(2·alpha)/a_j`` (ties to
    0).  Beyond, the prox problem is unbounded below in the flat part's
    direction and :meth:`prox` raises.

    Parameters
    ----------
    alpha : float, >= 0
        The ℓ0 price ``lambda`` of the paper.
    column_norms : array-like of shape (n_features,)
        Positive norms ``a_j`` (along the last axis of ``x``).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] E. Soubies, L. Blanc-Féraud and G. Aubert, "A continuous exact ℓ0
       penalty (CEL0) for least squares regularized problem", SIAM J. Imaging
       Sci. 8(3), 1607–1639, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import CEL0
    >>> penalty = CEL0(alpha=0.5, column_norms=np.ones(3))
    >>> penalty.prox(np.array([-3.0, 0.5, 2.0]), step=1.0)
    array([-3.,  0.,  2.])
    """

    names = ("cel0",)
    kernel_code = _kernels.CODE_CEL0
    is_convex = False
    _coordinate_parameter = "column_norms"

    def __init__(self, alpha=1.0, column_norms=None, positive=False):
        self._alpha = _check_alpha(alpha)
        if column_norms is None:
            raise ValueError(
                "column_norms is required: CEL0 is defined from the norms of the "
                "design's columns (e.g. np.linalg.norm(X, axis=0))."
            )
        self._column_norms = check_weights(column_norms, "column_norms", allow_zero=False)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.column_norms = column_norms
        self.positive = positive
        self._freeze()

    def _coordinate_weights_array(self):
        return self._column_norms

    def max_step(self):
        """The prox is defined for ``step <= 1 / max_j a_j²``."""
        return 1.0 / float(np.max(self._column_norms)) ** 2

    def _check_step_value(self, step):
        if step * float(np.max(self._column_norms)) ** 2 > 1.0 + _kernels.CEL0_STEP_SLACK:
            raise ValueError(
                f"step={step:g} is too large for CEL0: its prox needs step·a_j² <= 1 for "
                f"every column norm a_j, i.e. step <= {self.max_step():g}."
            )
        return step

    def _prox_array(self, x, step, xp):
        col = self._weights_like(x, xp)
        a = xp.abs(x)
        root = math.sqrt(2.0 * self._alpha)
        denominator = 1.0 - step * col * col
        limit = denominator <= _kernels.CEL0_STEP_SLACK
        safe = xp.where(limit, xp.ones_like(denominator), denominator)
        shrunk = xp.clip(a - (root * step) * col, min=0.0) / safe
        firm = xp.sign(x) * xp.minimum(a, shrunk)
        hard = xp.where(a > root / col, x, xp.zeros_like(x))
        return xp.where(limit, hard, firm)

    def _value_array(self, x, xp):
        col = self._weights_like(x, xp)
        a = xp.abs(x)
        knee = math.sqrt(2.0 * self._alpha) / col
        inside = self._alpha - 0.5 * col * col * (a - knee) ** 2
        return xp.sum(xp.where(a < knee, inside, xp.full_like(a, self._alpha)))

    def alpha_max(self, gradient_at_zero):
        """``max_j g_j² / (2 a_j²)``: 0 is stationary iff ``|g_j| <= a_j·sqrt(2·alpha)``."""
        _, g = as_float_array(gradient_at_zero, "gradient_at_zero")
        g = np.asarray(g, dtype=np.float64)
        drive = np.clip(-g, 0.0, None) if self._positive else np.abs(g)
        return float(np.max(drive / self._column_norms) ** 2 / 2.0)


class MCP(SeparablePenalty):
    r"""Minimax concave penalty of Zhang (2010).

    ``pen(x) = alpha·|x| − x²/(2·gamma)`` for ``|x| <= gamma·alpha`` and
    ``gamma·alpha²/2`` beyond.

    Prox with step ``t``: firm thresholding when ``gamma > t``
    (0 for ``|z| <= t·alpha``, ``sign(z)(|z| − t·alpha)/(1 − t/gamma)`` up to
    ``|z| = gamma·alpha``, then ``z``); hard thresholding at
    ``alpha·sqrt(t·gamma)`` when ``gamma <= t`` (the prox problem is then
    nonconvex and the middle piece never wins).

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    gamma : float, > 0, default=3.0
        Concavity: larger is closer to the ℓ1 norm.  The bounds live on the
        class: ``gamma > MCP.gamma_low`` (0) here, ``gamma >
        MCP.estimator_gamma_low`` (1) where an estimator builds the penalty from
        ``penalty="mcp"`` (see :attr:`estimator_gamma_low`).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] C.-H. Zhang, "Nearly unbiased variable selection under minimax
       concave penalty", Ann. Statist. 38(2), 894–942, 2010.
    .. [2] P. Breheny and J. Huang, "Coordinate descent algorithms for nonconvex
       penalized regression", Ann. Appl. Stat. 5(1), 232–253, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import MCP
    >>> MCP(alpha=1.0, gamma=3.0).prox(np.array([-4.0, 0.5, 2.0]), step=1.0)
    array([-4. ,  0. ,  1.5])
    """

    names = ("mcp",)
    kernel_code = _kernels.CODE_MCP
    is_convex = False
    #: ``gamma`` must exceed this: the prox exists for every ``gamma > 0`` (firm
    #: thresholding when ``gamma > step``, hard thresholding otherwise).
    gamma_low = 0.0
    #: ``gamma`` must exceed this where an estimator builds MCP from the string
    #: ``penalty="mcp"`` (the one copy of that rule; the estimators' parameter
    #: tables and builders read it from here).  On unit-variance columns the
    #: coordinate step is 1, so ``gamma > 1`` keeps every coordinate update in the
    #: firm-thresholding regime, where its dead zone is ``step·alpha`` and
    #: ``alpha_max = max_j |g_j|`` zeroes the model (Breheny and Huang 2011).  An
    #: ``MCP`` object passed as ``penalty`` is used as given.
    estimator_gamma_low = 1.0

    def __init__(self, alpha=1.0, gamma=3.0, positive=False):
        self._alpha = _check_alpha(alpha)
        self._gamma = check_real(gamma, "gamma", low=self.gamma_low, low_inclusive=False)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.gamma = gamma
        self.positive = positive
        self._freeze()

    def _extra_param(self):
        return self._gamma

    def _prox_array(self, x, step, xp):
        alpha, gamma = self._alpha, self._gamma
        a = xp.abs(x)
        if gamma > step:
            firm = xp.sign(x) * xp.clip(a - step * alpha, min=0.0) / (1.0 - step / gamma)
            return xp.where(a > gamma * alpha, x, firm)
        return xp.where(a > alpha * math.sqrt(step * gamma), x, xp.zeros_like(x))

    def _value_array(self, x, xp):
        alpha, gamma = self._alpha, self._gamma
        a = xp.abs(x)
        inside = alpha * a - a * a / (2.0 * gamma)
        return xp.sum(
            xp.where(a <= gamma * alpha, inside, xp.full_like(a, 0.5 * gamma * alpha**2))
        )

    def alpha_max(self, gradient_at_zero):
        """``max_j |g_j|`` (the slope of MCP at 0 is alpha)."""
        return self._alpha_max_from_slope(gradient_at_zero, 1.0)


class SCAD(SeparablePenalty):
    r"""Smoothly clipped absolute deviation penalty of Fan and Li (2001).

    ``pen(x) = alpha·|x|`` for ``|x| <= alpha``,
    ``(2·gamma·alpha·|x| − x² − alpha²) / (2(gamma − 1))`` for
    ``alpha < |x| <= gamma·alpha``, and ``alpha²(gamma + 1)/2`` beyond.

    The prox minimises on each of the three pieces and keeps the best of the
    three candidates, which is exact for every step (for ``step < gamma − 1`` it
    reduces to the classical three-piece formula).

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    gamma : float, > 2, default=3.7
        Shape parameter (3.7 is Fan and Li's recommendation).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] J. Fan and R. Li, "Variable selection via nonconcave penalized
       likelihood and its oracle properties", J. Amer. Statist. Assoc. 96(456),
       1348–1360, 2001.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import SCAD
    >>> SCAD(alpha=1.0, gamma=3.7).prox(np.array([-5.0, 0.5, 2.0]), step=1.0).round(4)
    array([-5.,  0.,  1.])
    """

    names = ("scad",)
    kernel_code = _kernels.CODE_SCAD
    is_convex = False
    #: ``gamma`` must exceed this (the penalty is defined for ``gamma > 2``).
    gamma_low = 2.0
    #: The same bound where an estimator builds SCAD from ``penalty="scad"``.
    estimator_gamma_low = 2.0

    def __init__(self, alpha=1.0, gamma=3.7, positive=False):
        self._alpha = _check_alpha(alpha)
        self._gamma = check_real(gamma, "gamma", low=self.gamma_low, low_inclusive=False)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.gamma = gamma
        self.positive = positive
        self._freeze()

    def _extra_param(self):
        return self._gamma

    def _value_abs(self, a, xp):
        alpha, gamma = self._alpha, self._gamma
        middle = (2.0 * gamma * alpha * a - a * a - alpha * alpha) / (2.0 * (gamma - 1.0))
        flat = xp.full_like(a, 0.5 * alpha * alpha * (gamma + 1.0))
        return xp.where(a <= alpha, alpha * a, xp.where(a <= gamma * alpha, middle, flat))

    def _prox_array(self, x, step, xp):
        alpha, gamma = self._alpha, self._gamma
        # candidates compared in float64 where the device has it, as the numba kernel
        # does: in float32 the squared distances of tiny inputs underflow to ties
        work = xp.float64 if supports_float64(xp) else x.dtype
        a = xp.astype(xp.abs(x), work)
        x1 = xp.clip(a - step * alpha, min=0.0, max=alpha)
        curvature = 1.0 - step / (gamma - 1.0)
        if curvature > 0.0:
            x2 = xp.clip(
                (a - step * gamma * alpha / (gamma - 1.0)) / curvature,
                min=alpha,
                max=gamma * alpha,
            )
        else:
            x2 = xp.full_like(a, gamma * alpha)
        x3 = xp.clip(a, min=gamma * alpha)

        def objective(c):
            return 0.5 * (c - a) ** 2 + step * self._value_abs(c, xp)

        best, best_value = x1, objective(x1)
        for candidate in (x2, x3):
            value = objective(candidate)
            better = value < best_value
            best = xp.where(better, candidate, best)
            best_value = xp.where(better, value, best_value)
        return xp.sign(x) * xp.astype(best, x.dtype)

    def _value_array(self, x, xp):
        return xp.sum(self._value_abs(xp.abs(x), xp))

    def alpha_max(self, gradient_at_zero):
        """``max_j |g_j|`` (the slope of SCAD at 0 is alpha)."""
        return self._alpha_max_from_slope(gradient_at_zero, 1.0)


class LogSum(SeparablePenalty):
    r"""Log-sum penalty, ``pen(x) = alpha · sum_j log(1 + |x_j|/eps)``.

    A smooth surrogate of the ℓ0 pseudo-norm (its slope at 0 is
    ``alpha/eps``, and it grows only logarithmically), the penalty that
    iteratively reweighted ℓ1 minimises.  Smaller ``eps`` is closer to ℓ0.

    Prox of ``mu = step·alpha`` times it at ``z``: 0 or the larger root of
    ``u² + (eps − |z|)·u + mu − |z|·eps = 0`` (the stationarity condition for
    ``u > 0``), with the sign of ``z``.  When ``mu <= eps²`` the prox problem
    is convex and the dead zone is ``|z| <= mu/eps``; beyond, the root is kept
    only where its objective is below that of 0 (ties go to 0).  Closed form,
    no iteration.

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    eps : float, > 0, default=0.1
        Scale below which coefficients are penalized almost linearly; the
        estimators' ``penalty="log"`` uses this default (pass a ``LogSum``
        object for another value).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    .. [1] E. J. Candès, M. B. Wakin and S. P. Boyd, "Enhancing sparsity by
       reweighted ℓ1 minimization", J. Fourier Anal. Appl. 14, 877–905, 2008.
    .. [2] J. Fan and R. Li, "Variable selection via nonconcave penalized
       likelihood and its oracle properties", J. Amer. Statist. Assoc. 96(456),
       1348–1360, 2001 (the log penalty among the folded-concave ones).
    .. [3] Q. Bertrand, Q. Klopfenstein, P.-A. Bannier, G. Gidel and M.
       Massias, "Beyond L1: faster and better sparse models with skglm",
       NeurIPS 2022 (the ``Log`` penalty of skglm).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import LogSum
    >>> LogSum(alpha=0.5, eps=0.1).prox(np.array([-3.0, 0.5, 2.0]), step=1.0).round(4)
    array([-2.8293,  0.    ,  1.7262])
    """

    names = ("log",)
    kernel_code = _kernels.CODE_LOG
    is_convex = False

    def __init__(self, alpha=1.0, eps=0.1, positive=False):
        self._alpha = _check_alpha(alpha)
        self._eps = check_real(eps, "eps", low=0.0, low_inclusive=False)
        self._positive = _check_positive_flag(positive)
        self.alpha = alpha
        self.eps = eps
        self.positive = positive
        self._freeze()

    def _extra_param(self):
        return self._eps

    def _prox_array(self, x, step, xp):
        mu = step * self._alpha
        if mu == 0.0:
            return xp.asarray(x, copy=True)
        eps = self._eps
        work = xp.float64 if supports_float64(xp) else x.dtype
        a = xp.astype(xp.abs(x), work)
        # the operations of _kernels.log_sum_magnitude, elementwise
        s = a + eps
        ratio = ((4.0 * mu) / s) / s
        real = ratio <= 1.0
        root = s * xp.sqrt(xp.clip(1.0 - ratio, min=0.0))
        small = 0.5 * ((a - eps) - root)
        safe_small = xp.where(small < 0.0, small, xp.full_like(small, -1.0))
        u = xp.where(a >= eps, 0.5 * ((a - eps) + root), (mu - a * eps) / safe_small)
        keep = real & (u > 0.0)
        if mu > eps * eps:
            u_safe = xp.where(keep, u, xp.zeros_like(u))
            gain = 0.5 * u_safe * (u_safe - 2.0 * a) + mu * xp.log1p(u_safe / eps)
            keep = keep & (gain < 0.0)
        magnitude = xp.where(keep, u, xp.zeros_like(u))
        return xp.astype(xp.sign(xp.astype(x, work)) * magnitude, x.dtype)

    def _value_array(self, x, xp):
        return self._alpha * xp.sum(xp.log1p(xp.abs(x) / self._eps))

    def alpha_max(self, gradient_at_zero):
        """``eps · max_j |g_j|``: the slope of the penalty at 0 is ``alpha/eps``."""
        return self._alpha_max_from_slope(gradient_at_zero, 1.0 / self._eps)
