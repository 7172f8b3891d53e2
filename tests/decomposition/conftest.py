"""Fixtures shared by the decomposition tests."""

import pytest

from sparsestat.decomposition import sparse_coding


@pytest.fixture
def coding_forms(monkeypatch):
    """The ``factored`` argument of every ``sparse_coding._encode_proximal`` call
    (the array-API ISTA / FISTA), in order; the calls run unchanged."""
    forms = []
    original = sparse_coding._encode_proximal

    def spy(*args, **kwargs):
        forms.append(kwargs.get("factored", False))
        return original(*args, **kwargs)

    monkeypatch.setattr(sparse_coding, "_encode_proximal", spy)
    return forms
