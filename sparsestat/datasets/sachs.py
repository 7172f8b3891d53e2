"""The Sachs et al. (2005) protein-signalling data, shipped with the package."""

from __future__ import annotations

from importlib import resources

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_sachs", "SACHS_CONSENSUS_EDGES"]

_FILE = "sachs_cd3cd28.csv"
_NAMES = ("Raf", "Mek", "Plcg", "PIP2", "PIP3", "Erk", "Akt", "PKA", "PKC", "P38", "Jnk")

#: The 17 edges of the consensus network (cause, effect), as curated in the
#: bnlearn Bayesian-network repository (Scutari) from Sachs et al. (2005): the
#: ground truth used by NOTEARS, DAGMA and CoLiDE on these data.
SACHS_CONSENSUS_EDGES = (
    ("Raf", "Mek"),
    ("Mek", "Erk"),
    ("Plcg", "PIP2"),
    ("Plcg", "PIP3"),
    ("PIP3", "PIP2"),
    ("Erk", "Akt"),
    ("PKA", "Raf"),
    ("PKA", "Mek"),
    ("PKA", "Erk"),
    ("PKA", "Akt"),
    ("PKA", "Jnk"),
    ("PKA", "P38"),
    ("PKC", "Raf"),
    ("PKC", "Mek"),
    ("PKC", "PKA"),
    ("PKC", "Jnk"),
    ("PKC", "P38"),
)

_DESCRIPTION = """\
Sachs et al. (2005) flow-cytometry protein-signalling data
===========================================================

853 single-cell measurements of 11 phosphorylated proteins and
phospholipids of human primary naive CD4+ T cells, in the observational
condition (stimulation with anti-CD3/CD28, no intervention): the data set
used by continuous DAG learners (NOTEARS, DAGMA, CoLiDE).

Columns (original names in brackets): Raf (praf), Mek (pmek), Plcg (plcg),
PIP2, PIP3, Erk (p44/42), Akt (pakts473), PKA, PKC, P38, Jnk (pjnk).
Values are raw fluorescence intensities (positive, heavily skewed).

Ground truth: the 17-edge consensus network of the bnlearn repository,
``SACHS_CONSENSUS_EDGES`` (11 nodes, 17 arcs, maximum in-degree 3).

Source: the supplementary file "1. cd3cd28.xls" of Sachs et al. (2005), as
redistributed (all 14 conditions, 7466 rows) in the Causal Discovery Toolbox
(cdt 0.6.0, MIT licence, file cdt/data/resources/cyto_full_data.csv); its
first 853 rows are the cd3cd28 condition and are the rows shipped here,
unchanged.  The data are public scientific data published with the article.

References
----------
K. Sachs, O. Perez, D. Pe'er, D. A. Lauffenburger and G. P. Nolan, "Causal
protein-signaling networks derived from multiparameter single-cell data",
Science 308(5721), 523-529, 2005.
M. Scutari, bnlearn Bayesian network repository, "sachs".
"""


def load_sachs(*, as_frame=False):
    """The Sachs et al. (2005) observational protein-signalling data and its consensus DAG.

    853 samples of 11 proteins (CD3/CD28 stimulation, no intervention),
    shipped inside the package: no download.  See ``DESCR`` for the source
    and licence.

    Parameters
    ----------
    as_frame : bool, default=False
        Also return the data as a pandas DataFrame in ``frame`` (needs pandas).

    Returns
    -------
    data : sklearn.utils.Bunch
        - ``data``: ndarray of shape (853, 11), float64 raw intensities;
        - ``feature_names``: list of the 11 protein names;
        - ``adjacency``: ndarray of shape (11, 11), the consensus DAG,
          ``adjacency[i, j] = 1`` for an edge ``feature_names[i] →
          feature_names[j]`` (17 edges);
        - ``edges``: the same edges as (cause, effect) name pairs;
        - ``frame``: DataFrame, only when ``as_frame`` is true;
        - ``DESCR``: description, source and licence.

    References
    ----------
    .. [1] K. Sachs, O. Perez, D. Pe'er, D. A. Lauffenburger and G. P. Nolan,
       "Causal protein-signaling networks derived from multiparameter
       single-cell data", Science 308(5721), 523–529, 2005.

    Examples
    --------
    >>> from sparsestat.datasets import load_sachs
    >>> sachs = load_sachs()
    >>> sachs.data.shape, int(sachs.adjacency.sum())
    ((853, 11), 17)
    """
    source = resources.files("sparsestat.datasets").joinpath("data", _FILE)
    with source.open("r", encoding="utf-8") as handle:
        header = handle.readline()
        data = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    if len(header.strip().split(",")) != len(_NAMES) or data.shape != (853, len(_NAMES)):
        raise RuntimeError(f"the packaged file {_FILE} is damaged (shape {data.shape}).")
    index = {name: k for k, name in enumerate(_NAMES)}
    adjacency = np.zeros((len(_NAMES), len(_NAMES)))
    for cause, effect in SACHS_CONSENSUS_EDGES:
        adjacency[index[cause], index[effect]] = 1.0
    result = Bunch(
        data=data,
        feature_names=list(_NAMES),
        adjacency=adjacency,
        edges=list(SACHS_CONSENSUS_EDGES),
        DESCR=_DESCRIPTION,
    )
    if as_frame:
        import pandas as pd

        result.frame = pd.DataFrame(data, columns=list(_NAMES))
    return result
