"""Generate the sample engineering team bundled with ``progression.examples``.

Forty employees over eight quarters (2024-Q4 to 2026-Q3), rated against the bundled
``engineering`` framework. Each employee is built from an explicit archetype: the
counted scores of the last two quarters (the window the policies look at), the level
assignments, the evidence and the approvals are written out below, so every verdict is
designed. A seeded generator only adds the noise of the earlier quarters, the odd
skipped review, and the self and peer scores that are kept but never counted.

Run ``python tests/sample_team.py`` to rewrite the CSV files in
``src/progression/examples/data/team/``; ``tests/test_sample_team.py`` checks that the
bundled files are exactly what `build` returns and that each verdict is as designed.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = ["CYCLES", "PEOPLE", "Person", "Record", "build", "main"]

SEED = 2026
FAMILY = "engineering"
CYCLES = (
    "2024-Q4",
    "2025-Q1",
    "2025-Q2",
    "2025-Q3",
    "2025-Q4",
    "2026-Q1",
    "2026-Q2",
    "2026-Q3",
)
WINDOW = CYCLES[-2:]
IC_COMPETENCIES = (
    "communication",
    "ownership",
    "collaboration",
    "delivery",
    "system-design",
    "technical-depth",
    "operational-excellence",
    "code-quality",
    "mentoring",
)
MANAGEMENT_COMPETENCIES = (
    "communication",
    "ownership",
    "collaboration",
    "delivery",
    "people-development",
    "hiring",
    "strategy-and-planning",
    "team-health",
)
PEER_RATED = ("communication", "collaboration")
FOLDER = Path(__file__).resolve().parents[1] / "src" / "progression" / "examples" / "data" / "team"


class Record(NamedTuple):
    """One scope evidence record: the cycle it was recorded in, its requirement id, value."""

    cycle: str
    requirement: str
    note: str
    value: int | None = None


@dataclass(frozen=True)
class Person:
    """One employee, built from an archetype.

    ``recent`` holds the counted scores of 2026-Q2 and 2026-Q3, one digit per competency
    in the track's order (spaces are ignored): ``.`` is a competency with no counted
    score, and an empty string is a quarter with no review at all. Earlier quarters are
    noisy versions of the first of them (of ``before`` while on an earlier track).
    """

    employee: str
    archetype: str
    levels: tuple[tuple[str, str], ...]
    recent: tuple[str, str]
    track: str = "ic"
    evidence: tuple[Record, ...] = ()
    endorsed: bool = True
    calibrated: bool = True
    calibrated_scores: bool = False
    manager_scores: tuple[tuple[str, str, int], ...] = ()
    self_scores: bool = False
    peer_scores: bool = False
    before: str = ""


# Transition evidence (engineering.yaml): IC1->IC2 shipped-feature x2; IC2->IC3
# cross-team-project >= 3; IC3->IC4 team-technical-plan >= 2; IC4->IC5
# multi-team-initiative >= 3; IC5->IC6 org-wide-initiative >= 5; IC6->IC7
# industry-impact x2; M1->M2 team-size >= 8; M2->M3 managers-reporting >= 2;
# crossover IC3->M1 mentoring-record x2. IC competencies: communication, ownership,
# collaboration, delivery | system-design, technical-depth, operational-excellence,
# code-quality, mentoring. An IC average of 3.5 or more needs a total of 32.
PEOPLE = (
    # --- ready ------------------------------------------------------------------------
    Person(
        employee="e01",
        archetype="ready: IC6 with two industry-impact records, calibrated scores",
        levels=(("IC6", "2024-Q4"),),
        recent=("5545 55445", "5555 55445"),
        evidence=(
            Record("2025-Q2", "industry-impact", "Open-sourced the tracing library"),
            Record("2026-Q1", "industry-impact", "Paper on storage tiering at a conference"),
        ),
        calibrated_scores=True,
    ),
    Person(
        employee="e02",
        archetype="ready: IC5 with exactly the 8 quarters in level IC6 needs",
        levels=(("IC5", "2024-Q4"),),
        recent=("5454 54444", "5455 54444"),
        evidence=(Record("2025-Q3", "org-wide-initiative", "Service mesh migration", 6),),
        calibrated_scores=True,
    ),
    Person(
        employee="e04",
        archetype="ready: IC1 hired in 2025-Q2 with two shipped features",
        levels=(("IC1", "2025-Q2"),),
        recent=("4343 43434", "4443 43434"),
        evidence=(
            Record("2025-Q4", "shipped-feature", "Address autocomplete at checkout"),
            Record("2026-Q2", "shipped-feature", "Saved carts"),
        ),
    ),
    Person(
        employee="e09",
        archetype="ready: M1 averaging exactly 3.5 (the threshold) in both quarters",
        track="management",
        levels=(("M1", "2025-Q1"),),
        recent=("4343 3434", "3443 4343"),
        evidence=(Record("2025-Q4", "team-size", "Platform team grew to 8", 8),),
        calibrated_scores=True,
    ),
    Person(
        employee="e11",
        archetype="ready: promoted IC1 -> IC2 in 2025-Q3, cross-team project",
        levels=(("IC1", "2024-Q4"), ("IC2", "2025-Q3")),
        recent=("4444 33434", "4444 43434"),
        evidence=(
            Record("2024-Q4", "shipped-feature", "Invoice export"),
            Record("2025-Q1", "shipped-feature", "Dark mode for the dashboard"),
            Record("2026-Q1", "cross-team-project", "Payment retries rollout", 4),
        ),
    ),
    Person(
        employee="e17",
        archetype="ready: IC3 whose lowest score is exactly 3 (the floor)",
        levels=(("IC3", "2024-Q4"),),
        recent=("4443 44434", "4434 43443"),
        evidence=(Record("2025-Q4", "team-technical-plan", "Search indexing plan", 2),),
    ),
    Person(
        employee="e22",
        archetype="ready: promoted IC3 -> IC4 in 2025-Q1, peer scores",
        levels=(("IC3", "2024-Q4"), ("IC4", "2025-Q1")),
        recent=("4544 44434", "4544 45444"),
        evidence=(
            Record("2024-Q4", "team-technical-plan", "Mobile release train plan", 3),
            Record("2026-Q1", "multi-team-initiative", "Shared design system", 3),
        ),
        peer_scores=True,
    ),
    Person(
        employee="e27",
        archetype="ready: IC2 whose manager's 2 calibration raised to 3",
        levels=(("IC2", "2025-Q1"),),
        recent=("4434 34343", "4444 33434"),
        evidence=(Record("2026-Q2", "cross-team-project", "Fraud rules handover", 3),),
        calibrated_scores=True,
        manager_scores=(("2026-Q3", "system-design", 2),),
    ),
    Person(
        employee="e35",
        archetype="ready: IC3 with self and peer scores",
        levels=(("IC3", "2025-Q1"),),
        recent=("4444 44333", "4444 44343"),
        evidence=(Record("2026-Q1", "team-technical-plan", "Observability roadmap", 3),),
        self_scores=True,
        peer_scores=True,
    ),
    Person(
        employee="e39",
        archetype="ready: IC1 with two shipped features",
        levels=(("IC1", "2025-Q1"),),
        recent=("4434 34343", "4444 34343"),
        evidence=(
            Record("2025-Q3", "shipped-feature", "Password reset by email"),
            Record("2026-Q1", "shipped-feature", "Team invitations"),
        ),
    ),
    # --- ready pending approval -------------------------------------------------------
    Person(
        employee="e05",
        archetype="pending: M2 not yet calibrated",
        track="management",
        levels=(("M2", "2024-Q4"),),
        recent=("4444 4344", "4444 4444"),
        evidence=(Record("2025-Q3", "managers-reporting", "Two team leads report in", 2),),
        calibrated=False,
    ),
    Person(
        employee="e14",
        archetype="pending: IC2 not yet endorsed",
        levels=(("IC2", "2024-Q4"),),
        recent=("4443 34343", "4444 34343"),
        evidence=(Record("2025-Q4", "cross-team-project", "Notification preferences", 3),),
        endorsed=False,
    ),
    Person(
        employee="e24",
        archetype="pending: IC4 not yet endorsed",
        levels=(("IC4", "2024-Q4"),),
        recent=("4444 44443", "4454 44443"),
        evidence=(Record("2026-Q1", "multi-team-initiative", "Feature flag platform", 4),),
        endorsed=False,
    ),
    Person(
        employee="e31",
        archetype="pending: IC3 endorsed, not yet calibrated",
        levels=(("IC3", "2024-Q4"),),
        recent=("4344 43434", "4444 43434"),
        evidence=(Record("2025-Q3", "team-technical-plan", "Data retention plan", 2),),
        calibrated=False,
    ),
    Person(
        employee="e37",
        archetype="pending: IC1 neither endorsed nor calibrated",
        levels=(("IC1", "2025-Q1"),),
        recent=("3444 34343", "4444 34343"),
        evidence=(
            Record("2025-Q4", "shipped-feature", "CSV import for contacts"),
            Record("2026-Q2", "shipped-feature", "Audit log viewer"),
        ),
        endorsed=False,
        calibrated=False,
    ),
    # --- not ready --------------------------------------------------------------------
    Person(
        employee="e03",
        archetype="not ready: M1 (crossed over from IC3 in 2025-Q2) with a team of 6, not 8",
        track="management",
        levels=(("IC3", "2024-Q4"), ("M1", "2025-Q2")),
        recent=("4443 4434", "4444 3444"),
        before="4444 33434",
        evidence=(
            Record("2024-Q4", "mentoring-record", "Mentored two new joiners"),
            Record("2025-Q1", "mentoring-record", "Mentored an intern and a graduate"),
            Record("2026-Q2", "team-size", "Checkout team", 6),
        ),
    ),
    Person(
        employee="e06",
        archetype="not ready: promoted to IC4 in 2025-Q3, one quarter short of 6",
        levels=(("IC3", "2024-Q4"), ("IC4", "2025-Q3")),
        recent=("4444 44434", "4544 44434"),
        evidence=(
            Record("2025-Q1", "team-technical-plan", "Queue consolidation plan", 2),
            Record("2026-Q2", "multi-team-initiative", "Unified on-call tooling", 3),
        ),
    ),
    Person(
        employee="e07",
        archetype="not ready: IC5 averaging below 3.5, no evidence, not endorsed",
        levels=(("IC5", "2024-Q4"),),
        recent=("4433 43433", "3443 44333"),
        endorsed=False,
    ),
    Person(
        employee="e08",
        archetype="not ready: IC4 at 2 in 2026-Q2 after calibration lowered a 3",
        levels=(("IC4", "2024-Q4"),),
        recent=("4444 44424", "4444 44434"),
        evidence=(Record("2025-Q4", "multi-team-initiative", "Shared auth service", 3),),
        calibrated_scores=True,
        manager_scores=(("2026-Q2", "code-quality", 3),),
    ),
    Person(
        employee="e10",
        archetype="not ready: M1 averaging below 3.5, not endorsed",
        track="management",
        levels=(("M1", "2024-Q4"),),
        recent=("3434 3333", "3433 4333"),
        evidence=(Record("2026-Q1", "team-size", "Growth team", 8),),
        endorsed=False,
    ),
    Person(
        employee="e12",
        archetype="not ready: IC4 steady at 3, no evidence, not endorsed",
        levels=(("IC4", "2024-Q4"),),
        recent=("3333 34333", "3433 43333"),
        endorsed=False,
    ),
    Person(
        employee="e13",
        archetype="not ready: IC4 with no multi-team-initiative evidence",
        levels=(("IC4", "2024-Q4"),),
        recent=("4444 43444", "4444 44444"),
    ),
    Person(
        employee="e16",
        archetype="not ready: IC2 at 2 in technical-depth in 2026-Q3",
        levels=(("IC2", "2024-Q4"),),
        recent=("4444 34343", "4444 42434"),
        evidence=(Record("2025-Q4", "cross-team-project", "Onboarding emails", 3),),
    ),
    Person(
        employee="e19",
        archetype="not ready: promoted to IC3 in 2025-Q3, one quarter short of 6",
        levels=(("IC2", "2024-Q4"), ("IC3", "2025-Q3")),
        recent=("4444 34343", "4444 43434"),
        evidence=(
            Record("2025-Q1", "cross-team-project", "Tax calculation service", 3),
            Record("2026-Q1", "team-technical-plan", "Reporting pipeline plan", 2),
        ),
    ),
    Person(
        employee="e20",
        archetype="not ready: IC3 averaging below 3.5 (higher self scores do not count)",
        levels=(("IC3", "2024-Q4"),),
        recent=("3434 33433", "4343 34343"),
        evidence=(Record("2025-Q3", "team-technical-plan", "API versioning plan", 2),),
        self_scores=True,
    ),
    Person(
        employee="e21",
        archetype="not ready: promoted to IC2 in 2026-Q1, no evidence yet, not endorsed",
        levels=(("IC1", "2024-Q4"), ("IC2", "2026-Q1")),
        recent=("4434 34343", "4443 34343"),
        evidence=(
            Record("2025-Q1", "shipped-feature", "Bulk archive"),
            Record("2025-Q3", "shipped-feature", "Keyboard shortcuts"),
        ),
        endorsed=False,
    ),
    Person(
        employee="e25",
        archetype="not ready: IC2 with no review at all in 2026-Q2",
        levels=(("IC2", "2025-Q1"),),
        recent=("", "4444 34343"),
        evidence=(Record("2026-Q1", "cross-team-project", "Partner API launch", 3),),
    ),
    Person(
        employee="e26",
        archetype="not ready: IC1 hired in 2025-Q4 averaging below 3.5, not endorsed",
        levels=(("IC1", "2025-Q4"),),
        recent=("3433 33343", "3443 33433"),
        evidence=(Record("2026-Q2", "shipped-feature", "Empty states"),),
        endorsed=False,
    ),
    Person(
        employee="e28",
        archetype="not ready: IC2 with two projects of 2 stakeholders where 3 are needed",
        levels=(("IC2", "2025-Q1"),),
        recent=("4444 33434", "4443 43434"),
        evidence=(
            Record("2025-Q4", "cross-team-project", "Billing page redesign", 2),
            Record("2026-Q2", "cross-team-project", "Usage alerts", 2),
        ),
    ),
    Person(
        employee="e29",
        archetype="not ready: IC2 whose calibrated scores average below 3.5",
        levels=(("IC2", "2025-Q2"),),
        recent=("4443 34343", "4343 33434"),
        evidence=(Record("2026-Q1", "cross-team-project", "Status page", 4),),
        calibrated_scores=True,
        manager_scores=(("2026-Q3", "ownership", 4), ("2026-Q3", "system-design", 4)),
    ),
    Person(
        employee="e30",
        archetype="not ready: IC2 struggling, 2s and a low average, not endorsed",
        levels=(("IC2", "2025-Q1"),),
        recent=("3323 33332", "3333 23332"),
        endorsed=False,
    ),
    Person(
        employee="e32",
        archetype="not ready: IC1 averaging below 3.5, one feature shipped, not endorsed",
        levels=(("IC1", "2024-Q4"),),
        recent=("3333 33334", "3433 33343"),
        evidence=(Record("2026-Q1", "shipped-feature", "Profile photo upload"),),
        endorsed=False,
    ),
    Person(
        employee="e33",
        archetype="not ready: IC3 whose technical plan dates from IC2 (before the level)",
        levels=(("IC2", "2024-Q4"), ("IC3", "2025-Q1")),
        recent=("4434 43434", "4444 43434"),
        evidence=(
            Record("2024-Q4", "cross-team-project", "Single sign-on", 3),
            Record("2024-Q4", "team-technical-plan", "Caching strategy", 2),
        ),
    ),
    Person(
        employee="e34",
        archetype="not ready: IC1 at 2 in system-design, not endorsed",
        levels=(("IC1", "2025-Q2"),),
        recent=("4444 24443", "4444 24434"),
        evidence=(
            Record("2025-Q3", "shipped-feature", "Webhook retries"),
            Record("2026-Q1", "shipped-feature", "Rate limit headers"),
        ),
        endorsed=False,
    ),
    Person(
        employee="e36",
        archetype="not ready: strong IC3 hired in 2026-Q1, not endorsed",
        levels=(("IC3", "2026-Q1"),),
        recent=("4545 44444", "5545 45444"),
        endorsed=False,
    ),
    Person(
        employee="e40",
        archetype="not ready: strong IC2 hired in 2026-Q2, not endorsed",
        levels=(("IC2", "2026-Q2"),),
        recent=("4444 44434", "4544 44444"),
        endorsed=False,
    ),
    # --- insufficient data ------------------------------------------------------------
    Person(
        employee="e15",
        archetype="insufficient data: IC3 with only a self score for system-design in 2026-Q3",
        levels=(("IC3", "2024-Q4"),),
        recent=("4444 43434", "4444 .4434"),
        evidence=(Record("2025-Q4", "team-technical-plan", "Batch jobs to streaming", 3),),
        self_scores=True,
    ),
    Person(
        employee="e23",
        archetype="insufficient data: IC2 with no score for mentoring in 2026-Q2",
        levels=(("IC2", "2025-Q1"),),
        recent=("4444 3434.", "4444 34343"),
        evidence=(Record("2026-Q1", "cross-team-project", "Localisation rollout", 3),),
    ),
    Person(
        employee="e38",
        archetype="insufficient data: IC1 hired in 2026-Q3, no ratings yet",
        levels=(("IC1", "2026-Q3"),),
        recent=("", ""),
        endorsed=False,
        calibrated=False,
    ),
    # --- crossover --------------------------------------------------------------------
    Person(
        employee="e18",
        archetype="crossover: IC3 with strong core scores and two mentoring records -> M1",
        levels=(("IC2", "2024-Q4"), ("IC3", "2025-Q3")),
        recent=("4443 33333", "4444 33333"),
        evidence=(
            Record("2025-Q1", "cross-team-project", "Search relevance tuning", 3),
            Record("2025-Q4", "mentoring-record", "Mentored two graduates"),
            Record("2026-Q2", "mentoring-record", "Mentored two engineers new to the team"),
        ),
    ),
)


def _competencies(level: str) -> tuple[str, ...]:
    return MANAGEMENT_COMPETENCIES if level.startswith("M") else IC_COMPETENCIES


def _digits(text: str, count: int) -> list[int | None]:
    cells = text.replace(" ", "")
    if len(cells) != count:
        raise ValueError(f"expected {count} scores, got {text!r}")
    return [None if cell == "." else int(cell) for cell in cells]


def _level_at(person: Person, cycle: str) -> str | None:
    index = CYCLES.index(cycle)
    held = [level for level, since in person.levels if CYCLES.index(since) <= index]
    return held[-1] if held else None


def _earlier(rng: random.Random, base: list[int | None], back: int) -> list[int | None]:
    """A noisy earlier quarter: people grow, so scores further back tend to be lower."""
    scores: list[int | None] = []
    for score in base:
        value = 3 if score is None else score
        if rng.random() < 0.06 * back:
            value -= 1
        if rng.random() < 0.1:
            value += rng.choice((-1, 1))
        scores.append(min(5, max(2, value)))
    return scores


def _scores(person: Person, rng: random.Random) -> dict[str, dict[str, int | None]]:
    """The counted score per competency in each reviewed cycle."""
    current = _competencies(person.levels[-1][0])
    recent = [_digits(text, len(current)) if text else None for text in person.recent]
    base = recent[0] or recent[1]
    hired = CYCLES.index(person.levels[0][1])
    reviews: dict[str, dict[str, int | None]] = {}
    for index, cycle in enumerate(CYCLES):
        level = _level_at(person, cycle)
        if level is None:
            continue
        names = _competencies(level)
        if cycle in WINDOW:
            scores = recent[WINDOW.index(cycle)]
        else:
            if index > hired and rng.random() < 0.06:
                continue  # the odd quarter nobody reviewed, long before the window
            earlier = base if names == current else _digits(person.before, len(names))
            assert earlier is not None
            scores = _earlier(rng, earlier, len(CYCLES) - 2 - index)
        if scores is not None:
            reviews[cycle] = dict(zip(names, scores, strict=True))
    return reviews


def _rating_rows(person: Person, rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    overrides = {(cycle, name): score for cycle, name, score in person.manager_scores}
    for cycle, scores in _scores(person, rng).items():
        counted = {name: score for name, score in scores.items() if score is not None}
        calibrated = person.calibrated_scores and cycle in WINDOW
        for name, score in counted.items():
            manager = overrides.get((cycle, name), score) if calibrated else score
            rows.append([person.employee, cycle, name, str(manager), "manager"])
        if calibrated:
            rows.extend(
                [person.employee, cycle, n, str(s), "calibrated"] for n, s in counted.items()
            )
        if person.self_scores and cycle in WINDOW:
            for name, rated in scores.items():
                own = 4 if rated is None else min(5, rated + (1 if rng.random() < 0.6 else 0))
                rows.append([person.employee, cycle, name, str(own), "self"])
        if person.peer_scores and cycle in WINDOW:
            for name in PEER_RATED:
                peer = min(5, max(1, counted[name] + rng.choice((-1, 0, 0, 1))))
                rows.append([person.employee, cycle, name, str(peer), "peer"])
    return rows


def _event_rows(person: Person) -> list[list[str]]:
    events: list[tuple[int, list[str]]] = []
    for record in person.evidence:
        value = "" if record.value is None else str(record.value)
        row = [person.employee, record.cycle, "evidence", record.requirement, value, record.note]
        events.append((CYCLES.index(record.cycle), row))
    # Each earlier promotion was endorsed and calibrated in the quarter before it.
    for _, since in person.levels[1:]:
        before = CYCLES.index(since) - 1
        for event in ("endorsement", "calibration"):
            events.append((before, [person.employee, CYCLES[before], event, "", "", ""]))
    last = len(CYCLES) - 1
    if person.calibrated_scores and person.calibrated:
        events.append((last - 1, [person.employee, CYCLES[-2], "calibration", "", "", ""]))
    if person.endorsed:
        events.append((last, [person.employee, CYCLES[-1], "endorsement", "", "", ""]))
    if person.calibrated:
        events.append((last, [person.employee, CYCLES[-1], "calibration", "", "", ""]))
    return [row for _, row in sorted(events, key=lambda item: item[0])]


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def build() -> dict[str, str]:
    """The text of ``ratings.csv``, ``levels.csv`` and ``events.csv``, the same every run."""
    rng = random.Random(SEED)
    ratings: list[list[str]] = []
    levels: list[list[str]] = []
    events: list[list[str]] = []
    for person in sorted(PEOPLE, key=lambda p: p.employee):
        for level, since in person.levels:
            # Each row names the track of its own level: IC rows before a crossover.
            track = "management" if level.startswith("M") else "ic"
            levels.append([person.employee, FAMILY, track, level, since])
        ratings.extend(_rating_rows(person, rng))
        events.extend(_event_rows(person))
    return {
        "ratings.csv": _csv(("employee_id", "cycle", "competency", "score", "rater"), ratings),
        "levels.csv": _csv(("employee_id", "family", "track", "level", "since"), levels),
        "events.csv": _csv(
            ("employee_id", "cycle", "event", "requirement", "value", "note"), events
        ),
    }


def main() -> None:
    """Write the three CSV files into the examples' ``data/team`` folder."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (FOLDER / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {FOLDER / name}")


if __name__ == "__main__":
    main()
