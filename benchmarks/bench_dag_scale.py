"""CoLiDE-NV's SHD when the whole data set is rescaled (issue 23).

The benchmark's heteroscedastic setting (n = 1000, d = 20, σ_j² ~ U[0.5, 10],
seeds 0-4) with every variable multiplied by 0.1, 1 and 10 (the same as
multiplying every noise scale by that factor on the same graph), fitted with
CoLiDE's defaults (alpha = 0.05).  Prints the SHD per seed and the mean.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_dag_scale.py
"""

import numpy as np
from _results import Results
from bench_dag import simulate

from sparsestat.dag import CoLiDE, dag_metrics

FACTORS = (0.1, 1.0, 10.0)

if __name__ == "__main__":
    print("graph   factor  SHD per seed          mean")
    results, rows = Results("bench_dag_scale"), []
    for graph_type, degree in (("ER", 2), ("ER", 4)):
        shd = np.zeros((len(FACTORS), 5), dtype=int)
        for seed in range(5):
            B, X = simulate(graph_type, 20, degree, True, seed)
            for i, factor in enumerate(FACTORS):
                shd[i, seed] = dag_metrics(B, CoLiDE().fit(X * factor).adjacency_)["shd"]
        for i, factor in enumerate(FACTORS):
            row = " ".join(f"{s:3d}" for s in shd[i])
            print(f"{graph_type}{degree}-20  x{factor:<5g} {row}   {shd[i].mean():5.1f}")
        rows.append([f"{graph_type}{degree}-20", *[float(shd[i].mean()) for i in range(3)]])
    results.table(
        "rescaled",
        ["graph", *[f"data × {factor:g}" for factor in FACTORS]],
        rows,
        title="CoLiDE-NV mean SHD (seeds 0–4, defaults) with the whole data set rescaled",
        formats=["", ".1f", ".1f", ".1f"],
    )
    results.save()
