"""Rendering for people: summaries, problem listings, verdict tables and HTML.

Text for a terminal never carries a character from the data that the terminal would act
on: `printable` spells control characters, bidirectional overrides and lone surrogates
as escapes, so a name holding ``ESC [2J`` cannot clear the screen, and one holding a
newline cannot forge a line of output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from fractions import Fraction

from ._evaluation import Outcome, Status, Verdict
from ._model import CompetencyKind, Framework
from ._numbers import show_number
from .exceptions import Problem, group_problems

__all__ = [
    "json_safe",
    "printable",
    "problems_text",
    "summary_text",
    "team_text",
    "verdict_html",
    "verdict_text",
]


# C0 and C1 controls and DEL; the marks and overrides that reorder text (Trojan Source);
# line and paragraph separators; surrogates, which no encoder writes on their own.
_OTHERS = r"\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(rf"[\x00-\x1f\x7f-\x9f{_OTHERS}]")
_UNSAFE_IN_LINES = re.compile(rf"[\x00-\x09\x0b-\x1f\x7f-\x9f{_OTHERS}]")
_UNSAFE_IN_JSON = re.compile(rf"[\x7f-\x9f{_OTHERS}]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = False) -> str:
    r"""``text`` with every character a terminal would act on spelt as an escape.

    Control characters become ``\x1b``, ``\n`` and the like, bidirectional overrides and
    lone surrogates ``\u202e`` and ``\ud800``; all other text, any script, is kept.
    With ``lines``, newlines are kept: for text whose lines are ours, not the data's.
    """
    return (_UNSAFE_IN_LINES if lines else _UNSAFE).sub(_escape, text)


def json_safe(text: str) -> str:
    r"""JSON text with the characters a terminal would act on written as ``\uXXXX``.

    The JSON value is unchanged: such characters only occur inside strings, where the
    escape means the same character (``json.dumps`` already escapes C0 controls).
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _join(lines: Iterable[str]) -> str:
    # Every line is built here, so any control character in one came from the data.
    return "\n".join(printable(line) for line in lines)


def summary_text(framework: Framework) -> str:
    """A few lines describing a framework: families, tracks, paths between them, policies."""
    scale = framework.scale
    lines = [
        f"{framework.id}: {framework.name} (version {framework.version},"
        f" {framework.cadence.value} reviews, scale {scale.min}..{scale.max})"
    ]
    for family in framework.job_families:
        lines.append(f"  family {family.id}: {family.name}")
        for track in family.tracks:
            core = sum(c.kind is CompetencyKind.CORE for c in track.competencies)
            # Each behaviour counts on its own: one is what a rater looks for.
            behaviours = sum(
                len(e.behaviours) for c in track.competencies for e in c.levels.values()
            )
            point = track.branches_from
            branch = "" if point is None else f" (branches from {point.track} at {point.level})"
            lines.append(
                f"    {track.kind.value} track {track.id}{branch}: "
                + " > ".join(level.id for level in track.levels)
                + f" ({len(track.levels)} levels; {len(track.competencies)} competencies,"
                f" {core} core; {behaviours} behaviours)"
            )
        if family.crossovers:
            lines.append(
                "    crossover: "
                + ", ".join(f"{c.from_level} > {c.to_level}" for c in family.crossovers)
            )
        if family.way_back:
            lines.append(
                "    way back: "
                + ", ".join(f"{w.from_level} > {w.to_level}" for w in family.way_back)
            )
        for path in family.lateral_paths:
            lines.append(
                f"    lateral: {path.from_level} > {path.to_family}/{path.to_level}"
                f" (carries {len(path.transferable)} competencies, {len(path.gaps)} gaps)"
            )
    defaults = sum(policy.is_default for policy in framework.policies)
    shared = sum(policy.is_family_default for policy in framework.policies)
    lines.append(
        f"  policies: {len(framework.policies)}"
        + (f" ({shared} family defaults," if shared else " (")
        + f"{defaults - shared} track defaults, {len(framework.policies) - defaults} transitions)"
    )
    return _join(lines)


def problems_text(problems: Iterable[Problem]) -> str:
    """One problem a line, with file, line and column; a repeated mistake shown once."""
    # Line by line: a newline inside one message or place came from the data and is
    # escaped, while the lines of a group are ours.
    return _join(line for group in group_problems(problems) for line in group.lines())


_MARK = {Outcome.PASSED: "pass", Outcome.FAILED: "FAIL", Outcome.UNDECIDED: "????"}
_STATUS = {
    Status.READY: "READY",
    Status.NOT_READY: "NOT READY",
    Status.INSUFFICIENT_DATA: "INSUFFICIENT DATA",
}


def _status_label(verdict: Verdict) -> str:
    if verdict.status is not Status.READY and verdict.met_except_approval:
        return "READY PENDING APPROVAL"
    return _STATUS[verdict.status]


def verdict_text(verdict: Verdict) -> str:
    """A verdict as a readable block: status, every criterion, gaps, what it would take."""
    lines = [
        f"{verdict.employee}: {verdict.current_level or '(no level)'} -> {verdict.target_level}"
        f" ({verdict.route.replace('_', ' ')}), as of {verdict.as_of}: {_status_label(verdict)}"
    ]
    if verdict.ready_since is not None:
        lines[0] += f" (qualifying since {verdict.ready_since})"
    width = max((len(r.code) for r in verdict.criteria), default=0)
    for result in verdict.criteria:
        lines.append(f"  {_MARK[result.outcome]}  {result.code:<{width}}  {result.message}")
    short = [g for g in verdict.gaps if g.gap is None or g.gap > 0]
    if short:
        lines.append(
            "  gaps: "
            + ", ".join(
                f"{g.competency} {g.score if g.score is not None else 'unrated'}/{g.required}"
                for g in short
            )
        )
    if verdict.earliest is not None and verdict.status is not Status.READY:
        lines.append(f"  earliest: {verdict.earliest} if scores hold")
    if verdict.plan is not None:
        lines.append(f"  what it takes: {verdict.plan.sentence}")
    return _join(lines)


def team_text(verdicts: Iterable[Verdict]) -> str:
    """One line per employee, ready ones first, with the first reason for the others."""
    rows = sorted(verdicts, key=lambda v: (list(Status).index(v.status), v.employee))
    out = []
    for verdict in rows:
        reason = next((r.message for r in verdict.criteria if not r.passed), "")
        out.append(
            f"{verdict.employee:<10} {verdict.current_level or '-':>5} -> {verdict.target_level:<6}"
            f" {_status_label(verdict):<23} {reason}"
        )
    counts = {status: sum(v.status is status for v in rows) for status in Status}
    out.append(
        f"{len(rows)} employees: {counts[Status.READY]} ready,"
        f" {counts[Status.NOT_READY]} not ready,"
        f" {counts[Status.INSUFFICIENT_DATA]} with insufficient data"
    )
    return _join(out)


_COLOUR = {Outcome.PASSED: "#e6f4ea", Outcome.FAILED: "#fce8e6", Outcome.UNDECIDED: "#fef7e0"}


def verdict_html(verdict: Verdict) -> str:
    """A verdict as an HTML table, for notebooks."""
    esc = html.escape
    rows = "".join(
        f'<tr style="background:{_COLOUR[r.outcome]}"><td>{esc(r.outcome.value)}</td>'
        f"<td><code>{esc(r.code)}</code></td><td>{esc(_value(r.observed))}</td>"
        f"<td>{esc(_value(r.required))}</td><td>{esc(r.message)}</td></tr>"
        for r in verdict.criteria
    )
    plan = f"<p><b>What it takes:</b> {esc(verdict.plan.sentence)}</p>" if verdict.plan else ""
    return (
        f"<div><p><b>{esc(verdict.employee)}</b>: {esc(verdict.current_level or '(no level)')}"
        f" &rarr; {esc(verdict.target_level)}, as of {esc(str(verdict.as_of))}:"
        f" <b>{esc(_status_label(verdict))}</b></p>"
        "<table><thead><tr><th>outcome</th><th>code</th><th>observed</th><th>required</th>"
        f"<th>reason</th></tr></thead><tbody>{rows}</tbody></table>{plan}</div>"
    )


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return show_number(value)
    return str(value)
