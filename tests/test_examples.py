"""Smoke test of the gallery: every example is a sphinx-gallery script whose
sparsestat names exist.

The examples run during the docs build (sphinx-gallery), not here: this test only
parses them with :mod:`ast`, so it stays fast, yet renaming or removing a public
name that an example uses makes it fail.
"""

import ast
import importlib
import inspect
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").rglob("plot_*.py"))
PACKAGE = "sparsestat"


def _is_ours(module_name):
    return module_name == PACKAGE or module_name.startswith(PACKAGE + ".")


def _is_rule(line, char="="):
    return len(line) > 0 and set(line) == {char}


def title_problems(tree):
    """What keeps the module docstring from being a sphinx-gallery title block."""
    docstring = ast.get_docstring(tree, clean=False)
    if docstring is None:
        return ["does not start with a docstring"]
    lines = inspect.cleandoc(docstring).splitlines() + ["", ""]
    if _is_rule(lines[0]):  # overline form: ====\nTitle\n====
        overline, title, underline = lines[0], lines[1], lines[2]
        if overline != underline:
            return [f"the overline and underline of {title!r} differ"]
    else:
        title, underline = lines[0], lines[1]
    if not title.strip() or _is_rule(title):
        return ["the docstring does not start with a title"]
    if not _is_rule(underline):
        return [f"the title {title!r} is not underlined with '='"]
    if len(underline) < len(title):
        return [f"the '=' underline of {title!r} is shorter than the title"]
    return []


def _resolve(module_name, attribute=None):
    """The sparsestat object named, importing submodules as Python would."""
    obj = importlib.import_module(module_name)
    if attribute is None:
        return obj
    if hasattr(obj, attribute):
        return getattr(obj, attribute)
    # `from sparsestat import plotting` imports a submodule not loaded yet
    return importlib.import_module(f"{module_name}.{attribute}")


def _attribute_chain(node):
    """`a.b.c` as (name "a", ["b", "c"]); None when the chain has calls, subscripts."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return node.id, parts[::-1]


def import_problems(tree):
    """sparsestat imports (and attributes of imported sparsestat modules) that do not resolve."""
    problems = []
    modules = {}  # local name -> sparsestat module bound to it
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_ours(alias.name):
                    continue
                try:
                    _resolve(alias.name)
                except ImportError as exc:
                    problems.append(f"line {node.lineno}: import {alias.name}: {exc}")
                    continue
                if alias.asname:  # import sparsestat.dag as sd
                    modules[alias.asname] = alias.name
                else:  # import sparsestat.dag binds `sparsestat`
                    top = alias.name.split(".")[0]
                    modules[top] = top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not _is_ours(node.module):
                continue
            for alias in node.names:
                if alias.name == "*":
                    problems.append(f"line {node.lineno}: star import from {node.module}")
                    continue
                try:
                    obj = _resolve(node.module, alias.name)
                except ImportError as exc:
                    problems.append(
                        f"line {node.lineno}: {node.module} has no name {alias.name!r} ({exc})"
                    )
                    continue
                if isinstance(obj, types.ModuleType):
                    modules[alias.asname or alias.name] = obj.__name__
    # attributes used through an imported module: sparsestat.linear_model.Lasso, ...
    for node in ast.walk(tree):
        chain = _attribute_chain(node) if isinstance(node, ast.Attribute) else None
        if chain is None or chain[0] not in modules:
            continue
        obj = _resolve(modules[chain[0]])
        for attribute in chain[1]:
            if not isinstance(obj, types.ModuleType):
                break  # attributes of classes and functions are not checked
            try:
                obj = _resolve(obj.__name__, attribute)
            except ImportError as exc:
                problems.append(
                    f"line {node.lineno}: {obj.__name__} has no name {attribute!r} ({exc})"
                )
                break
    return sorted(set(problems))


def example_problems(path):
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    return title_problems(tree) + import_problems(tree)


def test_examples_are_found():
    assert EXAMPLES, "no examples/**/plot_*.py found"


@pytest.mark.parametrize(
    "path", EXAMPLES, ids=[str(p.relative_to(ROOT / "examples")) for p in EXAMPLES]
)
def test_example_is_a_gallery_script_with_existing_names(path):
    assert example_problems(path) == []


# the checker itself: it must notice what it is there to notice


def _write(tmp_path, text):
    path = tmp_path / "plot_check.py"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_TITLE = '"""\nA title\n=======\n\nText.\n"""\n'


def test_checker_accepts_both_title_forms(tmp_path):
    assert example_problems(_write(tmp_path, GOOD_TITLE)) == []
    overlined = '"""\n=======\nA title\n=======\n"""\n'
    assert example_problems(_write(tmp_path, overlined)) == []


@pytest.mark.parametrize(
    "docstring",
    [
        "",  # no docstring
        '"""A title without underline."""\n',
        '"""\nA title\n-------\n"""\n',  # wrong character
        '"""\nA longer title\n=====\n"""\n',  # too short
        '"""\n=========\nA title\n=======\n"""\n',  # overline differs
    ],
)
def test_checker_rejects_bad_titles(tmp_path, docstring):
    assert title_problems(ast.parse(docstring + "x = 1\n"))


@pytest.mark.parametrize(
    "code, missing",
    [
        ("from sparsestat.linear_model import Lasso, NoSuchEstimator\n", "NoSuchEstimator"),
        ("from sparsestat import no_such_module\n", "no_such_module"),
        ("import sparsestat.no_such_module\n", "no_such_module"),
        ("import sparsestat\nsparsestat.linear_model.NoSuchEstimator()\n", "NoSuchEstimator"),
        ("from sparsestat import dag\ndag.NoSuchFunction()\n", "NoSuchFunction"),
        ("import sparsestat.dag as sd\nsd.NoSuchFunction\n", "NoSuchFunction"),
    ],
)
def test_checker_rejects_missing_names(tmp_path, code, missing):
    problems = example_problems(_write(tmp_path, GOOD_TITLE + code))
    assert len(problems) == 1 and missing in problems[0]


def test_checker_accepts_existing_names(tmp_path):
    code = (
        "import numpy as np\n"
        "import sparsestat\n"
        "import sparsestat.dag as sd\n"
        "from sparsestat import plotting\n"
        "from sparsestat.linear_model import Lasso as L\n"
        "sparsestat.linear_model.Lasso(alpha=0.1).fit\n"
        "sd.CoLiDE\n"
        "plotting.plot_adjacency\n"
    )
    assert example_problems(_write(tmp_path, GOOD_TITLE + code)) == []
