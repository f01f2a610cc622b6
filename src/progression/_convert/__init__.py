"""The conversion engine: one cattrs converter, its problems, and the JSON Schema."""

from ._converter import (
    DERIVED,
    converter,
    describe,
    make_converter,
    problems_from,
    structure,
    unstructure,
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
