"""A policy compiled for one move: integer steps, shared by the engine and columnar executors.

`compile_policy` turns a `PromotionPolicy`, the current and target tracks, the target
level and the competencies each score criterion counts (`counted_per_criterion`) into a
`CompiledPolicy`: one step per criterion (an instance of its kind from `._kinds`), in
policy order, plus the integer data an executor over many employees needs. Compiled
policies are cached: every employee making the same move shares one. `compile_move`
does all of it for a move named by its levels, as the engine does.

Which competencies a score criterion counts is `Framework.counted_competencies`: those
expected at the level being judged (the target level for a step up a ladder, the
current level for a crossover, a way back or a lateral move), narrowed by the
criterion's own ``competencies``. `meets_expectations` counts only those the target
level states a proficiency for: there is nothing else to compare a score with.

Contract for columnar executors (names are stable)
--------------------------------------------------

- ``columns``: the counted competency ids: the union of every score step's
  ``competencies``, in the order of the current track, then of the target track. An
  executor keeps one integer column per id per cycle (the counted score; see
  `Binding.counted` for which rater counts) plus a mask of which are rated, and one
  flag per cycle for "reviewed at all".
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
- ``required``: (competency, proficiency the target level expects) for the gaps: the
  competencies of the target track the target level expects and states a proficiency
  for.

The rules of a verdict around its criteria are methods of `CompiledPolicy`, written once
for both executors: `CompiledPolicy.status`, `CompiledPolicy.ready_start` and
`CompiledPolicy.earliest` take plain integers with `SCALAR` as ``ops``, or numpy arrays
(one element per employee) with the ``numpy`` module itself as ``ops``: they use only
arithmetic, comparisons and ``ops.where``, ``ops.maximum``, ``ops.logical_and`` and
``ops.logical_not``. ``since`` is read only where ``placed`` (a level is held).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import attrs

from .._model import Framework, Track
from .._policy import AverageScore, MeetsExpectations, PromotionPolicy, Rater, ScoreFloor
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

__all__ = [
    "SCALAR",
    "STATUSES",
    "CompiledPolicy",
    "compile_move",
    "compile_policy",
    "counted_per_criterion",
]


class _ScalarOps:
    """The array operations the verdict rules use, for plain Python values."""

    @staticmethod
    def where(condition: Any, yes: Any, no: Any) -> Any:
        return yes if condition else no

    @staticmethod
    def maximum(a: Any, b: Any) -> Any:
        return a if a >= b else b

    @staticmethod
    def logical_and(a: Any, b: Any) -> bool:
        return bool(a and b)

    @staticmethod
    def logical_not(a: Any) -> bool:
        return not a


#: ``ops`` for the verdict rules over plain values; numpy is the ``ops`` over arrays.
SCALAR = _ScalarOps()

#: The statuses by the index `CompiledPolicy.status` gives.
STATUSES = ("ready", "not_ready", "insufficient_data")

#: The competencies each criterion of a policy counts, in policy order (empty for the
#: criteria that are not score criteria).
Counted = tuple[tuple[str, ...], ...]


@attrs.frozen(eq=False, kw_only=True)
class CompiledPolicy:
    """A policy compiled for one move; see the module docstring for the contract."""

    policy: PromotionPolicy
    #: The current level's track, whose competencies are rated.
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
    #: The competencies each criterion counts, in policy order.
    counted: Counted
    required: tuple[tuple[str, int], ...]
    #: The competency ids of `required`, in order.
    gap_ids: tuple[str, ...]

    def qualifies(self, scores: Scores | None) -> bool:
        """Whether every score step held in a cycle: the fast path, yes or no."""
        return all(step.qualifies(scores) for step in self.scores)

    @staticmethod
    def status(any_failed: Any, any_undecided: Any, ops: Any) -> Any:
        """Index into `STATUSES`: not ready if any criterion failed, else undecided, else ready."""
        return ops.where(any_failed, 1, ops.where(any_undecided, 2, 0))

    def ready_start(self, end: Any, run: Any, since: Any, placed: Any, ops: Any) -> Any:
        """The ordinal ready since, for a ready verdict at ``end``.

        The start of the run (``end`` without score criteria), never before the stay at
        the current level began: qualifying at the previous level was for another move.
        """
        start = end - run + 1 if self.scores else end
        return ops.where(placed, ops.maximum(start, since), start)

    def earliest(  # noqa: PLR0917 - the facts of a verdict, as ready_start takes them
        self, end: Any, run: Any, since: Any, placed: Any, ready: Any, ops: Any
    ) -> tuple[Any, Any]:
        """``(ordinal, known)``: the first cycle in which time in level and the run can be met.

        Assumes scores qualify from the next cycle on (or keep qualifying). For a verdict
        that is not ready it is never earlier than the next cycle. Unknown (``known``
        false) when time in level counts and no level is held.
        """
        found: Any = None
        if self.scores:
            found = ops.where(run > 0, end - run + 1, end + 1) + self.sustain - 1
        known: Any = True
        if self.time_in_level is not None:
            time = since + self.time_in_level - 1
            found = time if found is None else ops.maximum(found, time)
            known = placed
        if found is None:
            found = end
        late = ops.logical_and(ops.logical_not(ready), found <= end)
        return ops.where(late, end + 1, found), known


def counted_per_criterion(
    framework: Framework,
    family_id: str,
    from_level: str | None,
    to_level: str,
    policy: PromotionPolicy,
    *,
    to_family: str | None = None,
) -> Counted:
    """The competencies each criterion of ``policy`` counts on a move, in policy order.

    `Framework.counted_competencies` for each score criterion; with no ``from_level``
    (no current level), the move is a step up the employee's own ladder, so the target
    level is judged, as for any promotion.
    """
    found: list[tuple[str, ...]] = []
    for criterion in policy.criteria:
        if not isinstance(criterion, AverageScore | ScoreFloor | MeetsExpectations):
            found.append(())
        elif from_level is not None:
            found.append(
                framework.counted_competencies(
                    family_id, from_level, to_level, criterion, to_family
                )
            )
        else:
            track = framework.family(family_id).track_of(to_level)
            expected = [c.id for c in track.competencies if c.expects(to_level)]
            found.append(tuple(c for c in criterion.competencies or expected if c in expected))
    return tuple(found)


def compile_move(
    framework: Framework,
    family_id: str,
    from_level: str,
    to_level: str,
    to_family: str | None = None,
) -> CompiledPolicy | None:
    """The policy in force for a move (`Framework.policy`), compiled; None without one.

    `KeyError` if the family or a level is unknown.
    """
    policy = framework.policy(family_id, from_level, to_level, to_family)
    if policy is None:
        return None
    family = framework.family(family_id)
    target = framework.family(to_family or family_id).track_of(to_level)
    counted = counted_per_criterion(
        framework, family_id, from_level, to_level, policy, to_family=to_family
    )
    return compile_policy(
        policy,
        family.track_of(from_level),
        target,
        to_level,
        tuple(framework.raters),
        counted=counted,
    )


@lru_cache(maxsize=512)
def compile_policy(
    policy: PromotionPolicy,
    track: Track,
    target: Track,
    target_level: str,
    framework_raters: tuple[Rater, ...],
    *,
    counted: Counted,
) -> CompiledPolicy:
    """Compile ``policy`` for a move from ``track`` to ``target_level`` on ``target``.

    ``counted`` holds the competencies each criterion counts (`counted_per_criterion`).
    """
    if len(counted) != len(policy.criteria):
        raise ValueError(
            f"counted lists {len(counted)} criteria, the policy has {len(policy.criteria)}"
        )
    known = tuple(c.id for c in track.competencies)
    steps: list[Kind] = []
    position = 0
    for criterion, competencies in zip(policy.criteria, counted, strict=True):
        kind = KINDS[type(criterion)]
        context = Context(track, target, target_level, competencies, position)
        step = kind.compile(criterion, context)
        position += kind.scored
        steps.append(step)
    scored = {c for step in steps if isinstance(step, ScoreKind) for c in step.competencies}
    order = [*known, *(c.id for c in target.competencies)]
    # A listed competency outside both tracks cannot be counted (the framework refuses
    # it), but sorting it last keeps every counted id a column.
    order += sorted(scored - set(order))
    columns = tuple(dict.fromkeys(c for c in order if c in scored))
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
        counted=counted,
        required=required,
        gap_ids=tuple(c for c, _ in required),
    )
