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
import itertools
import math
from fractions import Fraction
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from ._convert import unstructure
from ._history import Cycle, Evidence, LevelAssignment, Rating, RatingHistory, Review
from ._model import (
    Behaviour,
    BranchPoint,
    Cadence,
    Competency,
    CompetencyKind,
    Crossover,
    Expectation,
    Framework,
    JobFamily,
    LateralPath,
    Level,
    Link,
    RatingScale,
    Track,
    TrackKind,
    WayBack,
)
from ._policy import (
    Approval,
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
    criterion_key,
    merge_criteria,
)
from .exceptions import Segment

__all__ = [
    "APPROVAL_STEPS",
    "behaviours",
    "criteria",
    "expectations",
    "frameworks",
    "ids",
    "invalid_framework_data",
    "job_families",
    "levels",
    "links",
    "metadata",
    "promotion_policies",
    "rating_histories",
    "rating_scales",
    "texts",
    "tracks",
    "words",
]

T = TypeVar("T")

_ID_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@functools.cache
def ids() -> st.SearchStrategy[str]:
    """Valid ids: a letter or digit, then letters, digits, ``_``, ``-`` or ``.``."""
    return st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(_ID_START),
        st.text(alphabet=_ID_START + "_-.", max_size=6),
    )


@functools.cache
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


@functools.cache
def words(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text that says something: required text may not be empty or only spaces."""
    return texts(min_size=1, max_size=max_size).filter(lambda text: bool(text.strip()))


@functools.cache
def links() -> st.SearchStrategy[Link]:
    """Links: a URL-like text, with or without a label."""
    return st.builds(Link, url=words(max_size=30), label=st.none() | words(max_size=15))


@functools.cache
def _annotations() -> st.SearchStrategy[dict[str, Any]]:
    """Notes, links and an external id for an element, one time in four."""
    some = st.fixed_dictionaries(
        {},
        optional={
            "notes": words(max_size=30),
            "links": st.lists(links(), min_size=1, max_size=2),
            "external_id": words(max_size=12),
        },
    )
    return st.integers(0, 3).flatmap(lambda n: some if n == 0 else st.just({}))


@functools.cache
def behaviours() -> st.SearchStrategy[Behaviour]:
    """One behaviour: its text, sometimes examples, notes, links and an external id."""
    examples = st.integers(0, 3).flatmap(
        lambda n: st.lists(words(max_size=20), min_size=1, max_size=2) if n == 0 else st.just([])
    )
    return st.builds(
        lambda text, examples, extra: Behaviour(text=text, examples=examples, **extra),
        words(max_size=40),
        examples,
        _annotations(),
    )


@st.composite
def expectations(
    draw: st.DrawFn, *, scale: RatingScale | None = None, proficiency: bool = True
) -> Expectation:
    """An expectation of one to three behaviours, with a proficiency on ``scale`` or none."""
    scale = scale or RatingScale()
    return Expectation(
        # Mostly one behaviour, as most frameworks write; sometimes a list.
        behaviours=[draw(behaviours()) for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3])))],
        proficiency=draw(st.integers(scale.min, scale.max)) if proficiency else None,
        **draw(_annotations()),
    )


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
                name=draw(words(max_size=15)),
                rank=rank,
                title=draw(st.none() | words(max_size=20)),
                alternative_titles=draw(st.lists(words(max_size=10), max_size=2)),
                scope=draw(st.none() | words(max_size=30)),
                autonomy=draw(st.none() | words(max_size=30)),
                **draw(_annotations()),
            )
        )
        rank += 1
    return out


@st.composite
def _competencies(
    draw: st.DrawFn,
    level_ids: list[str],
    scale: RatingScale,
    competency_ids: list[str],
    proficiency: bool = True,
) -> list[Competency]:
    out = []
    for index, competency_id in enumerate(competency_ids):
        # The first competency is expected at every level, so that every step has a
        # competency to count; the others may start or end part of the way up.
        first = draw(st.integers(0, len(level_ids) - 1)) if index else 0
        last = draw(st.integers(first, len(level_ids) - 1)) if index else len(level_ids) - 1
        span = level_ids[first : last + 1]
        out.append(
            Competency(
                id=competency_id,
                name=draw(words(max_size=15)),
                kind=draw(st.sampled_from(CompetencyKind)),
                summary=draw(st.none() | words(max_size=30)),
                levels={
                    level_id: draw(expectations(scale=scale, proficiency=proficiency))
                    for level_id in span
                },
                # A bound at the track's end is said sometimes, though it goes without.
                starts_at=span[0] if first or draw(st.integers(0, 4)) == 0 else None,
                ends_at=span[-1] if last < len(level_ids) - 1 else None,
                **draw(_annotations()),
            )
        )
    return out


@st.composite
def tracks(
    draw: st.DrawFn,
    *,
    scale: RatingScale | None = None,
    kind: TrackKind | None = None,
    level_ids: list[str] | None = None,
    track_id: str | None = None,
    start_rank: int = 1,
    branches_from: BranchPoint | None = None,
    proficiency: bool = True,
) -> Track:
    """A valid track: ordered levels, competencies over a run of them, notes sometimes."""
    scale = scale or RatingScale()
    chosen_levels = draw(levels(level_ids=level_ids, start_rank=start_rank))
    ids_ = [level.id for level in chosen_levels]
    competency_ids = draw(st.lists(ids(), min_size=1, max_size=4, unique=True))
    return Track(
        id=track_id or draw(ids()),
        name=draw(words(max_size=15)),
        kind=kind or draw(st.sampled_from(TrackKind)),
        levels=chosen_levels,
        competencies=draw(_competencies(ids_, scale, competency_ids, proficiency)),
        branches_from=branches_from,
        **draw(_annotations()),
    )


@st.composite
def job_families(
    draw: st.DrawFn,
    *,
    scale: RatingScale | None = None,
    family_id: str | None = None,
    proficiency: bool = True,
) -> JobFamily:
    """A valid job family of one of three shapes.

    An IC track alone; an IC and a management track with crossovers and ways back; or
    a trunk of shared levels from which one or two tracks branch (an IC branch, a
    management branch), with crossovers between the IC and management ladders.
    """
    scale = scale or RatingScale()
    shape = draw(st.sampled_from(["single", "dual", "branching"]))
    count = {"single": 1, "dual": 2, "branching": 3}[shape]
    level_ids = draw(st.lists(ids(), min_size=count, max_size=8, unique=True))
    track_ids = draw(st.lists(ids(), min_size=3, max_size=3, unique=True))
    cuts = (
        sorted(
            draw(
                st.lists(
                    st.integers(1, len(level_ids) - 1),
                    min_size=count - 1,
                    max_size=count - 1,
                    unique=True,
                )
            )
        )
        if count > 1
        else []
    )
    parts = [level_ids[a:b] for a, b in zip([0, *cuts], [*cuts, len(level_ids)], strict=True)]
    first = draw(
        tracks(
            scale=scale,
            kind=TrackKind.IC,
            level_ids=parts[0],
            track_id=track_ids[0],
            proficiency=proficiency,
        )
    )
    family_tracks = [first]
    if shape == "dual":
        family_tracks.append(
            draw(
                tracks(
                    scale=scale,
                    kind=TrackKind.MANAGEMENT,
                    level_ids=parts[1],
                    track_id=track_ids[1],
                    proficiency=proficiency,
                )
            )
        )
    elif shape == "branching":
        for part, track_id, kind in zip(
            parts[1:], track_ids[1:], (TrackKind.IC, TrackKind.MANAGEMENT), strict=False
        ):
            point = draw(st.sampled_from(list(first.levels)))
            family_tracks.append(
                draw(
                    tracks(
                        scale=scale,
                        kind=kind,
                        level_ids=part,
                        track_id=track_id,
                        start_rank=point.rank + 1,
                        branches_from=BranchPoint(track=first.id, level=point.id),
                        proficiency=proficiency,
                    )
                )
            )
    crossovers: list[Crossover] = []
    way_back: list[WayBack] = []
    ic_ids = [lv.id for t in family_tracks if t.kind is TrackKind.IC for lv in t.levels]
    m_ids = [lv.id for t in family_tracks if t.kind is TrackKind.MANAGEMENT for lv in t.levels]
    if m_ids:
        pairs = st.tuples(st.sampled_from(ic_ids), st.sampled_from(m_ids))
        for low, high in draw(st.lists(pairs, unique=True, max_size=2)):
            crossovers.append(
                Crossover(from_level=low, to_level=high, requirements=draw(texts(max_size=30)))
            )
        for low, high in draw(st.lists(pairs, unique=True, max_size=2)):
            way_back.append(WayBack(from_level=high, to_level=low, note=draw(texts(max_size=20))))
    return JobFamily(
        id=family_id or draw(ids()),
        name=draw(words(max_size=15)),
        tracks=family_tracks,
        crossovers=crossovers,
        way_back=way_back,
        **draw(_annotations()),
    )


@st.composite
def criteria(
    draw: st.DrawFn,
    *,
    track: Track,
    scale: RatingScale,
    same_track: bool = True,
    scores: bool = True,
) -> list[Criterion]:
    """A valid criteria list for a policy on ``track``, one criterion per key.

    ``meets_expectations`` only within a track (``same_track``); without ``scores`` no
    score criterion at all, as defaults shared by several tracks or merged with
    others need. Competency lists always hold a competency expected at every level.
    """
    known = [c.id for c in track.competencies]
    anchor = known[0]
    subset = st.lists(st.sampled_from(known), unique=True, max_size=len(known)).map(
        lambda chosen: chosen if not chosen or anchor in chosen else [anchor, *chosen]
    )
    out: list[Criterion] = []
    threshold = draw(_fractions_in(scale.min, scale.max))
    if scores and draw(st.booleans()):
        weighted = draw(st.lists(st.sampled_from(known), unique=True, max_size=len(known)))
        out.append(
            AverageScore(
                threshold=threshold,
                strict=draw(st.booleans()),
                weights={c: draw(_fractions_in(1, 3)) for c in weighted},
                competencies=draw(subset),
            )
        )
    if scores and draw(st.booleans()):
        ceiling = math.floor(threshold) if out else scale.max
        out.append(
            ScoreFloor(
                floor=draw(st.integers(scale.min, max(scale.min, ceiling))),
                competencies=draw(subset),
            )
        )
    expected = all(e.proficiency is not None for c in track.competencies for e in c.levels.values())
    if scores and same_track and expected and draw(st.booleans()):
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
    for step in draw(st.lists(st.sampled_from(APPROVAL_STEPS) | ids(), unique=True, max_size=2)):
        out.append(Approval(step=step, description=draw(texts(max_size=20))))
    return draw(st.permutations(out))


#: Approval steps organisations name, drawn beside random ids.
APPROVAL_STEPS = ("promotion-panel", "interview", "application")


def _routes(family: JobFamily) -> list[tuple[str, str, str | None, str]]:
    """(from, to, to_family, route) for every step up a ladder and every path."""
    routes: list[tuple[str, str, str | None, str]] = []
    for track in family.tracks:
        ladder = family.ladder(track.id)
        for low, high in itertools.pairwise(ladder):
            if (low.id, high.id, None, "promotion") not in routes:
                routes.append((low.id, high.id, None, "promotion"))
    moves: list[tuple[str, str, str | None]] = [
        (c.from_level, c.to_level, None) for c in family.crossovers
    ]
    moves += [(w.from_level, w.to_level, None) for w in family.way_back]
    moves += [(p.from_level, p.to_level, p.to_family) for p in family.lateral_paths]
    for from_level, to_level, to_family in moves:
        # A crossover from a shared level into a branch above it climbs a ladder.
        route = family.route(from_level, to_level, to_family) or ""
        if (from_level, to_level, to_family, route) not in routes:
            routes.append((from_level, to_level, to_family, route))
    return routes


@st.composite
def promotion_policies(draw: st.DrawFn, framework: Framework) -> list[PromotionPolicy]:
    """Valid, non-overlapping policies for the families of ``framework``.

    Family defaults, track defaults that build on them (dropping some of their
    criteria), transitions that stand alone and transitions that inherit.
    """
    out: dict[tuple[str | None, ...], PromotionPolicy] = {}
    scale = framework.scale
    for family in framework.job_families:
        base: list[Criterion] = []
        if draw(st.booleans()):
            # Shared by every track, so it names no competency.
            base = draw(criteria(track=family.tracks[0], scale=scale, scores=False))
            out[(family.id, None, None, None, None)] = PromotionPolicy(
                family=family.id, criteria=base, raters=draw(_raters())
            )
        defaults: dict[str, list[Criterion]] = {}
        for track in family.tracks:
            if draw(st.booleans()):
                own = draw(criteria(track=track, scale=scale))
                keys = sorted({criterion_key(c) for c in base})
                drop = draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
                out[(family.id, track.id, None, None, None)] = PromotionPolicy(
                    family=family.id, track=track.id, criteria=own, drop=drop
                )
                defaults[track.id] = list(merge_criteria(base, own, drop))
            elif base:
                defaults[track.id] = base
        routes = _routes(family)
        for from_level, to_level, to_family, route in (
            draw(st.lists(st.sampled_from(routes), max_size=3)) if routes else []
        ):
            promotion = route == "promotion"
            scored = family.track_of(to_level if promotion else from_level)
            inherited = defaults.get(family.track_of(to_level).id) if promotion else None
            inherit = inherited is not None and draw(st.booleans())
            own = draw(
                criteria(track=scored, scale=scale, same_track=promotion, scores=not inherit)
            )
            dropped: list[str] = []
            if inherit and inherited:
                keys = sorted({criterion_key(c) for c in inherited})
                dropped = draw(st.lists(st.sampled_from(keys), unique=True, max_size=2))
            out[(family.id, None, from_level, to_level, to_family)] = PromotionPolicy(
                family=family.id,
                from_level=from_level,
                to_level=to_level,
                to_family=to_family,
                inherit=inherit,
                criteria=own,
                drop=dropped,
                raters=draw(_raters()),
            )
    return list(out.values())


def _raters() -> st.SearchStrategy[list[Rater]]:
    return st.lists(st.sampled_from(Rater), max_size=2, unique=True)


@st.composite
def frameworks(draw: st.DrawFn, *, max_families: int = 2) -> Framework:
    """Valid frameworks: any scale and cadence, up to ``max_families`` families, policies.

    Families of every shape (`job_families`), proficiencies given or left out across
    the framework, and every kind of policy (`promotion_policies`).
    """
    scale = draw(rating_scales())
    proficiency = draw(st.integers(0, 3)) > 0
    family_ids = draw(st.lists(ids(), min_size=1, max_size=max_families, unique=True))
    families = [
        draw(job_families(scale=scale, family_id=family_id, proficiency=proficiency))
        for family_id in family_ids
    ]
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
        name=draw(words(max_size=20)),
        version=draw(words(max_size=8)),
        cadence=draw(st.sampled_from(Cadence)),
        scale=scale,
        job_families=families,
        raters=draw(st.lists(st.sampled_from(Rater), min_size=1, max_size=4, unique=True)),
        metadata=draw(metadata()),
        **draw(_annotations()),
    )
    return attrs.evolve(bare, policies=draw(promotion_policies(bare)))


#: The first cycle of generated histories, by cadence.
_FIRST_CYCLE = {
    Cadence.QUARTERLY: "2024-Q1",
    Cadence.HALF_YEARLY: "2022-H1",
    Cadence.ANNUAL: "2018-Y",
}


@st.composite
def rating_histories(
    draw: st.DrawFn,
    framework: Framework,
    *,
    cycles: int = 8,
    high_scores: bool = False,
) -> RatingHistory:
    """A valid history for ``framework``: levels up one ladder, reviews over ``cycles`` cycles.

    Some cycles go unreviewed, some competencies unrated, some scores come from raters
    that do not count; some histories name who gave each score (``rater_id``: the
    manager's id on manager scores, the employee's own on self scores); evidence uses
    the requirement ids of the family's policies and approvals its approval steps.
    Scores are for the competencies of the track that holds the level in force and, at a
    level tracks branch from, of the branches the history may step into (its own, or
    every one from the trunk). With ``high_scores`` most scores sit in the top half of
    the scale, so that many histories are ready.
    """
    family = draw(st.sampled_from(list(framework.job_families)))
    track = draw(st.sampled_from(list(family.tracks)))
    scale = framework.scale
    first = Cycle.parse(_FIRST_CYCLE[framework.cadence])
    level_ids = [level.id for level in family.ladder(track.id)]
    start = draw(st.integers(0, len(level_ids) - 1))
    assignments = [LevelAssignment(level=level_ids[start], since=first)]
    if start + 1 < len(level_ids) and draw(st.booleans()):
        assignments.append(
            LevelAssignment(
                level=level_ids[start + 1], since=first.shift(draw(st.integers(1, cycles - 1)))
            )
        )
    named = [c for p in framework.policies if p.family == family.id for c in p.criteria]
    requirements = sorted({c.id for c in named if isinstance(c, ScopeEvidence)})
    steps = sorted({c.step for c in named if isinstance(c, Approval)})
    middle = (scale.min + scale.max + 1) // 2
    score = st.integers(middle if high_scores else scale.min, scale.max)
    employee = draw(ids())
    named_raters = draw(st.booleans())
    managers = draw(st.lists(ids(), min_size=1, max_size=2, unique=True))
    reviews = []
    for offset in range(cycles):
        if not draw(st.integers(0, 9)):  # about one cycle in ten goes unreviewed
            continue
        cycle = first.shift(offset)
        held = max((a for a in assignments if a.since <= cycle), key=lambda a: a.since)
        ratings = []
        for competency in _rated(family, held.level, track.id):
            if draw(st.integers(0, 19)):  # about one score in twenty is missing
                ratings.append(
                    Rating(
                        competency=competency.id,
                        score=draw(score),
                        rater=Rater.MANAGER,
                        # A new manager may take over mid-history.
                        rater_id=draw(st.sampled_from(managers)) if named_raters else None,
                    )
                )
            if not draw(st.integers(0, 4)):
                other = draw(st.sampled_from([Rater.SELF, Rater.PEER, Rater.CALIBRATED]))
                rater_id = None
                if named_raters and other is not Rater.CALIBRATED:
                    rater_id = employee if other is Rater.SELF else draw(ids())
                ratings.append(
                    Rating(
                        competency=competency.id,
                        score=draw(score),
                        rater=other,
                        rater_id=rater_id,
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
                cycle=cycle,
                ratings=ratings,
                evidence=evidence,
                endorsed=draw(st.booleans()),
                calibrated=draw(st.booleans()),
                approvals=draw(st.lists(st.sampled_from(steps), unique=True)) if steps else [],
            )
        )
    return RatingHistory(
        employee=employee,
        family=family.id,
        track=track.id,
        levels=assignments,
        reviews=reviews,
    )


def _rated(family: JobFamily, level_id: str, track_id: str) -> list[Competency]:
    """The competencies rated at a level: its track's, then those of the branches ahead.

    A competency id two tracks share is rated once (by its id, as the evaluator reads it).
    """
    owner, *branches = family.tracks_through(level_id)
    chosen = [t for t in branches if track_id in (owner.id, t.id)]
    found: dict[str, Competency] = {}
    for track in (owner, *chosen):
        for competency in track.competencies:
            found.setdefault(competency.id, competency)
    return list(found.values())


def _get(data: Any, path: tuple[Segment, ...]) -> Any:
    for segment in path:
        data = data[segment]
    return data


@st.composite
def invalid_framework_data(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Segment, ...]]:
    """A framework document with exactly one fault, and the path the error must name.

    The faults cover wrong types, unknown keys, duplicate ids, dangling references,
    rank order, missing expectations, values outside the scale, unknown proficiency
    labels, empty text and branch points that lead nowhere.
    """
    framework = draw(frameworks())
    data = copy.deepcopy(unstructure(framework))
    f = draw(st.integers(0, len(framework.job_families) - 1))
    family = framework.job_families[f]
    t = draw(st.integers(0, len(family.tracks) - 1))
    track = family.tracks[t]
    track_path: tuple[Segment, ...] = ("job_families", f, "tracks", t)
    c = draw(st.integers(0, len(track.competencies) - 1))
    level_id = draw(st.sampled_from(sorted(track.competencies[c].levels)))
    faults = [
        "type",
        "unknown_key",
        "out_of_scale",
        "unknown_label",
        "missing_expectation",
        "dangling_family",
        "empty_name",
        "dangling_branch",
    ]
    if len(track.levels) > 1:
        faults += ["duplicate_level", "rank_order"]
    if len(track.competencies) > 1:
        faults.append("duplicate_competency")
    if framework.policies:
        faults.append("dangling_policy_family")
    fault = draw(st.sampled_from(faults))
    track_data = _get(data, track_path)
    expectation_path = (*track_path, "competencies", c, "levels", level_id)
    if fault == "unknown_label":
        # Labels match whatever their case and spacing: the fault must match none.
        labels = {" ".join(label.split()).casefold() for label in framework.scale.labels.values()}
        label = draw(
            words(max_size=12).filter(lambda text: " ".join(text.split()).casefold() not in labels)
        )
        _get(data, expectation_path)["proficiency"] = label
        return data, (*expectation_path, "proficiency")
    if fault == "empty_name":
        level_index = draw(st.integers(0, len(track.levels) - 1))
        track_data["levels"][level_index]["name"] = draw(st.sampled_from(["", " ", "\t"]))
        return data, (*track_path, "levels", level_index, "name")
    if fault == "dangling_branch":
        # A root track, so that the one fault is the level, not a circle of branches.
        others = [o for o in family.tracks if o.id != track.id and o.branches_from is None]
        parent = draw(st.sampled_from(others)) if others else track
        track_data["branches_from"] = {"track": parent.id, "level": "no-such-level"}
        if parent is track:
            return data, (*track_path, "branches_from", "track")
        return data, (*track_path, "branches_from", "level")
    if fault == "type":
        data["name"] = draw(st.integers() | st.lists(st.integers(), max_size=1))
        return data, ("name",)
    if fault == "unknown_key":
        level_index = draw(st.integers(0, len(track.levels) - 1))
        track_data["levels"][level_index]["colour"] = "blue"
        return data, (*track_path, "levels", level_index, "colour")
    if fault == "out_of_scale":
        bad = draw(st.sampled_from([framework.scale.min - 1, framework.scale.max + 1]))
        _get(data, expectation_path)["proficiency"] = bad
        return data, (*expectation_path, "proficiency")
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
        Link: links(),
        Behaviour: behaviours(),
        Expectation: expectations(),
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
        Approval: st.builds(
            Approval,
            step=st.sampled_from(APPROVAL_STEPS) | ids(),
            description=texts(max_size=20),
        ),
        PromotionPolicy: st.builds(
            PromotionPolicy,
            family=ids(),
            track=ids(),
            criteria=tracks().flatmap(lambda track: criteria(track=track, scale=RatingScale())),
        ),
    }
