"""Invariants of the evaluator, checked on generated histories for every bundled framework."""

import itertools
import random
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

import attrs
import jsonschema
from hypothesis import assume, event, given
from hypothesis import strategies as st

import progression
from progression import (
    Cycle,
    EvaluationError,
    Framework,
    MeetsExpectations,
    Outcome,
    Rating,
    RatingHistory,
    Review,
    Status,
    Verdict,
    evaluate,
    examples,
    strategies,
)
from progression._evaluation import CompiledPolicy, bind, compile_move, evaluate_bound
from progression._policy import SCORE_KINDS

T = TypeVar("T")
FRAMEWORKS = {name: examples.load(name) for name in examples.names()}
framework_names = st.sampled_from(sorted(FRAMEWORKS))


class Case(NamedTuple):
    """A framework, a history for it, a target (None for the default) and its verdict."""

    framework: Framework
    history: RatingHistory
    target: str | None
    verdict: Verdict


def verdict_or_none(
    framework: Framework, history: RatingHistory, target: str | None = None
) -> Verdict | None:
    try:
        return evaluate(framework, history, target=target)
    except EvaluationError:
        return None  # at the top of a track, say, or where the ladder branches


def targets_with_a_policy(framework: Framework, history: RatingHistory) -> list[str]:
    """Every move from the latest level of the history that a policy governs."""
    latest = max(history.cycles())
    held = history.level_at(latest)
    if held is None:
        return []
    family = framework.family(history.family)
    found: list[tuple[str, str | None]] = [
        (level.id, None) for level in family.next_levels(held.level)
    ]
    found += [(c.to_level, None) for c in family.crossovers if c.from_level == held.level]
    found += [(w.to_level, None) for w in family.way_back if w.from_level == held.level]
    found += [(p.to_level, p.to_family) for p in family.lateral_paths if p.from_level == held.level]
    return [
        level if to_family is None else f"{to_family}/{level}"
        for level, to_family in found
        if framework.policy(family.id, held.level, level, to_family) is not None
    ]


@st.composite
def cases(draw: st.DrawFn, high_scores: bool = False) -> Case:
    """A bundled or a generated framework (every model shape), a history and its verdict.

    Where the default target gives no verdict, a move a policy governs is the target.
    """
    if draw(st.booleans()):
        framework = FRAMEWORKS[draw(framework_names)]
    else:
        framework = draw(strategies.frameworks())
    history = draw(strategies.rating_histories(framework, high_scores=high_scores))
    target = None
    verdict = verdict_or_none(framework, history)
    if verdict is None:
        options = targets_with_a_policy(framework, history)
        assume(options)
        target = draw(st.sampled_from(options))
        verdict = verdict_or_none(framework, history, target)
    assume(verdict is not None)
    assert verdict is not None
    return Case(framework, history, target, verdict)


@given(case=cases())
def test_evaluation_is_deterministic(case: Case) -> None:
    framework, history, target, verdict = case
    again = evaluate(framework, history, target=target)
    assert again == verdict
    assert progression.unstructure(again) == progression.unstructure(verdict)


@given(case=cases())
def test_status_is_ready_exactly_when_every_criterion_passed(
    case: Case,
) -> None:
    verdict = case.verdict
    assert (verdict.status is Status.READY) == all(r.passed for r in verdict.criteria)
    failed = any(r.outcome is Outcome.FAILED for r in verdict.criteria)
    assert (verdict.status is Status.NOT_READY) == failed
    assert (verdict.plan is None) == (verdict.status is Status.READY)


@given(case=cases(), seed=st.randoms(use_true_random=False))
def test_input_order_changes_nothing(case: Case, seed: random.Random) -> None:
    framework, history, target, verdict = case

    def shuffled(items: Sequence[T]) -> list[T]:
        out = list(items)
        seed.shuffle(out)
        return out

    reviews = [
        attrs.evolve(
            review, ratings=shuffled(list(review.ratings)), evidence=shuffled(list(review.evidence))
        )
        for review in history.reviews
    ]
    mixed = attrs.evolve(history, reviews=shuffled(reviews), levels=shuffled(list(history.levels)))
    assert evaluate(framework, mixed, target=target) == verdict


@given(case=cases(high_scores=True), data=st.data())
def test_raising_a_score_never_makes_things_worse(case: Case, data: st.DataObject) -> None:
    framework, history, target, verdict = case
    rated = [
        (r_index, s_index)
        for r_index, review in enumerate(history.reviews)
        for s_index, rating in enumerate(review.ratings)
        if rating.score < framework.scale.max
    ]
    assume(rated)
    r_index, s_index = data.draw(st.sampled_from(rated))
    review = history.reviews[r_index]
    rating = review.ratings[s_index]
    better = attrs.evolve(
        rating, score=data.draw(st.integers(rating.score + 1, framework.scale.max))
    )
    raised = attrs.evolve(
        history,
        reviews=history.reviews.set(
            r_index, attrs.evolve(review, ratings=review.ratings.set(s_index, better))
        ),
    )
    after = evaluate(framework, raised, target=target)
    if verdict.status is Status.READY:
        assert after.status is Status.READY
    for before_result, after_result in zip(verdict.criteria, after.criteria, strict=True):
        if before_result.criterion.kind in SCORE_KINDS and before_result.passed:
            assert after_result.passed, (before_result.message, after_result.message)


@given(case=cases())
def test_verdict_json_round_trips(case: Case) -> None:
    verdict = case.verdict
    data = progression.unstructure(verdict)
    assert progression.structure(data, Verdict) == verdict
    text = progression._formats.dumps(data, "json")
    assert progression.structure(progression._formats.parse(text, "json"), Verdict) == verdict


@given(case=cases())
def test_applying_the_plan_makes_the_next_cycle_qualify(
    case: Case,
) -> None:
    framework, history, _, verdict = case
    assume(verdict.plan is not None and verdict.plan.achievable)
    assert verdict.plan is not None
    lateral = verdict.target_family if verdict.target_family != history.family else None
    policy = framework.policy(
        history.family, str(verdict.current_level), verdict.target_level, lateral
    )
    assume(policy is not None)
    assert policy is not None
    rater = (policy.raters or framework.raters)[0]
    latest = {}
    for review in history.reviews:
        if review.cycle == verdict.as_of:
            chosen = [r for r in review.ratings if r.rater in (policy.raters or framework.raters)]
            order = list(policy.raters or framework.raters)
            for rating in sorted(chosen, key=lambda r: order.index(r.rater), reverse=True):
                latest[rating.competency] = rating.score
    # Every competency that may be rated at the level: its track's and any branch's ahead.
    family = framework.family(history.family)
    rated = {
        c.id for t in family.tracks_through(str(verdict.current_level)) for c in t.competencies
    }
    scores = {c: latest.get(c, framework.scale.min) for c in sorted(rated)}
    for increase in verdict.plan.increases:
        scores[increase.competency] = increase.to_score
    following = verdict.as_of.shift(1)
    extended = attrs.evolve(
        history,
        reviews=[
            *history.reviews,
            Review(
                cycle=following,
                ratings=[Rating(competency=c, score=s, rater=rater) for c, s in scores.items()],
            ),
        ],
    )
    target = verdict.target_level if lateral is None else f"{lateral}/{verdict.target_level}"
    after = evaluate(framework, extended, target=target, as_of=following)
    for result in after.criteria:
        if result.criterion.kind in SCORE_KINDS:
            assert result.checks[-1].outcome is Outcome.PASSED, result.message


VERDICT_SCHEMA = progression.json_schema(Verdict)
HISTORY_SCHEMA = progression.json_schema(RatingHistory)


@given(case=cases())
def test_verdict_json_matches_the_published_schema(
    case: Case,
) -> None:
    _, history, _, verdict = case
    jsonschema.validate(progression.unstructure(verdict), VERDICT_SCHEMA)
    jsonschema.validate(progression.unstructure(history), HISTORY_SCHEMA)


# --- one definition per kind: the fast path, the full check and columnar decisions ------


@st.composite
def bound_cases(draw: st.DrawFn) -> tuple[Framework, RatingHistory]:
    """Any valid framework (any scale, cadence, weights and criteria) and a history for it."""
    framework = draw(strategies.frameworks())
    return framework, draw(strategies.rating_histories(framework))


Move = tuple[str, str, str | None]


def compiled_moves(
    framework: Framework, history: RatingHistory
) -> list[tuple[Move, CompiledPolicy]]:
    """Every move of the history's family a policy governs, with that policy compiled."""
    family = framework.family(history.family)
    moves: list[Move] = []
    for track in family.tracks:
        ladder = family.ladder(track.id)
        moves += [(low.id, high.id, None) for low, high in itertools.pairwise(ladder)]
    moves += [(c.from_level, c.to_level, None) for c in family.crossovers]
    moves += [(w.from_level, w.to_level, None) for w in family.way_back]
    moves += [(p.from_level, p.to_level, p.to_family) for p in family.lateral_paths]
    found = []
    for move in dict.fromkeys(moves):
        compiled = compile_move(framework, family.id, *move)
        if compiled is not None:
            found.append((move, compiled))
    return found


def compiled_policies(framework: Framework, history: RatingHistory) -> list[CompiledPolicy]:
    """The policy in force for every move of the history's family, compiled for it."""
    return [compiled for _, compiled in compiled_moves(framework, history)]


@given(case=bound_cases())
def test_the_fast_path_agrees_with_the_full_check_in_every_cycle(
    case: tuple[Framework, RatingHistory],
) -> None:
    framework, history = case
    binding = bind(framework, history)
    cycles = history.cycles()
    assume(cycles)
    for compiled in compiled_policies(framework, history):
        counted = binding.counted(compiled.raters)
        # One cycle before the first and one after the last: no review at all.
        for ordinal in range(cycles[0].ordinal - 1, cycles[-1].ordinal + 2):
            cycle = Cycle.from_ordinal(ordinal, framework.cadence)
            scores = counted.get(ordinal)
            checks = [step.check(cycle, scores) for step in compiled.scores]
            for step, check in zip(compiled.scores, checks, strict=True):
                assert step.qualifies(scores) == (check.outcome is Outcome.PASSED)
            assert compiled.qualifies(scores) == all(c.outcome is Outcome.PASSED for c in checks)


class Elementwise:
    """A minimal stand-in for a numpy integer array: elementwise, no truth value."""

    __hash__ = None  # type: ignore[assignment]  # like numpy arrays: mutable, unhashable

    def __init__(self, items: Sequence[int | bool]) -> None:
        self.items = list(items)

    def _zip(self, other: object) -> list[tuple[int, int]]:
        if isinstance(other, Elementwise):
            return list(zip(self.items, other.items, strict=True))
        assert isinstance(other, int)
        return [(item, other) for item in self.items]

    def __add__(self, other: object) -> "Elementwise":
        return Elementwise([a + b for a, b in self._zip(other)])

    __radd__ = __add__

    def __mul__(self, other: object) -> "Elementwise":
        return Elementwise([a * b for a, b in self._zip(other)])

    __rmul__ = __mul__

    def __lt__(self, other: object) -> "Elementwise":
        return Elementwise([a < b for a, b in self._zip(other)])

    def __gt__(self, other: object) -> "Elementwise":
        return Elementwise([a > b for a, b in self._zip(other)])

    def __ge__(self, other: object) -> "Elementwise":
        return Elementwise([a >= b for a, b in self._zip(other)])

    def __eq__(self, other: object) -> "Elementwise":  # type: ignore[override]
        return Elementwise([a == b for a, b in self._zip(other)])

    def __bool__(self) -> bool:
        raise TypeError("an elementwise value has no single truth value")


@given(case=bound_cases(), data=st.data())
def test_score_decisions_work_elementwise_as_on_single_scores(
    case: tuple[Framework, RatingHistory], data: st.DataObject
) -> None:
    framework, history = case
    scale = framework.scale
    for compiled in compiled_policies(framework, history):
        for step in compiled.scores:
            employees = data.draw(st.integers(1, 5))
            rows = [
                [data.draw(st.integers(scale.min, scale.max)) for _ in step.competencies]
                for _ in range(employees)
            ]
            columns = [Elementwise([row[i] for row in rows]) for i in range(len(step.competencies))]
            decided = step.decide(columns)
            one_by_one = [bool(step.decide(row)) for row in rows]
            if isinstance(decided, Elementwise):
                assert [bool(x) for x in decided.items] == one_by_one
            else:
                # No counted competency: the decision does not depend on the scores.
                assert all(x == bool(decided) for x in one_by_one)


@given(case=cases())
def test_the_engine_builds_the_values_the_public_constructors_build(
    case: Case,
) -> None:
    verdict = case.verdict
    # attrs.evolve goes through __init__ with its converters: the same value results.
    rebuilt = attrs.evolve(
        verdict,
        criteria=[
            attrs.evolve(r, checks=[attrs.evolve(c) for c in r.checks]) for r in verdict.criteria
        ],
        gaps=[attrs.evolve(g) for g in verdict.gaps],
        plan=None if verdict.plan is None else attrs.evolve(verdict.plan),
    )
    assert rebuilt == verdict
    assert hash(rebuilt) == hash(verdict)


@given(case=cases())
def test_a_timeline_holds_the_verdict_evaluate_gives_at_each_cycle(
    case: Case,
) -> None:
    framework, history, target, _ = case
    story = progression.timeline(framework, history, target=target)
    assert story.verdicts
    for verdict in story.verdicts:
        assert evaluate(framework, history, target=target, as_of=verdict.as_of) == verdict


@given(case=bound_cases(), data=st.data())
def test_a_timeline_has_a_verdict_at_every_cycle_evaluate_has_one_and_no_other(
    case: tuple[Framework, RatingHistory], data: st.DataObject
) -> None:
    framework, history = case
    family = framework.family(history.family)
    levels = [lv.id for t in family.tracks for lv in t.levels]
    target = data.draw(st.none() | st.sampled_from(levels))
    story = progression.timeline(framework, history, target=target)
    mentioned = [*history.cycles(), *(a.since for a in history.levels)]
    expected: list[Verdict] = []
    if mentioned:
        first, last = min(mentioned).ordinal, max(mentioned).ordinal
        for ordinal in range(first, last + 1):
            cycle = Cycle.from_ordinal(ordinal, framework.cadence)
            try:
                expected.append(evaluate(framework, history, target=target, as_of=cycle))
            except EvaluationError:
                continue
    event(f"{len(expected)} verdicts")
    assert list(story.verdicts) == expected
    # Built by the engine, the timeline equals the one the public constructor builds.
    assert story == progression.Timeline(employee=history.employee, verdicts=expected)


@given(case=cases(), data=st.data())
def test_one_binding_gives_each_target_the_verdict_evaluate_gives(
    case: Case, data: st.DataObject
) -> None:
    framework, history, _, _ = case
    family = framework.family(history.family)
    levels = [lv.id for t in family.tracks for lv in t.levels]
    targets = data.draw(st.lists(st.sampled_from(levels), min_size=1, max_size=4))
    binding = bind(framework, history)
    for target in [None, *targets]:
        try:
            expected: Verdict | str = evaluate(framework, history, target=target)
        except EvaluationError as error:
            expected = error.code
        try:
            got: Verdict | str = evaluate_bound(binding, target=target)
        except EvaluationError as error:
            got = error.code
        assert got == expected


# --- the new model shapes ---------------------------------------------------------------


@given(case=bound_cases())
def test_an_ambiguous_default_names_every_branch_and_each_can_be_targeted(
    case: tuple[Framework, RatingHistory],
) -> None:
    framework, history = case
    error = outcome(framework, history, None)
    if not (isinstance(error, EvaluationError) and error.code == "ambiguous_target"):
        return
    event("ambiguous default target")
    held = history.level_at(max(history.cycles()))
    assert held is not None
    options = framework.family(history.family).next_levels(held.level)
    assert len(options) > 1
    for option in options:
        assert repr(option.id) in error.message
        found = outcome(framework, history, option.id)
        if isinstance(found, EvaluationError):
            assert found.code == "no_policy"
        else:
            assert (found.route, found.target_level) == ("promotion", option.id)


def outcome(
    framework: Framework, history: RatingHistory, target: str | None
) -> Verdict | EvaluationError:
    """The verdict, or the evaluation error in its place."""
    try:
        return evaluate(framework, history, target=target)
    except EvaluationError as error:
        return error


@given(case=bound_cases())
def test_score_steps_count_what_the_framework_says_a_move_counts(
    case: tuple[Framework, RatingHistory],
) -> None:
    framework, history = case
    family = framework.family(history.family)
    for (from_level, to_level, to_family), compiled in compiled_moves(framework, history):
        for step in compiled.scores:
            counted = framework.counted_competencies(
                family.id, from_level, to_level, step.criterion, to_family
            )
            level = compiled.target_level
            stated = [
                c
                for c in counted
                if not isinstance(step.criterion, MeetsExpectations)
                or compiled.target.competency(c).levels[level].proficiency is not None
            ]
            assert step.competencies == tuple(stated)
        # Gaps: every competency the target level expects with a stated proficiency.
        expected = [
            (c.id, e.proficiency)
            for c in compiled.target.competencies
            if (e := c.expectation(compiled.target_level)) is not None and e.proficiency is not None
        ]
        assert list(compiled.required) == expected
