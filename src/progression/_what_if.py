"""What-if frameworks: one criterion parameter changed on every move a policy governs.

`with_policy` is a pure transform of a `Framework`. Its contract is stated on the
*effective* policies, those `Framework.policy` returns after defaults and ``inherit`` are
merged: for every selected move, the effective criteria of the new framework are the old
ones with the change applied; for every other move they are the old ones, unchanged.

How the change is written follows from that. A written policy (a family or track
default, or a transition) whose criteria reach only selected moves is edited where it
stands, so that a change to every move reads as a change to the defaults. Any move whose
effective policy would then still differ from the one wanted (its criteria come from a
default that also serves moves left out, a ``drop`` in the way...) gets an explicit
transition policy holding exactly its wanted criteria. The result is checked move by
move before it is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import Any, cast

import attrs

from ._model import Framework, JobFamily
from ._numbers import Number, to_fraction
from ._policy import (
    CRITERION_KINDS,
    KEY_EXPECTED,
    MAX_CYCLES,
    AverageScore,
    Criterion,
    PromotionPolicy,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
    _drops,
    _key_problem,
    criterion_key,
)
from ._validation import one_of, show
from .exceptions import InvalidFramework, Problem

__all__ = ["Move", "governed_moves", "with_policy"]

#: A move a policy governs: family, from level, to level, and the family of a lateral move.
Move = tuple[str, str, str, str | None]
_ORDER = {kind: index for index, kind in enumerate(CRITERION_KINDS)}
_Edit = Callable[[tuple[Criterion, ...]], tuple[Criterion, ...]]


def governed_moves(framework: Framework) -> Iterator[tuple[Move, frozenset[int]]]:
    """Every move some policy governs, with the indexes of the policies that feed it.

    A policy feeds a move when its criteria can reach the move's effective policy: the
    move's own transition, and the defaults it builds on (for a step governed by the
    defaults, or a transition with ``inherit``).
    """
    for family in framework.job_families:
        for (from_level, to_level, to_family), holder, origins in framework._governed(family):
            feeding = {holder, *(index for index, _ in origins)}
            policy = framework.policies[holder]
            if policy.is_default or policy.inherit:
                feeding.update(
                    index
                    for index in framework._defaults(family.id, family.track_of(to_level).id)
                    if index is not None
                )
            yield (family.id, from_level, to_level, to_family), frozenset(feeding)


def with_policy(
    framework: Framework,
    *,
    family: str | None = None,
    track: str | None = None,
    from_level: str | None = None,
    to_level: str | None = None,
    threshold: Number | None = None,
    strict: bool | None = None,
    floor: int | None = None,
    sustained: int | None = None,
    time_in_level: int | None = None,
    min_value: Number | None = None,
    count: int | None = None,
    requirement: str | None = None,
    drop: str | None = None,
    add: Criterion | None = None,
) -> Framework:
    """A new, valid framework with criterion parameters changed on the selected moves.

    Selecting: every move a policy governs, narrowed by ``family``, ``track`` (the track
    of the level moved to), ``from_level`` and ``to_level``. Changing, on each selected
    move's effective policy (`Framework.policy`, defaults and ``inherit`` merged):

    - ``threshold`` and ``strict`` of every `AverageScore`, ``floor`` of every
      `ScoreFloor`, ``sustained`` (the cycles of `Sustained`), ``time_in_level`` (the
      cycles of `TimeInLevel`), ``min_value`` and ``count`` of every `ScopeEvidence`
      (only requirement ``requirement`` when given): moves without such a criterion
      are left as they are;
    - ``drop``: remove the criteria a key names, as a policy's ``drop`` does
      (``sustained``, ``scope_evidence``, ``approval:interview``);
    - ``add``: a criterion added to each policy, replacing one with the same
      `criterion_key`.

    Several may be given at once: ``drop`` applies first, then ``add``, then the
    parameters. Other moves keep their effective policies. Policies whose criteria reach
    only selected moves are edited where they are written (so a change to every move
    changes the defaults); a move that needs more gets its own transition policy.

    Raises:
        InvalidFramework: an argument names no family, track, level or criterion of the
            framework, selects no move, or holds a value the framework cannot take
            (each problem names the argument, the value and the valid choices); or the
            changed policies break a framework rule, reported as for any framework.
    """
    problems: list[Problem] = []
    moves = dict(governed_moves(framework))
    selected = _select(framework, moves, family, track, from_level, to_level, problems)
    edit, wanted = _edit(
        framework,
        problems,
        threshold=threshold,
        strict=strict,
        floor=floor,
        sustained=sustained,
        time_in_level=time_in_level,
        min_value=min_value,
        count=count,
        requirement=requirement,
        drop=drop,
        add=add,
    )
    before = {move: _effective(framework, move) for move in moves}
    if not problems:
        for name, applies in wanted:
            if not any(applies(before[move].criteria) for move in selected):
                problems.append(
                    _problem(name, f"no selected move has {applies.__doc__}", None, None)
                )
    if problems:
        raise InvalidFramework(problems)
    after = dict(before)
    for move in selected:
        try:
            after[move] = attrs.evolve(before[move], criteria=edit(tuple(before[move].criteria)))
        except InvalidFramework as exc:
            problems.extend(
                attrs.evolve(
                    p,
                    segments=(),
                    message=f"with_policy, on the move {_show_move(move)}: {p.message}",
                )
                for p in exc.problems
            )
    if problems:
        raise InvalidFramework(problems)
    policies = list(framework.policies)
    chosen = set(selected)
    for index, policy in enumerate(framework.policies):
        fed = {move for move, feeding in moves.items() if index in feeding}
        if not fed:
            # A default no move uses yet follows the moves it would govern.
            fed = {move for move in moves if _in_scope(framework, policy, move)}
        if fed and fed <= chosen:
            policies[index] = _edit_written(policy, edit, drop, add)
    try:
        edited = attrs.evolve(framework, policies=policies)
    except InvalidFramework:
        # Edited in place, a default may break a rule no move sees (it is overridden
        # everywhere it would apply): explicit transitions carry the change instead.
        edited, policies = framework, list(framework.policies)
    pinned = edited is framework
    for move, wanted_policy in after.items():
        if _same(_effective(edited, move), wanted_policy):
            continue
        _pin(policies, move, wanted_policy)
        pinned = True
    try:
        # Nothing pinned: ``edited`` is already the framework of these policies, and
        # building it again (every rule checked) would cost as much once more.
        result = attrs.evolve(framework, policies=policies) if pinned else edited
    except InvalidFramework as exc:
        raise InvalidFramework(
            attrs.evolve(p, message=f"with the change asked of with_policy: {p.message}")
            for p in exc.problems
        ) from None
    for move, wanted_policy in after.items():
        # The contract, checked: every move has exactly the policy it should.
        assert _same(_effective(result, move), wanted_policy), move
    return result


def _show_move(move: Move) -> str:
    family, from_level, to_level, to_family = move
    lateral = f" (family {to_family!r})" if to_family not in (None, family) else ""
    return f"{from_level} -> {to_level}{lateral} in family {family!r}"


def _in_scope(framework: Framework, policy: PromotionPolicy, move: Move) -> bool:
    """Whether ``move`` is a step a default ``policy`` would govern, were it used."""
    family, _, to_level, to_family = move
    if not policy.is_default or family != policy.family or to_family not in (None, family):
        return False
    return policy.track is None or framework.family(family).track_of(to_level).id == policy.track


def _effective(framework: Framework, move: Move) -> PromotionPolicy:
    family, from_level, to_level, to_family = move
    policy = framework.policy(family, from_level, to_level, to_family)
    assert policy is not None  # the move is governed
    return policy


def _same(one: PromotionPolicy, other: PromotionPolicy) -> bool:
    return tuple(one.criteria) == tuple(other.criteria) and tuple(one.raters) == tuple(other.raters)


def _pin(policies: list[PromotionPolicy], move: Move, wanted: PromotionPolicy) -> None:
    """Give ``move`` a transition policy of its own with exactly ``wanted``'s criteria."""
    family, from_level, to_level, to_family = move
    lateral = to_family if to_family != family else None
    key = (family, from_level, to_level, lateral)
    for index, policy in enumerate(policies):
        if (policy.family, policy.from_level, policy.to_level, policy.to_family) == key:
            policies[index] = attrs.evolve(
                policy, inherit=False, drop=(), criteria=wanted.criteria, raters=wanted.raters
            )
            return
    policies.append(
        PromotionPolicy(
            family=family,
            from_level=from_level,
            to_level=to_level,
            to_family=lateral,
            criteria=wanted.criteria,
            raters=wanted.raters,
        )
    )


def _edit_written(
    policy: PromotionPolicy, edit: _Edit, drop: str | None, add: Criterion | None
) -> PromotionPolicy:
    """``policy`` as written, with the change applied to its own criteria.

    Its ``drop`` keys that would now drop nothing, or drop the added criterion, go too.
    """
    keys = list(policy.drop)
    if drop is not None:
        keys = [key for key in keys if not _covers(drop, key)]
    if add is not None:
        keys = [key for key in keys if not _drops(key, add)]
    return attrs.evolve(policy, criteria=edit(tuple(policy.criteria)), drop=keys)


def _covers(dropped: str, key: str) -> bool:
    """Whether every criterion ``key`` names is one ``dropped`` names too."""
    return key == dropped or key.partition(":")[0] == dropped


def _number(name: str, value: Number, problems: list[Problem]) -> Fraction | None:
    """``value`` as an exact number, or None with a problem of argument ``name``."""
    try:
        return to_fraction(value)
    except (ValueError, ArithmeticError, TypeError):
        problems.append(_problem(name, "not a number", "a number", value))
        return None


def _problem(name: str, message: str, expected: str | None, got: object) -> Problem:
    shown = None if got is None else show(got)
    text = f"with_policy {name}: {message}"
    if expected is not None:
        text += f": expected {expected}" + ("" if shown is None else f", got {shown}")
    return Problem(message=text, expected=expected, got=shown)


def _select(  # noqa: PLR0917 - the four selectors, checked together
    framework: Framework,
    moves: dict[Move, frozenset[int]],
    family: str | None,
    track: str | None,
    from_level: str | None,
    to_level: str | None,
    problems: list[Problem],
) -> list[Move]:
    families: list[JobFamily] = list(framework.job_families)
    if family is not None:
        known = [f.id for f in families]
        if family not in known:
            problems.append(_problem("family", "unknown job family", one_of(known), family))
            return []
        families = [framework.family(family)]
    tracks = sorted({t.id for f in families for t in f.tracks})
    levels = sorted({lv.id for f in families for t in f.tracks for lv in t.levels})
    if track is not None and track not in tracks:
        problems.append(_problem("track", "unknown track", one_of(tracks), track))
    for name, level in (("from_level", from_level), ("to_level", to_level)):
        if level is not None and level not in levels:
            problems.append(_problem(name, "unknown level", one_of(levels), level))
    if problems:
        return []
    found = []
    for move in moves:
        move_family, low, high, to_family = move
        target = framework.family(to_family or move_family)
        if (
            (family is None or move_family == family)
            and (track is None or target.track_of(high).id == track)
            and from_level in (None, low)
            and to_level in (None, high)
        ):
            found.append(move)
    if not found:
        asked = ", ".join(
            f"{name}={value!r}"
            for name, value in (
                ("family", family),
                ("track", track),
                ("from_level", from_level),
                ("to_level", to_level),
            )
            if value is not None
        )
        problems.append(
            _problem(
                "selection",
                f"no move governed by a policy matches {asked}",
                one_of(sorted(f"{m[1]} -> {m[2]}" for m in moves)),
                None,
            )
        )
    return found


class _Applies:
    """Whether a policy's criteria hold one the change is about; its doc names it."""

    def __init__(self, words: str, test: Callable[[Criterion], bool]) -> None:
        self.__doc__ = words
        self.test = test

    def __call__(self, criteria: Iterable[Criterion]) -> bool:
        return any(self.test(c) for c in criteria)


def _edit(
    framework: Framework,
    problems: list[Problem],
    *,
    threshold: Number | None,
    strict: bool | None,
    floor: int | None,
    sustained: int | None,
    time_in_level: int | None,
    min_value: Number | None,
    count: int | None,
    requirement: str | None,
    drop: str | None,
    add: Criterion | None,
) -> tuple[_Edit, list[tuple[str, _Applies]]]:
    """The change to a tuple of criteria, and what each parameter needs to apply."""
    scale = framework.scale
    steps: list[Callable[[Criterion], Criterion]] = []
    wanted: list[tuple[str, _Applies]] = []
    exact: Fraction | None = None
    if threshold is not None:
        exact = _number("threshold", threshold, problems)
        if exact is not None and exact not in scale:
            problems.append(
                _problem(
                    "threshold",
                    "threshold outside the scale",
                    f"a number from {scale.min} to {scale.max}",
                    threshold,
                )
            )
    average = _Applies("an 'average_score' criterion", lambda c: isinstance(c, AverageScore))
    if exact is not None:
        value = exact
        steps.append(
            lambda c: attrs.evolve(c, threshold=value) if isinstance(c, AverageScore) else c
        )
        wanted.append(("threshold", average))
    if strict is not None:
        if not isinstance(cast(object, strict), bool):
            problems.append(_problem("strict", "not true or false", "True or False", strict))
        flag = bool(strict)
        steps.append(lambda c: attrs.evolve(c, strict=flag) if isinstance(c, AverageScore) else c)
        wanted.append(("strict", average))
    if floor is not None:
        if _whole(floor) and floor in scale:
            at_least = floor
            steps.append(
                lambda c: attrs.evolve(c, floor=at_least) if isinstance(c, ScoreFloor) else c
            )
            wanted.append(("floor", _Applies("a 'score_floor' criterion", _is(ScoreFloor))))
        else:
            expected = f"an integer from {scale.min} to {scale.max}"
            problems.append(_problem("floor", "floor outside the scale", expected, floor))
    for name, cls in (("sustained", Sustained), ("time_in_level", TimeInLevel)):
        cycles = sustained if cls is Sustained else time_in_level
        if cycles is None:
            continue
        if _whole(cycles) and 1 <= cycles <= MAX_CYCLES:
            steps.append(_set_cycles(cls, cycles))
            wanted.append((name, _Applies(f"a {cls.kind!r} criterion", _is(cls))))
        else:
            problems.append(
                _problem(name, "cycles out of range", f"an integer from 1 to {MAX_CYCLES}", cycles)
            )
    steps.extend(
        _evidence_steps(
            framework, problems, wanted, min_value=min_value, count=count, requirement=requirement
        )
    )
    removing: Callable[[tuple[Criterion, ...]], tuple[Criterion, ...]] = lambda cs: cs  # noqa: E731
    if drop is not None:
        problem = _key_problem(drop) if isinstance(drop, str) else "not a criterion key"
        if problem:
            problems.append(_problem("drop", problem, KEY_EXPECTED, drop))
        else:
            key = drop
            removing = lambda cs: tuple(c for c in cs if not _drops(key, c))  # noqa: E731
            wanted.append(("drop", _Applies(f"a {drop!r} criterion", lambda c: _drops(key, c))))
    adding: Callable[[tuple[Criterion, ...]], tuple[Criterion, ...]] = lambda cs: cs  # noqa: E731
    if add is not None:
        if not isinstance(add, tuple(CRITERION_KINDS.values())):
            problems.append(
                _problem("add", "not a criterion", f"one of {one_of(CRITERION_KINDS)}", add)
            )
        else:
            new = add
            adding = lambda cs: _added(cs, new)  # noqa: E731
    if not steps and drop is None and add is None and not problems:
        problems.append(
            _problem(
                "arguments",
                "nothing to change",
                "threshold, strict, floor, sustained, time_in_level, min_value, count, drop or add",
                None,
            )
        )

    def edit(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        changed = adding(removing(criteria))
        for step in steps:
            changed = tuple(map(step, changed))
        return changed

    return edit, wanted


def _evidence_steps(
    framework: Framework,
    problems: list[Problem],
    wanted: list[tuple[str, _Applies]],
    *,
    min_value: Number | None,
    count: int | None,
    requirement: str | None,
) -> list[Callable[[Criterion], Criterion]]:
    """The changes to `ScopeEvidence` criteria: ``min_value`` and ``count``."""
    known = sorted(
        {c.id for p in framework.policies for c in p.criteria if isinstance(c, ScopeEvidence)}
    )
    if requirement is not None:
        if requirement not in known:
            problems.append(
                _problem("requirement", "unknown evidence requirement", one_of(known), requirement)
            )
            return []
        if min_value is None and count is None:
            problems.append(
                _problem(
                    "requirement",
                    "names a requirement but changes nothing",
                    "min_value or count",
                    None,
                )
            )
            return []

    def chosen(c: Criterion) -> bool:
        return isinstance(c, ScopeEvidence) and requirement in (None, c.id)

    what = "a 'scope_evidence' criterion" + (
        "" if requirement is None else f" for requirement {requirement!r}"
    )
    steps: list[Callable[[Criterion], Criterion]] = []
    least = None if min_value is None else _number("min_value", min_value, problems)
    if least is not None:
        steps.append(_set_evidence(requirement, min_value=least))
        wanted.append(("min_value", _Applies(what, chosen)))
    if count is not None:
        if _whole(count) and count >= 1:
            steps.append(_set_evidence(requirement, count=count))
            wanted.append(("count", _Applies(what, chosen)))
        else:
            problems.append(_problem("count", "too few records", "an integer of 1 or more", count))
    return steps


def _set_evidence(requirement: str | None, **changes: Any) -> Callable[[Criterion], Criterion]:
    def step(criterion: Criterion) -> Criterion:
        if isinstance(criterion, ScopeEvidence) and requirement in (None, criterion.id):
            return attrs.evolve(criterion, **changes)
        return criterion

    return step


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is(cls: type[Criterion]) -> Callable[[Criterion], bool]:
    return lambda c: isinstance(c, cls)


def _set_cycles(
    cls: type[Sustained | TimeInLevel], cycles: int
) -> Callable[[Criterion], Criterion]:
    return lambda c: attrs.evolve(c, cycles=cycles) if isinstance(c, cls) else c


def _added(criteria: tuple[Criterion, ...], new: Criterion) -> tuple[Criterion, ...]:
    """``criteria`` with ``new`` in place of the one with its key, or in its kind's place."""
    key = criterion_key(new)
    if any(criterion_key(c) == key for c in criteria):
        return tuple(new if criterion_key(c) == key else c for c in criteria)
    # After the last criterion of the same or an earlier kind, as merging orders them.
    at = max(
        (i + 1 for i, c in enumerate(criteria) if _ORDER[c.kind] <= _ORDER[new.kind]), default=0
    )
    return (*criteria[:at], new, *criteria[at:])
