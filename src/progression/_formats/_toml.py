"""A small deterministic TOML writer for plain data (the standard library only reads TOML)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

__all__ = ["dumps"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def dumps(data: Mapping[str, object]) -> str:
    """TOML text for a mapping of strings, numbers, booleans, lists and mappings.

    Keys keep their order, so equal input gives equal bytes. ``None`` has no TOML
    spelling and is rejected rather than dropped.
    """
    lines: list[str] = []
    _table(lines, (), data)
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines) + "\n"


def _is_table_array(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def _table(lines: list[str], prefix: tuple[str, ...], table: Mapping[str, object]) -> None:
    # Every plain value of a table must come before the first sub-table header,
    # or it would land in that sub-table.
    nested = []
    for key, value in table.items():
        if isinstance(value, Mapping) or _is_table_array(value):
            nested.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in nested:
        path = (*prefix, key)
        header = ".".join(_key(part) for part in path)
        if isinstance(value, Mapping):
            # A table holding only sub-tables is created by their headers; writing
            # its own empty header too would only add noise.
            if not value or not all(
                isinstance(v, Mapping) or _is_table_array(v) for v in value.values()
            ):
                lines.extend(("", f"[{header}]"))
            _table(lines, path, value)
        else:
            assert isinstance(value, Sequence)
            for item in value:
                lines.extend(("", f"[[{header}]]"))
                _table(lines, path, item)


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.match(text) else _string(text)


def _string(text: str) -> str:
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML output takes finite numbers only, got {value!r}")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML spelling for {value!r}")
