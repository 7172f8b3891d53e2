"""DAG structure learning: CoLiDE on DAGMA's log-det path, simulation and metrics."""

from .acyclicity import is_dag, logdet_acyclicity, to_dag, topological_order
from .colide import CoLiDE
from .metrics import dag_metrics, varsortability
from .selection import CoLiDECV
from .simulate import simulate_dag, simulate_linear_sem, simulate_parameters
from .stability import edge_stability

__all__ = [
    "CoLiDE",
    "CoLiDECV",
    "logdet_acyclicity",
    "is_dag",
    "topological_order",
    "to_dag",
    "dag_metrics",
    "simulate_dag",
    "simulate_parameters",
    "simulate_linear_sem",
    "edge_stability",
    "varsortability",
]
