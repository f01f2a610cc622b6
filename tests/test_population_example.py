"""`examples.population`: a synthetic company that the core loader and evaluator accept."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyarrow import csv

import progression
from progression import Status, examples
from progression._formats._csv import histories_from_csv
from progression.exceptions import InvalidHistory

RATINGS = ["employee_id", "cycle", "competency", "score", "rater", "rater_id"]
LEVELS = ["employee_id", "family", "track", "level", "since"]
EVENTS = ["employee_id", "cycle", "event", "requirement", "value", "note"]


def _loader_reads_rater_ids() -> bool:
    """Whether the single-history CSV loader takes a ``rater_id`` column."""
    try:
        histories_from_csv(
            "employee_id,cycle,competency,score,rater,rater_id\n",
            "employee_id,family,track,level,since\n",
        )
    except InvalidHistory:
        return False
    return True


def _write(tables: tuple[Any, Any, Any], folder: Path) -> tuple[Path, Path, Path]:
    ratings, levels, events = tables
    if not _loader_reads_rater_ids():
        ratings = ratings.drop_columns(["rater_id"])
    paths = (folder / "ratings.csv", folder / "levels.csv", folder / "events.csv")
    options = csv.WriteOptions(quoting_style="needed")
    for table, path in zip((ratings, levels, events), paths, strict=True):
        csv.write_csv(table, str(path), write_options=options)
    return paths


def test_the_tables_have_the_csv_exports_columns() -> None:
    ratings, levels, events = examples.population(50, seed=1)
    assert ratings.column_names == RATINGS
    assert levels.column_names == LEVELS
    assert events.column_names == EVENTS
    assert ratings.schema.field("score").type == pa.int8()
    for table in (ratings, levels, events):
        for name in table.column_names:
            if name != "score":
                assert pa.types.is_dictionary(table.schema.field(name).type), name


def test_the_same_seed_gives_the_same_tables() -> None:
    first = examples.population(120, seed=7)
    again = examples.population(120, seed=7)
    other = examples.population(120, seed=8)
    assert all(a.equals(b) for a, b in zip(first, again, strict=True))
    assert not first[0].equals(other[0])


def test_no_employees() -> None:
    ratings, levels, events = examples.population(0)
    assert (ratings.num_rows, levels.num_rows, events.num_rows) == (0, 0, 0)
    assert ratings.column_names == RATINGS
    assert levels.column_names == LEVELS
    assert events.column_names == EVENTS


@pytest.mark.parametrize("n", [-1, 2.0, True, "10"])
def test_a_count_that_is_not_a_whole_number_is_refused(n: Any) -> None:
    with pytest.raises(ValueError, match="whole number of employees"):
        examples.population(n)


@pytest.mark.parametrize(("n", "seed"), [(1200, 0), (150, 42)])
def test_every_employee_loads_and_evaluates(tmp_path: Path, n: int, seed: int) -> None:
    tables = examples.population(n, seed=seed)
    ratings, levels, events = tables
    paths = _write(tables, tmp_path)
    histories = progression.load_history(paths[0], levels=paths[1], events=paths[2])
    assert len(histories) == n
    # Nothing is dropped on the way through CSV.
    assert sum(len(r.ratings) for h in histories for r in h.reviews) == ratings.num_rows
    assert sum(len(h.levels) for h in histories) == levels.num_rows
    kinds = collections.Counter(str(e) for e in events.column("event").to_pylist())
    assert sum(len(r.evidence) for h in histories for r in h.reviews) == kinds["evidence"]
    assert sum(r.endorsed for h in histories for r in h.reviews) == kinds["endorsement"]
    assert sum(r.calibrated for h in histories for r in h.reviews) == kinds["calibration"]
    assert sum(len(r.approvals) for h in histories for r in h.reviews) == kinds["approval"]
    framework = examples.load("engineering")
    verdicts = [progression.evaluate(framework, history) for history in histories]
    if n < 1000:
        return
    # The mix a large enough company shows.
    statuses = collections.Counter(v.status for v in verdicts)
    assert set(statuses) == set(Status)
    assert statuses[Status.NOT_READY] > statuses[Status.READY] > 0
    pending = [v for v in verdicts if v.met_except_approval and v.status is not Status.READY]
    assert pending
    tracks = {(h.family, h.track) for h in histories}
    assert tracks == {("engineering", "ic"), ("engineering", "management"), ("data", "ic")}
    assert any(len(h.levels) > 1 for h in histories)  # promotions in the window
    crossovers = [h for h in histories if h.track == "management" and h.levels[0].level == "IC3"]
    assert crossovers
    reviews = [len(h.reviews) for h in histories]
    assert min(reviews) < 8 == max(reviews)  # missing reviews, and late joiners
    assert any(
        len({r.competency for r in review.ratings if r.rater is progression.Rater.MANAGER})
        < len({r.competency for r in review.ratings})
        or len(review.ratings) == 0
        for history in histories
        for review in history.reviews
    )


def test_managers_rate_teams_and_some_people_rate_themselves() -> None:
    ratings, levels, _ = examples.population(3000, seed=3)
    rows = ratings.select(["employee_id", "rater", "rater_id"]).to_pylist()
    track = {row["employee_id"]: row["track"] for row in levels.to_pylist()}
    teams: dict[str, set[str]] = collections.defaultdict(set)
    self_raters = set()
    for row in rows:
        if row["rater"] == "manager":
            teams[row["rater_id"]].add(row["employee_id"])
        else:
            assert row["rater"] == "self"
            assert row["rater_id"] == row["employee_id"]
            self_raters.add(row["employee_id"])
    assert all(track.get(manager, "management") == "management" for manager in teams)
    assert all(employee not in team for employee, team in teams.items())
    assert sum(map(len, teams.values())) / len(teams) >= 5
    assert 0.2 < len(self_raters) / 3000 < 0.5


@settings(max_examples=10)
@given(st.integers(0, 60), st.integers(0, 2**32 - 1))
def test_rows_come_grouped_by_employee_and_cycle(n: int, seed: int) -> None:
    ratings, levels, events = examples.population(n, seed=seed)
    employees = set(levels.column("employee_id").to_pylist())
    assert len(employees) == n
    for table in (ratings, levels, events):
        ids = table.column("employee_id").to_pylist()
        assert ids == sorted(ids)
        assert set(ids) <= employees
    keys = list(
        zip(*(ratings.column(c).to_pylist() for c in ("employee_id", "cycle")), strict=True)
    )
    assert keys == sorted(keys)
    scores = ratings.column("score").to_pylist()
    assert all(1 <= score <= 5 for score in scores)


def test_examples_import_without_numpy_and_pyarrow() -> None:
    code = (
        "import sys\n"
        "sys.modules['numpy'] = None\n"
        "sys.modules['pyarrow'] = None\n"
        "from progression import examples\n"
        "assert examples.load('engineering').id == 'engineering'\n"
        "try:\n"
        "    examples.population(10)\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "pip install 'progression[population]'" in done.stdout
