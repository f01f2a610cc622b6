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
value and what was expected.
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
    "ProgressionError",
    "UnreadableInput",
    "render_path",
]

Segment = str | int
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def render_path(segments: Iterable[Segment]) -> str:
    """Render path segments as ``$.a[0].b``; keys that are not plain names are quoted."""
    out = ["$"]
    for segment in segments:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif _IDENTIFIER.match(segment):
            out.append(f".{segment}")
        else:
            out.append(f"[{segment!r}]")
    return "".join(out)


@attrs.frozen(kw_only=True)
class Problem:
    """One fault in some input: where it is, what is wrong, what was expected."""

    segments: tuple[Segment, ...] = ()
    message: str
    expected: str | None = None
    got: str | None = None
    source: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def path(self) -> str:
        """The JSONPath-like location, such as ``$.tracks[1].levels[3].id``."""
        return render_path(self.segments)

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
        where = ""
        if self.source is not None:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.path}: {self.message}"


class ProgressionError(Exception):
    """Base class of every exception progression raises on purpose."""


class InvalidInput(ProgressionError, ValueError):
    """Input breaks one or more rules; `problems` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


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
    - ``no_policy``: a route leads there, but no policy covers the move.
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
