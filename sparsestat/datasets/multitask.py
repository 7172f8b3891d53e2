"""Simulated multitask representation learning with a sparse target combination."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.utils import check_random_state

from .._validation import check_integer, check_real

__all__ = ["MultitaskRepresentation", "make_multitask_representation"]


@dataclass
class MultitaskRepresentation:
    """A source/target model ``y = xᵀ B w_task + noise`` with ``w_target = W ν``.

    Built by :func:`make_multitask_representation`; its :meth:`sample` draws
    data of one task (``task = -1`` for the target).

    Parameters
    ----------
    B : ndarray of shape (n_features, rank)
        Shared representation (orthonormal columns).
    W : ndarray of shape (rank, n_sources)
        Source heads.
    nu : ndarray of shape (n_sources,)
        Sparse combination: the target head is ``W @ nu``.
    noise : float
        Standard deviation of the Gaussian noise.
    rng : numpy.random.Generator
        Random generator used by :meth:`sample`.

    Attributes
    ----------
    B : ndarray of shape (n_features, rank)
        Shared representation (orthonormal columns).
    W : ndarray of shape (rank, n_sources)
        Source heads.
    nu : ndarray of shape (n_sources,)
        Sparse combination: the target head is ``W @ nu``.
    noise : float
        Standard deviation of the Gaussian noise.
    rng : numpy.random.Generator
        Random generator used by :meth:`sample`.

    Examples
    --------
    >>> from sparsestat.datasets import make_multitask_representation
    >>> truth = make_multitask_representation(6, 10, 2, 2, random_state=0)
    >>> truth.n_sources, truth.n_features, truth.B.shape
    (6, 10, (10, 2))
    >>> X, y = truth.sample(-1, 4)  # four rows of the target task
    >>> X.shape, y.shape
    ((4, 10), (4,))
    """

    B: np.ndarray
    W: np.ndarray
    nu: np.ndarray
    noise: float
    rng: np.random.Generator = field(repr=False)

    @property
    def n_sources(self):
        return self.W.shape[1]

    @property
    def n_features(self):
        return self.B.shape[0]

    @property
    def target_coef(self):
        """``θ_target = B W ν`` in feature space."""
        return self.B @ (self.W @ self.nu)

    def source_coef(self, task):
        """``θ_m = B w_m`` of source ``task`` (0-based)."""
        task = check_integer(task, "task", low=0, high=self.n_sources - 1)
        return self.B @ self.W[:, task]

    def sample(self, task, n):
        """``n`` samples ``(X, y)`` of source ``task`` (0-based; -1 for the target).

        Inputs are standard Gaussian, so the excess risk of a coefficient vector
        ``c`` on the target is ``||c − θ_target||²``.
        """
        task = check_integer(task, "task", low=-1, high=self.n_sources - 1)
        n = check_integer(n, "n", low=0)
        coef = self.target_coef if task == -1 else self.source_coef(task)
        X = self.rng.standard_normal((n, self.n_features))
        y = X @ coef + self.noise * self.rng.standard_normal(n)
        return X, y

    def target_excess_risk(self, coef):
        """``E[(xᵀ(coef − θ_target))²] = ||coef − θ_target||²``."""
        return float(np.sum((np.asarray(coef) - self.target_coef) ** 2))


def make_multitask_representation(
    n_sources=20,
    n_features=30,
    rank=3,
    n_relevant=3,
    *,
    noise=1.0,
    random_state=None,
):
    """Simulate the setting of Wang, Chen, Jamieson and Du (ICML 2023).

    ``n_sources`` source tasks share a ``rank``-dimensional representation ``B``
    (random orthonormal columns); each has a Gaussian head ``w_m``; the target
    head is ``W ν`` with a sparse ``ν`` whose ``n_relevant`` non-zero entries are
    uniform in ±[0.5, 1.5].

    Parameters
    ----------
    n_sources : int
        Number of source tasks.
    n_features : int
        Dimension of the inputs ``x``.
    rank : int
        Dimension of the shared representation ``B`` (<= ``n_features``).
    n_relevant : int in [1, n_sources]
        Number of source tasks with a non-zero weight in ``ν``.
    noise : float > 0, default=1.0
        Standard deviation of the Gaussian noise of every task.
    random_state : int, RandomState instance or None, default=None
        Seed of the model and of its :meth:`~MultitaskRepresentation.sample` draws.

    Returns
    -------
    MultitaskRepresentation
        With a ``sample(task, n)`` method usable as a :class:`TaskSelector`
        sampling callback.

    References
    ----------
    .. [1] Y. Wang, Y. Chen, K. Jamieson and S. S. Du, "Improved active
       multi-task representation learning via Lasso", ICML 2023.

    Examples
    --------
    >>> from sparsestat.datasets import make_multitask_representation
    >>> model = make_multitask_representation(10, 20, 2, 2, random_state=0)
    >>> X, y = model.sample(3, 5)
    >>> X.shape, y.shape, int((model.nu != 0).sum())
    ((5, 20), (5,), 2)
    """
    n_sources = check_integer(n_sources, "n_sources", low=1)
    n_features = check_integer(n_features, "n_features", low=1)
    rank = check_integer(rank, "rank", low=1, high=n_features)
    n_relevant = check_integer(n_relevant, "n_relevant", low=1, high=n_sources)
    noise = check_real(noise, "noise", low=0.0, low_inclusive=False)
    seed = check_random_state(random_state).randint(0, 2**31 - 1)
    rng = np.random.default_rng(seed)
    B, _ = np.linalg.qr(rng.standard_normal((n_features, rank)))
    W = rng.standard_normal((rank, n_sources))
    nu = np.zeros(n_sources)
    relevant = rng.choice(n_sources, n_relevant, replace=False)
    nu[relevant] = rng.uniform(0.5, 1.5, n_relevant) * rng.choice([-1.0, 1.0], n_relevant)
    return MultitaskRepresentation(B=B, W=W, nu=nu, noise=noise, rng=rng)
