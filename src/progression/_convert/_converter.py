"""The one cattrs converter: plain data to progression values and back, with every problem."""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from fractions import Fraction
from typing import Any, TypeVar, cast, get_args, get_origin

import attrs
import cattrs
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

from .._evaluation import CriterionResult, CycleCheck, Gap, Observed, Plan
from .._history import CYCLE_EXPECTED, Cycle
from .._lint import Finding
from .._model import Behaviour, Expectation, Framework, Link, RatingScale
from .._numbers import OutOfRange, format_number, to_fraction
from .._policy import CRITERION_KINDS, Criterion
from .._validation import one_of, show
from ..exceptions import (
    InvalidFramework,
    InvalidInput,
    Problem,
    Segment,
)

__all__ = [
    "DERIVED",
    "converter",
    "describe",
    "make_converter",
    "problems_from",
    "structure",
    "unstructure",
]

T = TypeVar("T")


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
    if tp in _TEXT_OR_MAPPING:
        return f"a string or a mapping ({tp.__name__})"
    if isinstance(tp, type) and attrs.has(tp):
        return f"a mapping ({tp.__name__})"
    if tp in _TEXT_OR_MAPPING:
        return f"a string or a mapping ({tp.__name__})"
    if origin in (_PVectorType, _PSetType) and args and args[0] in _TEXT_OR_MAPPING:
        return f"a list of strings or mappings ({args[0].__name__})"
    if (origin in (_PVectorType, _PSetType) and args) or _is_homogeneous_tuple(tp):
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
    except OutOfRange as exc:
        raise _Expected(exc.expected, value, "number out of range") from None
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


def _structure_key(conv: cattrs.Converter, value: object, tp: Any) -> Any:
    # JSON and TOML keys are always strings, so integer keys arrive spelled as text
    # (no longer than an integer a document may hold, so int() stays cheap).
    if tp is int and isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,30}", value):
        return int(value)
    return conv.structure(value, tp)


def _is_homogeneous_tuple(tp: Any) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook(tp: Any, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    """Structures ``tuple[X, ...]`` from a list, keeping the index of every bad item.

    Anything but a list is one problem: cattrs' own hook would read a string as a
    tuple of its characters and fail on a number with a bare TypeError.
    """
    item_type = get_args(tp)[0]
    item_hook = conv.get_structure_hook(item_type)

    def structure(value: object, _: type) -> Any:
        if not isinstance(value, list | tuple):
            raise _Expected(describe(tp), value)
        result = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                result.append(item_hook(item, item_type))
            except Exception as exc:
                exc.add_note(
                    IterableValidationNote(f"Structuring {tp} @ index {index}", index, item_type)
                )
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {describe(tp)}", errors, tp)
        return tuple(result)

    return structure


def _sequence_hook(
    build: Callable[[Any], Any],
) -> Callable[[Any, cattrs.Converter], Callable[[object, type], Any]]:
    """A hook factory for PVector[X] or PSet[X], built on the tuple hook.

    The tuple hook keeps the index of every bad item in error paths; ``build`` then
    makes the persistent collection.
    """

    def factory(tp: Any, conv: cattrs.Converter) -> Callable[[object, type], Any]:
        (item_type,) = get_args(tp) or (Any,)
        as_tuple = conv.get_structure_hook(tuple[item_type, ...])  # type: ignore[valid-type]

        def structure(value: object, _: type) -> Any:
            if not isinstance(value, list | tuple):
                raise _Expected(describe(tp), value)
            return build(as_tuple(value, tuple[item_type, ...]))  # type: ignore[valid-type]

        return structure

    return factory


def _pmap_hook(tp: Any, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    key_type, value_type = get_args(tp) or (Any, Any)
    value_hook = conv.get_structure_hook(value_type)

    def structure(value: object, _: type) -> Any:
        if not isinstance(value, Mapping):
            raise _Expected(describe(tp), value)
        result: dict[Any, Any] = {}
        written: dict[Any, object] = {}  # each key as the file spelt it
        errors: list[Exception] = []
        for key, item in value.items():
            try:
                structured = _structure_key(conv, key, key_type)
                if structured in written:
                    # 1 and "1" (or "01") are one key once read: neither silently wins.
                    raise _Expected(
                        "each key once, however it is written",
                        key,
                        f"key {show(key)} repeats key {show(written[structured])}",
                        show_got=False,
                    )
                written[structured] = key
                result[structured] = value_hook(item, value_type)
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


def _sorted_map_unstructurer(
    _: Any, conv: cattrs.Converter
) -> Callable[[Mapping[Any, Any]], dict[Any, Any]]:
    def unstructure_map(value: Mapping[Any, Any]) -> dict[Any, Any]:
        return {key: conv.unstructure(value[key]) for key in sorted(value)}

    return unstructure_map


def _attrs_hook(cls: type[T], conv: cattrs.Converter) -> Callable[[object, type], T]:
    generated = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **_overrides(cls))
    names = [a.name for a in attrs.fields(cast(Any, cls)) if not a.metadata.get("local")]

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
    CriterionResult: ("message", "observed_value", "required_value"),
    CycleCheck: ("observed_value",),
    Gap: ("gap",),
    Plan: ("points", "sentence"),
    Finding: ("path",),
}


def _attrs_unstructure_hook(
    cls: type[Any], conv: cattrs.Converter
) -> Callable[[Any], dict[str, Any]]:
    generated = make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **_overrides(cls))
    kind = CRITERION_KINDS.get(getattr(cls, "kind", None) or "")
    if kind is cls:
        return lambda value: {"kind": cls.kind, **generated(value)}
    derived = DERIVED.get(cls)
    if derived:
        return lambda value: {
            **generated(value),
            **{name: conv.unstructure(getattr(value, name)) for name in derived},
        }
    return generated


def _structure_observed(value: object, _: type) -> Observed:
    if value is None or isinstance(value, bool | int):
        return value
    return _structure_fraction(value, Fraction)


def _overrides(cls: type[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {
        a.name: override(omit=True) for a in attrs.fields(cls) if a.metadata.get("local")
    }
    if cls is Framework:
        found["metadata"] = override(struct_hook=_structure_metadata, unstruct_hook=_thaw_sorted)
    if cls is Expectation:
        found["proficiency"] = override(struct_hook=_structure_proficiency)
    return found


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


def _criterion_hook(_: Any, conv: cattrs.Converter) -> Callable[[object, type], Criterion]:
    # Done by hand rather than with cattrs' tagged unions, which report an unknown
    # tag as a missing field.
    def structure(value: object, _: type) -> Criterion:
        return _structure_criterion(conv, value)

    return structure


def _structure_criterion(conv: cattrs.Converter, value: object) -> Criterion:
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
    return conv.structure(rest, cls)


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


# --- shorthands: a plain string for a behaviour or link, description for one behaviour ---

#: Values a file may write as a plain string: a behaviour's text, a link's URL.
_TEXT_OR_MAPPING: dict[type[Any], str] = {Behaviour: "text", Link: "url"}
#: Keys a type reads beside its fields: an expectation's one-behaviour shorthand.
_SHORTHAND_KEYS: dict[type[Any], tuple[str, ...]] = {Expectation: ("description",)}


def _is_text_or_mapping(tp: Any) -> bool:
    return any(tp is cls for cls in _TEXT_OR_MAPPING)


def _text_or_mapping_hook(cls: Any, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    field = _TEXT_OR_MAPPING[cls]
    generated = _attrs_hook(cls, conv)

    def structure(value: object, _: type) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(**{field: value})
            except InvalidInput as exc:
                # The string is the value itself: its problems belong at its own path.
                raise InvalidFramework(
                    attrs.evolve(p, segments=p.segments[1:]) for p in exc.problems
                ) from None
        if not isinstance(value, Mapping):
            raise _Expected(describe(cls), value)
        return generated(value, cls)

    return structure


def _text_or_mapping_unstructure_hook(cls: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    field = _TEXT_OR_MAPPING[cls]
    generated = _attrs_unstructure_hook(cls, conv)

    def unstructure(value: Any) -> Any:
        data = generated(value)
        return data[field] if list(data) == [field] else data

    return unstructure


def _expectation_hook(_: Any, conv: cattrs.Converter) -> Callable[[object, type], Expectation]:
    generated = _attrs_hook(Expectation, conv)

    def structure(value: object, cls: type) -> Expectation:
        if not isinstance(value, Mapping) or "description" not in value:
            return generated(value, cls)
        rest = {key: item for key, item in value.items() if key != "description"}
        description = value["description"]
        errors: list[Exception] = []
        if "behaviours" in rest:
            errors.append(_Expected("description or behaviours", None, _BOTH, show_got=False))
        elif not isinstance(description, str):
            errors.append(_Expected("a string", description))
        else:
            try:
                rest["behaviours"] = [Behaviour(text=description)]
            except InvalidInput as exc:
                errors.append(
                    InvalidFramework(attrs.evolve(p, segments=p.segments[1:]) for p in exc.problems)
                )
        for error in errors:
            error.add_note(AttributeValidationNote("description", "description", str))
        # Placeholder text keeps the rest of the expectation checked along with it.
        rest.setdefault("behaviours", ["-"])
        try:
            result = generated(rest, cls)
        except (ClassValidationError, InvalidInput) as exc:
            subs = list(exc.exceptions) if isinstance(exc, ClassValidationError) else [exc]
            raise ClassValidationError(
                "While structuring Expectation", [*errors, *subs], cls
            ) from None
        if errors:
            raise ClassValidationError("While structuring Expectation", errors, cls)
        return result

    return structure


_BOTH = "give description (one behaviour) or behaviours, not both"


def _expectation_unstructure_hook(
    _: Any, conv: cattrs.Converter
) -> Callable[[Expectation], dict[str, Any]]:
    generated = _attrs_unstructure_hook(Expectation, conv)

    def unstructure(value: Expectation) -> dict[str, Any]:
        data = generated(value)
        if not value.shorthand:
            return data
        rest = {key: item for key, item in data.items() if key != "behaviours"}
        return {"description": value.behaviours[0].text, **rest}

    return unstructure


# --- proficiency labels: a scale's label in a file stands for its point ---

#: The scale of the framework being read, whose labels a proficiency may name.
_LABELS: ContextVar[RatingScale | None] = ContextVar("labels", default=None)


def _label_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _structure_proficiency(value: object, _: type) -> int | None:
    if value is None or not isinstance(value, str):
        return None if value is None else _structure_int(value, int)
    scale = _LABELS.get()
    if scale is None:
        raise _Expected("an integer (labels are read with the framework's scale)", value)
    exact = [point for point, label in scale.labels.items() if label == value]
    loose = [p for p, label in scale.labels.items() if _label_key(label) == _label_key(value)]
    if exact or len(loose) == 1:
        return (exact or loose)[0]
    labels = [scale.labels[point] for point in scale.points]
    close = difflib.get_close_matches(value, labels, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise _Expected(
        f"a point from {scale.min} to {scale.max} or its label: {one_of(labels)}",
        value,
        f"unknown proficiency label{hint}",
    )


def _framework_hook(_: Any, conv: cattrs.Converter) -> Callable[[object, type], Framework]:
    generated = _attrs_hook(Framework, conv)

    def structure(value: object, cls: type) -> Framework:
        scale: RatingScale | None = RatingScale()
        if isinstance(value, Mapping) and "scale" in value:
            try:
                scale = conv.structure(value["scale"], RatingScale)
            except Exception:  # reported when the framework's own scale is read
                scale = None
        token = _LABELS.set(scale)
        try:
            return generated(value, cls)
        finally:
            _LABELS.reset(token)

    return structure


def make_converter() -> cattrs.Converter:
    """A new converter with progression's hooks, independent of every other one.

    Every hook that structures or unstructures a part uses the converter it was made
    for (cattrs hands it to the hook factories), so a hook registered on one converter
    never reaches into another.
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(Cycle, _structure_cycle)
    conv.register_structure_hook(Observed, _structure_observed)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook)
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
        lambda _, c: lambda value: [c.unstructure(item) for item in value],
    )
    conv.register_unstructure_hook_factory(
        _is(_PSetType, _PSetRuntime),
        lambda _, c: lambda value: [c.unstructure(item) for item in sorted(value)],
    )
    conv.register_unstructure_hook_factory(_is(_PMapType, _PMapRuntime), _sorted_map_unstructurer)
    conv.register_structure_hook_factory(attrs.has, _attrs_hook)
    conv.register_unstructure_hook_factory(attrs.has, _attrs_unstructure_hook)
    conv.register_structure_hook_factory(lambda tp: tp == Criterion, _criterion_hook)
    conv.register_structure_hook_factory(_is_text_or_mapping, _text_or_mapping_hook)
    conv.register_unstructure_hook_factory(_is_text_or_mapping, _text_or_mapping_unstructure_hook)
    conv.register_structure_hook_factory(lambda tp: tp is Expectation, _expectation_hook)
    conv.register_unstructure_hook_factory(
        lambda tp: tp is Expectation, _expectation_unstructure_hook
    )
    conv.register_structure_hook_factory(lambda tp: tp is Framework, _framework_hook)
    return conv


#: The converter behind every load and dump.
converter: cattrs.Converter = make_converter()


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
        known = (
            [a.name for a in attrs.fields(exc.cl) if not a.metadata.get("local")]
            if attrs.has(exc.cl)
            else []
        )
        if CRITERION_KINDS.get(getattr(exc.cl, "kind", "")) is exc.cl:
            known.insert(0, "kind")
        known[:0] = _SHORTHAND_KEYS.get(exc.cl, ())
        expected = f"one of {', '.join(known)}" if len(known) > 1 else f"only {known[0]!r}"
        out = []
        for key in sorted(exc.extra_fields, key=str):
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(
                Problem(
                    segments=(*segments, key),
                    message=f"unknown key {show(key)}{hint}: expected {expected}",
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
    except InvalidInput as exc:
        raise error(exc.problems) from None
    except Exception as exc:
        # Whatever the data, the caller gets ``error``: a fault no hook foresaw still
        # becomes a problem at the path where it happened.
        raise error(problems_from(exc)) from None


def unstructure(value: object) -> Any:
    """Plain data (dicts, lists, strings, numbers) for a progression value; maps sorted."""
    return converter.unstructure(value)
