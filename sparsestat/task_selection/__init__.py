"""Source-task selection for multitask representation learning.

:class:`TaskSelector` spends a budget of source samples over source tasks in
proportion to their estimated relevance to a target task (the ν¹ strategy of
Wang, Chen, Jamieson and Du, with the ν² and uniform strategies for
comparison).  Not to be confused with the multitask *regression* estimators
(:class:`~sparsestat.linear_model.MultiTaskLasso` and its relatives), which fit
several targets with a shared support.
"""

from ._selector import TaskSelector

__all__ = ["TaskSelector"]
