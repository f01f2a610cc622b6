"""Invariants of the evaluator, checked on generated histories for every bundled framework."""

import random
from collections.abc import Sequence
from typing import TypeVar

import attrs
import jsonschema
from hypothesis import assume, given
from hypothesis import strategies as st

import progression
from progression import (
    EvaluationError,
    Framework,
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
from progression._policy import SCORE_KINDS

T = TypeVar("T")
FRAMEWORKS = {name: examples.load(name) for name in examples.names()}
framework_names = st.sampled_from(sorted(FRAMEWORKS))


def verdict_or_none(framework: Framework, history: RatingHistory) -> Verdict | None:
    try:
        return evaluate(framework, history)
    except EvaluationError:
        return None  # at the top of a track there is no default target


@st.composite
def cases(draw: st.DrawFn, high_scores: bool = False) -> tuple[Framework, RatingHistory, Verdict]:
    framework = FRAMEWORKS[draw(framework_names)]
    history = draw(strategies.rating_histories(framework, high_scores=high_scores))
    verdict = verdict_or_none(framework, history)
    assume(verdict is not None)
    assert verdict is not None
    return framework, history, verdict


@given(case=cases())
def test_evaluation_is_deterministic(case: tuple[Framework, RatingHistory, Verdict]) -> None:
    framework, history, verdict = case
    again = evaluate(framework, history)
    assert again == verdict
    assert progression.unstructure(again) == progression.unstructure(verdict)


@given(case=cases())
def test_status_is_ready_exactly_when_every_criterion_passed(
    case: tuple[Framework, RatingHistory, Verdict],
) -> None:
    _, _, verdict = case
    assert (verdict.status is Status.READY) == all(r.passed for r in verdict.criteria)
    failed = any(r.outcome is Outcome.FAILED for r in verdict.criteria)
    assert (verdict.status is Status.NOT_READY) == failed
    assert (verdict.plan is None) == (verdict.status is Status.READY)


@given(case=cases(), seed=st.randoms(use_true_random=False))
def test_input_order_changes_nothing(
    case: tuple[Framework, RatingHistory, Verdict], seed: random.Random
) -> None:
    framework, history, verdict = case

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
    assert evaluate(framework, mixed) == verdict


@given(case=cases(high_scores=True), data=st.data())
def test_raising_a_score_never_makes_things_worse(
    case: tuple[Framework, RatingHistory, Verdict], data: st.DataObject
) -> None:
    framework, history, verdict = case
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
    after = evaluate(framework, raised)
    if verdict.status is Status.READY:
        assert after.status is Status.READY
    for before_result, after_result in zip(verdict.criteria, after.criteria, strict=True):
        if before_result.criterion.kind in SCORE_KINDS and before_result.passed:
            assert after_result.passed, (before_result.message, after_result.message)


@given(case=cases())
def test_verdict_json_round_trips(case: tuple[Framework, RatingHistory, Verdict]) -> None:
    _, _, verdict = case
    data = progression.unstructure(verdict)
    assert progression.structure(data, Verdict) == verdict
    text = progression._formats.dumps(data, "json")
    assert progression.structure(progression._formats.parse(text, "json"), Verdict) == verdict


@given(case=cases())
def test_applying_the_plan_makes_the_next_cycle_qualify(
    case: tuple[Framework, RatingHistory, Verdict],
) -> None:
    framework, history, verdict = case
    assume(verdict.plan is not None and verdict.plan.achievable)
    assert verdict.plan is not None
    policy = framework.policy(history.family, str(verdict.current_level), verdict.target_level)
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
    track = framework.family(history.family).track_of(str(verdict.current_level))
    scores = {c.id: latest.get(c.id, framework.scale.min) for c in track.competencies}
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
    after = evaluate(framework, extended, target=verdict.target_level, as_of=following)
    for result in after.criteria:
        if result.criterion.kind in SCORE_KINDS:
            assert result.checks[-1].outcome is Outcome.PASSED, result.message


VERDICT_SCHEMA = progression.json_schema(Verdict)
HISTORY_SCHEMA = progression.json_schema(RatingHistory)


@given(case=cases())
def test_verdict_json_matches_the_published_schema(
    case: tuple[Framework, RatingHistory, Verdict],
) -> None:
    _, history, verdict = case
    jsonschema.validate(progression.unstructure(verdict), VERDICT_SCHEMA)
    jsonschema.validate(progression.unstructure(history), HISTORY_SCHEMA)
