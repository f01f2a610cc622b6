"""Rating histories from CSV exports: a long table of ratings, levels, and events."""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from typing import Any

from .._history import (
    CYCLE_EXPECTED,
    Cycle,
    Evidence,
    LevelAssignment,
    Rating,
    RatingHistory,
    Review,
)
from .._numbers import to_fraction
from .._policy import Rater
from .._validation import ID_EXPECTED, ID_PATTERN, one_of, show
from ..exceptions import InvalidHistory, Problem

__all__ = ["EVENT_COLUMNS", "LEVEL_COLUMNS", "RATING_COLUMNS", "histories_from_csv"]

RATING_COLUMNS = ("employee_id", "cycle", "competency", "score")
LEVEL_COLUMNS = ("employee_id", "family", "track", "level", "since")
EVENT_COLUMNS = ("employee_id", "cycle", "event")
_EVENTS = ("evidence", "endorsement", "calibration", "approval")


class _Table:
    """One CSV file's rows, with problems reported against file, line and column."""

    def __init__(
        self, text: str, source: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> None:
        self.source = source
        self.problems: list[Problem] = []
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            self.header = [name.strip() for name in next(reader)]
        except StopIteration:
            self.header = []
        self.rows: list[tuple[int, dict[str, str]]] = []
        missing = [name for name in required if name not in self.header]
        for name in missing:
            self.add(1, None, f"missing column {name!r}", f"a header with {', '.join(required)}")
        unknown = [n for n in self.header if n not in required + optional]
        for name in unknown:
            self.add(
                1,
                self.header.index(name),
                f"unknown column {name!r}",
                f"only {', '.join(required + optional)}",
            )
        if missing or unknown:
            return
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(self.header):
                self.add(
                    line,
                    None,
                    f"{len(row)} cells in a row of {len(self.header)} columns",
                    f"{len(self.header)} cells",
                )
                continue
            self.rows.append((line, {k: v.strip() for k, v in zip(self.header, row, strict=True)}))

    def add(
        self,
        line: int,
        column: int | None,
        message: str,
        expected: str | None = None,
        got: str | None = None,
    ) -> None:
        name = self.header[column] if column is not None and column < len(self.header) else None
        text = message
        if expected is not None:
            text += f": expected {expected}" + (f", got {show(got)}" if got is not None else "")
        self.problems.append(
            Problem(
                segments=(line - 1,) + ((name,) if name else ()),
                message=text,
                expected=expected,
                got=None if got is None else show(got),
                source=self.source,
                line=line,
                column=None if column is None else column + 1,
            )
        )

    def cycle(self, line: int, row: dict[str, str], name: str) -> Cycle | None:
        try:
            return Cycle.parse(row[name])
        except ValueError:
            self.add(line, self.header.index(name), "not a review cycle", CYCLE_EXPECTED, row[name])
            return None

    def integer(self, line: int, row: dict[str, str], name: str) -> int | None:
        if re.fullmatch(r"-?[0-9]+", row[name]):
            return int(row[name])
        self.add(line, self.header.index(name), "not a whole number", "an integer score", row[name])
        return None

    def required(self, line: int, row: dict[str, str], name: str) -> str | None:
        if row[name]:
            return row[name]
        self.add(line, self.header.index(name), f"empty {name}", f"a value for {name}", row[name])
        return None


def _rater(table: _Table, line: int, row: dict[str, str]) -> Rater | None:
    text = row.get("rater", "") or "manager"
    for rater in Rater:
        if rater.value == text:
            return rater
    table.add(
        line,
        table.header.index("rater"),
        "unknown rater",
        one_of(r.value for r in Rater),
        text,
    )
    return None


def _approval(events: _Table, line: int, row: dict[str, str], entry: dict[str, Any]) -> None:
    """A named approval step passed in the cycle: its step is in the requirement cell."""
    step = row.get("requirement", "")
    extra = [name for name in ("value", "note") if row.get(name)]
    if not step:
        events.add(line, None, "an approval row needs a requirement", "the approval step's id")
    elif not ID_PATTERN.match(step):
        events.add(line, events.header.index("requirement"), "invalid id", ID_EXPECTED, step)
    elif extra:
        events.add(
            line,
            events.header.index(extra[0]),
            f"an approval row takes no {', '.join(extra)}",
            "those cells empty (they belong to evidence rows)",
            row[extra[0]],
        )
    elif step in entry["approvals"]:
        events.add(
            line,
            events.header.index("requirement"),
            f"approval step {step!r} is recorded twice in this cycle",
            "one approval row per employee, cycle and step",
            step,
        )
    else:
        entry["approvals"].append(step)


def histories_from_csv(
    ratings_text: str,
    levels_text: str,
    events_text: str | None = None,
    *,
    sources: tuple[str, str, str] = ("ratings.csv", "levels.csv", "events.csv"),
) -> tuple[RatingHistory, ...]:
    """Histories from the text of the three CSV exports; every bad row reported at once."""
    ratings = _Table(ratings_text, sources[0], RATING_COLUMNS, ("rater",))
    levels = _Table(levels_text, sources[1], LEVEL_COLUMNS, ())
    events = (
        None
        if events_text is None
        else _Table(events_text, sources[2], EVENT_COLUMNS, ("requirement", "value", "note"))
    )
    tables = [t for t in (ratings, levels, events) if t is not None]

    people: dict[str, dict[str, Any]] = {}
    for line, row in levels.rows:
        employee = levels.required(line, row, "employee_id")
        family = levels.required(line, row, "family")
        track = levels.required(line, row, "track")
        level = levels.required(line, row, "level")
        since = levels.cycle(line, row, "since")
        if employee is None or family is None or track is None or level is None or since is None:
            continue
        person = people.setdefault(
            employee,
            {"family": family, "cadence": since.cadence, "levels": {}, "tracks": {}, "reviews": {}},
        )
        if person["family"] != family:
            levels.add(
                line,
                levels.header.index("family"),
                f"employee {employee!r} is in family {person['family']!r} in an earlier row",
                "one job family per employee",
                family,
            )
            continue
        if since.cadence is not person["cadence"]:
            levels.add(
                line,
                levels.header.index("since"),
                f"employee {employee!r} mixes quarters and half-years",
                f"a {person['cadence'].value} cycle like the employee's other rows",
                row["since"],
            )
            continue
        if since in person["levels"]:
            levels.add(
                line,
                levels.header.index("since"),
                f"employee {employee!r} has two level assignments starting in {since}",
                "one level assignment per employee and cycle",
                row["since"],
            )
            continue
        person["levels"][since] = LevelAssignment(level=level, since=since)
        # The history's track is the one held now: that of the latest assignment.
        person["tracks"][since] = track

    def review(table: _Table, line: int, employee: str, cycle: Cycle) -> dict[str, Any] | None:
        if employee not in people:
            table.add(
                line,
                table.header.index("employee_id"),
                f"employee {employee!r} has no row in {levels.source}",
                "every employee to have a level assignment",
                employee,
            )
            return None
        if cycle.cadence is not people[employee]["cadence"]:
            table.add(
                line,
                table.header.index("cycle"),
                f"employee {employee!r} mixes quarters and half-years",
                f"a {people[employee]['cadence'].value} cycle like the employee's level rows",
                str(cycle),
            )
            return None
        reviews: dict[Cycle, dict[str, Any]] = people[employee]["reviews"]
        return reviews.setdefault(
            cycle,
            {
                "ratings": [],
                "evidence": [],
                "endorsed": False,
                "calibrated": False,
                "approvals": [],
                "lines": {},
            },
        )

    for line, row in ratings.rows:
        employee = ratings.required(line, row, "employee_id")
        cycle = ratings.cycle(line, row, "cycle")
        competency = ratings.required(line, row, "competency")
        score = ratings.integer(line, row, "score")
        rater = _rater(ratings, line, row)
        if (
            employee is None
            or cycle is None
            or competency is None
            or score is None
            or rater is None
        ):
            continue
        entry = review(ratings, line, employee, cycle)
        if entry is None:
            continue
        key = (competency, rater)
        if key in entry["lines"]:
            ratings.add(
                line,
                ratings.header.index("score"),
                f"employee {employee!r}, cycle {cycle}: a second {rater.value} score for"
                f" {competency!r} (the first is on line {entry['lines'][key]})",
                "one score per employee, cycle, competency and rater",
                row["score"],
            )
            continue
        entry["lines"][key] = line
        entry["ratings"].append(Rating(competency=competency, score=score, rater=rater))

    for line, row in events.rows if events else []:
        assert events is not None
        employee = events.required(line, row, "employee_id")
        cycle = events.cycle(line, row, "cycle")
        event = row["event"]
        if event not in _EVENTS:
            events.add(
                line,
                events.header.index("event"),
                "unknown event",
                one_of(_EVENTS),
                event,
            )
            continue
        if employee is None or cycle is None:
            continue
        entry = review(events, line, employee, cycle)
        if entry is None:
            continue
        if event in ("endorsement", "calibration"):
            # Nothing is silently dropped: these rows have nowhere to keep the extra cells.
            extra = [name for name in ("requirement", "value", "note") if row.get(name)]
            if extra:
                events.add(
                    line,
                    events.header.index(extra[0]),
                    f"an {event} row takes no {', '.join(extra)}",
                    "those cells empty (they belong to evidence rows)",
                    row[extra[0]],
                )
                continue
            entry["endorsed" if event == "endorsement" else "calibrated"] = True
        elif event == "approval":
            _approval(events, line, row, entry)
        else:
            requirement = row.get("requirement", "")
            if not requirement:
                events.add(
                    line,
                    None,
                    "an evidence row needs a requirement",
                    "the id of a scope evidence requirement",
                )
                continue
            value: Fraction | None = None
            if row.get("value"):
                try:
                    value = to_fraction(row["value"])
                except (ValueError, ZeroDivisionError):
                    events.add(
                        line,
                        events.header.index("value"),
                        "not a number",
                        "a number such as 3 or 100",
                        row["value"],
                    )
                    continue
            entry["evidence"].append(
                Evidence(requirement=requirement, note=row.get("note", ""), value=value)
            )

    problems = [p for t in tables for p in t.problems]
    if problems:
        raise InvalidHistory(problems)
    histories = []
    for employee, person in people.items():
        reviews = [
            Review(
                cycle=cycle,
                ratings=e["ratings"],
                evidence=e["evidence"],
                endorsed=e["endorsed"],
                calibrated=e["calibrated"],
                approvals=e["approvals"],
            )
            for cycle, e in sorted(person["reviews"].items(), key=lambda item: item[0].ordinal)
        ]
        starts = sorted(person["levels"], key=lambda cycle: cycle.ordinal)
        # Every rule a history checks was checked above, row by row, so this cannot fail.
        histories.append(
            RatingHistory(
                employee=employee,
                family=person["family"],
                track=person["tracks"][starts[-1]],
                levels=[person["levels"][since] for since in starts],
                reviews=reviews,
            )
        )
    return tuple(histories)
