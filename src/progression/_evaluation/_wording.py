"""Shared phrasing of verdicts for people: numbers, periods, lists and the plan sentence.

Each criterion kind words its own results (in `._kinds`); what they share is here, so
that every message shows numbers, spans of cycles and lists the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .._history import Cycle
from .._model import Cadence
from .._numbers import show_number

__all__ = ["and_list", "period", "plan_sentence", "show", "span"]


def show(value: bool | int | Fraction | None) -> str:
    """An observed value for people: numbers by `show_number` (``3.44``), others as text."""
    if isinstance(value, bool) or value is None:
        return str(value)
    return show_number(value)


#: What one cycle of each cadence is called.
_CYCLE_WORDS = {
    Cadence.QUARTERLY: "quarter",
    Cadence.HALF_YEARLY: "half-year",
    Cadence.ANNUAL: "year",
}


def period(cadence: Cadence, count: int) -> str:
    """``2 quarters``, ``1 half-year``, ``3 years``."""
    return f"{count} {_CYCLE_WORDS[cadence]}{'s' if count != 1 else ''}"


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def span(cycles: Sequence[Cycle]) -> str:
    """``2026-Q2..2026-Q3`` for several cycles, the cycle itself for one."""
    if len(cycles) > 1:
        return f"{cycles[0]}..{cycles[-1]}"
    return str(cycles[0]) if cycles else ""


def plan_sentence(
    *, raises: Sequence[str], achievable: bool, keep: str, period: str, others: Sequence[str]
) -> str:
    """The plan in one sentence: what to raise, what to keep up and for how long, the rest."""
    parts = []
    if not achievable:
        parts.append("The score criteria cannot be met on this scale")
    elif raises:
        parts.append("Raise " + and_list(raises))
    if achievable and keep:
        parts.append(f"keep {keep} for {period}")
    text = " and ".join(parts)
    if others:
        text += ("; also: " if text else "") + "; ".join(others)
    return (text[:1].upper() + text[1:] + ".") if text else "Nothing more is needed."
