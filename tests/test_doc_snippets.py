"""The python blocks of docs/index.rst and the user guide run as written.

Printed results are checked against the comment that states them (``print(x)
# 64 14`` or a comment on the next line).  A block that cannot run in the test
suite is listed in ``NOT_RUN`` with the reason; nothing else is skipped.
"""

import contextlib
import io
import re
import textwrap
import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = [DOCS / "index.rst", *sorted((DOCS / "user_guide").glob("*.rst"))]

# (page, first code line) -> why the block is not executed here
NOT_RUN = {
    ("array_api.rst", "import cupy as cp"): "needs CuPy and a GPU",
    ("scaling.rst", "import dask.array as da"): (
        "reads zarr files that do not exist and starts a dask cluster; "
        "tests/test_dask.py runs the same calls on generated data"
    ),
    ("scaling.rst", "total = None"): "read_batches() stands for the user's own data source",
    ("scaling.rst", "import joblib"): "needs a dask scheduler at a given address and X, y",
}


def code_blocks(path):
    """(first code line, code) of every ``.. code-block:: python`` of a page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == ".. code-block:: python":
            i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
                body.append(lines[i])
                i += 1
            code = textwrap.dedent("\n".join(body)).strip("\n")
            blocks.append((code.splitlines()[0].strip(), code))
        else:
            i += 1
    return blocks


def expected_prints(code):
    """The output each ``print`` line's comment promises, in order."""
    lines = code.splitlines()
    expected = []
    for n, line in enumerate(lines):
        if not line.lstrip().startswith("print("):
            continue
        comment = line.split("#", 1)[1] if "#" in line else None
        if comment is None and n + 1 < len(lines) and lines[n + 1].lstrip().startswith("#"):
            comment = lines[n + 1].lstrip()[1:]
        if comment is not None:
            expected.append(re.split(r"\s{2,}|\s\(", comment.strip())[0])
    return expected


CASES = [
    pytest.param(page, first, code, id=f"{page.name}:{first[:30]}")
    for page in PAGES
    for first, code in code_blocks(page)
]


def test_every_page_was_read():
    assert any(page.name == "index.rst" for page, *_ in [c.values for c in CASES])


@pytest.mark.parametrize(("page", "first", "code"), CASES)
def test_doc_block_runs(page, first, code):
    reason = NOT_RUN.get((page.name, first))
    if reason is not None:
        pytest.skip(reason)
    out = io.StringIO()
    # a block a reader copies must not warn that it did not converge
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        exec(compile(code, str(page), "exec"), {})  # noqa: S102
    printed = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    promised = expected_prints(code)
    if promised:
        assert printed[-len(promised) :] == promised, (printed, promised)


def test_index_quick_example_promises_what_it_prints():
    """The quick example states "64 14 10" and SHD "12"; the parser must find them."""
    (_, code), *_ = code_blocks(DOCS / "index.rst")
    assert expected_prints(code) == ["64 14 10", "12"]


def test_not_run_entries_exist():
    present = {(page.name, first) for page, first, _ in [c.values for c in CASES]}
    assert set(NOT_RUN) <= present
