"""``import sparsestat`` is cheap: subpackages load on first use (module ``__getattr__``)."""

import subprocess
import sys

import pytest

import sparsestat


def _run(code):
    """Run ``code`` in a fresh interpreter (nothing imported yet) and return its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return result.stdout.strip()


def test_import_loads_no_heavy_dependency():
    out = _run(
        "import sys, sparsestat\n"
        "heavy = ['numba', 'sklearn', 'scipy', 'numpy', 'sparsestat.linear_model', "
        "'sparsestat.dag']\n"
        "print(sorted(name for name in heavy if name in sys.modules))"
    )
    assert out == "[]"


def test_subpackages_are_reachable_after_import_sparsestat():
    out = _run(
        "import sparsestat\n"
        "print(sparsestat.dag.CoLiDE.__name__, sparsestat.solvers.solve_cd.__name__,\n"
        "      sparsestat.plotting.__name__, sparsestat.linear_model.Lasso.__name__,\n"
        "      sparsestat.sufficient_statistics.__name__)"
    )
    assert out == "CoLiDE solve_cd sparsestat.plotting Lasso sufficient_statistics"


def test_all_names_every_public_subpackage():
    assert {"dag", "plotting", "solvers", "linear_model", "decomposition"} <= set(
        sparsestat.__all__
    )
    assert set(sparsestat.__all__) <= set(dir(sparsestat))
    out = _run("from sparsestat import *\nprint(dag.__name__, SufficientStatistics.__name__)")
    assert out == "sparsestat.dag SufficientStatistics"


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        sparsestat.nope  # noqa: B018


# Each subpackage (and the modules that once sat on an import cycle) imports
# first in a fresh interpreter; the ground layers load nothing above them.
_LAYERS = {
    "sparsestat._validation": (),
    "sparsestat.penalties": ("penalties",),
    "sparsestat.datafits": ("datafits",),
    "sparsestat.datafits.statistics": ("datafits",),
    "sparsestat.solvers": ("solvers",),  # the solver modules load on first use
    "sparsestat.linear_model": None,
    "sparsestat.linear_model._path": None,
    "sparsestat.linear_model.group": None,
    "sparsestat.linear_model.multitask": None,
    "sparsestat.decomposition": None,
    "sparsestat.dag": None,
    "sparsestat.datasets": None,
    "sparsestat.multitask": None,
    "sparsestat.task_selection": None,
}


@pytest.mark.parametrize("module", sorted(_LAYERS))
def test_each_subpackage_imports_alone(module):
    out = _run(
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(sorted({name.split('.')[1] for name in sys.modules\n"
        "    if name.startswith('sparsestat.') and not name.split('.')[1].startswith('_')}))"
    )
    allowed = _LAYERS[module]
    if allowed is not None:
        assert out == str(sorted(allowed))


def test_solvers_load_on_first_use_and_only_the_layers_below():
    out = _run(
        "import sys\n"
        "from sparsestat.solvers import solve_cd, SolverResult\n"
        "print(solve_cd.__module__, sorted({name.split('.')[1] for name in sys.modules\n"
        "    if name.startswith('sparsestat.') and not name.split('.')[1].startswith('_')}))"
    )
    assert out == "sparsestat.solvers.cd ['datafits', 'penalties', 'solvers']"


def test_datafits_use_loads_no_estimator_layer():
    # sufficient_statistics validates sample weights with the shared check of
    # sparsestat._validation, not through sparsestat.linear_model (an old cycle)
    out = _run(
        "import sys\n"
        "import numpy as np\n"
        "from sparsestat.datafits import sufficient_statistics\n"
        "sufficient_statistics(np.ones((4, 2)), np.arange(4.0), np.ones(4))\n"
        "print(sorted({name.split('.')[1] for name in sys.modules\n"
        "    if name.startswith('sparsestat.') and not name.split('.')[1].startswith('_')}))"
    )
    assert out == "['datafits']"
