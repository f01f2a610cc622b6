"""The framework model: scales, levels, competencies, tracks, job families and frameworks."""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeAlias

import attrs
from pyrsistent import PVector as PVectorRuntime
from pyrsistent import freeze, pmap, pvector
from pyrsistent.typing import PMap, PVector

from ._policy import (
    DEFAULT_RATERS,
    AverageScore,
    Criterion,
    MeetsExpectations,
    PromotionPolicy,
    Rater,
    ScoreFloor,
    Suppression,
    criterion_key,
    merge_criteria,
    raters,
    suppressions,
)
from ._validation import Checker, article, one_of
from .exceptions import InvalidFramework, Segment

__all__ = [
    "Behaviour",
    "BranchPoint",
    "Cadence",
    "Competency",
    "CompetencyKind",
    "Crossover",
    "Expectation",
    "Framework",
    "JobFamily",
    "LateralPath",
    "Level",
    "Link",
    "Metadata",
    "RatingScale",
    "Track",
    "TrackKind",
    "WayBack",
]

# Metadata is free-form but must survive JSON, YAML and TOML alike: no null, no NaN.
Metadata: TypeAlias = "str | int | float | bool | PVector[Metadata] | PMap[str, Metadata]"


class CompetencyKind(enum.Enum):
    """Core competencies apply to everyone; functional ones to a role."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    CORE = "core"
    FUNCTIONAL = "functional"


class TrackKind(enum.Enum):
    """Individual contributor or management."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    IC = "ic"
    MANAGEMENT = "management"


def _kind_name(kind: TrackKind) -> str:
    return "IC" if kind is TrackKind.IC else "management"


class Cadence(enum.Enum):
    """How often reviews happen: review cycles are quarters, half-years or years."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    ANNUAL = "annual"


#: The most points a rating scale may have; see the limits in the file format.
MAX_SCALE_POINTS = 100

DEFAULT_LABELS: PMap[int, str] = pmap(
    {1: "Learning", 2: "Developing", 3: "Proficient", 4: "Advanced", 5: "Expert"}
)


def _labels(items: Mapping[int, str]) -> PMap[int, str]:
    return pmap(items)


def _strings(items: Iterable[str]) -> PVector[str]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class RatingScale:
    """An integer scale ``min..max`` with a label for every point."""

    min: int = 1
    max: int = 5
    #: A label per point. Left out, the 1..5 scale gets `DEFAULT_LABELS`; any other
    #: scale must name its points.
    labels: PMap[int, str] = attrs.field(converter=_labels, factory=pmap)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        if self.max - self.min >= MAX_SCALE_POINTS:
            # Checked first: the checks below visit every point.
            check.add(
                ("max",),
                "the scale is too long",
                expected=f"at most {MAX_SCALE_POINTS} points from min {self.min}",
                got=self.max,
            )
            check.raise_if_any(InvalidFramework)
        if not self.labels:
            if (self.min, self.max) == (1, 5):
                object.__setattr__(self, "labels", DEFAULT_LABELS)
            elif self.max > self.min:
                check.add(
                    ("labels",),
                    f"a scale other than 1..5 needs a label for every point from {self.min}"
                    f" to {self.max}",
                )
        if self.max <= self.min:
            check.add(
                ("max",), "the scale is empty", expected=f"more than min {self.min}", got=self.max
            )
        elif self.labels:
            for point in self.points:
                if point not in self.labels:
                    check.add(("labels",), f"no label for point {point}")
            for point in sorted(self.labels):
                if not self.min <= point <= self.max:
                    check.add(
                        ("labels", point),
                        "label outside the scale",
                        expected=f"a point from {self.min} to {self.max}",
                        got=point,
                    )
        check.raise_if_any(InvalidFramework)

    @property
    def points(self) -> range:
        """Every point of the scale, lowest first."""
        return range(self.min, self.max + 1)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | Fraction) and self.min <= value <= self.max


def _links(items: Iterable[Link | str]) -> PVector[Link]:
    return pvector(item if isinstance(item, Link) else Link(url=item) for item in items)


def _check_text(
    check: Checker, at: tuple[Segment, ...], value: str | None, *, optional: bool = False
) -> None:
    """Required text must say something; optional text is left out rather than empty."""
    if value is not None and not value.strip():
        name = next((segment for segment in reversed(at) if isinstance(segment, str)), "text")
        check.add(
            at,
            f"empty {name}",
            expected="some text, or no key at all" if optional else "some text",
        )


def _check_notes(check: Checker, notes: str | None, external_id: str | None) -> None:
    _check_text(check, ("notes",), notes, optional=True)
    _check_text(check, ("external_id",), external_id, optional=True)


@attrs.frozen(kw_only=True)
class Link:
    """A link to further reading: a URL and, optionally, the words to show for it."""

    url: str
    label: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Checker()
        _check_text(check, ("url",), self.url)
        _check_text(check, ("label",), self.label, optional=True)
        check.raise_if_any(InvalidFramework)


@attrs.frozen(kw_only=True)
class Level:
    """A level on a track: its place (rank), its external title, its scope and autonomy."""

    id: str
    name: str
    rank: int
    title: str | None = None
    alternative_titles: PVector[str] = attrs.field(converter=_strings, factory=pvector)
    #: How large the work is; None where the source framework does not say.
    scope: str | None = None
    #: How independently the work is done; None where the source does not say.
    autonomy: str | None = None
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    #: The level's id in another system, such as an HR tool or a spreadsheet.
    external_id: str | None = None
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        _check_text(check, ("name",), self.name)
        _check_text(check, ("title",), self.title, optional=True)
        for index, title in enumerate(self.alternative_titles):
            _check_text(check, ("alternative_titles", index), title)
        _check_text(check, ("scope",), self.scope, optional=True)
        _check_text(check, ("autonomy",), self.autonomy, optional=True)
        _check_notes(check, self.notes, self.external_id)
        check.raise_if_any(InvalidFramework)


@attrs.frozen(kw_only=True)
class Behaviour:
    """One observable behaviour expected at a level, with examples of it."""

    text: str
    examples: PVector[str] = attrs.field(converter=_strings, factory=pvector)
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    external_id: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Checker()
        _check_text(check, ("text",), self.text)
        for index, example in enumerate(self.examples):
            _check_text(check, ("examples", index), example)
        _check_notes(check, self.notes, self.external_id)
        check.raise_if_any(InvalidFramework)

    @property
    def plain(self) -> bool:
        """Whether the behaviour is only its text, which files write as a plain string."""
        return not (self.examples or self.notes or self.links or self.external_id)


def _behaviours(items: Iterable[Behaviour | str]) -> PVector[Behaviour]:
    return pvector(item if isinstance(item, Behaviour) else Behaviour(text=item) for item in items)


@attrs.frozen(kw_only=True, init=False)
class Expectation:
    """What a competency looks like at one level: observable behaviours and a proficiency.

    ``Expectation(description="...", proficiency=3)`` is the one-behaviour shorthand, as
    ``description:`` is in files (given with ``behaviours``, it replaces them, which is
    what ``attrs.evolve(expectation, description=...)`` needs); `description` reads the
    behaviours back as one text.
    """

    behaviours: PVector[Behaviour] = attrs.field(converter=_behaviours)
    #: The proficiency expected, a point on the framework's scale; None where the
    #: source framework gives none.
    proficiency: int | None = None
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    external_id: str | None = None

    def __init__(
        self,
        *,
        behaviours: Iterable[Behaviour | str] = (),
        description: str | None = None,
        proficiency: int | None = None,
        notes: str | None = None,
        links: Iterable[Link | str] = (),
        external_id: str | None = None,
    ) -> None:
        # description wins, so that attrs.evolve(expectation, description=...) works.
        given = list(behaviours) if description is None else [Behaviour(text=description)]
        self.__attrs_init__(
            behaviours=given,
            proficiency=proficiency,
            notes=notes,
            links=links,
            external_id=external_id,
        )

    def __attrs_post_init__(self) -> None:
        check = Checker()
        if not self.behaviours:
            check.add(
                ("behaviours",),
                "an expectation needs at least one behaviour",
                expected="a description, or a list of behaviours",
            )
        _check_notes(check, self.notes, self.external_id)
        check.raise_if_any(InvalidFramework)

    @property
    def description(self) -> str:
        """The behaviours as one text, each ending a sentence, joined by spaces."""
        return " ".join(b.text.strip() for b in self.behaviours)

    @property
    def shorthand(self) -> bool:
        """Whether files write this expectation with ``description:`` (one plain behaviour)."""
        return len(self.behaviours) == 1 and self.behaviours[0].plain

    def behaviour_paths(self) -> list[tuple[Segment, ...]]:
        """Where each behaviour's text is in a file written by progression, from here."""
        if self.shorthand:
            return [("description",)]
        return [
            ("behaviours", index) if b.plain else ("behaviours", index, "text")
            for index, b in enumerate(self.behaviours)
        ]


def _expectations(items: Mapping[str, Expectation]) -> PMap[str, Expectation]:
    return pmap(items)


@attrs.frozen(kw_only=True, cache_hash=True)
class Competency:
    """A competency with an expectation for each level of its track, keyed by level id.

    It is expected at every level of its track, or only from ``starts_at`` on and up to
    ``ends_at``: a leadership competency may start at the third level.
    """

    id: str
    name: str
    kind: CompetencyKind = attrs.field(validator=attrs.validators.instance_of(CompetencyKind))
    #: What the competency is about; None where the source framework does not say.
    summary: str | None = None
    levels: PMap[str, Expectation] = attrs.field(converter=_expectations)
    #: The first level that expects this competency; the track's first level if None.
    starts_at: str | None = None
    #: The last level that expects this competency; the track's top level if None.
    ends_at: str | None = None
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    external_id: str | None = None
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        _check_text(check, ("name",), self.name)
        _check_text(check, ("summary",), self.summary, optional=True)
        _check_notes(check, self.notes, self.external_id)
        check.raise_if_any(InvalidFramework)

    def expects(self, level_id: str) -> bool:
        """Whether the competency is expected at ``level_id``."""
        return level_id in self.levels

    def expectation(self, level_id: str) -> Expectation | None:
        """The expectation at ``level_id``, or None where the competency is not expected."""
        return self.levels.get(level_id)


def _levels(items: Iterable[Level]) -> PVector[Level]:
    return pvector(items)


def _competencies(items: Iterable[Competency]) -> PVector[Competency]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class BranchPoint:
    """Where a track branches from another: the levels up to ``level`` are shared."""

    track: str
    level: str


@attrs.frozen(kw_only=True, cache_hash=True)
class Track:
    """A ladder: its own levels in rank order and the competencies rated at them.

    With ``branches_from`` the track continues another track's ladder above a level: the
    levels up to and including that level are shared (see `JobFamily.ladder`).
    """

    id: str
    name: str
    kind: TrackKind = attrs.field(validator=attrs.validators.instance_of(TrackKind))
    levels: PVector[Level] = attrs.field(converter=_levels)
    competencies: PVector[Competency] = attrs.field(converter=_competencies)
    branches_from: BranchPoint | None = None
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    external_id: str | None = None
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        check.check_id(("id",), self.id)
        _check_text(check, ("name",), self.name)
        _check_notes(check, self.notes, self.external_id)
        if not self.levels:
            check.add(("levels",), "a track needs at least one level")
        check.check_unique(("levels",), "id", (level.id for level in self.levels))
        check.check_unique(("competencies",), "id", (c.id for c in self.competencies))
        for index, level in enumerate(self.levels):
            check.check_id(("levels", index, "id"), level.id)
            if index and level.rank <= self.levels[index - 1].rank:
                check.add(
                    ("levels", index, "rank"),
                    "levels must be listed in rank order",
                    expected=f"a rank above {self.levels[index - 1].rank}"
                    f" (of {self.levels[index - 1].id!r})",
                    got=level.rank,
                )
        level_ids = [level.id for level in self.levels]
        for index, competency in enumerate(self.competencies):
            at: tuple[Segment, ...] = ("competencies", index)
            check.check_id((*at, "id"), competency.id)
            self._check_span(check, at, competency, level_ids)
        check.raise_if_any(InvalidFramework)

    @staticmethod
    def _check_span(
        check: Checker, at: tuple[Segment, ...], competency: Competency, level_ids: list[str]
    ) -> None:
        first, last, bounded = 0, len(level_ids) - 1, bool(level_ids)
        for name in ("starts_at", "ends_at"):
            value = getattr(competency, name)
            if value is not None and value not in level_ids:
                check.add(
                    (*at, name), "not a level of this track", expected=one_of(level_ids), got=value
                )
                bounded = False
        if bounded:
            if competency.starts_at is not None:
                first = level_ids.index(competency.starts_at)
            if competency.ends_at is not None:
                last = level_ids.index(competency.ends_at)
            if last < first:
                check.add(
                    (*at, "ends_at"),
                    f"ends below the level it starts at ({competency.starts_at!r})",
                    expected=f"a level from {competency.starts_at!r} up",
                    got=competency.ends_at,
                )
                bounded = False
        if bounded:
            for level_id in level_ids[first : last + 1]:
                if level_id not in competency.levels:
                    check.add((*at, "levels"), f"no expectation for level {level_id!r}")
        for key in sorted(competency.levels):
            if key not in level_ids:
                check.add(
                    (*at, "levels", key),
                    "not a level of this track",
                    expected=one_of(level_ids),
                    got=key,
                )
            elif bounded and not first <= level_ids.index(key) <= last:
                edge = "starts_at" if level_ids.index(key) < first else "ends_at"
                check.add(
                    (*at, "levels", key),
                    f"level {key!r} lies outside {edge} {getattr(competency, edge)!r}",
                    expected="expectations only from starts_at to ends_at (move the bound"
                    " or remove the expectation)",
                )

    def level(self, level_id: str) -> Level:
        """The level with this id; `KeyError` if the track has none."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def competency(self, competency_id: str) -> Competency:
        """The competency with this id; `KeyError` if the track has none."""
        for competency in self.competencies:
            if competency.id == competency_id:
                return competency
        raise KeyError(competency_id)

    def expected_at(self, level_id: str) -> tuple[Competency, ...]:
        """The competencies expected at ``level_id``, in track order."""
        return tuple(c for c in self.competencies if level_id in c.levels)

    def next_level(self, level_id: str) -> Level | None:
        """The level above ``level_id`` among this track's own levels, or None at the top.

        A branch's first level follows its branch point: see `JobFamily.next_level`.
        """
        ids = [level.id for level in self.levels]
        index = ids.index(level_id)
        return self.levels[index + 1] if index + 1 < len(ids) else None


@attrs.frozen(kw_only=True)
class Crossover:
    """An IC level from which people may enter a management level, and what it takes."""

    from_level: str
    to_level: str
    requirements: str = ""


@attrs.frozen(kw_only=True)
class WayBack:
    """The IC level a manager returns to from a management level."""

    from_level: str
    to_level: str
    note: str = ""


@attrs.frozen(kw_only=True)
class LateralPath:
    """A move to a level in another job family: what carries over, what must be learnt."""

    from_level: str
    to_family: str
    to_level: str
    transferable: PVector[str] = attrs.field(converter=_strings, factory=pvector)
    gaps: PVector[str] = attrs.field(converter=_strings, factory=pvector)
    note: str = ""
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)


def _tracks(items: Iterable[Track]) -> PVector[Track]:
    return pvector(items)


def _crossovers(items: Iterable[Crossover]) -> PVector[Crossover]:
    return pvector(items)


def _ways_back(items: Iterable[WayBack]) -> PVector[WayBack]:
    return pvector(items)


def _lateral_paths(items: Iterable[LateralPath]) -> PVector[LateralPath]:
    return pvector(items)


@attrs.frozen(kw_only=True, cache_hash=True)
class JobFamily:
    """A job family: its tracks, the crossover between them, and lateral paths out.

    A track may branch from another (`Track.branches_from`): the levels up to the
    branch point are shared, and each track's ladder (`ladder`) runs through them.
    """

    id: str
    name: str
    tracks: PVector[Track] = attrs.field(converter=_tracks)
    crossovers: PVector[Crossover] = attrs.field(converter=_crossovers, factory=pvector)
    way_back: PVector[WayBack] = attrs.field(converter=_ways_back, factory=pvector)
    lateral_paths: PVector[LateralPath] = attrs.field(converter=_lateral_paths, factory=pvector)
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    external_id: str | None = None
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        check.check_id(("id",), self.id)
        _check_text(check, ("name",), self.name)
        _check_notes(check, self.notes, self.external_id)
        if not self.tracks:
            check.add(("tracks",), "a job family needs at least one track")
        check.check_unique(("tracks",), "id", (t.id for t in self.tracks))
        owner: dict[str, int] = {}
        for t_index, track in enumerate(self.tracks):
            for l_index, level in enumerate(track.levels):
                if level.id in owner and owner[level.id] != t_index:
                    check.add(
                        ("tracks", t_index, "levels", l_index, "id"),
                        f"level id {level.id!r} is already used on track"
                        f" {self.tracks[owner[level.id]].id!r}",
                    )
                owner.setdefault(level.id, t_index)
        if not self._check_branches(check):
            check.raise_if_any(InvalidFramework)
        for name, routes in (
            ("crossovers", self.crossovers),
            ("way_back", self.way_back),
            ("lateral_paths", self.lateral_paths),
        ):
            check.check_unique_values(
                (name,),
                [
                    f"{r.from_level} -> {r.to_family}/{r.to_level}"
                    if isinstance(r, LateralPath)
                    else f"{r.from_level} -> {r.to_level}"
                    for r in routes
                ],
            )
        for index, crossover in enumerate(self.crossovers):
            self._check_end(
                check, ("crossovers", index, "from_level"), crossover.from_level, TrackKind.IC
            )
            self._check_end(
                check, ("crossovers", index, "to_level"), crossover.to_level, TrackKind.MANAGEMENT
            )
        for index, way in enumerate(self.way_back):
            self._check_end(
                check, ("way_back", index, "from_level"), way.from_level, TrackKind.MANAGEMENT
            )
            self._check_end(check, ("way_back", index, "to_level"), way.to_level, TrackKind.IC)
        for index, path in enumerate(self.lateral_paths):
            at: tuple[Segment, ...] = ("lateral_paths", index)
            if self._check_end(check, (*at, "from_level"), path.from_level, None):
                track = self.track_of(path.from_level)
                known = [c.id for c in track.competencies]
                for c_index, competency_id in enumerate(path.transferable):
                    if competency_id not in known:
                        check.add(
                            (*at, "transferable", c_index),
                            f"unknown competency on track {track.id!r}",
                            expected=one_of(known),
                            got=competency_id,
                        )
        check.raise_if_any(InvalidFramework)

    def _check_branches(self, check: Checker) -> bool:
        """Check branch points; False where ladders cannot be followed (a cycle, a gap)."""
        ids = [t.id for t in self.tracks]
        sound = True
        for t_index, track in enumerate(self.tracks):
            point = track.branches_from
            if point is None:
                continue
            at: tuple[Segment, ...] = ("tracks", t_index, "branches_from")
            if point.track == track.id or point.track not in ids:
                check.add(
                    (*at, "track"),
                    "a track branches from another track of its family"
                    if point.track == track.id
                    else f"unknown track in family {self.id!r}",
                    expected=one_of(i for i in ids if i != track.id),
                    got=point.track,
                )
                sound = False
                continue
            seen = [track.id]
            parent: BranchPoint | None = point
            while parent is not None and parent.track not in seen:
                seen.append(parent.track)
                parent = self.track(parent.track).branches_from
            if parent is not None and parent.track == track.id:
                check.add(
                    (*at, "track"),
                    "tracks branch from each other in a circle: " + " -> ".join([*seen, track.id]),
                    expected="a ladder that starts on a track that branches from none",
                )
                sound = False
        if not sound:
            return False
        for t_index, track in enumerate(self.tracks):
            point = track.branches_from
            if point is None:
                continue
            at = ("tracks", t_index, "branches_from")
            below = [level.id for level in self.ladder(point.track)]
            if point.level not in below:
                check.add(
                    (*at, "level"),
                    f"not a level on the ladder of track {point.track!r}",
                    expected=one_of(below),
                    got=point.level,
                )
                sound = False
                continue
            base = self.level(point.level)
            if track.levels and track.levels[0].rank <= base.rank:
                check.add(
                    ("tracks", t_index, "levels", 0, "rank"),
                    "a branch's levels start above its branch point",
                    expected=f"a rank above {base.rank} (of {base.id!r}, where the track"
                    f" branches from {point.track!r})",
                    got=track.levels[0].rank,
                )
        return sound

    def _check_end(
        self, check: Checker, at: tuple[Segment, ...], level_id: str, kind: TrackKind | None
    ) -> bool:
        try:
            track = self.track_of(level_id)
        except KeyError:
            known = [lv.id for t in self.tracks if kind in (None, t.kind) for lv in t.levels]
            what = "level" if kind is None else f"{_kind_name(kind)} level"
            check.add(at, f"unknown {what}", expected=one_of(known), got=level_id)
            return False
        if kind is not None and track.kind is not kind:
            check.add(
                at,
                f"level {level_id!r} is on {_kind_name(track.kind)} track {track.id!r}",
                expected=f"a level on {article(_kind_name(kind))} track",
            )
            return False
        return True

    def route(self, from_level: str, to_level: str, to_family: str | None = None) -> str | None:
        """The kind of move between two levels, or None where no route leads there.

        ``"promotion"`` (up a ladder: the same track, or from a shared level into a
        branch), ``"crossover"``, ``"way_back"`` or ``"lateral"``.
        """
        if to_family is not None and to_family != self.id:
            lateral = any(
                (p.from_level, p.to_family, p.to_level) == (from_level, to_family, to_level)
                for p in self.lateral_paths
            )
            return "lateral" if lateral else None
        try:
            start, end = self.level(from_level), self.level(to_level)
        except KeyError:
            return None
        climbs = any(
            to_level in {lv.id for lv in self.ladder(t.id)} for t in self.tracks_through(from_level)
        )
        if climbs and end.rank > start.rank:
            return "promotion"
        if any((c.from_level, c.to_level) == (from_level, to_level) for c in self.crossovers):
            return "crossover"
        if any((w.from_level, w.to_level) == (from_level, to_level) for w in self.way_back):
            return "way_back"
        return None

    def track(self, track_id: str) -> Track:
        """The track with this id; `KeyError` if there is none."""
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(track_id)

    def track_of(self, level_id: str) -> Track:
        """The track that lists level ``level_id``; `KeyError` if no track does.

        A shared level belongs to the track that lists it, though every branch's
        ladder runs through it (see `tracks_through`).
        """
        for track in self.tracks:
            if any(level.id == level_id for level in track.levels):
                return track
        raise KeyError(level_id)

    def level(self, level_id: str) -> Level:
        """The level with this id on any track of the family."""
        return self.track_of(level_id).level(level_id)

    def ladder(self, track_id: str) -> tuple[Level, ...]:
        """Every level a person on ``track_id`` can hold, lowest first.

        A branch's ladder is its parent's ladder up to the branch point, then its own
        levels; any other track's ladder is its own levels.
        """
        track = self.track(track_id)
        point = track.branches_from
        if point is None:
            return tuple(track.levels)
        below = self.ladder(point.track)
        cut = next(i for i, level in enumerate(below) if level.id == point.level)
        return (*below[: cut + 1], *track.levels)

    def shared_levels(self, track_id: str) -> tuple[Level, ...]:
        """The levels a branch shares with the track it branches from; none otherwise."""
        ladder = self.ladder(track_id)
        return ladder[: len(ladder) - len(self.track(track_id).levels)]

    def tracks_through(self, level_id: str) -> tuple[Track, ...]:
        """Every track whose ladder holds ``level_id``: its own track first, then branches.

        A person at a shared level may be on any of them; on the level's own track they
        have not chosen a branch yet.
        """
        owner = self.track_of(level_id)
        others = (
            t
            for t in self.tracks
            if t is not owner and level_id in {lv.id for lv in self.ladder(t.id)}
        )
        return (owner, *others)

    def next_level(self, level_id: str, track_id: str | None = None) -> Level | None:
        """The level above ``level_id`` on the ladder of ``track_id``; None at its top.

        ``track_id`` defaults to the level's own track. `KeyError` if the level is not
        on that ladder.
        """
        ladder = [lv.id for lv in self.ladder(track_id or self.track_of(level_id).id)]
        if level_id not in ladder:
            raise KeyError(level_id)
        index = ladder.index(level_id)
        return self.level(ladder[index + 1]) if index + 1 < len(ladder) else None

    def next_levels(self, level_id: str) -> tuple[Level, ...]:
        """Every level one step up from ``level_id``: one per branch at a branch point."""
        found: list[Level] = []
        for track in self.tracks_through(level_id):
            following = self.next_level(level_id, track.id)
            if following is not None and following not in found:
                found.append(following)
        return tuple(found)


def _families(items: Iterable[JobFamily]) -> PVector[JobFamily]:
    return pvector(items)


def _policies(items: Iterable[PromotionPolicy]) -> PVector[PromotionPolicy]:
    return pvector(items)


def _metadata(items: Mapping[str, Any]) -> PMap[str, Metadata]:
    frozen: PMap[str, Metadata] = freeze(dict(items))
    return frozen


def _metadata_problems(value: object, at: tuple[Segment, ...], check: Checker) -> None:
    if isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            check.add(at, "metadata must be finite", expected="a finite number", got=value)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                check.add(at, "metadata keys must be strings", expected="a string", got=key)
            else:
                _metadata_problems(item, (*at, key), check)
        return
    if isinstance(value, list | tuple | PVectorRuntime):
        for index, item in enumerate(value):
            _metadata_problems(item, (*at, index), check)
        return
    check.add(
        at,
        "unsupported metadata value",
        expected="a string, number, boolean, list or mapping (null is not portable)",
        got=value,
    )


@attrs.frozen(kw_only=True, cache_hash=True)
class Framework:
    """A whole career progression framework: scale, job families and promotion policies."""

    id: str
    name: str
    version: str
    cadence: Cadence = attrs.field(
        default=Cadence.QUARTERLY, validator=attrs.validators.instance_of(Cadence)
    )
    scale: RatingScale = RatingScale()
    job_families: PVector[JobFamily] = attrs.field(converter=_families)
    policies: PVector[PromotionPolicy] = attrs.field(converter=_policies, factory=pvector)
    #: Raters whose scores count, in order of preference (a policy may override).
    raters: PVector[Rater] = attrs.field(converter=raters, default=DEFAULT_RATERS)
    metadata: PMap[str, Metadata] = attrs.field(converter=_metadata, factory=pmap)
    notes: str | None = None
    links: PVector[Link] = attrs.field(converter=_links, factory=pvector)
    external_id: str | None = None
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        check.check_id(("id",), self.id)
        _check_text(check, ("name",), self.name)
        _check_text(check, ("version",), self.version)
        _check_notes(check, self.notes, self.external_id)
        if not self.raters:
            check.add(("raters",), "no rater counts", expected="at least one rater")
        check.check_unique_values(("raters",), [r.value for r in self.raters])
        _metadata_problems(self.metadata, ("metadata",), check)
        if not self.job_families:
            check.add(("job_families",), "a framework needs at least one job family")
        check.check_unique(("job_families",), "id", (f.id for f in self.job_families))
        for f_index, family in enumerate(self.job_families):
            self._check_family(check, f_index, family)
        seen: dict[tuple[str | None, ...], int] = {}
        for p_index, policy in enumerate(self.policies):
            self._check_policy(check, p_index, policy)
            key = (
                policy.family,
                policy.track,
                policy.from_level,
                policy.to_level,
                policy.to_family,
            )
            if key in seen:
                covers = (
                    "transition" if not policy.is_default else "track" if policy.track else "family"
                )
                check.add(
                    ("policies", p_index),
                    f"duplicate policy: policy {seen[key]} already covers the same {covers}",
                )
            seen.setdefault(key, p_index)
        if not check.problems:
            # Merged criteria and the moves they govern are checked once every policy
            # is known to name real families, tracks and levels.
            self._check_moves(check)
        check.raise_if_any(InvalidFramework)

    def _check_family(self, check: Checker, f_index: int, family: JobFamily) -> None:
        base: tuple[Segment, ...] = ("job_families", f_index)
        for t_index, track in enumerate(family.tracks):
            for c_index, competency in enumerate(track.competencies):
                for level_id, expectation in sorted(competency.levels.items()):
                    proficiency = expectation.proficiency
                    if proficiency is not None and proficiency not in self.scale:
                        check.add(
                            (
                                *base,
                                "tracks",
                                t_index,
                                "competencies",
                                c_index,
                                "levels",
                                level_id,
                                "proficiency",
                            ),
                            "proficiency outside the scale",
                            expected=f"an integer from {self.scale.min} to {self.scale.max}",
                            got=proficiency,
                        )
        for index, path in enumerate(family.lateral_paths):
            at = (*base, "lateral_paths", index)
            families = [f.id for f in self.job_families]
            if path.to_family == family.id or path.to_family not in families:
                check.add(
                    (*at, "to_family"),
                    "unknown job family"
                    if path.to_family != family.id
                    else "a lateral path leads to another family",
                    expected=one_of(f for f in families if f != family.id),
                    got=path.to_family,
                )
                continue
            target = self.family(path.to_family)
            try:
                track = target.track_of(path.to_level)
            except KeyError:
                check.add(
                    (*at, "to_level"),
                    f"unknown level in family {target.id!r}",
                    expected=one_of(lv.id for t in target.tracks for lv in t.levels),
                    got=path.to_level,
                )
                continue
            known = [c.id for c in track.competencies]
            for g_index, gap in enumerate(path.gaps):
                if gap not in known:
                    check.add(
                        (*at, "gaps", g_index),
                        f"unknown competency on track {track.id!r} of family {target.id!r}",
                        expected=one_of(known),
                        got=gap,
                    )

    def _check_policy(self, check: Checker, p_index: int, policy: PromotionPolicy) -> None:
        at: tuple[Segment, ...] = ("policies", p_index)
        families = [f.id for f in self.job_families]
        if policy.family not in families:
            check.add(
                (*at, "family"), "unknown job family", expected=one_of(families), got=policy.family
            )
            return
        family = self.family(policy.family)
        track: Track | None = None
        target: Track | None = None
        if policy.track is not None:
            try:
                track = target = family.track(policy.track)
            except KeyError:
                check.add(
                    (*at, "track"),
                    f"unknown track in family {family.id!r}",
                    expected=one_of(t.id for t in family.tracks),
                    got=policy.track,
                )
                return
        elif policy.from_level is not None and policy.to_level is not None:
            if policy.inherit and policy.to_family not in (None, family.id):
                check.add(
                    (*at, "inherit"),
                    "a move to another family inherits no default",
                    expected="the move's own criteria in full, without inherit",
                )
            track, target = self._check_transition(check, at, family, policy)
        if track is None:  # a family default, checked move by move in _check_moves
            return
        for c_index, criterion in enumerate(policy.criteria):
            self._check_criterion(check, (*at, "criteria", c_index), criterion, track, target)

    def _check_transition(
        self, check: Checker, at: tuple[Segment, ...], family: JobFamily, policy: PromotionPolicy
    ) -> tuple[Track | None, Track | None]:
        assert policy.from_level is not None
        assert policy.to_level is not None
        try:
            track = family.track_of(policy.from_level)
        except KeyError:
            check.add(
                (*at, "from_level"),
                f"unknown level in family {family.id!r}",
                expected=one_of(lv.id for t in family.tracks for lv in t.levels),
                got=policy.from_level,
            )
            return None, None
        to_family = family if policy.to_family is None else None
        if to_family is None:
            try:
                to_family = self.family(str(policy.to_family))
            except KeyError:
                check.add(
                    (*at, "to_family"),
                    "unknown job family",
                    expected=one_of(f.id for f in self.job_families),
                    got=policy.to_family,
                )
                return None, None
        try:
            target = to_family.track_of(policy.to_level)
        except KeyError:
            check.add(
                (*at, "to_level"),
                f"unknown level in family {to_family.id!r}",
                expected=one_of(lv.id for t in to_family.tracks for lv in t.levels),
                got=policy.to_level,
            )
            return None, None
        route = family.route(policy.from_level, policy.to_level, policy.to_family)
        if route is None:
            kind = (
                "lateral path"
                if to_family is not family
                else "step up the same track"
                if target is track
                else "crossover or way back"
            )
            check.add(
                (*at, "to_level"),
                f"no {kind} leads from {policy.from_level!r} to {policy.to_level!r}",
                expected="a higher level on the same track, a defined crossover or way back,"
                " or a defined lateral path",
            )
        if route == "promotion":
            # Up a ladder the target level is judged: its track's competencies count.
            return target, target
        return track, target

    def _check_criterion(
        self,
        check: Checker,
        at: tuple[Segment, ...],
        criterion: Criterion,
        track: Track,
        target: Track | None,
    ) -> None:
        scale = self.scale
        known = [c.id for c in track.competencies]
        if isinstance(criterion, AverageScore) and criterion.threshold not in scale:
            check.add(
                (*at, "threshold"),
                "threshold outside the scale",
                expected=f"a number from {scale.min} to {scale.max}",
                got=criterion.threshold,
            )
        if isinstance(criterion, ScoreFloor) and criterion.floor not in scale:
            check.add(
                (*at, "floor"),
                "floor outside the scale",
                expected=f"an integer from {scale.min} to {scale.max}",
                got=criterion.floor,
            )
        if isinstance(criterion, AverageScore | ScoreFloor | MeetsExpectations):
            for index, competency_id in enumerate(criterion.competencies):
                if competency_id not in known:
                    check.add(
                        (*at, "competencies", index),
                        f"unknown competency on track {track.id!r}",
                        expected=one_of(known),
                        got=competency_id,
                    )
        if isinstance(criterion, AverageScore):
            for competency_id in sorted(criterion.weights):
                if competency_id not in known:
                    check.add(
                        (*at, "weights", competency_id),
                        f"unknown competency on track {track.id!r}",
                        expected=one_of(known),
                        got=competency_id,
                    )
        if isinstance(criterion, MeetsExpectations) and target is not None and target is not track:
            # Expectations are read from the target track, scores from the current one:
            # the competencies compared must exist on both.
            target_ids = {c.id for c in target.competencies}
            counted = criterion.competencies or known
            shared = [c for c in counted if c in target_ids]
            if not shared:
                check.add(
                    (*at, "competencies"),
                    f"no competency is shared by tracks {track.id!r} and {target.id!r}",
                    expected="competencies rated on both tracks",
                )

    def _check_moves(self, check: Checker) -> None:
        """Check every move a policy governs, with the criteria that apply after merging."""
        found = _Once(check)
        for p_index, policy in enumerate(self.policies):
            at: tuple[Segment, ...] = ("policies", p_index)
            if policy.track is not None:
                family_default, _ = self._defaults(policy.family, policy.track)
                if family_default is not None or self._inherited(p_index):
                    policy.check_keys(found, at)
                base = () if family_default is None else self.policies[family_default].criteria
                self._check_drops(found, at, policy, base, "the family default")
            elif policy.inherit and policy.to_level is not None:
                family = self.family(policy.family)
                target = family.track_of(policy.to_level).id
                default = _merged_default(self, policy.family, target)
                if default is None:
                    found.add(
                        (*at, "inherit"),
                        f"no default to inherit: family {family.id!r} has no default policy"
                        f" for track {target!r}",
                        expected="a family or track default, or the criteria in full",
                    )
                    continue
                self._check_drops(found, at, policy, default.criteria, f"the default of {target!r}")
        for family in self.job_families:
            for move, holder, inherited in self._governed(family):
                self._check_move(found, family, move, holder, inherited)

    def _inherited(self, p_index: int) -> bool:
        """Whether a transition inherits from the track default at ``p_index``."""
        default = self.policies[p_index]
        for policy in self.policies:
            if policy.inherit and policy.family == default.family and policy.to_level:
                try:
                    track = self.family(policy.family).track_of(policy.to_level)
                except KeyError:
                    continue
                if track.id == default.track:
                    return True
        return False

    @staticmethod
    def _check_drops(
        check: Checker,
        at: tuple[Segment, ...],
        policy: PromotionPolicy,
        base: Iterable[Criterion],
        what: str,
    ) -> None:
        inherited = list(base)
        for index, key in enumerate(policy.drop):
            if not any(key in (c.kind, criterion_key(c)) for c in inherited):
                check.add(
                    (*at, "drop", index),
                    f"drops nothing: {what} has no {key!r} criterion",
                    expected=one_of(criterion_key(c) for c in inherited),
                    got=key,
                )

    def _governed(
        self, family: JobFamily
    ) -> Iterator[tuple[tuple[str, str, str | None], int, tuple[tuple[int, int], ...]]]:
        """Each move a policy governs, the policy's index, and where its criteria are written.

        Where criteria come from several policies (defaults, inherit), the origins tell
        which policy and criterion each merged criterion was read from.
        """
        own = {
            (p.from_level, p.to_level, p.to_family): index
            for index, p in enumerate(self.policies)
            if p.family == family.id and not p.is_default
        }
        for (from_level, to_level, to_family), index in own.items():
            assert from_level is not None
            assert to_level is not None
            policy = self.policies[index]
            if not policy.inherit:
                origins = tuple((index, c) for c in range(len(policy.criteria)))
            else:
                origins = self._origins(
                    family.id, family.track_of(to_level).id, (index, policy.criteria, policy.drop)
                )
            yield (from_level, to_level, to_family), index, origins
        steps: list[tuple[str, str]] = []
        for track in family.tracks:
            ladder = family.ladder(track.id)
            for low, high in itertools.pairwise(ladder):
                if (low.id, high.id) not in steps and (low.id, high.id, None) not in own:
                    steps.append((low.id, high.id))
        for from_level, to_level in steps:
            target = family.track_of(to_level).id
            family_default, track_default = self._defaults(family.id, target)
            holder = track_default if track_default is not None else family_default
            if holder is None:
                continue
            yield (from_level, to_level, None), holder, self._origins(family.id, target)

    def _origins(
        self,
        family_id: str,
        track_id: str,
        extra: tuple[int, Iterable[Criterion], Iterable[str]] | None = None,
    ) -> tuple[tuple[int, int], ...]:
        """(policy, criterion) indexes of the criteria in force after merging."""
        where: dict[int, tuple[int, int]] = {}
        merged: tuple[Criterion, ...] = ()
        family_default, track_default = self._defaults(family_id, track_id)
        layers: list[tuple[int, Iterable[Criterion], Iterable[str]]] = [
            (index, self.policies[index].criteria, self.policies[index].drop)
            for index in (family_default, track_default)
            if index is not None
        ]
        if extra is not None:
            layers.append(extra)
        for index, criteria, drop in layers:
            for c_index, criterion in enumerate(criteria):
                where[id(criterion)] = (index, c_index)
            merged = merge_criteria(merged, criteria, drop)
        return tuple(where[id(c)] for c in merged)

    def _check_move(
        self,
        check: Checker,
        family: JobFamily,
        move: tuple[str, str, str | None],
        holder: int,
        origins: tuple[tuple[int, int], ...],
    ) -> None:
        from_level, to_level, to_family = move
        route = family.route(from_level, to_level, to_family)
        if route is None:
            return  # reported by _check_transition
        policy = self.policies[holder]
        criteria = [self.policies[p].criteria[c] for p, c in origins]
        if any(p != holder for p, _ in origins):
            # Merged criteria are checked together, as the policy in force would be.
            try:
                attrs.evolve(policy, criteria=criteria, inherit=False, drop=())
            except InvalidFramework as exc:
                for problem in exc.problems:
                    check.add(
                        ("policies", holder),
                        f"with the criteria it inherits, on the move {from_level} ->"
                        f" {to_level}: {problem.message}",
                    )
        target_family = self.family(to_family) if to_family else family
        target = target_family.track_of(to_level)
        scored = target if route == "promotion" else family.track_of(from_level)
        for (p_index, c_index), criterion in zip(origins, criteria, strict=True):
            at: tuple[Segment, ...] = ("policies", p_index, "criteria", c_index)
            self._check_criterion(check, at, criterion, scored, target)
            if not isinstance(criterion, AverageScore | ScoreFloor | MeetsExpectations):
                continue
            judged = to_level if route == "promotion" else from_level
            counted = self.counted_competencies(
                family.id, from_level, to_level, criterion, to_family
            )
            known = {c.id: c for c in scored.competencies}
            named = [c for c in criterion.competencies or known if c in known]
            if named and not any(known[c].expects(judged) for c in named):
                check.add(
                    at,
                    f"counts no competency on the move {from_level} -> {to_level}:"
                    f" none of those it names is expected at {judged!r}",
                    expected=f"a competency expected at {judged!r}",
                )
            if isinstance(criterion, MeetsExpectations):
                for competency_id in counted:
                    expectation = target.competency(competency_id).levels[to_level]
                    if expectation.proficiency is None:
                        check.add(
                            at,
                            f"needs the proficiency {to_level!r} expects for"
                            f" {competency_id!r}, which the framework leaves out",
                            expected=f"a proficiency for {competency_id!r} at {to_level!r}"
                            " (or a criterion that needs none)",
                        )

    def family(self, family_id: str) -> JobFamily:
        """The job family with this id; `KeyError` if there is none."""
        for family in self.job_families:
            if family.id == family_id:
                return family
        raise KeyError(family_id)

    def _defaults(self, family_id: str, track_id: str) -> tuple[int | None, int | None]:
        """Indexes of the family default and of the track's default, where they exist."""
        family_default = track_default = None
        for index, policy in enumerate(self.policies):
            if policy.family == family_id and policy.is_default:
                if policy.track is None:
                    family_default = index
                elif policy.track == track_id:
                    track_default = index
        return family_default, track_default

    def policy(
        self, family_id: str, from_level: str, to_level: str, to_family: str | None = None
    ) -> PromotionPolicy | None:
        """The policy in force for a move, with inherited criteria merged in.

        1. A transition policy for exactly this move applies; with ``inherit`` it is
           merged over the default for the target level's track (below).
        2. Otherwise a step to the next level up a ladder (on one track, or from a
           branch point into a branch) has the default of the target level's track:
           the track default merged over the family default, either of which may be
           missing.
        3. Otherwise no policy applies: crossovers, ways back, lateral moves and
           skipped levels need their own transition policy.

        Merging matches criteria by `criterion_key` (see `merge_criteria`).
        """
        lateral = to_family if to_family != family_id else None
        for policy in self.policies:
            if (policy.family, policy.from_level, policy.to_level, policy.to_family) == (
                family_id,
                from_level,
                to_level,
                lateral,
            ):
                return _inheriting(self, policy) if policy.inherit else policy
        if lateral is not None:
            return None
        try:
            family = self.family(family_id)
            following = family.next_levels(from_level)
        except KeyError:
            return None
        if to_level not in [level.id for level in following]:
            return None
        return self.track_default(family_id, family.track_of(to_level).id)

    def track_default(self, family_id: str, track_id: str) -> PromotionPolicy | None:
        """The default for steps up into ``track_id``'s levels; None if there is none.

        The track's own default merged over the family default, with ``track`` set,
        or whichever of the two exists.
        """
        return _track_default(self, family_id, track_id)

    def counted_competencies(
        self,
        family_id: str,
        from_level: str,
        to_level: str,
        criterion: AverageScore | ScoreFloor | MeetsExpectations,
        to_family: str | None = None,
    ) -> tuple[str, ...]:
        """The competencies a score criterion counts on a move, in order.

        The level being judged decides: for a step up a ladder it is the target level,
        whose track's competencies expected there count; for any other move (crossover,
        way back, lateral) it is the current level, and its track's competencies
        expected there count. A criterion's ``competencies`` narrow the choice.
        `MeetsExpectations` also needs each expected at the target level, since it
        compares scores with that level's proficiency.
        """
        family = self.family(family_id)
        route = family.route(from_level, to_level, to_family)
        if route == "promotion":
            track, judged = family.track_of(to_level), to_level
        else:
            track, judged = family.track_of(from_level), from_level
        expected = [c.id for c in track.competencies if c.expects(judged)]
        counted = [c for c in (criterion.competencies or expected) if c in expected]
        if isinstance(criterion, MeetsExpectations) and route != "promotion":
            target = self.family(to_family or family_id).track_of(to_level)
            here = {c.id for c in target.competencies if c.expects(to_level)}
            counted = [c for c in counted if c in here]
        return tuple(counted)

    def tracks(self) -> Iterator[tuple[JobFamily, Track]]:
        """Every (family, track) pair, in file order."""
        for family in self.job_families:
            for track in family.tracks:
                yield family, track


@lru_cache(maxsize=256)
def _track_default(framework: Framework, family_id: str, track_id: str) -> PromotionPolicy | None:
    return _merged_default(framework, family_id, track_id)


def _merged_default(framework: Framework, family_id: str, track_id: str) -> PromotionPolicy | None:
    # Not cached: frameworks still being checked must not be kept alive by a cache.
    family_default, track_default = framework._defaults(family_id, track_id)
    if track_default is not None and family_default is None:
        return framework.policies[track_default]
    try:
        framework.family(family_id).track(track_id)
    except KeyError:
        return None
    if family_default is None:
        return None
    base = framework.policies[family_default]
    if track_default is None:
        return attrs.evolve(base, track=track_id)
    own = framework.policies[track_default]
    return attrs.evolve(
        own,
        criteria=merge_criteria(base.criteria, own.criteria, own.drop),
        drop=(),
        raters=own.raters or base.raters,
    )


@lru_cache(maxsize=1024)
def _inheriting(framework: Framework, policy: PromotionPolicy) -> PromotionPolicy:
    assert policy.to_level is not None
    target = framework.family(policy.family).track_of(policy.to_level)
    default = framework.track_default(policy.family, target.id)
    if default is None:  # refused when the framework was built
        raise KeyError(target.id)
    return attrs.evolve(
        policy,
        inherit=False,
        criteria=merge_criteria(default.criteria, policy.criteria, policy.drop),
        drop=(),
        raters=policy.raters or default.raters,
    )


class _Once(Checker):
    """A view of a checker that adds each problem once: moves share their criteria."""

    def __init__(self, into: Checker) -> None:
        super().__init__(into.prefix)
        self.problems = into.problems
        self._seen = {(p.segments, p.message) for p in into.problems}

    def add(
        self,
        segments: tuple[Segment, ...],
        message: str,
        *,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        """Record a problem unless the same one is already recorded."""
        super().add(segments, message, expected=expected, got=got)
        problem = self.problems[-1]
        key = (problem.segments, problem.message)
        if key in self._seen:
            self.problems.pop()
        self._seen.add(key)
