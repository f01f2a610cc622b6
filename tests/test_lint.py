"""The framework linter: every rule, the vocabulary behind it, suppressions and the CLI.

Each rule is exercised on a framework derived (with ``attrs.evolve``) from one clean
framework built in code: family ``engineering`` with an IC track ``ic`` (``e1``..``e5``,
six competencies), a management track ``management`` (``m1``..``m4``) entered by a
crossover from ``e3`` and left by ways back to ``e3`` and ``e4``, and family ``product``
(track ``pm``, ``p1``..``p4``) reached by a lateral path from ``e3``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import progression
from progression import (
    RULES,
    AverageScore,
    Calibration,
    Competency,
    CompetencyKind,
    Crossover,
    Expectation,
    Finding,
    Framework,
    JobFamily,
    LateralPath,
    Level,
    LintReport,
    ManagerEndorsement,
    MeetsExpectations,
    PromotionPolicy,
    ScopeEvidence,
    ScoreFloor,
    Severity,
    Suppression,
    Sustained,
    TimeInLevel,
    Track,
    TrackKind,
    WayBack,
    examples,
    lint,
)
from progression._lint import _vocabulary as vocabulary
from progression.cli import main

Capture = pytest.CaptureFixture[str]
Mutation = Callable[[Framework], Framework]

REPO = Path(__file__).resolve().parent.parent

# --- building frameworks --------------------------------------------------------------

#: (level id, title, scope phrase): every description of a level ends with its scope.
IC_LEVELS = [
    (
        "e1",
        "Associate Engineer",
        "for their own tasks, asking a senior colleague to check the result",
    ),
    ("e2", "Engineer", "for features in one service without day-to-day help"),
    ("e3", "Senior Engineer", "across the team's services and agrees priorities with product"),
    ("e4", "Staff Engineer", "across several teams and sets the shared standard each quarter"),
    ("e5", "Principal Engineer", "for the whole organisation and reports progress to its leaders"),
]
#: (competency id, name, the action that opens each of its descriptions).
IC_COMPETENCIES = [
    ("design", "Design", "Writes design documents"),
    ("code", "Code review", "Reviews code changes"),
    ("testing", "Testing", "Adds automated tests"),
    ("delivery", "Delivery", "Ships planned work"),
    ("incidents", "Incidents", "Resolves production incidents"),
    ("mentoring", "Mentoring", "Coaches colleagues"),
]
MANAGER_LEVELS = [
    ("m1", "Engineering Manager", "for one team of up to eight engineers"),
    ("m2", "Senior Engineering Manager", "for two or three teams through their team leads"),
    ("m3", "Director of Engineering", "for a department and agrees its yearly budget with finance"),
    (
        "m4",
        "VP of Engineering",
        "for the whole engineering organisation and presents plans to the board",
    ),
]
MANAGER_COMPETENCIES = [
    ("hiring", "Hiring", "Runs hiring loops"),
    ("feedback", "Feedback", "Gives written feedback"),
    ("planning", "Planning", "Plans the quarterly roadmap"),
    ("budget", "Budget", "Tracks headcount and spending"),
    ("one-to-ones", "One-to-ones", "Schedules one-to-one meetings"),
    ("process", "Process", "Improves the delivery process"),
]
#: The clean product track uses the first four levels and six competencies; the rest
#: are there to build tracks of other sizes.
PRODUCT_LEVELS = [
    (
        "p1",
        "Associate Product Manager",
        "for a single feature with help from a senior product manager",
    ),
    ("p2", "Product Manager", "for a product area and checks results against agreed metrics"),
    ("p3", "Senior Product Manager", "for a product line and aligns it with sales and support"),
    (
        "p4",
        "Group Product Manager",
        "for the whole portfolio and presents trade-offs to the executives",
    ),
    (
        "p5",
        "Principal Product Manager",
        "for two product lines and sets pricing with the finance team",
    ),
    (
        "p6",
        "Director of Product",
        "for a business unit and negotiates its yearly targets with the board",
    ),
    (
        "p7",
        "Senior Director of Product",
        "for every product in one region and hires its product leads",
    ),
    ("p8", "VP of Product", "for the company's whole product strategy and publishes it each year"),
]
PRODUCT_COMPETENCIES = [
    ("discovery", "Discovery", "Interviews customers"),
    ("backlog", "Backlog", "Prioritises the backlog"),
    ("requirements", "Requirements", "Writes product requirements"),
    ("analytics", "Analytics", "Measures feature adoption"),
    ("launches", "Launches", "Coordinates product launches"),
    ("stakeholders", "Stakeholders", "Updates stakeholders on decisions"),
    ("research", "Research", "Runs usability studies"),
    ("pricing", "Pricing", "Proposes pricing changes"),
    ("experiments", "Experiments", "Designs product experiments"),
    ("notes", "Release notes", "Publishes release notes"),
    ("support", "Support", "Triages customer tickets"),
    ("competitors", "Competitors", "Compares competing products"),
    ("candidates", "Candidates", "Interviews product candidates"),
]


def build_track(
    track_id: str,
    kind: TrackKind,
    levels: Sequence[tuple[str, str, str]],
    competencies: Sequence[tuple[str, str, str]],
    *,
    first_rank: int = 1,
) -> Track:
    return Track(
        id=track_id,
        name=track_id.title(),
        kind=kind,
        levels=[
            Level(
                id=level_id,
                name=title,
                rank=first_rank + index,
                title=title,
                scope=f"Works {scope}",
                autonomy="Decides how to do the work, and asks for help when blocked",
            )
            for index, (level_id, title, scope) in enumerate(levels)
        ],
        competencies=[
            Competency(
                id=competency_id,
                name=name,
                kind=CompetencyKind.CORE if index < 3 else CompetencyKind.FUNCTIONAL,
                summary=f"{name}, at the scope of each level",
                levels={
                    level_id: Expectation(
                        description=f"{action} {scope}.",
                        proficiency=min(5, first_rank + l_index),
                    )
                    for l_index, (level_id, _, scope) in enumerate(levels)
                },
            )
            for index, (competency_id, name, action) in enumerate(competencies)
        ],
    )


def product_track(levels: int = 4, competencies: int = 6) -> Track:
    return build_track(
        "pm", TrackKind.IC, PRODUCT_LEVELS[:levels], PRODUCT_COMPETENCIES[:competencies]
    )


@functools.cache
def clean_framework() -> Framework:
    engineering = JobFamily(
        id="engineering",
        name="Engineering",
        tracks=[
            build_track("ic", TrackKind.IC, IC_LEVELS, IC_COMPETENCIES),
            build_track(
                "management",
                TrackKind.MANAGEMENT,
                MANAGER_LEVELS,
                MANAGER_COMPETENCIES,
                first_rank=2,
            ),
        ],
        crossovers=[Crossover(from_level="e3", to_level="m1", requirements="Leads a team project")],
        way_back=[WayBack(from_level="m1", to_level="e3"), WayBack(from_level="m2", to_level="e4")],
        lateral_paths=[
            LateralPath(
                from_level="e3",
                to_family="product",
                to_level="p2",
                transferable=["design", "delivery"],
                gaps=["discovery", "backlog"],
            )
        ],
    )
    product = JobFamily(id="product", name="Product", tracks=[product_track()])
    return Framework(
        id="acme",
        name="Acme career framework",
        version="1.0",
        job_families=[engineering, product],
        policies=[
            PromotionPolicy(
                family="engineering",
                track="ic",
                criteria=[
                    AverageScore(threshold="3.5"),
                    ScoreFloor(floor=3),
                    Sustained(cycles=2),
                    TimeInLevel(cycles=4),
                    ScopeEvidence(
                        id="cross-team-project",
                        description="Led a project with three or more stakeholders in other teams",
                        min_value=3,
                        unit="stakeholders",
                    ),
                    ManagerEndorsement(),
                ],
            ),
            PromotionPolicy(
                family="engineering",
                track="management",
                criteria=[MeetsExpectations(), Sustained(cycles=2), Calibration()],
            ),
            PromotionPolicy(
                family="engineering",
                from_level="e3",
                to_level="m1",
                criteria=[AverageScore(threshold=4), ManagerEndorsement()],
            ),
            PromotionPolicy(
                family="engineering",
                from_level="e3",
                to_level="p2",
                to_family="product",
                criteria=[AverageScore(threshold=3), TimeInLevel(cycles=2)],
            ),
            PromotionPolicy(
                family="product",
                track="pm",
                criteria=[
                    AverageScore(threshold="3.5"),
                    ScoreFloor(floor=2),
                    TimeInLevel(cycles=4),
                ],
            ),
        ],
    )


# --- changing one thing at a time -----------------------------------------------------


def evolve_family(framework: Framework, family: int, **changes: Any) -> Framework:
    updated = attrs.evolve(framework.job_families[family], **changes)
    return attrs.evolve(framework, job_families=framework.job_families.set(family, updated))


def evolve_track(framework: Framework, family: int, track: int, **changes: Any) -> Framework:
    tracks = framework.job_families[family].tracks
    return evolve_family(
        framework, family, tracks=tracks.set(track, attrs.evolve(tracks[track], **changes))
    )


def evolve_level(
    framework: Framework, family: int, track: int, level: int, **changes: Any
) -> Framework:
    levels = framework.job_families[family].tracks[track].levels
    return evolve_track(
        framework, family, track, levels=levels.set(level, attrs.evolve(levels[level], **changes))
    )


def evolve_competency(
    framework: Framework, family: int, track: int, competency: int, **changes: Any
) -> Framework:
    items = framework.job_families[family].tracks[track].competencies
    updated = attrs.evolve(items[competency], **changes)
    return evolve_track(framework, family, track, competencies=items.set(competency, updated))


def describe(framework: Framework, where: tuple[int, int, int], level: str, text: str) -> Framework:
    """The framework with one description replaced: ``where`` is (family, track, competency)."""
    family, track, competency = where
    current = framework.job_families[family].tracks[track].competencies[competency]
    expectation = attrs.evolve(current.levels[level], description=text)
    return evolve_competency(
        framework, family, track, competency, levels=current.levels.set(level, expectation)
    )


def describe_ic(level: str, text: str, competency: int = 0) -> Mutation:
    return lambda framework: describe(framework, (0, 0, competency), level, text)


def evolve_policy(framework: Framework, policy: int, **changes: Any) -> Framework:
    updated = attrs.evolve(framework.policies[policy], **changes)
    return attrs.evolve(framework, policies=framework.policies.set(policy, updated))


def with_criteria(policy: int, *criteria: progression.Criterion) -> Mutation:
    return lambda framework: evolve_policy(framework, policy, criteria=list(criteria))


def with_product_track(levels: int = 4, competencies: int = 6) -> Mutation:
    return lambda framework: evolve_family(
        framework, 1, tracks=[product_track(levels, competencies)]
    )


def without_crossover(framework: Framework) -> Framework:
    # The crossover's policy goes too: a policy for a move no route allows is invalid.
    family = attrs.evolve(framework.job_families[0], crossovers=[])
    return attrs.evolve(
        framework,
        job_families=framework.job_families.set(0, family),
        policies=[p for p in framework.policies if p.to_level != "m1"],
    )


def description(framework: Framework, competency: int, level: str) -> str:
    return framework.job_families[0].tracks[0].competencies[competency].levels[level].description


def ic_description_path(competency: int, level: str) -> str:
    return f"$.job_families[0].tracks[0].competencies[{competency}].levels.{level}.description"


def codes(report: LintReport) -> list[str]:
    return [finding.code for finding in report.findings]


def only(report: LintReport, code: str) -> list[Finding]:
    return [finding for finding in report.findings if finding.code == code]


# --- the clean framework --------------------------------------------------------------


def test_the_clean_framework_lints_clean() -> None:
    report = lint(clean_framework())
    assert report.framework == "acme"
    assert [(f.code, f.path, f.message) for f in report.findings] == []
    assert list(report.suppressed) == []
    assert report.clean
    assert report.at_or_above(Severity.INFO) == []


def test_the_clean_framework_has_the_shape_the_rules_look_at() -> None:
    framework = clean_framework()
    engineering, product = framework.job_families
    ic, management = engineering.tracks
    assert [lv.id for lv in ic.levels] == ["e1", "e2", "e3", "e4", "e5"]
    assert len({lv.title for lv in ic.levels}) == 5
    assert len(ic.competencies) == 6
    descriptions = [e.description for c in ic.competencies for e in c.levels.values()]
    assert len(set(descriptions)) == len(descriptions) == 30
    assert all(progression.lint_description(text) == () for text in descriptions)
    assert management.kind is TrackKind.MANAGEMENT
    assert len(management.levels) == 4
    assert management.levels[-1].rank == ic.levels[-1].rank
    assert [(c.from_level, c.to_level) for c in engineering.crossovers] == [("e3", "m1")]
    assert [lv.id for lv in ic.levels].index("e3") == 2  # e4 and e5 lie above it
    assert engineering.way_back
    (path,) = engineering.lateral_paths
    assert path.transferable
    assert path.gaps
    assert product.tracks[0].kind is TrackKind.IC
    assert all(policy.criteria for policy in framework.policies)


# --- every rule -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Case:
    """A framework that breaks one rule once, and the finding that says so."""

    mutate: Mutation
    severity: Severity
    path: str
    message: str
    suggestion: str


E2_DESIGN = ic_description_path(0, "e2")


def filler(count: int) -> str:
    """A description of exactly ``count`` words, opening with an action verb."""
    nouns = ["billing", "search", "payments", "ledger", "reporting", "services"]
    return " ".join(["Reviews", *islice(cycle(nouns), count - 1)]) + "."


CASES: dict[str, Case] = {
    "PG101": Case(
        mutate=describe_ic("e2", "Demonstrates self-motivation in the design work of the team."),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="describes a trait, not behaviour: 'self-motivation' (trait noun)",
        suggestion="say what someone with this trait visibly does",
    ),
    "PG102": Case(
        mutate=describe_ic("e2", "Communicates clearly."),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="vague word 'clearly': says how it is done, not what is done",
        suggestion="say how clarity shows: a format, a length, an audience; name the object",
    ),
    "PG103": Case(
        mutate=describe_ic("e2", "Attention to detail across the product and its documentation."),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="no action verb",
        suggestion="start with an action verb",
    ),
    "PG104": Case(
        mutate=describe_ic("e2", filler(61)),
        severity=Severity.INFO,
        path=E2_DESIGN,
        message="long: 61 words in 1 sentence, 1 action",
        suggestion="keep the one or two behaviours that tell this level apart",
    ),
    "PG105": Case(
        mutate=describe_ic("e2", "Fosters a culture of testing in the team."),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="describes influence on others, not an action: 'fosters' (influence verb)",
        suggestion="name the acts behind 'fosters'",
    ),
    "PG106": Case(
        mutate=describe_ic("e2", "Understands the payment system and its failure modes."),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="describes knowledge or a state of mind, not behaviour: 'understands' (state verb)",
        suggestion="name what the knowledge or attitude behind 'understands' lets someone do",
    ),
    "PG107": Case(
        mutate=describe_ic("e2", "Ensures the quality of every release of the service."),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="names an outcome, not the action that produces it: 'ensures' (outcome verb)",
        suggestion="name the action that brings about what 'ensures' promises",
    ),
    "PG108": Case(
        mutate=describe_ic(
            "e2", "Writes design documents for features in one service where possible."
        ),
        severity=Severity.INFO,
        path=E2_DESIGN,
        message="hedge 'where possible'",
        suggestion="state the behaviour itself",
    ),
    "PG111": Case(
        mutate=lambda f: describe(f, (0, 0, 0), "e2", description(f, 0, "e1")),
        severity=Severity.ERROR,
        path=E2_DESIGN,
        message="'design' reads the same at e1 and e2",
        suggestion="say what changes at e2",
    ),
    "PG112": Case(
        # e1 with one word changed: 13 of 14 words in order, 26/28 = 93%.
        mutate=describe_ic(
            "e2",
            "Writes design documents for their own tasks, asking a senior colleague to check"
            " the results.",
        ),
        severity=Severity.WARNING,
        path=E2_DESIGN,
        message="'design' at e2 is 93% like e1",
        suggestion="rewrite e2 around what is new at that level",
    ),
    "PG201": Case(
        mutate=with_product_track(levels=3),
        severity=Severity.WARNING,
        path="$.job_families[1].tracks[0].levels",
        message="track 'pm' has 3 levels",
        suggestion="four to seven levels",
    ),
    "PG202": Case(
        mutate=with_product_track(levels=8),
        severity=Severity.WARNING,
        path="$.job_families[1].tracks[0].levels",
        message="track 'pm' has 8 levels",
        suggestion="seven is plenty",
    ),
    "PG203": Case(
        mutate=with_product_track(competencies=5),
        severity=Severity.WARNING,
        path="$.job_families[1].tracks[0].competencies",
        message="track 'pm' rates 5 competencies",
        suggestion="six to ten competencies",
    ),
    "PG204": Case(
        mutate=with_product_track(competencies=11),
        severity=Severity.WARNING,
        path="$.job_families[1].tracks[0].competencies",
        message="track 'pm' rates 11 competencies",
        suggestion="merge overlapping competencies",
    ),
    "PG205": Case(
        mutate=with_product_track(competencies=13),
        severity=Severity.ERROR,
        path="$.job_families[1].tracks[0].competencies",
        message="track 'pm' rates 13 competencies",
        suggestion="merge competencies down to ten or fewer",
    ),
    "PG301": Case(
        mutate=without_crossover,
        severity=Severity.WARNING,
        path="$.job_families[0].tracks[1]",
        message="nothing leads from an IC level into management track 'management'",
        suggestion="add a crossover",
    ),
    "PG302": Case(
        mutate=lambda f: evolve_family(f, 0, way_back=[]),
        severity=Severity.WARNING,
        path="$.job_families[0].tracks[1]",
        message="no way back from management track 'management' to an IC track",
        suggestion="map each management level to the IC level a manager returns to",
    ),
    "PG303": Case(
        mutate=lambda f: evolve_level(f, 0, 1, 3, rank=6),
        severity=Severity.WARNING,
        path="$.job_families[0].tracks[0].levels[4]",
        message="the IC track tops out at rank 5, below m4 (rank 6)",
        suggestion="add IC levels up to the top management rank",
    ),
    "PG304": Case(
        mutate=lambda f: evolve_family(
            f,
            0,
            crossovers=[*f.job_families[0].crossovers, Crossover(from_level="e4", to_level="m2")],
        ),
        severity=Severity.WARNING,
        path="$.job_families[0].crossovers[1].from_level",
        message="only 1 IC level above the crossover from e4",
        suggestion="cross over lower",
    ),
    "PG401": Case(
        mutate=lambda f: evolve_family(
            f, 0, lateral_paths=[attrs.evolve(f.job_families[0].lateral_paths[0], transferable=[])]
        ),
        severity=Severity.WARNING,
        path="$.job_families[0].lateral_paths[0].transferable",
        message="the path e3 -> product/p2 names no transferable competencies",
        suggestion="list the competencies that carry over",
    ),
    "PG402": Case(
        mutate=lambda f: evolve_family(
            f, 0, lateral_paths=[attrs.evolve(f.job_families[0].lateral_paths[0], gaps=[])]
        ),
        severity=Severity.WARNING,
        path="$.job_families[0].lateral_paths[0].gaps",
        message="the path e3 -> product/p2 names no gaps",
        suggestion="list the competencies of the target track to learn",
    ),
    "PG501": Case(
        mutate=with_criteria(0, AverageScore(threshold=4), ScoreFloor(floor=4)),
        severity=Severity.WARNING,
        path="$.policies[0].criteria[0].threshold",
        message="the floor 4 is at or above the threshold 4: the average adds nothing",
        suggestion="lower the floor below the threshold",
    ),
    "PG502": Case(
        mutate=with_criteria(0, ScoreFloor(floor=3), AverageScore(threshold=5)),
        severity=Severity.WARNING,
        path="$.policies[0].criteria[1].threshold",
        message="threshold 5 is the top of the scale",
        suggestion="set the threshold below the top",
    ),
    "PG503": Case(
        mutate=with_criteria(0, AverageScore(threshold="3.5"), Sustained(cycles=5)),
        severity=Severity.WARNING,
        path="$.policies[0].criteria[1].cycles",
        message="scores must hold for 5 cycles in a row",
        suggestion="two to four cycles show a trend",
    ),
    "PG504": Case(
        mutate=with_criteria(3),
        severity=Severity.ERROR,
        path="$.policies[3].criteria",
        message="the policy has no criteria, so everyone is ready at once",
        suggestion="add the criteria that decide this move",
    ),
    "PG505": Case(
        mutate=with_criteria(0, AverageScore(threshold="3.5"), ScopeEvidence(id="launch")),
        severity=Severity.WARNING,
        path="$.policies[0].criteria[1].description",
        message="evidence requirement 'launch' has no description",
        suggestion="describe the evidence in one sentence",
    ),
    "PG506": Case(
        mutate=with_criteria(3, TimeInLevel(cycles=2), Sustained(cycles=2)),
        severity=Severity.WARNING,
        path="$.policies[3].criteria[1]",
        message="nothing to sustain: the policy has no score criteria",
        suggestion="add the average or floor to sustain, or drop this criterion",
    ),
    "PG601": Case(
        mutate=lambda f: evolve_level(f, 0, 0, 1, title="Associate Engineer"),
        severity=Severity.WARNING,
        path="$.job_families[0].tracks[0].levels[1].title",
        message="e2 has the same title as e1: 'Associate Engineer'",
        suggestion="give each level its own external title",
    ),
    "PG602": Case(
        mutate=lambda f: evolve_level(f, 0, 0, 1, title=None),
        severity=Severity.WARNING,
        path="$.job_families[0].tracks[0].levels[1]",
        message="level e2 has no external title",
        suggestion="add the title people see on offers and profiles",
    ),
    "PG901": Case(
        # A suppression of a fault the competency does not have.
        mutate=lambda f: evolve_competency(
            f, 0, 0, 2, suppress=[Suppression(code="PG102", reason="Quoted from a vendor")]
        ),
        severity=Severity.WARNING,
        path="$.job_families[0].tracks[0].competencies[2].suppress[0]",
        message="the suppression of PG102 silences nothing: nothing here triggers it",
        suggestion="remove the suppression, or correct its code",
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


def test_rules_are_described() -> None:
    for code, rule in RULES.items():
        assert re.fullmatch(r"PG[1-9][0-9]{2}", code)
        assert rule.code == code
        # Only the length and hedge notes are information by default.
        assert (rule.severity is Severity.INFO) is (code in {"PG104", "PG108"})
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert rule.summary.endswith(".")
    assert len({rule.name for rule in RULES.values()}) == len(RULES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_fires_once_where_it_should(code: str) -> None:
    case = CASES[code]
    assert code not in codes(lint(clean_framework()))
    report = lint(case.mutate(clean_framework()))
    # Only this rule fires, once: the change breaks nothing else.
    assert codes(report) == [code]
    (finding,) = report.findings
    assert finding.severity is case.severity is RULES[code].severity
    assert finding.path == case.path
    assert case.message in finding.message
    assert case.suggestion in finding.suggestion
    assert not report.clean
    fail_on_error = report.at_or_above(Severity.ERROR)
    assert fail_on_error == ([finding] if case.severity is Severity.ERROR else [])


# --- rule boundaries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "competencies", "expected"),
    [
        pytest.param(3, 6, ["PG201"], id="3-levels"),
        pytest.param(4, 6, [], id="4-levels"),
        pytest.param(7, 6, [], id="7-levels"),
        pytest.param(8, 6, ["PG202"], id="8-levels"),
        pytest.param(4, 5, ["PG203"], id="5-competencies"),
        pytest.param(4, 10, [], id="10-competencies"),
        pytest.param(4, 11, ["PG204"], id="11-competencies"),
        pytest.param(4, 12, ["PG204"], id="12-competencies"),
        pytest.param(4, 13, ["PG205"], id="13-competencies"),
    ],
)
def test_track_size_boundaries(levels: int, competencies: int, expected: list[str]) -> None:
    report = lint(with_product_track(levels, competencies)(clean_framework()))
    assert codes(report) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("Writes.", None, id="1-word"),
        pytest.param("Fixes simple bugs.", None, id="terse-bullet"),
        pytest.param(filler(60), None, id="60"),
        pytest.param(filler(61), "long: 61 words in 1 sentence, 1 action", id="61"),
        pytest.param("Writes tests. Reviews changes for the team.", None, id="2-sentences"),
        pytest.param(
            "Writes tests. Reviews changes. Ships features.",
            "long: 6 words in 3 sentences, 3 actions",
            id="3-sentences",
        ),
    ],
)
def test_description_length_is_information_only(text: str, message: str | None) -> None:
    assert len(vocabulary.words(filler(60))) == 60
    report = lint(describe_ic("e2", text)(clean_framework()))
    found = only(report, "PG104")
    if message is None:
        assert found == []
    else:
        assert [(f.path, f.message, f.severity) for f in found] == [
            (E2_DESIGN, message, Severity.INFO)
        ]
    # Length alone is never a warning for a terse action.
    assert report.at_or_above(Severity.WARNING) == []


def test_an_empty_description_names_no_action() -> None:
    # A framework refuses empty behaviours at load; text from an editor may still be blank.
    findings = progression.lint_description("  ")
    assert [(f.code, f.severity, f.message) for f in findings] == [
        ("PG103", Severity.WARNING, "no action verb: the description is empty")
    ]


def test_identical_levels_ignore_case_and_spacing() -> None:
    framework = clean_framework()
    copy = "  " + description(framework, 0, "e1").upper().replace(" ", "   ") + " "
    report = lint(describe_ic("e2", copy)(framework))
    assert codes(report) == ["PG111"]
    assert report.findings[0].path == E2_DESIGN


def test_identical_levels_are_compared_with_neighbours_only() -> None:
    framework = clean_framework()
    # e3 copies e1 word for word, but e2 lies between them.
    report = lint(describe_ic("e3", description(framework, 0, "e1"))(framework))
    assert codes(report) == []


def test_a_strict_threshold_at_the_top_says_it_can_never_be_met() -> None:
    mutate = with_criteria(0, AverageScore(threshold=5, strict=True))
    (finding,) = lint(mutate(clean_framework())).findings
    assert finding.code == "PG502"
    assert (
        finding.message == "threshold 5 is the top of the scale and, being strict, can never be met"
    )


def test_floor_below_threshold_and_sustain_of_four_are_fine() -> None:
    mutate = with_criteria(
        0, AverageScore(threshold="3.5"), ScoreFloor(floor=3), Sustained(cycles=4)
    )
    assert codes(lint(mutate(clean_framework()))) == []


def test_floor_at_a_fractional_threshold_is_reported_with_the_number() -> None:
    mutate = with_criteria(1, AverageScore(threshold="7/2"), ScoreFloor(floor=3))
    assert codes(lint(mutate(clean_framework()))) == []
    mutate = with_criteria(1, AverageScore(threshold=3), ScoreFloor(floor=3))
    (finding,) = lint(mutate(clean_framework())).findings
    assert finding.message == "the floor 3 is at or above the threshold 3: the average adds nothing"


@pytest.mark.parametrize(
    ("average", "floor", "fires"),
    [
        pytest.param([], ["design"], False, id="floor-on-one-of-all"),
        pytest.param(["design", "code"], ["design"], False, id="floor-on-one-of-two"),
        pytest.param(["design"], ["design", "code"], True, id="floor-covers-the-average"),
        pytest.param(["design"], [], True, id="floor-on-all"),
        pytest.param([], [], True, id="both-on-all"),
    ],
)
def test_a_floor_makes_the_average_redundant_only_where_it_covers_it(
    average: list[str], floor: list[str], fires: bool
) -> None:
    mutate = with_criteria(
        0, AverageScore(threshold=4, competencies=average), ScoreFloor(floor=4, competencies=floor)
    )
    assert codes(lint(mutate(clean_framework()))) == (["PG501"] if fires else [])


def test_a_floor_at_a_strict_threshold_leaves_the_average_meaningful() -> None:
    # Every score at least 4 does not make the average above 4.
    mutate = with_criteria(0, AverageScore(threshold=4, strict=True), ScoreFloor(floor=4))
    assert codes(lint(mutate(clean_framework()))) == []


def test_duplicate_titles_are_compared_without_case() -> None:
    mutate: Mutation = lambda f: evolve_level(f, 0, 0, 3, title="senior   ENGINEER")  # noqa: E731
    (finding,) = lint(mutate(clean_framework())).findings
    assert (finding.code, finding.path) == ("PG601", "$.job_families[0].tracks[0].levels[3].title")
    assert finding.message == "e4 has the same title as e3: 'senior   ENGINEER'"


def test_a_blank_title_is_refused_before_lint() -> None:
    # Required text means non-empty: a blank title is an error, not a missing title.
    with pytest.raises(progression.InvalidFramework, match=r"\$\.title: empty title"):
        evolve_level(clean_framework(), 1, 0, 2, title="   ")


def test_ic_parity_is_met_by_an_equal_top_rank() -> None:
    # The clean management track tops out at rank 5, as the IC track does.
    framework = clean_framework()
    assert codes(lint(evolve_level(framework, 0, 1, 3, rank=5))) == []


def test_crossover_two_levels_below_the_top_is_fine() -> None:
    framework = evolve_family(
        clean_framework(),
        0,
        crossovers=[
            Crossover(from_level="e3", to_level="m1"),
            Crossover(from_level="e5", to_level="m3"),
        ],
    )
    (finding,) = lint(framework).findings
    assert finding.code == "PG304"
    assert finding.message == "only 0 IC levels above the crossover from e5"
    assert finding.path == "$.job_families[0].crossovers[1].from_level"


# --- words and sentences --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("   ", 0),
        ("Writes tests", 1),
        ("Writes tests.", 1),
        ("Writes tests.  ", 1),
        ("Writes tests. Reviews changes", 2),
        ("Writes tests. Reviews changes.", 2),
        ("Writes tests! Reviews changes? Ships.", 3),
        ("Keeps the average at 3.5 for every release.", 1),
        ("Ships version 2.0.1 of the client.", 1),
    ],
)
def test_sentences_are_counted(text: str, count: int) -> None:
    assert vocabulary.sentences(text) == count


def test_an_abbreviation_does_not_end_a_sentence() -> None:
    text = "Reviews schema changes, e.g. migrations, for the team. Writes the rollback plan."
    assert vocabulary.sentences(text) == 2
    assert codes(lint(describe_ic("e2", text)(clean_framework()))) == []


TWELVE = "Reviews every design change for the team and records decisions in writing."


@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    [
        pytest.param(TWELVE, TWELVE, 1.0, 1.0, id="identical"),
        pytest.param(TWELVE, TWELVE.upper().replace(".", "!"), 1.0, 1.0, id="case-punctuation"),
        pytest.param(
            TWELVE, TWELVE.replace("writing", "tickets"), 0.85, 0.99, id="one-word-changed"
        ),
        pytest.param(TWELVE, TWELVE.replace("the team", "the"), 0.85, 0.99, id="one-word-dropped"),
        pytest.param(
            TWELVE,
            "Records the design decisions of the team in writing after each review.",
            0.0,
            0.84,
            id="same-topic-rewritten",
        ),
        pytest.param(TWELVE, "Coaches two colleagues through their first on-call week.", 0, 0.2),
        pytest.param("", "", 1.0, 1.0, id="both-empty"),
        pytest.param(TWELVE, "", 0.0, 0.0, id="one-empty"),
        pytest.param("...", "", 1.0, 1.0, id="no-words"),
    ],
)
def test_similarity(first: str, second: str, low: float, high: float) -> None:
    assert len(vocabulary.words(TWELVE)) == 12
    score = vocabulary.similarity(first, second)
    assert low <= score <= high
    assert vocabulary.similarity(second, first) == pytest.approx(score)


BASE20 = (
    "Reviews every design change for the team, records each decision in the shared log"
    " and explains the trade-offs to joiners."
)


def replace_words(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert f" {old}" in text
        text = text.replace(f" {old}", f" {new}", 1)
    return text


@pytest.mark.parametrize(
    ("replacements", "score", "fires"),
    [
        pytest.param({"design": "schema", "decision": "outcome"}, 0.9, True, id="0.90"),
        pytest.param(
            {"design": "schema", "decision": "outcome", "joiners": "newcomers"},
            0.85,
            True,
            id="0.85",
        ),
        pytest.param(
            {"design": "schema", "decision": "outcome", "joiners": "newcomers", "log": "wiki"},
            0.8,
            False,
            id="0.80",
        ),
    ],
)
def test_near_identical_fires_at_and_above_the_threshold(
    replacements: dict[str, str], score: float, fires: bool
) -> None:
    assert len(vocabulary.words(BASE20)) == 20
    variant = replace_words(BASE20, replacements)
    assert vocabulary.similarity(BASE20, variant) == pytest.approx(score)
    framework = describe_ic("e1", BASE20)(clean_framework())
    report = lint(describe_ic("e2", variant)(framework))
    expected = [(E2_DESIGN, f"'design' at e2 is {score:.0%} like e1")] if fires else []
    assert [(f.path, f.message) for f in only(report, "PG112")] == expected
    assert only(report, "PG111") == []


def test_near_identical_just_below_the_threshold_does_not_fire() -> None:
    # 25 words with 4 changed: 2 * 21 / 50 = 0.84.
    base = BASE20.replace("joiners.", "joiners in their first week there.")
    variant = replace_words(
        base, {"design": "schema", "decision": "outcome", "log": "wiki", "first": "second"}
    )
    assert vocabulary.similarity(base, variant) == pytest.approx(0.84)
    framework = describe_ic("e1", base)(clean_framework())
    assert codes(lint(describe_ic("e2", variant)(framework))) == []


def test_descriptions_differing_in_a_number_are_not_identical() -> None:
    framework = describe_ic("e1", "Leads design reviews for projects of up to 3 engineers.")(
        clean_framework()
    )
    framework = describe_ic("e2", "Leads design reviews for projects of up to 10 engineers.")(
        framework
    )
    assert "PG111" not in codes(lint(framework))


def test_descriptions_differing_only_in_punctuation_are_identical() -> None:
    framework = clean_framework()
    copy = description(framework, 0, "e1").rstrip(".").replace(",", "")
    report = lint(describe_ic("e2", copy)(framework))
    assert [(f.code, f.path) for f in report.findings] == [("PG111", E2_DESIGN)]


# --- suppression ----------------------------------------------------------------------

#: A description whose one clause says only how something is done: a PG102 warning.
EXCELLENT = "Communicates effectively."
#: Another, for a second finding.
OUTSTANDING = "Presents clearly."


def suggestion_for(text: str) -> str:
    (finding,) = progression.lint_description(text)
    return finding.suggestion


def vague_in(framework: Framework, competency: int, level: str = "e2") -> Framework:
    return describe(framework, (0, 0, competency), level, EXCELLENT)


def test_a_suppression_on_a_competency_silences_its_descriptions_only() -> None:
    framework = vague_in(vague_in(clean_framework(), 0), 1)
    framework = evolve_competency(
        framework, 0, 0, 0, suppress=[Suppression(code="PG102", reason="Quoted from the brief")]
    )
    report = lint(framework)
    assert [(f.code, f.path) for f in report.findings] == [("PG102", ic_description_path(1, "e2"))]
    assert [(s.finding.code, s.finding.path, s.reason) for s in report.suppressed] == [
        ("PG102", E2_DESIGN, "Quoted from the brief")
    ]
    assert report.suppressed[0].finding.message == (
        "vague word 'effectively': says how it is done, not what is done"
    )


def test_a_suppression_on_a_track_silences_all_its_elements() -> None:
    framework = vague_in(vague_in(clean_framework(), 0), 1, "e4")
    framework = describe(framework, (0, 1, 0), "m2", EXCELLENT)
    framework = evolve_track(
        framework, 0, 0, suppress=[Suppression(code="PG102", reason="Agreed with HR")]
    )
    report = lint(framework)
    assert [(f.code, f.path) for f in report.findings] == [
        ("PG102", "$.job_families[0].tracks[1].competencies[0].levels.m2.description")
    ]
    assert sorted((s.finding.path, s.reason) for s in report.suppressed) == [
        (E2_DESIGN, "Agreed with HR"),
        (ic_description_path(1, "e4"), "Agreed with HR"),
    ]


def test_a_suppression_on_a_track_covers_its_own_findings() -> None:
    framework = with_product_track(levels=3)(clean_framework())
    framework = evolve_track(
        framework, 1, 0, suppress=[Suppression(code="PG201", reason="A small team")]
    )
    report = lint(framework)
    assert report.clean
    assert [(s.finding.code, s.reason) for s in report.suppressed] == [("PG201", "A small team")]


def test_a_suppression_on_the_framework_covers_everything() -> None:
    framework = vague_in(describe(clean_framework(), (1, 0, 2), "p3", EXCELLENT), 3)
    framework = attrs.evolve(framework, suppress=[Suppression(code="PG102", reason="Draft")])
    report = lint(framework)
    assert report.clean
    assert len(report.suppressed) == 2


def test_a_suppression_for_another_code_silences_nothing() -> None:
    framework = evolve_competency(
        vague_in(clean_framework(), 0),
        0,
        0,
        0,
        suppress=[Suppression(code="PG101", reason="Trait wording is intended")],
    )
    report = lint(framework)
    assert [(f.code, f.path) for f in report.findings] == [
        ("PG102", E2_DESIGN),
        ("PG901", "$.job_families[0].tracks[0].competencies[0].suppress[0]"),
    ]
    assert list(report.suppressed) == []


def test_ignore_leaves_a_code_out() -> None:
    framework = describe_ic("e2", "Shows ownership of the excellent design documents.")(
        clean_framework()
    )
    assert sorted(codes(lint(framework))) == ["PG101", "PG102"]
    report = lint(framework, ignore=["PG101"])
    assert codes(report) == ["PG102"]
    assert list(report.suppressed) == []
    assert lint(framework, ignore=("PG101", "PG102")).clean


def test_ignore_rejects_an_unknown_code() -> None:
    with pytest.raises(progression.InvalidInput, match="PG999"):
        lint(clean_framework(), ignore=["PG101", "PG999"])


def test_suppressions_survive_a_file() -> None:
    framework = evolve_competency(
        vague_in(clean_framework(), 0),
        0,
        0,
        0,
        suppress=[Suppression(code="PG102", reason="Quoted from the brief")],
    )
    loaded = progression.loads_framework(progression.dump_framework(framework))
    assert loaded == framework
    assert [s.reason for s in lint(loaded).suppressed] == ["Quoted from the brief"]


@pytest.mark.parametrize(
    ("suppression", "path", "message"),
    [
        pytest.param(
            {"code": "X1", "reason": "Because"}, "suppress[0].code", "not a lint code", id="code"
        ),
        pytest.param(
            {"code": "PG101", "reason": ""}, "suppress[0].reason", "needs a reason", id="empty"
        ),
        pytest.param(
            {"code": "PG101", "reason": "   "}, "suppress[0].reason", "needs a reason", id="blank"
        ),
    ],
)
def test_invalid_suppressions_are_rejected_on_load(
    suppression: dict[str, str], path: str, message: str
) -> None:
    data: Any = progression.unstructure(clean_framework())
    data["job_families"][0]["tracks"][0]["competencies"][0]["suppress"] = [suppression]
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(progression.InvalidFramework) as raised:
        progression.loads_framework(text, source="framework.yaml")
    (problem,) = raised.value.problems
    assert problem.path == f"$.job_families[0].tracks[0].competencies[0].{path}"
    assert message in problem.message
    assert problem.line is not None


def test_a_suppression_of_an_unknown_code_is_reported() -> None:
    data: Any = progression.unstructure(clean_framework())
    data["policies"][0]["suppress"] = [
        {"code": "PG503", "reason": "Long on purpose"},
        {"code": "PG999", "reason": "A typo for PG503"},
    ]
    framework = progression.loads_framework(yaml.safe_dump(data, sort_keys=False))
    report = lint(framework)
    assert [(f.code, f.path, f.message) for f in report.findings] == [
        (
            "PG901",
            "$.policies[0].suppress[0]",
            "the suppression of PG503 silences nothing: nothing here triggers it",
        ),
        (
            "PG901",
            "$.policies[0].suppress[1]",
            "the suppression of PG999 silences nothing: no rule has that code",
        ),
    ]
    # Once the fault it was written for is there, the first suppression is used.
    report = lint(with_criteria(0, AverageScore(threshold="3.5"), Sustained(cycles=6))(framework))
    assert [(f.code, f.path) for f in report.findings] == [("PG901", "$.policies[0].suppress[1]")]
    assert [(s.finding.code, s.reason) for s in report.suppressed] == [("PG503", "Long on purpose")]


def test_an_unused_suppression_of_an_ignored_code_is_not_reported() -> None:
    framework = CASES["PG901"].mutate(clean_framework())
    assert codes(lint(framework)) == ["PG901"]
    assert lint(framework, ignore=["PG102"]).clean
    assert lint(framework, ignore=["PG901"]).clean


# --- the command line -----------------------------------------------------------------


def write(path: Path, framework: Framework, fmt: progression.Format = "yaml") -> Path:
    path.write_text(progression.dump_framework(framework, format=fmt), encoding="utf-8")
    return path


def position(
    path: Path, needle: str, after: str | None = None, at: str | None = None
) -> tuple[int, int]:
    """1-based line of the first ``needle`` (below the line holding ``after``) and column
    of ``at`` in that line (of ``needle`` itself by default)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0 if after is None else next(i for i, ln in enumerate(lines) if after in ln) + 1
    for index in range(start, len(lines)):
        if needle in lines[index]:
            return index + 1, lines[index].index(at or needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    return write(tmp_path / "clean-framework.yaml", clean_framework())


@pytest.fixture
def warning_file(tmp_path: Path) -> Path:
    """Three warnings: two vague words on one competency and a level without a title."""
    framework = vague_in(clean_framework(), 0)
    framework = describe(framework, (0, 0, 0), "e3", OUTSTANDING)
    framework = evolve_level(framework, 0, 0, 1, title=None)
    return write(tmp_path / "warning-framework.yaml", framework)


@pytest.fixture
def error_file(tmp_path: Path) -> Path:
    return write(tmp_path / "error-framework.yaml", CASES["PG111"].mutate(clean_framework()))


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    text = progression.dump_framework(clean_framework()).replace(
        "name: Acme career framework", "name: 42"
    )
    path = tmp_path / "invalid-framework.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def missing_file(tmp_path: Path) -> Path:
    return tmp_path / "missing-framework.yaml"


def test_text_output_groups_by_file_and_element(
    warning_file: Path, clean_file: Path, capsys: Capture
) -> None:
    assert main(["lint", str(warning_file), str(clean_file)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    l2, c2 = position(warning_file, EXCELLENT)
    l3, c3 = position(warning_file, OUTSTANDING)
    l4, c4 = position(warning_file, "id: e2")
    design = "$.job_families[0].tracks[0].competencies[0]"
    assert out.splitlines() == [
        f"{warning_file}:",
        f"  {design}",
        f"    {l2}:{c2}: warning PG102 vague word 'effectively': says how it is done, not what"
        " is done",
        f"      {design}.levels.e2.description",
        f"      suggestion: {suggestion_for(EXCELLENT)}",
        f"    {l3}:{c3}: warning PG102 vague word 'clearly': says how it is done, not what is done",
        f"      {design}.levels.e3.description",
        f"      suggestion: {suggestion_for(OUTSTANDING)}",
        "  $.job_families[0].tracks[0].levels[1]",
        f"    {l4}:{c4}: warning PG602 level e2 has no external title",
        "      $.job_families[0].tracks[0].levels[1]",
        "      suggestion: add the title people see on offers and profiles,"
        " such as 'Senior Engineer'",
        f"{clean_file}: clean",
        "3 findings",
    ]


def test_text_output_of_a_clean_file(clean_file: Path, capsys: Capture) -> None:
    assert main(["lint", str(clean_file)]) == 0
    assert capsys.readouterr().out == f"{clean_file}: clean\n0 findings\n"


def test_text_output_counts_suppressed_findings(tmp_path: Path, capsys: Capture) -> None:
    framework = evolve_competency(
        vague_in(clean_framework(), 0),
        0,
        0,
        0,
        suppress=[Suppression(code="PG102", reason="Quoted from the brief")],
    )
    path = write(tmp_path / "framework.yaml", framework)
    assert main(["lint", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: clean (1 suppressed)",
        f"  suppressed PG102 at {E2_DESIGN}: Quoted from the brief",
        "0 findings",
    ]


@pytest.mark.parametrize(
    ("options", "coloured"),
    [([], False), (["--colour", "never"], False), (["--color", "always"], True)],
)
def test_colour_only_when_asked(
    warning_file: Path, options: list[str], coloured: bool, capsys: Capture
) -> None:
    assert main(["lint", *options, str(warning_file)]) == 0
    out = capsys.readouterr().out
    assert ("\x1b[" in out) is coloured
    if coloured:
        assert "\x1b[33mwarning\x1b[0m PG102" in out
    else:
        assert "warning PG102" in out


def test_json_output(warning_file: Path, tmp_path: Path, capsys: Capture) -> None:
    suppressed = evolve_track(
        vague_in(clean_framework(), 0),
        0,
        0,
        suppress=[Suppression(code="PG102", reason="Agreed with HR")],
    )
    other = write(tmp_path / "suppressed-framework.yaml", suppressed)
    assert main(["lint", "--format", "json", str(warning_file), str(other)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    report = json.loads(out)
    first, second = report["files"]
    assert (first["file"], first["status"]) == (str(warning_file), "linted")
    keys = {"code", "severity", "path", "line", "column", "message", "suggestion"}
    for finding in first["findings"]:
        assert keys <= set(finding)
    assert [(f["code"], f["severity"], f["path"]) for f in first["findings"]] == [
        ("PG102", "warning", E2_DESIGN),
        ("PG102", "warning", ic_description_path(0, "e3")),
        ("PG602", "warning", "$.job_families[0].tracks[0].levels[1]"),
    ]
    head = first["findings"][0]
    assert (head["line"], head["column"]) == position(warning_file, EXCELLENT)
    assert head["message"] == "vague word 'effectively': says how it is done, not what is done"
    assert head["suggestion"] == suggestion_for(EXCELLENT)
    assert first["suppressed"] == []
    assert second["findings"] == []
    (entry,) = second["suppressed"]
    assert entry["reason"] == "Agreed with HR"
    assert entry["finding"]["code"] == "PG102"
    assert entry["finding"]["path"] == E2_DESIGN


def test_json_output_lists_broken_files(
    clean_file: Path, invalid_file: Path, missing_file: Path, capsys: Capture
) -> None:
    files = [clean_file, invalid_file, missing_file]
    assert main(["lint", "--format", "json", *map(str, files)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert [(e["file"], e["status"]) for e in report["files"]] == [
        (str(clean_file), "linted"),
        (str(invalid_file), "invalid"),
        (str(missing_file), "unreadable"),
    ]
    assert [p["path"] for p in report["files"][1]["problems"]] == ["$.name"]


def test_sarif_output(warning_file: Path, error_file: Path, capsys: Capture) -> None:
    assert main(["lint", "--format", "sarif", str(warning_file), str(error_file)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].summary
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("PG102", "warning"),
        ("PG102", "warning"),
        ("PG602", "warning"),
        ("PG111", "error"),
    ]
    for result in results:
        assert result["level"] in {"error", "warning", "note"}
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        assert location["physicalLocation"]["region"]["startLine"] >= 1
    expected = [
        (warning_file, position(warning_file, EXCELLENT)),
        (warning_file, position(warning_file, OUTSTANDING)),
        (warning_file, position(warning_file, "id: e2")),
        (error_file, position(error_file, "Writes design documents", after="e2:")),
    ]
    places = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in results
    ]
    assert places == [(str(path), line, column) for path, (line, column) in expected]
    assert results[0]["message"]["text"] == (
        "vague word 'effectively': says how it is done, not what is done."
        f" Suggestion: {suggestion_for(EXCELLENT)}."
    )
    assert "'design' reads the same at e1 and e2" in results[3]["message"]["text"]
    assert "say what changes at e2" in results[3]["message"]["text"]
    assert results[3]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == E2_DESIGN


@pytest.mark.parametrize(
    ("code", "where"),
    [
        # A scalar is located at its value, a mapping at its first key, and a block
        # collection at the key that holds it.
        pytest.param("PG601", ("title:", "- id: e2", "Associate"), id="title"),
        pytest.param("PG303", ("id: e5", None, None), id="level"),
        pytest.param("PG301", ("id: management", None, None), id="track"),
        pytest.param("PG304", ("from_level: e4", "crossovers:", "e4"), id="crossover"),
        pytest.param("PG502", ("threshold: 5", "policies:", "5"), id="threshold"),
        pytest.param("PG503", ("cycles: 5", "policies:", "5"), id="cycles"),
        pytest.param("PG402", ("from_level: e3", "lateral_paths:", None), id="omitted-gaps"),
        pytest.param("PG202", ("levels:", "- id: pm", None), id="levels"),
    ],
)
def test_findings_point_at_their_line(
    code: str, where: tuple[str, str | None, str | None], tmp_path: Path, capsys: Capture
) -> None:
    path = write(tmp_path / "framework.yaml", CASES[code].mutate(clean_framework()))
    assert main(["lint", "--format", "json", str(path)]) == 0
    (finding,) = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert finding["code"] == code
    assert (finding["line"], finding["column"]) == position(path, *where)


def test_findings_in_json_files_are_located(tmp_path: Path, capsys: Capture) -> None:
    path = write(tmp_path / "framework.json", CASES["PG602"].mutate(clean_framework()), "json")
    assert main(["lint", "--format", "json", str(path)]) == 0
    (finding,) = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    line, _ = position(path, '"id": "e2"')
    assert finding["line"] == line - 1  # the level's object opens on the line before its id


def test_findings_in_toml_files_have_no_line(tmp_path: Path, capsys: Capture) -> None:
    path = write(tmp_path / "framework.toml", CASES["PG602"].mutate(clean_framework()), "toml")
    assert main(["lint", "--format", "sarif", str(path)]) == 0
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["ruleId"] == "PG602"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_exit_codes_for_warnings(warning_file: Path, capsys: Capture) -> None:
    assert main(["lint", str(warning_file)]) == 0
    assert main(["lint", "--fail-on", "warning", str(warning_file)]) == 1
    assert main(["lint", "--fail-on", "info", str(warning_file)]) == 1
    assert main(["lint", "--fail-on", "error", str(warning_file)]) == 0


def test_exit_codes_for_an_error(error_file: Path, capsys: Capture) -> None:
    assert main(["lint", str(error_file)]) == 1
    assert "error PG111" in capsys.readouterr().out
    assert main(["lint", "--ignore", "PG111", str(error_file)]) == 0


def test_exit_code_for_a_clean_file(clean_file: Path, capsys: Capture) -> None:
    assert main(["lint", "--fail-on", "info", str(clean_file)]) == 0


def test_an_invalid_file_exits_2(invalid_file: Path, capsys: Capture) -> None:
    assert main(["lint", str(invalid_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line, _ = position(invalid_file, "name: 42")
    assert f"{invalid_file}:{line}:7: $.name:" in err
    assert "Traceback" not in err


def test_an_invalid_suppression_exits_2(tmp_path: Path, capsys: Capture) -> None:
    data: Any = progression.unstructure(clean_framework())
    data["suppress"] = [{"code": "X1", "reason": "Because"}]
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["lint", str(path)]) == 2
    assert "$.suppress[0].code: not a lint code" in capsys.readouterr().err


def test_a_missing_file_exits_2(missing_file: Path, capsys: Capture) -> None:
    assert main(["lint", str(missing_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"progression: {missing_file}: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["PG999", "PG101,PG999", "pg101"])
def test_an_unknown_ignore_code_exits_2(value: str, clean_file: Path, capsys: Capture) -> None:
    assert main(["lint", "--ignore", value, str(clean_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("progression: --ignore: unknown code(s) ")
    assert err.strip().endswith(value.rsplit(",", maxsplit=1)[-1])
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("kinds", "status"),
    [
        pytest.param(["clean", "clean"], 0, id="clean-clean"),
        pytest.param(["clean", "warning"], 0, id="clean-warning"),
        pytest.param(["warning", "error", "clean"], 1, id="warning-error-clean"),
        pytest.param(["error", "invalid"], 2, id="error-invalid"),
        pytest.param(["missing", "error"], 2, id="missing-error"),
        pytest.param(["clean", "missing"], 2, id="clean-missing"),
    ],
)
def test_several_files_exit_with_the_worst_code(
    kinds: list[str], status: int, request: pytest.FixtureRequest, capsys: Capture
) -> None:
    paths = [str(request.getfixturevalue(f"{kind}_file")) for kind in kinds]
    assert main(["lint", *paths]) == status
    out = capsys.readouterr().out
    for kind, path in zip(kinds, paths, strict=True):
        assert (f"{path}:" in out) is (kind not in {"invalid", "missing"})


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["--ignore", "PG101,PG103"], id="comma"),
        pytest.param(["--ignore", " PG101 , PG103 ,"], id="spaces"),
        pytest.param(["--ignore", "PG101", "--ignore", "PG103"], id="repeated"),
    ],
)
def test_ignore_on_the_command_line(options: list[str], tmp_path: Path, capsys: Capture) -> None:
    framework = describe_ic("e2", "Shows ownership of the excellent design documents.")(
        clean_framework()
    )
    framework = describe_ic("e3", "Attention to detail across the product and its pages.")(
        framework
    )
    path = write(tmp_path / "framework.yaml", framework)
    assert main(["lint", "--format", "json", str(path)]) == 0
    everything = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert sorted(f["code"] for f in everything) == ["PG101", "PG102", "PG103"]
    assert main(["lint", "--format", "json", *options, str(path)]) == 0
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert [f["code"] for f in findings] == ["PG102"]


# --- the bundled examples and the pre-commit hooks ------------------------------------


@pytest.mark.parametrize("name", examples.names())
def test_the_bundled_examples_lint_clean(name: str) -> None:
    report = lint(examples.load(name))
    assert [(f.code, f.path) for f in report.findings] == []


def test_there_are_bundled_examples() -> None:
    assert examples.names()


def hooks() -> list[dict[str, Any]]:
    loaded: Any = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


def test_the_pre_commit_hooks_parse() -> None:
    assert [hook["id"] for hook in hooks()] == ["progression-lint", "progression-validate"]
    for hook in hooks():
        assert hook["language"] == "python"
        assert hook["name"]
        assert hook["description"]


@pytest.mark.parametrize("hook", hooks(), ids=lambda hook: str(hook["id"]))
def test_each_hook_runs_a_real_subcommand(hook: dict[str, Any], capsys: Capture) -> None:
    entry: str = hook["entry"]
    assert entry.startswith("progression ")
    command = entry.split()[1]
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: progression {command}" in capsys.readouterr().out


def test_an_unknown_subcommand_is_refused(capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["lints", "--help"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("hook", hooks(), ids=lambda hook: str(hook["id"]))
def test_each_hook_selects_framework_files(hook: dict[str, Any]) -> None:
    pattern = re.compile(hook["files"])
    for path in [
        "frameworks/engineering-framework.yaml",
        "engineering-framework.yml",
        "hr/framework.json",
        "framework.toml",
    ]:
        assert pattern.search(path), path
    for path in ["docs/index.md", "frameworks/framework.py", "framework.yaml.bak"]:
        assert not pattern.search(path), path
