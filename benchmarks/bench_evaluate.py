"""Latency of one verdict with full reasons, beside a bare dict-and-loop evaluation.

Run with ``make bench`` (or ``python benchmarks/bench_evaluate.py``). Prints a table of
median latencies and two ratios, each measured in one run, so they hold across machines
where absolute numbers do not: one verdict at most 6x a bare dict-and-loop evaluation
that computes the same outputs, and a timeline of the history's 8 cycles at most 3x
one verdict.
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
from fractions import Fraction
from typing import Any

import progression
from progression import (
    AverageScore,
    Calibration,
    Competency,
    CompetencyKind,
    Cycle,
    Evidence,
    Expectation,
    Framework,
    JobFamily,
    LevelAssignment,
    ManagerEndorsement,
    PromotionPolicy,
    Rating,
    RatingHistory,
    Review,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
    Track,
    TrackKind,
)

COMPETENCIES = [f"c{i}" for i in range(10)]
LEVELS = ["L1", "L2", "L3"]
CYCLES = [Cycle.parse(f"{2024 + (q // 4)}-Q{q % 4 + 1}") for q in range(8)]
THRESHOLD = (7, 2)
FLOOR, SUSTAIN, TIME_IN_LEVEL, EVIDENCE_MIN, EXPECTED = 3, 2, 4, 3, 3


def build() -> tuple[Framework, RatingHistory, dict[str, Any]]:
    """The framework, one employee's history, and the same history as plain dicts."""
    track = Track(
        id="ic",
        name="IC",
        kind=TrackKind.IC,
        levels=[
            progression.Level(id=level, name=level, rank=rank, scope="s", autonomy="a")
            for rank, level in enumerate(LEVELS, 1)
        ],
        competencies=[
            Competency(
                id=c,
                name=c,
                kind=CompetencyKind.CORE,
                summary="s",
                levels={lv: Expectation(description="d", proficiency=EXPECTED) for lv in LEVELS},
            )
            for c in COMPETENCIES
        ],
    )
    policy = PromotionPolicy(
        family="eng",
        track="ic",
        criteria=[
            AverageScore(threshold="3.5"),
            ScoreFloor(floor=3),
            Sustained(cycles=2),
            TimeInLevel(cycles=4),
            ScopeEvidence(id="project", description="a project", min_value=3),
            ManagerEndorsement(),
            Calibration(),
        ],
    )
    framework = Framework(
        id="bench",
        name="Bench",
        version="1",
        job_families=[JobFamily(id="eng", name="Eng", tracks=[track])],
        policies=[policy],
    )
    scores = [[3 + (i + j) % 2 for i in range(10)] for j in range(8)]
    history = RatingHistory(
        employee="e1",
        family="eng",
        track="ic",
        levels=[LevelAssignment(level="L2", since=CYCLES[0])],
        reviews=[
            Review(
                cycle=cycle,
                ratings=[
                    Rating(competency=c, score=s) for c, s in zip(COMPETENCIES, row, strict=True)
                ],
                evidence=[Evidence(requirement="project", value=4)] if j == 5 else [],
                endorsed=j == 7,
                calibrated=j == 7,
            )
            for j, (cycle, row) in enumerate(zip(CYCLES, scores, strict=True))
        ],
    )
    plain = {
        "level_since": 0,
        "reviews": [
            {
                "cycle": j,
                "ratings": [
                    {"competency": c, "score": s} for c, s in zip(COMPETENCIES, row, strict=True)
                ],
                "evidence": [{"requirement": "project", "value": 4}] if j == 5 else [],
                "endorsed": j == 7,
                "calibrated": j == 7,
            }
            for j, row in enumerate(scores)
        ],
    }
    return framework, history, plain


def bare(plain: dict[str, Any], as_of: int = 7) -> dict[str, Any]:
    """The same rules over plain dicts and loops: the floor for what Python can do.

    It computes what a verdict holds that a program reads: the status, each criterion's
    outcome and observed value (the exact average of the deciding cycle, the lowest
    score, the run, the time in level, the records, the approvals) and the gaps.
    `main` checks that they equal the verdict's, so the comparison stays honest.
    """
    by_cycle: dict[int, tuple[dict[str, Any], dict[str, int]]] = {}
    for review in plain["reviews"]:
        review_scores = {}
        for rating in review["ratings"]:
            review_scores[rating["competency"]] = rating["score"]
        by_cycle[review["cycle"]] = (review, review_scores)
    num, den = THRESHOLD
    count = len(COMPETENCIES)

    def values(cycle: int) -> list[int | None] | None:
        entry = by_cycle.get(cycle)
        return None if entry is None else [entry[1].get(c) for c in COMPETENCIES]

    def average(cycle: int) -> tuple[str, Fraction | int | None]:
        found = values(cycle)
        if found is None:
            return "failed", None
        if None in found:
            return "undecided", None
        total = sum(v for v in found if v is not None)
        met = total * den >= num * count
        exact = Fraction(total, count)
        return ("passed" if met else "failed"), (
            exact.numerator if exact.denominator == 1 else exact
        )

    def floor(cycle: int) -> tuple[str, int | None]:
        found = values(cycle)
        if found is None:
            return "failed", None
        rated = [v for v in found if v is not None]
        if any(v < FLOOR for v in rated):
            return "failed", min(rated)
        if len(rated) < len(found):
            return "undecided", None
        return "passed", min(rated)

    def qualifies(cycle: int) -> bool:
        found = values(cycle)
        if found is None or None in found:
            return False
        rated = [v for v in found if v is not None]
        return sum(rated) * den >= num * count and min(rated) >= FLOOR

    def over_window(checks: list[tuple[str, Any]]) -> tuple[str, Any]:
        for outcome in ("failed", "undecided"):
            hits = [check for check in checks if check[0] == outcome]
            if hits:
                return hits[-1]
        return checks[-1]

    window = range(as_of - SUSTAIN + 1, as_of + 1)
    results: dict[str, tuple[str, Any]] = {
        "average_score": over_window([average(c) for c in window]),
        "score_floor": over_window([floor(c) for c in window]),
    }
    first = min(by_cycle)
    cycle = as_of
    while cycle >= first and qualifies(cycle):
        cycle -= 1
    run = as_of - cycle
    window_failed = any(results[k][0] == "failed" for k in ("average_score", "score_floor"))
    results["sustained"] = (
        "passed" if run >= SUSTAIN else "failed" if window_failed else "undecided",
        run,
    )
    spent = as_of - plain["level_since"] + 1
    results["time_in_level"] = ("passed" if spent >= TIME_IN_LEVEL else "failed", spent)
    records = [
        e
        for cycle, (review, _) in by_cycle.items()
        if plain["level_since"] <= cycle <= as_of
        for e in review["evidence"]
        if e["requirement"] == "project" and e["value"] >= EVIDENCE_MIN
    ]
    results["scope_evidence"] = ("passed" if len(records) >= 1 else "failed", len(records))
    latest = by_cycle.get(as_of)
    endorsed = latest is not None and latest[0]["endorsed"]
    calibrated = latest is not None and latest[0]["calibrated"]
    results["manager_endorsement"] = ("passed" if endorsed else "failed", endorsed)
    results["calibration"] = ("passed" if calibrated else "failed", calibrated)
    outcomes = [outcome for outcome, _ in results.values()]
    status = (
        "not_ready"
        if "failed" in outcomes
        else "insufficient_data"
        if "undecided" in outcomes
        else "ready"
    )
    now = values(as_of) or [None] * count
    gaps = sorted(
        (score is None, 0 if score is None else score - EXPECTED, competency, score, EXPECTED)
        for competency, score in zip(COMPETENCIES, now, strict=True)
    )
    return {
        "status": status,
        "criteria": results,
        "gaps": [(c, s, r) for _, _, c, s, r in gaps],
    }


def outputs(verdict: progression.Verdict) -> dict[str, Any]:
    """What `bare` computes, read from a verdict."""
    return {
        "status": verdict.status.value,
        "criteria": {r.criterion.kind: (r.outcome.value, r.observed) for r in verdict.criteria},
        "gaps": [(g.competency, g.score, g.required) for g in verdict.gaps],
    }


def medians(cases: dict[str, tuple[Any, int]], rounds: int = 15) -> dict[str, float]:
    """Median seconds a call of each case, over ``rounds`` rounds of ``number`` calls.

    The cases take turns within each round, so that whatever slows the machine down for a
    while slows all of them alike, and the timer is the CPU time of this process: other
    processes on a shared machine do not count.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (fn, number) in cases.items():
            seconds = timeit.timeit(fn, number=number, timer=time.process_time)
            times[name].append(seconds / number)
    return {name: statistics.median(found) for name, found in times.items()}


def check(framework: Framework, history: RatingHistory, plain: dict[str, Any]) -> None:
    """The cases time what they claim: the baseline computes what each verdict reports."""
    verdict = progression.evaluate(framework, history)
    assert verdict.ready, verdict.summary
    for as_of in range(len(CYCLES)):
        cycle = CYCLES[as_of]
        expected = outputs(progression.evaluate(framework, history, as_of=cycle))
        assert bare(plain, as_of) == expected, (cycle, bare(plain, as_of), expected)
    story = progression.timeline(framework, history)
    assert [v.as_of for v in story.verdicts] == CYCLES


def main() -> int:
    framework, history, plain = build()
    check(framework, history, plain)
    found = medians(
        {
            "evaluate": (lambda: progression.evaluate(framework, history), 200),
            "bare": (lambda: bare(plain), 400),
            "timeline": (lambda: progression.timeline(framework, history), 40),
        }
    )
    evaluate_s, bare_s, timeline_s = found["evaluate"], found["bare"], found["timeline"]
    rows = [
        ("evaluate (full verdict with reasons)", evaluate_s * 1e6),
        ("bare dict-and-loop, same outputs", bare_s * 1e6),
        (f"timeline ({len(CYCLES)} cycles)", timeline_s * 1e6),
    ]
    print(f"{'case':<40} {'median us':>10} {'target':>8}")
    for name, micros in rows:
        print(f"{name:<40} {micros:>10.1f}")
    print(f"{'ratio evaluate / bare':<40} {evaluate_s / bare_s:>10.1f} {'<= 6':>8}")
    print(f"{'ratio timeline / evaluate':<40} {timeline_s / evaluate_s:>10.1f} {'<= 3':>8}")
    print(f"python {sys.version.split()[0]}, 10 competencies, 8 quarters, 7 criteria, CPU time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
