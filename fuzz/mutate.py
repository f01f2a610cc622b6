"""Structure-aware mutators: plain data (keys, types, numbers, references) and text.

Every mutator takes a `random.Random`, so that one seed reproduces a whole campaign.
`mutate_data` edits parsed documents; `mutate_text` damages text the way exports and
hand edits do (truncation, bit flips, duplicated lines, odd characters, quoting);
`mutate_csv` breaks CSV rows, quotes and headers.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import random
import tomllib
from collections.abc import Callable, Sequence
from typing import Any

import tomli_w
import yaml

__all__ = [
    "EDGE_NUMBERS",
    "EDGE_TEXTS",
    "ODD_CHARACTERS",
    "dump",
    "mutate_csv",
    "mutate_data",
    "mutate_document",
    "mutate_text",
]

#: Characters that text layers fold, drop, reorder or refuse.
ODD_CHARACTERS = (
    "\x85",  # NEL: a line break to YAML
    "\u2028",
    "\u2029",
    "\ud800",  # lone surrogates: valid JSON escapes, no UTF-8
    "\udfff",
    "\u202e",  # right-to-left override
    "\u200f",
    "\u200b",  # zero width
    "\u2060",
    "\ufeff",  # byte order mark
    "\x00",
    "\x07",
    "\x1b[2J",
    "\x1b]0;t\x07",
    "\x9b",
    "\x7f",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "e\u0301",  # combining accent
    "\u0130",  # dotted capital I: changes length when lower-cased
    "\u00df",  # sharp s: changes length when upper-cased
    "\U0001f600",
    " ",
    "\xa0",
    '"',
    "'",
    "\\",
    ":",
    "#",
    "&",
    "*",
    "!",
    "%",
    "@",
    "`",
    "|",
    ">",
    "{",
    "}",
    "[",
    "]",
    ",",
    "-",
    "?",
    "~",
    "/",
)

#: Numbers at the edges: huge exponents, many digits, NaN and infinities, -0.
EDGE_NUMBERS: tuple[Any, ...] = (
    0,
    -0.0,
    1,
    -1,
    2,
    3.5,
    0.1,
    1e-7,
    10**30 - 1,
    10**30,
    -(10**30),
    10**31,
    2**63,
    2**64 + 1,
    10**400,
    1e308,
    5e-324,
    math.inf,
    -math.inf,
    math.nan,
    True,
    False,
    "1e999999999",
    "1e-999999999",
    "-1e999999999",
    "1e100",
    "1e101",
    "7/2",
    "7/0",
    "0/0",
    "-0",
    "+3",
    " 3 ",
    "3.",
    ".5",
    "1_000",
    "0x10",
    "NaN",
    "inf",
    "-Infinity",
    "1" * 31,
    "1" * 101,
    "0." + "0" * 29 + "1",
    "9" * 4301,
    "1/" + "3" * 31,
)

#: Strings at the edges.
EDGE_TEXTS: tuple[str, ...] = (
    "",
    " ",
    "x" * 70_000,
    "null",
    "~",
    "true",
    "yes",
    "no",
    "on",
    "0",
    "01",
    "1.0",
    "2026-Q1",
    "0000-Q1",
    "0001-Q1",
    "9999-Q4",
    "10000-Q1",
    "2026-Q5",
    "2026-H3",
    "2026-Y",
    "-2026-Q1",
    "2026-q1 ",
    "ic",
    "IC1",
    "eng",
    "manager",
    "self",
    "calibrated",
    "*",
    "&a",
    "!!python/object:os.system",
    "{a: 1}",
    "[1, 2]",
    "a\nb",
    "\x85",
    "\ud800",
    "\u202eevil",
    "\x1b[31mred",
    "é" * 5000,
    "a" * 5000 + "!",
)

#: Keys that references in documents use, whose values name ids elsewhere.
REFERENCE_KEYS = frozenset(
    {
        "family",
        "track",
        "level",
        "from_level",
        "to_level",
        "to_family",
        "competency",
        "competencies",
        "transferable",
        "gaps",
        "requirement",
        "step",
        "approvals",
        "branch_from",
        "levels",
        "since",
        "cycle",
        "rater",
        "raters",
        "kind",
        "employee",
        "cadence",
    }
)

Path = tuple[Any, ...]


#: Nodes a mutator looks at in one document: a repeated object (see `_odd_value`) can
#: stand for millions.
MAX_NODES = 20_000


def _nodes(data: Any) -> list[tuple[Path, Any]]:
    """The first `MAX_NODES` nodes with their paths, depth first."""
    found: list[tuple[Path, Any]] = []
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack and len(found) < MAX_NODES:
        at, node = stack.pop()
        found.append((at, node))
        if isinstance(node, dict):
            stack.extend(((*at, key), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*at, index), value) for index, value in reversed(list(enumerate(node))))
    return found


def _get(data: Any, path: Path) -> Any:
    for segment in path:
        data = data[segment]
    return data


def _set(data: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _ids(data: Any) -> list[str]:
    return [
        value
        for path, value in _nodes(data)
        if isinstance(value, str) and path and path[-1] in ("id", "employee", "step")
    ]


def _odd_text(rng: random.Random, text: str) -> str:
    choice = rng.randrange(9)
    at = rng.randint(0, len(text))
    if choice == 0:
        return text[:at] + rng.choice(ODD_CHARACTERS) + text[at:]
    if choice == 1:
        return rng.choice(EDGE_TEXTS)
    if choice == 2:
        return text + rng.choice(("2", "-copy", " ", "\n", "\x85", "\u200b"))
    if choice == 3:
        return text.upper() if rng.random() < 0.5 else text.lower()
    if choice == 4:
        return text * rng.choice((2, 10, 1000))
    if choice == 5:
        return "".join(rng.choice(ODD_CHARACTERS) for _ in range(rng.randint(1, 8)))
    if choice == 6:
        return text[:at]
    if choice == 7:
        return " " + text + " "
    return "".join(
        chr(rng.choice((rng.randrange(0x20, 0x7F), rng.randrange(0x80, 0x3000))))
        for _ in range(rng.randint(1, 20))
    )


def _odd_number(rng: random.Random, value: Any) -> Any:
    try:
        return _number_edit(rng, value)
    except (OverflowError, ValueError):  # too large for a float, or for str()
        return rng.choice(EDGE_NUMBERS)


def _number_edit(rng: random.Random, value: Any) -> Any:
    choice = rng.randrange(6)
    if choice == 0 or not isinstance(value, int | float) or isinstance(value, bool):
        return rng.choice(EDGE_NUMBERS)
    if choice == 1:
        return value + rng.choice((-1, 1))
    if choice == 2:
        return -value
    if choice == 3:
        return value * 10 ** rng.randint(1, 40)
    if choice == 4:
        return float(value) if isinstance(value, int) else int(value) if math.isfinite(value) else 0
    return str(value)


def _odd_value(rng: random.Random, value: Any, data: Any) -> Any:
    """Another value for a node: of another type, at an edge, or a subtree from elsewhere."""
    choice = rng.randrange(10)
    if choice == 0:
        return rng.choice((None, True, False, [], {}, "", 0))
    if choice == 1:
        return rng.choice(EDGE_NUMBERS)
    if choice == 2:
        return rng.choice(EDGE_TEXTS)
    if choice == 3:
        nested: Any = value
        for _ in range(rng.choice((2, 10, 70))):
            nested = [nested] if rng.random() < 0.5 else {"a": nested}
        return nested
    if choice == 4:
        # One object repeated: YAML writes it once with an anchor and then aliases, so
        # a few levels of this are a small text that expands to a great many values.
        expanded = 1
        for _ in range(rng.choice((1, 1, 1, 1, 2, 3, 5))):
            width = rng.choice((2, 10, 50))
            expanded *= width
            if expanded > 20_000:  # written out in JSON, a text of a hundred KB
                break
            value = [value] * width
        return value
    if choice == 5:
        # A subtree of the same document, in the wrong place.
        _, other = rng.choice(_nodes(data))
        return copy.deepcopy(other)
    if choice == 6 and isinstance(value, dict):
        return list(value.values())
    if choice == 7 and isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    if isinstance(value, str):
        return _odd_text(rng, value)
    if isinstance(value, int | float):
        return _odd_number(rng, value)
    return rng.choice(EDGE_TEXTS + tuple(map(str, EDGE_NUMBERS[:10])))


def _odd_key(rng: random.Random, key: Any, siblings: dict[Any, Any]) -> Any:
    choice = rng.randrange(8)
    if choice == 0:
        return rng.choice((None, True, False, 1.5, -0.0, 0, 10**31))
    if isinstance(key, int) and not isinstance(key, bool):
        return rng.choice((str(key), f"0{key}", float(key), f" {key}", f"+{key}", -key, key + 1))
    if isinstance(key, str):
        if key.isdigit():
            return rng.choice((int(key), f"0{key}", float(key)))
        if choice < 4:
            return _odd_text(rng, key)
        if choice == 4:
            return key[:-1] if len(key) > 1 else key + "s"
        if choice == 5 and siblings:
            return f"{rng.choice([str(k) for k in siblings])}_"
    return "unknown"


def _reference(rng: random.Random, value: Any, ids: Sequence[str]) -> Any:
    if ids and rng.random() < 0.6:
        return rng.choice(ids)
    if isinstance(value, str):
        return rng.choice((value + "x", value.upper(), "nope", "", value[:-1]))
    return rng.choice(("nope", ["nope"], [], None))


def mutate_data(rng: random.Random, data: Any, *, others: Sequence[Any] = ()) -> Any:
    """One structural edit of a copy of ``data``, as a document's author might make by mistake.

    ``others`` are other documents whose subtrees may be grafted in (cross-over).
    """
    data = copy.deepcopy(data)
    nodes = _nodes(data)
    path, node = rng.choice(nodes)
    parent = _get(data, path[:-1]) if path else None
    kind = rng.randrange(14)
    if kind == 0 and isinstance(parent, dict):  # drop a key
        del parent[path[-1]]
    elif kind == 1 and isinstance(parent, dict):  # rename a key
        value = parent.pop(path[-1])
        parent[_odd_key(rng, path[-1], parent)] = value
    elif kind == 2 and isinstance(node, dict):  # add a key
        node[_odd_key(rng, rng.choice(list(node) or ["x"]), node)] = _odd_value(rng, "", data)
    elif kind == 3 and isinstance(node, list) and node:  # duplicate an item (repeated ids)
        index = rng.randrange(len(node))
        node.insert(rng.randint(0, len(node)), copy.deepcopy(node[index]))
    elif kind == 4 and isinstance(node, list) and node:  # drop or reorder items
        if rng.random() < 0.5:
            del node[rng.randrange(len(node))]
        else:
            rng.shuffle(node)
    elif kind == 5 and path and path[-1] in REFERENCE_KEYS:  # a dangling or wrong reference
        if isinstance(node, list) and node:
            node[rng.randrange(len(node))] = _reference(rng, node[0], _ids(data))
        else:
            _set(data, path, _reference(rng, node, _ids(data)))
    elif kind == 6 and others:  # graft a subtree from another document
        _, graft = rng.choice(_nodes(rng.choice(others)))
        data = _set(data, path, copy.deepcopy(graft))
    elif kind == 7 and isinstance(node, int | float) and not isinstance(node, bool):
        data = _set(data, path, _odd_number(rng, node))
    elif kind == 8 and isinstance(node, str):
        data = _set(data, path, _odd_text(rng, node))
    elif kind == 9 and isinstance(node, dict) and node:  # fold keys: 1 and "1"
        key = rng.choice(list(node))
        twins = {1: "1", "1": 1}
        twin: Any = twins.get(key, str(key) if not isinstance(key, str) else key.strip())
        if isinstance(key, int) and not isinstance(key, bool):
            twin = rng.choice((str(key), float(key), f"0{key}", f"{key} "))
        node[twin] = copy.deepcopy(node[key])
    elif kind == 10 and isinstance(node, list):  # many items
        node.extend(copy.deepcopy(node[:1]) * rng.choice((10, 300)))
    else:
        data = _set(data, path, _odd_value(rng, node, data))
    return data


def dump(data: Any, fmt: str, rng: random.Random | None = None) -> str:
    """Text for plain data in ``fmt``: JSON, YAML (block or flow) or TOML.

    Raises:
        ValueError: the data cannot be written in that format (TOML has no null).
    """
    if fmt == "json":
        return json.dumps(data, ensure_ascii=bool(rng and rng.random() < 0.5))
    if fmt == "yaml":
        flow = bool(rng and rng.random() < 0.3)
        return yaml.dump(
            data,
            Dumper=_YAML_DUMPER,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=flow,
        )
    try:
        return tomli_w.dumps(_toml_ready(data))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not TOML: {exc}") from None


def _toml_ready(data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError("a TOML document is a table")
    return {str(key): _toml_value(value) for key, value in data.items()}


def _toml_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _toml_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_toml_value(item) for item in value]
    if value is None:
        raise ValueError("TOML has no null")
    return value


def mutate_document(rng: random.Random, text: str, fmt: str, *, others: Sequence[Any] = ()) -> str:
    """A mutant of a YAML, JSON or TOML document: structural edits, then maybe text damage."""
    data = _parsed(text, fmt) if rng.random() < 0.8 else None
    if data is not None:
        for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
            data = mutate_data(rng, data, others=others)
        try:
            text = dump(data, fmt, rng)
        except (ValueError, TypeError, RecursionError, OverflowError):
            pass  # not writable in this format: damage the text instead
        else:
            if rng.random() < 0.7:
                return text
    return mutate_text(rng, text, fmt)


# The mutators read and write YAML with libyaml where it is installed: they only need
# plain data, and the loader under test is run on what they write.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.lru_cache(maxsize=512)
def _parsed(text: str, fmt: str) -> Any:
    """Plain data of a document, or None; cached, so callers must copy before editing."""
    try:
        if fmt == "json":
            return json.loads(text)
        if fmt == "yaml":
            return yaml.load(text, Loader=_YAML_LOADER)
        return tomllib.loads(text)
    except Exception:
        return None


def _load(text: str, fmt: str) -> Any:
    """A copy of a document's plain data, or None if it does not parse."""
    return copy.deepcopy(_parsed(text, fmt))


_YAML_DAMAGE = (
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['true']\n",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2026-01-01",
    "!!float ",
    "!!str ",
    "!!int ",
    "? [a, b]\n: 1\n",
    "<<: *a\n",
    "--- \n",
    "...\n",
    "%YAML 1.1\n",
    "|\n  ",
    ">-\n  ",
    "{",
    "[",
    "'",
    '"',
    ": ",
    "- ",
    "\t",
    "0x1F",
    "0o17",
    "1_000",
    "1:20",
    ".nan",
    "-.inf",
    "~",
    "null: 4\n",
    "2.5: x\n",
    "{? a}",
)
_JSON_DAMAGE = (
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"',
    "\\u",
    "\\ud800",
    "NaN",
    "-Infinity",
    "1e999",
    "//",
    "\x00",
    "tru",
    "nul",
)
_TOML_DAMAGE = (
    "[",
    "]]",
    "[[a]]\n",
    "=",
    '"""',
    "'''",
    "a.b = 1\n",
    "inf",
    "nan",
    "1979-05-27",
    "0x_1",
    "\\U0000d800",
)


def mutate_text(rng: random.Random, text: str, fmt: str = "") -> str:
    """One to a few edits: bytes flipped, text cut, lines repeated, characters or syntax added."""
    for _ in range(rng.choice((1, 1, 2, 3))):
        text = _text_edit(rng, text, fmt)
    return text


def _text_edit(rng: random.Random, text: str, fmt: str) -> str:
    size = len(text)
    at = rng.randint(0, size)
    kind = rng.randrange(12)
    if kind == 0:  # truncation
        return text[:at]
    if kind == 1 and size:  # a bit flipped in the UTF-8 bytes
        data = bytearray(text.encode("utf-8", "surrogatepass"))
        index = rng.randrange(len(data))
        data[index] ^= 1 << rng.randrange(8)
        return data.decode("utf-8", "surrogateescape" if rng.random() < 0.5 else "replace")
    if kind == 2:  # a range deleted
        return text[:at] + text[at + rng.randint(1, 40) :]
    if kind == 3:  # a line repeated (duplicate keys, repeated rows)
        lines = text.splitlines(keepends=True)
        if lines:
            index = rng.randrange(len(lines))
            lines.insert(rng.randint(0, len(lines)), lines[index])
        return "".join(lines)
    if kind == 4:  # lines swapped
        lines = text.splitlines(keepends=True)
        if len(lines) > 1:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        return "".join(lines)
    if kind == 5:
        return text[:at] + rng.choice(ODD_CHARACTERS) + text[at:]
    if kind == 6:  # syntax of the format
        damage = {"yaml": _YAML_DAMAGE, "json": _JSON_DAMAGE, "toml": _TOML_DAMAGE}.get(
            fmt, _YAML_DAMAGE + _JSON_DAMAGE
        )
        return text[:at] + rng.choice(damage) + text[at:]
    if kind == 7:  # a number replaced by one at the edges
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        if digits:
            start = end = rng.choice(digits)
            while start > 0 and text[start - 1].isdigit():
                start -= 1
            while end < size and (text[end].isdigit() or text[end] in ".eE"):
                end += 1
            number = rng.choice(EDGE_NUMBERS)
            spelt = json.dumps(number) if not isinstance(number, str) else number
            return text[:start] + spelt + text[end:]
        return text
    if kind == 8:  # indentation changed
        lines = text.splitlines(keepends=True)
        if lines:
            index = rng.randrange(len(lines))
            lines[index] = rng.choice(("", " ", "  ", "\t", "    ")) + lines[index].lstrip(" ")
        return "".join(lines)
    if kind == 9:  # a chunk repeated
        end = min(size, at + rng.randint(1, 200))
        return text[:end] + text[at:end] * rng.choice((1, 2, 20)) + text[end:]
    if kind == 10:  # line endings
        return text.replace("\n", rng.choice(("\r\n", "\r", "\x85", "\u2028", "\n\n")))
    return (
        text[:at]
        + "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(rng.randint(1, 8)))
        + text[at:]
    )


_CSV_DAMAGE = ('"', '""', '"a"b', ",", ",,", "\n", "\r\n", "\r", "\x00", " ", '"\n', "\ufeff", ";")


def mutate_csv(rng: random.Random, text: str) -> str:
    """A CSV text with its quoting, cells, rows or header damaged."""
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(12)
    if not lines:
        return mutate_text(rng, text)
    index = rng.randrange(len(lines))
    line = lines[index]
    cells = line.rstrip("\r\n").split(",")
    if kind == 0:  # a quote opened and never closed
        cell = rng.randrange(len(cells))
        cells[cell] = '"' + cells[cell]
    elif kind == 1:  # text after a closing quote
        cell = rng.randrange(len(cells))
        cells[cell] = f'"{cells[cell]}"x'
    elif kind == 2:  # a cell more or less
        if rng.random() < 0.5:
            cells.append(rng.choice(("", "x", "3")))
        elif len(cells) > 1:
            del cells[rng.randrange(len(cells))]
    elif kind == 3:  # a header column repeated or renamed
        header = lines[0].rstrip("\r\n").split(",")
        column = rng.randrange(len(header))
        header.append(header[column]) if rng.random() < 0.5 else header.__setitem__(
            column, _odd_text(rng, header[column])
        )
        lines[0] = ",".join(header) + "\n"
        return "".join(lines)
    elif kind == 4:  # a cell given an odd value
        cell = rng.randrange(len(cells))
        value = rng.choice(EDGE_TEXTS + tuple(str(n) for n in EDGE_NUMBERS))
        if rng.random() < 0.5:
            value = '"' + value.replace('"', '""') + '"'
        cells[cell] = value
    elif kind == 5:  # a quoted cell with a line break
        cell = rng.randrange(len(cells))
        cells[cell] = '"' + cells[cell] + rng.choice(("\n", "\r\n", "\r")) + 'more"'
    elif kind == 6:  # damage at a random point
        at = rng.randint(0, len(line))
        line = line[:at] + rng.choice(_CSV_DAMAGE) + line[at:]
        lines[index] = line
        return "".join(lines)
    elif kind == 7:  # rows repeated
        lines.insert(rng.randint(1, len(lines)), line)
        return "".join(lines)
    elif kind == 8:  # a huge cell
        cell = rng.randrange(len(cells))
        cells[cell] = rng.choice(("x", "é", '""')) * rng.choice((1000, 70_000, 140_000))
        if '"' in cells[cell]:
            cells[cell] = '"' + cells[cell] + '"'
    elif kind == 9:  # blank or whitespace rows
        lines.insert(rng.randint(0, len(lines)), rng.choice(("\n", " \n", ",,,\n", "\r\n")))
        return "".join(lines)
    elif kind == 10:  # an odd character in a cell
        cell = rng.randrange(len(cells))
        cells[cell] = _odd_text(rng, cells[cell])
    else:
        return mutate_text(rng, text, "csv")
    ending = line[len(line.rstrip("\r\n")) :]
    lines[index] = ",".join(cells) + ending
    return "".join(lines)


Mutator = Callable[[random.Random, str], str]
