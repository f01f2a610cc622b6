"""The shapes real frameworks use: behaviour lists, competencies over part of a track,
branching tracks, annual cycles, labelled proficiencies, policy defaults, named approval
steps, notes and links, and text that must say something.
"""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import progression
from progression import (
    Approval,
    AverageScore,
    Behaviour,
    Cadence,
    Calibration,
    Criterion,
    Cycle,
    Expectation,
    Framework,
    InvalidFramework,
    InvalidHistory,
    Link,
    ManagerEndorsement,
    MeetsExpectations,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
    strategies,
)
from progression._formats._csv import histories_from_csv
from progression._policy import criterion_key, merge_criteria

BASE = """\
id: shapes
name: Shapes
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
        competencies:
          - id: craft
            name: Craft
            kind: core
            levels:
              E1: {description: Writes tested code for small tasks, proficiency: 2}
              E2: {description: Designs the features they build, proficiency: 3}
              E3: {description: Designs the systems of their team, proficiency: 4}
"""


def load(text: str) -> Framework:
    return progression.loads_framework(textwrap.dedent(text))


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(InvalidFramework) as raised:
        progression.loads_framework(textwrap.dedent(text), source="shapes.yaml")
    return [(p.path, p.message) for p in raised.value.problems]


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def paths(text: str) -> list[str]:
    return [path for path, _ in problems(text)]


# --- behaviours -----------------------------------------------------------------------

LISTED = edit(
    "              E2: {description: Designs the features they build, proficiency: 3}\n",
    """\
              E2:
                behaviours:
                  - Designs the features they build
                  - text: Reviews the designs of teammates every week
                    examples: [A written review on each design document]
                    links:
                      - https://example.com/reviews
                      - {url: https://example.com/guide, label: Guide}
                    notes: Counts for design reviews only.
                    external_id: row-17
                proficiency: 3
""",
)


def test_a_cell_holds_several_behaviours_each_with_its_own_examples() -> None:
    expectation = load(LISTED).job_families[0].tracks[0].competencies[0].levels["E2"]
    first, second = expectation.behaviours
    assert first == Behaviour(text="Designs the features they build")
    assert list(second.examples) == ["A written review on each design document"]
    assert list(second.links) == [
        Link(url="https://example.com/reviews"),
        Link(url="https://example.com/guide", label="Guide"),
    ]
    assert (second.notes, second.external_id) == ("Counts for design reviews only.", "row-17")
    assert expectation.description == (
        "Designs the features they build Reviews the designs of teammates every week"
    )
    assert not expectation.shorthand


def test_description_is_the_one_behaviour_shorthand_in_files_and_in_python() -> None:
    expectation = load(BASE).job_families[0].tracks[0].competencies[0].levels["E1"]
    assert expectation == Expectation(
        behaviours=[Behaviour(text="Writes tested code for small tasks")], proficiency=2
    )
    assert expectation == Expectation(
        description="Writes tested code for small tasks", proficiency=2
    )
    assert expectation.shorthand
    # evolve with description replaces the behaviours, as the shorthand promises.
    replaced = attrs.evolve(
        load(LISTED).job_families[0].tracks[0].competencies[0].levels["E2"], description="X y z."
    )
    assert [b.text for b in replaced.behaviours] == ["X y z."]


def test_files_are_written_with_the_shortest_form_of_each_behaviour() -> None:
    dumped = progression.dump_framework(load(LISTED))
    assert "  E1:\n          description: Writes tested code for small tasks\n" in dumped
    assert "  - Designs the features they build\n" in dumped
    assert "- https://example.com/reviews\n" in dumped
    assert "- url: https://example.com/guide\n" in dumped
    assert progression.loads_framework(dumped) == load(LISTED)


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{description: Writes code, behaviours: [Tests it], proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.description",
            "not both",
        ),
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{description: '  ', proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.description",
            "empty text",
        ),
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{behaviours: [], proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.behaviours",
            "at least one behaviour",
        ),
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{behaviours: [Writes code, ''], proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.behaviours[1]",
            "empty text",
        ),
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{behaviours: [{text: Writes code, examples: ['']}], proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.behaviours[0].examples[0]",
            "empty examples",
        ),
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{descripton: Writes code, proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.descripton",
            "did you mean 'description'",
        ),
        (
            "{description: Writes tested code for small tasks, proficiency: 2}",
            "{behaviours: [42], proficiency: 2}",
            "$.job_families[0].tracks[0].competencies[0].levels.E1.behaviours[0]",
            "a string or a mapping (Behaviour)",
        ),
    ],
)
def test_bad_behaviours_are_reported_where_they_are(
    old: str, new: str, path: str, words: str
) -> None:
    found = problems(edit(old, new))
    assert path in [p for p, _ in found], found
    assert any(words in message for p, message in found if p == path), found


def test_lint_reads_each_behaviour_on_its_own() -> None:
    text = edit("- Designs the features they build\n", "- Is a strategic thinker\n", LISTED)
    findings = progression.lint(load(text)).findings
    at = "$.job_families[0].tracks[0].competencies[0].levels.E2.behaviours[0]"
    assert {f.code for f in findings if f.path == at} >= {"PG101"}
    # The second behaviour, fine on its own, is not blamed for the first.
    assert not [f for f in findings if f.path.endswith("E2.behaviours[1].text")]


# --- competencies over part of a track ------------------------------------------------

LEADERSHIP = edit(
    "              E3: {description: Designs the systems of their team, proficiency: 4}\n",
    """\
              E3: {description: Designs the systems of their team, proficiency: 4}
          - id: leadership
            name: Leadership
            kind: core
            starts_at: E2
            levels:
              E2: {description: Mentors one engineer through a project}
              E3: {description: Leads the technical work of a small team}
""",
)


def test_a_competency_may_start_part_of_the_way_up_without_filler() -> None:
    track = load(LEADERSHIP).job_families[0].tracks[0]
    leadership = track.competency("leadership")
    assert (leadership.expects("E1"), leadership.expects("E2")) == (False, True)
    assert leadership.expectation("E1") is None
    assert leadership.levels["E2"].proficiency is None
    assert [c.id for c in track.expected_at("E1")] == ["craft"]
    assert [c.id for c in track.expected_at("E3")] == ["craft", "leadership"]


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("            starts_at: E2\n", "", "...levels", "no expectation for level 'E1'"),
        (
            "            starts_at: E2\n",
            "            starts_at: E3\n",
            "...levels.E2",
            "outside starts_at 'E3'",
        ),
        (
            "            starts_at: E2\n",
            "            starts_at: E9\n",
            "...starts_at",
            "not a level of this track",
        ),
        (
            "            starts_at: E2\n",
            "            starts_at: E3\n            ends_at: E2\n",
            "...ends_at",
            "ends below the level it starts at",
        ),
        (
            "              E2: {description: Mentors one engineer through a project}\n",
            "",
            "...levels",
            "no expectation for level 'E2'",
        ),
    ],
)
def test_the_levels_of_a_competency_must_be_the_run_its_bounds_say(
    old: str, new: str, path: str, words: str
) -> None:
    found = problems(edit(old, new, LEADERSHIP))
    full = path.replace("...", "$.job_families[0].tracks[0].competencies[1].")
    assert any(p == full and words in m for p, m in found), found


def test_score_criteria_count_the_competencies_the_judged_level_expects() -> None:
    framework = load(
        LEADERSHIP + "policies:\n  - family: eng\n    track: ic\n    criteria:\n"
        "      - {kind: average_score, threshold: 3}\n"
    )
    average = AverageScore(threshold=3)
    # A step up judges the target level: leadership counts from the step into E2 on.
    assert framework.counted_competencies("eng", "E1", "E2", average) == ("craft", "leadership")
    listed = AverageScore(threshold=3, competencies=["leadership", "craft"])
    assert framework.counted_competencies("eng", "E2", "E3", listed) == ("leadership", "craft")


def test_meets_expectations_without_a_proficiency_is_refused_at_load() -> None:
    found = problems(
        LEADERSHIP + "policies:\n  - family: eng\n    from_level: E1\n    to_level: E2\n"
        "    criteria:\n      - {kind: meets_expectations}\n"
    )
    assert found == [
        (
            "$.policies[0].criteria[0]",
            "needs the proficiency 'E2' expects for 'leadership', which the framework leaves"
            " out: expected a proficiency for 'leadership' at 'E2' (or a criterion that needs"
            " none)",
        )
    ]


def test_a_criterion_naming_only_competencies_not_yet_expected_is_refused() -> None:
    ending = edit(
        "            starts_at: E2\n",
        "            starts_at: E2\n            ends_at: E2\n",
        edit(
            "              E3: {description: Leads the technical work of a small team}\n",
            "",
            LEADERSHIP,
        ),
    )
    found = problems(
        ending + "policies:\n  - family: eng\n    track: ic\n    criteria:\n"
        "      - {kind: average_score, threshold: 3, competencies: [leadership]}\n"
    )
    # Leadership ends at E2, so the step up to E3, which judges E3, would count nothing.
    assert found == [
        (
            "$.policies[0].criteria[0]",
            "counts no competency on the move E2 -> E3: none of those it names is expected at"
            " 'E3': expected a competency expected at 'E3'",
        )
    ]


# --- branching tracks -----------------------------------------------------------------

BRANCHING = """\
id: branching
name: Branching
version: "1"
job_families:
  - id: eng
    name: Engineering
    tracks:
      - id: trunk
        name: Shared
        kind: ic
        levels:
          - {id: junior, name: Junior, rank: 1}
          - {id: engineer, name: Engineer, rank: 2}
          - {id: senior, name: Senior, rank: 3}
        competencies:
          - id: craft
            name: Craft
            kind: core
            levels:
              junior: {description: a b c d e f}
              engineer: {description: b c d e f g}
              senior: {description: c d e f g h}
      - id: ic
        name: Individual contributor
        kind: ic
        branches_from: {track: trunk, level: senior}
        levels:
          - {id: staff, name: Staff, rank: 4}
          - {id: principal, name: Principal, rank: 5}
        competencies:
          - id: craft
            name: Craft
            kind: core
            levels:
              staff: {description: d e f g h i}
              principal: {description: e f g h i j}
      - id: manager
        name: People manager
        kind: management
        branches_from: {track: trunk, level: senior}
        levels:
          - {id: lead, name: Lead, rank: 4}
          - {id: head, name: Head, rank: 5}
          - {id: director, name: Director, rank: 6}
        competencies:
          - id: craft
            name: Craft
            kind: core
            levels:
              lead: {description: f g h i j k}
              head: {description: g h i j k l}
              director: {description: h i j k l m}
"""


def test_a_shared_trunk_branches_into_tracks_of_equal_standing() -> None:
    family = load(BRANCHING).job_families[0]
    assert [lv.id for lv in family.ladder("ic")] == [
        "junior",
        "engineer",
        "senior",
        "staff",
        "principal",
    ]
    assert [lv.id for lv in family.shared_levels("manager")] == ["junior", "engineer", "senior"]
    assert family.shared_levels("trunk") == ()
    assert [t.id for t in family.tracks_through("engineer")] == ["trunk", "ic", "manager"]
    assert [t.id for t in family.tracks_through("staff")] == ["ic"]
    assert family.track_of("senior").id == "trunk"
    assert family.next_level("senior") is None  # the trunk's own top
    assert family.next_level("senior", "manager").id == "lead"  # type: ignore[union-attr]
    assert [lv.id for lv in family.next_levels("senior")] == ["staff", "lead"]
    assert [lv.id for lv in family.next_levels("engineer")] == ["senior"]
    assert family.route("senior", "lead") == family.route("senior", "staff") == "promotion"
    assert family.route("junior", "principal") == "promotion"
    assert family.route("staff", "head") is None
    assert family.route("lead", "engineer") is None
    with pytest.raises(KeyError):
        family.next_level("staff", "manager")


def test_the_step_into_either_branch_has_that_branch_s_default() -> None:
    framework = load(
        BRANCHING + "policies:\n"
        "  - {family: eng, track: ic, criteria: [{kind: time_in_level, cycles: 4}]}\n"
        "  - {family: eng, track: manager, criteria: [{kind: approval, step: interview}]}\n"
    )
    into_ic = framework.policy("eng", "senior", "staff")
    into_manager = framework.policy("eng", "senior", "lead")
    assert into_ic is not None
    assert into_manager is not None
    assert (into_ic.track, into_manager.track) == ("ic", "manager")
    assert framework.policy("eng", "engineer", "senior") is None  # the trunk has no default


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "branches_from: {track: trunk, level: senior}\n        levels:\n          - {id: staff",
            "branches_from: {track: trunks, level: senior}\n"
            "        levels:\n          - {id: staff",
            "$.job_families[0].tracks[1].branches_from.track",
            "unknown track",
        ),
        (
            "branches_from: {track: trunk, level: senior}\n        levels:\n          - {id: staff",
            "branches_from: {track: ic, level: senior}\n        levels:\n          - {id: staff",
            "$.job_families[0].tracks[1].branches_from.track",
            "branches from another track",
        ),
        (
            "branches_from: {track: trunk, level: senior}\n        levels:\n          - {id: staff",
            "branches_from: {track: trunk, level: staff}\n        levels:\n          - {id: staff",
            "$.job_families[0].tracks[1].branches_from.level",
            "not a level on the ladder of track 'trunk'",
        ),
        (
            "{id: staff, name: Staff, rank: 4}",
            "{id: staff, name: Staff, rank: 3}",
            "$.job_families[0].tracks[1].levels[0].rank",
            "a branch's levels start above its branch point",
        ),
    ],
)
def test_bad_branch_points_are_reported(old: str, new: str, path: str, words: str) -> None:
    found = problems(edit(old, new, BRANCHING))
    assert any(p == path and words in m for p, m in found), found


def test_tracks_that_branch_from_each_other_in_a_circle_are_refused() -> None:
    text = edit(
        "        kind: ic\n        levels:\n          - {id: junior",
        "        kind: ic\n        branches_from: {track: ic, level: staff}\n"
        "        levels:\n          - {id: junior",
        BRANCHING,
    )
    assert "$.job_families[0].tracks[0].branches_from.track" in paths(text)


def test_lint_counts_shared_levels_and_knows_a_branch_is_entered_by_promotion() -> None:
    report = progression.lint(load(BRANCHING), ignore=["PG104", "PG103", "PG602", "PG203"])
    codes = [f.code for f in report.findings]
    # The trunk's three levels are not "too few": they are counted in every branch.
    assert "PG201" not in codes
    # Managers reach the management branch by promotion from the trunk.
    assert "PG301" not in codes
    # The IC branch tops out at rank 5, below the director: a real finding.
    assert "PG303" in codes


# --- annual cycles --------------------------------------------------------------------


def test_annual_cycles_parse_print_order_and_shift() -> None:
    cycle = Cycle.parse("2026-Y")
    assert (cycle.year, cycle.period, cycle.cadence) == (2026, 1, Cadence.ANNUAL)
    assert str(cycle) == "2026-Y"
    assert Cycle.parse(" 2026-y ") == cycle
    assert cycle.shift(2) == Cycle.parse("2028-Y")
    assert cycle.shift(1).ordinal - cycle.ordinal == 1
    assert Cycle.parse("2025-Y") < cycle
    with pytest.raises(ValueError, match="'2026-Y' \\(annual\\)"):
        Cycle.parse("2026")
    with pytest.raises(TypeError, match="different cadences"):
        assert cycle < Cycle.parse("2026-Q1")


@given(st.sampled_from(Cadence), st.integers(1000, 9000), st.integers(-50, 50))
def test_every_cycle_reads_back_and_shifts_both_ways(
    cadence: Cadence, year: int, steps: int
) -> None:
    cycle = Cycle(year, 1, cadence)
    assert Cycle.parse(str(cycle)) == cycle
    assert cycle.shift(steps).shift(-steps) == cycle
    assert cycle.shift(steps).ordinal == cycle.ordinal + steps


def test_annual_histories_load_from_csv_and_mixing_cadences_is_refused() -> None:
    (history,) = histories_from_csv(
        "employee_id,cycle,competency,score\ne1,2025-Y,craft,3\n",
        "employee_id,family,track,level,since\ne1,eng,ic,E1,2024-Y\n",
    )
    assert str(history.reviews[0].cycle) == "2025-Y"
    with pytest.raises(InvalidHistory, match="cycles of different cadences"):
        progression.loads_history(
            "employee: e1\nfamily: eng\ntrack: ic\nlevels: [{level: E1, since: 2024-Y}]\n"
            "reviews: [{cycle: 2025-Q1}]\n"
        )


def test_an_annual_framework_round_trips() -> None:
    framework = load(edit('version: "1"\n', 'version: "1"\ncadence: annual\n'))
    assert framework.cadence is Cadence.ANNUAL
    assert "cadence: annual" in progression.dump_framework(framework)


# --- proficiency labels ---------------------------------------------------------------


def test_a_proficiency_may_be_written_as_its_label_and_is_written_back_as_the_number() -> None:
    text = edit(
        "E2: {description: Designs the features they build, proficiency: 3}",
        "E2: {description: Designs the features they build, proficiency: proficient}",
    )
    framework = load(text)
    assert framework.job_families[0].tracks[0].competencies[0].levels["E2"].proficiency == 3
    assert framework == load(BASE)
    assert "proficiency: 3" in progression.dump_framework(framework)


def test_an_unknown_label_lists_the_labels_with_its_path_and_line() -> None:
    text = edit(
        "E2: {description: Designs the features they build, proficiency: 3}",
        "E2: {description: Designs the features they build, proficiency: Profficient}",
    )
    with pytest.raises(InvalidFramework) as raised:
        progression.loads_framework(text, source="shapes.yaml")
    (problem,) = raised.value.problems
    assert problem.path == "$.job_families[0].tracks[0].competencies[0].levels.E2.proficiency"
    assert (
        problem.line
        == text.splitlines().index(
            "              E2: {description: Designs the features they build,"
            " proficiency: Profficient}"
        )
        + 1
    )
    assert "unknown proficiency label (did you mean 'Proficient'?)" in problem.message
    assert "'Learning', 'Developing', 'Proficient', 'Advanced' or 'Expert'" in problem.message


def test_labels_are_those_of_the_framework_s_own_scale() -> None:
    text = edit(
        'version: "1"\n',
        'version: "1"\nscale: {min: 0, max: 2, labels: {0: None yet, 1: Some, 2: All}}\n',
    )
    text = edit("proficiency: 2}", "proficiency: None yet}", text)
    text = edit("proficiency: 3}", "proficiency: some}", text)
    text = edit("proficiency: 4}", "proficiency: 2}", text)
    levels = load(text).job_families[0].tracks[0].competencies[0].levels
    assert [levels[e].proficiency for e in ("E1", "E2", "E3")] == [0, 1, 2]


# --- policy defaults ------------------------------------------------------------------

DEFAULTS = (
    BASE
    + """\
policies:
  - family: eng
    criteria:
      - {kind: average_score, threshold: 3.5}
      - {kind: score_floor, floor: 3}
      - {kind: sustained, cycles: 2}
      - {kind: time_in_level, cycles: 4}
      - {kind: manager_endorsement}
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
      - {kind: scope_evidence, id: design-doc, description: Wrote a design others built.}
      - {kind: average_score, threshold: 4}
      - {kind: approval, step: interview}
"""
)


def test_defaults_merge_by_key_and_a_transition_overrides_only_what_differs() -> None:
    framework = load(DEFAULTS)
    step = framework.policy("eng", "E1", "E2")
    assert step is not None
    assert step.track == "ic"
    assert [criterion_key(c) for c in step.criteria] == [
        "average_score", "score_floor", "sustained", "time_in_level",
        "manager_endorsement", "calibration",
    ]  # fmt: skip
    top = framework.policy("eng", "E2", "E3")
    assert top is not None
    assert not top.inherit
    assert (top.from_level, top.to_level) == ("E2", "E3")
    assert [criterion_key(c) for c in top.criteria] == [
        "average_score", "score_floor", "time_in_level", "scope_evidence:design-doc",
        "manager_endorsement", "calibration", "approval:interview",
    ]  # fmt: skip
    assert top.criteria[0] == AverageScore(threshold=4)
    assert framework.track_default("eng", "ic") == step
    # A skipped level still has no default.
    assert framework.policy("eng", "E1", "E3") is None


def test_a_transition_without_inherit_stands_alone_as_before() -> None:
    framework = load(edit("    inherit: true\n    drop: [sustained]\n", "", DEFAULTS))
    top = framework.policy("eng", "E2", "E3")
    assert top is not None
    assert [c.kind for c in top.criteria] == ["scope_evidence", "average_score", "approval"]


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "    drop: [sustained]\n",
            "    drop: [calibrated]\n",
            "$.policies[2].drop[0]",
            "unknown criterion kind",
        ),
        (
            "    drop: [sustained]\n",
            "    drop: [scope_evidence:nope]\n",
            "$.policies[2].drop[0]",
            "drops nothing",
        ),
        (
            "    drop: [approval]\n",
            "    drop: [calibration]\n",
            "$.policies[1].drop[0]",
            "drops nothing",
        ),
        (
            "    drop: [approval]\n",
            "    drop: [approval]\n    inherit: true\n",
            "$.policies[1].inherit",
            "inherit belongs to a transition",
        ),
        (
            "      - {kind: calibration}\n",
            "      - {kind: calibration}\n      - {kind: calibration}\n",
            "$.policies[1].criteria[1]",
            "a second 'calibration' criterion",
        ),
        (
            "{kind: average_score, threshold: 4}",
            "{kind: average_score, threshold: 2.5}",
            "$.policies[2]",
            "is below the floor 3",
        ),
    ],
)
def test_merging_mistakes_are_reported_where_they_are_written(
    old: str, new: str, path: str, words: str
) -> None:
    found = problems(edit(old, new, DEFAULTS))
    assert any(p == path and words in m for p, m in found), found


def test_inheriting_needs_a_default() -> None:
    text = BASE + (
        "policies:\n  - family: eng\n    from_level: E1\n    to_level: E2\n    inherit: true\n"
        "    criteria: [{kind: calibration}]\n"
    )
    assert problems(text) == [
        (
            "$.policies[0].inherit",
            "no default to inherit: family 'eng' has no default policy for track 'ic': expected"
            " a family or track default, or the criteria in full",
        )
    ]


def test_merge_criteria_replaces_by_key_adds_the_rest_and_drops() -> None:
    base: list[Criterion] = [AverageScore(threshold=3), ScopeEvidence(id="a"), ManagerEndorsement()]
    override: list[Criterion] = [
        ScopeEvidence(id="b"),
        AverageScore(threshold=4),
        TimeInLevel(cycles=2),
    ]
    merged = merge_criteria(base, override, drop=["manager_endorsement"])
    assert merged == (
        AverageScore(threshold=4),
        TimeInLevel(cycles=2),
        ScopeEvidence(id="a"),
        ScopeEvidence(id="b"),
    )
    assert merge_criteria(base, override, drop=["scope_evidence"]) == (
        AverageScore(threshold=4),
        TimeInLevel(cycles=2),
        ManagerEndorsement(),
    )


criteria_lists: st.SearchStrategy[list[Criterion]] = st.lists(
    st.sampled_from(
        [
            AverageScore(threshold=3),
            AverageScore(threshold=4),
            ScoreFloor(floor=2),
            MeetsExpectations(),
            Sustained(cycles=2),
            TimeInLevel(cycles=4),
            ScopeEvidence(id="a"),
            ScopeEvidence(id="b", count=2),
            ManagerEndorsement(),
            Calibration(),
            Approval(step="interview"),
            Approval(step="promotion-panel"),
        ]
    ),
    max_size=6,
)


@given(criteria_lists, criteria_lists)
def test_merging_keeps_one_criterion_per_key_and_the_override_wins(
    base: list[Criterion], override: list[Criterion]
) -> None:
    merged = merge_criteria(base, override)
    keys = [criterion_key(c) for c in merged]
    assert len(keys) == len(set(keys))
    assert set(keys) == {criterion_key(c) for c in [*base, *override]}
    for criterion in override:
        last = [c for c in override if criterion_key(c) == criterion_key(criterion)][-1]
        assert last in merged
    assert merge_criteria(merged, merged) == merged


@given(strategies.frameworks())
def test_every_move_a_generated_framework_governs_has_a_policy_in_force(
    framework: Framework,
) -> None:
    for family in framework.job_families:
        for track in family.tracks:
            ladder = family.ladder(track.id)
            for low, high in itertools.pairwise(ladder):
                expected = framework.track_default(family.id, family.track_of(high.id).id)
                found = framework.policy(family.id, low.id, high.id)
                own = [
                    p
                    for p in framework.policies
                    if (p.family, p.from_level, p.to_level, p.to_family)
                    == (family.id, low.id, high.id, None)
                ]
                if own:
                    assert found is not None
                    assert (found.from_level, found.to_level) == (low.id, high.id)
                    if not own[0].inherit:
                        assert found is own[0]
                else:
                    assert found == expected


# --- named approval steps -------------------------------------------------------------


def test_an_approval_step_is_a_criterion_counted_as_an_approval() -> None:
    framework = load(DEFAULTS)
    step = framework.policy("eng", "E2", "E3")
    assert step is not None
    approval = step.criteria[-1]
    assert approval == Approval(step="interview")
    assert approval.kind in progression._policy.APPROVAL_KINDS
    assert progression.unstructure(approval) == {"kind": "approval", "step": "interview"}


@pytest.mark.parametrize(
    ("criteria", "path", "words"),
    [
        (
            "[{kind: approval, step: interview}, {kind: approval, step: interview}]",
            "$.policies[0].criteria[1].step",
            "duplicate approval step",
        ),
        (
            "[{kind: approval, step: 'promotion panel'}]",
            "$.policies[0].criteria[0].step",
            "invalid id",
        ),
        ("[{kind: approval}]", "$.policies[0].criteria[0].step", "missing required key 'step'"),
    ],
)
def test_bad_approval_steps(criteria: str, path: str, words: str) -> None:
    found = problems(BASE + f"policies:\n  - {{family: eng, track: ic, criteria: {criteria}}}\n")
    assert any(p == path and words in m for p, m in found), found


def test_histories_record_approval_steps_in_documents_and_csv() -> None:
    (history,) = progression.loads_history(
        "employee: e1\nfamily: eng\ntrack: ic\nlevels: [{level: E1, since: 2026-Q1}]\n"
        "reviews: [{cycle: 2026-Q2, approvals: [promotion-panel, interview]}]\n"
    )
    assert list(history.reviews[0].approvals) == ["promotion-panel", "interview"]
    (from_csv,) = histories_from_csv(
        "employee_id,cycle,competency,score\ne1,2026-Q2,craft,3\n",
        "employee_id,family,track,level,since\ne1,eng,ic,E1,2026-Q1\n",
        "employee_id,cycle,event,requirement\ne1,2026-Q2,approval,promotion-panel\n"
        "e1,2026-Q2,approval,interview\ne1,2026-Q2,endorsement,\n",
    )
    assert list(from_csv.reviews[0].approvals) == ["promotion-panel", "interview"]
    assert from_csv.reviews[0].endorsed


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("e1,2026-Q2,approval,,", "an approval row needs a requirement"),
        ("e1,2026-Q2,approval,interview,3", "an approval row takes no value"),
        ("e1,2026-Q2,approval,has space,", "invalid id"),
        ("e1,2026-Q2,approvel,interview,", "unknown event"),
    ],
)
def test_bad_approval_rows_are_reported_with_their_line(row: str, words: str) -> None:
    with pytest.raises(InvalidHistory) as raised:
        histories_from_csv(
            "employee_id,cycle,competency,score\ne1,2026-Q2,craft,3\n",
            "employee_id,family,track,level,since\ne1,eng,ic,E1,2026-Q1\n",
            f"employee_id,cycle,event,requirement,value\n{row}\n",
        )
    (problem,) = raised.value.problems
    assert words in problem.message
    assert (problem.source, problem.line) == ("events.csv", 2)


def test_a_step_approved_twice_in_a_cycle_is_refused() -> None:
    with pytest.raises(InvalidHistory, match="'interview' is listed twice"):
        progression.loads_history(
            "employee: e1\nfamily: eng\ntrack: ic\nlevels: [{level: E1, since: 2026-Q1}]\n"
            "reviews: [{cycle: 2026-Q2, approvals: [interview, interview]}]\n"
        )


# --- notes, links and external ids; required text -------------------------------------

ANNOTATED = """\
id: notes
name: Notes
version: "1"
notes: About the framework.
external_id: fw-1
job_families:
  - id: eng
    name: Engineering
    notes: About the family.
    links: [https://example.com/family]
    external_id: sheet-1
    tracks:
      - id: ic
        name: IC
        kind: ic
        notes: About the track.
        external_id: track-1
        levels:
          - id: E1
            name: Engineer
            rank: 1
            notes: About the level.
            external_id: level-1
            links: [{url: https://example.com/e1, label: E1}]
        competencies:
          - id: craft
            name: Craft
            kind: core
            notes: About the competency.
            external_id: c-1
            levels:
              E1: {description: Writes code, notes: About the cell., external_id: cell-1}
"""


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_notes_links_and_external_ids_survive_every_format(fmt: Any) -> None:
    framework = load(ANNOTATED)
    family = framework.job_families[0]
    track = family.tracks[0]
    assert (framework.notes, framework.external_id) == ("About the framework.", "fw-1")
    assert (family.external_id, family.links[0].url) == ("sheet-1", "https://example.com/family")
    assert (track.notes, track.levels[0].links[0].label) == ("About the track.", "E1")
    cell = track.competencies[0].levels["E1"]
    assert (cell.notes, cell.external_id, cell.shorthand) == ("About the cell.", "cell-1", True)
    text = progression.dump_framework(framework, format=fmt)
    assert progression.loads_framework(text, format=fmt) == framework


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("name: Notes\n", "name: ''\n", "$.name"),
        ('version: "1"\n', 'version: " "\n', "$.version"),
        ("    name: Engineering\n", "    name: ''\n", "$.job_families[0].name"),
        ("        name: IC\n", "        name: ''\n", "$.job_families[0].tracks[0].name"),
        (
            "            name: Engineer\n",
            "            name: ''\n",
            "$.job_families[0].tracks[0].levels[0].name",
        ),
        (
            "            name: Engineer\n",
            "            name: Engineer\n            title: ''\n            scope: '   '\n",
            "$.job_families[0].tracks[0].levels[0].title",
        ),
        (
            "            name: Engineer\n",
            "            name: Engineer\n            autonomy: '   '\n",
            "$.job_families[0].tracks[0].levels[0].autonomy",
        ),
        (
            "            name: Craft\n",
            "            name: ''\n",
            "$.job_families[0].tracks[0].competencies[0].name",
        ),
        (
            "            name: Craft\n",
            "            name: Craft\n            summary: ''\n",
            "$.job_families[0].tracks[0].competencies[0].summary",
        ),
        ("notes: About the framework.\n", "notes: ''\n", "$.notes"),
        ("links: [https://example.com/family]", "links: ['']", "$.job_families[0].links[0]"),
    ],
)
def test_required_text_must_say_something(old: str, new: str, path: str) -> None:
    text = edit(old, new, ANNOTATED)
    with pytest.raises(InvalidFramework) as raised:
        progression.loads_framework(text, source="notes.yaml")
    found = {p.path: p for p in raised.value.problems}
    assert path in found, str(raised.value)
    assert "empty" in found[path].message
    assert found[path].line is not None


def test_scope_and_autonomy_may_be_left_out() -> None:
    level = load(BASE).job_families[0].tracks[0].levels[0]
    assert (level.scope, level.autonomy, level.title) == (None, None, None)


# --- the schema covers the new shapes -------------------------------------------------


def test_the_schema_accepts_the_new_shapes_and_refuses_empty_text(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    validator = jsonschema.Draft202012Validator(progression.json_schema())
    for text in (
        LISTED,
        LEADERSHIP,
        BRANCHING,
        DEFAULTS,
        ANNOTATED,
        edit('version: "1"\n', 'version: "1"\ncadence: annual\n'),
    ):
        data = yaml.safe_load(text)
        assert [e.message for e in validator.iter_errors(data)] == []
    assert list(validator.iter_errors(yaml.safe_load(edit("name: Shapes", "name: ' '"))))
    both = edit(
        "{description: Writes tested code for small tasks, proficiency: 2}",
        "{description: A b c, behaviours: [D e f]}",
    )
    assert list(validator.iter_errors(yaml.safe_load(both)))
