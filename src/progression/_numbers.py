"""Exact numbers: how thresholds and scores are read, and the ways they are written.

Two spellings of one number, for two readers: `format_number` writes the exact value
(``3.5``, ``31/9``), as files and JSON keep it; `show_number` writes what people read
in messages, tables and text output (``3.5``, ``3.44``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

__all__ = [
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_NUMBER_TEXT",
    "NUMBER_LIMIT",
    "Number",
    "OutOfRange",
    "format_number",
    "show_number",
    "to_fraction",
]

Number: TypeAlias = Fraction | Decimal | int | float | str

#: An exact number, as a fraction in lowest terms, has at most this many digits above
#: and below the line. Every value this allows is written back exactly by every format,
#: and arithmetic on it stays cheap.
MAX_DIGITS = 30
#: Longest text read as a number, and the largest exponent it may carry (``1e100``).
#: Both are checked before the text is converted, so that ``"1e999999999"`` costs no
#: more to refuse than ``"1e9"``.
MAX_NUMBER_TEXT = 100
MAX_EXPONENT = 100
_LIMIT = 10**MAX_DIGITS
NUMBER_LIMIT = (
    f"a number whose numerator and denominator, in lowest terms, have at most {MAX_DIGITS} digits"
)
_EXPONENT = re.compile(r"[eE]([-+]?[0-9_]+)\s*\Z")


class OutOfRange(ValueError):
    """A number too large or too precise to be held exactly at a bounded cost."""

    def __init__(self, expected: str) -> None:
        super().__init__(f"number out of range: expected {expected}")
        #: What the number should have been, for messages.
        self.expected = expected


def to_fraction(value: Number) -> Fraction:
    """Exact value of a threshold: ``3.5``, ``"3.5"``, ``"7/2"`` and ``Fraction(7, 2)`` agree.

    Floats are taken by their shortest repr (what the file said), never by their binary
    value, so ``3.5`` and ``0.1`` mean exactly what was written.

    Raises:
        OutOfRange: the value needs more than `MAX_DIGITS` digits above or below the
            line, or its text is longer than `MAX_NUMBER_TEXT` or has a larger exponent
            than 100; checked before any large number is built.
        ValueError: the value is not a finite number.
        TypeError: the value is a boolean.
    """
    if isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        result = _from_text(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"expected a finite number, got {value!r}")
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # finite
        if len(digits) > MAX_NUMBER_TEXT or abs(exponent) > MAX_EXPONENT:
            raise OutOfRange(NUMBER_LIMIT)
        result = Fraction(value)
    elif isinstance(value, Fraction | int):
        result = Fraction(value)
    else:
        result = _from_text(value)
    if not -_LIMIT < result.numerator < _LIMIT or result.denominator >= _LIMIT:
        raise OutOfRange(NUMBER_LIMIT)
    return result


def _from_text(text: str) -> Fraction:
    text = text.strip()
    if len(text) > MAX_NUMBER_TEXT:
        raise OutOfRange(f"a number written in at most {MAX_NUMBER_TEXT} characters")
    exponent = _EXPONENT.search(text)
    if exponent and abs(int(exponent[1])) > MAX_EXPONENT:
        raise OutOfRange(f"an exponent from -{MAX_EXPONENT} to {MAX_EXPONENT}")
    try:
        return Fraction(text)
    except ZeroDivisionError:
        raise ValueError(f"expected a number, got {text!r}: division by zero") from None


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
