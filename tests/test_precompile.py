"""``sparsestat.precompile``: the kernels of the first fits, compiled into numba's disk cache."""

import json
import os
import subprocess
import sys

import pytest

from sparsestat.precompile import FAMILIES, main, precompile

#: one kernel each family's fits must reach (module, dispatcher)
FAMILY_KERNELS = {
    "regression": ("sparsestat.solvers._cd_kernels", "working_set_cd"),
    "group": ("sparsestat.solvers._bcd_kernels", "working_set_bcd"),
    "multitask": ("sparsestat.solvers._multitask_kernels", "multitask_inner_solve"),
    "decomposition": ("sparsestat.decomposition._coding_kernels", "proximal_gradient_codes"),
    "dag": ("sparsestat.dag._colide_kernels", "adam_stage_kernel"),
    "penalties": ("sparsestat.penalties._kernels", "prox_separable"),
}

_RUN = """
import importlib, json, sys
from sparsestat.precompile import precompile
kernels = json.loads(sys.argv[1])
seconds = precompile({families}, dtypes=["float64"])
out = {{}}
for family, (module, name) in kernels.items():
    stats = getattr(importlib.import_module(module), name).stats
    out[family] = [sum(stats.cache_hits.values()), sum(stats.cache_misses.values())]
print(json.dumps({{"seconds": list(seconds), "kernels": out}}))
"""


def _run(families, env=None):
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(families=families), json.dumps(FAMILY_KERNELS)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _precompile_command(family, cache):
    """``python -m sparsestat.precompile FAMILY`` (float64) into the numba cache ``cache``;
    returns the environment that uses that cache and the command's stdout."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-m", "sparsestat.precompile", family, "--dtypes", "float64"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return env, done.stdout


def test_every_family_reaches_its_kernels():
    """In a fresh process, each family's fits load or compile its solver kernel."""
    result = _run(None)
    assert result["seconds"] == list(FAMILIES)
    for family, (hits, misses) in result["kernels"].items():
        assert hits + misses >= 1, family


def test_a_later_process_loads_instead_of_compiling(tmp_path):
    """Empty NUMBA_CACHE_DIR: the command compiles (cache misses); a second process
    running the same family finds every kernel in the cache (hits, no miss)."""
    env, stdout = _precompile_command("penalties", tmp_path)
    assert "penalties" in stdout
    hits, misses = _run(["penalties"], env)["kernels"]["penalties"]
    assert misses == 0 and hits >= 1


def test_decomposition_compiles_the_factored_learning_codes(tmp_path):
    """``precompile decomposition`` also reaches the prox kernel that the factored
    learning codes of an overcomplete dictionary use: a later such fit loads it."""
    env, _ = _precompile_command("decomposition", tmp_path)
    fit = """
import json
import numpy as np
from sparsestat.decomposition import DictionaryLearning
from sparsestat.penalties import _kernels
X = np.random.default_rng(0).standard_normal((600, 8))
for penalty in ("l1", "cel0"):
    DictionaryLearning(40, penalty=penalty, alpha=0.05, n_epochs=1, random_state=0).fit(X)
stats = _kernels.prox_separable.stats
print(json.dumps([sum(stats.cache_hits.values()), sum(stats.cache_misses.values())]))
"""
    done = subprocess.run(
        [sys.executable, "-c", fit], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    hits, misses = json.loads(done.stdout.strip().splitlines()[-1])
    assert misses == 0 and hits >= 1


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
