"""The columnar executor: a framework and a population in, flat tables of verdicts out.

It runs the compiled plan of the core (`progression._evaluation._compile`) over arrays:
employees are grouped by move (family, track, current level, target), each group's
policy is compiled once by the single evaluator's own move resolution, and each step's
columnar form (`progression._evaluation._kinds`) decides the group's employees at once.
The verdict rules around the criteria (status, ready since, earliest) are the compiled
policy's, as for the single evaluator. Nothing here words a rule of its own.

Employees whose rows break a rule get rows in the errors table instead of a verdict:
load problems (the population's), problems of the history against the framework (the
single evaluator's own checks, run on that employee's history: `bind`), and evaluation
errors (the single evaluator's reasons, worded by its own move resolution). Checks run
over arrays first; only the employees they flag are bound one by one. An employee the
columnar path cannot decide is evaluated by the single evaluator and counted in
`PopulationVerdicts.fallbacks`; with the checks above, none is.

Rows of the criteria table follow the population's order, each employee's criteria in
policy order, as the verdicts table does.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._evaluation._bind import bind
from .._evaluation._compile import STATUSES, CompiledPolicy
from .._evaluation._engine import Move, NoMove, evaluate, resolve_move
from .._evaluation._kinds import (
    CODES,
    OUTCOMES,
    Columns,
    Kind,
    ScopeEvidenceKind,
    ScoreKind,
    SustainedKind,
    TimeInLevelKind,
    _ApprovalKind,
)
from .._evaluation._results import Observed, Verdict
from .._history import YEARS_EXPECTED, Cycle
from .._model import Framework
from .._numbers import format_number
from ..exceptions import EvaluationError, InvalidHistory, Problem
from ._population import EVENT_KINDS, Population

__all__ = [
    "CRITERIA_SCHEMA",
    "ERRORS_SCHEMA",
    "VERDICTS_SCHEMA",
    "Tables",
    "evaluate_tables",
]

#: Employees decided together at most: bounds the memory of one step of a large group.
CHUNK = 1 << 15
_INT64 = (-(2**63), 2**63 - 1)
_CODES = tuple(CODES)
_OUTCOMES = tuple(o.value for o in OUTCOMES)
_ROUTES = ("promotion", "crossover", "way_back", "lateral")

_text = pa.dictionary(pa.int32(), pa.string())
VERDICTS_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("family", _text),
        ("track", _text),
        ("level", _text),
        ("target_family", _text),
        ("target", _text),
        ("route", _text),
        ("as_of", _text),
        ("status", _text),
        ("met_except_approval", pa.bool_()),
        ("ready_since", _text),
        ("earliest", _text),
        ("errors", pa.int32()),
    ]
)
_few = pa.dictionary(pa.int8(), pa.string())
# The four forms of a value share one column of indices into the values met.
_exact = pa.dictionary(pa.int32(), pa.int64())
_float = pa.dictionary(pa.int32(), pa.float64())
CRITERIA_SCHEMA = pa.schema(
    [
        ("employee_id", _text),
        ("position", pa.int16()),
        ("kind", _few),
        ("code", _few),
        ("outcome", _few),
        ("observed", _text),
        ("observed_numerator", _exact),
        ("observed_denominator", _exact),
        ("observed_value", _float),
        ("required", _text),
        ("required_numerator", _exact),
        ("required_denominator", _exact),
        ("required_value", _float),
    ]
)
ERRORS_SCHEMA = pa.schema(
    [
        ("employee_id", pa.string()),
        ("source", pa.string()),
        ("line", pa.int64()),
        ("row", pa.int64()),
        ("path", pa.string()),
        ("message", pa.string()),
        ("code", pa.string()),
        ("expected", pa.string()),
        ("got", pa.string()),
    ]
)


#: What the score steps checked over a span of cycles: see `_Run.cycles_checked`.
Checked = tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], np.ndarray, np.ndarray]


def _side_by_side(columns: list[np.ndarray], n: int, dtype: Any) -> np.ndarray:
    """One column per criterion, side by side; ``(n, 0)`` for a policy without criteria."""
    return np.stack(columns, axis=1) if columns else np.zeros((n, 0), dtype)


class Tables:
    """What one evaluation made: the three tables, the problems, and the fallbacks."""

    __slots__ = ("criteria", "errors", "fallbacks", "problems", "verdicts")

    def __init__(
        self,
        verdicts: pa.Table,
        criteria: pa.Table,
        errors: pa.Table,
        problems: list[Problem],
        fallbacks: int,
    ) -> None:
        self.verdicts = verdicts
        self.criteria = criteria
        self.errors = errors
        #: Every error as a `Problem`, for ``strict``.
        self.problems = problems
        self.fallbacks = fallbacks


def _observed_parts(value: Observed) -> tuple[str | None, int | None, int | None, float | None]:
    """An observed or required value as (exact text, numerator, denominator, float)."""
    if value is None:
        return None, None, None, None
    if isinstance(value, bool):
        return ("true" if value else "false"), int(value), 1, float(value)
    fraction = Fraction(value)
    numerator, denominator = fraction.numerator, fraction.denominator
    fits = _INT64[0] <= numerator <= _INT64[1] and denominator <= _INT64[1]
    text = str(value) if isinstance(value, int) else format_number(fraction)
    return (
        text,
        numerator if fits else None,
        denominator if fits else None,
        float(fraction),
    )


class _Values:
    """Observed and required values met so far, each once: the criteria's dictionary."""

    def __init__(self) -> None:
        self.index: dict[tuple[type, Observed], int] = {}
        self.parts: list[tuple[str | None, int | None, int | None, float | None]] = []

    def of(self, value: Observed) -> int:
        key = (type(value), value)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.parts)
            self.parts.append(_observed_parts(value))
        return found

    def decode(self, step: Kind, columns: Columns) -> np.ndarray:
        """Each element's index into the values (-1 for None)."""
        out = np.full(len(columns.key), -1, np.int32)
        known = np.asarray(columns.known, bool)
        every = bool(known.all())
        if not every and not known.any():
            return out
        # Keys come in the checks' narrow types: widened here, where few are left.
        keys = np.asarray(columns.key)
        keys = (keys if every else keys[known]).astype(np.int64)
        low, high = int(keys.min()), int(keys.max())
        if high - low < 4 * len(keys) + 1024:
            keys -= low
            present = np.flatnonzero(np.bincount(keys))
            table = np.full(high - low + 1, -1, np.int32)
            for offset in present:
                table[offset] = self.of(step.decode(int(offset) + low))
            found: np.ndarray = table[keys]
        else:
            distinct, inverse = np.unique(keys, return_inverse=True)
            table = np.array([self.of(step.decode(int(k))) for k in distinct], np.int32)
            found = table[inverse]
        if every:
            return found
        out[known] = found
        return out


class _Run:
    """One evaluation of a population: the facts every group reads, then each group."""

    def __init__(
        self,
        framework: Framework,
        population: Population,
        as_of: Cycle | None,
        target: str | None,
    ) -> None:
        self.framework = framework
        self.as_of = as_of
        self.pop = pop = population
        self.target = target
        self.n = n = len(pop)
        self.count = pop._cycles
        self.first = pop._first
        self.reviewed = (
            np.unpackbits(pop._reviewed, axis=1, count=self.count).astype(bool)
            if self.count
            else np.zeros((n, 0), bool)
        )
        # The population's columns as the run reads them, each decoded once for the run.
        self.assignments = a = pop._assignments
        self.events = pop._events
        offsets = pop._assignment_offsets
        has_levels = offsets[1:] > offsets[:-1]
        if as_of is not None:
            end = np.full(n, as_of.ordinal, np.int64)
            has_cycle = np.ones(n, bool)
        else:
            # The latest cycle the history mentions: a review or a level change.
            any_review = _rows_any(self.reviewed)
            # Read off the packed bits, eight cycles to a byte, the first the highest bit:
            # each byte's last cycle reviewed by lookup, the latest byte with one wins.
            ones = np.arange(1, 256)
            last_bit = np.zeros(256, np.int64)
            last_bit[1:] = 8 - np.array([(v & -v).bit_length() for v in ones.tolist()])
            latest = np.zeros(n, np.int64)
            for b in range(pop._reviewed.shape[1] if self.count else 0):
                byte = pop._reviewed[:, b]
                if 8 * b + 8 > self.count:
                    byte = byte & np.uint8((0xFF00 >> (self.count - 8 * b)) & 0xFF)
                np.copyto(latest, last_bit[byte] + 8 * b, where=byte != 0)
            last_review = np.where(any_review, latest + self.first, np.iinfo(np.int64).min)
            last_since = np.full(n, np.iinfo(np.int64).min, np.int64)
            last_since[has_levels] = a["since"][offsets[1:][has_levels] - 1]
            end = np.maximum(last_review, last_since)
            has_cycle = any_review | has_levels
        self.end = end
        self.has_cycle = has_cycle
        # The assignment in force at ``end``, and where its stay began.
        emp = a["employee"].astype(np.int64)
        since = a["since"].astype(np.int64)
        # Each employee's assignments are sorted by ``since``: those begun by ``end`` are
        # the first ones, counted rather than searched for.
        begun = np.bincount(emp[since <= end[emp]], minlength=n)
        placed = (begun > 0) & has_levels & has_cycle
        held = np.where(placed, offsets[:-1] + begun - 1, 0)
        level = a["level"]
        breaks = np.ones(len(level), bool)
        if len(level):
            breaks[1:] = (emp[1:] != emp[:-1]) | (level[1:] != level[:-1])
        stay_index = np.maximum.accumulate(np.where(breaks, np.arange(len(level)), 0))
        stay = since[stay_index] if len(level) else np.zeros(0, np.int64)
        self.placed = placed
        self.current = np.where(placed, level[held] if len(level) else 0, -1).astype(np.int32)
        self.since = np.where(placed, stay[held] if len(level) else 0, 0).astype(np.int64)
        self.competency = {c: k for k, c in enumerate(pop._competencies)}
        self._evidence: dict[tuple[str, Fraction | None], np.ndarray] = {}
        self._approvals: dict[tuple[int, str | None], np.ndarray] = {}
        self._kinds: dict[int, np.ndarray] = {}
        self._places: dict[Any, np.ndarray] = {}
        self._in_stay: tuple[np.ndarray, np.ndarray] | None = None

        # Outputs.
        self.status = np.full(n, -1, np.int8)
        self.met = np.zeros(n, bool)
        self.ready_since = np.full(n, np.iinfo(np.int64).min, np.int64)
        self.earliest = np.full(n, np.iinfo(np.int64).min, np.int64)
        self.target_family = np.full(n, -1, np.int32)
        self.target_level = np.full(n, -1, np.int32)
        self.route = np.full(n, -1, np.int8)
        self.error_count = np.zeros(n, np.int32)
        self.names: dict[str, int] = {}
        #: The criteria decided, per block of employees: their codes, each criterion's code
        #: (employees x criteria, indices into the codes) and observed value, and each
        #: criterion's required value (indices into `values`).
        self.blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.values = _Values()
        self.errors: list[tuple[int, Problem, str]] = []
        self.fallbacks = 0

    # --- errors ---------------------------------------------------------------------------

    def error(self, code: int, problem: Problem, kind: str) -> None:
        self.errors.append((code, problem, kind))
        if code >= 0:
            self.error_count[code] += 1

    def suspects(self) -> np.ndarray:
        """Employees whose history the framework may refuse: bound one by one, later."""
        pop, framework = self.pop, self.framework
        n = self.n
        suspect = np.zeros(n, bool)
        if pop._cadence is not framework.cadence:
            return pop._family >= 0
        families: list[Any] = []
        for name in pop._families:
            try:
                families.append(framework.family(name))
            except KeyError:
                families.append(None)
        known_family = np.array([f is not None for f in families] + [False], bool)
        suspect |= ~known_family[pop._family]
        tracks_ok = np.zeros((len(families) + 1, len(pop._tracks) + 1), bool)
        levels_ok = np.zeros((len(families) + 1, len(pop._levels) + 1), bool)
        for f, family in enumerate(families):
            if family is None:
                continue
            own = {t.id for t in family.tracks}
            held = {lv.id for t in family.tracks for lv in t.levels}
            for t, track in enumerate(pop._tracks):
                tracks_ok[f, t] = track in own
            for lv, level in enumerate(pop._levels):
                levels_ok[f, lv] = level in held
        suspect |= ~tracks_ok[pop._family, pop._track]
        a = self.assignments
        bad_level = ~levels_ok[pop._family[a["employee"]], a["level"]]
        suspect[a["employee"][bad_level]] = True
        self._check_ratings(families, suspect)
        return suspect

    def _check_ratings(self, families: list[Any], suspect: np.ndarray) -> None:
        """Flag employees with a score off the scale or for a competency not rated then."""
        pop, framework = self.pop, self.framework
        if not pop._raters() or not self.count:
            return
        from .._evaluation._bind import _competency_ids, _rated_at  # noqa: PLC0415

        low, high = framework.scale.min, framework.scale.max
        levels, tracks = len(pop._levels), len(pop._tracks)
        width = levels + tracks
        allowed = np.ones(((len(families) + 1) * width, len(pop._competencies)), bool)
        for f, family in enumerate(families):
            if family is None:
                continue
            own = {lv.id for t in family.tracks for lv in t.levels}
            for lv, level in enumerate(pop._levels):
                if level in own:
                    ids = _rated_at(family, level)
                    allowed[f * width + lv] = [c in ids for c in pop._competencies]
            known = {t.id for t in family.tracks}
            for t, track in enumerate(pop._tracks):
                if track in known:
                    ids = _competency_ids(family.track(track))
                    allowed[f * width + levels + t] = [c in ids for c in pop._competencies]
        a = self.assignments
        offsets = pop._assignment_offsets
        n, count = self.n, self.count
        least, most = pop._score_range
        in_scale = low <= least and most <= high
        deny = ~allowed
        unrated = pop._unrated
        raters = list(pop._raters())
        family_row = np.maximum(pop._family, 0).astype(np.int32) * np.int32(width)
        track_row = np.int32(levels) + np.maximum(pop._track, 0).astype(np.int32)
        held_level = a["level"].astype(np.int32)
        emp = a["employee"]
        start = a["since"].astype(np.int64) - self.first
        # Each employee's row of `allowed` in the last cycle: the level of the last
        # assignment begun by then (they are sorted by since: a count finds it), or the
        # track before any level.
        begun = np.bincount(emp[start < count], minlength=n)
        level_then = (
            held_level[np.maximum(offsets[:-1] + begun - 1, 0)]
            if len(held_level)
            else np.zeros(n, np.int32)
        )
        last = family_row + np.where(begun > 0, level_then, track_row)
        # Only an assignment begun after the first cycle, by the last, changes the row
        # from one cycle to the next: the few employees with one get the row of each cycle.
        changes = np.zeros(n, bool)
        changes[emp[(start >= 1) & (start < count)]] = True
        candidates = np.flatnonzero(changes)
        among = np.full(n, -1, np.int64)
        among[candidates] = np.arange(len(candidates))
        rows = np.flatnonzero((among[emp] >= 0) & (start < count))
        marks = np.full((len(candidates), count), -1, np.int32)
        np.maximum.at(marks, (among[emp[rows]], np.maximum(start[rows], 0)), rows.astype(np.int32))
        # Carried forward a cycle (a column) at a time: the axis is short.
        for cycle in range(1, count):
            np.maximum(marks[:, cycle - 1], marks[:, cycle], out=marks[:, cycle])
        family = family_row[candidates, None]
        held = np.where(
            marks >= 0,
            family + held_level[np.maximum(marks, 0)] if len(held_level) else 0,
            family + track_row[candidates, None],
        )
        del marks
        # A cycle without a review has no rating: what is held then does not matter.
        changed = _rows_any((held != held[:, -1:]) & self.reviewed[candidates])
        moving = candidates[changed]
        rows_of = held[changed]
        steady = np.ones(n, bool)
        steady[moving] = False
        # Where each employee whose row changed is among them (-1 for the others).
        among.fill(-1)
        among[moving] = np.arange(len(moving))
        bad = np.zeros(n, bool)
        for rater in raters:
            for members, comps, flags, bits in pop._rated_flags(rater):
                if not in_scale:
                    part = pop._cube(rater, members, comps.tolist())
                    off = (part != unrated) & ((part < low) | (part > high))
                    bad[members] |= _rows_any(off.reshape(len(members), -1))
                # The bits of the block's cells that are a competency denied, per row of
                # `allowed`.
                denied = np.bitwise_or.reduce(
                    np.where(deny[:, comps.astype(np.intp)][:, :, None], bits[None], 0),
                    axis=1,
                ).astype(np.uint8)
                # Most employees hold one level throughout: the bits set in any cycle
                # say whether a competency was ever rated. Only those whose level denies
                # one of the block's competencies are read (a track's own levels
                # usually deny none).
                check = np.flatnonzero(steady[members] & denied.any(axis=1)[last[members]])
                if len(check):
                    ever = _over_cycles(
                        flags if len(check) == len(members) else flags[check], np.bitwise_or
                    )
                    ever &= denied[last[members[check]]]
                    bad[members[check]] |= _rows_any(ever)
                # Those whose level changed: cycle by cycle.
                mine = np.flatnonzero(among[members] >= 0)
                if len(mine):
                    hit = flags[mine] & denied[rows_of[among[members[mine]]]]
                    bad[members[mine]] |= _rows_any(hit.reshape(len(mine), -1))
        suspect |= bad

    def single(self, code: int, fallback: bool) -> None:
        """One employee through the single evaluator: its problems, error, or verdict."""
        history = self.pop.history(code)
        try:
            bind(self.framework, history)
            verdict = evaluate(self.framework, history, target=self.target, as_of=self.as_of)
        except InvalidHistory as exc:
            for problem in exc.problems:
                self.error(code, problem, "invalid_history")
            return
        except EvaluationError as exc:
            self.error(code, Problem(message=exc.message), exc.code)
            return
        self.fallbacks += fallback
        self.place_verdict(code, verdict)

    def place_verdict(self, code: int, verdict: Verdict) -> None:
        """Write a single evaluator's verdict into the tables."""
        self.status[code] = STATUSES.index(verdict.status.value)
        self.met[code] = verdict.met_except_approval
        if verdict.ready_since is not None:
            self.ready_since[code] = verdict.ready_since.ordinal
        if verdict.earliest is not None:
            self.earliest[code] = verdict.earliest.ordinal
        self.end[code] = verdict.as_of.ordinal
        self.target_family[code] = self.name(verdict.target_family)
        self.target_level[code] = self.name(verdict.target_level)
        self.route[code] = _ROUTES.index(verdict.route)
        results = verdict.criteria
        codes = np.array([_CODES.index(r.code) for r in results], np.int8)
        observed = np.array([self.values.of(r.observed) for r in results], np.int32)
        required = np.array([self.values.of(r.required) for r in results], np.int32)
        self.blocks.append(
            (np.array([code], np.int64), codes[None, :], observed[None, :], required)
        )

    def name(self, text: str) -> int:
        return self.names.setdefault(text, len(self.names))

    def cycles_checked(self, move: Move, idx: np.ndarray, checked: Checked | None) -> None:
        """The cycles the score steps checked for employees ``idx`` making ``move``.

        ``checked`` is None without score steps; else ``(outcomes, qualifies,
        position)``: each score step's ``(outcome, key, known)`` over the span of cycles
        (employees x cycles, padded before the population's first cycle as failed),
        whether every score step passed in each cycle, and the place of each employee's
        ``as_of`` in the span. Analyses that read what the run decided cycle by cycle
        (the critical values of `progression.population.sweep`) hook in here; the run
        needs nothing.
        """

    # --- the run ------------------------------------------------------------------------

    def run(self) -> None:
        pop = self.pop
        for code, problem in pop._problems:
            self.error(code, problem, "invalid_row")
        unplaced = pop._family < 0
        for lone in np.flatnonzero(unplaced & (self.error_count == 0)):
            employee = pop._employees[int(lone)].as_py()
            self.error(
                int(lone),
                Problem(
                    message=f"employee {employee!r} has no row in {pop._sources[1]}: expected"
                    " every employee to have a level assignment",
                    expected="every employee to have a level assignment",
                    source=pop._sources[1],
                ),
                "invalid_row",
            )
        refused = self.error_count > 0
        suspect = self.suspects() & ~refused & ~unplaced
        for one in np.flatnonzero(suspect):
            self.single(int(one), fallback=True)
        ready = ~refused & ~unplaced & ~suspect
        no_cycle = ready & ~self.has_cycle
        for one in np.flatnonzero(no_cycle):
            self.single(int(one), fallback=False)
        ready &= self.has_cycle
        tracks, levels = len(pop._tracks), len(pop._levels)
        key = (pop._family.astype(np.int64) * tracks + pop._track) * (levels + 1) + (
            self.current + 1
        )
        chosen = np.flatnonzero(ready)
        keys = key[chosen]
        if len(keys) and keys.min() >= 0 and keys.max() < 2**15:
            # Few moves: a stable sort of 16-bit keys is a radix sort.
            keys = keys.astype(np.int16)
        order = chosen[np.argsort(keys, kind="stable")]
        keys = key[order]
        bounds: list[int] = (
            np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]).tolist() if len(keys) else []
        )
        for b, start in enumerate(bounds):
            stop = bounds[b + 1] if b + 1 < len(bounds) else len(order)
            group = order[start:stop]
            head = int(group[0])
            current = int(self.current[head])
            move = resolve_move(
                self.framework,
                pop._families[int(pop._family[head])],
                pop._tracks[int(pop._track[head])],
                pop._levels[current] if current >= 0 else None,
                self.target,
            )
            if isinstance(move, NoMove):
                names = pop._employees.take(pa.array(group)).to_pylist()
                for code, employee in zip(group, names, strict=True):
                    text = move.text.replace("{employee!r}", repr(employee))
                    self.error(int(code), Problem(message=text), move.code)
                continue
            for lo in range(0, len(group), CHUNK):
                self.decide(move, group[lo : lo + CHUNK])
        # The facts read per requirement are not needed for the tables.
        self._evidence.clear()
        self._approvals.clear()
        self._kinds.clear()
        self._places.clear()
        self._in_stay = None

    def decide(self, move: Move, idx: np.ndarray) -> None:
        """Every criterion and the verdict of a chunk of employees making one move."""
        compiled = move.compiled
        n = len(idx)
        end, since, placed = self.end[idx], self.since[idx], self.placed[idx]
        width = compiled.sustain
        rows = np.arange(n)
        scored: dict[int, Columns] = {}
        cells: Checked | None = None
        run = np.zeros(n, np.int64)
        window_failed = np.zeros(n, bool)
        if compiled.scores:
            first, count = self.first, self.count
            low = min(first, int(end.min()) - width + 1)
            high = max(first + count - 1, int(end.max()))
            span = high - low + 1
            pre = first - low
            reviewed = self.reviewed[idx]
            values, rated = self._counted(compiled, idx)
            outcomes = []
            # Where every counted competency is rated, once per set of competencies.
            every: dict[tuple[int, ...], Any] = {}
            for checked in compiled.scores:
                mine = [rated[i] for i in checked.columns]
                if mine and checked.columns not in every:
                    every[checked.columns] = functools.reduce(np.logical_and, mine)
                outcome, key, known = checked.check_columns(
                    [values[i] for i in checked.columns],
                    mine,
                    reviewed,
                    every.get(checked.columns),
                )
                outcomes.append(
                    (
                        _padded(outcome, pre, span, 1),
                        _padded(key, pre, span, 0),
                        _padded(known, pre, span, False),
                    )
                )
            full_reviewed = _padded(reviewed, pre, span, False)
            qualifies = outcomes[0][0] == 0
            for o, _, _ in outcomes[1:]:
                qualifies &= o == 0
            position = end - low
            # The run of qualifying cycles ending at each cycle, one cycle at a time: a
            # few operations on a column each, in a type that holds the longest run.
            streak = np.zeros((n, span), np.int16 if span < 2**15 else np.int64)
            streak[:, 0] = qualifies[:, 0]
            for cycle in range(1, span):
                np.multiply(streak[:, cycle - 1] + 1, qualifies[:, cycle], out=streak[:, cycle])
            run = streak[rows, position].astype(np.int64)
            cells = (outcomes, qualifies, position)
            # Each window's cells as flat indices: a flat take is quicker than a 2-D gather.
            window = (rows * span + position - width + 1)[:, None] + np.arange(width)[None, :]
            window_reviewed = full_reviewed.ravel().take(window)
            for score, (o, k, kn) in zip(compiled.scores, outcomes, strict=True):
                ow = o.ravel().take(window)
                kw, knw = k.ravel().take(window), kn.ravel().take(window)
                window_failed |= _rows_any(ow == 1)
                scored[score.position] = score.result_columns(ow, kw, knw, window_reviewed)
        self.cycles_checked(move, idx, cells)
        results: list[Columns] = []
        for step in compiled.steps:
            if isinstance(step, ScoreKind):
                results.append(scored[step.position])
            elif isinstance(step, SustainedKind):
                results.append(step.result_columns(run, window_failed, bool(compiled.scores)))
            elif isinstance(step, TimeInLevelKind):
                results.append(step.result_columns(end, since, placed))
            elif isinstance(step, ScopeEvidenceKind):
                results.append(step.result_columns(self.evidence(step)[idx], placed))
            elif isinstance(step, _ApprovalKind):
                results.append(step.result_columns(self.approval(step)[idx]))
            else:  # pragma: no cover - every kind has its columnar form above
                raise AssertionError(f"no columnar form for {type(step).__name__}")
        steps = compiled.steps
        outcome_of = [
            np.array([OUTCOMES.index(step.reasons[r]) for r in step.reason_names], np.int8)
            for step in steps
        ]
        outcome = [table[r.reason] for table, r in zip(outcome_of, results, strict=True)]
        # Criterion by criterion: a reduction over the short criteria axis is slow.
        any_failed = np.zeros(n, bool)
        any_undecided = np.zeros(n, bool)
        met = np.ones(n, bool)
        for step, column in zip(steps, outcome, strict=True):
            any_failed |= column == 1
            any_undecided |= column == 2
            if not step.approval:
                met &= column == 0
        status = compiled.status(any_failed, any_undecided, np).astype(np.int8)
        ready = status == 0
        start = compiled.ready_start(end, run, since, placed, np)
        earliest, known = compiled.earliest(end, run, since, placed, ready, np)
        nothing = np.iinfo(np.int64).min
        self.status[idx] = status
        self.met[idx] = met
        self.ready_since[idx] = np.where(ready, start, nothing)
        self.earliest[idx] = np.where(known, earliest, nothing)
        self.target_family[idx] = self.name(move.target_family)
        self.target_level[idx] = self.name(move.target_level)
        self.route[idx] = _ROUTES.index(move.route)
        # The criteria: code, observed and required values, per step.
        code_of = [
            np.array([_CODES.index(step.decisions[r][0]) for r in step.reason_names], np.int8)
            for step in steps
        ]
        codes = _side_by_side(
            [table[r.reason] for table, r in zip(code_of, results, strict=True)], n, np.int8
        )
        observed = _side_by_side(
            [self.values.decode(step, r) for step, r in zip(steps, results, strict=True)],
            n,
            np.int32,
        )
        required = np.array([self.values.of(step.required_observed) for step in steps], np.int32)
        self.blocks.append((idx.astype(np.int64), codes, observed, required))

    def _counted(self, compiled: CompiledPolicy, idx: np.ndarray) -> tuple[list[Any], list[Any]]:
        """Each counted column's score (the most preferred rater's) and whether rated."""
        shape = (len(idx), self.count)
        codes = [self.competency.get(c) for c in compiled.columns]
        known = [k for k in codes if k is not None]
        # Competency-major, in the scores' own small type: each competency's cells are
        # one stretch of memory for the checks (which widen what they add up).
        planes = (
            self.pop._counted_planes(compiled.raters, idx, known, self._places) if known else None
        )
        values: list[Any] = []
        rated: list[Any] = []
        at = 0
        for k in codes:
            if k is None or planes is None:
                values.append(np.zeros(shape, np.int8))
                rated.append(np.zeros(shape, bool))
                at += k is not None
                continue
            values.append(planes[0][at])
            rated.append(planes[1][at])
            at += 1
        return values, rated

    def evidence(self, step: ScopeEvidenceKind) -> np.ndarray:
        """Each employee's qualifying records in the stay up to ``end``."""
        key = (step.id, step.min_value)
        found = self._evidence.get(key)
        if found is None:
            ev = self.events
            name = {n: i for i, n in enumerate(self.pop._names)}.get(step.id, -2)
            records, names = self._evidence_in_stay()
            mine = records[names == name]
            emp = ev["employee"][mine]
            numerator, denominator = ev["numerator"][mine], ev["denominator"][mine]
            if numerator.dtype != object:
                numerator = numerator.astype(np.int64)
                denominator = denominator.astype(np.int64)
            least = step.min_value
            if (
                least is not None
                and numerator.dtype != object
                and (abs(least.numerator) >= 2**31 or least.denominator >= 2**31)
            ):
                numerator, denominator = numerator.astype(object), denominator.astype(object)
            counts = step.counts_columns(numerator, denominator, denominator != 0)
            found = np.bincount(emp[counts], minlength=self.n).astype(np.int32)
            self._evidence[key] = found
        return found

    def _evidence_in_stay(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the evidence records in their stay up to ``end``, and their names.

        Found once per run: which records fall in the stay does not depend on what a
        requirement asks of them.
        """
        if self._in_stay is None:
            ev = self.pop._events
            records = self._events_of(EVENT_KINDS.index("evidence"))
            emp = ev["employee"][records]
            cycle = ev["cycle"][records].astype(np.int64)
            inside = self.placed[emp] & (cycle >= self.since[emp]) & (cycle <= self.end[emp])
            records = records[inside]
            self._in_stay = (records, ev["name"][records])
        return self._in_stay

    def _events_of(self, kind: int) -> np.ndarray:
        """The rows of the events of one kind, in order: found once per run."""
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = np.flatnonzero(self.events["kind"] == kind)
        return found

    def approval(self, step: _ApprovalKind) -> np.ndarray:
        """Whether the review of each employee's ``end`` records the approval."""
        kind = EVENT_KINDS.index(
            {"manager_endorsement": "endorsement", "calibration": "calibration"}.get(
                step.criterion.kind, "approval"
            )
        )
        wanted = getattr(step, "step", None)
        key = (kind, wanted)
        found = self._approvals.get(key)
        if found is None:
            ev = self.events
            mine = self._events_of(kind)
            if wanted is not None:
                name = {n: i for i, n in enumerate(self.pop._names)}.get(wanted, -2)
                mine = mine[ev["name"][mine] == name]
            emp = ev["employee"][mine]
            at_end = ev["cycle"][mine].astype(np.int64) == self.end[emp]
            found = np.zeros(self.n, bool)
            found[emp[at_end]] = True
            self._approvals[key] = found
        return found

    # --- the tables -----------------------------------------------------------------------

    def tables(self) -> Tables:
        """The three tables: the last step of a run (it lets go of what they no longer need)."""
        pop = self.pop
        cadence = self.framework.cadence
        names = list(self.names)
        valid = self.status >= 0

        def text(codes: np.ndarray, dictionary: list[str] | tuple[str, ...]) -> pa.Array:
            indices = pa.array(codes.astype(np.int32), pa.int32(), mask=codes < 0)
            return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary, pa.string()))

        def cycles(ordinals: np.ndarray, present: np.ndarray) -> pa.Array:
            if not present.any():
                return text(np.full(len(ordinals), -1, np.int32), [])
            low = int(ordinals[present].min())
            high = int(ordinals[present].max())
            dictionary = [str(Cycle.from_ordinal(o, cadence)) for o in range(low, high + 1)]
            return text(np.where(present, ordinals - low, -1), dictionary)

        ready_known = self.ready_since != np.iinfo(np.int64).min
        earliest_known = self.earliest != np.iinfo(np.int64).min
        as_of_known = valid | (self.has_cycle & (self.pop._family >= 0))
        if pop._cadence is not cadence:
            as_of_known = valid
        verdicts = pa.table(
            [
                pop._employees,
                text(pop._family, pop._families),
                text(pop._track, pop._tracks),
                text(np.where(self.placed | valid, self.current, -1), pop._levels),
                text(np.where(valid, self.target_family, -1), names),
                text(np.where(valid, self.target_level, -1), names),
                text(np.where(valid, self.route, -1), _ROUTES),
                cycles(self.end, as_of_known),
                text(self.status, STATUSES),
                pa.array(self.met, mask=~valid),
                cycles(self.ready_since, ready_known & valid),
                cycles(self.earliest, earliest_known & valid),
                pa.array(self.error_count, pa.int32()),
            ],
            schema=VERDICTS_SCHEMA,
        )
        # The tables are the run's last step: the facts per employee and cycle are let go
        # before the criteria's columns are made.
        empty = np.zeros(0, np.int64)
        self.reviewed = np.zeros((0, self.count), bool)
        self.end = self.since = self.ready_since = self.earliest = empty
        criteria = self._criteria()
        errors, problems = self._errors()
        return Tables(verdicts, criteria, errors, problems, self.fallbacks)

    def _criteria(self) -> pa.Table:
        if not self.blocks:
            return CRITERIA_SCHEMA.empty_table()
        # Rows in the population's order: each block's rows go to their employees' places.
        per_employee = np.zeros(self.n, np.int64)
        for idx, code, _, _ in self.blocks:
            per_employee[idx] = code.shape[1]
        starts = np.cumsum(per_employee) - per_employee
        total = int(starts[-1] + per_employee[-1])
        employee = np.empty(total, np.int32)
        position = np.empty(total, np.int16)
        # Employee and position are laid out in order, a range of employees at a time.
        for lo in range(0, self.n, CHUNK):
            hi = min(lo + CHUNK, self.n)
            first = int(starts[lo])
            last = int(starts[hi]) if hi < self.n else total
            counts = per_employee[lo:hi]
            employee[first:last] = np.repeat(np.arange(lo, hi, dtype=np.int32), counts)
            position[first:last] = np.arange(last - first, dtype=np.int32) - np.repeat(
                (starts[lo:hi] - first).astype(np.int32), counts
            )
        del per_employee
        code = np.empty(total, np.int8)
        obs_index = np.empty(total, np.int32)
        req_index = np.empty(total, np.int32)
        while self.blocks:
            idx, codes, obs, req = self.blocks.pop()
            width = codes.shape[1]
            steps = np.arange(width)
            # A bounded slice at a time: the row numbers are int64, one per row.
            for lo in range(0, len(idx), CHUNK):
                who = idx[lo : lo + CHUNK]
                at = (starts[who][:, None] + steps[None, :]).ravel()
                code[at] = codes[lo : lo + CHUNK].ravel()
                obs_index[at] = obs[lo : lo + CHUNK].ravel()
                # numpy scatters a tiled copy faster than a broadcast one.
                req_index[at] = np.tile(req, len(who))
        del starts
        kind_names = sorted({c.partition(".")[0] for c in _CODES})
        kind_of = pa.array([kind_names.index(c.partition(".")[0]) for c in _CODES], pa.int8())
        outcome_of = pa.array([_OUTCOMES.index(CODES[c].value) for c in _CODES], pa.int8())
        values = self._value_dictionaries()
        codes = pa.array(code, pa.int8())

        def text(indices: pa.Array, dictionary: list[str] | tuple[str, ...]) -> pa.Array:
            # The indices are made here, in range: Arrow need not check them again.
            return pa.DictionaryArray.from_arrays(
                indices, pa.array(dictionary, pa.string()), safe=False
            )

        return pa.table(
            [
                pa.DictionaryArray.from_arrays(pa.array(employee), self.pop._employees, safe=False),
                pa.array(position, pa.int16()),
                # Arrow's take of a small table by int8 codes does not widen them.
                text(pc.take(kind_of, codes), kind_names),
                text(codes, _CODES),
                text(pc.take(outcome_of, codes), _OUTCOMES),
                *_value_columns(obs_index, *values),
                *_value_columns(req_index, *values),
            ],
            schema=CRITERIA_SCHEMA,
        )

    def _value_dictionaries(self) -> tuple[np.ndarray, np.ndarray, list[pa.Array]]:
        """Per value met: whether present, whether exact in 64 bits, and the dictionaries.

        The dictionaries (text, numerator, denominator, float) hold no null: a row whose
        value is missing, or too large for the exact columns, is null in that column.
        """
        parts = self.values.parts
        present = np.array([p[0] is not None for p in parts], bool)
        exact = np.array([p[1] is not None for p in parts], bool)
        dictionaries = [
            pa.array([p[0] or "" for p in parts], pa.string()),
            pa.array([p[1] or 0 for p in parts], pa.int64()),
            pa.array([p[2] or 0 for p in parts], pa.int64()),
            pa.array([0.0 if p[3] is None else p[3] for p in parts], pa.float64()),
        ]
        return present, exact, dictionaries

    def _errors(self) -> tuple[pa.Table, list[Problem]]:
        pop = self.pop
        sources = pop._sources
        lines = dict(zip(sources, pop._lines, strict=True))
        codes = [code for code, _, _ in self.errors]
        employees = pop._employees.take(
            pa.array(codes, pa.int64(), mask=np.array(codes, np.int64) < 0)
        )
        columns: dict[str, list[Any]] = {
            n: [] for n in ("source", "line", "row", "path", "message", "code", "expected", "got")
        }
        problems = []
        for _, problem, kind in self.errors:
            where = lines.get(problem.source or "")
            line = problem.line
            row = None
            if where is not None and problem.segments:
                if isinstance(problem.segments[0], int):
                    # A row refused while loading: its line is already the file's.
                    row = problem.segments[0]
                elif line is not None:
                    # An element of a history: its origin carries the row (`_origin`).
                    row = line - 2
                    line = where.line(row)
            # Otherwise a line of a file that is no row at all: its line only.
            columns["source"].append(problem.source)
            columns["line"].append(line)
            columns["row"].append(row)
            columns["path"].append(problem.path if problem.segments else None)
            columns["message"].append(problem.message)
            columns["code"].append(kind)
            columns["expected"].append(problem.expected)
            columns["got"].append(problem.got)
            problems.append(problem if line == problem.line else _with_line(problem, line))
        table = pa.table(
            {"employee_id": employees, **columns},
            schema=ERRORS_SCHEMA,
        )
        return table, problems


def _rows_any(flags: np.ndarray) -> np.ndarray:
    """Whether each row of a 2-D array of bytes (booleans, or bits) holds a nonzero one.

    Eight bytes at a time, as one 64-bit word: numpy's reduction over a short last axis
    goes a byte at a time.
    """
    rows, width = flags.shape
    words = -(-width // 8)
    if not words:
        return np.zeros(rows, bool)
    if width % 8 == 0 and flags.itemsize == 1 and flags.flags.c_contiguous:
        # Whole words already: read in place.
        packed = flags.view(np.uint64)
    else:
        padded = np.zeros((rows, words * 8), np.uint8)
        padded[:, :width] = flags
        packed = padded.view(np.uint64)
    found = packed[:, 0].copy()
    for word in range(1, words):
        found |= packed[:, word]
    flagged: np.ndarray = found != 0
    return flagged


def _over_cycles(cube: np.ndarray, combine: np.ufunc) -> np.ndarray:
    """``combine`` of each row's cells over the cycles, ``(rows, K)`` of a cube.

    Halves of the cycle axis are folded onto each other: long rows of memory at a time,
    where a reduction over the short middle axis goes a few bytes at a time.
    """
    rows, cycles, k = cube.shape
    flat = cube.reshape(rows, cycles * k)
    while cycles > 1:
        half = cycles // 2
        folded = combine(flat[:, : half * k], flat[:, half * k : 2 * half * k])
        if cycles % 2:
            combine(folded[:, :k], flat[:, 2 * half * k :], out=folded[:, :k])
        flat, cycles = folded, half
    return flat if flat.base is None else flat.copy()


def _padded(values: Any, before: int, width: int, fill: Any) -> Any:
    """``values`` (employees x cycles) placed at ``before`` in ``width`` cycles of ``fill``.

    Cycles outside the population's have no review: an outcome of failed, nothing known.
    """
    values = np.asarray(values)
    if before == 0 and values.shape[1] == width:
        return values
    found = np.full((values.shape[0], width), fill, values.dtype)
    found[:, before : before + values.shape[1]] = values
    return found


def _with_line(problem: Problem, line: int | None) -> Problem:
    import attrs  # noqa: PLC0415

    return attrs.evolve(problem, line=line)


def _value_columns(
    index: np.ndarray, present: np.ndarray, exact: np.ndarray, dictionaries: list[pa.Array]
) -> list[pa.Array]:
    """The four columns of one value (text, numerator, denominator, float).

    They share one buffer of indices (``-1`` for no value): a row costs its index once,
    however many forms of the value the table offers.
    """
    missing = index < 0
    np.maximum(index, 0, out=index)
    known = ~missing
    whole = known
    # Most values are present and exact: their rows need no look-up.
    if len(present) and not present.all():
        known &= present[index]
    if len(exact) and not (exact | ~present).all():
        whole = known & exact[index]
    indices = pa.py_buffer(index)
    columns = []
    for dictionary, valid in zip(dictionaries, (known, whole, whole, known), strict=True):
        bitmap = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
        nulls = -1 if bitmap is not None else 0
        codes = pa.Array.from_buffers(pa.int32(), len(index), [bitmap, indices], null_count=nulls)
        # Every index is in range (made here): Arrow need not check them again.
        columns.append(pa.DictionaryArray.from_arrays(codes, dictionary, safe=False))
    return columns


def evaluate_tables(
    framework: Framework,
    population: Population,
    *,
    as_of: Cycle | str | None = None,
    target: str | None = None,
) -> Tables:
    """Evaluate every employee of ``population``: the tables and problems.

    Raises:
        EvaluationError: ``as_of`` is not a cycle of the framework's cadence
            (``bad_cycle``).
    """
    if isinstance(as_of, str):
        try:
            as_of = Cycle.parse(as_of)
        except ValueError as exc:
            raise EvaluationError(f"as_of: {exc}", code="bad_cycle") from None
    if as_of is not None and as_of.cadence is not framework.cadence:
        raise EvaluationError(
            f"cycle {as_of} is not {framework.cadence.value} like the framework",
            code="bad_cycle",
        )
    if as_of is not None and not as_of.in_range:
        raise EvaluationError(
            f"as_of: cycle {as_of} is out of range: expected {YEARS_EXPECTED}",
            code="bad_cycle",
        )
    run = _Run(framework, population, as_of, target)
    run.run()
    return run.tables()
