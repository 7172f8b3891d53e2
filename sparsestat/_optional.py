"""Optional dependencies: imported when a feature needs them, with an error naming the extra."""

from __future__ import annotations

import importlib

__all__ = ["import_optional"]


def import_optional(module, extra, feature):
    """Import ``module`` or raise an ImportError that says how to install it.

    Parameters
    ----------
    module : str
        The module to import (``"cvxpy"``, ``"matplotlib.pyplot"``...).
    extra : str
        The sparsestat extra that installs it (``pip install sparsestat[extra]``).
    feature : str
        What needs it, for the message (``"solver='cvxpy'"``).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        Naming the feature, the missing package and the extra.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(
            f"{feature} needs {package}, an optional dependency of sparsestat: install it "
            f'with pip install "sparsestat[{extra}]" (or pip install {package}).'
        ) from exc
