"""A partition of the features into groups, validated once, usable on any namespace."""

from __future__ import annotations

import numbers

import numpy as np
from array_api_compat import device as array_device

from .._array_api import scaled_vector_norm

__all__ = ["GroupPartition"]

# Use the padded (n_groups, max_group_size) layout for group reductions when it
# wastes at most this factor of memory over the features themselves.
_PADDING_FACTOR = 2


def _looks_like_index_lists(groups):
    if isinstance(groups, np.ndarray):
        return groups.ndim == 2
    if isinstance(groups, (list, tuple)) and len(groups) > 0:
        return all(
            isinstance(g, (list, tuple, range, np.ndarray)) and not isinstance(g, str)
            for g in groups
        )
    return False


class GroupPartition:
    """Validated partition of ``n_features`` features into groups.

    Parameters
    ----------
    groups : sequence of index arrays, or array-like of labels
        Either a list of 1-D integer index arrays (one per group, together
        covering ``0 .. n_features − 1`` exactly once), or one label per feature
        (features with the same label form a group; groups are ordered as
        ``np.unique`` orders the labels).
    name : str
        Parameter name used in error messages.
    n_features : int, optional
        The number of features the partition must describe (checked first, so
        an index past the end is reported as such).

    Attributes
    ----------
    n_features, n_groups : int
    grp_ptr : int64 array of shape (n_groups + 1,)
    grp_idx : int64 array of shape (n_features,)
        Features of group ``g``: ``grp_idx[grp_ptr[g]:grp_ptr[g + 1]]``.
    sizes : int64 array of shape (n_groups,)
    group_of_feature : int64 array of shape (n_features,)
    labels : array of shape (n_groups,)
        The label of each group (``0 .. n_groups − 1`` for index lists).

    Examples
    --------
    >>> from sparsestat.penalties import GroupPartition
    >>> partition = GroupPartition([0, 0, 1, 1, 1])
    >>> partition.n_groups, partition.sizes
    (2, array([2, 3]))
    """

    def __init__(self, groups, name="groups", n_features=None):
        self.name = name
        self._expected = n_features
        if groups is None:
            raise ValueError(f"{name} is required: a label per feature or a list of index arrays.")
        if isinstance(groups, numbers.Number):
            raise TypeError(
                f"{name} must be a label per feature or a list of index arrays, got the "
                f"number {groups!r}."
            )
        if _looks_like_index_lists(groups):
            self._from_index_lists(groups)
        else:
            self._from_labels(groups)
        self.sizes = np.diff(self.grp_ptr)
        self.group_of_feature = np.empty(self.n_features, dtype=np.int64)
        self.group_of_feature[self.grp_idx] = np.repeat(
            np.arange(self.n_groups, dtype=np.int64), self.sizes
        )
        for array in (self.grp_ptr, self.grp_idx, self.sizes, self.group_of_feature):
            array.setflags(write=False)
        self._namespace_cache = {}
        if n_features is not None:
            self.check_n_features(n_features, "X")

    def _from_index_lists(self, groups):
        name = self.name
        arrays = []
        for position, group in enumerate(groups):
            arr = np.asarray(group)
            if arr.ndim != 1:
                raise ValueError(f"{name}[{position}] must be a 1-D array of feature indices.")
            if arr.size == 0:
                raise ValueError(f"{name}[{position}] is empty; every group needs a feature.")
            if not np.issubdtype(arr.dtype, np.integer):
                raise TypeError(
                    f"{name}[{position}] must hold integer feature indices, got dtype {arr.dtype}."
                )
            if arr.min() < 0:
                raise ValueError(
                    f"{name}[{position}] holds the negative index {int(arr.min())}; feature "
                    "indices start at 0."
                )
            arrays.append(arr.astype(np.int64))
        if not arrays:
            raise ValueError(f"{name} must contain at least one group.")
        grp_idx = np.concatenate(arrays)
        if self._expected is not None and grp_idx.max() >= self._expected:
            raise ValueError(
                f"{name} name feature {int(grp_idx.max())}, but X has {self._expected} "
                f"features (indices 0..{self._expected - 1})."
            )
        n_features = int(grp_idx.max()) + 1
        # memory O(number of indices), not O(largest index): [[0], [10**12]] is refused
        # without allocating a count per possible feature
        present, counts = np.unique(grp_idx, return_counts=True)
        if np.any(counts > 1):
            feature = int(present[np.flatnonzero(counts > 1)[0]])
            owners = [g for g, arr in enumerate(arrays) if np.any(arr == feature)]
            raise ValueError(
                f"{name} overlap: feature {feature} is in groups {owners}; groups must "
                "partition the features."
            )
        n_missing = n_features - present.size
        if n_missing > 0:
            # the 10 smallest missing indices lie below present.size + 10
            window = np.arange(min(n_features, present.size + 10))
            missing = np.setdiff1d(window, present, assume_unique=True)[:10]
            shown = ", ".join(str(int(j)) for j in missing)
            more = "" if n_missing <= 10 else f" and {n_missing - 10} more"
            raise ValueError(
                f"{name} do not cover every feature: feature(s) {shown}{more} are in no "
                f"group (indices must cover 0..{n_features - 1})."
            )
        self.n_features = n_features
        self.n_groups = len(arrays)
        self.grp_idx = grp_idx
        self.grp_ptr = np.concatenate([[0], np.cumsum([a.size for a in arrays])]).astype(np.int64)
        self.labels = np.arange(self.n_groups)

    def _from_labels(self, groups):
        labels = np.asarray(groups)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError(
                f"{self.name} must be a non-empty 1-D array with one label per feature or a "
                f"list of index arrays; got an array of shape {labels.shape}."
            )
        if labels.dtype.kind == "f" and np.any(~np.isfinite(labels)):
            raise ValueError(f"{self.name} contains NaN or infinite labels.")
        if labels.dtype.kind == "O":
            labels = labels.astype(str)
        unique, inverse = np.unique(labels, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        self.n_features = labels.size
        self.n_groups = unique.size
        self.grp_idx = order.astype(np.int64)
        self.grp_ptr = np.concatenate([[0], np.cumsum(np.bincount(inverse))]).astype(np.int64)
        self.labels = unique

    # -- checks ------------------------------------------------------------
    def check_n_features(self, n_features, what="x"):
        """Raise if the partition does not describe ``n_features`` features."""
        if n_features != self.n_features:
            raise ValueError(
                f"{self.name} describe {self.n_features} features (indices 0.."
                f"{self.n_features - 1}) but {what} has {n_features}."
            )

    def group_weights(self, weights, name="weights", *, allow_zero=True):
        """Validate one weight per group (``None``: ones)."""
        from .._validation import check_weights

        if weights is None:
            return np.ones(self.n_groups, dtype=np.float64)
        return check_weights(
            weights, name, allow_zero=allow_zero, size=self.n_groups, size_name="group"
        )

    # -- array-namespace helpers ------------------------------------------
    def _indices(self, xp, x):
        dev = array_device(x)
        key = (id(xp), str(dev))
        cached = self._namespace_cache.get(key)
        if cached is None:
            max_size = int(self.sizes.max())
            padded = None
            if self.n_groups * max_size <= _PADDING_FACTOR * self.n_features + 1024:
                padded_np = np.full((self.n_groups, max_size), self.n_features, dtype=np.int64)
                offsets = np.arange(self.n_features) - np.repeat(self.grp_ptr[:-1], self.sizes)
                padded_np[np.repeat(np.arange(self.n_groups), self.sizes), offsets] = self.grp_idx
                padded = xp.asarray(padded_np.reshape(-1), device=dev)
            cached = {
                "padded": padded,
                "max_size": max_size,
                "grp_idx": xp.asarray(self.grp_idx, device=dev),
                "grp_ptr": xp.asarray(self.grp_ptr, device=dev),
                "group_of_feature": xp.asarray(self.group_of_feature, device=dev),
            }
            self._namespace_cache[key] = cached
        return cached

    def norms(self, x, xp):
        """Euclidean norm of each group of the 1-D array ``x`` (namespace of ``x``)."""
        idx = self._indices(xp, x)
        if idx["padded"] is not None:
            extended = xp.concat([x, xp.zeros((1,), dtype=x.dtype, device=array_device(x))])
            blocks = xp.reshape(xp.take(extended, idx["padded"]), (self.n_groups, idx["max_size"]))
            return scaled_vector_norm(blocks, xp, axis=1)
        # very unequal group sizes: segment sums of squares through a float64 cumulative
        # sum, of x divided by its largest magnitude (no overflow at extreme values)
        ordered = xp.astype(xp.take(x, idx["grp_idx"]), xp.float64)
        scale = float(xp.max(xp.abs(ordered)))
        if scale == 0.0:
            return xp.zeros((self.n_groups,), dtype=x.dtype, device=array_device(x))
        ordered = ordered / scale
        cumulative = xp.cumulative_sum(ordered * ordered, include_initial=True)
        squares = xp.take(cumulative, idx["grp_ptr"][1:]) - xp.take(
            cumulative, idx["grp_ptr"][:-1]
        )
        return xp.astype(scale * xp.sqrt(xp.clip(squares, min=0.0)), x.dtype)

    def expand(self, per_group, xp, like):
        """Per-feature array holding the value of each feature's group."""
        idx = self._indices(xp, like)
        return xp.take(per_group, idx["group_of_feature"])

    def index_lists(self):
        """The groups as a list of int64 index arrays."""
        return [self.grp_idx[self.grp_ptr[g] : self.grp_ptr[g + 1]] for g in range(self.n_groups)]
