"""The evaluator: a framework and a rating history in, a readiness verdict with reasons out.

`evaluate` binds the history (`._bind`), resolves the move and its compiled policy
(`._compile`), and asks each compiled step for its result (`._kinds`). Score steps are
checked once per cycle and policy; a `Binding` keeps those checks, so that `timeline`
and verdicts for several targets share them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._history import YEARS_EXPECTED, Cycle, RatingHistory, Review
from .._model import Framework, JobFamily
from ..exceptions import EvaluationError
from ._bind import Binding, Scores, bind
from ._compile import SCALAR, STATUSES, CompiledPolicy, compile_policy, counted_per_criterion
from ._kinds import ScoreKind
from ._results import (
    CriterionResult,
    CycleCheck,
    Gap,
    Increase,
    Outcome,
    Plan,
    Status,
    Timeline,
    Verdict,
    new_gap,
    new_increase,
    new_plan,
    new_timeline,
    new_verdict,
)

__all__ = [
    "MAX_TIMELINE",
    "Move",
    "NoMove",
    "evaluate",
    "evaluate_bound",
    "resolve_move",
    "timeline",
]

PASSED, FAILED, UNDECIDED = Outcome.PASSED, Outcome.FAILED, Outcome.UNDECIDED
_STATUSES = tuple(Status(name) for name in STATUSES)
#: Read on every verdict: a module global, not an enum attribute lookup.
_READY = Status.READY
_NO_INCREASES: PVector[Increase] = pvector()


def evaluate(
    framework: Framework,
    history: RatingHistory,
    *,
    target: str | None = None,
    as_of: Cycle | str | None = None,
) -> Verdict:
    """Promotion readiness of one employee, with a result for every criterion.

    Args:
        framework: The framework whose policies apply.
        history: The employee's level assignments and reviews.
        target: A level id (``"IC4"``, ``"M1"``) or, for a lateral move,
            ``"family/level"``. Defaults to the next level on the employee's track.
        as_of: The cycle to evaluate (``"2026-Q3"``); defaults to the latest cycle in
            the history.

    Raises:
        InvalidHistory: the history names unknown competencies, levels or tracks, or
            holds scores outside the scale.
        EvaluationError: ``as_of`` is not a cycle of the framework's cadence, no target
            can be found, no route leads to it, or no policy covers the move; its
            ``code`` says which.
    """
    return evaluate_bound(bind(framework, history), target=target, as_of=as_of)


#: The most cycles a timeline covers: a century of quarters. A history naming 0001-Q1
#: and 9999-Q4 would otherwise ask for 40,000 verdicts.
MAX_TIMELINE = 400


def timeline(
    framework: Framework, history: RatingHistory, *, target: str | None = None
) -> Timeline:
    """The verdict at every cycle from the first to the last of the history.

    Cycles before the first level assignment, or at the top of a track with no
    ``target``, have no verdict and are left out.

    Raises:
        InvalidHistory: as `evaluate` does.
        EvaluationError: with code ``long_span`` when the history spans more than
            `MAX_TIMELINE` (400) cycles.
    """
    binding = bind(framework, history)
    verdicts: list[Verdict] = []
    latest = binding.latest
    if latest is not None:
        start = min([*binding.reviews, *(a.since.ordinal for a in history.levels)])
        if latest.ordinal - start >= MAX_TIMELINE:
            raise EvaluationError(
                f"employee {history.employee!r}: the history spans"
                f" {latest.ordinal - start + 1} cycles, from"
                f" {Cycle.from_ordinal(start, latest.cadence)} to {latest}; a timeline"
                f" covers at most {MAX_TIMELINE}: evaluate single cycles with as_of",
                code="long_span",
                employee=history.employee,
            )
        # One pass per stretch of cycles at one level: the move, its compiled policy and
        # the start of the stay are resolved once for all the stretch's verdicts, and
        # each cycle's score checks once for every window they slide through.
        for first, last, current, since in binding.stretches(latest.ordinal):
            move = _resolve(binding, current, target)
            if isinstance(move, _NoMove):
                continue
            at = _Evaluation(binding, move, current).at
            verdicts.extend([at(cycle, since) for cycle in binding.span(first, last)])
    return new_timeline(history.employee, pvector(verdicts))


# --- the move ---------------------------------------------------------------------------


@attrs.frozen
class _Move:
    target_family: str
    target_level: str
    route: str
    compiled: CompiledPolicy


@attrs.frozen
class _NoMove:
    code: str
    #: The reason, with ``{employee!r}`` where the employee is named.
    text: str


@lru_cache(maxsize=1024)
def _move(
    framework: Framework, family_id: str, own_track: str, current: str | None, target: str | None
) -> _Move | _NoMove:
    """The target, route and compiled policy of a move, or why there is none."""
    family = framework.family(family_id)
    if target is not None and "/" in target:
        target_family, target_level = target.split("/", 1)
    else:
        target_family, target_level = family.id, target or ""
    if target is None:
        if current is None:
            return _NoMove(
                "no_level",
                "employee {employee!r} has no level assignment on or before the cycle"
                " evaluated, so there is no next level: give a target",
            )
        found = _next_level(family, own_track, current)
        if isinstance(found, _NoMove):
            return found
        target_level, route = found, "promotion"
    elif current is None:
        # Without a current level only a default can apply: a step up the employee's own
        # ladder is the one route left to assume.
        try:
            own = target_family == family.id and target_level in _ladder(family, own_track)
        except KeyError:
            own = False
        if not own:
            return _NoMove(
                "no_level",
                f"employee {{employee!r}} has no current level, so no route to {target!r}"
                " can be checked",
            )
        route = "promotion"
    else:
        found_route = family.route(current, target_level, target_family)
        if found_route is None:
            return _NoMove(
                "no_route",
                f"no route leads from {current!r} to {target!r} in family {family.id!r}:"
                " expected a higher level on the same track, a crossover, a way back or a"
                " lateral path (written family/level)",
            )
        route = found_route
    target_track = framework.family(target_family).track_of(target_level)
    policy = (
        framework.policy(family.id, current, target_level, target_family)
        if current is not None
        else framework.track_default(family.id, target_track.id)
    )
    if policy is None:
        return _NoMove(
            "no_policy",
            f"no policy covers {current} -> {target_family}/{target_level}: add a transition"
            " policy (or a track default for steps up one level)",
        )
    track = family.track_of(current) if current else family.track(own_track)
    lateral = target_family if target_family != family.id else None
    counted = counted_per_criterion(
        framework, family.id, current, target_level, policy, to_family=lateral
    )
    compiled = compile_policy(
        policy, track, target_track, target_level, tuple(framework.raters), counted=counted
    )
    return _Move(target_family, target_level, route, compiled)


#: The move resolution, for executors over many employees: one call per distinct
#: (family, track, current level, target), cached; `Move` or `NoMove` (whose ``text``
#: names the employee as ``{employee!r}``).
resolve_move = _move
Move = _Move
NoMove = _NoMove


def _ladder(family: JobFamily, track_id: str) -> list[str]:
    """The level ids of a track's ladder; `KeyError` for an unknown track."""
    return [level.id for level in family.ladder(track_id)]


def _next_level(family: JobFamily, own_track: str, current: str) -> str | _NoMove:
    """The default target: the next level up the employee's ladder, or why there is none.

    The ladder is that of the history's track when it runs through the current level
    (a branch shares the levels below its branch point), else that of the current
    level's own track (after a crossover, say). At the top of that ladder, a level from
    which tracks branch leads into each: one branch is the target, several need one.
    """
    on = own_track if current in _ladder(family, own_track) else family.track_of(current).id
    following = family.next_level(current, on)
    if following is not None:
        return following.id
    options = family.next_levels(current)
    if len(options) == 1:
        return options[0].id
    if options:
        names = [f"{lv.id!r} (track {family.track_of(lv.id).id!r})" for lv in options]
        return _NoMove(
            "ambiguous_target",
            f"employee {{employee!r}} is at {current!r}, where the ladder branches, and the"
            f" history's track {own_track!r} has not chosen a branch: give a target, one of"
            f" {', '.join(names[:-1])} or {names[-1]}",
        )
    return _NoMove(
        "no_next_level",
        f"employee {{employee!r}} is at {current!r}, the top of its track:"
        " give a target (a crossover, a way back or a lateral path)",
    )


# --- one verdict ------------------------------------------------------------------------


class _Memo:
    """What verdicts of one binding under one compiled policy share, by cycle ordinal."""

    __slots__ = ("checks", "counted", "parts", "qualified", "runs", "shared")

    def __init__(self, counted: dict[int, Scores], parts: _Parts) -> None:
        self.counted = counted
        self.parts = parts
        #: For the kinds, by keys of their own.
        self.shared: dict[Any, Any] = {}
        self.checks: dict[int, tuple[CycleCheck, ...]] = {}
        self.qualified: dict[int, bool] = {}
        self.runs: dict[int, int] = {}


def evaluate_bound(
    binding: Binding, *, target: str | None = None, as_of: Cycle | str | None = None
) -> Verdict:
    """`evaluate` for a history already bound: verdicts for several cycles or targets share it."""
    framework, history = binding.framework, binding.history
    employee = history.employee
    cadence = framework.cadence
    if isinstance(as_of, str):
        try:
            as_of = Cycle.parse(as_of)
        except ValueError as exc:
            raise EvaluationError(f"as_of: {exc}", code="bad_cycle", employee=employee) from None
    if as_of is None:
        as_of = binding.latest
        if as_of is None:
            raise EvaluationError(
                f"employee {employee!r} has no {cadence.value} cycle to evaluate",
                code="no_cycle",
                employee=employee,
            )
    if as_of.cadence is not cadence:
        raise EvaluationError(
            f"cycle {as_of} is not {cadence.value} like the framework",
            code="bad_cycle",
            employee=employee,
        )
    if not as_of.in_range:
        raise EvaluationError(
            f"as_of: cycle {as_of} is out of range: expected {YEARS_EXPECTED}",
            code="bad_cycle",
            employee=employee,
        )
    return _verdict_at(binding, as_of, target)


def _resolve(binding: Binding, current: str | None, target: str | None) -> _Move | _NoMove:
    """The move from ``current`` to ``target`` (or the default), kept on the binding."""
    key = (_Move, current, target)
    move = binding.memo.get(key)
    if move is None:
        move = binding.memo[key] = _move(
            binding.framework, binding.family.id, binding.history.track, current, target
        )
    return move


def _verdict_at(binding: Binding, as_of: Cycle, target: str | None) -> Verdict:
    """The verdict for a cycle of the framework's cadence."""
    end = as_of.ordinal
    current = binding.level_at(end)
    move = _resolve(binding, current, target)
    if isinstance(move, _NoMove):
        employee = binding.history.employee
        # Not str.format: a target the caller gave may hold braces of its own.
        text = move.text.replace("{employee!r}", repr(employee))
        raise EvaluationError(text, code=move.code, employee=employee)
    return _Evaluation(binding, move, current).at(as_of, binding.stay_start(end))


class _Evaluation:
    """One move of one bound history: the facts of a verdict as the kinds read them.

    What does not depend on the cycle is set once; `at` sets the facts of one cycle and
    makes its verdict, so that a timeline reuses one evaluation for every cycle of a
    stretch at one level.
    """

    __slots__ = (
        "_counted",
        "_current",
        "_memo",
        "_move",
        "_names",
        "_parts",
        "_reviews",
        "_windows",
        "as_of",
        "as_of_only",
        "binding",
        "cadence",
        "compiled",
        "end",
        "has_scores",
        "latest_review",
        "since",
        "sustain",
        "window_cycles",
    )

    def __init__(self, binding: Binding, move: _Move, current: str | None) -> None:
        self.binding = binding
        self.compiled = compiled = move.compiled
        memo = binding.memo.get(compiled)
        if memo is None:
            memo = binding.memo[compiled] = _Memo(
                binding.counted(compiled.raters), _parts(compiled, binding.spread)
            )
        self._memo = memo
        self._counted = memo.counted
        self._parts = memo.parts
        self._reviews = binding.reviews
        self._move = move
        self._current = current
        self.cadence = binding.framework.cadence
        self.has_scores = bool(compiled.scores)
        self.sustain = compiled.sustain
        history, framework = binding.history, binding.framework
        self._names = (history.employee, history.family, framework.id, framework.version)
        # The facts of one cycle, set by `at`.
        self.as_of: Cycle
        self.end: int
        self.since: int | None
        self.window_cycles: PVector[Cycle]
        self.as_of_only: PVector[Cycle]
        self.latest_review: Review | None
        self._windows: list[PVector[CycleCheck]] | None = None

    # --- the facts the kinds read ------------------------------------------------------

    def cycle(self, ordinal: int) -> Cycle:
        return Cycle.from_ordinal(ordinal, self.cadence)

    def cycles(self, first: int, last: int) -> PVector[Cycle]:
        return self.binding.span(first, last)

    @property
    def shared(self) -> dict[Any, Any]:
        return self._memo.shared

    def reviews_between(self, first: int, last: int) -> list[Review]:
        reviews = self._reviews
        if first == last:
            # A verdict for the next cycle of a stay extends the tally by one review.
            review = reviews.get(first)
            return [] if review is None else [review]
        if last - first + 1 > len(reviews):
            return [reviews[o] for o in sorted(reviews) if first <= o <= last]
        return [r for r in map(reviews.get, range(first, last + 1)) if r is not None]

    def checks_at(self, ordinal: int) -> tuple[CycleCheck, ...]:
        """Every score step's full check of one cycle; each cycle is checked once."""
        memo = self._memo
        found = memo.checks.get(ordinal)
        if found is None:
            cycle = Cycle.from_ordinal(ordinal, self.cadence)
            scores = self._counted.get(ordinal)
            found = memo.checks[ordinal] = tuple(
                [step.check(cycle, scores) for step in self.compiled.scores]
            )
        return found

    def _window(self) -> list[PVector[CycleCheck]]:
        """Each score step's checks over the window, oldest first; made once per verdict."""
        windows = self._windows
        if windows is None:
            end, known = self.end, self._memo.checks
            # Windows slide: all but the newest cycle were usually checked for the verdict
            # before.
            rows = [
                known.get(o) or self.checks_at(o) for o in range(end - self.sustain + 1, end + 1)
            ]
            windows = self._windows = [pvector(checks) for checks in zip(*rows, strict=True)]
        return windows

    def window_checks(self, position: int) -> PVector[CycleCheck]:
        return self._window()[position]

    def window_failed(self) -> bool:
        return any(check.outcome is FAILED for checks in self._window() for check in checks)

    def qualifies(self, ordinal: int) -> bool:
        """Whether every score step held in a cycle: from its checks, or the fast path."""
        memo = self._memo
        found = memo.qualified.get(ordinal)
        if found is None:
            checks = memo.checks.get(ordinal)
            if checks is not None:
                found = True
                for check in checks:
                    if check.outcome is not PASSED:
                        found = False
                        break
            else:
                found = self.compiled.qualifies(self._counted.get(ordinal))
            memo.qualified[ordinal] = found
        return found

    def run(self) -> int:
        """Consecutive cycles ending at ``as_of`` in which every score step held."""
        runs = self._memo.runs
        found = runs.get(self.end)
        if found is None:
            # Cycles before the first review have none: no run reaches past it.
            first = self.binding.first_review
            ordinal = self.end
            first = ordinal if first is None or first > ordinal else first
            while ordinal >= first and ordinal not in runs and self.qualifies(ordinal):
                ordinal -= 1
            # Stopped at a known run (which continues), or at a cycle that broke it.
            known = runs.get(ordinal, 0) if ordinal >= first else 0
            found = runs[self.end] = self.end - ordinal + known
        return found

    # --- the verdict -------------------------------------------------------------------

    def at(self, as_of: Cycle, since: int | None) -> Verdict:
        """The verdict at ``as_of``, in a stay at the current level begun at ``since``."""
        self.as_of = as_of
        self.end = end = as_of.ordinal
        self.since = since
        self._windows = None
        self.window_cycles = cycles = self.binding.span(end - self.sustain + 1, end)
        self.as_of_only = cycles[-1:]
        self.latest_review = self._reviews.get(end)
        return self.verdict(self._current, self._move)

    def verdict(self, current: str | None, move: _Move) -> Verdict:
        compiled = self.compiled
        parts = self._parts
        results = [step.result(self) for step in compiled.steps]
        # A loop, not a set of outcomes: an enum member hashes in Python.
        failed = undecided = False
        for result in results:
            outcome = result.outcome
            if outcome is FAILED:
                failed = True
                break
            if outcome is UNDECIDED:
                undecided = True
        status = _STATUSES[compiled.status(failed, undecided, SCALAR)]
        met_except_approval = True
        if status is not _READY:
            for i in parts.judged:
                if results[i].outcome is not PASSED:
                    met_except_approval = False
                    break
        run = self.run() if self.has_scores else 0
        ready_since = None
        since, placed = self.since or 0, self.since is not None
        if status is _READY:
            ready_since = self.cycle(compiled.ready_start(self.end, run, since, placed, SCALAR))
        employee, family, framework, version = self._names
        return new_verdict(
            employee,
            family,
            current,
            move.target_family,
            move.target_level,
            move.route,
            status,
            self.as_of,
            pvector(results),
            met_except_approval,
            ready_since,
            self._earliest(run, status),
            self._gaps(parts),
            None if status is _READY else self._plan(results, parts),
            framework,
            version,
        )

    def _earliest(self, run: int, status: Status) -> Cycle | None:
        """First cycle in which time in level and the sustained run can both be met."""
        since, placed = self.since or 0, self.since is not None
        found, known = self.compiled.earliest(
            self.end, run, since, placed, status is _READY, SCALAR
        )
        return Cycle.from_ordinal(found, self.cadence) if known else None

    def _gaps(self, parts: _Parts) -> PVector[Gap]:
        scores = self._counted.get(self.end) or {}
        values = list(map(scores.get, parts.gap_ids))
        # Each competency's sort key for its score, made once per policy and score.
        keys: list[int | None] = list(map(dict.get, parts.gap_cells, values))
        if None in keys:
            keys = [
                parts.gap_key(index, value) if key is None else key
                for index, (key, value) in enumerate(zip(keys, values, strict=True))
            ]
        keys.sort()
        return pvector(map(parts.gaps.__getitem__, cast(list[int], keys)))

    def _plan(self, results: list[CriterionResult], parts: _Parts) -> Plan:
        compiled = self.compiled
        counted = parts.counted
        scale = self.binding.framework.scale
        achievable = True
        increases: PVector[Increase] = _NO_INCREASES
        # A cycle that qualifies needs no increase: every score step holds as it is.
        end = self.end
        qualified = self._memo.qualified.get(end)
        if qualified is None:
            qualified = self.qualifies(end)
        if counted and not qualified:
            current: Scores = self._counted.get(end) or {}
            # Unrated competencies count from the bottom of the scale.
            scores = {c: current.get(c, scale.min) for c in counted}
            start = dict(scores)
            for step in parts.lifts:
                achievable &= step.lift(scores, scale.max, start)
            increases = pvector(
                [
                    new_increase(c, current.get(c), scores[c])
                    for c in counted
                    if scores[c] != start[c] or c not in current
                ]
            )
        steps, messages = compiled.steps, parts.messages
        said = []
        for i in parts.others:
            result = results[i]
            if result.outcome is not PASSED:
                known = messages.get(id(result))
                if known is None:
                    if len(messages) >= 1024:
                        messages.clear()  # only results shared by later verdicts repeat
                    known = messages[id(result)] = (result, type(steps[i]).message(result))
                said.append(known[1])
        return new_plan(
            increases,
            achievable,
            parts.keep,
            compiled.sustain,
            self.cadence,
            pvector(said),
            scale.min,
        )


@attrs.frozen
class _Parts:
    """What every verdict under one compiled policy reads the same way."""

    #: Positions of the steps that are not approvals, for `met_except_approval`.
    judged: tuple[int, ...]
    #: Positions of the steps a plan lists among its others when not passed.
    others: tuple[int, ...]
    #: The score steps in the order a plan lifts scores for them.
    lifts: tuple[ScoreKind, ...]
    #: The counted competency ids, sorted, as the plan lists increases.
    counted: tuple[str, ...]
    #: What to keep up, for the plan.
    keep: PVector[str]
    #: The competencies of the target level's track, their proficiencies, and their
    #: ranks by id. Gaps are values from a small domain, each made once per policy: per
    #: competency, the sort key of each score seen (`gap_cells`), and the gap of each
    #: key (`gaps`).
    gap_ids: tuple[str, ...]
    gap_required: tuple[int, ...]
    gap_ranks: tuple[int, ...]
    gap_spread: int
    gap_cells: tuple[dict[int | None, int], ...]
    gaps: dict[int, Gap]
    #: Messages of results that later verdicts share, of this history or another (a
    #: step keeps some of its results), by identity with the result kept.
    messages: dict[int, tuple[CriterionResult, str]]

    def gap_key(self, index: int, score: int | None) -> int:
        """The sort key of a competency's gap, made once per competency and score.

        Unrated last; then the largest required - score first; then by id.
        """
        count, rank = len(self.gap_ids), self.gap_ranks[index]
        required = self.gap_required[index]
        if score is None:
            key = (2 * self.gap_spread + 1) * count + rank
        else:
            key = (score - required + self.gap_spread) * count + rank
        self.gap_cells[index][score] = key
        self.gaps[key] = new_gap(self.gap_ids[index], score, required)
        return key


@lru_cache(maxsize=512)
def _parts(compiled: CompiledPolicy, spread: int) -> _Parts:
    """``spread`` is the width of the scale: score - required lies within it either way."""
    steps = compiled.steps
    return _Parts(
        judged=tuple(i for i, step in enumerate(steps) if not step.approval),
        others=tuple(i for i, step in enumerate(steps) if step.in_plan_others),
        lifts=tuple(sorted(compiled.scores, key=lambda step: step.lift_stage)),
        counted=tuple(sorted(compiled.columns)),
        keep=pvector([step.keep() for step in compiled.scores]),
        gap_ids=compiled.gap_ids,
        gap_required=tuple(r for _, r in compiled.required),
        gap_ranks=tuple(sorted(compiled.gap_ids).index(c) for c in compiled.gap_ids),
        gap_spread=spread,
        gap_cells=tuple({} for _ in compiled.gap_ids),
        gaps={},
        messages={},
    )
