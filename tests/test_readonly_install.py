"""A read-only installation with no writable home imports and fits.

numba then finds no cache directory ("no locator available"); sparsestat must
compile without the disk cache and say once how to get one (NUMBA_CACHE_DIR).
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import sparsestat

PACKAGE = Path(sparsestat.__file__).resolve().parent

SCRIPT = """
import warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import numpy as np
    import sparsestat
    from sparsestat.linear_model import Lasso
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X @ np.array([1.0, 0.0, 0.0, -2.0, 0.0]) + 0.01 * rng.standard_normal(30)
    model = Lasso(alpha=0.05).fit(X, y)
assert sparsestat.__file__.startswith({root!r}), sparsestat.__file__
assert model.coef_[0] > 0.5 and model.coef_[3] < -1.5, model.coef_
cache = [w for w in caught if "NUMBA_CACHE_DIR" in str(w.message)]
print("CACHE_WARNINGS", len(cache), cache[0].category.__name__ if cache else None)
print("FIT_OK")
"""


def _make_read_only(path):
    for folder, _subfolders, files in os.walk(path, topdown=False):
        for name in files:
            os.chmod(os.path.join(folder, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.chmod(folder, 0o555)


def _runner():
    """How to run a process that file permissions bind (root ignores them)."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root without unshare: read-only files stay writable")
    # a new user namespace drops root's CAP_DAC_OVERRIDE: permissions apply again
    probe = subprocess.run([unshare, "-U", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root and user namespaces are not available")
    return [unshare, "-U"]


@pytest.mark.parametrize("cache_dir", ["unset", "read-only"])
def test_read_only_install_without_a_writable_home_imports_and_fits(cache_dir):
    """Also with NUMBA_CACHE_DIR pointing at a directory that cannot be written."""
    runner = _runner()
    root = Path(tempfile.mkdtemp(prefix="sparsestat-ro-"))
    try:
        site = root / "site"
        shutil.copytree(PACKAGE, site / "sparsestat", ignore=shutil.ignore_patterns("__pycache__"))
        home = root / "home"
        home.mkdir()
        _make_read_only(site)
        _make_read_only(home)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("NUMBA_CACHE_DIR", "PYTHONPATH", "XDG_CACHE_HOME"))
        }
        if cache_dir == "read-only":
            env["NUMBA_CACHE_DIR"] = str(home)
        env.update(
            HOME=str(home),
            PYTHONPATH=str(site),
            PYTHONDONTWRITEBYTECODE="1",
            OPENBLAS_NUM_THREADS="1",
        )
        out = subprocess.run(
            [*runner, sys.executable, "-c", SCRIPT.format(root=str(site))],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(home),
            timeout=900,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        assert "FIT_OK" in out.stdout
        # one warning for the whole process, a RuntimeWarning naming the variable
        assert "CACHE_WARNINGS 1 CacheUnavailableWarning" in out.stdout, out.stdout
        assert not any(site.rglob("*.nbi")), "a cache index was written into the package"
    finally:
        for folder, _, _ in os.walk(root):
            os.chmod(folder, 0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_the_wrapper_keeps_the_cache_when_one_is_possible():
    from sparsestat import _numba
    from sparsestat.penalties import _kernels

    assert _kernels.soft_threshold._cache.__class__.__name__ == "FunctionCache"
    assert issubclass(_numba.CacheUnavailableWarning, RuntimeWarning)
    with pytest.raises(TypeError, match="keyword options"):
        _numba.njit("f8(f8)")
