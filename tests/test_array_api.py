"""The array-namespace layer."""

import subprocess
import sys

import array_api_strict as xs
import numpy as np
import pytest
import scipy.sparse as sp

from sparsestat._array_api import get_namespace, is_numpy_namespace, namespace_name, to_numpy


def test_get_namespace_numpy_and_strict():
    assert is_numpy_namespace(get_namespace(np.ones(2)))
    assert is_numpy_namespace(get_namespace(np.ones(2), None, 3.0, sp.eye(2)))
    assert is_numpy_namespace(get_namespace())
    assert namespace_name(get_namespace(xs.ones(2))) == "array_api_strict"


def test_mixed_namespaces_refused():
    with pytest.raises(TypeError, match="different array libraries"):
        get_namespace(np.ones(2), xs.ones(2))


def test_non_array_refused():
    with pytest.raises(TypeError, match="not an array"):
        get_namespace(object())


def test_to_numpy():
    x = np.arange(3.0)
    assert to_numpy(x) is x
    np.testing.assert_array_equal(to_numpy(xs.asarray([1.0, 2.0])), [1.0, 2.0])
    np.testing.assert_array_equal(to_numpy([1, 2]), [1, 2])
    with pytest.raises(TypeError, match="dense"):
        to_numpy(sp.eye(2))


def test_cupy_never_imported_at_import():
    code = "import sys, sparsestat, sparsestat.penalties; print('cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
