"""The columns the calibration analyses read, built from a population's long tables.

`Columns.build` takes the three long tables of the CSV exports (or anything with a
``to_tables()`` method that returns them, such as a `Population`) and lays them out as
numpy arrays over dense codes:

- employees ``0..E-1`` in order of their first level row; each has a current
  assignment (its latest ``since``): ``family``, ``track`` and ``level``;
- cycles ``0..T-1``: the ordinals from the first to the last cycle rated;
- competencies ``0..C-1``: every competency id of the framework, in file order;
- levels: every ``(family, level)`` of the framework, coded ``0..L-1`` (unknown: -1);
- ``held[e, t]``: the level employee ``e`` holds in cycle ``t`` (-1 before the first);
- ``counted[e, t, c]``: the counted score, as the evaluator picks it: the score of the
  first rater in the framework's ``raters`` list who scored that competency in that
  cycle (`MISSING` where none did), and ``counted_by[e, t, c]``, the rater id code
  of that score (-1 where none is recorded);
- ``by_role[role][e, t, c]``: each role's scores, for the self versus manager gaps.

Only the rows the analyses need are kept: scores off the rater list and unknown
competencies are left out (the evaluator reports those; analyses only compare).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._history import Cycle
from .._model import Framework
from .._policy import Rater

__all__ = ["MISSING", "Columns", "long_tables"]

#: The score of a cell nobody rated (scores are stored as int16).
MISSING = np.iinfo(np.int16).min


def long_tables(population: Any) -> tuple[pa.Table, pa.Table]:
    """The ratings and levels tables of a population, or of a (ratings, levels, events) tuple."""
    if hasattr(population, "to_tables"):
        population = population.to_tables()
    if isinstance(population, tuple | list) and len(population) in (2, 3):
        ratings, levels = population[0], population[1]
        return _arrow(ratings), _arrow(levels)
    raise TypeError(
        "expected a Population or the tables (ratings, levels, events),"
        f" got {type(population).__name__}"
    )


def _arrow(table: Any) -> pa.Table:
    if isinstance(table, pa.Table):
        return table
    if hasattr(table, "to_arrow"):  # polars
        return table.to_arrow()
    return pa.table(table)  # pandas, or anything Arrow reads


def _codes(column: pa.ChunkedArray | pa.Array, universe: list[str]) -> np.ndarray:
    """Each value's index in ``universe`` (-1 if absent), through the dictionary if any."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        inner = _codes(column.dictionary, universe)
        indices = column.indices.to_numpy(zero_copy_only=False)
        found = inner[indices] if len(inner) else np.full(len(indices), -1, np.int32)
        if column.null_count:
            found = np.where(column.is_null().to_numpy(zero_copy_only=False), -1, found)
        return found.astype(np.int32, copy=False)
    values = column.cast(pa.string())
    index = pc.index_in(values, value_set=pa.array(universe, pa.string()))
    positions: np.ndarray = index.fill_null(-1).to_numpy(zero_copy_only=False)
    return positions.astype(np.int32)


def _distinct(column: pa.ChunkedArray) -> list[str]:
    """The distinct non-null texts of a column: in its dictionary's order, if it has one."""
    column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        indices = column.indices.drop_null().to_numpy(zero_copy_only=False)
        used = np.flatnonzero(np.bincount(indices, minlength=len(column.dictionary)))
        values = column.dictionary.cast(pa.string()).to_pylist()
        return list(dict.fromkeys(values[i] for i in used))
    distinct: list[str] = pc.unique(column.cast(pa.string()).drop_null()).to_pylist()
    return distinct


@attrs.frozen(kw_only=True, eq=False)
class Columns:
    """A population laid out for the analyses; see the module docstring."""

    employees: pa.Array
    family: np.ndarray
    track: np.ndarray
    level: np.ndarray
    held: np.ndarray
    first: int
    counted: np.ndarray
    counted_by: np.ndarray
    by_role: dict[Rater, np.ndarray]
    cadence_cycles: tuple[Cycle, ...]
    competencies: tuple[str, ...]
    levels: tuple[tuple[str, str], ...]
    raters: tuple[str, ...]
    families: tuple[str, ...]
    tracks: tuple[tuple[str, str], ...]

    @classmethod
    def build(
        cls,
        framework: Framework,
        population: Any,
        *,
        roles: tuple[Rater, ...] = (),
        raters: bool = True,
    ) -> Columns:
        """Lay out ``population`` for ``framework``.

        ``roles`` also keeps those roles' scores; without ``raters``, ``counted_by``
        is left empty (level fit does not need it).
        """
        ratings, assignments = long_tables(population)
        employees = _distinct(assignments["employee_id"])
        families = tuple(f.id for f in framework.job_families)
        tracks = tuple((f.id, t.id) for f in framework.job_families for t in f.tracks)
        levels = tuple(
            (f.id, lv.id) for f in framework.job_families for t in f.tracks for lv in t.levels
        )
        competencies = tuple(
            dict.fromkeys(
                c.id for f in framework.job_families for t in f.tracks for c in t.competencies
            )
        )
        # Cycles: every text the tables use, parsed once.
        cycle_texts = list(
            dict.fromkeys([*_distinct(ratings["cycle"]), *_distinct(assignments["since"])])
        )
        ordinals = {text: Cycle.parse(text).ordinal for text in cycle_texts}
        rated = [ordinals[t] for t in _distinct(ratings["cycle"])] or [0]
        first, last = min(rated), max(rated)
        width = last - first + 1
        cycles = tuple(Cycle.from_ordinal(first + i, framework.cadence) for i in range(width))

        # Level assignments: the level held in each cycle, and the current one.
        a_emp = _codes(assignments["employee_id"], employees)
        a_since = np.array([ordinals[t] for t in _texts(assignments["since"])], dtype=np.int64)
        family_of = {f: i for i, f in enumerate(families)}
        a_family = _codes(assignments["family"], list(families))
        a_level = _level_codes(assignments, levels, family_of)
        a_track = _track_codes(assignments, tracks, family_of)
        order = np.lexsort((a_since, a_emp))
        a_emp, a_since = a_emp[order], a_since[order]
        a_level, a_family, a_track = a_level[order], a_family[order], a_track[order]
        count = len(employees)
        last_row = np.searchsorted(a_emp, np.arange(count), side="right") - 1
        current_family = a_family[last_row]
        current_track = a_track[last_row]
        current_level = a_level[last_row]
        key = a_emp.astype(np.int64) * (1 << 24) + (a_since - first + (1 << 23))
        cells = (
            np.repeat(np.arange(count, dtype=np.int64), width) * (1 << 24)
            + np.tile(np.arange(width, dtype=np.int64), count)
            + (1 << 23)
        )
        at = np.searchsorted(key, cells, side="right") - 1
        valid = (at >= 0) & (a_emp[np.maximum(at, 0)] == np.repeat(np.arange(count), width))
        held = np.where(valid, a_level[np.maximum(at, 0)], -1).astype(np.int16)
        held = held.reshape(count, width)

        # Ratings: the counted score of each cell, and who gave it.
        r_emp = _codes(ratings["employee_id"], employees)
        r_comp = _codes(ratings["competency"], list(competencies))
        cycle_codes = np.array([ordinals[t] - first for t in cycle_texts], dtype=np.int64)
        r_cycle = cycle_codes[_codes(ratings["cycle"], cycle_texts)]
        r_score = ratings["score"].to_numpy().astype(np.int16)
        if "rater" in ratings.column_names:
            names = [r.value for r in Rater]
            r_role = _codes(ratings["rater"], names)
            blank = r_role < 0
            r_role = np.where(blank, names.index(Rater.MANAGER.value), r_role)
        else:
            r_role = np.full(len(r_emp), list(Rater).index(Rater.MANAGER), np.int32)
        rater_ids: list[str] = []
        if raters and "rater_id" in ratings.column_names:
            rater_ids = _distinct(ratings["rater_id"])
            r_by = _codes(ratings["rater_id"], rater_ids)
        else:
            r_by = np.full(len(r_emp), -1, np.int32)
        keep = (r_emp >= 0) & (r_comp >= 0)
        cell = (r_emp.astype(np.int64) * width + r_cycle) * len(competencies) + r_comp
        size = count * width * len(competencies)
        counted = np.full(size, MISSING, np.int16)
        counted_by = np.full(size if raters else 0, -1, np.int32)
        all_roles = list(Rater)
        # Worst first, so that a preferred rater's score overwrites another's.
        for rater in reversed(list(framework.raters)):
            rows = keep & (r_role == all_roles.index(rater))
            counted[cell[rows]] = r_score[rows]
            if raters:
                counted_by[cell[rows]] = r_by[rows]
        by_role = {}
        for rater in roles:
            scores = np.full(size, MISSING, np.int16)
            rows = keep & (r_role == all_roles.index(rater))
            scores[cell[rows]] = r_score[rows]
            by_role[rater] = scores.reshape(count, width, len(competencies))
        shape = (count, width, len(competencies))
        return cls(
            employees=pa.array(employees, pa.string()),
            family=current_family,
            track=current_track,
            level=current_level,
            held=held,
            first=first,
            counted=counted.reshape(shape),
            counted_by=counted_by.reshape(shape if raters else (0, width, len(competencies))),
            by_role=by_role,
            cadence_cycles=cycles,
            competencies=competencies,
            levels=levels,
            raters=tuple(rater_ids),
            families=families,
            tracks=tracks,
        )


def _texts(column: pa.ChunkedArray) -> list[str]:
    texts: list[str] = column.cast(pa.string()).to_pylist()
    return texts


def _level_codes(
    assignments: pa.Table, levels: tuple[tuple[str, str], ...], family_of: dict[str, int]
) -> np.ndarray:
    pairs = [f"{f}\x00{lv}" for f, lv in levels]
    joined = pc.binary_join_element_wise(
        assignments["family"].cast(pa.string()), assignments["level"].cast(pa.string()), "\x00"
    )
    return _codes(joined, pairs)


def _track_codes(
    assignments: pa.Table, tracks: tuple[tuple[str, str], ...], family_of: dict[str, int]
) -> np.ndarray:
    pairs = [f"{f}\x00{t}" for f, t in tracks]
    joined = pc.binary_join_element_wise(
        assignments["family"].cast(pa.string()), assignments["track"].cast(pa.string()), "\x00"
    )
    return _codes(joined, pairs)
