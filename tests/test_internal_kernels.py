"""Kernels compiled for calls from other kernels only (``@njit(internal=True)``).

They have no Python wrappers (a large part of a small kernel's compile time).  A Python
call must still work (through an uncached twin), and no fit may take that path:
it would compile the twin in every process.
"""

import ast
import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sparsestat
from sparsestat._numba import (
    InternalKernel,
    kernel_sources_stamp,
    njit,
    python_calls_of_internal_kernels,
)

#: every module that compiles kernels (those importing sparsestat._numba's njit)
KERNEL_MODULES = tuple(
    "sparsestat." + path.removesuffix(".py").replace("/", ".")
    for path, _mtime, _size in kernel_sources_stamp()
)


def _internal_kernels():
    found = []
    for name in KERNEL_MODULES:
        module = importlib.import_module(name)
        found += [obj for obj in vars(module).values() if isinstance(obj, InternalKernel)]
    return found


@njit(cache=False, internal=True)
def _scaled_sum(x, factor):
    total = 0.0
    for value in x:
        total += factor * value
    return total


@njit(cache=False)
def _caller(x):
    return _scaled_sum(x, 2.0)


def test_internal_kernels_have_no_python_wrappers():
    kernels = _internal_kernels()
    assert len(kernels) >= 30  # the helpers of the solver and penalty kernels
    for kernel in kernels:
        assert kernel.targetoptions["no_cpython_wrapper"] is True
        assert kernel.targetoptions["no_cfunc_wrapper"] is True


def test_a_python_call_runs_the_twin_and_is_counted():
    x = np.arange(5.0)
    python_calls_of_internal_kernels(reset=True)
    assert _caller(x) == 20.0  # compiled caller: the wrapper-less kernel
    assert python_calls_of_internal_kernels() == {}
    assert _scaled_sum(x, 3.0) == 30.0  # from Python: the twin, counted
    assert _scaled_sum(x, 1.0) == 10.0
    name = f"{__name__}._scaled_sum"
    assert python_calls_of_internal_kernels(reset=True) == {name: 2}
    assert python_calls_of_internal_kernels() == {}


def test_internal_and_inline_do_not_mix():
    with pytest.raises(TypeError, match="inline"):
        njit(cache=True, internal=True, inline="always")


def test_no_fit_calls_an_internal_kernel_from_python():
    """Every family's fits (dense and CSC, float64 and float32: what
    ``python -m sparsestat.precompile`` runs) reach internal kernels only from
    compiled code."""
    from sparsestat.precompile import precompile

    python_calls_of_internal_kernels(reset=True)
    precompile()
    assert python_calls_of_internal_kernels() == {}


def test_internal_kernels_load_from_the_disk_cache(tmp_path):
    """A cached kernel that calls internal ones runs in a new process (the
    cache holds their machine code; no wrapper is needed) without compiling."""
    code = (
        "from sparsestat.linear_model import Lasso\n"
        "from sparsestat.solvers import _cd_kernels\n"
        "import numpy as np\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((30, 8)); y = X[:, 0] + 0.1 * rng.standard_normal(30)\n"
        "print(repr(Lasso(alpha=0.05, solver='gram').fit(X, y).coef_.tolist()))\n"
        "stats = _cd_kernels.gram_cd.stats\n"
        "print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        for _ in range(2)
    ]
    assert runs[0][0] == runs[1][0]
    assert runs[0][1] == "0 1"  # compiled
    assert runs[1][1] == "1 0"  # loaded


def _is_kernel(node):
    """A function decorated with ``njit``/``numba.njit`` (compiled: may call internal kernels)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "njit":
            return True
    return False


def _references(node, names, modules):
    """Names of internal kernels in ``node``: bare (``names``: the internal kernels
    this file defines or imports) or as attributes of a kernel module (``modules``:
    the local names bound to kernel modules)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            yield sub.id, sub.lineno
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in modules
            and sub.attr in modules[sub.value.id]
        ):
            yield sub.attr, sub.lineno


def _bindings(tree, module_name, internal):
    """The internal kernels a file names bare, and its local names of kernel modules."""
    names = set(internal.get(module_name, ()))
    modules = {}
    package = module_name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
        for alias in node.names:
            local = alias.asname or alias.name
            if alias.name in internal.get(base, ()):
                names.add(local)
            elif f"{base}.{alias.name}" in internal:
                modules[local] = internal[f"{base}.{alias.name}"]
    return names, modules


def test_no_python_code_of_the_package_refers_to_an_internal_kernel():
    """Static companion of the test above, for the code paths the fits there do not
    reach: outside compiled functions, the package never names an internal kernel
    (a Python call would compile an uncached twin in every process)."""
    internal = {}
    for kernel in _internal_kernels():
        internal.setdefault(kernel.py_func.__module__, set()).add(kernel.py_func.__name__)
    package = Path(sparsestat.__file__).resolve().parent
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        module_name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if parts[-1] == "__init__":
            module_name += ".__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names, modules = _bindings(tree, module_name, internal)
        stack = list(tree.body)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if not _is_kernel(node):
                    found += [(path.name, *hit) for hit in _references(node, names, modules)]
            elif isinstance(node, ast.ClassDef):
                stack.extend(node.body)
            elif not isinstance(node, ast.Import | ast.ImportFrom):
                found += [(path.name, *hit) for hit in _references(node, names, modules)]
    assert found == [], found
