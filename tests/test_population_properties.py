"""The population engine equals the single evaluator, employee by employee, bit for bit."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any
from unittest import mock

import attrs
import numpy as np
import pyarrow as pa
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from progression import (
    Cycle,
    EvaluationError,
    Framework,
    InvalidHistory,
    Rater,
    Rating,
    RatingHistory,
    Verdict,
    evaluate,
    examples,
    strategies,
)
from progression.population import Population, PopulationVerdicts, _population, evaluate_population

FRAMEWORKS = {name: examples.load(name) for name in examples.names()}


def observed_of(text: str | None) -> Any:
    """The exact value a criteria row's text stands for."""
    if text is None:
        return None
    if text in {"true", "false"}:
        return text == "true"
    value = Fraction(text)
    return value.numerator if value.denominator == 1 else value


def same_value(row: dict[str, Any], prefix: str, value: Any) -> None:
    got = observed_of(row[prefix])
    assert got == value, (prefix, got, value)
    # Exact values compare by value (a threshold of 3 is Fraction(3) in the policy);
    # a flag stays a flag.
    assert isinstance(got, bool) == isinstance(value, bool), (prefix, got, value)
    if value is None:
        assert row[f"{prefix}_numerator"] is None
        assert row[f"{prefix}_value"] is None
        return
    exact = Fraction(int(value)) if isinstance(value, bool) else Fraction(value)
    if row[f"{prefix}_numerator"] is not None:
        assert Fraction(row[f"{prefix}_numerator"], row[f"{prefix}_denominator"]) == exact
    assert row[f"{prefix}_value"] == float(exact)


def text(cycle: Cycle | None) -> str | None:
    return None if cycle is None else str(cycle)


def check_employee(
    verdict_row: dict[str, Any],
    criteria: Sequence[dict[str, Any]],
    errors: Sequence[dict[str, Any]],
    expected: Verdict | EvaluationError | InvalidHistory,
) -> None:
    employee = verdict_row["employee_id"]
    if isinstance(expected, InvalidHistory):
        assert verdict_row["status"] is None
        assert not criteria
        assert sorted(e["message"] for e in errors) == sorted(
            p.message for p in expected.problems
        ), employee
        assert {e["code"] for e in errors} == {"invalid_history"}
        return
    if isinstance(expected, EvaluationError):
        assert verdict_row["status"] is None
        assert not criteria
        assert [(e["code"], e["message"]) for e in errors] == [(expected.code, expected.message)]
        return
    assert not errors, errors
    assert verdict_row["status"] == expected.status.value
    assert verdict_row["met_except_approval"] == expected.met_except_approval
    assert verdict_row["ready_since"] == text(expected.ready_since)
    assert verdict_row["earliest"] == text(expected.earliest)
    assert verdict_row["as_of"] == str(expected.as_of)
    assert verdict_row["level"] == expected.current_level
    assert verdict_row["target"] == expected.target_level
    assert verdict_row["target_family"] == expected.target_family
    assert verdict_row["route"] == expected.route
    assert verdict_row["family"] == expected.family
    assert [c["position"] for c in criteria] == list(range(len(expected.criteria)))
    for row, result in zip(criteria, expected.criteria, strict=True):
        assert row["kind"] == result.criterion.kind
        assert row["code"] == result.code, (employee, row, result)
        assert row["outcome"] == result.outcome.value
        same_value(row, "observed", result.observed)
        same_value(row, "required", result.required)


def check_population(
    framework: Framework,
    histories: Sequence[RatingHistory],
    result: PopulationVerdicts,
    *,
    target: str | None = None,
    as_of: str | None = None,
) -> None:
    verdicts = result.verdicts.to_pylist()
    assert [v["employee_id"] for v in verdicts] == [h.employee for h in histories]
    criteria: dict[str, list[dict[str, Any]]] = {}
    for row in result.criteria.to_pylist():
        criteria.setdefault(row["employee_id"], []).append(row)
    errors: dict[str, list[dict[str, Any]]] = {}
    for row in result.errors.to_pylist():
        errors.setdefault(row["employee_id"], []).append(row)
    assert result.fallbacks == 0
    for history, row in zip(histories, verdicts, strict=True):
        expected: Verdict | EvaluationError | InvalidHistory
        try:
            expected = evaluate(framework, history, target=target, as_of=as_of)
        except (EvaluationError, InvalidHistory) as exc:
            expected = exc
        mine = errors.get(history.employee, [])
        check_employee(row, criteria.get(history.employee, []), mine, expected)
        assert row["errors"] == len(mine)


@st.composite
def broken(draw: st.DrawFn, history: RatingHistory, framework: Framework) -> RatingHistory:
    """A history with a rating the framework refuses: off the scale, or not rated then."""
    reviews = list(history.reviews)
    if not reviews:
        return history
    index = draw(st.integers(0, len(reviews) - 1))
    review = reviews[index]
    ratings = list(review.ratings)
    scale = framework.scale
    replace = draw(st.booleans())
    if ratings and replace:
        at = draw(st.integers(0, len(ratings) - 1))
        score = draw(st.sampled_from([scale.min - 1, scale.max + 1, scale.max + 200]))
        ratings[at] = attrs.evolve(ratings[at], score=score)
    else:
        # A competency of another track or family, or none at all.
        known = sorted(
            {c.id for f in framework.job_families for t in f.tracks for c in t.competencies}
        )
        rated = {r.competency for r in ratings if r.rater is Rater.MANAGER}
        choices = [c for c in known if c not in rated] + ["no-such-competency"]
        ratings.append(Rating(competency=draw(st.sampled_from(choices)), score=scale.min))
    reviews[index] = attrs.evolve(review, ratings=ratings)
    return attrs.evolve(history, reviews=reviews)


@st.composite
def populations(draw: st.DrawFn) -> tuple[Framework, list[RatingHistory], str | None, str | None]:
    """A framework, a few histories (some broken), a target for all, and an as_of."""
    if draw(st.booleans()):
        framework = FRAMEWORKS[draw(st.sampled_from(sorted(FRAMEWORKS)))]
    else:
        framework = draw(strategies.frameworks())
    count = draw(st.integers(1, 6))
    histories = []
    for index in range(count):
        history = draw(strategies.rating_histories(framework, high_scores=draw(st.booleans())))
        if not draw(st.integers(0, 5)):
            history = draw(broken(history, framework))
        if not draw(st.integers(0, 9)):
            # No level at all: reported as the single evaluator does, or evaluated
            # against a target like it.
            history = attrs.evolve(history, levels=[])
        histories.append(attrs.evolve(history, employee=f"e{index}"))
    target = None
    if draw(st.integers(0, 3)) == 0:
        family = framework.family(histories[0].family)
        target = draw(st.sampled_from([lv.id for t in family.tracks for lv in t.levels]))
    as_of = None
    if draw(st.integers(0, 3)) == 0:
        cycles = [c for h in histories for c in h.cycles()]
        if cycles:
            low = min(cycles)
            as_of = str(low.shift(draw(st.integers(-1, 9))))
    return framework, histories, target, as_of


@settings(deadline=None)
@given(case=populations())
def test_the_population_engine_equals_the_single_evaluator(
    case: tuple[Framework, list[RatingHistory], str | None, str | None],
) -> None:
    framework, histories, target, as_of = case
    population = Population.from_histories(histories)
    result = evaluate_population(framework, population, target=target, as_of=as_of)
    check_population(framework, histories, result, target=target, as_of=as_of)


@settings(deadline=None, max_examples=30)
@given(case=populations())
def test_the_long_tables_hold_the_same_population(
    case: tuple[Framework, list[RatingHistory], str | None, str | None],
) -> None:
    framework, histories, target, as_of = case
    population = Population.from_histories(histories)
    again = Population.from_tables(*population.to_tables())
    first = evaluate_population(framework, population, target=target, as_of=as_of)
    second = evaluate_population(framework, again, target=target, as_of=as_of)
    # A review with neither ratings nor events has no row in the tables: it may differ.
    # Nor has a history without a level assignment its family and track there.
    empty = any(
        not r.ratings and not r.evidence and not r.approvals for h in histories for r in h.reviews
    ) or any(not h.levels for h in histories)
    if not empty:
        assert first.verdicts.equals(second.verdicts)
        assert first.criteria.to_pylist() == second.criteria.to_pylist()


def test_the_sample_team_as_tables_and_files(tmp_path: Any) -> None:
    framework = FRAMEWORKS["engineering"]
    histories = examples.team()
    ratings, levels, events = examples.team_files()
    population = Population.read(ratings, levels, events)
    result = evaluate_population(framework, population)
    check_population(framework, histories, result)
    assert isinstance(population.employees, pa.StringArray)
    assert len(population) == len(histories)


def same_layout(first: Any, second: Any) -> bool:
    """Whether two of the population's private values are equal, array by array."""
    if isinstance(first, np.ndarray):
        return (
            isinstance(second, np.ndarray)
            and first.dtype == second.dtype
            and np.array_equal(first, second)
        )
    if isinstance(first, pa.Array | pa.ChunkedArray):
        return bool(first.equals(second))
    if isinstance(first, _population._Blocks):
        return all(
            same_layout(getattr(first, name), getattr(second, name))
            for name in _population._Blocks.__slots__
        )
    if isinstance(first, list):
        return len(first) == len(second) and all(map(same_layout, first, second))
    if isinstance(first, dict):
        return first.keys() == second.keys() and all(
            same_layout(first[k], second[k]) for k in first
        )
    return bool(first == second)


@settings(deadline=None, max_examples=40)
@given(case=populations(), seed=st.integers(0, 2**32 - 1), chunks=st.integers(1, 4))
def test_rows_in_any_order_and_chunks_load_the_same_population(
    case: tuple[Framework, list[RatingHistory], str | None, str | None], seed: int, chunks: int
) -> None:
    framework, histories, _, _ = case
    # The long tables hold no family for an employee without a level assignment.
    histories = [h for h in histories if h.levels]
    assume(histories)
    ratings, levels, events = Population.from_histories(histories).to_tables()
    # As an export writes them (each employee's rows together), split into row groups.
    size = max(1, -(-ratings.num_rows // chunks))
    grouped = Population.from_tables(
        pa.Table.from_batches(ratings.to_batches(max_chunksize=size), ratings.schema),
        levels,
        events,
    )
    # The general path gives the same layout, array for array.
    with mock.patch.object(_population, "_grouped_cubes", return_value=None):
        general = Population.from_tables(ratings, levels, events)
    for name in Population.__slots__:
        if name != "_cache":
            assert same_layout(getattr(grouped, name), getattr(general, name)), name
    # Rows in any order hold the same scores.
    order = pa.array(np.random.default_rng(seed).permutation(ratings.num_rows), pa.int64())
    shuffled = Population.from_tables(ratings.take(order), levels, events)
    assert sorted(shuffled.to_tables()[0].to_pylist(), key=repr) == sorted(
        ratings.to_pylist(), key=repr
    )
    first = evaluate_population(framework, grouped)
    second = evaluate_population(framework, shuffled)
    assert first.verdicts.equals(second.verdicts)
    assert first.criteria.to_pylist() == second.criteria.to_pylist()
