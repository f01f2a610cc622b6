"""compare, sweep, the curves and aspirational against the engine they stand on.

Sweeps and curves are read from critical values of one run per group of points;
properties hold them to evaluating `with_policy` at each point, on small random
companies, through the columnar path and through the single evaluator.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path
from typing import Any
from unittest import mock

import matplotlib
import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progression import examples, with_policy
from progression.exceptions import InvalidFramework, InvalidInput
from progression.population import (
    Curve,
    Population,
    _evaluate,
    aspirational,
    compare,
    curve,
    evaluate_population,
    sweep,
    threshold_curve,
)

matplotlib.use("Agg")

ENGINEERING = examples.load("engineering")
COMPANY = Population.from_tables(*examples.population(600, seed=3))


def _counts(framework: Any, population: Population) -> dict[tuple[str, str], list[int]]:
    """Per family and level: employees with a verdict, passing, ready, one evaluation."""
    counts: dict[tuple[str, str], list[int]] = {}
    for v in evaluate_population(framework, population).verdicts.to_pylist():
        if v["status"] is None:
            continue
        seen = counts.setdefault((v["family"], v["level"]), [0, 0, 0])
        seen[0] += 1
        seen[1] += bool(v["met_except_approval"])
        seen[2] += v["status"] == "ready"
    return counts


def _ready(framework: object, population: Population) -> dict[str, bool]:
    verdicts = evaluate_population(framework, population).verdicts.to_pylist()  # type: ignore[arg-type]
    return {v["employee_id"]: v["status"] == "ready" for v in verdicts if v["status"]}


def test_compare_finds_every_flip_and_its_criterion() -> None:
    lower = with_policy(ENGINEERING, threshold="3.2")
    result = compare(ENGINEERING, lower, COMPANY)
    before, after = _ready(ENGINEERING, COMPANY), _ready(lower, COMPANY)
    up = {e for e in before if after.get(e) and not before[e]}
    down = {e for e in before if before[e] and e in after and not after[e]}
    flips = result.flips.to_pylist()
    assert {f["employee_id"] for f in flips if f["flip"] == "became_ready"} == up
    assert {f["employee_id"] for f in flips if f["flip"] == "no_longer_ready"} == down
    assert up
    assert not down
    # Only the threshold moved: the average is what changed for each of them.
    assert {f["criterion"] for f in flips} == {"average_score"}
    assert all(f["code_b"] == "average_score.met" for f in flips)
    levels = result.to_pandas("levels")
    assert levels["became_ready"].sum() == len(up)
    assert (levels["ready_b"] - levels["ready_a"]).sum() == len(up) - len(down)
    assert result.version_a == f"{ENGINEERING.name} {ENGINEERING.version}"
    # with_policy keeps the version: the result tells the two sides apart.
    assert result.version_b == result.version_a
    assert (result.name_a, result.name_b) == (f"{result.version_a} (A)", f"{result.version_a} (B)")
    takes = result.to_pandas("what_it_takes")
    assert (takes["change"] <= 0).all()
    assert len(takes)
    assert "Flips" in result._repr_html_()


def test_compare_back_and_forth_is_symmetric() -> None:
    higher = with_policy(ENGINEERING, threshold="3.8")
    there = compare(ENGINEERING, higher, COMPANY)
    back = compare(higher, ENGINEERING, COMPANY)
    lost = pc.equal(there.flips["flip"], "no_longer_ready")
    gained = pc.equal(back.flips["flip"], "became_ready")
    assert sorted(there.flips.filter(lost)["employee_id"].to_pylist()) == sorted(
        back.flips.filter(gained)["employee_id"].to_pylist()
    )
    assert there.flips.num_rows > 0


def test_sweep_of_sustained_cycles_matches_an_evaluation_per_point() -> None:
    result = sweep(ENGINEERING, COMPANY, {"sustained": [1, 3]})
    assert result.evaluations == 1
    assert result.exact == 2
    for index, cycles in enumerate([1, 3]):
        verdicts = evaluate_population(with_policy(ENGINEERING, sustained=cycles), COMPANY)
        summary = verdicts.summary.to_pylist()
        rows = result.levels.filter(pc.equal(result.levels["policy"], index)).to_pylist()
        ready = {(r["family"], r["level"]): r["ready"] for r in rows}
        for row in summary:
            if row["level"] is not None and row["ready"]:
                assert ready[row["family"], row["level"]] == row["ready"]
    transitions = result.to_pandas("transitions")
    assert set(transitions["parameters"]) == {"sustained=1", "sustained=3"}


def test_sweep_reads_every_threshold_from_one_run() -> None:
    result = sweep(ENGINEERING, COMPANY, [{"threshold": t} for t in ("3", "3.4", "3.5", "4.2")])
    assert result.exact == 4
    assert result.evaluations == 1
    levels = result.to_pandas()
    # Monotone: a higher bar never passes more people.
    for _, rows in levels.groupby(["family", "level"]):
        assert list(rows.sort_values("policy")["passing"]) == sorted(rows["passing"], reverse=True)


# Averages of a few scores fall on quarters, thirds and tenths: ties with the threshold
# are common, so strict and non-strict comparisons both get tested.
THRESHOLDS = sorted({Fraction(k, d) for d in (3, 4, 10) for k in range(3 * d, 5 * d + 1)})


@settings(max_examples=10, deadline=None)
@given(
    size=st.integers(1, 120),
    seed=st.integers(0, 10_000),
    chosen=st.lists(st.sampled_from(THRESHOLDS), min_size=1, max_size=4, unique=True),
)
def test_threshold_curve_equals_evaluating_each_threshold(
    size: int, seed: int, chosen: list[Fraction]
) -> None:
    population = Population.from_tables(*examples.population(size, seed=seed))
    thresholds = chosen
    curve = threshold_curve(ENGINEERING, population, thresholds).table.to_pylist()
    for threshold in thresholds:
        counts = _counts(with_policy(ENGINEERING, threshold=threshold), population)
        mine = {
            (r["family"], r["level"]): [r["employees"], r["passing"], r["ready"]]
            for r in curve
            if Fraction(r["threshold_numerator"], r["threshold_denominator"]) == threshold
        }
        assert mine == counts


def test_threshold_curve_plot(tmp_path: Path) -> None:
    curve = threshold_curve(ENGINEERING, COMPANY)
    table = curve.to_pandas()
    assert table["threshold_value"].min() == 3  # the floors of the policies
    assert table["threshold_value"].max() == ENGINEERING.scale.max
    figure = curve.plot()
    figure.savefig(tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 0
    assert len(figure.axes[0].lines) == table.groupby(["family", "level"]).ngroups
    assert "threshold" in curve._repr_html_()


def test_aspirational_findings_carry_the_measured_rate() -> None:
    findings = aspirational(ENGINEERING, COMPANY, low=0.05, high=0.60)
    rates = sweep(ENGINEERING, COMPANY, [{"threshold": ENGINEERING_THRESHOLD}]).transitions
    below = {(r["family"], r["level"]) for r in rates.to_pylist() if r["pass_rate"] < 0.05}
    low = [f for f in findings if f.code == "PW101"]
    assert len(low) == len(below)
    assert low
    for finding in low:
        assert "%" in finding.message
        assert finding.segments[0] == "policies"
    everyone = aspirational(ENGINEERING, COMPANY, low=0.0, high=0.001)
    assert {f.code for f in everyone} == {"PW102"}
    assert not aspirational(ENGINEERING, COMPANY, low=0.0, high=1.0)
    np.testing.assert_equal(len(aspirational(ENGINEERING, COMPANY, low=0.99, high=1.0)) > 0, True)


ENGINEERING_THRESHOLD = ENGINEERING.policy("engineering", "IC3", "IC4").criteria[0].threshold  # type: ignore[union-attr]


def test_compare_names_the_frameworks_as_asked() -> None:
    lower = with_policy(ENGINEERING, threshold="3.2")
    named = compare(ENGINEERING, lower, COMPANY, names=("today", "lower bar"))
    assert (named.name_a, named.name_b) == ("today", "lower bar")
    assert "today against lower bar" in named._repr_html_()
    other = examples.load("sales")
    plain = compare(ENGINEERING, other, COMPANY)
    assert plain.name_a == f"{ENGINEERING.name} {ENGINEERING.version}"
    assert plain.name_b == f"{other.name} {other.version}"
    for bad in [("same", "same"), ("only",), ("a", ""), "ab"]:
        with pytest.raises(InvalidInput, match="compare names"):
            compare(ENGINEERING, lower, COMPANY, names=bad)  # type: ignore[arg-type]


# Floors stay at or below every threshold drawn, as the framework asks.
MONOTONE_VALUES: dict[str, Any] = {
    "threshold": st.sampled_from(THRESHOLDS),
    "floor": st.integers(1, 3),
    "sustained": st.integers(1, 5),
    "time_in_level": st.integers(1, 9),
}
# Settings that are not monotone: each costs a run of its own, with the monotone
# parameters read from critical values inside it.
OTHERS: list[dict[str, Any]] = [
    {},
    {"strict": True},
    {"family": "engineering"},
    {"to_level": "IC4"},
    {"track": "management"},
    {"drop": "calibration"},
]


@st.composite
def points(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(sorted(MONOTONE_VALUES)), min_size=1, unique=True))
    point = {name: draw(MONOTONE_VALUES[name]) for name in names}
    return {**draw(st.sampled_from(OTHERS)), **point}


def _with_single_evaluations(run: Any) -> Any:
    """Employees flagged for the single evaluator: every third, besides the run's own."""
    original = _evaluate._Run.suspects

    def suspects(self: Any) -> Any:
        found = original(self)
        found[::3] = True
        return found & (self.pop._family >= 0)

    with mock.patch.object(_evaluate._Run, "suspects", suspects):
        return run()


@settings(max_examples=12, deadline=None)
@given(
    size=st.integers(1, 80),
    seed=st.integers(0, 10_000),
    grid=st.one_of(
        st.lists(points(), min_size=1, max_size=6),
        st.fixed_dictionaries(
            {
                "threshold": st.lists(st.sampled_from(THRESHOLDS), min_size=1, max_size=3),
                "floor": st.lists(st.integers(1, 3), min_size=1, max_size=2),
                "sustained": st.lists(st.integers(1, 5), min_size=1, max_size=3),
                "time_in_level": st.lists(st.integers(1, 9), min_size=1, max_size=2),
            }
        ),
    ),
    single=st.booleans(),
)
def test_sweep_equals_evaluating_each_point(size: int, seed: int, grid: Any, single: bool) -> None:
    population = Population.from_tables(*examples.population(size, seed=seed))

    def run() -> Any:
        return sweep(ENGINEERING, population, grid)

    result = _with_single_evaluations(run) if single else run()
    chosen = (
        [dict(zip(grid, v, strict=True)) for v in itertools.product(*grid.values())]
        if isinstance(grid, dict)
        else grid
    )
    # Every point is read from critical values, one run per setting of the others.
    assert result.exact == len(chosen)
    groups = {
        (
            tuple(sorted((k, repr(v)) for k, v in p.items() if k not in MONOTONE_VALUES)),
            frozenset(p) & set(MONOTONE_VALUES),
        )
        for p in chosen
    }
    assert result.evaluations == len(groups)
    rows = result.levels.to_pylist()
    for index, point in enumerate(chosen):
        mine = {
            (r["family"], r["level"]): [r["employees"], r["passing"], r["ready"]]
            for r in rows
            if r["policy"] == index
        }
        assert mine == _counts(with_policy(ENGINEERING, **point), population), point


def test_a_grid_over_four_parameters_costs_one_run() -> None:
    grid = {
        "threshold": ["3", "3.5"],
        "floor": [2, 3],
        "sustained": [1, 3],
        "time_in_level": [2, 6],
    }
    result = sweep(ENGINEERING, COMPANY, grid)
    assert (result.evaluations, result.exact) == (1, 16)
    levels = result.to_pandas()
    # Harder on every parameter never passes more people.
    easiest = levels[levels["parameters"] == "threshold=3, floor=2, sustained=1, time_in_level=2"]
    hardest = levels[levels["parameters"] == "threshold=3.5, floor=3, sustained=3, time_in_level=6"]
    assert (easiest["passing"].to_numpy() >= hardest["passing"].to_numpy()).all()
    assert easiest["passing"].sum() > hardest["passing"].sum()


def test_points_setting_different_parameters_get_a_run_each() -> None:
    grid = [
        {"threshold": "3.5"},
        {"threshold": "4"},
        {"floor": 2},
        {"strict": True},
        {"strict": True},
    ]
    result = sweep(ENGINEERING, COMPANY, grid)
    # Thresholds share a run, the floor has its own, the repeated strict point one.
    assert (result.evaluations, result.exact) == (3, 3)
    strict = result.levels.filter(pc.equal(result.levels["policy"], 3))
    again = result.levels.filter(pc.equal(result.levels["policy"], 4))
    assert strict["passing"].to_pylist() == again["passing"].to_pylist()


def test_a_point_the_framework_refuses_is_refused_by_the_sweep() -> None:
    with pytest.raises(InvalidFramework, match="floor"):
        sweep(ENGINEERING, COMPANY, {"floor": [3, 9]})


@pytest.mark.parametrize(
    ("parameter", "values"),
    [("floor", [1, 2, 3]), ("sustained", [1, 2, 4]), ("time_in_level", [1, 4, 8])],
)
def test_curve_equals_evaluating_each_value(
    parameter: str, values: list[int], tmp_path: Path
) -> None:
    population = Population.from_tables(*examples.population(150, seed=11))
    found = curve(ENGINEERING, population, parameter, values)
    assert isinstance(found, Curve)
    assert found.parameter == parameter
    assert found.table.column_names[:3] == [parameter, "family", "level"]
    rows = found.table.to_pylist()
    for value in values:
        mine = {
            (r["family"], r["level"]): [r["employees"], r["passing"], r["ready"]]
            for r in rows
            if r[parameter] == value
        }
        point: dict[str, Any] = {parameter: value}
        assert mine == _counts(with_policy(ENGINEERING, **point), population)
    figure = found.plot()
    figure.savefig(tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 0
    assert len(figure.axes[0].lines) == found.to_pandas().groupby(["family", "level"]).ngroups
    assert figure.axes[0].get_xlabel()
    assert "Pass rate against the" in found._repr_html_()


def test_curve_defaults_and_fixed_arguments() -> None:
    floors = curve(ENGINEERING, COMPANY, "floor").to_pandas()
    # Floors above the policies' thresholds (3.5) are refused: 1, 2 and 3 remain.
    assert sorted(floors["floor"].unique()) == [1, 2, 3]
    cycles = curve(ENGINEERING, COMPANY, "sustained").to_pandas()
    assert sorted(cycles["sustained"].unique()) == [1, 2, 3, 4]  # twice the 2 asked
    mine = curve(ENGINEERING, COMPANY, "sustained", [3], family="engineering", strict=True)
    rows = {(r["family"], r["level"]): r["passing"] for r in mine.table.to_pylist()}
    counts = _counts(
        with_policy(ENGINEERING, sustained=3, family="engineering", strict=True), COMPANY
    )
    assert rows == {k: v[1] for k, v in counts.items()}


def test_curve_refuses_a_parameter_that_is_not_monotone() -> None:
    with pytest.raises(InvalidInput, match="'threshold', 'floor', 'sustained' or 'time_in_level'"):
        curve(ENGINEERING, COMPANY, "strict", [True])
    with pytest.raises(InvalidInput, match="also fixed"):
        curve(ENGINEERING, COMPANY, "floor", [2], floor=3)
