"""A population: many employees' rating histories, held as columns.

`Population` reads the three long tables of the CSV exports (from pandas, polars or
pyarrow tables, CSV or Parquet files, or `RatingHistory` values) into a few arrays,
never one Python object per rating. It does not depend on a framework: every check that
needs one (competencies, scale, levels) runs when a framework evaluates it.

Layout (private attributes, stable: analyses read them without going through Python
objects; ``N`` employees, ``C`` cycles, ``K`` competencies)
-----------------------------------------------------------------------------------

- ``_employees``: the employee ids, a pyarrow string array of length ``N``, in the
  population's order (that of their first level row, then employees with rows but no
  level row, in the order of those rows). Everything below indexes employees by their
  position here, their *code*.
- ``_families``, ``_tracks``, ``_levels``: the id dictionaries; ``_family`` and
  ``_track`` (``N``, of the smallest signed type) are each employee's codes into them
  (-1 without a level row).
  ``_track`` is the track of the latest level assignment, as the CSV loader reads it.
- ``_assignments``: the level assignments, sorted by employee then ``since``: a mapping
  of equal-length arrays ``employee``, ``level`` (codes into ``_levels``), ``since``
  (cycle ordinals, `progression.Cycle.ordinal`), ``row`` (the row in the levels table);
  ``_assignment_offsets`` (``N + 1``) delimits each employee's. Both are read from
  ``_level_rows``, which holds them in a few bytes an assignment (`_Grouped`). The
  current level at any cycle is the last assignment whose ``since`` is not later.
- ``_cadence`` and ``_first``: the cadence and the ordinal of cycle 0 of the cycle axis;
  ``_cycles`` is ``C``. Cycle index ``c`` is the ordinal ``_first + c``.
- ``_competencies``: the competency ids rated (``K``), in the order the rows rate them
  (see below).
- ``_scores``: the scores of each rater role present, ``{Rater: _Blocks}``, read only
  through ``_cube(rater, codes[, competencies])``: the ``(len(codes), C, K)`` cube
  (employee x cycle x competency; only the competency codes given, in their order,
  with ``competencies``) of the smallest signed integer type holding every score, a
  cell holding ``_unrated`` (the type's minimum, below every score) where that rater
  gave no score; ``_rated(rater)`` the sorted codes of the employees with a score by
  the role; ``_rated_flags(rater)``, block by block, which cells hold a score. Inside,
  employees are held in blocks by family and track, each block on the competencies
  most of its employees were rated on (those rated on others share one block on every
  competency), scores two to a byte when they span at most 15 values: a company rated
  on half its competencies per track holds a quarter of the dense cube's bytes.
- ``_rater_ids``: with a ``rater_id`` column, ``{Rater: ndarray}``: each employee's
  usual rater id for the role (codes into ``_rater_names``, a pyarrow string array of
  which only the ids that are no employee's are held apart; -1 for none), and
  ``_rater_id_cells[rater]`` the scores given by anyone else (arrays ``employee,
  cycle, competency, rater_id``); ``_rater_id_cube(rater, codes)`` gives the dense
  ``(len(codes), C, K)`` cube of rater ids of any employees, for per-rater analyses.
  Empty without the column.
- ``_reviewed``: which cycles have a review at all (any rating, of any rater, or any
  event), as bits: ``numpy.unpackbits(_reviewed, axis=1, count=C)`` gives ``(N, C)``.
- ``_events``: the events, sorted by employee then cycle: a mapping of arrays
  ``employee``, ``cycle`` (ordinals), ``kind`` (an index into `EVENT_KINDS`), ``name``
  (codes into ``_names``: the requirement of evidence, the step of an approval; -1 for
  others), ``numerator`` and ``denominator`` (the exact value of evidence,
  ``denominator`` 0 without one; int32, or Python integers in object arrays for values
  too large), ``row``; and ``note``, a pyarrow dictionary array of the notes. Read from
  ``_event_rows`` (`_Grouped`), which holds each value's parts once and a code a row.
- ``_problems``: the rows refused while loading, as ``(employee code or -1, Problem)``:
  an employee with one is reported, not evaluated.
- ``history(code)`` gives one employee's `RatingHistory` back, each value with its
  origin (table, and line or row); ``_levels_at(ordinal)`` each employee's level at a
  cycle (the latest without one).

Ratings keep no row number each. Within a review the rows' order (one rater's scores
after another's, or one competency's after another's, each in a consistent order) is
learned when loading: ``_rating_nesting`` (``"rater"`` or ``"competency"``),
``_rater_order`` and the order of ``_competencies`` say it. When every employee's rows
are together and in that order, ``_rating_rows`` holds each employee's first row
(``N``) and ``_rating_rows_sorted`` is False; otherwise it holds the row of every stored
score in that order and ``_rating_rows_sorted`` is True. When moreover every row is
stored and the employees' rows follow the population's order, as exports write them,
each first row is the number of scores stored before the employee's: nothing is held
(``_held_rating_rows`` is None) and ``_rating_rows`` counts them when read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyrsistent import pvector

from .._formats._csv import _VALUE, MAX_SCORE_DIGITS
from .._history import (
    CYCLE_EXPECTED,
    YEARS_EXPECTED,
    Cycle,
    Evidence,
    Origin,
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
from .._numbers import NUMBER_LIMIT, OutOfRange, format_number, to_fraction
from .._policy import Rater
from .._validation import ID_EXPECTED, ID_PATTERN, one_of, show
from ..exceptions import InvalidHistory, Problem, UnreadableInput

__all__ = ["EVENT_KINDS", "Population"]

#: The kinds of events, by the index ``_events["kind"]`` holds.
EVENT_KINDS = ("evidence", "endorsement", "calibration", "approval")
RATERS: tuple[Rater, ...] = tuple(Rater)
_RATER_BY_NAME = {r.value: r for r in Rater}
_LEVEL_COLUMNS = ("employee_id", "family", "track", "level", "since")
_RATING_COLUMNS = ("employee_id", "cycle", "competency", "score")
_EVENT_COLUMNS = ("employee_id", "cycle", "event")
#: Columns read from Parquet as dictionaries: repeated texts, each decoded once.
_DICTIONARY_COLUMNS = (
    ("employee_id", "cycle", "competency", "rater", "rater_id"),
    ("family", "track", "level", "since"),
    ("employee_id", "cycle", "event", "requirement"),
)
#: Evidence values whose parts stay below this multiply exactly in 64 bits.
_SMALL = 2**31


def _table(data: Any, what: str) -> pa.Table:
    """A pyarrow table from pandas, polars or pyarrow (through Arrow, zero-copy if it can)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    to_arrow = getattr(data, "to_arrow", None)
    if callable(to_arrow):  # polars
        table = to_arrow()
        if isinstance(table, pa.Table):
            return table
    if type(data).__module__.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    try:
        return pa.table(data)
    except (TypeError, ValueError, pa.ArrowException):
        raise TypeError(
            f"{what}: expected a pyarrow, pandas or polars table, got {type(data).__name__}"
        ) from None


class _Refused(NamedTuple):
    """A line of a CSV file that is not a row: too many or too few cells."""

    line: int | None
    cells: int
    expected: int
    text: str


class _Lines(NamedTuple):
    """Where each row of a table was read: the lines of a CSV file, or nothing.

    ``one_per_row``: whether each row takes one line (no line breaks inside cells), so
    that a row's line is known. ``refused``: lines that are not rows (a wrong number of
    cells), left out of the table and reported; the rows after one are a line further on.
    """

    one_per_row: bool = False
    refused: tuple[_Refused, ...] = ()

    def line(self, row: int) -> int | None:
        """The line of row ``row`` (the header is line 1), if known."""
        if not self.one_per_row:
            return None
        line = row + 2
        for refused in self.refused:
            if refused.line is None or refused.line > line:
                break
            line += 1
        return line


_NO_LINES = _Lines()


class _Rows:
    """Problems found in the rows of one table, as the CSV loader words them."""

    def __init__(self, source: str, lines: _Lines) -> None:
        self.source = source
        self.lines = lines
        self.found: list[tuple[int, Problem]] = []

    def add(  # noqa: PLR0917 - the parts of a problem, in the order the CSV loader takes
        self,
        employee: int,
        row: int,
        column: str | None,
        message: str,
        expected: str | None = None,
        got: str | None = None,
    ) -> None:
        shown = None if got is None else show(got)
        text = message
        if expected is not None:
            text += f": expected {expected}" + (f", got {shown}" if shown is not None else "")
        self.found.append(
            (
                employee,
                Problem(
                    segments=(row,) + ((column,) if column else ()),
                    message=text,
                    expected=expected,
                    got=shown,
                    source=self.source,
                    line=self.lines.line(row),
                ),
            )
        )

    def refuse(self, employee: int, refused: _Refused) -> None:
        """A line that is not a row: it has no row of the table, only its line."""
        self.found.append(
            (
                employee,
                # The single CSV loader's words for the same line.
                Problem(
                    message=(
                        f"{refused.cells} cells in a row of {refused.expected} columns:"
                        f" expected {refused.expected} cells"
                    ),
                    expected=f"{refused.expected} cells",
                    source=self.source,
                    line=refused.line,
                ),
            )
        )

    def where(self, row: int) -> str:
        line = self.lines.line(row)
        return f"line {line}" if line is not None else f"row {row}"


def _present(indices: np.ndarray, size: int, *, none: bool = True) -> np.ndarray:
    """Which of ``size`` values ``indices`` holds (-1 for none counts as ``size``).

    ``none``: whether ``indices`` may hold -1 at all.
    """
    seen = np.zeros(size + 1, bool)
    if not len(indices):
        return seen[:-1]
    # Sorted or grouped rows repeat a value over runs: the value at each run's head
    # says which are present, and there are far fewer heads than rows.
    heads = np.flatnonzero(indices[1:] != indices[:-1])
    if len(heads) * 4 < len(indices):
        seen[indices[heads + 1]] = True
        seen[indices[0]] = True
    elif not none:
        # Values changing from row to row: counting them reads the rows in order,
        # where marking each writes all over the table.
        return np.bincount(indices, minlength=size)[:size] > 0
    else:
        seen[indices] = True
    return seen[:-1]


def _encode_array(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Codes (-1 for a null or blank cell) and the distinct texts, stripped, as an array.

    Texts that read the same once stripped share a code; see `_Encoded`.
    """
    encoded = _Encoded(column)
    return encoded.codes(), encoded.texts


class _Encoded:
    """A text column's distinct texts, stripped, and the way to each row's code.

    Texts that read the same once stripped share a code; dictionary columns (Parquet
    read with ``read_dictionary``, pandas categoricals) are used as they are, without
    the entries no row uses. Every step runs over arrays, chunk by chunk: a million
    distinct ids cost no Python loop, and no row is hashed twice.

    The rows keep their chunks' own indices until something is looked up: `take`
    reads a value per code through both at once, one pass over the rows whatever is
    looked up (the codes themselves, a cycle's ordinal, an employee's code).
    """

    def __init__(self, column: pa.ChunkedArray, known: pa.Array | None = None) -> None:
        chunks: list[pa.DictionaryArray] = []
        for chunk in column.chunks:
            if not pa.types.is_dictionary(chunk.type):
                if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
                    chunk = chunk.cast(pa.string())  # noqa: PLW2901 - the chunk as text
                chunk = pc.dictionary_encode(chunk)  # noqa: PLW2901 - the chunk encoded
            chunks.append(chunk)
        self.chunks = chunks
        self.rows = sum(len(chunk) for chunk in chunks)
        # Each chunk's dictionary once (a Parquet file written from a dictionary column
        # repeats one in every row group): the texts of all, then each chunk's start.
        dictionaries: list[pa.Array] = []
        self.starts: list[int] = []
        size = 0
        for chunk in chunks:
            if dictionaries and chunk.dictionary.equals(dictionaries[-1]):
                self.starts.append(self.starts[-1])
                continue
            dictionaries.append(chunk.dictionary)
            self.starts.append(size)
            size += len(chunk.dictionary)
        texts = (
            pa.concat_arrays([d.cast(pa.string()) for d in dictionaries])
            if dictionaries
            else pa.array([], pa.string())
        )
        stripped = pc.utf8_trim_whitespace(texts)
        given = pc.fill_null(pc.not_equal(stripped, ""), False).to_numpy(zero_copy_only=False)
        # Ids of employees met already are looked up among them at once, rather than
        # first told apart among themselves (a column of ids repeats its dictionaries'
        # texts little, and they are mostly known: the same hashing twice).
        found = (
            None
            if known is None
            else np.asarray(pc.index_in(stripped, value_set=known).fill_null(-1), np.int64)
        )
        # Every entry known (so none blank): which are in use matters not.
        every = found is not None and bool((found >= 0).all())
        self.indices: list[np.ndarray] = []
        used = np.zeros(size, bool)
        for chunk, start in zip(chunks, self.starts, strict=True):
            local = chunk.indices
            if chunk.null_count:
                local = local.cast(pa.int32()).fill_null(-1)
            values = local.to_numpy(zero_copy_only=False)
            if values.dtype.kind == "u":
                values = values.astype(np.int64)
            self.indices.append(values)
            count = len(chunk.dictionary)
            # Chunks of a row group share its dictionary: once every entry is seen in
            # use, the next chunks need no look.
            if not every and not used[start : start + count].all():
                used[start : start + count] |= _present(values, count, none=bool(chunk.null_count))
        #: Whether any row has no code (a null or blank cell).
        self.none = any(chunk.null_count for chunk in chunks) or bool((used & ~given).any())
        used &= given
        if known is not None and found is not None and (every or not (found[used] < 0).any()):
            # Every text used is known: the texts are ``known``.
            self.kind = np.int16 if len(known) < 2**15 else np.int32
            self.remap = (found if every else np.where(used, found, -1)).astype(self.kind)
            self.texts: pa.Array = known
            return
        if stripped.equals(texts) and len(dictionaries) == 1:
            distinct, same = texts, np.arange(size)
        else:
            merged = pc.dictionary_encode(stripped)
            distinct = merged.dictionary
            same = merged.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        keep = np.zeros(len(distinct), bool)
        keep[same[used]] = True
        number = np.cumsum(keep) - 1
        self.kind = np.int16 if len(distinct) < 2**15 else np.int32
        #: The code of each entry of each dictionary, -1 for none.
        self.remap = np.where(used, number[same], -1).astype(self.kind)
        self.texts = distinct.filter(pa.array(keep))

    def _tables(self) -> Iterator[tuple[np.ndarray, pa.DictionaryArray, np.ndarray]]:
        """Each chunk's indices, the chunk, and the code of each of its entries.

        The codes end with one more -1, that index -1 (a null) reads.
        """
        for values, chunk, start in zip(self.indices, self.chunks, self.starts, strict=True):
            table = np.append(self.remap[start : start + len(chunk.dictionary)], self.kind(-1))
            yield values, chunk, table

    def take(self, values: np.ndarray) -> np.ndarray:
        """Each row's item of ``values``: one per text, in code order, then one for -1."""
        found = np.empty(self.rows, values.dtype)
        at = 0
        for indices, chunk, table in self._tables():
            # The chunk's own values, by its indices: one lookup per row.
            mine = values[table]
            part = found[at : at + len(indices)]
            line = None if chunk.null_count else _linear(mine[:-1])
            if line is not None:
                # Values that rise or fall evenly along the chunk's dictionary (codes
                # met in order, consecutive cycles, two raters): arithmetic on the
                # indices, many times cheaper than a lookup per row.
                # In the values' own type: wrapping around, the sums are exact modulo
                # its size, and the values fit in it.
                start, step = line
                part[...] = indices
                if step != 1:
                    part *= _wrapped(step, part.dtype)
                part += _wrapped(start, part.dtype)
            else:
                part[...] = mine[indices] if chunk.null_count else _gather(mine, chunk.indices)
            at += len(indices)
        return found

    def codes(self) -> np.ndarray:
        """Each row's code, -1 for a null or blank cell."""
        if not self.chunks:
            return np.zeros(0, np.int32)
        return self.take(np.append(np.arange(len(self.texts), dtype=self.kind), self.kind(-1)))

    def firsts(self) -> np.ndarray:
        """Each text's first row, then the first row without one; the row count if none.

        Only the rows where a chunk's index changes are looked at: every text's first
        row is one of them.
        """
        first = np.full(len(self.texts) + 1, self.rows, np.int64)
        at = 0
        for indices, _, table in self._tables():
            if len(indices):
                heads = np.flatnonzero(indices[1:] != indices[:-1]) + 1
                heads = np.r_[0, heads]
                np.minimum.at(first, table[indices[heads]], heads + at)
            at += len(indices)
        return first


def _linear(values: np.ndarray) -> tuple[int, int] | None:
    """``(start, step)`` when ``values[i] == start + step * i`` for every ``i``, else None."""
    if not len(values) or values.dtype.kind not in "iu":
        return None
    start = int(values[0])
    step = int(values[1]) - start if len(values) > 1 else 1
    if not np.array_equal(values, start + step * np.arange(len(values))):
        return None
    return start, step


def _wrapped(value: int, dtype: np.dtype[Any]) -> Any:
    """``value`` in the integer type ``dtype``, modulo its size."""
    return np.array(value % (1 << (8 * dtype.itemsize)), np.uint64).astype(dtype)[()]


def _gather(table: np.ndarray, indices: pa.Array | np.ndarray) -> np.ndarray:
    """``table[indices]`` for indices from 0 up, as pyarrow's ``take`` reads them.

    numpy first widens 16- and 32-bit indices to 64 bits, a pass over them as long as
    the lookup itself; pyarrow reads them as they are.
    """
    found: np.ndarray = pa.array(table).take(indices).to_numpy()
    return found


def _encode(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """`_encode_array` with the texts as a list: for the columns of few distinct texts."""
    codes, names = _encode_array(column)
    return codes, names.to_pylist()


class _Employees:
    """The employee ids met so far, in order, and the codes of a column's rows."""

    def __init__(self) -> None:
        self.chunks: list[pa.Array] = []
        self.count = 0
        self._all: pa.Array | None = None

    def all(self) -> pa.Array:
        if self._all is None:
            self._all = pa.concat_arrays(self.chunks) if self.chunks else pa.array([], pa.string())
        return self._all

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, code: int) -> str:
        return str(self.all()[code].as_py())

    def add(self, column: pa.ChunkedArray) -> np.ndarray:
        """Each row's employee code; ids not met before are added, first row first."""
        # Ids already met are looked up at once (the other tables name the employees
        # of the first); a new id among them sends the column the general way.
        encoded = _Encoded(column, self.all() if self.count else None)
        names = encoded.texts
        if self.count and len(names) <= self.count and names.equals(self.all()[: len(names)]):
            # The ids in the order already met (tables exported in one order): no lookup.
            found = np.arange(len(names), dtype=np.int64)
        elif self.count:
            found = np.array(
                pc.index_in(names, value_set=self.all()).cast(pa.int64()).fill_null(-1),
                np.int64,
            )
        else:
            found = np.full(len(names), -1, np.int64)
        new = np.flatnonzero(found < 0)
        if len(new):
            # Each id's first row (an export holds each employee's rows together, so
            # few rows are looked at).
            first = encoded.firsts()
            ordered = new[np.argsort(first[new], kind="stable")]
            found[ordered] = self.count + np.arange(len(ordered))
            self.chunks.append(names.take(pa.array(ordered)))
            self.count += len(ordered)
            self._all = None
        return encoded.take(np.append(found, -1).astype(np.int32))


def _raw(column: pa.ChunkedArray, row: int) -> str:
    """The cell as written, for a message."""
    value = column[row].as_py()
    return "" if value is None else str(value)


class _Blocks:
    """One rater role's scores, in blocks of employees rated on the same competencies.

    Employees of one track are rated on its competencies only: a block holds the
    scores of the employees of a track whose scores all fall on the competencies
    rated in it (most of them), ``(len(members), C, len(competencies))``; one more
    block holds everyone else's on every competency. ``block`` gives each employee's
    block (-1: no score by this role); ``members`` are each block's employee codes,
    sorted; ``position`` (one row per block, ``K``) each competency's place in the
    block, -1 for none. Read through `Population._cube`.
    """

    __slots__ = ("block", "competencies", "dtype", "members", "pairs", "position", "scores")

    def __init__(  # noqa: PLR0917 - the parts, in the order the docstring gives
        self,
        block: np.ndarray,
        competencies: list[np.ndarray],
        members: list[np.ndarray],
        position: np.ndarray,
        scores: list[np.ndarray],
        dtype: np.dtype[Any],
        pairs: np.ndarray | None,
    ) -> None:
        self.dtype = dtype
        self.pairs = pairs
        self.block = block
        self.competencies = competencies
        self.members = members
        self.position = position
        self.scores = scores

    @property
    def nbytes(self) -> int:
        total = self.block.nbytes + self.position.nbytes
        total += 0 if self.pairs is None else self.pairs.nbytes
        total += sum(a.nbytes for a in (*self.competencies, *self.members, *self.scores))
        return int(total)

    @classmethod
    def split(
        cls,
        cube: np.ndarray,
        rows: np.ndarray | None,
        track: np.ndarray,
        unrated: int,
        scores: tuple[int, int],
    ) -> _Blocks:
        """The blocks of a dense cube (``rows``: its rows' codes; None, one per employee).

        ``track`` numbers each employee's family and track (the competencies rated
        follow them); ``scores`` are the lowest and highest score in any cube.
        """
        k_count = cube.shape[2]
        codes = np.arange(len(track), dtype=np.int32) if rows is None else rows.astype(np.int32)
        # (rows, K): the highest score of each competency over the cycles, above the
        # type's minimum where there is one; cycle by cycle, with no cube-sized mask.
        highest = (
            cube[:, 0, :].copy() if cube.shape[1] else np.full(cube.shape[::2], unrated, cube.dtype)
        )
        for cycle in range(1, cube.shape[1]):
            np.maximum(highest, cube[:, cycle, :], out=highest)
        rated = highest != unrated
        del highest
        parts = cls.parts(rated, codes, track)
        low = scores[0]
        pairs = cls.pairs_for(cube.dtype, unrated, scores)
        block, position, competencies, members = cls.layout(parts, codes, len(track), k_count)
        held = []
        for comps, local in parts:
            dense = cube[local]
            if not (len(comps) and comps[-1] - comps[0] + 1 == len(comps)):
                dense = dense[:, :, comps]
            elif len(comps) < k_count:
                # Neighbouring competencies: a view, not a second copy.
                dense = dense[:, :, comps[0] : comps[-1] + 1]
            if pairs is not None:
                # Each score's difference from the one below the lowest, 1 to 15: in the
                # unsigned type of the same width it wraps around exactly where the
                # signed one would, so no wider copy is needed.
                unsigned = np.dtype(f"u{cube.dtype.itemsize}")
                nibbles = dense.view(unsigned) - np.array(low - 1).astype(unsigned)
                np.putmask(nibbles, dense == unrated, 0)
                if unsigned.itemsize > 1:
                    nibbles = nibbles.astype(np.uint8)
                # The odd competency out, if any, keeps a high nibble of 0.
                packed = nibbles[:, :, 0::2].copy()
                packed[:, :, : len(comps) // 2] |= nibbles[:, :, 1::2] << 4
                dense = packed
            held.append(np.ascontiguousarray(dense))
        return cls(block, competencies, members, position, held, cube.dtype, pairs)

    @staticmethod
    def parts(
        rated: np.ndarray, codes: np.ndarray, track: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The blocks' competencies and rows (into ``rated``, sorted), by `split`'s rule.

        ``rated`` (rows, K): whether each row's employee (``codes``, rising) has a score
        on each competency in any cycle.
        """
        # Each row's competencies as bits, 64 a word: a row is tested in a few words.
        packed = np.packbits(rated, axis=1, bitorder="little")
        words = np.zeros((len(rated), -(-packed.shape[1] // 8) * 8), np.uint8)
        words[:, : packed.shape[1]] = packed
        bits = words.view(np.uint64)
        del packed, words
        anyone = np.flatnonzero(_nonzero_rows(bits))
        order = anyone[np.argsort(track[codes[anyone]], kind="stable")]
        tracks = track[codes[order]]
        bounds = np.flatnonzero(np.r_[True, tracks[1:] != tracks[:-1], True])
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        wide: list[np.ndarray] = []
        for lo, hi in itertools.pairwise(bounds):
            group = order[lo:hi]
            # A track's competencies: those most of its employees were rated on; the
            # few rated on others go to the last block.
            core = np.count_nonzero(rated[group], axis=0) * 2 > len(group)
            outside = np.zeros(bits.shape[1] * 64, bool)
            outside[: len(core)] = ~core
            mask = np.packbits(outside, bitorder="little").view(np.uint64)
            fits = ~_nonzero_rows(bits[group] & mask)
            if fits.any():
                parts.append((np.flatnonzero(core), np.sort(group[fits])))
            wide.append(group[~fits])
        rest = np.sort(np.concatenate(wide)) if wide else np.zeros(0, np.int64)
        if len(rest):
            parts.append((np.arange(rated.shape[1]), rest))
        return parts

    @staticmethod
    def pairs_for(dtype: np.dtype[Any], unrated: int, scores: tuple[int, int]) -> np.ndarray | None:
        """The two scores of each byte, as one item, when scores are held two to a byte.

        Scores spanning at most 15 values are held two to a byte, 0 for none.
        """
        low, high = scores
        if not (high - low < 15 and dtype.itemsize <= 4):
            return None
        values = np.full(16, unrated, dtype)
        values[1:] = np.arange(low, low + 15).clip(None, np.iinfo(dtype).max)
        every = np.arange(256)
        # Each byte's two scores as one item twice their size: one plain gather.
        both = np.ascontiguousarray(np.stack([values[every & 15], values[every >> 4]], 1))
        pairs: np.ndarray = both.view(f"u{2 * dtype.itemsize}").reshape(256)
        return pairs

    @staticmethod
    def layout(
        parts: list[tuple[np.ndarray, np.ndarray]], codes: np.ndarray, n: int, k_count: int
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """``block``, ``position``, ``competencies`` and ``members`` of `parts`' blocks."""
        block = np.full(n, -1, _codes_for(len(parts)))
        position = np.full((len(parts), k_count), -1, _codes_for(k_count))
        competencies, members = [], []
        for index, (comps, local) in enumerate(parts):
            block[codes[local]] = index
            position[index, comps] = np.arange(len(comps))
            competencies.append(comps.astype(np.int16))
            members.append(codes[local])
        return block, position, competencies, members

    def rows(self, index: int, rows: np.ndarray | slice) -> np.ndarray:
        """Rows of block ``index``, ``(len, C, its competencies)``, as scores."""
        return self.unpacked(index, rows)[:, :, : len(self.competencies[index])]

    def unpacked(self, index: int, rows: np.ndarray | slice) -> np.ndarray:
        """`rows`, packed scores' last place kept: two per byte (never rated when odd)."""
        block = self.scores[index]
        held = block[rows] if isinstance(rows, slice) else _take_rows(block, rows)
        if self.pairs is None:
            return held
        # One lookup turns each byte into its two scores.
        both: np.ndarray = np.take(self.pairs, held).view(self.dtype)
        return both.reshape(*held.shape[:2], -1)

    def flags(self, index: int, unrated: int) -> tuple[np.ndarray, np.ndarray]:
        """Block ``index``'s cells as bytes whose bits say which competencies were rated.

        ``(flags, bits)``: ``flags`` ``(len(members), C, slots)`` uint8, and ``bits``
        ``(its competencies, slots)`` the bits of each slot that are each competency's.
        Packed scores are their own flags (a nibble is 0 for none): whether a
        competency was ever rated, or is rated where it may not be, is read off the
        held bytes without unpacking a score.
        """
        held = self.scores[index]
        count = len(self.competencies[index])
        if self.pairs is None:
            return (held != unrated).view(np.uint8), np.eye(count, dtype=np.uint8)
        bits = np.zeros((count, held.shape[2]), np.uint8)
        each = np.arange(count)
        bits[each, each // 2] = np.where(each % 2, 0xF0, 0x0F)
        return held, bits

    def places(self) -> np.ndarray:
        """Each employee's row in its block (int32; any row for one without scores)."""
        found = np.zeros(len(self.block), np.int32)
        for members in self.members:
            found[members] = np.arange(len(members), dtype=np.int32)
        return found

    def planes(
        self,
        codes: np.ndarray,
        competencies: np.ndarray,
        cycles: int,
        unrated: int,
        places: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The scores of employees ``codes`` on ``competencies`` and whether rated.

        Competency-major, ``(len(competencies), len(codes), C)`` each: a competency's
        cells are one stretch of memory. Each is read off its own nibble of the held
        bytes, never through a whole cube; a cell without a score holds an integer
        below every score (`unrated`, or the lowest score less one). ``places`` are
        the employees' rows in their blocks (`places`).
        """
        shape = (len(competencies), len(codes), cycles)
        values = np.empty(shape, self.dtype)
        rated = np.empty(shape, bool)
        which = self.block[codes]
        # The lowest score less one (the pairs' second item is nibble 1's score).
        below = 0 if self.pairs is None else self.pairs.view(self.dtype)[2] - 1
        # The block most of the employees are in is read for all of them at once, each
        # plane whole; the few in other blocks (or none) are written over after.
        counts = np.bincount(which.astype(np.intp) + 1, minlength=len(self.scores) + 1)
        main = int(np.argmax(counts)) - 1
        order = ([main] if main >= 0 else []) + [
            i for i in range(len(self.scores)) if i != main and counts[i + 1]
        ]
        for index in order:
            at = None if index == main else np.flatnonzero(which == index)
            rows = places[codes if at is None else codes[at]]
            held = _take_rows(self.scores[index], rows)
            place = self.position[index][competencies]
            for j, p in enumerate(place.tolist()):
                if p < 0:
                    value, here = np.array(unrated, self.dtype), np.array(False)
                elif self.pairs is None:
                    value = held[:, :, p]
                    here = value != unrated
                else:
                    byte = held[:, :, p >> 1]
                    if at is None and self.dtype.itemsize == 1:
                        # Made in place in the plane: no temporary of its size.
                        value = values[j].view(np.uint8)
                        if p & 1:
                            np.right_shift(byte, 4, out=value)
                        else:
                            np.bitwise_and(byte, 15, out=value)
                        np.not_equal(value, 0, out=rated[j])
                        # A nibble is the score's place from the lowest (1), 0 for none:
                        # bytes add as the scores' type does, modulo 256.
                        value += np.uint8(int(below) % 256)
                        continue
                    nibble = byte >> 4 if p & 1 else byte & 15
                    here = nibble != 0
                    # A nibble is the score's place from the lowest (1), 0 for none.
                    value = np.add(nibble.view(np.int8), below, dtype=self.dtype)
                if at is None:
                    values[j], rated[j] = value, here
                else:
                    values[j, at], rated[j, at] = value, here
        if main < 0 or counts[0]:
            # Employees the role never scored.
            none = which < 0
            values[:, none] = unrated
            rated[:, none] = False
        return values, rated

    def cube(
        self, codes: np.ndarray, competencies: np.ndarray, cycles: int, unrated: int
    ) -> np.ndarray:
        """The scores of employees ``codes`` on ``competencies``, ``(len, C, len)``."""
        shape = (cycles, len(competencies))
        found: np.ndarray | None = None
        which = self.block[codes]
        for index in range(len(self.scores)):
            at = np.flatnonzero(which == index)
            if not len(at):
                continue
            place = self.position[index][competencies]
            members = self.members[index]
            asked = codes[at]
            low = int(np.searchsorted(members, asked[0]))
            rows: np.ndarray | slice = slice(low, low + len(at))
            if self.pairs is None or not np.array_equal(members[rows], asked):
                rows = np.searchsorted(members, asked)
            # Else packed scores of one stretch of the block's members (as a chunk of
            # consecutive codes is): read from a slice, without a gather, into a new
            # array all the same (`rows` unpacks them).
            if place.min() >= 0:
                # Every competency asked for is in the block: one gather.
                part = self.rows(index, rows)
                start = int(place[0]) if len(place) else 0
                if np.array_equal(place, np.arange(start, start + len(place))):
                    # Neighbouring competencies (the usual case): a view, not a copy.
                    part = part[:, :, start : start + len(place)]
                else:
                    part = part[:, :, place]
            else:
                have = np.flatnonzero(place >= 0)
                part = np.full((len(at), *shape), unrated, self.dtype)
                part[:, :, have] = self.rows(index, rows)[:, :, place[have]]
            if len(at) == len(codes):
                return part
            if found is None:
                found = np.full((len(codes), *shape), unrated, self.dtype)
            found[at] = part
        if found is None:
            found = np.full((len(codes), *shape), unrated, self.dtype)
        return found


def _nonzero_rows(items: np.ndarray, none: int = 0) -> np.ndarray:
    """Which rows of a 2-D array have any item other than ``none``, column by column.

    Rows of a few items each: numpy's ``any`` along them reads them item by item.
    """
    found = items[:, 0] != none if items.shape[1] else np.zeros(len(items), bool)
    for column in range(1, items.shape[1]):
        found |= items[:, column] != none
    return found


#: Employees between two running totals `_Grouped` keeps: one employee's rows are
#: found by adding at most this many counts.
_STRIDE = 1024


def _narrowest(low: int, high: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type holding ``low`` to ``high``."""
    return next(
        t
        for t in (np.int8, np.int16, np.int32, np.int64)
        if np.iinfo(t).min <= low and high <= np.iinfo(t).max
    )


def _small_codes(count: int) -> type[np.signedinteger[Any]]:
    """The type of codes into ``count`` ids and -1, of one byte when it can.

    Some readers give the missing the code ``count``: it fits in the type too.
    """
    return np.int8 if count < 2**7 else _codes_for(count)


class _Grouped:
    """Rows grouped by employee (the level assignments, the events), a few bytes a row.

    No employee column: each employee's number of rows (``counts``, the narrowest
    unsigned type), and the running total before every `_STRIDE`-th employee, so that
    one employee's rows are found without adding every count before theirs. Columns
    are kept as narrow as their values allow: ``shifted`` ones hold cycle ordinals
    less the population's first cycle; ``row`` is left out while the rows are the
    table's in its order (row ``i`` is ``i``); each of ``lookups`` is read through a
    column of codes into a small table (an evidence value's parts, each distinct
    value once). Readers see plain columns through `view`, decoded as they read them.
    """

    __slots__ = ("columns", "counts", "first", "lookups", "marks", "shifted")

    def __init__(  # noqa: PLR0917 - the parts, in the order the docstring gives
        self,
        employee: np.ndarray,
        n: int,
        columns: dict[str, Any],
        first: int,
        shifted: tuple[str, ...] = (),
        lookups: dict[str, tuple[str, np.ndarray]] | None = None,
    ) -> None:
        """``employee`` (sorted) gives each row's employee code; ``columns`` the rest."""
        counts = np.bincount(employee, minlength=n) if len(employee) else np.zeros(n, np.int64)
        most = int(counts.max()) if n else 0
        self.counts = counts.astype(
            next(t for t in (np.uint8, np.uint16, np.uint32) if most <= np.iinfo(t).max)
            if most < 2**32
            else np.uint64
        )
        self.marks = np.r_[0, np.cumsum(counts, dtype=np.int64)][::_STRIDE]
        self.first = first
        self.shifted = shifted
        self.lookups = lookups or {}
        held: dict[str, Any] = {}
        for name, values in columns.items():
            if name in shifted:
                values = values.astype(np.int64) - first  # noqa: PLW2901 - the shifted column
                low, high = (int(values.min()), int(values.max())) if len(values) else (0, 0)
                values = values.astype(_narrowest(low, high))  # noqa: PLW2901 - narrowed
            elif name == "row" and np.array_equal(values, np.arange(len(values))):
                continue
            held[name] = values
        self.columns = held

    __hash__ = None  # type: ignore[assignment]  # compared by value, never hashed

    def __eq__(self, other: object) -> bool:
        """The same rows held alike: every array equal, and of the same type."""
        if not isinstance(other, _Grouped):
            return NotImplemented

        def same(first: Any, second: Any) -> bool:
            if isinstance(first, pa.Array):
                return isinstance(second, pa.Array) and first.equals(second)
            return bool(first.dtype == second.dtype and np.array_equal(first, second))

        mine, theirs = self.columns, other.columns
        return (
            (self.first, self.shifted) == (other.first, other.shifted)
            and same(self.counts, other.counts)
            and mine.keys() == theirs.keys()
            and all(same(mine[k], theirs[k]) for k in mine)
            and self.lookups.keys() == other.lookups.keys()
            and all(
                self.lookups[k][0] == other.lookups[k][0]
                and same(self.lookups[k][1], other.lookups[k][1])
                for k in self.lookups
            )
        )

    @property
    def nbytes(self) -> int:
        total = self.counts.nbytes + self.marks.nbytes
        for values in (*self.columns.values(), *(t for _, t in self.lookups.values())):
            total += values.nbytes
            if isinstance(values, np.ndarray) and values.dtype == object:
                total += sum(v.__sizeof__() for v in values)
        return int(total)

    def offsets(self) -> np.ndarray:
        """Where each employee's rows start, and the end (``N + 1``)."""
        found = np.zeros(len(self.counts) + 1, np.int64)
        np.cumsum(self.counts, out=found[1:])
        return found

    def span(self, code: int) -> tuple[int, int]:
        """The rows of the employee ``code``."""
        base = code - code % _STRIDE
        start = int(self.marks[code // _STRIDE]) + int(self.counts[base:code].sum(dtype=np.int64))
        return start, start + int(self.counts[code])

    def view(self, code: int | None = None) -> _View:
        """The rows (of the employee ``code`` only, if given) as plain columns."""
        return _View(self, None if code is None else (code, *self.span(code)))


class _View(Mapping[str, Any]):
    """`_Grouped` rows as the columns readers use.

    ``employee`` codes, ordinals, ``row``, every other column as held. Each is decoded
    once, when first read, and kept by the view only: the population holds the narrow
    columns alone.
    """

    def __init__(self, grouped: _Grouped, one: tuple[int, int, int] | None) -> None:
        self._grouped = grouped
        #: The employee viewed alone, and their rows' span; None for all rows.
        self._one = one
        self._found: dict[str, Any] = {}

    def __iter__(self) -> Iterator[str]:
        # The columns readers know: a column held only as codes for lookups is not one.
        grouped = self._grouped
        codes = {column for column, _ in grouped.lookups.values()}
        held = [name for name in grouped.columns if name not in codes and name != "row"]
        yield from ("employee", "row", *held, *grouped.lookups)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __getitem__(self, name: str) -> Any:
        found = self._found.get(name)
        if found is None:
            found = self._found[name] = self._decode(name)
        return found

    def _part(self, values: Any) -> Any:
        return values if self._one is None else values[self._one[1] : self._one[2]]

    def _decode(self, name: str) -> Any:
        grouped = self._grouped
        if name == "employee":
            if self._one is None:
                codes = np.arange(len(grouped.counts), dtype=np.int32)
                found: np.ndarray = np.repeat(codes, grouped.counts.astype(np.int64))
                return found
            code, lo, hi = self._one
            return np.full(hi - lo, code, np.int32)
        if name == "row" and name not in grouped.columns:
            lo, hi = self._one[1:] if self._one else (0, int(grouped.counts.sum(dtype=np.int64)))
            return np.arange(lo, hi, dtype=np.int32)
        if name in grouped.lookups:
            column, table = grouped.lookups[name]
            return table[self._part(grouped.columns[column])]
        values = self._part(grouped.columns[name])
        if name in grouped.shifted:
            return values.astype(np.int32) + np.int32(grouped.first)
        return values


class Population:
    """Many employees' histories, held as columns; see the module docstring for the layout.

    Build one with `from_tables`, `read` or `from_histories`; it never changes. It holds
    no framework: `progression.population.evaluate_population` checks it against one.
    """

    __slots__ = (
        "_cache",
        "_cadence",
        "_competencies",
        "_cycles",
        "_employees",
        "_event_rows",
        "_families",
        "_family",
        "_first",
        "_held_rating_rows",
        "_level_rows",
        "_levels",
        "_lines",
        "_names",
        "_problems",
        "_rater_extra",
        "_rater_id_cells",
        "_rater_ids",
        "_rater_order",
        "_rater_refs",
        "_rating_nesting",
        "_rating_rows_sorted",
        "_reviewed",
        "_score_range",
        "_scores",
        "_sources",
        "_track",
        "_tracks",
        "_unrated",
    )

    _employees: pa.StringArray
    _families: tuple[str, ...]
    _tracks: tuple[str, ...]
    _levels: tuple[str, ...]
    _family: np.ndarray
    _track: np.ndarray
    _level_rows: _Grouped
    _cadence: Cadence
    _first: int
    _cycles: int
    _competencies: tuple[str, ...]
    _scores: dict[Rater, _Blocks]
    _unrated: int
    #: The lowest and highest score stored (0, 0 without any).
    _score_range: tuple[int, int]
    _rater_ids: dict[Rater, np.ndarray]
    _rater_id_cells: dict[Rater, dict[str, np.ndarray]]
    _rating_nesting: str
    _rater_order: tuple[Rater, ...]
    #: The rater ids (`_rater_names`) as codes into ``_employees``, or ``-1 - i`` for
    #: the ``i``-th of ``_rater_extra``, those that are no employee's.
    _rater_refs: np.ndarray
    _rater_extra: pa.Array
    _reviewed: np.ndarray
    _event_rows: _Grouped
    _names: tuple[str, ...]
    _problems: tuple[tuple[int, Problem], ...]
    _held_rating_rows: np.ndarray | None
    _rating_rows_sorted: bool
    _sources: tuple[str, str, str]
    _lines: tuple[_Lines, _Lines, _Lines]
    #: Arrays derived on demand, such as each employee's first stored score.
    _cache: dict[str, Any]

    def __init__(self) -> None:
        raise TypeError("use Population.from_tables, Population.read or Population.from_histories")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Population is immutable")

    def __len__(self) -> int:
        """The number of employees."""
        return len(self._employees)

    def __repr__(self) -> str:
        return (
            f"<Population of {len(self)} employees, {self._cycles} {self._cadence.value}"
            f" cycles, {len(self._competencies)} competencies>"
        )

    @property
    def employees(self) -> pa.StringArray:
        """The employee ids, in the population's order."""
        return self._employees

    @property
    def nbytes(self) -> int:
        """The memory the population's arrays hold, in bytes (those derived since too)."""
        total = self._employees.nbytes + self._family.nbytes + self._track.nbytes
        total += self._level_rows.nbytes + self._event_rows.nbytes + self._reviewed.nbytes
        total += sum(blocks.nbytes for blocks in self._scores.values())
        total += sum(a.nbytes for a in self._rater_ids.values())
        total += self._rater_refs.nbytes + self._rater_extra.nbytes
        total += sum(a.nbytes for c in self._rater_id_cells.values() for a in c.values())
        total += 0 if self._held_rating_rows is None else self._held_rating_rows.nbytes
        total += sum(a.nbytes for a in self._cache.values() if isinstance(a, np.ndarray))
        return int(total)

    @property
    def _rater_names(self) -> pa.Array:
        """The rater ids that the codes of `_rater_id_cube` name, as a pyarrow string array.

        Raters are mostly employees: their ids are held once, in ``_employees``.
        """
        refs = self._rater_refs.astype(np.int64)
        every = pa.concat_arrays([self._employees, self._rater_extra])
        return every.take(pa.array(np.where(refs >= 0, refs, len(self) - 1 - refs)))

    @property
    def _assignments(self) -> Mapping[str, Any]:
        """The level assignments' columns (module docstring), decoded as they are read."""
        return self._level_rows.view()

    @property
    def _assignment_offsets(self) -> np.ndarray:
        """Where each employee's assignments start, and the end (``N + 1``)."""
        return self._level_rows.offsets()

    @property
    def _events(self) -> Mapping[str, Any]:
        """The events' columns (module docstring), decoded as they are read."""
        return self._event_rows.view()

    # --- building ---------------------------------------------------------------------

    @classmethod
    def from_tables(
        cls,
        ratings: Any,
        levels: Any,
        events: Any = None,
        *,
        sources: tuple[str, str, str] | None = None,
    ) -> Population:
        """A population from the three long tables (pandas, polars or pyarrow).

        Columns as the CSV exports: ratings ``employee_id, cycle, competency, score``
        and optionally ``rater`` and ``rater_id``; levels ``employee_id, family, track,
        level, since``; events ``employee_id, cycle, event`` and optionally
        ``requirement, value, note``. ``sources`` names the tables in problems (default
        ``ratings``, ``levels`` and ``events``), which give the row index in the table.

        Rows that break a rule are kept as problems of their employee (see
        `evaluate_population`); only a table without a required column is refused.

        Raises:
            InvalidHistory: a required column is missing.
        """
        names = sources or ("ratings", "levels", "events")
        return _build(
            _table(ratings, "ratings"),
            _table(levels, "levels"),
            None if events is None else _table(events, "events"),
            names,
            (_NO_LINES, _NO_LINES, _NO_LINES),
        )

    @classmethod
    def read(
        cls, ratings: str | Path, levels: str | Path, events: str | Path | None = None
    ) -> Population:
        """A population from CSV (``.csv``) or Parquet (``.parquet``, ``.pq``) files.

        Problems name the file and the line (CSV files whose rows are one line each)
        or the row. A CSV line with more or fewer cells than the header is left out and
        reported as a problem of its employee, like a bad cell.

        Raises:
            UnreadableInput: a file is missing, unreadable or of an unknown kind, not
                UTF-8 text, or nine in ten of its lines do not fit its header.
            InvalidHistory: a required column is missing.
        """
        paths = (ratings, levels, events)
        tables: list[pa.Table | None] = []
        lines: list[_Lines] = []
        for path, dictionary in zip(paths, _DICTIONARY_COLUMNS, strict=True):
            if path is None:
                tables.append(None)
                lines.append(_NO_LINES)
                continue
            table, where = _read_file(Path(path), dictionary)
            tables.append(table)
            lines.append(where)
        ratings_table, levels_table, events_table = tables
        assert ratings_table is not None
        assert levels_table is not None
        return _build(
            ratings_table,
            levels_table,
            events_table,
            (str(ratings), str(levels), str(events)),
            (lines[0], lines[1], lines[2]),
        )

    @classmethod
    def from_histories(cls, histories: Iterable[RatingHistory]) -> Population:
        """A population from `RatingHistory` values, in their order.

        A review with neither ratings nor events (which the long tables cannot hold)
        still counts as a review. An employee without any level assignment keeps their
        family and track, and is reported as `progression.evaluate` reports them (no
        level to move from, code ``no_level``), not as one without a level row.
        """
        ratings: dict[str, list[Any]] = {
            n: [] for n in ("employee_id", "cycle", "competency", "score", "rater")
        }
        levels: dict[str, list[Any]] = {n: [] for n in _LEVEL_COLUMNS}
        events: dict[str, list[Any]] = {
            n: [] for n in ("employee_id", "cycle", "event", "requirement", "value", "note")
        }
        empty: list[tuple[str, str]] = []
        homes: list[tuple[str, str, str]] = []
        everyone: list[str] = []
        for history in histories:
            employee = history.employee
            everyone.append(employee)
            if not history.levels:
                homes.append((employee, history.family, history.track))
            for assignment in history.levels:
                for name, value in zip(
                    _LEVEL_COLUMNS,
                    (
                        employee,
                        history.family,
                        history.track,
                        assignment.level,
                        str(assignment.since),
                    ),
                    strict=True,
                ):
                    levels[name].append(value)
            for review in history.reviews:
                cycle = str(review.cycle)
                for rating in review.ratings:
                    ratings["employee_id"].append(employee)
                    ratings["cycle"].append(cycle)
                    ratings["competency"].append(rating.competency)
                    ratings["score"].append(rating.score)
                    ratings["rater"].append(rating.rater.value)
                rows: list[tuple[str, str, str | None, str]] = [
                    (
                        "evidence",
                        e.requirement,
                        None if e.value is None else format_number(e.value),
                        e.note,
                    )
                    for e in review.evidence
                ]
                if review.endorsed:
                    rows.append(("endorsement", "", None, ""))
                if review.calibrated:
                    rows.append(("calibration", "", None, ""))
                rows += [("approval", step, None, "") for step in review.approvals]
                for event, requirement, amount, note in rows:
                    for column, cell in zip(
                        ("employee_id", "cycle", "event", "requirement", "value", "note"),
                        (employee, cycle, event, requirement, amount, note),
                        strict=True,
                    ):
                        events[column].append(cell)
                if not review.ratings and not rows:
                    empty.append((employee, cycle))
        string = pa.string()
        return _build(
            pa.table(
                {
                    "employee_id": pa.array(ratings["employee_id"], string),
                    "cycle": pa.array(ratings["cycle"], string),
                    "competency": pa.array(ratings["competency"], string),
                    "score": pa.array(ratings["score"], pa.int64()),
                    "rater": pa.array(ratings["rater"], string),
                }
            ),
            pa.table({n: pa.array(v, string) for n, v in levels.items()}),
            pa.table({n: pa.array(v, string) for n, v in events.items()}),
            ("ratings", "levels", "events"),
            (_NO_LINES, _NO_LINES, _NO_LINES),
            empty=empty,
            homes=homes,
            employees=everyone,
        )

    # --- back to values ---------------------------------------------------------------

    def to_tables(self) -> tuple[pa.Table, pa.Table, pa.Table]:
        """The three long tables (ratings, levels, events) with the CSV exports' columns.

        Rows refused while loading are not in them.
        """
        employees = self._employees
        cadence, first = self._cadence, self._first
        # Ratings: every stored score, in cube order.
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]] = []
        for rater in RATERS:
            if rater not in self._scores:
                continue
            cube = self._cube(rater, np.arange(len(self)))
            e, c, k = np.nonzero(cube != self._unrated)
            score = cube[e, c, k]
            parts.append((e, c, k, score, self._rater_order.index(rater)))
        if parts:
            e = np.concatenate([p[0] for p in parts])
            c = np.concatenate([p[1] for p in parts])
            k = np.concatenate([p[2] for p in parts])
            s = np.concatenate([p[3] for p in parts]).astype(np.int64)
            r = np.concatenate([np.full(len(p[0]), p[4], np.int8) for p in parts])
            # In the order the rows came in, as far as it was learned.
            order = np.lexsort((k, r, c, e) if self._rating_nesting == "rater" else (r, k, c, e))
            e, c, k, s, r = e[order], c[order], k[order], s[order], r[order]
        else:
            e = c = k = s = np.zeros(0, np.int64)
            r = np.zeros(0, np.int8)
        cycle_names = _cycle_names(first, max(self._cycles, 1), cadence)
        ratings = pa.table(
            {
                "employee_id": employees.take(pa.array(e, pa.int64())),
                "cycle": pa.array(cycle_names, pa.string()).take(pa.array(c, pa.int64())),
                "competency": pa.array(self._competencies, pa.string()).take(
                    pa.array(k, pa.int64())
                ),
                "score": pa.array(s, pa.int64()),
                "rater": pa.array([r.value for r in self._rater_order], pa.string()).take(
                    pa.array(r, pa.int64())
                ),
            }
        )
        a = self._assignments
        a_emp = pa.array(a["employee"], pa.int64())
        levels = pa.table(
            {
                "employee_id": employees.take(a_emp),
                "family": pa.array(self._families, pa.string()).take(
                    pa.array(self._family, pa.int64()).take(a_emp)
                ),
                "track": pa.array(self._tracks, pa.string()).take(
                    pa.array(self._track, pa.int64()).take(a_emp)
                ),
                "level": pa.array(self._levels, pa.string()).take(pa.array(a["level"], pa.int64())),
                "since": pa.array(
                    [str(Cycle.from_ordinal(int(o), cadence)) for o in a["since"]], pa.string()
                ),
            }
        )
        ev = self._events
        names = [*self._names, ""]
        values = [
            None if int(d) == 0 else format_number(Fraction(int(n), int(d)))
            for n, d in zip(ev["numerator"], ev["denominator"], strict=True)
        ]
        events = pa.table(
            {
                "employee_id": employees.take(pa.array(ev["employee"], pa.int64())),
                "cycle": pa.array(
                    [str(Cycle.from_ordinal(int(o), cadence)) for o in ev["cycle"]], pa.string()
                ),
                "event": pa.array(EVENT_KINDS, pa.string()).take(pa.array(ev["kind"], pa.int64())),
                "requirement": pa.array([names[int(n)] for n in ev["name"]], pa.string()),
                "value": pa.array(values, pa.string()),
                "note": ev["note"].cast(pa.string()),
            }
        )
        return ratings, levels, events

    def histories(self) -> Iterator[RatingHistory]:
        """Each employee's `RatingHistory`, in the population's order (for checks).

        Employees without a level row are left out: they have no family or track.
        """
        for code in range(len(self)):
            if self._family[code] >= 0:
                yield self.history(code)

    def history(self, code: int) -> RatingHistory:
        """The history of the employee with code ``code``, ratings in cube order.

        Each value carries its origin (table and line, or row in ``column``), so that the
        evaluator's problems say where the rows are.
        """
        cadence, first = self._cadence, self._first
        employee = str(self._employees[code].as_py())
        ratings_source, levels_source, events_source = self._sources
        a = self._level_rows.view(code)
        levels = pvector(
            [
                unchecked_level(
                    self._levels[int(level)],
                    Cycle.from_ordinal(int(since), cadence),
                    _origin(levels_source, int(row), self._lines[1]),
                )
                for level, since, row in zip(a["level"], a["since"], a["row"], strict=True)
            ]
        )
        reviewed = np.unpackbits(self._reviewed[code], count=self._cycles).astype(bool)
        by_cycle: dict[int, list[Rating]] = {}
        rows = self._rows_of(code)
        grids = [(r, self._cells(r, code)) for r in self._rater_order if r in self._scores]
        if self._rating_nesting == "rater":
            order = [(r, grid, k) for r, grid in grids for k in range(len(self._competencies))]
        else:
            order = [(r, grid, k) for k in range(len(self._competencies)) for r, grid in grids]
        position = 0
        for c in range(self._cycles):
            for rater, grid, k in order:
                if grid is None or grid[c, k] == self._unrated:
                    continue
                origin = _origin(ratings_source, int(rows[position]), self._lines[0])
                position += 1
                by_cycle.setdefault(first + c, []).append(
                    unchecked_rating(self._competencies[k], int(grid[c, k]), rater, origin)
                )
        ev = self._event_rows.view(code)
        extra: dict[int, tuple[list[Evidence], list[bool], list[str]]] = {}
        for i in range(len(ev["kind"])):
            ordinal = int(ev["cycle"][i])
            evidence, flags, steps = extra.setdefault(ordinal, ([], [False, False], []))
            kind = EVENT_KINDS[int(ev["kind"][i])]
            if kind == "evidence":
                denominator = int(ev["denominator"][i])
                value = None if denominator == 0 else Fraction(int(ev["numerator"][i]), denominator)
                evidence.append(
                    unchecked_evidence(
                        self._names[int(ev["name"][i])],
                        str(ev["note"][i].as_py() or ""),
                        value,
                        _origin(events_source, int(ev["row"][i]), self._lines[2]),
                    )
                )
            elif kind == "endorsement":
                flags[0] = True
            elif kind == "calibration":
                flags[1] = True
            else:
                steps.append(self._names[int(ev["name"][i])])
        ordinals = sorted(
            {first + int(c) for c in np.flatnonzero(reviewed)} | set(by_cycle) | set(extra)
        )
        empty: Any = pvector()
        reviews = []
        for ordinal in ordinals:
            records, marks, named = extra.get(ordinal, ([], [False, False], []))
            reviews.append(
                unchecked_review(
                    Cycle.from_ordinal(ordinal, cadence),
                    pvector(by_cycle.get(ordinal, [])),
                    pvector(records) if records else empty,
                    marks[0],
                    marks[1],
                    pvector(named) if named else empty,
                )
            )
        family = int(self._family[code])
        track = int(self._track[code])
        return unchecked_history(
            employee,
            self._families[family] if family >= 0 else "",
            self._tracks[track] if track >= 0 else "",
            levels,
            pvector(reviews),
        )

    # --- private helpers --------------------------------------------------------------

    @property
    def _rating_rows(self) -> np.ndarray:
        """The rating rows the module docstring describes, held or counted."""
        if self._held_rating_rows is None:
            return self._rating_starts()[:-1]
        return self._held_rating_rows

    def _rating_starts(self) -> np.ndarray:
        """The number of scores stored before each employee's, and the total (``N + 1``)."""
        starts: np.ndarray | None = self._cache.get("rating_starts")
        if starts is None:
            counts = np.zeros(len(self), np.int64)
            for blocks in self._scores.values():
                for index, members in enumerate(blocks.members):
                    scores = blocks.rows(index, slice(None))
                    counts[members] += (scores != self._unrated).sum(axis=(1, 2))
            starts = np.r_[0, np.cumsum(counts)]
            starts = self._cache["rating_starts"] = starts.astype(_narrowest(0, int(starts[-1])))
        return starts

    def _rows_of(self, code: int) -> np.ndarray:
        """The rating rows of one employee's stored scores, in the order they came in."""
        starts = self._rating_starts()
        count = int(starts[code + 1] - starts[code])
        if self._rating_rows_sorted:
            return self._rating_rows[int(starts[code]) : int(starts[code]) + count]
        return int(self._rating_rows[code]) + np.arange(count)

    def _levels_at(self, ordinal: int | None = None) -> np.ndarray:
        """Each employee's level at a cycle ordinal (codes into ``_levels``; -1 for none).

        The last assignment whose ``since`` is not later; without ``ordinal``, each
        employee's latest assignment.
        """
        a = self._assignments
        offsets = self._assignment_offsets.astype(np.int64)
        n = len(self)
        if ordinal is None:
            last = offsets[1:] - 1
        else:
            key = (a["employee"].astype(np.int64) << 32) + a["since"].astype(np.int64)
            probe = (np.arange(n, dtype=np.int64) << 32) + ordinal
            last = np.searchsorted(key, probe, side="right") - 1
        held = last >= offsets[:-1]
        found = np.full(n, -1, np.int32)
        found[held] = a["level"][last[held]]
        return found

    def _cells(self, rater: Rater, code: int) -> np.ndarray | None:
        """One employee's scores by one rater, ``(C, K)``; None without any."""
        if rater not in self._scores or self._scores[rater].block[code] < 0:
            return None
        cells: np.ndarray = self._cube(rater, np.array([code]))[0]
        return cells

    def _cube(
        self, rater: Rater, codes: np.ndarray, competencies: Sequence[int] | None = None
    ) -> np.ndarray:
        """The scores of one rater for the employees ``codes``, ``(len, C, K)``.

        Of the smallest signed integer type holding every score, ``_unrated`` where the
        rater gave none; with ``competencies`` (codes), only theirs, in that order.
        """
        ks = np.arange(len(self._competencies)) if competencies is None else competencies
        return self._scores[rater].cube(
            np.asarray(codes), np.asarray(ks, np.intp), self._cycles, self._unrated
        )

    def _raters(self) -> tuple[Rater, ...]:
        """The rater roles with any score, in `Rater` order."""
        return tuple(self._scores)

    def _rated_flags(
        self, rater: Rater
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per block of one rater's scores: its members, competencies, flags and bits.

        ``members`` are employee codes (sorted), ``competencies`` competency codes;
        ``flags`` and ``bits`` say which cells hold a score (`_Blocks.flags`). For checks
        over every score that need not know the scores themselves.
        """
        blocks = self._scores[rater]
        for index, members in enumerate(blocks.members):
            flags, bits = blocks.flags(index, self._unrated)
            yield members, blocks.competencies[index], flags, bits

    def _rated(self, rater: Rater) -> np.ndarray:
        """The codes of the employees with a score by ``rater``, sorted."""
        return np.flatnonzero(self._scores[rater].block >= 0)

    def _counted(
        self,
        raters: Sequence[Rater],
        codes: np.ndarray,
        competencies: Sequence[int],
        *,
        ids: bool = False,
        cubes: dict[Rater, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
        """The counted scores: per cell, the most preferred rater's among ``raters``.

        For the employees ``codes`` (sorted) and the competency codes ``competencies``:
        ``(values, rated, rater_ids)``, each ``(len, C, len(competencies))``. ``values``
        keeps the cubes' small integer type (callers widen what they compute with) and
        holds the least preferred rater's cell where nobody rated it;
        ``rated`` says where someone did; ``rater_ids`` (with ``ids``) are codes into
        ``_rater_names``, -1 where no score counts. None when none of ``raters`` scored
        anyone. The single evaluator picks the same score (`Binding.counted`): this is
        the one place the population does. ``cubes``, when given, receives each rater's
        scores as `_cube` reads them (of ``competencies``), for callers that need them too.
        """
        present = [r for r in reversed(raters) if r in self._scores]
        if not present:
            return None
        every = list(competencies)

        def cells_of(rater: Rater) -> tuple[np.ndarray, np.ndarray]:
            found = self._cube(rater, codes, every)
            if cubes is not None:
                cubes[rater] = found
            return found, found != self._unrated

        # The least preferred rater first: each more preferred score replaces it.
        values, rated = cells_of(present[0])
        found = self._ids(present[0], codes, every, rated) if ids else None
        for rater in present[1:]:
            cells, here = cells_of(rater)
            values = np.where(here, cells, values)
            rated = rated | here
            if found is not None:
                found = np.where(here, self._ids(rater, codes, every, here), found)
        return values, rated, found

    def _counted_planes(
        self,
        raters: Sequence[Rater],
        codes: np.ndarray,
        competencies: Sequence[int],
        places: dict[Rater, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """`_counted`'s values and rated, competency-major: ``(len(competencies), len, C)``.

        The same score counts as in `_counted` (the most preferred rater's); a cell
        nobody rated holds an integer below every score. Read a competency at a time
        (`_Blocks.planes`), for the evaluation's checks, which take one array per
        competency. ``places``, when given, keeps each rater's rows of the employees in
        their blocks across calls (made on first use).
        """
        present = [r for r in reversed(raters) if r in self._scores]
        if not present:
            return None
        every = np.asarray(competencies, np.intp)

        def planes(rater: Rater) -> tuple[np.ndarray, np.ndarray]:
            blocks = self._scores[rater]
            if places is None:
                return blocks.planes(codes, every, self._cycles, self._unrated, blocks.places())
            if rater not in places:
                places[rater] = blocks.places()
            rows = places[rater]
            return blocks.planes(codes, every, self._cycles, self._unrated, rows)

        values, rated = planes(present[0])
        for rater in present[1:]:
            cells, here = planes(rater)
            np.copyto(values, cells, where=here)
            rated |= here
        return values, rated

    def _rater_id_cube(self, rater: Rater, codes: np.ndarray | None = None) -> np.ndarray:
        """Each score's ``rater_id`` by one rater, codes into ``_rater_names``.

        For the employees ``codes`` (sorted; every employee by default),
        ``(len(codes), C, K)``; -1 where that rater gave no score (or without a
        ``rater_id`` column).
        """
        if codes is None:
            codes = np.arange(len(self))
        if rater not in self._scores:
            return np.full((len(codes), self._cycles, len(self._competencies)), -1, np.int32)
        rated = self._cube(rater, codes) != self._unrated
        return self._ids(rater, codes, range(len(self._competencies)), rated)

    def _ids(
        self, rater: Rater, codes: np.ndarray, competencies: Sequence[int], rated: np.ndarray
    ) -> np.ndarray:
        """The ``rater_id`` codes of one rater's scores ``rated`` (cells of ``competencies``)."""
        usual = self._rater_ids.get(rater)
        if usual is None:
            return np.full(rated.shape, -1, np.int32)
        found = np.where(rated, usual[codes].astype(np.int32)[:, None, None], np.int32(-1))
        other = self._rater_id_cells[rater]
        if len(other["employee"]) and len(codes):
            column = np.full(len(self._competencies), -1, np.int64)
            column[list(competencies)] = np.arange(len(competencies))
            at = np.minimum(np.searchsorted(codes, other["employee"]), len(codes) - 1)
            hit = (codes[at] == other["employee"]) & (column[other["competency"]] >= 0)
            found[at[hit], other["cycle"][hit], column[other["competency"][hit]]] = other[
                "rater_id"
            ][hit]
        return found


def _take_rows(held: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``held[rows]`` (rows past the end read the last), each row copied as one item.

    numpy gathers the rows of a 3-D array of bytes a byte at a time; seen as one item
    of the row's size each, a gather copies whole rows.
    """
    width = held.shape[1] * held.shape[2]
    if not width or not len(held):
        return np.zeros((len(rows), *held.shape[1:]), held.dtype)
    items = held.reshape(len(held), width).view(f"V{width * held.itemsize}")[:, 0]
    found: np.ndarray = items.take(rows, mode="clip").view(held.dtype)
    return found.reshape(len(rows), *held.shape[1:])


def _origin(source: str, row: int, lines: _Lines) -> Origin:
    """Where a row was read: its line, counting the header as line 1, as a CSV file has it.

    Rows of a table that is not a CSV file of one line per row are given the same way
    (``row + 2``), so that the row is known again from a problem; the evaluation's
    errors table reports such a line as a row only.
    """
    return unchecked_origin(source, row + 2, None)


def _cycle_names(first: int, count: int, cadence: Cadence) -> list[str]:
    return [str(Cycle.from_ordinal(first + c, cadence)) for c in range(count)]


def _read_file(path: Path, dictionary: Sequence[str]) -> tuple[pa.Table, _Lines]:
    """A table from a CSV or Parquet file, and where its rows were read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableInput(f"{path}: no such file")
    try:
        if suffix in {".parquet", ".pq"}:
            import pyarrow.parquet as pq  # noqa: PLC0415

            names = pq.read_schema(path).names
            columns = [n for n in dictionary if n in names]
            return pq.read_table(path, read_dictionary=columns), _NO_LINES
        if suffix == ".csv":
            return _read_csv(path)
    except UnreadableInput:
        raise
    except (OSError, pa.ArrowException) as exc:
        raise UnreadableInput(f"{path}: {exc}") from None
    raise UnreadableInput(f"{path}: expected a .csv or .parquet file")


#: The columns a CSV file's rows are read by, as text whatever they hold (ids that look
#: like numbers stay as written; scores are parsed once per distinct text), and
#: dictionary-encoded block by block as they are read: a million employees' ratings
#: repeat a few ids, cycles, competencies and scores 67 million times, and held as
#: strings they would take gigabytes before being encoded anyway. Other columns are
#: read as the reader finds them (the engine does not look at them).
_CSV_ENCODED = (
    "employee_id",
    "cycle",
    "competency",
    "rater",
    "rater_id",
    "family",
    "track",
    "level",
    "since",
    "event",
    "requirement",
    "value",
    "note",
    "score",
)
_TEXT = pa.dictionary(pa.int32(), pa.string())
#: Bytes of CSV parsed at a time (and the longest line read).
_CSV_BLOCK = 1 << 24


def _read_csv(path: Path) -> tuple[pa.Table, _Lines]:
    """A CSV file's table and lines; lines of the wrong number of cells are refused.

    A refused line is left out and reported with the employee of its row, as a bad
    cell would be: one broken line in a company's export stops nobody else. A file
    nine in ten of whose lines are refused (a header that does not match) is unreadable.
    """
    import pyarrow.csv as pcsv  # noqa: PLC0415

    refused: list[_Refused] = []

    def refuse(row: Any) -> str:
        refused.append(
            _Refused(row.number, int(row.actual_columns), int(row.expected_columns), row.text)
        )
        return "skip"

    # One thread, a block at a time: each refused line's number is known (read in
    # parallel, it is not), and only a block's strings are held before they are encoded.
    read_options = pcsv.ReadOptions(encoding="utf8", use_threads=False, block_size=_CSV_BLOCK)
    parse_options = pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=refuse)
    types = dict.fromkeys(_CSV_ENCODED, _TEXT)
    convert = pcsv.ConvertOptions(strings_can_be_null=False, column_types=types)
    if path.stat().st_size == 0:
        raise UnreadableInput(f"{path}: empty file: expected a header line")
    try:
        table = pcsv.read_csv(path, read_options, parse_options, convert)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise UnreadableInput(_not_utf8(path)) from None
        if "Empty CSV file" in str(exc):
            raise UnreadableInput(f"{path}: empty file: expected a header line") from None
        raise
    if refused and len(refused) > 9 * table.num_rows:
        first = refused[0]
        raise UnreadableInput(
            f"{path}: line {first.line}: {first.cells} cells where the header has"
            f" {first.expected} ({len(refused):,} of {len(refused) + table.num_rows:,} rows"
            f" alike): expected every row to have the header's {first.expected} cells"
        )
    with open(path, "rb") as file:
        breaks = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 24), b""))
    one_per_row = breaks - len(refused) in {table.num_rows, table.num_rows + 1}
    ordered = sorted(refused, key=lambda r: -1 if r.line is None else r.line)
    return table, _Lines(one_per_row, tuple(ordered))


def _not_utf8(path: Path) -> str:
    """Where a file stops being UTF-8 text, for the message refusing it."""
    with open(path, "rb") as file:
        for number, line in enumerate(file, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return (
                    f"{path}: line {number}: byte {line[exc.start]:#04x} at column"
                    f" {exc.start + 1} is not UTF-8 text: expected a file in UTF-8"
                )
    return f"{path}: not UTF-8 text: expected a file in UTF-8"


def _column_problems(
    table: pa.Table, required: Sequence[str], optional: Sequence[str], source: str
) -> list[Problem]:
    """The columns missing from ``table`` and those the engine reads of a type it cannot.

    Every cell is read as text (numbers and dates written as they print): a column of
    lists, structs or bytes has no text to read.
    """
    expected = f"a table with {', '.join(required)}"
    problems = [
        Problem(
            message=f"missing column {name!r}: expected {expected}",
            expected=expected,
            source=source,
        )
        for name in required
        if name not in table.column_names
    ]
    for name in (*required, *optional):
        if name in table.column_names and not _readable(table.schema.field(name).type):
            kind = table.schema.field(name).type
            problems.append(
                Problem(
                    message=f"column {name!r} holds {kind}: expected text or numbers",
                    expected="text or numbers",
                    got=str(kind),
                    source=source,
                )
            )
    return problems


def _readable(kind: pa.DataType) -> bool:
    """Whether a column of this type reads as text, cell by cell."""
    if pa.types.is_dictionary(kind):
        return _readable(kind.value_type)
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_temporal(kind)
        or pa.types.is_null(kind)
    )


class _Cycles:
    """Cycle texts parsed once each: ordinal and cadence per distinct text."""

    def __init__(self) -> None:
        self.parsed: dict[str, Cycle | None] = {}

    def codes(self, column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: ordinal, cadence index (-1 not a cycle, -2 empty, -3 out of range).

        Out of range is a year outside `FIRST_YEAR` to `LAST_YEAR`, which a history may
        not name either: every cycle a verdict names must read back.
        """
        encoded = _Encoded(column)
        texts = encoded.texts.to_pylist()
        ordinals = np.zeros(len(texts) + 1, np.int32)
        cadences = np.full(len(texts) + 1, -1, np.int8)
        cadences[-1] = -2
        order = list(Cadence)
        for index, text in enumerate(texts):
            assert text is not None
            if text not in self.parsed:
                try:
                    self.parsed[text] = Cycle.parse(text)
                except ValueError:
                    self.parsed[text] = None
            cycle = self.parsed[text]
            if cycle is not None and not cycle.in_range:
                cadences[index] = -3
            elif cycle is not None:
                ordinals[index] = cycle.ordinal
                cadences[index] = order.index(cycle.cadence)
        marks = cadences if encoded.none else cadences[:-1]
        if len(marks) and (marks == marks[0]).all():
            # One cadence for every row (the usual case): no lookup per row.
            return encoded.take(ordinals), np.full(encoded.rows, marks[0], np.int8)
        return encoded.take(ordinals), encoded.take(cadences)


def _build(
    ratings: pa.Table,
    levels: pa.Table,
    events: pa.Table | None,
    sources: tuple[str, str, str],
    lines: tuple[_Lines, _Lines, _Lines],
    *,
    empty: Sequence[tuple[str, str]] = (),
    homes: Sequence[tuple[str, str, str]] = (),
    employees: Sequence[str] = (),
) -> Population:
    faults = [
        *_column_problems(levels, _LEVEL_COLUMNS, (), sources[1]),
        *_column_problems(ratings, _RATING_COLUMNS, ("rater", "rater_id"), sources[0]),
    ]
    if events is not None:
        optional = ("requirement", "value", "note")
        faults += _column_problems(events, _EVENT_COLUMNS, optional, sources[2])
    if faults:
        raise InvalidHistory(faults)
    cycles = _Cycles()
    cadence_order = list(Cadence)
    level_rows = _Rows(sources[1], lines[1])
    rating_rows = _Rows(sources[0], lines[0])
    event_rows = _Rows(sources[2], lines[2])

    # --- levels: the employees, their family, track and assignments ---------------------
    order = _Employees()
    if employees:
        # Histories come in an order of their own: the population keeps it.
        order.add(pa.chunked_array([pa.array(list(employees), pa.string())]))
    l_emp = order.add(levels.column("employee_id"))
    l_family, families = _encode(levels.column("family"))
    l_track, tracks = _encode(levels.column("track"))
    l_level, level_names = _encode(levels.column("level"))
    l_since, l_cadence = cycles.codes(levels.column("since"))
    bad = np.zeros(levels.num_rows, bool)
    for name, codes in (
        ("employee_id", l_emp),
        ("family", l_family),
        ("track", l_track),
        ("level", l_level),
    ):
        for row in np.flatnonzero(codes < 0):
            level_rows.add(
                int(l_emp[row]),
                int(row),
                name,
                f"empty {name}",
                f"a value for {name}",
                _raw(levels.column(name), int(row)),
            )
        bad |= codes < 0
    bad |= _report_cycles(level_rows, levels, l_emp, l_cadence, "since")
    # The population's cadence: that of most level rows (the first one's on a tie).
    valid_cadences = l_cadence[l_cadence >= 0]
    if not len(valid_cadences) and homes:
        # Nobody has a level row: the histories' reviews say the cadence.
        _, valid_cadences = cycles.codes(ratings.column("cycle"))
        if events is not None and not (valid_cadences >= 0).any():
            _, valid_cadences = cycles.codes(events.column("cycle"))
        valid_cadences = valid_cadences[valid_cadences >= 0]
    if len(valid_cadences):
        counts = np.bincount(valid_cadences, minlength=len(cadence_order))
        best = np.flatnonzero(counts == counts.max())
        first_of = {int(c): int(np.argmax(valid_cadences == c)) for c in best}
        cadence_index = min(first_of, key=first_of.__getitem__)
    else:
        cadence_index = 0
    cadence = cadence_order[cadence_index]

    def foreign(table: _Rows, emp: np.ndarray, cad: np.ndarray, column: str, col: Any) -> Any:
        wrong = (cad >= 0) & (cad != cadence_index)
        for row in np.flatnonzero(wrong):
            employee = int(emp[row])
            who = repr(order[employee]) if employee >= 0 else "?"
            table.add(
                employee,
                int(row),
                column,
                f"employee {who} mixes cadences",
                f"a {cadence.value} cycle like the rest of the population",
                _raw(col, int(row)),
            )
        return wrong

    bad |= foreign(level_rows, l_emp, l_cadence, "since", levels.column("since"))
    n = len(order)
    # Each employee's family is that of their first row (rows in table order).
    keep = np.flatnonzero(~bad)
    first_row_all = np.full(n, levels.num_rows, np.int64)
    np.minimum.at(first_row_all, l_emp[keep], keep)
    family = np.full(n, -1, np.int32)
    has = first_row_all < levels.num_rows
    family[has] = l_family[first_row_all[has]]
    other = keep[l_family[keep] != family[l_emp[keep]]]
    for row in other:
        employee = int(l_emp[row])
        level_rows.add(
            employee,
            int(row),
            "family",
            f"employee {order[employee]!r} is in family"
            f" {families[int(family[employee])]!r} in an earlier row",
            "one job family per employee",
            _raw(levels.column("family"), int(row)),
        )
    bad[other] = True
    keep = np.flatnonzero(~bad)
    # Assignments sorted by employee, then since; two starting together are refused.
    by = _sorted(keep, l_emp, l_since)
    twice = np.flatnonzero(
        (l_emp[by][1:] == l_emp[by][:-1]) & (l_since[by][1:] == l_since[by][:-1])
    )
    for i in twice:
        at = int(by[i + 1])
        employee = int(l_emp[at])
        level_rows.add(
            employee,
            at,
            "since",
            f"employee {order[employee]!r} has two level assignments starting in"
            f" {Cycle.from_ordinal(int(l_since[at]), cadence)}",
            "one level assignment per employee and cycle",
            _raw(levels.column("since"), at),
        )
    by = np.delete(by, twice + 1)
    # Histories without a level assignment still say their family and track: such an
    # employee is placed there, with no assignment, and the engine reports them as the
    # single evaluator does (no level to move from).
    home_track: dict[int, int] = {}
    if homes:
        codes = order.add(pa.chunked_array([pa.array([e for e, _, _ in homes], pa.string())]))
        family = np.concatenate([family, np.full(len(order) - len(family), -1, np.int32)])
        for code, (_, family_id, track_id) in zip(codes.tolist(), homes, strict=True):
            if family[code] >= 0:
                continue
            if family_id not in families:
                families.append(family_id)
            if track_id not in tracks:
                tracks.append(track_id)
            family[code] = families.index(family_id)
            home_track[code] = tracks.index(track_id)
    # Employees all of whose level rows were refused still count as placed: their other
    # rows are checked, but not reported for lacking a level row (as the CSV loader).
    placed = len(order)

    # --- ratings --------------------------------------------------------------------------
    r_emp = order.add(ratings.column("employee_id"))
    r_cycle, r_cadence = cycles.codes(ratings.column("cycle"))
    r_comp, competencies = _encode(ratings.column("competency"))
    r_score, r_score_ok = _scores(ratings.column("score"))
    if "rater" in ratings.column_names:
        rater_encoded = _Encoded(ratings.column("rater"))
        rater_map = np.array(
            [
                RATERS.index(_RATER_BY_NAME[t]) if t in _RATER_BY_NAME else -1
                for t in rater_encoded.texts.to_pylist()
            ]
            + [RATERS.index(Rater.MANAGER)],
            np.int8,
        )
        r_rater = rater_encoded.take(rater_map)
    else:
        r_rater = np.full(ratings.num_rows, RATERS.index(Rater.MANAGER), np.int8)
    r_bad = np.zeros(ratings.num_rows, bool)
    r_bad |= _report_empty(rating_rows, ratings, "employee_id", r_emp, r_emp)
    r_bad |= _report_cycles(rating_rows, ratings, r_emp, r_cadence)
    r_bad |= _report_empty(rating_rows, ratings, "competency", r_comp, r_emp)
    for row in np.flatnonzero(~r_score_ok):
        text = _raw(ratings.column("score"), int(row))
        digits = text.strip().lstrip("-")
        if digits.isascii() and digits.isdigit():
            rating_rows.add(
                int(r_emp[row]),
                int(row),
                "score",
                "score too large",
                f"an integer score of at most {MAX_SCORE_DIGITS} digits",
                text,
            )
        else:
            rating_rows.add(
                int(r_emp[row]), int(row), "score", "not a whole number", "an integer score", text
            )
    r_bad |= ~r_score_ok
    for row in np.flatnonzero(r_rater < 0):
        rating_rows.add(
            int(r_emp[row]),
            int(row),
            "rater",
            "unknown rater",
            one_of(r.value for r in Rater),
            _raw(ratings.column("rater"), int(row)),
        )
    r_bad |= r_rater < 0
    r_bad |= foreign(rating_rows, r_emp, r_cadence, "cycle", ratings.column("cycle"))
    rater_ids: tuple[np.ndarray, pa.Array] | None = None
    if "rater_id" in ratings.column_names:
        rater_ids = _encode_array(ratings.column("rater_id"))

    # --- events ---------------------------------------------------------------------------
    if events is not None and events.num_rows:
        e_emp = order.add(events.column("employee_id"))
        e_cycle, e_cadence = cycles.codes(events.column("cycle"))
    else:
        e_emp = np.zeros(0, np.int32)
        e_cycle = np.zeros(0, np.int64)
        e_cadence = np.zeros(0, np.int8)
    empty_codes = (
        order.add(pa.chunked_array([pa.array([name for name, _ in empty], pa.string())]))
        if empty
        else np.zeros(0, np.int32)
    )
    n = len(order)

    # Employees with rows but no level row: one problem per table, at their first row.
    unplaced = list(range(placed, n))
    e_unplaced = np.zeros(len(e_emp), bool)
    for table_rows, emp, refused in ((rating_rows, r_emp, r_bad), (event_rows, e_emp, e_unplaced)):
        if not unplaced or not len(emp):
            continue
        mask = np.isin(emp, unplaced)
        refused |= mask  # noqa: PLW2901 - in place: the table's own array
        seen: set[int] = set()
        for row in np.flatnonzero(mask):
            employee = int(emp[row])
            if employee in seen:
                continue
            seen.add(employee)
            table_rows.add(
                employee,
                int(row),
                "employee_id",
                f"employee {order[employee]!r} has no row in {sources[1]}",
                "every employee to have a level assignment",
                order[employee],
            )

    # --- events: kinds, names, values -----------------------------------------------------
    ev = _events(
        events, event_rows, e_emp, e_cycle, e_cadence, cadence_index, order, foreign, e_unplaced
    )
    names = ev.pop("_names")
    parts = ev.pop("_values")

    # --- the cycle axis -------------------------------------------------------------------
    everything = not r_bad.any()
    valid_r = np.arange(0) if everything else np.flatnonzero(~r_bad)

    def pick(values: np.ndarray) -> np.ndarray:
        return values if everything else values[valid_r]

    # The axis spans the reviews' cycles: level changes before the first review need no
    # column of their own (the levels' cycles count only without any review).
    known_cycles = [
        np.asarray(l_since[by]),
        pick(r_cycle),
        np.asarray(ev["cycle"]),
        np.array([Cycle.parse(c).ordinal for _, c in empty], np.int64),
    ]
    spans = [(int(c.min()), int(c.max())) for c in known_cycles[1:] if len(c)]
    if not spans and len(known_cycles[0]):
        spans = [(int(known_cycles[0].min()), int(known_cycles[0].max()))]
    first = min(lo for lo, _ in spans) if spans else 0
    count = max(hi for _, hi in spans) - first + 1 if spans else 0

    # --- assignments by employee --------------------------------------------------------
    a_emp = l_emp[by]
    offsets = np.zeros(n + 1, np.int64)
    np.add.at(offsets, a_emp + 1, 1)
    offsets = np.cumsum(offsets)
    track = np.full(n, -1, np.int32)
    if len(by):
        last = offsets[1:] - 1
        has_rows = offsets[1:] > offsets[:-1]
        track[has_rows] = l_track[by[last[has_rows]]]
    for code, track_code in home_track.items():
        track[code] = track_code
    family_all = np.full(n, -1, np.int32)
    family_all[: len(family)] = family
    # The competencies rated follow each employee's family and track.
    home = (family_all.astype(np.int64) + 1) * (len(tracks) + 1) + track + 1

    # --- the score cubes ------------------------------------------------------------------
    k_count = len(competencies)
    scores_valid = pick(r_score)
    low = int(scores_valid.min()) if len(scores_valid) else 0
    high = int(scores_valid.max()) if len(scores_valid) else 0
    del scores_valid
    dtype = next(
        t
        for t in (np.int8, np.int16, np.int32, np.int64)
        if np.iinfo(t).min < low and high <= np.iinfo(t).max
    )
    unrated = int(np.iinfo(dtype).min)
    rater_names: pa.Array = pa.array([], pa.string()) if rater_ids is None else rater_ids[1]
    axis = _Axis(n, first, count, k_count, dtype, unrated)
    grouped = (
        _grouped_cubes(
            r_emp,
            r_cycle,
            r_comp,
            r_rater,
            r_score,
            None if rater_ids is None else rater_ids[0],
            axis,
            home,
            (low, high),
        )
        if everything and len(r_bad)
        else None
    )
    found = (
        grouped
        if grouped is not None
        else _cubes(
            r_emp,
            r_cycle,
            r_comp,
            r_rater,
            r_score,
            rater_ids,
            axis,
            valid_r if not everything else None,
            rating_rows,
            order,
            competencies,
            cadence,
        )
    )
    nesting, comp_rank, rater_rank = found.order
    competencies = [competencies[int(i)] for i in np.argsort(comp_rank)]
    cubes, cube_rows, blocks = found.cubes, found.rows, dict(found.blocks or {})
    usual_ids, other_ids = found.usual_ids, found.other_ids
    reviewed, rating_rows_array, in_order = found.reviewed, found.first_rows, found.in_order
    rater_order = tuple(RATERS[int(i)] for i in np.argsort(rater_rank))

    # --- reviewed cycles --------------------------------------------------------------------
    if len(ev["employee"]):
        reviewed[ev["employee"], ev["cycle"] - first] = True
    for code, (_, cycle_text) in zip(empty_codes, empty, strict=True):
        ordinal = Cycle.parse(cycle_text).ordinal
        reviewed[int(code), ordinal - first] = True
    for rater in list(cubes):
        blocks[rater] = _Blocks.split(
            cubes.pop(rater), cube_rows[rater], home, unrated, (low, high)
        )
    # An employee all of whose level rows were refused has no family: only problems.

    # Every row stored, each employee's together and in the population's order: each
    # first row is the count of the scores before, read again from the cubes if needed.
    counted = in_order and everything and not rating_rows.found
    if counted:
        rated = np.zeros(n, bool)
        for kept in blocks.values():
            rated |= kept.block >= 0
        heads = rating_rows_array[rated]
        counted = not len(heads) or (heads[0] == 0 and bool(np.all(heads[1:] > heads[:-1])))
    for rows, table in ((level_rows, levels), (rating_rows, ratings), (event_rows, events)):
        if table is not None:
            _report_refused(rows, table.column_names, order)
    problems = [*level_rows.found, *rating_rows.found, *event_rows.found]
    refs = np.asarray(pc.index_in(rater_names, value_set=order.all()).fill_null(-1), np.int64)
    alone = refs < 0
    refs[alone] = -1 - np.arange(np.count_nonzero(alone))
    refs = refs.astype(np.int32)
    population: Population = object.__new__(Population)
    values: dict[str, Any] = {
        "_employees": order.all(),
        "_families": tuple(f for f in families if f is not None),
        "_tracks": tuple(t for t in tracks if t is not None),
        "_levels": tuple(lv for lv in level_names if lv is not None),
        "_family": family_all.astype(_small_codes(len(families))),
        "_track": track.astype(_small_codes(len(tracks))),
        "_level_rows": _Grouped(
            a_emp,
            n,
            {
                "level": l_level[by].astype(_small_codes(len(level_names))),
                "since": l_since[by],
                "row": by.astype(np.int32),
            },
            first,
            ("since",),
        ),
        "_cadence": cadence,
        "_first": first,
        "_cycles": count,
        "_competencies": tuple(c for c in competencies if c is not None),
        "_scores": blocks,
        "_unrated": unrated,
        "_score_range": (low, high),
        "_rater_ids": {r: ids.astype(_codes_for(len(rater_names))) for r, ids in usual_ids.items()},
        "_rater_id_cells": other_ids,
        "_rater_refs": refs,
        "_rater_extra": rater_names.filter(pa.array(refs < 0)),
        "_rating_nesting": nesting,
        "_rater_order": rater_order,
        "_reviewed": np.packbits(reviewed, axis=1),
        "_event_rows": _Grouped(
            ev.pop("employee"),
            n,
            ev,
            first,
            ("cycle",),
            {"numerator": ("value", parts[0]), "denominator": ("value", parts[1])},
        ),
        "_names": names,
        "_problems": tuple(problems),
        "_held_rating_rows": None if counted else rating_rows_array,
        "_rating_rows_sorted": not in_order,
        "_sources": sources,
        "_lines": lines,
        "_cache": {},
    }
    for name, value in values.items():
        object.__setattr__(population, name, value)
    return population


def _report_refused(rows: _Rows, names: Sequence[str], order: _Employees) -> None:
    """The lines of ``rows``' file that were not rows, each with its employee if known."""
    if not rows.lines.refused:
        return
    import csv  # noqa: PLC0415

    column = names.index("employee_id") if "employee_id" in names else -1
    ids = []
    for refused in rows.lines.refused:
        cells = next(csv.reader([refused.text]), [])
        ids.append(cells[column].strip() if 0 <= column < len(cells) else "")
    known = pc.index_in(pa.array(ids, pa.string()), value_set=order.all()).fill_null(-1)
    for refused, code in zip(rows.lines.refused, known.to_pylist(), strict=True):
        rows.refuse(int(code), refused)


class _Axis(NamedTuple):
    """The cubes' shape and type: employees, first cycle ordinal, cycles, competencies."""

    n: int
    first: int
    cycles: int
    k_count: int
    dtype: type[np.signedinteger[Any]]
    unrated: int


def _cubes(  # noqa: PLR0917 - the rating rows' columns and what they need
    r_emp: np.ndarray,
    r_cycle: np.ndarray,
    r_comp: np.ndarray,
    r_rater: np.ndarray,
    r_score: np.ndarray,
    rater_ids: tuple[np.ndarray, pa.Array] | None,
    axis: _Axis,
    valid: np.ndarray | None,
    rating_rows: _Rows,
    order: _Employees,
    competencies: list[str],
    cadence: Cadence,
) -> _Scores:
    """The score cubes from rows in any order, some refused (``valid``: the rows kept).

    Repeated scores are reported to ``rating_rows``; ``first_rows`` are the rating rows
    of the module docstring, every stored score's unless ``in_order``.
    """
    n, first, count, k_count, dtype, unrated = axis
    everything = valid is None
    valid_r = np.arange(len(r_emp)) if valid is None else valid

    def pick(values: np.ndarray) -> np.ndarray:
        return values if everything else values[valid_r]

    # Small integer types throughout: 80 million rows make every copy count.
    emp_v, cyc_v = pick(r_emp), pick(r_cycle) - first
    comp_v, rater_v = pick(r_comp), pick(r_rater)
    # The order of the rows within each review, learned from the rows: an export sorted
    # by employee and cycle then keeps one row number per employee (see the layout).
    nesting, comp_rank, rater_rank = _learn_order(
        emp_v, cyc_v, comp_v, rater_v, k_count, len(RATERS)
    )
    competencies = [competencies[int(i)] for i in np.argsort(comp_rank)]
    r_comp = np.where(r_comp >= 0, comp_rank[np.maximum(r_comp, 0)], -1).astype(np.int16)
    comp_v = pick(r_comp)
    if nesting == "rater":
        outer, inner, n_outer, n_inner = rater_rank[rater_v], comp_v, len(RATERS), k_count
    else:
        outer, inner, n_outer, n_inner = comp_v, rater_rank[rater_v], k_count, len(RATERS)
    key = emp_v.astype(np.int64)
    key *= max(count, 1)
    key += cyc_v
    key *= max(n_outer, 1)
    key += outer
    key *= max(n_inner, 1)
    key += inner
    del outer, inner
    same_emp = emp_v[1:] == emp_v[:-1]
    changes = int(len(same_emp) - np.count_nonzero(same_emp))
    distinct = int(np.count_nonzero(np.bincount(emp_v, minlength=1))) if len(emp_v) else 0
    rising = key[1:] >= key[:-1]
    in_order = bool(np.all(rising | ~same_emp)) and changes + 1 == max(distinct, 1)
    del rising, same_emp
    sort = np.arange(len(key)) if in_order else np.argsort(key, kind="stable")
    skey = key if in_order else key[sort]
    repeat = np.flatnonzero(skey[1:] == skey[:-1]) + 1
    del key, skey
    for i in repeat:
        at = int(valid_r[sort[i]])
        first_row_of = int(valid_r[sort[i - 1]])
        employee = int(r_emp[at])
        rater_name = RATERS[int(r_rater[at])].value
        competency = competencies[int(r_comp[at])]
        cycle = Cycle.from_ordinal(int(r_cycle[at]), cadence)
        rating_rows.add(
            employee,
            at,
            "score",
            f"employee {order[employee]!r}, cycle {cycle}: a second {rater_name} score for"
            f" {competency!r} (the first is on {rating_rows.where(first_row_of)})",
            "one score per employee, cycle, competency and rater",
            str(int(r_score[at])),
        )
    if len(repeat):
        sort = np.delete(sort, repeat)
    stored = valid_r if in_order and not len(repeat) else valid_r[sort]
    if in_order and len(stored) > 1:
        # One row number per employee only if their stored rows follow one another.
        together = r_emp[stored][1:] == r_emp[stored][:-1]
        in_order = bool(np.all(np.diff(stored)[together] == 1))
    cubes: dict[Rater, np.ndarray] = {}
    cube_rows: dict[Rater, np.ndarray | None] = {}
    usual_ids: dict[Rater, np.ndarray] = {}
    other_ids: dict[Rater, dict[str, np.ndarray]] = {}
    reviewed = np.zeros((n, max(count, 0)), bool)
    identity = everything and in_order and not len(repeat)
    for index, rater in enumerate(RATERS):
        # Every row stored, in order: a mask of the rater's rows, without an index array.
        mine = (r_rater == index) if identity else stored[r_rater[stored] == index]
        if not (mine.any() if identity else len(mine)):
            continue
        emp_m, cyc_m, comp_m = r_emp[mine], r_cycle[mine] - first, r_comp[mine]
        reviewed[emp_m, cyc_m] = True
        rated = np.zeros(n, bool)
        rated[emp_m] = True
        if np.count_nonzero(rated) * 4 >= n * 3:
            rows: np.ndarray | None = None
            at = emp_m
            cube = np.full((n, count, k_count), unrated, dtype)
        else:
            # Few employees rated by this role: a cube of their rows only.
            rows = np.flatnonzero(rated).astype(np.int32)
            at = np.searchsorted(rows, emp_m)
            cube = np.full((len(rows), count, k_count), unrated, dtype)
        cube[at, cyc_m, comp_m] = r_score[mine].astype(dtype)
        cubes[rater] = cube
        cube_rows[rater] = rows
        if rater_ids is not None:
            # Most employees have one rater per role: their id once, the rest by cell.
            given = rater_ids[0][mine]
            usual = np.full(n, -1, np.int32)
            usual[emp_m[::-1]] = given[::-1]
            differ = given != usual[emp_m]
            usual_ids[rater] = usual
            other_ids[rater] = {
                "employee": emp_m[differ].astype(np.int32),
                "cycle": cyc_m[differ].astype(np.int32),
                "competency": comp_m[differ].astype(np.int32),
                "rater_id": given[differ].astype(np.int32),
            }
    if in_order and len(stored):
        rating_first = np.zeros(n, np.int32)
        emp_stored = r_emp[stored]
        starts = np.flatnonzero(np.r_[True, emp_stored[1:] != emp_stored[:-1]])
        rating_first[emp_stored[starts]] = stored[starts]
        rating_rows_array = rating_first
    elif in_order:
        rating_rows_array = np.zeros(n, np.int32)
    else:
        rating_rows_array = stored.astype(np.int32)
    return _Scores(
        (nesting, comp_rank, rater_rank),
        cubes,
        cube_rows,
        usual_ids,
        other_ids,
        reviewed,
        rating_rows_array,
        in_order,
    )


class _Scores(NamedTuple):
    """The score cubes read from the rating rows, by `_grouped_cubes` or `_cubes`.

    ``order``: the nesting and the ranks of competencies and raters `_learn_order`
    gives; ``first_rows`` and ``in_order``: the rating rows kept (module docstring).
    """

    order: tuple[str, np.ndarray, np.ndarray]
    cubes: dict[Rater, np.ndarray]
    rows: dict[Rater, np.ndarray | None]
    usual_ids: dict[Rater, np.ndarray]
    other_ids: dict[Rater, dict[str, np.ndarray]]
    reviewed: np.ndarray
    first_rows: np.ndarray
    in_order: bool = True
    #: The blocks themselves, when read straight from the rows (``cubes`` then empty).
    blocks: dict[Rater, _Blocks] | None = None


#: Rows handled at once by `_grouped_cubes`: their temporaries stay in the CPU's caches.
_BATCH = 1 << 20
#: Rows `_grouped_cubes` reads at once: their temporaries stay in the CPU's own cache.
_STEP = 1 << 17
#: The most entries `_grouped_cubes`' table of places within a block may have.
_PLACES = 1 << 22


def _grouped_cubes(  # noqa: PLR0917 - the rating rows' columns
    r_emp: np.ndarray,
    r_cycle: np.ndarray,
    r_comp: np.ndarray,
    r_rater: np.ndarray,
    r_score: np.ndarray,
    r_ids: np.ndarray | None,
    axis: _Axis,
    home: np.ndarray,
    scores: tuple[int, int],
) -> _Scores | None:
    """The blocks straight from the rows, if the rows are as exports write them, else None.

    That is: no row refused, each employee's rows together, each review's in one
    consistent order, no score given twice. `_cubes` handles any other rows.

    The order is learned from the first rows only. When every row follows it, it is the
    order `_learn_order` learns from all of them: both pick, among the orders the rows'
    successions allow, the one that puts smaller codes first, and the rows of the whole
    table allow no order the first rows do not.

    No dense cube is built. A first pass over the rows checks their order and marks
    which competencies each employee was rated on by each role: that is all
    `_Blocks.parts` needs to place them. A second pass writes each score at its place
    in the blocks, one scatter: the place is the employee's slot (a lookup by employee
    and role) plus that of the cycle and competency within the block (a lookup in a
    small table by block and the row's rank within the employee's rows, which the
    first pass computed to check the order). Scores held two to a byte are written a
    nibble a byte, each to its own, then paired: no two rows write the same byte.
    """
    n, first, count, k_count, dtype, unrated = axis
    total = len(r_emp)
    prefix = min(total, _BATCH)
    nesting, comp_rank, rater_rank = _learn_order(
        r_emp[:prefix],
        r_cycle[:prefix] - first,
        r_comp[:prefix],
        r_rater[:prefix],
        k_count,
        len(RATERS),
    )
    roles = len(RATERS)
    # Whether each employee was rated on each competency by each role, (N, roles, K):
    # indexed by (employee, role) as one number, employee first, so that an
    # employee's rows read one small stretch of each table indexed by it.
    rated = np.zeros(n * roles * k_count, bool)
    other: dict[int, list[tuple[np.ndarray, ...]]] = {i: [] for i in range(roles)}
    # Every role's usual rater id, by employee then role: one lookup for all the rows.
    usual = np.full(roles * n if r_ids is not None else 0, -2, np.int32)
    n_outer, n_inner = (roles, k_count) if nesting == "rater" else (k_count, roles)
    span = max(count, 1) * max(n_outer, 1) * max(n_inner, 1)
    # The order within an employee's rows in 32 bits where it fits: half the bytes of
    # a key holding the employee too, and the employee's runs are compared apart.
    within_type = np.int32 if span < 2**31 else np.int64
    # Each row's rank within its employee's rows, kept for the second pass.
    ranks: np.ndarray = np.empty(total, np.int16 if span < 2**15 else within_type)
    # Ranks equal to the codes (rows that name competencies and roles in the order
    # they first appear) need no lookup; the roles' ranks are read from the bits of one
    # number, a few operations where a lookup by row costs many more.
    comp_same = np.array_equal(comp_rank, np.arange(k_count))
    rater_same = np.array_equal(rater_rank, np.arange(roles))
    # A byte a role (ranks below 128, so the top one keeps the sign bit clear).
    shifts = roles <= np.dtype(within_type).itemsize
    rater_bits = within_type(
        sum(int(r) << (8 * i) for i, r in enumerate(rater_rank)) if shifts else 0
    )
    heads: list[np.ndarray] = []
    last_within = -1
    last_emp = -1
    for lo in range(0, total, _STEP):
        hi = min(lo + _STEP, total)
        emp = r_emp[lo:hi]
        cyc: np.ndarray = r_cycle[lo:hi].astype(within_type)
        cyc -= first
        comp = r_comp[lo:hi] if comp_same else comp_rank[r_comp[lo:hi]]
        rater = r_rater[lo:hi]
        if rater_same:
            ranked = rater
        elif not shifts:
            ranked = rater_rank[rater]
        else:
            ranked = rater.astype(within_type)
            ranked <<= 3
            np.right_shift(rater_bits, ranked, out=ranked)
            ranked &= 255
        outer, inner = (ranked, comp) if nesting == "rater" else (comp, ranked)
        within: np.ndarray = cyc * n_outer
        within += outer
        within *= n_inner
        within += inner
        del outer, inner, ranked
        # Strictly rising within each employee: in order, and no score given twice.
        if emp[0] == last_emp and within[0] <= last_within:
            return None
        changes = emp[1:] != emp[:-1]
        if np.any((within[1:] <= within[:-1]) & ~changes):
            return None
        heads.append(np.flatnonzero(changes) + (lo + 1))
        if emp[0] != last_emp:
            heads.append(np.array([lo]))
        last_within, last_emp = int(within[-1]), int(emp[-1])
        ranks[lo:hi] = within
        del within, changes
        pair = emp.astype(np.intp)
        pair *= roles
        pair += rater
        cell = pair * k_count
        cell += comp
        rated[cell] = True
        del cell
        if r_ids is None:
            continue
        ids = r_ids[lo:hi]
        # The usual rater id: that of the employee's first row by the role (the first
        # of each run; reversed, the first of the runs assigned last wins).
        runs = np.r_[0, np.flatnonzero(pair[1:] != pair[:-1]) + 1]
        at = runs[usual[pair[runs]] == -2][::-1]
        usual[pair[at]] = ids[at]
        # Each row's usual id, looked up once a run and repeated along it.
        expected = np.repeat(usual[pair[runs]], np.diff(np.r_[runs, len(pair)]))
        differ = np.flatnonzero(ids != expected)
        del expected
        for i in range(roles):
            taken = differ[rater[differ] == i]
            if len(taken):
                other[i].append((emp[taken], cyc[taken], comp[taken], ids[taken]))
    starts = np.sort(np.concatenate(heads)) if heads else np.zeros(0, np.intp)
    run_emp = r_emp[starts]
    if np.bincount(run_emp, minlength=n).max() > 1:
        return None  # someone's rows are in more than one place
    by_role = rated.reshape(n, roles, k_count)
    present = [i for i in range(roles) if by_role[:, i, :].any()]
    pairs = _Blocks.pairs_for(np.dtype(dtype), unrated, scores)
    codes = np.arange(n, dtype=np.int32)
    # Each block's place in one buffer of units (a score, or a nibble when two share a
    # byte), each (member, cycle) a row of ``width`` units.
    layouts: dict[int, tuple[Any, ...]] = {}
    widths: list[int] = []
    bases: list[int] = []
    units = 0
    # Each (employee, role)'s first unit, times 2**22, plus its block's first entry in
    # the table below: one lookup for both.
    where = np.zeros(n * roles, np.int64)
    for i in present:
        parts = _Blocks.parts(np.ascontiguousarray(by_role[:, i, :]), codes, home)
        layout = _Blocks.layout(parts, codes, n, k_count)
        layouts[i] = layout
        for comps, members in zip(layout[2], layout[3], strict=True):
            width = len(comps) if pairs is None else 2 * ((len(comps) + 1) // 2)
            row = count * width
            first_units = units + row * np.arange(len(members), dtype=np.int64)
            where[members.astype(np.int64) * roles + i] = (first_units << 22) + len(widths) * span
            widths.append(width)
            bases.append(units)
            units += row * len(members)
    del rated, by_role
    if len(widths) * span > _PLACES or units >= 2**40:
        return None  # too many blocks, cycles or competencies for the table: dense cubes
    # Each block's unit of each rank within an employee's rows: the cycle's row, then
    # the competency's place in the block (the role's is the block's own).
    every = np.arange(span).reshape(max(count, 1), max(n_outer, 1), max(n_inner, 1))
    rank_comp = every % n_inner if nesting == "rater" else every // n_inner % n_outer
    rank_cycle = every // (n_outer * n_inner)
    places = np.zeros(len(widths) * span, np.int64)
    at_block = 0
    for i in present:
        position = layouts[i][1]
        for index in range(len(layouts[i][2])):
            place = position[index][rank_comp].astype(np.int64)
            place += rank_cycle * widths[at_block]
            places[at_block * span : (at_block + 1) * span] = place.reshape(-1)
            at_block += 1
    buffer = np.zeros(units, np.uint8) if pairs is not None else np.full(units, unrated, dtype)
    below = np.array(scores[0] - 1).astype(np.uint8)
    for lo in range(0, total, _STEP):
        hi = min(lo + _STEP, total)
        pair = r_emp[lo:hi].astype(np.intp)
        pair *= roles
        pair += r_rater[lo:hi]
        both = where[pair]
        del pair
        entry = both & (2**22 - 1)
        entry += ranks[lo:hi]
        unit = places[entry]
        del entry
        both >>= 22
        unit += both
        del both
        score = r_score[lo:hi]
        if pairs is not None:
            # Each score's difference from the one below the lowest, 1 to 15, wrapping
            # around in 8 bits exactly where a wider type would not.
            nibble = score.astype(np.uint8)
            nibble -= below
            buffer[unit] = nibble
        else:
            buffer[unit] = score
    del where, places, ranks
    if pairs is not None:
        # Two nibbles, as one little-endian 16-bit number ``low + 256 * high``, to
        # one byte ``low + 16 * high``.
        both_units = buffer.view("<u2")
        packed = both_units >> 4
        packed |= both_units
        buffer = packed.astype(np.uint8)
        del both_units, packed
    reviewed = np.zeros((n, count), bool)
    blocks: dict[Rater, _Blocks] = {}
    usual_ids: dict[Rater, np.ndarray] = {}
    other_ids: dict[Rater, dict[str, np.ndarray]] = {}
    at_block = 0
    for i in present:
        block, position, competencies, members = layouts[i]
        held = []
        for index in range(len(members)):
            width = widths[at_block] // (1 if pairs is None else 2)
            base = bases[at_block] // (1 if pairs is None else 2)
            reviews = len(members[index]) * count
            rows = buffer[base : base + reviews * width].reshape(reviews, width)
            held.append(rows.reshape(len(members[index]), count, width))
            # A review with any score by anyone: a cell of none holds 0 (packed) or
            # the type's minimum.
            given = _nonzero_rows(rows, 0 if pairs is not None else unrated)
            reviewed[members[index]] |= given.reshape(len(members[index]), count)
            at_block += 1
        rater_i = RATERS[i]
        blocks[rater_i] = _Blocks(
            block, competencies, members, position, held, np.dtype(dtype), pairs
        )
        if r_ids is not None:
            ids_i = usual[i::roles].copy()
            ids_i[ids_i == -2] = -1
            usual_ids[rater_i] = ids_i
            parts_i = other[i]
            other_ids[rater_i] = {
                name: np.concatenate([p[j] for p in parts_i]).astype(np.int32)
                if parts_i
                else np.zeros(0, np.int32)
                for j, name in enumerate(("employee", "cycle", "competency", "rater_id"))
            }
    first_rows = np.zeros(n, np.int32)
    first_rows[run_emp] = starts
    return _Scores(
        (nesting, comp_rank, rater_rank),
        {},
        {},
        usual_ids,
        other_ids,
        reviewed,
        first_rows,
        blocks=blocks,
    )


def _codes_for(count: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type for codes into ``count`` ids, and -1."""
    return np.int16 if count < 2**15 else np.int32


def _topological(before: np.ndarray, after: np.ndarray, count: int) -> np.ndarray | None:
    """Each of ``count`` items' rank in an order where every ``before`` precedes its ``after``.

    None when no order can: a pair of equal items, or a cycle. Among items free at once,
    the smaller code goes first.
    """
    edges = np.zeros(count * count, bool)
    edges[before.astype(np.int64) * count + after] = True
    graph = edges.reshape(count, count)
    if graph.diagonal().any():
        return None
    waiting = graph.sum(axis=0)
    rank = np.full(count, -1, _codes_for(count))
    for place in range(count):
        free = np.flatnonzero((waiting == 0) & (rank < 0))
        if not len(free):
            return None
        item = int(free[0])
        rank[item] = place
        waiting = waiting - graph[item]
    return rank


def _learn_order(  # noqa: PLR0917 - the rows' columns
    emp: np.ndarray,
    cycle: np.ndarray,
    competency: np.ndarray,
    rater: np.ndarray,
    competencies: int,
    raters: int,
) -> tuple[str, np.ndarray, np.ndarray]:
    """How the rows of a review follow one another: ``(nesting, competency rank, rater rank)``.

    ``nesting`` says which comes first within a review: ``"rater"`` (all of one rater's
    scores, then the next rater's) or ``"competency"``. The ranks order competencies and
    raters as the rows do. Without a consistent order, the codes' own order.
    """
    same = (emp[1:] == emp[:-1]) & (cycle[1:] == cycle[:-1])
    for nesting in ("rater", "competency"):
        outer, inner = (rater, competency) if nesting == "rater" else (competency, rater)
        n_outer, n_inner = (raters, competencies) if nesting == "rater" else (competencies, raters)
        steady = outer[1:] == outer[:-1]
        change = same & ~steady
        stay = same & steady
        outer_rank = _topological(outer[:-1][change], outer[1:][change], n_outer)
        inner_rank = _topological(inner[:-1][stay], inner[1:][stay], n_inner)
        if outer_rank is not None and inner_rank is not None:
            if nesting == "rater":
                return nesting, inner_rank, outer_rank
            return nesting, outer_rank, inner_rank
    return "rater", np.arange(competencies, dtype=np.int16), np.arange(raters, dtype=np.int16)


def _scores(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Scores as int64 and whether each is a whole number of at most 9 digits."""
    if pa.types.is_integer(column.type):
        if column.null_count:
            values = column.fill_null(0).to_numpy()
            ok = ~column.is_null().to_numpy(zero_copy_only=False)
        else:
            values = column.to_numpy()
            ok = np.ones(len(values), bool)
        if values.dtype.itemsize >= 4 or values.dtype.kind == "u":
            values = values.astype(np.int64)
            ok &= np.abs(values) < 10**MAX_SCORE_DIGITS
        return values, ok
    codes, texts = _encode(column)
    parsed = np.zeros(len(texts) + 1, np.int64)
    valid = np.zeros(len(texts) + 1, bool)
    for index, text in enumerate(texts):
        assert text is not None
        digits = text.lstrip("-")
        if digits.isascii() and digits.isdigit() and len(digits) <= MAX_SCORE_DIGITS:
            parsed[index] = int(text)
            valid[index] = True
    return parsed[codes], valid[codes]


def _sorted(rows: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """``rows`` sorted by ``keys`` (the first the most significant), then by themselves.

    Exports write rows already in that order: checking it is a few passes, where
    sorting is many.
    """
    columns = [key[rows] for key in keys]
    if len(rows) > 1:
        settled = np.zeros(len(rows) - 1, bool)
        ordered = np.ones(len(rows) - 1, bool)
        for column in (*columns, rows):
            before, after = column[:-1], column[1:]
            ordered &= settled | (before <= after)
            settled |= before < after
        if ordered.all():
            return rows
    return rows[np.lexsort((rows, *reversed(columns)))]


def _report_empty(
    rows: _Rows, table: pa.Table, name: str, codes: np.ndarray, emp: np.ndarray
) -> np.ndarray:
    empty = codes < 0
    for row in np.flatnonzero(empty):
        rows.add(
            int(emp[row]),
            int(row),
            name,
            f"empty {name}",
            f"a value for {name}",
            _raw(table.column(name), int(row)),
        )
    return empty


def _report_cycles(
    rows: _Rows, table: pa.Table, emp: np.ndarray, cadence: np.ndarray, name: str = "cycle"
) -> np.ndarray:
    """Report each row whose ``name`` is no cycle a history may name; True for those rows.

    ``cadence`` holds `_Cycles.codes`' marks: -2 empty, -1 not a cycle, -3 out of range.
    """
    problems = {
        -1: ("not a review cycle", CYCLE_EXPECTED),
        -3: ("cycle out of range", YEARS_EXPECTED),
    }
    for row in np.flatnonzero(cadence == -2):
        rows.add(int(emp[row]), int(row), name, f"empty {name}", f"a value for {name}", "")
    for mark, (message, expected) in problems.items():
        for row in np.flatnonzero(cadence == mark):
            rows.add(
                int(emp[row]), int(row), name, message, expected, _raw(table.column(name), int(row))
            )
    return cadence < 0


def _events(  # noqa: PLR0917 - the columns read so far
    events: pa.Table | None,
    rows: _Rows,
    emp: np.ndarray,
    cycle: np.ndarray,
    cadence: np.ndarray,
    cadence_index: int,
    order: _Employees,
    foreign: Any,
    unplaced: np.ndarray,
) -> dict[str, Any]:
    """The events' arrays, sorted by employee and cycle; problems reported to ``rows``."""
    count = 0 if events is None else events.num_rows
    if events is None or not count:
        return {
            "employee": np.zeros(0, np.int32),
            "cycle": np.zeros(0, np.int32),
            "kind": np.zeros(0, np.int8),
            "name": np.zeros(0, np.int8),
            "value": np.zeros(0, np.int8),
            "row": np.zeros(0, np.int32),
            "note": pa.array([], pa.string()),
            "_names": (),
            "_values": (np.zeros(1, np.int64), np.zeros(1, np.int64)),
        }
    bad = _report_empty(rows, events, "employee_id", emp, emp)
    bad |= unplaced
    bad |= _report_cycles(rows, events, emp, cadence)
    kind_codes, kind_texts = _encode(events.column("event"))
    kind_map = np.array(
        [EVENT_KINDS.index(t) if t in EVENT_KINDS else -1 for t in kind_texts] + [-1], np.int8
    )
    kind = kind_map[kind_codes]
    for row in np.flatnonzero(kind < 0):
        rows.add(
            int(emp[row]),
            int(row),
            "event",
            "unknown event",
            one_of(EVENT_KINDS),
            _raw(events.column("event"), int(row)),
        )
    bad |= kind < 0
    columns = events.column_names

    def text_column(name: str) -> tuple[np.ndarray, list[str]]:
        if name in columns:
            return _encode(events.column(name))
        return np.full(count, -1, np.int32), []

    req_codes, req_texts = text_column("requirement")
    value_codes, value_texts = text_column("value")
    note = (
        events.column("note").cast(pa.string()).combine_chunks()
        if "note" in columns
        else pa.array([""] * count, pa.string())
    )
    note_given = (
        pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(note), ""), False)
        .to_numpy(zero_copy_only=False)
        .astype(bool)
    )
    # Values, each distinct text parsed once, as the CSV loader reads them.
    parsed: list[tuple[bool, Fraction | None, str]] = []
    for text in value_texts:
        assert text is not None
        problem = "not a number"
        if _VALUE.match(text) is not None:
            try:
                parsed.append((True, to_fraction(text), ""))
                continue
            except OutOfRange:
                problem = "number out of bounds"
            except (ValueError, ArithmeticError):
                pass
        parsed.append((False, None, problem))
    parsed.append((True, None, ""))
    value_ok = np.array([p[0] for p in parsed], bool)[value_codes]
    names: dict[str, int] = {}
    name_of = np.full(len(req_texts) + 1, -1, np.int32)
    for index, text in enumerate(req_texts):
        assert text is not None
        name_of[index] = names.setdefault(text, len(names))
    name = name_of[req_codes]
    evidence = kind == EVENT_KINDS.index("evidence")
    approval = kind == EVENT_KINDS.index("approval")
    flags = (kind == EVENT_KINDS.index("endorsement")) | (kind == EVENT_KINDS.index("calibration"))
    # Rows are looked at one by one only where a cell is given that the kind takes not.
    has_value = value_codes >= 0
    for row in np.flatnonzero(flags & ((req_codes >= 0) | has_value | note_given)):
        given = [
            n
            for n, present in (
                ("requirement", req_codes[row] >= 0),
                ("value", value_codes[row] >= 0),
                ("note", note_given[row]),
            )
            if present
        ]
        if given:
            event = EVENT_KINDS[int(kind[row])]
            rows.add(
                int(emp[row]),
                int(row),
                given[0],
                f"an {event} row takes no {', '.join(given)}",
                "those cells empty (they belong to evidence rows)",
                _raw(events.column(given[0]), int(row)),
            )
            bad[row] = True
    for row in np.flatnonzero(evidence & (req_codes < 0)):
        rows.add(
            int(emp[row]),
            int(row),
            "requirement" if "requirement" in columns else None,
            "an evidence row needs a requirement",
            "the id of a scope evidence requirement",
        )
        bad[row] = True
    for row in np.flatnonzero(evidence & ~value_ok):
        rows.add(
            int(emp[row]),
            int(row),
            "value",
            parsed[int(value_codes[row])][2],
            f"a number such as 3, 2.5 or 7/2: {NUMBER_LIMIT}",
            _raw(events.column("value"), int(row)),
        )
        bad[row] = True
    # The steps' texts checked once each; rows one by one only where something is wrong.
    step_ok = np.array(
        [t is not None and ID_PATTERN.match(t) is not None for t in req_texts] + [False], bool
    )
    wrong = ~step_ok[req_codes] | has_value | note_given
    for row in np.flatnonzero(approval & wrong):
        step = req_texts[int(req_codes[row])] if req_codes[row] >= 0 else ""
        given = [
            n
            for n, present in (("value", value_codes[row] >= 0), ("note", note_given[row]))
            if present
        ]
        if not step:
            rows.add(
                int(emp[row]),
                int(row),
                "requirement" if "requirement" in columns else None,
                "an approval row needs a requirement",
                "the approval step's id",
            )
        elif not ID_PATTERN.match(step):
            rows.add(int(emp[row]), int(row), "requirement", "invalid id", ID_EXPECTED, step)
        elif given:
            rows.add(
                int(emp[row]),
                int(row),
                given[0],
                f"an approval row takes no {', '.join(given)}",
                "those cells empty (they belong to evidence rows)",
                _raw(events.column(given[0]), int(row)),
            )
        else:
            continue
        bad[row] = True
    bad |= foreign(rows, emp, cadence, "cycle", events.column("cycle"))
    keep = np.flatnonzero(~bad)
    keep = _sorted(keep, emp, cycle)
    # An approval step recorded twice in one cycle.
    ap = keep[approval[keep]]
    ap = ap[np.lexsort((ap, name[ap], cycle[ap], emp[ap]))]
    twice = ap[1:][
        (emp[ap][1:] == emp[ap][:-1])
        & (cycle[ap][1:] == cycle[ap][:-1])
        & (name[ap][1:] == name[ap][:-1])
    ]
    for row in twice:
        step = req_texts[int(req_codes[row])]
        rows.add(
            int(emp[row]),
            int(row),
            "requirement",
            f"approval step {step!r} is recorded twice in this cycle",
            "one approval row per employee, cycle and step",
            step,
        )
    keep = np.setdiff1d(keep, twice, assume_unique=True)
    keep = _sorted(keep, emp, cycle)
    # Each distinct value's parts once; a row takes its value's (evidence rows only).
    parts = [(0, 0) if p[1] is None else (p[1].numerator, p[1].denominator) for p in parsed]
    taken = np.where(evidence[keep], value_codes[keep], -1)
    used = {int(i) % len(parts) for i in np.unique(taken)}
    # Values of refused rows only are not stored: they need not fit.
    parts = [part if i in used else (0, 0) for i, part in enumerate(parts)]
    big = any(abs(n) >= _SMALL or d >= _SMALL for n, d in parts)
    kind_of: Any = object if big else np.int32
    # Notes repeat (templates, empty cells): each text once, by the smallest codes.
    notes = pc.dictionary_encode(note.take(pa.array(keep, pa.int64())).fill_null(""))
    index_type = pa.from_numpy_dtype(_small_codes(len(notes.dictionary)))
    return {
        "employee": emp[keep].astype(np.int32),
        "cycle": cycle[keep].astype(np.int32),
        "kind": kind[keep],
        "name": np.where(evidence[keep] | approval[keep], name[keep], -1).astype(
            _small_codes(len(names))
        ),
        # Each row's value as a code into the distinct values' parts (-1: the last, none).
        "value": taken.astype(_small_codes(len(parts))),
        "row": keep.astype(np.int32),
        "note": pa.DictionaryArray.from_arrays(notes.indices.cast(index_type), notes.dictionary),
        "_names": tuple(names),
        "_values": tuple(np.array([p[i] for p in parts], kind_of) for i in (0, 1)),
    }
