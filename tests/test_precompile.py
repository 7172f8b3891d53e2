"""``sparsestat.precompile``: the kernels of the first fits, compiled into numba's disk cache."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sparsestat.precompile import FAMILIES, main, precompile


def test_every_family_runs_and_is_timed():
    """Each family fits its estimators (float64: the kernels the rest of the suite compiles)."""
    seconds = precompile(dtypes=["float64"])
    assert list(seconds) == list(FAMILIES)
    assert all(value >= 0.0 for value in seconds.values())


def test_it_fills_an_empty_cache(tmp_path):
    """In a fresh process with an empty NUMBA_CACHE_DIR, the command writes the kernels there."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "sparsestat.precompile", "penalties", "--dtypes", "float64"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "penalties" in done.stdout
    indexes = {path.name.split("-")[0] for path in Path(tmp_path).rglob("*.nbi")}
    assert "_kernels.prox_separable" in indexes
    assert any(name.startswith("_kernels.prox_wgsef") for name in indexes)


def test_bad_arguments():
    with pytest.raises(ValueError, match="families must be among"):
        precompile(["regression", "nope"])
    with pytest.raises(ValueError, match="dtypes must be among"):
        precompile(["penalties"], dtypes=["int8"])
    with pytest.raises(ValueError, match="dtypes must be among"):
        precompile(["penalties"], dtypes=[])
    with pytest.raises(SystemExit) as exit_info:
        main(["nope"])
    assert exit_info.value.code == 2
