"""The arrays the calibration analyses read, taken from a `Population`'s columnar layout.

`Columns.build` reads the layout `Population` documents (score cubes per rater role,
rater id cubes, level assignments; see `progression.population._population`), so that
nothing is parsed twice: tables given instead are loaded with `Population.from_tables`.
It lays them out against the framework:

- employees ``0..E-1`` in the population's order; ``family``, ``track`` and ``level``
  are each one's current assignment (its latest ``since``), as codes into
  ``families``, ``tracks`` (``(family, track)`` pairs) and ``levels``
  (``(family, level)`` pairs), -1 where the framework has no such id;
- cycles ``0..T-1``: the population's cycle axis, ordinals from ``first``;
- competencies ``0..C-1``: every competency id of the framework, in file order;
- ``held[e, t]``: the level employee ``e`` holds in cycle ``t`` (-1 before the first);
- ``counted[e, t, c]``: the counted score, as the evaluator picks it (the most preferred
  rater of the framework's ``raters`` who scored that competency in that cycle;
  `MISSING` where none did), and ``counted_by[e, t, c]``, the code of that score's
  rater id in ``raters`` (-1 where none is recorded);
- ``by_role[role][e, t, c]``: each requested role's scores.

Those three cubes hold as many cells as the population has scores: analyses over large
populations build the layout without them (``cubes=False``) and ask for one chunk of
employees at a time: `Columns.scores` and `Columns.role` in the layout above,
`Columns.rated` and `Columns.role_rated` more compactly (no cell for a competency nobody
rates, the scores' small integer type).

Ratings of competencies the framework does not know are left out: the evaluator reports
them, the analyses only compare.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pyarrow as pa

from .._model import Framework
from .._policy import Rater
from ._population import Population

__all__ = ["MISSING", "Columns", "population_of"]

#: The score of a cell nobody rated (scores are laid out as int16).
MISSING = np.iinfo(np.int16).min


def population_of(population: Any) -> Population:
    """``population`` itself, or the `Population` of the tables ``(ratings, levels[, events])``."""
    if isinstance(population, Population):
        return population
    if isinstance(population, tuple | list) and len(population) in (2, 3):
        return Population.from_tables(*population)
    raise TypeError(
        "expected a Population or the tables (ratings, levels, events),"
        f" got {type(population).__name__}"
    )


def _remap(codes: np.ndarray, mapping: list[int]) -> np.ndarray:
    """Codes of one dictionary as codes of another (-1 stays -1, unknown is -1)."""
    table = np.array([*mapping, -1], dtype=np.int32)
    return table[np.where(codes < 0, len(mapping), codes)]


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
    competencies: tuple[str, ...]
    levels: tuple[tuple[str, str], ...]
    raters: tuple[str, ...]
    families: tuple[str, ...]
    tracks: tuple[tuple[str, str], ...]
    population: Population
    preferred: tuple[Rater, ...]
    known: tuple[int, ...]
    target: tuple[int, ...]

    @classmethod
    def build(
        cls,
        framework: Framework,
        population: Any,
        *,
        roles: tuple[Rater, ...] = (),
        raters: bool = True,
        cubes: bool = True,
    ) -> Columns:
        """Lay out ``population`` (a `Population` or its tables) for ``framework``.

        ``roles`` also keeps those roles' scores; without ``raters``, ``counted_by`` is
        left empty (level fit does not read it); without ``cubes``, ``counted``,
        ``counted_by`` and ``by_role`` are all empty (read them by chunks).
        """
        pop = population_of(population)
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
        count, width = len(pop), pop._cycles

        # Current and held levels, from the assignments (sorted by employee, then since).
        family = _remap(pop._family, [_index(families, f) for f in pop._families])
        track_pairs = [[_index(tracks, (f, t)) for t in pop._tracks] for f in pop._families]
        track = np.full(count, -1, np.int32)
        for code, mapping in enumerate(track_pairs):
            mine = pop._family == code
            track[mine] = _remap(pop._track[mine], mapping)
        a_emp = pop._assignments["employee"].astype(np.int64)
        a_since = pop._assignments["since"].astype(np.int64) - pop._first
        a_family = pop._family[a_emp] if len(a_emp) else np.zeros(0, np.int32)
        a_level = np.full(len(a_emp), -1, np.int32)
        for code, family_id in enumerate(pop._families):
            mine = a_family == code
            mapping = [_index(levels, (family_id, lv)) for lv in pop._levels]
            a_level[mine] = _remap(pop._assignments["level"][mine], mapping)
        offsets = pop._assignment_offsets
        last = offsets[1:] - 1
        placed = offsets[1:] > offsets[:-1]
        level = np.where(placed, a_level[np.maximum(last, 0)] if len(a_level) else -1, -1)
        # Each assignment holds from its cycle until the employee's next one starts: in a
        # cycle, the employee's last assignment begun by then (they are sorted), found
        # by carrying each cycle's latest forward, cycle by cycle over contiguous rows.
        began = np.full((width, count), -1, np.int32 if len(a_emp) < 2**31 else np.int64)
        starts = np.flatnonzero(a_since < width)
        np.maximum.at(
            began.reshape(-1),
            np.maximum(a_since[starts], 0) * count + a_emp[starts],
            starts.astype(began.dtype),
        )
        for t in range(1, width):
            np.maximum(began[t], began[t - 1], out=began[t])
        held = np.ascontiguousarray(np.append(a_level, -1).astype(np.int16)[began].T)

        where = [_index(competencies, c) for c in pop._competencies]
        # In the framework's order: chunks then list scores as the full cubes do.
        known = tuple(sorted((k for k, c in enumerate(where) if c >= 0), key=where.__getitem__))
        columns = cls(
            employees=pop._employees,
            family=family,
            track=track,
            level=level.astype(np.int32),
            held=held,
            first=pop._first,
            counted=np.full((0, width, len(competencies)), MISSING, np.int16),
            counted_by=np.full((0, width, len(competencies)), -1, np.int32),
            by_role={},
            competencies=competencies,
            levels=levels,
            raters=tuple(_texts(pop._rater_names)),
            families=families,
            tracks=tracks,
            population=pop,
            preferred=tuple(framework.raters),
            known=known,
            target=tuple(where[k] for k in known),
        )
        if not cubes:
            return columns
        everyone = np.arange(count)
        counted, counted_by = columns.scores(everyone, ids=raters)
        return attrs.evolve(
            columns,
            counted=counted,
            counted_by=counted_by if counted_by is not None else columns.counted_by,
            by_role={rater: columns.role(rater, everyone) for rater in roles},
        )

    def scores(
        self, codes: np.ndarray, *, ids: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The counted scores of the employees ``codes`` (sorted) and, with ``ids``, their raters.

        ``(counted, counted_by)``, each ``(len(codes), T, C)`` as the module docstring
        describes ``counted`` and ``counted_by``; ``counted_by`` is None without ``ids``.
        """
        shape = (len(codes), self.held.shape[1], len(self.competencies))
        counted = np.full(shape, MISSING, np.int16)
        counted_by = np.full(shape, -1, np.int32) if ids else None
        target = list(self.target)
        found = (
            self.population._counted(self.preferred, codes, self.known, ids=ids)
            if self.known
            else None
        )
        if found is not None:
            values, rated, names = found
            counted[:, :, target] = np.where(rated, values, counted[:, :, target])
            if counted_by is not None and names is not None:
                counted_by[:, :, target] = names
        return counted, counted_by

    def rated(
        self, codes: np.ndarray, cells: dict[Rater, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The counted scores of the employees ``codes`` (sorted) with their raters, compactly.

        ``(values, counted_by)`` over the competencies ``target`` only (the framework's
        that the population rates), ``(len(codes), T, len(target))``: ``values`` in the
        cubes' small integer type, ``counted_by`` as the module docstring describes it.
        None when nobody was scored. ``cells`` receives each preferred role's scores
        read on the way, ``(len(codes), T, len(known))`` (`Population._counted`).
        """
        if not self.known:
            return None
        found = self.population._counted(self.preferred, codes, self.known, ids=True, cubes=cells)
        if found is None:
            return None
        values, _, names = found
        assert names is not None
        return values, names

    def role_rated(
        self, rater: Rater, codes: np.ndarray, cells: dict[Rater, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """One role's scores of the employees ``codes`` (sorted), as the population holds them.

        ``(values, rated)``, ``(len(codes), T, len(known))`` over the competencies
        ``known`` (``target`` holds their codes), ``values`` in the cubes' small integer
        type; None when the role scored nobody. ``cells``, from `rated` on the same
        ``codes``, spares reading a role's scores again when it read them.
        """
        pop = self.population
        if rater not in pop._raters() or not self.known:
            return None
        values = cells.get(rater) if cells is not None else None
        if values is None:
            values = pop._cube(rater, codes, self.known)
        return values, values != pop._unrated

    def role(self, rater: Rater, codes: np.ndarray) -> np.ndarray:
        """One role's scores of the employees ``codes`` (sorted), ``(len(codes), T, C)``."""
        pop = self.population
        scores = np.full(
            (len(codes), self.held.shape[1], len(self.competencies)), MISSING, np.int16
        )
        if rater in pop._raters() and self.known:
            mine = pop._cube(rater, codes, self.known).astype(np.int16)
            scores[:, :, list(self.target)] = np.where(mine != pop._unrated, mine, MISSING)
        return scores


def _texts(names: Any) -> list[str]:
    """A dictionary of names as Python strings (a pyarrow array or a sequence)."""
    found: list[str] = names.to_pylist() if hasattr(names, "to_pylist") else list(names)
    return found


def _index(items: tuple[Any, ...], item: Any) -> int:
    try:
        return items.index(item)
    except ValueError:
        return -1
