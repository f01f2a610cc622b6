"""The conversion engine: one cattrs converter, its problems, and the JSON Schema."""

from ._converter import DERIVED, converter, describe, problems_from, structure, unstructure

__all__ = ["DERIVED", "converter", "describe", "problems_from", "structure", "unstructure"]
