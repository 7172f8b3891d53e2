"""Edge stability (bootstrap), alpha selection (CoLiDECV) and varsortability."""

import math

import joblib
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

import sparsestat.dag.selection as selection_module
from sparsestat.dag import (
    CoLiDE,
    CoLiDECV,
    dag_metrics,
    edge_stability,
    is_dag,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameters,
    to_dag,
)
from sparsestat.dag._refit import information_criterion
from sparsestat.datasets import load_sachs


def _problem(d=8, n_edges=10, n=300, seed=1, heteroscedastic=True):
    B = simulate_dag(d, n_edges, "ER", random_state=seed)
    W = simulate_parameters(B, random_state=seed)
    scale = np.sqrt(np.random.default_rng(seed).uniform(0.5, 10.0, d)) if heteroscedastic else 1.0
    return B, W, simulate_linear_sem(W, n, noise_scale=scale, random_state=seed)


# ------------------------------------------------------------ edge stability
def test_edge_stability_is_independent_of_n_jobs_and_backend():
    B, _, X = _problem()
    estimator = CoLiDE(variance="ev")
    serial = edge_stability(estimator, X, n_bootstrap=6, random_state=0)
    # the serial run is the definition: resample by resample, by hand
    rng = np.random.RandomState(0)
    seeds = rng.randint(np.iinfo(np.int32).max, size=6)
    np.testing.assert_array_equal(serial.seeds, seeds)
    by_hand = []
    for seed in seeds:
        rows = np.random.RandomState(seed).randint(0, len(X), len(X))
        by_hand.append(CoLiDE(variance="ev").fit(X[rows]).adjacency_ != 0)
    np.testing.assert_array_equal(serial.frequency, np.mean(by_hand, axis=0))
    processes = edge_stability(estimator, X, n_bootstrap=6, random_state=0, n_jobs=2)
    with joblib.parallel_backend("threading", n_jobs=2):
        threads = edge_stability(estimator, X, n_bootstrap=6, random_state=0)
    for other in (processes, threads):
        np.testing.assert_array_equal(other.frequency, serial.frequency)
        np.testing.assert_array_equal(other.consensus, serial.consensus)
    # undirected: i -> j or j -> i (the fits are DAGs, so the two add up)
    np.testing.assert_allclose(
        serial.undirected_frequency, serial.frequency + serial.frequency.T, atol=1e-12
    )
    assert is_dag(serial.consensus)
    assert np.all((serial.consensus != 0) <= (serial.frequency > 0.5))
    # true edges are more frequent than absent ones
    off_diagonal = ~np.eye(8, dtype=bool)
    auroc = roc_auc_score(B[off_diagonal] != 0, serial.frequency[off_diagonal])
    assert auroc > 0.9
    assert serial.frequency[B != 0].mean() > 3 * serial.frequency[(B == 0) & off_diagonal].mean()


def test_consensus_breaks_cycles_at_the_least_frequent_edge(monkeypatch):
    # a 3-cycle of frequencies above the threshold (each fit a DAG, the
    # frequencies not): the consensus drops the weakest of the three
    import sparsestat.dag.stability as stability

    graphs = [
        np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]),
        np.array([[0, 0, 0], [0, 0, 1], [1, 0, 0]]),
    ]
    graphs.append(np.array([[0, 1, 0], [0, 0, 0], [1, 0, 0]]))
    calls = iter(graphs * 2)
    monkeypatch.setattr(stability, "_bootstrap_edges", lambda *args: next(calls) != 0)
    X = np.random.default_rng(0).normal(size=(20, 3))
    result = edge_stability(CoLiDE(), X, n_bootstrap=3, threshold=0.5)
    assert np.all(result.frequency[[0, 1, 2], [1, 2, 0]] == pytest.approx(2 / 3))
    assert is_dag(result.consensus) and np.count_nonzero(result.consensus) == 2


def test_edge_stability_bad_input():
    _, _, X = _problem(d=4, n_edges=3)
    with pytest.raises(ValueError, match="n_bootstrap"):
        edge_stability(CoLiDE(), X, n_bootstrap=0)
    with pytest.raises(ValueError, match="threshold"):
        edge_stability(CoLiDE(), X, threshold=1.0)
    with pytest.raises(TypeError, match="estimator"):
        edge_stability("colide", X)


def test_plot_edge_stability():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from sparsestat.plotting import plot_edge_stability

    _, _, X = _problem(d=4, n_edges=3)
    result = edge_stability(CoLiDE(variance="ev"), X, n_bootstrap=2, random_state=0)
    ax = plot_edge_stability(result, labels=list("abcd"))
    assert len(ax.patches) == np.count_nonzero(result.consensus)
    assert [label.get_text() for label in ax.get_xticklabels()] == list("abcd")


# ------------------------------------------------------------------ CoLiDECV
def _log_likelihood_by_hand(train, test, edges, variance):
    """Least squares per node on the training rows (numpy.linalg.lstsq), Gaussian
    log-likelihood of the test rows centred at the training mean."""
    mean = train.mean(axis=0)
    train, test = train - mean, test - mean
    d = train.shape[1]
    weights = np.zeros((d, d))
    for j in range(d):
        parents = np.flatnonzero(edges[:, j])
        if parents.size:
            weights[parents, j] = np.linalg.lstsq(train[:, parents], train[:, j], rcond=None)[0]
    train_residual = np.mean((train - train @ weights) ** 2, axis=0)
    if variance == "ev":
        train_residual = np.full(d, train_residual.mean())
    test_residual = (test - test @ weights) ** 2  # (n_test, d)
    return float(
        np.sum(-0.5 * np.log(2 * math.pi * train_residual) - test_residual / (2 * train_residual))
    )


@pytest.mark.parametrize(("variance", "criterion"), [("nv", "bic"), ("ev", "ebic")])
def test_criterion_path_matches_a_direct_computation(variance, criterion):
    _, _, X = _problem(d=6, n_edges=7, n=400, seed=2)
    alphas = [0.2, 0.1, 0.05, 0.02]
    model = CoLiDECV(
        variance=variance, alphas=alphas, criterion=criterion, ebic_gamma=0.7, patience=None
    )
    model.fit(X)
    assert model.path_fitted_.all()
    np.testing.assert_array_equal(model.alphas_, alphas)
    np.testing.assert_array_equal(model.path_start_alphas_, [0.1, 0.05])
    assert model.criterion_path_.shape == model.n_edges_path_.shape == (2, 4)
    d, n = 6, len(X)
    for row in range(2):
        for k in range(len(alphas)):
            edges = to_dag(model.raw_adjacency_path_[row, k], 0.3) != 0
            assert model.n_edges_path_[row, k] == edges.sum()
            log_likelihood = _log_likelihood_by_hand(X, X, edges, variance)
            n_params = edges.sum() + (1 if variance == "ev" else d)
            expected = -2 * log_likelihood + n_params * math.log(n)
            if criterion == "ebic":
                expected += (
                    2
                    * 0.7
                    * sum(math.log(math.comb(d - 1, int(k_j))) for k_j in edges.sum(axis=0))
                )
            assert model.criterion_path_[row, k] == pytest.approx(expected, rel=1e-10)
    row, best = np.unravel_index(np.argmin(model.criterion_path_), (2, 4))
    assert model.best_index_ == (row, best) and model.alpha_ == alphas[best]
    np.testing.assert_array_equal(model.raw_adjacency_, model.raw_adjacency_path_[row, best])
    np.testing.assert_array_equal(model.adjacency_, to_dag(model.raw_adjacency_, 0.3))
    assert model.estimator_.alpha == alphas[best]
    # warm starts: only the start alpha of each path runs the whole central path,
    # and its estimate is a plain CoLiDE fit
    for row, start in enumerate((1, 2)):
        assert all(model.path_iter_[row, k] < model.path_iter_[row, start] for k in (0, 3))
        plain = CoLiDE(variance=variance, alpha=alphas[start]).fit(X)
        np.testing.assert_array_equal(model.raw_adjacency_path_[row, start], plain.raw_adjacency_)
    # one start only
    single = CoLiDECV(
        variance=variance, alphas=alphas, criterion=criterion, ebic_gamma=0.7, patience=None
    )
    single.set_params(path_start=0.09).fit(X)
    np.testing.assert_array_equal(single.criterion_path_, model.criterion_path_[:1])
    refitted = CoLiDECV(variance=variance, alphas=alphas, criterion=criterion, ebic_gamma=0.7)
    refitted.set_params(refit=True).fit(X)
    # refit=True: least squares on the selected graph, as CoLiDE(refit=True)
    centred = X - X.mean(axis=0)
    edges = refitted.adjacency_ != 0
    for j in range(d):
        parents = np.flatnonzero(edges[:, j])
        if parents.size:
            coef = np.linalg.lstsq(centred[:, parents], centred[:, j], rcond=None)[0]
            np.testing.assert_allclose(refitted.adjacency_[parents, j], coef, rtol=1e-9)


def test_cv_criterion_is_the_held_out_likelihood_and_independent_of_n_jobs():
    from sklearn.model_selection import KFold

    _, _, X = _problem(d=5, n_edges=5, n=300, seed=4)
    alphas = [0.1, 0.05]
    model = CoLiDECV(alphas=alphas, criterion="cv", cv=2).fit(X)
    assert model.cv_log_likelihood_.shape == (2, 2, 1, 2)  # paths, alphas, thresholds, folds
    for fold, (train, test) in enumerate(KFold(2).split(X)):
        # the fold's paths are the paths fitted on the training rows
        on_train = CoLiDECV(alphas=alphas, patience=None).fit(X[train])
        for row in range(2):
            for k in range(2):
                edges = to_dag(on_train.raw_adjacency_path_[row, k], 0.3) != 0
                expected = _log_likelihood_by_hand(X[train], X[test], edges, "nv") / len(test)
                assert model.cv_log_likelihood_[row, k, 0, fold] == pytest.approx(
                    expected, rel=1e-9
                )
    np.testing.assert_allclose(
        model.criterion_path_, -model.cv_log_likelihood_[:, :, 0].mean(axis=-1)
    )
    parallel = CoLiDECV(alphas=alphas, criterion="cv", cv=2, n_jobs=2).fit(X)
    np.testing.assert_array_equal(parallel.cv_log_likelihood_, model.cv_log_likelihood_)


def test_colidecv_bad_input():
    _, _, X = _problem(d=4, n_edges=3, n=50)
    for alphas in ([0.1, 0.0], [-1.0], [], [0.1, np.nan]):
        with pytest.raises(ValueError, match="alphas must be a non-empty sequence of positive"):
            CoLiDECV(alphas=alphas).fit(X)
    with pytest.raises(ValueError, match="criterion"):
        CoLiDECV(criterion="aic").fit(X)
    with pytest.raises(ValueError, match="cv=5 folds need at least 10 samples"):
        CoLiDECV(criterion="cv", alphas=[0.1]).fit(X[:6])
    with pytest.raises(ValueError, match="path_start"):
        CoLiDECV(path_start=0.0, alphas=[0.1]).fit(X)
    with pytest.raises(ValueError, match="path_start"):
        CoLiDECV(path_start=[], alphas=[0.1]).fit(X)
    with pytest.raises(ValueError, match="ebic_gamma"):
        CoLiDECV(ebic_gamma=-1.0, alphas=[0.1]).fit(X)
    with pytest.raises(ValueError, match="variance"):
        CoLiDECV(variance="hv", alphas=[0.1]).fit(X)
    for patience in (0, -1, 1.5, True, "2", (1, 0), (1, 2, 3), [2]):
        with pytest.raises(ValueError, match="patience must be a positive integer, a pair"):
            CoLiDECV(patience=patience, alphas=[0.1]).fit(X)
    for w_threshold in ([], [0.3, -0.1], [0.2, np.nan], "0.3", [0.3, "a"], -1.0, None):
        with pytest.raises(ValueError, match="w_threshold must be a non-negative number"):
            CoLiDECV(w_threshold=w_threshold, alphas=[0.1]).fit(X)


def test_default_alpha_grid_is_0_2_down_to_0_025_in_steps_of_sqrt_2():
    _, _, X = _problem(d=4, n_edges=3, n=200)
    model = CoLiDECV(variance="ev").fit(X)
    np.testing.assert_allclose(model.alphas_, 0.2 / np.sqrt(2) ** np.arange(7), rtol=1e-14)
    # 0.1 and 0.05 are on it: the default path starts are grid values
    np.testing.assert_allclose(model.path_start_alphas_, [0.1, 0.05], rtol=1e-14)


def test_early_stop_ends_a_direction_after_patience_alphas_without_a_new_best():
    # a made-up criterion per alpha drives the stop; the fitted models are
    # those of the full path (each depends only on its neighbour toward the start)
    from sparsestat.dag.selection import _COLIDE_PARAMETERS, _path

    _, _, X = _problem(d=5, n_edges=5, n=300, seed=3)
    centred = X - X.mean(axis=0)
    covariance = centred.T @ centred / len(X)
    parameters = {name: CoLiDECV().get_params()[name] for name in _COLIDE_PARAMETERS}
    alphas = np.array([0.4, 0.3, 0.2, 0.1, 0.08, 0.06, 0.04, 0.02])
    # start at 0.2 (index 2); downward: 0.1 better, 0.08 and 0.06 worse than
    # 0.1 -> stop after 0.06 with patience 2; upward: 0.3 worse, 0.4 better
    # than the start (patience 2 reaches it, patience 1 does not)
    made_up = dict(zip(alphas, [1.0, 9.0, 5.0, 3.0, 4.0, 3.5, 0.0, 0.0], strict=True))

    def score(model):
        return [made_up[model.alpha]]

    full, full_scores = _path(parameters, alphas, covariance, len(X), 2, score, None)
    assert all(model is not None for model in full)
    stopped, scores = _path(parameters, alphas, covariance, len(X), 2, score, (2, 2))
    assert [model is not None for model in stopped] == [True] * 6 + [False] * 2
    once, _ = _path(parameters, alphas, covariance, len(X), 2, score, (1, 1))
    assert [model is not None for model in once] == [False, True, True, True, True] + [False] * 3
    # (toward smaller, toward larger alphas)
    mixed, _ = _path(parameters, alphas, covariance, len(X), 2, score, (2, 1))
    assert [model is not None for model in mixed] == [False] + [True] * 5 + [False] * 2
    for model, reference in zip(stopped, full, strict=True):
        if model is not None:
            np.testing.assert_array_equal(model.raw_adjacency_, reference.raw_adjacency_)
    assert scores[:6] == full_scores[:6] and scores[6:] == [None, None]


def test_colidecv_early_stop_keeps_the_full_path_choice_and_marks_skipped_alphas():
    _, _, X = _problem(d=6, n_edges=7, n=400, seed=2)
    alphas = [0.4, 0.2, 0.1, 0.05, 0.02, 0.01]
    full = CoLiDECV(alphas=alphas, patience=None).fit(X)
    stopped = CoLiDECV(alphas=alphas, patience=1).fit(X)
    fitted = stopped.path_fitted_
    assert fitted.shape == (2, 6) and not fitted.all()
    # every path keeps its start and at least one alpha each way
    for row, start in enumerate((2, 3)):
        assert fitted[row, start] and fitted[row, start - 1] and fitted[row, start + 1]
    np.testing.assert_array_equal(stopped.criterion_path_[fitted], full.criterion_path_[fitted])
    np.testing.assert_array_equal(
        stopped.raw_adjacency_path_[fitted], full.raw_adjacency_path_[fitted]
    )
    assert np.isnan(stopped.criterion_path_[~fitted]).all()
    assert (stopped.n_edges_path_[~fitted] == -1).all() and (
        stopped.path_iter_[~fitted] == 0
    ).all()
    assert np.isnan(stopped.raw_adjacency_path_[~fitted]).all()
    assert stopped.n_iter_ < full.n_iter_
    # the stop only skips alphas whose criterion did not matter here: same choice
    assert np.nanmin(stopped.criterion_path_) == full.criterion_path_.min()
    assert stopped.best_index_ == full.best_index_ and stopped.alpha_ == full.alpha_
    np.testing.assert_array_equal(stopped.adjacency_, full.adjacency_)
    # the folds' criterion exists only once every fold is done: no early stop,
    # whatever patience says
    cv = CoLiDECV(alphas=alphas, patience=1, criterion="cv", cv=2).fit(X)
    assert cv.path_fitted_.all() and (cv.path_iter_ > 0).all()


def test_warm_stage_budget_caps_only_the_warm_stages_and_does_not_warn():
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    _, _, X = _problem(d=6, n_edges=7, n=400, seed=2)
    alphas = [0.2, 0.1, 0.05, 0.02]
    uncapped = CoLiDECV(alphas=alphas, patience=None, warm_max_iter=None).fit(X)
    warm = np.ones((2, 4), dtype=bool)
    warm[0, 1] = warm[1, 2] = False  # the starts, 0.1 and 0.05
    assert uncapped.path_iter_[warm].max() > 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        capped = CoLiDECV(alphas=alphas, patience=None, warm_max_iter=1000).fit(X)
    assert capped.path_iter_[warm].max() == 1000
    np.testing.assert_array_equal(capped.path_iter_[~warm], uncapped.path_iter_[~warm])
    for row, k in ((0, 1), (1, 2)):
        np.testing.assert_array_equal(
            capped.raw_adjacency_path_[row, k], uncapped.raw_adjacency_path_[row, k]
        )
    # CoLiDE's max_iter, when smaller, bounds the warm stages too
    smaller = CoLiDECV(alphas=alphas, patience=None, warm_max_iter=5000, max_iter=500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the starts end on max_iter
        smaller.fit(X)
    assert smaller.path_iter_[warm].max() <= 500
    with pytest.raises(ValueError, match="warm_max_iter"):
        CoLiDECV(alphas=[0.1], warm_max_iter=0).fit(X)


def test_threshold_grid_criterion_matches_a_direct_computation():
    _, _, X = _problem(d=6, n_edges=7, n=400, seed=2)
    alphas = [0.2, 0.1, 0.05]
    thresholds = [0.5, 0.1, 0.3]
    model = CoLiDECV(alphas=alphas, w_threshold=thresholds, patience=None).fit(X)
    np.testing.assert_array_equal(model.thresholds_, [0.1, 0.3, 0.5])
    grid = model.criterion_threshold_path_
    assert grid.shape == (2, 3, 3)
    d, n = 6, len(X)
    for row, k, m in np.ndindex(grid.shape):
        edges = to_dag(model.raw_adjacency_path_[row, k], model.thresholds_[m]) != 0
        expected = -2 * _log_likelihood_by_hand(X, X, edges, "nv") + (edges.sum() + d) * math.log(
            n
        )
        assert grid[row, k, m] == pytest.approx(expected, rel=1e-10)
    # per alpha the best threshold; overall the best (alpha, threshold)
    np.testing.assert_array_equal(model.criterion_path_, grid.min(axis=-1))
    np.testing.assert_array_equal(model.threshold_path_, model.thresholds_[grid.argmin(axis=-1)])
    row, k, m = np.unravel_index(np.argmin(grid), grid.shape)
    assert model.best_index_ == (row, k) and model.alpha_ == alphas[k]
    assert model.w_threshold_ == model.thresholds_[m]
    np.testing.assert_array_equal(
        model.adjacency_, to_dag(model.raw_adjacency_path_[row, k], model.w_threshold_)
    )
    assert model.estimator_.w_threshold == model.w_threshold_
    np.testing.assert_array_equal(model.estimator_.adjacency_, model.adjacency_)
    edges = to_dag(model.raw_adjacency_path_[row, k], model.w_threshold_) != 0
    assert model.n_edges_path_[row, k] == edges.sum()
    # a single threshold gives the slice of the grid, and w_threshold_ is it
    single = CoLiDECV(alphas=alphas, w_threshold=0.3, patience=None).fit(X)
    np.testing.assert_array_equal(single.criterion_path_, grid[:, :, 1])
    assert single.w_threshold_ == 0.3 and single.thresholds_.tolist() == [0.3]
    # the thresholds are read off the same fits: not one CoLiDE iteration more
    np.testing.assert_array_equal(single.path_iter_, model.path_iter_)
    np.testing.assert_array_equal(single.raw_adjacency_path_, model.raw_adjacency_path_)
    # refit=True refits the graph at the selected threshold
    refitted = CoLiDECV(alphas=alphas, w_threshold=thresholds, patience=None, refit=True).fit(X)
    np.testing.assert_array_equal(refitted.adjacency_ != 0, model.adjacency_ != 0)


def test_threshold_grid_with_the_cv_criterion():
    from sklearn.model_selection import KFold

    _, _, X = _problem(d=5, n_edges=5, n=300, seed=4)
    alphas, thresholds = [0.1, 0.05], [0.2, 0.4]
    model = CoLiDECV(alphas=alphas, criterion="cv", cv=2, w_threshold=thresholds).fit(X)
    assert model.cv_log_likelihood_.shape == (2, 2, 2, 2)  # paths, alphas, thresholds, folds
    train, test = next(iter(KFold(2).split(X)))
    on_train = CoLiDECV(alphas=alphas, patience=None).fit(X[train])
    edges = to_dag(on_train.raw_adjacency_path_[1, 0], 0.4) != 0
    expected = _log_likelihood_by_hand(X[train], X[test], edges, "nv") / len(test)
    assert model.cv_log_likelihood_[1, 0, 1, 0] == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(
        model.criterion_threshold_path_, -model.cv_log_likelihood_.mean(axis=-1)
    )
    assert model.path_fitted_.all()  # no early stop with the folds' criterion


def test_plot_alpha_selection():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from sparsestat.plotting import plot_alpha_selection

    _, _, X = _problem(d=4, n_edges=3)
    model = CoLiDECV(variance="ev", alphas=[0.2, 0.05]).fit(X)
    ax = plot_alpha_selection(model)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), model.criterion_path_[0])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), model.criterion_path_[1])
    assert ax.get_xscale() == "log"
    # alphas an early stop skipped: gaps (NaN) in both the criterion and the edges
    stopped = CoLiDECV(variance="ev", alphas=[0.4, 0.2, 0.1, 0.05, 0.02], patience=1).fit(X)
    assert not stopped.path_fitted_.all()
    ax = plot_alpha_selection(stopped)
    edges = ax.figure.axes[-1]  # the twin axis of the edge counts
    for row in range(2):
        skipped = ~stopped.path_fitted_[row]
        assert np.isnan(np.asarray(ax.lines[row].get_ydata(), dtype=float)[skipped]).all()
        counts = np.asarray(edges.lines[row].get_ydata(), dtype=float)
        assert np.isnan(counts[skipped]).all() and (counts[~skipped] >= 0).all()


def test_bic_of_a_refitted_dag_is_the_same_for_markov_equivalent_graphs():
    # data from the chain a -> b -> c; the criterion CoLiDECV computes
    rng = np.random.default_rng(0)
    a = rng.normal(size=500)
    b = 0.8 * a + 0.5 * rng.normal(size=500)
    c = -1.2 * b + 2.0 * rng.normal(size=500)
    X = np.c_[a, b, c]
    covariance = np.cov(X.T, bias=True)

    def bic(edge_list, variance):
        edges = np.zeros((3, 3), dtype=bool)
        for i, j in edge_list:
            edges[i, j] = True
        weights, variances = selection_module._refitted(covariance, edges, variance)
        return information_criterion(covariance, 500, edges, weights, variances, variance, "bic")

    chain = bic([(0, 1), (1, 2)], "nv")
    assert bic([(2, 1), (1, 0)], "nv") == pytest.approx(chain, rel=1e-12)  # c -> b -> a
    assert bic([(1, 0), (1, 2)], "nv") == pytest.approx(chain, rel=1e-12)  # a <- b -> c
    # the collider a -> b <- c is another equivalence class: here a worse fit
    assert bic([(0, 1), (2, 1)], "nv") > chain + 10
    # with one shared variance (EV) the direction changes the likelihood
    assert abs(bic([(2, 1), (1, 0)], "ev") - bic([(0, 1), (1, 2)], "ev")) > 1


# ------------------------------------------------------------ varsortability
def _reference_varsortability(X, W, tol=1e-9):
    """Reisach et al.'s implementation (github.com/Scriddie/Varsortability), verbatim."""
    E = W != 0
    Ek = E.copy()
    var = np.var(X, axis=0, keepdims=True)
    n_paths = 0
    n_correctly_ordered_paths = 0
    for _ in range(E.shape[0] - 1):
        n_paths += Ek.sum()
        n_correctly_ordered_paths += (Ek * var / var.T > 1 + tol).sum()
        n_correctly_ordered_paths += (
            1 / 2 * ((Ek * var / var.T <= 1 + tol) * (Ek * var / var.T > 1 - tol)).sum()
        )
        Ek = Ek.dot(E)
    return n_correctly_ordered_paths / n_paths


def test_varsortability_matches_the_reference_and_standardizing_removes_it():
    from sparsestat.dag import varsortability

    for seed in range(3):
        B, W, X = _problem(d=10, n_edges=20, n=500, seed=seed, heteroscedastic=seed == 2)
        value = varsortability(X, B)
        assert value == pytest.approx(_reference_varsortability(X, W), abs=1e-12)
        assert value > 0.7  # unit-scale weights: variances grow down the graph
        assert varsortability(X / X.std(axis=0), B) == pytest.approx(0.5)
    # a chain whose variances shrink: 0
    B = np.array([[0, 1], [0, 0]])
    X = np.c_[np.arange(10.0), 0.1 * np.arange(10.0) % 3]
    assert varsortability(X, B) == 0.0
    with pytest.raises(ValueError, match="DAG"):
        varsortability(X, np.array([[0, 1], [1, 0]]))
    with pytest.raises(ValueError, match="no edge"):
        varsortability(X, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="must be 2 x 2"):
        varsortability(X, np.zeros((3, 3)))


def test_colidecv_on_a_dataframe_keeps_names_and_gives_a_dag():
    pytest.importorskip("pandas")
    nx = pytest.importorskip("networkx")
    from sparsestat.datasets import load_sachs

    sachs = load_sachs(as_frame=True)
    model = CoLiDECV(variance="ev", alphas=[0.1]).fit(sachs.frame)
    assert model.path_start_alphas_.tolist() == [0.1]  # both starts map to 0.1
    assert list(model.feature_names_in_) == sachs.feature_names
    assert is_dag(model.adjacency_)
    graph = model.graph_
    assert nx.is_directed_acyclic_graph(graph)
    assert set(graph.nodes) == set(sachs.feature_names)


# ---------------------------------------------- Sachs: the user guide's numbers
@pytest.fixture(scope="module")
def sachs_selection():
    """What ``make demo`` runs on Sachs: CoLiDECV(refit=True) with its defaults
    (one BLAS thread, so that the numbers do not depend on the machine's)."""
    sachs = load_sachs()
    with threadpool_limits(limits=1):
        selection = CoLiDECV(refit=True).fit(sachs.data)
    return sachs, selection


def test_colidecv_on_sachs_picks_alpha_0_2_and_refits_effects_in_data_units(sachs_selection):
    sachs, selection = sachs_selection
    # the sparsest graph of the grid: 10 edges, SHD 14 against the literature graph
    assert selection.alpha_ == pytest.approx(0.2, rel=1e-14)
    metrics = dag_metrics(sachs.adjacency, selection.adjacency_)
    assert (metrics["n_edges"], metrics["shd"]) == (10, 14)
    # the default alpha (0.05): 13 edges, SHD 12
    with threadpool_limits(limits=1):
        default = CoLiDE().fit(sachs.data)
    metrics = dag_metrics(sachs.adjacency, default.adjacency_)
    assert (metrics["n_edges"], metrics["shd"]) == (13, 12)
    # the two largest least-squares effects: Erk -> PKA -12.3, Akt -> PKA +10.1
    names = sachs.feature_names
    effects = selection.adjacency_
    largest = sorted(zip(*np.nonzero(effects), strict=True), key=lambda e: -abs(effects[e]))[:2]
    assert [(names[i], names[j]) for i, j in largest] == [("Erk", "PKA"), ("Akt", "PKA")]
    assert round(effects[largest[0]], 1) == -12.3
    assert round(effects[largest[1]], 1) == 10.1


def test_warm_stages_check_every_500_iterations_and_end_sooner(sachs_selection, monkeypatch):
    sachs, selection = sachs_selection
    fitted = selection.path_fitted_
    warm = fitted.copy()
    for row, start in enumerate(selection.path_start_alphas_):
        warm[row, np.flatnonzero(selection.alphas_ == start)] = False
    iterations = selection.path_iter_[warm]
    assert (iterations % 500 == 0).all()
    assert (iterations % 1000 != 0).any()  # CoLiDE's own checkpoints are 1000 apart
    # with CoLiDE's spacing the same warm stages run longer
    monkeypatch.setattr(selection_module, "_WARM_CHECKPOINT", 1000)
    with threadpool_limits(limits=1):
        spaced = CoLiDECV(refit=True).fit(sachs.data)
    np.testing.assert_array_equal(spaced.path_fitted_, fitted)
    assert (spaced.path_iter_[warm] >= iterations).all()
    assert spaced.path_iter_[warm].sum() > iterations.sum()
    np.testing.assert_array_equal(spaced.path_iter_[~warm], selection.path_iter_[~warm])


def test_edge_stability_on_sachs_at_the_selected_alpha(sachs_selection):
    # make demo's bootstrap: 20 resamples, seed 0, CoLiDE at the BIC's alpha
    sachs, selection = sachs_selection
    stability = edge_stability(
        CoLiDE(alpha=selection.alpha_), sachs.data, n_bootstrap=20, random_state=0
    )
    literature = sachs.adjacency != 0
    off_diagonal = ~np.eye(11, dtype=bool)
    undirected = stability.undirected_frequency
    known = undirected[literature]
    others = undirected[off_diagonal & ~(literature | literature.T)]  # both orders
    assert known.size == 17 and others.size == 2 * 38
    assert round(float(np.median(known)), 2) == 0.65
    assert round(float(known.mean()), 2) == 0.61
    assert np.sum(known > 0.5) == 10
    assert np.median(others) == 0.0
    assert round(float(others.mean()), 3) == 0.045
    assert np.sum(others > 0.5) == 2  # one pair, counted in both orders
    metrics = dag_metrics(sachs.adjacency, stability.consensus)
    assert (metrics["n_edges"], metrics["shd"]) == (11, 13)
