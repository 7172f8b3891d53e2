"""The ``make demo`` tour: ``python -m sparsestat.demo --output DIR``.

Each step is a small module with a ``run(output_dir)`` function that fits or
evaluates part of the library on data that ships offline, prints its part of the
report and writes its figures into ``output_dir``.  Later parts of the library
add their step to ``STEPS``.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

STEPS = [
    ("Proximal operators of every penalty", "sparsestat.demo.proximal_operators"),
    ("Sparse regression on the diabetes data", "sparsestat.demo.sparse_regression"),
    ("Pruning a network to exactly k neurons (WGSEF)", "sparsestat.demo.network_pruning"),
    ("Multitask: shared supports and source-task selection", "sparsestat.demo.multitask"),
    ("Sparse coding of natural images beyond l1", "sparsestat.demo.sparse_coding"),
    ("DAG learning with CoLiDE on the Sachs data", "sparsestat.demo.dag"),
    ("Rows beyond memory: fits from dask sufficient statistics", "sparsestat.demo.scaling"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sparsestat.demo", description=__doc__)
    parser.add_argument("--output", default="demo_output", help="folder for the figures")
    args = parser.parse_args(argv)
    output_dir = Path(args.output)
    output_dir.mkdir(parents=True, exist_ok=True)

    import matplotlib

    matplotlib.use("Agg")

    from sparsestat import __version__

    print(f"sparsestat {__version__} — tour of the library")
    print(f"figures go to {output_dir.resolve()}\n")
    for number, (title, module_name) in enumerate(STEPS, start=1):
        print(f"[{number}/{len(STEPS)}] {title}")
        print("-" * (len(title) + 8))
        start = time.perf_counter()
        importlib.import_module(module_name).run(output_dir)
        print(f"({time.perf_counter() - start:.1f} s)\n")
    print("done.")
