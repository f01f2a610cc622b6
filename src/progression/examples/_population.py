"""A synthetic company of any size for the bundled engineering framework.

The population is drawn with numpy, a block of employees at a time, and returned as
the three long tables of the CSV exports, with every text column dictionary-encoded
(one copy of each employee id, cycle, competency and note, and small integer codes per
row), so that a million employees over eight quarters (about 80 million rating rows)
take well under a gigabyte and a few seconds.

What is drawn, and why:

- Levels follow a pyramid over the three tracks (engineering IC, engineering
  management, data science IC). Nobody sits at the top of a track: the default target
  there is undefined, and every employee here evaluates without an explicit target.
- Tenure in level is geometric (a few quarters for most, years for some); about one in
  eleven was promoted inside the window (a few of the M1s crossed over from IC3), and
  those hired inside the window have no reviews before they joined.
- Scores start from what the level held in each cycle expects of each competency, then
  add the person's ability, a per-competency strength, growth with time in the level
  and noise; they are rounded and kept on the 1..5 scale. Some reviews are missing
  whole, and some competencies go unrated in a review.
- Every employee's manager rates them (``rater_id`` is the manager's employee id:
  M1s and M2s manage the individual contributors, M2s the M1s, M3s the M2s, and the
  first M3 heads the others and is rated from outside the population, as ``cto``).
  About a third of the people also rate themselves, a little more generously.
- Evidence rows are for the requirement of the person's next step (their number, when
  the requirement has a minimum, is drawn around it); endorsements, calibrations and
  a ``promotion-panel`` approval step (which the engineering policies do not ask for,
  but HR exports carry) mostly go to the strong performers in the latest quarter.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa

from .._history import Cycle
from .._model import Framework
from . import load

__all__ = ["FIRST_CYCLE", "LAST_CYCLE", "population"]

FIRST_CYCLE = "2024-Q4"
LAST_CYCLE = "2026-Q3"
#: Employees drawn at a time: big enough for numpy, small enough to bound the memory
#: the draws need on top of the tables they make.
_BLOCK = 1 << 16
#: The oldest level assignment, in quarters before the last cycle.
_LONGEST_TENURE = 40
#: Share of the company at each level, per ten thousand; the top of each track is left
#: out (see the module docstring).
_SHARES: tuple[tuple[str, str, str, int], ...] = (
    ("engineering", "ic", "IC1", 900),
    ("engineering", "ic", "IC2", 2400),
    ("engineering", "ic", "IC3", 2700),
    ("engineering", "ic", "IC4", 1300),
    ("engineering", "ic", "IC5", 450),
    ("engineering", "ic", "IC6", 150),
    ("engineering", "management", "M1", 500),
    ("engineering", "management", "M2", 300),
    ("engineering", "management", "M3", 100),
    ("data", "ic", "DS1", 250),
    ("data", "ic", "DS2", 400),
    ("data", "ic", "DS3", 400),
    ("data", "ic", "DS4", 150),
)
#: The level held before a promotion into each level (M1: the crossover from IC3).
_BEFORE = {
    "IC2": "IC1",
    "IC3": "IC2",
    "IC4": "IC3",
    "IC5": "IC4",
    "IC6": "IC5",
    "M1": "IC3",
    "M2": "M1",
    "M3": "M2",
    "DS2": "DS1",
    "DS3": "DS2",
    "DS4": "DS3",
}
#: The evidence each level gathers for its next step: requirement, the minimum value
#: (None where records are counted), and notes as people write them.
_EVIDENCE: dict[str, tuple[str, int | None, tuple[str, ...]]] = {
    "IC1": (
        "shipped-feature",
        None,
        ("Saved carts", "Address autocomplete at checkout", "Dark mode for the dashboard"),
    ),
    "IC2": (
        "cross-team-project",
        3,
        ("Payments retry queue", "Search relevance tuning", "Shared login page"),
    ),
    "IC3": (
        "team-technical-plan",
        2,
        ("Queue consolidation plan", "Move to managed Postgres", "Test pyramid, in full"),
    ),
    "IC4": (
        "multi-team-initiative",
        3,
        ("Unified on-call tooling", "One build system for all services"),
    ),
    "IC5": ("org-wide-initiative", 5, ("Service mesh migration", "Cost review, all teams")),
    "IC6": (
        "industry-impact",
        None,
        ("Open-sourced the tracing library", "Paper on storage tiering at a conference"),
    ),
    "M1": ("team-size", 8, ("Checkout team", "Payments and fraud teams")),
    "M2": ("managers-reporting", 2, ("Two team leads report in", "Platform group")),
    "M3": ("organisation-size", 40, ("Consumer engineering", "Infrastructure organisation")),
}
_CROSSOVER_EVIDENCE = (
    "mentoring-record",
    ("Mentored two new joiners", "Mentored an intern and a graduate"),
)
_EVENTS = ("evidence", "endorsement", "calibration", "approval")
_APPROVAL_STEP = "promotion-panel"
_OUTSIDE_RATER = "cto"

# How the population is drawn (see the module docstring).
_PROMOTED_SHARE = 0.09
_MISSING_REVIEW = 0.04
_UNRATED = 0.007
_SELF_RATERS = 0.33
_SELF_REVIEW = 0.85
#: What people add to their manager's score when they rate themselves, equally likely.
_GENEROUS = np.array([-1, 0, 0, 0, 1, 1, 1, 2], dtype=np.int8)


def _ordinal(text: str) -> int:
    return Cycle.parse(text).ordinal


def _cycle_text(ordinal: int) -> str:
    year, period = divmod(ordinal, 4)
    return f"{year}-Q{period + 1}"


class _Ladder:
    """The levels drawn, with what the framework says of each, as arrays by level code."""

    def __init__(self, framework: Framework) -> None:
        self.ids = [level for _, _, level, _ in _SHARES]
        extra = [b for b in _BEFORE.values() if b not in self.ids]
        assert not extra, extra  # every level before a promotion is drawn too
        self.code = {level: index for index, level in enumerate(self.ids)}
        self.family = [family for family, _, _, _ in _SHARES]
        self.track = [track for _, track, _, _ in _SHARES]
        shares = np.array([share for _, _, _, share in _SHARES], dtype=np.float64)
        self.shares = shares / shares.sum()
        self.before = np.array(
            [self.code.get(_BEFORE.get(level, ""), -1) for level in self.ids], dtype=np.int8
        )
        self.competencies: list[str] = []
        tracks = {}
        for family in framework.job_families:
            for track in family.tracks:
                tracks[family.id, track.id] = track
                for competency in track.competencies:
                    if competency.id not in self.competencies:
                        self.competencies.append(competency.id)
        width = max(len(track.competencies) for track in tracks.values())
        self.width = width
        # One more row, all blank, for "no level held": code -1 reads it.
        count = len(self.ids) + 1
        self.expected = np.full((count, width), np.nan, dtype=np.float32)
        self.competency = np.zeros((count, width), dtype=np.int8)
        for index, level in enumerate(self.ids):
            track = tracks[self.family[index], self.track[index]]
            for slot, competency in enumerate(track.competencies):
                self.competency[index, slot] = self.competencies.index(competency.id)
                expectation = competency.levels.get(level)
                if expectation is not None and expectation.proficiency is not None:
                    self.expected[index, slot] = expectation.proficiency
        self.rated = ~np.isnan(self.expected)
        # Scores are drawn around the expectations with no NaN in the arithmetic.
        self.expected = np.nan_to_num(self.expected)


@cache
def _ladder() -> _Ladder:
    """The bundled framework's ladder, read once: the file is part of the package."""
    return _Ladder(load("engineering"))


def population(n: int, seed: int = 0) -> tuple[pa.Table, pa.Table, pa.Table]:
    """See `progression.examples.population`."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"population(n): expected a whole number of employees >= 0, got {n!r}")
    ladder = _ladder()
    rng = np.random.default_rng(seed)
    last = _ordinal(LAST_CYCLE)
    first = _ordinal(FIRST_CYCLE)
    cycles = last - first + 1
    people = _people(rng, n, ladder, first, last)

    width = max(len(str(max(n - 1, 0))), 4)
    ids = _ids(n, width)
    raters = pa.concat_arrays([ids, pa.array([_OUTSIDE_RATER], pa.string())])
    manager = _managers(rng, ladder, people["level"])

    blocks = [
        _ratings_block(
            np.random.default_rng([seed, start]),
            people,
            manager,
            ladder,
            start=start,
            stop=min(start + _BLOCK, n),
            first=first,
            cycles=cycles,
        )
        for start in range(0, n, _BLOCK)
    ]
    cycle_names = pa.array([_cycle_text(first + t) for t in range(cycles)], pa.string())
    competencies = pa.array(ladder.competencies, pa.string())
    roles = pa.array(["manager", "self"], pa.string())

    def column(key: str, dictionary: pa.Array, kind: Any) -> pa.ChunkedArray:
        chunks = [
            pa.DictionaryArray.from_arrays(pa.array(block[key], kind), dictionary)
            for block in blocks
        ]
        return pa.chunked_array(chunks, pa.dictionary(kind, pa.string()))

    ratings = pa.table(
        {
            "employee_id": column("employee", ids, pa.int32()),
            "cycle": column("cycle", cycle_names, pa.int8()),
            "competency": column("competency", competencies, pa.int8()),
            "score": pa.chunked_array([block["score"] for block in blocks], pa.int8()),
            "rater": column("rater", roles, pa.int8()),
            "rater_id": column("rater_id", raters, pa.int32()),
        }
    )
    return ratings, _levels(people, ladder, ids, last), _events(rng, people, ladder, ids, first)


def _ids(n: int, width: int) -> pa.Array:
    """``e0000``, ``e0001``, ...: built as one buffer of characters, not n Python strings."""
    size = width + 1
    chars = np.empty((n, size), dtype=np.uint8)
    chars[:, 0] = ord("e")
    number = np.arange(n, dtype=np.int64)
    for place in range(width, 0, -1):
        number, digit = np.divmod(number, 10)
        chars[:, place] = digit + ord("0")
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())]
    )


def _people(
    rng: np.random.Generator, n: int, ladder: _Ladder, first: int, last: int
) -> dict[str, np.ndarray[Any, Any]]:
    """Each employee's levels, when they started, and how they score."""
    level = rng.choice(len(ladder.ids), size=n, p=ladder.shares).astype(np.int8)
    before = ladder.before[level]
    promoted = (rng.random(n) < _PROMOTED_SHARE) & (before >= 0)
    # A promotion inside the window, after its first cycle; the level before it was
    # held for a year or more.
    promoted_at = last - rng.integers(0, last - first, size=n)
    held_before = 4 + rng.geometric(0.3, size=n)
    tenure = np.minimum(rng.geometric(0.07, size=n), _LONGEST_TENURE)
    since = np.where(promoted, promoted_at, last - tenure + 1).astype(np.int32)
    previous = np.where(promoted, before, -1).astype(np.int8)
    previous_since = np.where(promoted, since - held_before, since).astype(np.int32)
    return {
        "level": level,
        "since": since,
        "previous": previous,
        "previous_since": previous_since,
        "ability": rng.normal(0.15, 0.5, size=n).astype(np.float32),
        "growth": rng.normal(0.06, 0.04, size=n).astype(np.float32),
        "rates_self": rng.random(n) < _SELF_RATERS,
    }


def _managers(
    rng: np.random.Generator, ladder: _Ladder, level: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Each employee's manager, as a row of the population (n stands for the outside)."""
    n = len(level)
    outside = n
    m1, m2, m3 = (np.flatnonzero(level == ladder.code[name]) for name in ("M1", "M2", "M3"))
    head = m3[:1]

    def pick(count: int, *pools: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        for pool in pools:
            if len(pool):
                return pool[rng.integers(0, len(pool), size=count)]
        return np.full(count, outside)

    manager = np.full(n, outside, dtype=np.int64)
    managed = level < ladder.code["M1"]
    managed |= level >= ladder.code["DS1"]
    manager[managed] = pick(int(managed.sum()), np.concatenate([m1, m2]), m3)
    manager[m1] = pick(len(m1), m2, m3)
    manager[m2] = pick(len(m2), m3[1:], head)
    manager[m3[1:]] = head[0] if len(head) else outside
    return manager.astype(np.int32)


def _ratings_block(
    rng: np.random.Generator,
    people: dict[str, np.ndarray[Any, Any]],
    manager: np.ndarray[Any, Any],
    ladder: _Ladder,
    *,
    start: int,
    stop: int,
    first: int,
    cycles: int,
) -> dict[str, np.ndarray[Any, Any]]:
    """The rating rows of employees ``start`` to ``stop``, grouped by employee and cycle."""
    count, width = stop - start, ladder.width
    level = people["level"][start:stop, None]
    since = people["since"][start:stop, None]
    previous = people["previous"][start:stop, None]
    previous_since = people["previous_since"][start:stop, None]
    ordinal = first + np.arange(cycles, dtype=np.int32)[None, :]
    current = ordinal >= since
    held = np.where(current, level, np.where(ordinal >= previous_since, previous, -1))
    in_level = np.minimum(ordinal - np.where(current, since, previous_since), 8)
    reviewed = (held >= 0) & (rng.random((count, cycles)) >= _MISSING_REVIEW)

    # Around what the level expects: ability, a strength per competency, growth with
    # time in the level, and noise.
    drift = people["growth"][start:stop, None] * in_level.astype(np.float32)
    score = ladder.expected[held]
    score += (people["ability"][start:stop, None] + drift)[:, :, None]
    score += 0.35 * rng.standard_normal((count, 1, width), dtype=np.float32)
    score += 0.45 * rng.standard_normal((count, cycles, width), dtype=np.float32)
    manager_score = np.clip(np.rint(score), 1, 5).astype(np.int8)
    generous = _GENEROUS[
        rng.integers(0, len(_GENEROUS), size=(count, cycles, width), dtype=np.int8)
    ]
    self_score = np.clip(manager_score + generous, 1, 5)
    rated = ladder.rated[held] & reviewed[:, :, None]
    manager_rated = rated.copy()
    # A few scores left out: drawn as places, not as a coin per score.
    unrated = rng.integers(0, manager_rated.size, size=rng.binomial(manager_rated.size, _UNRATED))
    manager_rated.ravel()[unrated] = False
    self_rated = (
        rated
        & people["rates_self"][start:stop, None, None]
        & (rng.random((count, cycles, 1), dtype=np.float32) < _SELF_REVIEW)
    )
    # Axes: employee, cycle, role (manager, self), competency slot; read in this order,
    # the rows come grouped by employee and cycle, as exports write them. Columns that
    # hold still along the last axes are repeated by their counts, not looked up per row.
    present = np.stack([manager_rated, self_rated], axis=2)
    scores = np.stack([manager_score, self_score], axis=2)[present]
    competency = np.broadcast_to(ladder.competency[held][:, :, None, :], present.shape)[present]
    per_role = present.sum(axis=3, dtype=np.int32)
    per_cycle = per_role.sum(axis=2)
    employee = np.repeat(np.arange(start, stop, dtype=np.int32), per_cycle.sum(axis=1))
    cycle = np.repeat(np.tile(np.arange(cycles, dtype=np.int8), count), per_cycle.ravel())
    role = np.repeat(np.tile(np.array([0, 1], dtype=np.int8), count * cycles), per_role.ravel())
    raters = np.empty((count, 2), dtype=np.int32)
    raters[:, 0] = manager[start:stop]
    raters[:, 1] = np.arange(start, stop)
    rater_id = np.repeat(np.repeat(raters[:, None, :], cycles, axis=1).ravel(), per_role.ravel())
    return {
        "employee": employee.astype(np.int32),
        "cycle": cycle.astype(np.int8),
        "competency": competency,
        "score": scores,
        "rater": role.astype(np.int8),
        "rater_id": rater_id.astype(np.int32),
    }


def _levels(
    people: dict[str, np.ndarray[Any, Any]], ladder: _Ladder, ids: pa.Array, last: int
) -> pa.Table:
    """One row per level held: the one before a promotion, then the current one."""
    n = len(people["level"])
    promoted = people["previous"] >= 0
    rows = 1 + promoted.astype(np.int64)
    employee = np.repeat(np.arange(n, dtype=np.int32), rows)
    # The first row of a promoted employee is the level before.
    earlier = np.zeros(len(employee), dtype=bool)
    earlier[np.cumsum(rows)[promoted] - 2] = True
    level = np.where(earlier, people["previous"][employee], people["level"][employee])
    since = np.where(earlier, people["previous_since"][employee], people["since"][employee])
    oldest = int(since.min()) if len(since) else last
    cycle_names = pa.array([_cycle_text(o) for o in range(oldest, last + 1)], pa.string())
    families = sorted(set(ladder.family))
    tracks = sorted(set(ladder.track))
    family = np.array([families.index(f) for f in ladder.family], dtype=np.int8)
    track = np.array([tracks.index(t) for t in ladder.track], dtype=np.int8)

    def coded(indices: np.ndarray[Any, Any], values: list[str] | pa.Array, kind: Any) -> Any:
        dictionary = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(indices, kind), dictionary)

    return pa.table(
        {
            "employee_id": coded(employee, ids, pa.int32()),
            "family": coded(family[level], families, pa.int8()),
            "track": coded(track[level], tracks, pa.int8()),
            "level": coded(level.astype(np.int8), ladder.ids, pa.int8()),
            "since": coded((since - oldest).astype(np.int32), cycle_names, pa.int32()),
        }
    )


def _events(
    rng: np.random.Generator,
    people: dict[str, np.ndarray[Any, Any]],
    ladder: _Ladder,
    ids: pa.Array,
    first: int,
) -> pa.Table:
    """Evidence, endorsements, calibrations and approvals, by employee and cycle."""
    level, since, ability = people["level"], people["since"], people["ability"]
    n = len(level)
    last = first + 7
    begin = np.maximum(since, first)
    strong = ability > 0.3

    requirements = [requirement for requirement, _, _ in _EVIDENCE.values()]
    requirements.append(_CROSSOVER_EVIDENCE[0])
    requirements.append(_APPROVAL_STEP)
    notes: list[str] = []
    for _, _, texts in _EVIDENCE.values():
        notes.extend(texts)
    notes.extend(_CROSSOVER_EVIDENCE[1])
    values = [str(v) for v in range(1, 61)]

    parts: list[dict[str, np.ndarray[Any, Any]]] = []

    def add(
        who: np.ndarray[Any, Any],
        cycle: np.ndarray[Any, Any],
        event: str,
        *,
        requirement: np.ndarray[Any, Any] | int = -1,
        value: np.ndarray[Any, Any] | int = -1,
        note: np.ndarray[Any, Any] | int = -1,
    ) -> None:
        size = len(who)
        parts.append(
            {
                "employee": who.astype(np.int32),
                "cycle": cycle.astype(np.int32),
                "event": np.full(size, _EVENTS.index(event), dtype=np.int8),
                "requirement": np.broadcast_to(requirement, size).astype(np.int16),
                "value": np.broadcast_to(value, size).astype(np.int16),
                "note": np.broadcast_to(note, size).astype(np.int16),
            }
        )

    def somewhen(who: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """A cycle between the start of the level (or of the window) and the last."""
        spread = np.floor(rng.random(len(who)) * (last - begin[who] + 1)).astype(np.int32)
        return np.asarray(begin[who] + spread)

    note_start = 0
    for index, (held, (_, minimum, texts)) in enumerate(_EVIDENCE.items()):
        at = level == ladder.code[held]
        records = rng.binomial(3, np.where(strong, 0.45, 0.15)) * at
        who = np.repeat(np.arange(n), records)
        value: np.ndarray[Any, Any] | int = -1
        if minimum is not None:
            drawn = np.rint(minimum * (0.5 + rng.random(len(who)) * 0.8))
            value = np.clip(drawn, 1, len(values)) - 1
        note = note_start + rng.integers(0, len(texts), size=len(who))
        note = np.where(rng.random(len(who)) < 0.15, -1, note)
        add(who, somewhen(who), "evidence", requirement=index, value=value, note=note)
        note_start += len(texts)
    # A few senior engineers record mentoring, the evidence of a crossover to management.
    mentors = np.flatnonzero((level == ladder.code["IC3"]) & (rng.random(n) < 0.1))
    texts = _CROSSOVER_EVIDENCE[1]
    add(
        mentors,
        somewhen(mentors),
        "evidence",
        requirement=len(_EVIDENCE),
        note=note_start + rng.integers(0, len(texts), size=len(mentors)),
    )

    # The latest quarter's approvals mostly go to the strong, and a few are older.
    endorsed = rng.random(n) < np.where(strong, 0.7, 0.1)
    calibrated = (endorsed & (rng.random(n) < 0.75)) | (rng.random(n) < 0.04)
    panel = endorsed & calibrated & (rng.random(n) < 0.4)
    everyone = np.arange(n)
    for chosen, event in ((endorsed, "endorsement"), (calibrated, "calibration")):
        who = everyone[chosen]
        add(who, np.full(len(who), last), event)
    who = everyone[panel]
    add(who, np.full(len(who), last), "approval", requirement=len(requirements) - 1)
    older = everyone[(rng.random(n) < 0.08) & (begin < last)]
    cycle = begin[older] + np.floor(rng.random(len(older)) * (last - begin[older]))
    add(older, cycle, "endorsement")

    rows = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    order = np.lexsort((rows["event"], rows["cycle"], rows["employee"]))
    rows = {key: column[order] for key, column in rows.items()}
    cycle_names = pa.array([_cycle_text(first + t) for t in range(8)], pa.string())

    def coded(key: str, dictionary: list[str] | pa.Array, kind: Any) -> Any:
        codes = rows[key]
        mask = codes < 0
        words = dictionary if isinstance(dictionary, pa.Array) else pa.array(dictionary)
        indices = pa.array(np.where(mask, 0, codes), kind, mask=mask)
        return pa.DictionaryArray.from_arrays(indices, words)

    rows["cycle"] = rows["cycle"] - first
    return pa.table(
        {
            "employee_id": coded("employee", ids, pa.int32()),
            "cycle": coded("cycle", cycle_names, pa.int8()),
            "event": coded("event", list(_EVENTS), pa.int8()),
            "requirement": coded("requirement", requirements, pa.int8()),
            "value": coded("value", values, pa.int8()),
            "note": coded("note", notes, pa.int8()),
        }
    )
