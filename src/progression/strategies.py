"""Hypothesis strategies for every progression type, to test frameworks and code built on them.

Use them in your own tests:

    from hypothesis import given
    from progression import strategies

    @given(strategies.frameworks())
    def test_my_export_handles_any_framework(framework): ...

``st.from_type(progression.Framework)`` works too: the strategies are registered through
Hypothesis' entry point when progression is installed.
"""

from __future__ import annotations

import copy
import functools
import math
from fractions import Fraction
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from ._convert import unstructure
from ._history import Cycle, Evidence, LevelAssignment, Rating, RatingHistory, Review
from ._model import (
    Cadence,
    Competency,
    CompetencyKind,
    Crossover,
    Expectation,
    Framework,
    JobFamily,
    LateralPath,
    Level,
    RatingScale,
    Track,
    TrackKind,
    WayBack,
)
from ._policy import (
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
from .exceptions import Segment

__all__ = [
    "criteria",
    "frameworks",
    "ids",
    "invalid_framework_data",
    "job_families",
    "levels",
    "metadata",
    "promotion_policies",
    "rating_histories",
    "rating_scales",
    "texts",
    "tracks",
]

T = TypeVar("T")

_ID_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def ids() -> st.SearchStrategy[str]:
    """Valid ids: a letter or digit, then letters, digits, ``_``, ``-`` or ``.``."""
    return st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(_ID_START),
        st.text(alphabet=_ID_START + "_-.", max_size=6),
    )


def texts(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Human text in any script, punctuation and symbols included (no control characters)."""
    return st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")),
        min_size=min_size,
        max_size=max_size,
    )


@st.composite
def rating_scales(draw: st.DrawFn) -> RatingScale:
    """Scales such as 1..5, 0..2 or 0..5, each point labelled."""
    low = draw(st.integers(-1, 2))
    high = low + draw(st.integers(1, 6))
    labels = {point: draw(texts(min_size=1, max_size=12)) for point in range(low, high + 1)}
    return RatingScale(min=low, max=high, labels=labels)


def _fractions_in(low: int, high: int) -> st.SearchStrategy[Fraction]:
    # Quarters give thresholds like 3.25; thirds give 10/3, which no decimal spells.
    return st.integers(low * 12, high * 12).map(lambda n: Fraction(n, 12))


def metadata() -> st.SearchStrategy[dict[str, Any]]:
    """Free-form metadata that every file format can hold: no nulls, finite numbers."""
    leaves = (
        texts(max_size=12)
        | st.integers(-(2**63), 2**63 - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.booleans()
    )
    values = st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(texts(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )
    return st.dictionaries(texts(max_size=10), values, max_size=4)


@st.composite
def levels(
    draw: st.DrawFn, *, level_ids: list[str] | None = None, start_rank: int = 1
) -> list[Level]:
    """A rank-ordered ladder of levels (1 to 5 unless ``level_ids`` are given)."""
    chosen = level_ids or draw(st.lists(ids(), min_size=1, max_size=5, unique=True))
    rank = start_rank
    out: list[Level] = []
    for level_id in chosen:
        rank += draw(st.integers(0, 2)) if out else 0
        out.append(
            Level(
                id=level_id,
                name=draw(texts(min_size=1, max_size=15)),
                rank=rank,
                title=draw(st.none() | texts(min_size=1, max_size=20)),
                alternative_titles=draw(st.lists(texts(min_size=1, max_size=10), max_size=2)),
                scope=draw(texts(max_size=30)),
                autonomy=draw(texts(max_size=30)),
            )
        )
        rank += 1
    return out


@st.composite
def _competencies(
    draw: st.DrawFn, level_ids: list[str], scale: RatingScale, competency_ids: list[str]
) -> list[Competency]:
    return [
        Competency(
            id=competency_id,
            name=draw(texts(min_size=1, max_size=15)),
            kind=draw(st.sampled_from(CompetencyKind)),
            summary=draw(texts(max_size=30)),
            levels={
                level_id: Expectation(
                    description=draw(texts(max_size=40)),
                    proficiency=draw(st.integers(scale.min, scale.max)),
                )
                for level_id in level_ids
            },
        )
        for competency_id in competency_ids
    ]


@st.composite
def tracks(
    draw: st.DrawFn,
    *,
    scale: RatingScale | None = None,
    kind: TrackKind | None = None,
    level_ids: list[str] | None = None,
    track_id: str | None = None,
) -> Track:
    """A valid track: ordered levels, and competencies described at every level."""
    scale = scale or RatingScale()
    chosen_levels = draw(levels(level_ids=level_ids))
    ids_ = [level.id for level in chosen_levels]
    competency_ids = draw(st.lists(ids(), min_size=1, max_size=4, unique=True))
    return Track(
        id=track_id or draw(ids()),
        name=draw(texts(min_size=1, max_size=15)),
        kind=kind or draw(st.sampled_from(TrackKind)),
        levels=chosen_levels,
        competencies=draw(_competencies(ids_, scale, competency_ids)),
    )


@st.composite
def job_families(
    draw: st.DrawFn, *, scale: RatingScale | None = None, family_id: str | None = None
) -> JobFamily:
    """A valid job family: an IC track, often a management track with crossover and way back."""
    scale = scale or RatingScale()
    with_management = draw(st.booleans())
    level_ids = draw(st.lists(ids(), min_size=2 if with_management else 1, max_size=8, unique=True))
    split = draw(st.integers(1, len(level_ids) - 1)) if with_management else len(level_ids)
    track_ids = draw(st.lists(ids(), min_size=2, max_size=2, unique=True))
    ic = draw(
        tracks(scale=scale, kind=TrackKind.IC, level_ids=level_ids[:split], track_id=track_ids[0])
    )
    family_tracks = [ic]
    crossovers: list[Crossover] = []
    way_back: list[WayBack] = []
    if with_management:
        management = draw(
            tracks(
                scale=scale,
                kind=TrackKind.MANAGEMENT,
                level_ids=level_ids[split:],
                track_id=track_ids[1],
            )
        )
        family_tracks.append(management)
        ic_ids = [level.id for level in ic.levels]
        m_ids = [level.id for level in management.levels]
        pairs = st.tuples(st.sampled_from(ic_ids), st.sampled_from(m_ids))
        for low, high in draw(st.lists(pairs, unique=True, max_size=2)):
            crossovers.append(
                Crossover(from_level=low, to_level=high, requirements=draw(texts(max_size=30)))
            )
        for low, high in draw(st.lists(pairs, unique=True, max_size=2)):
            way_back.append(WayBack(from_level=high, to_level=low, note=draw(texts(max_size=20))))
    return JobFamily(
        id=family_id or draw(ids()),
        name=draw(texts(min_size=1, max_size=15)),
        tracks=family_tracks,
        crossovers=crossovers,
        way_back=way_back,
    )


@st.composite
def criteria(
    draw: st.DrawFn, *, track: Track, scale: RatingScale, same_track: bool = True
) -> list[Criterion]:
    """A valid criteria list for a policy on ``track`` (meets_expectations only within a track)."""
    known = [c.id for c in track.competencies]
    subset = st.lists(st.sampled_from(known), unique=True, max_size=len(known))
    out: list[Criterion] = []
    threshold = draw(_fractions_in(scale.min, scale.max))
    if draw(st.booleans()):
        weighted = draw(subset)
        out.append(
            AverageScore(
                threshold=threshold,
                strict=draw(st.booleans()),
                weights={c: draw(_fractions_in(1, 3)) for c in weighted},
                competencies=draw(subset),
            )
        )
    if draw(st.booleans()):
        ceiling = math.floor(threshold) if out else scale.max
        out.append(
            ScoreFloor(
                floor=draw(st.integers(scale.min, max(scale.min, ceiling))),
                competencies=draw(subset),
            )
        )
    if same_track and draw(st.booleans()):
        out.append(MeetsExpectations(competencies=draw(subset)))
    if draw(st.booleans()):
        out.append(Sustained(cycles=draw(st.integers(1, 6))))
    if draw(st.booleans()):
        out.append(TimeInLevel(cycles=draw(st.integers(1, 12))))
    for evidence_id in draw(st.lists(ids(), unique=True, max_size=2)):
        out.append(
            ScopeEvidence(
                id=evidence_id,
                description=draw(texts(max_size=30)),
                min_value=draw(st.none() | _fractions_in(0, 200)),
                unit=draw(st.sampled_from(["", "stakeholders", "% of quota"])),
                count=draw(st.integers(1, 3)),
            )
        )
    if draw(st.booleans()):
        out.append(ManagerEndorsement())
    if draw(st.booleans()):
        out.append(Calibration())
    return draw(st.permutations(out))


@st.composite
def promotion_policies(draw: st.DrawFn, framework: Framework) -> list[PromotionPolicy]:
    """Valid, non-overlapping policies for the families of ``framework``."""
    out: dict[tuple[str | None, ...], PromotionPolicy] = {}
    for family in framework.job_families:
        for track in family.tracks:
            if draw(st.booleans()):
                key: tuple[str | None, ...] = (family.id, track.id, None, None, None)
                out[key] = PromotionPolicy(
                    family=family.id,
                    track=track.id,
                    criteria=draw(criteria(track=track, scale=framework.scale)),
                )
        routes: list[tuple[str, str, str | None, bool]] = []
        for track in family.tracks:
            for low, high in zip(track.levels, track.levels[1:], strict=False):
                routes.append((low.id, high.id, None, True))
        routes += [(c.from_level, c.to_level, None, False) for c in family.crossovers]
        routes += [(w.from_level, w.to_level, None, False) for w in family.way_back]
        routes += [(p.from_level, p.to_level, p.to_family, False) for p in family.lateral_paths]
        for from_level, to_level, to_family, same in (
            draw(st.lists(st.sampled_from(routes), max_size=3)) if routes else []
        ):
            key = (family.id, None, from_level, to_level, to_family)
            out[key] = PromotionPolicy(
                family=family.id,
                from_level=from_level,
                to_level=to_level,
                to_family=to_family,
                criteria=draw(
                    criteria(
                        track=family.track_of(from_level), scale=framework.scale, same_track=same
                    )
                ),
                raters=draw(st.lists(st.sampled_from(Rater), max_size=2, unique=True)),
            )
    return list(out.values())


@st.composite
def frameworks(draw: st.DrawFn, *, max_families: int = 2) -> Framework:
    """Valid frameworks: any scale and cadence, up to ``max_families`` families, policies."""
    scale = draw(rating_scales())
    family_ids = draw(st.lists(ids(), min_size=1, max_size=max_families, unique=True))
    families = [draw(job_families(scale=scale, family_id=family_id)) for family_id in family_ids]
    if len(families) > 1:
        with_paths = []
        for family in families:
            others = [f for f in families if f.id != family.id]
            paths = []
            for _ in range(draw(st.integers(0, 2))):
                target = draw(st.sampled_from(others))
                source_track = draw(st.sampled_from(list(family.tracks)))
                target_track = draw(st.sampled_from(list(target.tracks)))
                paths.append(
                    LateralPath(
                        from_level=draw(st.sampled_from([lv.id for lv in source_track.levels])),
                        to_family=target.id,
                        to_level=draw(st.sampled_from([lv.id for lv in target_track.levels])),
                        transferable=draw(
                            st.lists(
                                st.sampled_from([c.id for c in source_track.competencies]),
                                unique=True,
                            )
                        ),
                        gaps=draw(
                            st.lists(
                                st.sampled_from([c.id for c in target_track.competencies]),
                                unique=True,
                            )
                        ),
                        note=draw(texts(max_size=20)),
                    )
                )
            unique = {(p.from_level, p.to_family, p.to_level): p for p in reversed(paths)}
            with_paths.append(attrs.evolve(family, lateral_paths=list(unique.values())))
        families = with_paths
    bare = Framework(
        id=draw(ids()),
        name=draw(texts(min_size=1, max_size=20)),
        version=draw(texts(min_size=1, max_size=8)),
        cadence=draw(st.sampled_from(Cadence)),
        scale=scale,
        job_families=families,
        raters=draw(st.lists(st.sampled_from(Rater), min_size=1, max_size=4, unique=True)),
        metadata=draw(metadata()),
    )
    return attrs.evolve(bare, policies=draw(promotion_policies(bare)))


@st.composite
def rating_histories(
    draw: st.DrawFn,
    framework: Framework,
    *,
    cycles: int = 8,
    high_scores: bool = False,
) -> RatingHistory:
    """A valid history for ``framework``: levels on one track, reviews over ``cycles`` cycles.

    Some cycles go unreviewed, some competencies unrated, some scores come from raters
    that do not count; evidence uses the requirement ids of the family's policies.
    With ``high_scores`` most scores sit in the top half of the scale, so that many
    histories are ready.
    """
    family = draw(st.sampled_from(list(framework.job_families)))
    track = draw(st.sampled_from(list(family.tracks)))
    scale = framework.scale
    first = Cycle.parse("2024-Q1" if framework.cadence is Cadence.QUARTERLY else "2022-H1")
    level_ids = [level.id for level in track.levels]
    start = draw(st.integers(0, len(level_ids) - 1))
    assignments = [LevelAssignment(level=level_ids[start], since=first)]
    if start + 1 < len(level_ids) and draw(st.booleans()):
        assignments.append(
            LevelAssignment(
                level=level_ids[start + 1], since=first.shift(draw(st.integers(1, cycles - 1)))
            )
        )
    requirements = sorted(
        {
            c.id
            for p in framework.policies
            if p.family == family.id
            for c in p.criteria
            if isinstance(c, ScopeEvidence)
        }
    )
    middle = (scale.min + scale.max + 1) // 2
    score = st.integers(middle if high_scores else scale.min, scale.max)
    reviews = []
    for offset in range(cycles):
        if not draw(st.integers(0, 9)):  # about one cycle in ten goes unreviewed
            continue
        ratings = []
        for competency in track.competencies:
            if draw(st.integers(0, 19)):  # about one score in twenty is missing
                ratings.append(
                    Rating(competency=competency.id, score=draw(score), rater=Rater.MANAGER)
                )
            if not draw(st.integers(0, 4)):
                ratings.append(
                    Rating(
                        competency=competency.id,
                        score=draw(score),
                        rater=draw(st.sampled_from([Rater.SELF, Rater.PEER, Rater.CALIBRATED])),
                    )
                )
        evidence = [
            Evidence(
                requirement=draw(st.sampled_from(requirements)),
                note=draw(texts(max_size=10)),
                value=draw(st.none() | st.integers(0, 150)),
            )
            for _ in range(draw(st.integers(0, 2) if requirements else st.just(0)))
        ]
        reviews.append(
            Review(
                cycle=first.shift(offset),
                ratings=ratings,
                evidence=evidence,
                endorsed=draw(st.booleans()),
                calibrated=draw(st.booleans()),
            )
        )
    return RatingHistory(
        employee=draw(ids()),
        family=family.id,
        track=track.id if len(assignments) == 1 else family.track_of(assignments[-1].level).id,
        levels=assignments,
        reviews=reviews,
    )


def _get(data: Any, path: tuple[Segment, ...]) -> Any:
    for segment in path:
        data = data[segment]
    return data


@st.composite
def invalid_framework_data(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Segment, ...]]:
    """A framework document with exactly one fault, and the path the error must name.

    The faults cover wrong types, unknown keys, duplicate ids, dangling references,
    rank order, missing expectations and values outside the scale.
    """
    framework = draw(frameworks())
    data = copy.deepcopy(unstructure(framework))
    f = draw(st.integers(0, len(framework.job_families) - 1))
    family = framework.job_families[f]
    t = draw(st.integers(0, len(family.tracks) - 1))
    track = family.tracks[t]
    track_path: tuple[Segment, ...] = ("job_families", f, "tracks", t)
    c = draw(st.integers(0, len(track.competencies) - 1))
    level_id = draw(st.sampled_from([level.id for level in track.levels]))
    faults = ["type", "unknown_key", "out_of_scale", "missing_expectation", "dangling_family"]
    if len(track.levels) > 1:
        faults += ["duplicate_level", "rank_order"]
    if len(track.competencies) > 1:
        faults.append("duplicate_competency")
    if framework.policies:
        faults.append("dangling_policy_family")
    fault = draw(st.sampled_from(faults))
    track_data = _get(data, track_path)
    if fault == "type":
        data["name"] = draw(st.integers() | st.lists(st.integers(), max_size=1))
        return data, ("name",)
    if fault == "unknown_key":
        level_index = draw(st.integers(0, len(track.levels) - 1))
        track_data["levels"][level_index]["colour"] = "blue"
        return data, (*track_path, "levels", level_index, "colour")
    if fault == "out_of_scale":
        bad = draw(st.sampled_from([framework.scale.min - 1, framework.scale.max + 1]))
        track_data["competencies"][c]["levels"][level_id]["proficiency"] = bad
        return data, (*track_path, "competencies", c, "levels", level_id, "proficiency")
    if fault == "missing_expectation":
        del track_data["competencies"][c]["levels"][level_id]
        return data, (*track_path, "competencies", c, "levels")
    if fault == "dangling_family":
        data["job_families"][f]["lateral_paths"] = [
            {"from_level": level_id, "to_family": "no-such-family", "to_level": level_id}
        ]
        return data, ("job_families", f, "lateral_paths", 0, "to_family")
    if fault == "duplicate_level":
        track_data["levels"][1]["id"] = track_data["levels"][0]["id"]
        return data, (*track_path, "levels", 1, "id")
    if fault == "rank_order":
        track_data["levels"][1]["rank"] = track_data["levels"][0]["rank"]
        return data, (*track_path, "levels", 1, "rank")
    if fault == "duplicate_competency":
        track_data["competencies"][1]["id"] = track_data["competencies"][0]["id"]
        return data, (*track_path, "competencies", 1, "id")
    assert fault == "dangling_policy_family"
    data["policies"][0]["family"] = "no-such-family"
    return data, ("policies", 0, "family")


def _type_strategy(cls: type[T]) -> st.SearchStrategy[T]:
    """The strategy ``st.from_type(cls)`` draws from, for each type the entry point registers.

    Raises:
        KeyError: no strategy is registered for ``cls``.
    """
    strategy: st.SearchStrategy[T] = _type_strategies()[cls]
    return strategy


@functools.cache
def _type_strategies() -> dict[type, st.SearchStrategy[Any]]:
    subset = st.lists(ids(), unique=True, max_size=3)
    return {
        RatingScale: rating_scales(),
        Level: levels().map(lambda ladder: ladder[0]),
        Track: tracks(),
        Competency: tracks().map(lambda track: track.competencies[0]),
        JobFamily: job_families(),
        Framework: frameworks(),
        AverageScore: st.builds(
            AverageScore,
            threshold=_fractions_in(1, 5),
            strict=st.booleans(),
            weights=st.dictionaries(ids(), _fractions_in(1, 3), max_size=3),
            competencies=subset,
        ),
        ScoreFloor: st.builds(ScoreFloor, floor=st.integers(1, 5), competencies=subset),
        MeetsExpectations: st.builds(MeetsExpectations, competencies=subset),
        Sustained: st.builds(Sustained, cycles=st.integers(1, 6)),
        TimeInLevel: st.builds(TimeInLevel, cycles=st.integers(1, 12)),
        ScopeEvidence: st.builds(
            ScopeEvidence,
            id=ids(),
            description=texts(max_size=30),
            min_value=st.none() | _fractions_in(0, 200),
            unit=texts(max_size=10),
            count=st.integers(1, 3),
        ),
        ManagerEndorsement: st.just(ManagerEndorsement()),
        Calibration: st.just(Calibration()),
        PromotionPolicy: st.builds(
            PromotionPolicy,
            family=ids(),
            track=ids(),
            criteria=tracks().flatmap(lambda track: criteria(track=track, scale=RatingScale())),
        ),
    }
