"""The README's tour runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_runs():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "the README has no python block"
    pytest.importorskip("matplotlib")
    namespace = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102
    assert namespace["model"].adjacency_.shape == (11, 11)
    # the fit from chunk statistics solves the fit on the rows (default tol=1e-4:
    # 3e-4 apart; tests/datafits/test_statistics.py checks it at tight tolerances)
    assert abs(namespace["chunked"].coef_ - namespace["lasso"].coef_).max() < 1e-3
    # stability selection keeps exactly the simulated support (fixed seeds)
    np = namespace["np"]
    selected = np.flatnonzero(namespace["selector"].support_)
    np.testing.assert_array_equal(selected, np.flatnonzero(namespace["coef"]))
    # "mcp ... fewer false positives" than the Lasso at the same alpha
    truth = np.flatnonzero(namespace["coef"])

    def false_positives(model):
        return np.setdiff1d(np.flatnonzero(model.coef_), truth).size

    assert false_positives(namespace["mcp"]) < false_positives(namespace["lasso"])
