"""Progress bars of the joblib loops: silent by default, a bar of finished jobs with verbose."""

import numpy as np
import pytest

from sparsestat.datasets import make_sparse_regression


def test_cross_validation_progress_bars_count_finished_folds(capsys):
    from sparsestat.linear_model import (
        GroupSparseRegressionCV,
        MultiTaskLassoCV,
        SparseRegressionCV,
    )

    X, y, _ = make_sparse_regression(60, 12, 3, random_state=0)
    quiet = SparseRegressionCV(n_alphas=5, cv=3).fit(X, y)
    assert capsys.readouterr().err == ""
    loud = SparseRegressionCV(n_alphas=5, cv=3, verbose=1).fit(X, y)
    assert "cross-validation" in capsys.readouterr().err
    assert loud.alpha_ == quiet.alpha_
    GroupSparseRegressionCV(groups=4, n_alphas=4, cv=3, verbose=1).fit(X, y)
    assert "3/3" in capsys.readouterr().err
    MultiTaskLassoCV(n_alphas=4, cv=3, verbose=1).fit(X, np.column_stack([y, y]))
    assert "cross-validation" in capsys.readouterr().err


def test_verbose_without_tqdm_warns_and_runs(monkeypatch):
    import builtins

    from sparsestat._progress import progress

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError("no tqdm here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    with pytest.warns(UserWarning, match="need tqdm"):
        wrapped = progress(range(3), verbose=1, total=3, description="loop")
    assert list(wrapped) == [0, 1, 2]
    assert progress(range(2), verbose=0) == range(2)
