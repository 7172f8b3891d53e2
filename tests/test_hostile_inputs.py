"""Invalid input that used to be accepted, and crashes from the internals (issue 20).

Each case gets a ValueError / TypeError whose message names the input, or (for
kernels) follows IEEE: NaN in, NaN out."""

import warnings

import numpy as np
import pytest

from sparsestat.datasets import make_multitask_representation, whitening_filter
from sparsestat.decomposition import sparse_encode
from sparsestat.linear_model import GroupSparseRegression, sparse_path
from sparsestat.penalties import CEL0, L0, L1, MCP, SCAD, ElasticNet, Lq, _kernels

SEPARABLE = [
    L1(1.0),
    ElasticNet(1.0),
    L0(1.0),
    Lq(1.0),
    CEL0(1.0, column_norms=[1.0]),
    MCP(1.0),
    SCAD(1.0),
]


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 6))
    return X, X @ np.array([1.0, 0.0, 2.0, -1.0, 0.0, 3.0])


@pytest.mark.parametrize("penalty", SEPARABLE, ids=lambda p: type(p).__name__)
def test_scalar_kernel_nan_in_nan_out(penalty):
    out = _kernels.prox_1d(np.nan, 1.0, penalty.kernel_code, penalty.kernel_params, 1.0)
    assert np.isnan(out)
    assert np.isnan(penalty.prox_1d(np.nan, 1.0))
    # and the array kernel that the solvers call on whole vectors
    x = np.array([[np.nan, 0.3]])
    out = np.empty_like(x)
    weights = np.ones(2) if isinstance(penalty, CEL0) else np.ones(1)
    _kernels.prox_separable(x, 1.0, penalty.kernel_code, penalty.kernel_params, weights, out)
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(penalty.prox_1d(0.3, 1.0))


@pytest.mark.parametrize("step", [0.0, np.nan, -1.0, np.inf])
def test_l0_threshold_refuses_bad_step(step):
    with pytest.raises(ValueError, match="step"):
        L0(1.0).threshold(step)


def test_coordinate_out_of_range_named():
    penalty = CEL0(1.0, column_norms=[1.0])
    with pytest.raises(ValueError, match="coordinate"):
        penalty.threshold(0.5, 3)
    with pytest.raises(ValueError, match="coordinate"):
        penalty.prox_1d(0.5, 0.5, 3)
    with pytest.raises(TypeError, match="coordinate"):
        L1(1.0).prox_1d(0.5, 0.5, 1.5)
    with pytest.raises(TypeError, match="z must be a real number"):
        L1(1.0).prox_1d(None, 0.5)


@pytest.mark.parametrize(
    "coef_init, match",
    [
        (np.full(6, np.nan), "coef_init contains NaN"),
        (np.ones((6, 2)), r"coef_init must have shape \(6,\)"),
        (np.ones(5), r"coef_init must have shape \(6,\)"),
        ("abc", "coef_init"),
    ],
)
def test_sparse_path_coef_init_checked(regression, coef_init, match):
    X, y = regression
    with pytest.raises((ValueError, TypeError), match=match):
        sparse_path(X, y, coef_init=coef_init, n_alphas=3)


def test_sparse_encode_refuses_nan_init_and_complex(regression):
    X, _ = regression
    D = np.random.default_rng(1).standard_normal((8, 6))
    with pytest.raises(ValueError, match="init contains NaN"):
        sparse_encode(X[:3], D, init=np.full((3, 8), np.nan))
    with pytest.raises(TypeError, match="X must be real"):
        sparse_encode(X[:3] + 1j, D)


@pytest.mark.parametrize("task", [-2, 6, 1.5, "a", None])
def test_multitask_representation_sample_task_checked(task):
    model = make_multitask_representation(6, 8, 2, 2, random_state=0)
    with pytest.raises((ValueError, TypeError), match="task"):
        model.sample(task, 3)
    X, y = model.sample(-1, 3)  # the target
    assert X.shape == (3, 8) and y.shape == (3,)


@pytest.mark.parametrize(
    "shape, cutoff, match",
    [
        ((8, 8), 0.0, "cutoff"),
        ((8, 8), np.nan, "cutoff"),
        ((8, 8), -0.3, "cutoff"),
        ((8,), 0.39, "shape"),
        ((0, 8), 0.39, "shape"),
        (8, 0.39, "shape"),
        ((8, 2.5), 0.39, "shape"),
    ],
)
def test_whitening_filter_checks(shape, cutoff, match):
    with pytest.raises((ValueError, TypeError), match=match):
        whitening_filter(shape, cutoff=cutoff)


def test_plot_adjacency_shapes():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sparsestat.plotting import plot_adjacency

    with pytest.raises(ValueError, match="adjacency must be a non-empty square"):
        plot_adjacency(np.ones((2, 3)))
    with pytest.raises(ValueError, match="reference must have the shape"):
        plot_adjacency(np.ones((3, 3)), reference=np.ones((2, 2)))
    with pytest.raises(ValueError, match="labels"):
        plot_adjacency(np.ones((3, 3)), labels=["a"])
    plt.close("all")


def test_exact_k_on_constant_y_warns(regression):
    X, _ = regression
    model = GroupSparseRegression(groups=[[0, 1], [2, 3], [4, 5]], k=2, exact_k=True)
    with pytest.warns(UserWarning, match="exact_k=True"):
        model.fit(X, np.full(30, 3.0))
    assert np.all(model.coef_ == 0.0)
    assert model.intercept_ == pytest.approx(3.0)
    # with signal: exactly k groups, no warning
    rng = np.random.default_rng(2)
    y = X @ np.array([1.0, 1.0, 0.5, 0.5, 0.0, 0.0]) + 0.1 * rng.standard_normal(30)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fitted = GroupSparseRegression(groups=[[0, 1], [2, 3], [4, 5]], k=2, exact_k=True).fit(
            X, y
        )
    assert fitted.n_active_groups_ == 2


# --------------------------------------------------------------------------- #
# crashes from the internals: now a ValueError / TypeError naming the input
# --------------------------------------------------------------------------- #
def _all_penalties():
    from sparsestat.penalties import L21, WGSEF, GroupL2

    return SEPARABLE + [GroupL2(1.0, groups=[0, 0]), L21(1.0), WGSEF(groups=[0, 0])]


@pytest.mark.parametrize("penalty", _all_penalties(), ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("method", ["prox", "prox_numba", "value"])
def test_penalty_methods_refuse_none(penalty, method):
    args = (None,) if method == "value" else (None, 1.0)
    with pytest.raises(TypeError, match="must be an array of real numbers"):
        getattr(penalty, method)(*args)


@pytest.mark.parametrize(
    "penalty",
    [p for p in _all_penalties() if not isinstance(p, CEL0)],
    ids=lambda p: type(p).__name__,
)
def test_prox_numba_float16_and_empty_like_prox(penalty):
    from sparsestat.penalties import L21, WGSEF, GroupL2

    shape = (2, 2) if isinstance(penalty, L21) else (2,)
    x16 = np.full(shape, 0.7, dtype=np.float16)
    out = penalty.prox_numba(x16, 0.5)
    assert out.dtype == np.float16
    np.testing.assert_allclose(out, penalty.prox(x16, 0.5), rtol=1e-3)
    if not isinstance(penalty, (GroupL2, WGSEF)):  # groups fix the number of features
        empty = np.zeros((0, 2)) if isinstance(penalty, L21) else np.zeros(0)
        assert penalty.prox_numba(empty, 0.5).shape == empty.shape


def test_array_likes_accepted_by_small_functions():
    from sparsestat.dag import logdet_acyclicity
    from sparsestat.penalties import envelope_value

    assert logdet_acyclicity([[0, 0.5], [0, 0]]) == pytest.approx(0.0, abs=1e-12)
    assert envelope_value([3.0, 1.0], 1) == pytest.approx(8.0)
    with pytest.raises(ValueError, match="k must be"):
        envelope_value([3.0, 1.0], 3)
    with pytest.raises(TypeError, match="W must be"):
        logdet_acyclicity("ab")


def test_stability_selection_refuses_non_estimator(regression):
    from sparsestat.linear_model import StabilitySelection

    with pytest.raises(TypeError, match="estimator must be"):
        StabilitySelection(None).fit(*regression)


@pytest.mark.parametrize("groups", [[[0], [10**12]], [[0, 1], [2_000_000_000]]])
def test_groups_with_huge_indices_refused_without_allocating(groups):
    from sparsestat.penalties import WGSEF, GroupL2, GroupPartition

    for build in (
        lambda: GroupL2(1.0, groups=groups),
        lambda: WGSEF(groups=groups),
        lambda: GroupPartition(groups),
    ):
        with pytest.raises(ValueError, match="do not cover every feature"):
            build()


def test_generators_and_filters_check_shapes():
    from sparsestat.datasets import make_sparse_regression

    with pytest.raises(ValueError, match="coef_range"):
        make_sparse_regression(coef_range=(1.0,))


def test_plotting_checks():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sparsestat import plotting

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 6))
    alphas, coefs = sparse_path(X, X[:, 0], n_alphas=4)[:2]
    with pytest.raises(ValueError, match="highlight"):
        plotting.plot_regularization_path(alphas, coefs, highlight=[10])
    with pytest.raises(ValueError, match="components"):
        plotting.plot_dictionary(np.ones(4), (2, 2))
    with pytest.raises(ValueError, match="components"):
        plotting.plot_dictionary(np.ones((0, 4)), (2, 2))
    with pytest.raises(ValueError, match="patch_shape"):
        plotting.plot_dictionary(np.ones((2, 4)), (4,))
    with pytest.raises(ValueError, match=r"curves\['a'\]"):
        plotting.plot_sparsity_error({"a": ([0.1, 0.2], [1.0])})
    axes = plotting.plot_proximal_operators([L1(1.0), L0(1.0)])
    assert len(axes[0].get_lines()) == 3  # identity + two penalties
    with pytest.raises(TypeError, match="separable penalty"):
        plotting.plot_proximal_operators({"a": 3})
    plt.close("all")


def test_dag_messages_name_W():
    from sparsestat.dag import simulate_linear_sem

    with pytest.raises(ValueError, match="W must be a square"):
        simulate_linear_sem(np.ones((2, 3)), 10)
    with pytest.raises(ValueError, match="W contains NaN"):
        simulate_linear_sem(np.array([[0.0, np.nan], [0.0, 0.0]]), 10)


def test_task_selector_ridge_zero_on_rank_deficient_tasks():
    from sparsestat.task_selection import TaskSelector

    model = make_multitask_representation(6, 8, 2, 2, random_state=0)
    sources = [model.sample(t, 3) for t in range(6)]  # 3 samples, 8 features: singular
    selector = TaskSelector(ridge=0.0, random_state=0).fit(sources, model.sample(-1, 4))
    assert np.all(np.isfinite(selector.relevance_))
    assert np.all(np.isfinite(selector.target_coef_))


# --------------------------------------------------------------------------- #
# messages that name the input
# --------------------------------------------------------------------------- #
def test_messages_name_the_input(regression):
    import scipy.sparse as sp

    from sparsestat.linear_model import Lasso, alpha_max

    X, y = regression
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        sparse_path(bad, y, n_alphas=3)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        alpha_max(X, np.r_[np.nan, y[1:]])
    with pytest.raises(TypeError, match="needs X"):
        Lasso().fit(None, y)
    with pytest.raises(ValueError, match="requires y to be passed"):
        Lasso().fit(X, None)
    D = np.random.default_rng(0).standard_normal((5, 6))
    with pytest.raises(TypeError, match="scipy.sparse input is not supported"):
        sparse_encode(sp.csr_matrix(X), D)
    # float16 signals are coded (in float64), not refused by the linear algebra
    codes = sparse_encode(X.astype(np.float16), D, algorithm="fista", alpha=0.5)
    assert np.all(np.isfinite(codes))
    # an overflowing X under WGSEF's FISTA: the rescale message, not an internal "x"
    with pytest.raises(ValueError, match="squared norms of X are not finite"):
        GroupSparseRegression(groups=2, k=1).fit(X * 1e200, y)


def test_more_messages_name_the_input():
    from sparsestat.datafits import sufficient_statistics
    from sparsestat.linear_model import MultiTaskLasso, SparseRegressionCV

    with pytest.raises(ValueError, match="Input X contains NaN"):
        sufficient_statistics(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="Input y contains NaN"):
        sufficient_statistics(np.ones((2, 2)), [np.nan, 1.0])
    with pytest.raises(TypeError, match="needs X"):
        MultiTaskLasso().fit(None, np.ones((3, 2)))
    with pytest.raises(TypeError, match="needs X"):
        SparseRegressionCV().fit(None, np.ones(3))
