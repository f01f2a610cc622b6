"""The columnar score checks, in the scores' narrow types, agree with the scalar checks.

The population engine hands `ScoreKind.check_columns` int8 arrays; the kinds add them
up in the narrowest type that holds a total, look averages up in a table, and take the
lowest score in the scores' own type. Every cell must still give what `check` gives.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from progression import Cycle
from progression._evaluation._kinds import (
    OUTCOMES,
    AverageScoreKind,
    MeetsExpectationsKind,
    ScoreFloorKind,
    ScoreKind,
)
from progression._policy import AverageScore, MeetsExpectations, ScoreFloor

CYCLE = Cycle.parse("2026-Q1")
CELLS = 6


@st.composite
def cells(draw: st.DrawFn, count: int) -> tuple[list[Any], list[Any], Any]:
    """Scores over the whole int8 range, which of them are rated, and reviewed cells."""
    scores = st.integers(-127, 127) | st.sampled_from([-127, 0, 1, 5, 126, 127])
    values = [np.array(draw(st.lists(scores, min_size=CELLS, max_size=CELLS)), np.int8)]
    values += [
        np.array(draw(st.lists(scores, min_size=CELLS, max_size=CELLS)), np.int8)
        for _ in range(count - 1)
    ]
    flags = st.lists(st.booleans(), min_size=CELLS, max_size=CELLS)
    rated = [np.array(draw(flags), bool) for _ in range(count)]
    reviewed = np.array(draw(flags), bool)
    return values, rated, reviewed


def agree(kind: ScoreKind, values: list[Any], rated: list[Any], reviewed: Any) -> None:
    outcome, key, known = kind.check_columns(values, rated, reviewed)
    for cell in range(CELLS):
        scores = (
            {
                c: int(v[cell])
                for c, v, r in zip(kind.competencies, values, rated, strict=True)
                if r[cell]
            }
            if reviewed[cell]
            else None
        )
        expected = kind.check(CYCLE, scores)
        assert OUTCOMES[outcome[cell]] is expected.outcome, (cell, scores)
        if known[cell]:
            assert kind.decode(int(key[cell])) == expected.observed, (cell, scores)
        else:
            assert expected.observed is None or expected.outcome is not OUTCOMES[1], cell


@given(
    st.integers(1, 4).flatmap(
        lambda k: st.tuples(
            cells(k),
            st.lists(st.integers(1, 20_000) | st.just(1), min_size=k, max_size=k),
        )
    ),
    st.fractions(-130, 130, max_denominator=7),
    st.booleans(),
)
def test_averages_in_narrow_types_agree_with_the_scalar_check(
    data: tuple[tuple[list[Any], list[Any], Any], list[int]], threshold: Fraction, strict: bool
) -> None:
    (values, rated, reviewed), weights = data
    names = tuple(f"c{i}" for i in range(len(values)))
    kind = AverageScoreKind(
        criterion=AverageScore(threshold=threshold, strict=strict),
        position=0,
        competencies=names,
        required=threshold,
        weights=tuple(weights),
        total_weight=sum(weights),
        numerator=threshold.numerator,
        denominator=threshold.denominator,
        strict=strict,
    )
    agree(kind, values, rated, reviewed)


@given(st.integers(1, 4).flatmap(cells), st.integers(-130, 300))
def test_floors_in_narrow_types_agree_with_the_scalar_check(
    data: tuple[list[Any], list[Any], Any], floor: int
) -> None:
    values, rated, reviewed = data
    names = tuple(f"c{i}" for i in range(len(values)))
    kind = ScoreFloorKind(
        criterion=ScoreFloor(floor=floor),
        position=0,
        competencies=names,
        required=floor,
        floor=floor,
        needs=(floor,) * len(names),
    )
    agree(kind, values, rated, reviewed)


@given(
    st.integers(1, 4).flatmap(
        lambda k: st.tuples(cells(k), st.lists(st.integers(-130, 300), min_size=k, max_size=k))
    )
)
def test_expectations_in_narrow_types_agree_with_the_scalar_check(
    data: tuple[tuple[list[Any], list[Any], Any], list[int]],
) -> None:
    (values, rated, reviewed), needs = data
    names = tuple(f"c{i}" for i in range(len(values)))
    kind = MeetsExpectationsKind(
        criterion=MeetsExpectations(),
        position=0,
        competencies=names,
        required=0,
        needs=tuple(needs),
    )
    agree(kind, values, rated, reviewed)


def test_an_average_whose_totals_span_more_than_its_accumulator_holds() -> None:
    # Totals from -127 * 255 to 127 * 255 fit int16, their span does not.
    values = [np.array([-127, 127, 0, -1, 1, 126], np.int8)]
    rated = [np.ones(CELLS, bool)]
    for threshold in (Fraction(-127), Fraction(0), Fraction(1, 2), Fraction(127)):
        kind = AverageScoreKind(
            criterion=AverageScore(threshold=threshold),
            position=0,
            competencies=("c0",),
            required=threshold,
            weights=(255,),
            total_weight=255,
            numerator=threshold.numerator,
            denominator=threshold.denominator,
        )
        agree(kind, values, rated, np.ones(CELLS, bool))
