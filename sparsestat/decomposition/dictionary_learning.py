r"""Mini-batch dictionary learning with ℓ1, ℓ0, ℓ1/2, ℓ2/3, ℓq and CEL0 codes."""

from __future__ import annotations

import math
import warnings

import numpy as np
from array_api_compat import device as array_device
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, is_numpy_namespace, to_numpy
from .._progress import progress
from .._validation import (
    Anything,
    Boolean,
    Integer,
    Options,
    RandomState,
    Real,
    check_finite_array,
    validate_params,
)
from .sparse_coding import CODING_PENALTIES, learning_codes, sparse_encode

__all__ = ["DictionaryLearning"]


class DictionaryLearning(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    r"""Learn a dictionary whose atoms code the data sparsely (Olshausen–Field model).

    Minimises, over the dictionary ``D`` (unit-norm atoms, rows of
    ``components_``) and the codes ``r_i``,

    .. math:: \sum_i \tfrac12\|x_i - r_i D\|^2 + \mathrm{pen}(r_i)

    by mini-batches, with any thresholding penalty of
    :func:`~sparsestat.decomposition.sparse_encode`.  Two learners:

    ``fit_algorithm="sgd"`` (default), the learner of Rentzeperis et al.
    (2023): each batch is coded by ISTA from zero codes with the fixed step
    ``code_step`` until the batch's codes change by less than ``code_tol``
    (relative, in Frobenius norm), then the atoms take one stochastic-gradient
    step ``D ← D + η_t Rᵀ(X − RD) / v`` and are renormalised, with the
    time-based decay ``η_t = η / (1 + η t / 50)`` of the authors' code and
    ``v`` the mean square of the training data (1 for the whitened patches of
    :func:`~sparsestat.datasets.load_image_patches`; it makes ``η`` free of
    the data's scale).  Over the last ``anneal`` fraction of :meth:`fit`'s
    batches the rate also falls linearly to zero: at a constant rate the
    atoms keep the noise of the last batches' gradients, which hides the
    filters, most of all the nonconvex penalties'; the annealed steps average
    it out (``anneal=0`` is the authors' schedule, the user guide measures
    both).
    The early stop of ISTA from zero leaves the codes
    shrunk, which is what makes the atoms of the nonconvex penalties
    oriented, localised filters: with fully converged ℓ0 codes the atoms stay
    noise (see the user guide).  ISTA keeps ``step·||d_j||² < 1``, so CEL0 is
    the continuous relaxation there, not ℓ0.

    ``fit_algorithm="bcd"``: the online block-coordinate scheme of Mairal et
    al.: codes by ``transform_algorithm``, running statistics ``A = Σ rᵀr``
    and ``B = Σ rᵀx`` with the forgetting factor ``forget``, one exact pass
    over the atoms per batch; an atom no code uses is restarted on a signal
    of the batch.  It lowers the objective faster per batch but, on natural
    images, its atoms stay far less V1-like (user guide).

    Runs on numpy (numba kernels) and on other array-API libraries
    (array-API ISTA/FISTA codes, matrix-product updates; tested with
    array-api-strict, not yet run on a GPU).  On numpy, the ``"sgd"`` codes of
    a batch come from the numba kernel, whose cost grows with the non-zero
    codes, or, on a dictionary with more than twice as many atoms as
    features and dense enough codes in the last batch, from the dense
    factored gradient ``(R D − X) Dᵀ`` (the same iterates up to rounding;
    ``sparsestat.decomposition.sparse_coding.learning_codes``).

    Parameters
    ----------
    n_components : int, default=None
        Number of atoms (None: n_features).
    penalty : str or penalty object, default="l1"
        Thresholding of the codes (``"l1"``, ``"l0"``, ``"half"``,
        ``"two_thirds"``, ``"lq"``, ``"cel0"``...; see :func:`sparse_encode`).
    alpha : float, default=1.0
        Strength of the penalty (the threshold scales with it).
    q : float in (0, 1), optional
        Exponent of ``penalty="lq"``.
    fit_algorithm : {"sgd", "bcd"}, default="sgd"
        The learner (see above).
    learning_rate : float, default=5e-3
        ``η`` of ``"sgd"``, per signal of the batch for data of unit mean
        square (the authors' 5e-3 with batches of 250).
    anneal : float in [0, 1), default=0.4
        ``"sgd"``: fraction of :meth:`fit`'s batches, at the end, over which
        the learning rate decreases linearly to zero (:meth:`partial_fit`
        keeps the time-based decay only, as the stream's end is unknown).
    code_step : float, default=0.05
        ISTA step of the codes during ``"sgd"`` learning (the authors' value;
        lowered to ``1/||D||²`` when the dictionary needs it).
    code_tol : float, default=1e-2
        Relative change of a batch's codes at which ``"sgd"``'s ISTA stops.
    batch_size : int, default=256
        Signals per mini-batch.
    n_epochs : int, default=10
        Passes over the data in :meth:`fit`.
    forget : float in [0, 1), default=0.5
        ``"bcd"``: weight of the previous statistics at each batch.
    dict_init : array of shape (n_components, n_features), optional
        Starting dictionary (default: Gaussian atoms, normalised).
    transform_algorithm : {"auto", "cd", "fista", "ista"}, default="auto"
        How :meth:`transform` (and ``"bcd"`` learning) codes signals: the
        ``algorithm`` of :func:`sparse_encode`.
    transform_max_iter : int, default=1000
        ``max_iter`` of the encodings (also bounds ``"sgd"``'s ISTA).
    transform_tol : float, default=1e-6
        ``tol`` of :meth:`transform` and of ``"bcd"``'s codes.
    positive : bool, default=False
        Non-negative codes.
    n_jobs : int, optional
        Threads of the CPU coordinate-descent encoder.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial atoms, the batch order and atom restarts.
    verbose : int, default=0
        Progress bar over epochs (tqdm, when installed).

    Attributes
    ----------
    components_ : array of shape (n_components, n_features)
        The atoms, unit-norm rows.
    error_ : list of float
        Mean squared reconstruction error of each epoch's batches (with the
        codes of the learner).
    sparsity_ : list of float
        Fraction of non-zero code coefficients in each epoch (same codes).
    n_iter_ : int
        Epochs run.
    n_steps_ : int
        Batches processed (fit and partial_fit).
    n_unconverged_ : int
        Batches (``"sgd"``) or signals (``"bcd"``) whose codes hit
        ``transform_max_iter`` during learning.
    n_features_in_ : int
        Number of features seen in fit.

    References
    ----------
    .. [1] B. A. Olshausen and D. J. Field, "Emergence of simple-cell receptive
       field properties by learning a sparse code for natural images", Nature
       381, 607–609, 1996.
    .. [2] L. Rentzeperis, L. Calatroni, L. U. Perrinet and D. Prandi, "Beyond ℓ1
       sparse coding in V1", PLOS Comput. Biol. 19(9), e1011459, 2023.
    .. [3] J. Mairal, F. Bach, J. Ponce and G. Sapiro, "Online dictionary learning
       for sparse coding", ICML 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import DictionaryLearning
    >>> X = np.random.default_rng(0).standard_normal((200, 16))
    >>> model = DictionaryLearning(8, penalty="cel0", alpha=0.5, n_epochs=2, random_state=0)
    >>> model.fit(X).components_.shape
    (8, 16)
    """

    _parameter_constraints = {
        "n_components": [None, Integer(low=1)],
        "penalty": [Options(*CODING_PENALTIES), Anything()],
        "alpha": [Real(low=0.0)],
        "q": [None, Real(0.0, 1.0, low_inclusive=False, high_inclusive=False)],
        "fit_algorithm": [Options("sgd", "bcd")],
        "learning_rate": [Real(low=0.0, low_inclusive=False)],
        "anneal": [Real(0.0, 1.0, high_inclusive=False)],
        "code_step": [Real(low=0.0, low_inclusive=False)],
        "code_tol": [Real(low=0.0)],
        "batch_size": [Integer(low=1)],
        "n_epochs": [Integer(low=1)],
        "forget": [Real(0.0, 1.0, high_inclusive=False)],
        "transform_algorithm": [Options("auto", "cd", "fista", "ista")],
        "transform_max_iter": [Integer(low=1)],
        "transform_tol": [Real(low=0.0)],
        "positive": [Boolean()],
        "random_state": [RandomState()],
        "verbose": [Integer(low=0), Boolean()],
    }

    def __init__(
        self,
        n_components=None,
        *,
        penalty="l1",
        alpha=1.0,
        q=None,
        fit_algorithm="sgd",
        learning_rate=5e-3,
        anneal=0.4,
        code_step=0.05,
        code_tol=1e-2,
        batch_size=256,
        n_epochs=10,
        forget=0.5,
        dict_init=None,
        transform_algorithm="auto",
        transform_max_iter=1000,
        transform_tol=1e-6,
        positive=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.penalty = penalty
        self.alpha = alpha
        self.q = q
        self.fit_algorithm = fit_algorithm
        self.learning_rate = learning_rate
        self.anneal = anneal
        self.code_step = code_step
        self.code_tol = code_tol
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.forget = forget
        self.dict_init = dict_init
        self.transform_algorithm = transform_algorithm
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
        n_components = n_features if self.n_components is None else self.n_components
        if self.dict_init is not None:
            D = xp.asarray(self.dict_init, dtype=X.dtype, device=array_device(X))
            if tuple(D.shape) != (n_components, n_features):
                raise ValueError(
                    f"dict_init must have shape ({n_components}, {n_features}), got "
                    f"{tuple(D.shape)}."
                )
            D = xp.asarray(D, copy=True)  # never write into the user's dict_init
        else:
            init = rng.standard_normal((n_components, n_features))
            D = xp.asarray(init, dtype=X.dtype, device=array_device(X))
        self.components_ = _normalize_rows(D, xp)
        self._A = self._B = None  # "bcd"'s running statistics, made by its first batch
        start = rng.standard_normal(n_features)
        self._top_vector = xp.asarray(
            start / np.linalg.norm(start), dtype=X.dtype, device=array_device(X)
        )
        mean_square = float(xp.mean(X * X))
        if not math.isfinite(mean_square):  # the squared errors would overflow: NaN error_
            raise ValueError(
                "X is too large in magnitude: the mean of X² overflows in floating point; "
                "rescale X (e.g. divide it by its largest absolute value)."
            )
        self._data_scale2 = mean_square if mean_square > 0 else 1.0
        self.n_steps_ = 0
        self.n_unconverged_ = 0
        self._code_density = None  # the last batch's share of non-zero codes

    def _encode(self, X, return_info=False):
        """Codes of ``X`` on the current dictionary, with the transform settings."""
        return sparse_encode(
            X,
            self.components_,
            penalty=self.penalty,
            alpha=self.alpha,
            q=self.q,
            algorithm=self.transform_algorithm,
            max_iter=self.transform_max_iter,
            tol=self.transform_tol,
            positive=self.positive,
            n_jobs=self.n_jobs,
            return_info=return_info,
        )

    def _lipschitz(self, xp):
        """``||D||²`` by power iterations warm-started from the last batch's vector.

        The dictionary moves little per batch, so a few products with ``D``
        track the top singular value (an SVD per batch costs more than the
        codes on a loaded machine); 5 % of margin covers the residual error.
        """
        D = self.components_
        vector = self._top_vector
        value = 0.0
        for _ in range(5):
            image = xp.matmul(xp.matrix_transpose(D), xp.matmul(D, vector))
            value = float(xp.linalg.vector_norm(image))
            if value == 0.0:
                return 0.0
            vector = image / value
        self._top_vector = vector
        return 1.05 * value

    def _learning_codes(self, batch, xp):
        """``"sgd"``: ISTA from zero at ``code_step``, stopped by the batch rule of the paper."""
        return learning_codes(
            batch,
            self.components_,
            penalty=self.penalty,
            alpha=self.alpha,
            q=self.q,
            positive=self.positive,
            step=self.code_step,
            tol=self.code_tol,
            max_iter=self.transform_max_iter,
            lipschitz=self._lipschitz(xp),
            density=getattr(self, "_code_density", None),  # checkpoints from before it
        )

    def _step(self, batch, xp, rng, rate_scale=1.0):
        """One mini-batch; ``rate_scale`` multiplies ``"sgd"``'s learning rate (the anneal)."""
        D = self.components_
        if self.fit_algorithm == "sgd":
            codes, converged = self._learning_codes(batch, xp)
            self.n_unconverged_ += int(not converged)
            residual = batch - xp.matmul(codes, D)
            rate = self.learning_rate / (1.0 + self.learning_rate * self.n_steps_ / 50.0)
            rate *= rate_scale
            D = D + (rate / self._data_scale2) * xp.matmul(xp.matrix_transpose(codes), residual)
            D = _normalize_rows(D, xp)
        else:
            with warnings.catch_warnings():  # counted in n_unconverged_ instead
                warnings.simplefilter("ignore", ConvergenceWarning)
                codes, info = self._encode(batch, return_info=True)
            self.n_unconverged_ += int(np.sum(~info["converged"]))
            forget = self.forget
            scale = 1.0 / batch.shape[0]
            if getattr(self, "_A", None) is None:  # only "bcd" keeps them (n_components² values)
                shape = (D.shape[0], D.shape[0])
                self._A = xp.zeros(shape, dtype=D.dtype, device=array_device(D))
                self._B = xp.zeros_like(D)
            self._A = forget * self._A + scale * xp.matmul(xp.matrix_transpose(codes), codes)
            self._B = forget * self._B + scale * xp.matmul(xp.matrix_transpose(codes), batch)
            D = xp.asarray(D, copy=True)
            diagonal = np.asarray(to_numpy(xp.linalg.diagonal(self._A)), dtype=float)
            for j in range(D.shape[0]):
                if diagonal[j] <= 1e-12:  # unused atom: restart it on a signal of the batch
                    atom = batch[int(rng.integers(batch.shape[0])), :]
                else:
                    residual_j = self._B[j, :] - xp.matmul(self._A[j, :], D)
                    atom = D[j, :] + residual_j / float(diagonal[j])
                norm = float(xp.linalg.vector_norm(atom))
                if norm > 0:
                    D[j, :] = atom / norm
            residual = batch - xp.matmul(codes, D)
        self.components_ = D
        self.n_steps_ += 1
        error = float(xp.mean(residual * residual))
        density = float(xp.mean(xp.astype(codes != 0, batch.dtype)))
        self._code_density = density
        return error, density

    # -------------------------------------------------------------------- API
    def fit(self, X, y=None):
        """Learn the dictionary from ``X`` (n_samples, n_features).

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            Training signals (numpy, CuPy or array-api-strict).
        y : None
            Ignored.

        Returns
        -------
        self : DictionaryLearning
        """
        X = self._start_fit(X)
        self._fit_epochs(X)
        return self._end_fit()

    # A fit is three steps so that a learning of hours can stop after any epoch
    # and resume in another process: the model pickled between two
    # ``_fit_epochs`` calls holds the whole state (the batch-order generator,
    # the epoch, the step count of the schedule), and the resumed fit gives the
    # atoms of an uninterrupted one, bit for bit (benchmarks/bench_v1.py
    # --checkpoint; tests/decomposition/test_dictionary_learning.py).
    def _start_fit(self, X):
        """Validate ``X`` and draw the initial state; returns the checked ``X``."""
        validate_params(self)
        X = self._check_X(X, reset=True)
        xp = get_namespace(X)
        self._fit_rng = np.random.default_rng(
            check_random_state(self.random_state).randint(2**31 - 1)
        )
        self._initialize(X, xp, self._fit_rng)
        self.error_, self.sparsity_ = [], []
        self._fit_epoch = 0
        return X

    def _fit_epochs(self, X, n_epochs=None):
        """Run the next ``n_epochs`` epochs of the fit (None: up to ``self.n_epochs``)."""
        xp = get_namespace(X)
        n_samples = X.shape[0]
        total = self.n_epochs * -(-n_samples // self.batch_size)
        anneal_start = (1.0 - self.anneal) * total
        first = self._fit_epoch
        stop = self.n_epochs if n_epochs is None else min(self.n_epochs, first + n_epochs)
        rng = self._fit_rng
        for _ in progress(range(first, stop), self.verbose, stop - first, "dictionary learning"):
            order = xp.asarray(rng.permutation(n_samples), device=array_device(X))
            errors, densities = [], []
            for start in range(0, n_samples, self.batch_size):
                batch = xp.take(X, order[start : start + self.batch_size], axis=0)
                step = self.n_steps_
                scale = 1.0 if step < anneal_start else (total - step) / (total - anneal_start)
                error, density = self._step(batch, xp, rng, rate_scale=scale)
                errors.append(error)
                densities.append(density)
            self.error_.append(float(np.mean(errors)))
            self.sparsity_.append(float(np.mean(densities)))
            self._fit_epoch += 1
        return self._fit_epoch

    def _end_fit(self):
        """After the last epoch: the fitted attributes and the all-zero-codes warning."""
        if self._fit_epoch != self.n_epochs:
            raise RuntimeError(f"the fit has run {self._fit_epoch} of its {self.n_epochs} epochs")
        del self._fit_rng, self._fit_epoch
        self.n_iter_ = self.n_epochs
        if self.sparsity_[-1] == 0.0:
            how = (
                "ISTA from zero at code_step keeps no coefficient: lower alpha or raise code_step"
                if self.fit_algorithm == "sgd"
                else "lower alpha"
            )
            warnings.warn(
                f"DictionaryLearning: every code of the last epoch is zero, so the atoms did not "
                f"learn from the data ({how}).",
                UserWarning,
                stacklevel=3,
            )
        return self

    def partial_fit(self, X, y=None):
        """Update the dictionary with one batch ``X`` (streams).

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            One mini-batch.
        y : None
            Ignored.

        Returns
        -------
        self : DictionaryLearning
        """
        validate_params(self)
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
        """Sparse codes of ``X`` on the learned dictionary.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            Signals to code.

        Returns
        -------
        codes : array of shape (n_samples, n_components)
        """
        check_is_fitted(self, "components_")
        X = self._check_X(X, reset=False)
        return self._encode(X)

    def inverse_transform(self, codes):
        """Signals ``codes @ components_``.

        Parameters
        ----------
        codes : array of shape (n_samples, n_components)
            Codes on the learned dictionary.

        Returns
        -------
        X : array of shape (n_samples, n_features)
        """
        check_is_fitted(self, "components_")
        xp = get_namespace(codes, self.components_)
        return xp.matmul(codes, self.components_)

    @property
    def _n_features_out(self):
        """Number of atoms (``get_feature_names_out`` names the codes after them)."""
        return int(self.components_.shape[0])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _normalize_rows(D, xp):
    norms = xp.linalg.vector_norm(D, axis=1, keepdims=True)
    return D / xp.where(norms > 1e-8, norms, xp.full_like(norms, 1e-8))
