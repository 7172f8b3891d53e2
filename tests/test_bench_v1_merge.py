"""``benchmarks/bench_v1.py --merge``: parts of a run (sizes or penalties) make one file.

The largest dictionaries learn in parallel processes, one part each; the
merged file must give the same tables as one process would, and refuse parts
that overlap, miss a run or were measured differently.  The parts here are cut
from the committed 16 × 16 run, so no dictionary is learned.
"""

import copy
import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "benchmarks" / "results" / "bench_v1_16.json"


@pytest.fixture
def bench(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    for name in ("_results", "bench_v1"):
        sys.modules.pop(name, None)
    spec = importlib.util.spec_from_file_location("bench_v1", ROOT / "benchmarks" / "bench_v1.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys.modules["_results"], "RESULTS_DIR", tmp_path)
    yield module
    for name in ("_results", "bench_v1"):
        sys.modules.pop(name, None)


def _part(bench, document, tmp_path, name, keep):
    """Write a part holding the committed runs for which ``keep(penalty, size)``."""
    raw = copy.deepcopy(document["data"])
    raw["runs"] = {k: r for k, r in raw["runs"].items() if keep(r["penalty"], r["size"])}
    raw["sizes"] = sorted({r["size"] for r in raw["runs"].values()})
    meta = {
        "command": f"part {name}",
        "date": "2026-12-03T00:00:00+00:00",
        "seconds": 1.0,
        "commit": "abc1234",
    }
    bench.write_results(raw, meta=meta, name=name)
    return tmp_path / f"{name}.json"


def test_parts_by_penalty_and_size_merge_to_the_whole_run(bench, tmp_path):
    document = json.loads(COMMITTED.read_text())
    sizes = document["data"]["sizes"]
    small, large = sizes[:-1], sizes[-1]
    a = _part(bench, document, tmp_path, "a", lambda p, s: s in small)
    b = _part(bench, document, tmp_path, "b", lambda p, s: s == large and p in ("l1", "half"))
    c = _part(bench, document, tmp_path, "c", lambda p, s: s == large and p in ("l0", "cel0"))
    # a part with some penalties only has no tables but its runs
    part_b = json.loads(b.read_text())
    assert set(part_b["tables"]) == {"part"}
    # ... and the values the docs may quote of it, the whole run's
    for key in (f"gabor/l1/{large}", f"error/half/{large}", f"learning_activity/l1/{large}"):
        assert part_b["values"][key] == document["values"][key]
    assert f"gabor/cel0/{large}" not in part_b["values"]
    bench.merge([str(a), str(b), str(c)], "merged", note="b was paused.")
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["tables"] == document["tables"]
    assert merged["values"] == document["values"]
    assert [p["command"] for p in merged["meta"]["merged_from"]] == ["part a", "part b", "part c"]
    # merging a merged file again keeps every part's metadata
    assert merged["meta"]["note"] == "b was paused."
    bench.merge([str(tmp_path / "merged.json")], "again", note="c too.")
    again = json.loads((tmp_path / "again.json").read_text())
    assert again["meta"]["merged_from"] == merged["meta"]["merged_from"]
    assert again["meta"]["note"] == "b was paused. c too."  # a merged file's note is kept
    assert again["tables"] == document["tables"]


def test_merge_refuses_overlapping_missing_or_different_parts(bench, tmp_path):
    document = json.loads(COMMITTED.read_text())
    large = document["data"]["sizes"][-1]
    whole = _part(bench, document, tmp_path, "whole", lambda p, s: True)
    l1 = _part(bench, document, tmp_path, "l1", lambda p, s: s == large and p == "l1")
    rest = _part(bench, document, tmp_path, "rest", lambda p, s: s == large and p != "l1")
    with pytest.raises(SystemExit, match="a run is in two files"):
        bench.merge([str(whole), str(l1)], "x")
    with pytest.raises(SystemExit, match=f"no file has the runs .*cel0/{large}"):
        bench.merge([str(l1)], "x")
    other = json.loads(rest.read_text())
    other["data"]["settings"]["anneal"] = 0.0
    rest.write_text(json.dumps(other))
    with pytest.raises(SystemExit, match="settings differ"):
        bench.merge([str(l1), str(rest)], "x")


def test_units_ratio_at_every_cel0_size(bench):
    """Claim 1 at each of CEL0's sizes: the units ℓ1 needs, by log-log interpolation of the
    committed ℓ1 errors, over CEL0's units; beyond the largest ℓ1 it says so."""
    values = json.loads(COMMITTED.read_text())["values"]
    sizes = json.loads(COMMITTED.read_text())["data"]["sizes"]
    l1 = [values[f"error/l1/{s}"]["value"] for s in sizes]
    for base in sizes[:-1]:
        goal = values[f"error/cel0/{base}"]["value"]
        text = values[f"units_ratio/0.05/{base}"]["value"]
        # brute force: the first ℓ1 size at or under the goal, interpolated from the one before
        reached = [i for i, e in enumerate(l1) if e <= goal]
        if not reached:
            assert text == f"> {sizes[-1] / base:.0f}×"
            continue
        i = reached[0]
        assert i > 0  # CEL0 beats ℓ1 at the same size in this run
        t = math.log(goal / l1[i - 1]) / math.log(l1[i] / l1[i - 1])
        needed = sizes[i - 1] * (sizes[i] / sizes[i - 1]) ** t
        assert text == f"{needed / base:.1f}×"
    assert values["units_ratio/0.05"]["value"] == values[f"units_ratio/0.05/{sizes[0]}"]["value"]
    # the same text from the function the tables use, at a base it was not written for
    assert bench.units_ratio_text([1, 2, 4], [0.4, 0.2, 0.1], 0.1, base=2) == "2.0×"
    assert bench.units_ratio_text([1, 2, 4], [0.4, 0.2, 0.1], 0.05, base=2) == "> 2×"


def test_checkpointed_learning_resumes_after_a_stopped_process(bench, tmp_path, monkeypatch):
    """``--checkpoint``: a process stopped after epoch 2 leaves the model pickled; the
    next process resumes it at epoch 3 and ends with the uninterrupted fit's atoms,
    the learning seconds summed and two processes counted.  A checkpoint of other
    settings or other data is refused."""
    import numpy as np

    from sparsestat.decomposition import DictionaryLearning

    X = np.random.default_rng(0).standard_normal((600, 16))
    settings = dict(penalty="cel0", alpha=0.3, n_epochs=4, random_state=0)
    whole = DictionaryLearning(8, **settings).fit(X)
    path = tmp_path / "checkpoints" / "run_cel0_8.pkl"
    key = {"penalty": "cel0", "size": 8}
    calls = []
    original = DictionaryLearning._fit_epochs

    def stopped_after_two(self, X, n_epochs=None):
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped during epoch 3
        calls.append(n_epochs)
        return original(self, X, n_epochs)

    monkeypatch.setattr(DictionaryLearning, "_fit_epochs", stopped_after_two)
    with pytest.raises(KeyboardInterrupt):
        bench.learn_with_checkpoints(DictionaryLearning(8, **settings), X, path, key)
    assert path.exists() and not path.with_suffix(".tmp").exists()
    monkeypatch.setattr(DictionaryLearning, "_fit_epochs", original)
    model, seconds, processes = bench.learn_with_checkpoints(
        DictionaryLearning(8, **settings), X, path, key
    )
    np.testing.assert_array_equal(model.components_, whole.components_)
    assert model.error_ == whole.error_ and processes == 2 and seconds > 0
    with pytest.raises(SystemExit, match="other settings or data"):
        bench.learn_with_checkpoints(DictionaryLearning(8, **settings), X[1:], path, key)
    with pytest.raises(SystemExit, match="other settings or data"):
        bench.learn_with_checkpoints(
            DictionaryLearning(8, **settings), X, path, {**key, "size": 9}
        )


def test_authors_learner_records_its_activity_and_is_compared(bench, tmp_path):
    """The authors' learner (our port) records each batch's share of non-zero codes:
    all of them at a vanishing soft threshold, none at a huge one.  ``compare_authors``
    keeps it with the Gabor summary, and the tables quote it beside our run."""
    import types

    import numpy as np

    rng = np.random.default_rng(0)
    train, test = rng.standard_normal((600, 36)), rng.standard_normal((300, 36))
    dense, silent = [], []
    bench.authors_learner(train, 12, "l1", 1e-9, 3, activity=dense)
    bench.authors_learner(train, 12, "l1", 1e6, 3, activity=silent)
    assert len(dense) == 3 and min(dense) > 0.99
    assert silent == [0.0, 0.0, 0.0]
    args = types.SimpleNamespace(epochs=1, n_train=600, seed=0, sparsity=[0.05])
    document = json.loads(COMMITTED.read_text())
    ours = copy.deepcopy(document["data"]["runs"]["cel0/256"])
    results = {
        "sizes": [12],
        "sparsity": [0.05],
        "runs": {f"{p}/12": {**ours, "penalty": p, "size": 12} for p in bench.PENALTIES},
    }
    rows = bench.compare_authors(train, test, 12, 6, args, results, {"cel0": 0.3})
    row = rows["cel0/12"]
    assert row["lambda"] == 0.3 and 0 < row["learning_sparsity"] < 1
    assert {"gabor_fraction", "localized_fraction", "median_r2", "error"} <= set(row)
    results["authors"] = rows
    bench.write_results(results, name="authors")
    written = json.loads((tmp_path / "authors.json").read_text())
    assert written["values"]["authors_activity/cel0/12"]["value"] == row["learning_sparsity"]
    assert written["tables"]["authors"]["rows"][0][:2] == ["CEL0", 12]


def test_authors_only_refuses_a_file_of_other_settings(bench, monkeypatch, capsys):
    """``--authors-only JSON`` compares with our runs in JSON: other patches, data or
    sizes are refused before anything is learned."""
    argv = ["bench_v1.py", "--authors-only", str(COMMITTED), "--sizes", "8"]
    monkeypatch.setattr(sys, "argv", [*argv, "--patch", "12"])
    with pytest.raises(SystemExit):
        bench.main()
    assert "ran other settings" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", [*argv, "--sizes", "3"])
    with pytest.raises(SystemExit):
        bench.main()
    assert "no run of ours" in capsys.readouterr().err
