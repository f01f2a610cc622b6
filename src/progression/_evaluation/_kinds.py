"""Criterion kinds: each defined once, in one small class.

A kind class says everything the evaluator knows about one criterion kind: how a
criterion compiles to an integer step (`Kind.compile`, whose instance is the step), how
the step is checked (per cycle for the score kinds), the result codes it can give
(`Kind.reasons`, each ``<kind>.<reason>``), and how its results are worded
(`Kind.message`). `KINDS` maps each criterion class to its kind class; the engine
dispatches through it and through the compiled steps, never on criterion types.
Adding a kind means adding its class here (and to `KINDS`), with its tests and docs.

The score kinds for columnar executors
--------------------------------------

A score step decides one cycle with `ScoreKind.decide`, a pure function of integer
scores that uses only ``+``, ``*`` and comparisons, so that it works on Python ints
and, elementwise, on numpy integer arrays (one element per employee)::

    values = [column[i] for i in step.columns]     # one array per counted competency
    holds = step.decide(values)                    # a bool array: the cycle qualifies

- `AverageScoreKind`: ``total = sum(weight_i * score_i)`` (`weighted_total`), and the
  average holds when ``total * denominator >= numerator * total_weight`` (``>`` when
  `strict`) (`average_holds`). The exact average is ``total / total_weight``.
- `ScoreFloorKind` and `MeetsExpectationsKind`: competency ``i`` falls short when
  ``score_i < needs[i]`` (the floor, or the target level's expected proficiency); the
  cycle holds when ``shortfalls(values, needs) == 0``.

What `decide` cannot see is the absence of a score, so an executor applies these rules
around it, as `ScoreKind.check` does:

- a cycle with no review fails (``<kind>.no_review``; it breaks a sustained run);
- an average with any counted competency unrated is undecided (``average_score.unrated``);
- a floor or an expectation fails when a *rated* counted competency falls short, even
  if another is unrated; with no shortfall and some unrated, it is undecided;
- an average with no counted competency at all (a track without competencies) is
  undecided, like one with an unrated competency;
- a cycle qualifies (counts toward a run) only when every score step passed.

Each kind also has a columnar form of its rules, next to the scalar one, for executors
over many employees at once (`progression.population`): every array argument holds one
element per employee (or per employee and cycle), numpy is imported only when one of
them runs, and the outcome of each element equals what the scalar form gives.

- `ScoreKind.check_columns` is `ScoreKind.check` over arrays: from the counted scores,
  which are rated and which cycles are reviewed, each cell's outcome (an index into
  `OUTCOMES`) and observed value;
- every kind's ``result_columns`` folds those (or the facts it reads: the run, the
  stay, the evidence records, the approvals of ``as_of``) into `Columns`: the reason
  (an index into ``reason_names``) and the observed value of each element;
- observed values travel as integer keys, and `Kind.decode` turns a key into the value
  the scalar form reports (an exact average, a count, a flag), so that an executor
  decodes each distinct key once; `Kind.required_observed` is the required value.

Fields every score step exposes (names are stable): ``competencies`` (counted ids, in
order), ``columns`` (their indices into `CompiledPolicy.columns`), ``required``
(the value reported as required). `AverageScoreKind` adds ``weights`` (integers, scaled
so that fractional weights stay exact), ``total_weight``, ``numerator``,
``denominator`` and ``strict``; `ScoreFloorKind` adds ``floor`` and ``needs``;
`MeetsExpectationsKind` adds ``needs`` (the expected proficiencies).
"""

from __future__ import annotations

import abc
import functools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._history import Cycle, Review
from .._model import Cadence, Track
from .._numbers import show_number
from .._policy import (
    CRITERION_KINDS,
    Approval,
    AverageScore,
    Calibration,
    Criterion,
    ManagerEndorsement,
    MeetsExpectations,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
)
from ._results import (
    CriterionResult,
    CycleCheck,
    Observed,
    Outcome,
    cadence_of,
    new_check,
    new_result,
)
from ._wording import period, show, span

__all__ = [
    "CODES",
    "KINDS",
    "OUTCOMES",
    "ApprovalKind",
    "AverageScoreKind",
    "CalibrationKind",
    "Columns",
    "Context",
    "Facts",
    "Kind",
    "ManagerEndorsementKind",
    "MeetsExpectationsKind",
    "ScopeEvidenceKind",
    "ScoreFloorKind",
    "ScoreKind",
    "SustainedKind",
    "TimeInLevelKind",
    "average_holds",
    "shortfalls",
    "weighted_total",
]

#: A cycle's counted scores by competency id.
Scores = Mapping[str, int]

PASSED, FAILED, UNDECIDED = Outcome.PASSED, Outcome.FAILED, Outcome.UNDECIDED
_NONE: PVector[Any] = pvector()

#: The outcomes by the index the columnar forms use for them.
OUTCOMES: tuple[Outcome, Outcome, Outcome] = (PASSED, FAILED, UNDECIDED)
_PASSED_AT, _FAILED_AT, _UNDECIDED_AT = 0, 1, 2


def _numpy() -> Any:
    """numpy, imported when a columnar form runs: the core never needs it otherwise."""
    import numpy  # noqa: PLC0415

    return numpy


def _outcome_columns(decided: Any, holds: Any, reviewed: Any) -> Any:
    """Passed or failed where decided; else undecided where reviewed, failed where not.

    In int8 throughout: the flags are bytes of 0 and 1, so that no wide temporary is made.
    """
    np = _numpy()
    failed = np.logical_not(holds).view(np.int8)
    # An unreviewed cell fails (1), a reviewed undecided one is undecided (2).
    outcome = np.asarray(reviewed, bool).view(np.int8) + np.int8(1)
    # ``outcome + decided * (failed - outcome)``: whole-array arithmetic, many bytes at a
    # time, where `where` chooses one element at a time.
    np.subtract(failed, outcome, out=failed)
    failed *= np.asarray(decided, bool).view(np.int8)
    outcome += failed
    return outcome


def _pick(condition: Any, yes: Any, no: Any) -> Any:
    """``numpy.where(condition, yes, no)`` of reason indices (scalars or arrays), in int8.

    ``no + condition * (yes - no)``: whole-array arithmetic, many bytes at a time, where
    `where` chooses one element at a time.
    """
    np = _numpy()
    yes, no = np.asarray(yes, np.int8), np.asarray(no, np.int8)
    found = np.multiply(np.asarray(condition, bool).view(np.int8), yes - no)
    found += no
    return found


def _every_rated(rated: Sequence[Any], known: Any) -> Any:
    """Where every counted competency is rated: ``known`` when the caller has it."""
    if known is not None:
        return known
    return functools.reduce(_numpy().logical_and, rated)


def _accumulator(values: Sequence[Any], weights: Sequence[int]) -> Any:
    """The narrowest integer type holding any weighted total of ``values``."""
    np = _numpy()
    bound = 0
    for value, weight in zip(values, weights, strict=True):
        dtype = np.asarray(value).dtype
        info = np.iinfo(dtype) if dtype.kind in "iu" else np.iinfo(np.int64)
        bound += abs(weight) * max(abs(int(info.min)), int(info.max))
    for dtype in (np.int16, np.int32):
        if bound <= np.iinfo(dtype).max:
            return dtype
    return np.int64


@attrs.frozen
class Columns:
    """A kind's results for many elements: reason indices and observed keys.

    ``reason`` indexes the kind's ``reason_names``; ``key`` is the observed value's key
    (`Kind.decode`), meaningful where ``known``; elsewhere the value is None.
    """

    reason: Any
    key: Any
    known: Any


# --- the pure per-cycle decisions -----------------------------------------------------


def weighted_total(values: Sequence[Any], weights: Sequence[int]) -> Any:
    """``sum(weight_i * value_i)``: an int for ints, an array for arrays."""
    return sum(map(operator.mul, weights, values))


def average_holds(
    total: Any, numerator: int, denominator: int, total_weight: int, strict: bool
) -> Any:
    """Whether ``total / total_weight`` reaches ``numerator / denominator``, in integers."""
    left, right = total * denominator, numerator * total_weight
    return left > right if strict else left >= right


def shortfalls(values: Sequence[Any], needs: Sequence[int]) -> Any:
    """How many values fall short of their need (``value_i < need_i``)."""
    return sum(map(operator.lt, values, needs))


@lru_cache(maxsize=4096)
def _exact(total: int, total_weight: int) -> int | Fraction:
    """The exact average ``total / total_weight``: an int when whole.

    Averages come from a small domain (totals of a few scores), so each is made once.
    """
    whole, rest = divmod(total, total_weight)
    return Fraction(total, total_weight) if rest else whole


def _gather(competencies: tuple[str, ...]) -> Callable[[Scores], tuple[int, ...]]:
    """The counted scores in order, as a tuple; `KeyError` when one is unrated."""
    if len(competencies) > 1:
        return operator.itemgetter(*competencies)
    if competencies:
        (only,) = competencies
        return lambda scores: (scores[only],)

    def none_counted(_: Scores) -> tuple[int, ...]:
        raise KeyError("no counted competency")

    return none_counted


# --- what the kinds read --------------------------------------------------------------


@attrs.frozen
class Context:
    """What a criterion compiles against: the tracks and level of the move."""

    #: The current level's track, on which the scores are given.
    track: Track
    #: The target level's track, whose expectations `meets_expectations` reads.
    target: Track
    target_level: str
    #: The competencies the criterion counts (`Framework.counted_competencies`): those
    #: expected at the level judged, narrowed by the criterion's own list.
    counted: tuple[str, ...]
    #: The place of the next score step among the policy's score steps.
    position: int


class Facts(Protocol):
    """What the engine knows about one verdict, as the kinds read it."""

    @property
    def as_of(self) -> Cycle:
        """The cycle evaluated."""

    @property
    def end(self) -> int:
        """Its ordinal."""

    @property
    def since(self) -> int | None:
        """First cycle of the current stay at the current level, None without a level."""

    @property
    def cadence(self) -> Cadence:
        """The framework's cadence."""

    @property
    def window_cycles(self) -> PVector[Cycle]:
        """The cycles the score criteria are checked in, oldest first."""

    @property
    def has_scores(self) -> bool:
        """Whether the policy has score criteria."""

    @property
    def as_of_only(self) -> PVector[Cycle]:
        """Just ``as_of``, for results about that cycle alone."""

    @property
    def shared(self) -> dict[Any, Any]:
        """What a kind keeps between verdicts of one history under one policy."""

    def cycles(self, first: int, last: int) -> PVector[Cycle]:
        """The cycles from ordinal ``first`` to ``last``, both included."""

    def reviews_between(self, first: int, last: int) -> Iterable[Review]:
        """The reviews from ordinal ``first`` to ``last``, both included, oldest first."""

    def window_checks(self, position: int) -> PVector[CycleCheck]:
        """One score step's checks over the window."""

    def window_failed(self) -> bool:
        """Whether any score step failed in any cycle of the window."""

    def run(self) -> int:
        """Consecutive cycles ending at ``as_of`` in which every score step passed."""

    @property
    def latest_review(self) -> Review | None:
        """The review of ``as_of``, if any."""


# --- the kinds ------------------------------------------------------------------------


class Kind(abc.ABC):
    """One criterion kind: compiles a criterion to a step, checks it, words its results."""

    #: The criterion class this kind evaluates.
    criterion_type: ClassVar[type[Criterion]]
    #: Every reason it may give, with its outcome; codes are ``<kind>.<reason>``.
    reasons: ClassVar[Mapping[str, Outcome]]
    #: A score criterion: checked cycle by cycle, part of a sustained run.
    scored: ClassVar[bool] = False
    #: An approval: left out of `Verdict.met_except_approval`.
    approval: ClassVar[bool] = False
    #: Listed among a plan's other unmet criteria when not passed.
    in_plan_others: ClassVar[bool] = True

    #: ``reason -> (code, outcome)``, spelled once per kind rather than per result.
    decisions: ClassVar[Mapping[str, tuple[str, Outcome]]] = MappingProxyType({})

    criterion: Criterion

    #: The reasons in order: the columnar forms name a reason by its index here.
    reason_names: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "reasons" in cls.__dict__:
            tag = cls.criterion_type.kind
            cls.decisions = MappingProxyType(
                {reason: (f"{tag}.{reason}", outcome) for reason, outcome in cls.reasons.items()}
            )
            cls.reason_names = tuple(cls.reasons)

    def decode(self, key: int) -> Observed:
        """The observed value a columnar key stands for: the key itself, for counts."""
        return key

    @property
    @abc.abstractmethod
    def required_observed(self) -> Observed:
        """The required value every result of this step reports."""

    @classmethod
    @abc.abstractmethod
    def compile(cls, criterion: Any, context: Context) -> Kind:
        """The step for one criterion of a policy."""

    @abc.abstractmethod
    def result(self, facts: Facts) -> CriterionResult:
        """The criterion's result for one verdict."""

    @classmethod
    @abc.abstractmethod
    def message(cls, result: CriterionResult) -> str:
        """A sentence for people about a result of this kind."""


@attrs.frozen(eq=False, kw_only=True)
class ScoreKind(Kind):
    """A score criterion: checked in every cycle of the window, and in the run."""

    scored: ClassVar[bool] = True
    in_plan_others: ClassVar[bool] = False
    #: The reason of a cycle that failed on its scores.
    fail_reason: ClassVar[str]
    #: Plans lift floors and expectations (0) before they add points to averages (1).
    lift_stage: ClassVar[int]

    criterion: Any
    position: int
    competencies: tuple[str, ...]
    required: Observed
    columns: tuple[int, ...] = ()
    gather: Callable[[Scores], tuple[int, ...]] = attrs.field(
        default=attrs.Factory(lambda self: _gather(self.competencies), takes_self=True)
    )
    #: Checks of cycles with every counted competency rated, by (cycle ordinal,
    #: cadence, the integer that decides them), see `_kept`.
    kept: dict[tuple[int, Cadence, int], CycleCheck] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @abc.abstractmethod
    def decide(self, values: Sequence[Any]) -> Any:
        """Whether a cycle holds, from the counted scores in order (ints or int arrays)."""

    def qualifies(self, scores: Scores | None) -> bool:
        """The fast path: did this criterion hold in a cycle, yes or no."""
        if scores is None:
            return False
        try:
            values = self.gather(scores)
        except KeyError:
            # An unrated counted competency leaves the cycle failed (a rated shortfall
            # beside it) or undecided: either way it does not qualify.
            return False
        return bool(self.decide(values))

    @abc.abstractmethod
    def check(self, cycle: Cycle, scores: Scores | None) -> CycleCheck:
        """The full check of one cycle: outcome, observed value, competencies at fault."""

    @abc.abstractmethod
    def lift(self, scores: dict[str, int], top: int, start: Mapping[str, int]) -> bool:
        """Raise ``scores`` in place to meet this criterion; False if the scale cannot.

        ``start`` holds the scores before the plan raised any, so that a kind can prefer
        competencies the plan already raises.
        """

    @abc.abstractmethod
    def keep(self) -> str:
        """What to keep up, for the plan: ``the average at 3.5 or above``."""

    def result(self, facts: Facts) -> CriterionResult:
        """Failed if any cycle of the window failed, else undecided if any was, else met."""
        checks = facts.window_checks(self.position)
        failed = undecided = None
        for check in checks:
            outcome = check.outcome
            if outcome is FAILED:
                failed = check
            elif outcome is UNDECIDED:
                undecided = check
        if failed is not None:
            reason = self.fail_reason if failed.reviewed else "no_review"
            focus = failed
        elif undecided is not None:
            reason, focus = "unrated", undecided
        else:
            reason, focus = "met", checks[-1]
        return new_result(
            self.decisions[reason],
            self.criterion,
            focus.observed,
            self.required,
            facts.window_cycles,
            focus.competencies,
            checks,
        )

    @classmethod
    def message(cls, result: CriterionResult) -> str:
        """No review and unrated read the same for every score kind; the rest is the kind's."""
        reason = result.code.partition(".")[2]
        cycles = span(result.cycles)
        # Name the cycle that decided the outcome: the latest failed one for a failure,
        # the latest undecided one when nothing failed.
        focus = None
        if result.outcome is not PASSED:
            failing = [ch for ch in result.checks if ch.outcome is result.outcome]
            focus = failing[-1] if failing else None
        where = str(focus.cycle) if focus else cycles
        if reason == "no_review":
            return f"no review in {where}, which breaks the run {cycles}"
        if reason == "unrated":
            return f"no counted score in {where} for {', '.join(result.competencies)}"
        return cls.decided(result, where, cycles)

    @classmethod
    @abc.abstractmethod
    def decided(cls, result: CriterionResult, where: str, cycles: str) -> str:
        """The message of a met or failed result."""

    def no_review(self, cycle: Cycle) -> CycleCheck:
        """A cycle without a review fails every score criterion: it breaks the run."""
        return new_check(cycle, FAILED, None, _NONE, False)

    @property
    def required_observed(self) -> Observed:
        """The threshold, the floor, or 0 shortfalls."""
        return self.required

    @abc.abstractmethod
    def check_columns(
        self, values: Sequence[Any], rated: Sequence[Any], reviewed: Any, all_rated: Any = None
    ) -> Any:
        """`check` over arrays: ``(outcome, key, known)``, each shaped like ``reviewed``.

        ``values`` and ``rated`` hold one integer and one boolean array per counted
        competency, in the order of `competencies` (an unrated cell's value is any
        integer); ``reviewed`` says which cells have a review at all. ``all_rated``, when
        the caller has it, says where every one of them is rated (shared by the checks
        of one policy). ``outcome`` is an index into `OUTCOMES`; the keys come in the
        scores' own narrow types.
        """

    def result_columns(self, outcome: Any, key: Any, known: Any, reviewed: Any) -> Columns:
        """`result` over arrays shaped (employees, window): the last axis is the window.

        The latest failed cycle decides (no review when it had none), else the latest
        undecided one, else the window is met and its last cycle is reported.
        """
        np = _numpy()
        count, width = outcome.shape
        rows = np.arange(count)
        # Cycle by cycle (windows are short): the latest failed and undecided cycles.
        at = np.int8 if width < 128 else np.int64
        last_failed = np.full(count, -1, at)
        last_undecided = np.full(count, -1, at)
        for cycle in range(width):
            column = outcome[:, cycle]
            np.copyto(last_failed, at(cycle), where=column == _FAILED_AT)
            np.copyto(last_undecided, at(cycle), where=column == _UNDECIDED_AT)
        any_failed = last_failed >= 0
        any_undecided = last_undecided >= 0
        latest = np.where(any_undecided, last_undecided, at(width - 1))
        focus = np.where(any_failed, last_failed, latest)
        # The focus cell of each row as a flat index: a flat take beats a 2-D gather.
        cell = rows * width + focus

        def at_focus(values: Any) -> Any:
            return np.ravel(values).take(cell)

        names = self.reason_names
        reason = _pick(
            any_failed,
            _pick(at_focus(reviewed), names.index(self.fail_reason), names.index("no_review")),
            _pick(any_undecided, names.index("unrated"), names.index("met")),
        )
        return Columns(reason, at_focus(key), at_focus(known))

    @staticmethod
    def _no_counted(reviewed: Any) -> Any:
        """No counted competency: undecided where reviewed, failed where not."""
        np = _numpy()
        outcome = np.where(reviewed, _UNDECIDED_AT, _FAILED_AT).astype(np.int8)
        return outcome, np.zeros(outcome.shape, np.int64), np.zeros(outcome.shape, bool)


def _score_reasons(fail: str) -> Mapping[str, Outcome]:
    return MappingProxyType(
        {"met": PASSED, fail: FAILED, "no_review": FAILED, "unrated": UNDECIDED}
    )


@attrs.frozen(eq=False, kw_only=True)
class AverageScoreKind(ScoreKind):
    """``average_score``: the weighted average of the counted scores reaches a threshold."""

    criterion_type: ClassVar[type[Criterion]] = AverageScore
    reasons: ClassVar[Mapping[str, Outcome]] = _score_reasons("below_threshold")
    fail_reason: ClassVar[str] = "below_threshold"
    lift_stage: ClassVar[int] = 1

    criterion: AverageScore
    weights: tuple[int, ...] = ()
    total_weight: int = 1
    numerator: int = 0
    denominator: int = 1
    strict: bool = False

    @classmethod
    def compile(cls, criterion: AverageScore, context: Context) -> AverageScoreKind:
        """Weights scaled to integers; the threshold as numerator and denominator."""
        counted = context.counted
        raw = [criterion.weights.get(c, Fraction(1)) for c in counted]
        scale = math.lcm(*(w.denominator for w in raw))
        weights = tuple(int(w * scale) for w in raw)
        return cls(
            criterion=criterion,
            position=context.position,
            competencies=counted,
            required=criterion.threshold,
            weights=weights,
            total_weight=sum(weights),
            numerator=criterion.threshold.numerator,
            denominator=criterion.threshold.denominator,
            strict=criterion.strict,
        )

    def decide(self, values: Sequence[Any]) -> Any:
        """``weighted_total * denominator >= numerator * total_weight`` (``>`` if strict)."""
        return average_holds(
            weighted_total(values, self.weights),
            self.numerator,
            self.denominator,
            self.total_weight,
            self.strict,
        )

    def check(self, cycle: Cycle, scores: Scores | None) -> CycleCheck:
        """Undecided with any counted competency unrated; else the exact average decides."""
        if scores is None:
            return self.no_review(cycle)
        try:
            values = self.gather(scores)
        except KeyError:
            unrated = pvector(c for c in self.competencies if c not in scores)
            return new_check(cycle, UNDECIDED, None, unrated, True)
        total = weighted_total(values, self.weights)
        # The total decides the outcome and the average: a few values per cycle.
        key = (cycle.ordinal, cycle.cadence, total)
        found = _kept(self.kept, key)
        if found is None:
            met = average_holds(
                total, self.numerator, self.denominator, self.total_weight, self.strict
            )
            found = self.kept[key] = new_check(
                cycle, PASSED if met else FAILED, _exact(total, self.total_weight), _NONE, True
            )
        return found

    def check_columns(
        self, values: Sequence[Any], rated: Sequence[Any], reviewed: Any, all_rated: Any = None
    ) -> Any:
        """Undecided where any counted competency is unrated; the key is the weighted total.

        The total is accumulated in the narrowest type that holds it, and whether it
        holds is looked up in a table `average_holds` made once over the totals present.
        """
        if not values:
            return self._no_counted(reviewed)
        np = _numpy()
        dtype = _accumulator(values, self.weights)
        total = np.zeros(np.shape(values[0]), dtype)
        for value, weight in zip(values, self.weights, strict=True):
            total += value if weight == 1 else np.asarray(value, dtype) * dtype(weight)
        low, high = (int(total.min()), int(total.max())) if total.size else (0, 0)
        if high - low <= 1 << 20:
            table = self.decide_totals(np.arange(low, high + 1, dtype=np.int64))
            if not (table[:-1] & ~table[1:]).any():
                # Holding from some total on (the table says so, for every total present):
                # one comparison, where a look-up widens each index first.
                reached = np.flatnonzero(table)
                first = low + int(reached[0]) if len(reached) else high + 1
                holds = total >= first if first <= high else np.zeros(total.shape, bool)
            else:
                # The offset from the lowest total, in a type that holds it.
                wide = total if high - low <= np.iinfo(dtype).max else total.astype(np.int64)
                holds = table[wide - wide.dtype.type(low) if low else wide]
        else:
            holds = self.decide_totals(total.astype(np.int64))
        all_rated = _every_rated(rated, all_rated)
        known = np.logical_and(reviewed, all_rated)
        return _outcome_columns(known, holds, reviewed), total, known

    def decide_totals(self, total: Any) -> Any:
        """Whether each weighted total reaches the threshold (`average_holds`)."""
        return average_holds(
            total, self.numerator, self.denominator, self.total_weight, self.strict
        )

    def decode(self, key: int) -> Observed:
        """The exact average of a weighted total."""
        return _exact(int(key), self.total_weight)

    def lift(self, scores: dict[str, int], top: int, start: Mapping[str, int]) -> bool:
        """Add the fewest points, then touch the fewest competencies, to reach the threshold.

        Each point adds its competency's weight, so the heaviest competencies go first,
        and one is raised to the top before the next: the fewest points and competencies.
        """

        def met() -> bool:
            return bool(self.decide([scores[c] for c in self.competencies]))

        if met():
            return True
        touched = {c for c in self.competencies if scores[c] != start[c]}

        # Within one weight, every point is worth the same: start with competencies the
        # plan already raises, then those with the most room, so that fewest are touched.
        order = sorted(
            zip(self.weights, self.competencies, strict=True),
            key=lambda wc: (-wc[0], wc[1] not in touched, scores[wc[1]] - top, wc[1]),
        )
        for _, competency in order:
            while not met() and scores[competency] < top:
                scores[competency] += 1
            if met():
                return True
        return met()

    def keep(self) -> str:
        """``the average at 3.5 or above`` (``above 3.5`` when strict)."""
        threshold = show_number(self.criterion.threshold)
        if self.strict:
            return f"the average above {threshold}"
        return f"the average at {threshold} or above"

    @classmethod
    def decided(cls, result: CriterionResult, where: str, cycles: str) -> str:
        """``average >= 3.5 in every cycle of ...`` or ``average 3.44 in ..., needs >= 3.5``."""
        criterion = result.criterion
        assert isinstance(criterion, AverageScore)
        need = f"{'>' if criterion.strict else '>='} {show_number(criterion.threshold)}"
        if result.outcome is PASSED:
            values = ", ".join(f"{ch.cycle}: {show(ch.observed)}" for ch in result.checks)
            return f"average {need} in every cycle of {cycles} ({values})"
        return f"average {show(result.observed)} in {where}, needs {need}"


@attrs.frozen(eq=False, kw_only=True)
class _ShortfallKind(ScoreKind):
    """A score kind that fails on any rated competency short of its need."""

    needs: tuple[int, ...] = ()

    def decide(self, values: Sequence[Any]) -> Any:
        """No counted competency falls short: ``shortfalls(values, needs) == 0``."""
        return shortfalls(values, self.needs) == 0

    @abc.abstractmethod
    def observe(self, values: Sequence[int], below: int) -> int:
        """The value a cycle reports, from its rated counted scores."""

    def check(self, cycle: Cycle, scores: Scores | None) -> CycleCheck:
        """Failed by any rated shortfall, even beside an unrated competency."""
        if scores is None:
            return self.no_review(cycle)
        try:
            values = self.gather(scores)
        except KeyError:
            rated = [
                (c, scores[c], n)
                for c, n in zip(self.competencies, self.needs, strict=True)
                if c in scores
            ]
            below = [c for c, value, need in rated if value < need]
            if below:
                observed = self.observe([value for _, value, _ in rated], len(below))
                return new_check(cycle, FAILED, observed, pvector(below), True)
            unrated = pvector(c for c in self.competencies if c not in scores)
            return new_check(cycle, UNDECIDED, None, unrated, True)
        if self.decide(values):
            return new_check(cycle, PASSED, self.observe(values, 0), _NONE, True)
        below = [
            c
            for c, value, need in zip(self.competencies, values, self.needs, strict=True)
            if value < need
        ]
        return new_check(cycle, FAILED, self.observe(values, len(below)), pvector(below), True)

    @abc.abstractmethod
    def observe_columns(self, values: Sequence[Any], rated: Sequence[Any], below: Any) -> Any:
        """`observe` over arrays: from the rated counted scores (``rated`` says which)."""

    def check_columns(
        self, values: Sequence[Any], rated: Sequence[Any], reviewed: Any, all_rated: Any = None
    ) -> Any:
        """Failed by any rated shortfall, even beside an unrated competency.

        Competency by competency, in narrow types: a count of shortfalls per cell.
        """
        if not values:
            return self._no_counted(reviewed)
        np = _numpy()
        below = np.zeros(np.shape(values[0]), np.int8 if len(values) < 128 else np.int32)
        for value, here, need in zip(values, rated, self.needs, strict=True):
            # An unrated competency stands at its need: never a shortfall, as in `check`.
            below += np.logical_and(here, value < need).view(np.int8)
        holds = below == 0
        all_rated = _every_rated(rated, all_rated)
        decided = np.logical_and(reviewed, np.logical_or(all_rated, ~holds))
        observed = self.observe_columns(values, rated, below)
        return _outcome_columns(decided, holds, reviewed), observed, decided

    def lift(self, scores: dict[str, int], top: int, start: Mapping[str, int]) -> bool:
        """Raise every counted competency to its need."""
        for competency, need in zip(self.competencies, self.needs, strict=True):
            scores[competency] = max(scores[competency], need)
        return True


@attrs.frozen(eq=False, kw_only=True)
class ScoreFloorKind(_ShortfallKind):
    """``score_floor``: no counted competency scores below the floor."""

    criterion_type: ClassVar[type[Criterion]] = ScoreFloor
    reasons: ClassVar[Mapping[str, Outcome]] = _score_reasons("below_floor")
    fail_reason: ClassVar[str] = "below_floor"
    lift_stage: ClassVar[int] = 0

    criterion: ScoreFloor
    floor: int = 0

    @classmethod
    def compile(cls, criterion: ScoreFloor, context: Context) -> ScoreFloorKind:
        """The floor, once per counted competency."""
        counted = context.counted
        return cls(
            criterion=criterion,
            position=context.position,
            competencies=counted,
            required=criterion.floor,
            floor=criterion.floor,
            needs=(criterion.floor,) * len(counted),
        )

    def check(self, cycle: Cycle, scores: Scores | None) -> CycleCheck:
        """As for every shortfall kind; with one need for all, the lowest score decides."""
        if scores is not None:
            try:
                values = self.gather(scores)
            except KeyError:
                pass
            else:
                lowest = min(values)
                if lowest >= self.floor:
                    key = (cycle.ordinal, cycle.cadence, lowest)
                    found = _kept(self.kept, key)
                    if found is None:
                        found = self.kept[key] = new_check(cycle, PASSED, lowest, _NONE, True)
                    return found
        return super().check(cycle, scores)

    def observe(self, values: Sequence[int], below: int) -> int:
        """The lowest rated counted score (the floor itself when none counts)."""
        return min(values, default=self.floor)

    def check_columns(
        self, values: Sequence[Any], rated: Sequence[Any], reviewed: Any, all_rated: Any = None
    ) -> Any:
        """As for every shortfall kind; with one need for all, the lowest rated score decides.

        Where none is rated, the lowest stands at the type's top, never short of a floor
        the type can hold (for another floor, the count of shortfalls decides).
        """
        np = _numpy()
        if not values or self.floor > np.iinfo(np.result_type(*values)).max:
            return super().check_columns(values, rated, reviewed, all_rated)
        lowest = self.observe_columns(values, rated, None)
        holds = lowest >= self.floor
        every = _every_rated(rated, all_rated)
        decided = np.logical_and(reviewed, np.logical_or(every, ~holds))
        return _outcome_columns(decided, holds, reviewed), lowest, decided

    def observe_columns(self, values: Sequence[Any], rated: Sequence[Any], below: Any) -> Any:
        """The lowest rated counted score (read only where one is rated).

        In the scores' own type, the type's top where none is rated.
        """
        np = _numpy()
        dtype = np.result_type(*values)
        top = dtype.type(np.iinfo(dtype).max)
        least = dtype.type(np.iinfo(dtype).min)
        lowest = None
        # Pairwise, not over a stacked copy of every column (nor through a ufunc's
        # ``where``, which is slow).
        for value, here in zip(values, rated, strict=True):
            if dtype.kind == "i":
                # The type's least where rated and its top where not (-1 ^ least), then
                # the larger of that and the score: whole-array arithmetic, many bytes
                # at a time, where `where` chooses one element at a time.
                standing = np.subtract(np.asarray(here, bool).view(np.int8), 1, dtype=dtype)
                standing ^= least
                np.maximum(standing, value, out=standing)
            else:
                standing = np.where(here, value, top)
            lowest = standing if lowest is None else np.minimum(lowest, standing, out=lowest)
        return lowest

    def keep(self) -> str:
        """``every competency at 3 or above``."""
        return f"every competency at {self.floor} or above"

    @classmethod
    def decided(cls, result: CriterionResult, where: str, cycles: str) -> str:
        """``no competency below 3 in ...`` or ``b below 3 in ... (lowest 2)``."""
        criterion = result.criterion
        assert isinstance(criterion, ScoreFloor)
        if result.outcome is PASSED:
            return f"no competency below {criterion.floor} in {cycles}"
        names = ", ".join(result.competencies)
        return f"{names} below {criterion.floor} in {where} (lowest {show(result.observed)})"


@attrs.frozen(eq=False, kw_only=True)
class MeetsExpectationsKind(_ShortfallKind):
    """``meets_expectations``: every counted competency reaches the target's expectation."""

    criterion_type: ClassVar[type[Criterion]] = MeetsExpectations
    reasons: ClassVar[Mapping[str, Outcome]] = _score_reasons("below_expectation")
    fail_reason: ClassVar[str] = "below_expectation"
    lift_stage: ClassVar[int] = 0

    criterion: MeetsExpectations

    @classmethod
    def compile(cls, criterion: MeetsExpectations, context: Context) -> MeetsExpectationsKind:
        """The target level's proficiency per counted competency it expects one of."""
        level = context.target_level
        # Only a proficiency the target level states can be met: a competency it does
        # not expect, or expects without a proficiency, has nothing to compare with.
        expected = {}
        for competency in context.target.competencies:
            expectation = competency.expectation(level)
            if expectation is not None and expectation.proficiency is not None:
                expected[competency.id] = expectation.proficiency
        counted = tuple(c for c in context.counted if c in expected)
        return cls(
            criterion=criterion,
            position=context.position,
            competencies=counted,
            required=0,
            needs=tuple(expected[c] for c in counted),
        )

    def observe(self, values: Sequence[int], below: int) -> int:
        """How many rated counted competencies fall short."""
        return below

    def observe_columns(self, values: Sequence[Any], rated: Sequence[Any], below: Any) -> Any:
        """How many rated counted competencies fall short."""
        return below

    def keep(self) -> str:
        """``every competency at the target level's expectation``."""
        return "every competency at the target level's expectation"

    @classmethod
    def decided(cls, result: CriterionResult, where: str, cycles: str) -> str:
        """``every competency at ...`` or ``c below the target level's expectation in ...``."""
        if result.outcome is PASSED:
            return f"every competency at the target level's expectation in {cycles}"
        names = ", ".join(result.competencies)
        return f"{names} below the target level's expectation in {where}"


@attrs.frozen(eq=False, kw_only=True)
class SustainedKind(Kind):
    """``sustained``: the score criteria held in each of the last ``cycles`` cycles."""

    criterion_type: ClassVar[type[Criterion]] = Sustained
    reasons: ClassVar[Mapping[str, Outcome]] = MappingProxyType(
        {"met": PASSED, "run_too_short": FAILED, "unrated": UNDECIDED}
    )
    in_plan_others: ClassVar[bool] = False

    criterion: Sustained
    cycles: int
    #: Results by (cycle evaluated, cadence, run, reason), see `_kept`: the window is
    #: the policy's, the same for every verdict at one cycle.
    kept: dict[tuple[int, Cadence, int, str], CriterionResult] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @classmethod
    def compile(cls, criterion: Sustained, context: Context) -> SustainedKind:
        """The run length required."""
        return cls(criterion=criterion, cycles=criterion.cycles)

    def result(self, facts: Facts) -> CriterionResult:
        """Met by a long enough run; else failed if the window failed, else undecided."""
        window = facts.window_cycles
        if not facts.has_scores:
            return new_result(
                self.decisions["met"],
                self.criterion,
                self.cycles,
                self.cycles,
                window,
                _NONE,
                _NONE,
            )
        run = facts.run()
        if run >= self.cycles:
            reason = "met"
        elif facts.window_failed():
            reason = "run_too_short"
        else:
            reason = "unrated"
        key = (facts.end, facts.cadence, run, reason)
        found = _kept(self.kept, key)
        if found is None:
            found = self.kept[key] = new_result(
                self.decisions[reason], self.criterion, run, self.cycles, window, _NONE, _NONE
            )
        return found

    @property
    def required_observed(self) -> Observed:
        """The run length required."""
        return self.cycles

    def result_columns(self, run: Any, window_failed: Any, has_scores: bool) -> Columns:
        """`result` over arrays: the run ending at ``as_of``, and whether the window failed."""
        np = _numpy()
        names = self.reason_names
        if not has_scores:
            shape = np.shape(run)
            return Columns(
                np.full(shape, names.index("met"), np.int8),
                np.full(shape, self.cycles, np.int64),
                np.ones(shape, bool),
            )
        reason = _pick(
            run >= self.cycles,
            names.index("met"),
            _pick(window_failed, names.index("run_too_short"), names.index("unrated")),
        )
        return Columns(reason, np.asarray(run, np.int64), np.ones(np.shape(run), bool))

    @classmethod
    def message(cls, result: CriterionResult) -> str:
        """``score criteria held for 2 consecutive cycles (needs 2)`` and the like."""
        criterion = result.criterion
        assert isinstance(criterion, Sustained)
        if result.outcome is UNDECIDED:
            return (
                f"score criteria undecided within {span(result.cycles)},"
                " so the run cannot be counted"
            )
        if result.outcome is PASSED:
            return (
                f"score criteria held for {result.observed} consecutive cycles"
                f" (needs {criterion.cycles})"
            )
        # A result read back from JSON may list no cycle at all.
        until = f" up to {result.cycles[-1]}" if result.cycles else ""
        return (
            f"score criteria held in {result.observed} of the last {criterion.cycles}"
            f" consecutive cycles{until}"
        )


#: How many values a step keeps (`_kept`) before it starts afresh.
_KEPT = 1024
_T = TypeVar("_T")


def _kept(made: dict[Any, _T], key: Any) -> _T | None:
    """A value a step made before from the same facts, or None (room made for it).

    For results and checks that depend on a few small facts only (the cycle evaluated,
    the start of the stay, whether an approval was given, a cycle's total): a company's
    verdicts fall on the same few cycles, so each is made once and shared, as immutable
    values may be. Keys hold the cadence: a compiled step serves every framework with
    its policy, whatever the cadence.
    """
    found = made.get(key)
    if found is None and len(made) >= _KEPT:
        made.clear()
    return found


def _no_level(
    kind: type[Kind], criterion: Criterion, required: int, facts: Facts
) -> CriterionResult:
    """Undecided: without a current level there is no stay to measure or search."""
    return new_result(
        kind.decisions["no_level"], criterion, None, required, facts.as_of_only, _NONE, _NONE
    )


@attrs.frozen(eq=False, kw_only=True)
class TimeInLevelKind(Kind):
    """``time_in_level``: at least ``cycles`` cycles in the current stay at the level."""

    criterion_type: ClassVar[type[Criterion]] = TimeInLevel
    reasons: ClassVar[Mapping[str, Outcome]] = MappingProxyType(
        {"met": PASSED, "too_short": FAILED, "no_level": UNDECIDED}
    )

    criterion: TimeInLevel
    cycles: int
    #: Results by (start of the stay, cycle evaluated, cadence), see `_kept`.
    kept: dict[tuple[int, int, Cadence], CriterionResult] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @classmethod
    def compile(cls, criterion: TimeInLevel, context: Context) -> TimeInLevelKind:
        """The cycles required."""
        return cls(criterion=criterion, cycles=criterion.cycles)

    def result(self, facts: Facts) -> CriterionResult:
        """Cycles from the start of the stay to ``as_of``, reviewed or not."""
        since = facts.since
        if since is None:
            return _no_level(TimeInLevelKind, self.criterion, self.cycles, facts)
        end = facts.end
        key = (since, end, facts.cadence)
        found = _kept(self.kept, key)
        if found is None:
            spent = end - since + 1
            stay = facts.cycles(since, end)
            reason = "met" if spent >= self.cycles else "too_short"
            found = self.kept[key] = new_result(
                self.decisions[reason], self.criterion, spent, self.cycles, stay, _NONE, _NONE
            )
        return found

    @property
    def required_observed(self) -> Observed:
        """The cycles required."""
        return self.cycles

    def result_columns(self, end: Any, since: Any, placed: Any) -> Columns:
        """`result` over arrays: ``since`` is read only where ``placed`` (a level is held)."""
        np = _numpy()
        names = self.reason_names
        spent = np.asarray(end, np.int64) - since + 1
        reason = _pick(
            placed,
            _pick(spent >= self.cycles, names.index("met"), names.index("too_short")),
            names.index("no_level"),
        )
        return Columns(reason, spent, np.asarray(placed, bool))

    @classmethod
    def message(cls, result: CriterionResult) -> str:
        """``5 quarters in level, needs 4``."""
        criterion = result.criterion
        assert isinstance(criterion, TimeInLevel)
        if result.outcome is UNDECIDED:
            return (
                f"no level assignment on or before {span(result.cycles)},"
                " so time in level is unknown"
            )
        spent = period(cadence_of(result), int(result.observed or 0))
        return f"{spent} in level, needs {criterion.cycles}"


@attrs.frozen(eq=False, kw_only=True)
class ScopeEvidenceKind(Kind):
    """``scope_evidence``: ``count`` records reaching ``min_value`` in the current stay."""

    criterion_type: ClassVar[type[Criterion]] = ScopeEvidence
    reasons: ClassVar[Mapping[str, Outcome]] = MappingProxyType(
        {"met": PASSED, "too_few_records": FAILED, "no_level": UNDECIDED}
    )

    criterion: ScopeEvidence
    id: str
    count: int
    min_value: Fraction | None

    @classmethod
    def compile(cls, criterion: ScopeEvidence, context: Context) -> ScopeEvidenceKind:
        """The requirement id, the records needed and the least value each must reach."""
        return cls(
            criterion=criterion,
            id=criterion.id,
            count=criterion.count,
            min_value=criterion.min_value,
        )

    def counts(self, value: Fraction | None) -> bool:
        """Whether one record qualifies: any, without ``min_value``; else one reaching it."""
        return self.min_value is None or (value is not None and value >= self.min_value)

    def counts_columns(self, numerator: Any, denominator: Any, valued: Any) -> Any:
        """`counts` over arrays of exact values (``denominator > 0``), read where ``valued``.

        The arrays may be of Python integers (object arrays) when values are too large
        for 64-bit products.
        """
        np = _numpy()
        if self.min_value is None:
            return np.ones(np.shape(valued), bool)
        least = self.min_value
        reaches = numerator * least.denominator >= least.numerator * denominator
        return np.asarray(valued, bool) & np.asarray(reaches, bool)

    @property
    def required_observed(self) -> Observed:
        """The records needed."""
        return self.count

    def result_columns(self, qualifying: Any, placed: Any) -> Columns:
        """`result` over arrays: qualifying records in each stay (read where ``placed``)."""
        np = _numpy()
        names = self.reason_names
        reason = _pick(
            placed,
            _pick(qualifying >= self.count, names.index("met"), names.index("too_few_records")),
            names.index("no_level"),
        )
        return Columns(reason, np.asarray(qualifying, np.int64), np.asarray(placed, bool))

    def result(self, facts: Facts) -> CriterionResult:
        """Qualifying records in the reviews from the start of the stay to ``as_of``."""
        since, end = facts.since, facts.end
        if since is None:
            return _no_level(ScopeEvidenceKind, self.criterion, self.count, facts)
        # Verdicts for later cycles of one stay extend the count of the cycle before, and
        # share its result while no record is added: the result names no cycle evaluated.
        shared = facts.shared
        tally: dict[int, CriterionResult] | None = shared.get((self, since))
        if tally is None:
            tally = shared[self, since] = {}
        found = tally.get(end)
        if found is None:
            before = tally.get(end - 1)
            review = facts.latest_review
            if before is not None and (review is None or not review.evidence):
                # No record in the cycle: the count of the cycle before stands.
                tally[end] = before
                return before
            if before is None:
                count = self.tally(facts.reviews_between(since, end), 0, _NONE)
            else:
                count = self.tally(facts.reviews_between(end, end), before.observed, before.cycles)
            if before is not None and count == (before.observed, before.cycles):
                found = before
            else:
                qualifying, seen = count
                reason = "met" if qualifying >= self.count else "too_few_records"
                found = new_result(
                    self.decisions[reason],
                    self.criterion,
                    qualifying,
                    self.count,
                    seen,
                    _NONE,
                    _NONE,
                )
            tally[end] = found
        return found

    def tally(
        self, reviews: Iterable[Review], qualifying: Any, seen: PVector[Cycle]
    ) -> tuple[int, PVector[Cycle]]:
        """Add the qualifying records of ``reviews`` and the cycles with records to a count."""
        cycles = []
        for review in reviews:
            mine = [record for record in review.evidence if record.requirement == self.id]
            if mine:
                cycles.append(review.cycle)
                qualifying += sum(self.counts(record.value) for record in mine)
        return qualifying, seen.extend(cycles) if cycles else seen

    @classmethod
    def message(cls, result: CriterionResult) -> str:
        """``cross-team-project: 1 of 1 record of at least 3 stakeholders at the current level``."""
        criterion = result.criterion
        assert isinstance(criterion, ScopeEvidence)
        about = f" ({criterion.description.rstrip('.')})" if criterion.description else ""
        if result.outcome is UNDECIDED:
            return f"{criterion.id}: no level assignment, so the evidence window is unknown{about}"
        need = f"{criterion.count} record{'s' if criterion.count != 1 else ''}"
        if criterion.min_value is not None:
            need += f" of at least {show_number(criterion.min_value)}"
            need += f" {criterion.unit}" if criterion.unit else ""
        return f"{criterion.id}: {result.observed} of {need} at the current level{about}"


@attrs.frozen(eq=False, kw_only=True)
class _ApprovalKind(Kind):
    """An approval read from the review of ``as_of`` only."""

    approval: ClassVar[bool] = True
    #: The reasons for given and not given.
    yes: ClassVar[str]
    no: ClassVar[str]
    #: The words for a message: ``manager endorsement``, ``given``, ``not given``.
    words: ClassVar[tuple[str, str, str]]

    criterion: Any
    #: Results by (cycle evaluated, cadence, given), see `_kept`.
    kept: dict[tuple[int, Cadence, bool], CriterionResult] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @abc.abstractmethod
    def given(self, review: Review) -> bool:
        """Whether the review records the approval."""

    def result(self, facts: Facts) -> CriterionResult:
        """Given only when the review of ``as_of`` records it."""
        review = facts.latest_review
        given = review is not None and self.given(review)
        key = (facts.end, facts.cadence, given)
        found = _kept(self.kept, key)
        if found is None:
            found = self.kept[key] = new_result(
                self.decisions[self.yes] if given else self.decisions[self.no],
                self.criterion,
                given,
                True,
                facts.as_of_only,
                _NONE,
                _NONE,
            )
        return found

    @property
    def required_observed(self) -> Observed:
        """Given."""
        return True

    def decode(self, key: int) -> Observed:
        """Given or not."""
        return bool(key)

    def result_columns(self, given: Any) -> Columns:
        """`result` over arrays: whether the review of ``as_of`` records the approval."""
        np = _numpy()
        names = self.reason_names
        given = np.asarray(given, bool)
        reason = _pick(given, names.index(self.yes), names.index(self.no))
        return Columns(reason, given.astype(np.int64), np.ones(given.shape, bool))

    @classmethod
    def message(cls, result: CriterionResult) -> str:
        """``manager endorsement given in 2026-Q3``."""
        what, yes, no = cls.words
        return f"{what} {yes if result.outcome is PASSED else no} in {span(result.cycles)}"


@attrs.frozen(eq=False, kw_only=True)
class ManagerEndorsementKind(_ApprovalKind):
    """``manager_endorsement``: the review of ``as_of`` is endorsed."""

    criterion_type: ClassVar[type[Criterion]] = ManagerEndorsement
    reasons: ClassVar[Mapping[str, Outcome]] = MappingProxyType(
        {"given": PASSED, "not_given": FAILED}
    )
    yes: ClassVar[str] = "given"
    no: ClassVar[str] = "not_given"
    words: ClassVar[tuple[str, str, str]] = ("manager endorsement", "given", "not given")

    @classmethod
    def compile(cls, criterion: ManagerEndorsement, context: Context) -> ManagerEndorsementKind:
        """Nothing to compile."""
        return cls(criterion=criterion)

    def given(self, review: Review) -> bool:
        """The review's ``endorsed`` flag."""
        return review.endorsed


@attrs.frozen(eq=False, kw_only=True)
class CalibrationKind(_ApprovalKind):
    """``calibration``: the review of ``as_of`` is calibrated."""

    criterion_type: ClassVar[type[Criterion]] = Calibration
    reasons: ClassVar[Mapping[str, Outcome]] = MappingProxyType(
        {"confirmed": PASSED, "not_confirmed": FAILED}
    )
    yes: ClassVar[str] = "confirmed"
    no: ClassVar[str] = "not_confirmed"
    words: ClassVar[tuple[str, str, str]] = ("calibration", "confirmed", "not confirmed")

    @classmethod
    def compile(cls, criterion: Calibration, context: Context) -> CalibrationKind:
        """Nothing to compile."""
        return cls(criterion=criterion)

    def given(self, review: Review) -> bool:
        """The review's ``calibrated`` flag."""
        return review.calibrated


@attrs.frozen(eq=False, kw_only=True)
class ApprovalKind(_ApprovalKind):
    """``approval``: the review of ``as_of`` records the named step among its approvals."""

    criterion_type: ClassVar[type[Criterion]] = Approval
    reasons: ClassVar[Mapping[str, Outcome]] = MappingProxyType(
        {"given": PASSED, "not_given": FAILED}
    )
    yes: ClassVar[str] = "given"
    no: ClassVar[str] = "not_given"
    words: ClassVar[tuple[str, str, str]] = ("approval step", "given", "not given")

    criterion: Approval
    step: str

    @classmethod
    def compile(cls, criterion: Approval, context: Context) -> ApprovalKind:
        """The step's name."""
        return cls(criterion=criterion, step=criterion.step)

    def given(self, review: Review) -> bool:
        """Whether the step is among the review's ``approvals``."""
        return self.step in review.approvals

    @classmethod
    def message(cls, result: CriterionResult) -> str:
        """``approval step promotion-panel given in 2026-Q3 (A panel of two directors)``."""
        criterion = result.criterion
        assert isinstance(criterion, Approval)
        what, yes, no = cls.words
        about = f" ({criterion.description.rstrip('.')})" if criterion.description else ""
        given = yes if result.outcome is PASSED else no
        return f"{what} {criterion.step} {given} in {span(result.cycles)}{about}"


def _registry(kinds: Iterable[type[Kind]]) -> Mapping[type[Criterion], type[Kind]]:
    registry = {kind.criterion_type: kind for kind in kinds}
    if set(registry) != set(CRITERION_KINDS.values()):  # pragma: no cover - a kind missing
        raise AssertionError("every criterion class needs exactly one kind")
    return MappingProxyType(registry)


#: Each criterion class's kind, in the order the docs list them.
KINDS: Mapping[type[Criterion], type[Kind]] = _registry(
    [
        AverageScoreKind,
        ScoreFloorKind,
        MeetsExpectationsKind,
        SustainedKind,
        TimeInLevelKind,
        ScopeEvidenceKind,
        ManagerEndorsementKind,
        CalibrationKind,
        ApprovalKind,
    ]
)

#: Every result code, ``<kind>.<reason>``, with its outcome.
CODES: Mapping[str, Outcome] = MappingProxyType(
    {code: outcome for kind in KINDS.values() for code, outcome in kind.decisions.values()}
)
