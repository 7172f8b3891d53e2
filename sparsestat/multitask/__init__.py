"""Deprecated home of source-task selection: use :mod:`sparsestat.task_selection`.

"multitask" also names the multitask regression models
(:mod:`sparsestat.linear_model`), a different problem; source-task selection
(the ν¹ strategy) moved to :mod:`sparsestat.task_selection`.  The old names
still work and warn.
"""

import importlib
import warnings

__all__ = []

_MOVED = ("TaskSelector",)


def __getattr__(name):
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"sparsestat.multitask.{name} moved to sparsestat.task_selection; import it from "
        "there (the old path will be removed).",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(importlib.import_module("sparsestat.task_selection"), name)
