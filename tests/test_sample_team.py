"""The bundled sample team: reproducible from its generator, with the verdicts designed."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

import sample_team
from progression import (
    Cycle,
    Framework,
    Outcome,
    Rater,
    RatingHistory,
    Status,
    Verdict,
    evaluate,
    examples,
    timeline,
)

AS_OF = Cycle.parse("2026-Q3")
READY, NOT_READY, INSUFFICIENT = Status.READY, Status.NOT_READY, Status.INSUFFICIENT_DATA

AVERAGE_BELOW = "average_score.below_threshold"
AVERAGE_NO_REVIEW = "average_score.no_review"
AVERAGE_UNRATED = "average_score.unrated"
FLOOR_BELOW = "score_floor.below_floor"
FLOOR_NO_REVIEW = "score_floor.no_review"
FLOOR_UNRATED = "score_floor.unrated"
RUN_SHORT = "sustained.run_too_short"
RUN_UNRATED = "sustained.unrated"
TIME_SHORT = "time_in_level.too_short"
EVIDENCE = "scope_evidence.too_few_records"
NOT_ENDORSED = "manager_endorsement.not_given"
NOT_CALIBRATED = "calibration.not_confirmed"
SCORE_KINDS = ("average_score", "score_floor", "sustained")

# employee -> (default target, status, codes of the criteria not passed, in policy order)
DESIGN: dict[str, tuple[str, Status, tuple[str, ...]]] = {
    # Ready.
    "e01": ("IC7", READY, ()),
    "e02": ("IC6", READY, ()),
    "e04": ("IC2", READY, ()),
    "e09": ("M2", READY, ()),
    "e11": ("IC3", READY, ()),
    "e17": ("IC4", READY, ()),
    "e22": ("IC5", READY, ()),
    "e27": ("IC3", READY, ()),
    "e35": ("IC4", READY, ()),
    "e39": ("IC2", READY, ()),
    # Ready pending approval.
    "e05": ("M3", NOT_READY, (NOT_CALIBRATED,)),
    "e14": ("IC3", NOT_READY, (NOT_ENDORSED,)),
    "e24": ("IC5", NOT_READY, (NOT_ENDORSED,)),
    "e31": ("IC4", NOT_READY, (NOT_CALIBRATED,)),
    "e37": ("IC2", NOT_READY, (NOT_ENDORSED, NOT_CALIBRATED)),
    # Not ready, one designed reason each (the run breaks with the score criteria).
    "e16": ("IC3", NOT_READY, (FLOOR_BELOW, RUN_SHORT)),
    "e08": ("IC5", NOT_READY, (FLOOR_BELOW, RUN_SHORT)),
    "e20": ("IC4", NOT_READY, (AVERAGE_BELOW, RUN_SHORT)),
    "e29": ("IC3", NOT_READY, (AVERAGE_BELOW, RUN_SHORT)),
    "e25": ("IC3", NOT_READY, (AVERAGE_NO_REVIEW, FLOOR_NO_REVIEW, RUN_SHORT)),
    "e19": ("IC4", NOT_READY, (TIME_SHORT,)),
    "e06": ("IC5", NOT_READY, (TIME_SHORT,)),
    "e13": ("IC5", NOT_READY, (EVIDENCE,)),
    "e33": ("IC4", NOT_READY, (EVIDENCE,)),
    "e28": ("IC3", NOT_READY, (EVIDENCE,)),
    "e03": ("M2", NOT_READY, (EVIDENCE,)),
    "e36": ("IC4", NOT_READY, (TIME_SHORT, EVIDENCE, NOT_ENDORSED)),
    "e40": ("IC3", NOT_READY, (TIME_SHORT, EVIDENCE, NOT_ENDORSED)),
    # Not ready for several reasons, as most of a team is at any time.
    "e07": ("IC6", NOT_READY, (AVERAGE_BELOW, RUN_SHORT, EVIDENCE, NOT_ENDORSED)),
    "e10": ("M2", NOT_READY, (AVERAGE_BELOW, RUN_SHORT, NOT_ENDORSED)),
    "e12": ("IC5", NOT_READY, (AVERAGE_BELOW, RUN_SHORT, EVIDENCE, NOT_ENDORSED)),
    "e21": ("IC3", NOT_READY, (TIME_SHORT, EVIDENCE, NOT_ENDORSED)),
    "e26": ("IC2", NOT_READY, (AVERAGE_BELOW, RUN_SHORT, EVIDENCE, NOT_ENDORSED)),
    "e30": (
        "IC3",
        NOT_READY,
        (AVERAGE_BELOW, FLOOR_BELOW, RUN_SHORT, EVIDENCE, NOT_ENDORSED),
    ),
    "e32": ("IC2", NOT_READY, (AVERAGE_BELOW, RUN_SHORT, EVIDENCE, NOT_ENDORSED)),
    "e34": ("IC2", NOT_READY, (FLOOR_BELOW, RUN_SHORT, NOT_ENDORSED)),
    # Insufficient data: a competency with no counted score in the window.
    "e15": ("IC4", INSUFFICIENT, (AVERAGE_UNRATED, FLOOR_UNRATED, RUN_UNRATED)),
    "e23": ("IC3", INSUFFICIENT, (AVERAGE_UNRATED, FLOOR_UNRATED, RUN_UNRATED)),
    # A new hire with no ratings: not ready whatever the scores, for time in level,
    # evidence and approvals. What the score criteria say is checked apart, below.
    "e38": ("IC2", NOT_READY, (TIME_SHORT, EVIDENCE, NOT_ENDORSED, NOT_CALIBRATED)),
    # The crossover candidate, against the default target IC4 (ready for M1, below).
    "e18": ("IC4", NOT_READY, (AVERAGE_BELOW, RUN_SHORT, TIME_SHORT, EVIDENCE)),
}
NEVER_REVIEWED = "e38"
PENDING = ("e05", "e14", "e24", "e31", "e37")


@cache
def _framework() -> Framework:
    return examples.load("engineering")


@cache
def _team() -> dict[str, RatingHistory]:
    return {history.employee: history for history in examples.team()}


def _verdict(employee: str, target: str | None = None) -> Verdict:
    return evaluate(_framework(), _team()[employee], target=target)


def _failing(verdict: Verdict) -> tuple[str, ...]:
    return tuple(r.code for r in verdict.criteria if r.outcome is not Outcome.PASSED)


def _result(verdict: Verdict, kind: str) -> tuple[Outcome, object, object]:
    found = next(r for r in verdict.criteria if r.criterion.kind == kind)
    return found.outcome, found.observed, found.required


def test_bundled_files_are_what_the_generator_builds() -> None:
    built = sample_team.build()
    paths = [Path(p) for p in examples.team_files()]
    assert sorted(built) == sorted(p.name for p in paths)
    for path in paths:
        assert path.read_bytes() == built[path.name].encode("utf-8"), path.name


def test_the_team_loads_forty_histories() -> None:
    team = examples.team()
    assert 30 <= len(team) <= 50
    assert sorted(h.employee for h in team) == [f"e{n:02d}" for n in range(1, 41)]
    assert sorted(DESIGN) == sorted(_team())
    assert {h.family for h in team} == {"engineering"}
    assert {h.track for h in team} == {"ic", "management"}


def test_nobody_is_at_the_top_of_a_track() -> None:
    for history in _team().values():
        held = history.level_at(AS_OF)
        assert held is not None
        assert held.level != "IC7", history.employee


@pytest.mark.parametrize("employee", sorted(DESIGN))
def test_verdict_is_as_designed(employee: str) -> None:
    target, status, codes = DESIGN[employee]
    verdict = _verdict(employee)
    assert verdict.as_of == AS_OF
    assert verdict.target_level == target
    assert verdict.status is status, verdict.summary
    failing = _failing(verdict)
    if employee == NEVER_REVIEWED:
        failing = tuple(c for c in failing if c.split(".")[0] not in SCORE_KINDS)
    assert failing == codes, verdict.summary
    assert verdict.met_except_approval is (status is READY or employee in PENDING)


def test_the_mix_of_statuses() -> None:
    statuses = [_verdict(employee).status for employee in DESIGN]
    assert statuses.count(READY) == 10
    assert statuses.count(INSUFFICIENT) == 2
    assert statuses.count(NOT_READY) == 28


def test_the_crossover_candidate_is_ready_for_m1() -> None:
    verdict = _verdict("e18", target="M1")
    assert (verdict.status, verdict.route, verdict.target_level) == (READY, "crossover", "M1")
    assert _result(verdict, "scope_evidence") == (Outcome.PASSED, 2, 2)
    assert _result(verdict, "time_in_level") == (Outcome.PASSED, 5, 4)


def test_exact_thresholds_pass() -> None:
    exact = _verdict("e09")  # an M1: eight competencies can average exactly 3.5
    average = next(r for r in exact.criteria if r.criterion.kind == "average_score")
    assert [c.observed for c in average.checks] == [Fraction(7, 2), Fraction(7, 2)]
    assert _result(_verdict("e17"), "score_floor") == (Outcome.PASSED, 3, 3)
    assert _result(_verdict("e17"), "scope_evidence") == (Outcome.PASSED, 1, 1)
    assert _result(_verdict("e02"), "time_in_level") == (Outcome.PASSED, 8, 8)


def test_time_in_level_counts_from_the_latest_promotion() -> None:
    for employee in ("e06", "e19"):
        verdict = _verdict(employee)
        assert _result(verdict, "time_in_level") == (Outcome.FAILED, 5, 6)
        assert verdict.earliest == Cycle.parse("2026-Q4")
    assert _result(_verdict("e11"), "time_in_level") == (Outcome.PASSED, 5, 4)


def test_evidence_values_are_not_summed_nor_carried_across_levels() -> None:
    assert _result(_verdict("e28"), "scope_evidence") == (Outcome.FAILED, 0, 1)
    assert _result(_verdict("e33"), "scope_evidence") == (Outcome.FAILED, 0, 1)


def test_calibrated_scores_take_precedence_and_self_scores_do_not_count() -> None:
    raters = {r.rater for h in _team().values() for review in h.reviews for r in review.ratings}
    assert raters == set(Rater)
    # e27's manager gave a 2 that calibration raised to 3; e29's calibration lowered
    # two 4s, taking the average below 3.5.
    assert _verdict("e27").status is READY
    assert _result(_verdict("e29"), "average_score")[1] == Fraction(31, 9)
    # e20 rates themselves above the threshold, but only manager and calibrated count.
    window = [r for r in _team()["e20"].reviews if r.cycle >= Cycle.parse("2026-Q2")]
    for review in window:
        own = [r.score for r in review.ratings if r.rater is Rater.SELF]
        assert len(own) == 9
        assert Fraction(sum(own), len(own)) >= Fraction(7, 2)
    assert _result(_verdict("e20"), "average_score")[0] is Outcome.FAILED


def test_the_new_hire_has_no_reviews() -> None:
    history = _team()[NEVER_REVIEWED]
    assert len(history.reviews) == 0
    assert [a.since for a in history.levels] == [AS_OF]


def test_a_cycle_without_a_review_breaks_the_run_for_someone_never_reviewed() -> None:
    verdict = _verdict(NEVER_REVIEWED)
    for result in verdict.criteria:
        if result.criterion.kind in SCORE_KINDS:
            assert result.outcome is Outcome.FAILED, result.code
            expected = "run_too_short" if result.criterion.kind == "sustained" else "no_review"
            assert result.code.endswith(f".{expected}"), result.code


def test_ready_since_starts_the_qualifying_run_at_the_current_level() -> None:
    # ready_since dates the run of qualifying scores, which starts no later than the
    # whole verdict became ready (approvals often come last) and never before the
    # current level began.
    for employee, (_, status, _) in sorted(DESIGN.items()):
        if status is not READY:
            continue
        history = _team()[employee]
        verdict = _verdict(employee)
        became = timeline(_framework(), history).became_ready
        held = history.level_at(verdict.as_of)
        assert held is not None
        assert verdict.ready_since is not None
        assert held.since <= verdict.ready_since <= became[-1], employee
