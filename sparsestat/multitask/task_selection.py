"""Deprecated: source-task selection lives in :mod:`sparsestat.task_selection`."""

import warnings

from ..task_selection import TaskSelector

__all__ = ["TaskSelector"]

warnings.warn(
    "sparsestat.multitask.task_selection moved to sparsestat.task_selection; import "
    "TaskSelector from there (the old path will be removed).",
    DeprecationWarning,
    stacklevel=2,
)
