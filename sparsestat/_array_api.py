"""Array-namespace layer: one code path for numpy, CuPy and array-api-strict.

The vectorized parts of sparsestat (proximal operators on whole arrays, FISTA,
batch sparse coding, CoLiDE's matrix algebra) are written once against the
namespace of their inputs, obtained with :func:`get_namespace`.  Nothing here
imports CuPy: a CuPy namespace is only ever obtained from a CuPy array the user
passed in.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from array_api_compat import array_namespace, is_cupy_array, is_numpy_array

__all__ = [
    "get_namespace",
    "to_numpy",
    "is_numpy_namespace",
    "namespace_name",
    "supports_float64",
    "scaled_vector_norm",
]


def _is_array_like(obj):
    """True for objects that take part in namespace resolution."""
    if obj is None or isinstance(obj, (bool, int, float, complex, str)):
        return False
    return True


def namespace_name(xp):
    """Short human-readable name of an array namespace (for messages)."""
    name = getattr(xp, "__name__", repr(xp))
    for prefix in ("array_api_compat.", "array_api_strict"):
        if name.startswith(prefix):
            return name[len(prefix) :] if prefix.endswith(".") else "array_api_strict"
    return name


def get_namespace(*arrays):
    """Return the array namespace shared by ``arrays``.

    Parameters
    ----------
    *arrays : array objects or None
        numpy arrays, CuPy arrays, array-api-strict arrays or any array that
        implements ``__array_namespace__``.  ``None`` and Python scalars are
        ignored; ``scipy.sparse`` matrices count as numpy.  Lists are turned
        into numpy arrays.

    Returns
    -------
    xp : module
        An array-API compatible namespace (``array_api_compat.numpy`` for numpy
        inputs, ``array_api_compat.cupy`` for CuPy inputs, ``array_api_strict``
        for its arrays).  When no array is given, the numpy namespace.

    Raises
    ------
    TypeError
        If the inputs belong to different array libraries (for example a numpy
        array and a CuPy array): sparsestat never moves data between devices
        behind the user's back.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat import get_namespace
    >>> xp = get_namespace(np.ones(3), None, 2.0)
    >>> xp.__name__
    'array_api_compat.numpy'
    """
    namespaces = []
    for position, obj in enumerate(arrays):
        if not _is_array_like(obj):
            continue
        if sp.issparse(obj) or isinstance(obj, (list, tuple)):
            obj = np.asarray([]) if sp.issparse(obj) else np.asarray(obj)
        try:
            xp = array_namespace(obj)
        except TypeError as exc:
            raise TypeError(
                f"argument {position} of type {type(obj).__name__} is not an array "
                "sparsestat can work with (numpy, CuPy, array-api-strict or another "
                "array-API library)."
            ) from exc
        if all(xp is not seen for seen, _ in namespaces):
            namespaces.append((xp, type(obj).__name__))
    if not namespaces:
        return array_namespace(np.empty(0))
    if len(namespaces) > 1:
        names = ", ".join(f"{namespace_name(xp)} ({kind})" for xp, kind in namespaces)
        raise TypeError(
            f"arrays from different array libraries were mixed: {names}. Convert them "
            "to one library (and device) before calling sparsestat, e.g. with "
            "cupy.asarray(...) or sparsestat.to_numpy(...)."
        )
    return namespaces[0][0]


def is_numpy_namespace(xp):
    """True when ``xp`` is numpy (plain or wrapped by array-api-compat)."""
    return namespace_name(xp) == "numpy"


def is_foreign_array(X):
    """True for arrays of another array-API library (CuPy, array-api-strict...).

    numpy arrays, scipy.sparse matrices and anything scikit-learn converts
    (lists, pandas DataFrames) take the numpy path.
    """
    if sp.issparse(X) or not hasattr(X, "__array_namespace__"):
        return False
    return not is_numpy_namespace(get_namespace(X))


def supports_float64(xp):
    """True when the default device of ``xp`` has float64 (all of ours do)."""
    try:
        return "float64" in xp.__array_namespace_info__().dtypes()
    except AttributeError:  # pragma: no cover - very old namespaces
        return hasattr(xp, "float64")


def to_numpy(array):
    """Return ``array`` as a numpy array on the host (copy only when needed).

    Works for numpy (returned as is), CuPy (copied from the GPU), and any array
    that implements DLPack on the CPU (array-api-strict, torch CPU tensors).
    Python scalars and lists become numpy arrays.

    Parameters
    ----------
    array : array object, list or scalar
        What to convert (not a scipy.sparse matrix).

    Returns
    -------
    ndarray
        ``array`` itself for numpy input, a host copy otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat import to_numpy
    >>> to_numpy([1.0, 2.0])
    array([1., 2.])
    >>> x = np.arange(3.0)
    >>> to_numpy(x) is x
    True
    """
    if is_numpy_array(array):
        return array
    if sp.issparse(array):
        raise TypeError("to_numpy expects a dense array, got a scipy.sparse matrix.")
    if is_cupy_array(array):
        return array.get()
    if hasattr(array, "__dlpack__"):
        try:
            return np.from_dlpack(array)
        except (TypeError, RuntimeError, BufferError):
            pass
    return np.asarray(array)


def scaled_vector_norm(x, xp, axis=None, keepdims=False):
    """Euclidean norm that neither overflows nor underflows (hypot-style scaling).

    ``xp.linalg.vector_norm`` squares the entries: numpy returns ``inf`` for
    ``[3e200, 4e200]`` (exactly ``5e200``) and ``0`` for ``[3e-200, 4e-200]``.
    Here the entries are divided by their largest magnitude first, so the
    result is exact to rounding from subnormal numbers to ``finfo.max``.
    """
    magnitude = xp.abs(x)
    if x.size == 0:
        return xp.linalg.vector_norm(x, axis=axis, keepdims=keepdims)
    scale = xp.max(magnitude, axis=axis, keepdims=True)
    # a power of two (dividing by it is exact) at most the largest magnitude
    safe = xp.where(scale > 0, scale, xp.ones_like(scale))
    safe = 2.0 ** xp.floor(xp.log2(safe))
    norms = safe * xp.linalg.vector_norm(x / safe, axis=axis, keepdims=True)
    norms = xp.where(scale > 0, norms, xp.zeros_like(norms))
    if keepdims:
        return norms
    if axis is None:
        return xp.reshape(norms, ())
    return xp.squeeze(norms, axis=axis)
