"""Source-task selection for multitask representation learning (the ν¹ strategy)."""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_is_fitted

from ._progress import progress
from ._validation import (
    Boolean,
    Integer,
    Options,
    RandomState,
    Real,
    check_integer,
    validate_params,
)

__all__ = ["TaskSelector"]

_STRATEGIES = ("l1", "l2", "uniform")


def _check_task(X, y, name, n_features=None):
    X = check_array(X, dtype=np.float64, ensure_min_samples=0, input_name=f"{name} X")
    y = check_array(
        y, dtype=np.float64, ensure_2d=False, ensure_min_samples=0, input_name=f"{name} y"
    )
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{name}: y must be 1-D with one value per row of X; got X {X.shape} and y {y.shape}."
        )
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features but the other tasks have {n_features}; every "
            "task must share the same features."
        )
    return X, y


def _ridge_estimate(X, y, n_features, ridge):
    """Ridge estimate of one task's ``θ_m`` (strength relative to the Gram trace)."""
    if X.shape[0] == 0:
        return np.zeros(n_features)
    gram = X.T @ X
    strength = ridge * max(np.trace(gram) / n_features, 1e-12)
    try:
        return np.linalg.solve(gram + strength * np.eye(n_features), X.T @ y)
    except np.linalg.LinAlgError:  # ridge=0 on a rank-deficient task: minimum-norm fit
        return np.linalg.lstsq(X, y, rcond=None)[0]


class TaskSelector(BaseEstimator):
    r"""Choose and weight the source tasks that help a target task (ν¹ strategy).

    Setting (Wang, Chen, Jamieson and Du, 2023): ``M`` source tasks and a
    target share a low-dimensional linear representation ``B`` (d × r); task
    ``m`` has a head ``w_m``, and the target head is a combination
    ``w_target = W ν`` of the source heads.  Each round:

    1. *representation*: per-task ridge estimates ``θ̂_m`` of ``B w_m`` are
       stacked, weighted by ``sqrt(n_m)`` (their precision), and ``B̂`` is their
       top-``rank`` left singular subspace (a low-rank multitask regression);
    2. *heads*: ``ŵ_m = B̂ᵀ θ̂_m``; the target head ``ŵ_0`` by least squares on
       the target data projected on ``B̂``;
    3. *relevance*: ``ν̂`` regresses the target predictions ``X_0 B̂ ŵ_0`` on the
       source predictions ``X_0 B̂ ŵ_m`` — with this library's
       :class:`~sparsestat.linear_model.Lasso` for ``strategy="l1"`` (the ν¹
       strategy), by minimum-norm least squares for ``"l2"`` (the ν² strategy of
       Chen et al. 2022);
    4. *allocation* of the next round's source samples: proportional to
       ``|ν̂_m|`` (l1), ``ν̂_m²`` (l2) or uniform, mixed with a uniform ``floor``.

    The first round is uniform and each round multiplies the budget by
    ``growth`` (4 halves the precision ``ε_i = 2^-i`` of the estimates, since
    the error scales as ``n^-1/2``).

    Parameters
    ----------
    strategy : {"l1", "l2", "uniform"}, default="l1"
        How the source tasks are weighted: by the Lasso relevance ν̂ (ν¹), by
        least squares (ν²), or uniformly.
    rank : int, default=None
        Dimension of the representation; None: the number of singular values
        of the weighted ``Θ̂`` above 10% of the largest.
    alpha : float, default=None
        Lasso strength for ν̂ (strategy "l1" and for reporting ``relevance_``);
        None: 0.1 × the problem's ``alpha_max``.
    n_rounds : int, default=4
        Rounds of :meth:`fit_active` (>= 1).
    budget_per_round : int, default=200
        Source samples of the first round.
    growth : float, default=4.0
        Factor of the budget between rounds.
    floor : float in [0, 1], default=0.05
        Weight of the uniform allocation mixed into the ν-based one, so no task
        is starved.
    ridge : float, default=1e-3
        Ridge strength of the per-task estimates (relative to the Gram matrix's
        trace), so tasks with fewer samples than features are still usable.
    random_state : int, RandomState instance or None, default=None
        Only used to break ties when rounding allocations.
    n_jobs : int, default=None
        The per-task estimates of a round run through ``joblib.Parallel``
        (``with joblib.parallel_backend("dask")`` spreads them over a cluster;
        worth it when tasks have many samples or features).
    verbose : int, default=0
        A tqdm progress bar over the rounds of :meth:`fit_active`.

    Attributes
    ----------
    relevance_ : ndarray of shape (n_sources,)
        The estimated combination ν̂.
    selected_tasks_ : ndarray of int
        Tasks with non-zero relevance.
    representation_ : ndarray of shape (n_features, rank)
    target_coef_ : ndarray of shape (n_features,)
        The target predictor ``B̂ ŵ_0``.
    n_samples_per_task_ : ndarray of int
        Source samples used (active mode: drawn) per task.
    history_ : list of dict
        Per round: ``n_samples_total``, ``samples_per_task``, ``relevance``,
        ``target_coef``.

    References
    ----------
    .. [1] Y. Wang, Y. Chen, K. Jamieson and S. S. Du, "Improved active
       multi-task representation learning via Lasso", ICML 2023.
    .. [2] Y. Chen, K. Jamieson and S. S. Du, "Active multi-task representation
       learning", ICML 2022.

    Examples
    --------
    >>> from sparsestat.datasets import make_multitask_representation
    >>> from sparsestat.task_selection import TaskSelector
    >>> truth = make_multitask_representation(10, 15, 2, 2, noise=0.1, random_state=0)
    >>> target = truth.sample(-1, 40)
    >>> selector = TaskSelector(rank=2, n_rounds=3, budget_per_round=100)
    >>> selector = selector.fit_active(truth.sample, 10, target)
    >>> [round_["n_samples_total"] for round_ in selector.history_]
    [100, 500, 2100]
    >>> selector.relevance_.shape, selector.target_coef_.shape
    ((10,), (15,))
    """

    def __init__(
        self,
        strategy="l1",
        *,
        rank=None,
        alpha=None,
        n_rounds=4,
        budget_per_round=200,
        growth=4.0,
        floor=0.05,
        ridge=1e-3,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.strategy = strategy
        self.rank = rank
        self.alpha = alpha
        self.n_rounds = n_rounds
        self.budget_per_round = budget_per_round
        self.growth = growth
        self.floor = floor
        self.ridge = ridge
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ------------------------------------------------------------------ checks
    _parameter_constraints = {
        "strategy": [Options(*_STRATEGIES)],
        "rank": [None, Integer(low=1)],
        "alpha": [None, Real(low=0.0)],
        "n_rounds": [Integer(low=1)],
        "budget_per_round": [Integer(low=1)],
        "growth": [Real(low=1.0)],
        "floor": [Real(0.0, 1.0)],
        "ridge": [Real(low=0.0)],
        "random_state": [RandomState()],
        "n_jobs": [None, Integer()],
        "verbose": [Integer(low=0), Boolean()],
    }

    def _check_params(self):
        validate_params(self)

    # -------------------------------------------------------------- estimation
    def _estimate(self, sources, target):
        X0, y0 = target
        n_features = X0.shape[1]
        counts = np.array([X.shape[0] for X, _ in sources])
        estimates = Parallel(n_jobs=self.n_jobs)(
            delayed(_ridge_estimate)(X, y, n_features, float(self.ridge)) for X, y in sources
        )
        theta = np.column_stack(estimates)
        weighted = theta * np.sqrt(counts / max(counts.max(), 1))
        U, singular, _ = np.linalg.svd(weighted, full_matrices=False)
        if self.rank is None:
            rank = int(np.sum(singular > 0.1 * singular[0])) if singular[0] > 0 else 1
        else:
            rank = int(self.rank)
            if rank > min(theta.shape):
                raise ValueError(
                    f"rank={rank} exceeds min(n_features, n_sources) = {min(theta.shape)}."
                )
        B = U[:, :rank]
        heads = B.T @ theta  # rank × M
        Z0 = X0 @ B
        w0 = np.linalg.lstsq(Z0, y0, rcond=None)[0]
        design = Z0 @ heads  # target inputs through every source head
        response = Z0 @ w0
        nu = self._relevance(design, response)
        return B, w0, nu

    def _relevance(self, design, response):
        from .linear_model import Lasso

        if self.strategy == "l2":
            return np.linalg.lstsq(design, response, rcond=None)[0]
        scale = np.abs(design.T @ response).max() / max(design.shape[0], 1)
        alpha = 0.1 * scale if self.alpha is None else float(self.alpha)
        if scale == 0.0:
            return np.zeros(design.shape[1])
        lasso = Lasso(alpha=alpha, fit_intercept=False, tol=1e-8, max_iter=100_000)
        return lasso.fit(design, response).coef_.astype(float)

    def _allocation(self, nu, budget, n_sources, rng, first):
        if first or self.strategy == "uniform" or not np.any(nu):
            weights = np.full(n_sources, 1.0 / n_sources)
        else:
            power = 1.0 if self.strategy == "l1" else 2.0
            base = np.abs(nu) ** power
            weights = (1.0 - self.floor) * base / base.sum() + self.floor / n_sources
        raw = weights * budget
        counts = np.floor(raw).astype(int)
        remainder = int(budget - counts.sum())
        if remainder > 0:  # largest remainders, ties broken at random
            order = np.lexsort((rng.random(n_sources), -(raw - counts)))
            counts[order[:remainder]] += 1
        return counts

    # --------------------------------------------------------------------- API
    def fit(self, source_tasks, target_task):
        """Estimate the representation and the relevance of each source task (fixed data).

        Parameters
        ----------
        source_tasks : sequence of (X_m, y_m) pairs
            The source data, all with the same features.
        target_task : (X_0, y_0)

        Returns
        -------
        self
        """
        self._check_params()
        X0, y0 = _check_task(*target_task, "target_task")
        sources = [
            _check_task(X, y, f"source_tasks[{m}]", X0.shape[1])
            for m, (X, y) in enumerate(source_tasks)
        ]
        if not sources:
            raise ValueError("source_tasks must contain at least one task.")
        B, head, nu = self._estimate(sources, (X0, y0))
        counts = np.array([X.shape[0] for X, _ in sources])
        self._store(B, head, nu, counts)
        self.history_ = [self._record(counts, nu)]
        return self

    def fit_active(self, sample, n_sources, target_task):
        """Run the active rounds, drawing source samples through ``sample``.

        Parameters
        ----------
        sample : callable ``sample(task_index, n) -> (X, y)``
            Draws ``n`` fresh samples of source task ``task_index`` (0-based).
        n_sources : int
        target_task : (X_0, y_0)

        Returns
        -------
        self
        """
        self._check_params()
        if not callable(sample):
            raise TypeError("sample must be a callable sample(task_index, n) -> (X, y).")
        n_sources = check_integer(n_sources, "n_sources", low=1)
        X0, y0 = _check_task(*target_task, "target_task")
        rng = check_random_state(self.random_state)
        rng = np.random.default_rng(rng.randint(0, 2**31 - 1))
        data = [[np.empty((0, X0.shape[1])), np.empty(0)] for _ in range(n_sources)]
        nu = np.zeros(n_sources)
        self.history_ = []
        n_rounds = int(self.n_rounds)
        for round_index in progress(range(n_rounds), self.verbose, n_rounds, "task selection"):
            budget = int(round(self.budget_per_round * self.growth**round_index))
            counts = self._allocation(nu, budget, n_sources, rng, first=round_index == 0)
            for task, count in enumerate(counts):
                if count == 0:
                    continue
                X_new, y_new = sample(task, int(count))
                X_new, y_new = _check_task(X_new, y_new, f"sample({task}, {count})", X0.shape[1])
                if X_new.shape[0] != count:
                    raise ValueError(
                        f"sample({task}, {count}) returned {X_new.shape[0]} rows instead of "
                        f"{count}."
                    )
                data[task][0] = np.vstack([data[task][0], X_new])
                data[task][1] = np.concatenate([data[task][1], y_new])
            sources = [(X, y) for X, y in data]
            B, head, nu = self._estimate(sources, (X0, y0))
            totals = np.array([X.shape[0] for X, _ in sources])
            self._store(B, head, nu, totals)
            self.history_.append(self._record(totals, nu))
        return self

    def _store(self, B, head, nu, counts):
        self.representation_ = B
        self.target_coef_ = B @ head
        self.relevance_ = nu
        self.selected_tasks_ = np.flatnonzero(nu)
        self.n_samples_per_task_ = counts

    def _record(self, counts, nu):
        return {
            "n_samples_total": int(counts.sum()),
            "samples_per_task": counts.copy(),
            "relevance": nu.copy(),
            "target_coef": self.target_coef_.copy(),
        }

    def predict(self, X):
        """Target predictions ``X @ target_coef_``."""
        check_is_fitted(self, "target_coef_")
        X = check_array(X, dtype=np.float64)
        if X.shape[1] != self.target_coef_.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features but the tasks have {self.target_coef_.shape[0]}."
            )
        return X @ self.target_coef_
