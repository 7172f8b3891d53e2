"""Array copies for numba kernels, written as loops.

``destination[:] = source`` inside an ``@njit`` function makes numba compile
the error message for mismatched shapes (string formatting and joining), a
large part of the first compile in a fresh process; a loop copies the same
values without it.  The same holds for a row, ``history[k] = w``.  Use these
helpers in kernels instead of slice assignment.  The cold-start times before
and after are on the speed page (``docs/speed.rst``).
"""

from __future__ import annotations

from ._numba import njit


@njit(cache=True, internal=True)
def copy_vector(destination, source):
    """``destination[:] = source`` for 1-D arrays of the same length."""
    for i in range(source.shape[0]):
        destination[i] = source[i]


@njit(cache=True, internal=True)
def copy_matrix(destination, source):
    """``destination[:, :] = source`` for 2-D arrays of the same shape."""
    for i in range(source.shape[0]):
        for j in range(source.shape[1]):
            destination[i, j] = source[i, j]
