"""What an import did: the framework, and a report of what was mapped, assumed and left out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._formats._documents import locate, parse, read_text
from .._model import Framework
from ..exceptions import InvalidInput, Problem, Segment, render_path

__all__ = ["ImportReport", "Imported", "Note"]


@attrs.frozen(kw_only=True)
class Note:
    """One line of an import report: where in the source it applies, and what happened."""

    #: A path into the source document, such as ``$.competencies[3]``; ``$`` for all of it.
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _notes(items: Iterable[Note]) -> PVector[Note]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class ImportReport:
    """What an importer did with a source, so that nothing is changed silently.

    ``mapped`` says what became what; ``assumed`` the choices made where the source is
    silent (check them); ``left_out`` what was not imported and why; ``to_supply`` what
    the framework still needs from its owners, such as promotion criteria.
    """

    source: str
    #: The format read: ``ft``, ``ft-legacy`` or ``monzo``.
    format: str
    mapped: PVector[Note] = attrs.field(converter=_notes, factory=pvector)
    assumed: PVector[Note] = attrs.field(converter=_notes, factory=pvector)
    left_out: PVector[Note] = attrs.field(converter=_notes, factory=pvector)
    to_supply: PVector[Note] = attrs.field(converter=_notes, factory=pvector)

    def text(self) -> str:
        """The report for people: one section per kind of note, one note a line."""
        lines = [f"Imported {self.source} ({_FORMAT_NAMES[self.format]})."]
        for title, notes in (
            ("Mapped", self.mapped),
            ("Assumed where the source is silent (check these)", self.assumed),
            ("Left out", self.left_out),
            ("To supply", self.to_supply),
        ):
            if notes:
                lines.append(f"{title}:")
                lines.extend(f"  - {note}" for note in notes)
        return "\n".join(lines)


_FORMAT_NAMES = {
    "ft": "FT engineering-progression job family",
    "ft-legacy": "FT engineering-progression job family, legacy format",
    "monzo": "Monzo progression-framework page",
}


@attrs.frozen(kw_only=True)
class Imported:
    """An imported framework and the report of how it was made."""

    framework: Framework
    report: ImportReport


class Reader:
    """Collects format problems and report notes while a source is read."""

    def __init__(self, source: str, fmt: str) -> None:
        self.source = source
        self.format = fmt
        self.problems: list[Problem] = []
        self.mapped: list[Note] = []
        self.assumed: list[Note] = []
        self.left_out: list[Note] = []
        self.to_supply: list[Note] = []

    def problem(self, at: Sequence[Segment], message: str, expected: str | None = None) -> None:
        """Record a place where the source does not match its format."""
        text = message if expected is None else f"{message}: expected {expected}"
        self.problems.append(
            Problem(segments=tuple(at), message=text, expected=expected, source=self.source)
        )

    def note(self, kind: list[Note], at: Sequence[Segment], message: str) -> None:
        """Add a note to one section of the report."""
        kind.append(Note(where=render_path(tuple(at)), message=message))

    def raise_if_any(self, text: str, line_offset: int = 0) -> None:
        """Raise `InvalidInput` with every problem, placed in ``text`` where possible."""
        if not self.problems:
            return
        found = locate(text, "yaml", self.problems)
        raise InvalidInput(
            attrs.evolve(p, line=None if p.line is None else p.line + line_offset) for p in found
        )

    def report(self) -> ImportReport:
        """The report of everything noted."""
        return ImportReport(
            source=self.source,
            format=self.format,
            mapped=self.mapped,
            assumed=self.assumed,
            left_out=self.left_out,
            to_supply=self.to_supply,
        )


def read_yaml(text: str, source: str) -> object:
    """Plain data from YAML text, as safe as frameworks are read; `InvalidInput` if malformed."""
    return parse(text, "yaml", source=source, error=InvalidInput)


def read_source(path: Path | str) -> str:
    """A source file's text; `UnreadableInput` if missing, too large or not UTF-8."""
    return read_text(path)


def slug(text: str, fallback: str) -> str:
    """An id made from ``text``: lower case, runs of other characters as ``-``."""
    made = re.sub(r"[^a-z0-9_.]+", "-", text.lower()).strip("-._")
    return made or fallback


def words(text: str) -> str:
    """Text with its runs of white space (line breaks of YAML blocks) as single spaces."""
    return " ".join(text.split())


def longest_run(order: Sequence[str], present: Iterable[str]) -> tuple[list[str], list[str]]:
    """The longest run of consecutive ``order`` entries that are ``present``, and the rest.

    A competency covers consecutive levels; where a source leaves a gap, the longest
    run (the highest of equals) is kept and the levels outside it are returned.
    """
    have = set(present)
    runs: list[list[str]] = []
    current: list[str] = []
    for item in order:
        if item in have:
            current.append(item)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs:
        return [], []
    best = max(reversed(runs), key=len)
    return best, [item for item in order if item in have and item not in best]
