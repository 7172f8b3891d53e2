r"""Sparse coding with convex and nonconvex thresholding (ℓ1, ℓ0, ℓ1/2, ℓ2/3, ℓq, CEL0)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.sparse as sp
from array_api_compat import device as array_device
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning

from .._array_api import get_namespace, is_numpy_namespace, to_numpy
from .._validation import check_finite_array, check_integer, check_real
from ..penalties import CEL0, SeparablePenalty, make_penalty, penalty_names
from ..penalties._registry import penalty_class, penalty_parameters
from . import _coding_kernels

__all__ = ["sparse_encode", "SparseCoder"]

#: The penalty names of sparse coding: every separable penalty of make_penalty,
#: with the aliases ("half", "two_thirds": ℓq with q = 1/2 and 2/3)
CODING_PENALTIES = penalty_names("separable", aliases=True)
_CHUNK = 4096  # signals encoded per block (bounds the memory of X Dᵀ)
# ISTA / FISTA (numba): a Gram matrix above this many bytes no longer stays in
# cache, and the kernel applies the gradient changes of a block of signals atom
# by atom, each row of G read once per block, instead of once per change of every
# signal (same bits).  benchmarks/bench_coding_update.py times both orders on a
# quiet machine: by signal wins or ties up to 1,448 atoms (16 MiB), by atom wins
# at 2,048 (32 MiB); beside other processes sharing the cache the line moves down
GRAM_CACHED_BYTES = 24 * 2**20
# Learning codes (ISTA from zero, numpy): the kernel's cost grows with the
# non-zero codes (a row of G per changed coordinate), the factored gradient
# (R D − X) Dᵀ costs two dense BLAS-3 products whatever the codes.  On a
# dictionary of more than twice as many atoms as features the factored form is
# used once the learner's last batch had at least this many non-zeros per
# signal per feature, half as many once G is above GRAM_CACHED_BYTES (the
# kernel then streams its rows from memory); benchmarks/bench_coding_update.py,
# "learning codes by density"
FACTORED_NONZEROS = 0.6


def _factored_learning_codes(n_components, n_features, density):
    """Whether ``learning_codes`` takes the factored gradient (see FACTORED_NONZEROS)."""
    if density is None or n_components <= 2 * n_features:
        return False
    line = FACTORED_NONZEROS
    if n_components * n_components * 8 > GRAM_CACHED_BYTES:
        line /= 2
    return density * n_components >= line * n_features


def _coding_penalty(penalty, alpha, atom_norms, q=None, positive=False):
    """The penalty object of ``sparse_encode``'s ``penalty``, ``alpha``, ``q``, ``positive``.

    A name goes to :func:`~sparsestat.penalties.make_penalty` with those of
    the arguments its class takes; a penalty with ``column_norms`` (CEL0)
    takes the atoms' norms (the columns of ``Dᵀ`` in ``½||x − rD||²``).
    """
    if isinstance(penalty, SeparablePenalty):
        return penalty
    if not isinstance(penalty, str) or penalty not in CODING_PENALTIES:
        raise ValueError(
            f"penalty must be one of {CODING_PENALTIES} or a separable penalty object, got "
            f"{penalty!r}."
        )
    alpha = check_real(alpha, "alpha", low=0.0)
    accepted = penalty_parameters(penalty)
    if "q" in accepted and q is None:
        raise ValueError(f"penalty={penalty!r} needs q in (0, 1).")
    if "column_norms" in accepted and np.any(np.asarray(atom_norms) == 0):
        raise ValueError(
            f"{penalty_class(penalty).__name__} needs non-zero atoms: the dictionary has "
            f"atoms of norm 0 (rows {np.flatnonzero(np.asarray(atom_norms) == 0).tolist()[:10]})."
        )
    settings = {"alpha": alpha, "q": q, "positive": positive, "column_norms": atom_norms}
    return make_penalty(
        penalty, **{name: value for name, value in settings.items() if name in accepted}
    )


def make_coding_penalty(penalty, alpha, atom_norms, q=None, positive=False):
    """Deprecated alias: the penalty object of a sparse-coding ``penalty`` name.

    Kept for callers of the old name (it was listed in this module's
    ``__all__``).  Use :func:`sparsestat.penalties.make_penalty`, e.g.
    ``make_penalty("cel0", alpha=alpha, column_norms=atom_norms)``.

    Parameters
    ----------
    penalty : str or SeparablePenalty
        As in :func:`sparse_encode`.
    alpha : float
        Strength of the penalty.
    atom_norms : array-like of shape (n_components,)
        Norms of the atoms (CEL0's column norms).
    q : float, optional
        Exponent of ``penalty="lq"``.
    positive : bool, default=False
        Constrain the codes to be non-negative.

    Returns
    -------
    SeparablePenalty
    """
    warnings.warn(
        "make_coding_penalty is deprecated; use sparsestat.penalties.make_penalty.",
        DeprecationWarning,
        stacklevel=2,
    )
    return _coding_penalty(penalty, alpha, atom_norms, q=q, positive=positive)


def _as_array(value, name):
    """Array-API arrays pass through; lists, DataFrames and the like become numpy arrays."""
    if sp.issparse(value):
        raise TypeError(
            f"{name} must be a dense array; scipy.sparse input is not supported here (use "
            f"{name}.toarray())."
        )
    if hasattr(value, "__array_namespace__"):
        if get_namespace(value).isdtype(value.dtype, "complex floating"):
            raise TypeError(f"{name} must be real, got complex values.")
        return value
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array-like of numbers: {error}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise TypeError(f"{name} must be an array-like of numbers, got dtype {array.dtype}.")
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must be real, got complex values.")
    return array


def _check_dictionary(X, dictionary, xp):
    if dictionary.ndim != 2:
        raise ValueError(
            f"dictionary must be 2-D (n_components, n_features), got shape {dictionary.shape}."
        )
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}.")
    if dictionary.shape[1] != X.shape[1]:
        raise ValueError(
            f"the dictionary's atoms have {dictionary.shape[1]} features but X has "
            f"{X.shape[1]}; dictionary must have shape (n_components, {X.shape[1]})."
        )
    check_finite_array(X, "X")
    check_finite_array(dictionary, "dictionary")


#: ``sparse_encode``'s default ``max_iter`` for coordinate descent (passes)
CD_MAX_PASSES = 5000


def sparse_encode(
    X,
    dictionary,
    *,
    penalty="l1",
    alpha=1.0,
    q=None,
    algorithm="auto",
    max_iter=None,
    tol=1e-6,
    step=None,
    init=None,
    positive=False,
    n_jobs=None,
    return_info=False,
):
    r"""Sparse codes of the rows of ``X`` on ``dictionary``.

    Each row ``x`` gets the code ``r`` minimising

    .. math:: \tfrac12\|x - r D\|_2^2 + \mathrm{pen}(r),

    with ``D`` = ``dictionary`` (n_components, n_features).  For ``penalty="l1"``
    this is the problem of ``sklearn.decomposition.sparse_encode`` with
    ``algorithm="lasso_cd"`` and the same ``alpha`` (scikit-learn divides both
    terms by ``n_features`` internally, which does not change the minimiser).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        numpy, CuPy or array-api-strict.
    dictionary : array of shape (n_components, n_features)
        The atoms, as rows (any norms; CEL0 uses them).
    penalty : str or penalty object, default="l1"
        A separable penalty's name of :func:`~sparsestat.penalties.make_penalty`
        (``penalty_names("separable", aliases=True)``): ``"l1"``, ``"l0"``,
        ``"half"``, ``"two_thirds"`` (soft, hard, ℓ1/2 and ℓ2/3 thresholding,
        closed forms), general ``"lq"`` (needs ``q``), ``"cel0"`` (with the
        atoms' norms), and the others (``"elasticnet"``, ``"mcp"``,
        ``"scad"``...) with their default parameters; or a separable penalty
        object, used as given.
    alpha : float, default=1.0
        Strength of the penalty.
    q : float in (0, 1), optional
        Exponent of ``penalty="lq"``.
    algorithm : {"auto", "cd", "fista", "ista"}, default="auto"
        ``"cd"``: exact coordinate descent on the Gram matrix ``D Dᵀ``, one
        signal at a time, in numba, chunks of signals in parallel threads
        (numpy only).  For a nonconvex penalty a code that starts at zero
        follows a continuation on ``alpha`` (from the value at which the code
        is empty, halving down to ``alpha``), so the strongest atoms enter
        first: plain coordinate descent from zero admits atoms in index order
        and stalls in poor local minima with large supports.  With unit-norm
        atoms the coordinate step is ``1/||d_j||² = 1``, where CEL0's prox is
        hard thresholding: ``"cel0"`` then gives exactly the ``"l0"`` codes.
        ``"ista"`` / ``"fista"``: proximal gradient with ``step`` (on numpy a
        numba kernel that updates the gradient through the changed
        coordinates; elsewhere one matrix product per iteration, array-API
        generic); there ``step·||d_j||² < 1`` and CEL0 is
        the continuous relaxation of ℓ0, with its own path and stationary
        points.  ``"auto"``: cd on numpy, fista otherwise.
    max_iter : int, optional
        Passes (cd) or iterations (fista/ista).  Default: 5000 passes for cd
        (on 10⁴ whitened 16×16 patches and 1024 coherent atoms, a few ℓ1/2
        and ℓ2/3 codes need 1000 to 1700 passes; the others stop much
        earlier), 1000 iterations for fista/ista.
    tol : float, default=1e-6
        A signal stops when its largest coefficient change is at most ``tol``
        times its largest coefficient.
    step : float, optional
        Step of ista/fista (default and upper bound: ``1/||D||₂²``, the
        inverse Lipschitz constant of the gradient).  Rentzeperis et al. code
        with a fixed step of 0.05 on unit-norm atoms.  Not used by cd.
    init : array of shape (n_samples, n_components), optional
        Warm start (not modified).
    positive : bool, default=False
        Non-negative codes.
    n_jobs : int, optional
        Threads for ``algorithm="cd"``, with joblib's meaning (None: 1 unless a
        ``joblib.parallel_backend`` context says otherwise; -1: all cores).
    return_info : bool, default=False
        Also return ``{"n_iter": per-signal passes, "converged": per-signal bool}``.

    Returns
    -------
    codes : array of shape (n_samples, n_components)
        Same namespace and dtype as ``X``.
    info : dict, only with ``return_info``

    References
    ----------
    .. [1] L. Rentzeperis, L. Calatroni, L. U. Perrinet and D. Prandi, "Beyond ℓ1
       sparse coding in V1", PLOS Comput. Biol. 19(9), e1011459, 2023.
    .. [2] B. A. Olshausen and D. J. Field, "Emergence of simple-cell receptive
       field properties by learning a sparse code for natural images", Nature
       381, 607–609, 1996.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import sparse_encode
    >>> D = np.eye(3)
    >>> sparse_encode(np.array([[3.0, 0.5, -2.0]]), D, penalty="l0", alpha=1.0)
    array([[ 3.,  0., -2.]])
    """
    X = _as_array(X, "X")
    dictionary = _as_array(dictionary, "dictionary")
    xp = get_namespace(X, dictionary)
    if not xp.isdtype(X.dtype, "real floating") or X.dtype == getattr(xp, "float16", None):
        X = xp.astype(X, xp.float64)  # (float16: no linear algebra in that precision)
    dictionary = xp.astype(dictionary, X.dtype)
    _check_dictionary(X, dictionary, xp)
    tol = check_real(tol, "tol", low=0.0)
    if algorithm not in ("auto", "cd", "fista", "ista"):
        raise ValueError(f"algorithm must be 'auto', 'cd', 'fista' or 'ista', got {algorithm!r}.")
    on_numpy = is_numpy_namespace(xp)
    if algorithm == "auto":
        algorithm = "cd" if on_numpy else "fista"
    if max_iter is None:
        max_iter = CD_MAX_PASSES if algorithm == "cd" else 1000
    max_iter = check_integer(max_iter, "max_iter", low=1)
    if algorithm == "cd" and not on_numpy:
        raise ValueError("algorithm='cd' runs on numpy arrays; use 'fista' for other libraries.")
    gram = xp.matmul(dictionary, xp.matrix_transpose(dictionary))
    _check_finite_gram(gram, xp)
    atom_norms = np.sqrt(np.clip(np.diag(np.asarray(to_numpy(gram), dtype=float)), 0, None))
    pen = _coding_penalty(penalty, alpha, atom_norms, q=q, positive=positive)
    n_samples, n_components = X.shape[0], dictionary.shape[0]
    if init is None:
        codes = xp.zeros((n_samples, n_components), dtype=X.dtype, device=array_device(X))
    else:
        codes = xp.asarray(init, dtype=X.dtype, copy=True)
        if tuple(codes.shape) != (n_samples, n_components):
            raise ValueError(
                f"init must have shape ({n_samples}, {n_components}), got {tuple(codes.shape)}."
            )
        check_finite_array(codes, "init")
    if algorithm != "cd":
        lipschitz = _dictionary_lipschitz(dictionary, xp)
        step = _check_coding_step(step, lipschitz)
    if isinstance(pen, CEL0):
        _check_cel0_steps(pen, algorithm, atom_norms, step)
    if algorithm == "cd":
        codes, n_iter, converged = _encode_cd(
            X, dictionary, gram, codes, pen, max_iter, tol, n_jobs
        )
    elif on_numpy:
        codes, n_iter, converged = _encode_proximal_numba(
            X, dictionary, gram, codes, pen, step, algorithm == "fista", max_iter, tol, False
        )
    else:
        codes, n_iter, converged = _encode_proximal(
            X,
            dictionary,
            gram,
            codes,
            pen,
            step,
            max_iter,
            tol,
            xp,
            accelerated=algorithm == "fista",
        )
    n_failed = int(np.sum(~converged))
    if n_failed:
        warnings.warn(
            f"sparse_encode: {n_failed} of {n_samples} signals did not converge in "
            f"max_iter={max_iter} (tol={tol:g}); increase max_iter or loosen tol.",
            ConvergenceWarning,
            stacklevel=2,
        )
    if not bool(xp.all(xp.isfinite(codes))):
        raise ValueError(
            "sparse_encode: the codes overflowed (X @ dictionary.T or the iterates are not "
            "finite in float64); rescale X and the dictionary, e.g. divide X by its largest "
            "absolute value."
        )
    if return_info:
        return codes, {"n_iter": n_iter, "converged": converged}
    return codes


def alpha_for_sparsity(
    X, dictionary, target, *, penalty="l1", q=None, low=1e-4, high=100.0, n_steps=20, tol=1e-4
):
    """The ``alpha`` whose codes have the fraction ``target`` of active units.

    How sparse-coding penalties are compared at equal sparsity (Rentzeperis
    et al. 2023): bisection on ``alpha`` in log scale between ``low`` and
    ``high``, coding ``X`` with :func:`sparse_encode` at each step (at the
    looser ``tol``, which leaves the support, and so the density, unchanged
    in practice).  The density falls as ``alpha`` grows, so the bracket
    shrinks around the target.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Signals to code (a subsample is enough).
    dictionary : array of shape (n_components, n_features)
        The atoms, as rows.
    target : float in (0, 1)
        Fraction of non-zero code entries wanted.
    penalty : str, default="l1"
        As in :func:`sparse_encode`.
    q : float, optional
        Exponent of ``penalty="lq"``.
    low, high : float, default=1e-4 and 100.0
        Initial bracket of ``alpha`` (``0 < low < high``).
    n_steps : int, default=20
        Bisection steps.
    tol : float, default=1e-4
        Tolerance of the codes computed during the search.

    Returns
    -------
    float
        The geometric middle of the final bracket.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import alpha_for_sparsity, sparse_encode
    >>> rng = np.random.default_rng(0)
    >>> D = rng.standard_normal((20, 10))
    >>> D /= np.linalg.norm(D, axis=1, keepdims=True)
    >>> X = rng.standard_normal((200, 10))
    >>> alpha = alpha_for_sparsity(X, D, 0.1, penalty="l0")
    >>> bool(abs(np.mean(sparse_encode(X, D, penalty="l0", alpha=alpha) != 0) - 0.1) < 0.02)
    True
    """
    target = check_real(
        target, "target", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    low = check_real(low, "low", low=0.0, low_inclusive=False)
    high = check_real(high, "high", low=low, low_inclusive=False)
    n_steps = check_integer(n_steps, "n_steps", low=1)
    for _ in range(n_steps):
        alpha = math.sqrt(low * high)
        codes = sparse_encode(
            X, dictionary, penalty=penalty, alpha=alpha, q=q, tol=tol, max_iter=10_000
        )
        density = float(np.mean(np.asarray(to_numpy(codes)) != 0))
        low, high = (alpha, high) if density > target else (low, alpha)
    return math.sqrt(low * high)


def _check_finite_gram(gram, xp):
    """ValueError when ``D Dᵀ`` overflows (atoms too large to square in floating point)."""
    if not bool(xp.all(xp.isfinite(gram))):
        raise ValueError(
            "dictionary is too large in magnitude: its Gram matrix D Dᵀ overflows "
            "(atom norms squared are not finite); rescale the dictionary (and X)."
        )


def _dictionary_lipschitz(dictionary, xp):
    """``||D||²`` (largest singular value squared), 0 for a dictionary without atoms."""
    if dictionary.shape[0] == 0:
        return 0.0
    top = float(xp.max(xp.linalg.svdvals(dictionary)))
    return top * top  # a float product: inf on overflow, where ``** 2`` raises


def _check_coding_step(step, lipschitz):
    """The proximal-gradient step: ``1/L`` by default, at most ``1/L``; None when L = 0."""
    if lipschitz == 0.0 or not np.isfinite(lipschitz):
        return None
    bound = 1.0 / lipschitz
    if step is None:
        return bound
    step = check_real(step, "step", low=0.0, low_inclusive=False)
    if step > bound * (1.0 + 1e-12):
        raise ValueError(
            f"step must be at most 1/||D||² = {bound:.6g} (the inverse Lipschitz constant of "
            f"the gradient) for ista/fista to decrease the objective, got {step!r}."
        )
    return step


def _check_cel0_steps(penalty, algorithm, atom_norms, step):
    """CEL0's prox needs step·a_j² <= 1 for the steps the algorithm takes."""
    norms = np.asarray(penalty.column_norms, dtype=float)
    if norms.shape != atom_norms.shape:
        raise ValueError(
            f"CEL0 column_norms has {norms.size} entries for {atom_norms.size} atoms."
        )
    if algorithm == "cd":  # steps 1/||d_j||²
        if np.any(norms > atom_norms * (1 + 1e-9)):
            raise ValueError(
                "CEL0 column_norms exceed the atoms' norms: coordinate steps 1/||d_j||² "
                "break the prox's condition step·a_j² <= 1."
            )
        return
    if step is not None:
        penalty._check_step_value(step)


def _encode_cd(X, dictionary, gram, codes, penalty, max_iter, tol, n_jobs, continuation=2.0):
    G = np.ascontiguousarray(gram, dtype=np.float64)
    code = int(penalty.kernel_code)
    params = penalty.kernel_params
    weights = np.ascontiguousarray(penalty.coordinate_weights(G.shape[0]), dtype=np.float64)
    R = np.ascontiguousarray(codes, dtype=np.float64)
    n_samples = X.shape[0]
    n_iter = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    D = np.asarray(dictionary, dtype=np.float64)

    def encode(start):
        stop = min(start + _CHUNK, n_samples)
        C = np.ascontiguousarray(np.asarray(X[start:stop], dtype=np.float64) @ D.T)
        _coding_kernels.gram_cd_codes(
            G,
            C,
            R[start:stop],
            code,
            params,
            weights,
            max_iter,
            tol,
            continuation,
            n_iter[start:stop],
            converged[start:stop],
        )

    starts = range(0, n_samples, _CHUNK)
    # joblib's meaning of n_jobs (None: 1 unless a backend says otherwise, -1: all
    # cores); threads, since the kernel releases the GIL
    if effective_n_jobs(n_jobs) > 1 and n_samples > _CHUNK:
        Parallel(n_jobs=n_jobs, prefer="threads")(delayed(encode)(start) for start in starts)
    else:
        for start in starts:
            encode(start)
    return R.astype(X.dtype, copy=False), n_iter, converged


def _encode_proximal_numba(
    X, dictionary, gram, codes, penalty, step, accelerated, max_iter, tol, batch_rule,
    by_atom=None,
):  # fmt: skip
    """ISTA / FISTA on numpy through the numba kernel (sparse gradient updates).

    ``by_atom``: the kernel's update order (None: atom by atom when the Gram
    matrix is above ``GRAM_CACHED_BYTES``; both orders give the same bits).
    """
    n_samples = X.shape[0]
    if step is None:  # a zero dictionary: every code is 0
        return codes, np.ones(n_samples, dtype=np.int64), np.ones(n_samples, dtype=bool)
    G = np.ascontiguousarray(gram, dtype=np.float64)
    C = np.ascontiguousarray(
        np.asarray(X, dtype=np.float64) @ np.asarray(dictionary, dtype=np.float64).T
    )
    R = np.ascontiguousarray(codes, dtype=np.float64)
    weights = np.ascontiguousarray(penalty.coordinate_weights(G.shape[0]), dtype=np.float64)
    n_iter = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    _coding_kernels.proximal_gradient_codes(
        G,
        C,
        R,
        int(penalty.kernel_code),
        penalty.kernel_params,
        weights,
        float(step),
        bool(accelerated),
        max_iter,
        tol,
        bool(batch_rule),
        n_iter,
        converged,
        G.nbytes > GRAM_CACHED_BYTES if by_atom is None else bool(by_atom),
    )
    return R.astype(X.dtype, copy=False), n_iter, converged


def _encode_proximal(
    X,
    dictionary,
    gram,
    codes,
    penalty,
    step,
    max_iter,
    tol,
    xp,
    accelerated,
    batch_rule=False,
    factored=False,
):
    """Batch ISTA / FISTA (with gradient restart, per signal), array-API generic.

    ``batch_rule`` (ISTA only): stop the whole batch when
    ``||ΔR||_F < tol (tol + ||R||_F)`` (Rentzeperis et al.) instead of per
    signal; the loop then keeps no per-signal state.  ``factored``: the gradient as
    ``(R D − X) Dᵀ`` (two products with ``D``, ``gram`` unused) instead of
    ``R G − X Dᵀ``; cheaper when there are more than twice as many atoms as
    features.
    """
    n_samples = X.shape[0]
    if step is None:  # a zero dictionary: every code is 0
        return codes, np.ones(n_samples, dtype=np.int64), np.ones(n_samples, dtype=bool)
    atoms_t = xp.matrix_transpose(dictionary)
    C = None if factored else xp.matmul(X, atoms_t)

    def gradient(point):
        if factored:
            return xp.matmul(xp.matmul(point, dictionary) - X, atoms_t)
        return xp.matmul(point, gram) - C

    if batch_rule:  # the batch stops at once: no per-signal state
        if accelerated:
            raise ValueError("batch_rule is the stopping rule of ISTA, not of FISTA")
        current = codes
        for iteration in range(1, max_iter + 1):
            moved = gradient(current)
            moved *= -step
            moved += current
            new = penalty.prox(moved, step, check_input=False)
            change = float(xp.linalg.vector_norm(new - current))
            done = change < tol * (tol + float(xp.linalg.vector_norm(current)))
            current = new
            if done:
                n_iter = np.full(n_samples, iteration, dtype=np.int64)
                return current, n_iter, np.ones(n_samples, dtype=bool)
        return current, np.full(n_samples, max_iter, dtype=np.int64), np.zeros(n_samples, bool)
    current = codes
    momentum = codes
    t = xp.ones((n_samples, 1), dtype=X.dtype, device=array_device(X))
    active = xp.ones((n_samples,), dtype=xp.bool, device=array_device(X))
    n_iter = np.full(n_samples, max_iter, dtype=np.int64)
    for iteration in range(1, max_iter + 1):
        grad = gradient(momentum)
        new = penalty.prox(momentum - step * grad, step, check_input=False)
        change = xp.max(xp.abs(new - current), axis=1)
        scale = xp.max(xp.abs(new), axis=1)
        finished = change <= tol * scale
        if accelerated:
            restart = xp.sum((momentum - new) * (new - current), axis=1) > 0
            t_new = 0.5 * (1.0 + xp.sqrt(1.0 + 4.0 * t * t))
            extrapolated = new + ((t - 1.0) / t_new) * (new - current)
            momentum = xp.where(restart[:, None], new, extrapolated)
            t = xp.where(restart[:, None], xp.ones_like(t), t_new)
        else:
            momentum = new
        # converged signals stop moving
        keep = xp.logical_and(active, xp.logical_not(finished))
        newly_done = np.asarray(to_numpy(xp.logical_and(active, finished)))
        n_iter[newly_done] = iteration
        current = xp.where(active[:, None], new, current)
        momentum = xp.where(keep[:, None], momentum, current)
        active = keep
        if not bool(xp.any(active)):
            break
    converged = ~np.asarray(to_numpy(active))
    return current, n_iter, converged


def learning_codes(
    X,
    dictionary,
    *,
    penalty,
    alpha,
    q,
    positive,
    step,
    tol,
    max_iter,
    lipschitz=None,
    density=None,
):
    """Codes of a training batch as Rentzeperis et al. compute them (dictionary learning).

    ISTA from zero codes with the fixed ``step`` (lowered to ``1/||D||²`` if
    larger), stopped when the batch's codes change by less than ``tol``
    relative to their Frobenius norm: ``||ΔR||_F < tol·(tol + ||R||_F)``.
    The early stop leaves the codes shrunk; they are not minimisers.

    ``lipschitz`` (``||D||²``, or an estimate of it) spares the SVD when the
    caller tracks it.  ``density``: the share of non-zero codes expected (the
    learner's last batch).  On numpy, the numba kernel updates the gradient
    through the coordinates that change; on a dictionary of more than twice
    as many atoms as features with enough expected non-zeros
    (``FACTORED_NONZEROS``), the dense factored gradient ``(R D − X) Dᵀ``
    costs less, and is used instead (the same iterates up to rounding).

    Returns
    -------
    codes : array of shape (n_samples, n_components)
    converged : bool
        Whether the rule was met within ``max_iter`` iterations.
    """
    xp = get_namespace(X, dictionary)
    n_components, n_features = dictionary.shape
    factored = is_numpy_namespace(xp) and _factored_learning_codes(
        n_components, n_features, density
    )
    if lipschitz is None:
        lipschitz = _dictionary_lipschitz(dictionary, xp)
    step = None if lipschitz == 0.0 else min(step, 1.0 / lipschitz)
    if factored:  # no Gram matrix; in float64, as the kernel computes
        D = np.asarray(dictionary, dtype=np.float64)
        atom_norms = np.linalg.norm(D, axis=1)
    else:
        gram = xp.matmul(dictionary, xp.matrix_transpose(dictionary))
        atom_norms = np.sqrt(np.clip(np.diag(np.asarray(to_numpy(gram), dtype=float)), 0, None))
    pen = _coding_penalty(penalty, alpha, atom_norms, q=q, positive=positive)
    if factored:
        codes, _, converged = _encode_proximal(
            np.asarray(X, dtype=np.float64),
            D,
            None,
            np.zeros((X.shape[0], n_components)),
            pen,
            step,
            max_iter,
            tol,
            np,
            False,
            batch_rule=True,
            factored=True,
        )
        return codes.astype(X.dtype, copy=False), bool(np.all(converged))
    codes = xp.zeros((X.shape[0], n_components), dtype=X.dtype, device=array_device(X))
    if is_numpy_namespace(xp):
        codes, _, converged = _encode_proximal_numba(
            X, dictionary, gram, codes, pen, step, False, max_iter, tol, True
        )
    else:
        codes, _, converged = _encode_proximal(
            X, dictionary, gram, codes, pen, step, max_iter, tol, xp, False, batch_rule=True
        )
    return codes, bool(np.all(converged))


class SparseCoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Transform signals into their sparse codes on a fixed dictionary.

    Like :class:`sklearn.decomposition.SparseCoder`, with the thresholding
    penalties of :func:`sparse_encode` (ℓ1, ℓ0, ℓ1/2, ℓ2/3, ℓq, CEL0).

    Parameters
    ----------
    dictionary : array of shape (n_components, n_features)
        The atoms, as rows.
    penalty, alpha, q, algorithm, positive, n_jobs
        As in :func:`sparse_encode`.
    transform_max_iter, transform_tol : int, float
        ``max_iter`` and ``tol`` of :func:`sparse_encode` (scikit-learn's names).

    Attributes
    ----------
    n_components_ : int
    n_features_in_ : int

    References
    ----------
    .. [1] L. Rentzeperis, L. Calatroni, L. U. Perrinet and D. Prandi, "Beyond ℓ1
       sparse coding in V1", PLOS Comput. Biol. 19(9), e1011459, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sparsestat.decomposition import SparseCoder
    >>> coder = SparseCoder(np.eye(2), penalty="half", alpha=0.5)
    >>> coder.fit_transform(np.array([[2.0, 0.1]])).round(4)
    array([[1.8144, 0.    ]])
    """

    def __init__(
        self,
        dictionary,
        *,
        penalty="l1",
        alpha=1.0,
        q=None,
        algorithm="auto",
        transform_max_iter=1000,
        transform_tol=1e-6,
        positive=False,
        n_jobs=None,
    ):
        self.dictionary = dictionary
        self.penalty = penalty
        self.alpha = alpha
        self.q = q
        self.algorithm = algorithm
        self.transform_max_iter = transform_max_iter
        self.transform_tol = transform_tol
        self.positive = positive
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Validate the dictionary against ``X`` (nothing is learned)."""
        X = self._validate(X, reset=True)
        return self

    def _validate(self, X, reset):
        from sklearn.utils.validation import validate_data

        if _is_host(X):
            X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])
        elif reset:
            self.n_features_in_ = X.shape[1]
        dictionary = self.dictionary
        if getattr(dictionary, "ndim", np.ndim(dictionary)) != 2:
            raise ValueError("dictionary must be a 2-D array (n_components, n_features).")
        if np.shape(dictionary)[1] != X.shape[1]:
            raise ValueError(
                f"the dictionary's atoms have {np.shape(dictionary)[1]} features but X has "
                f"{X.shape[1]}."
            )
        self.n_components_ = np.shape(dictionary)[0]
        return X

    def transform(self, X):
        """Sparse codes of ``X``, shape (n_samples, n_components) (no fit needed)."""
        X = self._validate(X, reset=not hasattr(self, "n_features_in_"))
        dictionary = self.dictionary
        if _is_host(X):
            dictionary = np.asarray(dictionary, dtype=X.dtype)
        return sparse_encode(
            X,
            dictionary,
            penalty=self.penalty,
            alpha=self.alpha,
            q=self.q,
            algorithm=self.algorithm,
            max_iter=self.transform_max_iter,
            tol=self.transform_tol,
            positive=self.positive,
            n_jobs=self.n_jobs,
        )

    @property
    def _n_features_out(self):
        """Number of codes per signal (``get_feature_names_out`` names them)."""
        return int(np.shape(self.dictionary)[0])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _is_host(X):
    return not hasattr(X, "__array_namespace__") or is_numpy_namespace(get_namespace(X))
