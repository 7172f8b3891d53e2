r"""Mini-batch dictionary learning with ℓ1, ℓ0, ℓ1/2, ℓ2/3, ℓq and CEL0 codes."""

from __future__ import annotations

import warnings

import numpy as np
from array_api_compat import device as array_device
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, is_numpy_namespace, to_numpy
from .._progress import progress
from .._validation import check_finite_array, check_integer, check_real
from .sparse_coding import sparse_encode

__all__ = ["DictionaryLearning"]


class DictionaryLearning(TransformerMixin, BaseEstimator):
    r"""Learn a dictionary whose atoms code the data sparsely (Olshausen–Field model).

    Minimises, over the dictionary ``D`` (unit-norm atoms, rows of
    ``components_``) and the codes ``r_i``,

    .. math:: \sum_i \tfrac12\|x_i - r_i D\|^2 + \mathrm{pen}(r_i)

    by mini-batch alternating minimisation: each batch is encoded with
    :func:`~sparsestat.decomposition.sparse_encode` (any of its thresholding
    penalties), then the running statistics ``A = Σ rᵀr`` and ``B = Σ rᵀx``
    (with a forgetting factor, the online scheme of Mairal et al.) drive one
    block-coordinate pass over the atoms, each renormalised to unit norm; an
    atom no code uses is replaced by a random signal of the batch.  Runs on
    numpy (coordinate-descent encoding in numba) and on CuPy / other array-API
    libraries (FISTA encoding).

    Parameters
    ----------
    n_components : int, default=None
        Number of atoms (None: n_features).
    penalty : {"l1", "l0", "half", "two_thirds", "lq", "cel0"}, default="l1"
    alpha : float, default=1.0
    q : float in (0, 1), optional (penalty="lq")
    batch_size : int, default=256
    n_epochs : int, default=10
    forget : float in [0, 1), default=0.5
        Weight of the previous statistics at each batch.
    dict_init : array of shape (n_components, n_features), optional
    transform_max_iter, transform_tol : int, float
        Settings of the encodings (during fit and in :meth:`transform`).
    positive : bool, default=False
        Non-negative codes.
    n_jobs : int, optional
        Threads of the CPU encoder.
    random_state : int, RandomState instance or None
    verbose : int, default=0
        Progress bar over epochs (tqdm, when installed).

    Attributes
    ----------
    components_ : array of shape (n_components, n_features)
    error_ : list of float
        Mean squared reconstruction error of each epoch's batches.
    sparsity_ : list of float
        Fraction of non-zero code coefficients in each epoch.
    n_iter_ : int
        Epochs run.
    n_steps_ : int
        Batches processed (fit and partial_fit).
    n_unconverged_ : int
        Signals whose encoding hit ``transform_max_iter`` during learning (no
        warning inside the loop; a few are harmless, many suggest raising it).

    References
    ----------
    .. [1] B. A. Olshausen and D. J. Field, "Emergence of simple-cell receptive
       field properties by learning a sparse code for natural images", Nature
       381, 607–609, 1996.
    .. [2] L. Rentzeperis, L. Calatroni, L. U. Perrinet and D. Prandi, "Beyond ℓ1
       sparse coding in V1", PLOS Comput. Biol. 19(9), e1011459, 2023.
    .. [3] J. Mairal, F. Bach, J. Ponce and G. Sapiro, "Online dictionary learning
       for sparse coding", ICML 2009.
    """

    def __init__(
        self,
        n_components=None,
        *,
        penalty="l1",
        alpha=1.0,
        q=None,
        batch_size=256,
        n_epochs=10,
        forget=0.5,
        dict_init=None,
        transform_max_iter=200,
        transform_tol=1e-4,
        positive=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.penalty = penalty
        self.alpha = alpha
        self.q = q
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.forget = forget
        self.dict_init = dict_init
        self.transform_max_iter = transform_max_iter
        self.transform_tol = transform_tol
        self.positive = positive
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ---------------------------------------------------------------- helpers
    def _check_X(self, X, reset):
        if not hasattr(X, "__array_namespace__") or is_numpy_namespace(get_namespace(X)):
            return validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])
        xp = get_namespace(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D, got shape {tuple(X.shape)}.")
        if not xp.isdtype(X.dtype, "real floating"):
            X = xp.astype(X, xp.float64)
        check_finite_array(X, "X")
        if reset:
            self.n_features_in_ = X.shape[1]
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but the dictionary has {self.n_features_in_}."
            )
        return X

    def _initialize(self, X, xp, rng):
        n_features = X.shape[1]
        n_components = (
            n_features
            if self.n_components is None
            else check_integer(self.n_components, "n_components", low=1)
        )
        if self.dict_init is not None:
            D = xp.asarray(self.dict_init, dtype=X.dtype, device=array_device(X))
            if tuple(D.shape) != (n_components, n_features):
                raise ValueError(
                    f"dict_init must have shape ({n_components}, {n_features}), got "
                    f"{tuple(D.shape)}."
                )
        else:
            init = rng.standard_normal((n_components, n_features))
            D = xp.asarray(init, dtype=X.dtype, device=array_device(X))
        norms = xp.linalg.vector_norm(D, axis=1, keepdims=True)
        D = D / xp.where(norms > 0, norms, xp.ones_like(norms))
        self.components_ = D
        self._A = xp.zeros((n_components, n_components), dtype=X.dtype, device=array_device(X))
        self._B = xp.zeros((n_components, n_features), dtype=X.dtype, device=array_device(X))
        self.n_steps_ = 0
        self.n_unconverged_ = 0

    def _encode(self, X, return_info=False):
        """Codes of ``X`` on the current dictionary, with the estimator's coding settings."""
        return sparse_encode(
            X,
            self.components_,
            penalty=self.penalty,
            alpha=self.alpha,
            q=self.q,
            max_iter=self.transform_max_iter,
            tol=self.transform_tol,
            positive=self.positive,
            n_jobs=self.n_jobs,
            return_info=return_info,
        )

    def _step(self, batch, xp, rng):
        with warnings.catch_warnings():  # counted in n_unconverged_ instead
            warnings.simplefilter("ignore", ConvergenceWarning)
            codes, info = self._encode(batch, return_info=True)
        self.n_unconverged_ += int(np.sum(~info["converged"]))
        forget = check_real(self.forget, "forget", low=0.0, high=1.0, high_inclusive=False)
        scale = 1.0 / batch.shape[0]
        self._A = forget * self._A + scale * xp.matmul(xp.matrix_transpose(codes), codes)
        self._B = forget * self._B + scale * xp.matmul(xp.matrix_transpose(codes), batch)
        D = self.components_
        if self.n_steps_ == 0:
            D = xp.asarray(D, copy=True)  # never write into the user's dict_init
        diagonal = np.asarray(to_numpy(xp.linalg.diagonal(self._A)), dtype=float)
        for j in range(D.shape[0]):
            if diagonal[j] <= 1e-12:  # unused atom: restart it on a signal of the batch
                pick = int(rng.integers(batch.shape[0]))
                atom = batch[pick, :]
            else:
                residual = self._B[j, :] - xp.matmul(self._A[j, :], D)
                atom = D[j, :] + residual / float(diagonal[j])
            norm = float(xp.linalg.vector_norm(atom))
            if norm > 0:
                D[j, :] = atom / norm
        self.components_ = D
        self.n_steps_ += 1
        reconstruction = batch - xp.matmul(codes, D)
        error = float(xp.mean(reconstruction * reconstruction))
        density = float(xp.mean(xp.astype(codes != 0, batch.dtype)))
        return error, density

    # -------------------------------------------------------------------- API
    def fit(self, X, y=None):
        """Learn the dictionary from ``X`` (n_samples, n_features)."""
        X = self._check_X(X, reset=True)
        xp = get_namespace(X)
        batch_size = check_integer(self.batch_size, "batch_size", low=1)
        n_epochs = check_integer(self.n_epochs, "n_epochs", low=1)
        check_real(self.alpha, "alpha", low=0.0)
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        self._initialize(X, xp, rng)
        self.error_, self.sparsity_ = [], []
        n_samples = X.shape[0]
        for _ in progress(range(n_epochs), self.verbose, n_epochs, "dictionary learning"):
            order = xp.asarray(rng.permutation(n_samples), device=array_device(X))
            errors, densities = [], []
            for start in range(0, n_samples, batch_size):
                batch = xp.take(X, order[start : start + batch_size], axis=0)
                error, density = self._step(batch, xp, rng)
                errors.append(error)
                densities.append(density)
            self.error_.append(float(np.mean(errors)))
            self.sparsity_.append(float(np.mean(densities)))
        self.n_iter_ = n_epochs
        return self

    def partial_fit(self, X, y=None):
        """Update the dictionary with one batch ``X`` (streams)."""
        first = not hasattr(self, "components_")
        X = self._check_X(X, reset=first)
        xp = get_namespace(X)
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        if first:
            self._initialize(X, xp, rng)
            self.error_, self.sparsity_ = [], []
            self.n_iter_ = 0
        error, density = self._step(X, xp, rng)
        self.error_.append(error)
        self.sparsity_.append(density)
        return self

    def transform(self, X):
        """Sparse codes of ``X`` on the learned dictionary."""
        check_is_fitted(self, "components_")
        X = self._check_X(X, reset=False)
        return self._encode(X)

    def inverse_transform(self, codes):
        """Signals ``codes @ components_``."""
        check_is_fitted(self, "components_")
        xp = get_namespace(codes, self.components_)
        return xp.matmul(codes, self.components_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
