"""The lint engine: rules over a framework, their vocabulary, and report output."""

from ._output import Location, lint_sarif, lint_text
from ._rules import (
    RULES,
    Finding,
    LintReport,
    Rule,
    Severity,
    SuppressedFinding,
    lint,
    lint_description,
)

__all__ = [
    "RULES",
    "Finding",
    "LintReport",
    "Location",
    "Rule",
    "Severity",
    "SuppressedFinding",
    "lint",
    "lint_description",
    "lint_sarif",
    "lint_text",
]
