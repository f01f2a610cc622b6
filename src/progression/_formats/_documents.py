"""Loading and dumping of YAML, JSON and TOML documents, and reading history files."""

from __future__ import annotations

import json
import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs
import yaml

from .._convert import describe, structure, unstructure
from .._history import RatingHistory
from .._model import Framework
from ..exceptions import (
    InvalidFramework,
    InvalidHistory,
    InvalidInput,
    Problem,
    Segment,
    UnreadableInput,
)
from . import _csv, _toml

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "Format",
    "dump_framework",
    "dumps",
    "format_of",
    "load_framework",
    "load_history",
    "loads_framework",
    "loads_history",
    "parse",
    "read_text",
]

T = TypeVar("T")
Format = Literal["yaml", "json", "toml"]
FORMATS: tuple[Format, ...] = ("yaml", "json", "toml")
_SUFFIXES: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
#: Larger inputs are refused before parsing: a framework is tens of kilobytes, and a
#: YAML parser given hundreds of megabytes would hold a service for minutes.
MAX_BYTES = 16 * 1024 * 1024
#: Bounds on the parsed document, checked before anything walks it recursively: YAML
#: aliases can make a small file expand to billions of values, and deep nesting would
#: exhaust the stack.
MAX_VALUES = 2_000_000
MAX_DEPTH = 64


class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and keeps dates as the text written."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, typing.Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: equal sub-documents are written out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _syntax_problem(
    message: str, source: str | None, line: int | None, column: int | None
) -> Problem:
    return Problem(segments=(), message=message, source=source, line=line, column=column)


def parse(
    text: str,
    format: Format,
    *,
    source: str | None = None,
    error: type[InvalidInput] = InvalidFramework,
) -> object:
    """Plain data from YAML, JSON or TOML text.

    Malformed text raises ``error`` with the line and column the parser stopped at.
    """
    if len(text) > MAX_BYTES:
        raise UnreadableInput(
            f"{source or 'input'}: {len(text)} characters, over the limit of {MAX_BYTES}"
        )
    try:
        if format == "yaml":
            data = yaml.load(text, Loader=_Loader)
        elif format == "json":
            data = json.loads(text, object_pairs_hook=_json_pairs)
        elif format == "toml":
            data = tomllib.loads(text)
        else:
            raise ValueError(f"unknown format {format!r}, expected one of {', '.join(FORMATS)}")
    except RecursionError:
        raise error(
            [_syntax_problem(f"nested more than {MAX_DEPTH} levels deep", source, None, None)]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"malformed YAML: {exc.problem or exc.context}"
        if exc.context and exc.problem:
            message = f"malformed YAML: {exc.problem} ({exc.context})"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise error([_syntax_problem(message, source, line, column)]) from None
    except yaml.YAMLError as exc:
        raise error([_syntax_problem(f"malformed YAML: {exc}", source, None, None)]) from None
    except json.JSONDecodeError as exc:
        raise error(
            [_syntax_problem(f"malformed JSON: {exc.msg}", source, exc.lineno, exc.colno)]
        ) from None
    except ValueError as exc:
        if format == "json":  # a duplicate key from _json_pairs
            raise error([_syntax_problem(f"malformed JSON: {exc}", source, None, None)]) from None
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        raise error([_syntax_problem(f"malformed TOML: {message}", source, line, column)]) from None
    _check_bounds(data, source, error)
    return data


def _check_bounds(data: object, source: str | None, error: type[InvalidInput]) -> None:
    # Iterative, and stops at the first bound: the check itself must not blow up.
    count = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            message = f"more than {MAX_VALUES} values (are YAML aliases repeating a subtree?)"
            raise error([_syntax_problem(message, source, None, None)])
        if depth > MAX_DEPTH:
            message = f"nested more than {MAX_DEPTH} levels deep"
            raise error([_syntax_problem(message, source, None, None)])
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def dumps(data: Any, format: Format) -> str:
    """Deterministic text for plain data: the same data always gives the same bytes."""
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.dump(
            data,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=88,
        )
    if format == "toml":
        return _toml.dumps(data)
    raise ValueError(f"unknown format {format!r}, expected one of {', '.join(FORMATS)}")


def locate(text: str, format: Format, problems: list[Problem]) -> list[Problem]:
    """Add line and column to problems whose path can be found in YAML or JSON text."""
    if format == "toml" or not problems:
        return problems
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return problems
    out = []
    for problem in problems:
        if problem.line is not None or root is None:
            out.append(problem)
            continue
        mark = _mark(root, problem.segments)
        out.append(attrs.evolve(problem, line=mark.line + 1, column=mark.column + 1))
    return out


def _mark(node: yaml.Node, segments: tuple[Segment, ...]) -> Any:
    for position, segment in enumerate(segments):
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(segment):
                    last = position == len(segments) - 1
                    if last and isinstance(value_node, yaml.CollectionNode):
                        # A block value starts on the next line; the key is what to show.
                        return key_node.start_mark
                    node = value_node
                    break
            else:
                return node.start_mark
        elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            if segment >= len(node.value):
                return node.start_mark
            node = node.value[segment]
        else:
            return node.start_mark
    return node.start_mark


def format_of(path: Path | str) -> Format:
    """The format a file's suffix names; `UnreadableInput` for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise UnreadableInput(
            f"{path}: cannot tell the format from the suffix {suffix!r};"
            " expected .yaml, .yml, .json or .toml"
        )
    return _SUFFIXES[suffix]


def read_text(path: Path | str) -> str:
    """A file's text, refusing what is missing, too large or not UTF-8."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableInput(
                f"{path}: {size / 1024 / 1024:.1f} MiB, over the limit of"
                f" {MAX_BYTES // 1024 // 1024} MiB for one file"
            )
        data = file.read_bytes()
    except UnreadableInput:
        raise
    except OSError as exc:
        raise UnreadableInput(f"{path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{path}: not UTF-8 text (byte {exc.start})") from None


def load_document(
    text: str,
    format: Format,
    build: Callable[[object], T],
    *,
    expected: str,
    source: str | None = None,
    error: type[InvalidInput] = InvalidFramework,
) -> T:
    """Parse one document and ``build`` values from it; problems carry source, line, column."""
    data = parse(text, format, source=source, error=error)
    if data is None or data == {}:
        message = f"the document is empty: expected {expected}"
        raise error([_syntax_problem(message, source, None, None)])
    try:
        return build(data)
    except InvalidInput as exc:
        found = locate(text, format, list(exc.problems))
        raise error([attrs.evolve(p, source=source) for p in found]) from None


def loads_framework(text: str, *, format: Format = "yaml", source: str | None = None) -> Framework:
    """A framework from YAML, JSON or TOML text.

    Raises:
        InvalidFramework: with every problem found, each with its path and, for YAML
            and JSON, its line and column.
    """
    return load_document(
        text,
        format,
        lambda data: structure(data, Framework),
        expected=describe(Framework),
        source=source,
    )


def load_framework(path: Path | str, *, format: Format | None = None) -> Framework:
    """A framework from a file; the format comes from the suffix unless given.

    Raises:
        UnreadableInput: the file is missing, too large, not UTF-8 or of unknown format.
        InvalidFramework: with every problem found.
    """
    fmt = format or format_of(path)
    return loads_framework(read_text(path), format=fmt, source=str(path))


def dump_framework(framework: Framework, *, format: Format = "yaml") -> str:
    """Deterministic YAML, JSON or TOML text that `loads_framework` reads back as an equal value."""
    return dumps(unstructure(framework), format)


def histories_from_data(data: object) -> tuple[RatingHistory, ...]:
    """Histories from plain data: one history, a list of them, or ``{employees: [...]}``."""
    if isinstance(data, Mapping) and "employees" in data:
        extra = sorted(set(data) - {"employees"}, key=str)
        if extra:
            raise InvalidHistory(
                Problem(segments=(key,), message=f"unknown key {key!r}: expected only 'employees'")
                for key in extra
            )
        try:
            return structure(data["employees"], tuple[RatingHistory, ...], error=InvalidHistory)
        except InvalidHistory as exc:
            raise InvalidHistory(
                attrs.evolve(p, segments=("employees", *p.segments)) for p in exc.problems
            ) from None
    if isinstance(data, list):
        return structure(data, tuple[RatingHistory, ...], error=InvalidHistory)
    return (structure(data, RatingHistory, error=InvalidHistory),)


def loads_history(
    text: str, *, format: Format = "yaml", source: str | None = None
) -> tuple[RatingHistory, ...]:
    """Rating histories from YAML or JSON text: one employee, a list, or ``{employees: [...]}``.

    Raises:
        InvalidHistory: with every problem found, each with its path, line and column.
    """
    if format == "toml":
        raise ValueError("histories are YAML, JSON or CSV; TOML has no use for long tables")
    return load_document(
        text,
        format,
        histories_from_data,
        expected="one employee's history, a list of them, or {employees: [...]}",
        source=source,
        error=InvalidHistory,
    )


def load_history(
    path: Path | str,
    *,
    levels: Path | str | None = None,
    events: Path | str | None = None,
) -> tuple[RatingHistory, ...]:
    """Rating histories from a YAML or JSON file, or from CSV exports.

    For CSV, ``path`` is the long table of ratings
    (``employee_id,cycle,competency,score[,rater]``), ``levels`` the level assignments
    (``employee_id,family,track,level,since``) and ``events`` the optional evidence,
    endorsements and calibrations (``employee_id,cycle,event[,requirement,value,note]``).

    Raises:
        UnreadableInput: a file is missing, too large, not UTF-8 or of unknown format,
            or the files given do not go together (CSV ratings without levels, or
            levels and events beside a YAML or JSON history).
        InvalidHistory: with every bad row or value, each with file, line and column.
    """
    if Path(path).suffix.lower() != ".csv":
        if levels is not None or events is not None:
            raise UnreadableInput(
                f"{path}: levels and events files go with CSV ratings; a YAML or JSON"
                " history holds its levels and events itself"
            )
        return loads_history(read_text(path), format=format_of(path), source=str(path))
    if levels is None:
        raise UnreadableInput(
            f"{path}: CSV ratings need the level assignments too (levels=, or --levels at"
            " the command line)"
        )
    return _csv.load_csv(path, levels, events)
