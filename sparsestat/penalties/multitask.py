"""Row-wise penalties on coefficient matrices (multitask regression)."""

from __future__ import annotations

import numpy as np

from .._array_api import get_namespace, scaled_vector_norm, to_numpy
from .._validation import check_real, check_step
from . import _kernels
from ._base import Penalty, as_float_array, takes_kernel_path
from .separable import L1

__all__ = ["L21"]


class L21(Penalty):
    r"""ℓ2,1 norm of a coefficient matrix, ``pen(W) = alpha · sum_j ||W_j,:||_2``.

    ``W`` has shape ``(n_features, n_tasks)``: one row per feature, one column
    per task (the transpose of scikit-learn's ``coef_``), so a feature is kept
    or dropped for all tasks at once.  Prox: row-wise block soft thresholding,
    ``W_j ← max(1 − step·alpha/||W_j||, 0)·W_j``.

    Parameters
    ----------
    alpha : float, >= 0
        Regularization strength.

    References
    ----------
    .. [1] G. Obozinski, B. Taskar and M. I. Jordan, "Joint covariate selection
       and joint subspace selection for multiple classification problems",
       Stat. Comput. 20, 231–252, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.penalties import L21
    >>> L21(alpha=1.0).prox(np.array([[3.0, 4.0], [0.3, 0.4]]), step=1.0)
    array([[2.4, 3.2],
           [0. , 0. ]])
    """

    names = ("l21",)
    penalty_kind = "rows"

    def __init__(self, alpha=1.0):
        self._alpha = check_real(alpha, "alpha", low=0.0)
        self.alpha = alpha
        self._freeze()

    @staticmethod
    def _matrix(x, name="W", *, check_input=True):
        if check_input:
            xp, x = as_float_array(x, name)
        else:
            xp = get_namespace(x)
        if x.ndim != 2:
            raise ValueError(
                f"{name} must be a 2-D array of shape (n_features, n_tasks), got shape "
                f"{tuple(x.shape)}."
            )
        return xp, x

    def value(self, x):
        xp, x = self._matrix(x)
        return float(self._alpha * xp.sum(scaled_vector_norm(x, xp, axis=1)))

    def prox(self, x, step, *, check_input=True):
        """Row-wise block soft thresholding at ``step·alpha`` (any namespace).

        float32 and float64 numpy arrays go through the numba kernel, arrays of
        other namespaces through the array-API formula (same values to
        rounding); ``x`` is not modified.
        """
        if check_input:
            step = check_step(step)
        xp, x = self._matrix(x, check_input=check_input)
        if takes_kernel_path(x):
            return self._prox_kernel(x, float(step))
        return self._prox_array_api(x, step)

    def _prox_array_api(self, x, step):
        """The array-API formula, without input checks (any namespace)."""
        xp = get_namespace(x)
        tau = float(step) * self._alpha
        norms = scaled_vector_norm(x, xp, axis=1, keepdims=True)
        safe = xp.where(norms > tau, norms, xp.ones_like(norms))
        factor = xp.where(norms > tau, 1.0 - tau / safe, xp.zeros_like(norms))
        return x * factor

    def row_penalty(self):
        """The scalar penalty of one row norm: ``L1(alpha)``.

        ``pen(W) = sum_j L1(alpha)(||W_j,:||)``, and the prox of this penalty is
        the scalar prox applied to each row norm, ``W_j ← prox(||W_j||)/||W_j||·W_j``.
        Row-wise block coordinate descent
        (:func:`~sparsestat.solvers.multitask.solve_multitask`) takes a penalty
        in this form, so that block MCP and block SCAD share its kernels;
        ``MultiTaskSparseRegression(penalty="l21")`` hands it this object.
        """
        return L1(float(self._alpha))

    def prox_numba(self, x, step):
        """Same as :meth:`prox` through the numba kernel (numpy arrays)."""
        step = check_step(step)
        _, x = self._matrix(x)
        return self._prox_kernel(np.asarray(to_numpy(x)), step)

    def _prox_kernel(self, x, step):
        """The numba kernel on a 2-D numpy array, without input checks."""
        dtype = x.dtype
        if dtype not in (np.float32, np.float64):  # float16 and the like: no numba kernel
            x = x.astype(np.float32)
        x = np.ascontiguousarray(x)
        out = np.empty_like(x)
        _kernels.prox_rows_l2(x, step * self._alpha, out)
        return out.astype(dtype, copy=False)

    def subdiff_distance(self, x, grad):
        """Per row: ``||G_j + alpha·W_j/||W_j||||`` if ``W_j != 0``, else
        ``max(||G_j|| − alpha, 0)``.  Same namespace as ``x``, shape (n_features,)."""
        xp, x = self._matrix(x)
        _, grad = self._matrix(grad, "grad")
        if tuple(x.shape) != tuple(grad.shape):
            raise ValueError(
                f"W and grad must have the same shape, got {x.shape} and {grad.shape}."
            )
        norms = scaled_vector_norm(x, xp, axis=1, keepdims=True)
        safe = xp.where(norms > 0, norms, xp.ones_like(norms))
        moving = scaled_vector_norm(grad + self._alpha * x / safe, xp, axis=1)
        resting = xp.clip(scaled_vector_norm(grad, xp, axis=1) - self._alpha, min=0.0)
        return xp.where(norms[:, 0] > 0, moving, resting)

    def alpha_max(self, gradient_at_zero):
        """``max_j ||G_j||``: the largest row norm of the gradient at 0."""
        xp, g = self._matrix(gradient_at_zero, "gradient_at_zero")
        return float(xp.max(scaled_vector_norm(g, xp, axis=1)))

    def active_rows(self, x):
        """Indices (numpy) of the non-zero rows of ``x``."""
        xp, x = self._matrix(x)
        norms = np.asarray(to_numpy(scaled_vector_norm(x, xp, axis=1)))
        return np.flatnonzero(norms > 0)
