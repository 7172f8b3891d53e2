"""Every public object has a complete numpydoc docstring and an API page.

A docstring that numpydoc cannot parse into one entry per parameter (as the
``\\`` continuation at column 0 that once swallowed half of ElasticNet's
parameters) fails here, before the ``-W`` docs build silently renders it.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator

import sparsestat

numpydoc = pytest.importorskip("numpydoc.docscrape")

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = (
    "penalties",
    "linear_model",
    "decomposition",
    "dag",
    "task_selection",
    "datasets",
    "datafits",
    "solvers",
    "plotting",
    "precompile",
)
TOP_LEVEL = ("get_namespace", "to_numpy", "sufficient_statistics", "SufficientStatistics")

#: public objects whose docstrings are known to be incomplete, with the reason
KNOWN_GAPS = {}


def public_objects():
    """{qualified name: object} of every documented public class and function."""
    objects = {}
    for module_name in SUBPACKAGES:
        module = importlib.import_module(f"sparsestat.{module_name}")
        for name in module.__all__:
            objects[f"{module_name}.{name}"] = getattr(module, name)
    for name in TOP_LEVEL:
        objects[name] = getattr(sparsestat, name)
    return objects


def _unique_callables():
    seen, unique = set(), {}
    for key, obj in public_objects().items():
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and id(obj) not in seen:
            seen.add(id(obj))
            unique[key] = obj
    return unique


CALLABLES = _unique_callables()


def docstring_problems(obj):
    """What is missing or garbled in ``obj``'s numpydoc docstring (a list of str)."""
    doc = numpydoc.ClassDoc(obj) if inspect.isclass(obj) else numpydoc.FunctionDoc(obj)
    target = obj.__init__ if inspect.isclass(obj) else obj
    if target is object.__init__:  # no constructor arguments
        signature = []
    else:
        signature = [
            name.lstrip("*")
            for name, parameter in inspect.signature(target).parameters.items()
            if name != "self" and parameter.kind is not parameter.VAR_KEYWORD
        ]
    documented = {}
    problems = []
    for entry in doc["Parameters"]:
        for name in entry.name.split(","):
            name = name.strip().lstrip("*")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                problems.append(f"garbled parameter name {name!r}")
                continue
            documented[name] = " ".join(entry.desc).strip()
    for name in signature:
        if name not in documented:
            problems.append(f"parameter {name!r} is not documented")
        elif not documented[name]:
            problems.append(f"parameter {name!r} has no description")
    for name in sorted(set(documented) - set(signature) - {"kwargs", "params"}):
        problems.append(f"documented parameter {name!r} is not in the signature")
    if not doc["Examples"]:
        problems.append("no Examples section")
    return problems


@pytest.mark.parametrize("key", sorted(CALLABLES))
def test_public_docstrings_are_complete(key):
    if key in KNOWN_GAPS:
        pytest.xfail(KNOWN_GAPS[key])
    problems = docstring_problems(CALLABLES[key])
    assert not problems, f"{key}: {problems}"


def test_known_gaps_are_still_gaps():
    for key in KNOWN_GAPS:
        assert docstring_problems(CALLABLES[key]), f"{key} is complete: remove it from KNOWN_GAPS"


def test_the_check_catches_a_swallowed_parameter_list():
    def garbled(alpha=1.0, l1_ratio=0.5, tol=1e-4):
        pass

    garbled.__doc__ = (
        "Summary.\n\n    Parameters\n    ----------\n    alpha : float\n        Strength.\n"
        "    l1_ratio, \\\ntol\n        As in Lasso.\n\n    Examples\n    --------\n"
        "    >>> 1\n    1\n"
    )
    problems = docstring_problems(garbled)
    assert any("garbled" in problem or "l1_ratio" in problem for problem in problems), problems


def _api_entries():
    """The objects the API reference lists (autosummary entries under their module)."""
    text = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    module = "sparsestat"
    objects = []
    in_autosummary = False
    for line in text.splitlines():
        current = re.match(r"\.\. currentmodule:: (\S+)", line)
        if current:
            module = current.group(1)
            continue
        if line.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if in_autosummary:
            entry = line.strip()
            if not line.startswith("   ") and entry:
                in_autosummary = False
            elif entry and not entry.startswith(":"):
                objects.append(getattr(importlib.import_module(module), entry))
    return objects


def test_every_public_name_has_an_api_page():
    listed = {id(obj) for obj in _api_entries()}
    missing = [key for key, obj in public_objects().items() if id(obj) not in listed]
    assert not missing, f"public names without an API page in docs/api.rst: {missing}"


def test_no_dated_measurements_in_the_package():
    # measured results live on the speed page and in the user guide (DESIGN.md);
    # a docstring says what the code does and why
    dated = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "sparsestat").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if dated.search(line)
    ]
    assert found == [], "dated results belong in docs/speed.rst: " + ", ".join(found)


ESTIMATORS = {
    key: obj
    for key, obj in CALLABLES.items()
    if inspect.isclass(obj) and issubclass(obj, BaseEstimator)
}


@pytest.mark.parametrize("key", sorted(ESTIMATORS))
def test_every_estimator_cites_its_paper(key):
    """docs/citing.rst: each estimator's docstring gives the paper in its References."""
    doc = numpydoc.ClassDoc(ESTIMATORS[key])
    assert "".join(doc["References"]).strip(), f"{key} has no References section"
