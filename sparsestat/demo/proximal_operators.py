"""Demo step: every penalty's proximal operator on a 1-D grid, and WGSEF's group selection."""

from __future__ import annotations

import time

import numpy as np

from sparsestat.penalties import CEL0, L0, L1, MCP, SCAD, WGSEF, ElasticNet, Lq, NonconvexWGSEF
from sparsestat.plotting import plot_proximal_operators

STEP = 1.0
ALPHA = 1.0


def scalar_penalties():
    """The separable penalties shown in the tour (alpha = 1, step = 1)."""
    return {
        "soft (L1)": L1(ALPHA),
        "elastic net (l1_ratio=0.5)": ElasticNet(ALPHA, l1_ratio=0.5),
        "hard (L0)": L0(ALPHA),
        "half (Lq, q=1/2)": Lq(ALPHA, q=0.5),
        "two-thirds (Lq, q=2/3)": Lq(ALPHA, q=2.0 / 3.0),
        "CEL0 (a=0.9)": CEL0(ALPHA, column_norms=[0.9]),
        "MCP (gamma=3)": MCP(ALPHA, gamma=3.0),
        "SCAD (gamma=3.7)": SCAD(ALPHA, gamma=3.7),
    }


WGSEF_GROUPS = (100_000, 8)  # number of groups, variables per group


def wgsef_input():
    """The vector and the groups of the WGSEF step: groups of 8 with exponential scales."""
    rng = np.random.default_rng(0)
    n_groups, size = WGSEF_GROUPS
    groups = np.repeat(np.arange(n_groups), size)
    x = rng.standard_normal(n_groups * size) * np.repeat(rng.exponential(size=n_groups), size)
    return x, groups


def run(output_dir):
    grid = np.linspace(-4.0, 4.0, 8001)
    penalties = scalar_penalties()
    probes = np.array([0.5, 1.0, 1.5, 2.0, 3.0])

    print(f"prox of step·pen at z, alpha={ALPHA}, step={STEP}; the prox is 0 for |z| <= threshold")
    header = f"{'penalty':<28}{'threshold':>10}" + "".join(f"{'z=' + str(p):>9}" for p in probes)
    print(header)
    print("-" * len(header))
    worst_disagreement = 0.0
    for name, pen in penalties.items():
        as_column = isinstance(pen, CEL0)
        values = pen.prox(probes[:, None] if as_column else probes, STEP)
        values = np.asarray(values).reshape(-1)
        print(f"{name:<28}{pen.threshold(STEP):>10.4f}" + "".join(f"{v:>9.3f}" for v in values))
        z = grid[:, None] if as_column else grid
        diff = np.max(np.abs(pen.prox(z, STEP) - pen.prox_numba(z, STEP)))
        worst_disagreement = max(worst_disagreement, float(diff))
    print(f"\nlargest difference between array-API and numba proxes: {worst_disagreement:.1e}")

    path = output_dir / "proximal_operators.png"
    figure = plot_proximal_operators(penalties, grid=grid, step=STEP)[0].figure
    figure.savefig(path, dpi=120, bbox_inches="tight")
    print(f"figure: {path}")

    # WGSEF on 10^5 groups of 8 variables: groups kept by one prox step, and time
    x, groups = wgsef_input()
    n_groups, size = WGSEF_GROUPS
    print(f"\nWGSEF prox on {n_groups} groups of {size} variables (alpha=0.05, step=1):")
    print(
        f"{'k':>8}{'groups kept':>14}{'numba ms':>11}{'array-API ms':>14}{'non-convex kept':>17}"
    )
    for k in (10, 1_000, 50_000):
        pen = WGSEF(k=k, alpha=0.05, groups=groups)
        pen.prox_numba(x, 1.0)  # compile
        start = time.perf_counter()
        out = pen.prox_numba(x, 1.0)
        numba_ms = 1e3 * (time.perf_counter() - start)
        start = time.perf_counter()
        pen.prox(x, 1.0)
        array_ms = 1e3 * (time.perf_counter() - start)
        kept = pen.active_groups(out).size
        nonconvex = NonconvexWGSEF(k=k, alpha=0.05, groups=groups)
        kept_nonconvex = nonconvex.active_groups(nonconvex.prox_numba(x, 1.0)).size
        print(f"{k:>8}{kept:>14}{numba_ms:>11.1f}{array_ms:>14.1f}{kept_nonconvex:>17}")
