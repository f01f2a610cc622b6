"""Result values of an evaluation: outcomes, per-cycle checks, criterion results, verdicts.

These are plain immutable values: they do not import the engine or rendering (the HTML
view imports `progression._render` only when a notebook asks for it).

The engine builds them with the ``new_*`` functions at the bottom, which set the slots
directly: no converters or validators run, so callers must pass exactly the stored
types (pvectors, not lists). Public construction goes through the attrs ``__init__``
as usual.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, TypeAlias

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._history import Cycle
from .._model import Cadence
from .._policy import Criterion
from ._wording import and_list, period, plan_sentence

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
    "plain_value",
]

Observed: TypeAlias = bool | int | Fraction | None


def plain_value(value: Observed) -> bool | int | float | None:
    """An observed or required value as a plain number a program can use: floats for fractions."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


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


@attrs.frozen(kw_only=True)
class CycleCheck:
    """A score criterion in one cycle: outcome, the value seen, the competencies at fault."""

    cycle: Cycle
    outcome: Outcome
    observed: Observed = None
    competencies: PVector[str] = attrs.field(converter=_names, factory=pvector)
    reviewed: bool = True

    @property
    def observed_value(self) -> bool | int | float | None:
        """`observed` as a plain number (a float for a fraction), for programs."""
        return plain_value(self.observed)


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
        # The kinds build results, so they sit above this module: look them up late.
        from ._kinds import KINDS  # noqa: PLC0415

        return KINDS[type(self.criterion)].message(self)

    @property
    def observed_value(self) -> bool | int | float | None:
        """`observed` as a plain number (a float for a fraction), for programs."""
        return plain_value(self.observed)

    @property
    def required_value(self) -> bool | int | float | None:
        """`required` as a plain number (a float for a fraction), for programs."""
        return plain_value(self.required)


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
        raises = [
            f"{i.competency} from {i.from_score if i.from_score is not None else 'unrated'}"
            f" to {i.to_score}"
            for i in self.increases
        ]
        keep = and_list(list(self.sustain)) if self.sustain else ""
        return plan_sentence(
            raises=raises,
            achievable=self.achievable,
            keep=keep,
            period=period(self.cadence, self.cycles),
            others=list(self.others),
        )


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


def cadence_of(result: CriterionResult) -> Cadence:
    """The cadence of the cycles a result looked at."""
    return result.cycles[0].cadence if result.cycles else Cadence.QUARTERLY


# --- construction inside the engine ---------------------------------------------------

_new = object.__new__


def _setters(cls: type[Any], names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of a frozen attrs class, checked against its fields in order.

    Setting a slot through its descriptor skips the frozen ``__setattr__``, converters
    and validators: only for values the engine has built in their final types.
    """
    fields = tuple(a.name for a in attrs.fields(cls))
    if fields != names:  # pragma: no cover - a field was added without its setter
        raise AssertionError(f"{cls.__name__} fields are {fields}, not {names}")
    return tuple(cls.__dict__[name].__set__ for name in names)


(_ch_cycle, _ch_outcome, _ch_observed, _ch_competencies, _ch_reviewed) = _setters(
    CycleCheck, ("cycle", "outcome", "observed", "competencies", "reviewed")
)


def new_check(
    cycle: Cycle,
    outcome: Outcome,
    observed: Observed,
    competencies: PVector[str],
    reviewed: bool,
) -> CycleCheck:
    """A `CycleCheck` from values already in their stored types."""
    check = _new(CycleCheck)
    _ch_cycle(check, cycle)
    _ch_outcome(check, outcome)
    _ch_observed(check, observed)
    _ch_competencies(check, competencies)
    _ch_reviewed(check, reviewed)
    return check


(
    _r_criterion,
    _r_code,
    _r_outcome,
    _r_observed,
    _r_required,
    _r_cycles,
    _r_competencies,
    _r_checks,
) = _setters(
    CriterionResult,
    (
        "criterion",
        "code",
        "outcome",
        "observed",
        "required",
        "cycles",
        "competencies",
        "checks",
    ),
)


def new_result(  # noqa: PLR0917 - the engine's hot path, where positions cost less
    decision: tuple[str, Outcome],
    criterion: Criterion,
    observed: Observed,
    required: Observed,
    cycles: PVector[Cycle],
    competencies: PVector[str],
    checks: PVector[CycleCheck],
) -> CriterionResult:
    """A `CriterionResult` from a (code, outcome) pair and values in their stored types."""
    result = _new(CriterionResult)
    _r_criterion(result, criterion)
    _r_code(result, decision[0])
    _r_outcome(result, decision[1])
    _r_observed(result, observed)
    _r_required(result, required)
    _r_cycles(result, cycles)
    _r_competencies(result, competencies)
    _r_checks(result, checks)
    return result


_g_competency, _g_score, _g_required = _setters(Gap, ("competency", "score", "required"))


def new_gap(competency: str, score: int | None, required: int) -> Gap:
    """A `Gap` from values already in their stored types."""
    gap = _new(Gap)
    _g_competency(gap, competency)
    _g_score(gap, score)
    _g_required(gap, required)
    return gap


_i_competency, _i_from_score, _i_to_score = _setters(
    Increase, ("competency", "from_score", "to_score")
)


def new_increase(competency: str, from_score: int | None, to_score: int) -> Increase:
    """An `Increase` from values already in their stored types."""
    increase = _new(Increase)
    _i_competency(increase, competency)
    _i_from_score(increase, from_score)
    _i_to_score(increase, to_score)
    return increase


(
    _p_increases,
    _p_achievable,
    _p_sustain,
    _p_cycles,
    _p_cadence,
    _p_others,
    _p_baseline,
) = _setters(
    Plan, ("increases", "achievable", "sustain", "cycles", "cadence", "others", "baseline")
)


def new_plan(
    *,
    increases: PVector[Increase],
    achievable: bool,
    sustain: PVector[str],
    cycles: int,
    cadence: Cadence,
    others: PVector[str],
    baseline: int,
) -> Plan:
    """A `Plan` from values already in their stored types."""
    plan = _new(Plan)
    _p_increases(plan, increases)
    _p_achievable(plan, achievable)
    _p_sustain(plan, sustain)
    _p_cycles(plan, cycles)
    _p_cadence(plan, cadence)
    _p_others(plan, others)
    _p_baseline(plan, baseline)
    return plan


(
    _v_employee,
    _v_family,
    _v_current_level,
    _v_target_family,
    _v_target_level,
    _v_route,
    _v_status,
    _v_as_of,
    _v_criteria,
    _v_met_except_approval,
    _v_ready_since,
    _v_earliest,
    _v_gaps,
    _v_plan,
    _v_framework,
    _v_framework_version,
) = _setters(
    Verdict,
    (
        "employee",
        "family",
        "current_level",
        "target_family",
        "target_level",
        "route",
        "status",
        "as_of",
        "criteria",
        "met_except_approval",
        "ready_since",
        "earliest",
        "gaps",
        "plan",
        "framework",
        "framework_version",
    ),
)


def new_verdict(  # noqa: PLR0917 - the engine's hot path, where positions cost less
    employee: str,
    family: str,
    current_level: str | None,
    target_family: str,
    target_level: str,
    route: str,
    status: Status,
    as_of: Cycle,
    criteria: PVector[CriterionResult],
    met_except_approval: bool,
    ready_since: Cycle | None,
    earliest: Cycle | None,
    gaps: PVector[Gap],
    plan: Plan | None,
    framework: str,
    framework_version: str,
) -> Verdict:
    """A `Verdict` from values already in their stored types."""
    verdict = _new(Verdict)
    _v_employee(verdict, employee)
    _v_family(verdict, family)
    _v_current_level(verdict, current_level)
    _v_target_family(verdict, target_family)
    _v_target_level(verdict, target_level)
    _v_route(verdict, route)
    _v_status(verdict, status)
    _v_as_of(verdict, as_of)
    _v_criteria(verdict, criteria)
    _v_met_except_approval(verdict, met_except_approval)
    _v_ready_since(verdict, ready_since)
    _v_earliest(verdict, earliest)
    _v_gaps(verdict, gaps)
    _v_plan(verdict, plan)
    _v_framework(verdict, framework)
    _v_framework_version(verdict, framework_version)
    return verdict


_t_employee, _t_verdicts = _setters(Timeline, ("employee", "verdicts"))


def new_timeline(employee: str, verdicts: PVector[Verdict]) -> Timeline:
    """A `Timeline` from values already in their stored types."""
    timeline = _new(Timeline)
    _t_employee(timeline, employee)
    _t_verdicts(timeline, verdicts)
    return timeline
