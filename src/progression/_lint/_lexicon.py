"""English word forms for the wording rules, from the LemmInflect lexicon.

LemmInflect ships its lexicon (derived from the SPECIALIST Lexicon) inside the package,
so nothing is downloaded at run time. It tells which parts of speech a spelling can
have, the lemma of an inflected verb ('leads' -> 'lead', 'led' -> 'lead') and the
inflections of a lemma ('write' -> 'writes', 'wrote', 'written', 'writing'). The
lexicon loads on first use (a few tenths of a second), so importing progression stays
fast for the commands that never lint.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

__all__ = ["WordForm", "form", "inflections", "singular"]

#: Prefixes that make a verb from a verb: 're-architects' is a form of 'architect'.
_VERB_PREFIXES = ("re", "co", "pre", "de", "un", "over", "under", "cross", "sub", "out", "up")


class WordForm(NamedTuple):
    """What the lexicon knows about one lower-case spelling."""

    #: The verb lemma when the spelling can be a verb ('leads' -> 'lead'), else None.
    lemma: str | None
    #: Penn tags of the verb forms the spelling is: VB, VBP, VBZ, VBD, VBN, VBG.
    tags: frozenset[str]
    #: Universal parts of speech the spelling can have: NOUN, VERB, ADJ, ADV, AUX.
    pos: frozenset[str]

    @property
    def verb(self) -> bool:
        """Whether the spelling can be a verb at all."""
        return self.lemma is not None


@functools.cache
def _library() -> Any:  # the lexicon is an untyped package
    import lemminflect  # noqa: PLC0415 - loaded on first use, see the module docstring

    return lemminflect


@functools.lru_cache(maxsize=65536)
def form(word: str) -> WordForm:
    """The verb lemma, verb tags and parts of speech of a lower-case word."""
    lib = _library()
    lemmas: dict[str, tuple[str, ...]] = lib.getAllLemmas(word)
    pos = frozenset(lemmas)
    verbs = lemmas.get("VERB") or lemmas.get("AUX")
    if not verbs and "-" in word:
        head, _, rest = word.partition("-")
        if head in _VERB_PREFIXES and rest:
            inner = form(rest)
            if inner.lemma is not None:
                return WordForm(f"{head}-{inner.lemma}", inner.tags, inner.pos)
    if not verbs:
        return WordForm(None, frozenset(), pos)
    tags = frozenset().union(*(_tags(lemma, word) for lemma in verbs))
    return WordForm(verbs[0], tags, pos)


def _tags(lemma: str, word: str) -> frozenset[str]:
    """The verb forms ``word`` is of ``lemma``, from the shape of English inflection.

    Every third-person form ends in -s and every participle in -ing; any other form
    that is not the lemma itself is a past form. This spares loading the inflection
    table, which would double the time lint takes to start.
    """
    if word == lemma:
        return _BASE_TAGS | _PAST_TAGS if word in _PAST_AS_BASE else _BASE_TAGS
    if word in _BE:
        return frozenset({_BE[word]})
    if word.endswith("ing"):
        return frozenset({"VBG"})
    if word.endswith("s"):
        return frozenset({"VBZ"})
    return _PAST_TAGS


_BASE_TAGS = frozenset({"VB", "VBP"})
_PAST_TAGS = frozenset({"VBD", "VBN"})
#: The closed class of English verbs whose past form is spelled as the lemma.
_PAST_AS_BASE = frozenset(
    [
        "bet",
        "broadcast",
        "burst",
        "cast",
        "cost",
        "cut",
        "fit",
        "forecast",
        "hit",
        "hurt",
        "let",
        "put",
        "quit",
        "read",
        "rid",
        "set",
        "shed",
        "shut",
        "slit",
        "split",
        "spread",
        "thrust",
        "upset",
        "become",
        "come",
        "overcome",
        "run",
    ]
)
_BE = {"is": "VBZ", "am": "VBP", "are": "VBP", "was": "VBD", "were": "VBD", "been": "VBN"}


@functools.lru_cache(maxsize=8192)
def inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    """Every verb form of a lemma by Penn tag: {'VBZ': ('writes',), 'VBD': ('wrote',), ...}.

    Lemmas the lexicon does not know are inflected by its rules. `form` does not need
    this table (it loads slowly); the tests check `form` against it.
    """
    lib = _library()
    table: dict[str, tuple[str, ...]] = lib.getAllInflections(lemma, upos="VERB")
    if not table:
        table = lib.getAllInflectionsOOV(lemma, upos="VERB")
    if lemma == "be":
        # 'm, 're and 's are expanded before lookup; the lexicon files 'am'/'are' as VBP.
        table = {**table, "VBP": ("am", "are")}
    return {tag: tuple(s.lower() for s in spellings) for tag, spellings in table.items()}


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """The singular of a plural noun ('relationships' -> 'relationship'), else the word."""
    nouns: tuple[str, ...] = _library().getAllLemmas(word).get("NOUN", ())
    # 'data' has the lemmas ('data', 'datum'): a word that is its own lemma stays.
    return word if not nouns or word in nouns else nouns[0]
