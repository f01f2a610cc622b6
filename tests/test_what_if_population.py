"""compare, sweep, threshold_curve and aspirational against the engine they stand on.

The threshold curve is read from critical values of one run; a property holds it to
evaluating `with_policy` at each threshold, on small random companies.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import matplotlib
import numpy as np
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from progression import examples, with_policy
from progression.population import (
    Population,
    aspirational,
    compare,
    evaluate_population,
    sweep,
    threshold_curve,
)

matplotlib.use("Agg")

ENGINEERING = examples.load("engineering")
COMPANY = Population.from_tables(*examples.population(600, seed=3))


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
        verdicts = evaluate_population(
            with_policy(ENGINEERING, threshold=threshold), population
        ).verdicts.to_pylist()
        counts: dict[tuple[str, str], list[int]] = {}
        for v in verdicts:
            if v["status"] is None:
                continue
            seen = counts.setdefault((v["family"], v["level"]), [0, 0, 0])
            seen[0] += 1
            seen[1] += bool(v["met_except_approval"])
            seen[2] += v["status"] == "ready"
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
