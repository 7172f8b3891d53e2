"""One vocabulary of penalty names: :func:`make_penalty`.

Every penalty class lists the names it answers to in its ``names`` attribute
and is registered when the class is defined (``Penalty.__init_subclass__``), so
the estimators, ``sparse_encode``, dictionary learning and the multitask
models all build their penalties here, from one table that the classes
themselves fill.  Adding a penalty adds no entry anywhere else.
"""

from __future__ import annotations

import inspect

__all__ = ["make_penalty", "penalty_class", "penalty_names", "penalty_parameters"]

#: name -> penalty class, in the order the classes are defined
_REGISTRY = {}


def register(cls):
    """Record the names ``cls.names`` of a penalty class (called at class creation)."""
    for name in cls.__dict__.get("names", ()):
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(
                f"penalty name {name!r} is taken by {_REGISTRY[name].__name__}; "
                f"{cls.__name__} cannot register it too."
            )
        _REGISTRY[name] = cls


def penalty_names(kind=None, *, aliases=False):
    """The registered names, in the order their classes are defined.

    Parameters
    ----------
    kind : {None, "separable", "group", "rows"}, default=None
        Restrict to the names of separable penalties (one scalar kernel per
        coordinate: what coordinate descent, sparse coding and the row-norm
        multitask solvers take), of penalties on a partition into groups, or
        of penalties on the rows of a coefficient matrix.  ``None``: all.
    aliases : bool, default=False
        Include the second names of a class (``"half"`` and ``"two_thirds"``
        for ℓq with a fixed exponent), not only its first.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from sparsestat.penalties import penalty_names
    >>> penalty_names("group")
    ('group_l2', 'wgsef', 'wgsef_nonconvex')
    """
    if kind not in (None, "separable", "group", "rows"):
        raise ValueError(f"kind must be None, 'separable', 'group' or 'rows', got {kind!r}.")
    return tuple(
        name
        for name, cls in _REGISTRY.items()
        if (kind is None or cls.penalty_kind == kind) and (aliases or name == cls.names[0])
    )


def penalty_class(name):
    """The penalty class registered under ``name`` (``ValueError`` if none)."""
    if not isinstance(name, str):
        raise TypeError(f"penalty must be a name (str), got {name!r}.")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"penalty must be one of {penalty_names(aliases=True)}, got {name!r}."
        ) from None


def penalty_parameters(name):
    """Names of the parameters ``make_penalty(name, ...)`` accepts."""
    cls = penalty_class(name)
    return tuple(cls.name_parameters(name))


def make_penalty(name, **params):
    """Build the penalty called ``name`` from its parameters.

    The one constructor behind every penalty string of sparsestat: the linear
    estimators (``penalty="mcp"``), the group and multitask estimators,
    :func:`~sparsestat.decomposition.sparse_encode` and dictionary learning all
    call it, so a name means the same penalty everywhere.  A parameter given
    as ``None`` takes the class's default.

    Parameters
    ----------
    name : str
        A registered name (:func:`penalty_names`): ``"l1"``, ``"elasticnet"``,
        ``"l0"``, ``"lq"`` (with the fixed-exponent aliases ``"half"`` and
        ``"two_thirds"``), ``"cel0"``, ``"mcp"``, ``"scad"``, ``"group_l2"``,
        ``"wgsef"``, ``"wgsef_nonconvex"``, ``"l21"``, and any penalty added
        since.
    **params
        The constructor arguments of that penalty (``alpha``, ``gamma``,
        ``column_norms``...).

    Returns
    -------
    Penalty

    Examples
    --------
    >>> from sparsestat.penalties import make_penalty
    >>> make_penalty("mcp", alpha=0.5)
    MCP(alpha=0.5, gamma=3.0, positive=False)
    >>> make_penalty("half", alpha=0.1)
    Lq(alpha=0.1, q=0.5, positive=False)
    """
    cls = penalty_class(name)
    accepted = cls.name_parameters(name)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise TypeError(
            f"penalty {name!r} ({cls.__name__}) takes no parameter(s) {unknown}; "
            f"it takes {list(accepted)}."
        )
    given = {key: value for key, value in params.items() if value is not None}
    return cls.from_name(name, **given)


def constructor_parameters(cls):
    """The constructor's parameter names of a penalty class."""
    signature = inspect.signature(cls.__init__)
    return tuple(name for name in signature.parameters if name != "self")
