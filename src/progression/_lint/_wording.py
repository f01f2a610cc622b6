"""A light clause analysis of one behavioural description, for the wording rules.

The description is cut into sentences and clauses. In each clause the main verb is the
first verb after an optional subject ('I', 'They'), adverbs and modal frames ('can',
'is able to', 'strives to'); light verbs pass on to what they govern ('works with X to
define Y' is 'define', 'has made' is 'made'). The clause then takes a class from its
verb, from its object ('builds trust' is about culture) or from its complement ('is
passionate' is a trait): an observable action, or one of the soft classes of
`_vocabulary` (trait, state, influence, outcome, manner), or neither (general verbs such
as 'works with', and clauses without a verb).

A description is checkable when its actions outweigh its soft clauses, the main
(first) clause counting double: a trait in a later clause does not spoil a description
whose main clause is an action with an object, and a trailing action does not rescue a
description whose main content is a trait. Only the first `MAX_CHARS` characters are
analysed, which bounds the work per description whatever its length.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Sequence

import attrs

from . import _vocabulary as v
from ._lexicon import WordForm, form, singular


def _words(text: str) -> frozenset[str]:
    """The words of a block of text: how word classes are written down here."""
    return frozenset(text.split())


__all__ = ["MAX_CHARS", "Analysis", "Clause", "Kind", "Weights", "analyse"]

#: Characters of a description the clause analysis reads; the rest is not analysed.
MAX_CHARS = 1500


class Kind(enum.Enum):
    """What a clause says about the person described."""

    ACTION = "action"
    TRAIT = "trait"
    STATE = "state"
    INFLUENCE = "influence"
    OUTCOME = "outcome"
    MANNER = "manner"
    WEAK = "general verb"
    NEUTRAL = "neutral"

    @property
    def soft(self) -> bool:
        """Whether the clause names something nobody can observe directly."""
        return self in _SOFT


_SOFT = frozenset({Kind.TRAIT, Kind.STATE, Kind.INFLUENCE, Kind.OUTCOME, Kind.MANNER})


@attrs.frozen(kw_only=True)
class Weights:
    """How much each clause counts towards a checkable description."""

    #: The main (first) clause of the description.
    main: float = 2.0
    #: A participle clause (', sharing what they learn').
    participle: float = 0.5


@attrs.frozen(kw_only=True)
class Clause:
    """One clause: its text, its verb, its class and the word that decided the class."""

    text: str
    verb: str | None
    kind: Kind
    #: The word or phrase that decided the class, such as 'fosters' or 'self-motivation'.
    cue: str
    #: Why the cue decided it, such as 'influence verb' or 'trait noun'.
    reason: str
    #: Whether the verb has an object or a complement.
    has_object: bool
    main: bool = False
    participle: bool = False


@attrs.frozen(kw_only=True)
class Analysis:
    """Every clause of a description, its hedges and vague words, and its verdict."""

    clauses: tuple[Clause, ...]
    #: Hedges found, as written: 'strives to', 'where possible', 'may'.
    hedges: tuple[str, ...]
    #: Vague words found, in order, once each.
    vague_words: tuple[str, ...]
    #: Action clauses minus soft ones, the main clause weighted.
    score: float
    #: Whether only the first MAX_CHARS characters were read.
    truncated: bool

    @property
    def checkable(self) -> bool:
        """Whether the description names an observable action that outweighs the rest."""
        return self.score > 0 and any(c.kind is Kind.ACTION for c in self.clauses)

    @property
    def actions(self) -> list[Clause]:
        """The clauses that name an observable action."""
        return [c for c in self.clauses if c.kind is Kind.ACTION]


# --- tokens ------------------------------------------------------------------------------

# One character class, then groups that each start with a character outside it: these
# patterns cannot backtrack more than linearly, whatever the input.
_TOKEN = re.compile(r"[\w']+(?:[-/][\w']+)*|[^\w\s]")
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs|ex|incl|approx)\.", re.IGNORECASE)
_CONTRACTIONS = {
    "i'm": ("i", "am"),
    "i've": ("i", "have"),
    "i'll": ("i", "will"),
    "i'd": ("i", "would"),
    "we're": ("we", "are"),
    "they're": ("they", "are"),
    "don't": ("do", "not"),
    "doesn't": ("does", "not"),
    "didn't": ("did", "not"),
    "isn't": ("is", "not"),
    "aren't": ("are", "not"),
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "it's": ("it", "is"),
}

_SUBJECTS = _words(
    """
    i we they he she you one who
    """
)
_MODALS = _words(
    """
    can could may might will would shall should must do does did
    """
)
_HEDGE_MODALS = frozenset({"may", "might", "could"})
_DETERMINERS = _words(
    """
    the a an my our their his her its this these those every each all any some no
    your both either such
    """
)
_PREPOSITIONS = _words(
    """
    of in on at to for with by from into onto about across within without through
    over under between among amongst around beyond during via per against toward
    towards upon after before throughout outside inside behind beside besides
    alongside than like as
    """
)
_CONJUNCTIONS = frozenset({"and", "or", "but", "nor", "&", "and/or", "plus"})
_RELATIVES = frozenset({"that", "which", "who", "whom", "whose", "where"})
_WH = frozenset({"when", "how", "what", "why", "where", "whether", "which", "who", "that"})
_SUBORDINATORS = _words(
    """
    when whenever if unless while whilst although though because since before after
    until once whereas wherever instead rather even so
    """
)
_PARTICLES = frozenset({"out", "up", "down", "off", "back", "through", "on", "in", "over"})
_EXAMPLE_MARKERS = frozenset({"eg", "ie", "including", "such"})
_ADVERBS = _words(
    """
    also always already actively consistently continually continuously constantly
    even ever frequently generally increasingly just never not occasionally often
    only proactively rarely readily regularly reliably routinely seldom sometimes
    still then typically usually very well further independently openly quickly
    widely deeply closely fully mostly largely primarily readily truly highly
    clearly effectively
    """
)
#: Verbs that, followed by when/how/what, name a judgement made in the head.
_COGNITION = v.STATE_VERBS | _words(
    """
    recognise recognize realise realize identify assess anticipate
    """
)
#: Verbs that can name a result instead of an act: 'makes X clear', 'leaves X better'.
#: Verbs that link a subject to what it is: 'is', 'becomes proficient', 'remains calm'.
_VERB_REASONS = frozenset(
    {"influence verb", "state verb", "outcome verb", "general verb", "intention", "action verb"}
)
_COPULAS = frozenset({"be", "become", "seem", "appear"})
_RESULTATIVE = frozenset({"make", "leave", "get", "render"})
_COMPARATIVES = _words(
    """
    better easier clearer faster simpler safer stronger possible available familiar
    aware visible
    """
)
_GIVING = frozenset({"give", "provide", "offer", "lend", "bring", "extend"})
_LIGHT_NOUNS = frozenset({"time", "effort", "ways", "way", "steps", "care", "action", "actions"})
_CAPABILITY = frozenset({"ability", "capacity", "willingness", "readiness", "skill", "skills"})
_FRAMES = {
    # adjective after 'is' -> the word that must follow it for the frame to apply
    "able": "to",
    "unable": "to",
    "expected": "to",
    "required": "to",
    "empowered": "to",
    "encouraged": "to",
    "trusted": "to",
    "willing": "to",
    "ready": "to",
    "happy": "to",
    "eager": "to",
    "likely": "to",
    "capable": "of",
    "responsible": "for",
    "accountable": "for",
    "involved": "in",
}
_HEDGE_FRAMES = frozenset({"expected", "willing", "likely", "happy", "eager", "encouraged"})


def _tokens(text: str) -> list[str]:
    text = _ABBREVIATION.sub(lambda m: m.group(1).replace(".", ""), text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    out: list[str] = []
    for raw in _TOKEN.findall(text.lower()):
        word = raw.strip("'")
        if not word:
            continue
        if word in _CONTRACTIONS:
            out.extend(_CONTRACTIONS[word])
        elif word.endswith("'s") and len(word) > 2:
            out.append(word[:-2])  # possessive: the team's plan -> team plan
        else:
            out.append(word)
    return out


def _word(token: str) -> bool:
    return token[:1].isalnum()


def _form(token: str) -> WordForm:
    if not _word(token) or token in _DETERMINERS or token in _PREPOSITIONS:
        return _NO_FORM
    return form(token)


_NO_FORM = WordForm(None, frozenset(), frozenset())


def _adverb(token: str) -> bool:
    if token in _ADVERBS:
        return True
    if not token.endswith("ly") or len(token) < 5:
        return False
    info = _form(token)
    return "ADV" in info.pos or not info.pos


def _adjective(token: str) -> bool:
    pos = _form(token).pos
    return "ADJ" in pos and "NOUN" not in pos and "VERB" not in pos


def _verb_lemma(token: str, tags: frozenset[str]) -> str | None:
    info = _form(token)
    if info.lemma is None or not (info.tags & tags):
        return None
    return info.lemma


_FINITE = frozenset({"VBZ", "VBD"})
_GERUND = frozenset({"VBG"})
_BASE = frozenset({"VB", "VBP"})
_ANY = frozenset({"VB", "VBP", "VBZ", "VBD", "VBN", "VBG"})


def _trait_shaped(token: str) -> bool:
    return token.endswith(v.TRAIT_SUFFIXES) or token.startswith(v.TRAIT_PREFIXES)


# --- the parser -----------------------------------------------------------------------------


@attrs.define
class _Reading:
    """The class of a clause while it is being read."""

    kind: Kind
    cue: str
    reason: str
    verb: str | None
    has_object: bool
    end: int
    #: Whether the verb shares the object and class of the coordinated verb after it.
    shared: bool = False


class _Sentence:
    """Reads the clauses of one sentence."""

    def __init__(self, tokens: Sequence[str], hedges: list[str]) -> None:
        self.t = tokens
        self.hedges = hedges
        #: Whether verbs here take their base form ('I write', 'can write'), so that a
        #: base form after 'and' starts a new clause.
        self.base_ok = False

    def at(self, i: int) -> str:
        return self.t[i] if 0 <= i < len(self.t) else ""

    def skip_adverbs(self, i: int) -> int:
        while i < len(self.t) and (_adverb(self.t[i]) or self.t[i] == "not"):
            i += 1
        return i

    # -- noun phrases

    def noun_phrase(self, i: int) -> tuple[list[str], int]:
        """The heads of the noun phrase(s) from i, in the singular, and where they end.

        'pragmatism and polish' gives both heads; 'a culture of learning' gives
        'culture' and, for the 'of' complement, 'learning'.
        """
        heads: list[str] = []
        last = ""
        j = i
        while j < len(self.t):
            tok = self.t[j]
            if tok in "/&":
                j += 1
                continue
            if tok == "," or tok in _CONJUNCTIONS:
                k = j + 1
                while self.at(k) in _CONJUNCTIONS or self.at(k) == ",":
                    k += 1
                k = self.skip_adverbs(k)
                if not last or self.ends_phrase(k, comma=tok == ","):
                    break
                heads.append(singular(last))
                last = ""
                j = k
                continue
            if not _word(tok):
                break
            if tok == "to":
                after = self.at(j + 1)
                if (
                    last
                    and after not in _PREPOSITIONS
                    and after not in _DETERMINERS
                    and not _form(after).tags & _BASE
                    and "ADJ" in _form(last).pos
                ):
                    # 'short to medium-term plans': a range, not a preposition.
                    last = ""
                    j += 1
                    continue
                break
            if tok in _RELATIVES or tok in _WH or tok in _SUBORDINATORS - {"so"}:
                break
            if tok in _PREPOSITIONS:
                if tok == "of" and last:
                    heads.append(singular(last))
                    inner, j = self.noun_phrase(j + 1)
                    heads.extend(inner)
                    last = ""
                    continue
                break
            if tok in _DETERMINERS or _adverb(tok):
                j += 1
                continue
            if last and self.verb_after_noun(tok):
                break
            last = tok
            j += 1
        if last:
            heads.append(singular(last))
        return heads, j

    def ends_phrase(self, k: int, *, comma: bool) -> bool:
        """Whether the list after a comma or 'and' at k is a new clause, not more nouns."""
        nxt = self.at(k)
        if not nxt or nxt in _SUBJECTS or nxt in _SUBORDINATORS or nxt in _MODALS:
            return True
        if nxt in _EXAMPLE_MARKERS or self.starts_clause(k):
            return True
        info = _form(nxt)
        if info.pos and info.pos <= {"VERB", "AUX"}:
            return True  # 'and assess', 'and settle': only a verb
        return comma and "VBG" in info.tags and "NOUN" not in info.pos

    def verb_after_noun(self, tok: str) -> bool:
        # 'Code modules I write exhibit': a finite verb ends the noun phrase.
        info = _form(tok)
        return "VBZ" in info.tags and "NOUN" not in info.pos

    def starts_clause(self, i: int) -> bool:
        """Whether a coordinated clause starts at i: a finite verb, or 'I' and a verb."""
        tok = self.at(i)
        if tok in _SUBJECTS and tok != "who":
            return True
        info = _form(tok)
        if self.base_ok and info.tags & _BASE and "NOUN" not in info.pos:
            return True
        return bool(info.tags & _FINITE) and tok not in _PREPOSITIONS

    # -- clauses

    def clauses(self) -> list[tuple[_Reading, bool, int, int]]:
        """(reading, participle?, start, end) for every clause of the sentence."""
        out: list[tuple[_Reading, bool, int, int]] = []
        i = 0
        n = len(self.t)
        while i < n:
            tok = self.t[i]
            if not _word(tok) or tok in _CONJUNCTIONS:
                i += 1
                continue
            if tok in {"by", "through", "via"} and _verb_lemma(self.at(i + 1), _GERUND):
                # The means of the clause before: 'vigilant about outages by tracking
                # key metrics' names the checkable act.
                reading = self.clause(i + 1)
                end = self.clause_end(max(reading.end, i + 2))
                if out and reading.kind is Kind.ACTION and out[-1][0].kind is not Kind.ACTION:
                    before = out[-1][0]
                    before.kind, before.reason = Kind.ACTION, "means"
                    before.cue = f"{tok} {self.t[i + 1]}"
                i = end
                continue
            if tok in _SUBORDINATORS or tok in _EXAMPLE_MARKERS or tok in {"for", "like"}:
                i = self.subordinate(i, out)
                continue
            info = _form(tok)
            participle = "VBG" in info.tags and not info.tags & (_FINITE | _BASE)
            reading = self.clause(i)
            end = self.clause_end(max(reading.end, i + 1), participle=participle)
            out.append((reading, participle, i, end))
            i = end
        for (reading, *_), (after, *_) in itertools.pairwise(out):
            if reading.shared:
                reading.has_object = after.has_object
                if after.reason not in _VERB_REASONS:
                    # Shared object or manner: 'writes and speaks with clarity'. A
                    # class that comes from the other verb itself is not shared.
                    reading.kind, reading.cue, reading.reason = after.kind, after.cue, after.reason
        return out

    def subordinate(self, i: int, out: list[tuple[_Reading, bool, int, int]]) -> int:
        """Skip a subordinate or example clause; an example may hold actions."""
        tok = self.t[i]
        example = tok in _EXAMPLE_MARKERS or (tok == "for" and self.at(i + 1) == "example")
        j = i + 1
        depth = 0
        while j < len(self.t):
            t = self.t[j]
            if t == "(":
                depth += 1
            elif t == ")":
                if depth == 0:
                    break
                depth -= 1
            elif (t in {",", ";", ":", "."} and depth == 0 and not example) or (
                t in {";", "."} and depth == 0
            ):
                break
            j += 1
        phrase = " ".join(self.t[i : min(j, i + 3)])
        for hedge in v.HEDGE_PHRASES:
            if " " in hedge and phrase.startswith(hedge):
                self.hedges.append(hedge)
        if example and out:
            # 'Does things to promote the brand, i.e. writing blog posts': the examples
            # name the actions.
            for k in range(i + 1, j):
                lemma = _verb_lemma(self.t[k], frozenset({"VBG"}))
                if lemma and self.verb_class(lemma) is Kind.ACTION:
                    reading = out[-1][0]
                    if reading.kind in (Kind.WEAK, Kind.NEUTRAL):
                        reading.kind = Kind.ACTION
                        reading.cue = self.t[k]
                        reading.reason = "example action"
                    break
        return j + 1 if j < len(self.t) and self.t[j] in {",", ")"} else j

    def noun_here(self, k: int) -> bool:
        """Whether the word at k, which could be a verb, reads as a noun: 'processes between'."""
        if "NOUN" not in _form(self.at(k)).pos:
            return False
        after = self.at(k + 1)
        return not after or not _word(after) or after in _PREPOSITIONS or after in _CONJUNCTIONS

    def clause_end(self, i: int, *, participle: bool = False) -> int:
        """Where the clause that has read up to i ends: at a coordinated clause."""
        in_infinitive = False
        j = i
        while j < len(self.t):
            tok = self.t[j]
            if tok in {";", ":", "(", ")"}:
                return j
            if tok == "to" and _form(self.at(j + 1)).tags & _BASE:
                in_infinitive = True
            if tok in {"by", "through"} and _verb_lemma(self.at(j + 1), frozenset({"VBG"})):
                return j
            if tok in _EXAMPLE_MARKERS or (tok == "for" and self.at(j + 1) == "example"):
                return j
            if tok == "," or tok in _CONJUNCTIONS:
                k = j + 1
                while k < len(self.t) and (self.t[k] in _CONJUNCTIONS or self.t[k] == ","):
                    k += 1
                k = self.skip_adverbs(k)
                nxt = self.at(k)
                if nxt in _SUBJECTS and nxt != "who":
                    return k
                info = _form(nxt)
                if nxt in _MODALS - {"do", "does", "did"}:
                    return k
                if self.noun_here(k):
                    j += 1
                    continue
                if info.tags & _FINITE and nxt not in _PREPOSITIONS:
                    return k
                if participle and "VBG" in info.tags and not info.tags & _BASE:
                    return k  # ', promoting X and setting Y'

                if self.base_ok and not in_infinitive and info.pos and info.pos <= {"VERB", "AUX"}:
                    return k  # 'I build X, facilitate Y and settle Z'
                if (
                    self.base_ok
                    and not in_infinitive
                    and info.tags & _BASE
                    and self.known_verb(info.lemma or "")
                ):
                    return k
                if tok == "," and "VBG" in info.tags and not info.tags & _BASE:
                    return k
                if tok == "," and nxt in _SUBORDINATORS:
                    return k
            j += 1
        return j

    def clause(self, i: int) -> _Reading:
        """Read one clause from i: skip its subject and frames, find and class its verb."""
        j = i
        subject = False
        while j < len(self.t):
            tok = self.t[j]
            if tok in _SUBJECTS:
                subject = True
            elif tok in _MODALS:
                if tok in _HEDGE_MODALS:
                    self.hedges.append(tok)
                subject = True
            elif not (_adverb(tok) or tok in {"not", "to"}):
                break
            j += 1
        tok = self.at(j)
        if subject:
            self.base_ok = True
        if not tok:
            return _Reading(Kind.NEUTRAL, "", "no verb", None, False, j)
        if tok in _DETERMINERS and tok not in {"each", "every", "all"}:
            return self.noun_subject(j)
        tags = _ANY if subject else (_FINITE | frozenset({"VBN", "VBG", "VB"}))
        lemma = _verb_lemma(tok, tags)
        if tok in v.REPUTATION_WORDS and "VBZ" not in _form(tok).tags:
            return self.reputation(tok, j)
        if lemma is not None and (
            subject
            or _form(tok).tags & (_FINITE | frozenset({"VBG", "VBN"}))
            or lemma in v.ACTION_VERBS
            or self.known_verb(lemma)
        ):
            return self.verb(j, lemma)
        return self.verbless(j)

    def known_verb(self, lemma: str) -> bool:
        return any(
            lemma in group
            for group in (
                v.ACTION_VERBS,
                v.INFLUENCE_VERBS,
                v.STATE_VERBS,
                v.OUTCOME_VERBS,
                v.WEAK_VERBS,
                v.HEDGE_VERBS,
            )
        )

    def noun_subject(self, i: int) -> _Reading:
        """'My code is well tested', 'The expectations ... do not go beyond L4'."""
        for j in range(i + 1, min(i + 8, len(self.t))):
            tok = self.t[j]
            if not _word(tok):
                break
            if tok in _SUBJECTS:
                continue
            info = _form(tok)
            if info.tags & _FINITE or tok in {"is", "are"}:
                reading = self.verb(j, info.lemma or tok)
                if reading.kind is Kind.NEUTRAL and reading.has_object:
                    # What a person's work is like can be checked in the work itself.
                    reading.kind = Kind.ACTION
                    reading.reason = "artefact described"
                    reading.cue = " ".join(self.t[i : j + 1])
                return reading
        return self.verbless(i)

    def reputation(self, tok: str, i: int, cue: str | None = None) -> _Reading:
        """'known for', 'regarded as'; but 'relied upon to deliver' names the delivery."""
        if self.at(i + 1) in {"upon", "on"} and self.at(i + 2) == "to":
            j = i + 2
            followed = self.follow(j + 1, 1)
            if followed is not None:
                return followed
        return _Reading(Kind.TRAIT, cue or tok, "reputation", tok, True, i + 1)

    def verbless(self, i: int) -> _Reading:
        """A clause without a verb: a trait or state adjective, or a noun phrase.

        'Strong communication skills', 'Deep industry knowledge': a noun phrase whose
        head is a trait or knowledge names no behaviour either.
        """
        j = self.skip_adverbs(i)
        tok = self.at(j)
        if tok in v.TRAIT_ADJECTIVES or _trait_shaped(tok) or tok in v.TRAIT_NOUNS:
            return _Reading(Kind.TRAIT, tok, "trait word", None, False, j + 1)
        if tok in v.STATE_ADJECTIVES or tok in v.KNOWLEDGE_NOUNS:
            return _Reading(Kind.STATE, tok, "state word", None, False, j + 1)
        heads, end = self.noun_phrase(j)
        for head in heads:
            if head in v.REPUTATION_WORDS:
                return _Reading(Kind.TRAIT, head, "reputation", None, False, end)
        if heads and (heads[0] in v.TRAIT_NOUNS or _trait_shaped(heads[0])):
            return _Reading(Kind.TRAIT, heads[0], "trait noun", None, False, end)
        if heads and heads[0] in v.KNOWLEDGE_NOUNS:
            return _Reading(Kind.STATE, heads[0], "knowledge noun", None, False, end)
        return _Reading(Kind.NEUTRAL, tok, "no verb", None, bool(heads), max(end, j + 1))

    # -- verbs

    def verb(self, i: int, lemma: str, depth: int = 0) -> _Reading:
        """Class the verb at i, following light verbs to the verb they govern."""
        tok = self.t[i]
        nxt_i = self.skip_adverbs(i + 1)
        nxt = self.at(nxt_i)
        if depth > 4:
            return self.plain(i, lemma)
        if lemma in v.HEDGE_VERBS and nxt == "to":
            # An aim is a state of mind: what is observable is the act, if it happens.
            followed = self.follow(nxt_i + 1, depth)
            end = followed.end if followed is not None else nxt_i + 1
            return _Reading(Kind.STATE, f"{tok} to", "intention", tok, True, end)
        if lemma in _COPULAS:
            return self.copula(i, nxt_i, depth)
        if lemma == "have":
            return self.have(i, nxt_i, depth)
        if lemma in {"help", "assist"}:
            return self.help(i, nxt_i, lemma, depth)
        if lemma == "work":
            return self.work(i, nxt_i, depth)
        if lemma in {"act", "serve", "function"} and nxt == "as":
            return self.complement(i, nxt_i + 1, f"{tok} as")
        if lemma in {"take", "make", "spend", "devote", "invest", "set", "find", "put"}:
            light = self.light(i, nxt_i, lemma, depth)
            if light is not None:
                return light
        if lemma == "lead" and nxt == "by" and self.at(nxt_i + 1) == "example":
            return _Reading(
                Kind.INFLUENCE, "leads by example", "influence phrase", tok, True, nxt_i + 2
            )
        if tok == "role" and _form(nxt).lemma == "model":
            return _Reading(Kind.INFLUENCE, f"role {nxt}", "influence verb", tok, True, nxt_i + 1)
        if lemma == "keep" and (nxt == "up" or (nxt == "an" and self.at(nxt_i + 1) == "eye")):
            return _Reading(
                Kind.STATE,
                f"{tok} {nxt} {self.at(nxt_i + 1)}",
                "state phrase",
                tok,
                True,
                nxt_i + 2,
            )
        if lemma in _COGNITION and nxt in _WH - {"that", "who"}:
            return _Reading(
                Kind.STATE, f"{tok} {nxt}", "judgement in the head", tok, True, nxt_i + 1
            )
        return self.plain(i, lemma)

    def follow(self, i: int, depth: int) -> _Reading | None:
        """The verb at i (after 'to', 'able to', ...), classed, or None if there is none."""
        i = self.skip_adverbs(i)
        tok = self.at(i)
        lemma = _verb_lemma(tok, _ANY)
        if lemma is None:
            return None
        return self.verb(i, lemma, depth + 1)

    def copula(self, i: int, j: int, depth: int) -> _Reading:
        """'is able to', 'is known for', 'is passionate', 'is a role model', 'am learning'."""
        be = self.t[i]
        tok = self.at(j)
        if tok in _FRAMES and self.at(j + 1) == _FRAMES[tok]:
            frame = f"{be} {tok} {_FRAMES[tok]}"
            if tok in _HEDGE_FRAMES:
                self.hedges.append(frame)
            if tok == "trusted":
                return _Reading(Kind.TRAIT, frame, "reputation", be, True, j + 2)
            followed = self.follow(j + 2, depth)
            if followed is not None:
                return followed
            heads, end = self.noun_phrase(j + 2)
            return self.by_object(be, heads, end) or _Reading(
                Kind.ACTION, frame, "responsibility for an object", be, bool(heads), end
            )
        info = _form(tok)
        if "VBG" in info.tags and info.lemma is not None and not info.tags & _BASE:
            return self.verb(j, info.lemma, depth + 1)
        if tok in v.REPUTATION_WORDS:
            return self.reputation(tok, j, f"{be} {tok}")
        return self.complement(i, j, be)

    def complement(self, i: int, j: int, frame: str) -> _Reading:
        """What someone is: 'a role model', 'passionate', 'an active participant in'."""
        verb = self.t[i]
        tok = self.at(j)
        if tok in v.TRAIT_ADJECTIVES or _trait_shaped(tok):
            return _Reading(Kind.TRAIT, f"{frame} {tok}", "trait adjective", verb, True, j + 1)
        if tok in v.STATE_ADJECTIVES:
            return _Reading(Kind.STATE, f"{frame} {tok}", "state adjective", verb, True, j + 1)
        if self.at(j + 1) in {"at", "in", "about"} and "VBG" in _form(self.at(j + 2)).tags:
            followed = self.follow(j + 2, 1)  # 'is prolific at delivering'
            if followed is not None:
                return followed
        heads, end = self.noun_phrase(j)
        if not heads:
            return _Reading(Kind.NEUTRAL, frame, "copula", verb, False, max(end, j))
        head = heads[0]
        phrase = self.t[j:end]
        if "role" in phrase and "model" in phrase:
            return _Reading(Kind.TRAIT, "role model", "identity noun", verb, True, end)
        if head in v.IDENTITY_NOUNS or "go-to" in phrase:
            return _Reading(Kind.TRAIT, head, "identity noun", verb, True, end)
        for word in phrase:
            if word in v.TRAIT_ADJECTIVES or _trait_shaped(word):
                return _Reading(Kind.TRAIT, word, "trait adjective", verb, True, end)
        if head in v.TRAIT_NOUNS:
            return _Reading(Kind.TRAIT, head, "trait noun", verb, True, end)
        if head in v.KNOWLEDGE_NOUNS or head in v.STATE_ADJECTIVES:
            return _Reading(Kind.STATE, head, "knowledge noun", verb, True, end)
        if _agent_verb(head) is not None and self.at(end) in _PREPOSITIONS:
            # 'is an active participant in the hiring process': takes part in it.
            return _Reading(Kind.ACTION, head, "agent noun", verb, True, end)
        return _Reading(Kind.NEUTRAL, frame, "copula", verb, True, end)

    def have(self, i: int, j: int, depth: int) -> _Reading:
        """'has made' (a tense), 'has to', 'has a good grasp of', 'has conversations'."""
        verb = self.t[i]
        tok = self.at(j)
        info = _form(tok)
        if "VBN" in info.tags and info.lemma is not None and tok not in v.REPUTATION_WORDS:
            return self.verb(j, info.lemma, depth + 1)
        if tok == "to":
            followed = self.follow(j + 1, depth)
            if followed is not None:
                return followed
        heads, end = self.noun_phrase(j)
        phrase = self.t[j:end]
        if "track" in phrase and "record" in phrase:
            return _Reading(Kind.TRAIT, "track record", "reputation", verb, True, end)
        return self.by_object(verb, heads, end, display=True) or _Reading(
            Kind.NEUTRAL, verb, "possession", verb, bool(heads), end
        )

    def help(self, i: int, j: int, lemma: str, depth: int) -> _Reading:
        """'helps organise X' is organising; 'helps others understand' is general help."""
        tok = self.at(j)
        if tok == "to":
            j += 1
            tok = self.at(j)
        verb = _verb_lemma(tok, _BASE)
        if verb is not None and tok not in v.PEOPLE_NOUNS:
            return self.verb(j, verb, depth + 1)
        return self.plain(i, lemma)

    def work(self, i: int, j: int, depth: int) -> _Reading:
        """'works to increase', 'works with the team to define': the purpose is the act."""
        for k in range(j, min(j + 20, len(self.t))):
            tok = self.t[k]
            if tok in {";", ":", "(", ")"}:
                break
            if (tok == "," or tok in _CONJUNCTIONS) and self.ends_phrase(k + 1, comma=False):
                break  # a new clause: 'works with X, and offers Y'
            if tok == "to":
                followed = self.follow(k + 1, depth)
                if followed is not None:
                    return followed
            if tok == "on" and k == j:
                heads, end = self.noun_phrase(k + 1)
                if heads:
                    return self.by_object(self.t[i], heads, end) or _Reading(
                        Kind.ACTION, f"{self.t[i]} on", "action verb", self.t[i], True, end
                    )
        return self.plain(i, "work")

    def light(self, i: int, j: int, lemma: str, depth: int) -> _Reading | None:
        """'takes time to explain', 'makes sure', 'takes ownership of', 'sets aside time'."""
        verb = self.t[i]
        tok = self.at(j)
        if lemma == "make" and tok == "sure":
            return _Reading(Kind.OUTCOME, f"{verb} sure", "outcome verb", verb, True, j + 1)
        if tok == "aside":
            j += 1
            tok = self.at(j)
        if tok in _DETERMINERS:
            j += 1
            tok = self.at(j)
        for _ in range(3):  # 'new and creative ways of'
            if tok in _LIGHT_NOUNS or not (tok in _CONJUNCTIONS or "ADJ" in _form(tok).pos):
                break
            j += 1
            tok = self.at(j)
        if tok not in _LIGHT_NOUNS and tok not in {"ownership", "responsibility", "charge"}:
            return None
        k = j + 1
        after = self.at(k)
        if after == "to":
            followed = self.follow(k + 1, depth)
            if followed is not None:
                return followed
        if tok in {"ownership", "responsibility", "charge"} and after in {"of", "for"}:
            heads, end = self.noun_phrase(k + 1)
            if not heads or heads[0] in v.GENERAL_NOUNS or heads[0] == "work":
                # 'takes ownership of their work': an attitude to work in general.
                return _Reading(Kind.TRAIT, tok, "trait noun", verb, True, end)
            return self.by_object(verb, heads, end) or _Reading(
                Kind.ACTION, f"{verb} {tok} {after}", "ownership of an object", verb, True, end
            )
        if after == "of" and tok in _LIGHT_NOUNS:
            k += 1
            after = self.at(k)
        gerund = _verb_lemma(after, _GERUND)
        if gerund is not None:
            return self.verb(k, gerund, depth + 1)
        if tok in {"action", "actions"}:
            return _Reading(Kind.ACTION, f"{verb} {tok}", "action phrase", verb, True, k)
        return None

    def plain(self, i: int, lemma: str) -> _Reading:
        """A verb classed by its lemma, then by its object."""
        tok = self.t[i]
        j = i + 1
        particle = ""
        while self.at(j) in _PARTICLES and not _form(self.at(j + 1)).tags & (_FINITE | _GERUND):
            particle = self.at(j)
            j += 1
            if particle not in {"on", "in", "over", "through"}:
                break
        j = self.skip_adverbs(j)
        prep = ""
        if self.at(j) in _PREPOSITIONS and self.at(j) not in {"as", "than", "like"}:
            prep = self.at(j)
            j += 1
        if prep == "to" and lemma not in v.STATE_VERBS - {"need"}:
            after = self.at(self.skip_adverbs(j))
            if after not in _DETERMINERS and "VB" in _form(after).tags:
                followed = self.follow(j, 0)  # 'continues to', 'needs to', 'starts to'
                if followed is not None:
                    return followed
        if prep in {"in", "on"} and lemma not in v.STATE_VERBS and "VBG" in _form(self.at(j)).tags:
            followed = self.follow(j, 1)  # 'invests in getting', 'participates in planning'
            if followed is not None:
                return followed
        heads, end = self.noun_phrase(j)
        if lemma in _RESULTATIVE and not prep:
            result = self.resultative(i + 1)
            if result is not None:
                return _Reading(Kind.OUTCOME, f"{tok} {result}", "result to reach", tok, True, end)
        base = self.verb_class(lemma)
        reason = {
            Kind.INFLUENCE: "influence verb",
            Kind.STATE: "state verb",
            Kind.OUTCOME: "outcome verb",
            Kind.WEAK: "general verb",
        }.get(base, "action verb")
        if lemma in v.PEOPLE_VERBS and not prep:
            if heads and heads[0] in v.PEOPLE_NOUNS:
                cue = f"{tok} {heads[0]}"
                return _Reading(Kind.INFLUENCE, cue, "growing people", tok, True, end)
            if lemma == "support":
                base, reason = Kind.WEAK, "general verb"
        if base is Kind.INFLUENCE and heads and heads[0] in v.EVENT_NOUNS:
            base, reason = Kind.ACTION, "action with an event"
        if lemma in {"adapt", "adjust"} and heads and not prep:
            base, reason = Kind.ACTION, "action verb"  # 'adapts the proposal for managers'
        if base.soft:
            return _Reading(base, tok, reason, tok, bool(heads), end)
        setting = self.culture_setting(j, end)
        if setting is not None:
            return _Reading(Kind.INFLUENCE, setting, "culture noun", tok, True, end)
        by_object = self.by_object(
            tok,
            heads,
            end,
            display=lemma in v.DISPLAY_VERBS and not particle,
            measure=lemma in v.MEASURE_VERBS,
        )
        if by_object is not None:
            by_object.verb = tok
            return by_object
        if heads and (
            heads[0] in v.GENERAL_NOUNS or (lemma in _GIVING and heads[0] in v.HELP_NOUNS)
        ):
            return _Reading(Kind.WEAK, heads[0], "general noun", tok, True, end)
        if self.at(i + 1) in _CONJUNCTIONS and not heads and base in (Kind.ACTION, Kind.WEAK):
            # 'creates and leads meetings', 'writes and speaks with clarity': the verb
            # shares what the next one says.
            return _Reading(base, tok, reason, tok, False, i + 1, shared=True)
        if (
            prep == "with"
            and heads
            and (heads[0] in v.TRAIT_NOUNS or heads[0] in v.KNOWLEDGE_NOUNS)
            and self.at(end) not in _PREPOSITIONS
        ):
            return _Reading(Kind.MANNER, f"with {heads[0]}", "manner word", tok, False, end)
        if base in (Kind.ACTION, Kind.WEAK) and not heads:
            manner = self.manner(i, end)
            if manner is not None:
                return _Reading(Kind.MANNER, manner, "manner word", tok, False, end)
            if not (heads or prep or particle) and lemma not in v.ACTION_VERBS:
                return _Reading(Kind.NEUTRAL, tok, "verb without object", tok, False, end)
        return _Reading(base, tok, reason, tok, bool(heads), end)

    def culture_setting(self, i: int, end: int) -> str | None:
        """'an inclusive environment', 'a psychologically safe workplace': a culture."""
        phrase = self.t[i:end]
        for k, word in enumerate(phrase[:-1]):
            if word in v.CULTURE_ADJECTIVES and singular(phrase[-1]) in v.CULTURE_SETTINGS:
                return " ".join(phrase[k:])
        return None

    def manner(self, i: int, end: int) -> str | None:
        """A word or phrase saying only how the verb at i is done: 'clearly', 'with empathy'."""
        window = self.t[max(0, i - 1) : min(len(self.t), end + 4)]
        for k, word in enumerate(window):
            if word in v.MANNER_WORDS:
                return word
            if word == "with" and k + 1 < len(window):
                quality = singular(window[k + 1])
                if quality in v.TRAIT_NOUNS or quality in v.KNOWLEDGE_NOUNS:
                    return f"with {window[k + 1]}"
        return None

    def resultative(self, i: int) -> str | None:
        """'makes the team function', 'leaves systems in a better state', 'makes X clear'."""
        for k in range(i, min(i + 9, len(self.t))):
            word = self.t[k]
            if (
                word in {",", ";", ":"}
                or word in _CONJUNCTIONS
                or word in _PREPOSITIONS - {"in", "of"}
            ):
                return None
            if word in _COMPARATIVES or (k > i and _adjective(word) and word not in _DETERMINERS):
                return word
            if k > i and singular(self.t[k - 1]) in v.PEOPLE_NOUNS and "VB" in _form(word).tags:
                return word
        return None

    def verb_class(self, lemma: str) -> Kind:
        if lemma in v.INFLUENCE_VERBS:
            return Kind.INFLUENCE
        if lemma in v.STATE_VERBS:
            return Kind.STATE
        if lemma in v.OUTCOME_VERBS:
            return Kind.OUTCOME
        if lemma in v.WEAK_VERBS:
            return Kind.WEAK
        return Kind.ACTION

    def by_object(
        self,
        verb: str,
        heads: list[str],
        end: int,
        *,
        display: bool = False,
        measure: bool = False,
    ) -> _Reading | None:
        """The class a verb takes from its object (culture, outcome, trait...), if any."""
        for head in heads[:3]:
            if head in v.CULTURE_NOUNS and not measure:
                return _Reading(Kind.INFLUENCE, head, "culture noun", verb, True, end)
            if head in v.OUTCOME_NOUNS and not measure:
                return _Reading(Kind.OUTCOME, head, "outcome noun", verb, True, end)
            if not display:
                continue
            if head in v.TRAIT_NOUNS or _trait_shaped(head):
                return _Reading(Kind.TRAIT, head, "trait noun", verb, True, end)
            if head in v.KNOWLEDGE_NOUNS:
                return _Reading(Kind.STATE, head, "knowledge noun", verb, True, end)
            if head in v.REPUTATION_WORDS:
                return _Reading(Kind.TRAIT, head, "reputation", verb, True, end)
            if head in v.EVENT_NOUNS:
                return _Reading(Kind.ACTION, verb, "action with an event", verb, True, end)
        if display and heads and heads[0] in _CAPABILITY and self.at(end) == "to":
            return self.follow(end + 1, 1)  # 'demonstrates the ability to design'
        if display and self.at(end) == "how" and self.at(end + 1) == "to":
            return self.follow(end + 2, 1)  # 'shows new hires how to deploy'
        return None


def _agent_verb(noun: str) -> str | None:
    """The action verb an agent noun is made from: 'contributor' -> 'contribute'."""
    for suffix, replacement in (("or", "e"), ("er", "e"), ("er", ""), ("ant", "ate"), ("ist", "")):
        if noun.endswith(suffix) and len(noun) > len(suffix) + 3:
            stem = noun[: -len(suffix)] + replacement
            info = form(stem)
            if info.lemma == stem and stem not in v.WEAK_VERBS and stem not in v.STATE_VERBS:
                return stem
    return None


_SENTENCE_BREAK = frozenset({".", "!", "?", ";"})


def _sentences(tokens: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for tok in tokens:
        if tok in _SENTENCE_BREAK:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(tok)
    return [s for s in out if s]


def _drop_label(tokens: list[str]) -> list[str]:
    """'Craft - I am mastering my craft': a short label before a dash or colon is a heading."""
    for k, tok in enumerate(tokens[:6]):
        if tok in {"-", "\u2013", "\u2014", ":"}:
            if (
                k
                and len(tokens) - k > 2
                and not any(_form(t).tags & _FINITE and t not in v.TRAIT_NOUNS for t in tokens[:k])
            ):
                return tokens[k + 1 :]
            break
    return tokens


def analyse(text: str, weights: Weights | None = None) -> Analysis:
    """Cut a description into clauses, class each, and weigh actions against the rest."""
    weights = weights or Weights()
    truncated = len(text) > MAX_CHARS
    tokens = _drop_label(_tokens(text[:MAX_CHARS]))
    hedges: list[str] = []
    clauses: list[Clause] = []
    score = 0.0
    found_main = False
    for sentence in _sentences(tokens):
        parser = _Sentence(sentence, hedges)
        lowered = " ".join(sentence)
        for phrase in v.HEDGE_PHRASES:
            if " " in phrase and f" {phrase} " in f" {lowered} " and phrase not in hedges:
                hedges.append(phrase)
        for reading, participle, start, end in parser.clauses():
            main = not found_main and reading.kind is not Kind.NEUTRAL
            found_main = found_main or main
            clause = Clause(
                text=" ".join(sentence[start:end]),
                verb=reading.verb,
                kind=reading.kind,
                cue=reading.cue,
                reason=reading.reason,
                has_object=reading.has_object,
                main=main,
                participle=participle,
            )
            clauses.append(clause)
            weight = weights.main if main else weights.participle if participle else 1.0
            if clause.kind is Kind.ACTION:
                score += weight
            elif clause.kind.soft:
                score -= weight
    vague: list[str] = []
    for tok in tokens:
        if tok in v.VAGUE_WORDS and tok not in vague:
            vague.append(tok)
    return Analysis(
        clauses=tuple(clauses),
        hedges=tuple(dict.fromkeys(hedges)),
        vague_words=tuple(vague),
        score=score,
        truncated=truncated,
    )
