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

numba's cache key is the source file of the cached function only: when a
kernel in ``penalties/_kernels.py`` changes, a solver kernel in another file
that inlines it keeps loading its stale machine code.  So every cache entry of
a sparsestat kernel is also keyed on the modification times and sizes of *all*
kernel modules (the ``.py`` files of the package that import this ``njit``):
editing any of them recompiles every sparsestat kernel once, and nothing else
changes.  This uses numba's cache-locator classes; on a numba without them the
plain numba behaviour applies.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

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


_PACKAGE = Path(__file__).resolve().parent
_MARKER = "_numba import njit"


@lru_cache(maxsize=1)
def kernel_sources_stamp(root=_PACKAGE):
    """(relative path, mtime_ns, size) of every kernel module under ``root``, sorted."""
    stamp = []
    for path in sorted(Path(root).rglob("*.py")):
        try:
            if _MARKER not in path.read_text(encoding="utf-8", errors="ignore"):
                continue
            status = path.stat()
        except OSError:
            continue
        stamp.append((path.relative_to(root).as_posix(), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def _in_package(py_file, root=_PACKAGE):
    try:
        return Path(py_file).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def _dependency_locator(base):
    """A subclass of numba's locator ``base`` for sparsestat's files only, whose source
    stamp adds the stamp of all kernel modules."""

    def from_function(cls, py_func, py_file):
        if not _in_package(py_file):
            return None
        return base.from_function.__func__(cls, py_func, py_file)

    def get_source_stamp(self):
        return (base.get_source_stamp(self), kernel_sources_stamp())

    return type(
        f"Sparsestat{base.__name__}",
        (base,),
        {"from_function": classmethod(from_function), "get_source_stamp": get_source_stamp},
    )


def _install_dependency_stamps():
    try:
        from numba.core import caching

        impl = caching.CacheImpl
        mixin = caching._SourceFileBackedLocatorMixin
        bases = list(impl._locator_classes)
    except AttributeError:  # another numba layout: keep numba's own behaviour
        return False
    if any(getattr(base, "_sparsestat", False) for base in bases):
        return True
    ours = []
    for base in bases:
        if isinstance(base, type) and issubclass(base, mixin):
            locator = _dependency_locator(base)
            locator._sparsestat = True
            ours.append(locator)
    impl._locator_classes = ours + bases
    return True


DEPENDENCY_STAMPS = _install_dependency_stamps()


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
