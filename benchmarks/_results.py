"""One writer for every benchmark's machine-readable results.

Each script collects its printed tables into a :class:`Results` and calls
:meth:`Results.save`, which writes ``benchmarks/results/<name>.json`` with the
command line, the date, the git commit, the library versions and the machine
(CPU count, load average before and after the run).  The speed page
(``docs/speed.rst``) renders its tables and the numbers in its prose from these
files at docs-build time (``docs/_ext/bench_results.py``), so a number on that
page can only be one that a run wrote.

File format (one JSON object)::

    {"benchmark": "bench_prox",
     "meta": {"command": ..., "date": ..., "commit": ..., "versions": {...},
              "machine": {...}},
     "tables": {"<id>": {"title": ..., "columns": [...], "formats": [...],
                         "rows": [[...], ...], "note": ...}},
     "values": {"<id>": {"value": ..., "format": ...}},
     "data": {...}}

``data`` (optional) keeps a run's raw numbers, so that its tables can be
rebuilt without rerunning it (``bench_v1.py --tables-from``).

``formats`` holds one Python format spec per column (``""`` means ``str``);
a ``None`` cell prints as an em dash.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PACKAGES = (
    "sparsestat",
    "numpy",
    "scipy",
    "numba",
    "scikit-learn",
    "skglm",
    "celer",
    "pyproximal",
    "dagma",
)


def _git(*args):
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _git_commit():
    try:
        sha = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


def _versions():
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _load():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


class Results:
    """Tables and single values of one benchmark run, saved as JSON.

    Create it at the start of a run (it records the load average then), add the
    tables as they are printed, and call :meth:`save` at the end.
    """

    def __init__(self, name, argv=None, script=None):
        self.name = name
        if script is None:  # the running script, else the name
            script = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else name
        self.script = script
        self.argv = list(sys.argv[1:] if argv is None else argv)
        self.started = datetime.now(timezone.utc)
        self.load_start = _load()
        self.tables = {}
        self.values = {}
        self.data = {}
        self.meta_override = {}

    def table(self, key, columns, rows, *, title="", formats=None, note=""):
        """Record a table; ``rows`` is a list of lists, one cell per column."""
        columns = list(columns)
        formats = list(formats) if formats is not None else [""] * len(columns)
        if len(formats) != len(columns):
            raise ValueError(f"table {key!r}: {len(formats)} formats for {len(columns)} columns")
        rows = [[_plain(cell) for cell in row] for row in rows]
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"table {key!r}: row {row!r} has {len(row)} cells")
        self.tables[key] = {
            "title": title,
            "columns": columns,
            "formats": formats,
            "rows": rows,
            "note": note,
        }

    def value(self, key, value, fmt=""):
        """Record one number (or string) that the docs quote in prose."""
        self.values[key] = {"value": _plain(value), "format": fmt}

    def save(self, path=None):
        path = Path(path) if path is not None else RESULTS_DIR / f"{self.name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        finished = datetime.now(timezone.utc)
        document = {
            "benchmark": self.name,
            "meta": {
                "command": " ".join(["python", f"benchmarks/{self.script}.py", *self.argv]),
                "date": self.started.isoformat(timespec="seconds"),
                "seconds": round((finished - self.started).total_seconds(), 1),
                "commit": _git_commit(),
                "versions": _versions(),
                "machine": {
                    "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "load_start": self.load_start,
                    "load_end": _load(),
                },
            },
            "tables": self.tables,
            "values": self.values,
        }
        document["meta"].update(self.meta_override)
        if self.data:
            document["data"] = self.data
        path.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n")
        print(f"results written to {path}")
        return path


def _plain(cell):
    """JSON-safe scalar: numpy scalars to Python, non-finite floats to None."""
    if cell is None or isinstance(cell, (str, bool)):
        return cell
    if hasattr(cell, "item"):
        cell = cell.item()
    if isinstance(cell, float) and not (cell == cell and abs(cell) != float("inf")):
        return None
    return cell
