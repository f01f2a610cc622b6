"""``progression evaluate FRAMEWORK --ratings R --levels L [--events E] [--out FILE]``.

The command line's way into the population engine: read the three long tables (CSV or
Parquet), evaluate every employee at once, write the verdicts (and, if asked, the
criteria and the errors) as Parquet or CSV, and print a summary per level. On a
terminal a progress line runs on stderr while the stages of a long run go by; nothing
is drawn into a pipe or a file.

Exit status, as for the single-history command: 0 when every employee was evaluated or
could not be for a reason of the framework (a level at the top of its track, say: the
single command lists those as not evaluated, too); 1 when rows of the input break the
rules (each is in the errors, and every other employee is still evaluated); 2 when a
file cannot be read or written.
"""

from __future__ import annotations

import importlib
import sys
import threading
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
    """A one-line progress bar on a terminal, through the named stages of a run.

    It is drawn on ``stream`` only when ``enabled`` (a terminal) and only once a run
    has lasted ``delay`` seconds, so quick runs print nothing extra. The line shows the
    stages done, the one under way (a marker moves within its share of the bar, since a
    stage does not say how far it is) and the time spent; it is erased when the run ends.
    """

    WIDTH = 24

    def __init__(self, stages: int, *, stream: TextIO, enabled: bool, delay: float = 0.5) -> None:
        self.stages = stages
        self.stream = stream
        self.enabled = enabled
        self.delay = delay
        self.done = 0
        self.label = ""
        self.start = time.monotonic()
        self.drawn = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self.drawn:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        """Show ``label`` while the block runs; the stage counts as done after it."""
        with self._lock:
            self.label = label
        yield
        with self._lock:
            self.done += 1

    def line(self, now: float) -> str:
        """The progress line at time ``now`` (from `time.monotonic`)."""
        elapsed = now - self.start
        share = self.WIDTH / self.stages
        filled = int(self.done * share)
        bar = ["━"] * filled + ["─"] * (self.WIDTH - filled)
        if self.done < self.stages:
            span = max(int(share), 1)
            bar[min(filled + int(elapsed * 4) % span, self.WIDTH - 1)] = "━"
        step = min(self.done + 1, self.stages)
        return f"{''.join(bar)} {step}/{self.stages} {self.label}  {elapsed:.1f} s"

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            if now - self.start < self.delay:
                continue
            with self._lock:
                self.stream.write("\r\x1b[2K" + printable(self.line(now)))
                self.stream.flush()
                self.drawn = True


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
    """The summary table per family, track and level, with a total row."""
    rows = summary.to_pylist()
    heads = (
        ("family", "family"),
        ("track", "track"),
        ("level", "level"),
        ("employees", "employees"),
        ("ready", "ready"),
        ("ready_pending_approval", "pending approval"),
        ("not_ready", "not ready"),
        ("insufficient_data", "insufficient data"),
        ("errors", "errors"),
    )
    numbers = [key for key, _ in heads[3:]]
    total: dict[str, Any] = {"family": "total", "track": "", "level": ""}
    total.update({key: sum(int(row[key] or 0) for row in rows) for key in numbers})
    cells = [[head for _, head in heads]]
    for row in [*rows, total]:
        cells.append(
            [printable(str(row[key] or "")) for key, _ in heads[:3]]
            + [f"{int(row[key] or 0):,}" for key in numbers]
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(heads))]
    out = []
    for index, line in enumerate(cells):
        if index == len(cells) - 1:
            out.append("  ".join("-" * width for width in widths))
        text = [
            cell.ljust(width) if column < 3 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(text).rstrip())
    return out


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
