"""Render benchmark result files into the docs at build time.

``benchmarks/<script>.py`` writes ``benchmarks/results/<name>.json`` through
``benchmarks/_results.py``.  This extension reads those files, so that every
measured table and every number quoted in prose on the speed page and in the
user guide is one a run produced:

``.. bench-table:: <name> <table>``
    the table, followed by a line naming the command, the date, the commit and
    the machine load of the run.  Option ``:columns:`` (comma-separated column
    names) shows a subset.
``:bench:`<name>/<value>```
    one recorded value, formatted as the script asked.
``:bench-command:`<name>```
    the command line of the run, as literal text.
``:bench-date:`<name>```
    the date of the run (YYYY-MM-DD).

A missing file, table, column or value is a build error (the docs build runs
with ``-W``), and ``tests/test_bench_results.py`` resolves every reference in
the docs without building them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "results"
DOCS_DIR = Path(__file__).resolve().parents[1]

TABLE_RE = re.compile(r"^\s*\.\. bench-table::\s+(\S+)\s+(\S+)\s*$", re.M)
ROLE_RE = re.compile(r":bench(?:-(command|date))?:`([^`]+)`")


class BenchReferenceError(LookupError):
    """A docs reference names a result file, table, column or value that does not exist."""


@cache
def load(name):
    path = RESULTS_DIR / f"{name}.json"
    if not path.is_file():
        raise BenchReferenceError(f"no benchmark result file {path}")
    return json.loads(path.read_text())


def format_cell(cell, fmt):
    if cell is None:
        return "—"
    if fmt and isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return format(cell, fmt)
    return str(cell)


def get_table(name, key):
    document = load(name)
    try:
        return document["tables"][key]
    except KeyError:
        known = ", ".join(sorted(document["tables"]))
        raise BenchReferenceError(f"{name}.json has no table {key!r} (tables: {known})") from None


def table_cells(name, key, columns=None):
    """Header and formatted rows of one table, optionally a subset of its columns."""
    table = get_table(name, key)
    indices = list(range(len(table["columns"])))
    if columns:
        missing = [c for c in columns if c not in table["columns"]]
        if missing:
            raise BenchReferenceError(f"{name}.json table {key!r} has no column(s) {missing}")
        indices = [table["columns"].index(c) for c in columns]
    header = [table["columns"][i] for i in indices]
    rows = [[format_cell(row[i], table["formats"][i]) for i in indices] for row in table["rows"]]
    return header, rows


def get_value(reference):
    name, _, key = reference.partition("/")
    document = load(name)
    try:
        entry = document["values"][key]
    except KeyError:
        raise BenchReferenceError(f"{name}.json has no value {key!r}") from None
    return format_cell(entry["value"], entry["format"])


def provenance(name):
    """One sentence naming the run behind a table."""
    meta = load(name)["meta"]
    machine = meta["machine"]
    load_text = ""
    if machine.get("load_start") is not None:
        load_text = (
            f", load average {machine['load_start'][0]:.1f} at the start and "
            f"{machine['load_end'][0]:.1f} at the end"
        )
    duration = f", {meta['seconds']:.0f} s" if meta.get("seconds") else ""
    return (
        f"From ``benchmarks/results/{name}.json``: ``{meta['command']}`` on "
        f"{meta['date'][:10]}, commit {meta['commit']}, {machine['cpus']} CPUs"
        f"{load_text}{duration}."
    )


def references(text):
    """Every (kind, argument) that a docs source uses: tables and roles."""
    found = [("table", f"{a} {b}") for a, b in TABLE_RE.findall(text)]
    for kind, argument in ROLE_RE.findall(text):
        found.append((kind or "value", argument))
    return found


def resolve(kind, argument):
    """Resolve one reference as the build would; raises BenchReferenceError."""
    if kind == "table":
        name, key = argument.split()
        return table_cells(name, key)
    if kind == "value":
        return get_value(argument)
    meta = load(argument)["meta"]
    return meta["command"] if kind == "command" else meta["date"][:10]


# --------------------------------------------------------------------------- #
# Sphinx glue (imported only by the docs build)
# --------------------------------------------------------------------------- #
def setup(app):
    from docutils import nodes
    from docutils.parsers.rst import directives
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

    class BenchTable(SphinxDirective):
        required_arguments = 2
        option_spec = {"columns": directives.unchanged}

        def run(self):
            name, key = self.arguments
            columns = None
            if "columns" in self.options:
                columns = [c.strip() for c in self.options["columns"].split(",")]
            try:
                header, rows = table_cells(name, key, columns)
                table = get_table(name, key)
                source = provenance(name)
            except BenchReferenceError as error:
                raise self.error(str(error)) from None
            self.env.note_dependency(str(RESULTS_DIR / f"{name}.json"))
            lines = []
            if table["title"]:
                lines += [f".. list-table:: {table['title']}"]
            else:
                lines += [".. list-table::"]
            lines += ["   :header-rows: 1", ""]
            for row in [header, *rows]:
                lines.append(f"   * - {_escape(row[0])}")
                lines += [f"     - {_escape(cell)}" for cell in row[1:]]
            lines.append("")
            if table["note"]:
                lines += [table["note"], ""]
            lines += [source, ""]
            container = nodes.container(classes=["bench-table"])
            self.state.nested_parse(StringList(lines, source=name), self.content_offset, container)
            return [container]

    def make_role(kind):
        def role(name, rawtext, text, lineno, inliner, options=None, content=None):
            try:
                value = resolve(kind, text)
            except BenchReferenceError as error:
                message = inliner.reporter.error(str(error), line=lineno)
                return [inliner.problematic(rawtext, rawtext, message)], [message]
            if kind == "command":
                return [nodes.literal(rawtext, value)], []
            return [nodes.Text(value)], []

        return role

    app.add_directive("bench-table", BenchTable)
    app.add_role("bench", make_role("value"))
    app.add_role("bench-command", make_role("command"))
    app.add_role("bench-date", make_role("date"))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def _escape(cell):
    text = str(cell)
    return text if text.strip() else "\\ "
