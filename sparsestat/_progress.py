"""Progress bars for long loops: tqdm when installed and asked for, silent otherwise."""

from __future__ import annotations

import warnings

__all__ = ["progress", "run_parallel"]


def progress(iterable, verbose, total=None, description=None):
    """Wrap ``iterable`` in a tqdm progress bar when ``verbose`` is truthy.

    Parameters
    ----------
    iterable : iterable
    verbose : bool or int
        Silent (the iterable is returned unchanged) when falsy.
    total : int, optional
        Length shown by the bar.
    description : str, optional
        Label of the bar.

    Returns
    -------
    iterable
        ``iterable`` itself, or a ``tqdm`` wrapper around it.  tqdm is optional
        (``pip install sparsestat[progress]``): without it the loop runs with
        a warning that no bar can be shown.
    """
    if not verbose:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        warnings.warn(
            "verbose progress bars need tqdm, which is not installed: "
            "pip install tqdm (or sparsestat[progress]); running silently.",
            stacklevel=3,
        )
        return iterable
    return tqdm(iterable, total=total, desc=description)


def run_parallel(jobs, n_jobs, verbose, total, description):
    """Run joblib ``delayed`` jobs through :class:`joblib.Parallel`, results in order.

    With ``verbose``, a tqdm bar counts the *finished* jobs (joblib >= 1.3
    returns results as a generator; older versions count dispatched jobs).
    Any joblib backend applies (``with joblib.parallel_backend("dask")``).
    """
    from joblib import Parallel

    if not verbose:
        return Parallel(n_jobs=n_jobs)(jobs)
    try:
        results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    except TypeError:  # joblib < 1.3
        return Parallel(n_jobs=n_jobs)(progress(jobs, verbose, total, description))
    return list(progress(results, verbose, total, description))
