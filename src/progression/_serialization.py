"""The one cattrs converter, and loading and dumping of YAML, JSON and TOML documents."""

from __future__ import annotations

import difflib
import enum
import json
import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, TypeVar, cast, get_args, get_origin

import attrs
import cattrs
import yaml
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from pyrsistent import PMap as _PMapRuntime
from pyrsistent import PSet as _PSetRuntime
from pyrsistent import PVector as _PVectorRuntime
from pyrsistent import freeze, pmap, pset, pvector
from pyrsistent.typing import PMap as _PMapType
from pyrsistent.typing import PSet as _PSetType
from pyrsistent.typing import PVector as _PVectorType

from . import _csv, _toml
from ._analysis import Finding
from ._evaluation import CriterionResult, Gap, Observed, Plan
from ._history import CYCLE_EXPECTED, Cycle, RatingHistory
from ._model import Framework
from ._policy import CRITERION_KINDS, Criterion, format_number, to_fraction
from ._validation import one_of, show
from .exceptions import (
    InvalidFramework,
    InvalidHistory,
    InvalidInput,
    Problem,
    Segment,
    UnreadableInput,
)

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "Format",
    "converter",
    "dump_framework",
    "dumps",
    "format_of",
    "load_framework",
    "load_history",
    "loads_framework",
    "loads_history",
    "parse",
    "read_text",
    "structure",
    "unstructure",
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


class _Expected(ValueError):
    """A value of the wrong shape, with what was expected; becomes a `Problem`."""

    def __init__(
        self, expected: str, got: object, message: str = "wrong type", *, show_got: bool = True
    ) -> None:
        text = f"{message}, expected {expected}"
        if show_got:
            text = f"{message}: expected {expected}, got {show(got)}"
        super().__init__(text)
        self.expected = expected
        self.got = got


def describe(tp: Any) -> str:
    """Words for a type in messages: ``a list of strings``, ``an integer``..."""
    origin = get_origin(tp)
    args = get_args(tp)
    if tp is str:
        return "a string"
    if tp is int:
        return "an integer"
    if tp is bool:
        return "true or false"
    if tp is Fraction:
        return 'a number (like 3.5 or "7/2")'
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return one_of(member.value for member in tp)
    if isinstance(tp, type) and attrs.has(tp):
        return f"a mapping ({tp.__name__})"
    if origin in (_PVectorType, _PSetType) and args:
        return f"a list of {_plural(describe(args[0]))}"
    if origin is _PMapType and args:
        return f"a mapping of {_plural(describe(args[1]))}"
    if tp is Criterion or (args and all(a in CRITERION_KINDS.values() for a in args)):
        return f"a criterion with a kind of {one_of(CRITERION_KINDS)}"
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return " or ".join(describe(a) for a in rest) + " (or nothing)"
    return getattr(tp, "__name__", str(tp))


def _plural(words: str) -> str:
    for article in ("an ", "a "):
        if words.startswith(article):
            noun = words[len(article) :]
            head, _, tail = noun.partition(" ")
            return (head + "s") + (" " + tail if tail else "")
    return words


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise _Expected("a string", value)
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Expected("an integer", value)
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise _Expected("true or false", value)
    return value


def _structure_fraction(value: object, _: type) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Fraction):
        raise _Expected(describe(Fraction), value)
    try:
        return to_fraction(value)
    except (ValueError, ZeroDivisionError, TypeError):
        raise _Expected(describe(Fraction), value, "not a number") from None


def _unstructure_fraction(value: Fraction) -> int | float | str:
    # A number where one spells it exactly, "p/q" where no float does: lossless in
    # every format, and still what a person would write.
    if value.denominator == 1:
        return value.numerator
    as_float = float(value)
    if Fraction(repr(as_float)) == value:
        return as_float
    return format_number(value)


def _structure_enum(cls: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    def structure(value: object, _: type) -> enum.Enum:
        for member in cls:
            if member.value == value:
                return member
        raise _Expected(describe(cls), value, "unknown value")

    return structure


def _structure_key(value: object, tp: Any) -> Any:
    # JSON and TOML keys are always strings, so integer keys arrive spelled as text.
    if tp is int and isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return converter.structure(value, tp)


def _sequence_hook(build: Callable[[Any], Any]) -> Callable[[Any], Callable[[object, type], Any]]:
    """A hook factory for PVector[X] or PSet[X], built on cattrs' tuple hook.

    The tuple hook keeps the index of every bad item in error paths; ``build`` then
    makes the persistent collection.
    """

    def factory(tp: Any) -> Callable[[object, type], Any]:
        (item_type,) = get_args(tp) or (Any,)
        as_tuple = converter.get_structure_hook(tuple[item_type, ...])  # type: ignore[valid-type]

        def structure(value: object, _: type) -> Any:
            # Without this a string would structure as a tuple of its characters.
            if not isinstance(value, list | tuple):
                raise _Expected(describe(tp), value)
            return build(as_tuple(value, tuple[item_type, ...]))  # type: ignore[valid-type]

        return structure

    return factory


def _pmap_hook(tp: Any) -> Callable[[object, type], Any]:
    key_type, value_type = get_args(tp) or (Any, Any)
    value_hook = converter.get_structure_hook(value_type)

    def structure(value: object, _: type) -> Any:
        if not isinstance(value, Mapping):
            raise _Expected(describe(tp), value)
        result: dict[Any, Any] = {}
        errors: list[Exception] = []
        for key, item in value.items():
            try:
                result[_structure_key(key, key_type)] = value_hook(item, value_type)
            except Exception as exc:
                exc.add_note(
                    IterableValidationNote(f"Structuring mapping @ key {key!r}", key, value_type)
                )
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {describe(tp)}", errors, tp)
        return pmap(result)

    return structure


def _is(origin: Any, runtime: type | None = None) -> Callable[[Any], bool]:
    """Matches ``PVector[X]`` in annotations, and optionally the runtime class too.

    Values unstructured without a type arrive as pyrsistent's runtime classes, which
    are not its typing classes.
    """

    def matches(tp: Any) -> bool:
        if get_origin(tp) is origin or tp is origin:
            return True
        return runtime is not None and isinstance(tp, type) and issubclass(tp, runtime)

    return matches


def _unstructure_sorted_map(value: Mapping[Any, Any]) -> dict[Any, Any]:
    return {key: converter.unstructure(value[key]) for key in sorted(value)}


def _attrs_hook(cls: type[T]) -> Callable[[object, type], T]:
    generated = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=True, **_overrides(cls)
    )
    names = [a.name for a in attrs.fields(cast(Any, cls))]

    derived = DERIVED.get(cls, ())
    tag = getattr(cls, "kind", None)
    tagged = isinstance(tag, str) and CRITERION_KINDS.get(tag) is cls

    def structure(value: object, _: type) -> T:
        if not isinstance(value, Mapping):
            raise _Expected(f"a mapping with keys {', '.join(names)}", value)
        if derived and any(name in value for name in derived):
            value = {key: item for key, item in value.items() if key not in derived}
        if tagged and "kind" in value:
            # A criterion dumped on its own carries its tag; it must be this class's.
            if value["kind"] != tag:
                raise _Expected(repr(tag), value["kind"], "wrong kind")
            value = {key: item for key, item in value.items() if key != "kind"}
        return generated(value, cls)

    return structure


#: Properties written out beside the fields for readers of the JSON, and ignored when
#: read back (they are recomputed from the fields).
DERIVED: dict[type[Any], tuple[str, ...]] = {
    CriterionResult: ("message",),
    Gap: ("gap",),
    Plan: ("points", "sentence"),
    Finding: ("path",),
}


def _attrs_unstructure_hook(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    generated = make_dict_unstructure_fn(
        cls, converter, _cattrs_omit_if_default=True, **_overrides(cls)
    )
    kind = CRITERION_KINDS.get(getattr(cls, "kind", None) or "")
    if kind is cls:
        return lambda value: {"kind": cls.kind, **generated(value)}
    derived = DERIVED.get(cls)
    if derived:
        return lambda value: {
            **generated(value),
            **{name: converter.unstructure(getattr(value, name)) for name in derived},
        }
    return generated


def _structure_observed(value: object, _: type) -> Observed:
    if value is None or isinstance(value, bool | int):
        return value
    return _structure_fraction(value, Fraction)


def _overrides(cls: type[Any]) -> dict[str, Any]:
    if cls is Framework:
        return {"metadata": override(struct_hook=_structure_metadata, unstruct_hook=_thaw_sorted)}
    return {}


def _structure_metadata(value: object, _: type) -> Any:
    if not isinstance(value, Mapping):
        raise _Expected("a mapping", value)
    return freeze(dict(value))


def _thaw_sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thaw_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple | _PVectorRuntime):
        return [_thaw_sorted(item) for item in value]
    return value


def _structure_criterion(value: object, _: type) -> Criterion:
    # Done by hand rather than with cattrs' tagged unions, which report an unknown
    # tag as a missing field.
    if not isinstance(value, Mapping):
        raise _Expected(describe(Criterion), value)
    if "kind" not in value:
        exc = _Expected(
            f"one of {one_of(CRITERION_KINDS)}", None, "missing key 'kind'", show_got=False
        )
        exc.add_note(AttributeValidationNote("kind", "kind", str))
        raise ClassValidationError("While structuring a criterion", [exc], dict)
    kind = value["kind"]
    cls = CRITERION_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        exc = _Expected(
            f"one of {one_of(CRITERION_KINDS)}", kind, f"unknown kind {show(kind)}", show_got=False
        )
        exc.add_note(AttributeValidationNote("kind", "kind", str))
        raise ClassValidationError("While structuring a criterion", [exc], dict)
    rest = {key: item for key, item in value.items() if key != "kind"}
    return converter.structure(rest, cls)


def _structure_cycle(value: object, _: type) -> Cycle:
    if not isinstance(value, str):
        raise _Expected(CYCLE_EXPECTED, value)
    try:
        return Cycle.parse(value)
    except ValueError:
        raise _Expected(CYCLE_EXPECTED, value, "not a review cycle") from None


def _structure_segments(value: object, _: type) -> tuple[str | int, ...]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        raise _Expected("a list of keys and indices", value)
    return tuple(value)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(Cycle, _structure_cycle)
    conv.register_structure_hook(Observed, _structure_observed)
    # Segments are a path's parts: strings and list indices, kept as they are.
    conv.register_structure_hook_factory(
        lambda tp: tp == tuple[str | int, ...], lambda _: _structure_segments
    )
    conv.register_unstructure_hook(Cycle, str)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(Fraction, _structure_fraction)
    conv.register_unstructure_hook(Fraction, _unstructure_fraction)
    conv.register_structure_hook_factory(
        lambda tp: isinstance(tp, type) and issubclass(tp, enum.Enum), _structure_enum
    )
    conv.register_structure_hook_factory(_is(_PVectorType), _sequence_hook(pvector))
    conv.register_structure_hook_factory(_is(_PSetType), _sequence_hook(pset))
    conv.register_structure_hook_factory(_is(_PMapType), _pmap_hook)
    conv.register_unstructure_hook_factory(
        _is(_PVectorType, _PVectorRuntime),
        lambda _: lambda value: [conv.unstructure(item) for item in value],
    )
    conv.register_unstructure_hook_factory(
        _is(_PSetType, _PSetRuntime),
        lambda _: lambda value: [conv.unstructure(item) for item in sorted(value)],
    )
    conv.register_unstructure_hook_factory(
        _is(_PMapType, _PMapRuntime), lambda _: _unstructure_sorted_map
    )
    conv.register_structure_hook_factory(attrs.has, _attrs_hook)
    conv.register_unstructure_hook_factory(attrs.has, _attrs_unstructure_hook)
    conv.register_structure_hook(Criterion, _structure_criterion)
    return conv


#: The converter behind every load and dump. The hook factories above look it up as a
#: module global when they first run, which is after this assignment.
converter: cattrs.Converter = _make_converter()


def problems_from(exc: BaseException, segments: tuple[Segment, ...] = ()) -> list[Problem]:
    """Every `Problem` inside a cattrs error tree, with paths from the document root."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        found: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            segment = note.name if isinstance(note, AttributeValidationNote) else note.index
            if isinstance(sub, KeyError) and isinstance(note, AttributeValidationNote):
                found.append(
                    Problem(
                        segments=(*segments, segment),
                        message=f"missing required key {segment!r}: expected {describe(note.type)}",
                        expected=describe(note.type),
                    )
                )
            else:
                found.extend(problems_from(sub, (*segments, segment)))
        for sub in without:
            found.extend(problems_from(sub, segments))
        return found
    if isinstance(exc, InvalidInput):
        return [attrs.evolve(p, segments=segments + p.segments) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        if CRITERION_KINDS.get(getattr(exc.cl, "kind", "")) is exc.cl:
            known.insert(0, "kind")
        expected = f"one of {', '.join(known)}" if len(known) > 1 else f"only {known[0]!r}"
        out = []
        for key in sorted(exc.extra_fields, key=str):
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(
                Problem(
                    segments=(*segments, key),
                    message=f"unknown key {key!r}{hint}: expected {expected}",
                    expected=expected,
                    got=show(key),
                )
            )
        return out
    if isinstance(exc, _Expected):
        return [
            Problem(
                segments=segments,
                message=str(exc),
                expected=exc.expected,
                got=None if exc.got is None else show(exc.got),
            )
        ]
    return [Problem(segments=segments, message=f"invalid value: {exc}")]


def structure(data: object, cls: type[T], *, error: type[InvalidInput] = InvalidFramework) -> T:
    """Build a value of ``cls`` from plain data; every fault is raised at once as ``error``."""
    try:
        return converter.structure(data, cls)
    except (
        ClassValidationError,
        IterableValidationError,
        ForbiddenExtraKeysError,
        _Expected,
    ) as exc:
        raise error(problems_from(exc)) from None
    except InvalidInput as exc:
        raise error(exc.problems) from None


def unstructure(value: object) -> Any:
    """Plain data (dicts, lists, strings, numbers) for a progression value; maps sorted."""
    return converter.unstructure(value)


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
    return _csv.histories_from_csv(
        read_text(path),
        read_text(levels),
        None if events is None else read_text(events),
        sources=(str(path), str(levels), str(events)),
    )
