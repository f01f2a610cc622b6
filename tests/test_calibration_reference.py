"""Rater drift against a loop-by-loop reading of its definition, on small random companies.

The analysis reads the population in chunks of employees and keeps sums per cell and per
(rater, cell); the reference below follows the module docstring of
`progression.population._calibration` one score at a time, with dictionaries. Companies
have raters who rate people at several levels, promotions, cycles without a review,
calibrated scores that replace the manager's and self ratings; chunks as small as one
employee put every rater's scores in several chunks.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any
from unittest import mock

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from progression import examples
from progression.population import _calibration, rater_drift

ENGINEERING = examples.load("engineering")
COMPETENCIES = [c.id for c in ENGINEERING.family("engineering").track("ic").competencies][:3]
CYCLES = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
LEVELS = ["IC1", "IC2", "IC3", "IC4"]
PREFERRED = [r.value for r in ENGINEERING.raters]

Rating = tuple[str, str, str, int, str, str]  # employee, cycle, competency, score, role, id
Assignment = tuple[str, str, str]  # employee, level, since


@st.composite
def companies(draw: st.DrawFn) -> tuple[list[Rating], list[Assignment]]:
    ratings: list[Rating] = []
    assignments: list[Assignment] = []
    for e in range(draw(st.integers(2, 9))):
        employee = f"e{e}"
        level = draw(st.integers(0, 2))
        # Some start after the first review: their earlier scores have no level.
        assignments.append((employee, LEVELS[level], draw(st.sampled_from(CYCLES[:2]))))
        if draw(st.booleans()):
            assignments.append((employee, LEVELS[level + 1], "2025-Q1"))
        for cycle in CYCLES:
            if not draw(st.booleans()):
                continue  # no review this cycle
            manager = draw(st.sampled_from(["m0", "m1", "m2"]))
            for competency in COMPETENCIES:
                if draw(st.integers(0, 4)) == 0:
                    continue
                ratings.append(
                    (employee, cycle, competency, draw(st.integers(1, 5)), "manager", manager)
                )
                if draw(st.integers(0, 4)) == 0:
                    panel = draw(st.sampled_from(["p0", "m1"]))
                    score = draw(st.integers(1, 5))
                    ratings.append((employee, cycle, competency, score, "calibrated", panel))
                if draw(st.integers(0, 2)) == 0:
                    score = draw(st.integers(1, 5))
                    ratings.append((employee, cycle, competency, score, "self", employee))
    return ratings, assignments


def tables(ratings: list[Rating], assignments: list[Assignment]) -> tuple[pa.Table, pa.Table]:
    columns = ("employee_id", "cycle", "competency", "score", "rater", "rater_id")
    rating_table = pa.table(
        {name: [row[i] for row in ratings] for i, name in enumerate(columns)},
        schema=pa.schema([(n, pa.int64() if n == "score" else pa.string()) for n in columns]),
    )
    level_table = pa.table(
        {
            "employee_id": [a[0] for a in assignments],
            "family": ["engineering"] * len(assignments),
            "track": ["ic"] * len(assignments),
            "level": [a[1] for a in assignments],
            "since": [a[2] for a in assignments],
        }
    )
    return rating_table, level_table


def held(assignments: list[Assignment], employee: str, cycle: str) -> str | None:
    mine = sorted((a[2], a[1]) for a in assignments if a[0] == employee and a[2] <= cycle)
    return mine[-1][1] if mine else None


def reference(
    ratings: list[Rating], assignments: list[Assignment], min_ratings: int, alpha: float
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Per rater and per competency, the rows `rater_drift` should give, one score at a time."""
    given_: dict[tuple[str, str, str], dict[str, tuple[int, str]]] = {}
    for employee, cycle, competency, score, role, rater in ratings:
        given_.setdefault((employee, cycle, competency), {})[role] = (score, rater)
    cells: dict[tuple[str, str, str], list[tuple[str, str, int]]] = {}
    for (employee, cycle, competency), by_role in given_.items():
        counted = next((r for r in PREFERRED if r in by_role), None)
        holding = held(assignments, employee, cycle)
        if counted is None or holding is None:
            continue
        score, rater = by_role[counted]
        cells.setdefault((holding, cycle, competency), []).append((rater, employee, score))
    residuals: dict[str, list[tuple[str, float]]] = {}
    share: dict[str, float] = {}
    for entries in cells.values():
        for rater in {r for r, _, _ in entries}:
            own = [s for r, _, s in entries if r == rater]
            others = [s for r, _, s in entries if r != rater]
            if not others:
                continue
            share[rater] = share.get(rater, 0.0) + len(own) / math.sqrt(len(others))
            mean = sum(others) / len(others)
            for r, employee, score in entries:
                if r == rater:
                    residuals.setdefault(rater, []).append((employee, score - mean))
    everyone = {row[5] for row in ratings}
    difference = {r: sum(v for _, v in rows) / len(rows) for r, rows in residuals.items()}
    clusters: dict[tuple[str, str], list[float]] = {}
    for rater, rows in residuals.items():
        for employee, value in rows:
            clusters.setdefault((rater, employee), []).append(value)
    spread = sum((sum(v) / len(v) - difference[r]) ** 2 for (r, _), v in clusters.items())
    freedom = len(clusters) - len(residuals)
    unit = math.sqrt(spread / freedom) if freedom > 0 else math.nan
    compared = sum(len(rows) for rows in residuals.values())
    single = math.sqrt(
        sum((v - difference[r]) ** 2 for r, rows in residuals.items() for _, v in rows)
        / max(compared - len(everyone), 1)
    )
    normal = NormalDist()
    found: dict[str, dict[str, Any]] = {}
    for rater, rows in residuals.items():
        n = len(rows)
        mine = [len(v) for (r, _), v in clusters.items() if r == rater]
        own_part = unit**2 * sum((k / n) ** 2 for k in mine)
        error = math.sqrt(own_part + (single * share[rater] / n) ** 2)
        tested = n >= min_ratings and len(mine) >= 2 and error > 0
        p_value = 2 * (1 - normal.cdf(abs(difference[rater] / error))) if tested else math.nan
        found[rater] = {
            "ratings": n,
            "employees": len(mine),
            "difference": difference[rater],
            "error": error,
            "p_value": p_value,
            "tested": tested,
        }
    # Benjamini-Hochberg: every tested p-value up to the largest p_(k) <= alpha k / m.
    ranked = sorted(row["p_value"] for row in found.values() if row["tested"])
    rejected = max((k for k, p in enumerate(ranked, 1) if p <= alpha * k / len(ranked)), default=0)
    for row in found.values():
        row["flagged"] = rejected > 0 and row["tested"] and row["p_value"] <= ranked[rejected - 1]
    level = 1 - max(rejected, 1) * alpha / max(len(ranked), 1)
    for row in found.values():
        half = normal.inv_cdf(1 - (1 - level) / 2) * row.pop("error")
        row["low"], row["high"] = row["difference"] - half, row["difference"] + half
    return found, self_gaps(ratings, alpha)


def self_gaps(ratings: list[Rating], alpha: float) -> dict[str, dict[str, Any]]:
    scores = {(e, c, k, role): s for e, c, k, s, role, _ in ratings}
    quantile = NormalDist().inv_cdf(1 - alpha / 2)
    found = {}
    for competency in COMPETENCIES:
        units: dict[str, list[int]] = {}
        for (employee, cycle, k, role), score in scores.items():
            manager = scores.get((employee, cycle, k, "manager"))
            if k == competency and role == "self" and manager is not None:
                units.setdefault(employee, []).append(score - manager)
        n = sum(len(gaps) for gaps in units.values())
        if not n:
            continue
        mean = sum(sum(gaps) for gaps in units.values()) / n
        people = len(units)
        deviations = sum((sum(g) - len(g) * mean) ** 2 for g in units.values())
        error = math.sqrt(people / (people - 1) * deviations) / n if people > 1 else math.nan
        found[competency] = {
            "pairs": n,
            "employees": people,
            "gap": mean,
            "low": mean - quantile * error,
            "high": mean + quantile * error,
        }
    return found


def close(a: Any, b: Any) -> bool:
    """Equal, to rounding for floats; the table holds a missing value for NaN."""
    if a is None and isinstance(b, float):
        return math.isnan(b)
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-12)
    return bool(a == b)


@given(
    companies(),
    st.sampled_from([1, 3, 8]),
    st.sampled_from([0.05, 0.5]),
    st.sampled_from([1, 3, 1000]),
    st.sampled_from([63, 0]),
    st.booleans(),
    st.sampled_from([1, 1024]),
    st.sampled_from([16, 1]),
)
def test_rater_drift_matches_the_definition_score_by_score(  # noqa: PLR0917 - the draws
    company: tuple[list[Rating], list[Assignment]],
    min_ratings: int,
    alpha: float,
    chunk: int,
    packed_bits: int,
    calibrated: bool,
    groups: int,
    scan: int,
) -> None:
    ratings, assignments = company
    if not calibrated:
        # The manager's scores alone count: read block by block, as most companies are.
        ratings = [row for row in ratings if row[4] != "calibrated"]
    raters, gaps = reference(ratings, assignments, min_ratings, alpha)
    # No bits to pack a pair's sum and count in keeps them apart, as very large sums do;
    # one group per block of the means; every score block read for its levels' places.
    with (
        mock.patch.object(_calibration, "_CHUNK", chunk),
        mock.patch.object(_calibration, "_PACKED_BITS", packed_bits),
        mock.patch.object(_calibration, "_GROUPS", groups),
        mock.patch.object(_calibration, "_SCAN", scan),
    ):
        drift = rater_drift(ENGINEERING, tables(ratings, assignments), min_ratings=min_ratings)
        if alpha != 0.05:
            drift = rater_drift(
                ENGINEERING, tables(ratings, assignments), min_ratings=min_ratings, alpha=alpha
            )
    rows = drift.raters.to_pylist()
    assert {row["rater_id"] for row in rows} == set(raters)
    for row in rows:
        expected = raters[row["rater_id"]]
        for name, value in expected.items():
            assert close(row[name], value), (row["rater_id"], name, row[name], value)
    differences = [row["difference"] for row in rows]
    assert differences == sorted(differences, reverse=True)
    found = {row.pop("competency"): row for row in drift.self_gaps.to_pylist()}
    assert list(found) == [c for c in COMPETENCIES if c in gaps]
    for competency, row in found.items():
        for name, value in gaps[competency].items():
            assert close(row[name], value), (competency, name, row[name], value)
