"""Compile sparsestat's numba kernels ahead of the first fit, into numba's disk cache.

The first fit of each estimator family in an environment whose numba cache is
empty compiles the family's kernels (seconds: the speed page has the measured
times); later processes load them from the cache.  A container image, a
CI cache or a cluster installation can pay that once, when it is built::

    python -m sparsestat.precompile            # every family, float64 and float32
    python -m sparsestat.precompile regression decomposition --dtypes float64

or from Python with :func:`precompile`.  The kernels are cached where numba
caches them (next to the installed package, or in ``NUMBA_CACHE_DIR`` when it
is set: set it to the same directory in the image and at run time).

The compilation runs the estimators themselves on tiny random problems, dense
and CSC, so it compiles the specialisations that fits of that dtype use
(numba compiles one per argument type, not per problem size).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

__all__ = ["precompile"]

#: the estimator families :func:`precompile` knows, in the order it compiles them
FAMILIES = ("regression", "group", "multitask", "decomposition", "dag", "penalties")


def _problem(dtype, rng):
    import scipy.sparse as sp

    X = rng.standard_normal((40, 12)).astype(dtype)
    y = (X[:, :3].sum(axis=1) + 0.1 * rng.standard_normal(40)).astype(dtype)
    Xs = sp.random(40, 12, density=0.4, random_state=0, format="csc", dtype=dtype)
    return X, y, Xs


def _regression(dtype, rng):
    from .linear_model import Lasso, SparseRegression

    X, y, Xs = _problem(dtype, rng)
    for design in (X, Xs):
        Lasso(alpha=0.05).fit(design, y)  # working-set CD: one kernel for every penalty
    SparseRegression(penalty="mcp", alpha=0.05, gamma=3.0, solver="gram").fit(X, y)
    SparseRegression(penalty="l1", alpha=0.05, solver="fista").fit(X, y)


def _group(dtype, rng):
    from .linear_model import GroupSparseRegression

    X, y, Xs = _problem(dtype, rng)
    groups = np.repeat(np.arange(4), 3)
    for design in (X, Xs):
        GroupSparseRegression(groups=groups, penalty="group_l2", alpha=0.05).fit(design, y)
        GroupSparseRegression(groups=groups, penalty="wgsef", k=2, alpha=0.05).fit(design, y)


def _multitask(dtype, rng):
    from .linear_model import MultiTaskLasso

    X, y, Xs = _problem(dtype, rng)
    Y = np.stack([y, y[::-1]], axis=1)
    for design in (X, Xs):
        MultiTaskLasso(alpha=0.05).fit(design, Y)


def _decomposition(dtype, rng):
    from .decomposition import DictionaryLearning, sparse_encode
    from .decomposition.sparse_coding import learning_codes

    X = rng.standard_normal((60, 16)).astype(dtype)
    D = rng.standard_normal((20, 16)).astype(dtype)
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    for algorithm in ("cd", "ista", "fista"):
        sparse_encode(X, D, penalty="half", alpha=0.1, algorithm=algorithm, max_iter=50)
    for fit_algorithm in ("sgd", "bcd"):
        DictionaryLearning(
            8, penalty="cel0", alpha=0.5, n_epochs=1, fit_algorithm=fit_algorithm, random_state=0
        ).fit(X)
    # an overcomplete dictionary with dense codes: the factored learning codes (the prox
    # kernel; CEL0's weights are read-only, the others' not: two specialisations)
    wide = rng.standard_normal((40, 16)).astype(dtype)
    wide /= np.linalg.norm(wide, axis=1, keepdims=True)
    settings = dict(alpha=0.1, q=None, positive=False, step=0.05, tol=1e-2, max_iter=20)
    for penalty in ("cel0", "l1"):
        learning_codes(X, wide, penalty=penalty, density=1.0, **settings)


def _dag(dtype, rng):
    from .dag import CoLiDE

    X = rng.standard_normal((50, 4)).astype(dtype)
    X[:, 1] += X[:, 0]
    for variance in ("ev", "nv"):
        CoLiDE(variance=variance, alpha=0.1).fit(X)


def _penalties(dtype, rng):
    from .penalties import WGSEF, make_penalty, penalty_names

    x = rng.standard_normal((3, 12)).astype(dtype)
    for name in penalty_names("separable"):
        extra = {"column_norms": np.ones(x.shape[1])} if name == "cel0" else {}
        make_penalty(name, alpha=0.1, **extra).prox(x, 1.0)
    WGSEF(k=2, alpha=0.1, groups=np.repeat(np.arange(4), 3)).prox(x[0], 1.0)


_RUNS = {
    "regression": _regression,
    "group": _group,
    "multitask": _multitask,
    "decomposition": _decomposition,
    "dag": _dag,
    "penalties": _penalties,
}


def precompile(families=None, dtypes=("float64", "float32"), verbose=False):
    """Compile the numba kernels of the given estimator families into numba's disk cache.

    Parameters
    ----------
    families : sequence of str, optional
        Among ``FAMILIES``: ``"regression"``, ``"group"``, ``"multitask"``,
        ``"decomposition"``, ``"dag"``, ``"penalties"`` (default: all of them).
    dtypes : sequence of {"float64", "float32"}, default=("float64", "float32")
        The dtypes of the data to be fitted (numba compiles a kernel per dtype).
    verbose : bool, default=False
        Print each family and its time as it goes.

    Returns
    -------
    dict
        Seconds spent per family (compiling on an empty cache; loading the
        kernels when they are cached already).

    Examples
    --------
    >>> from sparsestat.precompile import precompile
    >>> seconds = precompile(["penalties"], dtypes=["float64"])
    >>> list(seconds)
    ['penalties']
    """
    families = FAMILIES if families is None else tuple(families)
    unknown = [name for name in families if name not in _RUNS]
    if unknown:
        raise ValueError(f"families must be among {list(FAMILIES)}; got {unknown}.")
    dtypes = tuple(dtypes)
    bad = [d for d in dtypes if d not in ("float64", "float32")]
    if bad or not dtypes:
        raise ValueError(f"dtypes must be among ['float64', 'float32']; got {list(dtypes)}.")
    seconds = {}
    for name in families:
        start = time.perf_counter()
        with warnings.catch_warnings():  # tiny problems: convergence warnings are expected
            warnings.simplefilter("ignore")
            for dtype in dtypes:
                _RUNS[name](np.dtype(dtype), np.random.default_rng(0))
        seconds[name] = time.perf_counter() - start
        if verbose:
            print(f"sparsestat.precompile: {name:<14} {seconds[name]:6.1f} s", flush=True)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sparsestat.precompile",
        description="Compile sparsestat's numba kernels into numba's disk cache.",
    )
    parser.add_argument("families", nargs="*", help=f"among {', '.join(FAMILIES)} (default: all)")
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        precompile(args.families or None, dtypes=args.dtypes, verbose=True)
    except ValueError as error:
        parser.error(str(error))
    print(f"sparsestat.precompile: done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
