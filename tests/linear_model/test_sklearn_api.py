"""The scikit-learn API of the linear models, defect by defect (issue 19).

Setup of the one-liners: ``X = rng.randn(40, 8)``, ``Y`` of shape (40, 3),
``y = Y[:, 0]``.
"""

import inspect
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn import linear_model as sk
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold

from sparsestat.linear_model import (
    ElasticNet,
    GroupSparseRegression,
    GroupSparseRegressionCV,
    L0Regression,
    Lasso,
    LqRegression,
    MCPRegression,
    MultiTaskLasso,
    MultiTaskLassoCV,
    MultiTaskSparseRegression,
    SCADRegression,
    SparseRegression,
    SparseRegressionCV,
    StabilitySelection,
    alpha_max,
    sparse_path,
)

LINEAR_MODELS = [
    SparseRegression,
    Lasso,
    ElasticNet,
    MCPRegression,
    SCADRegression,
    LqRegression,
    L0Regression,
    SparseRegressionCV,
    GroupSparseRegression,
    GroupSparseRegressionCV,
    MultiTaskSparseRegression,
    MultiTaskLasso,
    MultiTaskLassoCV,
    StabilitySelection,
]


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 8)
    Y = X[:, :3] @ rng.randn(3, 3) + 0.1 * rng.randn(40, 3)
    return X, Y, Y[:, 0]


# --------------------------------------------------------------------------- #
# 1. multi-output y
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix, sp.csc_array])
@pytest.mark.parametrize("model", [ElasticNet(alpha=0.01), Lasso(alpha=0.05), MCPRegression(0.1)])
def test_multi_output_y_is_one_fit_per_column(data, container, model):
    X, Y, _ = data
    multi = clone(model).fit(container(X), Y)
    assert multi.coef_.shape == (3, 8) and multi.intercept_.shape == (3,)
    assert multi.predict(container(X)).shape == (40, 3)
    assert len(multi.n_iter_) == 3
    for k in range(3):
        single = clone(model).fit(container(X), Y[:, k])
        np.testing.assert_array_equal(multi.coef_[k], single.coef_)
        assert multi.intercept_[k] == pytest.approx(single.intercept_, abs=1e-14)
        if hasattr(single, "dual_gap_"):
            assert multi.dual_gap_[k] == pytest.approx(single.dual_gap_, abs=1e-14)
    # scikit-learn gives the same coefficients (to its tolerance)
    if isinstance(model, ElasticNet):
        reference = sk.ElasticNet(alpha=0.01, tol=1e-10).fit(X, Y)
        tight = ElasticNet(alpha=0.01, tol=1e-10).fit(X, Y)
        np.testing.assert_allclose(tight.coef_, reference.coef_, atol=1e-6)


def test_multi_output_warm_start_uses_each_row(data):
    X, Y, _ = data
    model = Lasso(alpha=0.05, tol=1e-10, warm_start=True).fit(X, Y)
    again = model.fit(X, Y)
    assert again.n_iter_ == [0, 0, 0]  # each target starts at its own optimum


def test_one_column_y_is_a_single_target(data):
    X, Y, y = data
    model = Lasso(alpha=0.05).fit(X, Y[:, :1])
    np.testing.assert_array_equal(model.coef_, Lasso(alpha=0.05).fit(X, y).coef_)
    assert model.coef_.shape == (8,) and model.predict(X).shape == (40,)


# --------------------------------------------------------------------------- #
# 2. fit(X, y, sample_weight=None, check_input=True)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("cls", [Lasso, ElasticNet, SparseRegression, MCPRegression])
def test_fit_takes_scikit_learn_signature(data, cls):
    X, _, y = data
    assert list(inspect.signature(cls.fit).parameters) == [
        "self",
        "X",
        "y",
        "sample_weight",
        "check_input",
    ]
    checked = cls(alpha=0.05).fit(X, y, sample_weight=None, check_input=True)
    unchecked = cls(alpha=0.05).fit(np.asfortranarray(X), y, None, False)
    np.testing.assert_array_equal(checked.coef_, unchecked.coef_)
    assert unchecked.n_features_in_ == 8


def test_check_input_false_refuses_what_it_cannot_read(data):
    X, _, y = data
    with pytest.raises(ValueError, match="check_input=False"):
        Lasso().fit(X.tolist(), y, check_input=False)
    with pytest.raises(ValueError, match="check_input=False"):
        Lasso().fit(X.astype(int), y, check_input=False)
    weights = np.full(40, 1.25)
    Lasso().fit(X, y, sample_weight=weights, check_input=False)
    np.testing.assert_array_equal(weights, 1.25)  # never overwritten


def test_check_input_is_not_routed_metadata():
    # scikit-learn's convention: an option of fit, not metadata a router could request
    with config_context(enable_metadata_routing=True):
        request = inspect.signature(Lasso().set_fit_request).parameters
    assert "sample_weight" in request and "check_input" not in request


# --------------------------------------------------------------------------- #
# 3. sparse_coef_
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("model", [Lasso(0.05), ElasticNet(0.05), MultiTaskLasso(0.05)])
def test_sparse_coef(data, model):
    X, Y, y = data
    model.fit(X, Y if isinstance(model, MultiTaskLasso) else y)
    coef = model.sparse_coef_
    assert sp.issparse(coef)
    np.testing.assert_array_equal(coef.toarray(), np.atleast_2d(model.coef_))


# --------------------------------------------------------------------------- #
# 4. precompute= a Gram array
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_precomputed_gram_matches_the_data_route(data, fit_intercept, weighted):
    X, _, y = data
    weights = np.random.RandomState(1).uniform(0.5, 2.0, 40) if weighted else None
    scaled = np.ones(40) if weights is None else weights * 40 / weights.sum()
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=scaled)  # scikit-learn's convention
    gram = (X * scaled[:, None]).T @ X
    options = dict(alpha=0.05, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a centred X: the Gram matrix is used, no warning
        given = ElasticNet(precompute=gram, **options).fit(X, y, sample_weight=weights)
    computed = ElasticNet(precompute=False, **options).fit(X, y, sample_weight=weights)
    assert given.solver_ == "gram"
    np.testing.assert_allclose(given.coef_, computed.coef_, rtol=1e-8, atol=1e-10)
    reference = sk.ElasticNet(precompute=gram, **options).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(given.coef_, reference.coef_, rtol=1e-6, atol=1e-8)


def test_precomputed_gram_is_validated(data):
    X, _, y = data
    Xc = X - X.mean(axis=0)
    garbage = np.random.RandomState(0).standard_normal(X.shape)
    with pytest.raises(ValueError, match="Gram matrix.*did not pass validation"):
        Lasso(alpha=0.01, precompute=garbage.T @ garbage).fit(Xc, y)
    with pytest.raises(
        ValueError, match=r"precompute: the Gram matrix must have shape .* = \(8, 8\)"
    ):
        Lasso(precompute=np.eye(3)).fit(Xc, y)
    with pytest.raises(ValueError, match="precompute"):
        Lasso(precompute=np.full((8, 8), np.nan)).fit(Xc, y)
    with pytest.raises(ValueError, match="solver must be 'auto' or 'gram'"):
        Lasso(precompute=Xc.T @ Xc, solver="cd").fit(Xc, y)
    with pytest.warns(UserWarning, match="X was centered to fit intercept: recomputing"):
        model = Lasso(alpha=0.05, precompute=X.T @ X).fit(X + 5.0, y)
    np.testing.assert_array_equal(
        model.coef_, Lasso(alpha=0.05, precompute=True).fit(X + 5, y).coef_
    )


# --------------------------------------------------------------------------- #
# 5. MultiTaskLassoCV: alphas=int, copy_X, random_state, selection
# --------------------------------------------------------------------------- #
def test_multitask_lasso_cv_alphas_int_is_a_number_of_alphas(data):
    X, Y, _ = data
    model = MultiTaskLassoCV(alphas=5, cv=3).fit(X, Y)
    assert model.alphas_.shape == (5,) and model.mse_path_.shape == (5, 3)
    assert np.any(model.coef_ != 0)
    same = MultiTaskLassoCV(n_alphas=5, cv=3).fit(X, Y)
    np.testing.assert_array_equal(model.alphas_, same.alphas_)
    params = MultiTaskLassoCV().get_params()
    assert {"copy_X", "random_state", "selection"} <= set(params)
    with pytest.raises(ValueError, match="selection"):
        MultiTaskLassoCV(selection="greedy").fit(X, Y)
    with pytest.raises(ValueError, match="alphas"):
        MultiTaskLassoCV(alphas=0).fit(X, Y)
    for cls in (SparseRegressionCV, GroupSparseRegressionCV):
        model = cls(alphas=4, cv=3).fit(X, Y[:, 0])
        assert np.shape(model.alphas_)[-1] == 4


def test_constant_target_gives_scikit_learn_grid():
    X = np.random.RandomState(0).random_sample((10, 3))
    Y = np.column_stack([np.full(10, 5.0), np.full(10, 10.0)])
    model = MultiTaskLassoCV(alphas=3, cv=3).fit(X, Y)
    np.testing.assert_array_equal(model.alphas_, [np.finfo(float).resolution] * 3)
    np.testing.assert_array_equal(model.predict(X), Y)


# --------------------------------------------------------------------------- #
# 6. weighted CV scoring: a weight is a repeated row
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "model",
    [
        SparseRegressionCV(n_alphas=5, tol=1e-12, max_iter=100_000),
        MultiTaskLassoCV(n_alphas=5, tol=1e-12, max_iter=100_000),
        GroupSparseRegressionCV(groups=2, penalty="group_l2", n_alphas=4, tol=1e-12),
    ],
)
def test_cv_scores_weighted_folds_as_repeated_rows(data, model):
    X, Y, y = data
    target = Y if isinstance(model, MultiTaskLassoCV) else y
    weights = np.random.RandomState(3).randint(1, 4, size=40)
    folds = np.arange(40) % 3
    repeated = np.repeat(np.arange(40), weights)
    weighted = clone(model).set_params(
        cv=[(np.flatnonzero(folds != k), np.flatnonzero(folds == k)) for k in range(3)]
    )
    weighted.fit(X, target, sample_weight=weights)
    rep_folds = folds[repeated]
    copies = clone(model).set_params(
        cv=[(np.flatnonzero(rep_folds != k), np.flatnonzero(rep_folds == k)) for k in range(3)]
    )
    copies.fit(X[repeated], target[repeated])
    np.testing.assert_allclose(weighted.mse_path_, copies.mse_path_, rtol=1e-6)
    assert weighted.alpha_ == pytest.approx(copies.alpha_)


# --------------------------------------------------------------------------- #
# 7. metadata routing
# --------------------------------------------------------------------------- #
CV_MODELS = [
    SparseRegressionCV(n_alphas=4),
    MultiTaskLassoCV(n_alphas=4),
    GroupSparseRegressionCV(groups=2, penalty="group_l2", n_alphas=3),
]


@pytest.mark.parametrize("model", CV_MODELS)
def test_cv_routes_groups_to_the_splitter(data, model):
    X, Y, y = data
    target = Y if isinstance(model, MultiTaskLassoCV) else y
    groups = np.arange(40) // 4
    with config_context(enable_metadata_routing=True):
        routed = clone(model).set_params(cv=GroupKFold(3)).fit(X, target, groups=groups)
    explicit = clone(model).set_params(cv=list(GroupKFold(3).split(X, target, groups)))
    explicit.fit(X, target)
    np.testing.assert_array_equal(routed.mse_path_, explicit.mse_path_)
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        clone(model).set_params(cv=GroupKFold(3)).fit(X, target, groups=groups)


@pytest.mark.parametrize("model", CV_MODELS)
def test_cv_estimators_receive_routed_sample_weight(data, model):
    from sklearn.model_selection import cross_validate

    X, Y, y = data
    target = Y if isinstance(model, MultiTaskLassoCV) else y
    weights = np.random.RandomState(0).uniform(0.5, 2.0, 40)
    with config_context(enable_metadata_routing=True):
        requested = clone(model).set_params(cv=3).set_fit_request(sample_weight=True)
        requested.set_score_request(sample_weight=False)
        result = cross_validate(
            requested, X, target, cv=2, params={"sample_weight": weights}, return_estimator=True
        )
    fitted = result["estimator"][0]
    train = np.arange(20, 40)  # KFold(2): the first fold trains on the second half
    direct = clone(model).set_params(cv=3).fit(X[train], target[train], weights[train])
    np.testing.assert_array_equal(fitted.mse_path_, direct.mse_path_)


class _RecordingRegressor(RegressorMixin, BaseEstimator):
    """Records the sample weights it is fitted with."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y, sample_weight=None):
        self.coef_ = np.ones(X.shape[1])
        self.weights_seen_ = None if sample_weight is None else np.asarray(sample_weight)
        _RecordingRegressor.seen.append(self.weights_seen_)
        return self


_RecordingRegressor.seen = []


def test_stability_selection_routes_sample_weight(data):
    X, _, y = data
    weights = np.arange(1.0, 41.0)
    with config_context(enable_metadata_routing=True):
        estimator = Lasso(alpha=0.05).set_fit_request(sample_weight=True)
        routed = StabilitySelection(estimator, n_bootstrap=3, random_state=0)
        routed.fit(X, y, sample_weight=weights)
        _RecordingRegressor.seen = []
        recorder = _RecordingRegressor().set_fit_request(sample_weight=True)
        StabilitySelection(recorder, n_bootstrap=2, random_state=0).fit(
            X, y, sample_weight=weights
        )
        assert len(_RecordingRegressor.seen) == 2
        assert all(
            seen.shape == (20,) and set(seen) <= set(weights) for seen in _RecordingRegressor.seen
        )
    # without routing, sample_weight goes to estimators that take it
    legacy = StabilitySelection(Lasso(alpha=0.05), n_bootstrap=3, random_state=0)
    legacy.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(legacy.selection_probabilities_, routed.selection_probabilities_)
    unweighted = StabilitySelection(Lasso(alpha=0.05), n_bootstrap=3, random_state=0).fit(X, y)
    assert unweighted.n_subsamples_ == 3
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        StabilitySelection(Lasso(), n_bootstrap=2).fit(X, y, groups=np.zeros(40))


# --------------------------------------------------------------------------- #
# 8. overflowing input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "fit",
    [
        lambda X, y: ElasticNet(alpha=0.1).fit(X, y),
        lambda X, y: Lasso(alpha=0.1, solver="cd").fit(X, y),
        lambda X, y: MCPRegression(alpha=0.1).fit(X, y),
        lambda X, y: MultiTaskLasso(alpha=0.1).fit(X, np.c_[y, y]),
        lambda X, y: GroupSparseRegression(groups=1, penalty="group_l2").fit(X, y),
        lambda X, y: sparse_path(X, y, n_alphas=3),
    ],
)
def test_overflowing_input_is_a_value_error(fit):
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.randint(0, 2, size=10).astype(float)
    with pytest.raises(ValueError, match="non-finite"):
        fit(X, y)


# --------------------------------------------------------------------------- #
# 9. warnings
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "model, target",
    [
        (Lasso(alpha=1e-4, tol=1e-14, max_iter=1), "y"),
        (SparseRegression(penalty="mcp", alpha=1e-4, tol=1e-14, max_iter=1), "y"),
        (MultiTaskLasso(alpha=1e-4, tol=1e-14, max_iter=1), "Y"),
        (GroupSparseRegression(groups=2, alpha=1e-4, tol=1e-14, max_iter=1), "y"),
    ],
)
def test_convergence_warning_text_is_scikit_learns(data, model, target):
    X, Y, y = data
    with warnings.catch_warnings():
        # a filter written against scikit-learn's message silences ours too
        warnings.filterwarnings("error", category=ConvergenceWarning)
        warnings.filterwarnings(
            "ignore", message="Objective did not converge", category=ConvergenceWarning
        )
        model.fit(X, Y if target == "Y" else y)
    with pytest.warns(ConvergenceWarning, match=r"^Objective did not converge\. You might"):
        clone(model).fit(X, Y if target == "Y" else y)


@pytest.mark.parametrize(
    "model", [Lasso(alpha=0), SparseRegression(penalty="scad", alpha=0), MultiTaskLasso(alpha=0)]
)
def test_alpha_zero_advises_linear_regression(data, model):
    X, Y, y = data
    with pytest.warns(UserWarning, match="With alpha=0, this algorithm does not converge well"):
        model.fit(X, Y if isinstance(model, MultiTaskLasso) else y)


def test_paths_and_cv_folds_report_non_convergence(data):
    X, _, y = data
    with pytest.warns(ConvergenceWarning, match="sparse_path: .* of the 5 alphas"):
        *_, info = sparse_path(X, y, n_alphas=5, tol=1e-16, max_iter=1, return_info=True)
    assert info["converged"].dtype == bool and not info["converged"].all()
    *_, info = sparse_path(X, y, n_alphas=5, return_info=True)
    assert info["converged"].all()
    for model, target in (
        (SparseRegressionCV(n_alphas=3, cv=3, max_iter=1, tol=1e-16), y),
        (MultiTaskLassoCV(n_alphas=3, cv=3, max_iter=1, tol=1e-16), np.c_[y, y]),
    ):
        with pytest.warns(ConvergenceWarning) as record:
            model.fit(X, target)
        texts = [str(warning.message) for warning in record]
        assert any("of the 9 fits of the cross-validation" in text for text in texts), texts


# --------------------------------------------------------------------------- #
# 10. verbose
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "model, target",
    [
        (SparseRegression(alpha=0.05), "y"),
        (Lasso(alpha=0.05), "y"),
        (MCPRegression(alpha=0.05, init="best"), "y"),
        (L0Regression(alpha=0.05), "y"),
        (GroupSparseRegression(groups=2, penalty="group_l2", alpha=0.05), "y"),
        (MultiTaskLasso(alpha=0.05), "Y"),
        (MultiTaskSparseRegression(penalty="scad", alpha=0.05), "Y"),
    ],
)
def test_verbose_reports_each_solve(data, capsys, model, target):
    X, Y, y = data
    model.fit(X, Y if target == "Y" else y)
    assert capsys.readouterr().out == ""
    model.set_params(verbose=1).fit(X, Y if target == "Y" else y)
    out = capsys.readouterr().out
    assert "iterations" in out and "converged" in out, out


def test_sparse_path_verbose_two_reports_each_alpha(data, capsys):
    X, _, y = data
    pytest.importorskip("tqdm")
    sparse_path(X, y, n_alphas=4, verbose=2)
    captured = capsys.readouterr()
    assert captured.out.count("alpha=") == 4


# --------------------------------------------------------------------------- #
# 13. public functions
# --------------------------------------------------------------------------- #
def test_alpha_max_of_data_is_scikit_learns(data):
    X, _, y = data
    expected = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / X.shape[0]
    assert alpha_max(X, y) == pytest.approx(expected, rel=1e-12)
    assert alpha_max(X, y, "elasticnet", l1_ratio=0.5) == pytest.approx(2 * expected)
    assert np.all(Lasso(alpha=alpha_max(X, y)).fit(X, y).coef_ == 0)
    weights = np.full(40, 3.0)
    assert alpha_max(X, y, sample_weight=weights) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "cls, penalty",
    [(Lasso, "l1"), (ElasticNet, "elasticnet"), (MCPRegression, "mcp"), (L0Regression, "l0")],
)
def test_path_is_static(data, cls, penalty):
    X, _, y = data
    alphas, coefs, intercepts = cls.path(X, y, n_alphas=5)
    expected = sparse_path(X, y, penalty=penalty, n_alphas=5)
    np.testing.assert_array_equal(coefs, expected[1])
    assert isinstance(inspect.getattr_static(cls, "path"), staticmethod)
    np.testing.assert_array_equal(
        SparseRegression.path(X, y, penalty="scad", n_alphas=3)[1],
        sparse_path(X, y, penalty="scad", n_alphas=3)[1],
    )


# --------------------------------------------------------------------------- #
# the design: declared tables, explicit __init__s, shortcuts through super()
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("cls", LINEAR_MODELS, ids=lambda cls: cls.__name__)
def test_parameter_table_covers_every_parameter(cls):
    params = set(inspect.signature(cls.__init__).parameters) - {"self", "estimator"}
    assert set(cls._parameter_constraints) == params
    source = inspect.getsource(cls.__init__)
    assert "locals()" not in source


@pytest.mark.parametrize(
    "cls, penalty",
    [
        (Lasso, "l1"),
        (ElasticNet, "elasticnet"),
        (MCPRegression, "mcp"),
        (SCADRegression, "scad"),
        (LqRegression, "lq"),
        (L0Regression, "l0"),
        (MultiTaskLasso, "l21"),
    ],
)
def test_shortcuts_fix_their_penalty_through_super_init(cls, penalty):
    model = cls()
    assert model.penalty == penalty and "penalty" not in model.get_params()
    with pytest.raises(ValueError, match="Invalid parameter 'penalty'"):
        model.set_params(penalty="l0")
    assert "super().__init__(" in inspect.getsource(cls.__init__)


@pytest.mark.parametrize(
    "model, message",
    [
        (Lasso(alpha="a"), "alpha must be a real number in [0, inf], got 'a'"),
        (Lasso(max_iter=0), "max_iter must be an integer in [1, inf], got 0."),
        (Lasso(selection="greedy"), "selection must be one of ('cyclic', 'random')"),
        (Lasso(warm_start=1), "warm_start must be True or False, got 1."),
        (MultiTaskLassoCV(eps=0.0), "eps must be in (0, 1], got 0.0."),
        (SparseRegression(gamma=0.5), "gamma must be a real number in (1, inf] or None"),
        (StabilitySelection(Lasso(), random_state="x"), "random_state must be None, an int"),
    ],
)
def test_parameters_are_checked_once_with_their_names(data, model, message):
    X, Y, y = data
    target = Y if isinstance(model, MultiTaskLassoCV) else y
    with pytest.raises((TypeError, ValueError)) as error:
        model.fit(X, target)
    assert message in str(error.value)
