"""The selection kernel of the working sets and of the WGSEF prox.

Quickselect with a heapsort fallback.
"""

import numpy as np
import pytest

from sparsestat.penalties._kernels import _heapsort, select_kth


def _heapsort_reference(values, lo, hi):
    """The textbook heapsort (separate sift-down), in Python: the same swaps as the kernel."""

    def sift_down(start, end):
        root = start
        while 2 * root + 1 < end:
            child = 2 * root + 1
            if child + 1 < end and values[lo + child] < values[lo + child + 1]:
                child += 1
            if values[lo + root] < values[lo + child]:
                values[lo + root], values[lo + child] = values[lo + child], values[lo + root]
                root = child
            else:
                return

    n = hi - lo
    for start in range(n // 2 - 1, -1, -1):
        sift_down(start, n)
    for end in range(n - 1, 0, -1):
        values[lo], values[lo + end] = values[lo + end], values[lo]
        sift_down(0, end)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 64, 101])
def test_heapsort_sorts_a_slice_with_the_textbook_swaps(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        values = rng.integers(-3, 4, n + 6).astype(float)  # many ties
        values[rng.random(n + 6) < 0.2] = -0.0  # signed zeros: their order shows the swaps
        lo, hi = 3, 3 + n
        expected = values.copy()
        _heapsort_reference(expected, lo, hi)
        got = values.copy()
        _heapsort(got, lo, hi)
        assert np.array_equal(np.signbit(got), np.signbit(expected))
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(got[lo:hi], np.sort(values[lo:hi]))
        np.testing.assert_array_equal(got[:lo], values[:lo])  # outside the slice: untouched
        np.testing.assert_array_equal(got[hi:], values[hi:])


@pytest.mark.parametrize(
    "kind", ["random", "ties", "sorted", "reversed", "organ_pipe", "median_of_3_killer"]
)
def test_select_kth_against_numpy_partition(kind):
    rng = np.random.default_rng(0)
    n = 257
    if kind == "random":
        values = rng.standard_normal(n)
    elif kind == "ties":
        values = rng.integers(0, 3, n).astype(float)
    elif kind == "sorted":
        values = np.arange(n, dtype=float)
    elif kind == "reversed":
        values = np.arange(n, dtype=float)[::-1].copy()
    elif kind == "organ_pipe":
        values = np.concatenate([np.arange(n // 2), np.arange(n - n // 2)[::-1]]).astype(float)
    else:  # an order that defeats median-of-three pivots, so the heapsort fallback runs
        k = n // 2
        values = np.empty(n)
        for i in range(k):
            values[2 * i] = i + 1
            values[2 * i + 1] = k + i + 1
        values[n - 1] = 2 * k + 1
    for kth in (0, 1, n // 3, n // 2, n - 2, n - 1):
        work = values.copy()
        assert select_kth(work, n, kth) == np.partition(values, kth)[kth]
        np.testing.assert_array_equal(np.sort(work), np.sort(values))  # a permutation
