"""The framework model: scales, levels, competencies, tracks, job families and frameworks."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
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
    raters,
    suppressions,
)
from ._validation import Checker, article, one_of
from .exceptions import InvalidFramework, Segment

__all__ = [
    "Cadence",
    "Competency",
    "CompetencyKind",
    "Crossover",
    "Expectation",
    "Framework",
    "JobFamily",
    "LateralPath",
    "Level",
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
    """How often reviews happen: review cycles are quarters or half-years."""

    # Members are singletons: identity hashing is correct and, unlike Enum's own
    # __hash__, runs in C, which the evaluator's inner loop notices.
    __hash__ = object.__hash__

    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"


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


@attrs.frozen(kw_only=True)
class Level:
    """A level on a track: its place (rank), its external title, its scope and autonomy."""

    id: str
    name: str
    rank: int
    title: str | None = None
    alternative_titles: PVector[str] = attrs.field(converter=_strings, factory=pvector)
    scope: str
    autonomy: str
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)


@attrs.frozen(kw_only=True)
class Expectation:
    """What a competency looks like at one level: observable behaviour and proficiency."""

    description: str
    proficiency: int


def _expectations(items: Mapping[str, Expectation]) -> PMap[str, Expectation]:
    return pmap(items)


@attrs.frozen(kw_only=True, cache_hash=True)
class Competency:
    """A competency with an expectation for every level of its track, keyed by level id."""

    id: str
    name: str
    kind: CompetencyKind = attrs.field(validator=attrs.validators.instance_of(CompetencyKind))
    summary: str
    levels: PMap[str, Expectation] = attrs.field(converter=_expectations)
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)


def _levels(items: Iterable[Level]) -> PVector[Level]:
    return pvector(items)


def _competencies(items: Iterable[Competency]) -> PVector[Competency]:
    return pvector(items)


@attrs.frozen(kw_only=True, cache_hash=True)
class Track:
    """An IC or management ladder: levels in rank order and the competencies rated on it."""

    id: str
    name: str
    kind: TrackKind = attrs.field(validator=attrs.validators.instance_of(TrackKind))
    levels: PVector[Level] = attrs.field(converter=_levels)
    competencies: PVector[Competency] = attrs.field(converter=_competencies)
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        check.check_id(("id",), self.id)
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
            for level_id in level_ids:
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
        check.raise_if_any(InvalidFramework)

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

    def next_level(self, level_id: str) -> Level | None:
        """The level above ``level_id`` on this track, or None at the top."""
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
    """A job family: its tracks, the crossover between them, and lateral paths out."""

    id: str
    name: str
    tracks: PVector[Track] = attrs.field(converter=_tracks)
    crossovers: PVector[Crossover] = attrs.field(converter=_crossovers, factory=pvector)
    way_back: PVector[WayBack] = attrs.field(converter=_ways_back, factory=pvector)
    lateral_paths: PVector[LateralPath] = attrs.field(converter=_lateral_paths, factory=pvector)
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        check.check_id(("id",), self.id)
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

        ``"promotion"`` (up the same track), ``"crossover"``, ``"way_back"`` or ``"lateral"``.
        """
        if to_family is not None and to_family != self.id:
            lateral = any(
                (p.from_level, p.to_family, p.to_level) == (from_level, to_family, to_level)
                for p in self.lateral_paths
            )
            return "lateral" if lateral else None
        try:
            track, target = self.track_of(from_level), self.track_of(to_level)
        except KeyError:
            return None
        if track is target:
            return (
                "promotion" if target.level(to_level).rank > track.level(from_level).rank else None
            )
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
        """The track holding level ``level_id``; `KeyError` if no track does."""
        for track in self.tracks:
            if any(level.id == level_id for level in track.levels):
                return track
        raise KeyError(level_id)

    def level(self, level_id: str) -> Level:
        """The level with this id on any track of the family."""
        return self.track_of(level_id).level(level_id)


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
    suppress: PVector[Suppression] = attrs.field(converter=suppressions, factory=pvector)

    def __attrs_post_init__(self) -> None:
        check = Checker()
        check.check_id(("id",), self.id)
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
                check.add(
                    ("policies", p_index),
                    f"duplicate policy: policy {seen[key]} already covers the same"
                    f" {'track' if policy.track else 'transition'}",
                )
            seen.setdefault(key, p_index)
        check.raise_if_any(InvalidFramework)

    def _check_family(self, check: Checker, f_index: int, family: JobFamily) -> None:
        base: tuple[Segment, ...] = ("job_families", f_index)
        for t_index, track in enumerate(family.tracks):
            for c_index, competency in enumerate(track.competencies):
                for level_id, expectation in sorted(competency.levels.items()):
                    if expectation.proficiency not in self.scale:
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
                            got=expectation.proficiency,
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
            track, target = self._check_transition(check, at, family, policy)
            if track is None:
                return
        if track is None:  # impossible: PromotionPolicy insists on a track or a transition
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
        if family.route(policy.from_level, policy.to_level, policy.to_family) is None:
            route = (
                "lateral path"
                if to_family is not family
                else "step up the same track"
                if target is track
                else "crossover or way back"
            )
            check.add(
                (*at, "to_level"),
                f"no {route} leads from {policy.from_level!r} to {policy.to_level!r}",
                expected="a higher level on the same track, a defined crossover or way back,"
                " or a defined lateral path",
            )
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

    def family(self, family_id: str) -> JobFamily:
        """The job family with this id; `KeyError` if there is none."""
        for family in self.job_families:
            if family.id == family_id:
                return family
        raise KeyError(family_id)

    def policy(
        self, family_id: str, from_level: str, to_level: str, to_family: str | None = None
    ) -> PromotionPolicy | None:
        """The policy for a move: its own transition policy, else its track's default.

        A track default covers only the step to the next level on the same track;
        crossovers, ways back, lateral moves and skipped levels need their own policy.
        """
        lateral = to_family if to_family != family_id else None
        for policy in self.policies:
            if (policy.family, policy.from_level, policy.to_level, policy.to_family) == (
                family_id,
                from_level,
                to_level,
                lateral,
            ):
                return policy
        if lateral is not None:
            return None
        try:
            track = self.family(family_id).track_of(from_level)
        except KeyError:
            return None
        following = track.next_level(from_level)
        if following is None or following.id != to_level:
            return None
        return self.track_default(family_id, track.id)

    def track_default(self, family_id: str, track_id: str) -> PromotionPolicy | None:
        """The default policy of a track, for steps up one level; None if it has none."""
        for policy in self.policies:
            if policy.family == family_id and policy.track == track_id:
                return policy
        return None

    def tracks(self) -> Iterator[tuple[JobFamily, Track]]:
        """Every (family, track) pair, in file order."""
        for family in self.job_families:
            for track in family.tracks:
                yield family, track
