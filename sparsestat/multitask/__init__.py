"""Deprecated alias of :mod:`sparsestat.task_selection`.

Source-task selection moved to :mod:`sparsestat.task_selection` (the name
``multitask`` also meant the multitask regression estimators of
:mod:`sparsestat.linear_model`).  ``from sparsestat.multitask import
TaskSelector`` still works and warns; it will be removed in a later release.
"""

import warnings

__all__ = ["TaskSelector"]


def __getattr__(name):
    if name == "TaskSelector":
        warnings.warn(
            "sparsestat.multitask.TaskSelector moved to sparsestat.task_selection.TaskSelector; "
            "the sparsestat.multitask alias will be removed in a later release.",
            DeprecationWarning,
            stacklevel=2,
        )
        from ..task_selection import TaskSelector

        return TaskSelector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
