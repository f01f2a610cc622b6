"""Rating histories: review cycles, ratings, evidence records and level assignments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import lru_cache
from typing import Any

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from ._model import Cadence
from ._numbers import Number, to_fraction
from ._policy import Rater
from ._validation import Checker
from .exceptions import InvalidHistory

__all__ = [
    "Cycle",
    "Evidence",
    "LevelAssignment",
    "Origin",
    "Rating",
    "RatingHistory",
    "Review",
]

_CYCLE = re.compile(r"\s*([0-9]{4})-(?:([QqHh])([0-9])|([Yy]))\s*\Z")
_LETTER = {Cadence.QUARTERLY: "Q", Cadence.HALF_YEARLY: "H", Cadence.ANNUAL: "Y"}
_PER_YEAR = {Cadence.QUARTERLY: 4, Cadence.HALF_YEARLY: 2, Cadence.ANNUAL: 1}
CYCLE_EXPECTED = (
    "a review cycle such as '2026-Q3' (quarterly), '2026-H2' (half-yearly) or '2026-Y' (annual)"
)
#: The years a history may name. Cycles are written with four-digit years; these leave
#: room either side for the cycles the evaluator reaches from a history's own (a window
#: of up to 40 cycles back, the earliest promotion up to 40 cycles ahead), so that every
#: cycle of every verdict is written with four digits and reads back.
FIRST_YEAR = 1000
LAST_YEAR = 9899
YEARS_EXPECTED = f"a cycle in the years {FIRST_YEAR} to {LAST_YEAR}"


@attrs.frozen(order=False)
class Cycle:
    """A review cycle: a calendar quarter (``2026-Q3``), half-year (``2026-H2``) or year.

    A year is written ``2026-Y``: its period is 1.

    Cycles of one cadence are ordered, and `shift` steps to the next or previous one.
    """

    year: int
    period: int
    cadence: Cadence = Cadence.QUARTERLY
    #: Cycles counted from year 0: consecutive cycles differ by exactly 1. Stored, as
    #: the evaluator reads it for every review.
    ordinal: int = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        per_year = _PER_YEAR[self.cadence]
        if not 1 <= self.period <= per_year:
            raise ValueError(f"no period {self.period} in a {self.cadence.value} year")
        object.__setattr__(self, "ordinal", self.year * per_year + self.period - 1)

    @classmethod
    def parse(cls, text: str) -> Cycle:
        """``Cycle.parse("2026-Q3")``, ``Cycle.parse("2026-Y")``; `ValueError` otherwise."""
        found = _CYCLE.match(text)
        if not found:
            raise ValueError(f"expected {CYCLE_EXPECTED}, got {text!r}")
        if found[4]:
            return cls(int(found[1]), 1, Cadence.ANNUAL)
        cadence = Cadence.QUARTERLY if found[2] in "Qq" else Cadence.HALF_YEARLY
        return cls(int(found[1]), int(found[3]), cadence)

    @staticmethod
    @lru_cache(maxsize=4096)
    def from_ordinal(ordinal: int, cadence: Cadence) -> Cycle:
        """The cycle with this `ordinal` in ``cadence`` (cycles are immutable: shared)."""
        year, period = divmod(ordinal, _PER_YEAR[cadence])
        return Cycle(year, period + 1, cadence)

    def shift(self, cycles: int) -> Cycle:
        """The cycle ``cycles`` later (earlier when negative)."""
        return Cycle.from_ordinal(self.ordinal + cycles, self.cadence)

    def _key(self, other: object) -> tuple[int, int]:
        if not isinstance(other, Cycle):
            raise TypeError(f"cannot compare a Cycle with {type(other).__name__}")
        if other.cadence is not self.cadence:
            raise TypeError(f"cannot compare {self} with {other}: different cadences")
        return self.ordinal, other.ordinal

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine >= theirs

    @property
    def in_range(self) -> bool:
        """Whether a history may name this cycle: its year is `FIRST_YEAR` to `LAST_YEAR`."""
        return FIRST_YEAR <= self.year <= LAST_YEAR

    def __str__(self) -> str:
        # Four digits, as `parse` reads them: 0987-Y, never 987-Y.
        if self.cadence is Cadence.ANNUAL:
            return f"{self.year:04d}-Y"
        return f"{self.year:04d}-{_LETTER[self.cadence]}{self.period}"


RATER_ID_EXPECTED = "a rater id: text, not blank, without spaces at either end"


def is_rater_id(text: str) -> bool:
    """Whether ``text`` can name a rater: what a CSV cell holds once its spaces are cut."""
    return bool(text) and text == text.strip()


#: Field metadata of attributes that say where a value was read, not what it is: they
#: take no part in equality and are neither written to files nor described in schemas.
_LOCAL = {"local": True}


# Origin and Rating are made once per row of a ratings file, a million times for a large
# company: they go without a weak-reference slot, which would add 8 bytes to each.


@attrs.frozen(kw_only=True, weakref_slot=False)
class Origin:
    """Where a value was read: file, line and column, so that errors found later can say."""

    source: str | None = None
    line: int | None = None
    column: int | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Rating:
    """One competency score in one cycle, with the role of whoever gave it.

    ``rater_id`` optionally names the person who gave it (a manager's employee id, say),
    so that calibration can compare raters; the evaluator reads only the role.
    """

    competency: str
    score: int
    rater: Rater = Rater.MANAGER
    rater_id: str | None = None
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, metadata=_LOCAL)


def _optional_fraction(value: Number | None) -> Fraction | None:
    return None if value is None else to_fraction(value)


@attrs.frozen(kw_only=True)
class Evidence:
    """A scope evidence record for requirement ``requirement``, with an optional value."""

    requirement: str
    note: str = ""
    value: Fraction | None = attrs.field(default=None, converter=_optional_fraction)
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, metadata=_LOCAL)


def _ratings(items: Iterable[Rating]) -> PVector[Rating]:
    return pvector(items)


def _evidence(items: Iterable[Evidence]) -> PVector[Evidence]:
    return pvector(items)


def _steps(items: Iterable[str]) -> PVector[str]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class Review:
    """Everything recorded for one employee in one review cycle."""

    cycle: Cycle
    ratings: PVector[Rating] = attrs.field(converter=_ratings, factory=pvector)
    evidence: PVector[Evidence] = attrs.field(converter=_evidence, factory=pvector)
    endorsed: bool = False
    calibrated: bool = False
    #: Named approval steps passed in this cycle, such as ``promotion-panel``.
    approvals: PVector[str] = attrs.field(converter=_steps, factory=pvector)


@attrs.frozen(kw_only=True)
class LevelAssignment:
    """The employee holds ``level`` from cycle ``since`` until the next assignment."""

    level: str
    since: Cycle
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, metadata=_LOCAL)


def _assignments(items: Iterable[LevelAssignment]) -> PVector[LevelAssignment]:
    return pvector(items)


def _reviews(items: Iterable[Review]) -> PVector[Review]:
    return pvector(items)


def _check_cadence(
    check: Checker, who: str, levels: PVector[LevelAssignment], reviews: PVector[Review]
) -> None:
    """Report each cycle whose cadence differs from the history's first one, at its path."""
    cycles: list[tuple[tuple[str, int, str], Cycle]] = [
        (("levels", index, "since"), assignment.since) for index, assignment in enumerate(levels)
    ]
    cycles += [(("reviews", index, "cycle"), review.cycle) for index, review in enumerate(reviews)]
    if not cycles:
        return
    # The first level assignment (else the first review) sets the cadence: it is where
    # the history starts.
    (first_path, first), *rest = cycles
    for path, cycle in rest:
        if cycle.cadence is not first.cadence:
            check.add(
                path,
                f"{who}: cycles of different cadences are mixed in one history",
                expected=f"a {first.cadence.value} cycle like {first_path[0]}"
                f"[{first_path[1]}].{first_path[2]} ({first})",
                got=str(cycle),
            )


def _check_years(
    check: Checker, who: str, levels: PVector[LevelAssignment], reviews: PVector[Review]
) -> None:
    """Report each cycle outside the years a history may name, at its path."""
    cycles = [(("levels", i, "since"), a.since) for i, a in enumerate(levels)]
    cycles += [(("reviews", i, "cycle"), r.cycle) for i, r in enumerate(reviews)]
    for path, cycle in cycles:
        if not cycle.in_range:
            check.add(
                path,
                f"{who}: cycle {cycle} is out of range",
                expected=YEARS_EXPECTED,
                got=str(cycle),
            )


@attrs.frozen(kw_only=True, cache_hash=True)
class RatingHistory:
    """One employee's record: level assignments and a review per cycle, in any order."""

    employee: str
    family: str
    track: str
    levels: PVector[LevelAssignment] = attrs.field(converter=_assignments, factory=pvector)
    reviews: PVector[Review] = attrs.field(converter=_reviews, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        who = f"employee {self.employee!r}"
        seen: dict[Cycle, int] = {}
        for index, review in enumerate(self.reviews):
            if review.cycle in seen:
                check.add(
                    ("reviews", index, "cycle"),
                    f"{who}: a second review for {review.cycle}"
                    f" (the first is reviews[{seen[review.cycle]}])",
                )
            seen.setdefault(review.cycle, index)
            scored: dict[tuple[str, Rater], int] = {}
            for r_index, rating in enumerate(review.ratings):
                if rating.rater_id is not None and not is_rater_id(rating.rater_id):
                    check.add(
                        ("reviews", index, "ratings", r_index, "rater_id"),
                        f"{who}, cycle {review.cycle}: not a rater id",
                        expected=RATER_ID_EXPECTED,
                        got=rating.rater_id,
                    )
                key = (rating.competency, rating.rater)
                if key in scored:
                    check.add(
                        ("reviews", index, "ratings", r_index),
                        f"{who}, cycle {review.cycle}: a second {rating.rater.value} score for"
                        f" {rating.competency!r} (the first is ratings[{scored[key]}])",
                        expected="one score per competency and rater in a cycle",
                        got=rating.score,
                    )
                scored.setdefault(key, r_index)
            self._check_approvals(check, index, review)
        starts: dict[Cycle, int] = {}
        for index, assignment in enumerate(self.levels):
            if assignment.since in starts:
                check.add(
                    ("levels", index, "since"),
                    f"{who}: two level assignments start in {assignment.since}",
                )
            starts.setdefault(assignment.since, index)
        _check_cadence(check, who, self.levels, self.reviews)
        _check_years(check, who, self.levels, self.reviews)
        check.raise_if_any(InvalidHistory)

    @staticmethod
    def _check_approvals(check: Checker, index: int, review: Review) -> None:
        check.check_unique_values(("reviews", index, "approvals"), review.approvals)
        for a_index, step in enumerate(review.approvals):
            check.check_id(("reviews", index, "approvals", a_index), step)

    def cycles(self) -> list[Cycle]:
        """Every cycle the history mentions (reviews and level changes), in order."""
        return sorted({r.cycle for r in self.reviews} | {a.since for a in self.levels})

    def level_at(self, cycle: Cycle) -> LevelAssignment | None:
        """The level assignment in force in ``cycle``, or None before the first one."""
        current = None
        for assignment in self.levels:
            if assignment.since <= cycle and (current is None or assignment.since > current.since):
                current = assignment
        return current


# Loaders that have already checked every value (the CSV reader checks each row as it
# reads it) build values through the constructors below: no converter, validator or
# history check runs a second time. For 800,000 ratings that is most of the loading time,
# so each sets its slots directly.

_new = object.__new__
_Setter = Callable[[object, object], None]


def _setters(cls: type[Any], *names: str) -> list[_Setter]:
    """Slot setters for exactly the fields of ``cls``, in order: a new field fails here."""
    fields = tuple(field.name for field in attrs.fields(cls))
    if fields != names:
        raise TypeError(f"{cls.__name__} has the fields {fields}, not {names}")
    return [getattr(cls, name).__set__ for name in names]


_ORIGIN = _setters(Origin, "source", "line", "column")
_RATING = _setters(Rating, "competency", "score", "rater", "rater_id", "origin")
_LEVEL = _setters(LevelAssignment, "level", "since", "origin")
_EVIDENCE = _setters(Evidence, "requirement", "note", "value", "origin")
_REVIEW = _setters(Review, "cycle", "ratings", "evidence", "endorsed", "calibrated", "approvals")
_HISTORY = _setters(RatingHistory, "employee", "family", "track", "levels", "reviews")
_HISTORY_HASH: _Setter = getattr(RatingHistory, "_attrs_cached_hash").__set__  # noqa: B009


def unchecked_origin(source: str | None, line: int | None, column: int | None) -> Origin:
    """`Origin` from values known to be right."""
    origin: Origin = _new(Origin)
    set_source, set_line, set_column = _ORIGIN
    set_source(origin, source)
    set_line(origin, line)
    set_column(origin, column)
    return origin


def unchecked_rating(
    competency: str,
    score: int,
    rater: Rater,
    origin: Origin | None,
    rater_id: str | None = None,
) -> Rating:
    """`Rating` from values known to be right (``rater_id`` last: most files have none)."""
    rating: Rating = _new(Rating)
    set_competency, set_score, set_rater, set_rater_id, set_origin = _RATING
    set_competency(rating, competency)
    set_score(rating, score)
    set_rater(rating, rater)
    set_rater_id(rating, rater_id)
    set_origin(rating, origin)
    return rating


def unchecked_level(level: str, since: Cycle, origin: Origin | None) -> LevelAssignment:
    """`LevelAssignment` from values known to be right."""
    assignment: LevelAssignment = _new(LevelAssignment)
    for setter, value in zip(_LEVEL, (level, since, origin), strict=True):
        setter(assignment, value)
    return assignment


def unchecked_evidence(
    requirement: str, note: str, value: Fraction | None, origin: Origin | None
) -> Evidence:
    """`Evidence` from values known to be right (``value`` already exact)."""
    evidence: Evidence = _new(Evidence)
    for setter, field in zip(_EVIDENCE, (requirement, note, value, origin), strict=True):
        setter(evidence, field)
    return evidence


def unchecked_review(  # noqa: PLR0917 - one argument per field, in field order
    cycle: Cycle,
    ratings: PVector[Rating],
    evidence: PVector[Evidence],
    endorsed: bool,
    calibrated: bool,
    approvals: PVector[str],
) -> Review:
    """`Review` from values known to be right, its lists already persistent vectors."""
    review: Review = _new(Review)
    for setter, value in zip(
        _REVIEW, (cycle, ratings, evidence, endorsed, calibrated, approvals), strict=True
    ):
        setter(review, value)
    return review


def unchecked_history(
    employee: str,
    family: str,
    track: str,
    levels: PVector[LevelAssignment],
    reviews: PVector[Review],
) -> RatingHistory:
    """`RatingHistory` from values known to pass its checks, lists already vectors."""
    history: RatingHistory = _new(RatingHistory)
    for setter, value in zip(_HISTORY, (employee, family, track, levels, reviews), strict=True):
        setter(history, value)
    _HISTORY_HASH(history, None)
    return history
