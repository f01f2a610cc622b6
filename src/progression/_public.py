"""The public face: public names report ``progression`` as their module."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterable, Mapping

import attrs

__all__ = ["publish"]


def publish(module: str, namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Make the classes and functions among ``names`` report ``module`` as theirs.

    Reprs, pickles and documentation then say ``progression.Framework`` whichever
    private module defines the class, so private modules can move without changing
    them. Only names defined in a private submodule of ``module`` are moved.

    Annotations are strings (``from __future__ import annotations``) that attrs, cattrs
    and ``typing.get_type_hints`` evaluate in ``sys.modules[cls.__module__]``, where
    the names they use are not. So every attrs class's field types are resolved first,
    while its module is still the one that defines those names, and the class's own
    annotations are pinned to that module for later ``get_type_hints`` calls.
    """
    moving: list[type | types.FunctionType] = []
    for name in names:
        obj = namespace[name]
        if isinstance(obj, type | types.FunctionType) and obj.__module__.startswith(f"{module}._"):
            moving.append(obj)
    # All resolved before any moves: a subclass's hints are read in its bases' modules.
    for obj in moving:
        if isinstance(obj, type) and attrs.has(obj):
            attrs.resolve_types(obj)
    for obj in moving:
        if isinstance(obj, type):
            _pin_annotations(obj)
        obj.__module__ = module


def _pin_annotations(cls: type) -> None:
    own = inspect.get_annotations(cls)
    if not own:
        return
    cls.__annotations__ = {
        key: (
            typing.ForwardRef(value, is_argument=False, is_class=True, module=cls.__module__)
            if isinstance(value, str)
            else value
        )
        for key, value in own.items()
    }
