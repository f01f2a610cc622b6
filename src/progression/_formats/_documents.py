"""Loading and dumping of YAML, JSON and TOML documents, and reading history files."""

from __future__ import annotations

import contextlib
import gc
import json
import json.decoder
import json.scanner
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import attrs
import tomli_w
import yaml

from .._convert import describe, structure, unstructure
from .._history import RatingHistory
from .._model import Framework
from .._numbers import MAX_DIGITS, MAX_NUMBER_TEXT
from .._validation import show
from ..exceptions import (
    InvalidFramework,
    InvalidHistory,
    InvalidInput,
    Problem,
    Segment,
    UnreadableInput,
)
from . import _csv

__all__ = [
    "FORMATS",
    "MAX_ALIAS_VALUES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Format",
    "dump_framework",
    "dump_history",
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
#: Values YAML aliases may add to those the text spells out. Without aliases a document
#: holds at most as many values as its text has characters; with them, 2.5 KB of
#: aliases made a million values of metadata that took 19 s to load and write.
MAX_ALIAS_VALUES = 10_000
_INT_LIMIT = 10**MAX_DIGITS
_INT_EXPECTED = f"an integer of at most {MAX_DIGITS} digits"
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_EXPECTED = "text without lone surrogates (U+D800 to U+DFFF)"


def _unknown_format(format: object) -> UnreadableInput:
    return UnreadableInput(f"unknown format {format!r}, expected one of {', '.join(FORMATS)}")


class _Loader(yaml.SafeLoader):
    """Safe YAML for plain data only.

    It refuses duplicate and unhashable keys, keeps dates as the text written, reads
    only what JSON can hold too (no sets, binary, ordered pairs or timestamps), and
    refuses integers too long to convert cheaply, with their line.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"a {type(key).__name__} cannot be a key",
                    key_node.start_mark,
                ) from None
            if repeated:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
        """An integer, unless its text is long enough to be costly to convert."""
        if len(node.value) > MAX_NUMBER_TEXT:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"an integer written in more than {MAX_NUMBER_TEXT} characters",
                node.start_mark,
            )
        try:
            value: int = self.construct_yaml_int(node)
        except (IndexError, ValueError):
            # An explicit tag on text that is no number (`!!int ""`, `!!int x`): PyYAML
            # indexes or converts it blindly.
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} tagged !!int is not an integer", node.start_mark
            ) from None
        return value

    def construct_checked_float(self, node: yaml.ScalarNode) -> float:
        """A float, or a YAML error where an explicit tag sits on text that is none."""
        try:
            value: float = self.construct_yaml_float(node)
        except (IndexError, ValueError):
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} tagged !!float is not a number", node.start_mark
            ) from None
        return value

    def construct_checked_bool(self, node: yaml.ScalarNode) -> bool:
        """A boolean, or a YAML error where an explicit tag sits on text that is none."""
        try:
            value: bool = self.construct_yaml_bool(node)
        except KeyError:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} tagged !!bool is not true or false", node.start_mark
            ) from None
        return value


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_bounded_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_checked_float)
_Loader.add_constructor("tag:yaml.org,2002:bool", _Loader.construct_checked_bool)


def _undefined(loader: _Loader, node: yaml.Node) -> None:
    loader.construct_undefined(node)


for _tag in ("binary", "omap", "pairs", "set", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _undefined)

#: Strings that YAML would fold or normalise unless quoted and escaped: line breaks of
#: every kind, tabs and other control characters, the byte order mark, and characters
#: that are not printable.
_NEEDS_ESCAPES = re.compile(
    "[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: equal sub-documents are written out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Double quotes are the one YAML style with escapes: whatever the string holds
    # reads back exactly.
    style = '"' if _NEEDS_ESCAPES.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


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


_NAMES = {"yaml": "YAML", "json": "JSON", "toml": "TOML"}


def parse(
    text: str,
    format: Format,
    *,
    source: str | None = None,
    error: type[InvalidInput] = InvalidFramework,
) -> object:
    """Plain data from YAML, JSON or TOML text.

    Malformed text raises ``error`` with the line and column the parser stopped at; so
    do values no file may hold (integers over `MAX_DIGITS` digits, lone surrogates), at
    their path.

    Raises:
        UnreadableInput: ``format`` is not one of `FORMATS`, or the text is longer than
            `MAX_BYTES` characters.
    """
    if format not in FORMATS:
        raise _unknown_format(format)
    if len(text) > MAX_BYTES:
        raise UnreadableInput(
            f"{source or 'input'}: {len(text)} characters, over the limit of {MAX_BYTES}"
        )
    name = _NAMES[format]
    try:
        if format == "yaml":
            data = yaml.load(text, Loader=_Loader)
        elif format == "json":
            data = json.loads(text, object_pairs_hook=_json_pairs)
        else:
            data = tomllib.loads(text)
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
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        raise error([_syntax_problem(f"malformed TOML: {message}", source, line, column)]) from None
    except (ValueError, OverflowError) as exc:
        # OverflowError: PyYAML converts "\UFFFFFFFF" with chr() before checking it.
        raise error([_value_error_problem(exc, text, name, source)]) from None
    problems = _check_document(data, min(MAX_VALUES, len(text) + MAX_ALIAS_VALUES))
    if problems:
        raise error(_placed(text, format, problems, source))
    return data


#: A YAML escape of eight hex digits: it may name a number past the last character.
_LONG_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")


def _value_error_problem(
    exc: ValueError | OverflowError, text: str, name: str, source: str | None
) -> Problem:
    """A parser's ValueError: a duplicate key, an integer too long, an escape too large.

    Escapes past the last character, U+10FFFF, are YAML's; PyYAML raises OverflowError
    for some of them.
    """
    if isinstance(exc, OverflowError) or "chr()" in str(exc):
        line = column = None
        shown = "an escape"
        for escape in _LONG_ESCAPE.finditer(text):
            if int(escape[1], 16) > sys.maxunicode:
                line, column = _line_column(text, [escape.start()])[escape.start()]
                shown = f"the escape {escape[0]}"
                break
        message = f"malformed {name}: {shown} is past U+10FFFF, the last character"
        return _syntax_problem(message, source, line, column)
    limit = sys.get_int_max_str_digits()
    if limit and "integer string conversion" in str(exc):
        # The parser gives no position; the first run of that many digits is the one.
        found = re.search(rf"[0-9_]{{{limit + 1},}}", text)
        line = column = None
        if found:
            line, column = _line_column(text, [found.start()])[found.start()]
        message = f"malformed {name}: an integer of more than {limit} digits"
        return _syntax_problem(message, source, line, column)
    return _syntax_problem(f"malformed {name}: {exc}", source, None, None)


def _check_document(data: object, most: int = MAX_VALUES) -> list[Problem]:
    """Problems with the document as a whole, found without recursion.

    The size and depth bounds stop at once, with one problem at ``$``: at most ``most``
    values, and `MAX_DEPTH` levels. Values that no
    file can hold back (integers over `MAX_DIGITS` digits, strings with lone
    surrogates) are each reported at their path.
    """
    # One level of the tree at a time, with the type tests inlined: this walk sees
    # every value of the largest documents, and runs before anything else does.
    level: list[object] = [data]
    count = 1
    odd = _bad_scalar(data)
    for depth in range(MAX_DEPTH + 1):
        below: list[object] = []
        for container in level:
            if type(container) is dict:
                if not odd:
                    odd = _odd_keys(container)
                items: Iterable[Any] = container.values()
            elif type(container) is list:
                items = container
            else:
                continue
            if container and depth == MAX_DEPTH:
                return [Problem(message=f"nested more than {MAX_DEPTH} levels deep")]
            count += len(container)
            if count > most:
                message = f"more than {MAX_VALUES} values (are YAML aliases repeating a subtree?)"
                if most < MAX_VALUES:
                    message = (
                        f"more than {most} values in {most - MAX_ALIAS_VALUES} characters (are"
                        f" YAML aliases repeating a subtree? They may add {MAX_ALIAS_VALUES} at"
                        " most)"
                    )
                return [Problem(message=message)]
            for item in items:
                kind = type(item)
                if kind is dict or kind is list:
                    below.append(item)
                elif odd:
                    continue
                elif kind is str:
                    odd = not item.isascii() and _SURROGATE.search(item) is not None
                elif kind is int:
                    odd = not -_INT_LIMIT < item < _INT_LIMIT
        level = below
    # Paths are only worked out when there is something to report.
    return list(_odd_values(data, ())) if odd else []


def _odd_keys(mapping: dict[Any, Any]) -> bool:
    try:
        # Keys are ASCII strings nearly always: one test in C for all of them.
        if "".join(mapping).isascii():
            return False
    except TypeError:
        pass  # a key that is not a string
    return any(_bad_scalar(key) for key in mapping)


def _bad_scalar(value: object) -> bool:
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    return type(value) is int and not -_INT_LIMIT < value < _INT_LIMIT


def _odd_values(value: object, at: tuple[Segment, ...]) -> Iterable[Problem]:
    # Recursive, but only over a document whose depth is already known to be bounded.
    if isinstance(value, dict):
        for key, item in value.items():
            if _bad_scalar(key):
                yield _odd_problem((*at, key), key, "key")
            yield from _odd_values(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _odd_values(item, (*at, index))
    elif _bad_scalar(value):
        yield _odd_problem(at, value, "value")


def _odd_problem(at: tuple[Segment, ...], value: object, what: str) -> Problem:
    if isinstance(value, str):
        message = f"a {what} with a lone surrogate, which no file can hold"
        expected = _SURROGATE_EXPECTED
    else:
        message = "integer out of range" if what == "value" else "integer key out of range"
        expected = _INT_EXPECTED
    shown = show(value)
    return Problem(
        segments=at,
        message=f"{message}: expected {expected}, got {shown}",
        expected=expected,
        got=shown,
    )


def dumps(data: Any, format: Format) -> str:
    """Deterministic text for plain data: the same data always gives the same bytes.

    Raises:
        UnreadableInput: ``format`` is not one of `FORMATS`.
    """
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
        return tomli_w.dumps(_string_keys(data))
    raise _unknown_format(format)


def _string_keys(data: Any) -> Any:
    # TOML keys are strings; integer keys (scale points) are read back from text.
    if isinstance(data, Mapping):
        return {str(key): _string_keys(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_string_keys(item) for item in data]
    return data


def locate(text: str, format: Format, problems: list[Problem]) -> list[Problem]:
    """Add line and column to problems whose path can be found in YAML or JSON text.

    The mark is the value at the path; the key instead when the value is a list or a
    mapping (a block value starts on the next line); the enclosing value where the
    path leads nowhere (a missing key, an index past the end).
    """
    return _placed(text, format, problems, None)


def _placed(
    text: str, format: Format, problems: list[Problem], source: str | None
) -> list[Problem]:
    """`locate`, and with ``source`` set on every problem when it is given."""
    marks: dict[tuple[Segment, ...], Mark] = {}
    if format != "toml" and problems:
        wanted = [p.segments for p in problems if p.line is None]
        marks = _json_marks(text, wanted) if format == "json" else _yaml_marks(text, wanted)
    out = []
    for problem in problems:
        changes: dict[str, Any] = {} if source is None else {"source": source}
        mark = marks.get(problem.segments) if problem.line is None else None
        if mark is not None:
            changes.update(line=mark[0], column=mark[1])
        out.append(attrs.evolve(problem, **changes) if changes else problem)
    return out


Mark = tuple[int, int]


def _yaml_marks(text: str, paths: list[tuple[Segment, ...]]) -> dict[tuple[Segment, ...], Mark]:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    if root is None:
        return {}
    keys: dict[int, dict[object, tuple[yaml.Node, yaml.Node]]] = {}
    marks = {}
    for path in paths:
        mark = _yaml_mark(root, path, keys)
        marks[path] = (mark.line + 1, mark.column + 1)
    return marks


def _yaml_mark(
    node: yaml.Node,
    segments: tuple[Segment, ...],
    keys: dict[int, dict[object, tuple[yaml.Node, yaml.Node]]],
) -> Any:
    for position, segment in enumerate(segments):
        if isinstance(node, yaml.MappingNode):
            if id(node) not in keys:
                keys[id(node)] = _yaml_keys(node)
            found = keys[id(node)].get(_yaml_key_of(segment))
            if found is None:
                return node.start_mark
            key_node, value_node = found
            if position == len(segments) - 1 and isinstance(value_node, yaml.CollectionNode):
                # A block value starts on the next line; the key is what to show.
                return key_node.start_mark
            node = value_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            if not 0 <= segment < len(node.value):
                return node.start_mark
            node = node.value[segment]
        else:
            return node.start_mark
    return node.start_mark


def _yaml_keys(node: yaml.MappingNode) -> dict[object, tuple[yaml.Node, yaml.Node]]:
    """The entries of a mapping node by key, as `_yaml_key_of` spells segments."""
    found: dict[object, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            # Keys are told apart by their text, except null and booleans, which have
            # several spellings each (~, null, Null; true, yes, on...).
            tag = key_node.tag.rsplit(":", 1)[-1]
            key: object = key_node.value
            if tag == "null":
                key = ("null",)
            elif tag == "bool":
                key = ("bool", key_node.value.lower() in ("yes", "true", "on", "y"))
            found.setdefault(key, (key_node, value_node))
    return found


def _yaml_key_of(segment: object) -> object:
    if segment is None:
        return ("null",)
    if isinstance(segment, bool):
        return ("bool", segment)
    if isinstance(segment, float):
        return repr(segment)
    return str(segment)


_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: The standard library's scanner (in C where available): a value's end from its start.
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = cast(Any, json.scanner).make_scanner(
    json.JSONDecoder()
)
_SCAN_STRING: Callable[[str, int], tuple[str, int]] = cast(Any, json.decoder).scanstring


def _json_marks(text: str, paths: list[tuple[Segment, ...]]) -> dict[tuple[Segment, ...], Mark]:
    """Line and column of each path in JSON text, in one pass over the text.

    Only the containers on the paths asked for are walked key by key; everything else
    is skipped by the standard library's scanner, so the cost is that of reading the
    text once, however many paths are asked for.
    """
    trie: dict[Any, Any] = {}
    for path in paths:
        node = trie
        for segment in path:
            node = node.setdefault(segment, {})
    scan = _JsonScan(text)
    # The text parsed, so the walk cannot fail; if it did, marks are a help, not a need.
    with contextlib.suppress(ValueError, IndexError):
        scan.visit(_skip(text, 0), None, trie, ())
    found = scan.found
    offsets = {}
    for path in paths:
        prefix = path
        while prefix not in found and prefix:
            prefix = prefix[:-1]
        if prefix not in found:
            continue
        key_at, value_at = found[prefix]
        offsets[path] = key_at if prefix == path else value_at
    lines = _line_column(text, offsets.values())
    return {path: lines[offset] for path, offset in offsets.items()}


class _JsonScan:
    """One walk down the paths wanted in a JSON text, skipping everything else."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: For each path reached: the offset that marks it (its key, for a list or
        #: mapping under a key) and the offset of its value (which marks a path that
        #: leads further, but nowhere).
        self.found: dict[tuple[Segment, ...], tuple[int, int]] = {}

    def visit(
        self, at: int, key_at: int | None, children: dict[Any, Any], path: tuple[Segment, ...]
    ) -> int:
        """Record the value at ``at`` and its wanted descendants; return its end."""
        text = self.text
        char = text[at]
        container = char in "[{"
        self.found[path] = (key_at if container and key_at is not None else at, at)
        if not children or not container:
            return _SCAN_ONCE(text, at)[1]
        at = _skip(text, at + 1)
        closing = "}" if char == "{" else "]"
        # Integer segments (scale points) are keys spelt as text in JSON.
        wanted = {str(k): k for k in children} if char == "{" else {}
        index = 0
        while text[at] != closing:
            member_at = at
            segment: Any = index
            if char == "{":
                key, at = _SCAN_STRING(text, at + 1)
                at = _skip(text, _skip(text, at) + 1)  # past the colon
                segment = wanted.get(key, key)
            if segment in children:
                at = self.visit(at, member_at, children[segment], (*path, segment))
            else:
                at = _SCAN_ONCE(text, at)[1]
            index += 1
            at = _skip(text, at)
            if text[at] == ",":
                at = _skip(text, at + 1)
        return at + 1


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    assert match is not None
    return match.end()


def _line_column(text: str, offsets: Iterable[int]) -> dict[int, Mark]:
    """Line and column (from 1) of each offset, in one pass over the text."""
    result = {}
    line, last_break, previous = 1, -1, 0
    for offset in sorted(set(offsets)):
        breaks = text.count("\n", previous, offset)
        if breaks:
            line += breaks
            last_break = text.rfind("\n", previous, offset)
        result[offset] = (line, offset - last_break)
        previous = offset
    return result


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
    with _bulk():
        data = parse(text, format, source=source, error=error)
        if data is None or data == {}:
            message = f"the document is empty: expected {expected}"
            raise error([_syntax_problem(message, source, None, None)])
        try:
            return build(data)
        except InvalidInput as exc:
            problems = list(exc.problems)
        raise error(_placed(text, format, problems, source)) from None


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Collect no reference cycles while a document is read.

    Reading allocates millions of objects that all live to the end, and every error
    found holds a cycle (exception, traceback, frame, list of errors), so the full
    collections the allocations trigger grow with the heap: refusing 48,000 bad values
    in a 6 MiB history took 19 s with them and 6 s without. Cycles left over are
    collected as usual once reading is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def loads_framework(text: str, *, format: Format = "yaml", source: str | None = None) -> Framework:
    """A framework from YAML, JSON or TOML text.

    Raises:
        InvalidFramework: with every problem found, each with its path and, for YAML
            and JSON, its line and column.
        UnreadableInput: the text is too long or ``format`` is unknown.
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
    """Deterministic YAML, JSON or TOML text that `loads_framework` reads back as an equal value.

    Raises:
        UnreadableInput: ``format`` is not one of `FORMATS`.
    """
    return dumps(unstructure(framework), format)


_HISTORY_EXPECTED = "one employee's history, a list of them, or {employees: [...]}"


def histories_from_data(data: object) -> tuple[RatingHistory, ...]:
    """Histories from plain data: one history, a list of them, or ``{employees: [...]}``."""
    if isinstance(data, Mapping) and "employees" in data:
        extra = sorted(set(data) - {"employees"}, key=str)
        if extra:
            raise InvalidHistory(
                Problem(
                    segments=(key,),
                    message=f"unknown key {show(key)}: expected only 'employees'",
                    expected="only 'employees'",
                    got=show(key),
                )
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


def _history_format(format: object, source: str | None) -> None:
    if format == "toml":
        raise UnreadableInput(
            f"{source or 'input'}: histories are YAML, JSON or CSV, not TOML"
            " (TOML has no use for long tables)"
        )
    if format not in FORMATS:
        raise _unknown_format(format)


def loads_history(
    text: str, *, format: Format = "yaml", source: str | None = None
) -> tuple[RatingHistory, ...]:
    """Rating histories from YAML or JSON text: one employee, a list, or ``{employees: [...]}``.

    Raises:
        InvalidHistory: with every problem found, each with its path, line and column.
        UnreadableInput: the text is too long, or ``format`` is not YAML or JSON.
    """
    _history_format(format, source)
    return load_document(
        text,
        format,
        histories_from_data,
        expected=_HISTORY_EXPECTED,
        source=source,
        error=InvalidHistory,
    )


def dump_history(
    histories: RatingHistory | Iterable[RatingHistory],
    *,
    format: Format = "yaml",
) -> str:
    """Deterministic YAML or JSON text that `loads_history` reads back as equal histories.

    The text is a mapping with the one key ``employees``, holding the histories in the
    order given; one history is written as a list of one.

    Raises:
        UnreadableInput: ``format`` is not YAML or JSON.
    """
    _history_format(format, None)
    items = (histories,) if isinstance(histories, RatingHistory) else tuple(histories)
    return dumps({"employees": [unstructure(history) for history in items]}, format)


def load_history(
    path: Path | str,
    *,
    levels: Path | str | None = None,
    events: Path | str | None = None,
) -> tuple[RatingHistory, ...]:
    """Rating histories from a YAML or JSON file, or from CSV exports.

    For CSV, ``path`` is the long table of ratings
    (``employee_id,cycle,competency,score[,rater][,rater_id]``), ``levels`` the levels
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
        fmt = format_of(path)
        _history_format(fmt, str(path))
        return loads_history(read_text(path), format=fmt, source=str(path))
    if levels is None:
        raise UnreadableInput(
            f"{path}: CSV ratings need the level assignments too (levels=, or --levels at"
            " the command line)"
        )
    return _csv.load_csv(path, levels, events)
