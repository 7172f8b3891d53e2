"""StabilitySelection: planted supports are stable, noise features are not, and the
subsampling (sizes, complementary pairs, seeds) is what the docstring promises."""

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LinearRegression
from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso
from sklearn.tree import DecisionTreeRegressor

from sparsestat.datasets import make_sparse_regression
from sparsestat.linear_model import Lasso, SparseRegression, StabilitySelection, sparse_path


@pytest.fixture(scope="module")
def planted():
    """150 samples, 60 features (AR(1) correlation 0.3), 5 true ones."""
    X, y, coef = make_sparse_regression(150, 60, 5, rho=0.3, snr=5.0, random_state=0)
    return X, y, coef != 0


def _grid(X, y, penalty, high=0.6, low=0.2, n=4):
    """A grid below the penalty's own alpha_max (the largest alpha selects nothing)."""
    top = sparse_path(X, y, penalty=penalty, n_alphas=1)[0][0]
    return top * np.geomspace(high, low, n)


class _RowRecorder(RegressorMixin, BaseEstimator):
    """On X = identity, 'selects' feature i iff row i is in the subsample (alpha < 1)."""

    def __init__(self, alpha=0.0):
        self.alpha = alpha

    def fit(self, X, y):
        self.coef_ = np.asarray(X).sum(axis=0) * float(self.alpha < 1.0)
        return self

    def predict(self, X):
        return np.asarray(X) @ self.coef_


# ----------------------------------------------------------------------------------------
# statistics: the planted support is found
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator, penalty",
    [
        (Lasso(), "l1"),
        (SparseRegression(penalty="mcp"), "mcp"),
        (SparseRegression(penalty="l0"), "l0"),
        (SkLasso(), "l1"),
    ],
    ids=["lasso", "mcp", "l0", "sklearn-lasso"],
)
def test_planted_support_is_stable(planted, estimator, penalty):
    X, y, truth = planted
    selector = StabilitySelection(
        estimator, n_bootstrap=25, alphas=_grid(X, y, penalty), random_state=0
    ).fit(X, y)
    scores = selector.stability_scores_
    assert scores[truth].min() >= 0.9
    assert scores[~truth].max() <= 0.4
    np.testing.assert_array_equal(selector.support_, truth)
    np.testing.assert_array_equal(selector.get_support(), truth)
    np.testing.assert_array_equal(selector.transform(X), X[:, truth])
    assert selector.n_features_in_ == X.shape[1]


def test_probabilities_along_the_grid(planted):
    X, y, truth = planted
    grid = _grid(X, y, "l1", high=1.01, low=0.05, n=5)  # from above alpha_max down
    selector = StabilitySelection(Lasso(), n_bootstrap=20, alphas=grid, random_state=0)
    selector.fit(X, y)
    probabilities = selector.selection_probabilities_
    assert probabilities.shape == (5, X.shape[1])
    np.testing.assert_array_equal(selector.alphas_, grid)
    np.testing.assert_array_equal(selector.stability_scores_, probabilities.max(axis=0))
    # on a subsample alpha_max is close to the full one's: almost nothing enters above it
    assert probabilities[0].sum() <= 1.0
    # smaller alpha, more features: the expected support size grows along the grid
    assert np.all(np.diff(probabilities.sum(axis=1)) > 0)
    # the probabilities are fractions of the 20 fits
    np.testing.assert_allclose(probabilities * 20, np.round(probabilities * 20))
    # at the smallest alpha the Lasso keeps noise: a high max over the grid is not
    # the same as a stable support at one alpha
    assert probabilities[-1][~truth].max() > 0.5


def test_single_alpha_and_multitarget_coef(planted):
    X, y, truth = planted
    single = StabilitySelection(Lasso(alpha=0.4), n_bootstrap=10, random_state=0).fit(X, y)
    assert single.selection_probabilities_.shape == (X.shape[1],)
    assert single.alphas_ is None
    np.testing.assert_array_equal(single.stability_scores_, single.selection_probabilities_)
    # coef_ of shape (n_targets, n_features): selected when non-zero for any target
    Y = np.c_[y, y + 0.1 * np.random.default_rng(0).standard_normal(y.size)]
    multi = StabilitySelection(SkMultiTaskLasso(alpha=0.4), n_bootstrap=10, random_state=0)
    np.testing.assert_array_equal(multi.fit(X, Y).support_, truth)


# ----------------------------------------------------------------------------------------
# the subsampling itself, read off an estimator that reports the rows it saw
# ----------------------------------------------------------------------------------------


def test_subsample_size_without_replacement():
    X, y = np.eye(40), np.zeros(40)
    selector = StabilitySelection(
        _RowRecorder(), n_bootstrap=50, sample_fraction=0.3, random_state=0
    ).fit(X, y)
    # each fit saw floor(0.3·40) = 12 distinct rows
    np.testing.assert_allclose(selector.selection_probabilities_.sum(), 12.0)
    assert selector.n_subsamples_ == 50
    # and the rows are spread: every row was drawn, none in every subsample
    assert 0 < selector.selection_probabilities_.min()
    assert selector.selection_probabilities_.max() < 1


def test_complementary_pairs_are_disjoint_halves():
    X, y = np.eye(40), np.zeros(40)
    selector = StabilitySelection(
        _RowRecorder(), n_bootstrap=7, pairs=True, alphas=[0.5, 2.0], random_state=0
    ).fit(X, y)
    assert selector.n_subsamples_ == 14
    # the two halves of each pair partition the rows: every row is in exactly one half
    np.testing.assert_array_equal(selector.selection_probabilities_[0], np.full(40, 0.5))
    # the estimator's alpha is set from the grid (alpha = 2 selects nothing here)
    np.testing.assert_array_equal(selector.selection_probabilities_[1], np.zeros(40))


# ----------------------------------------------------------------------------------------
# reproducibility: seeds are drawn up front
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(planted):
    X, y, _ = planted
    grid = _grid(X, y, "mcp")
    selector = StabilitySelection(
        SparseRegression(penalty="mcp"), n_bootstrap=12, alphas=grid, random_state=3
    )
    return selector, selector.fit(X, y).selection_probabilities_.copy()


def test_same_result_for_any_n_jobs(planted, reference):
    X, y, _ = planted
    selector, expected = reference
    parallel = selector.set_params(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(parallel.selection_probabilities_, expected)


def test_same_result_with_threading_backend(planted, reference):
    X, y, _ = planted
    selector, expected = reference
    with joblib.parallel_backend("threading", n_jobs=2):
        threaded = selector.set_params(n_jobs=None).fit(X, y)
    np.testing.assert_array_equal(threaded.selection_probabilities_, expected)


def test_random_state_drives_the_subsamples(planted, reference):
    X, y, _ = planted
    selector, expected = reference
    rerun = selector.set_params(random_state=np.random.RandomState(3), n_jobs=None).fit(X, y)
    np.testing.assert_array_equal(rerun.selection_probabilities_, expected)
    other = selector.set_params(random_state=4).fit(X, y)
    assert not np.array_equal(other.selection_probabilities_, expected)


def test_estimator_is_not_modified(planted):
    X, y, _ = planted
    estimator = Lasso(alpha=0.7)
    StabilitySelection(estimator, n_bootstrap=3, alphas=[0.1, 0.2], random_state=0).fit(X, y)
    assert estimator.alpha == 0.7
    assert not hasattr(estimator, "coef_")


# ----------------------------------------------------------------------------------------
# progress bars
# ----------------------------------------------------------------------------------------


def test_verbose_shows_a_progress_bar(planted, capsys):
    pytest.importorskip("tqdm")
    X, y, _ = planted
    quiet = StabilitySelection(Lasso(alpha=0.3), n_bootstrap=4, random_state=0).fit(X, y)
    assert capsys.readouterr().err == ""
    loud = StabilitySelection(Lasso(alpha=0.3), n_bootstrap=4, random_state=0, verbose=1)
    loud.fit(X, y)
    err = capsys.readouterr().err
    assert "stability selection" in err and "4/4" in err
    np.testing.assert_array_equal(loud.selection_probabilities_, quiet.selection_probabilities_)


def test_sparse_path_verbose_shows_a_progress_bar(planted, capsys):
    pytest.importorskip("tqdm")
    X, y, _ = planted
    quiet = sparse_path(X, y, penalty="mcp", n_alphas=5)
    assert capsys.readouterr().err == ""
    loud = sparse_path(X, y, penalty="mcp", n_alphas=5, verbose=1)
    err = capsys.readouterr().err
    assert "sparse_path" in err and "5/5" in err
    np.testing.assert_array_equal(loud[1], quiet[1])


# ----------------------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, name",
    [
        ({"n_bootstrap": 0}, "n_bootstrap"),
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"sample_fraction": 0.0}, "sample_fraction"),
        ({"sample_fraction": 1.0}, "sample_fraction"),
        ({"sample_fraction": 0.01}, "sample_fraction"),  # floor(0.01·30) = 0 rows
        ({"sample_fraction": 0.6, "pairs": True}, "sample_fraction"),
        ({"alphas": []}, "alphas"),
        ({"alphas": [0.1, -1.0]}, "alphas"),
        ({"alphas": [0.1, np.nan]}, "alphas"),
    ],
)
def test_bad_parameters_name_themselves(params, name):
    X, y, _ = make_sparse_regression(30, 5, 2, random_state=0)
    with pytest.raises(ValueError, match=name):
        StabilitySelection(Lasso(), **params).fit(X, y)


def test_bad_estimators():
    X, y, _ = make_sparse_regression(30, 5, 2, random_state=0)
    with pytest.raises(ValueError, match="coef_"):
        StabilitySelection(DecisionTreeRegressor(), n_bootstrap=2).fit(X, y)
    with pytest.raises(ValueError, match="alphas.*no alpha parameter"):
        StabilitySelection(LinearRegression(), alphas=[0.1]).fit(X, y)
    with pytest.raises(TypeError, match="pairs"):
        StabilitySelection(Lasso(), pairs="yes").fit(X, y)


def test_feature_names_are_kept(planted):
    pd = pytest.importorskip("pandas")
    X, y, truth = planted
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    selector = StabilitySelection(
        Lasso(), n_bootstrap=10, alphas=_grid(X, y, "l1"), random_state=0
    ).fit(frame, y)
    np.testing.assert_array_equal(selector.feature_names_in_, frame.columns)
    expected = [f"x{j}" for j in np.flatnonzero(truth)]
    assert list(selector.get_feature_names_out()) == expected
