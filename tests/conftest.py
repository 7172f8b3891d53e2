"""Shared fixtures: every array-namespace test runs on each library present."""

import importlib

import numpy as np
import pytest


def _available_namespaces():
    names = ["numpy", "array_api_strict"]
    try:
        import cupy  # noqa: F401

        if cupy.cuda.runtime.getDeviceCount() > 0:
            names.append("cupy")
    except Exception:  # cupy missing or no GPU
        pass
    return names


NAMESPACES = _available_namespaces()


class Backend:
    """An array library under test, with conversion helpers."""

    def __init__(self, name):
        self.name = name
        self.module = importlib.import_module(name)

    def asarray(self, x, dtype=None):
        x = np.asarray(x)
        if dtype is not None:
            x = x.astype(dtype)
        if self.name == "numpy":
            return x
        return self.module.asarray(x)

    def __repr__(self):
        return self.name


@pytest.fixture(params=NAMESPACES)
def backend(request):
    return Backend(request.param)


@pytest.fixture(params=[np.float32, np.float64], ids=["float32", "float64"])
def dtype(request):
    return request.param
