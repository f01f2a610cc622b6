"""Exceptions raised by progression, and the problems they carry.

Every exception the library raises on purpose derives from `ProgressionError`::

    ProgressionError
    ├── InvalidInput (also a ValueError): data that breaks a rule; carries every problem
    │   ├── InvalidFramework: a framework file or value
    │   └── InvalidHistory: a rating history file or value
    ├── UnreadableInput (also an OSError): a file that cannot be read at all
    └── EvaluationError (also a ValueError): a valid framework and history that cannot
        be evaluated together; carries a stable `code` and the `employee`

An `InvalidInput` never stops at the first fault: `problems` lists each one with the
path of the element it is about (``$.job_families[0].tracks[1].levels[3].id``), the bad
value and what was expected. `str()` of the error shows a mistake repeated in many places
once, with its count and first places (`InvalidInput.groups`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

__all__ = [
    "EvaluationError",
    "InvalidFramework",
    "InvalidHistory",
    "InvalidInput",
    "Problem",
    "ProblemGroup",
    "ProgressionError",
    "UnreadableInput",
    "group_problems",
    "render_path",
]

Segment = str | int
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
#: Longest `Problem.got`: a bad value is quoted to be recognised, not reproduced.
MAX_SHOWN = 80


def render_path(segments: Iterable[object]) -> str:
    """Render path segments as ``$.a[0].b``; keys that are not plain names are quoted.

    Segments are usually strings and list indexes, but a YAML mapping may have keys of
    any scalar type (``{null: 4}``, ``{2.5: x}``); those are spelt as YAML spells them.
    """
    out = ["$"]
    for segment in segments:
        if segment is None or isinstance(segment, bool):
            out.append(f"[{_SCALARS[segment]}]")
        elif isinstance(segment, int):
            out.append(f"[{segment}]")
        elif isinstance(segment, str) and _IDENTIFIER.match(segment):
            out.append(f".{segment}")
        else:
            out.append(f"[{_cut(repr(segment))}]")
    return "".join(out)


_SCALARS = {None: "null", True: "true", False: "false"}


def _cut(text: str | None, limit: int = MAX_SHOWN) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def _cut_got(text: str | None) -> str | None:
    return _cut(text)


@attrs.frozen(kw_only=True)
class Problem:
    """One fault in some input: where it is, what is wrong, what was expected."""

    segments: tuple[Segment, ...] = ()
    message: str
    expected: str | None = None
    #: Cut at `MAX_SHOWN` characters, however it was built.
    got: str | None = attrs.field(default=None, converter=_cut_got)
    source: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def path(self) -> str:
        """The JSONPath-like location, such as ``$.tracks[1].levels[3].id``."""
        return render_path(self.segments)

    @property
    def location(self) -> str:
        """``source:line:column: path``, leaving out what is not known."""
        where = ""
        if self.source is not None:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.path

    def to_dict(self) -> dict[str, object]:
        """The problem as plain data, for ``--format json`` and services."""
        return {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "expected": self.expected,
            "got": self.got,
        }

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


#: How many places a repeated problem lists before it counts the rest.
GROUP_SHOWN = 3


@attrs.frozen
class ProblemGroup:
    """One mistake repeated: problems with the same message in different places."""

    #: Every problem of the group, in the order found.
    problems: tuple[Problem, ...]

    @property
    def message(self) -> str:
        """What is wrong, the same for every problem of the group."""
        return self.problems[0].message

    @property
    def count(self) -> int:
        """How many times the mistake was found."""
        return len(self.problems)

    def lines(self, shown: int = GROUP_SHOWN) -> list[str]:
        """The lines of `text`, each built from one message or place."""
        if self.count == 1:
            return [str(self.problems[0])]
        lines = [f"{self.message} ({self.count} times):"]
        lines.extend(f"  {p.location}" for p in self.problems[:shown])
        if self.count > shown:
            lines.append(f"  and {self.count - shown} more")
        return lines

    def text(self, shown: int = GROUP_SHOWN) -> str:
        """The problem itself if it occurs once; else the message, count and first places."""
        return "\n".join(self.lines(shown))

    def __str__(self) -> str:
        return self.text()


def group_problems(problems: Iterable[Problem]) -> tuple[ProblemGroup, ...]:
    """Problems grouped by what they say (message, expected, got), first found first.

    A typo repeated in 17,000 rows is one group of 17,000 problems: people read it once,
    with its first places, while every problem stays in the group.
    """
    found: dict[tuple[str, str | None, str | None], list[Problem]] = {}
    for problem in problems:
        found.setdefault((problem.message, problem.expected, problem.got), []).append(problem)
    return tuple(ProblemGroup(tuple(group)) for group in found.values())


class ProgressionError(Exception):
    """Base class of every exception progression raises on purpose."""


class InvalidInput(ProgressionError, ValueError):
    """Input breaks one or more rules; `problems` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.problems)

    def groups(self) -> tuple[ProblemGroup, ...]:
        """The problems grouped by what they say; see `group_problems`."""
        return group_problems(self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        lines = ["  " + line for group in self.groups() for line in group.lines()]
        return head + ":\n" + "\n".join(lines)


class InvalidFramework(InvalidInput):
    """A framework (file or value) breaks the file format or an invariant."""


class InvalidHistory(InvalidInput):
    """A rating history (file or value) breaks the format or refers to unknown things."""


class UnreadableInput(ProgressionError, OSError):
    """A file that cannot be read at all: missing, too large, not text, unknown format."""


class EvaluationError(ProgressionError, ValueError):
    """A framework and a history that are each valid but cannot be evaluated together.

    Also a `ValueError`, like every complaint about the arguments of a call. ``code``
    says why, from a closed set (`CODES`), so that a service can answer per employee;
    ``employee`` names whose history it is (None when the error is not about one), and
    ``message`` is the sentence for people (also ``str(error)``):

    - ``no_cycle``: no ``as_of`` was given and the history mentions no cycle at all;
    - ``bad_cycle``: ``as_of`` is not a review cycle, or is one of the other cadence;
    - ``no_level``: no level assignment on or before ``as_of``, and no target that can
      be checked without one;
    - ``no_next_level``: the current level is the top of its track and no target was
      given;
    - ``ambiguous_target``: no target was given and the history's track has not chosen
      among the branches that start at the current level (the message names each);
    - ``no_route``: no promotion, crossover, way back or lateral path leads to the target;
    - ``no_policy``: a route leads there, but no policy covers the move;
    - ``long_span``: a timeline was asked for a history that spans more cycles than
      a timeline covers (400).
    """

    CODES: ClassVar[frozenset[str]] = frozenset(
        {
            "no_cycle",
            "bad_cycle",
            "no_level",
            "no_next_level",
            "ambiguous_target",
            "no_route",
            "no_policy",
            "long_span",
        }
    )

    def __init__(self, message: str, *, code: str, employee: str | None = None) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown evaluation error code {code!r}")
        super().__init__(message)
        self.message = message
        self.code = code
        self.employee = employee

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are not in `args`: rebuild from all three, so that
        # errors survive pickling (process pools, task queues).
        return _evaluation_error, (self.message, self.code, self.employee)


def _evaluation_error(message: str, code: str, employee: str | None) -> EvaluationError:
    return EvaluationError(message, code=code, employee=employee)
