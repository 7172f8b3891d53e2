"""numba's disk cache recompiles a kernel when a kernel it calls changes.

numba keys a cached function on its own source file only, so a solver kernel
that inlines a penalty kernel from another module kept its stale machine code
after that module changed.  ``sparsestat._numba`` adds the stamp of every
kernel module to the key.  Checked on a copy of the package: a caller in one
kernel module, a callee in another, the callee edited between two processes.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import sparsestat
from sparsestat import _numba

PACKAGE = Path(sparsestat.__file__).resolve().parent

CALLEE = textwrap.dedent(
    """

    @njit(cache=True)
    def _probe_value():
        return {value}
    """
)
CALLER = textwrap.dedent(
    """

    from ..penalties._kernels import _probe_value


    @njit(cache=True)
    def _probe_caller():
        return _probe_value() + 0.0
    """
)
SCRIPT = textwrap.dedent(
    """
    import sparsestat
    from sparsestat.solvers._cd_kernels import _probe_caller
    assert sparsestat.__file__.startswith({root!r}), sparsestat.__file__
    print("VALUE", _probe_caller())
    """
)


def _run(root, cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(root))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(root=str(root))],
        env=env,
        capture_output=True,
        text=True,
        cwd=root,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return [line for line in out.stdout.splitlines() if line.startswith("VALUE")][0]


def test_editing_a_called_kernel_recompiles_its_callers(tmp_path):
    root = tmp_path / "site"
    package = root / "sparsestat"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "*.nb*"))
    callee_file = package / "penalties" / "_kernels.py"
    caller_file = package / "solvers" / "_cd_kernels.py"
    original = callee_file.read_text()
    callee_file.write_text(original + CALLEE.format(value="1.0"))
    caller_file.write_text(caller_file.read_text() + CALLER)
    cache = tmp_path / "cache"
    assert _run(root, cache) == "VALUE 1.0"
    assert _run(root, cache) == "VALUE 1.0"  # from the cache
    assert list(cache.rglob("*_probe_caller*.nbi"))
    # edit only the callee's module; the caller's file is untouched
    callee_file.write_text(original + CALLEE.format(value="20.0"))
    status = callee_file.stat()
    os.utime(callee_file, ns=(status.st_atime_ns, status.st_mtime_ns + 10**10))
    assert _run(root, cache) == "VALUE 20.0"


def test_the_stamp_covers_every_kernel_module():
    assert _numba.DEPENDENCY_STAMPS
    stamped = {path for path, _mtime, _size in _numba.kernel_sources_stamp()}
    using_njit = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "_numba import njit" in path.read_text(encoding="utf-8")
    }
    assert stamped == using_njit
    assert {"penalties/_kernels.py", "solvers/_cd_kernels.py"} <= stamped
