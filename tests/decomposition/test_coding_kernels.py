"""Shortcuts of the coding kernel that must not change a single bit.

``gram_cd_codes`` computes the prox thresholds once per class of coordinates
with the same curvature and weight, and the continuation's starting alpha
from the points near the largest when all coordinates are alike; both
against the plain per-coordinate computation they replace.
"""

import numpy as np
import pytest
from array_api_compat import numpy as array_api_numpy

from sparsestat.decomposition import _coding_kernels as kernels
from sparsestat.decomposition.sparse_coding import GRAM_CACHED_BYTES, _encode_proximal
from sparsestat.penalties import make_penalty

PENALTIES = [
    ("l1", {}),
    ("l0", {}),
    ("lq", {"q": 0.5}),
    ("lq", {"q": 2 / 3}),
    ("mcp", {"gamma": 3.0}),
    ("scad", {"gamma": 3.7}),
    ("log", {}),
    ("elasticnet", {"l1_ratio": 0.7}),
    ("cel0", {}),
]


def _unit_atoms(rng, n_atoms=80, n_features=30):
    D = rng.standard_normal((n_atoms, n_features))
    D /= np.linalg.norm(D, axis=1, keepdims=True)  # diagonal of D Dᵀ: 1 up to rounding
    return D @ D.T


def _kernel_penalty(name, extra, alpha, G, positive=False):
    if name == "cel0":  # weights: the atom norms, 1 up to rounding
        extra = {"column_norms": np.sqrt(np.diag(G))}
    pen = make_penalty(name, alpha=alpha, positive=positive, **extra)
    weights = np.ascontiguousarray(pen.coordinate_weights(G.shape[0]), dtype=np.float64)
    return int(pen.kernel_code), pen.kernel_params, weights


def test_coordinate_classes_are_the_first_equal_coordinate():
    G = np.diag([1.0, 2.0, 1.0, 1.0, 2.0, 3.0])
    weights = np.array([1.0, 1.0, 1.0, 0.5, 1.0, 1.0])
    first = np.empty(6, dtype=np.int64)
    kernels._coordinate_classes(G, weights, first)
    np.testing.assert_array_equal(first, [0, 1, 0, 3, 1, 5])
    # beyond _MAX_CLASSES distinct pairs, a coordinate is its own class
    n = kernels._MAX_CLASSES + 10
    G = np.diag(np.concatenate([np.arange(1.0, n + 1), [1.0, float(n)]]))
    first = np.empty(n + 2, dtype=np.int64)
    kernels._coordinate_classes(G, np.ones(n + 2), first)
    assert first[n] == 0 and first[n + 1] == n + 1


@pytest.mark.parametrize(("name", "extra"), PENALTIES)
def test_dead_zones_by_class_equal_the_per_coordinate_thresholds(name, extra):
    rng = np.random.default_rng(0)
    G = _unit_atoms(rng)
    assert np.unique(np.diag(G)).size > 1  # rounding: several classes
    code, params, weights = _kernel_penalty(name, extra, 0.3, G)
    first = np.empty(G.shape[0], dtype=np.int64)
    kernels._coordinate_classes(G, weights, first)
    by_class = np.empty(G.shape[0])
    kernels._dead_zones(G, code, params, weights, first, by_class)
    own = np.empty(G.shape[0])
    kernels._dead_zones(G, code, params, weights, np.arange(G.shape[0]), own)
    assert by_class.tobytes() == own.tobytes()


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize(("name", "extra"), PENALTIES)
def test_start_alpha_near_the_largest_point_is_the_maximum(name, extra, positive):
    """The uniform shortcut against the maximum over every atom, bit for bit,
    also with many points within 1e-12 of the largest (ties of rounding)."""
    rng = np.random.default_rng(1)
    G = _unit_atoms(rng)
    C = rng.standard_normal((40, G.shape[0]))
    C[::3, :10] = C[::3, [0]] * (1 + 1e-13 * rng.standard_normal((1, 10)))
    code, params, weights = _kernel_penalty(name, extra, 0.3, G, positive)
    assert kernels._uniform_coordinates(G, weights)
    for s in range(C.shape[0]):
        shortcut = kernels._start_alpha(G, C, s, code, params, weights, True)
        every = kernels._start_alpha(G, C, s, code, params, weights, False)
        assert np.float64(shortcut).tobytes() == np.float64(every).tobytes()


def test_uniform_coordinates_needs_equal_curvatures_and_weights():
    G = np.diag([1.0, 1.0 + 1e-13, 1.0])
    assert kernels._uniform_coordinates(G, np.ones(3))
    assert not kernels._uniform_coordinates(np.diag([1.0, 1.01, 1.0]), np.ones(3))
    assert not kernels._uniform_coordinates(G, np.array([1.0, 0.9, 1.0]))
    assert not kernels._uniform_coordinates(np.diag([1.0, 0.0, 1.0]), np.ones(3))


def test_gradient_changes_atom_by_atom_equal_the_per_signal_updates():
    """Above ``GRAM_CACHED_BYTES`` (sparse_coding) the proximal kernel applies a block's gradient
    changes atom by atom (each Gram row read once per block): the same sums in
    the same order per signal, so the same bits as signal by signal."""
    rng = np.random.default_rng(0)
    k, n_rows, first = 300, 37, 5
    G = rng.standard_normal((k, k))
    changed = np.zeros((n_rows, k), dtype=np.int64)
    changes = np.zeros((n_rows, k))
    counts = rng.integers(0, 40, n_rows)
    counts[[3, 17]] = 0  # signals that did not move (or are no longer active)
    counts[8] = k  # every atom changed
    for b in range(n_rows):
        changed[b, : counts[b]] = np.sort(rng.choice(k, counts[b], replace=False))
        changes[b, : counts[b]] = rng.standard_normal(counts[b]) * 10.0 ** rng.integers(-8, 3)
    start = rng.standard_normal((first + n_rows + 4, k))
    out = {}
    for by_atom in (False, True):
        grad = start.copy()
        blocks = [(0, n_rows)] if by_atom else [(b, 1) for b in range(n_rows)]
        for b, rows in blocks:  # the whole block at once, or signal by signal
            kernels._apply_gradient_changes(
                G, grad, first + b, rows, changed[b:], changes[b:], counts[b:],
                np.zeros(n_rows, dtype=np.int64), np.empty(k),
            )  # fmt: skip
        out[by_atom] = grad
    np.testing.assert_array_equal(out[True], out[False])
    assert not np.array_equal(out[True], start)
    # rows outside the block are untouched; a row with no change too
    np.testing.assert_array_equal(out[True][:first], start[:first])
    np.testing.assert_array_equal(out[True][first + n_rows :], start[first + n_rows :])
    np.testing.assert_array_equal(out[True][first + 3], start[first + 3])


@pytest.mark.parametrize("accelerated", [False, True])
def test_proximal_kernel_on_a_gram_larger_than_the_cache(accelerated):
    """1,800 atoms (a 26 MB Gram, above ``GRAM_CACHED_BYTES``) and 300 signals (a
    block of 256 and a partial one): the atom-by-atom path gives the bits of the
    signal-by-signal one, and both are ISTA / FISTA, against a dense numpy
    iteration of the same steps (``sparse_encode``'s array-API path)."""
    rng = np.random.default_rng(1)
    k, n_features, n = 1800, 20, 300  # a 26 MB Gram
    assert k * k * 8 > GRAM_CACHED_BYTES
    D = rng.standard_normal((k, n_features))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    X = rng.standard_normal((n, n_features))
    X[7] = 0.0  # a zero signal: converged after one step, then skipped in its block
    G = D @ D.T
    C = X @ D.T
    step = 1.0 / np.linalg.norm(D, 2) ** 2
    pen = make_penalty("l1", alpha=0.05)
    n_steps = 15
    runs = {}
    for by_atom in (False, True):
        R = np.zeros((n, k))
        n_iter = np.zeros(n, dtype=np.int64)
        converged = np.zeros(n, dtype=bool)
        kernels.proximal_gradient_codes(
            G, C, R, int(pen.kernel_code), pen.kernel_params, np.ones(k), step,
            accelerated, n_steps, 0.0, False, n_iter, converged, by_atom,
        )  # fmt: skip
        runs[by_atom] = R
    np.testing.assert_array_equal(runs[True], runs[False])
    # the same iteration, dense: the array-API ISTA / FISTA of sparse_encode
    codes, _, _ = _encode_proximal(
        X, D, G, np.zeros((n, k)), pen, step, n_steps, 0.0, array_api_numpy, accelerated
    )
    np.testing.assert_allclose(R, codes, atol=1e-10)
    assert np.count_nonzero(R) > n  # codes moved
    assert not np.any(R[7])
    assert n_iter[7] == 1 and np.all(np.delete(n_iter, 7) == n_steps)


@pytest.mark.parametrize(
    "penalty, alpha", [("l1", 0.3), ("l0", 0.05), ("half", 0.3), ("cel0", 0.3)]
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("positive", [False, True])
def test_learning_codes_factored_gradient(coding_forms, penalty, alpha, dtype, positive):
    """``learning_codes`` takes the factored gradient ``(R D − X) Dᵀ`` on an
    overcomplete dictionary once the expected non-zeros per signal reach
    ``FACTORED_NONZEROS`` per feature, the kernel otherwise; same codes."""
    from sparsestat.decomposition import sparse_coding

    forms = coding_forms
    rng = np.random.default_rng(3)
    D = rng.standard_normal((80, 16))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    X = rng.standard_normal((40, 16)).astype(dtype)
    settings = dict(penalty=penalty, alpha=alpha, q=None, positive=positive, step=0.05)
    settings.update(tol=1e-2, max_iter=1000)
    D = D.astype(dtype)
    kernel, done_kernel = sparse_coding.learning_codes(X, D, **settings)
    assert forms == []  # no density known: the kernel
    line = sparse_coding.FACTORED_NONZEROS * 16 / 80
    sparse_coding.learning_codes(X, D, density=0.99 * line, **settings)
    assert forms == []
    factored, done_factored = sparse_coding.learning_codes(X, D, density=line, **settings)
    assert forms == [True]
    assert factored.dtype == kernel.dtype == dtype
    assert done_factored and done_kernel
    assert np.count_nonzero(kernel) > X.shape[0]
    np.testing.assert_array_equal(factored != 0, kernel != 0)
    np.testing.assert_allclose(factored, kernel, atol=1e-10 if dtype == np.float64 else 1e-6)
    assert not positive or factored.min() == 0.0
    # twice as many atoms as features or fewer: the kernel whatever the density
    sparse_coding.learning_codes(X, D[:32], density=1.0, **settings)
    assert forms == [True]


def test_the_factored_line_halves_out_of_cache():
    from sparsestat.decomposition.sparse_coding import (
        FACTORED_NONZEROS,
        _factored_learning_codes,
    )

    in_cache, out_of_cache = 1024, 2048  # 8 MiB and 32 MiB of Gram matrix
    assert in_cache**2 * 8 <= GRAM_CACHED_BYTES < out_of_cache**2 * 8
    for k, line in ((in_cache, FACTORED_NONZEROS), (out_of_cache, FACTORED_NONZEROS / 2)):
        density = line * 256 / k
        assert _factored_learning_codes(k, 256, density)
        assert not _factored_learning_codes(k, 256, 0.99 * density)
        assert not _factored_learning_codes(k, 256, None)
    assert not _factored_learning_codes(512, 256, 1.0)  # 2x: never


def test_the_batch_rule_is_for_ista_only():
    D = np.eye(4)
    pen = make_penalty("l1", alpha=0.1)
    with pytest.raises(ValueError, match="batch_rule is the stopping rule of ISTA"):
        _encode_proximal(
            np.ones((2, 4)), D, D, np.zeros((2, 4)), pen, 0.5, 10, 1e-2, array_api_numpy,
            True, batch_rule=True,
        )  # fmt: skip
