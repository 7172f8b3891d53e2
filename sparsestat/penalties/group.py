r"""Group penalties: group lasso and the (weighted group) sparse envelope.

The sparse envelope of Beck and Refael is the convex envelope (biconjugate) of
``½||x||² + indicator(||x||_0 <= k)``; its value is half the squared k-support
norm of Argyriou, Foygel and Srebro, and it has the variational form

.. math::

    S_k(x) = \tfrac12 \min\{ \textstyle\sum_i x_i^2/\theta_i :
              \theta \in [0, 1]^n,\ \sum_i \theta_i = k \}.

The WGSEF of Refael, Arbel and Huleihel applies it to the weighted group norms
``b_i = sqrt(d_i)·||x_{G_i}||``.  Minimising the prox objective jointly over
``x`` and ``theta`` gives the proximal operator of ``lam·WGSEF`` (``lam =
step·alpha``) in closed form up to one scalar::

    theta_i = clip(nu·sqrt(d_i)·a_i − lam·d_i, 0, 1),   sum_i theta_i = k,
    x_{G_i} = theta_i / (theta_i + lam·d_i) · z_{G_i},   a_i = ||z_{G_i}||,

where the multiplier ``nu`` solves a piecewise-linear monotone equation.  The
numba kernel finds it in linear time by median-of-breakpoints selection; the
array-API version sorts the breakpoints.

How many groups does one prox step keep?  Every group with ``theta_i > 0``:
since ``theta_i <= 1`` and they sum to ``k``, at least ``k`` groups survive (all
non-zero groups when there are at most ``k`` of them).  Exactly ``k`` survive
when every kept ``theta_i`` saturates at 1, i.e. when the ``k``-th and
``(k+1)``-th largest ``sqrt(d_i)·a_i`` are far apart relative to ``lam``; in
general the convex prox keeps the ``k`` dominant groups almost untouched and
shrinks a few runners-up, which is why exact k-level selection (in
:class:`~sparsestat.linear_model.GroupSparseRegression`) adds a final step.
"""

from __future__ import annotations

import math

import numpy as np
from array_api_compat import device as array_device

from .._array_api import get_namespace, supports_float64, to_numpy
from .._validation import check_finite_array, check_integer, check_real, check_step
from . import _kernels
from ._base import Penalty, as_float_array, takes_kernel_path
from ._groups import GroupPartition

__all__ = ["GroupL2", "NonconvexWGSEF", "SparseEnvelope", "WGSEF", "envelope_value"]


def envelope_value(b, k, xp=None):
    """``S_k(b) = ½·||b||²_(k)``, half the squared k-support norm of ``b``.

    Uses the variational form restricted to its optimal family: with
    ``a = sort(|b|)`` decreasing and ``T_i = sum_{j >= i} a_j``, each
    ``i < k`` with ``T_i >= (k − i)·a_i`` gives a feasible ``theta`` (ones on
    the first ``i`` entries, proportional to ``a`` on the rest) of value
    ``sum_{j < i} a_j² + T_i²/(k − i)``; the norm is the smallest of these
    (Argyriou et al. 2012, Prop. 2.1).  Computed in float64.

    Parameters
    ----------
    b : 1-D array
        The vector (numpy, CuPy or array-api-strict).
    k : int, 1 <= k <= len(b)
        The support size of the k-support norm.
    xp : namespace, optional
        The array namespace of ``b`` (inferred when None).

    Returns
    -------
    float
        The value ``S_k(b)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import envelope_value
    >>> envelope_value(np.array([3.0, 1.0, 1.0]), k=1)  # ½ ||b||_1² for k = 1
    12.5
    >>> envelope_value(np.array([3.0, 1.0, 1.0]), k=3)  # ½ ||b||_2² for k = len(b)
    5.5
    """
    _, b = as_float_array(b, "b", check_finite=False)
    if xp is None:
        xp = get_namespace(b)
    if b.ndim != 1:
        raise ValueError(f"b must be a 1-D array, got shape {tuple(b.shape)}.")
    if b.shape[0] == 0:
        return 0.0
    check_integer(k, "k", low=1, high=b.shape[0])
    work = xp.float64 if supports_float64(xp) else b.dtype
    a = xp.sort(xp.astype(xp.abs(b), work), descending=True)
    head = a[:k]
    prefix_squares = xp.cumulative_sum(head * head, include_initial=True)[:k]
    tails = xp.flip(xp.cumulative_sum(xp.flip(a)))[:k]  # T_i for i < k
    remaining = xp.asarray(
        np.arange(k, 0, -1, dtype=np.float64), dtype=work, device=array_device(a)
    )
    feasible = tails >= remaining * head * (1.0 - 1e-12)
    candidates = prefix_squares + tails * tails / remaining
    large = xp.full_like(candidates, float("inf"))
    best = xp.min(xp.where(feasible, candidates, large))
    return 0.5 * float(best)


def _envelope_theta_xp(norms, sqrt_weights, lam, k, xp):
    """Array-API version of ``_kernels.envelope_weights`` (sorts breakpoints)."""
    work = xp.float64 if supports_float64(xp) else norms.dtype
    slopes = sqrt_weights * xp.astype(norms, work)
    offsets = lam * sqrt_weights * sqrt_weights
    return _capped_simplex_theta_xp(slopes, offsets, k, xp, work)


def _capped_simplex_theta_xp(slopes, offsets, k, xp, work):
    """``theta_i = clip(slopes_i·nu − offsets_i, 0, 1)`` with ``sum theta = k``.

    Ones on every positive slope when there are at most ``k`` of them.  Sorts the
    breakpoints (the numba kernel does the same without a sort).
    """
    positive = slopes > 0
    n_positive = int(xp.sum(xp.astype(positive, xp.int64)))
    zeros = xp.zeros_like(slopes)
    if n_positive <= k:
        return xp.where(positive, xp.ones_like(slopes), zeros)
    # as the numba kernel (_kernels.rescale_slopes): a power of two, exact, that
    # leaves the weights unchanged, when the slopes' sums or breakpoints could overflow
    shift = _kernels.slope_shift(float(xp.max(slopes)), slopes.shape[0])
    if shift != 0:  # in two exact steps: 2**shift itself may not be a float
        slopes = slopes * math.ldexp(1.0, shift // 2) * math.ldexp(1.0, shift - shift // 2)
    safe = xp.where(positive, slopes, xp.ones_like(slopes))
    with np.errstate(over="ignore"):  # a tiny slope's breakpoints may be inf: never reached
        lower = offsets / safe
        upper = (1.0 + offsets) / safe
    far = xp.max(xp.where(positive, upper, zeros))
    lower = xp.where(positive, lower, far)
    upper = xp.where(positive, upper, far)
    slopes_masked = xp.where(positive, slopes, zeros)
    breakpoints = xp.concat([lower, upper])
    deltas = xp.concat([slopes_masked, -slopes_masked])
    order = xp.argsort(breakpoints)
    breakpoints = xp.take(breakpoints, order)
    deltas = xp.take(deltas, order)
    segment_slopes = xp.cumulative_sum(deltas)
    rises = segment_slopes[:-1] * (breakpoints[1:] - breakpoints[:-1])
    totals = xp.cumulative_sum(rises, include_initial=True)  # sum of theta at each breakpoint
    target = xp.asarray([float(k)], dtype=work, device=array_device(totals))
    # first breakpoint where the sum reaches k (to rounding: on a plateau at k,
    # its left end, where no further item has started to grow)
    first = xp.searchsorted(totals, target * (1.0 - 1e-13))
    last_below = xp.clip(first - 1, min=0)
    base = xp.take(breakpoints, last_below)
    slope = xp.take(segment_slopes, last_below)
    safe_slope = xp.where(slope > 0, slope, xp.ones_like(slope))
    # stay inside the segment: cancellation can leave a tiny non-zero slope on
    # a plateau, and dividing by it would jump past the next breakpoint
    segment_end = xp.take(breakpoints, xp.clip(first, max=breakpoints.shape[0] - 1))
    nu = xp.clip(base + (target - xp.take(totals, last_below)) / safe_slope, max=segment_end)
    theta = xp.clip(slopes * nu - offsets, min=0.0, max=1.0)
    # decide the ends by comparing nu with the breakpoints themselves, so that
    # rounding in slope·nu − offset cannot leave a 1e-16 weight on a dropped group
    theta = xp.where(nu <= lower, zeros, xp.where(nu >= upper, xp.ones_like(theta), theta))
    return xp.where(positive, theta, zeros)


class _FlatVectorPenalty(Penalty):
    """Penalties on a flat vector of ``n_features`` entries (any input shape).

    ``x`` may have any shape with ``x.size == n_features``; it is read in C
    order (``x.reshape(-1)``), which suits weight matrices of neural networks.
    """

    # True where ``_prox_numba_flat`` returns whether ``x`` is finite (its
    # kernel learns it in a pass it makes anyway): ``prox`` then skips its own
    # pass over ``x``
    _kernel_checks_finite = False

    def _flat(self, x, name="x", *, check_input=True, check_finite=True):
        if check_input:
            xp, x = as_float_array(x, name, check_finite=check_finite)
        else:
            xp = get_namespace(x)
        shape = tuple(x.shape)
        flat = xp.reshape(x, (-1,))
        self._check_size(flat.shape[0], name)
        return xp, flat, shape

    def _check_size(self, size, name):  # pragma: no cover - overridden
        raise NotImplementedError

    def prox(self, x, step, *, check_input=True):
        """Proximal operator of ``step · pen`` at ``x`` (any namespace).

        numpy arrays of float32 or float64 go through the numba kernel (linear
        time, no sort); arrays of other namespaces (and other numpy dtypes)
        through the array-API formula.  Both give the same values to rounding.

        Parameters
        ----------
        x : array
            numpy, CuPy or array-api-strict array with ``x.size == n_features``.
        step : float
            Step size, > 0.
        check_input : bool, default=True
            Validate ``x`` (finite, floating) and ``step``.

        Returns
        -------
        array
            Same namespace, device, shape and dtype as ``x``; ``x`` is not
            modified.
        """
        if check_input:
            step = check_step(step)
        late_check = check_input and self._kernel_checks_finite
        xp, flat, shape = self._flat(x, check_input=check_input, check_finite=not late_check)
        if takes_kernel_path(flat):
            return self._prox_kernel(flat, float(step), check_finite=late_check).reshape(shape)
        if late_check:
            check_finite_array(flat)
        return xp.reshape(self._prox_flat(flat, float(step), xp), shape)

    def _prox_array_api(self, x, step):
        """The array-API formula, without input checks (any namespace)."""
        xp, flat, shape = self._flat(x, check_input=False)
        return xp.reshape(self._prox_flat(flat, float(step), xp), shape)

    def prox_numba(self, x, step, *, check_input=True):
        """Same as :meth:`prox` through the numba kernel (numpy arrays)."""
        late_check = check_input and self._kernel_checks_finite
        if check_input:
            step = check_step(step)
            _, x = as_float_array(x, check_finite=False)
        x = np.asarray(to_numpy(x))
        _, flat, shape = self._flat(x, check_input=check_input, check_finite=not late_check)
        return self._prox_kernel(flat, step, check_finite=late_check).reshape(shape)

    def _prox_kernel(self, flat, step, *, check_finite=False):
        """The numba kernel on a flat numpy array.

        With ``check_finite``, refuses NaN and inf in ``flat`` as
        :func:`as_float_array` does, after the kernel when it reports them.
        """
        dtype = flat.dtype
        if dtype not in (np.float32, np.float64):  # float16 and the like: no numba kernel
            flat = flat.astype(np.float32)
        flat = np.ascontiguousarray(flat)
        out = np.empty_like(flat)
        finite = self._prox_numba_flat(flat, step, out)
        if check_finite and finite is not True:
            check_finite_array(flat)
        return out.astype(dtype, copy=False)

    def value(self, x):
        xp, flat, _ = self._flat(x)
        return float(self._value_flat(flat, xp))


class _GroupPenalty(_FlatVectorPenalty):
    """Shared pieces of the penalties defined on a partition into groups."""

    penalty_kind = "group"

    def _check_size(self, size, name):
        self.partition.check_n_features(size, name)

    @property
    def n_groups(self):
        """Number of groups."""
        return self.partition.n_groups

    @property
    def group_weights(self):
        """float64 array of the validated group weights (ones by default)."""
        return self._weights

    def group_norms(self, x):
        """Euclidean norm of each group of ``x`` (namespace of ``x``)."""
        xp, flat, _ = self._flat(x)
        return self.partition.norms(flat, xp)

    def active_groups(self, x):
        """Indices (numpy int64) of the groups where ``x`` is not zero."""
        norms = to_numpy(self.group_norms(x))
        return np.flatnonzero(np.asarray(norms) > 0)

    def _gradient_group_norms(self, grad):
        _, g = as_float_array(grad, "gradient_at_zero")
        g = np.asarray(to_numpy(g), dtype=np.float64).reshape(-1)
        self._check_size(g.shape[0], "gradient_at_zero")
        norms = np.empty(self.partition.n_groups)
        _kernels.group_norms(g, self.partition.grp_ptr, self.partition.grp_idx, norms)
        return norms


class GroupL2(_GroupPenalty):
    r"""Group lasso, ``pen(x) = alpha · sum_g w_g · ||x_g||_2``.

    Prox: block soft thresholding, ``x_g ← max(1 − step·alpha·w_g/||x_g||, 0)·x_g``.

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.
    groups : list of index arrays, or array-like of labels
        A partition of the features: either one 1-D index array per group, or
        one label per feature.  Overlaps, gaps and negative indices raise.
    weights : array-like of shape (n_groups,), default=None
        Non-negative weight per group (0: unpenalized).  ``None``: all ones
        (pass ``np.sqrt(group sizes)`` for the size-adjusted weighting of Yuan
        and Lin).

    References
    ----------
    .. [1] M. Yuan and Y. Lin, "Model selection and estimation in regression
       with grouped variables", J. R. Stat. Soc. B 68(1), 49–67, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import GroupL2
    >>> pen = GroupL2(alpha=1.0, groups=[0, 0, 1, 1])
    >>> pen.prox(np.array([3.0, 4.0, 0.3, 0.4]), step=1.0)
    array([2.4, 3.2, 0. , 0. ])
    """

    names = ("group_l2",)
    solvers = ("bcd", "fista")

    def __init__(self, alpha=1.0, groups=None, weights=None):
        self._alpha = check_real(alpha, "alpha", low=0.0)
        self.partition = GroupPartition(groups)
        self._weights = self.partition.group_weights(weights)
        self.alpha = alpha
        self.groups = groups
        self.weights = weights
        self._freeze()

    def _prox_flat(self, x, step, xp):
        norms = self.partition.norms(x, xp)
        taus = xp.asarray(
            step * self._alpha * self._weights, dtype=x.dtype, device=array_device(x)
        )
        safe = xp.where(norms > taus, norms, xp.ones_like(norms))
        factor = xp.where(norms > taus, 1.0 - taus / safe, xp.zeros_like(norms))
        return x * self.partition.expand(factor, xp, x)

    def _prox_numba_flat(self, x, step, out):
        _kernels.prox_group_l2(
            x,
            step * self._alpha * self._weights,
            self.partition.grp_ptr,
            self.partition.grp_idx,
            out,
        )

    def _value_flat(self, x, xp):
        norms = self.partition.norms(x, xp)
        weights = xp.asarray(self._weights, dtype=x.dtype, device=array_device(x))
        return self._alpha * xp.sum(weights * norms)

    def subdiff_distance(self, x, grad):
        """Per group: ``||grad_g + alpha·w_g·x_g/||x_g||||`` if ``x_g != 0``, else
        ``max(||grad_g|| − alpha·w_g, 0)``.  Returns a numpy array of shape (n_groups,).
        """
        _, flat, _ = self._flat(np.asarray(to_numpy(x)))
        _, gflat, _ = self._flat(np.asarray(to_numpy(grad)), "grad")
        flat = flat.astype(np.float64)
        gflat = gflat.astype(np.float64)
        xp = get_namespace(flat)
        norms = np.asarray(self.partition.norms(flat, xp))
        thresholds = self._alpha * self._weights
        safe = np.where(norms > 0, norms, 1.0)
        direction = flat / self.partition.expand(safe, xp, flat)
        residual = gflat + self.partition.expand(thresholds, xp, flat) * direction
        residual_norms = np.asarray(self.partition.norms(residual, xp))
        grad_norms = np.asarray(self.partition.norms(gflat, xp))
        return np.where(norms > 0, residual_norms, np.clip(grad_norms - thresholds, 0.0, None))

    def alpha_max(self, gradient_at_zero):
        """``max_g ||g_g|| / w_g`` over penalized groups."""
        norms = self._gradient_group_norms(gradient_at_zero)
        mask = self._weights > 0
        if not np.any(mask):
            return 0.0
        return float(np.max(norms[mask] / self._weights[mask]))


class _EnvelopeMixin:
    """Optimality measure and alpha_max shared by the envelope penalties."""

    def alpha_max(self, gradient_at_zero):
        """Not defined: the envelope is quadratic at 0 (its subdifferential there is
        ``{0}``), so 0 is stationary only when the gradient vanishes."""
        raise NotImplementedError(
            f"{type(self).__name__} has no alpha_max: it grows quadratically from 0, so no "
            "finite alpha makes 0 a solution unless the gradient at 0 is zero."
        )

    def subdiff_distance(self, x, grad):
        """Prox-gradient residual ``||x_G − prox_pen(x − grad)_G||`` per group.

        Zero exactly when ``-grad`` is in the subdifferential at ``x`` (the
        fixed-point characterisation of a convex prox), and of the same order as
        the distance to it; computing the exact distance would need a projection
        onto the subdifferential of the k-support norm.  Returns a numpy array
        (one entry per group; per coordinate for :class:`SparseEnvelope`).
        """
        _, flat, _ = self._flat(np.asarray(to_numpy(x)))
        _, gflat, _ = self._flat(np.asarray(to_numpy(grad)), "grad")
        flat = flat.astype(np.float64)
        moved = self._prox_flat(flat - gflat.astype(np.float64), 1.0, get_namespace(flat))
        return self._per_group_norm(flat - moved)


def _top_k_sum(values, k, xp):
    """Sum of the ``k`` largest entries (float)."""
    ordered = xp.sort(values, descending=True)
    return float(xp.sum(ordered[:k]))


class SparseEnvelope(_EnvelopeMixin, _FlatVectorPenalty):
    r"""Sparse envelope function, ``pen(x) = alpha · S_k(x)``.

    ``S_k`` is the convex envelope of ``½||x||² + indicator(||x||_0 <= k)``; its
    value is half the squared k-support norm: ``S_1(x) = ½||x||_1²`` and
    ``S_n(x) = ½||x||_2²``.  Prox of ``lam = step·alpha`` times it::

        theta_i = clip(nu·|z_i| − lam, 0, 1),  sum_i theta_i = k,
        x_i = theta_i / (theta_i + lam) · z_i.

    The multiplier ``nu`` is found in linear time (numba) by
    median-of-breakpoints selection.  The prox keeps at least ``k`` non-zero
    entries (see :mod:`sparsestat.penalties.group`).

    Parameters
    ----------
    k : int, >= 1
        Target sparsity; ``x`` must have at least ``k`` entries.
    alpha : float, >= 0
        Regularization strength.

    References
    ----------
    .. [1] A. Beck and Y. Refael, "Sparse regularization via bidualization",
       J. Global Optim. 82, 463–482, 2022.
    .. [2] A. Argyriou, R. Foygel and N. Srebro, "Sparse prediction with the
       k-support norm", NeurIPS 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import SparseEnvelope
    >>> x = np.array([3.0, -0.5, 0.2, 2.0])
    >>> SparseEnvelope(k=2, alpha=1.0).prox(x, step=1.0).round(4)
    array([ 1.5, -0. ,  0. ,  1. ])
    """

    def __init__(self, k=1, alpha=1.0):
        self._k = check_integer(k, "k", low=1)
        self._alpha = check_real(alpha, "alpha", low=0.0)
        self.k = k
        self.alpha = alpha
        self._freeze()

    def _check_size(self, size, name):
        if size < self._k:
            raise ValueError(
                f"k={self._k} is larger than the number of entries of {name} ({size})."
            )

    def _prox_flat(self, x, step, xp):
        lam = step * self._alpha
        if lam == 0.0:
            return xp.asarray(x, copy=True)
        work = xp.float64 if supports_float64(xp) else x.dtype
        ones = xp.ones(x.shape, dtype=work, device=array_device(x))
        theta = _envelope_theta_xp(xp.abs(x), ones, lam, self._k, xp)
        factor = theta / (theta + lam)
        return xp.astype(factor * xp.astype(x, work), x.dtype)

    def _prox_numba_flat(self, x, step, out):
        lam = step * self._alpha
        if lam == 0.0:
            out[:] = x
            return
        _kernels.prox_sparse_envelope(x, lam, self._k, out, np.empty((2, x.shape[0])))

    def _value_flat(self, x, xp):
        return self._alpha * envelope_value(x, self._k, xp)

    def _per_group_norm(self, residual):
        return np.abs(residual)

    def conjugate(self, y):
        """``(alpha·S_k)*(y) = (1/(2·alpha))·(sum of the k largest y_i²)`` (any namespace)."""
        xp, flat, _ = self._flat(y, "y")
        if self._alpha == 0.0:
            return 0.0 if not bool(xp.any(flat != 0)) else float("inf")
        return _top_k_sum(flat * flat, self._k, xp) / (2.0 * self._alpha)


class _GroupEnvelope(_EnvelopeMixin, _GroupPenalty):
    """Parameters, validation and per-group residual shared by the WGSEF penalties."""

    solvers = ("fista",)

    def __init__(self, k=1, alpha=1.0, groups=None, weights=None):
        self._alpha = check_real(alpha, "alpha", low=0.0)
        self.partition = GroupPartition(groups)
        self._k = check_integer(k, "k", low=1)
        if self._k > self.partition.n_groups:
            raise ValueError(
                f"k={self._k} is larger than the number of groups ({self.partition.n_groups})."
            )
        self._weights = self.partition.group_weights(weights, allow_zero=False)
        self._sqrt_weights = np.sqrt(self._weights)
        self.k = k
        self.alpha = alpha
        self.groups = groups
        self.weights = weights
        self._freeze()

    def _per_group_norm(self, residual):
        xp = get_namespace(residual)
        return np.asarray(self.partition.norms(residual, xp))


class WGSEF(_GroupEnvelope):
    r"""Weighted group sparse envelope function (WGSEF).

    ``pen(x) = alpha · S_k(b)`` with ``b_i = sqrt(d_i)·||x_{G_i}||``, where
    ``S_k`` is the sparse envelope (half the squared k-support norm).  Special
    cases: ``k = 1`` gives ``½(sum_i sqrt(d_i)·||x_{G_i}||)²`` (a squared group
    lasso) and ``k = n_groups`` gives ``½ sum_i d_i·||x_{G_i}||²`` (a weighted
    ridge).  It is convex, and it selects (or nullifies) whole groups while
    aiming at ``k`` of them.

    Prox of ``lam = step·alpha`` times it, with ``a_i = ||z_{G_i}||``::

        theta_i = clip(nu·sqrt(d_i)·a_i − lam·d_i, 0, 1),  sum_i theta_i = k,
        x_{G_i} = theta_i / (theta_i + lam·d_i) · z_{G_i}.

    The numba kernel (:meth:`prox_numba`, used by the CPU solvers) computes it
    in time linear in the number of features: group norms, a
    median-of-breakpoints search for ``nu`` (no sort), and a rescaling;
    :meth:`prox` runs it on float32 and float64 numpy arrays.  On arrays of
    other namespaces :meth:`prox` takes the array-API formula, which sorts the
    ``2·n_groups`` breakpoints; it is tested on array-api-strict and
    (optionally) PyTorch CPU tensors, not yet on a GPU.

    It keeps at least ``min(k, #non-zero groups)`` groups and exactly ``k`` when
    every kept ``theta_i`` equals 1 (see :mod:`sparsestat.penalties.group`).

    Use inside another training loop: after each optimizer step on a weight
    vector ``w`` (numpy or another array-API array, e.g. a torch tensor), apply
    ``w = pen.prox(w, step=learning_rate)``; ``w`` may have any shape, with
    groups indexing ``w.reshape(-1)``.

    Parameters
    ----------
    k : int, 1 <= k <= n_groups
        Number of groups to aim for.
    alpha : float, >= 0
        Regularization strength.
    groups : list of index arrays, or array-like of labels
        A partition of the features (see :class:`GroupL2`).
    weights : array-like of shape (n_groups,), default=None
        Positive group weights ``d_i``; ``None``: all ones.  Pass the group
        sizes to let large groups pay in proportion to their size.

    References
    ----------
    .. [1] Y. Refael, I. Arbel and W. Huleihel, "Learning k-level structured
       sparse neural networks using group envelope regularization",
       arXiv:2212.12921, 2023.
    .. [2] A. Beck and Y. Refael, "Sparse regularization via bidualization",
       J. Global Optim. 82, 463–482, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import WGSEF
    >>> pen = WGSEF(k=1, alpha=0.5, groups=[0, 0, 1, 1, 2, 2])
    >>> x = np.array([3.0, 4.0, 0.6, 0.8, 0.3, 0.4])
    >>> pen.active_groups(pen.prox(x, step=1.0))
    array([0])
    """

    names = ("wgsef",)
    _kernel_checks_finite = True

    def _prox_flat(self, x, step, xp):
        lam = step * self._alpha
        if lam == 0.0:
            return xp.asarray(x, copy=True)
        work = xp.float64 if supports_float64(xp) else x.dtype
        dev = array_device(x)
        sqrt_weights = xp.asarray(self._sqrt_weights, dtype=work, device=dev)
        norms = self.partition.norms(x, xp)
        theta = _envelope_theta_xp(norms, sqrt_weights, lam, self._k, xp)
        factor = theta / (theta + lam * sqrt_weights * sqrt_weights)
        return x * xp.astype(self.partition.expand(factor, xp, x), x.dtype)

    def _prox_numba_flat(self, x, step, out):
        """The kernel into ``out``; returns whether ``x`` is finite (None: not known)."""
        lam = step * self._alpha
        if lam == 0.0:
            out[:] = x
            return None
        _, finite = _kernels.prox_wgsef(
            x,
            lam,
            self._k,
            self._sqrt_weights,
            self.partition.grp_ptr,
            self.partition.grp_idx,
            out,
            np.empty((2, self.n_groups)),  # numpy's allocation: see the kernel
        )
        return bool(finite)

    def _value_flat(self, x, xp):
        norms = self.partition.norms(x, xp)
        work = xp.float64 if supports_float64(xp) else x.dtype
        sqrt_weights = xp.asarray(self._sqrt_weights, dtype=work, device=array_device(x))
        return self._alpha * envelope_value(sqrt_weights * xp.astype(norms, work), self._k, xp)

    def conjugate(self, y):
        """``(alpha·WGSEF)*(y) = (1/(2·alpha))·(sum of the k largest ||y_G||²/d_G)``.

        Used for the exact duality gap ``pen(w) + pen*(−∇F(w)) + <w, ∇F(w)>`` of
        problems with this penalty (any namespace).
        """
        xp, flat, _ = self._flat(y, "y")
        norms = self.partition.norms(flat, xp)
        if self._alpha == 0.0:
            return 0.0 if not bool(xp.any(norms != 0)) else float("inf")
        work = xp.float64 if supports_float64(xp) else flat.dtype
        weights = xp.asarray(self._weights, dtype=work, device=array_device(flat))
        scaled = xp.astype(norms, work) ** 2 / weights
        return _top_k_sum(scaled, self._k, xp) / (2.0 * self._alpha)


#: ``NonconvexWGSEF.prox_step`` keeps ``step·alpha·max(d)`` this far below 1.
MIXED_STEP_MARGIN = 0.99


class NonconvexWGSEF(_GroupEnvelope):
    r"""Non-convex WGSEF: the envelope minus the weighted ridge it envelopes.

    ``pen(x) = alpha · (S_k(b) − ½||b||²)`` with ``b_i = sqrt(d_i)·||x_{G_i}||``
    and ``S_k`` the sparse envelope of :class:`WGSEF`.  Since
    ``S_k(b) >= ½||b||²`` with equality exactly when ``b`` has at most ``k``
    non-zero entries, the penalty is non-negative and vanishes exactly on the
    vectors with at most ``k`` non-zero groups: it charges nothing for the
    ``k`` groups kept, only for spreading over more.

    Prox of ``lam = step·alpha`` times it, with ``l_i = lam·d_i`` and
    ``a_i = ||z_{G_i}||``.  From the variational form of ``S_k``, the prox
    minimises ``sum_i a_i²·φ_i(theta_i)`` over ``theta in [0, 1]^n`` with
    ``sum theta = k``, where
    ``φ_i(t) = l_i(1 − t)/(t + l_i(1 − t))``, and returns
    ``x_{G_i} = theta_i/(theta_i + l_i(1 − theta_i))·z_{G_i}``.  ``φ_i`` is
    convex when ``l_i < 1``, linear when ``l_i = 1`` and concave when
    ``l_i > 1``, so:

    - every ``l_i >= 1`` (for equal weights: ``step·alpha·d >= 1``): the
      minimum is at a vertex, ``k`` ones, the ``k`` groups of largest
      ``||z_{G_i}||`` kept untouched and the others zeroed — the projection on
      ``k``-group-sparse vectors (ties: the lower group index);
    - every ``l_i < 1``: from the optimality conditions,
      ``theta_i = clip((s·sqrt(l_i)·a_i − l_i)/(1 − l_i), 0, 1)`` with
      ``sum theta = k``, the same capped-simplex search as :class:`WGSEF`
      (linear time, no sort, in the numba kernel).  For equal weights this is
      the convex WGSEF prox with ``lam/(1 − lam)`` at ``z/(1 − lam)``.  Groups
      with ``theta_i = 1`` are kept unshrunk.
    - mixed (``l_i < 1 <= l_j`` for two groups, unequal weights only): the
      prox raises a ``ValueError``.  There the optimal ``theta`` can have a
      fractional entry on a concave group, and no linear-time rule is
      implemented for it.  :meth:`prox_step` gives a smaller step
      outside that range, ``0.99/(alpha·max(d))``, and the solvers take it
      (proximal gradient converges for every step up to ``1/L``), so fits
      work at every ``alpha``.

    So proximal gradient with ``step·alpha·min(d) >= 1`` is a group version of
    iterative hard thresholding: every iterate has at most ``k`` non-zero
    groups, and exactly ``k`` as soon as the gradient step has ``k`` non-zero
    groups.

    Parameters
    ----------
    k : int, 1 <= k <= n_groups
        Number of groups the penalty lets through for free.
    alpha : float, >= 0
        Regularization strength.
    groups : list of index arrays, or array-like of labels
        A partition of the features (see :class:`GroupL2`).
    weights : array-like of shape (n_groups,), default=None
        Positive group weights ``d_i``; ``None``: all ones.

    References
    ----------
    .. [1] Y. Refael, I. Arbel and W. Huleihel, "Learning k-level structured
       sparse neural networks using group envelope regularization",
       arXiv:2212.12921, 2023.
    .. [2] A. Beck and Y. Refael, "Sparse regularization via bidualization",
       J. Global Optim. 82, 463–482, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import NonconvexWGSEF
    >>> pen = NonconvexWGSEF(k=1, alpha=0.5, groups=[0, 0, 1, 1, 2, 2])
    >>> x = np.array([3.0, 4.0, 0.6, 0.8, 0.3, 0.4])
    >>> pen.value(x[:2].tolist() + [0.0] * 4)  # one group: no charge
    0.0
    >>> pen.prox(x, step=2.0)  # step·alpha >= 1: the top-1 projection
    array([3., 4., 0., 0., 0., 0.])
    """

    names = ("wgsef_nonconvex",)
    is_convex = False

    def prox_step(self, step):
        """``step``, or ``0.99/(alpha·max(d))`` where ``step`` is in the mixed range.

        The mixed range is ``1/(alpha·max(d)) <= step < 1/(alpha·min(d))``,
        empty for equal weights; below it every ``step·alpha·d_i`` is under 1.
        """
        step = float(step)
        lam = step * self._alpha
        if lam * float(self._weights.min()) < 1.0 <= lam * float(self._weights.max()):
            return MIXED_STEP_MARGIN / (self._alpha * float(self._weights.max()))
        return step

    def _is_projection(self, lam):
        """True for the top-k regime; raise in the mixed one."""
        low = lam * float(self._weights.min())
        high = lam * float(self._weights.max())
        if low < 1.0 <= high:
            raise ValueError(
                f"NonconvexWGSEF prox: step·alpha·weights spans 1 ({low:.3g} to {high:.3g}); "
                "the prox is implemented when step·alpha·d_i is below 1 for every group or "
                "at least 1 for every group.  Use equal weights, change step or alpha, or "
                "take the step prox_step(step) returns (what the solvers do)."
            )
        return low >= 1.0

    def _prox_flat(self, x, step, xp):
        lam = step * self._alpha
        if lam == 0.0:
            return xp.asarray(x, copy=True)
        projection = self._is_projection(lam)
        work = xp.float64 if supports_float64(xp) else x.dtype
        dev = array_device(x)
        norms = xp.astype(self.partition.norms(x, xp), work)
        if projection:
            order = xp.argsort(norms, descending=True, stable=True)
            ranks = xp.argsort(order, stable=True)
            factor = xp.astype(ranks < self._k, work)
        else:
            levels = xp.asarray(lam * self._weights, dtype=work, device=dev)
            slopes = xp.sqrt(levels) * norms / (1.0 - levels)
            offsets = levels / (1.0 - levels)
            theta = _capped_simplex_theta_xp(slopes, offsets, self._k, xp, work)
            denominator = theta + levels * (1.0 - theta)
            factor = xp.where(theta > 0, theta / denominator, xp.zeros_like(theta))
        return x * xp.astype(self.partition.expand(factor, xp, x), x.dtype)

    def _prox_numba_flat(self, x, step, out):
        lam = step * self._alpha
        if lam == 0.0:
            out[:] = x
            return
        self._is_projection(lam)
        _kernels.prox_wgsef_nonconvex(
            x,
            lam,
            self._k,
            self._weights,
            self.partition.grp_ptr,
            self.partition.grp_idx,
            out,
        )

    def _value_flat(self, x, xp):
        norms = self.partition.norms(x, xp)
        work = xp.float64 if supports_float64(xp) else x.dtype
        sqrt_weights = xp.asarray(self._sqrt_weights, dtype=work, device=array_device(x))
        b = sqrt_weights * xp.astype(norms, work)
        excess = envelope_value(b, self._k, xp) - 0.5 * float(xp.sum(b * b))
        return self._alpha * max(excess, 0.0)

    def alpha_max(self, gradient_at_zero):
        """Not defined: the penalty is zero on every k-group-sparse vector, so no
        ``alpha`` makes 0 the solution."""
        raise NotImplementedError(
            "NonconvexWGSEF has no alpha_max: it vanishes on every vector with at most k "
            "non-zero groups, so alpha never forces 0."
        )
