"""Rating histories from CSV exports: a long table of ratings, levels, and events.

The files are read as streams, a chunk of lines at a time, so a file of any size can be
loaded; what is bounded is one cell (`MAX_CELL` characters) and one row (`MAX_ROW`).
Quoting is strict, and a row that runs over several lines because of a quote left open
is reported and its lines read again one by one, so it never hides the rows after it.
Every row is checked as it is read; the values are then built without checking them a
second time.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import itertools
import re
from collections.abc import Generator, Iterator
from contextlib import ExitStack, contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any, TextIO, TypeVar

from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._history import (
    CYCLE_EXPECTED,
    YEARS_EXPECTED,
    Cycle,
    Evidence,
    LevelAssignment,
    Rating,
    RatingHistory,
    unchecked_evidence,
    unchecked_history,
    unchecked_level,
    unchecked_origin,
    unchecked_rating,
    unchecked_review,
)
from .._model import Cadence
from .._numbers import NUMBER_LIMIT, OutOfRange, to_fraction
from .._policy import Rater
from .._validation import ID_EXPECTED, ID_PATTERN, one_of, show
from ..exceptions import InvalidHistory, Problem, UnreadableInput

__all__ = [
    "EVENT_COLUMNS",
    "LEVEL_COLUMNS",
    "MAX_CELL",
    "MAX_ROW",
    "RATING_COLUMNS",
    "RATING_EXTRAS",
    "histories_from_csv",
    "load_csv",
]

RATING_COLUMNS = ("employee_id", "cycle", "competency", "score")
#: Columns a ratings file may add: who gave each score, by role and by id.
RATING_EXTRAS = ("rater", "rater_id")
LEVEL_COLUMNS = ("employee_id", "family", "track", "level", "since")
EVENT_COLUMNS = ("employee_id", "cycle", "event")
_EVENTS = ("evidence", "endorsement", "calibration", "approval")
_EVENT_EXTRAS = ("requirement", "value", "note")

#: The most characters one cell may hold: a note is a sentence or a paragraph.
MAX_CELL = 64 * 1024
#: The most characters one row may take, its line ends and quoted line breaks included.
MAX_ROW = 1024 * 1024
#: Scores have at most this many digits: any real scale fits, and no huge number is built.
MAX_SCORE_DIGITS = 9
#: Lookup tables for cell texts stop growing here, so that a file of a million distinct
#: spellings costs no more than the values it holds.
_CACHE_LIMIT = 65_536
T = TypeVar("T")

_SCORE = re.compile(r"-?[0-9]+\Z")
_VALUE = re.compile(
    r"[-+]?(?:(?P<digits>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE](?P<exponent>[-+]?[0-9]+))?"
    r"|(?P<numerator>[0-9]+)/(?P<denominator>[0-9]+))\Z"
)
_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)("?)')
_PLAIN = re.compile(r"[^,\r\n]*")
_LINE_BREAK = re.compile(r"\r\n?|\n")
# Where str.splitlines cuts a line and CSV does not.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
#: Characters read from a file at a time.
_CHUNK = 1024 * 1024
_ENDS = itertools.repeat("\r\n")
_COMMAS = itertools.repeat(",")


class _Table:
    """One CSV file read row by row, with problems reported by file, line and column.

    The first row that is not blank is the header. `rows` then yields the line and
    cells of every row that has a cell for each column and sound quoting; the others
    are reported and skipped, and blank rows are skipped. A row may span lines only
    through line breaks in quoted cells of the ``multiline`` columns; a row that spans
    lines in any other way, or is wrong in any way, is reported at its first line and
    the lines after that one are read again, so that a quote left open hides nothing.
    """

    def __init__(
        self,
        file: TextIO,
        source: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        multiline: tuple[str, ...] = (),
    ) -> None:
        self.file = file
        self.source = source
        self.problems: list[Problem] = []
        self.header: list[str] = []
        self.column: dict[str, int] = {}
        self.multiline: frozenset[int] = frozenset()
        self.bound = MAX_CELL  # the most characters in a cell, for the chunk being read
        self._rows = self._read()
        found = next(self._rows, None)
        self.readable = not self.problems and self._check_header(found, required, optional)
        self.multiline = frozenset(self.column[name] for name in multiline if name in self.column)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The line and cells of each row after the header, as described above."""
        return self._rows

    def _check_header(
        self,
        found: tuple[int, list[str]] | None,
        required: tuple[str, ...],
        optional: tuple[str, ...],
    ) -> bool:
        line, cells = found or (1, [])
        self.header = [name.strip() for name in cells]
        first: dict[str, int] = {}
        for index, name in enumerate(self.header):
            if name not in first:
                first[name] = index
            elif name:
                self.add(
                    line,
                    index,
                    f"column {name!r} appears twice, as columns {first[name] + 1} and {index + 1}",
                    "each column once",
                    name,
                )
        self.column = first
        for name in required:
            if name not in first:
                self.add(
                    line, None, f"missing column {name!r}", f"a header with {', '.join(required)}"
                )
        known = required + optional
        for index, name in enumerate(self.header):
            if name not in known:
                self.add(line, index, f"unknown column {name!r}", f"only {', '.join(known)}")
        return not self.problems

    def add(
        self,
        line: int,
        column: int | None,
        message: str,
        expected: str | None = None,
        got: str | None = None,
    ) -> None:
        """Report a problem at ``line`` and, if given, the cell at index ``column``."""
        name = self.header[column] if column is not None and column < len(self.header) else ""
        shown = None if got is None else show(got)
        text = message
        if expected is not None:
            text += f": expected {expected}" + (f", got {shown}" if shown is not None else "")
        self.problems.append(
            Problem(
                segments=(line - 1,) + ((name,) if name else ()),
                message=text,
                expected=expected,
                got=shown,
                source=self.source,
                line=line,
                column=None if column is None else column + 1,
            )
        )

    def _chunks(self) -> Iterator[tuple[list[str], bool, bool]]:
        """The file's lines, `_CHUNK` characters at a time, with two flags for each chunk.

        The flags say whether the chunk holds a quote, and whether the file has ended.
        Each line keeps its line break. A line longer than `MAX_ROW` is reported and
        stands as an empty line, so that the lines after it keep their numbers.
        """
        partial = ""  # the start of a line that goes on in the next chunk
        skipping = False  # the rest of a line that was too long is still to come
        number = 0  # the lines given so far
        while True:
            text = self._read_chunk()
            if skipping:
                cut = _LINE_BREAK.search(text)
                if cut is None and text:
                    continue
                text = text[cut.end() :] if cut else ""
                skipping = False
            ended = not text
            text = partial + text
            lines = _split(text)
            partial = ""
            if not ended and lines and not lines[-1].endswith("\n"):
                # Cut off mid-line, or after a "\r" that may be half of a "\r\n".
                partial = lines.pop()
                if len(partial) > MAX_ROW:
                    lines.append(partial)
                    partial = ""
                    skipping = True
            if lines and max(map(len, lines)) > MAX_ROW:
                for index, line in enumerate(lines):
                    if len(line) > MAX_ROW:
                        self.add(
                            number + index + 1,
                            None,
                            f"a line longer than {MAX_ROW:,} characters",
                            f"at most {MAX_ROW:,} characters in one row",
                        )
                        lines[index] = "\n"
            number += len(lines)
            yield lines, '"' in text, ended
            if ended:
                return

    def _read_chunk(self) -> str:
        try:
            return self.file.read(_CHUNK)
        except UnicodeDecodeError:
            raise UnreadableInput(_undecodable(self.source)) from None
        except OSError as exc:
            raise UnreadableInput(f"{self.source}: {exc.strerror or exc}") from None

    def _read(self) -> Generator[tuple[int, list[str]], None, None]:
        """The header, then the rows; see the class."""
        width = -1  # no header yet
        multiline = self.multiline
        done = 0  # the last line of the last row read, or reported
        carry: list[str] = []  # the lines of a row that goes on in the next chunk
        for chunk, quoted, ended in self._chunks():
            lines = carry + chunk if carry else chunk
            # The csv module's own bound on a cell is set for the whole process.
            bound = self.bound = min(MAX_CELL, csv.field_size_limit())
            long = bool(lines) and max(map(len, lines)) > bound
            if not quoted and not carry:
                # Without quotes, CSV is cells between commas: splitting is the same, and
                # faster. Every row is on one line.
                for cells in map(str.split, map(str.rstrip, lines, _ENDS), _COMMAS):
                    done += 1
                    if len(cells) == width and not long:
                        yield done, cells
                    elif self._triage(done, done, cells, width, multiline) > 0:
                        yield done, cells
                        if width < 0:  # the header, now read
                            width, multiline = len(self.header), self.multiline
                continue
            carry = []
            before = done  # the line before lines[0]
            reader: Any = csv.reader(lines, strict=True)
            base = done  # the line before the reader's first line
            while reader is not None:
                try:
                    for cells in reader:
                        taken = reader.line_num
                        if taken == done - base + 1 and len(cells) == width and not long:
                            done += 1
                            yield done, cells
                            continue
                        first, last = done + 1, base + taken
                        done = last
                        use = self._triage(first, last, cells, width, multiline)
                        if use > 0:
                            yield first, cells
                            if width < 0:
                                width, multiline = len(self.header), self.multiline
                        elif use < 0 and last > first:
                            done = base = first
                            reader = csv.reader(lines[first - before :], strict=True)
                            break
                    else:
                        reader = None
                except csv.Error as exc:
                    first, last = done + 1, base + reader.line_num
                    text = "".join(lines[first - before - 1 : last - before])
                    fault = _quoting_fault(text, bound)
                    if fault and fault[2] == "open" and not ended and last == before + len(lines):
                        # The row goes on in the next chunk, unless it is too long already.
                        carry = lines[first - before - 1 :]
                        if len(text) > MAX_ROW:
                            self._report_long_row(first)
                            carry.pop(0)
                            done = first
                        reader = None
                        continue
                    self._report_quoting(first, last, fault, exc)
                    if last > first:
                        done = base = first
                        reader = csv.reader(lines[first - before :], strict=True)
                    else:
                        done = last

    def _triage(
        self, first: int, last: int, cells: list[str], width: int, multiline: frozenset[int]
    ) -> int:
        """For a row that missed the fast test: 1 to use it, 0 if blank, -1 if reported."""
        if not any(cell.strip() for cell in cells):
            return 0
        if width < 0:
            return 1  # the header: checked by the caller
        return 1 if self._well_formed(first, last, cells, width, multiline) else -1

    def _report_long_row(self, first: int) -> None:
        self.add(
            first,
            None,
            f"a row longer than {MAX_ROW:,} characters",
            f"at most {MAX_ROW:,} characters in one row (is a quote left open?)",
        )

    def _well_formed(
        self, first: int, last: int, cells: list[str], width: int, multiline: frozenset[int]
    ) -> bool:
        """Whether a row that missed the fast test is a row to use; reports it if not."""
        if len(cells) != width:
            self.add(
                first,
                None,
                f"{len(cells)} cells in a row of {width} columns",
                f"{width} cells",
            )
            return False
        for index, cell in enumerate(cells):
            if len(cell) > self.bound:
                self.add(
                    first,
                    index,
                    f"a cell longer than {self.bound:,} characters",
                    f"at most {self.bound:,} characters in a cell",
                )
                return False
            if last > first and index not in multiline and _LINE_BREAK.search(cell):
                self.add(
                    first,
                    index,
                    f"a line break inside a quoted cell (the row runs on to line {last})",
                    "the cell on one line: is a quote left open?",
                    cell,
                )
                return False
        return True

    def _report_quoting(
        self, first: int, last: int, fault: tuple[int, str, str] | None, exc: csv.Error
    ) -> None:
        if fault is None:
            self.add(first, None, f"malformed CSV: {exc}")
            return
        index, cell, kind = fault
        runs_on = ""
        if last > first and _LINE_BREAK.search(cell):
            runs_on = f" (the quote opened on line {first} runs on to line {last})"
        if kind == "long":
            self.add(
                first,
                index,
                f"a cell longer than {self.bound:,} characters" + runs_on,
                f"at most {self.bound:,} characters in a cell",
            )
        elif kind == "open":
            self.add(first, index, "a quoted cell is never closed" + runs_on, "a closing quote")
        else:
            self.add(
                first,
                index,
                "text after the closing quote of a quoted cell" + runs_on,
                "',' or the end of the row after a closing quote (a quote inside a quoted"
                ' cell is written twice: "")',
                cell,
            )


def _split(text: str) -> list[str]:
    r"""``text`` cut after each line break as CSV knows them: ``\n``, ``\r\n``, ``\r``."""
    # Searching for each character is much faster than one regular expression.
    if text.count("\r") == text.count("\r\n") and not any(c in text for c in _OTHER_BREAKS):
        return text.splitlines(keepends=True)  # the same cuts here, and faster
    return _LINES.findall(text)


def _quoting_fault(text: str, limit: int) -> tuple[int, str, str] | None:
    """Where strict CSV reading of one row's ``text`` fails: cell index, its text, kind.

    The kind is ``"open"`` (a quoted cell never closed), ``"after"`` (text after a
    closing quote) or ``"long"`` (a cell over ``limit`` characters); None if none is found.
    """
    index, at = 0, 0
    while True:
        start = at
        if text.startswith('"', at):
            quoted = _QUOTED.match(text, at)
            assert quoted is not None  # the pattern matches any text after a quote
            at = quoted.end()
            if len(quoted[1]) > limit:
                return index, text[start:at], "long"
            if not quoted[2]:
                return index, text[start:at], "open"
            if at < len(text) and text[at] not in ",\r\n":
                end = _PLAIN.match(text, at)
                assert end is not None
                return index, text[start : end.end()], "after"
        else:
            plain = _PLAIN.match(text, at)
            assert plain is not None
            at = plain.end()
            if at - start > limit:
                return index, text[start:at], "long"
        if not text.startswith(",", at):
            return None
        index += 1
        at += 1


def _undecodable(path: str) -> str:
    """Why a file is not UTF-8: the byte and line of the first bad sequence."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 1
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                where = exc.start - pending
                lines += chunk[: max(where, 0)].count(b"\n")
                return f"{path}: not UTF-8 text (byte {offset + where}, line {lines})"
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return f"{path}: not UTF-8 text"


class _Person:
    """One employee's rows gathered so far."""

    __slots__ = ("cadence", "employee", "family", "levels", "reviews", "tracks")

    def __init__(self, employee: str, family: str, cadence: Cadence) -> None:
        self.employee = employee
        self.family = family
        self.cadence = cadence
        self.levels: dict[int, LevelAssignment] = {}
        self.tracks: dict[int, str] = {}
        self.reviews: dict[int, _Review] = {}

    def review(self, cycle: Cycle) -> _Review:
        found = self.reviews.get(cycle.ordinal)
        if found is None:
            found = self.reviews[cycle.ordinal] = _Review(cycle)
        return found


class _Review:
    """One employee's rows of one cycle gathered so far."""

    __slots__ = ("approvals", "calibrated", "cycle", "endorsed", "evidence", "ratings")

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.ratings: list[Rating] = []
        self.evidence: list[Evidence] = []
        self.endorsed = False
        self.calibrated = False
        self.approvals: list[str] = []


def _remember(cache: dict[str, T], text: str, value: T) -> T:
    if len(cache) < _CACHE_LIMIT:
        cache[text] = value
    return value


class _Loader:
    """Histories from the rows of the three files, read in turn: levels first."""

    def __init__(self) -> None:
        self.people: dict[str, _Person] = {}
        # Cell text as written, before stripping, to what it stands for: most rows
        # repeat a handful of cycles, competencies, scores and raters.
        self.lookup: dict[str, _Person] = {}
        self.cycles: dict[str, Cycle] = {}
        self.names: dict[str, str] = {}
        self.scores: dict[str, int] = {}
        self.raters: dict[str, Rater] = {"": Rater.MANAGER, **{r.value: r for r in Rater}}
        # A rater id cell as written to the id it holds; an empty cell holds none.
        self.rater_ids: dict[str, str | None] = {"": None}
        # Employees whose every level row was refused: their other rows are still
        # checked, but not reported for lacking a level row.
        self.unplaced: set[str] = set()
        self.levels_source = "levels.csv"

    def intern(self, name: str) -> str:
        """One string for each name, however many rows repeat it."""
        return self.names.get(name) or _remember(self.names, name, name)

    # Cells, each checked once per distinct text; None after reporting a problem.

    def required(
        self, table: _Table, line: int, cells: list[str], name: str, *, repeated: bool = True
    ) -> str | None:
        """A cell that must not be empty; ``repeated`` values are looked up and shared.

        Employee ids are not ``repeated``: there is one per person, and they would crowd
        the names that do repeat out of the table.
        """
        text = cells[table.column[name]]
        found = self.names.get(text) if repeated else None
        if found is not None:
            return found
        value = text.strip()
        if value:
            return _remember(self.names, text, self.intern(value)) if repeated else value
        table.add(line, table.column[name], f"empty {name}", f"a value for {name}", text)
        return None

    def cycle(self, table: _Table, line: int, cells: list[str], name: str) -> Cycle | None:
        text = cells[table.column[name]]
        found = self.cycles.get(text)
        if found is not None:
            return found
        try:
            parsed = Cycle.parse(text)
        except ValueError:
            table.add(line, table.column[name], "not a review cycle", CYCLE_EXPECTED, text)
            return None
        if not parsed.in_range:
            table.add(line, table.column[name], "cycle out of range", YEARS_EXPECTED, text)
            return None
        # One shared value per cycle, like the evaluator's own.
        return _remember(self.cycles, text, Cycle.from_ordinal(parsed.ordinal, parsed.cadence))

    def score(self, table: _Table, line: int, cells: list[str]) -> int | None:
        text = cells[table.column["score"]]
        found = self.scores.get(text)
        if found is not None:
            return found
        value = _score(text.strip())
        if value is not None:
            return _remember(self.scores, text, value)
        digits = text.strip().lstrip("-")
        if digits.isascii() and digits.isdigit():
            table.add(
                line,
                table.column["score"],
                "score too large",
                f"an integer score of at most {MAX_SCORE_DIGITS} digits",
                text,
            )
        else:
            table.add(line, table.column["score"], "not a whole number", "an integer score", text)
        return None

    def rater(self, table: _Table, line: int, cells: list[str]) -> Rater | None:
        if "rater" not in table.column:
            return Rater.MANAGER
        text = cells[table.column["rater"]]
        found = self.raters.get(text)
        if found is not None:
            return found
        rater = self.raters.get(text.strip())
        if rater is not None:
            return _remember(self.raters, text, rater)
        table.add(
            line, table.column["rater"], "unknown rater", one_of(r.value for r in Rater), text
        )
        return None

    def rater_id(self, table: _Table, cells: list[str]) -> str | None:
        """The rater id in a row: None if the cell is empty or there is no such column.

        Any text is an id once its spaces are cut, so this cell has nothing to refuse.
        """
        if "rater_id" not in table.column:
            return None
        text = cells[table.column["rater_id"]]
        if text in self.rater_ids:
            return self.rater_ids[text]
        value = text.strip()
        return _remember(self.rater_ids, text, self.intern(value) if value else None)

    def person(self, table: _Table, line: int, cells: list[str]) -> _Person | None:
        text = cells[table.column["employee_id"]]
        found = self.lookup.get(text)
        if found is not None:
            return found
        employee = self.required(table, line, cells, "employee_id", repeated=False)
        if employee is None or employee in self.unplaced:
            return None
        person = self.people.get(employee)
        if person is not None:
            return _remember(self.lookup, text, person)
        table.add(
            line,
            table.column["employee_id"],
            f"employee {employee!r} has no row in {self.levels_source}",
            "every employee to have a level assignment",
            employee,
        )
        return None

    def same_cadence(
        self, table: _Table, line: int, person: _Person, cycle: Cycle, name: str = "cycle"
    ) -> bool:
        if cycle.cadence is person.cadence:
            return True
        table.add(
            line,
            table.column[name],
            f"employee {person.employee!r} mixes cadences",
            f"a {person.cadence.value} cycle like the employee's first level row",
            str(cycle),
        )
        return False

    # The three files.

    def read_levels(self, table: _Table) -> None:
        self.levels_source = table.source
        source = table.source
        for line, cells in table.rows():
            if not any(cell.strip() for cell in cells):
                continue
            values = (
                self.required(table, line, cells, "employee_id", repeated=False),
                self.required(table, line, cells, "family"),
                self.required(table, line, cells, "track"),
                self.required(table, line, cells, "level"),
                self.cycle(table, line, cells, "since"),
            )
            employee, family, track, level, since = values
            if employee is None:
                continue
            if family is None or track is None or level is None or since is None:
                if employee not in self.people:
                    self.unplaced.add(employee)
                continue
            person = self.people.get(employee)
            if person is None:
                person = self.people[employee] = _Person(employee, family, since.cadence)
                self.lookup[employee] = person
                self.unplaced.discard(employee)
            if person.family != family:
                table.add(
                    line,
                    table.column["family"],
                    f"employee {employee!r} is in family {person.family!r} in an earlier row",
                    "one job family per employee",
                    family,
                )
                continue
            if not self.same_cadence(table, line, person, since, "since"):
                continue
            if since.ordinal in person.levels:
                table.add(
                    line,
                    table.column["since"],
                    f"employee {employee!r} has two level assignments starting in {since}",
                    "one level assignment per employee and cycle",
                    cells[table.column["since"]],
                )
                continue
            origin = unchecked_origin(source, line, None)
            person.levels[since.ordinal] = unchecked_level(level, since, origin)
            # The history's track is the one held now: that of the latest assignment.
            person.tracks[since.ordinal] = track

    def read_ratings(self, table: _Table) -> None:
        column = table.column
        at_employee, at_cycle, at_competency, at_score = (column[n] for n in RATING_COLUMNS)
        at_rater = column.get("rater")
        at_rater_id = column.get("rater_id")
        source = table.source
        lookup, cycles, names = self.lookup, self.cycles, self.names
        scores, raters, rater_ids = self.scores, self.raters, self.rater_ids
        rater_id: str | None = None
        manager = Rater.MANAGER
        # Rows come grouped by employee and cycle in most exports: the review of the
        # previous row is used again while both cells read the same.
        last_employee = last_cycle = ""
        ratings: list[Rating] = []
        for line, cells in table.rows():
            employee_text, cycle_text = cells[at_employee], cells[at_cycle]
            competency = names.get(cells[at_competency])
            score = scores.get(cells[at_score])
            rater = manager if at_rater is None else raters.get(cells[at_rater])
            id_known = True
            if at_rater_id is not None:
                id_text = cells[at_rater_id]
                id_known = id_text in rater_ids
                rater_id = rater_ids.get(id_text)
            known = employee_text == last_employee and cycle_text == last_cycle
            if not known:
                person = lookup.get(employee_text)
                cycle = cycles.get(cycle_text)
                if person is not None and cycle is not None and cycle.cadence is person.cadence:
                    ratings = person.review(cycle).ratings
                    last_employee, last_cycle = employee_text, cycle_text
                    known = True
            if not known or competency is None or score is None or rater is None or not id_known:
                row = self.rating_row(table, line, cells)
                if row is None:
                    continue
                person, cycle, competency, score, rater, rater_id = row
                ratings = person.review(cycle).ratings
                last_employee, last_cycle = employee_text, cycle_text
            ratings.append(
                unchecked_rating(
                    competency, score, rater, unchecked_origin(source, line, None), rater_id
                )
            )
        self.check_repeats(table)

    def rating_row(
        self, table: _Table, line: int, cells: list[str]
    ) -> tuple[_Person, Cycle, str, int, Rater, str | None] | None:
        """The values of a ratings row, each cell checked; None once what is wrong is reported."""
        if not any(cell.strip() for cell in cells):
            return None
        person = self.person(table, line, cells)
        cycle = self.cycle(table, line, cells, "cycle")
        competency = self.required(table, line, cells, "competency")
        score = self.score(table, line, cells)
        rater = self.rater(table, line, cells)
        rater_id = self.rater_id(table, cells)
        if (
            person is None
            or cycle is None
            or competency is None
            or score is None
            or rater is None
            or not self.same_cadence(table, line, person, cycle)
        ):
            return None
        return person, cycle, competency, score, rater, rater_id

    def check_repeats(self, table: _Table) -> None:
        """Report a second score by one rater for one competency in one review."""
        for person in self.people.values():
            for review in person.reviews.values():
                ratings = review.ratings
                if len({rating.competency for rating in ratings}) == len(ratings):
                    continue  # one score per competency: no rater can have two
                first: dict[tuple[str, Rater], int] = {}
                for rating in ratings:
                    line = _line(rating)
                    key = (rating.competency, rating.rater)
                    if key not in first:
                        first[key] = line
                        continue
                    table.add(
                        line,
                        table.column["score"],
                        f"employee {person.employee!r}, cycle {review.cycle}: a second"
                        f" {rating.rater.value} score for {rating.competency!r} (the first is"
                        f" on line {first[key]})",
                        "one score per employee, cycle, competency and rater",
                        str(rating.score),
                    )

    def read_events(self, table: _Table) -> None:
        source = table.source
        column = table.column
        for line, cells in table.rows():
            if not any(cell.strip() for cell in cells):
                continue
            person = self.person(table, line, cells)
            cycle = self.cycle(table, line, cells, "cycle")
            text = cells[column["event"]]
            event = text.strip()
            if event not in _EVENTS:
                table.add(line, column["event"], "unknown event", one_of(_EVENTS), text)
                continue
            extras = {name: cells[column[name]].strip() for name in _EVENT_EXTRAS if name in column}
            if event == "approval":
                self.approval(table, line, person, cycle, extras)
                continue
            if event != "evidence":
                # Nothing is silently dropped: these rows have nowhere to keep the extras.
                given = [name for name, value in extras.items() if value]
                if given:
                    table.add(
                        line,
                        column[given[0]],
                        f"an {event} row takes no {', '.join(given)}",
                        "those cells empty (they belong to evidence rows)",
                        extras[given[0]],
                    )
                    continue
                if person is None or cycle is None:
                    continue
                if self.same_cadence(table, line, person, cycle):
                    review = person.review(cycle)
                    if event == "endorsement":
                        review.endorsed = True
                    else:
                        review.calibrated = True
                continue
            requirement = extras.get("requirement", "")
            if not requirement:
                table.add(
                    line,
                    column.get("requirement"),
                    "an evidence row needs a requirement",
                    "the id of a scope evidence requirement",
                )
            valid, value = self.value(table, line, extras.get("value", ""))
            if person is None or cycle is None or not requirement or not valid:
                continue
            if self.same_cadence(table, line, person, cycle):
                person.review(cycle).evidence.append(
                    unchecked_evidence(
                        self.intern(requirement),
                        extras.get("note", ""),
                        value,
                        unchecked_origin(source, line, None),
                    )
                )

    def approval(
        self,
        table: _Table,
        line: int,
        person: _Person | None,
        cycle: Cycle | None,
        extras: dict[str, str],
    ) -> None:
        """A named approval step passed in the cycle: its step is in the requirement cell."""
        column = table.column
        step = extras.get("requirement", "")
        given = [name for name in ("value", "note") if extras.get(name)]
        if not step:
            table.add(
                line,
                column.get("requirement"),
                "an approval row needs a requirement",
                "the approval step's id",
            )
            return
        if not ID_PATTERN.match(step):
            table.add(line, column["requirement"], "invalid id", ID_EXPECTED, step)
            return
        if given:
            table.add(
                line,
                column[given[0]],
                f"an approval row takes no {', '.join(given)}",
                "those cells empty (they belong to evidence rows)",
                extras[given[0]],
            )
            return
        if person is None or cycle is None or not self.same_cadence(table, line, person, cycle):
            return
        review = person.review(cycle)
        if step in review.approvals:
            table.add(
                line,
                column["requirement"],
                f"approval step {step!r} is recorded twice in this cycle",
                "one approval row per employee, cycle and step",
                step,
            )
            return
        review.approvals.append(self.intern(step))

    def value(self, table: _Table, line: int, text: str) -> tuple[bool, Fraction | None]:
        """Whether an evidence cell is valid, and its exact value (None when empty)."""
        if not text:
            return True, None
        problem = "not a number"
        if _VALUE.match(text) is not None:
            # The exact number parser bounds digits and exponents before it builds
            # anything, so a huge exponent costs no more to refuse than a small one.
            try:
                return True, to_fraction(text)
            except OutOfRange:
                problem = "number out of bounds"
            except (ValueError, ArithmeticError):
                pass  # a zero denominator
        table.add(
            line,
            table.column["value"],
            problem,
            f"a number such as 3, 2.5 or 7/2: {NUMBER_LIMIT}",
            text,
        )
        return False, None

    def histories(self) -> tuple[RatingHistory, ...]:
        """Every employee's history, in the order of their first row in the levels file."""
        histories = []
        empty: PVector[Any] = pvector()
        for person in self.people.values():
            reviews = []
            for _, review in sorted(person.reviews.items()):
                reviews.append(
                    unchecked_review(
                        review.cycle,
                        pvector(review.ratings) if review.ratings else empty,
                        pvector(review.evidence) if review.evidence else empty,
                        review.endorsed,
                        review.calibrated,
                        pvector(review.approvals) if review.approvals else empty,
                    )
                )
            person.reviews.clear()  # the lists are copied: free them before the next
            starts = sorted(person.levels)
            histories.append(
                unchecked_history(
                    person.employee,
                    person.family,
                    person.tracks[starts[-1]],
                    pvector([person.levels[since] for since in starts]),
                    pvector(reviews),
                )
            )
        return tuple(histories)


def _line(rating: Rating) -> int:
    # Every rating read from a file has its origin.
    assert rating.origin is not None
    assert rating.origin.line is not None
    return rating.origin.line


def _score(text: str) -> int | None:
    """A score written as a whole number of at most `MAX_SCORE_DIGITS` ASCII digits."""
    if _SCORE.match(text) and len(text.lstrip("-")) <= MAX_SCORE_DIGITS:
        return int(text)
    return None


def _read(
    ratings: TextIO, levels: TextIO, events: TextIO | None, sources: tuple[str, str, str]
) -> tuple[RatingHistory, ...]:
    ratings_table = _Table(ratings, sources[0], RATING_COLUMNS, RATING_EXTRAS)
    levels_table = _Table(levels, sources[1], LEVEL_COLUMNS)
    events_table = (
        None
        if events is None
        else _Table(events, sources[2], EVENT_COLUMNS, _EVENT_EXTRAS, multiline=("note",))
    )
    tables = [t for t in (ratings_table, levels_table, events_table) if t is not None]
    loader = _Loader()
    with _collected_once():
        if levels_table.readable:
            loader.read_levels(levels_table)
        if ratings_table.readable:
            loader.read_ratings(ratings_table)
        if events_table is not None and events_table.readable:
            loader.read_events(events_table)
        # Some problems are found after all rows are read (a repeated score): list each
        # file's in the order of its lines.
        problems = [p for t in tables for p in sorted(t.problems, key=lambda p: p.line or 0)]
        if problems:
            raise InvalidHistory(problems)
        # Every rule a history checks was checked above, row by row.
        return loader.histories()


#: Objects built before a load is worth a full collection of its own (see below).
_COLLECT_AFTER = 100_000


@contextmanager
def _collected_once() -> Iterator[None]:
    """Hold the cyclic garbage collector while a history file is read; then collect once.

    Reading builds two objects per row and keeps them all. Left to itself, the
    collector walks them again and again as they age: each time their number grows by
    a quarter, and once more in each older generation. For 800,000 rows that costs more
    than the reading. Held, then run once in full, it walks each of them once and
    leaves them settled in the oldest generation. None of them is part of a reference
    cycle, so nothing is collected later than it would have been. After a small file,
    the collector is only let go: its next young collection is cheaper than a full one.
    A collector that was turned off is left off, and a refused file, whose values are
    already freed, is not followed by a collection.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    except BaseException:
        if running:
            gc.enable()
        raise
    if running:
        gc.enable()
        if gc.get_count()[0] > _COLLECT_AFTER:
            gc.collect()


def histories_from_csv(
    ratings_text: str,
    levels_text: str,
    events_text: str | None = None,
    *,
    sources: tuple[str, str, str] = ("ratings.csv", "levels.csv", "events.csv"),
) -> tuple[RatingHistory, ...]:
    """Histories from the text of the three CSV exports; every bad row reported at once."""

    def stream(text: str) -> TextIO:
        return io.StringIO(text.removeprefix("\ufeff"), newline="")

    return _read(
        stream(ratings_text),
        stream(levels_text),
        None if events_text is None else stream(events_text),
        sources,
    )


def load_csv(
    ratings: Path | str, levels: Path | str, events: Path | str | None = None
) -> tuple[RatingHistory, ...]:
    """Histories from the three CSV files, read as streams: no file is too large.

    Raises:
        UnreadableInput: a file is missing, unreadable or not UTF-8.
        InvalidHistory: with every bad row, each with file, line and column.
    """
    paths = (ratings, levels, events)
    with ExitStack() as stack:
        files: list[TextIO | None] = []
        for path in paths:
            if path is None:
                files.append(None)
                continue
            try:
                files.append(stack.enter_context(open(path, encoding="utf-8-sig", newline="")))
            except OSError as exc:
                raise UnreadableInput(f"{path}: {exc.strerror or exc}") from None
        ratings_file, levels_file, events_file = files
        assert ratings_file is not None
        assert levels_file is not None
        return _read(
            ratings_file, levels_file, events_file, (str(ratings), str(levels), str(events))
        )
