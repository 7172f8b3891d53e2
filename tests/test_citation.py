"""CITATION.cff stays in step with the package."""

import re
from pathlib import Path

import sparsestat

ROOT = Path(__file__).resolve().parents[1]


def test_citation_version_is_the_package_version():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(r'^version:\s*"?([^"\n]+?)"?\s*$', text, flags=re.MULTILINE)
    assert match, "CITATION.cff has no top-level version"
    assert match.group(1) == sparsestat.__version__
    assert re.search(r"^cff-version:\s*1\.2\.0", text, flags=re.MULTILINE)
