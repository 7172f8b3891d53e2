"""Array copies for numba kernels, written as loops.

``destination[:] = source`` inside an ``@njit`` function makes numba compile
the error message for mismatched shapes (string formatting and joining), about
5 s of the first compile in a fresh process; a loop copies the same values
without it.  The same holds for a row, ``history[k] = w``.  Measured
2026-12-01 with an empty numba cache (with the loops in ``_objective`` and
``_in_domain`` of CoLiDE's kernel): CoLiDE's first fit on the Sachs data fell
from about 10.5 s to 5.2 s, ``SparseRegression``'s on the diabetes data from
about 11.5 s to 9 s.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def copy_vector(destination, source):
    """``destination[:] = source`` for 1-D arrays of the same length."""
    for i in range(source.shape[0]):
        destination[i] = source[i]


@njit(cache=True)
def copy_matrix(destination, source):
    """``destination[:, :] = source`` for 2-D arrays of the same shape."""
    for i in range(source.shape[0]):
        for j in range(source.shape[1]):
            destination[i, j] = source[i, j]
