r"""CoLiDE: concomitant linear DAG estimation (equal and non-equal noise variances)."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from array_api_compat import device as array_device
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .._array_api import get_namespace, is_numpy_namespace, supports_float64, to_numpy
from .._progress import progress
from .._validation import check_finite_array, check_integer, check_real
from ..datafits.statistics import SufficientStatistics, is_dask_collection, sufficient_statistics
from ._colide_kernels import adam_stage_kernel
from ._optimizers import adam_stage, owlqn_stage, stage_objective
from ._refit import noise_variances, refit_dag, residual_variances
from ._score import noise_scales
from .acyclicity import _acyclicity_parts, to_dag, topological_order

__all__ = ["CoLiDE"]

_OPTIMIZERS = ("auto", "adam", "lazy-adam", "owlqn")
# noise scales are floored at this fraction of the largest marginal standard deviation
_RELATIVE_SCALE_FLOOR = 1e-8
# Adam settings of the reference implementation
_ADAM_CHECKPOINT = 1000
_ADAM_BETAS = (0.99, 0.999)
_ADAM_STAGE_ITERATIONS = (20_000, 70_000)  # warm stages, last stage (the authors' script)
# lazy-adam: checkpoints without a new best objective before a stage ends
_LAZY_ADAM_PATIENCE = 5


class CoLiDE(BaseEstimator):
    r"""Learn a linear DAG jointly with its noise scales (CoLiDE-EV / CoLiDE-NV).

    For centred data ``X`` with covariance ``C = XᵀX/n`` and the linear
    structural equation model ``X = XW + Z``, CoLiDE minimises the concomitant
    score (``R(W) = (I-W)ᵀC(I-W)``)

    - ``variance="ev"`` (equal noise variances):
      :math:`S(W, σ) = \mathrm{tr}(R)/(2σ) + dσ/2 + α\|W\|_1`,
    - ``variance="nv"`` (one scale per node, ``Σ = diag(σ_j)``):
      :math:`S(W, Σ) = ½[\mathrm{tr}(Σ^{-1}R) + \sum_j σ_j] + α\|W\|_1`,

    over the DAGs, through DAGMA's log-det acyclicity function on a central
    path: stage ``t`` minimises ``μ_t·S + h_{s_t}`` with
    ``μ_t = mu_init·mu_factor^t``, warm-started at the previous stage.  The
    scales have closed forms (``σ = sqrt(tr R/d)``, ``σ_j = sqrt(R_jj)``), so
    ``alpha`` need not be retuned when the noise level changes, and NV handles
    heteroscedastic noise.  The estimate is thresholded at ``w_threshold``
    and any remaining cycle is broken by :func:`~sparsestat.dag.to_dag`.

    Parameters
    ----------
    variance : {"nv", "ev"}, default="nv"
        Non-equal (one scale per node) or equal noise variances.
    alpha : float, default=0.05
        ℓ1 weight λ (>= 0).  The concomitant scales balance the nodes'
        noise levels against each other, but not the overall scale of the
        data: multiplying every variable by the same factor changes the
        best ``alpha``.  0.05 is the paper's value.  The best value moves
        with the number of variables, the density of the graph and the noise
        model (tables in the user guide); :class:`CoLiDECV` chooses it from
        the data.
    w_threshold : float, default=0.3
        Edges with ``|w| <= w_threshold`` are dropped from ``adjacency_``.
    mu_init : float, default=1.0
        Weight of the score at the first stage (> 0).
    mu_factor : float, default=0.1
        The score weight decreases geometrically along the path (in (0, 1]).
    s : float or sequence of float, default=(1.0, 0.9, 0.8, 0.7)
        Log-det parameter of each stage (its length is the number of stages; a
        float means one stage).  When the warm start lies outside the domain
        of a stage, its ``s`` is raised by 0.1 until it does not (the
        reference rule); ``s_`` records the values used.
    nv_start : {"ev", "zero", "best"}, default="ev"
        Where CoLiDE-NV's search starts (ignored with ``variance="ev"``).
        ``"ev"``: the central path is followed with the equal-variance score
        from ``W = 0``, and then one more stage (the last stage's ``μ`` and
        ``s``, the last stage's iteration budget) minimises the NV objective
        from that estimate.  ``"zero"``: the NV score along the whole path from
        ``W = 0``, as the authors' code does (to reproduce published numbers).
        ``"best"``: both, keeping the estimate with the lower final NV
        objective (twice the time).  On dense graphs (degree 4) the NV path
        from zero often stalls at points whose NV objective is *higher* than
        at the EV estimate; the user guide has the measurements.
    optimizer : {"auto", "adam", "lazy-adam", "owlqn"}, default="auto"
        ``"adam"``: the authors' schedule — Adam on the sign subgradient,
        learning rate ``learning_rate``, 20 000 iterations per warm stage and
        70 000 in the last, objective checked every 1000, the inverse of
        ``sI - W∘W`` computed at every iteration — so published numbers are
        reproduced.  ``"lazy-adam"`` (what ``"auto"`` picks): the same
        schedule, but the inverse, the costliest part of an iteration, is
        recomputed only every ``inverse_refresh`` iterations (the domain is
        tested then, and at the end of each stage); ``W`` itself, the scales
        and the score's gradient stay current.  A lazy-adam stage also ends
        after five checkpoints in a row without a new best objective and
        returns the best point it checked.  How its stage objectives and
        times compare with ``"adam"``'s is measured by
        ``benchmarks/bench_dag.py --optimizer-only``.  On numpy
        data both run as one compiled (numba) loop per stage; CuPy and other
        libraries run the array-API loop, the same iteration.
        ``"owlqn"``: orthant-wise L-BFGS on the score with the scales profiled
        out, preconditioned by the covariance, the ℓ1 term handled exactly
        (the raw estimate has exact zeros).  It can end a stage above
        Adam's objective (a test shows such a case), so it is not the
        default.
    inverse_refresh : int, default=8
        ``"lazy-adam"`` only: iterations between two computations of the
        inverse of ``sI - W∘W`` (1 gives ``"adam"``).
    max_iter : int or None, default=None
        Iterations per stage.  None: 5000 for OWL-QN, the reference counts
        for Adam.
    tol : float or None, default=None
        OWL-QN: stop a stage when the objective decreases by less than
        ``tol·|F|`` five iterations in a row (None: 1e-8).  Adam:
        relative objective change between two checkpoints (None: 1e-6, the
        reference value).
    learning_rate : float, default=3e-4
        Adam only.
    refit : bool, default=False
        Replace the penalized weights of ``adjacency_`` by the least-squares
        regression of each node on its learned parents (the Gaussian maximum-
        likelihood weights on that graph, not shrunk by the ℓ1 term) and
        re-estimate ``noise_scale_`` from those residuals: one scale per node
        for NV, one shared scale for EV (the variances divide by ``n``).  The
        graph itself is unchanged.  Read these weights as effect sizes.
    verbose : int, default=0
        Progress bar over the stages (tqdm, when installed).

    Attributes
    ----------
    adjacency_ : array of shape (n_features, n_features)
        Thresholded weighted adjacency, always a DAG; ``adjacency_[i, j]`` is
        the effect of variable ``i`` on variable ``j`` (penalized, or the
        least-squares effect with ``refit=True``).  Same array namespace as
        the data.
    raw_adjacency_ : array of shape (n_features, n_features)
        The last stage's ``W`` before thresholding.  Like the reference, the
        diagonal is not constrained: it may carry small self-loops, which the
        thresholding removes.
    noise_scale_ : float or array of shape (n_features,)
        Estimated noise standard deviation(s) at ``raw_adjacency_`` (one for
        EV, one per node for NV); with ``refit=True``, at the refitted
        ``adjacency_``.
    h_ : float
        ``h_1(raw_adjacency_)``: how far the raw estimate is from a DAG.
    n_iter_ : int
        Iterations over all stages (of both runs with ``nv_start="best"``).
    stage_iter_ : list of int
    stage_objective_ : list of float
        Each stage's final objective ``μ_t(S + α‖W‖₁) + h_{s_t}`` with the
        scales at their optimum (to compare optimizers), for the score that
        stage minimised.
    stage_variance_ : list of str
        The score each stage minimised: ``"ev"`` or ``"nv"``.  With
        ``variance="nv", nv_start="ev"`` this is ``"ev"`` along the path and
        ``"nv"`` for the extra last stage.
    s_ : list of float
        ``s`` used at each stage.
    stage_converged_ : list of bool
        Whether each stage ended on its stopping rule (False: on its iteration
        budget).  A :class:`~sklearn.exceptions.ConvergenceWarning` is issued
        when the last stage, the one that gives the estimate, did not; warm
        stages are capped on purpose by the reference budgets and only move
        the next stage's starting point.
    nv_start_ : str
        CoLiDE-NV only: the start whose estimate was kept, ``"ev"`` or
        ``"zero"`` (the stage attributes describe that run).
    causal_order_ : ndarray of int
        A topological order of ``adjacency_``.
    graph_ : networkx.DiGraph
        ``adjacency_`` as a graph with ``weight`` edge attributes (needs
        networkx).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` has column names.

    See Also
    --------
    sparsestat.dag.CoLiDECV : ``alpha`` chosen from the data.
    sparsestat.dag.edge_stability : Bootstrap frequencies of the edges.
    sparsestat.dag.simulate_linear_sem, sparsestat.dag.dag_metrics,
    sparsestat.datasets.load_sachs

    Notes
    -----
    The score depends on ``X`` only through its covariance, so
    ``fit(covariance=C, n_samples=n)`` gives the same result as ``fit(X)``.
    ``X`` is centred on a copy; it is never modified.  Standardising the data
    changes the problem: under heteroscedastic noise it erases the scale
    information NV relies on (the paper reports a drop in accuracy).

    The path is sensitive to rounding, and the number of BLAS threads changes
    the rounding of the covariance and of every iteration's product: on hard
    problems the estimate can differ between thread counts.  Fit inside
    ``threadpoolctl.threadpool_limits(limits=1)`` for results that reproduce
    bit for bit on a machine (see the user guide).

    References
    ----------
    .. [1] S. S. Saboksayr, G. Mateos and M. Tepper, "CoLiDE: Concomitant linear
       DAG estimation", ICLR 2024.
    .. [2] K. Bello, B. Aragam and P. Ravikumar, "DAGMA: Learning DAGs via
       M-matrices and a log-determinant acyclicity characterization", NeurIPS
       2022.
    .. [3] D. P. Kingma and J. Ba, "Adam: A method for stochastic
       optimization", ICLR 2015.
    .. [4] G. Andrew and J. Gao, "Scalable training of L1-regularized
       log-linear models", ICML 2007 (OWL-QN).

    Examples
    --------
    >>> from sparsestat.dag import (CoLiDE, simulate_dag, simulate_parameters,
    ...                             simulate_linear_sem, dag_metrics)
    >>> B = simulate_dag(8, 8, "ER", random_state=0)
    >>> W = simulate_parameters(B, random_state=0)
    >>> X = simulate_linear_sem(W, 1000, random_state=0)
    >>> model = CoLiDE(variance="ev").fit(X)
    >>> dag_metrics(B, model.adjacency_)["shd"]
    0
    """

    def __init__(
        self,
        variance="nv",
        alpha=0.05,
        w_threshold=0.3,
        mu_init=1.0,
        mu_factor=0.1,
        s=(1.0, 0.9, 0.8, 0.7),
        nv_start="ev",
        optimizer="auto",
        inverse_refresh=8,
        max_iter=None,
        tol=None,
        learning_rate=3e-4,
        refit=False,
        verbose=0,
    ):
        self.variance = variance
        self.alpha = alpha
        self.w_threshold = w_threshold
        self.mu_init = mu_init
        self.mu_factor = mu_factor
        self.s = s
        self.nv_start = nv_start
        self.optimizer = optimizer
        self.inverse_refresh = inverse_refresh
        self.max_iter = max_iter
        self.tol = tol
        self.learning_rate = learning_rate
        self.refit = refit
        self.verbose = verbose

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        if self.variance not in ("nv", "ev"):
            raise ValueError(f"variance must be 'nv' or 'ev', got {self.variance!r}.")
        if self.nv_start not in ("ev", "zero", "best"):
            raise ValueError(f"nv_start must be 'ev', 'zero' or 'best', got {self.nv_start!r}.")
        if self.optimizer not in _OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {_OPTIMIZERS}, got {self.optimizer!r}.")
        check_integer(self.inverse_refresh, "inverse_refresh", low=1)
        check_real(self.alpha, "alpha", low=0.0)
        check_real(self.w_threshold, "w_threshold", low=0.0)
        check_real(self.mu_init, "mu_init", low=0.0, low_inclusive=False)
        check_real(self.mu_factor, "mu_factor", low=0.0, high=1.0, low_inclusive=False)
        if self.tol is not None:
            check_real(self.tol, "tol", low=0.0)
        check_real(self.learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        if not isinstance(self.refit, (bool, np.bool_)):
            raise TypeError(f"refit must be True or False, got {self.refit!r}.")
        if self.max_iter is not None:
            check_integer(self.max_iter, "max_iter", low=1)
        schedule = [self.s] if isinstance(self.s, numbers.Real) else list(self.s)
        if not schedule:
            raise ValueError("s must be a positive number or a non-empty sequence of them.")
        return [check_real(value, "s", low=0.0, low_inclusive=False) for value in schedule]

    def _covariance_from_data(self, X):
        X = (
            validate_data(
                self, X, dtype=("float64", "float32"), ensure_min_samples=2, ensure_min_features=2
            )
            if _is_host_array(X)
            else X
        )
        xp = get_namespace(X)
        if getattr(X, "ndim", None) != 2:
            raise ValueError("X must be a 2-D array of shape (n_samples, n_features).")
        check_finite_array(X, "X")
        n_samples, n_features = X.shape
        if n_samples < 2 or n_features < 2:
            raise ValueError(
                f"CoLiDE needs at least 2 samples and 2 variables, got X of shape {X.shape}."
            )
        dtype = xp.float64 if supports_float64(xp) else X.dtype
        X = xp.astype(X, dtype)
        centred = X - xp.mean(X, axis=0, keepdims=True)  # a copy: the caller's X is untouched
        self.n_features_in_ = n_features
        covariance = centred.T @ centred / n_samples
        if not bool(xp.all(xp.isfinite(covariance))):  # squares past the float range
            raise ValueError(
                "X is too large in magnitude: its covariance overflows in floating point; "
                "rescale X (e.g. divide it by its largest absolute value)."
            )
        return covariance, n_samples, xp

    def _check_covariance(self, covariance, n_samples):
        xp = get_namespace(covariance)
        if getattr(covariance, "ndim", None) != 2 or covariance.shape[0] != covariance.shape[1]:
            raise ValueError(
                "covariance must be a square 2-D array, got shape "
                f"{tuple(getattr(covariance, 'shape', ()))}."
            )
        check_finite_array(covariance, "covariance")
        if n_samples is None:
            raise ValueError("n_samples is required with covariance.")
        n_samples = check_integer(n_samples, "n_samples", low=2)
        if covariance.shape[0] < 2:
            raise ValueError("CoLiDE needs at least 2 variables, got a 1 x 1 covariance.")
        dtype = xp.float64 if supports_float64(xp) else covariance.dtype
        covariance = xp.astype(covariance, dtype, copy=True)
        scale = float(xp.max(xp.abs(covariance)))
        if float(xp.max(xp.abs(covariance - covariance.T))) > 1e-8 * max(scale, 1e-300):
            raise ValueError("covariance must be symmetric.")
        covariance = (covariance + covariance.T) / 2
        eigenvalues = xp.linalg.eigvalsh(covariance)
        if float(xp.min(eigenvalues)) < -1e-8 * max(scale, 1e-300):
            raise ValueError(
                "covariance must be positive semi-definite (smallest eigenvalue "
                f"{float(xp.min(eigenvalues)):.3g})."
            )
        self.n_features_in_ = covariance.shape[0]
        return covariance, n_samples, xp

    # --------------------------------------------------------------------- fit
    def fit(self, X=None, y=None, *, covariance=None, n_samples=None):
        """Learn the DAG from data, or from its covariance.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), optional
            Observations (numpy, pandas, CuPy or array-API arrays); centred on
            a copy.  A :mod:`dask.array` (rows in chunks, possibly more than
            fit in memory) is reduced to its covariance by dask, as in
            :meth:`fit_from_statistics`.  Leave None to pass ``covariance``
            instead.
        y : ignored
        covariance : array of shape (n_features, n_features), optional
            Covariance of the centred data, ``XᵀX/n`` (``numpy.cov(X.T,
            bias=True)``); symmetric positive semi-definite.
        n_samples : int, optional
            Number of samples behind ``covariance`` (>= 2); required with it.

        Returns
        -------
        self : CoLiDE
        """
        if X is not None and is_dask_collection(X):
            if covariance is not None:
                raise ValueError("pass exactly one of X and covariance.")
            return self.fit_from_statistics(sufficient_statistics(X))
        covariance, n_samples, xp, floor, schedule = self._prepare(X, covariance, n_samples)
        self._solve(covariance, schedule, floor, xp)
        return self

    def _prepare(self, X, covariance, n_samples):
        """Checked parameters and data: ``(covariance, n_samples, xp, floor, schedule)``."""
        schedule = self._check_params()
        if (X is None) == (covariance is None):
            raise ValueError("pass exactly one of X and covariance.")
        if X is not None:
            covariance, n_samples, xp = self._covariance_from_data(X)
        else:
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            covariance, n_samples, xp = self._check_covariance(covariance, n_samples)
        marginal = xp.sqrt(xp.linalg.diagonal(covariance))
        if float(xp.min(marginal)) <= 0.0:
            constant = to_numpy(xp.nonzero(marginal <= 0.0)[0]).tolist()
            raise ValueError(
                f"variables {constant} are constant: CoLiDE needs non-zero variances."
            )
        floor = _RELATIVE_SCALE_FLOOR * float(xp.max(marginal))
        self.n_samples_ = n_samples
        return covariance, n_samples, xp, floor, schedule

    def _solve(self, covariance, schedule, floor, xp):
        if self.variance == "ev":
            starts = ["zero"]
        elif self.nv_start == "best":
            starts = ["ev", "zero"]
        else:
            starts = [self.nv_start]
        runs = [self._follow_path(covariance, schedule, floor, xp, start) for start in starts]
        kept = runs[0]
        if len(runs) == 2:
            # the two final NV objectives at the same mu and the larger s (a
            # point inside the domain of h_s is inside it for any larger s)
            s = max(run["s_"][-1] for run in runs)
            final = [
                stage_objective(
                    run["W"],
                    covariance,
                    mu=run["mu"],
                    s=s,
                    alpha=float(self.alpha),
                    variance="nv",
                    floor=floor,
                    xp=xp,
                )
                for run in runs
            ]
            kept = runs[0] if final[0] <= final[1] else runs[1]
        for name in ("s_", "stage_iter_", "stage_objective_", "stage_variance_"):
            setattr(self, name, kept[name])
        self.stage_converged_ = [not capped for capped in kept["capped"]]
        _warn_unconverged(kept, self.alpha)
        if self.variance == "nv":
            self.nv_start_ = kept["start"]
        elif hasattr(self, "nv_start_"):
            del self.nv_start_
        self._finish(kept["W"], covariance, floor, xp)
        self.n_iter_ = int(sum(sum(run["stage_iter_"]) for run in runs))
        return self

    def _continue_from(
        self,
        previous,
        covariance,
        schedule,
        floor,
        xp,
        *,
        max_iter=None,
        patience=None,
        checkpoint=None,
        warn=True,
    ):
        """Fit at ``self.alpha`` warm-started at a fitted CoLiDE's raw estimate.

        Only the last stage runs (the last ``μ`` and ``s`` of ``previous``,
        the last stage's budget, the score of ``self.variance``): along a
        decreasing grid of alphas the previous estimate is already close.
        ``max_iter``, ``patience`` (lazy-adam's checkpoints without a new
        best) and ``checkpoint`` replace the stage's budget, stopping patience
        and checkpoint spacing when given; ``warn=False``: no
        ConvergenceWarning when the stage ends on its budget (a budget the
        caller chose; ``stage_converged_`` still records it).
        """
        mu = float(self.mu_init) * float(self.mu_factor) ** (len(schedule) - 1)
        W, s, n_iter, capped = self._solve_stage(
            previous.raw_adjacency_,
            covariance,
            mu,
            previous.s_[-1],
            self.variance,
            True,
            floor,
            xp,
            max_iter=max_iter,
            patience=patience,
            checkpoint=checkpoint,
        )
        objective = stage_objective(
            W,
            covariance,
            mu=mu,
            s=s,
            alpha=float(self.alpha),
            variance=self.variance,
            floor=floor,
            xp=xp,
        )
        run = {
            "s_": [s],
            "stage_iter_": [n_iter],
            "stage_objective_": [objective],
            "stage_variance_": [self.variance],
            "capped": [capped],
        }
        for name in ("s_", "stage_iter_", "stage_objective_", "stage_variance_"):
            setattr(self, name, run[name])
        self.stage_converged_ = [not capped]
        if self.variance == "nv":
            self.nv_start_ = "warm"
        if warn:
            _warn_unconverged(run, self.alpha)
        self._finish(W, covariance, floor, xp)
        self.n_iter_ = int(n_iter)
        return self

    def _follow_path(self, covariance, schedule, floor, xp, start):
        """The central path from ``W = 0``; ``start="ev"`` adds the NV stage."""
        d = covariance.shape[0]
        W = xp.zeros((d, d), dtype=covariance.dtype)
        mu = float(self.mu_init)
        path_variance = "ev" if start == "ev" else self.variance
        # (s, mu, score, last-stage budget) of every stage; an NV started at
        # the EV estimate adds one stage at the last stage's mu and s
        stages = []
        for stage, s in enumerate(schedule):
            stages.append((s, mu, path_variance, stage == len(schedule) - 1))
            mu *= float(self.mu_factor)
        if path_variance != self.variance:
            stages.append((None, stages[-1][1], self.variance, True))
        run = {"start": start, "s_": [], "stage_iter_": [], "stage_objective_": []}
        run["stage_variance_"], run["capped"] = [], []
        description = f"CoLiDE stages ({start} start)"
        for s, mu, variance, last in progress(stages, self.verbose, len(stages), description):
            s = run["s_"][-1] if s is None else s  # the extra stage keeps the last s used
            W, s, n_iter, capped = self._solve_stage(
                W, covariance, mu, s, variance, last, floor, xp
            )
            run["capped"].append(capped)
            run["s_"].append(s)
            run["stage_iter_"].append(n_iter)
            run["stage_variance_"].append(variance)
            run["stage_objective_"].append(
                stage_objective(
                    W,
                    covariance,
                    mu=mu,
                    s=s,
                    alpha=float(self.alpha),
                    variance=variance,
                    floor=floor,
                    xp=xp,
                )
            )
        run["W"], run["mu"] = W, stages[-1][1]
        return run

    def _solve_stage(
        self,
        W,
        covariance,
        mu,
        s,
        variance,
        last,
        floor,
        xp,
        *,
        max_iter=None,
        patience=None,
        checkpoint=None,
    ):
        """One stage of the path from ``W``; returns ``(W, s used, iterations, capped)``.

        ``capped`` is True when the stage ended on its iteration budget rather
        than on its stopping rule.  ``max_iter`` and ``patience`` override the
        budget and lazy-adam's patience (warm-started stages of CoLiDECV).
        """
        budget, stage_patience = max_iter, patience
        problem = {"alpha": float(self.alpha), "variance": variance, "floor": floor, "xp": xp}
        if self.optimizer in ("auto", "adam", "lazy-adam"):
            reference = self.optimizer == "adam"
            refresh = 1 if reference else int(self.inverse_refresh)
            patience = 0 if reference else (stage_patience or _LAZY_ADAM_PATIENCE)
            max_iter = budget or self.max_iter or _ADAM_STAGE_ITERATIONS[1 if last else 0]
            learning_rate = float(self.learning_rate)
            while True:
                W_stage, n_iter, success = _adam_stage(
                    W,
                    covariance,
                    mu=mu,
                    s=s,
                    max_iter=max_iter,
                    tol=1e-6 if self.tol is None else float(self.tol),
                    learning_rate=learning_rate,
                    refresh=refresh,
                    patience=patience,
                    checkpoint=checkpoint or _ADAM_CHECKPOINT,
                    **problem,
                )
                if success:
                    return W_stage, s, n_iter, n_iter >= max_iter
                learning_rate *= 0.5
                s += 0.1
        while not _acyclicity_parts(W, s, xp)[2]:
            s += 0.1
        max_iter = budget or self.max_iter or 5000
        W_stage, n_iter, _ = owlqn_stage(
            W,
            covariance,
            mu=mu,
            s=s,
            max_iter=max_iter,
            tol=1e-8 if self.tol is None else float(self.tol),
            **problem,
        )
        return W_stage, s, n_iter, n_iter >= max_iter

    def _finish(self, W, covariance, floor, xp):
        sigma, _, _ = noise_scales(W, covariance, self.variance, floor, xp)
        self.raw_adjacency_ = W
        self.noise_scale_ = float(sigma) if self.variance == "ev" else sigma
        h_value = _acyclicity_parts(W, 1.0, xp)[0]
        self.h_ = h_value
        self.adjacency_ = to_dag(W, float(self.w_threshold))
        if self.refit:
            self._refit(covariance, floor, xp)
        self.causal_order_ = topological_order(self.adjacency_)
        return self

    def _refit(self, covariance, floor, xp):
        """Least squares of each node on its parents in ``adjacency_``; scales from them."""
        dag = self.adjacency_
        edges = np.asarray(to_numpy(dag)) != 0
        covariance_np = np.asarray(to_numpy(covariance), dtype=np.float64)
        weights = refit_dag(covariance_np, edges)
        variances = noise_variances(
            residual_variances(covariance_np, weights), self.variance, floor**2
        )
        scales = np.sqrt(variances)
        if is_numpy_namespace(xp):
            self.adjacency_ = weights.astype(covariance_np.dtype, copy=False)
            sigma = scales
        else:
            self.adjacency_ = xp.asarray(weights, dtype=dag.dtype, device=array_device(dag))
            sigma = xp.asarray(scales, dtype=dag.dtype, device=array_device(dag))
        self.noise_scale_ = float(scales[0]) if self.variance == "ev" else sigma

    def fit_from_statistics(self, statistics):
        """Learn the DAG from sufficient statistics (the score needs only the covariance).

        Parameters
        ----------
        statistics : SufficientStatistics
            From :func:`sparsestat.sufficient_statistics` (``y`` not needed;
            with sample weights the weighted covariance is used).  Chunks of
            rows, files or a dask array larger than memory reduce to the same
            object.

        Returns
        -------
        self : CoLiDE
        """
        if not isinstance(statistics, SufficientStatistics):
            raise TypeError(
                "statistics must be a SufficientStatistics object from "
                f"sparsestat.sufficient_statistics, got {type(statistics).__name__}."
            )
        return self.fit(covariance=statistics.covariance(), n_samples=statistics.n_samples)

    @property
    def graph_(self):
        """``adjacency_`` as a :class:`networkx.DiGraph` (edge attribute ``weight``)."""
        check_is_fitted(self, "adjacency_")
        try:
            import networkx as nx
        except ImportError as exc:  # optional dependency
            raise ImportError("graph_ needs networkx: pip install networkx") from exc
        adjacency = np.asarray(to_numpy(self.adjacency_))
        names = getattr(self, "feature_names_in_", None)
        labels = list(names) if names is not None else list(range(adjacency.shape[0]))
        graph = nx.DiGraph()
        graph.add_nodes_from(labels)
        for i, j in zip(*np.nonzero(adjacency), strict=True):
            graph.add_edge(labels[i], labels[j], weight=float(adjacency[i, j]))
        return graph

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _adam_stage(W, covariance, *, mu, s, alpha, variance, floor, xp, **schedule):
    """One Adam stage: the numba kernel on numpy float64, else the array-API loop."""
    settings = {
        "checkpoint": _ADAM_CHECKPOINT,
        "beta_1": _ADAM_BETAS[0],
        "beta_2": _ADAM_BETAS[1],
        **schedule,
    }
    if is_numpy_namespace(xp) and covariance.dtype == xp.float64:
        try:
            return adam_stage_kernel(
                np.ascontiguousarray(W),
                np.ascontiguousarray(covariance),
                mu,
                s,
                alpha,
                variance == "ev",
                floor,
                settings["max_iter"],
                settings["tol"],
                settings["learning_rate"],
                settings["checkpoint"],
                settings["beta_1"],
                settings["beta_2"],
                settings["refresh"],
                settings["patience"],
            )
        except np.linalg.LinAlgError:  # sI - W∘W exactly singular: the loop handles it
            pass
    return adam_stage(
        W, covariance, mu=mu, s=s, alpha=alpha, variance=variance, floor=floor, xp=xp, **settings
    )


def _warn_unconverged(run, alpha):
    """ConvergenceWarning when the last stage of ``run`` (the estimate) ended on its budget.

    Warm stages that end on their budget only hand a different starting
    point to the next stage (the reference budgets cap them on purpose: on
    Sachs a warm stage of the default fit runs to 20 000 iterations), so they
    are recorded in ``stage_converged_`` without a warning.
    """
    if run["capped"][-1]:
        warnings.warn(
            f"CoLiDE (alpha={float(alpha):g}): the last stage ended on its iteration budget "
            f"({run['stage_iter_'][-1]} iterations, objective "
            f"{run['stage_objective_'][-1]:.6g}) before its stopping rule; the graph may be "
            "worse than a converged fit's. Increase max_iter (None: the reference budgets) "
            "or tol.",
            ConvergenceWarning,
            stacklevel=4,
        )


def _is_host_array(X):
    """numpy arrays, lists and pandas frames go through scikit-learn's validation."""
    namespace = getattr(X, "__array_namespace__", None)
    if namespace is None:
        return True
    return is_numpy_namespace(get_namespace(X))
