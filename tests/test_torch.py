"""PyTorch CPU tensors through the array-API code paths (optional: skipped
when torch is not installed; CI does not install it)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sparsestat import get_namespace, to_numpy  # noqa: E402
from sparsestat.penalties import (  # noqa: E402
    L1,
    MCP,
    WGSEF,
    GroupL2,
    NonconvexWGSEF,
    SparseEnvelope,
)


def test_namespace_and_to_numpy():
    t = torch.arange(3, dtype=torch.float64)
    assert "torch" in get_namespace(t).__name__
    np.testing.assert_array_equal(to_numpy(t), [0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "pen",
    [
        L1(alpha=0.3),
        MCP(alpha=0.3, gamma=3.0),
        SparseEnvelope(k=3, alpha=0.5),
        GroupL2(alpha=0.4, groups=np.repeat(np.arange(5), 3)),
        WGSEF(k=2, alpha=0.5, groups=np.repeat(np.arange(5), 3)),
        NonconvexWGSEF(k=2, alpha=0.5, groups=np.repeat(np.arange(5), 3)),
        NonconvexWGSEF(k=2, alpha=2.0, groups=np.repeat(np.arange(5), 3)),
    ],
    ids=lambda p: type(p).__name__,
)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_prox_on_torch_matches_numba(pen, dtype):
    w = np.random.default_rng(0).standard_normal(15)
    t = torch.asarray(w, dtype=dtype)
    out = pen.prox(t, step=1.0)
    assert isinstance(out, torch.Tensor) and out.dtype == dtype and out.shape == t.shape
    expected = pen.prox_numba(w, 1.0)
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    np.testing.assert_allclose(to_numpy(out).astype(np.float64), expected, atol=tol)


def test_fista_estimator_on_torch_returns_the_numpy_fit():
    """docs/user_guide/array_api.rst: estimators return numpy coefficients for torch input."""
    from sparsestat.datasets import make_sparse_regression
    from sparsestat.linear_model import SparseRegression

    X, y, _ = make_sparse_regression(60, 20, 3, random_state=0)
    reference = SparseRegression(solver="fista").fit(X, y)
    model = SparseRegression(solver="fista").fit(torch.asarray(X), torch.asarray(y))
    assert isinstance(model.coef_, np.ndarray)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-10)
