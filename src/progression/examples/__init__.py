"""The example frameworks shipped with progression, ready to load or to copy and adapt."""

from __future__ import annotations

import difflib
from importlib import resources
from typing import TYPE_CHECKING

from .._formats import load_history, loads_framework
from .._history import RatingHistory
from .._model import Framework
from ..exceptions import UnreadableInput

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["UnknownExample", "load", "names", "population", "team", "team_files", "text"]

_DATA = resources.files(__package__) / "data"


def names() -> tuple[str, ...]:
    """The names of the bundled frameworks, sorted: ``('engineering', 'people', 'sales')``."""
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in _DATA.iterdir()
            if entry.name.endswith(".yaml") and not entry.name.startswith("_")
        )
    )


class UnknownExample(UnreadableInput, KeyError):
    """No bundled framework has the name asked for.

    It is an `UnreadableInput` (so a `progression.ProgressionError`) and, since the
    bundled frameworks are looked up by name, also a `KeyError`. The message names the
    closest bundled name, if one is close, and every bundled name.
    """


def _unknown(name: object) -> UnknownExample:
    known = names()
    close = difflib.get_close_matches(str(name).lower(), known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return UnknownExample(f"no example named {name!r}{hint}: expected one of {', '.join(known)}")


def text(name: str) -> str:
    """The YAML source of a bundled framework, to copy and adapt.

    Raises:
        UnknownExample: no bundled framework has that name.
    """
    if name not in names():
        raise _unknown(name)
    return (_DATA / f"{name}.yaml").read_text(encoding="utf-8")


def load(name: str) -> Framework:
    """A bundled framework by name, such as ``load("engineering")``.

    Raises:
        UnknownExample: no bundled framework has that name.
    """
    return loads_framework(text(name), source=f"examples/{name}.yaml")


def team_files() -> tuple[str, str, str]:
    """Paths of the sample team's CSV exports: ratings, level assignments and events."""
    folder = _DATA / "team"
    return (str(folder / "ratings.csv"), str(folder / "levels.csv"), str(folder / "events.csv"))


def team() -> tuple[RatingHistory, ...]:
    """The sample engineering team: rating histories over eight quarters, from CSV exports.

    It is rated against the ``engineering`` framework and holds a realistic mix:
    people ready, not ready for different reasons, with too little data to say, and a
    crossover candidate.
    """
    ratings, levels, events = team_files()
    return load_history(ratings, levels=levels, events=events)


def population(n: int, seed: int = 0) -> tuple[pa.Table, pa.Table, pa.Table]:
    """A synthetic company of ``n`` employees for the ``engineering`` framework.

    Returns the three long tables of the CSV exports as pyarrow tables: ratings
    (``employee_id, cycle, competency, score, rater, rater_id``), level assignments
    (``employee_id, family, track, level, since``) and events
    (``employee_id, cycle, event, requirement, value, note``), over the eight quarters
    from 2024-Q4 to 2026-Q3. Text columns are dictionary-encoded, scores are ``int8``.

    The mix is meant to look like a real company: a pyramid of levels over the
    engineering IC and management tracks and the data science track (nobody at the top
    of a track, so that every employee has a next level), tenures from one quarter to
    ten years, promotions and a few crossovers inside the window, missing reviews,
    unrated competencies, managers (``rater_id``) who each rate a team, self ratings for
    a third of the people, evidence for each level's next step, and endorsements,
    calibrations and approvals. Every employee loads with the CSV loader and evaluates
    without error. The same ``n`` and ``seed`` give the same tables.

    Needs numpy and pyarrow: ``pip install 'progression[population]'``.

    Raises:
        ImportError: numpy or pyarrow is not installed.
        ValueError: ``n`` is not a whole number of at least 0.
    """
    try:
        from ._population import population as draw  # noqa: PLC0415 - needs the extra
    except ImportError as exc:
        raise ImportError(
            f"examples.population needs numpy and pyarrow ({exc}):"
            " pip install 'progression[population]'"
        ) from exc
    return draw(n, seed)
