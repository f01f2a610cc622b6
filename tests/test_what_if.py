"""`with_policy`: one criterion parameter changed on every move, or on the moves selected.

Worked examples on a framework whose policies build on each other (a family default, a
track default that drops and adds, a transition that inherits and drops), then a
property over generated frameworks: each move's effective policy is exactly the old one
with the change applied when selected, and untouched otherwise.
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import progression
from progression import (
    Approval,
    AverageScore,
    Calibration,
    Framework,
    InvalidFramework,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
    criterion_key,
    strategies,
    with_policy,
)
from progression._what_if import governed_moves

TEXT = """\
id: layered
name: Layered
version: "1"
job_families:
  - id: eng
    name: Engineering
    tracks:
      - id: ic
        name: Individual contributor
        kind: ic
        levels:
          - {id: E1, name: Engineer 1, rank: 1}
          - {id: E2, name: Engineer 2, rank: 2}
          - {id: E3, name: Engineer 3, rank: 3}
          - {id: E4, name: Engineer 4, rank: 4}
        competencies:
          - id: craft
            name: Craft
            kind: core
            levels:
              E1: {description: Writes tested code for small tasks, proficiency: 2}
              E2: {description: Designs the features they build, proficiency: 3}
              E3: {description: Designs the systems of their team, proficiency: 4}
              E4: {description: Designs the systems of several teams, proficiency: 4}
policies:
  - family: eng
    criteria:
      - {kind: average_score, threshold: 3.5}
      - {kind: score_floor, floor: 3}
      - {kind: sustained, cycles: 2}
      - {kind: time_in_level, cycles: 4}
      - {kind: approval, step: promotion-panel}
  - family: eng
    track: ic
    drop: [approval]
    criteria:
      - {kind: calibration}
  - family: eng
    from_level: E2
    to_level: E3
    inherit: true
    drop: [sustained]
    criteria:
      - {kind: average_score, threshold: 4}
      - {kind: scope_evidence, id: design-doc, min_value: 2, unit: designs}
"""
STEPS = [("E1", "E2"), ("E2", "E3"), ("E3", "E4")]


def layered() -> Framework:
    return progression.loads_framework(textwrap.dedent(TEXT))


def keys(framework: Framework, low: str, high: str) -> list[str]:
    policy = framework.policy("eng", low, high)
    assert policy is not None
    return [criterion_key(c) for c in policy.criteria]


def criteria(framework: Framework, low: str, high: str) -> tuple[Any, ...]:
    policy = framework.policy("eng", low, high)
    assert policy is not None
    return tuple(policy.criteria)


def test_a_change_to_every_move_is_written_where_the_criteria_are() -> None:
    old = layered()
    new = with_policy(old, threshold="3.3")
    # Every average criterion in force is at 3.3, the one the transition overrides too.
    for low, high in STEPS:
        (average,) = [c for c in criteria(new, low, high) if isinstance(c, AverageScore)]
        assert average.threshold == Fraction(33, 10)
    # No policy was added: the family default and the transition were edited in place.
    assert len(new.policies) == len(old.policies)
    assert new.policies[0].criteria[0] == AverageScore(threshold="3.3")
    assert new.policies[2].criteria[0] == AverageScore(threshold="3.3")
    assert new.policies[1] == old.policies[1]


def test_a_change_to_one_move_governed_by_defaults_gets_its_own_transition() -> None:
    old = layered()
    new = with_policy(old, from_level="E3", to_level="E4", sustained=3)
    # The defaults still govern E1 -> E2, so they stay; E3 -> E4 is written out in full.
    assert new.policies[:3] == old.policies
    (added,) = new.policies[3:]
    assert (added.from_level, added.to_level, added.inherit) == ("E3", "E4", False)
    assert tuple(added.criteria) == tuple(
        Sustained(cycles=3) if isinstance(c, Sustained) else c for c in criteria(old, "E3", "E4")
    )
    assert criteria(new, "E1", "E2") == criteria(old, "E1", "E2")
    assert criteria(new, "E2", "E3") == criteria(old, "E2", "E3")


def test_a_move_without_the_criterion_is_left_as_it_is() -> None:
    old = layered()
    # E2 -> E3 drops sustained: changing its cycles everywhere leaves that move alone.
    new = with_policy(old, sustained=4)
    assert criteria(new, "E2", "E3") == criteria(old, "E2", "E3")
    assert Sustained(cycles=4) in criteria(new, "E1", "E2")
    assert Sustained(cycles=4) in criteria(new, "E3", "E4")
    assert len(new.policies) == len(old.policies)


def test_dropping_a_kind_removes_it_and_the_drops_that_named_it() -> None:
    old = layered()
    new = with_policy(old, drop="sustained")
    for low, high in STEPS:
        assert "sustained" not in keys(new, low, high)
    assert keys(new, "E1", "E2") == [k for k in keys(old, "E1", "E2") if k != "sustained"]
    # The transition's own "drop: [sustained]" would now drop nothing, an error: it goes.
    assert list(new.policies[2].drop) == []
    assert len(new.policies) == len(old.policies)


def test_adding_a_criterion_replaces_the_one_with_its_key_or_joins_in_kind_order() -> None:
    old = layered()
    panel = Approval(step="promotion-panel", description="Panel review")
    new = with_policy(old, to_level="E3", add=panel)
    # The track default drops approvals for E1 -> E2 and E3 -> E4: those stay without.
    assert "approval:promotion-panel" not in keys(new, "E1", "E2")
    assert "approval:promotion-panel" not in keys(new, "E3", "E4")
    assert keys(new, "E2", "E3") == [*keys(old, "E2", "E3"), "approval:promotion-panel"]
    assert criteria(new, "E2", "E3")[-1] == panel
    # Replacing by key: a stricter floor everywhere.
    stricter = with_policy(old, add=ScoreFloor(floor=3, competencies=["craft"]))
    for low, high in STEPS:
        floors = [c for c in criteria(stricter, low, high) if isinstance(c, ScoreFloor)]
        assert floors == [ScoreFloor(floor=3, competencies=["craft"])]


def test_evidence_minimum_and_time_in_level_by_requirement_and_track() -> None:
    old = layered()
    new = with_policy(old, requirement="design-doc", min_value=3, count=2)
    (evidence,) = [c for c in criteria(new, "E2", "E3") if isinstance(c, ScopeEvidence)]
    assert evidence.min_value == 3
    assert (evidence.count, evidence.unit) == (2, "designs")
    longer = with_policy(old, track="ic", time_in_level=6)
    for low, high in STEPS:
        assert TimeInLevel(cycles=6) in criteria(longer, low, high)
    assert len(longer.policies) == len(old.policies)


def test_strict_and_several_changes_in_one_call() -> None:
    new = with_policy(layered(), threshold=4, strict=True, floor=4, drop="time_in_level")
    for low, high in STEPS:
        chosen = criteria(new, low, high)
        assert AverageScore(threshold=4, strict=True) in chosen
        assert ScoreFloor(floor=4) in chosen
        assert not any(c.kind == "time_in_level" for c in chosen)


def test_the_result_dumps_and_loads_back_equal() -> None:
    new = with_policy(layered(), from_level="E1", to_level="E2", add=Calibration())
    assert progression.loads_framework(progression.dump_framework(new)) == new


def messages(**arguments: Any) -> list[str]:
    with pytest.raises(InvalidFramework) as caught:
        with_policy(layered(), **arguments)
    return [p.message for p in caught.value.problems]


def test_bad_arguments_name_the_value_and_the_valid_choices() -> None:
    assert messages(family="engineering") == [
        "with_policy family: unknown job family: expected 'eng', got 'engineering'"
    ]
    assert messages(track="mgmt", threshold=3) == [
        "with_policy track: unknown track: expected 'ic', got 'mgmt'"
    ]
    assert messages(to_level="E9", threshold=3) == [
        "with_policy to_level: unknown level: expected 'E1', 'E2', 'E3' or 'E4', got 'E9'"
    ]
    assert messages(from_level="E1", to_level="E3", threshold=3) == [
        "with_policy selection: no move governed by a policy matches from_level='E1',"
        " to_level='E3': expected 'E1 -> E2', 'E2 -> E3' or 'E3 -> E4'"
    ]
    assert messages(threshold=7) == [
        "with_policy threshold: threshold outside the scale: expected a number from 1 to 5, got 7"
    ]
    assert messages(floor=0) == [
        "with_policy floor: floor outside the scale: expected an integer from 1 to 5, got 0"
    ]
    assert messages(sustained=41)[0].endswith("expected an integer from 1 to 40, got 41")
    assert messages(drop="sustaned")[0].startswith(
        "with_policy drop: unknown criterion kind: expected a criterion kind"
    )
    assert messages(drop="manager_endorsement") == [
        "with_policy drop: no selected move has a 'manager_endorsement' criterion"
    ]
    assert messages(to_level="E3", add="calibration") == [
        "with_policy add: not a criterion: expected one of 'average_score', 'score_floor',"
        " 'meets_expectations', 'sustained', 'time_in_level', 'scope_evidence',"
        " 'manager_endorsement', 'calibration' or 'approval', got 'calibration'"
    ]
    assert messages(requirement="design", count=2)[0].startswith(
        "with_policy requirement: unknown evidence requirement: expected 'design-doc'"
    )
    assert messages(from_level="E1", to_level="E2", min_value=2) == [
        "with_policy min_value: no selected move has a 'scope_evidence' criterion"
    ]
    assert messages() == [
        "with_policy arguments: nothing to change: expected threshold, strict, floor,"
        " sustained, time_in_level, min_value, count, drop or add"
    ]


def test_a_change_that_breaks_a_rule_names_the_move() -> None:
    assert messages(to_level="E2", floor=4) == [
        "with_policy, on the move E1 -> E2 in family 'eng': threshold 3.5 is below the floor"
        " 4: expected a threshold of at least the floor 4"
    ]


# --- the contract, on generated frameworks ---------------------------------------------

CHANGES: list[dict[str, Any]] = [
    {"threshold": "2.5"},
    {"threshold": 3, "strict": True},
    {"floor": 1},
    {"sustained": 3},
    {"time_in_level": 2},
    {"count": 2},
    {"drop": "sustained"},
    {"drop": "manager_endorsement"},
    {"add": Calibration()},
    {"add": Sustained(cycles=2)},
]


@given(st.data())
def test_every_move_gets_exactly_the_policy_the_change_asks_for(data: st.DataObject) -> None:
    framework = data.draw(strategies.frameworks())
    moves = [move for move, _ in governed_moves(framework)]
    assume(moves)
    change = data.draw(st.sampled_from(CHANGES))
    scope: dict[str, Any] = {}
    if data.draw(st.booleans()):
        family, low, high, _ = data.draw(st.sampled_from(moves))
        scope = data.draw(
            st.sampled_from([{"family": family}, {"to_level": high}, {"from_level": low}])
        )
    try:
        new = with_policy(framework, **scope, **change)
    except InvalidFramework:
        assume(False)
        raise
    for move in moves:
        family, low, high, to_family = move
        old_policy = framework.policy(family, low, high, to_family)
        new_policy = new.policy(family, low, high, to_family)
        assert old_policy is not None
        assert new_policy is not None
        chosen = all(
            scope.get(k) in (None, v)
            for k, v in zip(("family", "from_level", "to_level"), move, strict=False)
        )
        expected = list(old_policy.criteria)
        if chosen:
            expected = _applied(expected, change)
        assert list(new_policy.criteria) == expected, move
        assert list(new_policy.raters) == list(old_policy.raters)


def _applied(criteria: list[Any], change: dict[str, Any]) -> list[Any]:
    """The change, applied the plain way: what the effective policy should hold."""
    out = []
    for written in criteria:
        if "drop" in change and change["drop"] == written.kind:
            continue
        c = written
        if isinstance(c, AverageScore) and "threshold" in change:
            c = AverageScore(
                threshold=change["threshold"],
                strict=change.get("strict", c.strict),
                weights=c.weights,
                competencies=c.competencies,
            )
        if isinstance(c, ScoreFloor) and "floor" in change:
            c = ScoreFloor(floor=change["floor"], competencies=c.competencies)
        if isinstance(c, Sustained) and "sustained" in change:
            c = Sustained(cycles=change["sustained"])
        if isinstance(c, TimeInLevel) and "time_in_level" in change:
            c = TimeInLevel(cycles=change["time_in_level"])
        if isinstance(c, ScopeEvidence) and "count" in change:
            c = ScopeEvidence(
                id=c.id, description=c.description, min_value=c.min_value, unit=c.unit,
                count=change["count"],
            )  # fmt: skip
        out.append(c)
    if "add" in change:
        new = change["add"]
        if any(c.kind == new.kind for c in out):
            out = [new if c.kind == new.kind else c for c in out]
        else:
            order = list(progression._policy.CRITERION_KINDS)
            at = max(
                (i + 1 for i, c in enumerate(out) if order.index(c.kind) <= order.index(new.kind)),
                default=0,
            )
            out.insert(at, new)
    return out
