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

Kernels that only other kernels call are declared ``@njit(cache=True,
internal=True)``.  numba builds two wrappers for every compiled function so
that Python can call it (a CPython wrapper and a C callback wrapper) and
compiles each function to machine code on its own; for a helper that is only
ever inlined into its callers' machine code, the wrappers are pure compile
cost, a large part of a small function's compile time.  An internal kernel
is compiled without them.  Python can still call one (the tests do): the call
goes to a twin compiled with the wrappers and *without* the disk cache (numba's
cache key does not include the wrapper options, so a cached twin could be
loaded as the wrapper-less kernel, or the other way round) and is counted in
:func:`python_calls_of_internal_kernels`, so that a test can assert that no fit
takes that path.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numba
from numba.core.registry import CPUDispatcher

__all__ = ["CacheUnavailableWarning", "njit", "python_calls_of_internal_kernels"]

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


_WRAPPERLESS = {"no_cpython_wrapper": True, "no_cfunc_wrapper": True}
_python_calls = {}


class InternalKernel(CPUDispatcher):
    """The dispatcher of a kernel compiled for calls from other kernels only
    (``@njit(internal=True)``): no Python wrappers.  A call from Python is
    served by a twin compiled with them (not cached) and counted."""

    def __call__(self, *args, **kwargs):
        twin = self.__dict__.get("_python_twin")
        if twin is None:
            options = {**self._public_options, "cache": False}
            twin = self._python_twin = numba.njit(**options)(self.py_func)
        name = f"{self.py_func.__module__}.{self.py_func.__qualname__}"
        _python_calls[name] = _python_calls.get(name, 0) + 1
        return twin(*args, **kwargs)


def python_calls_of_internal_kernels(reset=False):
    """``{kernel: calls}`` of the internal kernels called from Python in this
    process (each such call runs an uncached twin; fits must make none)."""
    calls = dict(_python_calls)
    if reset:
        _python_calls.clear()
    return calls


def njit(*args, internal=False, **options):
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
    internal : bool, default=False
        The kernel is called from other kernels only: compile it without
        numba's Python wrappers (see the module docstring).  Not combined with
        ``inline="always"``, which compiles nothing on its own anyway.
    **options
        numba's options (``cache``, ``nogil``, ``fastmath``, ...).

    Returns
    -------
    callable
        The decorator, or the compiled dispatcher in the bare form.
    """
    if args:
        if len(args) == 1 and callable(args[0]) and not options and not internal:
            return njit()(args[0])
        raise TypeError(
            "sparsestat._numba.njit takes keyword options only (e.g. njit(cache=True)); "
            "explicit signatures are not supported."
        )

    if internal and options.get("inline") == "always":
        raise TypeError("an inline='always' kernel compiles nothing of its own: drop internal")

    def build(function, chosen):
        try:
            return numba.njit(**chosen)(function)
        except RuntimeError as error:
            if not chosen.get("cache", False) or _NO_LOCATOR not in str(error):
                raise
            _warn_once(error)
            return numba.njit(**{**chosen, "cache": False})(function)

    def decorate(function):
        if not internal:
            return build(function, options)
        dispatcher = build(function, {**options, **_WRAPPERLESS})
        dispatcher.__class__ = InternalKernel  # same layout: only __call__ differs
        dispatcher._public_options = dict(options)
        return dispatcher

    return decorate
