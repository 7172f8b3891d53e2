"""One penalty vocabulary: make_penalty and what each class declares for the solvers."""

import numpy as np
import pytest

from sparsestat.penalties import (
    CEL0,
    L0,
    L1,
    L21,
    MCP,
    SCAD,
    WGSEF,
    ElasticNet,
    GroupL2,
    Lq,
    NonconvexWGSEF,
    SeparablePenalty,
    _kernels,
    make_penalty,
    penalty_names,
)
from sparsestat.penalties._registry import penalty_class, penalty_parameters


def test_every_name_builds_its_class():
    groups = [0, 0, 1, 1, 2, 2]
    cases = {
        "l1": (dict(alpha=0.5), L1(0.5)),
        "elasticnet": (dict(alpha=0.5, l1_ratio=0.3), ElasticNet(0.5, l1_ratio=0.3)),
        "l0": (dict(alpha=0.5, positive=True), L0(0.5, positive=True)),
        "lq": (dict(alpha=0.5, q=0.3), Lq(0.5, q=0.3)),
        "half": (dict(alpha=0.5), Lq(0.5, q=0.5)),
        "two_thirds": (dict(alpha=0.5), Lq(0.5, q=2.0 / 3.0)),
        "cel0": (dict(alpha=0.5, column_norms=np.ones(3)), CEL0(0.5, column_norms=np.ones(3))),
        "mcp": (dict(alpha=0.5), MCP(0.5, gamma=3.0)),
        "scad": (dict(alpha=0.5, gamma=None), SCAD(0.5, gamma=3.7)),
        "group_l2": (dict(alpha=0.5, groups=groups), GroupL2(0.5, groups=groups)),
        "wgsef": (dict(k=2, alpha=0.5, groups=groups), WGSEF(k=2, alpha=0.5, groups=groups)),
        "wgsef_nonconvex": (
            dict(k=1, alpha=0.5, groups=groups),
            NonconvexWGSEF(k=1, alpha=0.5, groups=groups),
        ),
        "l21": (dict(alpha=0.5), L21(0.5)),
    }
    assert set(cases) <= set(penalty_names(aliases=True))
    for name, (params, expected) in cases.items():
        built = make_penalty(name, **params)
        assert type(built) is type(expected) and repr(built) == repr(expected), name
        if isinstance(built, SeparablePenalty):
            np.testing.assert_array_equal(built.kernel_params, expected.kernel_params)


def test_names_by_kind_and_aliases():
    separable = penalty_names("separable")
    assert separable[:7] == ("l1", "elasticnet", "l0", "lq", "cel0", "mcp", "scad")
    assert "half" not in separable and "half" in penalty_names("separable", aliases=True)
    assert penalty_names("group") == ("group_l2", "wgsef", "wgsef_nonconvex")
    assert penalty_names("rows") == ("l21",)
    assert penalty_class("two_thirds") is Lq
    assert "q" not in penalty_parameters("half") and "q" in penalty_parameters("lq")


def test_bad_names_and_parameters_are_named():
    with pytest.raises(ValueError, match="penalty must be one of"):
        make_penalty("lasso", alpha=1.0)
    with pytest.raises(TypeError, match="penalty must be a name"):
        make_penalty(3)
    with pytest.raises(TypeError, match=r"takes no parameter\(s\) \['gamma'\]"):
        make_penalty("l1", alpha=1.0, gamma=3.0)
    with pytest.raises(TypeError, match=r"\['q'\]"):
        make_penalty("half", alpha=1.0, q=0.3)  # the name fixes q
    with pytest.raises(ValueError, match="gamma"):
        make_penalty("scad", alpha=1.0, gamma=1.5)
    with pytest.raises(ValueError, match="kind"):
        penalty_names("matrix")


def test_classes_declare_what_the_solvers_need():
    """The kernels read these from the parameter vector, not from code lists."""
    for name in penalty_names("separable"):
        cls = penalty_class(name)
        assert cls.penalty_kind == "separable" and {"cd", "gram", "fista"} <= set(cls.solvers)
    separable = penalty_names("separable")
    fixed_point = {n for n in separable if penalty_class(n).fixed_point_optimality}
    assert {"l0", "lq"} <= fixed_point and not {"l1", "mcp", "scad", "cel0"} & fixed_point
    gap = {n for n in penalty_names("separable") if penalty_class(n).has_duality_gap}
    assert gap == {"l1", "elasticnet"}
    assert "cvxpy" in L1.solvers and "cvxpy" not in MCP.solvers
    assert GroupL2.solvers == ("bcd", "fista") and WGSEF.solvers == ("fista",)
    params = L0(0.5).kernel_params
    assert params.shape == (_kernels.N_PARAMS,) and params[_kernels.P_FIXED_POINT] == 1.0
    assert L1(0.5).kernel_params[_kernels.P_GAP_L1_RATIO] == 1.0
    assert ElasticNet(0.5, l1_ratio=0.25).kernel_params[_kernels.P_GAP_L1_RATIO] == 0.25
    assert MCP(0.5).kernel_params[_kernels.P_GAP_L1_RATIO] == 0.0
    assert _kernels.uses_fixed_point(Lq(0.5).kernel_params)
    assert not _kernels.uses_fixed_point(SCAD(0.5).kernel_params)


def test_estimators_and_coding_build_through_make_penalty():
    from sparsestat.decomposition import sparse_encode
    from sparsestat.linear_model import (
        GroupSparseRegression,
        MultiTaskSparseRegression,
        SparseRegression,
    )

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 6))
    y = X[:, 0] - 2 * X[:, 3] + 0.01 * rng.standard_normal(40)
    model = SparseRegression(penalty="scad", alpha=0.1).fit(X, y)
    assert repr(model.penalty_) == repr(make_penalty("scad", alpha=0.1))
    group = GroupSparseRegression(groups=2, penalty="group_l2", alpha=0.1).fit(X, y)
    assert group.coef_.shape == (6,)
    with pytest.raises(ValueError, match="solver='bcd'"):
        GroupSparseRegression(groups=2, penalty="wgsef", k=1, solver="bcd").fit(X, y)
    multi = MultiTaskSparseRegression(penalty="mcp", alpha=0.1).fit(X, np.c_[y, -y])
    assert repr(multi.penalty_) == repr(make_penalty("mcp", alpha=0.1))
    D = np.eye(6)
    codes = sparse_encode(X[:2], D, penalty="half", alpha=0.1)
    np.testing.assert_allclose(codes, Lq(0.1, q=0.5).prox(X[:2], 1.0), atol=1e-10)
