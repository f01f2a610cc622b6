"""Worked examples of every readiness rule of `progression.evaluate`, boundaries included.

Each test builds a small framework in code: one job family ``eng`` with an IC track
(``L1``..``L4``, competencies ``a``, ``b``, ``c``, ``d``), a management track (``M1``,
``M2``) entered by a crossover from ``L2`` and left by a way back to ``L3``, and a second
family ``other`` reached by a lateral path from ``L3``. Histories are written compactly:
``history({"2026-Q3": [3, 4, 4, 3]})`` scores ``a``..``d`` in that order.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import progression
from progression import (
    Approval,
    AverageScore,
    BranchPoint,
    Cadence,
    Calibration,
    Competency,
    CompetencyKind,
    Criterion,
    CriterionResult,
    Crossover,
    Cycle,
    EvaluationError,
    Evidence,
    Expectation,
    Framework,
    Increase,
    InvalidFramework,
    InvalidHistory,
    JobFamily,
    LateralPath,
    Level,
    LevelAssignment,
    ManagerEndorsement,
    MeetsExpectations,
    Origin,
    Outcome,
    PromotionPolicy,
    Rater,
    Rating,
    RatingHistory,
    RatingScale,
    Review,
    ScopeEvidence,
    ScoreFloor,
    Status,
    Sustained,
    TimeInLevel,
    Track,
    TrackKind,
    Verdict,
    WayBack,
)
from progression._policy import MAX_CYCLES

# --- building frameworks --------------------------------------------------------------

#: Expected proficiency per competency and level on the default 1..5 scale.
IC_EXPECTED: Mapping[str, Mapping[str, int]] = {
    "a": {"L1": 1, "L2": 2, "L3": 3, "L4": 4},
    "b": {"L1": 1, "L2": 2, "L3": 3, "L4": 4},
    "c": {"L1": 1, "L2": 2, "L3": 4, "L4": 4},
    "d": {"L1": 1, "L2": 2, "L3": 2, "L4": 3},
}
M_EXPECTED: Mapping[str, Mapping[str, int]] = {
    "a": {"M1": 3, "M2": 4},
    "b": {"M1": 4, "M2": 4},
    "e": {"M1": 3, "M2": 4},
}
X_EXPECTED: Mapping[str, Mapping[str, int]] = {
    "a": {"X1": 2, "X2": 3, "X3": 4},
    "x": {"X1": 1, "X2": 2, "X3": 3},
}


def track(
    track_id: str, kind: TrackKind, expected: Mapping[str, Mapping[str, int]], scale: RatingScale
) -> Track:
    level_ids = list(next(iter(expected.values())))
    return Track(
        id=track_id,
        name=track_id.upper(),
        kind=kind,
        levels=[
            Level(id=lv, name=lv, rank=rank, scope="scope", autonomy="autonomy")
            for rank, lv in enumerate(level_ids, start=1)
        ],
        competencies=[
            Competency(
                id=cid,
                name=cid.upper(),
                kind=CompetencyKind.CORE,
                summary=f"competency {cid}",
                levels={
                    lv: Expectation(
                        description=f"{cid} at {lv}",
                        proficiency=min(max(need, scale.min), scale.max),
                    )
                    for lv, need in by_level.items()
                },
            )
            for cid, by_level in expected.items()
        ],
    )


def framework(
    *policies: PromotionPolicy,
    cadence: Cadence = Cadence.QUARTERLY,
    scale: RatingScale | None = None,
    raters: Sequence[Rater] = (Rater.CALIBRATED, Rater.MANAGER),
) -> Framework:
    scale = scale or RatingScale()
    eng = JobFamily(
        id="eng",
        name="Engineering",
        tracks=[
            track("ic", TrackKind.IC, IC_EXPECTED, scale),
            track("mgmt", TrackKind.MANAGEMENT, M_EXPECTED, scale),
        ],
        crossovers=[Crossover(from_level="L2", to_level="M1")],
        way_back=[WayBack(from_level="M1", to_level="L3")],
        lateral_paths=[
            LateralPath(
                from_level="L3", to_family="other", to_level="X2", transferable=["a"], gaps=["x"]
            )
        ],
    )
    other = JobFamily(
        id="other", name="Other", tracks=[track("x", TrackKind.IC, X_EXPECTED, scale)]
    )
    return Framework(
        id="test",
        name="Test framework",
        version="1",
        cadence=cadence,
        scale=scale,
        job_families=[eng, other],
        policies=policies,
        raters=raters,
    )


def ic(*criteria: Criterion, raters: Sequence[Rater] = ()) -> PromotionPolicy:
    """The default policy for a step up the IC track."""
    return PromotionPolicy(family="eng", track="ic", criteria=criteria, raters=raters)


def move(
    from_level: str, to_level: str, *criteria: Criterion, to_family: str | None = None
) -> PromotionPolicy:
    """A policy for one transition."""
    return PromotionPolicy(
        family="eng",
        from_level=from_level,
        to_level=to_level,
        to_family=to_family,
        criteria=criteria,
    )


# --- building histories ---------------------------------------------------------------


def history(
    scores: Mapping[str, Sequence[int | None]] | None = None,
    *,
    levels: Sequence[tuple[str, str]] = (("L2", "2025-Q1"),),
    endorsed: Iterable[str] = (),
    calibrated: Iterable[str] = (),
    approvals: Mapping[str, Sequence[str]] | None = None,
    evidence: Mapping[str, Sequence[Evidence]] | None = None,
    ratings: Mapping[str, Sequence[Rating]] | None = None,
    rater: Rater = Rater.MANAGER,
    competencies: Sequence[str] = ("a", "b", "c", "d"),
    employee: str = "ada",
    family: str = "eng",
    track_id: str = "ic",
) -> RatingHistory:
    """A history from compact data: scores per cycle in the order of ``competencies``.

    ``None`` in a score list leaves that competency unrated; ``ratings`` adds ratings
    as given (other raters, say) to a cycle; ``approvals`` lists the named approval
    steps passed in a cycle.
    """
    scores = scores or {}
    evidence = evidence or {}
    ratings = ratings or {}
    approvals = approvals or {}
    endorsed, calibrated = set(endorsed), set(calibrated)
    cycles = sorted(
        {*scores, *endorsed, *calibrated, *approvals, *evidence, *ratings}, key=Cycle.parse
    )
    reviews = [
        Review(
            cycle=Cycle.parse(cycle),
            ratings=[
                *(
                    Rating(competency=c, score=s, rater=rater)
                    for c, s in zip(competencies, scores.get(cycle, ()), strict=False)
                    if s is not None
                ),
                *ratings.get(cycle, ()),
            ],
            evidence=evidence.get(cycle, ()),
            endorsed=cycle in endorsed,
            calibrated=cycle in calibrated,
            approvals=approvals.get(cycle, ()),
        )
        for cycle in cycles
    ]
    return RatingHistory(
        employee=employee,
        family=family,
        track=track_id,
        levels=[LevelAssignment(level=lv, since=Cycle.parse(since)) for lv, since in levels],
        reviews=reviews,
    )


def result(verdict: Verdict, kind: str) -> CriterionResult:
    """The verdict's result for the one criterion of this kind."""
    (found,) = [r for r in verdict.criteria if r.criterion.kind == kind]
    return found


def codes(verdict: Verdict) -> list[str]:
    return [r.code for r in verdict.criteria]


def cycles(*names: str) -> list[Cycle]:
    return [Cycle.parse(name) for name in names]


Q = Cycle.parse
AVERAGE = AverageScore(threshold="3.5")


# --- average score --------------------------------------------------------------------


def test_an_average_exactly_at_the_threshold_is_ready() -> None:
    verdict = progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [3, 4, 4, 3]}))
    average = result(verdict, "average_score")
    assert verdict.status is Status.READY
    assert (average.code, average.outcome) == ("average_score.met", Outcome.PASSED)
    assert average.observed == Fraction(7, 2)
    assert average.required == Fraction(7, 2)
    assert list(average.cycles) == cycles("2026-Q3")
    assert "average >= 3.5 in every cycle of 2026-Q3 (2026-Q3: 3.5)" in average.message


def test_an_average_just_below_the_threshold_is_not_ready() -> None:
    verdict = progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [3, 4, 3, 3]}))
    average = result(verdict, "average_score")
    assert verdict.status is Status.NOT_READY
    assert (average.code, average.outcome) == ("average_score.below_threshold", Outcome.FAILED)
    assert average.observed == Fraction(13, 4)
    assert average.required == Fraction(7, 2)
    assert "average 3.25 in 2026-Q3, needs >= 3.5" in average.message


def test_a_strict_threshold_is_not_met_by_an_average_exactly_at_it() -> None:
    policy = ic(AverageScore(threshold="3.5", strict=True))
    at = progression.evaluate(framework(policy), history({"2026-Q3": [3, 4, 4, 3]}))
    above = progression.evaluate(framework(policy), history({"2026-Q3": [4, 4, 4, 3]}))
    assert at.status is Status.NOT_READY
    assert result(at, "average_score").code == "average_score.below_threshold"
    assert result(at, "average_score").observed == Fraction(7, 2)
    assert "average 3.5 in 2026-Q3, needs > 3.5" in result(at, "average_score").message
    assert above.status is Status.READY
    assert result(above, "average_score").observed == Fraction(15, 4)


@pytest.mark.parametrize(
    ("weights", "scores", "code", "observed", "shown"),
    [
        ({}, [2, 4, 4, 4], "average_score.met", Fraction(7, 2), "2026-Q3: 3.5"),
        ({"a": 2}, [2, 4, 4, 4], "average_score.below_threshold", Fraction(16, 5), "average 3.2"),
        ({}, [5, 3, 3, 2], "average_score.below_threshold", Fraction(13, 4), "average 3.25"),
        ({"a": 2}, [5, 3, 3, 2], "average_score.met", Fraction(18, 5), "2026-Q3: 3.6"),
    ],
)
def test_a_weight_of_two_counts_a_competency_twice_and_changes_the_outcome(
    weights: dict[str, int], scores: list[int], code: str, observed: Fraction, shown: str
) -> None:
    policy = ic(AverageScore(threshold="3.5", weights=weights))
    verdict = progression.evaluate(framework(policy), history({"2026-Q3": scores}))
    average = result(verdict, "average_score")
    assert verdict.status is (Status.READY if code.endswith(".met") else Status.NOT_READY)
    assert (average.code, average.observed, average.required) == (code, observed, Fraction(7, 2))
    assert shown in average.message


def test_an_average_over_a_subset_counts_only_the_listed_competencies() -> None:
    policy = ic(AverageScore(threshold="3.5", competencies=["a", "b"]))
    met = progression.evaluate(framework(policy), history({"2026-Q3": [4, 3, 1, 1]}))
    short = progression.evaluate(framework(policy), history({"2026-Q3": [4, 2, 5, 5]}))
    assert met.status is Status.READY
    assert result(met, "average_score").observed == Fraction(7, 2)
    assert short.status is Status.NOT_READY
    assert result(short, "average_score").observed == 3
    assert "average 3 in 2026-Q3, needs >= 3.5" in result(short, "average_score").message


def test_a_subset_average_ignores_an_unrated_competency_outside_the_subset() -> None:
    policy = ic(AverageScore(threshold="3.5", competencies=["a", "b"]))
    verdict = progression.evaluate(framework(policy), history({"2026-Q3": [4, 3, None, None]}))
    assert verdict.status is Status.READY
    assert codes(verdict) == ["average_score.met"]


# --- score floor ----------------------------------------------------------------------


def test_a_score_exactly_at_the_floor_passes() -> None:
    verdict = progression.evaluate(
        framework(ic(ScoreFloor(floor=3))), history({"2026-Q3": [3, 4, 4, 3]})
    )
    floor = result(verdict, "score_floor")
    assert verdict.status is Status.READY
    assert (floor.code, floor.outcome) == ("score_floor.met", Outcome.PASSED)
    assert (floor.observed, floor.required) == (3, 3)
    assert "no competency below 3 in 2026-Q3" in floor.message


def test_a_score_one_below_the_floor_fails_and_names_the_competency() -> None:
    verdict = progression.evaluate(
        framework(ic(ScoreFloor(floor=3))), history({"2026-Q3": [3, 2, 4, 4]})
    )
    floor = result(verdict, "score_floor")
    assert verdict.status is Status.NOT_READY
    assert (floor.code, floor.outcome) == ("score_floor.below_floor", Outcome.FAILED)
    assert (floor.observed, floor.required) == (2, 3)
    assert list(floor.competencies) == ["b"]
    assert "b below 3 in 2026-Q3 (lowest 2)" in floor.message


# --- meets expectations ---------------------------------------------------------------


def test_meets_expectations_compares_with_the_target_level_not_the_current_one() -> None:
    # At L2 every competency expects 2; L3 expects a 3, b 3, c 4, d 2.
    policy = ic(MeetsExpectations())
    short = progression.evaluate(framework(policy), history({"2026-Q3": [3, 3, 3, 2]}))
    met = progression.evaluate(framework(policy), history({"2026-Q3": [3, 3, 4, 2]}))
    expectation = result(short, "meets_expectations")
    assert short.target_level == "L3"
    assert short.status is Status.NOT_READY
    assert expectation.code == "meets_expectations.below_expectation"
    assert expectation.outcome is Outcome.FAILED
    assert (expectation.observed, expectation.required) == (1, 0)
    assert list(expectation.competencies) == ["c"]
    assert "c below the target level's expectation in 2026-Q3" in expectation.message
    assert met.status is Status.READY
    assert result(met, "meets_expectations").code == "meets_expectations.met"
    assert result(met, "meets_expectations").observed == 0


# --- sustained ------------------------------------------------------------------------


def test_sustained_two_is_met_when_both_quarters_pass() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q2": [3, 4, 4, 3], "2026-Q3": [4, 4, 4, 4]}),
    )
    average, sustained = result(verdict, "average_score"), result(verdict, "sustained")
    assert verdict.status is Status.READY
    assert average.code == "average_score.met"
    assert list(average.cycles) == cycles("2026-Q2", "2026-Q3")
    assert [check.observed for check in average.checks] == [Fraction(7, 2), 4]
    assert "2026-Q2: 3.5, 2026-Q3: 4" in average.message
    assert (sustained.code, sustained.outcome) == ("sustained.met", Outcome.PASSED)
    assert (sustained.observed, sustained.required) == (2, 2)


def test_sustained_two_fails_when_the_earlier_quarter_fails() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q2": [3, 3, 3, 3], "2026-Q3": [4, 4, 4, 4]}),
    )
    average, sustained = result(verdict, "average_score"), result(verdict, "sustained")
    assert verdict.status is Status.NOT_READY
    assert (average.code, average.outcome) == ("average_score.below_threshold", Outcome.FAILED)
    assert average.observed == 3
    assert "average 3 in 2026-Q2, needs >= 3.5" in average.message
    assert (sustained.code, sustained.outcome) == ("sustained.run_too_short", Outcome.FAILED)
    assert (sustained.observed, sustained.required) == (1, 2)
    assert "held in 1 of the last 2 consecutive cycles up to 2026-Q3" in sustained.message


def test_a_quarter_without_any_review_breaks_the_run_and_is_named() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, ScoreFloor(floor=3), Sustained(cycles=2))),
        history({"2026-Q1": [4, 4, 4, 4], "2026-Q3": [4, 4, 4, 4]}),
    )
    average, floor = result(verdict, "average_score"), result(verdict, "score_floor")
    assert verdict.status is Status.NOT_READY
    for score in (average, floor):
        assert score.outcome is Outcome.FAILED
        assert score.observed is None
        assert "no review in 2026-Q2" in score.message
    assert average.code == "average_score.no_review"
    assert floor.code == "score_floor.no_review"
    assert [check.reviewed for check in average.checks] == [False, True]
    assert result(verdict, "sustained").code == "sustained.run_too_short"
    assert result(verdict, "sustained").observed == 1


def test_a_review_without_ratings_is_unrated_rather_than_missing() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q3": [4, 4, 4, 4]}, endorsed={"2026-Q2"}),
    )
    average = result(verdict, "average_score")
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert (average.code, average.outcome) == ("average_score.unrated", Outcome.UNDECIDED)
    assert list(average.competencies) == ["a", "b", "c", "d"]


# --- unrated competencies -------------------------------------------------------------


def test_an_unrated_competency_in_the_window_is_insufficient_data_and_named() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q2": [4, 4, None, 4], "2026-Q3": [4, 4, 4, 4]}),
    )
    average, sustained = result(verdict, "average_score"), result(verdict, "sustained")
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert (average.code, average.outcome) == ("average_score.unrated", Outcome.UNDECIDED)
    assert list(average.competencies) == ["c"]
    assert average.observed is None
    assert "no counted score in 2026-Q2 for c" in average.message
    assert (sustained.code, sustained.outcome) == ("sustained.unrated", Outcome.UNDECIDED)
    assert verdict.ready_since is None


def test_an_unrated_competency_with_a_failure_elsewhere_is_not_ready() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, TimeInLevel(cycles=12))),
        history({"2026-Q3": [4, 4, None, 4]}),
    )
    assert verdict.status is Status.NOT_READY
    assert codes(verdict) == ["average_score.unrated", "time_in_level.too_short"]
    assert result(verdict, "average_score").outcome is Outcome.UNDECIDED
    assert result(verdict, "time_in_level").outcome is Outcome.FAILED


def test_a_failed_earlier_quarter_outweighs_an_unrated_later_one() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q2": [3, 3, 3, 3], "2026-Q3": [4, 4, None, 4]}),
    )
    average = result(verdict, "average_score")
    assert verdict.status is Status.NOT_READY
    assert (average.code, average.outcome) == ("average_score.below_threshold", Outcome.FAILED)
    assert average.observed == 3


def test_the_message_of_a_failed_quarter_names_it_even_when_a_later_one_is_unrated() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q2": [3, 3, 3, 3], "2026-Q3": [4, 4, None, 4]}),
    )
    assert "average 3 in 2026-Q2, needs >= 3.5" in result(verdict, "average_score").message


def test_the_message_of_a_missing_quarter_names_it_even_when_a_later_one_is_unrated() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q1": [4, 4, 4, 4], "2026-Q3": [4, 4, None, 4]}),
    )
    average = result(verdict, "average_score")
    assert average.code == "average_score.no_review"
    assert "no review in 2026-Q2" in average.message


def test_a_floor_fails_on_a_rated_shortfall_even_beside_an_unrated_competency() -> None:
    # b is rated 2, below the floor; c is unrated. The shortfall is certain whatever c
    # would have been, so the cycle fails rather than waiting for c.
    verdict = progression.evaluate(
        framework(ic(ScoreFloor(floor=3))), history({"2026-Q3": [4, 2, None, 3]})
    )
    floor = result(verdict, "score_floor")
    assert verdict.status is Status.NOT_READY
    assert (floor.code, floor.outcome) == ("score_floor.below_floor", Outcome.FAILED)
    assert (floor.observed, floor.required) == (2, 3)
    assert list(floor.competencies) == ["b"]
    assert floor.message == "b below 3 in 2026-Q3 (lowest 2)"
    (check,) = floor.checks
    assert (check.outcome, check.observed, list(check.competencies)) == (
        Outcome.FAILED,
        2,
        ["b"],
    )


def test_a_floor_with_no_rated_shortfall_and_an_unrated_competency_is_undecided() -> None:
    verdict = progression.evaluate(
        framework(ic(ScoreFloor(floor=3))), history({"2026-Q3": [4, 3, None, 3]})
    )
    floor = result(verdict, "score_floor")
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert (floor.code, floor.outcome, floor.observed) == (
        "score_floor.unrated",
        Outcome.UNDECIDED,
        None,
    )
    assert list(floor.competencies) == ["c"]
    assert floor.message == "no counted score in 2026-Q3 for c"


def test_meets_expectations_fails_on_a_rated_shortfall_even_beside_an_unrated_one() -> None:
    # L3 expects a 3, b 3, c 4, d 2: a is short by one, d is unrated.
    verdict = progression.evaluate(
        framework(ic(MeetsExpectations())), history({"2026-Q3": [2, 3, 4, None]})
    )
    expectation = result(verdict, "meets_expectations")
    assert verdict.status is Status.NOT_READY
    assert expectation.code == "meets_expectations.below_expectation"
    assert (expectation.observed, list(expectation.competencies)) == (1, ["a"])
    assert expectation.message == "a below the target level's expectation in 2026-Q3"


def test_meets_expectations_with_no_rated_shortfall_and_an_unrated_one_is_undecided() -> None:
    verdict = progression.evaluate(
        framework(ic(MeetsExpectations())), history({"2026-Q3": [3, 3, 4, None]})
    )
    expectation = result(verdict, "meets_expectations")
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert expectation.code == "meets_expectations.unrated"
    assert (expectation.observed, list(expectation.competencies)) == (None, ["d"])


def test_an_average_with_an_unrated_competency_stays_undecided_whatever_the_others() -> None:
    # Even 1, 1, 1 cannot reach 3.5 with one more score of 5 at most (8/4 = 2), but an
    # average is a single number over every counted competency: without d there is none.
    verdict = progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [1, 1, 1, None]}))
    average = result(verdict, "average_score")
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert (average.code, average.observed, list(average.competencies)) == (
        "average_score.unrated",
        None,
        ["d"],
    )


def test_a_rated_shortfall_beside_an_unrated_competency_breaks_the_run() -> None:
    verdict = progression.evaluate(
        framework(ic(ScoreFloor(floor=3), Sustained(cycles=2))),
        history({"2026-Q2": [4, 4, 4, 4], "2026-Q3": [4, 2, None, 4]}),
    )
    sustained = result(verdict, "sustained")
    assert verdict.status is Status.NOT_READY
    assert (sustained.code, sustained.observed) == ("sustained.run_too_short", 0)


# --- time in level --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "code", "outcome", "observed"),
    [
        ("2026-Q3", "time_in_level.too_short", Outcome.FAILED, 3),
        ("2026-Q4", "time_in_level.met", Outcome.PASSED, 4),
    ],
)
def test_time_in_level_one_cycle_short_fails_and_exactly_enough_passes(
    as_of: str, code: str, outcome: Outcome, observed: int
) -> None:
    verdict = progression.evaluate(
        framework(ic(TimeInLevel(cycles=4))),
        history({as_of: [3, 3, 3, 3]}, levels=[("L2", "2026-Q1")]),
    )
    time = result(verdict, "time_in_level")
    assert (time.code, time.outcome) == (code, outcome)
    assert (time.observed, time.required) == (observed, 4)
    assert time.cycles[0] == Q("2026-Q1")
    assert time.cycles[-1] == Q(as_of)
    assert f"{observed} quarters in level, needs 4" in time.message


def test_time_in_level_counts_from_the_latest_assignment_after_a_promotion() -> None:
    verdict = progression.evaluate(
        framework(ic(TimeInLevel(cycles=4))),
        history({"2026-Q3": [3, 3, 3, 3]}, levels=[("L1", "2024-Q1"), ("L2", "2026-Q2")]),
    )
    time = result(verdict, "time_in_level")
    assert verdict.current_level == "L2"
    assert verdict.status is Status.NOT_READY
    assert (time.code, time.observed) == ("time_in_level.too_short", 2)
    assert list(time.cycles) == cycles("2026-Q2", "2026-Q3")


def test_consecutive_assignments_to_the_same_level_count_as_one_stay() -> None:
    verdict = progression.evaluate(
        framework(ic(TimeInLevel(cycles=4))),
        history({"2026-Q3": [3, 3, 3, 3]}, levels=[("L2", "2025-Q1"), ("L2", "2026-Q2")]),
    )
    time = result(verdict, "time_in_level")
    assert (time.code, time.observed) == ("time_in_level.met", 7)
    assert time.cycles[0] == Q("2025-Q1")


def test_a_stay_at_the_same_level_interrupted_by_another_level_counts_afresh() -> None:
    verdict = progression.evaluate(
        framework(ic(TimeInLevel(cycles=4))),
        history(
            {"2026-Q3": [3, 3, 3, 3]},
            levels=[("L2", "2025-Q1"), ("L1", "2025-Q3"), ("L2", "2026-Q2")],
        ),
    )
    assert result(verdict, "time_in_level").observed == 2


def test_no_level_assignment_with_an_explicit_target_leaves_time_in_level_undecided() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, TimeInLevel(cycles=4))),
        history({"2026-Q3": [4, 4, 4, 4]}, levels=[]),
        target="L3",
    )
    time = result(verdict, "time_in_level")
    assert verdict.current_level is None
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert (time.code, time.outcome) == ("time_in_level.no_level", Outcome.UNDECIDED)
    assert (time.observed, time.required) == (None, 4)
    assert "no level assignment on or before 2026-Q3" in time.message
    assert verdict.earliest is None


def test_no_level_assignment_without_a_target_cannot_be_evaluated() -> None:
    with pytest.raises(EvaluationError, match="no level assignment"):
        progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [4, 4, 4, 4]}, levels=[]))


# --- scope evidence -------------------------------------------------------------------

LAUNCHES = ScopeEvidence(id="launches", count=2)
STAKEHOLDERS = ScopeEvidence(id="stakeholders", min_value=3, unit="teams")


def test_scope_evidence_one_record_short_fails() -> None:
    records = {"2026-Q2": [Evidence(requirement="launches", note="search")]}
    verdict = progression.evaluate(framework(ic(LAUNCHES)), history(evidence=records))
    evidence = result(verdict, "scope_evidence")
    assert verdict.status is Status.NOT_READY
    assert (evidence.code, evidence.outcome) == ("scope_evidence.too_few_records", Outcome.FAILED)
    assert (evidence.observed, evidence.required) == (1, 2)
    assert list(evidence.cycles) == cycles("2026-Q2")
    assert "launches: 1 of 2 records at the current level" in evidence.message


def test_scope_evidence_with_exactly_the_count_passes() -> None:
    records = {
        "2026-Q2": [Evidence(requirement="launches")],
        "2026-Q3": [Evidence(requirement="launches"), Evidence(requirement="other")],
    }
    verdict = progression.evaluate(framework(ic(LAUNCHES)), history(evidence=records))
    evidence = result(verdict, "scope_evidence")
    assert verdict.status is Status.READY
    assert (evidence.code, evidence.observed) == ("scope_evidence.met", 2)
    assert list(evidence.cycles) == cycles("2026-Q2", "2026-Q3")


def test_two_records_each_below_min_value_fail_although_their_sum_would_pass() -> None:
    records = {
        "2026-Q2": [Evidence(requirement="stakeholders", value=2)],
        "2026-Q3": [Evidence(requirement="stakeholders", value=2)],
    }
    verdict = progression.evaluate(framework(ic(STAKEHOLDERS)), history(evidence=records))
    evidence = result(verdict, "scope_evidence")
    assert verdict.status is Status.NOT_READY
    assert (evidence.code, evidence.observed, evidence.required) == (
        "scope_evidence.too_few_records",
        0,
        1,
    )
    assert "stakeholders: 0 of 1 record of at least 3 teams at the current level" in (
        evidence.message
    )


def test_one_record_exactly_at_min_value_passes() -> None:
    records = {"2026-Q3": [Evidence(requirement="stakeholders", value=3)]}
    verdict = progression.evaluate(framework(ic(STAKEHOLDERS)), history(evidence=records))
    assert verdict.status is Status.READY
    assert result(verdict, "scope_evidence").observed == 1


def test_a_record_without_a_value_does_not_count_when_min_value_is_set() -> None:
    records = {"2026-Q3": [Evidence(requirement="stakeholders", note="no count given")]}
    with_min = progression.evaluate(framework(ic(STAKEHOLDERS)), history(evidence=records))
    without_min = progression.evaluate(
        framework(ic(ScopeEvidence(id="stakeholders"))), history(evidence=records)
    )
    assert result(with_min, "scope_evidence").code == "scope_evidence.too_few_records"
    assert result(with_min, "scope_evidence").observed == 0
    assert result(without_min, "scope_evidence").code == "scope_evidence.met"
    assert result(without_min, "scope_evidence").observed == 1


def test_evidence_from_before_the_current_level_does_not_count() -> None:
    records = {
        "2025-Q4": [Evidence(requirement="launches")],
        "2026-Q1": [Evidence(requirement="launches")],
    }
    levels = [("L1", "2025-Q1"), ("L2", "2026-Q1")]
    verdict = progression.evaluate(
        framework(ic(LAUNCHES)), history(evidence=records, levels=levels), as_of="2026-Q2"
    )
    evidence = result(verdict, "scope_evidence")
    assert (evidence.code, evidence.observed) == ("scope_evidence.too_few_records", 1)
    assert list(evidence.cycles) == cycles("2026-Q1")


def test_evidence_after_the_cycle_evaluated_does_not_count() -> None:
    records = {
        "2026-Q1": [Evidence(requirement="launches")],
        "2026-Q3": [Evidence(requirement="launches")],
    }
    verdict = progression.evaluate(
        framework(ic(LAUNCHES)), history(evidence=records), as_of="2026-Q2"
    )
    assert result(verdict, "scope_evidence").observed == 1


# --- endorsement and calibration ------------------------------------------------------


GIVEN = "manager endorsement given in 2026-Q3"
NOT_GIVEN = "manager endorsement not given in 2026-Q3"
CONFIRMED = "calibration confirmed in 2026-Q3"
NOT_CONFIRMED = "calibration not confirmed in 2026-Q3"


@pytest.mark.parametrize(
    ("criterion", "given", "code", "outcome", "message"),
    [
        (ManagerEndorsement(), "2026-Q3", "manager_endorsement.given", Outcome.PASSED, GIVEN),
        (ManagerEndorsement(), None, "manager_endorsement.not_given", Outcome.FAILED, NOT_GIVEN),
        (
            ManagerEndorsement(),
            "2026-Q2",
            "manager_endorsement.not_given",
            Outcome.FAILED,
            NOT_GIVEN,
        ),
        (Calibration(), "2026-Q3", "calibration.confirmed", Outcome.PASSED, CONFIRMED),
        (Calibration(), None, "calibration.not_confirmed", Outcome.FAILED, NOT_CONFIRMED),
        (Calibration(), "2026-Q2", "calibration.not_confirmed", Outcome.FAILED, NOT_CONFIRMED),
    ],
)
def test_an_approval_counts_only_when_recorded_in_the_cycle_evaluated(
    criterion: ManagerEndorsement | Calibration,
    given: str | None,
    code: str,
    outcome: Outcome,
    message: str,
) -> None:
    marks = {given} if given else set()
    data = {"2026-Q2": [4, 4, 4, 4], "2026-Q3": [4, 4, 4, 4]}
    if isinstance(criterion, ManagerEndorsement):
        record = history(data, endorsed=marks, calibrated={"2026-Q2", "2026-Q3"})
    else:
        record = history(data, calibrated=marks, endorsed={"2026-Q2", "2026-Q3"})
    verdict = progression.evaluate(framework(ic(criterion)), record)
    approval = result(verdict, criterion.kind)
    assert (approval.code, approval.outcome) == (code, outcome)
    assert (approval.observed, approval.required) == (outcome is Outcome.PASSED, True)
    assert list(approval.cycles) == cycles("2026-Q3")
    assert verdict.status is (Status.READY if outcome is Outcome.PASSED else Status.NOT_READY)
    assert approval.message == message


def test_met_except_approval_when_only_the_approvals_are_missing() -> None:
    policy = ic(AVERAGE, ManagerEndorsement(), Calibration())
    verdict = progression.evaluate(
        framework(policy), history({"2026-Q3": [4, 4, 4, 4]}, calibrated={"2026-Q3"})
    )
    assert verdict.status is Status.NOT_READY
    assert verdict.met_except_approval is True
    assert codes(verdict) == [
        "average_score.met",
        "manager_endorsement.not_given",
        "calibration.confirmed",
    ]
    assert "ready pending approval" in verdict.summary
    assert "manager endorsement not given in 2026-Q3" in verdict.summary


def test_not_met_except_approval_when_another_criterion_fails() -> None:
    policy = ic(AVERAGE, ManagerEndorsement())
    verdict = progression.evaluate(framework(policy), history({"2026-Q3": [3, 3, 3, 4]}))
    assert verdict.status is Status.NOT_READY
    assert verdict.met_except_approval is False


def test_met_except_approval_is_false_while_a_criterion_is_undecided() -> None:
    policy = ic(AVERAGE, ManagerEndorsement())
    verdict = progression.evaluate(
        framework(policy), history({"2026-Q3": [4, 4, None, 4]}, endorsed={"2026-Q3"})
    )
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert verdict.met_except_approval is False


def test_ready_when_approvals_are_given_is_met_except_approval_too() -> None:
    policy = ic(AVERAGE, ManagerEndorsement(), Calibration())
    verdict = progression.evaluate(
        framework(policy),
        history({"2026-Q3": [4, 4, 4, 4]}, endorsed={"2026-Q3"}, calibrated={"2026-Q3"}),
    )
    assert verdict.status is Status.READY
    assert verdict.met_except_approval is True


# --- named approval steps -------------------------------------------------------------

PANEL = Approval(step="promotion-panel", description="A panel of two directors.")


@pytest.mark.parametrize(
    ("approvals", "code", "outcome", "message"),
    [
        (
            {"2026-Q3": ["promotion-panel"]},
            "approval.given",
            Outcome.PASSED,
            "approval step promotion-panel given in 2026-Q3 (A panel of two directors)",
        ),
        (
            {"2026-Q2": ["promotion-panel"], "2026-Q3": ["interview"]},
            "approval.not_given",
            Outcome.FAILED,
            "approval step promotion-panel not given in 2026-Q3 (A panel of two directors)",
        ),
        (
            {},
            "approval.not_given",
            Outcome.FAILED,
            "approval step promotion-panel not given in 2026-Q3 (A panel of two directors)",
        ),
    ],
)
def test_a_named_step_counts_only_when_the_review_evaluated_lists_it(
    approvals: dict[str, list[str]], code: str, outcome: Outcome, message: str
) -> None:
    data = {"2026-Q2": [4, 4, 4, 4], "2026-Q3": [4, 4, 4, 4]}
    verdict = progression.evaluate(
        framework(ic(AVERAGE, PANEL)), history(data, approvals=approvals)
    )
    step = result(verdict, "approval")
    assert (step.code, step.outcome) == (code, outcome)
    assert (step.observed, step.required) == (outcome is Outcome.PASSED, True)
    assert list(step.cycles) == cycles("2026-Q3")
    assert step.message == message
    assert verdict.status is (Status.READY if outcome is Outcome.PASSED else Status.NOT_READY)
    # Only the approval is missing, if anything: ready pending approval.
    assert verdict.met_except_approval is True


def test_a_cycle_evaluated_without_a_review_has_no_approval_step() -> None:
    record = history({"2026-Q2": [4, 4, 4, 4]}, approvals={"2026-Q2": ["promotion-panel"]})
    verdict = progression.evaluate(framework(ic(PANEL)), record, as_of="2026-Q3")
    assert codes(verdict) == ["approval.not_given"]
    assert result(verdict, "approval").message.startswith(
        "approval step promotion-panel not given in 2026-Q3"
    )


def test_each_named_step_is_judged_on_its_own_and_the_missing_one_is_named() -> None:
    interview = Approval(step="interview")
    record = history({"2026-Q3": [4, 4, 4, 4]}, approvals={"2026-Q3": ["interview"]})
    verdict = progression.evaluate(framework(ic(AVERAGE, interview, PANEL)), record)
    assert codes(verdict) == ["average_score.met", "approval.given", "approval.not_given"]
    assert verdict.status is Status.NOT_READY
    assert verdict.met_except_approval is True
    assert verdict.summary == (
        "ada: L2 -> L3: ready pending approval: approval step promotion-panel not given in"
        " 2026-Q3 (A panel of two directors)"
    )
    assert verdict.plan is not None
    assert verdict.plan.others[-1].startswith("approval step promotion-panel not given")


def test_a_step_does_not_make_up_for_a_score_criterion_that_failed() -> None:
    record = history({"2026-Q3": [3, 3, 3, 3]}, approvals={"2026-Q3": ["promotion-panel"]})
    verdict = progression.evaluate(framework(ic(AVERAGE, PANEL)), record)
    assert codes(verdict) == ["average_score.below_threshold", "approval.given"]
    assert verdict.met_except_approval is False


def test_a_compiled_policy_lists_its_named_steps_for_executors() -> None:
    from progression._evaluation import compile_move

    compiled = compile_move(
        framework(ic(AVERAGE, PANEL, Approval(step="interview"))), "eng", "L2", "L3"
    )
    assert compiled is not None
    assert compiled.approvals == ("promotion-panel", "interview")
    assert (compiled.endorsement, compiled.calibration) == (False, False)


# --- which rater counts ---------------------------------------------------------------


def ratings_of(rater: Rater, scores: Sequence[int]) -> list[Rating]:
    return [Rating(competency=c, score=s, rater=rater) for c, s in zip("abcd", scores, strict=True)]


@pytest.mark.parametrize(
    ("manager", "calibrated", "status", "observed"),
    [
        ([3, 3, 3, 3], [4, 4, 4, 4], Status.READY, 4),
        ([4, 4, 4, 4], [3, 3, 3, 3], Status.NOT_READY, 3),
    ],
)
def test_a_calibrated_score_is_preferred_to_the_managers(
    manager: list[int], calibrated: list[int], status: Status, observed: int
) -> None:
    record = history(
        {"2026-Q3": manager}, ratings={"2026-Q3": ratings_of(Rater.CALIBRATED, calibrated)}
    )
    verdict = progression.evaluate(framework(ic(AVERAGE)), record)
    assert verdict.status is status
    assert result(verdict, "average_score").observed == observed


def test_the_managers_score_counts_where_no_calibrated_one_exists() -> None:
    record = history(
        {"2026-Q3": [3, 3, 4, 4]},
        ratings={"2026-Q3": [Rating(competency="a", score=4, rater=Rater.CALIBRATED)]},
    )
    verdict = progression.evaluate(framework(ic(AVERAGE)), record)
    assert verdict.status is Status.READY
    assert result(verdict, "average_score").observed == Fraction(15, 4)


def test_self_and_peer_scores_are_ignored_by_default() -> None:
    record = history(
        {"2026-Q3": [3, 3, 3, 3]},
        ratings={
            "2026-Q3": [*ratings_of(Rater.SELF, [5, 5, 5, 5]), *ratings_of(Rater.PEER, [5] * 4)]
        },
    )
    verdict = progression.evaluate(framework(ic(AVERAGE)), record)
    assert verdict.status is Status.NOT_READY
    assert result(verdict, "average_score").observed == 3


def test_a_cycle_rated_only_by_the_employee_is_unrated_by_default() -> None:
    record = history({"2026-Q3": [5, 5, 5, 5]}, rater=Rater.SELF)
    verdict = progression.evaluate(framework(ic(AVERAGE)), record)
    average = result(verdict, "average_score")
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert (average.code, list(average.competencies)) == (
        "average_score.unrated",
        ["a", "b", "c", "d"],
    )


def test_a_policy_with_raters_self_counts_self_scores() -> None:
    record = history(
        {"2026-Q3": [3, 3, 3, 3]}, ratings={"2026-Q3": ratings_of(Rater.SELF, [5, 5, 5, 4])}
    )
    verdict = progression.evaluate(framework(ic(AVERAGE, raters=[Rater.SELF])), record)
    assert verdict.status is Status.READY
    assert result(verdict, "average_score").observed == Fraction(19, 4)


def test_a_framework_with_raters_self_first_counts_self_scores() -> None:
    record = history(
        {"2026-Q3": [3, 3, 3, 3]}, ratings={"2026-Q3": ratings_of(Rater.SELF, [4, 4, 4, 4])}
    )
    verdict = progression.evaluate(
        framework(ic(AVERAGE), raters=[Rater.SELF, Rater.MANAGER]), record
    )
    assert verdict.status is Status.READY
    assert result(verdict, "average_score").observed == 4


# --- cadence and scale ----------------------------------------------------------------


def test_a_half_yearly_framework_counts_time_and_runs_in_half_years() -> None:
    fw = framework(
        ic(AVERAGE, Sustained(cycles=2), TimeInLevel(cycles=3)), cadence=Cadence.HALF_YEARLY
    )
    record = history({"2025-H2": [3, 3, 3, 3], "2026-H1": [4, 4, 4, 4]}, levels=[("L2", "2025-H1")])
    verdict = progression.evaluate(fw, record)
    time, average = result(verdict, "time_in_level"), result(verdict, "average_score")
    assert verdict.as_of == Q("2026-H1")
    assert verdict.status is Status.NOT_READY
    assert (time.code, time.observed) == ("time_in_level.met", 3)
    assert list(time.cycles) == cycles("2025-H1", "2025-H2", "2026-H1")
    assert list(average.cycles) == cycles("2025-H2", "2026-H1")
    assert "average 3 in 2025-H2" in average.message
    assert verdict.earliest == Q("2026-H2")
    assert verdict.plan is not None
    assert verdict.plan.sentence == "Keep the average at 3.5 or above for 2 half-years."


def test_a_half_yearly_time_in_level_one_half_year_short_fails() -> None:
    fw = framework(ic(TimeInLevel(cycles=3)), cadence=Cadence.HALF_YEARLY)
    verdict = progression.evaluate(
        fw, history({"2026-H1": [4, 4, 4, 4]}, levels=[("L2", "2025-H2")])
    )
    time = result(verdict, "time_in_level")
    assert (time.code, time.observed, time.required) == ("time_in_level.too_short", 2, 3)


ZERO_TO_TWO = RatingScale(min=0, max=2, labels={0: "Below", 1: "Meets", 2: "Exceeds"})


@pytest.mark.parametrize(
    ("scores", "status", "codes_"),
    [
        ([1, 2, 2, 1], Status.READY, ["average_score.met", "score_floor.met"]),
        ([1, 2, 1, 1], Status.NOT_READY, ["average_score.below_threshold", "score_floor.met"]),
        ([2, 2, 2, 0], Status.NOT_READY, ["average_score.met", "score_floor.below_floor"]),
    ],
)
def test_a_zero_to_two_scale_with_threshold_one_and_a_half_and_floor_one(
    scores: list[int], status: Status, codes_: list[str]
) -> None:
    fw = framework(ic(AverageScore(threshold="1.5"), ScoreFloor(floor=1)), scale=ZERO_TO_TWO)
    verdict = progression.evaluate(fw, history({"2026-Q3": scores}))
    assert verdict.status is status
    assert codes(verdict) == codes_
    assert result(verdict, "average_score").observed == Fraction(sum(scores), 4)


def test_a_zero_on_a_zero_to_two_scale_is_a_score_and_names_the_competency() -> None:
    fw = framework(ic(ScoreFloor(floor=1)), scale=ZERO_TO_TWO)
    verdict = progression.evaluate(fw, history({"2026-Q3": [2, 2, 2, 0]}))
    floor = result(verdict, "score_floor")
    assert (floor.observed, list(floor.competencies)) == (0, ["d"])
    assert "d below 1 in 2026-Q3 (lowest 0)" in floor.message


# --- routes and targets ---------------------------------------------------------------


def test_a_crossover_target_uses_the_crossover_policy() -> None:
    fw = framework(
        ic(AverageScore(threshold="4.5")),
        move("L2", "M1", MeetsExpectations(), TimeInLevel(cycles=2)),
    )
    # M1 expects a 3 and b 4; c and d are not rated on the management track.
    verdict = progression.evaluate(fw, history({"2026-Q3": [3, 4, 1, 1]}), target="M1")
    assert (verdict.route, verdict.target_family, verdict.target_level) == (
        "crossover",
        "eng",
        "M1",
    )
    assert verdict.status is Status.READY
    assert codes(verdict) == ["meets_expectations.met", "time_in_level.met"]
    short = progression.evaluate(fw, history({"2026-Q3": [3, 3, 4, 4]}), target="M1")
    assert list(result(short, "meets_expectations").competencies) == ["b"]


def test_the_way_back_from_management_uses_its_own_policy() -> None:
    fw = framework(ic(AVERAGE), move("M1", "L3", AVERAGE, TimeInLevel(cycles=4)))
    record = history(
        {"2026-Q2": [4, 4, 3], "2026-Q3": [4, 3, 3]},
        levels=[("L2", "2025-Q1"), ("M1", "2026-Q1")],
        competencies=("a", "b", "e"),
    )
    verdict = progression.evaluate(fw, record, target="L3")
    assert (verdict.current_level, verdict.route, verdict.target_level) == ("M1", "way_back", "L3")
    assert verdict.status is Status.NOT_READY
    assert codes(verdict) == ["average_score.below_threshold", "time_in_level.too_short"]
    assert result(verdict, "average_score").observed == Fraction(10, 3)
    assert result(verdict, "time_in_level").observed == 3


def test_a_lateral_target_in_another_family_uses_the_lateral_policy() -> None:
    fw = framework(
        ic(AverageScore(threshold="5")),
        move("L3", "X2", MeetsExpectations(competencies=["a"]), AVERAGE, to_family="other"),
    )
    record = history({"2026-Q3": [3, 4, 4, 3]}, levels=[("L3", "2025-Q1")])
    verdict = progression.evaluate(fw, record, target="other/X2")
    assert (verdict.route, verdict.target_family, verdict.target_level) == (
        "lateral",
        "other",
        "X2",
    )
    assert verdict.status is Status.READY
    assert codes(verdict) == ["meets_expectations.met", "average_score.met"]
    # The gaps are against the target track: x is not rated on the current one.
    assert [(g.competency, g.score, g.required) for g in verdict.gaps] == [
        ("a", 3, 3),
        ("x", None, 2),
    ]


@pytest.mark.parametrize("target", ["M2", "L1", "L2", "X2", "other/X3"])
def test_a_target_no_route_leads_to_is_an_evaluation_error(target: str) -> None:
    fw = framework(ic(AVERAGE))
    with pytest.raises(EvaluationError, match="no route leads from 'L2'"):
        progression.evaluate(fw, history({"2026-Q3": [4, 4, 4, 4]}), target=target)


def test_a_target_with_a_route_but_no_policy_is_an_evaluation_error() -> None:
    fw = framework(ic(AVERAGE))
    with pytest.raises(EvaluationError, match="no policy covers L2 -> eng/L4"):
        progression.evaluate(fw, history({"2026-Q3": [4, 4, 4, 4]}), target="L4")


def test_the_top_of_a_track_without_a_target_is_an_evaluation_error() -> None:
    record = history({"2026-Q3": [4, 4, 4, 4]}, levels=[("L4", "2025-Q1")])
    with pytest.raises(EvaluationError, match="'L4', the top of its track"):
        progression.evaluate(framework(ic(AVERAGE)), record)


@pytest.mark.parametrize(
    ("levels", "target", "as_of", "code"),
    [
        ((("L2", "2025-Q1"),), "M2", None, "no_route"),
        ((("L2", "2025-Q1"),), "L4", None, "no_policy"),
        ((("L4", "2025-Q1"),), None, None, "no_next_level"),
        ((), None, None, "no_level"),
        ((), "M1", None, "no_level"),
        ((("L2", "2025-Q1"),), None, "2026-Q9", "bad_cycle"),
        ((("L2", "2025-Q1"),), None, "soon", "bad_cycle"),
        ((("L2", "2025-Q1"),), None, Cycle.parse("2026-H1"), "bad_cycle"),
    ],
)
def test_an_evaluation_error_carries_a_stable_code_and_the_employee(
    levels: tuple[tuple[str, str], ...], target: str | None, as_of: Cycle | str | None, code: str
) -> None:
    record = history({"2026-Q3": [4, 4, 4, 4]}, levels=levels, employee="grace")
    with pytest.raises(EvaluationError) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record, target=target, as_of=as_of)
    error = raised.value
    assert (error.code, error.employee) == (code, "grace")
    assert error.code in EvaluationError.CODES
    assert error.message == str(error)
    assert isinstance(error, ValueError)


def test_a_history_without_any_cycle_has_nothing_to_evaluate() -> None:
    record = RatingHistory(employee="ada", family="eng", track="ic")
    with pytest.raises(EvaluationError, match="no quarterly cycle to evaluate") as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    assert raised.value.code == "no_cycle"


def test_an_as_of_that_is_not_a_cycle_is_a_value_error_naming_the_cycle_format() -> None:
    with pytest.raises(ValueError, match=r"as_of: expected a review cycle such as '2026-Q3'"):
        progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [4, 4, 4, 4]}), as_of="Q3")


def test_an_evaluation_error_survives_pickling_with_its_code_and_employee() -> None:
    error = EvaluationError("no route", code="no_route", employee="ada")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.code, copy.employee, str(copy)) == (
        "no route",
        "no_route",
        "ada",
        "no route",
    )


def test_an_evaluation_error_code_outside_the_closed_set_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown evaluation error code 'oops'"):
        EvaluationError("text", code="oops")


def test_as_of_earlier_than_the_last_cycle_looks_only_at_cycles_up_to_it() -> None:
    policy = ic(AVERAGE, ManagerEndorsement())
    record = history({"2026-Q2": [4, 4, 4, 4], "2026-Q3": [2, 2, 2, 2]}, endorsed={"2026-Q2"})
    earlier = progression.evaluate(framework(policy), record, as_of="2026-Q2")
    latest = progression.evaluate(framework(policy), record)
    assert earlier.as_of == Q("2026-Q2")
    assert earlier.status is Status.READY
    assert list(result(earlier, "average_score").cycles) == cycles("2026-Q2")
    assert latest.as_of == Q("2026-Q3")
    assert codes(latest) == ["average_score.below_threshold", "manager_endorsement.not_given"]
    assert progression.evaluate(framework(policy), record, as_of=Q("2026-Q2")) == earlier


def test_a_cycle_evaluated_after_the_last_review_has_no_review_and_no_approval() -> None:
    policy = ic(AVERAGE, ManagerEndorsement())
    record = history({"2026-Q2": [4, 4, 4, 4]}, endorsed={"2026-Q2"})
    verdict = progression.evaluate(framework(policy), record, as_of="2026-Q3")
    assert verdict.status is Status.NOT_READY
    assert codes(verdict) == ["average_score.no_review", "manager_endorsement.not_given"]
    assert "no review in 2026-Q3" in result(verdict, "average_score").message


# --- bounds ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Sustained, TimeInLevel])
def test_forty_cycles_is_the_most_a_policy_may_ask_for(kind: type[Sustained | TimeInLevel]) -> None:
    assert ic(kind(cycles=MAX_CYCLES)).criteria[0] == kind(cycles=40)
    with pytest.raises(InvalidFramework) as raised:
        ic(AVERAGE, kind(cycles=41))
    (problem,) = raised.value.problems
    assert problem.path == "$.criteria[1].cycles"
    assert problem.message == "too many cycles: expected at most 40, got 41"


def test_too_many_cycles_in_a_file_is_rejected_with_its_path_and_line() -> None:
    text = progression.dump_framework(framework(ic(AVERAGE, TimeInLevel(cycles=4))))
    assert text.count("cycles: 4\n") == 1
    with pytest.raises(InvalidFramework) as raised:
        progression.loads_framework(text.replace("cycles: 4\n", "cycles: 400\n"), source="f.yaml")
    (problem,) = raised.value.problems
    line = text.splitlines().index(next(x for x in text.splitlines() if "cycles: 4" in x)) + 1
    assert (problem.path, problem.source, problem.line) == (
        "$.policies[0].criteria[1].cycles",
        "f.yaml",
        line,
    )
    assert "too many cycles: expected at most 40, got 400" in problem.message


# --- ready since and earliest ---------------------------------------------------------


def test_ready_since_is_the_first_cycle_of_the_current_qualifying_run() -> None:
    record = history(
        {
            "2025-Q3": [4, 4, 4, 4],
            "2025-Q4": [3, 3, 3, 3],
            "2026-Q1": [4, 4, 4, 4],
            "2026-Q2": [3, 4, 4, 3],
            "2026-Q3": [4, 4, 4, 4],
        },
        levels=[("L2", "2024-Q1")],
    )
    verdict = progression.evaluate(framework(ic(AVERAGE, Sustained(cycles=2))), record)
    assert verdict.status is Status.READY
    assert verdict.ready_since == Q("2026-Q1")
    assert result(verdict, "sustained").observed == 3
    assert "ready (qualifying since 2026-Q1)" in verdict.summary


def test_ready_since_is_none_when_not_ready() -> None:
    verdict = progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [3, 3, 3, 3]}))
    assert verdict.ready_since is None


@pytest.mark.parametrize(
    ("scores", "time_needed", "earliest"),
    [
        # Q2 qualifies: the run can complete in Q3, but time in level only in Q4.
        ({"2026-Q1": [3, 3, 3, 3], "2026-Q2": [4, 4, 4, 4]}, 4, "2026-Q4"),
        # Q2 fails: a new run of 2 needs Q3 and Q4; time in level is met in Q2.
        ({"2026-Q1": [4, 4, 4, 4], "2026-Q2": [3, 3, 3, 3]}, 2, "2026-Q4"),
        # Q2 qualifies and time in level is short by one: both can be met in Q3.
        ({"2026-Q1": [3, 3, 3, 3], "2026-Q2": [4, 4, 4, 4]}, 3, "2026-Q3"),
    ],
)
def test_earliest_is_when_time_in_level_and_the_run_can_both_be_met(
    scores: dict[str, list[int]], time_needed: int, earliest: str
) -> None:
    fw = framework(ic(AVERAGE, Sustained(cycles=2), TimeInLevel(cycles=time_needed)))
    verdict = progression.evaluate(fw, history(scores, levels=[("L2", "2026-Q1")]))
    assert verdict.status is Status.NOT_READY
    assert verdict.earliest == Q(earliest)


# --- gaps and plan --------------------------------------------------------------------


def test_gaps_are_sorted_largest_first_with_unrated_last() -> None:
    # L3 expects a 3, b 3, c 4, d 2.
    verdict = progression.evaluate(
        framework(ic(MeetsExpectations())), history({"2026-Q3": [3, 1, 2, None]})
    )
    assert [(g.competency, g.score, g.required, g.gap) for g in verdict.gaps] == [
        ("b", 1, 3, 2),
        ("c", 2, 4, 2),
        ("a", 3, 3, 0),
        ("d", None, 2, None),
    ]


def test_gaps_include_scores_above_the_expectation_as_negative() -> None:
    verdict = progression.evaluate(
        framework(ic(MeetsExpectations())), history({"2026-Q3": [5, 3, 3, 4]})
    )
    assert [(g.competency, g.gap) for g in verdict.gaps] == [
        ("c", 1),
        ("b", 0),
        ("a", -2),
        ("d", -2),
    ]


def test_the_plan_raises_one_competency_and_says_so_in_a_sentence() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, Sustained(cycles=2))),
        history({"2026-Q2": [5, 2, 3, 3], "2026-Q3": [5, 2, 3, 3]}),
    )
    plan = verdict.plan
    assert plan is not None
    assert list(plan.increases) == [Increase(competency="b", from_score=2, to_score=3)]
    assert plan.points == 1
    assert plan.sentence == (
        "Raise b from 2 to 3 and keep the average at 3.5 or above for 2 quarters."
    )


def test_the_plan_lifts_a_score_below_the_floor_first() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, ScoreFloor(floor=3))), history({"2026-Q3": [5, 2, 4, 3]})
    )
    plan = verdict.plan
    assert plan is not None
    assert list(plan.increases) == [Increase(competency="b", from_score=2, to_score=3)]
    assert plan.sentence == (
        "Raise b from 2 to 3 and keep the average at 3.5 or above and every competency"
        " at 3 or above for 1 quarter."
    )


def test_the_plan_prefers_the_heaviest_competency_for_the_fewest_points() -> None:
    policy = ic(AverageScore(threshold="3.5", weights={"c": 3}))
    # Weighted total 4 + 4 + 6 + 4 = 18 of 6; 21 needed: one point on c, three elsewhere.
    verdict = progression.evaluate(framework(policy), history({"2026-Q3": [4, 4, 2, 4]}))
    assert verdict.plan is not None
    assert list(verdict.plan.increases) == [Increase(competency="c", from_score=2, to_score=3)]


def test_the_plan_touches_the_fewest_competencies_among_the_fewest_points() -> None:
    # 11 of 14 needed: three points on b alone (1 -> 4) beat a 4 -> 5 and b 1 -> 3.
    verdict = progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [4, 1, 3, 3]}))
    assert verdict.plan is not None
    assert verdict.plan.points == 3
    assert list(verdict.plan.increases) == [Increase(competency="b", from_score=1, to_score=4)]


def test_the_plan_lists_the_other_unmet_criteria() -> None:
    verdict = progression.evaluate(
        framework(ic(AVERAGE, TimeInLevel(cycles=4), ManagerEndorsement())),
        history({"2026-Q3": [4, 4, 4, 4]}, levels=[("L2", "2026-Q2")]),
    )
    assert verdict.plan is not None
    assert list(verdict.plan.increases) == []
    assert verdict.plan.sentence == (
        "Keep the average at 3.5 or above for 1 quarter; also: 2 quarters in level, needs 4;"
        " manager endorsement not given in 2026-Q3."
    )


def test_a_ready_verdict_has_no_plan() -> None:
    verdict = progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [4, 4, 4, 4]}))
    assert verdict.plan is None


# --- timeline -------------------------------------------------------------------------


def test_the_timeline_lists_when_readiness_began_and_ended() -> None:
    record = history(
        {
            "2026-Q1": [3, 3, 3, 3],
            "2026-Q2": [4, 4, 4, 4],
            "2026-Q3": [4, 4, 4, 4],
            "2026-Q4": [3, 3, 3, 3],
            "2027-Q1": [4, 4, 4, 4],
        },
        levels=[("L2", "2025-Q3")],
    )
    line = progression.timeline(framework(ic(AVERAGE)), record)
    assert line.employee == "ada"
    assert line.verdicts[0].as_of == Q("2025-Q3")
    assert len(line.verdicts) == 7
    assert line.became_ready == cycles("2026-Q2", "2027-Q1")
    assert line.stopped_being_ready == cycles("2026-Q4")


def test_the_timeline_of_a_sustained_policy_becomes_ready_after_the_run() -> None:
    record = history(
        {"2026-Q1": [4, 4, 4, 4], "2026-Q2": [4, 4, 4, 4], "2026-Q3": [4, 4, 4, 4]},
        levels=[("L2", "2026-Q1")],
    )
    line = progression.timeline(framework(ic(AVERAGE, Sustained(cycles=2))), record)
    assert line.became_ready == cycles("2026-Q2")
    assert line.stopped_being_ready == []


# --- invalid histories ----------------------------------------------------------------


def test_an_unknown_competency_is_an_invalid_history_at_the_path_of_its_rating() -> None:
    record = history(ratings={"2026-Q2": [Rating(competency="z", score=3)]})
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    text = str(raised.value)
    assert "$.reviews[0].ratings[0].competency: unknown competency 'z'" in text


def test_one_typo_in_every_cycle_is_one_group_with_every_place() -> None:
    typo = [Rating(competency="z", score=3)]
    record = history(ratings={"2026-Q1": typo, "2026-Q2": typo, "2026-Q3": typo})
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    (group,) = raised.value.groups()
    assert group.count == 3
    assert [p.path for p in group.problems] == [
        f"$.reviews[{i}].ratings[0].competency" for i in range(3)
    ]


def test_a_misspelt_competency_is_named_with_the_closest_one_and_where_it_was_read() -> None:
    where = Origin(source="ratings.csv", line=7, column=3)
    record = history(ratings={"2026-Q2": [Rating(competency="bb", score=3, origin=where)]})
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    (problem,) = raised.value.problems
    assert (problem.source, problem.line, problem.column) == ("ratings.csv", 7, 3)
    assert problem.path == "$.reviews[0].ratings[0].competency"
    assert "unknown competency 'bb' for the level held then (did you mean 'b'?)" in problem.message
    assert (problem.expected, problem.got) == ("'a', 'b', 'c' or 'd'", "'bb'")
    assert str(problem).startswith("ratings.csv:7:3: $.reviews[0].ratings[0].competency: ")


def test_a_competency_with_nothing_close_gets_no_suggestion() -> None:
    record = history(ratings={"2026-Q2": [Rating(competency="zzzz", score=3)]})
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    (problem,) = raised.value.problems
    assert "did you mean" not in problem.message
    assert problem.source is None
    assert problem.line is None


def test_a_score_off_the_scale_names_where_it_was_read() -> None:
    where = Origin(source="ratings.csv", line=12, column=4)
    record = history(ratings={"2026-Q2": [Rating(competency="a", score=9, origin=where)]})
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    (problem,) = raised.value.problems
    assert (problem.path, problem.source, problem.line, problem.column) == (
        "$.reviews[0].ratings[0].score",
        "ratings.csv",
        12,
        4,
    )
    assert (problem.expected, problem.got) == ("an integer from 1 to 5", "9")


def test_a_misspelt_level_is_named_with_the_closest_one_and_where_it_was_read() -> None:
    record = attrs.evolve(
        history({"2026-Q3": [3, 3, 3, 3]}),
        levels=[
            LevelAssignment(
                level="L22",
                since=Q("2025-Q1"),
                origin=Origin(source="levels.csv", line=3, column=2),
            )
        ],
    )
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    (problem,) = raised.value.problems
    assert (problem.path, problem.source, problem.line, problem.column) == (
        "$.levels[0].level",
        "levels.csv",
        3,
        2,
    )
    assert "unknown level 'L22' (did you mean 'L2'?)" in problem.message


def test_a_misspelt_track_and_family_are_named_with_the_closest_ones() -> None:
    with pytest.raises(
        InvalidHistory, match=r"unknown track 'icc' in 'eng' \(did you mean 'ic'\?\)"
    ):
        progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [3] * 4}, track_id="icc"))
    with pytest.raises(InvalidHistory, match=r"unknown job family 'engg' \(did you mean 'eng'\?\)"):
        progression.evaluate(framework(ic(AVERAGE)), history({"2026-Q3": [3] * 4}, family="engg"))


@pytest.mark.parametrize("score", [0, 6])
def test_a_score_outside_the_scale_is_an_invalid_history_at_the_path_of_its_rating(
    score: int,
) -> None:
    record = history({"2026-Q1": [3, 3, 3, 3], "2026-Q2": [3, score, 3, 3]})
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    text = str(raised.value)
    assert len(raised.value.problems) == 1
    assert f"$.reviews[1].ratings[1].score: score {score} for 'b' is outside the scale 1..5" in text


def test_an_unknown_earlier_level_is_an_invalid_history_naming_the_employee() -> None:
    record = history({"2026-Q3": [3, 3, 3, 3]}, levels=[("L9", "2025-Q1"), ("L2", "2026-Q1")])
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    text = str(raised.value)
    assert "employee 'ada'" in text
    assert "unknown level 'L9'" in text


def test_an_unknown_current_level_is_an_invalid_history_naming_the_employee() -> None:
    record = history({"2026-Q3": [3, 3, 3, 3]}, levels=[("L2", "2025-Q1"), ("L9", "2026-Q1")])
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    text = str(raised.value)
    assert "employee 'ada'" in text
    assert "unknown level 'L9'" in text


def test_an_unknown_level_is_an_invalid_history_naming_the_cycle() -> None:
    record = history({"2026-Q3": [3, 3, 3, 3]}, levels=[("L9", "2025-Q1"), ("L2", "2026-Q1")])
    with pytest.raises(InvalidHistory, match="2025-Q1"):
        progression.evaluate(framework(ic(AVERAGE)), record)


def test_an_unknown_track_is_an_invalid_history_naming_the_employee() -> None:
    record = history({"2026-Q3": [3, 3, 3, 3]}, track_id="zz")
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(framework(ic(AVERAGE)), record)
    text = str(raised.value)
    assert "employee 'ada'" in text
    assert "unknown track 'zz'" in text


def test_two_scores_by_one_rater_for_one_competency_and_cycle_are_rejected_at_construction() -> (
    None
):
    with pytest.raises(InvalidHistory) as raised:
        history({"2026-Q3": [3, 3, 3, 3]}, ratings={"2026-Q3": [Rating(competency="a", score=4)]})
    text = str(raised.value)
    assert "cycle 2026-Q3: a second manager score for 'a'" in text


def test_scores_by_different_raters_for_one_competency_and_cycle_are_allowed() -> None:
    record = history(
        {"2026-Q3": [3, 3, 3, 3]},
        ratings={"2026-Q3": [Rating(competency="a", score=4, rater=Rater.CALIBRATED)]},
    )
    assert len(record.reviews[0].ratings) == 5


def test_two_scores_by_one_rater_are_rejected_with_the_employee_named() -> None:
    with pytest.raises(InvalidHistory, match="ada"):
        history({"2026-Q3": [3, 3, 3, 3]}, ratings={"2026-Q3": [Rating(competency="a", score=4)]})


# --- competencies expected over part of a track ---------------------------------------


def part_way(*policies: PromotionPolicy) -> Framework:
    """One track L1..L4: ``a`` everywhere, ``lead`` from L3, ``basics`` up to L2, and
    ``craft``, whose L3 expectation states no proficiency."""

    def competency(
        cid: str, needs: Mapping[str, int | None], starts: str | None, ends: str | None
    ) -> Competency:
        return Competency(
            id=cid,
            name=cid.upper(),
            kind=CompetencyKind.CORE,
            levels={
                lv: Expectation(description=f"{cid} at {lv}", proficiency=need)
                for lv, need in needs.items()
            },
            starts_at=starts,
            ends_at=ends,
        )

    ic_track = Track(
        id="ic",
        name="IC",
        kind=TrackKind.IC,
        levels=[Level(id=f"L{n}", name=f"L{n}", rank=n) for n in range(1, 5)],
        competencies=[
            competency("a", {"L1": 1, "L2": 2, "L3": 3, "L4": 4}, None, None),
            competency("lead", {"L3": 3, "L4": 4}, "L3", None),
            competency("basics", {"L1": 2, "L2": 3}, None, "L2"),
            competency("craft", {"L1": 2, "L2": 3, "L3": None, "L4": 4}, None, None),
        ],
    )
    family = JobFamily(id="eng", name="Engineering", tracks=[ic_track])
    return Framework(id="p", name="P", version="1", job_families=[family], policies=policies)


PART_WAY = ("a", "lead", "basics", "craft")


def test_a_competency_first_expected_at_the_target_level_counts_for_the_step_into_it() -> None:
    fw = part_way(ic(AVERAGE, ScoreFloor(floor=3)))
    # At L2: a 4, lead 3 (expected from L3), basics 2 (ends at L2), craft 4.
    record = history({"2026-Q3": [4, 3, 2, 4]}, competencies=PART_WAY)
    verdict = progression.evaluate(fw, record)
    assert (verdict.current_level, verdict.target_level) == ("L2", "L3")
    # L3 is judged: a, lead and craft count; basics, which ends at L2, does not.
    assert fw.counted_competencies("eng", "L2", "L3", AVERAGE) == ("a", "lead", "craft")
    average = result(verdict, "average_score")
    assert average.observed == Fraction(11, 3)
    assert result(verdict, "score_floor").code == "score_floor.met"
    assert verdict.status is Status.READY
    # Gaps against L3: craft states no proficiency there, basics is not expected.
    assert [(g.competency, g.score, g.required) for g in verdict.gaps] == [
        ("lead", 3, 3),
        ("a", 4, 3),
    ]


def test_a_competency_first_expected_at_the_target_level_must_be_rated_before_it() -> None:
    fw = part_way(ic(AVERAGE, ScoreFloor(floor=3)))
    record = history({"2026-Q3": [4, None, 2, 4]}, competencies=PART_WAY)
    verdict = progression.evaluate(fw, record)
    assert verdict.status is Status.INSUFFICIENT_DATA
    assert [(r.code, list(r.competencies)) for r in verdict.criteria] == [
        ("average_score.unrated", ["lead"]),
        ("score_floor.unrated", ["lead"]),
    ]
    assert result(verdict, "average_score").message == "no counted score in 2026-Q3 for lead"
    assert [(g.competency, g.score) for g in verdict.gaps][-1] == ("lead", None)
    assert verdict.plan is not None
    assert list(verdict.plan.increases) == [
        Increase(competency="lead", from_score=None, to_score=3)
    ]


def test_a_competency_that_ends_below_the_target_level_is_not_counted() -> None:
    fw = part_way(ic(ScoreFloor(floor=3)))
    # basics is rated 1 at L2, but ends there: the step to L3 does not judge it.
    up = progression.evaluate(fw, history({"2026-Q3": [3, 3, 1, 3]}, competencies=PART_WAY))
    assert up.status is Status.READY
    # The step from L1 to L2 judges L2, which still expects basics (and not lead).
    record = history({"2026-Q3": [3, 1, 1, 3]}, competencies=PART_WAY, levels=[("L1", "2025-Q1")])
    below = progression.evaluate(fw, record)
    floor = result(below, "score_floor")
    assert (floor.code, list(floor.competencies)) == ("score_floor.below_floor", ["basics"])
    assert "basics below 3 in 2026-Q3 (lowest 1)" in floor.message


def test_a_target_level_without_a_stated_proficiency_leaves_out_its_gap() -> None:
    fw = part_way(ic(AVERAGE))
    record = history({"2026-Q3": [4, 4, None, 4]}, competencies=PART_WAY)
    verdict = progression.evaluate(fw, record)
    assert "craft" not in [g.competency for g in verdict.gaps]
    assert result(verdict, "average_score").observed == 4


def test_meets_expectations_compiles_only_the_proficiencies_the_target_states() -> None:
    # A framework refuses meets_expectations where it would need a missing proficiency;
    # compiled on its own, the criterion leaves such a competency out.
    from progression._evaluation import compile_policy
    from progression._evaluation._kinds import MeetsExpectationsKind

    fw = part_way(ic(AVERAGE))
    track = fw.family("eng").track("ic")
    policy = PromotionPolicy(family="eng", track="ic", criteria=[MeetsExpectations()])
    compiled = compile_policy(
        policy, track, track, "L3", tuple(fw.raters), counted=(("a", "lead", "craft"),)
    )
    (step,) = compiled.scores
    assert isinstance(step, MeetsExpectationsKind)
    assert (step.competencies, step.needs) == (("a", "lead"), (3, 3))
    assert compiled.columns == ("a", "lead")
    assert compiled.required == (("a", 3), ("lead", 3))
    with pytest.raises(ValueError, match="counted lists 0 criteria, the policy has 1"):
        compile_policy(policy, track, track, "L3", tuple(fw.raters), counted=())


def test_part_way_competencies_are_evaluated_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from progression.cli import main

    fw = part_way(ic(AVERAGE))
    (tmp_path / "fw.yaml").write_text(progression.dump_framework(fw, format="yaml"))
    record = history({"2026-Q3": [4, None, 2, 4]}, competencies=PART_WAY)
    (tmp_path / "h.json").write_text(json.dumps(progression.unstructure([record])))
    status = main(["evaluate", str(tmp_path / "fw.yaml"), str(tmp_path / "h.json")])
    out = capsys.readouterr().out
    assert status == 0
    assert "ada: L2 -> L3 (promotion), as of 2026-Q3: INSUFFICIENT DATA" in out
    assert "average_score.unrated" in out
    assert "no counted score in 2026-Q3 for lead" in out


# --- branching tracks -------------------------------------------------------------------


def branching(*policies: PromotionPolicy) -> Framework:
    """A trunk (J1, J2) from whose top an IC branch (S1) and a manager branch (H1) start.

    Every track rates ``craft``; the IC branch adds ``design`` and the manager branch
    ``people``, each expected from the branch's first level.
    """

    def competency(cid: str, needs: Mapping[str, int]) -> Competency:
        return Competency(
            id=cid,
            name=cid.upper(),
            kind=CompetencyKind.CORE,
            levels={
                lv: Expectation(description=f"{cid} at {lv}", proficiency=n)
                for lv, n in needs.items()
            },
        )

    point = BranchPoint(track="trunk", level="J2")
    tracks = [
        Track(
            id="trunk",
            name="Shared",
            kind=TrackKind.IC,
            levels=[Level(id="J1", name="J1", rank=1), Level(id="J2", name="J2", rank=2)],
            competencies=[competency("craft", {"J1": 2, "J2": 3})],
        ),
        Track(
            id="ic",
            name="IC",
            kind=TrackKind.IC,
            branches_from=point,
            levels=[Level(id="S1", name="S1", rank=3)],
            competencies=[competency("craft", {"S1": 4}), competency("design", {"S1": 3})],
        ),
        Track(
            id="manager",
            name="Manager",
            kind=TrackKind.MANAGEMENT,
            branches_from=point,
            levels=[Level(id="H1", name="H1", rank=3)],
            competencies=[competency("craft", {"H1": 3}), competency("people", {"H1": 4})],
        ),
    ]
    family = JobFamily(id="eng", name="Engineering", tracks=tracks)
    return Framework(id="b", name="B", version="1", job_families=[family], policies=policies)


BRANCH_POLICIES = (
    PromotionPolicy(family="eng", criteria=[TimeInLevel(cycles=2)]),
    PromotionPolicy(family="eng", track="ic", criteria=[AverageScore(threshold="3.5")]),
    PromotionPolicy(
        family="eng",
        track="manager",
        criteria=[MeetsExpectations(), Approval(step="interview")],
    ),
)
TRUNK_SCORES = {"2026-Q2": [4, 4, 4], "2026-Q3": [4, 3, 4]}


def trunk_history(track_id: str = "trunk", **kwargs: object) -> RatingHistory:
    """At J2 since 2026-Q1, rated for craft and for what each branch ahead adds."""
    rated = {
        "trunk": ("craft", "design", "people"),
        "ic": ("craft", "design"),
        "manager": ("craft", "people"),
    }
    return history(
        TRUNK_SCORES,
        levels=[("J1", "2025-Q1"), ("J2", "2026-Q1")],
        competencies=rated[track_id],
        track_id=track_id,
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_default_target_where_the_trunk_branches_is_ambiguous_and_names_each() -> None:
    with pytest.raises(EvaluationError) as raised:
        progression.evaluate(branching(*BRANCH_POLICIES), trunk_history())
    error = raised.value
    assert (error.code, error.employee) == ("ambiguous_target", "ada")
    assert error.code in EvaluationError.CODES
    assert error.message == (
        "employee 'ada' is at 'J2', where the ladder branches, and the history's track"
        " 'trunk' has not chosen a branch: give a target, one of 'S1' (track 'ic') or 'H1'"
        " (track 'manager')"
    )


def test_a_promotion_from_the_trunk_into_the_ic_branch() -> None:
    fw = branching(*BRANCH_POLICIES)
    verdict = progression.evaluate(fw, trunk_history(), target="S1")
    assert (verdict.route, verdict.current_level, verdict.target_level) == ("promotion", "J2", "S1")
    # The IC branch's default over the family default; S1 is judged: craft and design.
    assert codes(verdict) == ["average_score.met", "time_in_level.met"]
    average = result(verdict, "average_score")
    assert average.observed == Fraction(7, 2)
    assert [(g.competency, g.score, g.required) for g in verdict.gaps] == [
        ("craft", 4, 4),
        ("design", 3, 3),
    ]
    assert verdict.status is Status.READY


def test_a_promotion_from_the_trunk_into_the_manager_branch() -> None:
    fw = branching(*BRANCH_POLICIES)
    verdict = progression.evaluate(fw, trunk_history(), target="H1")
    assert (verdict.route, verdict.target_level) == ("promotion", "H1")
    assert codes(verdict) == [
        "meets_expectations.met",
        "time_in_level.met",
        "approval.not_given",
    ]
    assert verdict.met_except_approval is True
    # H1 expects craft 3 and people 4: the manager branch's own competencies count.
    assert [(g.competency, g.score, g.required) for g in verdict.gaps] == [
        ("people", 4, 4),
        ("craft", 4, 3),
    ]
    short = progression.evaluate(
        fw,
        attrs.evolve(
            trunk_history(approvals={"2026-Q3": ["interview"]}),
            reviews=[
                review
                if review.cycle != Q("2026-Q3")
                else attrs.evolve(
                    review,
                    ratings=[
                        Rating(competency="craft", score=4),
                        Rating(competency="people", score=3),
                    ],
                )
                for review in trunk_history(approvals={"2026-Q3": ["interview"]}).reviews
            ],
        ),
        target="H1",
    )
    expectations = result(short, "meets_expectations")
    assert (expectations.code, list(expectations.competencies)) == (
        "meets_expectations.below_expectation",
        ["people"],
    )


def test_a_history_on_a_branch_goes_up_its_own_branch_by_default() -> None:
    fw = branching(*BRANCH_POLICIES)
    manager = progression.evaluate(fw, trunk_history("manager"))
    assert (manager.target_level, manager.route) == ("H1", "promotion")
    assert progression.evaluate(fw, trunk_history("ic")).target_level == "S1"
    # Below the branch point every ladder leads to the same level.
    low = history({"2026-Q3": [3]}, levels=[("J1", "2026-Q1")], competencies=("craft",))
    assert progression.evaluate(fw, attrs.evolve(low, track="trunk")).target_level == "J2"


def test_a_shared_level_accepts_ratings_for_every_branch_ahead_and_no_more() -> None:
    fw = branching(*BRANCH_POLICIES)
    # On the IC branch at J2, a what-if into the manager branch is rated for it too.
    on_ic = attrs.evolve(trunk_history(), track="ic")
    assert progression.evaluate(fw, on_ic, target="H1").met_except_approval
    # At S1, a level of the IC branch alone, the manager branch's competency is unknown.
    at_s1 = history(
        {"2026-Q3": [4, 4, 4]},
        levels=[("S1", "2026-Q1")],
        competencies=("craft", "design", "people"),
        track_id="ic",
    )
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(fw, at_s1, target="S1")
    assert [p.message for p in raised.value.problems] == [
        "unknown competency 'people' for the level held then, expected 'craft' or 'design'"
    ]


def test_the_timeline_of_a_trunk_history_leaves_out_the_cycles_that_need_a_target() -> None:
    fw = branching(*BRANCH_POLICIES)
    record = trunk_history()
    line = progression.timeline(fw, record)
    # From 2026-Q1 on the default target is ambiguous: no verdict without a target.
    assert [str(v.as_of) for v in line.verdicts] == [
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
    ]
    into_ic = progression.timeline(fw, record, target="S1")
    assert [str(v.as_of) for v in into_ic.verdicts][-1] == "2026-Q3"
    assert into_ic.became_ready == cycles("2026-Q2")


# --- annual cycles ----------------------------------------------------------------------


def test_an_annual_framework_counts_time_and_runs_in_years() -> None:
    fw = framework(ic(AVERAGE, Sustained(cycles=2), TimeInLevel(cycles=3)), cadence=Cadence.ANNUAL)
    record = history({"2024-Y": [3, 3, 3, 3], "2025-Y": [4, 4, 4, 4]}, levels=[("L2", "2023-Y")])
    verdict = progression.evaluate(fw, record)
    time, average = result(verdict, "time_in_level"), result(verdict, "average_score")
    assert verdict.as_of == Q("2025-Y")
    assert verdict.status is Status.NOT_READY
    assert time.message == "3 years in level, needs 3"
    assert list(time.cycles) == cycles("2023-Y", "2024-Y", "2025-Y")
    assert average.message == "average 3 in 2024-Y, needs >= 3.5"
    assert result(verdict, "sustained").message == (
        "score criteria held in 1 of the last 2 consecutive cycles up to 2025-Y"
    )
    assert verdict.earliest == Q("2026-Y")
    assert verdict.plan is not None
    assert verdict.plan.sentence == "Keep the average at 3.5 or above for 2 years."


def test_an_annual_framework_is_ready_after_two_qualifying_years() -> None:
    fw = framework(ic(AVERAGE, Sustained(cycles=2), TimeInLevel(cycles=2)), cadence=Cadence.ANNUAL)
    record = history({"2024-Y": [4, 4, 4, 4], "2025-Y": [4, 3, 4, 3]}, levels=[("L2", "2024-Y")])
    verdict = progression.evaluate(fw, record)
    assert verdict.status is Status.READY
    assert verdict.ready_since == Q("2024-Y")
    assert result(verdict, "sustained").message == (
        "score criteria held for 2 consecutive cycles (needs 2)"
    )
    assert result(verdict, "time_in_level").message == "2 years in level, needs 2"
    assert verdict.summary == "ada: L2 -> L3: ready (qualifying since 2024-Y)"


def test_an_annual_time_in_level_one_year_short_fails_and_says_year() -> None:
    fw = framework(ic(TimeInLevel(cycles=2), ManagerEndorsement()), cadence=Cadence.ANNUAL)
    verdict = progression.evaluate(fw, history({"2025-Y": [4, 4, 4, 4]}, levels=[("L2", "2025-Y")]))
    assert result(verdict, "time_in_level").message == "1 year in level, needs 2"
    assert verdict.plan is not None
    assert verdict.plan.sentence == (
        "1 year in level, needs 2; manager endorsement not given in 2025-Y."
    )
    assert verdict.earliest == Q("2026-Y")


def test_cycles_of_another_cadence_against_an_annual_framework_are_named() -> None:
    fw = framework(ic(AVERAGE), cadence=Cadence.ANNUAL)
    with pytest.raises(InvalidHistory) as raised:
        progression.evaluate(fw, history({"2026-Q3": [4, 4, 4, 4]}, levels=[("L2", "2026-Q1")]))
    assert [p.message for p in raised.value.problems] == [
        "employee 'ada': level assignment from 2026-Q1: not an annual cycle",
        "employee 'ada': review 2026-Q3: not an annual cycle",
    ]
    record = history({"2025-Y": [4, 4, 4, 4]}, levels=[("L2", "2024-Y")])
    with pytest.raises(EvaluationError, match="cycle 2026-Q1 is not annual like the framework"):
        progression.evaluate(fw, record, as_of="2026-Q1")


# --- the bundled example --------------------------------------------------------------


def test_the_bundled_engineering_framework_evaluates_a_ready_engineer() -> None:
    fw = progression.examples.load("engineering")
    competencies = [c.id for c in fw.family("engineering").track("ic").competencies]
    quarters = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    record = history(
        {q: [4] * len(competencies) for q in quarters},
        levels=[("IC2", "2025-Q4")],
        competencies=competencies,
        endorsed={"2026-Q3"},
        calibrated={"2026-Q3"},
        evidence={"2026-Q2": [Evidence(requirement="cross-team-project", value=3)]},
        family="engineering",
    )
    verdict = progression.evaluate(fw, record)
    assert (verdict.current_level, verdict.target_level) == ("IC2", "IC3")
    assert verdict.status is Status.READY
    assert all(r.outcome is Outcome.PASSED for r in verdict.criteria)
    assert "scope_evidence.met" in codes(verdict)


# --- the kinds ------------------------------------------------------------------------


def test_every_criterion_kind_has_one_definition_and_the_docs_list_its_codes() -> None:
    from pathlib import Path

    from progression._evaluation import CODES, KINDS
    from progression._policy import CRITERION_KINDS

    assert set(KINDS) == set(CRITERION_KINDS.values())
    assert all(KINDS[cls].criterion_type is cls for cls in KINDS)
    page = (Path(__file__).parent.parent / "docs" / "evaluation.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| (passed|failed|undecided) \|", page, re.M)
    assert dict(table) == {code: outcome.value for code, outcome in CODES.items()}


# --- numbers for people and for programs ----------------------------------------------


def test_an_inexact_average_is_shown_rounded_and_kept_exact_with_a_plain_number_beside() -> None:
    verdict = progression.evaluate(
        framework(ic(AverageScore(threshold="3.5", competencies=["a", "b", "c"]))),
        history({"2026-Q3": [3, 4, 3, 4]}),
    )
    average = result(verdict, "average_score")
    assert average.observed == Fraction(10, 3)
    assert average.message == "average 3.33 in 2026-Q3, needs >= 3.5"
    assert (average.observed_value, average.required_value) == (10 / 3, 3.5)
    data = progression.unstructure(verdict)["criteria"][0]
    assert (data["observed"], data["observed_value"]) == ("10/3", 10 / 3)
    assert (data["required"], data["required_value"]) == (3.5, 3.5)
    assert data["checks"][0]["observed_value"] == 10 / 3
    html = verdict._repr_html_()
    assert "<td>3.33</td>" in html
    assert "10/3" not in html


def test_plain_values_of_counts_and_approvals_stay_what_they_are() -> None:
    verdict = progression.evaluate(
        framework(ic(TimeInLevel(cycles=4), ManagerEndorsement())),
        history({"2026-Q3": [3, 3, 3, 3]}, endorsed={"2026-Q3"}),
    )
    time, approval = result(verdict, "time_in_level"), result(verdict, "manager_endorsement")
    assert (time.observed_value, time.required_value) == (7, 4)
    assert (approval.observed_value, approval.required_value) == (True, True)
