"""Latency of one verdict with full reasons, beside a bare dict-and-loop evaluation.

Run with ``make bench`` (or ``python benchmarks/bench_evaluate.py``). Prints a table of
median latencies; the targets are at most 25 microseconds a verdict and at most 6x the
bare loop. Both are measured in the same run: compare the ratio, not absolute numbers
across machines.
"""

from __future__ import annotations

import statistics
import sys
import timeit
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
FLOOR, SUSTAIN, TIME_IN_LEVEL, EVIDENCE_MIN = 3, 2, 4, 3


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
                summary="",
                levels={lv: Expectation(description="d", proficiency=3) for lv in LEVELS},
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
    """The same rules over plain dicts and loops: the floor for what Python can do."""
    by_cycle = {}
    for review in plain["reviews"]:
        by_cycle[review["cycle"]] = review
        review_scores = {}
        for rating in review["ratings"]:
            review_scores[rating["competency"]] = rating["score"]
        review["_scores"] = review_scores
    num, den = THRESHOLD
    results: dict[str, Any] = {}
    averages: list[bool | None] = []
    floors: list[bool | None] = []
    for cycle in range(as_of - SUSTAIN + 1, as_of + 1):
        review = by_cycle.get(cycle)
        if review is None:
            averages.append(None)
            floors.append(None)
            continue
        values = [review["_scores"][c] for c in COMPETENCIES]
        averages.append(sum(values) * den >= num * len(values))
        floors.append(min(values) >= FLOOR)
    results["average"] = all(averages)
    results["floor"] = all(floors)
    results["sustained"] = results["average"] and results["floor"]
    results["time"] = as_of - plain["level_since"] + 1 >= TIME_IN_LEVEL
    records = [
        e
        for cycle, review in by_cycle.items()
        if plain["level_since"] <= cycle <= as_of
        for e in review["evidence"]
        if e["requirement"] == "project" and e["value"] >= EVIDENCE_MIN
    ]
    results["evidence"] = len(records) >= 1
    results["endorsed"] = by_cycle[as_of]["endorsed"]
    results["calibrated"] = by_cycle[as_of]["calibrated"]
    results["ready"] = all(results.values())
    return results


def median_seconds(fn: Any, number: int, repeat: int) -> float:
    """Median of ``repeat`` timings, each the mean of ``number`` calls."""
    return statistics.median(t / number for t in timeit.repeat(fn, number=number, repeat=repeat))


def main() -> int:
    framework, history, plain = build()
    verdict = progression.evaluate(framework, history)
    assert verdict.ready, verdict.summary
    assert bare(plain)["ready"]
    evaluate_s = median_seconds(lambda: progression.evaluate(framework, history), 500, 15)
    bare_s = median_seconds(lambda: bare(plain), 2000, 15)
    ratio = evaluate_s / bare_s
    rows = [
        ("evaluate (full verdict with reasons)", evaluate_s * 1e6, "<= 25"),
        ("bare dict-and-loop, same rules", bare_s * 1e6, ""),
    ]
    print(f"{'case':<40} {'median us':>10} {'target':>8}")
    for name, micros, target in rows:
        print(f"{name:<40} {micros:>10.1f} {target:>8}")
    print(f"{'ratio evaluate / bare':<40} {ratio:>10.1f} {'<= 6':>8}")
    print(f"python {sys.version.split()[0]}, 10 competencies, 8 quarters, 7 criteria")
    return 0


if __name__ == "__main__":
    sys.exit(main())
