"""The lint vocabulary practises what it preaches: its own suggestions pass the rules."""

import re

import pytest

from progression._lint import _vocabulary as vocabulary
from progression._lint._rules import MAX_WORDS, MIN_WORDS

QUOTED = re.compile(r"'([A-Z].*?)'(?=$|[,;)\s])")
SUGGESTIONS = sorted(
    {
        quote
        for text in (*vocabulary.TRAIT_PHRASES.values(), *vocabulary.VAGUE_WORDS.values())
        for quote in QUOTED.findall(text)
        if len(quote.split()) > 2  # whole example sentences, not single quoted verbs
    }
)


def test_there_are_example_rewrites() -> None:
    assert len(SUGGESTIONS) >= 15


@pytest.mark.parametrize("rewrite", SUGGESTIONS)
def test_every_suggested_rewrite_passes_the_description_rules(rewrite: str) -> None:
    assert vocabulary.trait_phrases(rewrite) == []
    assert vocabulary.vague_words(rewrite) == []
    assert vocabulary.has_action_verb(rewrite)
    assert MIN_WORDS <= vocabulary.length(rewrite) <= MAX_WORDS


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
