"""The fuzz suite: a fast part in every test run, a long part behind the ``fuzz`` marker.

Every property is written once (a ``check_*`` function of its test module) and
run twice: a few derandomized examples in the normal suite (the
fast part, well under a minute), many random examples with ``@pytest.mark.fuzz``
(``make fuzz``, or ``pytest tests/fuzz -m fuzz``).  The long tests are skipped
unless the marker expression selects them or ``SPARSESTAT_FUZZ=1``.
"""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    selected = "fuzz" in (config.getoption("markexpr") or "")
    if selected or os.environ.get("SPARSESTAT_FUZZ"):
        return
    skip = pytest.mark.skip(reason="long fuzz run: `make fuzz` (pytest tests/fuzz -m fuzz)")
    for item in items:
        if item.get_closest_marker("fuzz") is not None:
            item.add_marker(skip)
