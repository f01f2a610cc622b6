"""The example frameworks shipped with progression, ready to load or to copy and adapt."""

from __future__ import annotations

import difflib
from importlib import resources

from .._formats import load_history, loads_framework
from .._history import RatingHistory
from .._model import Framework
from ..exceptions import UnreadableInput

__all__ = ["UnknownExample", "load", "names", "team", "team_files", "text"]

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
