"""Shared input checks with messages that name the parameter and what is allowed."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._array_api import get_namespace

__all__ = [
    "check_real",
    "check_integer",
    "check_finite_array",
    "check_step",
    "check_weights",
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
