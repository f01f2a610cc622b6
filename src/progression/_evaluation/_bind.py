"""Binding a rating history to a framework: checked once, indexed once, shared by verdicts.

`bind` checks everything about a history that does not depend on the target or the
cycle evaluated (its family, track, cadence, level assignments, and every rating's
competency and score), and indexes it: reviews by cycle, level stays, and each cycle's
scores grouped by rater. `timeline` and evaluations of several targets for one
employee reuse one `Binding` instead of checking and indexing per verdict.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._history import Cycle, Origin, RatingHistory, Review
from .._model import Framework, JobFamily, Track
from .._policy import Rater
from .._validation import article, one_of, show
from ..exceptions import InvalidHistory, Problem, Segment

__all__ = ["Binding", "bind"]

#: Scores of one cycle by competency id: integers only, never mutated once built.
Scores = dict[str, int]


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'design'?)`` for the closest choice, or nothing if none is close."""
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _problem(
    segments: tuple[Segment, ...],
    message: str,
    *,
    expected: str | None = None,
    got: object = None,
    origin: Origin | None = None,
) -> Problem:
    return Problem(
        segments=segments,
        message=message,
        expected=expected,
        got=None if got is None else show(got),
        source=origin.source if origin else None,
        line=origin.line if origin else None,
        column=origin.column if origin else None,
    )


@lru_cache(maxsize=1024)
def _competency_ids(track: Track) -> frozenset[str]:
    return frozenset(c.id for c in track.competencies)


@lru_cache(maxsize=1024)
def _rated_at(family: JobFamily, level_id: str) -> frozenset[str]:
    """The competencies a person at ``level_id`` may be rated on.

    Those of the level's track and, at a level tracks branch from, those of every
    branch ahead: a promotion into a branch counts the branch's competencies expected
    at its first level, so they are rated before it, whichever branch the history names.
    """
    return frozenset().union(*(_competency_ids(t) for t in family.tracks_through(level_id)))


class Binding:
    """One history checked against one framework, indexed for evaluation.

    Attributes:
        framework: The framework.
        history: The history.
        family: The history's job family in the framework.
        latest: The latest cycle the history mentions (review or level change), if any.
        reviews: Each review by its cycle's ordinal.
        first_review: The ordinal of the earliest review, or None without reviews.
        memo: Caches the engine keeps per compiled policy, so that verdicts for several
            cycles or targets check each cycle once.
    """

    __slots__ = (
        "_counted",
        "_cycles",
        "_cycles_from",
        "_groups",
        "_levels",
        "_starts",
        "_stays",
        "family",
        "first_review",
        "framework",
        "history",
        "latest",
        "memo",
        "reviews",
        "spread",
    )

    def __init__(self, framework: Framework, history: RatingHistory, family: JobFamily) -> None:
        self.framework = framework
        #: The width of the rating scale.
        self.spread = framework.scale.max - framework.scale.min
        self.history = history
        self.family = family
        ordered = sorted(history.levels, key=lambda a: a.since.ordinal)
        self._starts = [a.since.ordinal for a in ordered]
        self._levels = [a.level for a in ordered]
        # Consecutive assignments to one level are one stay: where each stay began.
        stays: list[int] = []
        for index, start in enumerate(self._starts):
            same = index and self._levels[index - 1] == self._levels[index]
            stays.append(stays[-1] if same else start)
        self._stays = stays
        self.reviews: dict[int, Review] = {}
        self._groups: dict[int, dict[Rater, Scores]] = {}
        self._counted: dict[tuple[Rater, ...], dict[int, Scores]] = {}
        self.memo: dict[object, Any] = {}
        self.first_review: int | None = None
        self.latest: Cycle | None = None
        self._cycles: PVector[Cycle] = pvector()
        self._cycles_from = 0

    def span(self, first: int, last: int) -> PVector[Cycle]:
        """The cycles from ordinal ``first`` to ``last``, both included, as one pvector.

        Slices of one table of cycles, so that verdicts do not build them cycle by cycle.
        """
        table, start = self._cycles, self._cycles_from
        if not table or first < start or last >= start + len(table):
            low = min(first, start) if table else first
            high = max(last, start + len(table) - 1) if table else last
            # Room for the verdicts around this one: the window before, a stay after.
            low, high = low - 8, high + 8
            cadence = self.framework.cadence
            table = self._cycles = pvector(
                [Cycle.from_ordinal(o, cadence) for o in range(low, high + 1)]
            )
            start = self._cycles_from = low
        return table[first - start : last - start + 1]

    def level_at(self, ordinal: int) -> str | None:
        """The level held in a cycle, or None before the first assignment."""
        index = bisect_right(self._starts, ordinal) - 1
        return self._levels[index] if index >= 0 else None

    def stay_start(self, ordinal: int) -> int | None:
        """First cycle of the uninterrupted stay at the level held in a cycle."""
        index = bisect_right(self._starts, ordinal) - 1
        return self._stays[index] if index >= 0 else None

    def stretches(self, last: int) -> list[tuple[int, int, str | None, int | None]]:
        """The cycles from the first the history mentions to ``last``, cut where the level changes.

        Each stretch is (first ordinal, last ordinal, level held, start of the stay at
        it): `level_at` and `stay_start` of every cycle in it, found once.
        """
        starts = self._starts
        mentioned = [*self.reviews, *starts[:1]]
        if not mentioned:
            return []
        found: list[tuple[int, int, str | None, int | None]] = []
        low = min(mentioned)
        while low <= last:
            index = bisect_right(starts, low) - 1
            # The next assignment starts after ``low``: bisect_right passed every equal one.
            high = last if index + 1 == len(starts) else min(last, starts[index + 1] - 1)
            if index >= 0:
                found.append((low, high, self._levels[index], self._stays[index]))
            else:
                found.append((low, high, None, None))
            low = high + 1
        return found

    def counted(self, raters: tuple[Rater, ...]) -> dict[int, Scores]:
        """Each reviewed cycle's counted scores: per competency, the most preferred rater's.

        Built once per preference order; the dictionaries are shared and never changed.
        """
        found = self._counted.get(raters)
        if found is None:
            order = raters[::-1]  # least preferred first: later updates win
            found = {}
            for ordinal, groups in self._groups.items():
                present = [groups[r] for r in order if r in groups]
                if len(present) == 1:
                    found[ordinal] = present[0]
                else:
                    merged: Scores = {}
                    for scores in present:
                        merged.update(scores)
                    found[ordinal] = merged
            self._counted[raters] = found
        return found


def bind(framework: Framework, history: RatingHistory) -> Binding:
    """Check a history against a framework and index it for evaluation.

    Raises:
        InvalidHistory: the family, track or a level is unknown, a cycle is of the other
            cadence, or a rating names a competency not on the track of the level held
            in its cycle (nor, at a level tracks branch from, on a branch ahead) or a
            score outside the scale. Every problem is listed, with the
            file, line and column where the history was read from a file.
    """
    who = f"employee {history.employee!r}"
    try:
        family = framework.family(history.family)
    except KeyError:
        families = [f.id for f in framework.job_families]
        raise InvalidHistory(
            [
                _problem(
                    ("family",),
                    f"{who}: unknown job family {history.family!r}"
                    f"{did_you_mean(history.family, families)}, expected {one_of(families)}",
                    expected=one_of(families),
                    got=history.family,
                )
            ]
        ) from None
    _check_assignments(framework, family, history, who)
    binding = Binding(framework, history, family)
    _index(binding)
    mentioned = [*binding.reviews, *binding._starts]
    if mentioned:
        binding.latest = Cycle.from_ordinal(max(mentioned), framework.cadence)
    return binding


def _check_assignments(
    framework: Framework, family: JobFamily, history: RatingHistory, who: str
) -> None:
    """Levels, track and cadence must be right before anything is indexed by them."""
    problems = []
    cadence = framework.cadence
    try:
        family.track(history.track)
    except KeyError:
        tracks = [t.id for t in family.tracks]
        problems.append(
            _problem(
                ("track",),
                f"{who}: unknown track {history.track!r} in {family.id!r}"
                f"{did_you_mean(history.track, tracks)}, expected {one_of(tracks)}",
                expected=one_of(tracks),
                got=history.track,
            )
        )
    levels = [lv.id for t in family.tracks for lv in t.levels]
    for index, assignment in enumerate(history.levels):
        since = assignment.since
        if since.cadence is not cadence:
            problems.append(
                _problem(
                    ("levels", index, "since"),
                    f"{who}: level assignment from {since}: not {article(cadence.value)} cycle",
                    origin=assignment.origin,
                )
            )
        if assignment.level not in levels:
            problems.append(
                _problem(
                    ("levels", index, "level"),
                    f"{who}: level assignment from {since}: unknown level {assignment.level!r}"
                    f"{did_you_mean(assignment.level, levels)}, expected {one_of(levels)}",
                    expected=one_of(levels),
                    got=assignment.level,
                    origin=assignment.origin,
                )
            )
    for index, review in enumerate(history.reviews):
        if review.cycle.cadence is not cadence:
            first = review.ratings[0].origin if review.ratings else None
            problems.append(
                _problem(
                    ("reviews", index, "cycle"),
                    f"{who}: review {review.cycle}: not {article(cadence.value)} cycle",
                    # A review has no place of its own: its first rating's line is near.
                    origin=Origin(source=first.source, line=first.line) if first else None,
                )
            )
    if problems:
        raise InvalidHistory(problems)


def _index(binding: Binding) -> None:
    """One pass over the ratings: check each, and group each cycle's scores by rater."""
    framework, history, family = binding.framework, binding.history, binding.family
    allowed_at = [_rated_at(family, level) for level in binding._levels]
    fallback = _competency_ids(family.track(history.track))
    starts = binding._starts
    low, high = framework.scale.min, framework.scale.max
    reviews, all_groups = binding.reviews, binding._groups
    broken: list[tuple[int, Review, frozenset[str]]] = []
    for r_index, review in enumerate(history.reviews):
        ordinal = review.cycle.ordinal
        reviews[ordinal] = review
        held = bisect_right(starts, ordinal) - 1
        allowed = allowed_at[held] if held >= 0 else fallback
        groups: dict[Rater, Scores] = {}
        for rating in review.ratings:
            competency, score = rating.competency, rating.score
            if competency in allowed and low <= score <= high:
                group = groups.get(rating.rater)
                if group is None:
                    groups[rating.rater] = {competency: score}
                else:
                    group[competency] = score
            elif not broken or broken[-1][0] != r_index:
                broken.append((r_index, review, allowed))
        all_groups[ordinal] = groups
    if reviews:
        binding.first_review = min(reviews)
    if broken:
        raise InvalidHistory(
            [
                p
                for r_index, review, allowed in broken
                for p in _rating_problems(r_index, review, allowed=allowed, low=low, high=high)
            ]
        )


def _rating_problems(
    r_index: int, review: Review, *, allowed: frozenset[str], low: int, high: int
) -> list[Problem]:
    # The message names neither employee nor cycle: the place does (file, line, path),
    # so that one typo repeated over many rows and employees reads as one mistake.
    problems = []
    choices = sorted(allowed)
    for index, rating in enumerate(review.ratings):
        competency, score = rating.competency, rating.score
        at: tuple[Segment, ...] = ("reviews", r_index, "ratings", index)
        if competency not in allowed:
            problems.append(
                _problem(
                    (*at, "competency"),
                    f"unknown competency {competency!r} for the level held then"
                    f"{did_you_mean(competency, choices)}, expected {one_of(choices)}",
                    expected=one_of(choices),
                    got=competency,
                    origin=rating.origin,
                )
            )
        if not low <= score <= high:
            problems.append(
                _problem(
                    (*at, "score"),
                    f"score {score} for {competency!r} is outside the scale {low}..{high}",
                    expected=f"an integer from {low} to {high}",
                    got=score,
                    origin=rating.origin,
                )
            )
    return problems
