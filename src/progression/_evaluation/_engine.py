"""The evaluator: a framework and a rating history in, a readiness verdict with reasons out."""

from __future__ import annotations

import enum
import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import TypeAlias

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._history import Cycle, RatingHistory, Review
from .._model import Cadence, Framework, JobFamily, Track
from .._numbers import format_number
from .._policy import (
    APPROVAL_KINDS,
    AverageScore,
    Calibration,
    Criterion,
    ManagerEndorsement,
    MeetsExpectations,
    PromotionPolicy,
    Rater,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
)
from .._validation import one_of
from ..exceptions import EvaluationError, InvalidHistory, Problem

__all__ = [
    "CriterionResult",
    "CycleCheck",
    "Gap",
    "Increase",
    "Observed",
    "Outcome",
    "Plan",
    "Status",
    "Timeline",
    "Verdict",
    "evaluate",
    "timeline",
]

Observed: TypeAlias = bool | int | Fraction | None


class Outcome(enum.Enum):
    """How one criterion came out: passed, failed, or undecided for want of data."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    PASSED = "passed"
    FAILED = "failed"
    UNDECIDED = "undecided"


class Status(enum.Enum):
    """The verdict: ready, not ready, or insufficient data to say."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    READY = "ready"
    NOT_READY = "not_ready"
    INSUFFICIENT_DATA = "insufficient_data"


def _cycles(items: Iterable[Cycle]) -> PVector[Cycle]:
    return pvector(items)


def _names(items: Iterable[str]) -> PVector[str]:
    return pvector(items)


def _period(cadence: Cadence, count: int) -> str:
    word = "quarter" if cadence is Cadence.QUARTERLY else "half-year"
    return f"{count} {word}{'s' if count != 1 else ''}"


def _show(value: Observed) -> str:
    # People read 3.56, not 32/9; the exact value stays in `observed`.
    if isinstance(value, Fraction):
        exact = format_number(value)
        return exact if "/" not in exact else f"~{float(value):.2f}"
    return str(value)


@attrs.frozen(kw_only=True)
class CycleCheck:
    """A score criterion in one cycle: outcome, the value seen, the competencies at fault."""

    cycle: Cycle
    outcome: Outcome
    observed: Observed = None
    competencies: PVector[str] = attrs.field(converter=_names, factory=pvector)
    reviewed: bool = True


def _checks(items: Iterable[CycleCheck]) -> PVector[CycleCheck]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class CriterionResult:
    """One criterion of the policy: outcome, a stable code, observed and required values.

    ``code`` is ``<kind>.<reason>``, for instance ``average_score.below_threshold`` or
    ``time_in_level.too_short``: stable, for programs. ``message`` is for people.
    """

    criterion: Criterion
    code: str
    outcome: Outcome
    observed: Observed = None
    required: Observed = None
    cycles: PVector[Cycle] = attrs.field(converter=_cycles, factory=pvector)
    competencies: PVector[str] = attrs.field(converter=_names, factory=pvector)
    checks: PVector[CycleCheck] = attrs.field(converter=_checks, factory=pvector)

    @property
    def passed(self) -> bool:
        """Whether the criterion passed."""
        return self.outcome is Outcome.PASSED

    @property
    def message(self) -> str:
        """A sentence for people saying what was looked at and how it came out."""
        return _message(self)


@attrs.frozen(kw_only=True)
class Gap:
    """One competency: the current score against what the target level expects."""

    competency: str
    score: int | None
    required: int

    @property
    def gap(self) -> int | None:
        """Points short of the requirement (negative when above it); None when unrated."""
        return None if self.score is None else self.required - self.score


@attrs.frozen(kw_only=True)
class Increase:
    """Raise one competency's score from ``from_score`` to ``to_score``."""

    competency: str
    from_score: int | None
    to_score: int


def _increases(items: Iterable[Increase]) -> PVector[Increase]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class Plan:
    """What it would take: the fewest score increases, and the other criteria unmet.

    The increases are the fewest points (then the fewest competencies) that would make
    the next cycle qualify on the score criteria, starting from the latest scores.
    """

    increases: PVector[Increase] = attrs.field(converter=_increases, factory=pvector)
    achievable: bool = True
    sustain: PVector[str] = attrs.field(converter=_names, factory=pvector)
    cycles: int = 1
    cadence: Cadence = Cadence.QUARTERLY
    others: PVector[str] = attrs.field(converter=_names, factory=pvector)
    #: The score an unrated competency is counted from: the bottom of the scale.
    baseline: int = 1

    @property
    def points(self) -> int:
        """Total score points the increases add."""
        return sum(
            i.to_score - (self.baseline if i.from_score is None else i.from_score)
            for i in self.increases
        )

    @property
    def sentence(self) -> str:
        """The plan in one plain sentence."""
        parts = []
        if not self.achievable:
            parts.append("The score criteria cannot be met on this scale")
        elif self.increases:
            raises = [
                f"{i.competency} from {i.from_score if i.from_score is not None else 'unrated'}"
                f" to {i.to_score}"
                for i in self.increases
            ]
            parts.append("Raise " + _and(raises))
        if self.achievable and self.sustain:
            keep = "keep " + _and(list(self.sustain))
            keep += f" for {_period(self.cadence, self.cycles)}"
            parts.append(keep if parts else keep.capitalize())
        text = " and ".join(parts)
        if self.others:
            text += ("; also: " if text else "") + "; ".join(self.others)
        return (text[:1].upper() + text[1:] + ".") if text else "Nothing more is needed."


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _results(items: Iterable[CriterionResult]) -> PVector[CriterionResult]:
    return pvector(items)


def _gaps(items: Iterable[Gap]) -> PVector[Gap]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class Verdict:
    """Promotion readiness of one employee for one target, with every criterion's reason."""

    employee: str
    family: str
    current_level: str | None
    target_family: str
    target_level: str
    route: str
    status: Status
    as_of: Cycle
    criteria: PVector[CriterionResult] = attrs.field(converter=_results)
    met_except_approval: bool
    ready_since: Cycle | None = None
    earliest: Cycle | None = None
    gaps: PVector[Gap] = attrs.field(converter=_gaps, factory=pvector)
    plan: Plan | None = None
    framework: str
    framework_version: str

    @property
    def ready(self) -> bool:
        """Whether the status is ready."""
        return self.status is Status.READY

    @property
    def summary(self) -> str:
        """One line: the status and, when not ready, the reasons."""
        head = f"{self.employee}: {self.current_level or 'no level'} -> {self.target_level}"
        if self.status is Status.READY:
            return f"{head}: ready (qualifying since {self.ready_since})"
        failing = [r for r in self.criteria if r.outcome is not Outcome.PASSED]
        reasons = "; ".join(r.message for r in failing)
        label = "not ready" if self.status is Status.NOT_READY else "insufficient data"
        if self.met_except_approval:
            label = "ready pending approval"
        return f"{head}: {label}: {reasons}"

    def _repr_html_(self) -> str:
        from .._render import verdict_html  # noqa: PLC0415 - rendering sits above results

        html: str = verdict_html(self)
        return html


def _verdicts(items: Iterable[Verdict]) -> PVector[Verdict]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class Timeline:
    """The verdict at every cycle of a history, and when readiness began and ended."""

    employee: str
    verdicts: PVector[Verdict] = attrs.field(converter=_verdicts)

    @property
    def became_ready(self) -> list[Cycle]:
        """Cycles in which the employee became ready (not ready the cycle before)."""
        return [v.as_of for prev, v in self._pairs() if v.ready and not (prev and prev.ready)]

    @property
    def stopped_being_ready(self) -> list[Cycle]:
        """Cycles in which the employee stopped being ready."""
        return [v.as_of for prev, v in self._pairs() if prev and prev.ready and not v.ready]

    def _pairs(self) -> list[tuple[Verdict | None, Verdict]]:
        return list(zip([None, *self.verdicts], self.verdicts, strict=False))


# --- evaluation -------------------------------------------------------------------------


@attrs.frozen
class _Score:
    """A score criterion compiled for fast checks: integers only in the inner loop."""

    criterion: AverageScore | ScoreFloor | MeetsExpectations
    competencies: tuple[str, ...]
    #: (weight, competency) for averages, (expected proficiency, competency) for
    #: expectations, (floor, competency) for floors: what the inner loop walks.
    pairs: tuple[tuple[int, str], ...] = ()
    weights: tuple[int, ...] = ()
    total_weight: int = 1
    numerator: int = 0
    denominator: int = 1
    expected: tuple[int, ...] = ()


@attrs.frozen
class _Compiled:
    policy: PromotionPolicy
    track: Track
    target: Track
    raters: tuple[Rater, ...]
    scores: tuple[_Score, ...]
    sustain: int
    competencies: tuple[str, ...]
    #: (competency, proficiency the target level expects), for the gaps.
    required: tuple[tuple[str, int], ...]


@lru_cache(maxsize=512)
def _compile(
    policy: PromotionPolicy,
    track: Track,
    target: Track,
    target_level: str,
    framework_raters: tuple[Rater, ...],
) -> _Compiled:
    known = tuple(c.id for c in track.competencies)
    scores = []
    for criterion in policy.criteria:
        if isinstance(criterion, AverageScore):
            counted = tuple(criterion.competencies) or known
            raw = [criterion.weights.get(c, Fraction(1)) for c in counted]
            scale = math.lcm(*(w.denominator for w in raw))
            weights = tuple(int(w * scale) for w in raw)
            scores.append(
                _Score(
                    criterion,
                    counted,
                    tuple(zip(weights, counted, strict=True)),
                    weights,
                    sum(weights),
                    criterion.threshold.numerator,
                    criterion.threshold.denominator,
                )
            )
        elif isinstance(criterion, ScoreFloor):
            counted = tuple(criterion.competencies) or known
            scores.append(_Score(criterion, counted, tuple((criterion.floor, c) for c in counted)))
        elif isinstance(criterion, MeetsExpectations):
            target_ids = {c.id for c in target.competencies}
            counted = tuple(c for c in (criterion.competencies or known) if c in target_ids)
            expected = tuple(target.competency(c).levels[target_level].proficiency for c in counted)
            scores.append(
                _Score(
                    criterion,
                    counted,
                    tuple(zip(expected, counted, strict=True)),
                    expected=expected,
                )
            )
    sustain = next((c.cycles for c in policy.criteria if isinstance(c, Sustained)), 1)
    raters = tuple(policy.raters) or framework_raters
    required = tuple((c.id, c.levels[target_level].proficiency) for c in target.competencies)
    return _Compiled(policy, track, target, raters, tuple(scores), sustain, known, required)


def _average(score: _Score, criterion: AverageScore, scores: dict[str, int]) -> tuple[bool, int]:
    """Whether the weighted average meets the threshold, and the weighted total.

    Raises KeyError for an unrated competency.
    """
    total = 0
    for weight, competency in score.pairs:
        total += weight * scores[competency]
    # total / total_weight >= numerator / denominator, in integers: exact anywhere.
    left, right = total * score.denominator, score.numerator * score.total_weight
    return (left > right if criterion.strict else left >= right), total


def _check(score: _Score, scores: dict[str, int] | None) -> tuple[Outcome, int, tuple[str, ...]]:
    """One score criterion in one cycle: (outcome, integer observation, competencies at fault).

    ``scores`` is None for a cycle with no review at all, which fails (it breaks a run).
    """
    if scores is None:
        return Outcome.FAILED, 0, ()
    criterion = score.criterion
    try:
        if isinstance(criterion, AverageScore):
            met, total = _average(score, criterion, scores)
            return (Outcome.PASSED if met else Outcome.FAILED), total, ()
        below = tuple(c for need, c in score.pairs if scores[c] < need)
    except KeyError:
        return Outcome.UNDECIDED, 0, tuple(c for c in score.competencies if c not in scores)
    if isinstance(criterion, ScoreFloor):
        lowest = min((scores[c] for c in score.competencies), default=criterion.floor)
        return (Outcome.FAILED if below else Outcome.PASSED), lowest, below
    return (Outcome.FAILED if below else Outcome.PASSED), len(below), below


def _observed(score: _Score, raw: int) -> Observed:
    if isinstance(score.criterion, AverageScore):
        value = Fraction(raw, score.total_weight)
        return value.numerator if value.denominator == 1 else value
    return raw


class _Index:
    """One pass over a history: checks it and indexes the counted scores by cycle.

    The counted score of a competency in a cycle is that of the most preferred rater.
    """

    def __init__(
        self,
        framework: Framework,
        family: JobFamily,
        history: RatingHistory,
        raters: tuple[Rater, ...],
    ) -> None:
        self.scores: dict[int, dict[str, int]] = {}
        self.reviews: dict[int, Review] = {}
        problems: list[Problem] = []
        who = f"employee {history.employee!r}"

        def add(segments: tuple[str | int, ...], message: str) -> None:
            problems.append(Problem(segments=segments, message=f"{who}: {message}"))

        # Levels, track and cadence were checked by _check_assignments already.
        starts: list[tuple[int, str]] = []
        known: dict[str, frozenset[str]] = {}
        for assignment in history.levels:
            known[assignment.level] = _competency_ids(family.track_of(assignment.level))
            starts.append((assignment.since.ordinal, assignment.level))
        starts.sort()
        ordinals = [start for start, _ in starts]
        fallback = _competency_ids(family.track(history.track))
        low, high = framework.scale.min, framework.scale.max
        preference = {rater: rank for rank, rater in enumerate(raters)}
        for r_index, review in enumerate(history.reviews):
            cycle = review.cycle
            ordinal = cycle.ordinal
            self.reviews[ordinal] = review
            held = bisect_right(ordinals, ordinal) - 1
            allowed = known[starts[held][1]] if held >= 0 else fallback
            scores: dict[str, int] = {}
            ranks: dict[str, int] = {}
            for rating in review.ratings:
                competency, score = rating.competency, rating.score
                if competency not in allowed or not low <= score <= high:
                    at = ("reviews", r_index, "ratings", review.ratings.index(rating))
                    if competency not in allowed:
                        add(
                            (*at, "competency"),
                            f"cycle {cycle}: unknown competency {competency!r} for the level held"
                            f" then, expected {one_of(sorted(allowed))}",
                        )
                    if not low <= score <= high:
                        add(
                            (*at, "score"),
                            f"cycle {cycle}: score {score} for {competency!r} is outside the"
                            f" scale {low}..{high}",
                        )
                    continue
                rank = preference.get(rating.rater)
                if rank is not None:
                    best = ranks.get(competency)
                    if best is None or rank < best:
                        ranks[competency] = rank
                        scores[competency] = score
            self.scores[ordinal] = scores
        if problems:
            raise InvalidHistory(problems)

    def at(self, ordinal: int) -> dict[str, int] | None:
        return self.scores.get(ordinal)


def _check_assignments(framework: Framework, family: JobFamily, history: RatingHistory) -> None:
    """Levels, track and cadence must be right before the cycle and target are resolved."""
    problems = []
    who = f"employee {history.employee!r}"
    cadence = framework.cadence
    try:
        family.track(history.track)
    except KeyError:
        tracks = one_of(t.id for t in family.tracks)
        problems.append(
            Problem(
                segments=("track",),
                message=f"{who}: unknown track {history.track!r} in {family.id!r},"
                f" expected {tracks}",
            )
        )
    for index, assignment in enumerate(history.levels):
        since = assignment.since
        if since.cadence is not cadence:
            problems.append(
                Problem(
                    segments=("levels", index, "since"),
                    message=f"{who}: level assignment from {since}: not a {cadence.value} cycle",
                )
            )
        try:
            family.track_of(assignment.level)
        except KeyError:
            levels = one_of(lv.id for t in family.tracks for lv in t.levels)
            problems.append(
                Problem(
                    segments=("levels", index, "level"),
                    message=f"{who}: level assignment from {since}: unknown level"
                    f" {assignment.level!r}, expected {levels}",
                )
            )
    for index, review in enumerate(history.reviews):
        if review.cycle.cadence is not cadence:
            problems.append(
                Problem(
                    segments=("reviews", index, "cycle"),
                    message=f"{who}: review {review.cycle}: not a {cadence.value} cycle",
                )
            )
    if problems:
        raise InvalidHistory(problems)


@lru_cache(maxsize=1024)
def _competency_ids(track: Track) -> frozenset[str]:
    return frozenset(c.id for c in track.competencies)


def _resolve_target(
    framework: Framework, history: RatingHistory, current: str | None, target: str | None
) -> tuple[str, str, str]:
    """(target family, target level, route) for an explicit or default target."""
    family = framework.family(history.family)
    if target is not None and "/" in target:
        target_family, target_level = target.split("/", 1)
    else:
        target_family, target_level = family.id, target or ""
    if target is None:
        if current is None:
            raise EvaluationError(
                f"employee {history.employee!r} has no level assignment on or before the cycle"
                " evaluated, so there is no next level: give a target"
            )
        following = family.track_of(current).next_level(current)
        if following is None:
            raise EvaluationError(
                f"employee {history.employee!r} is at {current!r}, the top of its track:"
                " give a target (a crossover, a way back or a lateral path)"
            )
        return family.id, following.id, "promotion"
    if current is None:
        # Without a current level only the track default can apply: the step up the
        # employee's own track is the one route left to assume.
        try:
            if family.track_of(target_level).id == history.track and target_family == family.id:
                return family.id, target_level, "promotion"
        except KeyError:
            pass
        raise EvaluationError(
            f"employee {history.employee!r} has no current level, so no route to"
            f" {target!r} can be checked"
        )
    route = family.route(current, target_level, target_family)
    if route is None:
        raise EvaluationError(
            f"no route leads from {current!r} to {target!r} in family {family.id!r}:"
            " expected a higher level on the same track, a crossover, a way back or a"
            " lateral path (written family/level)"
        )
    return target_family, target_level, route


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
        EvaluationError: no target can be found, no route leads to it, or no policy
            covers the move.
    """
    cadence = framework.cadence
    try:
        family = framework.family(history.family)
    except KeyError:
        families = one_of(f.id for f in framework.job_families)
        raise InvalidHistory(
            [
                Problem(
                    segments=("family",),
                    message=f"employee {history.employee!r}: unknown job family"
                    f" {history.family!r}, expected {families}",
                )
            ]
        ) from None
    _check_assignments(framework, family, history)
    if isinstance(as_of, str):
        try:
            as_of = Cycle.parse(as_of)
        except ValueError as exc:
            raise EvaluationError(f"as_of: {exc}") from None
    if as_of is None:
        mentioned = [*(r.cycle for r in history.reviews), *(a.since for a in history.levels)]
        latest = max(((c.ordinal, c) for c in mentioned if c.cadence is cadence), default=None)
        if latest is None:
            raise EvaluationError(
                f"employee {history.employee!r} has no {cadence.value} cycle to evaluate"
            )
        as_of = latest[1]
    if as_of.cadence is not cadence:
        raise EvaluationError(f"cycle {as_of} is not {cadence.value} like the framework")
    held = history.level_at(as_of)
    current = held.level if held else None
    target_family, target_level, route = _resolve_target(framework, history, current, target)
    policy = (
        framework.policy(family.id, current, target_level, target_family)
        if current is not None
        else framework.track_default(family.id, history.track)
    )
    if policy is None:
        raise EvaluationError(
            f"no policy covers {current} -> {target_family}/{target_level}: add a transition"
            " policy (or a track default for steps up one level)"
        )
    track = family.track_of(current) if current else family.track(history.track)
    target_track = framework.family(target_family).track_of(target_level)
    compiled = _compile(policy, track, target_track, target_level, tuple(framework.raters))
    index = _Index(framework, family, history, compiled.raters)
    return _Evaluation(framework, history, compiled, as_of, index).verdict(
        current, target_family, target_level, route
    )


class _Evaluation:
    """The state of one evaluation; `verdict` assembles the result."""

    def __init__(
        self,
        framework: Framework,
        history: RatingHistory,
        compiled: _Compiled,
        as_of: Cycle,
        index: _Index,
    ) -> None:
        self.framework = framework
        self.history = history
        self.c = compiled
        self.as_of = as_of
        self.end = as_of.ordinal
        self.index = index
        self._checks: dict[int, list[tuple[Outcome, int, tuple[str, ...]]]] = {}
        self._run: int | None = None
        self.cadence = framework.cadence
        self.since = self._since()
        first = min((r.cycle.ordinal for r in history.reviews), default=self.end)
        self.first = min(first, self.end)

    def _since(self) -> int | None:
        """First cycle of the current uninterrupted stay at the current level."""
        ordered = sorted(
            (a for a in self.history.levels if a.since.ordinal <= self.end),
            key=lambda a: a.since.ordinal,
        )
        if not ordered:
            return None
        level = ordered[-1].level
        start = ordered[-1].since.ordinal
        for assignment in reversed(ordered[:-1]):
            if assignment.level != level:
                break
            start = assignment.since.ordinal
        return start

    def cycle(self, ordinal: int) -> Cycle:
        return Cycle.from_ordinal(ordinal, self.cadence)

    def checks(self, ordinal: int) -> list[tuple[Outcome, int, tuple[str, ...]]]:
        """Every score criterion checked in one cycle; each cycle is checked once."""
        found = self._checks.get(ordinal)
        if found is None:
            scores = self.index.at(ordinal)
            found = self._checks[ordinal] = [_check(s, scores) for s in self.c.scores]
        return found

    def run(self) -> int:
        """Consecutive cycles ending at ``as_of`` in which every score criterion held."""
        if self._run is None:
            ordinal = self.end
            while ordinal >= self.first and self._qualifies(ordinal):
                ordinal -= 1
            self._run = self.end - ordinal
        return self._run

    def _qualifies(self, ordinal: int) -> bool:
        """Whether every score criterion held in a cycle: a yes or no, nothing to report."""
        known = self._checks.get(ordinal)
        if known is not None:
            return all(outcome is Outcome.PASSED for outcome, _, _ in known)
        scores = self.index.at(ordinal)
        if scores is None:
            return False
        try:
            for score in self.c.scores:
                criterion = score.criterion
                if isinstance(criterion, AverageScore):
                    if not _average(score, criterion, scores)[0]:
                        return False
                else:
                    for need, competency in score.pairs:
                        if scores[competency] < need:
                            return False
        except KeyError:
            return False  # an unrated competency: not a qualifying cycle
        return True

    def verdict(
        self, current: str | None, target_family: str, target_level: str, route: str
    ) -> Verdict:
        c = self.c
        window = range(self.end - c.sustain + 1, self.end + 1)
        results: list[CriterionResult] = []
        for criterion in c.policy.criteria:
            if isinstance(criterion, AverageScore | ScoreFloor | MeetsExpectations):
                position = next(i for i, s in enumerate(c.scores) if s.criterion is criterion)
                result = self._score(position, window)
            elif isinstance(criterion, Sustained):
                result = self._sustained(criterion)
            elif isinstance(criterion, TimeInLevel):
                result = self._time_in_level(criterion)
            elif isinstance(criterion, ScopeEvidence):
                result = self._evidence(criterion)
            else:
                result = self._approval(criterion)
            results.append(result)
        outcomes = [r.outcome for r in results]
        if Outcome.FAILED in outcomes:
            status = Status.NOT_READY
        elif Outcome.UNDECIDED in outcomes:
            status = Status.INSUFFICIENT_DATA
        else:
            status = Status.READY
        met_except_approval = all(
            r.outcome is Outcome.PASSED for r in results if r.criterion.kind not in APPROVAL_KINDS
        )
        run = self.run() if c.scores else 0
        ready_since = None
        if status is Status.READY:
            start = self.end - run + 1 if c.scores else self.end
            # Qualifying at the previous level was for another move: not counted.
            ready_since = self.cycle(max(start, self.since) if self.since is not None else start)
        return Verdict(
            employee=self.history.employee,
            family=self.history.family,
            current_level=current,
            target_family=target_family,
            target_level=target_level,
            route=route,
            status=status,
            as_of=self.as_of,
            criteria=results,
            met_except_approval=met_except_approval,
            ready_since=ready_since,
            earliest=self._earliest(run, status),
            gaps=self._gaps(target_level),
            plan=None if status is Status.READY else self._plan(results),
            framework=self.framework.id,
            framework_version=self.framework.version,
        )

    def _score(self, position: int, window: range) -> CriterionResult:
        score = self.c.scores[position]
        kind = score.criterion.kind
        checks = []
        for ordinal in window:
            scores = self.index.at(ordinal)
            outcome, raw, at_fault = self.checks(ordinal)[position]
            observed = (
                None if outcome is Outcome.UNDECIDED or scores is None else _observed(score, raw)
            )
            checks.append(
                CycleCheck(
                    cycle=self.cycle(ordinal),
                    outcome=outcome,
                    observed=observed,
                    competencies=at_fault,
                    reviewed=scores is not None,
                )
            )
        failed = [ch for ch in checks if ch.outcome is Outcome.FAILED]
        undecided = [ch for ch in checks if ch.outcome is Outcome.UNDECIDED]
        last = checks[-1]
        required: Observed
        if isinstance(score.criterion, AverageScore):
            required = score.criterion.threshold
        elif isinstance(score.criterion, ScoreFloor):
            required = score.criterion.floor
        else:
            required = 0
        if failed:
            worst = failed[-1]
            reason = "no_review" if not worst.reviewed else _FAIL_REASON[kind]
            outcome, focus = Outcome.FAILED, worst
        elif undecided:
            reason, outcome, focus = "unrated", Outcome.UNDECIDED, undecided[-1]
        else:
            reason, outcome, focus = "met", Outcome.PASSED, last
        return CriterionResult(
            criterion=score.criterion,
            code=f"{kind}.{reason}",
            outcome=outcome,
            observed=focus.observed,
            required=required,
            cycles=[ch.cycle for ch in checks],
            competencies=focus.competencies,
            checks=checks,
        )

    def _sustained(self, criterion: Sustained) -> CriterionResult:
        cycles = [self.cycle(o) for o in range(self.end - criterion.cycles + 1, self.end + 1)]
        if not self.c.scores:
            return CriterionResult(
                criterion=criterion,
                code="sustained.met",
                outcome=Outcome.PASSED,
                observed=criterion.cycles,
                required=criterion.cycles,
                cycles=cycles,
            )
        run = self.run()
        if run >= criterion.cycles:
            outcome, reason = Outcome.PASSED, "met"
        else:
            window_failed = any(
                outcome is Outcome.FAILED
                for o in range(self.end - criterion.cycles + 1, self.end + 1)
                for outcome, _, _ in self.checks(o)
            )
            outcome, reason = (
                (Outcome.FAILED, "run_too_short")
                if window_failed
                else (Outcome.UNDECIDED, "unrated")
            )
        return CriterionResult(
            criterion=criterion,
            code=f"sustained.{reason}",
            outcome=outcome,
            observed=run,
            required=criterion.cycles,
            cycles=cycles,
        )

    def _no_level(self, criterion: TimeInLevel | ScopeEvidence, required: int) -> CriterionResult:
        """Undecided: without a current level there is no stay to measure or search."""
        return CriterionResult(
            criterion=criterion,
            code=f"{criterion.kind}.no_level",
            outcome=Outcome.UNDECIDED,
            required=required,
            cycles=[self.as_of],
        )

    def _time_in_level(self, criterion: TimeInLevel) -> CriterionResult:
        if self.since is None:
            return self._no_level(criterion, criterion.cycles)
        spent = self.end - self.since + 1
        met = spent >= criterion.cycles
        return CriterionResult(
            criterion=criterion,
            code="time_in_level.met" if met else "time_in_level.too_short",
            outcome=Outcome.PASSED if met else Outcome.FAILED,
            observed=spent,
            required=criterion.cycles,
            cycles=[self.cycle(o) for o in range(self.since, self.end + 1)],
        )

    def _evidence(self, criterion: ScopeEvidence) -> CriterionResult:
        if self.since is None:
            return self._no_level(criterion, criterion.count)
        qualifying = 0
        seen: list[Cycle] = []
        for review in self.history.reviews:
            ordinal = review.cycle.ordinal
            if not self.since <= ordinal <= self.end:
                continue
            for record in review.evidence:
                if record.requirement != criterion.id:
                    continue
                seen.append(review.cycle)
                if criterion.min_value is None or (
                    record.value is not None and record.value >= criterion.min_value
                ):
                    qualifying += 1
        met = qualifying >= criterion.count
        return CriterionResult(
            criterion=criterion,
            code="scope_evidence.met" if met else "scope_evidence.too_few_records",
            outcome=Outcome.PASSED if met else Outcome.FAILED,
            observed=qualifying,
            required=criterion.count,
            cycles=sorted(set(seen)),
        )

    def _approval(self, criterion: ManagerEndorsement | Calibration) -> CriterionResult:
        review = self.index.reviews.get(self.end)
        if isinstance(criterion, ManagerEndorsement):
            given = bool(review and review.endorsed)
            code = "manager_endorsement." + ("given" if given else "not_given")
        else:
            given = bool(review and review.calibrated)
            code = "calibration." + ("confirmed" if given else "not_confirmed")
        return CriterionResult(
            criterion=criterion,
            code=code,
            outcome=Outcome.PASSED if given else Outcome.FAILED,
            observed=given,
            required=True,
            cycles=[self.as_of],
        )

    def _earliest(self, run: int, status: Status) -> Cycle | None:
        """First cycle in which time in level and the sustained run can both be met.

        Assumes scores qualify from the next cycle on (or keep qualifying). For a verdict
        that is not ready it is never earlier than the next cycle.
        """
        candidates = [self.end]
        if self.c.scores:
            start = self.end - run + 1 if run else self.end + 1
            candidates.append(start + self.c.sustain - 1)
        time = next((c for c in self.c.policy.criteria if isinstance(c, TimeInLevel)), None)
        if time is not None:
            if self.since is None:
                return None
            candidates.append(self.since + time.cycles - 1)
        found = self.end if len(candidates) == 1 else max(candidates[1:])
        if status is not Status.READY:
            # Not ready now: whatever else is missing, the soonest is the next cycle.
            found = max(found, self.end + 1)
        return self.cycle(found)

    def _gaps(self, target_level: str) -> list[Gap]:
        scores = self.index.at(self.end) or {}
        rows = []
        for competency, required in self.c.required:
            score = scores.get(competency)
            rows.append(
                (
                    score is None,
                    0 if score is None else score - required,
                    competency,
                    score,
                    required,
                )
            )
        rows.sort()
        return [Gap(competency=c, score=s, required=r) for _, _, c, s, r in rows]

    def _plan(self, results: list[CriterionResult]) -> Plan:
        scale = self.framework.scale
        current = self.index.at(self.end) or {}
        scores = {c: current.get(c, scale.min) for c in self.c.competencies}
        for score in self.c.scores:
            for competency in score.competencies:
                scores.setdefault(competency, current.get(competency, scale.min))
        start = dict(scores)
        achievable = True
        for score in self.c.scores:
            criterion = score.criterion
            if isinstance(criterion, ScoreFloor):
                for competency in score.competencies:
                    scores[competency] = max(scores[competency], criterion.floor)
            elif isinstance(criterion, MeetsExpectations):
                for competency, need in zip(score.competencies, score.expected, strict=True):
                    scores[competency] = max(scores[competency], need)
        for score in self.c.scores:
            if isinstance(score.criterion, AverageScore):
                touched = {c for c in scores if scores[c] != start[c]}
                achievable &= _raise_average(score, scores, scale.max, touched)
        counted = {c for s in self.c.scores for c in s.competencies}
        increases = [
            Increase(competency=c, from_score=current.get(c), to_score=scores[c])
            for c in sorted(counted)
            if scores[c] != start[c] or c not in current
        ]
        sustain = []
        for score in self.c.scores:
            criterion = score.criterion
            if isinstance(criterion, AverageScore):
                threshold = format_number(criterion.threshold)
                sustain.append(
                    f"the average above {threshold}"
                    if criterion.strict
                    else f"the average at {threshold} or above"
                )
            elif isinstance(criterion, ScoreFloor):
                sustain.append(f"every competency at {criterion.floor} or above")
            else:
                sustain.append("every competency at the target level's expectation")
        others = [
            r.message
            for r in results
            if r.outcome is not Outcome.PASSED
            and not isinstance(
                r.criterion, AverageScore | ScoreFloor | MeetsExpectations | Sustained
            )
        ]
        return Plan(
            increases=increases,
            achievable=achievable,
            sustain=sustain,
            cycles=self.c.sustain,
            cadence=self.cadence,
            others=others,
            baseline=scale.min,
        )


def _raise_average(score: _Score, scores: dict[str, int], top: int, touched: set[str]) -> bool:
    """Add the fewest points, then touch the fewest competencies, to reach the threshold.

    Returns True when the threshold can be reached on this scale.

    Each point adds its competency's weight, so the heaviest competencies go first,
    and one is raised to the top before the next: the fewest points and competencies.
    """
    criterion = score.criterion
    assert isinstance(criterion, AverageScore)

    def met() -> bool:
        return _average(score, criterion, scores)[0]

    # Within one weight, every point is worth the same: start with competencies the
    # plan already raises, then those with the most room, so that fewest are touched.
    order = sorted(
        zip(score.weights, score.competencies, strict=True),
        key=lambda wc: (-wc[0], wc[1] not in touched, scores[wc[1]] - top, wc[1]),
    )
    for _, competency in order:
        while not met() and scores[competency] < top:
            scores[competency] += 1
        if met():
            return True
    return met()


_FAIL_REASON = {
    "average_score": "below_threshold",
    "score_floor": "below_floor",
    "meets_expectations": "below_expectation",
}


def cadence_of(result: CriterionResult) -> Cadence:
    """The cadence of the cycles a result looked at."""
    return result.cycles[0].cadence if result.cycles else Cadence.QUARTERLY


def _message(result: CriterionResult) -> str:
    criterion = result.criterion
    outcome = result.outcome
    reason = result.code.split(".", 1)[1]
    cycles = list(result.cycles)
    span = f"{cycles[0]}..{cycles[-1]}" if len(cycles) > 1 else (str(cycles[0]) if cycles else "")
    # Name the cycle that decided the outcome: the latest failed one for a failure,
    # the latest undecided one when nothing failed.
    failing = [ch for ch in result.checks if ch.outcome is result.outcome]
    focus = failing[-1] if failing and result.outcome is not Outcome.PASSED else None
    where = str(focus.cycle) if focus else span
    names = ", ".join(result.competencies)
    if reason == "no_review":
        return f"no review in {where}, which breaks the run {span}"
    if reason == "unrated":
        if isinstance(criterion, Sustained):
            return f"score criteria undecided within {span}, so the run cannot be counted"
        return f"no counted score in {where} for {names}"
    if isinstance(criterion, AverageScore):
        sign = ">" if criterion.strict else ">="
        need = f"{sign} {format_number(criterion.threshold)}"
        if outcome is Outcome.PASSED:
            values = ", ".join(f"{ch.cycle}: {_show(ch.observed)}" for ch in result.checks)
            return f"average {need} in every cycle of {span} ({values})"
        return f"average {_show(result.observed)} in {where}, needs {need}"
    if isinstance(criterion, ScoreFloor):
        if outcome is Outcome.PASSED:
            return f"no competency below {criterion.floor} in {span}"
        return f"{names} below {criterion.floor} in {where} (lowest {result.observed})"
    if isinstance(criterion, MeetsExpectations):
        if outcome is Outcome.PASSED:
            return f"every competency at the target level's expectation in {span}"
        return f"{names} below the target level's expectation in {where}"
    if isinstance(criterion, Sustained):
        if outcome is Outcome.PASSED:
            return (
                f"score criteria held for {result.observed} consecutive cycles"
                f" (needs {criterion.cycles})"
            )
        return (
            f"score criteria held in {result.observed} of the last {criterion.cycles}"
            f" consecutive cycles up to {cycles[-1]}"
        )
    if isinstance(criterion, TimeInLevel):
        if reason == "no_level":
            return f"no level assignment on or before {span}, so time in level is unknown"
        spent = _period(cadence_of(result), int(result.observed or 0))
        return f"{spent} in level, needs {criterion.cycles}"
    if isinstance(criterion, ScopeEvidence):
        about = f" ({criterion.description.rstrip('.')})" if criterion.description else ""
        if reason == "no_level":
            return f"{criterion.id}: no level assignment, so the evidence window is unknown{about}"
        need = f"{criterion.count} record{'s' if criterion.count != 1 else ''}"
        if criterion.min_value is not None:
            need += f" of at least {format_number(criterion.min_value)}"
            need += f" {criterion.unit}" if criterion.unit else ""
        return f"{criterion.id}: {result.observed} of {need} at the current level{about}"
    if isinstance(criterion, ManagerEndorsement):
        return (
            f"manager endorsement {'given' if outcome is Outcome.PASSED else 'not given'} in {span}"
        )
    return f"calibration {'confirmed' if outcome is Outcome.PASSED else 'not confirmed'} in {span}"


def timeline(
    framework: Framework, history: RatingHistory, *, target: str | None = None
) -> Timeline:
    """The verdict at every cycle from the first to the last of the history.

    Cycles before the first level assignment, or at the top of a track with no
    ``target``, have no verdict and are left out.
    """
    cycles = history.cycles()
    verdicts = []
    if cycles:
        for ordinal in range(cycles[0].ordinal, cycles[-1].ordinal + 1):
            try:
                verdicts.append(
                    evaluate(
                        framework,
                        history,
                        target=target,
                        as_of=Cycle.from_ordinal(ordinal, cycles[0].cadence),
                    )
                )
            except EvaluationError:
                continue
    return Timeline(employee=history.employee, verdicts=verdicts)
