"""The wording rules measured against the labelled corpus, and their analysis of clauses.

The corpus in tests/data/wording/ holds 418 behavioural descriptions from five public
frameworks, labelled observable or vague by two readers independently. The texts both
readers labelled alike are the gold set; "any wording finding of severity warning or
error" must predict `vague` on it with the precision and recall stated in docs/lint.md.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import progression
from progression import RULES, Finding, Severity, examples, lint, lint_description
from progression._lint._rules import _wording_findings
from progression._lint._wording import MAX_CHARS, Kind, Weights, analyse
from progression.exceptions import InvalidInput

DATA = Path(__file__).parent / "data" / "wording"
WORDING = ("PG101", "PG102", "PG103", "PG104", "PG105", "PG106", "PG107", "PG108")


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CORPUS = {row["id"]: row for row in read("corpus.csv")}
FIRST = {row["id"]: row["label"] for row in read("labels_a.csv")}
SECOND = {row["id"]: row["label"] for row in read("labels_b.csv")}
GOLD = {key: FIRST[key] for key in CORPUS if FIRST[key] == SECOND[key]}


def kappa(first: Sequence[str], second: Sequence[str]) -> float:
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    expected = sum((first.count(x) / n) * (second.count(x) / n) for x in {*first, *second})
    return (observed - expected) / (1 - expected)


def flagged(text: str, weights: Weights | None = None) -> bool:
    findings = _wording_findings(text, weights or Weights())
    return any(f.severity is not Severity.INFO for f in findings)


def precision_recall(keys: Sequence[str], weights: Weights | None = None) -> tuple[float, float]:
    said = {key for key in keys if flagged(CORPUS[key]["text"], weights)}
    vague = {key for key in keys if GOLD[key] == "vague"}
    return len(said & vague) / len(said), len(said & vague) / len(vague)


# --- the corpus --------------------------------------------------------------------------


def test_the_corpus_and_its_labels_line_up() -> None:
    assert len(CORPUS) == 418
    assert list(FIRST) == list(SECOND) == list(CORPUS)
    assert set(FIRST.values()) == set(SECOND.values()) == {"observable", "vague"}
    assert {key.split("-")[0] for key in CORPUS} == {"snow", "dbx", "artsy", "cl", "el"}


def test_the_two_labellings_agree_as_stated() -> None:
    keys = list(CORPUS)
    assert round(kappa([FIRST[k] for k in keys], [SECOND[k] for k in keys]), 2) == 0.88
    assert len(GOLD) == 393


def test_wording_warnings_predict_vague_descriptions() -> None:
    precision, recall = precision_recall(list(GOLD))
    assert precision >= 0.85
    assert recall >= 0.80


GRID = [Weights(main=m, participle=p) for m in (1.0, 1.5, 2.0, 3.0) for p in (0.5, 1.0)]


def test_leave_one_framework_out() -> None:
    # The clause weights are the only tuned numbers: chosen on four frameworks, the
    # fifth is measured with them. Pooled over the five, the targets still hold.
    frameworks = sorted({key.split("-")[0] for key in GOLD})
    predicted = {w: {k: flagged(CORPUS[k]["text"], w) for k in GOLD} for w in GRID}
    hits = said = vague = 0
    for held in frameworks:
        rest = [k for k in GOLD if not k.startswith(held + "-")]

        def f1(w: Weights, rest: list[str] = rest) -> float:
            tp = sum(predicted[w][k] and GOLD[k] == "vague" for k in rest)
            fp = sum(predicted[w][k] and GOLD[k] != "vague" for k in rest)
            fn = sum(not predicted[w][k] and GOLD[k] == "vague" for k in rest)
            return 2 * tp / (2 * tp + fp + fn)

        best = max(GRID, key=f1)
        for key in (k for k in GOLD if k.startswith(held + "-")):
            hits += predicted[best][key] and GOLD[key] == "vague"
            said += predicted[best][key]
            vague += GOLD[key] == "vague"
    assert hits / said >= 0.85
    assert hits / vague >= 0.80


# --- one description, and lint ---------------------------------------------------------------


def test_lint_reports_the_findings_of_lint_description_at_each_description() -> None:
    framework = examples.load("engineering")
    vague = "Demonstrates self-motivation. Communicates effectively."
    family = framework.job_families[0]
    track = family.tracks[0]
    competency = track.competencies[0]
    changed = attrs.evolve(
        competency,
        levels=competency.levels.set(
            "IC2", attrs.evolve(competency.levels["IC2"], description=vague)
        ),
    )
    track = attrs.evolve(track, competencies=track.competencies.set(0, changed))
    family = attrs.evolve(family, tracks=family.tracks.set(0, track))
    framework = attrs.evolve(framework, job_families=framework.job_families.set(0, family))
    at = ("job_families", 0, "tracks", 0, "competencies", 0, "levels", "IC2", "description")
    expected = [attrs.evolve(f, segments=at) for f in lint_description(vague)]
    assert [f.code for f in expected] == ["PG101", "PG102"]
    assert [f for f in lint(framework).findings if f.code in WORDING] == expected


def test_lint_description_is_public_and_paths_are_empty() -> None:
    assert "lint_description" in progression.__all__
    (finding,) = progression.lint_description("Inspires the team.")
    assert isinstance(finding, Finding)
    assert finding.segments == ()
    assert finding.path == "$"


def test_an_unknown_ignored_code_is_a_progression_error() -> None:
    with pytest.raises(InvalidInput) as raised:
        lint(examples.load("sales"), ignore=["PG101", "NOPE", "PG1O4"])
    error = raised.value
    assert isinstance(error, ValueError)
    assert [p.got for p in error.problems] == ["NOPE", "PG1O4"]
    assert "did you mean PG104?" in error.problems[1].message
    assert "'NOPE'" in error.problems[0].message


# --- what the analysis does ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Designs major new features and demonstrates a nuanced understanding of the platform.",
        "Writes a design document for each project and shows real ownership of it.",
        "Runs the weekly incident review, even though it is sometimes hard.",
    ],
)
def test_a_softer_clause_does_not_spoil_an_observable_main_clause(text: str) -> None:
    findings = lint_description(text)
    assert findings  # the softer clause is still pointed out ...
    assert all(f.severity is Severity.INFO for f in findings)  # ... as information


@pytest.mark.parametrize(
    "text",
    [
        "Has a strong sense of ownership and occasionally writes tests.",
        "Is passionate about quality.",
        "Inspires and energises the team.",
        "Strong communication skills.",
        "Deep industry knowledge and awareness of the technical landscape.",
        "Works closely with the team.",
        "Regarded as a reliable team member.",
    ],
)
def test_a_description_without_a_checkable_action_is_warned_about(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    ("text", "verb", "kind"),
    [
        ("I review every design change.", "review", Kind.ACTION),
        ("They mentor new hires each quarter.", "mentor", Kind.ACTION),
        ("Is able to debug production incidents.", "debug", Kind.ACTION),
        ("Can run the release process.", "run", Kind.ACTION),
        ("Will present the roadmap to the board.", "present", Kind.ACTION),
        ("Works with product to define the quarterly roadmap.", "define", Kind.ACTION),
        ("Helps organise the team offsite.", "organise", Kind.ACTION),
        ("Takes time to explain decisions to new joiners.", "explain", Kind.ACTION),
        ("Has led two migrations of the billing service.", "led", Kind.ACTION),
        ("Understands the billing domain.", "understands", Kind.STATE),
        ("Strives to write tests for every change.", "strives", Kind.STATE),
        ("Fosters a culture of learning.", "fosters", Kind.INFLUENCE),
        ("Builds trust across teams.", "builds", Kind.INFLUENCE),
        ("Develops senior leaders.", "develops", Kind.INFLUENCE),
        ("Makes sure releases go smoothly.", "makes", Kind.OUTCOME),
        ("Delivers business value.", "delivers", Kind.OUTCOME),
        ("Demonstrates initiative.", "demonstrates", Kind.TRAIT),
        ("Communicates clearly.", "communicates", Kind.MANNER),
        ("Collaborates with designers.", "collaborates", Kind.WEAK),
    ],
)
def test_the_main_verb_and_its_class(text: str, verb: str, kind: Kind) -> None:
    main = next(c for c in analyse(text).clauses if c.main)
    assert (main.verb, main.kind) == (verb, kind)


def test_a_means_clause_names_the_act() -> None:
    # 'by tracking error rates' is what can be checked.
    assert not flagged("Is vigilant about outages by tracking error rates every day.")
    assert flagged("Is vigilant about outages.")


def test_examples_after_eg_can_name_the_act() -> None:
    assert not flagged("Does things to promote the team, e.g. writing blog posts and giving talks.")


def test_every_warning_names_its_word_and_class() -> None:
    for text in (
        "Demonstrates self-motivation.",
        "Fosters a culture of learning.",
        "Understands the billing domain.",
        "Ensures quality.",
        "Communicates clearly.",
    ):
        (finding,) = lint_description(text)
        # The word or phrase, quoted, and its class in brackets ('vague word' for PG102).
        assert re.search(r"'[^']+'", finding.message)
        assert re.search(r"\([a-z ]+\)", finding.message) or finding.code == "PG102"
        # The suggestion gives an observable rewrite pattern.
        assert any(word in finding.suggestion for word in ("object", "acts", "action", "do"))


def test_hedges_and_long_descriptions_are_information() -> None:
    text = "Writes tests where possible. Reviews changes. Ships features. Fixes bugs."
    findings = lint_description(text)
    assert {f.code: f.severity for f in findings} == {
        "PG104": Severity.INFO,
        "PG108": Severity.INFO,
    }
    assert RULES["PG104"].severity is RULES["PG108"].severity is Severity.INFO


# --- bounded work ---------------------------------------------------------------------------------

CRAFTED = [
    "é" * 1_000_000,  # non-ASCII letters: the old token pattern took seconds on 100 KB
    "a" + "-" * 1_000_000,
    "'" * 1_000_000,
    "!?" * 500_000,
    "ééé-ééé/" * 125_000,
    "Writes tests and " * 60_000,
]


@pytest.mark.parametrize("text", CRAFTED, ids=lambda t: repr(t[:8]))
def test_a_megabyte_of_crafted_text_lints_in_well_under_a_second(text: str) -> None:
    lint_description("Warms up the lexicon.")
    framework = examples.load("sales")
    family = framework.job_families[0]
    track = family.tracks[0]
    competency = track.competencies[0]
    levels = competency.levels
    for level in list(levels)[:2]:
        levels = levels.set(level, attrs.evolve(levels[level], description=text))
    track = attrs.evolve(
        track, competencies=track.competencies.set(0, attrs.evolve(competency, levels=levels))
    )
    family = attrs.evolve(family, tracks=family.tracks.set(0, track))
    framework = attrs.evolve(framework, job_families=framework.job_families.set(0, family))
    # CPU time of this process: other processes on a busy machine do not count.
    start = time.process_time()
    report = lint(framework)
    assert time.process_time() - start < 0.5
    assert report.findings


def test_only_the_first_characters_are_analysed() -> None:
    text = "Writes tests. " + "Inspires people. " * 200
    assert analyse(text).truncated
    assert len(analyse(text).clauses) < 200
    assert sum(len(c.text) for c in analyse(text).clauses) <= MAX_CHARS


@given(st.text(max_size=300))
def test_any_text_gets_findings_without_error(text: str) -> None:
    findings = lint_description(text)
    assert all(f.code in WORDING for f in findings)
    assert all(f.segments == () for f in findings)
    if not findings:
        assert analyse(text).checkable


# --- the documentation states what the rules do ----------------------------------------------

DOCS = (Path(__file__).parent.parent / "docs" / "lint.md").read_text(encoding="utf-8")


def rule_section(code: str) -> str:
    start = DOCS.index(f"### {code} ")
    return DOCS[start : DOCS.index("\n### ", start + 1)]


@pytest.mark.parametrize("code", WORDING)
def test_the_documented_bad_example_triggers_the_rule_and_the_good_one_does_not(
    code: str,
) -> None:
    section = rule_section(code)
    bad, good = (
        [
            line.split("description: ", 1)[1]
            for line in block.splitlines()
            if "description: " in line
        ]
        for block in section.split("**Good**")
    )
    assert bad
    assert good
    for text in bad:
        assert code in {f.code for f in lint_description(text)}, text
    for text in good:
        assert lint_description(text) == (), text
    # The severity line states the rule's severity.
    assert f"**Severity:** {RULES[code].severity.value}" in section


def test_the_documented_precision_and_recall_are_the_measured_ones() -> None:
    precision, recall = precision_recall(list(GOLD))
    assert f"**precision {precision:.2f}**" in DOCS
    assert f"**recall {recall:.2f}**" in DOCS


def test_every_word_of_every_class_is_documented() -> None:
    from progression._lint import _vocabulary as vocabulary

    table = DOCS[DOCS.index("### The word classes") : DOCS.index("### How well it works")]
    for name in vocabulary.__all__:
        words = getattr(vocabulary, name)
        if name == "ACTION_VERBS" or not isinstance(words, frozenset | tuple | dict):
            continue
        for word in words:
            assert f"`{word}`" in table, (name, word)
