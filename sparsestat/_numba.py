"""The one ``njit`` every kernel module of sparsestat imports.

Kernels are compiled with ``cache=True`` so that a new process loads them from
numba's on-disk cache instead of compiling them again.  numba looks for a
writable cache directory when a function is decorated: next to the source
(``__pycache__``), then in the user's cache directory under ``HOME``, or in
``NUMBA_CACHE_DIR`` when it is set.  On a read-only installation with no
writable home (a container, a shared cluster install) it finds none and raises
``RuntimeError: cannot cache function ...: no locator available``, which would
make ``import sparsestat.linear_model`` fail.  This wrapper catches that error,
compiles the kernel without the disk cache (the results are the same; only the
first call in every process is slower) and warns once, naming the environment
variable that fixes it.
"""

from __future__ import annotations

import warnings

import numba

__all__ = ["CacheUnavailableWarning", "njit"]

_NO_LOCATOR = "no locator available"
_warned = False


class CacheUnavailableWarning(RuntimeWarning):
    """numba found no writable cache directory; kernels compile in every process."""


def _warn_once(error):
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn(
        "sparsestat: numba cannot cache its compiled kernels here (no writable cache "
        f"directory: {error}). The kernels are compiled without the disk cache, so every "
        "new process compiles them again and its first fit is slow. Set the environment "
        "variable NUMBA_CACHE_DIR to a writable directory (before importing sparsestat) "
        "to keep them between processes.",
        CacheUnavailableWarning,
        stacklevel=3,
    )


def njit(*args, **options):
    """``numba.njit`` that falls back to no disk cache when none is possible.

    Used as ``@njit(cache=True, ...)``.  With ``cache=True`` and a writable
    cache location this is exactly ``numba.njit(cache=True, ...)``; without
    one (numba's "no locator available") the function is compiled with
    ``cache=False`` and a :class:`CacheUnavailableWarning` is issued once per
    process.

    Parameters
    ----------
    *args
        A function, for the bare ``@njit`` form; nothing otherwise.
    **options
        numba's options (``cache``, ``nogil``, ``fastmath``, ...).

    Returns
    -------
    callable
        The decorator, or the compiled dispatcher in the bare form.
    """
    if args:
        if len(args) == 1 and callable(args[0]) and not options:
            return njit()(args[0])
        raise TypeError(
            "sparsestat._numba.njit takes keyword options only (e.g. njit(cache=True)); "
            "explicit signatures are not supported."
        )

    def decorate(function):
        if not options.get("cache", False):
            return numba.njit(**options)(function)
        try:
            return numba.njit(**options)(function)
        except RuntimeError as error:
            if _NO_LOCATOR not in str(error):
                raise
            _warn_once(error)
            return numba.njit(**{**options, "cache": False})(function)

    return decorate
