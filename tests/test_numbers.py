"""The two spellings of a number: exact for files and programs, rounded for people."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progression._numbers import format_number, show_number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(43, 9), "4.78"),
        (Fraction(31, 9), "3.44"),
        (Fraction(7, 2), "3.5"),
        (Fraction(13, 4), "3.25"),
        (Fraction(4), "4"),
        (4, "4"),
        (0, "0"),
        (Fraction(25, 8), "3.13"),
        (Fraction(-25, 8), "-3.13"),
        (Fraction(3999, 1000), "4.00"),
        (Fraction(1, 3), "0.33"),
        (Fraction(-1, 2), "-0.5"),
    ],
)
def test_numbers_are_shown_as_people_read_them(value: Fraction | int, shown: str) -> None:
    assert show_number(value) == shown


fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=1000)


@given(value=fractions)
def test_a_shown_number_is_within_half_a_hundredth_of_the_exact_one(value: Fraction) -> None:
    shown = show_number(value)
    assert abs(Fraction(shown) - value) <= Fraction(1, 200)
    if value.denominator == 1:
        assert shown == str(value.numerator)
    elif (value * 100).denominator == 1:
        # At most two decimal places: written exactly, as the file would write it.
        assert Fraction(shown) == value
        assert shown == format_number(value)
    else:
        whole, _, cents = shown.lstrip("-").partition(".")
        assert len(cents) == 2
        assert whole.isdigit()


@given(hundredths=st.integers(-100_000, 100_000))
def test_halves_are_rounded_away_from_zero(hundredths: int) -> None:
    value = Fraction(2 * hundredths + (1 if hundredths >= 0 else -1), 200)
    away = Fraction(hundredths + (1 if hundredths >= 0 else -1), 100)
    assert Fraction(show_number(value)) == away
