"""The other libraries' columns of the comparison table in docs/index.rst.

Each test reads the installed library (scikit-learn always; skglm, celer,
pyproximal and dagma when the ``bench`` extra is installed, skipped otherwise)
and checks what the table says it ships or lacks.  The table names the versions
it was checked against; a newer release may add what a cell says is missing,
and then this test is the one that says so.
"""

import importlib
import pkgutil
import warnings

import numpy as np
import pytest


def test_scikit_learn_column():
    from sklearn import decomposition, linear_model

    for name in ("Lasso", "ElasticNet", "MultiTaskLasso", "OrthogonalMatchingPursuit"):
        assert hasattr(linear_model, name)
    for name in ("RandomizedLasso", "MCPRegression", "GroupLasso"):  # "–" cells
        assert not hasattr(linear_model, name)
    assert hasattr(decomposition, "DictionaryLearning")
    assert hasattr(decomposition, "MiniBatchDictionaryLearning")
    X = np.random.default_rng(0).standard_normal((3, 4))
    for algorithm in ("lasso_lars", "lasso_cd", "omp", "threshold"):
        decomposition.sparse_encode(X, np.eye(4), algorithm=algorithm, alpha=0.1)


def test_skglm_column():
    pytest.importorskip("skglm")
    from skglm import datafits, estimators, penalties

    for name in ("MCPenalty", "SCAD", "L0_5", "L2_3", "LogSumPenalty", "BlockMCPenalty",
                 "BlockSCAD", "WeightedL1"):  # fmt: skip
        assert hasattr(penalties, name), name
    assert not any("L0" == name or "CEL0" in name for name in dir(penalties))
    for name in ("MCPRegression", "GroupLasso", "MultiTaskLasso", "SparseLogisticRegression"):
        assert hasattr(estimators, name), name
    assert not hasattr(estimators, "SCADRegression")  # SCAD is a penalty, not an estimator
    for name in ("WeightedQuadratic", "Huber", "Poisson", "Cox", "Logistic"):
        assert hasattr(datafits, name), name


def test_celer_column():
    celer = pytest.importorskip("celer")
    for name in ("Lasso", "ElasticNet", "GroupLasso", "MultiTaskLasso", "LogisticRegression"):
        assert hasattr(celer, name), name
    import sklearn

    if celer.__version__ == "0.7.4" and sklearn.__version__.startswith("1.9"):
        rng = np.random.default_rng(0)
        X, Y = rng.standard_normal((20, 5)), rng.standard_normal((20, 3))
        with pytest.raises(Exception), warnings.catch_warnings():  # noqa: B017
            warnings.simplefilter("ignore")
            celer.MultiTaskLasso(alpha=0.1).fit(X, Y)


def test_pyproximal_column():
    pyproximal = pytest.importorskip("pyproximal")
    for name in ("L1", "SCAD", "L0", "Log", "ETP", "Geman", "QuadraticEnvelopeCard", "L21",
                 "TV", "Nuclear"):  # fmt: skip
        assert hasattr(pyproximal, name), name
    assert not hasattr(pyproximal, "MCP")


# pyproximal's QuadraticEnvelopeCard is the quadratic envelope of the ℓ0 count
# (listed in the ℓ0/CEL0 row), not a group sparse envelope
KEYS = ("wgsef", "sparseenvelope", "sparse_envelope", "groupenvelope", "ksupport", "k_support")


def _names(module):
    return [name.lower() for name in dir(module)]


def test_no_compared_library_has_a_wgsef():
    """The WGSEF row: no estimator, penalty or operator named after the group
    sparse envelope (or the k-support norm it is half the square of) in any
    compared library that is installed."""
    import sklearn.linear_model

    modules = [sklearn.linear_model]
    for name in ("skglm.penalties", "skglm.estimators", "celer", "pyproximal"):
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            continue
    for module in modules:
        for name in _names(module):
            assert not any(key in name for key in KEYS), (
                module.__name__,
                name,
            )


def test_dagma_column():
    dagma = pytest.importorskip("dagma")
    modules = {module.name for module in pkgutil.iter_modules(dagma.__path__)}
    assert {"linear", "nonlinear"} <= modules
    assert hasattr(importlib.import_module("dagma.linear"), "DagmaLinear")


def _weighted_problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 8))
    X[X < 0.3] = 0.0  # mostly zeros: a natural sparse matrix
    y = X @ rng.standard_normal(8) + 0.1 * rng.standard_normal(40)
    return X, y, rng.integers(1, 4, 40).astype(float)


def test_sparse_x_row():
    """ "Sparse X": ✓ for sparsestat (regression, group, multitask), scikit-learn,
    skglm and celer (the same fit as on the dense matrix); – for dagma (its
    ``fit`` takes a numpy array)."""
    import inspect

    import scipy.sparse as sp
    from sklearn.linear_model import Lasso as SklearnLasso

    from sparsestat.linear_model import GroupSparseRegression, Lasso, MultiTaskLasso

    X, y, _ = _weighted_problem()
    Xs = sp.csc_matrix(X)
    Y = np.column_stack([y, y[::-1]])
    fits = [
        lambda A: Lasso(alpha=0.05, tol=1e-12).fit(A, y).coef_,
        lambda A: (
            GroupSparseRegression(groups=2, penalty="group_l2", alpha=0.05, tol=1e-12)
            .fit(A, y)
            .coef_
        ),
        lambda A: MultiTaskLasso(alpha=0.05, tol=1e-12).fit(A, Y).coef_,
        lambda A: SklearnLasso(alpha=0.05, tol=1e-12).fit(A, y).coef_,
    ]
    for name in ("skglm", "celer"):
        try:
            library = importlib.import_module(name)
        except ImportError:
            continue
        estimator = library.Lasso(alpha=0.05, tol=1e-12)
        fits.append(lambda A, estimator=estimator: estimator.fit(A, y).coef_)
    for fit in fits:
        np.testing.assert_allclose(fit(Xs), fit(X), atol=1e-8)
    try:
        from dagma.linear import DagmaLinear
    except ImportError:
        return
    assert inspect.signature(DagmaLinear.fit).parameters["X"].annotation is np.ndarray


def test_sample_weights_row():
    """ "Sample weights": ✓ for sparsestat (regression, group, multitask:
    integer weights fit as repeated rows), scikit-learn, skglm's
    ``WeightedQuadratic`` and celer's Lasso, elastic net and group lasso (the
    same weighted Lasso as scikit-learn's); – for dagma."""
    import inspect

    from sklearn.linear_model import Lasso as SklearnLasso

    from sparsestat.linear_model import GroupSparseRegression, Lasso, MultiTaskLasso

    X, y, w = _weighted_problem()
    repeat = np.repeat(np.arange(40), w.astype(int))
    Y = np.column_stack([y, y[::-1]])
    for make, target in (
        (lambda: Lasso(alpha=0.05, tol=1e-12), y),
        (lambda: GroupSparseRegression(groups=2, penalty="group_l2", alpha=0.05, tol=1e-12), y),
        (lambda: MultiTaskLasso(alpha=0.05, tol=1e-12), Y),
    ):
        weighted = make().fit(X, target, sample_weight=w).coef_
        repeated = make().fit(X[repeat], target[repeat]).coef_
        np.testing.assert_allclose(weighted, repeated, atol=1e-8)
    reference = SklearnLasso(alpha=0.05, tol=1e-12).fit(X, y, sample_weight=w).coef_
    np.testing.assert_allclose(Lasso(alpha=0.05, tol=1e-12).fit(X, y, sample_weight=w).coef_,
                               reference, atol=1e-8)  # fmt: skip
    try:
        from skglm import GeneralizedLinearEstimator
        from skglm.datafits import WeightedQuadratic
        from skglm.penalties import L1
        from skglm.solvers import AndersonCD
    except ImportError:
        pass
    else:
        skglm_fit = GeneralizedLinearEstimator(
            WeightedQuadratic(w / w.mean()), L1(0.05), AndersonCD(tol=1e-12, fit_intercept=True)
        ).fit(X, y)
        np.testing.assert_allclose(skglm_fit.coef_, reference, atol=1e-6)
    try:
        import celer
    except ImportError:
        pass
    else:
        for name in ("Lasso", "ElasticNet", "GroupLasso"):
            assert "sample_weight" in inspect.signature(getattr(celer, name).fit).parameters
        celer_fit = celer.Lasso(alpha=0.05, tol=1e-12).fit(X, y, sample_weight=w)
        np.testing.assert_allclose(celer_fit.coef_, reference, atol=1e-6)
    try:
        from dagma.linear import DagmaLinear
    except ImportError:
        return
    assert "sample_weight" not in inspect.signature(DagmaLinear.fit).parameters
