"""Base classes shared by every penalty."""

from __future__ import annotations

import inspect
import numbers

import numpy as np
from array_api_compat import device as array_device

from .._array_api import get_namespace, to_numpy
from .._validation import check_finite_array, check_integer, check_step
from . import _kernels
from ._registry import constructor_parameters, register

__all__ = ["Penalty", "SeparablePenalty"]


def takes_kernel_path(x):
    """True for the arrays :meth:`Penalty.prox` hands to the numba kernels.

    numpy arrays (not subclasses) of float32 or float64, in any memory layout:
    the kernels are
    compiled for these and run in one pass, where the array-API formulas make
    several temporaries (and sort, for the envelope penalties).
    """
    return type(x) is np.ndarray and x.dtype in (np.float32, np.float64)


def as_float_array(x, name="x", *, check_finite=True):
    """Return ``(xp, x)`` with ``x`` a floating array of its own namespace.

    Lists and scalars become numpy arrays; integer arrays are cast to float64;
    float32 stays float32.  NaN or inf raise ``ValueError`` when
    ``check_finite`` is true.
    """
    if x is None:
        raise TypeError(f"{name} must be an array of real numbers, got None.")
    if not hasattr(x, "__array_namespace__"):  # lists, scalars, pandas objects, ...
        try:
            x = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be an array of real numbers: {exc}") from None
    xp = get_namespace(x)
    if not xp.isdtype(x.dtype, "real floating"):
        if xp.isdtype(x.dtype, ("integral", "bool")):
            x = xp.astype(x, xp.float64)
        else:
            raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}.")
    if check_finite:
        check_finite_array(x, name)
    return xp, x


class Penalty:
    """Common interface of all penalties.

    A penalty is an immutable description of ``pen(x)``: constructor arguments
    are validated once, and a new object is built to change them (see
    :meth:`replace`).  ``get_params`` lets ``sklearn.base.clone`` copy an
    estimator holding a penalty object.

    Notes
    -----
    Methods every penalty provides:

    value(x)
        ``pen(x)`` as a Python float.
    prox(x, step)
        ``argmin_u ½||u − x||² + step·pen(u)``, vectorized, written against
        the array API (tested with numpy and array-api-strict; not yet run on
        a GPU); the result has the namespace, device, shape and dtype of
        ``x``.  float32 and float64 numpy arrays go through the numba kernel,
        other arrays through the array-API formula.
    prox_numba(x, step)
        The same through the numba kernel the CPU solvers use (arrays of other
        namespaces are brought to the host).
    subdiff_distance(x, grad)
        Distance of ``-grad`` to the subdifferential of ``pen`` at ``x``, per
        coordinate (separable penalties) or per group: the optimality measure
        solvers stop on.
    alpha_max(gradient_at_zero)
        Smallest ``alpha`` for which 0 is a stationary point, where defined.
    prox_step(step)
        A step, at most ``step``, at which ``prox`` is defined: what a
        proximal-gradient solver uses in place of ``1/L``.  ``step`` itself
        for every penalty except :class:`NonconvexWGSEF` with unequal weights.

    Examples
    --------
    >>> from sparsestat.penalties import L1, Penalty
    >>> penalty = L1(alpha=0.5)
    >>> isinstance(penalty, Penalty), penalty.is_convex
    (True, True)
    >>> penalty.replace(alpha=2.0)
    L1(alpha=2.0, weights=None, positive=False)
    """

    #: Whether the penalty is convex.
    is_convex = True
    #: Whether the penalty is a sum of functions of single coordinates.
    is_separable = False
    #: The names :func:`~sparsestat.penalties.make_penalty` builds this class from.
    names = ()
    #: ``"separable"``, ``"group"`` or ``"rows"``: which solvers' family it belongs to.
    penalty_kind = None
    #: Whether the solvers can stop on an exact duality gap (else on an
    #: optimality residual).
    has_duality_gap = False
    #: The ``solver`` options of the estimators that can minimise it.
    solvers = ()

    _frozen = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        register(cls)

    # -- construction from a name ---------------------------------------------
    @classmethod
    def name_parameters(cls, name):
        """The parameters ``make_penalty(name, ...)`` accepts for this class."""
        return constructor_parameters(cls)

    @classmethod
    def from_name(cls, name, **params):
        """Build the penalty for ``make_penalty(name, **params)``.

        The default calls the constructor; a class with several names (``Lq``:
        ``"half"`` is ℓq with q = 1/2) overrides it.
        """
        return cls(**params)

    def _freeze(self):
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, name, value):
        if self._frozen:
            raise AttributeError(
                f"{type(self).__name__} objects are immutable; build a new one, e.g. "
                f"penalty.replace({name}=...)."
            )
        object.__setattr__(self, name, value)

    # -- parameters --------------------------------------------------------
    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return [name for name in signature.parameters if name != "self"]

    def get_params(self, deep=False):
        """Constructor arguments, as given (used by ``sklearn.base.clone``)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def replace(self, **changes):
        """Return a new penalty with some constructor arguments changed."""
        params = self.get_params()
        unknown = set(changes) - set(params)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no parameter(s) {sorted(unknown)}; "
                f"valid ones are {sorted(params)}."
            )
        params.update(changes)
        return type(self)(**params)

    def __repr__(self):
        parts = []
        for name, value in self.get_params().items():
            if isinstance(value, np.ndarray) and value.size > 6:
                text = f"array(shape={value.shape})"
            elif isinstance(value, (list, tuple)) and len(value) > 6:
                text = f"<{type(value).__name__} of {len(value)}>"
            else:
                text = repr(value)
            parts.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- interface ---------------------------------------------------------
    def value(self, x):
        """Value of the penalty at ``x`` (Python float)."""
        raise NotImplementedError

    def prox(self, x, step, *, check_input=True):
        """Proximal operator of ``step · pen`` at ``x``."""
        raise NotImplementedError

    def _prox_array_api(self, x, step):
        """The array-API formula of the prox without input checks.

        What solvers written against the array API call; the penalties with a
        numba kernel override it so that numpy input keeps this path there.
        """
        return self.prox(x, step, check_input=False)

    def prox_numba(self, x, step):
        """Proximal operator through the numba kernel (numpy arrays)."""
        raise NotImplementedError

    def subdiff_distance(self, x, grad):
        """Distance of ``-grad`` to the subdifferential at ``x``."""
        raise NotImplementedError

    def prox_step(self, step):
        """A step ``<= step`` at which :meth:`prox` is defined (``step`` when it is).

        Proximal gradient converges for every step up to ``1/L``, so a solver
        asks the penalty which one to take.  Every prox here is defined for all
        steps except the non-convex WGSEF's with unequal weights.
        """
        return float(step)

    def alpha_max(self, gradient_at_zero):
        """Smallest ``alpha`` making 0 a stationary point."""
        raise NotImplementedError(
            f"{type(self).__name__} has no alpha_max: 0 is a stationary point for every "
            "alpha, so there is no smallest alpha that zeroes the solution."
        )


class SeparablePenalty(Penalty):
    """A penalty ``pen(x) = sum_j p(x_j; w_j)`` with one numba scalar kernel.

    Subclasses set ``kernel_code`` and implement the vectorized formulas
    ``_prox_array`` and ``_value_array``; the numba kernels in
    :mod:`sparsestat.penalties._kernels` hold the same formulas for the CPU
    solvers.  Per-coordinate parameters (L1 weights, CEL0 column norms) run
    along the last axis of ``x``.

    Parameters
    ----------
    alpha : float
        Regularization strength (>= 0), every subclass's first parameter.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (the prox clips at 0).

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import MCP, SeparablePenalty
    >>> penalty = MCP(alpha=1.0, gamma=3.0)
    >>> isinstance(penalty, SeparablePenalty), penalty.is_convex
    (True, False)
    >>> penalty.value(np.array([0.5, -4.0]))
    1.9583333333333333
    """

    is_separable = True
    penalty_kind = "separable"
    solvers = ("cd", "gram", "fista")
    #: Integer the numba kernels dispatch on (``_kernels.CODE_*``).
    kernel_code = -1
    #: True when the subdifferential at 0 is the whole line (L0, Lq): the
    #: solvers then measure optimality by the coordinate-wise fixed point.
    fixed_point_optimality = False
    #: Name of the per-coordinate parameter, when the penalty has one.
    _coordinate_parameter = None

    def __init__(self, alpha, positive=False):  # pragma: no cover - abstract
        raise NotImplementedError

    # numba interface ------------------------------------------------------
    @property
    def kernel_params(self):
        """float64 parameter vector passed to the kernels.

        ``[alpha, extra, positive, fixed_point, gap_l1_ratio]`` (positions
        ``_kernels.P_*``): the class's own parameters, then what the solver
        kernels need to know about it, so that no kernel lists penalty codes.
        """
        return np.array(
            [
                self._alpha,
                self._extra_param(),
                1.0 if self._positive else 0.0,
                1.0 if self.fixed_point_optimality else 0.0,
                self._gap_l1_ratio(),
            ],
            dtype=np.float64,
        )

    def _extra_param(self):
        return 0.0

    def _gap_l1_ratio(self):
        """Share of the ℓ1 part in the elastic-net duality gap (with ``has_duality_gap``)."""
        return 0.0

    def coordinate_weights(self, n_features=None):
        """float64 array of per-coordinate parameters (length ``n_features``).

        Penalties without a per-coordinate parameter return ones.
        """
        weights = self._coordinate_weights_array()
        if weights is None:
            return np.ones(1 if n_features is None else n_features, dtype=np.float64)
        if n_features is not None and weights.shape[0] != n_features:
            raise ValueError(
                f"{self._coordinate_parameter} has {weights.shape[0]} entries but the "
                f"problem has {n_features} features."
            )
        return weights

    def _coordinate_weights_array(self):
        return None

    def kernel_arguments(self, n_features):
        """The penalty as the solver kernels take it: a ``_kernels.KernelPenalty``.

        ``(kernel_code, kernel_params, coordinate_weights(n_features))``, the
        weights as a contiguous float64 array.
        """
        return _kernels.KernelPenalty(
            int(self.kernel_code),
            self.kernel_params,
            np.ascontiguousarray(self.coordinate_weights(n_features), dtype=np.float64),
        )

    def _kernel_weights(self, n_columns):
        """Weights for ``prox_separable``: per column, or one entry when unweighted."""
        if self._coordinate_weights_array() is None:
            return np.ones(1, dtype=np.float64)
        return self.coordinate_weights(n_columns)

    # checks ---------------------------------------------------------------
    def _check_x(self, x, name="x"):
        weights = self._coordinate_weights_array()
        if weights is not None:
            n_last = x.shape[-1] if x.ndim else 1
            if n_last != weights.shape[0]:
                raise ValueError(
                    f"{name} has {n_last} coordinates along its last axis but "
                    f"{self._coordinate_parameter} has {weights.shape[0]} entries."
                )

    def _check_step_value(self, step):
        """Hook for penalties whose prox needs a bounded step (CEL0)."""
        return step

    def _weights_like(self, x, xp):
        weights = self._coordinate_weights_array()
        if weights is None:
            return None
        return xp.asarray(weights, dtype=x.dtype, device=array_device(x))

    # public API -----------------------------------------------------------
    def value(self, x):
        xp, x = as_float_array(x)
        self._check_x(x)
        if self._positive and bool(xp.any(x < 0)):
            return float("inf")
        return float(self._value_array(x, xp))

    def prox(self, x, step, *, check_input=True):
        """Proximal operator of ``step · pen``, elementwise on ``x``.

        numpy arrays of float32 or float64 go through the numba kernel the CPU
        solvers use (one pass over the data, no temporaries); arrays of other
        namespaces (and other numpy dtypes) through the array-API formula.
        Both give the same values (the kernel rounds once, from float64, so
        float32 results can differ from the array-API ones in the last bit).

        Parameters
        ----------
        x : array of any shape
            numpy, CuPy or array-api-strict array.
        step : float
            Step size, > 0.
        check_input : bool, default=True
            Validate ``x`` (finite, floating) and ``step``.  Solvers that have
            already validated their data pass False.

        Returns
        -------
        array
            Same namespace, device, shape and dtype as ``x``; ``x`` is not
            modified.
        """
        if check_input:
            _, x = as_float_array(x)
            step = self._check_step_value(check_step(step))
            self._check_x(x)
        if takes_kernel_path(x):
            return self._prox_kernel(x, float(step))
        return self._prox_array_api(x, step)

    def _prox_array_api(self, x, step):
        """The array-API formula, without input checks (any namespace)."""
        xp = get_namespace(x)
        if self._positive:
            x = xp.where(x > 0, x, xp.zeros_like(x))
        return self._prox_array(x, float(step), xp)

    def prox_numba(self, x, step):
        """Proximal operator of ``step · pen`` through the numba kernel.

        Same result as :meth:`prox` (a test asserts it); arrays of other
        namespaces are brought to the host.
        """
        _, x = as_float_array(x)
        x = np.asarray(to_numpy(x))
        step = self._check_step_value(check_step(step))
        self._check_x(x)
        return self._prox_kernel(x, step)

    def _prox_kernel(self, x, step):
        """The numba kernel on a numpy array, without input checks."""
        from . import _kernels

        shape = x.shape
        if x.size == 0:
            return x.copy()
        dtype = x.dtype
        if dtype not in (np.float32, np.float64):  # float16 and the like: no numba kernel
            x = x.astype(np.float32)
        x2d = np.ascontiguousarray(x.reshape(-1, shape[-1] if x.ndim else 1))
        out = np.empty_like(x2d)
        _kernels.prox_separable(
            x2d,
            step,
            self.kernel_code,
            self.kernel_params,
            self._kernel_weights(x2d.shape[1]),
            out,
        )
        return out.reshape(shape).astype(dtype, copy=False)

    def threshold(self, step, coordinate=0):
        """Largest ``|z|`` that the prox of ``step·pen`` maps to 0.

        The closed form of the scalar kernel ``zero_threshold_1d`` (the one
        the coordinate-descent loops use to skip zero coordinates); where the
        kernel has none (SCAD in its nonconvex regime) a bisection on the
        scalar prox (monotone, so ``{z >= 0 : prox(z) = 0}`` is an interval),
        to the last bit of a float64.
        """
        from . import _kernels

        step = self._check_step_value(check_step(step))
        weight = self._coordinate_weight(coordinate)
        if self._alpha == 0.0:
            return 0.0
        closed = _kernels.zero_threshold_1d(step, self.kernel_code, self.kernel_params, weight)
        if closed > 0.0:
            return float(closed)
        low, high = 0.0, 1.0
        while self.prox_1d(high, step, coordinate) == 0.0:
            low, high = high, 2.0 * high
        while True:
            middle = 0.5 * (low + high)
            if middle in (low, high):
                return low
            if self.prox_1d(middle, step, coordinate) == 0.0:
                low = middle
            else:
                high = middle

    def prox_1d(self, z, step, coordinate=0):
        """Scalar prox through the numba kernel (what CD solvers call)."""
        from . import _kernels

        step = self._check_step_value(check_step(step))
        weight = self._coordinate_weight(coordinate)
        if isinstance(z, (bool, np.bool_)) or not isinstance(z, numbers.Real):
            raise TypeError(f"z must be a real number, got {z!r} of type {type(z).__name__}.")
        return _kernels.prox_1d(float(z), step, self.kernel_code, self.kernel_params, weight)

    def _coordinate_weight(self, coordinate):
        """The per-coordinate parameter of ``coordinate`` (checked against their number)."""
        weights = self._coordinate_weights_array()
        if weights is None:
            check_integer(coordinate, "coordinate", low=0)
            return 1.0
        n = weights.shape[0]
        coordinate = check_integer(coordinate, "coordinate", low=0, high=n - 1)
        return float(weights[coordinate])

    def subdiff_distance(self, x, grad):
        """Distance of ``-grad`` to the subdifferential of ``pen`` at ``x``.

        Computed coordinate-wise with the numba kernel the solvers use (arrays of
        other namespaces are brought to the host and the result moved back).
        For nonconvex penalties this is the limiting (Fréchet) subdifferential;
        at 0 it is ``[-s, s]`` with ``s`` the slope at 0 (the whole line for L0
        and Lq), intersected with the half-line ``(-inf, s]`` under positivity.

        Returns
        -------
        array of the shape of ``x``
        """
        from . import _kernels

        xp, x_arr = as_float_array(x)
        _, grad_arr = as_float_array(grad, "grad")
        if tuple(x_arr.shape) != tuple(grad_arr.shape):
            raise ValueError(
                f"x and grad must have the same shape, got {x_arr.shape} and {grad_arr.shape}."
            )
        self._check_x(x_arr)
        x_np = np.asarray(to_numpy(x_arr), dtype=np.float64)
        g_np = np.asarray(to_numpy(grad_arr), dtype=np.float64)
        shape = x_np.shape
        width = shape[-1] if x_np.ndim else 1
        out = np.empty(x_np.size, dtype=np.float64).reshape(-1, width)
        _kernels.subdiff_distance_separable(
            np.ascontiguousarray(x_np.reshape(-1, width)),
            np.ascontiguousarray(g_np.reshape(-1, width)),
            self.kernel_code,
            self.kernel_params,
            self.coordinate_weights(width),
            out,
        )
        result = out.reshape(shape)
        return xp.asarray(result, dtype=x_arr.dtype, device=array_device(x_arr))

    def coordinate_alpha_max(self, gradient_at_zero, lipschitz):
        """Smallest ``alpha`` at which coordinate descent started at 0 stays at 0.

        With a bounded subdifferential at 0 this is :meth:`alpha_max` (0 is then
        a fixed point exactly when it is stationary), whatever the other
        parameters; the penalties whose subdifferential at 0 is the whole line
        (:class:`~sparsestat.penalties.L0`, :class:`~sparsestat.penalties.Lq`)
        override it with the step-dependent rule of their exact coordinate
        minimisation.  This penalty's own ``alpha`` is ignored.

        Parameters
        ----------
        gradient_at_zero : ndarray of shape (n_features,)
            Gradient of the datafit at 0.
        lipschitz : ndarray of shape (n_features,)
            Coordinate-wise Lipschitz constants (the inverse coordinate steps);
            coordinates with 0 never move.
        """
        return self.replace(alpha=1.0).alpha_max(gradient_at_zero)

    def _alpha_max_from_slope(self, gradient_at_zero, slope_per_alpha):
        """``max_j |g_j| / slope_j`` (or ``max(-g_j)/slope_j`` under positivity).

        ``slope_per_alpha[j]`` is the half-width of the subdifferential at 0
        divided by alpha; coordinates with zero slope are unpenalized and
        ignored.
        """
        _, g = as_float_array(gradient_at_zero, "gradient_at_zero")
        g = np.asarray(to_numpy(g), dtype=np.float64)
        slope = np.broadcast_to(np.asarray(slope_per_alpha, dtype=np.float64), g.shape)
        drive = -g if self._positive else np.abs(g)
        mask = slope > 0
        if not np.any(mask):
            return 0.0
        return float(max(np.max(drive[mask] / slope[mask]), 0.0))

    # formulas -------------------------------------------------------------
    def _prox_array(self, x, step, xp):  # pragma: no cover - abstract
        raise NotImplementedError

    def _value_array(self, x, xp):  # pragma: no cover - abstract
        raise NotImplementedError
