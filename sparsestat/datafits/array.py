"""Weighted least squares on any array namespace, for FISTA (numpy, CuPy...)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from array_api_compat import device as array_device

from .._array_api import get_namespace, to_numpy

__all__ = ["ArrayProblem"]

POWER_ITERATIONS = 50


class ArrayProblem:
    """Weighted least squares with the intercept profiled out, on any namespace.

    ``F(w) = ½ Σ ŝ_i (ỹ_i − x̃_iᵀ w)²`` with normalised weights ``ŝ`` (``1/n``
    without sample weights) and ``X``, ``y`` centred implicitly by their
    weighted means (``X`` is never copied).  The datafit of the solvers written
    against the array API (``solver="fista"``, and the cvxpy reference): every
    operation is a matrix-vector product, an elementwise expression or a
    reduction of ``X``'s namespace.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        numpy, CuPy or array-api-strict array, or a scipy.sparse matrix;
        validated and finite.
    y : array of shape (n_samples,)
        Same namespace (and device) as ``X``.
    sample_weight : array-like of shape (n_samples,) or None
        Validated non-negative weights with a positive sum.
    fit_intercept : bool
        Whether the intercept is profiled out.

    Attributes
    ----------
    xp : namespace
        The array namespace of ``X`` and ``y``.
    weights : array of shape (n_samples,)
        The normalised weights ``ŝ`` (sum 1), in ``X``'s dtype.
    means : array of shape (n_features,)
        Weighted column means (zeros without an intercept).
    y_centred : array of shape (n_samples,)
        ``y`` minus its weighted mean.
    y_norm2 : float
        ``Σ ŝ_i ỹ_i²``, the scale of the duality gap.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.datafits import ArrayProblem
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    >>> problem = ArrayProblem(X, X @ [1.0, -1.0], None, fit_intercept=False)
    >>> problem.residual(np.array([1.0, -1.0]))
    array([0., 0., 0.])
    >>> round(problem.lipschitz(), 3)  # largest eigenvalue of XᵀX/n, plus 1 %
    1.785
    """

    def __init__(self, X, y, sample_weight, fit_intercept):
        xp = get_namespace(y) if sp.issparse(X) else get_namespace(X, y)
        self.xp = xp
        self.X = X
        self.y = y  # as given (the cvxpy reference solves on it)
        self.sample_weight = sample_weight
        self.dtype = X.dtype
        self.n_samples, self.n_features = X.shape
        dev = array_device(y)
        if sample_weight is None:
            weights = xp.full((self.n_samples,), 1.0 / self.n_samples, dtype=X.dtype, device=dev)
        else:
            host = np.asarray(sample_weight, dtype=np.float64)
            weights = xp.asarray(host / host.sum(), dtype=X.dtype, device=dev)
        self.weights = weights
        self.fit_intercept = bool(fit_intercept)
        if self.fit_intercept:
            self.means = _rmatvec(X, weights, xp)
            self.y_mean = xp.sum(weights * y)
        else:
            self.means = xp.zeros((self.n_features,), dtype=X.dtype, device=dev)
            self.y_mean = xp.asarray(0.0, dtype=X.dtype, device=dev)
        self.y_centred = y - self.y_mean
        self.y_norm2 = float(xp.sum(weights * self.y_centred * self.y_centred))

    @property
    def column_norms(self):
        """Centred column norms in the datafit's scaling (computed on demand: CEL0)."""
        xp = self.xp
        squares = _rmatvec(_squared(self.X), self.weights, xp) - self.means * self.means
        return np.sqrt(np.clip(np.asarray(to_numpy(squares), dtype=float), 0, None))

    def residual(self, w):
        """Centred residual ``ỹ − X̃ w``."""
        xp = self.xp
        fitted = _matvec(self.X, w, xp)
        if self.fit_intercept:
            fitted = fitted - xp.sum(self.means * w)
        return self.y_centred - fitted

    def gradient_from_residual(self, residual):
        return -_rmatvec(self.X, self.weights * residual, self.xp)

    def lipschitz(self):
        """Largest eigenvalue of ``X̃ᵀ diag(ŝ) X̃`` by power iteration."""
        xp = self.xp
        dev = array_device(self.y_centred)
        rng = np.random.default_rng(0)
        v = xp.asarray(rng.standard_normal(self.n_features), dtype=self.dtype, device=dev)
        v = v / xp.linalg.vector_norm(v)
        value = 0.0
        for _ in range(POWER_ITERATIONS):
            image = _matvec(self.X, v, xp)
            if self.fit_intercept:
                image = image - xp.sum(self.means * v)
            image = self.weights * image
            back = _rmatvec(self.X, image, xp)
            if self.fit_intercept:
                back = back - self.means * xp.sum(image)
            norm = float(xp.linalg.vector_norm(back))
            if norm == 0.0:
                return 0.0
            previous, value = value, norm
            v = back / norm
            if abs(value - previous) <= 1e-6 * value:
                break
        return value * 1.01  # power iteration approaches from below

    def intercept(self, w):
        xp = self.xp
        if not self.fit_intercept:
            return 0.0
        return float(self.y_mean - xp.sum(self.means * w))


def _matvec(X, w, xp):
    if sp.issparse(X):
        return np.asarray(X @ w).ravel()
    return xp.matmul(X, w)


def _rmatvec(X, v, xp):
    if sp.issparse(X):
        return np.asarray(X.T @ v).ravel()
    return xp.matmul(v, X)


def _squared(X):
    return X.multiply(X) if sp.issparse(X) else X * X
