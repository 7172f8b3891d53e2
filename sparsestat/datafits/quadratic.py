r"""The (weighted) least-squares datafit, with the intercept profiled out.

.. math::

    F(w) = \min_b \frac{1}{2\sum_i s_i} \sum_i s_i (y_i - x_i^\top w - b)^2

With unit sample weights this is :math:`\frac{1}{2n}\|y - Xw - b\|^2`, the
scaling of :class:`sklearn.linear_model.Lasso`.

The solvers never centre, rescale or reorder ``X``: no copy of it is made.
They work on the raw residual ``r = ŷ − X̂ w`` and one scalar ``v_r = vᵀ r``,
where ``X̂ = diag(ρ) X`` and ``ŷ = ρ ∘ y`` with a row scale ``ρ`` applied on the
fly, and ``v = ρ`` is the "intercept column":

* unit weights: ``ρ = 1``, ``V = vᵀv = n`` and the datafit carries the factor
  ``scale2 = 1/n``;
* sample weights ``s`` (normalised to ``ŝ = s / Σ s``): ``ρ = √ŝ``, ``V = 1``,
  ``scale2 = 1``.

With ``m_j = vᵀX̂_j / V`` (the weighted column means), the centred gradient
and curvature are

    g_j = −scale2 · (X̂_jᵀ r − m_j · v_r),    L_j = scale2 · ||X̂_j − m_j v||²,

a coordinate update ``w_j += δ`` costs ``r −= δ X̂_j`` and
``v_r −= δ m_j V`` (only the non-zeros of a sparse column are touched), the
datafit value is ``scale2/2 · (||r||² − v_r²/V)`` and the intercept is
``b = v_r / V``.  Without intercept ``m = 0`` and ``v_r`` is ignored.

Layouts the kernels read (one compiled specialization serves the dense ones):

* ``LAYOUT_ROWS``: C-ordered dense ``X`` as given, shape (n, p);
* ``LAYOUT_COLUMNS``: Fortran-ordered dense ``X`` passed as its transpose, a
  C-ordered (p, n) array whose rows are the columns of ``X``;
* ``LAYOUT_SPARSE``: CSC arrays in canonical form (a CSR input, or one with
  duplicate stored entries, is converted once).

The coordinate-descent solver copies only the columns of its working set (into
a compact ``LAYOUT_COLUMNS`` block), so its memory is O(n·|working set|).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .._numba import njit
from .._validation import canonical_csc

__all__ = ["QuadraticProblem", "LAYOUT_ROWS", "LAYOUT_COLUMNS", "LAYOUT_SPARSE"]

LAYOUT_ROWS = 0
LAYOUT_COLUMNS = 1
LAYOUT_SPARSE = 2


# The numba kernels take a problem as two module-level named tuples (numba passes
# them as structs, and caches the kernels that take them; no jitclass).
class KernelDesign(NamedTuple):
    """A design as the working-set kernels read it.

    ``layout`` (``LAYOUT_*``); ``X`` the C-ordered dense array in that layout
    (an empty (0, 0) array when sparse); ``data``, ``indices``, ``indptr`` the
    CSC arrays (empty when dense); ``rho`` the row scale.  A working-set block
    (``_cd_kernels.gather_block``) is one too, in the columns or sparse layout,
    with its rows scaled already (its ``rho`` serves ``vᵀr``).
    """

    layout: int
    X: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    rho: np.ndarray


class KernelDatafit(NamedTuple):
    """The datafit's statistics as the kernels read them (see :class:`QuadraticProblem`).

    ``means`` and ``lipschitz`` are per column: of the full design, or of a
    working-set block's columns inside the kernels.
    """

    y: np.ndarray
    V: float
    scale2: float
    means: np.ndarray
    lipschitz: np.ndarray
    fit_intercept: bool
    vy: float
    y_norm2: float


_GRAM_CHUNK_ROWS = 8192


@njit(cache=True)
def _column_stats(
    layout, X, data, indices, indptr, rho, V, fit_intercept, means, sq_dev, sq_norms
):
    """Weighted means ``vᵀX̂_j/V``, ``||X̂_j − m_j v||²`` and ``||X̂_j||²``.

    ``X̂ = diag(rho) X`` and ``v = rho``.  Two passes (the centred sum of
    squares is not a difference of large numbers).
    """
    p = means.shape[0]
    n = rho.shape[0]
    if layout == LAYOUT_ROWS:
        sums = np.zeros(p)
        if fit_intercept:
            for i in range(n):
                weight = rho[i] * rho[i]
                for j in range(p):
                    sums[j] += weight * X[i, j]
            for j in range(p):
                means[j] = sums[j] / V
        for i in range(n):
            r = rho[i]
            for j in range(p):
                x = r * X[i, j]
                d = x - r * means[j]
                sq_dev[j] += d * d
                sq_norms[j] += x * x
        return
    for j in range(p):
        mean = 0.0
        total = 0.0
        raw = 0.0
        if layout == LAYOUT_COLUMNS:
            if fit_intercept:
                for i in range(n):
                    mean += rho[i] * rho[i] * X[j, i]
                mean /= V
            for i in range(n):
                x = rho[i] * X[j, i]
                d = x - rho[i] * mean
                total += d * d
                raw += x * x
        else:
            if fit_intercept:
                for k in range(indptr[j], indptr[j + 1]):
                    i = indices[k]
                    mean += rho[i] * rho[i] * data[k]
                mean /= V
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                x = rho[i] * data[k]
                d = x - rho[i] * mean
                total += d * d - rho[i] * rho[i] * mean * mean
                raw += x * x
            total += mean * mean * V
        means[j] = mean
        sq_dev[j] = total
        sq_norms[j] = raw


class QuadraticProblem:
    """Arrays the CD / Gram / FISTA solvers need for one least-squares problem.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n_samples, n_features)
        Validated, finite, float32 or float64.  Never copied (a non-contiguous
        dense view or a CSR matrix is converted once, and so is a dense array
        whose buffer is not aligned — as arrays deserialised by
        ``dask.distributed`` can be —, on which numpy's matrix products skip
        BLAS and run several times slower).  A sparse matrix with duplicate
        stored entries is summed on a copy (the caller's matrix is untouched).
    y : ndarray of shape (n_samples,) or (n_samples, n_tasks)
        Several columns for multitask problems (read by the multitask solver).
    sample_weight : ndarray of shape (n_samples,) or None
        Validated non-negative weights with a positive sum.
    fit_intercept : bool
        Whether the intercept is profiled out (``X`` and ``y`` centred implicitly).

    Attributes
    ----------
    layout : int
        ``LAYOUT_ROWS``, ``LAYOUT_COLUMNS`` or ``LAYOUT_SPARSE``.
    X_kernel : ndarray
        C-ordered 2-D array as the kernels read it (see the module docstring);
        an empty (0, 0) array for sparse ``X``.
    data, indices, indptr : CSC arrays (empty for dense X)
    rho : ndarray of shape (n_samples,)
        Row scale (``v``); ones without sample weights.
    y : ndarray of shape (n_samples,)
        ``ŷ = rho ∘ y``.
    V, scale2 : float
    means, lipschitz : float64 ndarrays of shape (n_features,)
    y_norm2 : float
        ``scale2·||ŷ − (vᵀŷ/V) v||²``, the centred ``||b||²`` of the duality gap.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.datafits import QuadraticProblem
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> problem = QuadraticProblem(X, X @ [1.0, 0.0, 0.0, -2.0])
    >>> problem.n_samples, problem.n_features, problem.lipschitz.round(3)
    (50, 4, array([0.86 , 0.707, 1.011, 1.078]))
    """

    def __init__(self, X, y, sample_weight=None, fit_intercept=True):
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        self.fit_intercept = bool(fit_intercept)
        self.weighted = sample_weight is not None
        n = self.n_samples
        if self.weighted:
            normalised = np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight)
            self.rho = np.sqrt(normalised).astype(X.dtype)
            self.V = 1.0
            self.scale2 = 1.0
        else:
            self.rho = np.ones(n, dtype=X.dtype)
            self.V = float(n)
            self.scale2 = 1.0 / n
        self.v = self.rho
        y = np.asarray(y, dtype=X.dtype)
        rho_y = self.rho if y.ndim == 1 else self.rho[:, None]
        self.y = np.ascontiguousarray(rho_y * y, dtype=X.dtype)
        self.is_sparse = sp.issparse(X)
        if not self.is_sparse and not X.flags.aligned:
            X = np.array(X, order="K")
        if self.is_sparse:
            csc = canonical_csc(X)
            X = csc
            self.layout = LAYOUT_SPARSE
            self.data = np.ascontiguousarray(csc.data)
            self.indices = np.ascontiguousarray(csc.indices)
            self.indptr = np.ascontiguousarray(csc.indptr)
            self.X_kernel = np.zeros((0, 0), dtype=X.dtype)
        else:
            if X.flags.f_contiguous and not X.flags.c_contiguous:
                self.layout = LAYOUT_COLUMNS
                self.X_kernel = X.T
            else:
                self.layout = LAYOUT_ROWS
                self.X_kernel = np.ascontiguousarray(X)
            self.data = np.zeros(0, dtype=X.dtype)
            self.indices = np.zeros(0, dtype=np.int32)
            self.indptr = np.zeros(1, dtype=np.int32)
        self.X = X
        self.means = np.zeros(self.n_features)
        sq_dev = np.zeros(self.n_features)
        raw_norms = np.zeros(self.n_features)
        _column_stats(
            self.layout,
            self.X_kernel,
            self.data,
            self.indices,
            self.indptr,
            self.rho.astype(np.float64),
            self.V,
            self.fit_intercept,
            self.means,
            sq_dev,
            raw_norms,
        )
        self.lipschitz = self.scale2 * sq_dev
        # columns that are constant (after centring) carry no information: L_j = 0
        # (an overflowed, infinite one stays infinite: check_finite_problem refuses it)
        # Columns whose squares underflow (|x| below ~1e-154) would pass for constant
        # ones: flagged, so that the estimators refuse them instead of returning 0.
        self.underflow = False
        tiny = np.flatnonzero(raw_norms < 1e-300)
        if tiny.size:
            block = self.X[:, tiny]
            largest = abs(block).max(axis=0)
            largest = largest.toarray() if sp.issparse(largest) else np.asarray(largest)
            self.underflow = bool(np.any(np.asarray(largest, dtype=np.float64).ravel() > 0))
        constant = self.lipschitz <= 1e-12 * self.scale2 * np.maximum(raw_norms, 1e-300)
        self.lipschitz[constant & np.isfinite(self.lipschitz)] = 0.0
        y64 = self.y.astype(np.float64)
        v64 = self.v.astype(np.float64)
        if y64.ndim == 1:
            self.vy = float(v64 @ y64)
            centred = y64 - (self.vy / self.V) * v64 if self.fit_intercept else y64
        else:  # several tasks (columns of y): vy per task
            self.vy = v64 @ y64
            centred = y64 - np.outer(v64, self.vy / self.V) if self.fit_intercept else y64
        self.y_norm2 = float(self.scale2 * np.sum(centred * centred))
        # a non-constant y whose centred squares underflow would pass for a constant one
        # (rounding leaves residues of about eps·|y| when y is constant: those are 0)
        self.y_underflow = bool(
            self.y_norm2 < 1e-305
            and np.any(np.abs(centred) > 1e-10 * float(np.max(np.abs(y64), initial=0.0)))
        )

    def kernel_arguments(self):
        """``(KernelDesign, KernelDatafit)``: the problem as the numba kernels take it.

        One place for the arguments shared by the coordinate-descent and
        block-coordinate-descent kernels.
        """
        datafit = KernelDatafit(
            self.y,
            float(self.V),
            float(self.scale2),
            self.means,
            self.lipschitz,
            self.fit_intercept,
            float(self.vy),
            float(self.y_norm2),
        )
        return self.kernel_design(), datafit

    def kernel_design(self):
        """The design as the numba kernels read it: a :class:`KernelDesign`."""
        return KernelDesign(
            self.layout, self.X_kernel, self.data, self.indices, self.indptr, self.rho
        )

    @property
    def column_norms(self):
        """``sqrt(L_j)``: norms of the centred columns in the datafit's scaling."""
        return np.sqrt(self.lipschitz)

    def matvec(self, w):
        """``X̂ w`` (float64)."""
        product = np.asarray(self.X @ np.asarray(w, dtype=np.float64), dtype=np.float64).ravel()
        return self.rho * product

    def rmatvec(self, r):
        """``X̂ᵀ r`` (float64)."""
        scaled = self.rho.astype(np.float64) * np.asarray(r, dtype=np.float64)
        return np.asarray(self.X.T @ scaled, dtype=np.float64).ravel()

    def residual(self, w):
        """Raw residual ``ŷ − X̂ w`` (in the problem dtype) and ``v_r = vᵀ r``."""
        r = (self.y.astype(np.float64) - self.matvec(w)).astype(self.dtype)
        return r, float(self.v.astype(np.float64) @ r.astype(np.float64))

    def gradient(self, w):
        """Centred gradient of the datafit at ``w`` (float64)."""
        r, vr = self.residual(w)
        g = self.rmatvec(r.astype(np.float64))
        if self.fit_intercept:
            g = g - self.means * vr
        return -self.scale2 * g

    def value(self, w):
        """Datafit value at ``w`` (intercept profiled out)."""
        r, vr = self.residual(w)
        r = r.astype(np.float64)
        total = r @ r
        if self.fit_intercept:
            total -= vr * vr / self.V
        return 0.5 * self.scale2 * total

    def intercept(self, w):
        """The optimal intercept for ``w`` (0 without intercept)."""
        if not self.fit_intercept:
            return 0.0
        _, vr = self.residual(w)
        return vr / self.V

    def gram(self):
        """Centred ``Q = scale2·X̃ᵀX̃`` and ``q = scale2·X̃ᵀỹ`` (float64) for the Gram solver.

        Dense ``X`` is processed by blocks of rows, so the extra memory is
        O(block·p + p²) whatever the number of samples.
        """
        return self._moments(with_gram=True)

    def gram_rhs(self):
        """``q = scale2·X̃ᵀỹ`` alone (float64), for a Gram matrix the user precomputed."""
        return self._moments(with_gram=False)[1]

    def _moments(self, with_gram):
        rho = self.rho.astype(np.float64)
        y = self.y.astype(np.float64)
        XtX = None
        if self.is_sparse:
            scaled = sp.diags(rho) @ self.X.astype(np.float64)
            if with_gram:
                XtX = np.asarray((scaled.T @ scaled).todense())
            Xty = np.asarray(scaled.T @ y).ravel()
        else:
            if with_gram:
                XtX = np.zeros((self.n_features, self.n_features))
            Xty = np.zeros(self.n_features)
            for start in range(0, self.n_samples, _GRAM_CHUNK_ROWS):
                stop = min(start + _GRAM_CHUNK_ROWS, self.n_samples)
                block = np.asarray(self.X[start:stop], dtype=np.float64)
                if self.weighted:
                    block = block * rho[start:stop, None]
                if with_gram:
                    XtX += block.T @ block
                Xty += block.T @ y[start:stop]
        if self.fit_intercept:
            if with_gram:
                XtX -= self.V * np.outer(self.means, self.means)
            Xty -= self.means * self.vy
        if not with_gram:
            return None, self.scale2 * Xty
        Q = self.scale2 * XtX
        Q[self.lipschitz == 0.0, :] = 0.0
        Q[:, self.lipschitz == 0.0] = 0.0
        return np.ascontiguousarray(Q), self.scale2 * Xty
