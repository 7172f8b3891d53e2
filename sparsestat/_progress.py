"""Progress bars for long loops: tqdm when installed and asked for, silent otherwise."""

from __future__ import annotations

__all__ = ["progress"]


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
        ``iterable`` itself, or a ``tqdm`` wrapper around it.  tqdm is optional:
        without it the loop runs silently.
    """
    if not verbose:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        return iterable
    return tqdm(iterable, total=total, desc=description)
