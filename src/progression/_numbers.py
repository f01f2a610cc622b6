"""Exact numbers: how thresholds and scores are read, and the ways they are written.

Two spellings of one number, for two readers: `format_number` writes the exact value
(``3.5``, ``31/9``), as files and JSON keep it; `show_number` writes what people read
in messages, tables and text output (``3.5``, ``3.44``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

__all__ = ["Number", "format_number", "show_number", "to_fraction"]

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


def show_number(value: Fraction | int) -> str:
    """A number as people read it: ``4`` for 4, ``3.5`` for 7/2, ``4.78`` for 43/9.

    Integers stay integers and a value with at most two decimal places is written
    exactly (``3.25``); anything finer is rounded to two places, halves away from zero
    (``3.13`` for 25/8), so a column of averages lines up and is never ``43/9``.
    """
    numerator, denominator = value.numerator, value.denominator
    if denominator == 1:
        return str(numerator)
    sign, numerator = ("-", -numerator) if numerator < 0 else ("", numerator)
    # Hundredths rounded half away from zero, in integers: exact when value has two
    # places or fewer.
    hundredths = (numerator * 200 + denominator) // (2 * denominator)
    whole, cents = divmod(hundredths, 100)
    text = f"{sign}{whole}.{cents:02d}"
    if numerator * 100 % denominator == 0:
        return text.rstrip("0").rstrip(".")
    return text
