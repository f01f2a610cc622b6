"""JSON Schema for progression's file formats, derived from the attrs classes themselves."""

from __future__ import annotations

import enum
import inspect
from fractions import Fraction
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import attrs
from pyrsistent.typing import PMap, PSet, PVector

from .._history import Cycle, Rating, RatingHistory
from .._model import (
    Behaviour,
    Competency,
    Expectation,
    Framework,
    JobFamily,
    Level,
    Link,
    Track,
)
from .._policy import CRITERION_KINDS, Criterion
from ._converter import DERIVED

_DERIVED_SCHEMAS: dict[str, Any] = {
    "message": {"type": "string", "description": "The outcome in a sentence, for people."},
    "gap": {"type": ["integer", "null"], "description": "required - score; null if unrated."},
    "observed_value": {
        "type": ["number", "boolean", "null"],
        "description": "observed as a plain number (a float where it is a fraction).",
    },
    "required_value": {
        "type": ["number", "boolean", "null"],
        "description": "required as a plain number (a float where it is a fraction).",
    },
    "points": {"type": "integer", "description": "Total score points the increases add."},
    "sentence": {"type": "string", "description": "The plan in one plain sentence."},
}

__all__ = ["history_document_schema", "json_schema"]

_NUMBER = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*-?[0-9]+(\.[0-9]+|/[0-9]+)?\s*$"},
    ],
    "description": 'An exact number: 3.5, or a fraction as a string such as "7/2".',
}


def json_schema(root: type[Any] = Framework) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for documents that structure to ``root``.

    Built from the classes, so it cannot drift from what the loader accepts; editors use
    it to validate and complete YAML, services to check requests before sending them.
    """
    defs: dict[str, Any] = {}
    body = _schema(root, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": root.__name__,
        **{k: v for k, v in body.items() if k != "$ref"},
        **({"$ref": body["$ref"]} if "$ref" in body else {}),
        "$defs": dict(sorted(defs.items())),
    }


def history_document_schema() -> dict[str, Any]:
    """JSON Schema of a history document: one employee, a list, or ``{employees: [...]}``."""
    schema = json_schema(RatingHistory)
    one = {"$ref": schema.pop("$ref")}
    many = {"type": "array", "items": one}
    schema["title"] = "Rating history document"
    schema["anyOf"] = [
        one,
        many,
        {
            "type": "object",
            "properties": {"employees": many},
            "required": ["employees"],
            "additionalProperties": False,
        },
    ]
    return schema


def _schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin, args = get_origin(tp), get_args(tp)
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is Fraction:
        return dict(_NUMBER)
    if tp is Any:
        return {}
    if tp is Cycle:
        return {
            "type": "string",
            "pattern": r"^[0-9]{4}-(Q[1-4]|H[12]|Y)$",
            "description": "A review cycle: a quarter (2026-Q3), a half-year (2026-H2) or a"
            " year (2026-Y).",
        }
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [member.value for member in tp]}
    if tp is Criterion:
        return {"oneOf": [_schema(cls, defs) for cls in CRITERION_KINDS.values()]}
    if origin in (PVector, PSet):
        return {"type": "array", "items": _schema(args[0], defs)}
    if origin is PMap:
        out: dict[str, Any] = {"type": "object", "additionalProperties": _schema(args[1], defs)}
        if args[0] is int:
            out["propertyNames"] = {"pattern": r"^-?[0-9]+$"}
        return out
    if origin in (Union, UnionType):
        options = [a for a in args if a is not NoneType]
        inner = (
            _schema(options[0], defs)
            if len(options) == 1
            else {"anyOf": [_schema(o, defs) for o in options]}
        )
        return {"anyOf": [inner, {"type": "null"}]} if NoneType in args else inner
    if tp in _TEXT_OR_MAPPING:
        # A plain string stands for the value with only its main text.
        return {"anyOf": [dict(_TEXT), _class(tp, defs)]}
    if isinstance(tp, type) and attrs.has(tp):
        return _class(tp, defs)
    raise TypeError(f"no JSON Schema for {tp!r}")


#: Text that says something: required text, and optional text when given.
_TEXT = {"type": "string", "pattern": r"\S"}
#: Types a file may write as a plain string (a behaviour's text, a link's URL).
_TEXT_OR_MAPPING = (Behaviour, Link)
#: Fields that hold text which may not be empty or only spaces.
_WORDS: dict[type[Any], tuple[str, ...]] = {
    Framework: ("name", "version", "notes", "external_id"),
    JobFamily: ("name", "notes", "external_id"),
    Track: ("name", "notes", "external_id"),
    Level: ("name", "title", "alternative_titles", "scope", "autonomy", "notes", "external_id"),
    Competency: ("name", "summary", "notes", "external_id"),
    Expectation: ("notes", "external_id"),
    Behaviour: ("text", "examples", "notes", "external_id"),
    Link: ("url", "label"),
}


#: Fields whose schema says more than their type.
_FIELDS: dict[tuple[type[Any], str], dict[str, Any]] = {
    (Rating, "rater_id"): {
        "anyOf": [
            {
                "type": "string",
                # Not blank, no spaces at either end: what a CSV cell holds once trimmed.
                # The end is "no character follows", as "$" differs between dialects.
                "pattern": r"^\S(?:[\s\S]*\S)?(?![\s\S])",
                "description": "Who gave the score, such as the manager's employee id.",
            },
            {"type": "null"},
        ]
    },
}


def _words(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every string in it required to hold more than spaces."""
    if schema.get("type") == "string":
        return {**schema, **_TEXT}
    return {
        key: _words(value)
        if isinstance(value, dict)
        else [_words(v) for v in value]
        if key == "anyOf"
        else value
        for key, value in schema.items()
    }


def _expectation(properties: dict[str, Any]) -> dict[str, Any]:
    """An expectation: ``description`` (one behaviour) or ``behaviours``, not both."""
    properties["description"] = {**_TEXT, "description": "One behaviour: the shorthand."}
    properties["behaviours"]["minItems"] = 1
    properties["proficiency"] = {
        "anyOf": [
            {"type": "integer"},
            {**_TEXT, "description": "A label of the scale."},
            {"type": "null"},
        ]
    }
    return {"oneOf": [{"required": ["description"]}, {"required": ["behaviours"]}]}


def _class(cls: type[Any], defs: dict[str, Any]) -> dict[str, Any]:
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # reserve first: classes may refer to themselves
        hints = attrs.resolve_types(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        kind = getattr(cls, "kind", None)
        if isinstance(kind, str) and CRITERION_KINDS.get(kind) is cls:
            properties["kind"] = {"const": kind}
            required.append("kind")
        for field in attrs.fields(hints):
            if field.metadata.get("local"):
                continue
            if field.name == "metadata" and cls is Framework:
                properties[field.name] = {
                    "type": "object",
                    "description": "Free-form data kept on round-trip (no nulls).",
                }
            else:
                properties[field.name] = _schema(field.type, defs)
            if field.name in _WORDS.get(cls, ()):
                properties[field.name] = _words(properties[field.name])
            if (cls, field.name) in _FIELDS:
                properties[field.name] = _FIELDS[cls, field.name]
            if field.default is attrs.NOTHING:
                required.append(field.name)
        for derived in DERIVED.get(cls, ()):
            # Written on output, ignored on input: optional, so both directions validate.
            properties[derived] = _DERIVED_SCHEMAS[derived]
        extra: dict[str, Any] = {}
        if cls is Expectation:
            extra = _expectation(properties)
            required.remove("behaviours")
        defs[name] = {
            "type": "object",
            "description": inspect.getdoc(cls) or name,
            "properties": properties,
            "required": required,
            "additionalProperties": False,
            **extra,
        }
    return {"$ref": f"#/$defs/{name}"}
