"""Promotion policies: the closed set of criterion kinds and the transitions they govern."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import ClassVar, TypeAlias

import attrs
from pyrsistent import pmap, pvector
from pyrsistent.typing import PMap, PVector

from ._numbers import Number, format_number, to_fraction
from ._validation import ID_PATTERN, Checker
from .exceptions import InvalidFramework, Segment

__all__ = [
    "APPROVAL_KINDS",
    "CRITERION_KINDS",
    "DEFAULT_RATERS",
    "MAX_CYCLES",
    "SCORE_KINDS",
    "Approval",
    "AverageScore",
    "Calibration",
    "Criterion",
    "ManagerEndorsement",
    "MeetsExpectations",
    "PromotionPolicy",
    "Rater",
    "ScopeEvidence",
    "ScoreFloor",
    "Suppression",
    "Sustained",
    "TimeInLevel",
    "criterion_key",
    "merge_criteria",
    "raters",
]


def _optional_fraction(value: Number | None) -> Fraction | None:
    return None if value is None else to_fraction(value)


def _ids(items: Iterable[str]) -> PVector[str]:
    return pvector(items)


def _weights(items: Mapping[str, Number]) -> PMap[str, Fraction]:
    return pmap({key: to_fraction(value) for key, value in items.items()})


_CODE = re.compile(r"PG[0-9]{3}\Z")


@attrs.frozen(kw_only=True)
class Suppression:
    """Silences one lint finding code on an element and everything inside it, with a reason."""

    code: str
    reason: str

    def __attrs_post_init__(self) -> None:
        check = Checker()
        if not _CODE.match(self.code):
            check.add(
                ("code",), "not a lint code", expected="a code such as 'PG101'", got=self.code
            )
        if not self.reason.strip():
            check.add(("reason",), "a suppression needs a reason", expected="a sentence saying why")
        check.raise_if_any(InvalidFramework)


def suppressions(items: Iterable[Suppression]) -> PVector[Suppression]:
    """Converter for the ``suppress`` field of framework elements."""
    return pvector(items)


class Rater(enum.Enum):
    """Who gave a score: the employee, a peer, the manager, or a calibration session."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    SELF = "self"
    PEER = "peer"
    MANAGER = "manager"
    CALIBRATED = "calibrated"


#: By default a calibrated score counts, and the manager's where there is none.
DEFAULT_RATERS: PVector[Rater] = pvector([Rater.CALIBRATED, Rater.MANAGER])


def raters(items: Iterable[Rater]) -> PVector[Rater]:
    """Converter for ``raters`` fields: Rater members only, in order of preference."""
    chosen: PVector[Rater] = pvector(items)
    for rater in chosen:
        if not isinstance(rater, Rater):
            raise TypeError(f"raters take Rater members, got {rater!r}")
    return chosen


@attrs.frozen(kw_only=True)
class AverageScore:
    """The average competency score reaches a threshold (inclusive unless ``strict``).

    With ``competencies`` only those count; with ``weights`` each listed competency
    counts that many times (unlisted ones count once).
    """

    kind: ClassVar[str] = "average_score"
    threshold: Fraction = attrs.field(converter=to_fraction)
    strict: bool = False
    weights: PMap[str, Fraction] = attrs.field(converter=_weights, factory=pmap)
    competencies: PVector[str] = attrs.field(converter=_ids, factory=pvector)


@attrs.frozen(kw_only=True)
class ScoreFloor:
    """No counted competency scores below ``floor``."""

    kind: ClassVar[str] = "score_floor"
    floor: int
    competencies: PVector[str] = attrs.field(converter=_ids, factory=pvector)


@attrs.frozen(kw_only=True)
class MeetsExpectations:
    """Every counted competency scores at least the target level's expected proficiency."""

    kind: ClassVar[str] = "meets_expectations"
    competencies: PVector[str] = attrs.field(converter=_ids, factory=pvector)


@attrs.frozen(kw_only=True)
class Sustained:
    """The score criteria of the policy hold in each of the last ``cycles`` review cycles.

    ``cycles`` is 1 to `MAX_CYCLES` (40).
    """

    kind: ClassVar[str] = "sustained"
    cycles: int


@attrs.frozen(kw_only=True)
class TimeInLevel:
    """At least ``cycles`` consecutive review cycles in the current level.

    ``cycles`` is 1 to `MAX_CYCLES` (40).
    """

    kind: ClassVar[str] = "time_in_level"
    cycles: int


@attrs.frozen(kw_only=True)
class ScopeEvidence:
    """At least ``count`` evidence records for requirement ``id``, each reaching ``min_value``.

    Values are never summed: two projects with 2 stakeholders are not one with 3.
    """

    kind: ClassVar[str] = "scope_evidence"
    id: str
    description: str = ""
    min_value: Fraction | None = attrs.field(default=None, converter=_optional_fraction)
    unit: str = ""
    count: int = 1


@attrs.frozen(kw_only=True)
class ManagerEndorsement:
    """The manager endorses the promotion in the cycle evaluated."""

    kind: ClassVar[str] = "manager_endorsement"


@attrs.frozen(kw_only=True)
class Calibration:
    """A calibration session confirms the rating in the cycle evaluated."""

    kind: ClassVar[str] = "calibration"


@attrs.frozen(kw_only=True)
class Approval:
    """A named approval step, such as ``promotion-panel``, passed in the cycle evaluated.

    Beside the manager's endorsement and calibration, organisations approve promotions
    through steps of their own: an application, an interview, a promotion panel.
    """

    kind: ClassVar[str] = "approval"
    step: str
    description: str = ""


Criterion: TypeAlias = (
    AverageScore
    | ScoreFloor
    | MeetsExpectations
    | Sustained
    | TimeInLevel
    | ScopeEvidence
    | ManagerEndorsement
    | Calibration
    | Approval
)

#: Every criterion kind by its tag, in the order the docs list them.
CRITERION_KINDS: Mapping[str, type[Criterion]] = MappingProxyType(
    {
        cls.kind: cls
        for cls in (
            AverageScore,
            ScoreFloor,
            MeetsExpectations,
            Sustained,
            TimeInLevel,
            ScopeEvidence,
            ManagerEndorsement,
            Calibration,
            Approval,
        )
    }
)
#: The most cycles a `Sustained` or `TimeInLevel` criterion may ask for: ten years of
#: quarters. Longer asks are almost always a typo, and the bound keeps the evaluator's
#: look-back (and a columnar executor's window) small and fixed.
MAX_CYCLES = 40
SCORE_KINDS = frozenset({"average_score", "score_floor", "meets_expectations"})
APPROVAL_KINDS = frozenset({"manager_endorsement", "calibration", "approval"})
#: Kinds of which a policy may hold several, told apart by their id or step.
_NAMED = {"scope_evidence": "id", "approval": "step"}
KEY_EXPECTED = (
    "a criterion kind, or 'scope_evidence:<id>' or 'approval:<step>' for one requirement or step"
)


def criterion_key(criterion: Criterion) -> str:
    """The key by which defaults and transitions match criteria.

    The kind, and for evidence requirements and approval steps also their id:
    ``average_score``, ``scope_evidence:cross-team-project``, ``approval:interview``.
    """
    if isinstance(criterion, ScopeEvidence):
        return f"{criterion.kind}:{criterion.id}"
    if isinstance(criterion, Approval):
        return f"{criterion.kind}:{criterion.step}"
    return criterion.kind


def _drops(key: str, criterion: Criterion) -> bool:
    # A bare kind drops every criterion of that kind, named or not.
    return key in (criterion.kind, criterion_key(criterion))


def merge_criteria(
    base: Iterable[Criterion], override: Iterable[Criterion], drop: Iterable[str] = ()
) -> tuple[Criterion, ...]:
    """The criteria of ``base`` with those of ``override`` merged in by key.

    An overriding criterion replaces the base criterion with the same `criterion_key`,
    or is added when none has it; then every criterion a ``drop`` key names is removed.
    The result lists criteria in the order of `CRITERION_KINDS` (base criteria first
    within a kind), so that merged policies read the same however they were assembled.
    """
    merged = {criterion_key(c): c for c in base}
    for criterion in override:
        merged[criterion_key(criterion)] = criterion
    dropped = list(drop)
    kept = [c for c in merged.values() if not any(_drops(key, c) for key in dropped)]
    order = {kind: index for index, kind in enumerate(CRITERION_KINDS)}
    return tuple(sorted(kept, key=lambda c: order[c.kind]))


def _key_problem(key: str) -> str | None:
    kind, _, name = key.partition(":")
    if kind not in CRITERION_KINDS:
        return "unknown criterion kind"
    if name and kind not in _NAMED:
        return f"{kind!r} takes no id"
    if ":" in key and not ID_PATTERN.match(name):
        return "invalid id"
    return None


def _criteria(items: Iterable[Criterion]) -> PVector[Criterion]:
    return pvector(items)


@attrs.frozen(kw_only=True, cache_hash=True)
class PromotionPolicy:
    """The ordered criteria for one transition, or the default for the next steps.

    Give ``track`` (the default for moving up one level into that track's levels),
    ``from_level`` and ``to_level`` (one transition; ``to_family`` for a lateral move),
    or neither (the family default, for every step up one level in the family).

    Defaults build on each other by `criterion_key`: a track default on the family
    default, and a transition with ``inherit`` on the default for its target level;
    ``drop`` removes inherited criteria by key. `Framework.policy` returns the result.
    """

    family: str
    track: str | None = None
    from_level: str | None = None
    to_level: str | None = None
    to_family: str | None = None
    #: A transition that starts from the default criteria and overrides them by key.
    inherit: bool = False
    criteria: PVector[Criterion] = attrs.field(converter=_criteria)
    #: Keys of inherited criteria to leave out: ``sustained``, ``approval:interview``.
    drop: PVector[str] = attrs.field(converter=_ids, factory=pvector)
    #: Raters whose scores count, in order of preference; empty means the framework's.
    raters: PVector[Rater] = attrs.field(converter=raters, factory=pvector)
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        transition = self.from_level is not None or self.to_level is not None
        if self.track is not None and transition:
            check.add(("track",), "give either track or from_level/to_level, not both")
        elif transition and (self.from_level is None or self.to_level is None):
            check.add(
                ("to_level" if self.from_level is not None else "from_level",),
                "a policy needs a track (its default) or both from_level and to_level",
            )
        self._check_merging(check, transition)
        if self.to_family is not None and self.track is not None:
            check.add(("to_family",), "to_family belongs to a from_level/to_level transition")
        if self.to_family is not None and self.to_family == self.family:
            check.add(
                ("to_family",),
                "to_family names the policy's own family",
                expected="another family (leave to_family out for moves within a family)",
                got=self.to_family,
            )
        check.check_unique_values(("raters",), [r.value for r in self.raters])
        kinds = [c.kind for c in self.criteria]
        for kind in ("sustained", "time_in_level"):
            if kinds.count(kind) > 1:
                where = max(i for i, k in enumerate(kinds) if k == kind)
                check.add(("criteria", where), f"more than one {kind!r} criterion")
        seen: set[str] = set()
        steps: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            at = ("criteria", index)
            if isinstance(criterion, Sustained | TimeInLevel):
                if criterion.cycles < 1:
                    check.add(
                        (*at, "cycles"),
                        "too few cycles",
                        expected="1 or more",
                        got=criterion.cycles,
                    )
                elif criterion.cycles > MAX_CYCLES:
                    check.add(
                        (*at, "cycles"),
                        "too many cycles",
                        expected=f"at most {MAX_CYCLES}",
                        got=criterion.cycles,
                    )
            if isinstance(criterion, ScopeEvidence):
                check.check_id((*at, "id"), criterion.id)
                if criterion.count < 1:
                    check.add(
                        (*at, "count"), "too few records", expected="1 or more", got=criterion.count
                    )
                if criterion.id in seen:
                    check.add((*at, "id"), f"duplicate evidence requirement {criterion.id!r}")
                seen.add(criterion.id)
            if isinstance(criterion, Approval):
                self._check_step(check, at, criterion, steps)
            if isinstance(criterion, AverageScore | ScoreFloor | MeetsExpectations):
                # A competency listed twice would count twice in an average.
                check.check_unique_values((*at, "competencies"), criterion.competencies)
            if isinstance(criterion, AverageScore):
                for key, weight in criterion.weights.items():
                    if weight <= 0:
                        check.add(
                            (*at, "weights", key),
                            "weight must be positive",
                            expected="a number above 0",
                            got=str(weight),
                        )
                self._check_floors(check, criterion, index)
        check.raise_if_any(InvalidFramework)

    def _check_floors(self, check: Checker, average: AverageScore, index: int) -> None:
        # A floor above the threshold makes the average criterion meaningless and
        # almost always means the two numbers were swapped.
        for other in self.criteria:
            if isinstance(other, ScoreFloor) and other.floor > average.threshold:
                check.add(
                    ("criteria", index, "threshold"),
                    f"threshold {format_number(average.threshold)} is below"
                    f" the floor {other.floor}",
                    expected=f"a threshold of at least the floor {other.floor}",
                )

    @staticmethod
    def _check_step(
        check: Checker, at: tuple[Segment, ...], criterion: Approval, steps: set[str]
    ) -> None:
        check.check_id((*at, "step"), criterion.step)
        if criterion.step in steps:
            check.add((*at, "step"), f"duplicate approval step {criterion.step!r}")
        steps.add(criterion.step)

    def _check_merging(self, check: Checker, transition: bool) -> None:
        if self.inherit and not transition:
            check.add(
                ("inherit",),
                "inherit belongs to a transition: defaults build on the family default"
                " by themselves",
            )
        if self.drop and self.track is None and not self.inherit:
            check.add(
                ("drop",),
                "nothing to drop from: the family default inherits nothing"
                if not transition
                else "a transition drops inherited criteria only with inherit: true",
            )
        for index, key in enumerate(self.drop):
            problem = _key_problem(key)
            if problem:
                check.add(("drop", index), problem, expected=KEY_EXPECTED, got=key)
        check.check_unique_values(("drop",), self.drop)
        if self.inherit or self.is_family_default:
            # Merging matches criteria by key: two with one key could not be told apart.
            self.check_keys(check)

    def check_keys(self, check: Checker, prefix: tuple[Segment, ...] = ()) -> None:
        """Report criteria that share a `criterion_key`, which merging cannot tell apart."""
        seen: dict[str, int] = {}
        for index, criterion in enumerate(self.criteria):
            key = criterion_key(criterion)
            if key in seen and key not in ("sustained", "time_in_level"):
                check.add(
                    (*prefix, "criteria", index),
                    f"a second {key!r} criterion (the first is criteria[{seen[key]}]):"
                    " defaults and the transitions that inherit them match criteria by"
                    " kind (and id or step), so each may appear once",
                )
            seen.setdefault(key, index)

    @property
    def is_default(self) -> bool:
        """Whether this is a default (of a track or a family) rather than one transition's."""
        return self.from_level is None and self.to_level is None

    @property
    def is_family_default(self) -> bool:
        """Whether this is its family's default, for steps on every track."""
        return self.is_default and self.track is None
