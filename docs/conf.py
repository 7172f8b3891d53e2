"""Sphinx configuration for sparsestat."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("_ext"))

import sparsestat

project = "sparsestat"
author = "sparsestat developers"
copyright = "2026, sparsestat developers"
version = release = sparsestat.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "bench_results",
]

autosummary_generate = True
# inherited methods are documented down to (not including) scikit-learn's bases
autodoc_default_options = {
    "members": True,
    "inherited-members": "BaseEstimator,RegressorMixin,TransformerMixin,_MetadataRequester,"
    "_SetOutputMixin",
    "exclude-members": "set_fit_request,set_score_request,set_predict_request,"
    "get_metadata_routing,set_transform_request,set_partial_fit_request,"
    "set_inverse_transform_request,set_output",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# The docs build offline by default; set SPARSESTAT_DOCS_ONLINE=1 to link to the
# Python, numpy and scikit-learn docs through intersphinx.
intersphinx_mapping = {}
if os.environ.get("SPARSESTAT_DOCS_ONLINE"):
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "matplotlib_animations": False,
}

templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.examples"]
html_theme = "pydata_sphinx_theme"
html_title = "sparsestat"
