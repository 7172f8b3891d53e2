"""Shared input checks with messages that name the parameter and what is allowed."""

from __future__ import annotations

import functools
import inspect
import math
import numbers

import numpy as np

from ._array_api import get_namespace

__all__ = [
    "check_real",
    "check_integer",
    "check_bool",
    "check_finite_array",
    "check_step",
    "check_weights",
    "check_sample_weight",
    "Real",
    "Integer",
    "Boolean",
    "Options",
    "InstanceOf",
    "ArrayLike",
    "RandomState",
    "Anything",
    "validate_params",
    "canonical_csc",
    "check_coef_init",
]


def _interval_text(low, high, low_inclusive, high_inclusive):
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    low_text = "-inf" if low is None else f"{low:g}"
    high_text = "inf" if high is None else f"{high:g}"
    return f"{left}{low_text}, {high_text}{right}"


def check_real(
    value,
    name,
    *,
    low=None,
    high=None,
    low_inclusive=True,
    high_inclusive=True,
):
    """Validate a finite real scalar parameter and return it as a Python float.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Parameter name used in the error message.
    low, high : float or None
        Bounds of the allowed interval (None: unbounded).
    low_inclusive, high_inclusive : bool
        Whether the bounds themselves are allowed.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (booleans are refused).
    ValueError
        If ``value`` is NaN, infinite or outside the interval.
    """
    interval = _interval_text(low, high, low_inclusive, high_inclusive)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number in {interval}, got {value!r} "
            f"of type {type(value).__name__}."
        )
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number in {interval}, got {value!r}.")
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {interval}, got {value!r}.")
    return value


def check_integer(value, name, *, low=None, high=None):
    """Validate an integer parameter in ``[low, high]`` and return it as int."""
    interval = _interval_text(low, high, True, True)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer in {interval}, got {value!r} "
            f"of type {type(value).__name__}."
        )
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer in {interval}, got {value}.")
    return value


def check_finite_array(x, name="x"):
    """Raise ``ValueError`` if ``x`` holds NaN or infinite values.

    Also refuses non-floating arrays with a ``TypeError`` that names ``name``.
    Works on any array namespace.
    """
    xp = get_namespace(x)
    if not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(
            f"{name} must be an array of real floating point numbers (float32 or "
            f"float64), got dtype {x.dtype}."
        )
    if not bool(xp.all(xp.isfinite(x))):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return x


def check_step(step):
    """Validate a proximal step size (finite, > 0) and return it as float."""
    return check_real(step, "step", low=0.0, low_inclusive=False)


def check_weights(weights, name, *, allow_zero=True, size=None, size_name=None):
    """Validate a 1-D array of finite non-negative (or positive) weights.

    Returns a float64 numpy copy, so later changes to the user's array do not
    change the penalty.
    """
    try:
        arr = np.array(weights, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 1-D array of real numbers.") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got an array of shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty.")
    if size is not None and arr.size != size:
        raise ValueError(
            f"{name} must have one entry per {size_name}: expected length {size}, got {arr.size}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if allow_zero and np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative; got min(weights) = {arr.min():g}.")
    if not allow_zero and np.any(arr <= 0):
        raise ValueError(f"{name} must be positive; got min(weights) = {arr.min():g}.")
    arr.setflags(write=False)
    return arr


def canonical_csc(X):
    """``X`` as a CSC matrix with sorted indices and no duplicate stored entries.

    A scipy.sparse matrix may store several entries at one position (its
    ``toarray()`` sums them); kernels that read the stored entries (column
    norms, Lipschitz constants) need each position once.  The caller's matrix
    is never modified: a copy is made whenever something has to change.
    """
    csc = X.tocsc(copy=False)
    if csc.has_canonical_format:
        return csc
    if csc is X or csc.data is getattr(X, "data", None):
        csc = csc.copy()
    csc.sum_duplicates()  # also sorts the indices
    return csc


def check_coef_init(coef_init, n_features, name="coef_init"):
    """A float64 copy of a starting point: finite, of shape ``(n_features,)``."""
    try:
        array = np.array(coef_init, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an array-like of {n_features} real numbers, got {coef_init!r}."
        ) from exc
    if array.shape != (n_features,):
        raise ValueError(
            f"{name} must have shape ({n_features},) (one entry per feature), got shape "
            f"{array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return array


def check_sample_weight(sample_weight, n_samples, dtype=np.float64):
    """Validate sample weights: 1-D, one per sample, finite, >= 0, positive sum.

    Returns None for None (unit weights) and a float64 copy otherwise (the
    caller's array is never modified).
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, float(sample_weight))
    weights = np.array(sample_weight, dtype=np.float64)
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must have shape ({n_samples},) (one weight per sample), got "
            f"{weights.shape}."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinite values.")
    if np.any(weights < 0):
        raise ValueError("sample_weight must be non-negative; negative weights were given.")
    if weights.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a weight > 0.")
    return weights


def check_bool(value, name):
    """Validate a flag: ``True`` or ``False`` (numpy booleans too), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


# --------------------------------------------------------------------------- #
# declarative parameter tables (the ``_parameter_constraints`` style)
# --------------------------------------------------------------------------- #
# An estimator declares, once, what each constructor parameter may be:
#
#     _parameter_constraints = {
#         "alpha": [Real(low=0.0)],
#         "gamma": [None, Real(low=1.0, low_inclusive=False)],
#         "solver": [Options("auto", "cd", "gram")],
#     }
#
# and ``validate_params(estimator)`` checks them all at the start of ``fit``.
# Each entry lists the alternatives a value may match (``None`` stands for the
# value None).  The messages are those of ``check_real`` / ``check_integer``:
# they name the parameter and the allowed range.  scikit-learn's own machinery
# (``sklearn.utils._param_validation``) is private and its messages changed
# between releases, so the library keeps this small equivalent.


class _Constraint:
    """One alternative of a parameter: ``accepts_type``, ``check`` and a description."""

    def accepts_type(self, value):
        """Whether ``value`` is of the kind this constraint is about (its range aside)."""
        raise NotImplementedError

    def check(self, value, name):
        """Raise ``TypeError`` / ``ValueError`` naming ``name`` unless ``value`` is allowed."""
        raise NotImplementedError

    def describe(self):
        raise NotImplementedError


class Real(_Constraint):
    """A finite real number in an interval (booleans refused), as :func:`check_real`."""

    def __init__(self, low=None, high=None, *, low_inclusive=True, high_inclusive=True):
        self.low, self.high = low, high
        self.low_inclusive, self.high_inclusive = low_inclusive, high_inclusive

    def accepts_type(self, value):
        return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))

    def check(self, value, name):
        check_real(
            value,
            name,
            low=self.low,
            high=self.high,
            low_inclusive=self.low_inclusive,
            high_inclusive=self.high_inclusive,
        )

    def describe(self):
        interval = _interval_text(self.low, self.high, self.low_inclusive, self.high_inclusive)
        return f"a real number in {interval}"


class Integer(_Constraint):
    """An integer in ``[low, high]`` (booleans refused), as :func:`check_integer`."""

    def __init__(self, low=None, high=None):
        self.low, self.high = low, high

    def accepts_type(self, value):
        return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))

    def check(self, value, name):
        check_integer(value, name, low=self.low, high=self.high)

    def describe(self):
        return f"an integer in {_interval_text(self.low, self.high, True, True)}"


class Boolean(_Constraint):
    """``True`` or ``False``."""

    def accepts_type(self, value):
        return isinstance(value, (bool, np.bool_))

    def check(self, value, name):
        check_bool(value, name)

    def describe(self):
        return "True or False"


class Options(_Constraint):
    """One of a few fixed values (usually strings)."""

    def __init__(self, *options):
        self.options = tuple(options)

    def accepts_type(self, value):
        return isinstance(value, str) or any(
            type(value) is type(option) for option in self.options
        )

    def check(self, value, name):
        scalar = value is None or isinstance(value, (str, numbers.Number))
        allowed = scalar and any(
            type(value) is type(option) and value == option for option in self.options
        )
        if not allowed:
            raise ValueError(f"{name} must be one of {self.options}, got {value!r}.")

    def describe(self):
        if len(self.options) == 1:
            return repr(self.options[0])
        return f"one of {self.options}"


class InstanceOf(_Constraint):
    """An instance of a class (or of one of several)."""

    def __init__(self, types, description):
        self.types = types
        self.description = description

    def accepts_type(self, value):
        return isinstance(value, self.types)

    def check(self, value, name):
        if not isinstance(value, self.types):
            raise TypeError(f"{name} must be {self.description}, got {value!r}.")

    def describe(self):
        return self.description


class ArrayLike(_Constraint):
    """A non-empty array-like of finite real numbers (lists, tuples, numpy arrays).

    ``ndim`` restricts the number of dimensions; ``low`` bounds the entries
    from below (inclusive).
    """

    def __init__(self, ndim=None, low=None):
        self.ndim = ndim
        self.low = low

    def accepts_type(self, value):
        return isinstance(value, (list, tuple)) or hasattr(value, "__array__")

    def check(self, value, name):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be {self.describe()}, got {value!r}.") from exc
        if self.ndim is not None and array.ndim != self.ndim:
            raise ValueError(
                f"{name} must be {self.describe()}, got an array of shape {array.shape}."
            )
        if array.size == 0 or not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be {self.describe()}, got {value!r}.")
        if self.low is not None and np.any(array < self.low):
            raise ValueError(f"{name} must be {self.describe()}, got {value!r}.")

    def describe(self):
        dims = "" if self.ndim is None else f"{self.ndim}-D "
        bound = "" if self.low is None else f" >= {self.low:g}"
        return f"a non-empty {dims}array of finite values{bound}"


class RandomState(_Constraint):
    """None, an int seed or a ``numpy.random.RandomState`` (``check_random_state``)."""

    def accepts_type(self, value):
        return value is None or isinstance(value, (numbers.Integral, np.random.RandomState))

    def check(self, value, name):
        if isinstance(value, (bool, np.bool_)) or not self.accepts_type(value):
            raise TypeError(
                f"{name} must be None, an int or a numpy.random.RandomState, got {value!r}."
            )

    def describe(self):
        return "None, an int or a numpy.random.RandomState"


class Anything(_Constraint):
    """No constraint (checked elsewhere: splitters, estimators, group partitions)."""

    def accepts_type(self, value):
        return True

    def check(self, value, name):
        return None

    def describe(self):
        return "any value"


def _check_one(value, name, alternatives):
    if value is None and None in alternatives:
        return
    constraints = [c for c in alternatives if c is not None]
    if len(constraints) == 1 and None not in alternatives:
        constraints[0].check(value, name)
        return
    for constraint in constraints:
        try:
            constraint.check(value, name)
        except (TypeError, ValueError):
            continue
        return
    # refused by every alternative: name them all (ValueError when one is of the right kind)
    described = [c.describe() for c in constraints] + (["None"] if None in alternatives else [])
    error = ValueError if any(c.accepts_type(value) for c in constraints) else TypeError
    raise error(f"{name} must be {' or '.join(described)}, got {value!r}.")


def validate_params(estimator, constraints=None):
    """Check every parameter of ``estimator`` against its declared table.

    Parameters
    ----------
    estimator : BaseEstimator
        Its ``get_params(deep=False)`` values are checked.
    constraints : dict, optional
        ``{name: [alternatives]}``; default ``estimator._parameter_constraints``.
        Parameters missing from the table are not checked; a name in the table
        that is not a parameter is a bug and raises ``KeyError``.

    Raises
    ------
    TypeError, ValueError
        With a message naming the parameter and what is allowed.
    """
    table = type(estimator)._parameter_constraints if constraints is None else constraints
    names = _init_parameters(type(estimator))
    for name, alternatives in table.items():
        if name not in names:
            raise KeyError(f"{type(estimator).__name__} has no parameter {name!r} to validate.")
        _check_one(getattr(estimator, name), name, alternatives)


@functools.cache
def _init_parameters(cls):
    """The constructor parameters of ``cls`` (what ``get_params`` returns), computed once."""
    signature = inspect.signature(cls.__init__)
    return frozenset(
        name
        for name, parameter in signature.parameters.items()
        if name != "self"
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    )
