"""``progression evaluate FRAMEWORK --ratings R --levels L [--events E] [--out FILE]``.

The command line's way into the population engine: read the three long tables (CSV or
Parquet), evaluate every employee at once, write the verdicts (and, if asked, the
criteria and the errors) as Parquet or CSV, and print a summary per level. On a
terminal a progress bar runs on stderr while the stages of a long run go by; nothing
is drawn into a pipe or a file. Both are rich's, which the population extra brings.

Exit status, as for the single-history command: 0 when every employee was evaluated or
could not be for a reason of the framework (a level at the top of its track, say: the
single command lists those as not evaluated, too); 1 when rows of the input break the
rules (each is in the errors, and every other employee is still evaluated); 2 when a
file cannot be read or written.
"""

from __future__ import annotations

import importlib
import io
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from ._formats import load_framework
from ._render import printable
from .exceptions import ProgressionError, UnreadableInput

__all__ = ["INPUT_ERRORS", "OUTPUT_SUFFIXES", "Progress", "evaluate_population_files"]

#: Error codes of the engine that mean the input breaks the rules (exit status 1); the
#: others are the single evaluator's reasons for not evaluating an employee.
INPUT_ERRORS = frozenset({"invalid_history", "invalid_row"})
OUTPUT_SUFFIXES = (".parquet", ".pq", ".csv")
#: Error rows printed at most; the rest are counted (and written with --errors).
SHOWN_ERRORS = 10


class Progress:
    """A progress bar on a terminal (rich's), through the named stages of a run.

    Drawn on ``stream`` only when ``enabled`` (a terminal): a spinner, the stage under
    way, a bar that pulses while a stage runs (a stage does not say how far it is), the
    stages done and the time spent. It is erased when the run ends, so a terminal keeps
    only the summary; a pipe or a file gets nothing from it.
    """

    def __init__(self, stages: int, *, stream: TextIO, enabled: bool) -> None:
        self.stages = stages
        self.done = 0
        self.label = ""
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None
        if enabled:
            # Imported here: rich comes with the population extra, and the core command
            # line runs without it.
            from rich.console import Console  # noqa: PLC0415
            from rich.progress import (  # noqa: PLC0415
                BarColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as Bar  # noqa: PLC0415

            self._bar = Bar(
                SpinnerColumn(),
                TextColumn("{task.fields[step]}/{task.fields[stages]}"),
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                TimeElapsedColumn(),
                console=Console(file=stream, highlight=False),
                transient=True,
            )

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task("", total=None, step=1, stages=self.stages)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        """Show ``label`` while the block runs; the stage counts as done after it."""
        self.label = label
        if self._bar is not None:
            step = min(self.done + 1, self.stages)
            self._bar.update(self._task, description=printable(label), step=step)
        yield
        self.done += 1


def _population() -> Any:
    try:
        # Loaded on first use: the extra it needs is optional.
        return importlib.import_module("progression.population")
    except ImportError as exc:
        raise ProgressionError(
            f"evaluating --ratings needs the population extra ({exc}):"
            " pip install 'progression[population]'"
        ) from None


def _check_output(option: str, path: str | None) -> None:
    if path is not None and Path(path).suffix.lower() not in OUTPUT_SUFFIXES:
        raise ProgressionError(
            f"{option} {path}: expected a file ending in {', '.join(OUTPUT_SUFFIXES)}"
        )


def _write_table(table: Any, path: str) -> None:
    """A table as Parquet or CSV, chosen by the file's suffix."""
    try:
        if Path(path).suffix.lower() == ".csv":
            from pyarrow import csv  # noqa: PLC0415 - the extra is there by now

            csv.write_csv(table, path, write_options=csv.WriteOptions(quoting_style="needed"))
        else:
            from pyarrow import parquet  # noqa: PLC0415

            parquet.write_table(table, path)
    except OSError as exc:
        raise UnreadableInput(f"{path}: {exc.strerror or exc}") from None


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}" if number == 1 else f"{number:,} {word}s"


def summary_lines(summary: Any) -> list[str]:
    """The summary table per family, track and level, with a total row, as text lines."""
    from rich import box  # noqa: PLC0415 - the extra is there by now
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    rows = summary.to_pylist()
    heads = (
        ("family", "family"),
        ("track", "track"),
        ("level", "level"),
        ("employees", "employees"),
        ("ready", "ready"),
        ("not_ready", "not ready"),
        # A part of the not ready, so it follows them.
        ("ready_pending_approval", "of which pending approval"),
        ("insufficient_data", "insufficient data"),
        ("errors", "errors"),
    )
    numbers = [key for key, _ in heads[3:]]
    total: dict[str, Any] = {"family": "total", "track": "", "level": ""}
    total.update({key: sum(int(row[key] or 0) for row in rows) for key in numbers})
    # The total is the table's footer: a rule above it, as under the heads.
    table = Table(
        box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="", show_footer=True
    )
    for column, (key, head) in enumerate(heads):
        table.add_column(
            head,
            footer=Text(str(total[key]) if column < 3 else f"{total[key]:,}"),
            justify="left" if column < 3 else "right",
            footer_style="",
            no_wrap=True,
        )
    for row in rows:
        # Text, not markup: an id such as "[red]" is shown as written.
        table.add_row(
            *[Text(printable(str(row[key] or ""))) for key, _ in heads[:3]],
            *[Text(f"{int(row[key] or 0):,}") for key in numbers],
        )
    # Wide enough never to wrap: a pipe gets the whole table, as a terminal does.
    console = Console(file=io.StringIO(), width=1 << 12, color_system=None, highlight=False)
    with console.capture() as captured:
        console.print(table)
    return [line.rstrip() for line in captured.get().splitlines() if line.strip()]


def _error_lines(errors: Any) -> list[str]:
    """The first error rows, each with its place, and how many more there are."""
    shown = errors.slice(0, SHOWN_ERRORS).to_pylist()
    out = []
    for row in shown:
        place = row["source"] or ""
        if row["line"] is not None:
            place += f":{row['line']}"
        elif row["row"] is not None:
            place += f" row {row['row']}"
        who = row["employee_id"]
        lead = f"{place}: " if place else ""
        if who is not None and f"{who!r}" not in row["message"]:
            lead += f"employee {who!r}: "
        out.append(printable(f"{lead}{row['message']}"))
    if errors.num_rows > SHOWN_ERRORS:
        out.append(f"... and {errors.num_rows - SHOWN_ERRORS:,} more")
    return out


def evaluate_population_files(
    framework_path: str,
    ratings: str,
    levels: str,
    events: str | None,
    *,
    out: str | None = None,
    criteria: str | None = None,
    errors: str | None = None,
    target: str | None = None,
    as_of: str | None = None,
    strict: bool = False,
    say: Callable[..., None],
    progress_stream: TextIO | None = None,
) -> int:
    """Evaluate the population in the files; print its summary; return the exit status."""
    for option, path in (("--out", out), ("--criteria", criteria), ("--errors", errors)):
        _check_output(option, path)
    population = _population()
    framework = load_framework(framework_path)
    stream = sys.stderr if progress_stream is None else progress_stream
    wanted = ((out, "verdicts"), (criteria, "criteria"), (errors, "errors"))
    outputs = [(path, name) for path, name in wanted if path is not None]
    timings: list[tuple[str, float]] = []
    with Progress(2 + len(outputs), stream=stream, enabled=_is_terminal(stream)) as progress:
        files = ", ".join(Path(p).name for p in (ratings, levels, events) if p is not None)
        started = time.process_time()
        with progress.stage(f"reading {files}"):
            people = population.Population.read(ratings, levels, events)
        timings.append(("read", time.process_time() - started))
        started = time.process_time()
        with progress.stage(f"evaluating {_count(len(people), 'employee')}"):
            result = population.evaluate_population(
                framework, people, as_of=as_of, target=target, strict=strict
            )
        timings.append(("evaluated", time.process_time() - started))
        for path, name in outputs:
            started = time.process_time()
            with progress.stage(f"writing {Path(path).name}"):
                _write_table(getattr(result, name), path)
            timings.append((f"wrote {name}", time.process_time() - started))

    for line in summary_lines(result.summary):
        say(line)
    verdicts = result.verdicts
    employees = verdicts.num_rows
    failed = {row["employee_id"] for row in result.errors.select(["employee_id"]).to_pylist()}
    say(
        f"{_count(employees, 'employee')}"
        + (f" ({_count(len(failed), 'employee')} with errors)" if failed else "")
        + "; CPU "
        + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in timings)
    )
    for path, name in outputs:
        table = getattr(result, name)
        say(f"Wrote {_count(table.num_rows, 'row')} of {name} to {printable(path)}.")
    if result.errors.num_rows:
        for line in _error_lines(result.errors):
            say(line, err=True)
    codes = set(result.errors.column("code").to_pylist())
    return 1 if codes & INPUT_ERRORS else 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
