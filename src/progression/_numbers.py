"""Exact numbers: how thresholds and scores are read, and the one way they are written."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

__all__ = ["Number", "format_number", "to_fraction"]

Number: TypeAlias = Fraction | Decimal | int | float | str


def to_fraction(value: Number) -> Fraction:
    """Exact value of a threshold: ``3.5``, ``"3.5"``, ``"7/2"`` and ``Fraction(7, 2)`` agree.

    Floats are taken by their shortest repr (what the file said), never by their binary
    value, so ``3.5`` and ``0.1`` mean exactly what was written.
    """
    if isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        return Fraction(repr(value))
    if isinstance(value, Fraction | Decimal | int):
        result = Fraction(value)
    else:
        result = Fraction(value.strip())
    return result


def format_number(value: Fraction) -> str:
    """``3.5`` for 7/2, ``3`` for 3/1, ``10/3`` where no finite decimal exists."""
    if value.denominator == 1:
        return str(value.numerator)
    text = str(Decimal(value.numerator) / Decimal(value.denominator))
    return text if Fraction(text) == value else f"{value.numerator}/{value.denominator}"
