"""Lint reports for people (text) and for code hosts (SARIF 2.1.0)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._rules import RULES, Finding, LintReport, Severity

__all__ = ["Location", "lint_sarif", "lint_text"]

#: (line, column) of a finding in its file, where known.
Location = tuple[int | None, int | None]


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_TERMINAL = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


def lint_text(reports: Iterable[tuple[str, LintReport, list[Location]]], *, colour: bool) -> str:
    """Findings grouped by file and then by element, with a suggestion under each."""
    out = []
    total = 0
    for source, report, located in reports:
        if not report.findings:
            out.append(f"{source}: clean" + _suppressed_note(report))
            continue
        out.append(f"{source}:" + _suppressed_note(report))
        by_element: dict[str, list[tuple[Finding, Location]]] = {}
        for finding, where in zip(report.findings, located, strict=True):
            by_element.setdefault(_element(finding.path), []).append((finding, where))
        for element, items in by_element.items():
            out.append(f"  {element}")
            for finding, (line, column) in items:
                total += 1
                label = finding.severity.value
                if colour:
                    label = f"{_TERMINAL[finding.severity]}{label}\033[0m"
                place = f"{line}:{column}: " if line is not None else ""
                out.append(f"    {place}{label} {finding.code} {finding.message}")
                out.append(f"      {finding.path}")
                out.append(f"      suggestion: {finding.suggestion}")
    out.append(f"{total} finding{'s' if total != 1 else ''}")
    return "\n".join(out)


def _suppressed_note(report: LintReport) -> str:
    count = len(report.suppressed)
    if not count:
        return ""
    # Suppressions stay visible with their reasons: a hidden finding is still a choice.
    reasons = "".join(
        f"\n  suppressed {s.finding.code} at {s.finding.path}: {s.reason}"
        for s in report.suppressed
    )
    return f" ({count} suppressed){reasons}"


def _element(path: str) -> str:
    # Findings about a description or a field belong to the element that holds it.
    cut = re.sub(r"\.behaviours\[[0-9]+\](\.text)?\Z", "", path)
    for marker in (".levels.", ".description", ".title", ".threshold", ".cycles", ".from_level"):
        index = cut.find(marker, cut.rfind("]"))
        if index > 0:
            cut = cut[:index]
    return cut


def lint_sarif(reports: Iterable[tuple[str, LintReport, list[Location]]]) -> dict[str, object]:
    """A SARIF 2.1.0 log, for code hosts that show findings beside the lines they are about."""
    results = []
    for source, report, located in reports:
        for finding, (line, column) in zip(report.findings, located, strict=True):
            location: dict[str, object] = {
                "physicalLocation": {
                    "artifactLocation": {"uri": source},
                    "region": {"startLine": line or 1, "startColumn": column or 1},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.path, "kind": "element"}],
            }
            results.append(
                {
                    "ruleId": finding.code,
                    "ruleIndex": list(RULES).index(finding.code),
                    "level": _SARIF_LEVEL[finding.severity],
                    "message": {"text": f"{finding.message}. Suggestion: {finding.suggestion}."},
                    "locations": [location],
                }
            )
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES.values()
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "progression", "rules": rules}},
                "results": results,
            }
        ],
    }
