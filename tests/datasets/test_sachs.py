"""The packaged Sachs data."""

import numpy as np
import pytest

from sparsestat.dag import is_dag
from sparsestat.datasets import SACHS_CONSENSUS_EDGES, load_sachs


def test_sachs_contents():
    sachs = load_sachs()
    assert sachs.data.shape == (853, 11)
    assert sachs.data.dtype == np.float64 and np.all(sachs.data > 0)
    # first cell of the cd3cd28 file of Sachs et al. (praf, pmek, ..., pjnk)
    np.testing.assert_allclose(
        sachs.data[0], [26.4, 13.2, 8.82, 18.3, 58.8, 6.61, 17.0, 414.0, 17.0, 44.9, 40.0]
    )
    assert len(sachs.feature_names) == 11 and sachs.feature_names[0] == "Raf"
    assert sachs.adjacency.sum() == 17 == len(SACHS_CONSENSUS_EDGES)
    assert is_dag(sachs.adjacency)
    assert sachs.adjacency.sum(axis=0).max() == 3  # Mek has three parents
    names = sachs.feature_names
    for cause, effect in sachs.edges:
        assert sachs.adjacency[names.index(cause), names.index(effect)] == 1
    assert "Sachs" in sachs.DESCR and "licence" in sachs.DESCR


def test_sachs_frame_and_fresh_copies():
    pytest.importorskip("pandas")
    sachs = load_sachs(as_frame=True)
    assert list(sachs.frame.columns) == sachs.feature_names
    sachs.data[0, 0] = -1.0
    assert load_sachs().data[0, 0] == 26.4
