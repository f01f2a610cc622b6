"""The word classes behind the wording rules, and the lexicon that inflects them.

The lint practises what it preaches: the rewrites its suggestions quote pass the rules.
"""

import re

import pytest

from progression import RULES, Severity, lint_description
from progression._lint import _vocabulary as vocabulary
from progression._lint._lexicon import form, inflections, singular
from progression._lint._rules import _SOFT_SUGGESTIONS

QUOTED = re.compile(r"'([A-Z].*?)'(?=$|[,;)\s])")
SUGGESTIONS = sorted(
    {
        quote
        for text in (*_SOFT_SUGGESTIONS.values(), *vocabulary.VAGUE_WORDS.values())
        for quote in QUOTED.findall(text)
        if len(quote.split()) > 2  # whole example sentences, not single quoted verbs
    }
)


def test_there_are_example_rewrites() -> None:
    assert len(SUGGESTIONS) >= 5


@pytest.mark.parametrize("rewrite", SUGGESTIONS)
def test_every_suggested_rewrite_lints_clean(rewrite: str) -> None:
    assert lint_description(rewrite) == ()


# --- the lexicon ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("writes", "write"),
        ("wrote", "write"),
        ("written", "write"),
        ("led", "lead"),
        ("prioritises", "prioritise"),
        ("prioritizes", "prioritize"),
        ("co-ordinates", "co-ordinate"),
        ("bootstraps", "bootstrap"),
        ("re-implements", "re-implement"),
    ],
)
def test_the_lexicon_lemmatises_verb_forms(word: str, lemma: str) -> None:
    assert form(word).lemma == lemma
    assert form(word).verb


def test_the_lexicon_knows_non_verbs() -> None:
    assert not form("proactively").verb
    assert not form("the").verb
    assert "ADJ" in form("passionate").pos


def test_the_lexicon_inflects_lemmas() -> None:
    table = inflections("write")
    assert table["VBZ"] == ("writes",)
    assert "written" in table["VBN"]
    assert inflections("be")["VBP"] == ("am", "are")


VERBS = sorted(
    vocabulary.ACTION_VERBS
    | vocabulary.INFLUENCE_VERBS
    | vocabulary.STATE_VERBS
    | vocabulary.OUTCOME_VERBS
    | vocabulary.WEAK_VERBS
    | vocabulary.HEDGE_VERBS
    | {"be", "have", "do", "make", "take", "find", "know", "lead", "see"}
)


def test_verb_forms_are_tagged_as_the_inflection_table_has_them() -> None:
    # `form` tells a verb form by its shape, sparing the slow inflection table: it
    # must agree with the table on every form of every verb the rules name.
    wrong = []
    for lemma in VERBS:
        for tag, spellings in inflections(lemma).items():
            for spelling in spellings:
                if tag in {"VB", "VBP", "VBZ", "VBD", "VBN", "VBG"} and form(spelling).verb:
                    tags = form(spelling).tags
                    if tag not in tags and not (tag in {"VBD", "VBN"} and tags & {"VBD", "VBN"}):
                        wrong.append((spelling, tag, sorted(tags)))
    assert wrong == []


@pytest.mark.parametrize(
    ("plural", "singular_form"),
    [("relationships", "relationship"), ("values", "value"), ("data", "data"), ("team", "team")],
)
def test_plural_nouns_match_their_singular(plural: str, singular_form: str) -> None:
    assert singular(plural) == singular_form


# --- the word classes ------------------------------------------------------------------------

CLASSES = {
    "ACTION_VERBS": vocabulary.ACTION_VERBS,
    "WEAK_VERBS": vocabulary.WEAK_VERBS,
    "INFLUENCE_VERBS": vocabulary.INFLUENCE_VERBS,
    "STATE_VERBS": vocabulary.STATE_VERBS,
    "OUTCOME_VERBS": vocabulary.OUTCOME_VERBS,
    "HEDGE_VERBS": vocabulary.HEDGE_VERBS,
}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_verb_classes_hold_lemmas_the_lexicon_knows_as_verbs(name: str) -> None:
    unknown = sorted(word for word in CLASSES[name] if not form(word).verb)
    # A handful of British spellings and compounds are inflected by rule instead.
    assert len(unknown) <= max(3, len(CLASSES[name]) // 20), unknown


def test_soft_verb_classes_do_not_overlap_the_action_verbs() -> None:
    for name in ("INFLUENCE_VERBS", "STATE_VERBS", "OUTCOME_VERBS", "WEAK_VERBS"):
        assert not (CLASSES[name] & vocabulary.ACTION_VERBS), name


def test_the_verbs_the_old_list_wrongly_held_are_no_longer_actions() -> None:
    for verb in ("champion", "drive", "promote", "ensure", "influence"):
        assert verb not in vocabulary.ACTION_VERBS


def test_british_and_american_spellings_both_match() -> None:
    assert {"prioritise", "prioritize"} <= vocabulary.ACTION_VERBS
    assert {"energise", "energize"} <= vocabulary.INFLUENCE_VERBS


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # one of each class, inflected, as the main clause of a short description
        ("Fostered a culture of testing.", "PG105"),
        ("Inspires teams across the company.", "PG105"),
        ("Championing accessibility in the product.", "PG105"),
        ("Understood the billing system.", "PG106"),
        ("Considers the opinions of others.", "PG106"),
        ("Achieves the team's goals.", "PG107"),
        ("Demonstrates self-motivation.", "PG101"),
        ("Is a source of deep technical expertise.", "PG101"),
        ("Known for their initiative.", "PG101"),
        ("Has a good grasp of the codebase.", "PG106"),
        ("Builds self-awareness.", "PG101"),
        ("Positively influences the roadmap.", "PG105"),
        ("Promotes an inclusive culture.", "PG105"),
    ],
)
def test_each_class_is_reported_in_its_forms(text: str, code: str) -> None:
    findings = lint_description(text)
    warnings = [f for f in findings if f.severity is not Severity.INFO]
    assert [f.code for f in warnings] == [code]
    assert RULES[code].severity is Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        "Debugs production issues",
        "Fixes simple bugs",
        "Leads incident resolutions",
        "Proactively flags risks to the team",
        "Seeks feedback after each project",
        "Talks to customers every month",
        "Finishes the tasks they start",
        "Originates new product ideas",
        "Bootstraps new services",
        "Mitigates security risks in the payments service",
        "Articulates trade-offs in design reviews",
        "Co-ordinates the release across three teams",
    ],
)
def test_terse_action_bullets_are_not_warned_about(text: str) -> None:
    assert [f for f in lint_description(text) if f.severity is not Severity.INFO] == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Writes tests.", 1),
        ("Writes tests, e.g. unit and contract tests, for each change.", 1),
        ("Writes tests. Reviews them weekly.", 2),
        ("Writes tests i.e. for every change", 1),
        ("", 0),
    ],
)
def test_sentences_ignore_abbreviations(text: str, count: int) -> None:
    assert vocabulary.sentences(text) == count


def test_numbers_count_as_words() -> None:
    assert vocabulary.length("Ships 2 features per sprint") == 5


def test_words_of_non_latin_letters_count() -> None:
    assert vocabulary.length("Écrit des tests für jeden Änderung — 毎週") == 7
