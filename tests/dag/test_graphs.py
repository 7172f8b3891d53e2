"""Acyclicity function, DAG checks, to_dag, simulation and metrics."""

import itertools
import os

import numpy as np
import pytest
from scipy.optimize import check_grad
from threadpoolctl import threadpool_info, threadpool_limits

from sparsestat.dag import (
    dag_metrics,
    is_dag,
    logdet_acyclicity,
    simulate_dag,
    simulate_linear_sem,
    simulate_parameters,
    to_dag,
    topological_order,
)


def _random_graph(rng, d, density):
    B = (rng.random((d, d)) < density).astype(float)
    np.fill_diagonal(B, 0)
    return B


def _has_cycle_brute_force(B):
    """A cycle exists iff some power of the adjacency has a non-zero trace."""
    A = (B != 0).astype(float)
    power = np.eye(len(A))
    for _ in range(len(A)):
        power = power @ A
        if np.trace(power) > 0:
            return True
    return False


# ---------------------------------------------------------------- acyclicity
def test_h_is_zero_exactly_on_dags():
    rng = np.random.default_rng(0)
    for _ in range(200):
        d = int(rng.integers(2, 7))
        B = _random_graph(rng, d, rng.uniform(0.1, 0.6))
        W = B * rng.uniform(0.1, 0.4, B.shape) * rng.choice([-1, 1], B.shape)
        value = logdet_acyclicity(W, s=1.0)
        cyclic = _has_cycle_brute_force(B)
        assert is_dag(B) == (not cyclic)
        if cyclic:
            assert value > 1e-10
        else:
            assert abs(value) < 1e-12


def test_h_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    d = 6
    for s in (1.0, 0.8):
        W0 = rng.normal(scale=0.2, size=(d, d))
        flat = W0.ravel()
        error = check_grad(
            lambda w, s=s: logdet_acyclicity(w.reshape(d, d), s),
            lambda w, s=s: logdet_acyclicity(w.reshape(d, d), s, return_gradient=True)[1].ravel(),
            flat,
        )
        gradient = logdet_acyclicity(W0, s, return_gradient=True)[1]
        assert error < 1e-6 * max(1.0, np.linalg.norm(gradient))


def test_h_outside_domain_and_bad_input():
    with pytest.raises(ValueError, match="M-matrix"):
        logdet_acyclicity(np.array([[0.0, 1.5], [1.5, 0.0]]))
    with pytest.raises(ValueError, match="square"):
        logdet_acyclicity(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="s must be"):
        logdet_acyclicity(np.zeros((2, 2)), s=0.0)
    with pytest.raises(ValueError, match="NaN"):
        logdet_acyclicity(np.array([[0.0, np.nan], [0.0, 0.0]]))


def test_h_on_array_api_strict():
    xps = pytest.importorskip("array_api_strict")
    W = np.array([[0.0, 0.3, 0.0], [0.0, 0.0, 0.4], [0.2, 0.0, 0.0]])
    value, gradient = logdet_acyclicity(xps.asarray(W), return_gradient=True)
    expected, expected_gradient = logdet_acyclicity(W, return_gradient=True)
    assert value == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(np.asarray(gradient), expected_gradient, rtol=1e-12)


def test_topological_order_is_valid():
    rng = np.random.default_rng(2)
    for _ in range(50):
        B = simulate_dag(8, 12, "ER", random_state=rng.integers(1 << 30))
        order = topological_order(B)
        position = np.empty(8, dtype=int)
        position[order] = np.arange(8)
        for i, j in zip(*np.nonzero(B), strict=True):
            assert position[i] < position[j]
    assert topological_order(np.array([[1.0]])) is None  # self-loop


def test_to_dag_removes_only_cycle_edges():
    # 0 -> 1 -> 2 -> 0 (weakest 2 -> 0) plus 3 -> 0 (weak, but on no cycle)
    W = np.zeros((4, 4))
    W[0, 1], W[1, 2], W[2, 0], W[3, 0] = 0.9, 0.8, 0.5, 0.1
    dag = to_dag(W)
    expected = W.copy()
    expected[2, 0] = 0
    np.testing.assert_array_equal(dag, expected)
    assert W[2, 0] == 0.5  # input untouched


def test_to_dag_always_returns_a_dag():
    rng = np.random.default_rng(3)
    for _ in range(100):
        d = int(rng.integers(2, 9))
        W = rng.normal(size=(d, d)) * (rng.random((d, d)) < 0.5)
        threshold = float(rng.uniform(0, 0.5))
        dag = to_dag(W, threshold)
        assert is_dag(dag)
        kept = dag != 0
        assert np.all(np.abs(W[kept]) > threshold)
        np.testing.assert_array_equal(dag[kept], W[kept])
    with pytest.raises(ValueError, match="threshold"):
        to_dag(np.zeros((2, 2)), -0.1)


def test_to_dag_keeps_namespace():
    xps = pytest.importorskip("array_api_strict")
    W = np.array([[0.0, 0.9], [0.4, 0.0]])
    dag = to_dag(xps.asarray(W), 0.0)
    assert type(dag).__module__.startswith("array_api_strict")
    np.testing.assert_array_equal(np.asarray(dag), [[0.0, 0.9], [0.0, 0.0]])


# ----------------------------------------------------------------- simulate
@pytest.mark.parametrize("graph_type", ["ER", "SF"])
def test_simulate_dag(graph_type):
    for seed in range(10):
        B = simulate_dag(20, 40, graph_type, random_state=seed)
        assert B.shape == (20, 20) and is_dag(B)
        assert set(np.unique(B)) <= {0.0, 1.0}
        if graph_type == "ER":
            assert B.sum() == 40
        else:  # m = 2 edges per new node: 1 + 2·18
            assert B.sum() == 37
    np.testing.assert_array_equal(
        simulate_dag(10, 15, graph_type, random_state=4),
        simulate_dag(10, 15, graph_type, random_state=4),
    )


def test_scale_free_has_hubs():
    B = simulate_dag(200, 400, "SF", random_state=0)
    degree = (B + B.T).sum(axis=0)
    assert degree.max() > 5 * np.median(degree)


def test_simulate_parameters_ranges():
    B = simulate_dag(30, 200, "ER", random_state=0)
    W = simulate_parameters(B, random_state=0)
    values = W[B != 0]
    assert np.all((np.abs(values) >= 0.5) & (np.abs(values) <= 2.0))
    assert (values > 0).any() and (values < 0).any()
    assert np.all(W[B == 0] == 0)
    with pytest.raises(ValueError, match="low <= high"):
        simulate_parameters(B, w_ranges=((1.0, 0.5),))


def test_linear_sem_covariance_matches_theory():
    B = simulate_dag(5, 6, "ER", random_state=1)
    W = simulate_parameters(B, random_state=1)
    scale = np.array([0.5, 1.0, 1.5, 2.0, 0.7])
    X = simulate_linear_sem(W, 400_000, noise_scale=scale, random_state=1)
    inverse = np.linalg.inv(np.eye(5) - W)
    expected = inverse.T @ np.diag(scale**2) @ inverse
    np.testing.assert_allclose(np.cov(X.T), expected, rtol=0.03, atol=0.03)


@pytest.mark.parametrize("noise", ["gaussian", "exponential", "gumbel", "laplace", "uniform"])
def test_linear_sem_noises(noise):
    W = np.array([[0.0, 1.0], [0.0, 0.0]])
    X = simulate_linear_sem(W, 50_000, noise=noise, noise_scale=1.0, random_state=0)
    residual = X[:, 1] - X[:, 0]
    variance = {"gaussian": 1, "exponential": 1, "gumbel": np.pi**2 / 6, "laplace": 2}
    expected = variance.get(noise, 1 / 3)
    assert np.var(residual) == pytest.approx(expected, rel=0.05)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores to run BLAS on 2 threads")
def test_linear_sem_does_not_depend_on_thread_count():
    # a two-thread LAPACK solve sums in another order: without the one-thread
    # solve, most entries of this X differ in the last digits
    B = simulate_dag(100, 400, "SF", random_state=5)
    W = simulate_parameters(B, random_state=5)
    scale = np.sqrt(np.random.RandomState(0).uniform(0.5, 10.0, 100))
    samples = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            samples.append(simulate_linear_sem(W, 1000, noise_scale=scale, random_state=5))
    np.testing.assert_array_equal(samples[0], samples[1])


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores to run BLAS on 2 threads")
def test_linear_sem_restores_the_callers_thread_count():
    # the one-thread solve is scoped to the solve: the caller's BLAS keeps
    # the thread count it had, and the data equal those of a one-thread run
    W = simulate_parameters(simulate_dag(30, 60, "ER", random_state=0), random_state=0)
    with threadpool_limits(limits=1, user_api="blas"):
        reference = simulate_linear_sem(W, 200, random_state=0)
    with threadpool_limits(limits=2, user_api="blas"):
        before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
        assert max(before, default=1) == 2  # else a leaked limit could not show
        X = simulate_linear_sem(W, 200, random_state=0)
        after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert after == before
    np.testing.assert_array_equal(X, reference)


def test_linear_sem_errors():
    with pytest.raises(ValueError, match="cycle"):
        simulate_linear_sem(np.array([[0.0, 1.0], [1.0, 0.0]]), 10)
    W = np.zeros((3, 3))
    with pytest.raises(ValueError, match="noise must be"):
        simulate_linear_sem(W, 10, noise="cauchy")
    with pytest.raises(ValueError, match="shape"):
        simulate_linear_sem(W, 10, noise_scale=[1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        simulate_linear_sem(W, 10, noise_scale=[1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="d must be"):
        simulate_dag(1, 0)
    with pytest.raises(ValueError, match="n_edges"):
        simulate_dag(4, 7)
    with pytest.raises(ValueError, match="graph_type"):
        simulate_dag(4, 2, "BA")


# ------------------------------------------------------------------ metrics
def test_metrics_by_hand():
    truth = np.zeros((4, 4))
    truth[0, 1] = truth[1, 2] = truth[2, 3] = 1
    estimate = np.zeros((4, 4))
    estimate[0, 1] = 0.7  # true positive
    estimate[2, 1] = 1.2  # reversed
    estimate[0, 3] = -0.5  # extra
    m = dag_metrics(truth, estimate)  # missing: 2 -> 3
    assert (m["true_positives"], m["reversed"], m["false_positives"], m["missing"]) == (1, 1, 1, 1)
    assert m["shd"] == 3
    assert m["tpr"] == pytest.approx(1 / 3)
    assert m["fdr"] == pytest.approx(2 / 3)
    assert m["fpr"] == pytest.approx(2 / 3)
    assert m["n_edges"] == 3 and m["is_dag"]


def test_metrics_perfect_and_empty():
    B = simulate_dag(10, 15, random_state=0)
    perfect = dag_metrics(B, B * 3.0)
    assert perfect["shd"] == 0 and perfect["tpr"] == 1 and perfect["fdr"] == 0
    empty = dag_metrics(B, np.zeros_like(B))
    assert empty["shd"] == 15 and empty["tpr"] == 0 and empty["fdr"] == 0


def test_metrics_never_exceed_one():
    rng = np.random.default_rng(0)
    for _ in range(100):
        B = simulate_dag(6, 6, random_state=rng.integers(1 << 30))
        E = (rng.random((6, 6)) < 0.5).astype(float)
        m = dag_metrics(B, E)
        assert 0 <= m["tpr"] <= 1 and 0 <= m["fdr"] <= 1
        # SHD from scratch on the skeleton plus orientation errors
        both = np.triu((B + B.T) > 0, 1)
        est = np.triu((E + E.T) > 0, 1)
        orientation = sum(
            1
            for i, j in itertools.permutations(range(6), 2)
            if E[i, j] and B[j, i] and not B[i, j]
        )
        assert m["shd"] == (both != est).sum() + orientation + int(np.trace(E))


def test_metrics_errors():
    with pytest.raises(ValueError, match="same shape"):
        dag_metrics(np.zeros((3, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="B_true must be a DAG"):
        dag_metrics(np.array([[0, 1], [1, 0]]), np.zeros((2, 2)))
