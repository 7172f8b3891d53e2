"""Multitask learning: source-task selection for representation learning."""

from .task_selection import TaskSelector

__all__ = ["TaskSelector"]
