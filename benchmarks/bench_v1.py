"""Beyond l1 sparse coding in V1 (Rentzeperis et al. 2023), reproduced with sparsestat.

Run with ``python benchmarks/bench_v1.py [--quick]``.

Learns dictionaries on whitened natural-image patches with the default learner
of :class:`sparsestat.decomposition.DictionaryLearning` for soft (l1), hard
(l0), half (l1/2) and CEL0 thresholding, at several dictionary sizes, then
measures the paper's three claims:

1. units needed for equal error: the dictionary size l1 needs to reach the
   error CEL0 has with the smallest size, at the same fraction of active units
   (the paper: about ten times more);
2. error ratio at equal size and sparsity, nonconvex / l1 (the paper: about
   five times lower error for the l0-type penalties);
3. V1-like units: the share of atoms a 2-D Gabor fits with R^2 >= 0.7, and how
   many of them are localised (envelope inside the patch).

Errors are measured on held-out patches, with codes computed to convergence
(``sparse_encode``, continuation coordinate descent) at the alpha whose codes
have the target fraction of active units (bisection).  With ``--authors`` the
learner of the authors' code (our port: ISTA at step 0.05 with their 1% batch
rule, one SGD step of 5e-3 per batch of 250) runs beside ours at the smallest
size, for CEL0 and l1, and the table compares times, Gabor fractions and errors.

Every learner runs with one BLAS thread (``--blas-threads``, set with
threadpoolctl): sparsestat's coding kernels use one core, and the authors'
numpy learner would otherwise use every core for its products.  A small fit
per penalty runs before the timed ones, so that the times are the learning
and not numba's first-fit compile or cache load (that cost is on the speed
page).  ``--authors-sizes N`` runs the authors' learner at the N smallest sizes.

With ``--paper-codes`` the errors are measured a second time with the codes
of the paper's own coding (ISTA from zero at step 0.05, stopped at 1 %
relative change of each batch of 250, at the alpha with the same fraction of
active units), and claim 1 is computed from both.

``--learning-alpha cel0=0.3`` learns a penalty at another alpha than
``LEARNING_ALPHA`` (another share of active units while learning; recorded in
the settings, so such a run merges only with runs of the same alphas).

``--anneal`` sets the learner's anneal (0: the authors' learning-rate schedule
throughout).  ``--merge A.json B.json --name N`` writes one results file from
runs of the same settings at different sizes (``--sizes 4 --name part``) or
with different penalties (``--penalties l1 half``), so that the largest
dictionaries can learn in parallel processes; a part alone writes its runs
but not the tables, which need every penalty at every size.  Each finished
run is also saved at once to ``results/<name>.partial.json`` (removed at the
end), so a run stopped midway keeps its finished runs for ``--merge``;
``--checkpoint DIR`` also keeps the learning itself: each learner is pickled
to ``DIR`` after every epoch, and the same command resumes it at that epoch
(the learning seconds are summed over the processes, whose number the run
records), so that a learner of several hours can span sessions.

Writes ``bench_output/v1_dictionaries.png``, ``bench_output/v1_error_vs_size.png``
and the numbers to ``benchmarks/results/bench_v1.json`` (``--name``: another file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pickle
import time
import warnings
from pathlib import Path

import numpy as np
from _results import RESULTS_DIR, Results

from sparsestat.datasets import load_image_patches
from sparsestat.decomposition import (
    DictionaryLearning,
    alpha_for_sparsity,
    fit_gabor,
    sparse_encode,
    summarize_receptive_fields,
)
from sparsestat.decomposition.sparse_coding import learning_codes
from sparsestat.penalties import make_penalty

PENALTIES = ("l1", "l0", "half", "cel0")
LABELS = {"l1": "soft (l1)", "l0": "hard (l0)", "half": "half (l1/2)", "cel0": "CEL0"}
# learning strengths: about 5 % active units in the learner's codes on 8x8 patches
# (the learning activity is printed for every run)
LEARNING_ALPHA = {"l1": 1.4, "l0": 0.15, "half": 0.5, "cel0": 0.8}
ROOT = Path(__file__).resolve().parent


def coding_penalty(name, alpha, atom_norms):
    """The penalty ``sparse_encode(penalty=name)`` uses (CEL0 takes the atoms' norms)."""
    if name == "cel0":
        return make_penalty(name, alpha=alpha, column_norms=atom_norms)
    return make_penalty(name, alpha=alpha)


def matched_alpha(X, D, penalty, target, low=1e-4, high=100.0, steps=22):
    """alpha (bisection in log scale) whose converged codes have ``target`` active units."""
    return alpha_for_sparsity(X, D, target, penalty=penalty, low=low, high=high, n_steps=steps)


def relative_error(X, D, penalty, alpha):
    codes = sparse_encode(X, D, penalty=penalty, alpha=alpha, max_iter=10_000)
    return float(np.sum((X - codes @ D) ** 2) / np.sum(X**2)), float(np.mean(codes != 0))


def paper_codes(X, D, penalty, alpha, batch=250):
    """The codes of the authors' coding: ISTA from zero at step 0.05, 1 % batch rule."""
    parts = [
        learning_codes(
            X[start : start + batch],
            D,
            penalty=penalty,
            alpha=alpha,
            q=None,
            positive=False,
            step=0.05,
            tol=1e-2,
            max_iter=5000,
        )[0]
        for start in range(0, X.shape[0], batch)
    ]
    return np.concatenate(parts)


def paper_error(X, D, penalty, target, low=1e-3, high=100.0, steps=22):
    """Relative error of :func:`paper_codes` at the alpha (bisection in log scale on the
    first 1000 signals) whose codes have ``target`` active units; (error, activity)."""
    for _ in range(steps):
        middle = math.sqrt(low * high)
        density = np.mean(paper_codes(X[:1000], D, penalty, middle) != 0)
        if density > target:
            low = middle
        else:
            high = middle
    codes = paper_codes(X, D, penalty, math.sqrt(low * high))
    return float(np.sum((X - codes @ D) ** 2) / np.sum(X**2)), float(np.mean(codes != 0))


def authors_learner(train, n_atoms, penalty, lam, n_batches, seed=0, activity=None, progress=0):
    """The dictionary learner of Rentzeperis et al.'s code (rentzi/sparseRegularizers), ported.

    ISTA from zero at step 0.05 (time-decayed as theirs), stopped at 1 % relative
    change of the batch; then one gradient step of 5e-3 (time-decayed) on Phi.
    ``lam`` is their lambda: soft threshold lam·step, hard threshold
    sqrt(lam·step) (our ``l0`` prox at ``alpha = lam / 2``), CEL0 prox with lam.
    ``activity``: a list that receives each batch's share of non-zero codes (the
    learning activity, as ``DictionaryLearning.sparsity_`` records ours);
    ``progress``: print it every ``progress`` batches (hour-long runs).
    """
    rng = np.random.default_rng(seed)
    lr_r, lr_phi = 0.05, 5e-3
    phi = rng.standard_normal((train.shape[1], n_atoms)) * np.sqrt(1.0 / n_atoms)
    if penalty not in ("l1", "l0", "cel0"):
        raise ValueError(f"the authors' learner port has l1, l0 and cel0, not {penalty!r}")
    pen = coding_penalty(penalty, lam / 2 if penalty == "l0" else lam, np.ones(n_atoms))
    for iteration in range(n_batches):
        batch = train[rng.integers(0, train.shape[0], 250)]
        phi /= np.maximum(np.linalg.norm(phi, axis=0, keepdims=True), 1e-8)
        r = np.zeros((batch.shape[0], n_atoms))
        previous = r
        for t in range(5000):
            step = lr_r / (1.0 + lr_r / 50.0 * t)
            moved = r + step * ((batch - r @ phi.T) @ phi)
            if penalty == "cel0":  # their CEL0 threshold keeps the undecayed step
                r = pen.prox(moved, lr_r, check_input=False)
            else:
                r = pen.prox(moved, step, check_input=False)
            if np.linalg.norm(r - previous) / (1e-2 + np.linalg.norm(previous)) < 1e-2:
                break
            previous = r
        if activity is not None:
            activity.append(float(np.mean(r != 0)))
            if progress and (iteration + 1) % progress == 0:
                recent = np.mean(activity[-progress:])
                print(f"    batch {iteration + 1}/{n_batches}, activity {recent:.4f}", flush=True)
        error = batch - r @ phi.T
        phi += lr_phi / (1.0 + lr_phi / 50.0 * iteration) * (error.T @ r)
    phi /= np.maximum(np.linalg.norm(phi, axis=0, keepdims=True), 1e-8)
    return phi.T.copy()


def gabor_summary(D, patch):
    return summarize_receptive_fields(fit_gabor(D, (patch, patch)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8x8 patches, 1x and 2x, 2 epochs")
    parser.add_argument("--patch", type=int, default=16)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--n-train", type=int, default=40_000)
    # 40,000 x 25 = 10^6 patch presentations, the authors' 4,000 batches of 250
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--sparsity", type=float, nargs="+", default=[0.03, 0.05, 0.08])
    parser.add_argument("--authors", action="store_true", help="also run the authors' learner")
    parser.add_argument(
        "--authors-sizes", type=int, default=1, help="the authors' learner at the N smallest sizes"
    )
    parser.add_argument(
        "--authors-only",
        metavar="JSON",
        help="learn only with the authors' learner, at --sizes, for the --penalties its port "
        "has (l1, l0, cel0; lambda: the learning alpha), against our runs in JSON",
    )
    parser.add_argument(
        "--paper-codes",
        action="store_true",
        help="also measure the errors with the paper's coding (ISTA, early stop)",
    )
    parser.add_argument(
        "--penalties",
        nargs="+",
        choices=PENALTIES,
        default=list(PENALTIES),
        help="learn only these (a part of a run, for --merge)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--name", default="bench_v1", help="the results file: benchmarks/results/<name>.json"
    )
    parser.add_argument("--output", default="bench_output")
    parser.add_argument(
        "--anneal",
        type=float,
        default=None,
        help="DictionaryLearning's anneal (default: the library's; 0: the authors' schedule)",
    )
    parser.add_argument(
        "--tables-from", metavar="JSON", help="only rebuild the tables of an earlier run's file"
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        metavar="JSON",
        help="write one results file (--name) from runs of the same settings at other sizes "
        "(e.g. the sizes run in parallel processes)",
    )
    parser.add_argument(
        "--note",
        help="with --merge: a sentence kept in the merged file's meta (e.g. a known pause "
        "that the parts' learning seconds include)",
    )
    parser.add_argument(
        "--learning-alpha",
        nargs="+",
        default=[],
        metavar="PENALTY=ALPHA",
        help="the learners' alpha for these penalties instead of LEARNING_ALPHA "
        "(e.g. cel0=0.3: another share of active units while learning)",
    )
    parser.add_argument(
        "--checkpoint",
        metavar="DIR",
        help="pickle each learner to DIR after every epoch and resume from there "
        "(learnings longer than a session)",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for every learner (0: the library's default); ours code on one core",
    )
    args = parser.parse_args()
    penalties = [p for p in PENALTIES if p in args.penalties]
    learning_alpha = dict(LEARNING_ALPHA)
    overrides = {}
    for item in args.learning_alpha:
        penalty, _, value = item.partition("=")
        try:
            overrides[penalty] = float(value)
        except ValueError:
            parser.error(f"--learning-alpha: {item!r} is not PENALTY=ALPHA")
        if penalty not in PENALTIES or not overrides[penalty] > 0:
            parser.error(f"--learning-alpha: {item!r} needs one of {PENALTIES} and an alpha > 0")
    learning_alpha.update(overrides)
    if args.authors and not {"l1", "cel0"} <= set(penalties):
        parser.error("--authors compares with our l1 and CEL0 runs: keep both in --penalties")
    if args.tables_from:
        rebuild(args.tables_from)
        return
    ours = None
    if args.authors_only:  # checked before anything is learned
        ours = json.loads(Path(args.authors_only).read_text())["data"]
        wanted = {"patch": args.patch, "n_train": args.n_train, "epochs": args.epochs}
        wanted["seed"] = args.seed
        differ = {k: (ours["settings"].get(k), v) for k, v in wanted.items()}
        differ = {k: pair for k, pair in differ.items() if pair[0] != pair[1]}
        if differ:
            parser.error(f"--authors-only: {args.authors_only} ran other settings: {differ}")
        n_features = args.patch * args.patch
        missing = [
            f"{p}/{round(s * n_features)}"
            for s in args.sizes
            for p in penalties
            if f"{p}/{round(s * n_features)}" not in ours["runs"]
        ]
        if missing or not {"l1", "l0", "cel0"} & set(penalties):
            parser.error(f"--authors-only: no run of ours to compare with: {missing or penalties}")
    if args.note and not args.merge:
        parser.error("--note goes with --merge")
    if args.merge:
        merge(args.merge, args.name, note=args.note)
        return
    out = Results(args.name)  # now: it records the start time and load of the run
    if args.blas_threads > 0:  # the same single core for both learners, numpy's BLAS included
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.blas_threads, user_api="blas")  # kept until exit
        print(f"BLAS threads: {args.blas_threads}")
    if args.quick:
        args.patch, args.sizes, args.n_train, args.epochs = 8, [1, 2], 8000, 2
    warnings.simplefilter("ignore")
    patch = args.patch
    n_features = patch * patch
    sizes = [int(round(s * n_features)) for s in args.sizes]
    train = load_image_patches(patch, args.n_train, random_state=args.seed)
    test = load_image_patches(patch, 4000, random_state=args.seed + 1)
    print(
        f"whitened {patch}x{patch} patches of scikit-learn's sample images: "
        f"{args.n_train} to learn ({args.epochs} epochs, batches of 256), 4000 to test; "
        f"sizes {sizes}"
    )
    partial = RESULTS_DIR / f"{args.name}.partial.json"
    if ours is not None:  # the authors' learner only, against our runs of another file
        results = {**ours, "authors": {}, "ours_from": Path(args.authors_only).name}
        results["blas_threads"] = args.blas_threads
        for size in sizes:
            lambdas = {p: learning_alpha[p] for p in penalties if p in ("l1", "l0", "cel0")}
            results["authors"].update(
                compare_authors(train, test, size, patch, args, results, lambdas)
            )
            write_results(results, out=out, path=partial)
        write_results(results, out=out)
        partial.unlink(missing_ok=True)
        return
    anneal = DictionaryLearning().anneal if args.anneal is None else args.anneal
    results = {"sizes": sizes, "sparsity": args.sparsity, "runs": {}}
    results["blas_threads"] = args.blas_threads
    results["settings"] = {
        "patch": patch,
        "n_train": args.n_train,
        "epochs": args.epochs,
        "anneal": anneal,
        "seed": args.seed,
        "paper_codes": bool(args.paper_codes),
    }
    if overrides:  # recorded only when set, so that earlier parts still merge
        results["settings"]["learning_alpha"] = overrides
    dictionaries = {}
    # numba's compiled kernels are loaded (or, after an install or an edit, compiled)
    # by the first fit of the process: a small fit per penalty first, so that the
    # times below are the learning itself (the first-fit cost is on the speed page)
    for penalty in penalties:
        DictionaryLearning(
            8, penalty=penalty, alpha=learning_alpha[penalty], n_epochs=1, random_state=0
        ).fit(train[:300])
    for size in sizes:
        for penalty in penalties:
            model = DictionaryLearning(
                size,
                penalty=penalty,
                alpha=learning_alpha[penalty],
                n_epochs=args.epochs,
                anneal=anneal,
                random_state=args.seed,
            )
            if args.checkpoint:
                key = {**results["settings"], "penalty": penalty, "size": size}
                model, seconds, processes = learn_with_checkpoints(
                    model, train, Path(args.checkpoint) / f"{args.name}_{penalty}_{size}.pkl", key
                )
            else:
                start = time.perf_counter()
                model.fit(train)
                seconds, processes = time.perf_counter() - start, 1
            D = model.components_
            dictionaries[(penalty, size)] = D
            summary = gabor_summary(D, patch)
            errors = {}
            paper_errors = {}
            for target in args.sparsity:
                alpha = matched_alpha(test[:1000], D, penalty, target)
                errors[target] = relative_error(test, D, penalty, alpha)
                if args.paper_codes:
                    paper_errors[target] = paper_error(test, D, penalty, target)
            results["runs"][f"{penalty}/{size}"] = {
                "penalty": penalty,
                "size": size,
                "seconds": seconds,
                "learning_processes": processes,
                "learning_sparsity": model.sparsity_[-1],
                "gabor_fraction": summary["gabor_fraction"],
                "localized_fraction": summary["localized_fraction"],
                "median_r2": summary["median_r2"],
                "errors": {str(t): e for t, e in errors.items()},
            }
            if paper_errors:
                results["runs"][f"{penalty}/{size}"]["paper_errors"] = {
                    str(t): e for t, e in paper_errors.items()
                }
            print(
                f"  {LABELS[penalty]:<12} {size:>5} atoms  {seconds:7.1f} s  "
                f"learning activity {model.sparsity_[-1]:.3f}  Gabor-like "
                f"{summary['gabor_fraction']:.2f} (localised {summary['localized_fraction']:.2f})"
                + "".join(f"  err@{t:.0%} {e[0]:.4f}" for t, e in errors.items())
                + "".join(
                    f"  paper codes err@{t:.0%} {e[0]:.4f} ({e[1]:.3f})"
                    for t, e in paper_errors.items()
                ),
                flush=True,
            )
            # every finished run is saved at once, as a part, beside the results
            # file: an hour-long run stopped midway keeps what it learned (--merge)
            write_results(results, out=out, path=partial)
    if penalties != list(PENALTIES):  # a part: the tables wait for --merge
        write_results(results, out=out)
        partial.unlink(missing_ok=True)
        remove_checkpoints(args, penalties, sizes)
        return
    report(results, sizes, args.sparsity)
    if args.authors:
        results["authors"] = {}
        for size in sizes[: args.authors_sizes]:
            lambdas = {p: learning_alpha[p] for p in ("cel0", "l1")}
            results["authors"].update(
                compare_authors(train, test, size, patch, args, results, lambdas)
            )
    figures(dictionaries, results, sizes, patch, Path(args.output))
    write_results(results, out=out)
    partial.unlink(missing_ok=True)
    remove_checkpoints(args, penalties, sizes)


def learn_with_checkpoints(model, train, path, key):
    """``model.fit(train)``, resumable: the model is pickled to ``path`` after every
    epoch, and a later process with the same settings resumes from there.

    The resumed fit gives the atoms of an uninterrupted one bit for bit (the
    pickle holds the batch-order generator, the epoch and the schedule's step
    count; tests/decomposition/test_dictionary_learning.py).  Returns the model,
    the learning seconds summed over the processes, and their number.
    """
    digest = hashlib.sha256(np.ascontiguousarray(train).tobytes()).hexdigest()
    if path.exists():
        with path.open("rb") as handle:
            state = pickle.load(handle)
        if state["key"] != key or state["data"] != digest:
            raise SystemExit(
                f"{path} was learned with other settings or data ({state['key']}); "
                "remove it or pass another --checkpoint folder"
            )
        model, seconds, processes = state["model"], state["seconds"], state["processes"] + 1
        print(f"  resumed {path.name} after epoch {model._fit_epoch} ({seconds:.0f} s so far)")
    else:
        seconds, processes = 0.0, 1
        model._start_fit(train)
    path.parent.mkdir(parents=True, exist_ok=True)
    while model._fit_epoch < model.n_epochs:
        start = time.perf_counter()
        model._fit_epochs(train, 1)
        seconds += time.perf_counter() - start
        state = {"key": key, "data": digest, "model": model, "seconds": seconds}
        state["processes"] = processes
        scratch = path.with_suffix(".tmp")
        with scratch.open("wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch, path)  # a process killed while writing keeps the last epoch
        print(
            f"  {path.name}: epoch {model._fit_epoch}/{model.n_epochs}, {seconds:.0f} s so far",
            flush=True,
        )
    return model._end_fit(), seconds, processes


def remove_checkpoints(args, penalties, sizes):
    """The process wrote its results: its learners' checkpoints are spent."""
    if args.checkpoint:
        for penalty in penalties:
            for size in sizes:
                (Path(args.checkpoint) / f"{args.name}_{penalty}_{size}.pkl").unlink(
                    missing_ok=True
                )


def error_at(results, penalty, size, target):
    return results["runs"][f"{penalty}/{size}"]["errors"][str(target)][0]


def run_values(out, results, penalty, size, target):
    """The values the docs quote of one learned dictionary (whole run or part)."""
    run, key = results["runs"][f"{penalty}/{size}"], f"{penalty}/{size}"
    out.value(f"gabor/{key}", run["gabor_fraction"], ".2f")
    out.value(f"localized/{key}", run["localized_fraction"], ".2f")
    out.value(f"error/{key}", error_at(results, penalty, size, target), ".4f")
    out.value(f"learning_activity/{key}", run["learning_sparsity"], ".1%")
    out.value(f"learning_seconds/{key}", run["seconds"], ",.0f")


def report(results, sizes, targets):
    print("\n1. relative error on held-out patches at a fixed fraction of active units")
    print(f"  {'activity':>9} {'penalty':<12}" + "".join(f"{s:>9}" for s in sizes))
    for target in targets:
        for penalty in PENALTIES:
            row = "".join(f"{error_at(results, penalty, s, target):>9.4f}" for s in sizes)
            print(f"  {target:>9.0%} {LABELS[penalty]:<12}{row}")
    print("\n2. error ratio to l1 at the same size and activity (the paper: about 1/5)")
    for target in targets:
        for penalty in PENALTIES[1:]:
            ratios = [
                error_at(results, penalty, s, target) / error_at(results, "l1", s, target)
                for s in sizes
            ]
            print(
                f"  {target:>9.0%} {LABELS[penalty]:<12}" + "".join(f"{r:>9.2f}" for r in ratios)
            )
    print("\n3. units l1 needs to reach CEL0's error at the smallest size (the paper: ~10x)")
    results["units_ratio"] = {}
    for target in targets:
        goal = error_at(results, "cel0", sizes[0], target)
        l1 = [error_at(results, "l1", s, target) for s in sizes]
        needed = units_needed(sizes, l1, goal)
        text = (
            f"{needed / sizes[0]:.1f}x ({needed:.0f} units)"
            if needed is not None
            else f"more than {sizes[-1] / sizes[0]:.0f}x (l1 at {sizes[-1]}: {l1[-1]:.4f})"
        )
        results["units_ratio"][str(target)] = None if needed is None else needed / sizes[0]
        print(f"  {target:>9.0%}: CEL0 {goal:.4f} at {sizes[0]} units; l1 needs {text}")
        for base in sizes[1:-1]:  # the same at CEL0's larger sizes (the tables' "units" rows)
            goal = error_at(results, "cel0", base, target)
            print(
                f"  {'':>9}  CEL0 {goal:.4f} at {base} units; "
                f"l1 needs {units_ratio_text(sizes, l1, goal, base=base)}"
            )
    print("\n4. share of Gabor-like atoms (R^2 >= 0.7), localised in brackets")
    for penalty in PENALTIES:
        cells = [results["runs"][f"{penalty}/{s}"] for s in sizes]
        print(
            f"  {LABELS[penalty]:<12}"
            + "".join(
                f"  {c['gabor_fraction']:.2f} ({c['localized_fraction']:.2f})" for c in cells
            )
        )


def units_ratio_text(sizes, errors, goal, base=None):
    """Claim 1 as the tables write it: the units ℓ1 needs, × CEL0's (``base``, the smallest size
    by default)."""
    base = sizes[0] if base is None else base
    needed = units_needed(sizes, errors, goal)
    if needed is None:
        return f"> {sizes[-1] / base:.0f}×"
    return f"{needed / base:.1f}×"


def units_needed(sizes, errors, goal):
    """Smallest size (log-log interpolation of the error curve) with error <= goal."""
    if errors[0] <= goal:
        return float(sizes[0])
    for (s0, e0), (s1, e1) in zip(
        zip(sizes, errors, strict=True), zip(sizes[1:], errors[1:], strict=True), strict=False
    ):
        if e1 <= goal:
            fraction = (math.log(goal) - math.log(e0)) / (math.log(e1) - math.log(e0))
            return float(math.exp(math.log(s0) + fraction * (math.log(s1) - math.log(s0))))
    return None


def compare_authors(train, test, size, patch, args, results, lambdas):
    """The authors' learner (our port) at ``size`` atoms for each penalty of
    ``lambdas`` (penalty -> their lambda), against our run of the same size and
    penalty in ``results["runs"]``: time, learning activity, Gabor fit, error."""
    n_batches = args.epochs * math.ceil(args.n_train / 256)
    print(f"\n5. the authors' learner (our port) at {size} atoms, {n_batches} batches of 250")
    rows = {}
    for penalty, lam in lambdas.items():
        start = time.perf_counter()
        activity = []
        D = authors_learner(
            train, size, penalty, lam, n_batches, seed=args.seed, activity=activity, progress=250
        )
        seconds = time.perf_counter() - start
        summary = gabor_summary(D, patch)
        target = 0.05 if 0.05 in args.sparsity else args.sparsity[0]
        alpha = matched_alpha(test[:1000], D, penalty, target)
        error = relative_error(test, D, penalty, alpha)[0]
        ours = results["runs"][f"{penalty}/{size}"]
        rows[f"{penalty}/{size}"] = {
            "penalty": penalty,
            "size": size,
            "lambda": lam,
            "seconds": seconds,
            # the mean share of non-zero codes over the last 100 batches
            "learning_sparsity": float(np.mean(activity[-100:])),
            "gabor_fraction": summary["gabor_fraction"],
            "localized_fraction": summary["localized_fraction"],
            "median_r2": summary["median_r2"],
            "error": error,
            "ours_seconds": ours["seconds"],
        }
        print(
            f"  {LABELS[penalty]:<12} authors (lambda {lam:g}) {seconds:7.1f} s, learning "
            f"activity {rows[f'{penalty}/{size}']['learning_sparsity']:.3f}, Gabor-like "
            f"{summary['gabor_fraction']:.2f} (localised {summary['localized_fraction']:.2f}), "
            f"err@{target:.0%} {error:.4f} | sparsestat {ours['seconds']:7.1f} s "
            f"({ours['seconds'] / seconds:.2f}x), Gabor-like {ours['gabor_fraction']:.2f}, "
            f"err@{target:.0%} {ours['errors'][str(target)][0]:.4f}",
            flush=True,
        )
    return rows


def figures(dictionaries, results, sizes, patch, output):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no figures")
        return
    from sparsestat.plotting import plot_dictionary

    output.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(1, len(PENALTIES), figsize=(4 * len(PENALTIES), 4.4))
    for axis, penalty in zip(axes, PENALTIES, strict=True):
        D = dictionaries[(penalty, sizes[0])]
        fraction = results["runs"][f"{penalty}/{sizes[0]}"]["gabor_fraction"]
        plot_dictionary(
            D[:100], (patch, patch), ax=axis, title=f"{LABELS[penalty]}: {fraction:.0%}"
        )
    figure.savefig(output / "v1_dictionaries.png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    figure, axis = plt.subplots(figsize=(6, 4))
    target = results["sparsity"][len(results["sparsity"]) // 2]
    for penalty in PENALTIES:
        axis.loglog(
            sizes,
            [error_at(results, penalty, s, target) for s in sizes],
            marker="o",
            label=LABELS[penalty],
        )
    axis.set_xlabel("dictionary size (units)")
    axis.set_ylabel(f"relative error at {target:.0%} active units")
    axis.grid(alpha=0.3, which="both")
    axis.legend()
    figure.savefig(output / "v1_error_vs_size.png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    print(f"figures in {output}/")


def write_results(results, meta=None, out=None, name="bench_v1", path=None):
    """Save the run's tables (and its raw numbers, to rebuild them) via ``_results``.

    ``out``: the run's ``Results``, created when it started; a new one when
    rebuilding the tables of an earlier run (its ``meta`` replaces the new one's).
    ``path``: another file than ``results/<name>.json`` (a run's partial save).
    """
    out = Results(name) if out is None else out
    out.tables, out.values = {}, {}  # a run saves after each learner: the last save wins
    if meta is not None:  # rebuilding the tables of an earlier run
        out.meta_override = meta
    runs = results["runs"]
    part = any(f"{p}/{s}" not in runs for p in PENALTIES for s in results["sizes"])
    if part:  # a part of a run (--penalties, or one stopped midway): the sizes it finished
        results = {**results, "sizes": sorted({r["size"] for r in runs.values()})}
    out.data = {
        key: results[key]
        for key in (
            "sizes",
            "sparsity",
            "runs",
            "authors",
            "ours_from",
            "blas_threads",
            "settings",
        )
        if key in results
    }
    if "blas_threads" in results:
        out.value("blas_threads", results["blas_threads"], "d")
    sizes, targets = results["sizes"], results["sparsity"]
    size_columns = [f"{s} atoms" for s in sizes]
    if part:  # its runs only, the tables after --merge
        out.table(
            "part",
            ["penalty", "atoms", "learning (s)", "Gabor-like", f"error at {targets[0]:.0%}"],
            [
                [
                    LABELS[r["penalty"]],
                    r["size"],
                    r["seconds"],
                    r["gabor_fraction"],
                    r["errors"][str(targets[0])][0],
                ]
                for r in runs.values()
            ],
            title="A part of a run: merge the parts with --merge for the tables",
            formats=["", "d", ".1f", ".2f", ".4f"],
        )
        for r in runs.values():  # what the docs may quote of a part that is never merged
            run_values(out, results, r["penalty"], r["size"], targets[0])
        out.save(path)
        return
    out.table(
        "gabor",
        ["penalty", *size_columns],
        [
            [
                LABELS[p],
                *[
                    f"{runs[f'{p}/{s}']['gabor_fraction']:.2f} "
                    f"({runs[f'{p}/{s}']['localized_fraction']:.2f})"
                    for s in sizes
                ],
            ]
            for p in PENALTIES
        ],
        title="Share of atoms a Gabor fits with R² ≥ 0.7 (localised share in brackets)",
    )
    rows, ratio_rows = [], []
    for target in targets:
        for p in PENALTIES:
            errors = [error_at(results, p, s, target) for s in sizes]
            rows.append([target, LABELS[p], *errors])
            if p != "l1":
                l1 = [error_at(results, "l1", s, target) for s in sizes]
                ratio_rows.append(
                    [target, LABELS[p], *[e / b for e, b in zip(errors, l1, strict=True)]]
                )
    out.table(
        "errors",
        ["active units", "penalty", *size_columns],
        rows,
        title="Relative error on 4,000 held-out patches at a fixed fraction of active units",
        formats=[".0%", "", *[".4f"] * len(sizes)],
    )
    out.table(
        "error_ratio",
        ["active units", "penalty", *size_columns],
        ratio_rows,
        title="Error ratio to ℓ1 at the same size and activity (the paper: about 1/5)",
        formats=[".0%", "", *[".2f"] * len(sizes)],
    )
    for s in sizes:
        ratios = [r[2 + sizes.index(s)] for r in ratio_rows if r[0] == targets[0]]
        out.value(f"error_ratio_min/{s}", min(ratios), ".2f")
        out.value(f"error_ratio_max/{s}", max(ratios), ".2f")
        fractions = [runs[f"{p}/{s}"]["gabor_fraction"] for p in PENALTIES]
        out.value(f"gabor_min/{s}", min(fractions), ".2f")
        for p in PENALTIES:
            run_values(out, results, p, s, targets[0])
    paper = all("paper_errors" in run for run in runs.values())
    unit_rows = []
    for kind in ("converged", "paper") if paper else ("converged",):
        for target in targets:

            def error(p, s, target=target, kind=kind):
                if kind == "paper":
                    return runs[f"{p}/{s}"]["paper_errors"][str(target)][0]
                return error_at(results, p, s, target)

            codes = "to convergence" if kind == "converged" else "the paper's ISTA, early stop"
            suffix = "" if kind == "converged" else "_paper"
            l1 = [error("l1", s) for s in sizes]
            # CEL0's error at every size but the largest (where no larger l1 can match it):
            # does the ratio grow with the dictionary, towards the paper's tenfold?
            for base in sizes[:-1] if len(sizes) > 1 else sizes:
                goal = error("cel0", base)
                text = units_ratio_text(sizes, l1, goal, base=base)
                unit_rows.append([codes, target, goal, base, text])
                out.value(f"units_ratio{suffix}/{target:g}/{base}", text)
                if base == sizes[0]:
                    out.value(f"units_ratio{suffix}/{target:g}", text)
    out.table(
        "units",
        [
            "codes",
            "active units",
            "CEL0 error",
            "at units",
            "units ℓ1 needs for that error (× CEL0's)",
        ],
        unit_rows,
        title="Units ℓ1 needs to match CEL0 (the paper: about 10×)",
        formats=["", ".0%", ".4f", "d", ""],
    )
    if paper:
        paper_rows = []
        for target in targets:
            for p in PENALTIES:
                cells = [runs[f"{p}/{s}"]["paper_errors"][str(target)] for s in sizes]
                l1 = [runs[f"l1/{s}"]["paper_errors"][str(target)][0] for s in sizes]
                paper_rows.append(
                    [
                        target,
                        LABELS[p],
                        *[f"{c[0]:.4f} ({c[0] / b:.2f})" for c, b in zip(cells, l1, strict=True)],
                    ]
                )
        out.table(
            "errors_paper",
            ["active units", "penalty", *size_columns],
            paper_rows,
            title=(
                "Relative error with the paper's coding (ISTA from zero, step 0.05, 1 % batch "
                "rule) on the same held-out patches; ratio to ℓ1 in brackets"
            ),
            formats=[".0%", "", *[""] * len(sizes)],
        )
    out.table(
        "learning_time",
        ["penalty", *size_columns],
        [[LABELS[p], *[runs[f"{p}/{s}"]["seconds"] for s in sizes]] for p in PENALTIES],
        title="Learning time (s)",
        formats=["", *[".1f"] * len(sizes)],
    )
    if "authors" in results:
        target = 0.05 if 0.05 in targets else targets[0]
        author_rows = []
        for key, row in results["authors"].items():
            p = row.get("penalty", key)  # the first format: one size, keyed by penalty
            size = row.get("size", sizes[0])
            ours = runs[f"{p}/{size}"]
            ratio = row["ours_seconds"] / row["seconds"]
            out.value(f"authors_time_ratio/{p}/{size}", ratio, ".2f")
            out.value(f"authors_gabor/{p}/{size}", row["gabor_fraction"], ".2f")
            out.value(f"authors_seconds/{p}/{size}", row["seconds"], ",.0f")
            if "learning_sparsity" in row:  # recorded since the runs at 8x (2026-12-04)
                out.value(f"authors_activity/{p}/{size}", row["learning_sparsity"], ".1%")
                out.value(f"authors_localized/{p}/{size}", row["localized_fraction"], ".2f")
                out.value(f"authors_median_r2/{p}/{size}", row["median_r2"], ".2f")
                out.value(f"authors_error/{p}/{size}", row["error"], ".4f")
            if size == sizes[0]:
                out.value(f"authors_time_ratio/{p}", ratio, ".2f")
                out.value(f"authors_gabor/{p}", row["gabor_fraction"], ".2f")
            author_rows.append(
                [
                    LABELS[p],
                    size,
                    row["seconds"],
                    row["ours_seconds"],
                    ratio,
                    row["gabor_fraction"],
                    ours["gabor_fraction"],
                    row["error"],
                    ours["errors"][str(target)][0],
                ]
            )
        # claim 1 for the authors' learner itself, where it ran at two sizes or more:
        # the units its l1 needs for its CEL0's error at the smallest size
        authors = results["authors"]
        l1_sizes = sorted(r["size"] for r in authors.values() if r.get("penalty") == "l1")
        base = f"cel0/{l1_sizes[0]}" if l1_sizes else None
        if len(l1_sizes) >= 2 and base in authors:
            errors = [authors[f"l1/{s}"]["error"] for s in l1_sizes]
            text = units_ratio_text(l1_sizes, errors, authors[base]["error"])
            out.value(f"authors_units_ratio/{target:g}", text)
        out.table(
            "authors",
            [
                "penalty",
                "atoms",
                "authors' learner (s)",
                "sparsestat (s)",
                "time ratio",
                "Gabor-like, authors'",
                "Gabor-like, sparsestat",
                f"error at {target:.0%}, authors'",
                f"error at {target:.0%}, sparsestat",
            ],
            author_rows,
            title="The authors' learner (our port) and ours, same batches",
            formats=["", "d", ".1f", ".1f", ".2f", ".2f", ".2f", ".4f", ".4f"],
        )
    out.save(path)


def rebuild(path):
    """Rewrite the tables of an earlier run from the raw numbers in its result file."""
    document = json.loads(Path(path).read_text())
    raw = document.get("data", document)  # the first format kept the raw numbers at the top
    old = document["meta"]
    meta = {
        "command": old["command"],
        "date": old["date"],
        "seconds": old.get("seconds"),
        "commit": old.get("commit", "not recorded"),
    }
    if isinstance(old.get("machine"), dict):
        meta["machine"] = old["machine"]
    else:  # the first format: same machine, no load recorded
        meta["machine"] = {"cpus": os.cpu_count(), "load_start": None, "load_end": None}
    for key in ("note", "merged_from"):  # kept as they were
        if key in old:
            meta[key] = old[key]
    if "versions" in old:
        meta["versions"] = old["versions"]
    else:
        meta["versions"] = {k: old[k] for k in ("sparsestat", "numpy", "python") if k in old}
    write_results(dict(raw), meta=meta, name=document.get("benchmark", "bench_v1"))


def merge(paths, name, note=None):
    """One results file from runs of the same settings at different sizes or penalties.

    Large dictionaries take an hour per penalty; their sizes and penalties can
    run in parallel processes (``--sizes 4 --name part``, ``--penalties l1
    half``) and be merged here, so the claim-1 interpolation sees every size.
    Every penalty must have run at every size, once.  The parts' own metadata
    (command, date, time, commit, load) is kept under ``merged_from``; a part
    that is itself a merged file brings its own parts.  ``note``: a sentence
    for ``meta["note"]`` (what the parts' numbers do not say themselves); a
    merged file's own note is kept before it.
    """
    documents = [json.loads(Path(path).read_text()) for path in paths]
    raws = [document["data"] for document in documents]
    settings = [raw.get("settings") for raw in raws]
    if any(setting is None for setting in settings):
        raise SystemExit("--merge: a file has no recorded settings (a run before --merge existed)")
    if any(setting != settings[0] for setting in settings):
        raise SystemExit(f"--merge: the runs' settings differ: {settings}")
    if any(raw["sparsity"] != raws[0]["sparsity"] for raw in raws):
        raise SystemExit("--merge: the runs measured different activities (--sparsity)")
    if any(raw.get("blas_threads") != raws[0].get("blas_threads") for raw in raws):
        raise SystemExit("--merge: the runs' learning times used different BLAS threads")
    keys = [key for raw in raws for key in raw["runs"]]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise SystemExit(f"--merge: a run is in two files: {twice}")
    sizes = sorted({size for raw in raws for size in raw["sizes"]})
    missing = [f"{p}/{s}" for s in sizes for p in PENALTIES if f"{p}/{s}" not in keys]
    if missing:
        raise SystemExit(f"--merge: no file has the runs {missing}")
    merged = {
        "sizes": sizes,
        "sparsity": raws[0]["sparsity"],
        "runs": {key: run for raw in raws for key, run in raw["runs"].items()},
        "settings": settings[0],
        "blas_threads": raws[0].get("blas_threads"),
    }
    authors = {key: row for raw in raws for key, row in raw.get("authors", {}).items()}
    if authors:
        merged["authors"] = authors
    parts = []  # a merged file's own parts, so that merging again keeps every command
    for document in documents:
        parts.extend(
            document["meta"].get("merged_from")
            or [
                {
                    key: document["meta"].get(key)
                    for key in ("command", "date", "seconds", "commit", "machine")
                }
            ]
        )
    meta = {
        "date": min(part["date"] for part in parts),
        "seconds": round(sum(part["seconds"] or 0.0 for part in parts), 1),
        "commit": " ".join(dict.fromkeys(part["commit"] for part in parts)),
        "merged_from": parts,
    }
    notes = [document["meta"]["note"] for document in documents if document["meta"].get("note")]
    if note:
        notes.append(note)
    if notes:
        meta["note"] = " ".join(notes)
    write_results(merged, meta=meta, name=name)


if __name__ == "__main__":
    main()
