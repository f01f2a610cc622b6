"""`progression evaluate FRAMEWORK --ratings R --levels L --events E --out FILE`."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pyarrow as pa
import pytest
from pyarrow import csv, parquet

import progression
from progression import examples
from progression._cli_population import Progress, summary_lines
from progression.cli import main

Capture = pytest.CaptureFixture[str]
EMPLOYEES = 240


def _plain(table: pa.Table) -> pa.Table:
    """The table with its text columns decoded, as an export has them."""
    return pa.table(
        {
            name: column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )


@pytest.fixture(scope="module")
def tables() -> tuple[pa.Table, pa.Table, pa.Table]:
    ratings, levels, events = examples.population(EMPLOYEES, seed=11)
    return _plain(ratings), _plain(levels), _plain(events)


def _write(folder: Path, tables: tuple[pa.Table, ...], suffix: str) -> list[str]:
    paths = []
    for name, table in zip(("ratings", "levels", "events"), tables, strict=True):
        path = folder / f"{name}{suffix}"
        if suffix == ".csv":
            csv.write_csv(table, path, write_options=csv.WriteOptions(quoting_style="needed"))
        else:
            parquet.write_table(table, path)
        paths.append(str(path))
    return paths


@pytest.fixture
def framework(tmp_path: Path) -> str:
    path = tmp_path / "engineering.yaml"
    path.write_text(examples.text("engineering"), encoding="utf-8")
    return str(path)


def _args(framework: str, paths: list[str], *extra: str) -> list[str]:
    ratings, levels, events = paths
    return [
        "evaluate",
        framework,
        "--ratings",
        ratings,
        "--levels",
        levels,
        "--events",
        events,
        *extra,
    ]


def _single(paths: list[str]) -> dict[str, progression.Verdict]:
    """Each employee's verdict from the single evaluator, through the CSV loader."""
    ratings, levels, events = (Path(p) for p in paths)
    table = csv.read_csv(ratings)
    if "rater_id" in table.column_names:
        # The single-history loader reads rater roles; the ids are for analyses.
        ratings = ratings.with_name("ratings-roles.csv")
        csv.write_csv(table.drop_columns(["rater_id"]), ratings)
    histories = progression.load_history(ratings, levels=levels, events=events)
    framework = examples.load("engineering")
    return {h.employee: progression.evaluate(framework, h) for h in histories}


def test_csv_in_csv_out_with_a_summary_per_level(
    tmp_path: Path, tables: tuple[pa.Table, ...], framework: str, capsys: Capture
) -> None:
    paths = _write(tmp_path, tables, ".csv")
    out = tmp_path / "verdicts.csv"
    assert main(_args(framework, paths, "--out", str(out))) == 0
    printed = capsys.readouterr()
    verdicts = csv.read_csv(out).to_pylist()
    assert len(verdicts) == EMPLOYEES
    single = _single(paths)
    for row in verdicts:
        verdict = single[row["employee_id"]]
        assert row["status"] == verdict.status.value
        assert row["met_except_approval"] == verdict.met_except_approval
        assert row["target"] == verdict.target_level
    lines = printed.out.splitlines()
    assert lines[0].split()[:4] == ["family", "track", "level", "employees"]
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1] == f"{EMPLOYEES:,}"
    assert f"{EMPLOYEES:,} employees; CPU read" in printed.out
    assert f"Wrote {EMPLOYEES:,} rows of verdicts to {out}." in printed.out
    # Not a terminal: no progress line in the output.
    assert "\r" not in printed.err


def test_parquet_in_with_criteria_and_errors_out(
    tmp_path: Path, tables: tuple[pa.Table, ...], framework: str, capsys: Capture
) -> None:
    paths = _write(tmp_path, tables, ".parquet")
    out, criteria, errors = (tmp_path / n for n in ("v.parquet", "c.parquet", "e.csv"))
    args = ["--out", str(out), "--criteria", str(criteria), "--errors", str(errors)]
    assert main(_args(framework, paths, *args, "--as-of", "2026-Q3")) == 0
    verdicts = parquet.read_table(out)
    assert verdicts.num_rows == EMPLOYEES
    assert set(verdicts.column("as_of").cast(pa.string()).to_pylist()) == {"2026-Q3"}
    rows = parquet.read_table(criteria)
    assert rows.num_rows > 4 * EMPLOYEES
    assert {"employee_id", "position", "code", "outcome", "observed", "required"} <= set(
        rows.column_names
    )
    assert csv.read_csv(errors).num_rows == 0
    assert "Wrote 0 rows of errors" in capsys.readouterr().out


def test_bad_rows_are_reported_and_the_others_evaluated(
    tmp_path: Path, tables: tuple[pa.Table, ...], framework: str, capsys: Capture
) -> None:
    ratings, levels, events = tables
    first = ratings.column("employee_id")[0].as_py()
    bad = pa.table(
        {
            "employee_id": [first, first, "e9999"],
            "cycle": ["2026-Q3", "2026-Q3", "2026-Q3"],
            "competency": ["comunication", "ownership", "delivery"],
            "score": pa.array([3, 9, 4], ratings.schema.field("score").type),
            "rater": ["peer", "peer", "manager"],
            "rater_id": ["x", "x", "x"],
        }
    )
    paths = _write(tmp_path, (pa.concat_tables([ratings, bad]), levels, events), ".csv")
    out = tmp_path / "verdicts.parquet"
    assert main(_args(framework, paths, "--out", str(out))) == 1
    printed = capsys.readouterr()
    assert "comunication" in printed.err
    assert "did you mean 'communication'?" in printed.err
    assert "outside the scale 1..5" in printed.err
    assert "e9999" in printed.err
    assert f"{paths[0]}:{ratings.num_rows + 2}" in printed.err  # the file and its line
    verdicts = parquet.read_table(out)
    assert verdicts.num_rows >= EMPLOYEES
    statuses = verdicts.column("status").cast(pa.string()).to_pylist()
    assert sum(status is not None for status in statuses) == EMPLOYEES - 1
    assert "with errors" in printed.out


def test_strict_refuses_the_input_with_every_problem(
    tmp_path: Path, tables: tuple[pa.Table, ...], framework: str, capsys: Capture
) -> None:
    ratings, levels, events = tables
    levels = levels.set_column(
        levels.column_names.index("level"),
        "level",
        pa.array(["IC9", *levels.column("level").to_pylist()[1:]]),
    )
    paths = _write(tmp_path, (ratings, levels, events), ".csv")
    out = tmp_path / "verdicts.csv"
    assert main(_args(framework, paths, "--out", str(out), "--strict")) == 1
    assert "unknown level 'IC9'" in capsys.readouterr().err
    assert not out.exists()


def test_the_top_of_a_track_is_listed_but_not_an_input_error(
    tmp_path: Path, tables: tuple[pa.Table, ...], framework: str, capsys: Capture
) -> None:
    ratings, levels, events = tables
    # The first employee's latest level becomes the top of the IC track.
    first = levels.column("employee_id")[0].as_py()
    rows = levels.to_pylist()
    last = max(i for i, row in enumerate(rows) if row["employee_id"] == first)
    rows[last].update(family="engineering", track="ic", level="IC7")
    keep = [r for r in ratings.to_pylist() if r["employee_id"] != first]
    paths = _write(
        tmp_path,
        (pa.Table.from_pylist(keep, ratings.schema), pa.Table.from_pylist(rows), events),
        ".csv",
    )
    assert main(_args(framework, paths)) == 0
    printed = capsys.readouterr()
    assert first in printed.err
    assert "(1 employee with errors)" in printed.out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "verdicts.json"], "--out verdicts.json: expected a file ending in .parquet"),
        (["--errors", "errors.txt"], "--errors errors.txt: expected a file ending in .parquet"),
        (["--format", "json"], "--format json and --details go with HISTORY"),
        (["--details"], "--format json and --details go with HISTORY"),
    ],
)
def test_options_that_do_not_go_together_are_refused(
    framework: str, capsys: Capture, extra: list[str], message: str
) -> None:
    ratings, levels, events = examples.team_files()
    assert main(_args(framework, [ratings, levels, events], *extra)) == 2
    assert message in capsys.readouterr().err


def test_history_options_and_population_options_stay_apart(
    tmp_path: Path, framework: str, capsys: Capture
) -> None:
    ratings, levels, events = examples.team_files()
    single = ["evaluate", framework, ratings, "--levels", levels]
    assert main([*single, "--ratings", ratings]) == 2
    assert "give HISTORY or --ratings, not both" in capsys.readouterr().err
    assert main([*single, "--out", str(tmp_path / "v.csv")]) == 2
    assert "--out go with --ratings, not with HISTORY" in capsys.readouterr().err
    assert main(["evaluate", framework]) == 2
    assert "evaluate needs HISTORY, or --ratings with --levels" in capsys.readouterr().err
    assert main(["evaluate", framework, "--ratings", ratings]) == 2
    assert "--ratings needs the level assignments too" in capsys.readouterr().err
    # The single-history command is as it was.
    assert main([*single, "--events", events]) == 0
    assert "40 employees" in capsys.readouterr().out


def test_a_missing_file_exits_2(tmp_path: Path, framework: str, capsys: Capture) -> None:
    paths = [str(tmp_path / f"{name}.csv") for name in ("ratings", "levels", "events")]
    assert main(_args(framework, paths)) == 2
    assert "ratings.csv" in capsys.readouterr().err


def test_the_summary_table_has_a_total_row() -> None:
    summary = pa.table(
        {
            "family": ["engineering", "engineering"],
            "track": ["ic", "ic"],
            "level": ["IC1", "IC2"],
            "employees": [3, 1200],
            "ready": [1, 100],
            "ready_pending_approval": [0, 7],
            "not_ready": [2, 1000],
            "insufficient_data": [0, 90],
            "errors": [0, 3],
        }
    )
    lines = summary_lines(summary)
    assert lines[0].split()[:4] == ["family", "track", "level", "employees"]
    # Those pending approval are a part of the not ready, so they follow them.
    assert lines[0].split()[5:9] == ["not", "ready", "of", "which"]
    assert lines[2].split() == ["engineering", "ic", "IC1", "3", "1", "2", "0", "0", "0"]
    assert set(lines[1]) == set(lines[4]) == {"─"}
    assert lines[5].split() == ["total", "1,203", "101", "1,002", "7", "90", "3"]
    assert len({len(line) for line in lines[:4]}) == 1  # the columns line up


def test_the_summary_shows_ids_as_written_not_as_markup() -> None:
    summary = pa.table(
        {
            "family": ["[bold]eng"],
            "track": [":smile:"],
            "level": ["L1\x1b[31m"],
            **{
                key: [1]
                for key in (
                    "employees",
                    "ready",
                    "ready_pending_approval",
                    "not_ready",
                    "insufficient_data",
                    "errors",
                )
            },
        }
    )
    row = summary_lines(summary)[2]
    assert row.split()[:2] == ["[bold]eng", ":smile:"]
    assert "\x1b" not in row


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_and_erased_at_the_end() -> None:
    stream = _Terminal()
    with Progress(2, stream=stream, enabled=True) as progress:
        with progress.stage("reading ratings.csv"):
            deadline = time.monotonic() + 5
            while "reading" not in stream.getvalue() and time.monotonic() < deadline:
                time.sleep(0.02)
        with progress.stage("evaluating 3 employees"):
            pass
    drawn = stream.getvalue()
    assert "1/2" in drawn
    assert "reading ratings.csv" in drawn
    # Transient: the bar's lines are erased (cursor up and erase line) when it stops.
    assert drawn.endswith("\x1b[1A\x1b[2K")
    assert progress.done == 2


def test_no_progress_bar_when_not_enabled() -> None:
    stream = _Terminal()
    with Progress(1, stream=stream, enabled=False) as progress, progress.stage("x"):
        time.sleep(0.15)
    assert stream.getvalue() == ""
    assert progress.done == 1
