"""Hypothesis strategies for hostile inputs: dtypes, magnitudes, sparse layouts.

A sparse matrix drawn here is a valid scipy.sparse input whose ``toarray()`` is
the dense matrix it was built from, but it may store duplicate entries, keep its
indices unsorted, or come in any format (csr, csc, coo, lil, dok, bsr).
"""

import os

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: settings of the fast part (derandomized: the same examples on every run)
FAST = settings(
    max_examples=int(os.environ.get("SPARSESTAT_FUZZ_FAST_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
#: settings of the long part (random examples, many more of them)
LONG = settings(
    max_examples=int(os.environ.get("SPARSESTAT_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

MAGNITUDES = st.sampled_from([1e-170, 1e-150, 1e-30, 1e-8, 1.0, 1e8, 1e30, 1e150, 1e200])
SPARSE_FORMATS = st.sampled_from(["csr", "csc", "coo", "lil", "dok", "bsr"])


@st.composite
def regression_data(draw, *, min_samples=1, max_samples=24, max_features=6, n_targets=0):
    """A small dense problem ``(X, y)`` (well scaled; magnitudes are applied separately).

    ``n_targets=0``: 1-D ``y``; otherwise ``y`` has that many columns.
    """
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(min_samples, max_samples))
    p = draw(st.integers(1, max_features))
    X = rng.standard_normal((n, p))
    density = draw(st.sampled_from([1.0, 0.6, 0.3]))
    X[rng.random((n, p)) > density] = 0.0
    coef = rng.standard_normal(p if not n_targets else (p, n_targets))
    coef[rng.random(coef.shape[0]) < 0.5] = 0.0
    y = X @ coef + 0.1 * rng.standard_normal(n if not n_targets else (n, n_targets))
    return X, y


@st.composite
def hostile_sparse(draw, X):
    """A scipy.sparse matrix equal to ``X``: any format, maybe duplicates and unsorted."""
    fmt = draw(SPARSE_FORMATS)
    coo = sp.coo_matrix(X)
    rows, cols, vals = coo.row, coo.col, coo.data
    if draw(st.booleans()) and vals.size:  # split entries into duplicates
        k = draw(st.integers(2, 5))
        rows, cols = np.repeat(rows, k), np.repeat(cols, k)
        vals = np.repeat(vals / k, k)
    if draw(st.booleans()) and vals.size:  # shuffle the stored order
        order = np.random.default_rng(draw(st.integers(0, 1000))).permutation(vals.size)
        rows, cols, vals = rows[order], cols[order], vals[order]
    if fmt in ("csr", "csc"):
        # build the compressed arrays by hand: the constructors would sum duplicates
        major, minor = (rows, cols) if fmt == "csr" else (cols, rows)
        order = np.argsort(major, kind="stable")
        major, minor, data = major[order], minor[order], vals[order]
        n_major = X.shape[0] if fmt == "csr" else X.shape[1]
        indptr = np.searchsorted(major, np.arange(n_major + 1)).astype(np.int32)
        cls = sp.csr_matrix if fmt == "csr" else sp.csc_matrix
        return cls((data, minor.astype(np.int32), indptr), shape=X.shape)
    matrix = sp.coo_matrix((vals, (rows, cols)), shape=X.shape)
    return matrix if fmt == "coo" else matrix.asformat(fmt)


@st.composite
def hostile_arrays(draw, shape):
    """An array of ``shape`` that may hold NaN/inf, huge or tiny values, any dtype."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.standard_normal(shape) * draw(MAGNITUDES)
    kind = draw(st.sampled_from(["float64", "float32", "int64", "bool", "nan", "inf", "f16"]))
    if kind == "nan" and values.size:
        values.flat[draw(st.integers(0, values.size - 1))] = np.nan
    elif kind == "inf" and values.size:
        values.flat[draw(st.integers(0, values.size - 1))] = np.inf
    elif kind in ("float32", "int64", "bool"):
        with np.errstate(over="ignore", invalid="ignore"):
            values = (
                values.astype(kind)
                if kind != "int64"
                else np.round(np.clip(values, -1e6, 1e6)).astype(np.int64)
            )
    elif kind == "f16":
        with np.errstate(over="ignore"):
            values = values.astype(np.float16)
    if draw(st.booleans()) and values.ndim == 2 and values.shape[1] > 1:
        values = np.asfortranarray(values)
    if draw(st.booleans()):
        values.setflags(write=False)
    return values


def is_clear_error(error):
    """A ValueError/TypeError raised on purpose, not leaked from numba or numpy internals."""
    if not isinstance(error, (ValueError, TypeError)):
        return False
    module = type(error).__module__
    if module.startswith("numba"):
        return False
    message = str(error)
    leaked = ("cannot reshape", "zero-size array", "index ", "Failed in nopython", "object has no")
    return bool(message) and not any(text in message for text in leaked)
