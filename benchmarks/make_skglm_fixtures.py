"""Write the skglm objective values the nonconvex regression tests compare against.

skglm is a benchmark dependency, not a test dependency, so its numbers are
computed once here and stored in ``tests/linear_model/data/skglm_nonconvex.json``.
Run ``python benchmarks/make_skglm_fixtures.py`` after ``make bench`` installed skglm.
"""

import json
from pathlib import Path

import numpy as np
from skglm import GeneralizedLinearEstimator
from skglm.datafits import Quadratic
from skglm.penalties import L0_5, L2_3, SCAD, MCPenalty
from skglm.solvers import AndersonCD

from sparsestat.datasets import make_sparse_regression

OUTPUT = Path(__file__).parents[1] / "tests" / "linear_model" / "data" / "skglm_nonconvex.json"

PENALTIES = {
    "mcp": lambda alpha: MCPenalty(alpha=alpha, gamma=3.0),
    "scad": lambda alpha: SCAD(alpha=alpha, gamma=3.7),
    "lq_half": lambda alpha: L0_5(alpha=alpha),
    "lq_two_thirds": lambda alpha: L2_3(alpha=alpha),
}


def main():
    records = []
    for seed in range(3):
        X, y, _ = make_sparse_regression(100, 200, 10, rho=0.5, snr=5.0, random_state=seed)
        alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
        for name, factory in PENALTIES.items():
            for divisor in (5.0, 20.0):
                alpha = alpha_max / divisor
                penalty = factory(alpha)
                estimator = GeneralizedLinearEstimator(
                    Quadratic(), penalty, AndersonCD(tol=1e-10, max_iter=1000, fit_intercept=False)
                )
                estimator.fit(X, y)
                w = estimator.coef_
                objective = 0.5 * np.mean((y - X @ w) ** 2) + penalty.value(w)
                records.append(
                    {
                        "seed": seed,
                        "penalty": name,
                        "alpha": alpha,
                        "objective": float(objective),
                        "n_nonzero": int(np.count_nonzero(w)),
                    }
                )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        json.dumps({"source": "skglm AndersonCD tol=1e-10", "records": records}, indent=1)
    )
    print(f"wrote {len(records)} records to {OUTPUT}")


if __name__ == "__main__":
    main()
