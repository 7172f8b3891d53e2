"""CITATION.cff stays in step with the package."""

import re
from pathlib import Path

import pytest

import sparsestat

ROOT = Path(__file__).resolve().parents[1]


def test_citation_version_is_the_package_version():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(r'^version:\s*"?([^"\n]+?)"?\s*$', text, flags=re.MULTILINE)
    assert match, "CITATION.cff has no top-level version"
    assert match.group(1) == sparsestat.__version__
    assert re.search(r"^cff-version:\s*1\.2\.0", text, flags=re.MULTILINE)


def _normalized(title):
    return re.sub(r"[^a-z0-9]+", " ", title.lower().replace("ℓ", "l")).strip()


def test_every_paper_of_the_citing_page_is_in_citation_cff():
    """docs/citing.rst: CITATION.cff's ``references`` list holds every paper of the page."""
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cited = {_normalized(reference["title"]) for reference in cff["references"]}
    page = (ROOT / "docs" / "citing.rst").read_text(encoding="utf-8")
    table = page[page.index(".. list-table::") :]
    joined = re.sub(r"\s*\n\s*(?:- )?", " ", table)
    titles = [_normalized(t) for t in re.findall(r'(?<=, )"([^"]+)"', joined)]
    assert len(titles) >= 20, titles
    missing = [t for t in titles if t not in cited]
    assert not missing, missing
