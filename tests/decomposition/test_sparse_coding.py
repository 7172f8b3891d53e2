"""Sparse coding: scikit-learn and cvxpy oracles, fixed points, monotone ISTA, errors."""

import cvxpy as cp
import numpy as np
import pytest
from sklearn.decomposition import sparse_encode as sk_sparse_encode
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparsestat.decomposition import SparseCoder, sparse_encode
from sparsestat.decomposition.sparse_coding import _coding_penalty

PENALTIES = ["l1", "l0", "half", "two_thirds", "cel0"]


@pytest.fixture(scope="module")
def coding_problem():
    rng = np.random.default_rng(0)
    D = rng.standard_normal((40, 20))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    codes = rng.standard_normal((60, 40)) * (rng.random((60, 40)) < 0.1)
    X = codes @ D + 0.05 * rng.standard_normal((60, 20))
    return X, D


def objective(X, D, R, pen):
    return 0.5 * np.sum((X - R @ D) ** 2) + pen.value(R)


@pytest.mark.parametrize("algorithm", ["cd", "fista"])
def test_l1_matches_scikit_learn_objective(coding_problem, algorithm):
    X, D = coding_problem
    ours = sparse_encode(
        X, D, penalty="l1", alpha=0.1, algorithm=algorithm, tol=1e-10, max_iter=20_000
    )
    theirs = sk_sparse_encode(X, D, algorithm="lasso_cd", alpha=0.1, max_iter=100_000)
    pen = _coding_penalty("l1", 0.1, np.linalg.norm(D, axis=1))
    ours_value, theirs_value = objective(X, D, ours, pen), objective(X, D, theirs, pen)
    assert ours_value <= theirs_value * (1 + 1e-5)
    assert abs(ours_value - theirs_value) <= 1e-5 * theirs_value


def test_l1_matches_cvxpy_on_a_tiny_problem(coding_problem):
    X, D = coding_problem
    x = X[:1]
    r = cp.Variable(40)
    problem = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x[0] - D.T @ r) + 0.1 * cp.norm1(r)))
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    ours = sparse_encode(x, D, alpha=0.1, tol=1e-12, max_iter=100_000)
    value = 0.5 * np.sum((x[0] - ours[0] @ D) ** 2) + 0.1 * np.abs(ours[0]).sum()
    # 40 atoms in 20 dimensions: the minimiser need not be unique, the value is
    assert value <= problem.value + 1e-10
    assert value == pytest.approx(problem.value, rel=1e-8)


@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("algorithm", ["cd", "fista", "ista"])
def test_codes_are_fixed_points_of_the_prox_gradient_map(coding_problem, penalty, algorithm):
    X, D = coding_problem
    R, info = sparse_encode(
        X,
        D,
        penalty=penalty,
        alpha=0.05,
        algorithm=algorithm,
        tol=1e-12,
        max_iter=20_000,
        return_info=True,
    )
    assert info["converged"].all()
    G = D @ D.T
    pen = _coding_penalty(penalty, 0.05, np.sqrt(np.diag(G)))
    if algorithm == "cd":  # exact coordinate minimisation: each coordinate is a fixed point
        grad = R @ G - X @ D.T
        for j in range(D.shape[0]):
            step = 1.0 / G[j, j]
            moved = np.array([pen.prox_1d(v, step, j) for v in R[:, j] - step * grad[:, j]])
            np.testing.assert_allclose(moved, R[:, j], atol=1e-8)
    else:  # the full proximal-gradient step with 1/L
        step = 1.0 / np.linalg.norm(D, 2) ** 2
        moved = pen.prox(R - step * (R @ G - X @ D.T), step)
        np.testing.assert_allclose(moved, R, atol=1e-8)


@pytest.mark.filterwarnings("ignore:sparse_encode")
@pytest.mark.parametrize("penalty", PENALTIES)
def test_ista_decreases_the_objective_monotonically(coding_problem, penalty):
    X, D = coding_problem
    pen = _coding_penalty(penalty, 0.05, np.linalg.norm(D, axis=1))
    R = np.zeros((X.shape[0], D.shape[0]))
    values = [objective(X, D, R, pen)]
    for _ in range(30):
        R = sparse_encode(
            X,
            D,
            penalty=penalty,
            alpha=0.05,
            algorithm="ista",
            init=R,
            max_iter=1,
            tol=0.0,
            return_info=True,
        )[0]
        values.append(objective(X, D, R, pen))
    assert np.all(np.diff(values) <= 1e-10 * values[0])


def test_cd_threads_and_chunks_agree(coding_problem):
    X, D = coding_problem
    big = np.tile(X, (80, 1))  # 4800 signals: two chunks
    serial = sparse_encode(big, D, penalty="half", alpha=0.05, n_jobs=1)
    threaded = sparse_encode(big, D, penalty="half", alpha=0.05, n_jobs=2)
    np.testing.assert_array_equal(serial, threaded)


@pytest.mark.parametrize("penalty", PENALTIES)
def test_array_api_strict(coding_problem, penalty):
    xs = pytest.importorskip("array_api_strict")
    X, D = coding_problem
    strict = sparse_encode(
        xs.asarray(X), xs.asarray(D), penalty=penalty, alpha=0.05, tol=1e-10, max_iter=20_000
    )
    assert isinstance(strict, type(xs.asarray(X)))
    # the same array-API code run on numpy arrays (numpy's own default is the numba kernel)
    generic = _generic_proximal(X, D, penalty, 0.05, accelerated=True, max_iter=20_000, tol=1e-10)
    np.testing.assert_allclose(np.asarray(strict), generic, atol=1e-10)
    if penalty == "l1":  # a unique minimiser here: every route reaches it
        host = sparse_encode(
            X, D, penalty=penalty, alpha=0.05, algorithm="fista", tol=1e-10, max_iter=20_000
        )
        np.testing.assert_allclose(np.asarray(strict), host, atol=1e-7)


def _generic_proximal(X, D, penalty, alpha, accelerated, max_iter, tol, step=None, positive=False):
    from array_api_compat import numpy as xp_numpy

    from sparsestat.decomposition.sparse_coding import _encode_proximal

    G = D @ D.T
    pen = _coding_penalty(penalty, alpha, np.sqrt(np.diag(G)), positive=positive)
    step = 1.0 / np.linalg.norm(D, 2) ** 2 if step is None else step
    codes, _, _ = _encode_proximal(
        X,
        D,
        G,
        np.zeros((X.shape[0], D.shape[0])),
        pen,
        step,
        max_iter,
        tol,
        xp_numpy,
        accelerated=accelerated,
    )
    return codes


@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("algorithm", ["ista", "fista"])
@pytest.mark.parametrize("positive", [False, True])
def test_numba_proximal_kernel_matches_the_array_api_iteration(
    coding_problem, penalty, algorithm, positive
):
    """The numba kernel (incremental gradient, dead-zone screen) is the same iteration."""
    X, D = coding_problem
    for step in (None, 0.05):
        generic = _generic_proximal(
            X,
            D,
            penalty,
            0.05,
            algorithm == "fista",
            max_iter=40,
            tol=0.0,
            step=step,
            positive=positive,
        )
        kernel = sparse_encode(
            X,
            D,
            penalty=penalty,
            alpha=0.05,
            algorithm=algorithm,
            max_iter=40,
            tol=0.0,
            step=step,
            positive=positive,
        )
        np.testing.assert_allclose(kernel, generic, atol=1e-9)


@pytest.mark.parametrize("accelerated", [False, True])
def test_numba_proximal_kernel_passes_nan_and_inf_points_to_the_prox(coding_problem, accelerated):
    """A NaN or infinite point is not screened out as 'stays zero': the prox sees it (IEEE)."""
    from sparsestat.decomposition import _coding_kernels

    X, D = coding_problem
    G = np.ascontiguousarray(D @ D.T)
    C = np.ascontiguousarray(X @ D.T)
    C[0, 2], C[1, 3] = np.nan, np.inf
    pen = _coding_penalty("l1", 0.05, np.sqrt(np.diag(G)))
    R = np.zeros_like(C)
    n_iter = np.zeros(C.shape[0], dtype=np.int64)
    converged = np.zeros(C.shape[0], dtype=bool)
    _coding_kernels.proximal_gradient_codes(
        G, C, R, int(pen.kernel_code), pen.kernel_params, np.ones(G.shape[0]), 0.01,
        accelerated, 1, 0.0, True, n_iter, converged,
    )  # fmt: skip
    assert np.isnan(R[0, 2])
    # ISTA keeps the infinite point; FISTA's extrapolation of it (0 · (inf − inf)) is NaN
    assert R[1, 3] == np.inf if not accelerated else np.isnan(R[1, 3])
    assert np.all(np.isfinite(R[2:]))


def test_float32_stays_float32(coding_problem):
    X, D = coding_problem
    codes = sparse_encode(X.astype(np.float32), D.astype(np.float32), alpha=0.05)
    assert codes.dtype == np.float32


def test_bad_input(coding_problem):
    X, D = coding_problem
    with pytest.raises(ValueError, match="atoms have 20 features but X has 19"):
        sparse_encode(X[:, :19], D)
    zero_atom = D.copy()
    zero_atom[3] = 0.0
    with pytest.raises(ValueError, match="CEL0 needs non-zero atoms"):
        sparse_encode(X, zero_atom, penalty="cel0")
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sparse_encode(X_nan, D)
    with pytest.raises(ValueError, match="penalty must be one of"):
        sparse_encode(X, D, penalty="l2")
    with pytest.raises(ValueError, match="needs q"):
        sparse_encode(X, D, penalty="lq")
    with pytest.raises(ValueError, match="init must have shape"):
        sparse_encode(X, D, init=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="algorithm"):
        sparse_encode(X, D, algorithm="omp")
    from sparsestat.penalties import CEL0

    too_large = CEL0(alpha=0.1, column_norms=np.full(40, 10.0))
    with pytest.raises(ValueError, match="step"):
        sparse_encode(X, D, penalty=too_large, algorithm="fista")
    with pytest.raises(ValueError, match="step"):
        sparse_encode(X, D, penalty=too_large, algorithm="cd")


def test_sparse_coder_in_a_pipeline(coding_problem):
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    X, D = coding_problem
    y = X[:, 0]
    pipe = make_pipeline(SparseCoder(D, penalty="l0", alpha=0.05), Ridge()).fit(X, y)
    assert pipe.predict(X).shape == (60,)


# The dictionary fixes n_features, and scikit-learn's checks feed data of
# different widths; like scikit-learn's own SparseCoder tests, the estimator
# is rebuilt with a dictionary of the width each check uses (3 by default).
CHECK_WIDTHS = {
    "check_array_api_input": 10,
    "check_estimators_dtypes": 5,
    "check_dtype_object": 10,
    "check_transformers_unfitted_stateless": 5,
    "check_fit_idempotent": 2,
    "check_transformer_preserve_dtypes": 3,
    "check_set_output_transform": 5,
    "check_global_output_transform_pandas": 5,
    "check_set_output_transform_pandas": 5,
    "check_dataframe_column_names_consistency": 8,
    "check_estimators_overwrite_params": 2,
    "check_estimators_fit_returns_self": 2,
    "check_readonly_memmap_input": 2,
    "check_n_features_in_after_fitting": 4,
    "check_fit_check_is_fitted": 2,
    "check_n_features_in": 2,
    "check_positive_only_tag_during_fit": 4,
    "check_fit2d_1sample": 10,
    "check_fit2d_1feature": 1,
}


def _coder(width):
    rng = np.random.default_rng(0)
    return SparseCoder(rng.normal(size=(5, width)), penalty="l1", alpha=0.01)


@parametrize_with_checks([_coder(3)])
def test_sklearn_compatible(estimator, check):
    name = getattr(check, "func", check).__name__
    check(_coder(CHECK_WIDTHS.get(name, 3)))


def test_feature_names_and_pandas_output(coding_problem):
    pd = pytest.importorskip("pandas")
    X, D = coding_problem
    frame = pd.DataFrame(X, columns=[f"pixel{j}" for j in range(X.shape[1])])
    coder = SparseCoder(D, alpha=0.05).set_output(transform="pandas")
    codes = coder.fit_transform(frame)
    assert list(codes.columns) == [f"sparsecoder{j}" for j in range(D.shape[0])]
    np.testing.assert_allclose(codes.to_numpy(), sparse_encode(X, D, alpha=0.05))


def test_lists_and_dataframes_are_accepted(coding_problem):
    pd = pytest.importorskip("pandas")
    X, D = coding_problem
    expected = sparse_encode(X, D, alpha=0.05)
    np.testing.assert_array_equal(sparse_encode(X.tolist(), D.tolist(), alpha=0.05), expected)
    np.testing.assert_array_equal(sparse_encode(pd.DataFrame(X), D, alpha=0.05), expected)
    with pytest.raises(TypeError, match="X must be an array-like of numbers"):
        sparse_encode([["a", "b"]], D[:, :2])
    with pytest.raises(TypeError, match="X must be real"):
        sparse_encode(X + 1j, D)


def test_n_jobs_has_joblibs_meaning(coding_problem, monkeypatch):
    """None is one thread (unless a joblib backend says otherwise), -1 every core."""
    import sparsestat.decomposition.sparse_coding as coding

    X, D = coding_problem
    big = np.tile(X, (80, 1))  # 4800 signals: two chunks
    calls = []
    real_parallel = coding.Parallel

    def recording(*args, **kwargs):
        calls.append(kwargs.get("n_jobs"))
        return real_parallel(*args, **kwargs)

    monkeypatch.setattr(coding, "Parallel", recording)
    serial = sparse_encode(big, D, alpha=0.05, n_jobs=None)
    assert calls == []
    threaded = sparse_encode(big, D, alpha=0.05, n_jobs=-1)
    assert calls == [-1]
    np.testing.assert_array_equal(serial, threaded)
    with __import__("joblib").parallel_config(n_jobs=2):
        sparse_encode(big, D, alpha=0.05)
    assert calls == [-1, None]


def test_make_coding_penalty_is_a_deprecated_alias():
    from sparsestat.decomposition.sparse_coding import make_coding_penalty
    from sparsestat.penalties import make_penalty

    with pytest.warns(DeprecationWarning, match="make_penalty"):
        pen = make_coding_penalty("half", 0.1, np.ones(3))
    assert repr(pen) == repr(make_penalty("half", alpha=0.1))
