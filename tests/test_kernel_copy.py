"""The loop copies numba kernels use instead of slice assignment."""

import ast
import pathlib

import numpy as np

import sparsestat
from sparsestat._kernel_copy import copy_matrix, copy_vector


def test_copies_write_values_through_views():
    rows = np.zeros((3, 4))
    copy_vector(rows[1], np.arange(4.0))  # a row view, as Anderson's history uses
    np.testing.assert_array_equal(rows, [[0] * 4, [0, 1, 2, 3], [0] * 4])
    target = np.zeros((2, 3), dtype=np.float32)
    source = np.arange(6.0).reshape(2, 3)
    copy_matrix(target, source)
    np.testing.assert_array_equal(target, source)
    assert target.dtype == np.float32
    copy_matrix(target, np.asfortranarray(source[::-1]))  # any layout
    np.testing.assert_array_equal(target, source[::-1])


def _slice_assignments(tree):
    """(line, text) of ``a[...:...] = array`` inside ``@njit`` functions."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        decorators = [ast.unparse(decorator) for decorator in function.decorator_list]
        if not any(text.startswith("njit") for text in decorators):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Assign) or isinstance(node.value, ast.Constant):
                continue
            for target in node.targets:
                if isinstance(target, ast.Subscript) and any(
                    isinstance(part, ast.Slice) for part in ast.walk(target.slice)
                ):
                    found.append((node.lineno, ast.unparse(node)))
    return found


def test_kernels_do_not_slice_assign_arrays():
    # ``a[:] = b`` in a kernel makes numba compile a shape-mismatch message:
    # seconds more for the first fit in every fresh environment
    root = pathlib.Path(sparsestat.__file__).parent
    offenders = {}
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "njit" in source:
            found = _slice_assignments(ast.parse(source))
            if found:
                offenders[str(path.relative_to(root))] = found
    assert offenders == {}
