"""Valid documents to start mutating from, the same on every run.

The bundled example frameworks and the sample team's CSV exports, a small framework
written by hand, and frameworks and histories drawn from `progression.strategies`
with Hypothesis derandomized (so a campaign's seed decides everything it does).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import progression
from progression import Framework, RatingHistory, Verdict, strategies
from progression._formats import FORMATS, Format, dumps
from progression._numbers import format_number

__all__ = [
    "SMALL_FRAMEWORK",
    "Seeds",
    "csv_exports",
    "descriptions",
    "frameworks",
    "histories",
    "seeds",
]

#: A small framework with most shapes in few lines: two families, a crossover, a
#: lateral path, every kind of criterion, labels, metadata. Mutations of it are cheap.
SMALL_FRAMEWORK = """\
id: demo
name: Demo
version: "1"
scale:
  min: 1
  max: 5
  labels: {1: Learning, 2: Developing, 3: Proficient, 4: Advanced, 5: Expert}
job_families:
  - id: eng
    name: Engineering
    tracks:
      - id: ic
        name: Individual contributor
        kind: ic
        levels:
          - {id: IC1, name: Engineer, rank: 1, title: Engineer, scope: Tasks, autonomy: Guided}
          - {id: IC2, name: Senior, rank: 2, scope: Features, autonomy: Independent}
          - {id: IC3, name: Staff, rank: 3, scope: Systems, autonomy: Sets direction}
        competencies:
          - id: craft
            name: Craft
            kind: core
            summary: Builds software.
            levels:
              IC1: {description: Writes tested code, proficiency: 2}
              IC2: {description: Designs features, proficiency: 3}
              IC3:
                proficiency: Advanced
                behaviours: [Designs systems, {text: Reviews designs, examples: [RFCs]}]
          - id: delivery
            name: Delivery
            kind: functional
            summary: Ships.
            levels:
              IC1: {description: Ships small changes, proficiency: 2}
              IC2: {description: Ships features, proficiency: 3}
              IC3: {description: Ships programmes of work, proficiency: 4}
      - id: mgmt
        name: Management
        kind: management
        levels:
          - {id: M1, name: Manager, rank: 3, scope: A team, autonomy: Runs the team}
        competencies:
          - id: people
            name: People
            kind: core
            summary: Grows people.
            levels:
              M1: {description: Coaches the team, proficiency: 3}
    crossovers:
      - {from_level: IC3, to_level: M1}
    lateral_paths:
      - {from_level: IC2, to_family: data, to_level: DS1, transferable: [craft]}
  - id: data
    name: Data
    tracks:
      - id: ic
        name: Individual contributor
        kind: ic
        levels:
          - {id: DS1, name: Analyst, rank: 1, scope: Reports, autonomy: Guided}
        competencies:
          - id: analysis
            name: Analysis
            kind: core
            summary: Answers questions with data.
            levels: {DS1: {description: Writes reports, proficiency: 2}}
policies:
  - family: eng
    track: ic
    criteria:
      - {kind: average_score, threshold: 3.5, competencies: [craft, delivery], weights: {craft: 2}}
      - {kind: score_floor, floor: 2}
      - {kind: sustained, cycles: 2}
      - {kind: time_in_level, cycles: 2}
  - family: eng
    from_level: IC2
    to_level: IC3
    criteria:
      - {kind: meets_expectations}
      - {kind: scope_evidence, id: launches, description: Launched a product, count: 1,
         min_value: "7/2"}
      - {kind: approval, step: panel}
      - {kind: calibration}
  - family: eng
    from_level: IC3
    to_level: M1
    criteria:
      - {kind: manager_endorsement}
metadata:
  owner: Engineering
  reviewed: [2026, 3.5, true, {by: HR}]
"""

SMALL_HISTORY = """\
employees:
  - employee: e1
    family: eng
    track: ic
    levels:
      - {level: IC1, since: 2025-Q1}
      - {level: IC2, since: 2025-Q3}
    reviews:
      - cycle: 2025-Q3
        ratings:
          - {competency: craft, score: 3}
          - {competency: delivery, score: 4, rater: self}
      - cycle: 2025-Q4
        ratings:
          - {competency: craft, score: 4}
          - {competency: delivery, score: 4}
        evidence:
          - {requirement: launches, value: 4, note: Launched search}
        endorsed: true
        calibrated: true
        approvals: [panel]
  - employee: e2
    family: eng
    track: mgmt
    levels:
      - {level: M1, since: 2025-Q4}
    reviews:
      - cycle: 2025-Q4
        ratings:
          - {competency: people, score: 2}
"""


def _drawn(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` values of ``strategy``, the same ones on every run."""
    found: list[Any] = []

    @settings(
        database=None,
        derandomize=True,
        max_examples=count,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found[:count]


def _generated(count: int) -> list[tuple[Framework, list[RatingHistory]]]:
    if count <= 0:
        return []
    framework_and_histories = strategies.frameworks(max_families=2).flatmap(
        lambda framework: st.tuples(
            st.just(framework),
            st.lists(strategies.rating_histories(framework, cycles=5), min_size=1, max_size=2),
        )
    )
    return _drawn(framework_and_histories, count)


@attrs.frozen
class Seeds:
    """Valid inputs for each kind of target."""

    #: Frameworks as values (also what histories are evaluated against).
    frameworks: tuple[Framework, ...]
    #: Framework texts by format.
    framework_texts: dict[str, tuple[str, ...]]
    #: History texts by format (YAML, JSON).
    history_texts: dict[str, tuple[str, ...]]
    #: CSV exports: ratings, levels and events texts.
    csv: tuple[tuple[str, str, str], ...]
    #: Verdicts as JSON text.
    verdicts: tuple[str, ...]
    #: Behaviour descriptions.
    descriptions: tuple[str, ...]


def frameworks(generated: int) -> list[Framework]:
    """The example frameworks, the small one, and ``generated`` drawn ones."""
    bundled = [progression.examples.load(name) for name in progression.examples.names()]
    small = progression.loads_framework(SMALL_FRAMEWORK)
    return [small, *bundled, *(framework for framework, _ in _generated(generated))]


def histories(generated: int) -> list[tuple[RatingHistory, ...]]:
    """Groups of histories: the small one, parts of the sample team, drawn ones."""
    team = progression.examples.team()
    groups = [progression.loads_history(SMALL_HISTORY)]
    groups += [team[index : index + 2] for index in range(0, min(len(team), 6), 2)]
    groups += [tuple(drawn) for _, drawn in _generated(generated)]
    return groups


def csv_exports(groups: Iterable[Sequence[RatingHistory]]) -> list[tuple[str, str, str]]:
    """Ratings, levels and events CSV texts for each group of histories."""
    exports = []
    for group in groups:
        ratings, levels, events = io.StringIO(), io.StringIO(), io.StringIO()
        write_ratings = csv.writer(ratings, lineterminator="\n")
        write_levels = csv.writer(levels, lineterminator="\n")
        write_events = csv.writer(events, lineterminator="\n")
        write_ratings.writerow(["employee_id", "cycle", "competency", "score", "rater"])
        write_levels.writerow(["employee_id", "family", "track", "level", "since"])
        write_events.writerow(["employee_id", "cycle", "event", "requirement", "value", "note"])
        for history in group:
            who = history.employee
            for assignment in history.levels:
                write_levels.writerow(
                    [who, history.family, history.track, assignment.level, assignment.since]
                )
            for review in history.reviews:
                cycle = str(review.cycle)
                for rating in review.ratings:
                    write_ratings.writerow(
                        [who, cycle, rating.competency, rating.score, rating.rater.value]
                    )
                for evidence in review.evidence:
                    value = "" if evidence.value is None else _number(evidence.value)
                    write_events.writerow(
                        [who, cycle, "evidence", evidence.requirement, value, evidence.note]
                    )
                if review.endorsed:
                    write_events.writerow([who, cycle, "endorsement", "", "", ""])
                if review.calibrated:
                    write_events.writerow([who, cycle, "calibration", "", "", ""])
                for step in review.approvals:
                    write_events.writerow([who, cycle, "approval", step, "", ""])
        exports.append((ratings.getvalue(), levels.getvalue(), events.getvalue()))
    return exports


def _number(value: Fraction) -> str:
    return format_number(value)


def descriptions(framework_list: Iterable[Framework]) -> list[str]:
    """Every behaviour text of the frameworks, in order, each once."""
    found: dict[str, None] = {}
    for framework in framework_list:
        for family in framework.job_families:
            for track in family.tracks:
                for competency in track.competencies:
                    for expectation in competency.levels.values():
                        for behaviour in expectation.behaviours:
                            found.setdefault(behaviour.text)
    return list(found)


def _verdicts(
    framework_list: Sequence[Framework], groups: Iterable[Sequence[RatingHistory]]
) -> list[Verdict]:
    by_family: dict[str, Framework] = {}
    for framework in reversed(framework_list):
        for family in framework.job_families:
            by_family[family.id] = framework
    verdicts = []
    for group in groups:
        for history in group:
            found = by_family.get(history.family)
            if found is None:
                continue
            try:
                verdicts.append(progression.evaluate(found, history))
            except progression.ProgressionError:
                continue
    return verdicts


#: Frameworks drawn from `progression.strategies` by default.
GENERATED = 12


def seeds(generated: int = GENERATED) -> Seeds:
    """Every seed, with ``generated`` drawn frameworks (and their histories)."""
    return _seeds(generated)


@functools.cache
def _seeds(generated: int) -> Seeds:
    framework_list = frameworks(generated)
    groups = histories(generated)
    framework_texts: dict[str, tuple[str, ...]] = {}
    for fmt in FORMATS:
        texts = [progression.dump_framework(f, format=fmt) for f in framework_list]
        if fmt == "yaml":
            texts += [SMALL_FRAMEWORK] + [
                progression.examples.text(name) for name in progression.examples.names()
            ]
        framework_texts[fmt] = tuple(texts)
    history_formats: tuple[Format, ...] = ("yaml", "json")
    history_texts: dict[str, tuple[str, ...]] = {
        fmt: tuple([progression.dump_history(g, format=fmt) for g in groups])
        for fmt in history_formats
    }
    history_texts["yaml"] += (SMALL_HISTORY,)
    verdict_texts = tuple(
        dumps(progression.unstructure(v), "json") for v in _verdicts(framework_list, groups)
    )
    return Seeds(
        frameworks=tuple(framework_list),
        framework_texts=framework_texts,
        history_texts=history_texts,
        csv=tuple(csv_exports(groups)),
        verdicts=verdict_texts,
        descriptions=tuple(descriptions(framework_list)),
    )


def team_files() -> tuple[Path, Path, Path]:
    """The sample team's CSV files."""
    ratings, levels, events = progression.examples.team_files()
    return Path(ratings), Path(levels), Path(events)
