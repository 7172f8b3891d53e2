"""Packaging: minimal runtime dependencies, optional ones behind named extras, a complete sdist."""

import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project():
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements):
    return {re.split(r"[<>=!\[ ;]", requirement, maxsplit=1)[0] for requirement in requirements}


def test_runtime_dependencies_are_the_minimum(project):
    runtime = _names(project["project"]["dependencies"])
    for optional in ("cvxpy", "networkx", "matplotlib", "dask", "tqdm", "pandas"):
        assert optional not in runtime, f"{optional} should be an extra, not a dependency"
    extras = project["project"]["optional-dependencies"]
    assert "cvxpy" in _names(extras["cvxpy"])
    assert "networkx" in _names(extras["graph"])
    assert "matplotlib" in _names(extras["plot"])
    assert "cvxpy" in _names(extras["test"])  # the tests compare with cvxpy


def test_sdist_holds_what_the_tests_read(project):
    include = set(project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"])
    # tests/test_citation.py, test_examples.py, test_readme.py, test_docstrings.py (api.rst)
    needed = {"sparsestat", "tests", "examples", "docs", "CITATION.cff", "README.md", "LICENSE"}
    assert needed <= include


def test_missing_cvxpy_names_the_extra(monkeypatch):
    from sparsestat.linear_model import Lasso

    monkeypatch.setitem(sys.modules, "cvxpy", None)  # import cvxpy now raises ImportError
    X = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ImportError, match=r"sparsestat\[cvxpy\]"):
        Lasso(alpha=0.1, solver="cvxpy").fit(X, X[:, 0])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    from sparsestat.plotting import plot_regularization_path

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sparsestat\[plot\]"):
        plot_regularization_path(np.ones(3), np.ones((2, 3)))


def test_sparsestat_imports_without_cvxpy_and_networkx():
    import subprocess

    code = (
        "import sys\n"
        "sys.modules['cvxpy'] = None\n"
        "sys.modules['networkx'] = None\n"
        "import sparsestat.linear_model, sparsestat.dag, sparsestat.solvers.reference\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "ok", out.stderr


def test_docs_list_the_runtime_dependencies(project):
    """The install line of docs/index.rst names every runtime dependency, and no other."""
    runtime = _names(project["project"]["dependencies"])
    text = (ROOT / "docs" / "index.rst").read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if "pip install sparsestat  " in row)
    listed = {name.strip() for name in line.split("#", 1)[1].split(",")}
    assert listed == runtime


def test_readme_lists_the_runtime_dependencies_and_extras(project):
    """README's paragraph on dependencies: the runtime list is pyproject's, and
    every extra it names exists with the package it says."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = text[text.index("Runtime dependencies are") :].split("\n\n", 1)[0]
    runtime = _names(project["project"]["dependencies"])
    listed = re.findall(r"[a-z][a-z0-9-]+", paragraph.split(";", 1)[0])
    assert runtime <= set(listed)
    extras = project["project"]["optional-dependencies"]
    named = {
        "cvxpy": "cvxpy",
        "plot": "matplotlib",
        "graph": "networkx",
        "dask": "dask",
        "progress": "tqdm",
        "gpu": "cupy-cuda12x",
    }
    for extra, package in named.items():
        assert f"[{extra}]" in paragraph, extra
        assert package in _names(extras[extra]), (extra, package)
