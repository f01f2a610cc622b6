"""Collecting invariant violations as `Problem`s, so that all of them are reported at once."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from fractions import Fraction

from ._numbers import format_number
from .exceptions import MAX_SHOWN, InvalidInput, Problem, Segment

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
ID_EXPECTED = "an id: a letter or digit, then letters, digits, '_', '-' or '.'"


def show(value: object, limit: int = MAX_SHOWN) -> str:
    """A bad value for messages, spelt as in the file; long values are cut, not dumped.

    Numbers are cut too: a threshold of ``"1e400"`` is read before it is refused, and
    its 401 digits would otherwise fill the message.
    """
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    text = _spell(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _spell(value: object) -> str:
    # Python refuses to spell integers of more than a few thousand digits, and a
    # message has no use for them: their size is what matters.
    parts = (value.numerator, value.denominator) if isinstance(value, Fraction) else (value,)
    if any(isinstance(part, int) and part.bit_length() > _SPELT_BITS for part in parts):
        bits = max(part.bit_length() for part in parts if isinstance(part, int))
        return f"a number of about {int(bits * math.log10(2))} digits"
    return format_number(value) if isinstance(value, Fraction) else repr(value)


#: Integers up to about 300 digits are spelt out in messages (and then cut).
_SPELT_BITS = 1000


def article(word: str) -> str:
    """``an IC track``, ``a management track``."""
    return ("an " if word[:1].lower() in "aeiou" or word.isupper() else "a ") + word


def one_of(choices: Iterable[object]) -> str:
    """``'a', 'b' or 'c'`` for messages; long lists are cut."""
    items = [repr(c) for c in choices]
    if not items:
        return "nothing (none are defined)"
    if len(items) > 12:
        items = [*items[:12], f"... ({len(items) - 12} more)"]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


class Checker:
    """Accumulates problems under a path prefix; raises them together."""

    def __init__(self, prefix: tuple[Segment, ...] = ()) -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(
        self,
        segments: tuple[Segment, ...],
        message: str,
        *,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        """Record a problem; ``got``, the bad value, is shown when it is not None."""
        shown = None if got is None else show(got)
        if expected is not None and shown is not None:
            message = f"{message}: expected {expected}, got {shown}"
        elif expected is not None:
            message = f"{message}: expected {expected}"
        self.problems.append(
            Problem(segments=self.prefix + segments, message=message, expected=expected, got=shown)
        )

    def check_id(self, segments: tuple[Segment, ...], value: str) -> None:
        """Ids appear in paths, CSV files and URLs, so keep them plain."""
        if not ID_PATTERN.match(value):
            self.add(segments, "invalid id", expected=ID_EXPECTED, got=value)

    def check_unique(self, base: tuple[Segment, ...], field: str, values: Iterable[str]) -> None:
        """Report every repeat of a value of ``field`` in the list at ``base``."""
        seen: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in seen:
                self.add(
                    (*base, index, field),
                    f"duplicate {field} {value!r}, already used at index {seen[value]}",
                )
            else:
                seen[value] = index

    def check_unique_values(self, base: tuple[Segment, ...], values: Iterable[str]) -> None:
        """Report every repeat in the list of plain values at ``base``."""
        seen: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in seen:
                self.add(
                    (*base, index), f"{value!r} is listed twice (first at index {seen[value]})"
                )
            seen.setdefault(value, index)

    def raise_if_any(self, error: type[InvalidInput]) -> None:
        """Raise ``error`` with every problem found, if there is any."""
        if self.problems:
            raise error(self.problems)
