"""scikit-learn's own coordinate-descent tests, run against sparsestat's drop-ins.

At test time, the *installed* scikit-learn's
``sklearn/linear_model/tests/test_coordinate_descent.py`` and
``test_sparse_coordinate_descent.py`` are copied into a temporary directory
with their import lines changed, and nothing else: ``Lasso``, ``ElasticNet``,
``MultiTaskLasso`` and ``MultiTaskLassoCV`` come from
:mod:`sparsestat.linear_model` (every other name, including ``LassoCV`` and
the path functions, stays scikit-learn's).  The copies run in a fresh pytest
process with scikit-learn's own conftest (``-p sklearn.conftest``: its
fixtures such as ``global_random_seed``).  scikit-learn's files are never
committed here: whatever version is installed is what runs.

Every test must pass except those of :data:`PROBES_INTERNALS`, which assert
properties of scikit-learn's implementation rather than of the model.  They
are strict expected failures: one that starts passing fails this test, so the
list cannot go stale.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: the classes whose scikit-learn namesakes are replaced
OURS = ("Lasso", "ElasticNet", "MultiTaskLasso", "MultiTaskLassoCV")
FILES = ("test_coordinate_descent.py", "test_sparse_coordinate_descent.py")

_SAME_ITERATES = (
    "compares two of scikit-learn's code paths that compute the same iterates and asserts "
    "agreement to 1e-6-1e-7 at tol=1e-4 (or max_iter=100), tighter than the tolerance "
    "guarantees; sparsestat's two routes are different solvers that stop at different "
    "points inside the tolerance (they agree to 1e-10 at tol=1e-12, "
    "see test_regression.py::test_precomputed_gram_matches_the_data_route)"
)

#: test name (without parameters) -> why it probes scikit-learn's internals
PROBES_INTERNALS = {
    "test_warm_start": (
        "bit-level warm-start equivalence: 5 epochs then 5 more must equal 10 epochs, which "
        "holds for plain cyclic CD; working sets and Anderson extrapolation restart their "
        "state at each fit"
    ),
    "test_warm_start_multitask_lasso": "as test_warm_start, for the multitask solver",
    "test_warm_start_convergence_with_regularizer_decrement": (
        "exact n_iter_ comparison: a warm start from alpha=1e-4 must take fewer epochs than "
        "a cold start at 1e-5; with Anderson extrapolation both take 42 epochs on this data"
    ),
    "test_enet_ols_consistency": (
        "alpha=0 with tol=1e-15: scikit-learn's gap then reduces to ½||residual||², which "
        "reaches 1e-24 on this test's noiseless data; sparsestat's criterion at alpha=0 (the "
        "gap plus g_j²/(2 L_j) per unpenalized coordinate, zero at any least-squares "
        "solution, noisy data included) meets tol=1e-15 with coefficients ~1e-6 from OLS, "
        "above the test's atol=1e-11"
    ),
    "test_1d_multioutput_lasso_and_multitask_lasso_cv": (
        "compares MultiTaskLassoCV's coefficients with scikit-learn's LassoCV to 1.5e-7 at "
        "tol=1e-4: scikit-learn's LassoCV is itself 1.2e-4 from the optimum there, "
        "sparsestat's fit 5e-10"
    ),
    "test_elasticnet_precompute_gram_weighted_samples": _SAME_ITERATES,
    "test_enet_float_precision": _SAME_ITERATES,
    "test_check_input_false": (
        "expects a ValueError for C-ordered X with check_input=False, which in "
        "scikit-learn comes from its Cython kernel needing Fortran order; sparsestat's "
        "kernels read C- and Fortran-ordered X without conversion (and scikit-learn itself "
        "accepts C order with check_input=False once sample_weight is given, see "
        "test_enet_sample_weight_does_not_overwrite_sample_weight)"
    ),
    "test_enet_copy_X_False_check_input_False": (
        "asserts that X is overwritten (scikit-learn centres it in place); sparsestat never "
        "modifies its inputs, whatever copy_X (the solvers centre on the fly)"
    ),
}

_CONFTEST = """
import pytest

PROBES_INTERNALS = {probes!r}


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.name.split("[")[0]
        if name in PROBES_INTERNALS:
            item.add_marker(
                pytest.mark.xfail(reason=PROBES_INTERNALS[name], strict=True, run=True)
            )
"""


def _sklearn_tests_dir():
    spec = importlib.util.find_spec("sklearn")
    tests = Path(spec.origin).parent / "linear_model" / "tests"
    if not all((tests / name).is_file() for name in FILES):
        pytest.skip(f"the installed scikit-learn ships without its tests ({tests})")
    return tests


def adapt(source):
    """``source`` with ``OURS`` imported from sparsestat; only import lines change.

    Every top-level ``from sklearn.linear_model import ...`` that names one of
    ``OURS`` is split in two: the other names stay with scikit-learn, ours come
    from :mod:`sparsestat.linear_model`.  Raises if no such import is found (a
    future scikit-learn that imports differently must not silently test
    itself).
    """
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.ImportFrom) and node.module == "sklearn.linear_model"):
            continue
        moved = [alias for alias in node.names if alias.name in OURS]
        if not moved:
            continue
        kept = [alias for alias in node.names if alias.name not in OURS]

        def names(aliases):
            return ", ".join(
                alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in aliases
            )

        new = [f"from sparsestat.linear_model import {names(moved)}\n"]
        if kept:
            new.insert(0, f"from sklearn.linear_model import {names(kept)}\n")
        edits.append((node.lineno, node.end_lineno, new))
    if not edits:
        raise AssertionError(f"no top-level import of {OURS} from sklearn.linear_model found")
    for start, end, new in reversed(edits):
        lines[start - 1 : end] = new
    return "".join(lines)


def test_adapt_changes_import_lines_only():
    source = textwrap.dedent(
        """\
        import numpy as np
        from sklearn.linear_model import (
            ElasticNet,
            LassoCV,
            Lasso as L,
        )


        def test_x():
            from sklearn.linear_model import Lasso  # inside a test: untouched
            return Lasso, L, ElasticNet, LassoCV
        """
    )
    adapted = adapt(source)
    assert "from sklearn.linear_model import LassoCV\n" in adapted
    assert "from sparsestat.linear_model import ElasticNet, Lasso as L\n" in adapted
    # everything after the import is the same text
    assert adapted.split("\n\n\n", 1)[1] == source.split("\n\n\n", 1)[1]
    with pytest.raises(AssertionError, match="no top-level import"):
        adapt("from sklearn.linear_model import LassoCV\n")


@pytest.mark.slow
def test_sklearn_coordinate_descent_tests_pass(tmp_path):
    tests = _sklearn_tests_dir()
    for name in FILES:
        (tmp_path / name).write_text(adapt((tests / name).read_text()))
    (tmp_path / "conftest.py").write_text(_CONFTEST.format(probes=PROBES_INTERNALS))
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTEST_ADDOPTS", None)
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "sklearn.conftest", "-q", "-rfEX", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    summary = process.stdout[-6000:] + process.stderr[-2000:]
    assert process.returncode == 0, summary
    assert " passed" in process.stdout and " xfailed" in process.stdout, summary
