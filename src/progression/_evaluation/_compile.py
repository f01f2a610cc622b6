"""A policy compiled for one move: integer steps, shared by the engine and columnar executors.

`compile_policy` turns a `PromotionPolicy`, the current and target tracks and the
target level into a `CompiledPolicy`: one step per criterion (an instance of its kind
from `._kinds`), in policy order, plus the integer data an executor over many employees
needs. Compiled policies are cached: every employee making the same move shares one.

Contract for columnar executors (names are stable)
--------------------------------------------------

- ``columns``: the counted competency ids, in the track's order: the union of every
  score step's ``competencies``. An executor keeps one integer column per id per cycle
  (the counted score; see `Binding.counted` for which rater counts) plus a mask of
  which are rated, and one flag per cycle for "reviewed at all".
- ``scores``: the score steps in policy order. Each has ``competencies``, ``columns``
  (indices into ``columns``) and ``decide(values)``, the pure per-cycle decision that
  works elementwise on numpy integer arrays; `._kinds` documents the rules for
  missing reviews and unrated competencies around it. ``qualifies`` per cycle is
  "every score step passed"; the run is the number of consecutive qualifying cycles
  ending at ``as_of``.
- ``sustain``: the window length (``Sustained.cycles``, or 1 without one), at most
  `progression._policy.MAX_CYCLES`. The score criteria are checked in the last
  ``sustain`` cycles; ``sustained`` is met when the run is at least that long.
- ``time_in_level``: the cycles required at the current level, or None.
- ``evidence``: the evidence steps, each with ``id``, ``count`` and ``min_value`` (an
  exact `Fraction`, or None for "any record").
- ``endorsement`` and ``calibration``: whether the policy asks for each approval;
  ``approvals``: the named approval steps it asks for, in policy order (each passed
  when the review of ``as_of`` lists it in ``Review.approvals``).
- ``raters``: the raters whose scores count, most preferred first.
- ``required``: (competency, proficiency the target level expects) for the gaps.
"""

from __future__ import annotations

from functools import lru_cache

import attrs

from .._model import Track
from .._policy import PromotionPolicy, Rater
from ._kinds import (
    KINDS,
    ApprovalKind,
    CalibrationKind,
    Context,
    Kind,
    ManagerEndorsementKind,
    ScopeEvidenceKind,
    ScoreKind,
    Scores,
    SustainedKind,
    TimeInLevelKind,
)

__all__ = ["CompiledPolicy", "compile_policy"]


@attrs.frozen(eq=False, kw_only=True)
class CompiledPolicy:
    """A policy compiled for one move; see the module docstring for the contract."""

    policy: PromotionPolicy
    #: The current level's track, whose competencies are rated and counted.
    track: Track
    #: The target level's track and the target level.
    target: Track
    target_level: str
    raters: tuple[Rater, ...]
    #: One step per criterion, in policy order.
    steps: tuple[Kind, ...]
    scores: tuple[ScoreKind, ...]
    columns: tuple[str, ...]
    sustain: int
    time_in_level: int | None
    evidence: tuple[ScopeEvidenceKind, ...]
    endorsement: bool
    calibration: bool
    approvals: tuple[str, ...]
    #: The ids of the current track's competencies, in order.
    competencies: tuple[str, ...]
    required: tuple[tuple[str, int], ...]
    #: The competency ids of `required`, in order.
    gap_ids: tuple[str, ...]

    def qualifies(self, scores: Scores | None) -> bool:
        """Whether every score step held in a cycle: the fast path, yes or no."""
        return all(step.qualifies(scores) for step in self.scores)


@lru_cache(maxsize=512)
def compile_policy(
    policy: PromotionPolicy,
    track: Track,
    target: Track,
    target_level: str,
    framework_raters: tuple[Rater, ...],
) -> CompiledPolicy:
    """Compile ``policy`` for a move from ``track`` to ``target_level`` on ``target``."""
    known = tuple(c.id for c in track.competencies)
    steps: list[Kind] = []
    position = 0
    for criterion in policy.criteria:
        kind = KINDS[type(criterion)]
        step = kind.compile(criterion, Context(track, target, target_level, known, position))
        position += kind.scored
        steps.append(step)
    counted = {c for step in steps if isinstance(step, ScoreKind) for c in step.competencies}
    columns = tuple(c for c in known if c in counted)
    where = {c: i for i, c in enumerate(columns)}
    steps = [
        attrs.evolve(step, columns=tuple(where[c] for c in step.competencies))
        if isinstance(step, ScoreKind)
        else step
        for step in steps
    ]
    # Gaps only where the target level expects the competency and states a proficiency.
    required = tuple(
        (c.id, proficiency)
        for c in target.competencies
        if (expectation := c.expectation(target_level)) is not None
        and (proficiency := expectation.proficiency) is not None
    )
    return CompiledPolicy(
        policy=policy,
        track=track,
        target=target,
        target_level=target_level,
        raters=tuple(policy.raters) or framework_raters,
        steps=tuple(steps),
        scores=tuple(s for s in steps if isinstance(s, ScoreKind)),
        columns=columns,
        sustain=next((s.cycles for s in steps if isinstance(s, SustainedKind)), 1),
        time_in_level=next((s.cycles for s in steps if isinstance(s, TimeInLevelKind)), None),
        evidence=tuple(s for s in steps if isinstance(s, ScopeEvidenceKind)),
        endorsement=any(isinstance(s, ManagerEndorsementKind) for s in steps),
        calibration=any(isinstance(s, CalibrationKind) for s in steps),
        approvals=tuple(s.step for s in steps if isinstance(s, ApprovalKind)),
        competencies=known,
        required=required,
        gap_ids=tuple(c for c, _ in required),
    )
