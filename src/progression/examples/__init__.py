"""The example frameworks shipped with progression, ready to load or to copy and adapt."""

from __future__ import annotations

from importlib import resources

from .._model import Framework
from .._serialization import loads_framework

__all__ = ["load", "names", "text"]

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


def text(name: str) -> str:
    """The YAML source of a bundled framework, to copy and adapt.

    Raises:
        KeyError: no bundled framework has that name.
    """
    if name not in names():
        raise KeyError(f"no example named {name!r}; expected one of {', '.join(names())}")
    return (_DATA / f"{name}.yaml").read_text(encoding="utf-8")


def load(name: str) -> Framework:
    """A bundled framework by name, such as ``load("engineering")``.

    Raises:
        KeyError: no bundled framework has that name.
    """
    return loads_framework(text(name), source=f"examples/{name}.yaml")
