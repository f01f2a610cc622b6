"""Rendering for people: plain-text summaries and problem listings."""

from __future__ import annotations

from collections.abc import Iterable

from ._model import CompetencyKind, Framework
from .exceptions import Problem

__all__ = ["problems_text", "summary_text"]


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
            lines.append(
                f"    {track.kind.value} track {track.id}: "
                + " > ".join(level.id for level in track.levels)
                + f" ({len(track.levels)} levels; {len(track.competencies)} competencies,"
                f" {core} core)"
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
    lines.append(
        f"  policies: {len(framework.policies)}"
        f" ({defaults} track defaults, {len(framework.policies) - defaults} transitions)"
    )
    return "\n".join(lines)


def problems_text(problems: Iterable[Problem]) -> str:
    """One problem a line, each with its file, line and column where known."""
    return "\n".join(str(problem) for problem in problems)
