"""The curated word classes behind the wording rules, and the text helpers the rules share.

A behavioural description is observable when it says what someone visibly does: an
action someone could witness or check in an artefact, ideally with an object, a scope
or a frequency. The classes below name the English words of workplace behaviour that
say something else: a trait, a state of mind or knowledge, an influence on others or a
culture, an outcome, a reputation, or a hedge. They are written from the language, as
closed classes (there are only so many ways to name a trait), while action verbs are an
open class: any verb the lexicon knows that is in no other class counts as an action.

Verbs are listed by lemma and matched in every inflection through the lexicon
('fosters', 'fostered', 'fostering'); nouns are listed in the singular and match their
plurals through the lexicon ('relationships'); adjectives are listed as written. British
and American spellings both match ('prioritise', 'prioritize').
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _words(text: str) -> frozenset[str]:
    """The words of a block of text: how word classes are written down here."""
    return frozenset(text.split())


__all__ = [
    "ACTION_VERBS",
    "CULTURE_ADJECTIVES",
    "CULTURE_NOUNS",
    "CULTURE_SETTINGS",
    "DISPLAY_VERBS",
    "EVENT_NOUNS",
    "GENERAL_NOUNS",
    "HEDGE_PHRASES",
    "HEDGE_VERBS",
    "HELP_NOUNS",
    "IDENTITY_NOUNS",
    "INFLUENCE_VERBS",
    "KNOWLEDGE_NOUNS",
    "MANNER_WORDS",
    "MEASURE_VERBS",
    "OUTCOME_NOUNS",
    "OUTCOME_VERBS",
    "PEOPLE_NOUNS",
    "PEOPLE_VERBS",
    "REPUTATION_WORDS",
    "STATE_ADJECTIVES",
    "STATE_VERBS",
    "TRAIT_ADJECTIVES",
    "TRAIT_NOUNS",
    "TRAIT_SUFFIXES",
    "VAGUE_WORDS",
    "WEAK_VERBS",
    "length",
    "normalise",
    "ratio",
    "sentences",
    "similarity",
    "terms",
    "words",
]


def _spellings(text: str) -> frozenset[str]:
    """The words of ``text``, with the other spelling of -ise/-ize and -yse/-yze verbs."""
    found: set[str] = set()
    for word in text.split():
        found.add(word)
        for british, american in (("ise", "ize"), ("yse", "yze"), ("isation", "ization")):
            if word.endswith(british) and len(word) > 5:
                found.add(word[: -len(british)] + american)
            elif word.endswith(american) and len(word) > 5:
                found.add(word[: -len(american)] + british)
    return frozenset(found)


# --- verbs -----------------------------------------------------------------------------

#: Verbs of work someone can be seen doing, or that leave an artefact to check: the
#: common ones, listed so that their reading as a verb wins where a word could also be
#: a noun ('Leads', 'Designs', 'Fixes'). Any other verb of the lexicon outside the soft
#: classes below counts as an action too, when it has an object or a complement.
ACTION_VERBS: frozenset[str] = _spellings(
    """
    accept add address administer adopt advise advocate allocate analyse answer apply
    approve architect archive arrange articulate ask assess assign attend audit author
    automate benchmark blog bootstrap break brief budget build calibrate call carry
    catalogue chair change check choose clarify clean close coach code collect commit
    compare compile complete compose conduct configure confirm consolidate consult
    contribute convene convert coordinate co-ordinate correct cost create curate cut
    debug decide decommission decompose define delegate delete deliver demo deploy
    deprecate describe design detect diagnose direct discuss dispatch document draft
    edit eliminate email escalate establish estimate evaluate examine execute expand
    experiment explain facilitate file find finish fix flag follow forecast formalise
    gather give hand handle hire host identify implement import instrument integrate
    interview introduce investigate invite join label launch lead list log maintain
    manage map measure mediate meet mentor merge migrate mitigate moderate monitor
    negotiate note notify observe onboard open operate optimise orchestrate organise
    originate own pair pilot plan post prepare present prioritise produce profile
    program propose prototype provide publish question raise rank rate read rebuild
    recommend reconcile record recruit redesign reduce refactor refine release remove
    repair replace report represent reproduce request research resolve respond
    restructure retire retro review revise rewrite roll rotate run schedule scope score
    screen select sell send sequence set ship simplify size sketch solve source specify
    speak split sponsor standardise start submit suggest summarise supervise survey
    synthesise talk teach test track train transfer translate triage troubleshoot tune
    update upgrade use validate verify visit volunteer walk write
    """
)

#: General verbs that name no act to check on their own: working, helping or
#: collaborating with someone says who is involved, not what is done. A clause whose
#: verb is one of them counts neither for nor against a description; what follows
#: decides where it can ('works with product to define the roadmap' is 'define').
WEAK_VERBS: frozenset[str] = _spellings(
    """
    act assist behave collaborate connect cooperate co-operate do engage function get go
    help interact partner serve support work
    """
)

#: Abstract influence and culture verbs: they say someone changes how others think,
#: feel or behave, which nobody can watch being done ('fosters a culture of',
#: 'inspires teams', 'champions', 'promotes', 'drives', 'influences').
INFLUENCE_VERBS: frozenset[str] = _spellings(
    """
    amplify catalyse champion cultivate drive elevate embody empower encourage energise
    evangelise exemplify foster galvanise influence inspire instil instill mobilise
    model motivate nurture personify promote reinforce shape spark steward strengthen
    unite uplift
    """
)

#: Verbs of growing people: observable with a task ('develops the onboarding plan'),
#: abstract influence when their object is people ('develops senior leaders',
#: 'pushes everyone to be as good as they can be').
PEOPLE_VERBS: frozenset[str] = _spellings(
    """
    challenge develop enable grow push retain stretch support
    """
)

#: Who the object of a people verb can be.
PEOPLE_NOUNS: frozenset[str] = _words(
    """
    colleague developer engineer everyone everybody hire individual leader member others
    peer people person report staff talent team teammate them themselves those us
    """
)

#: States, knowledge, cognition and attitudes: what someone knows, thinks, feels or is
#: like inside, which nobody can observe directly ('understands', 'knows', 'considers
#: the opinions of others', 'thinks strategically', 'learns', 'listens').
STATE_VERBS: frozenset[str] = _spellings(
    """
    adapt adjust anticipate appreciate approach assume avoid balance believe care
    comprehend concentrate consider contemplate cope deserve embrace enjoy envision
    excel feel focus foresee grasp imagine internalise judge know learn like listen love
    master mind navigate need notice perceive ponder prefer realise recognise reflect
    refrain regard remain remember require respect sense stay think thrive tolerate
    trust understand value weigh wonder
    """
)

#: Outcomes: what should come out of the work, not the work that brings it about
#: ('ensures quality', 'achieves goals', 'impacts the business').
OUTCOME_VERBS: frozenset[str] = _spellings(
    """
    accelerate accomplish achieve affect benefit boost ensure exceed guarantee impact
    maximise multiply succeed
    """
)

#: Verbs that take the class of their object: 'demonstrates self-motivation' is a
#: trait, 'has a good grasp of' is knowledge, 'demonstrates the release to customers'
#: is an action.
DISPLAY_VERBS: frozenset[str] = _spellings(
    """
    acquire apply bring broaden build deepen demonstrate develop display exercise
    exhibit gain grow have hold leverage maintain possess practise practice show take
    use utilise
    """
)

#: Verbs that measure, record or report: their object may be an outcome or a culture
#: without making them vague ('measures the impact of each release', 'writes the
#: team's values down').
MEASURE_VERBS: frozenset[str] = _spellings(
    """
    analyse assess audit calculate check communicate document draft estimate evaluate
    forecast log measure monitor present publish quantify record report review share
    survey track write
    """
)

#: Verbs that hedge what follows: an aim or an attempt is not the behaviour itself
#: ('strives to', 'aims to', 'tries to', 'seeks to'). The verb after them decides the
#: class of the clause; the hedge itself is only information.
HEDGE_VERBS: frozenset[str] = _spellings(
    """
    aim aspire attempt endeavour endeavor hope intend seek strive tend try want wish
    """
)

#: Hedging phrases and modal verbs: the behaviour may or may not happen.
HEDGE_PHRASES: tuple[str, ...] = (
    "as appropriate",
    "as needed",
    "as required",
    "if appropriate",
    "if asked",
    "if necessary",
    "if needed",
    "if requested",
    "when appropriate",
    "when asked",
    "when necessary",
    "when needed",
    "when requested",
    "where appropriate",
    "where necessary",
    "where possible",
    "might",
    "may",
    "could",
)

# --- nouns -----------------------------------------------------------------------------

#: Traits, qualities and dispositions: who someone is, not what they do
#: ('self-motivation', 'initiative', 'integrity', 'a bias for action').
TRAIT_NOUNS: frozenset[str] = _words(
    """
    accountability acumen adaptability agility ambition aptitude attitude authenticity
    autonomy bias candor candour capability capacity care clarity character charisma
    commitment compassion competence competency composure confidence courage creativity
    credibility curiosity decisiveness dedication dependability determination diligence
    discipline drive eagerness empathy energy enthusiasm ethic excellence flexibility
    focus foresight fortitude generosity grit honesty humility independence ingenuity
    initiative integrity intuition judgement judgment kindness leadership maturity
    mentality mindset motivation openness optimism ownership passion patience
    persistence personality perseverance poise positivity pragmatism presence pride
    professionalism reliability resilience resourcefulness respect responsibility rigor
    rigour savvy sensibility sensitivity sincerity skill spirit talent temperament
    tenacity thoughtfulness trustworthiness urgency versatility vision warmth
    willingness wisdom
    """
)

#: Knowledge and understanding: what someone has in mind ('a good grasp of',
#: 'familiarity with', 'deep technical expertise').
KNOWLEDGE_NOUNS: frozenset[str] = _words(
    """
    appreciation awareness breadth command comprehension consciousness depth experience
    expertise familiarity fluency grasp insight intelligence know-how knowledge literacy
    mastery proficiency recognition sense understanding
    """
)

#: Culture, relationships and climate: what a group feels or shares, built by many
#: acts none of which is named ('a culture of learning', 'psychological safety',
#: 'trust', 'relationships').
CULTURE_NOUNS: frozenset[str] = _words(
    """
    alignment atmosphere bar belonging buy-in camaraderie climate cohesion collaboration
    community connection consensus culture direction diversity empowerment engagement
    ethos example excitement goodwill happiness harmony inclusion inclusivity morale
    rapport relationship safety satisfaction silo space synergy tone trust wellbeing
    well-being
    """
)

#: Places that are a culture when a culture adjective qualifies them: 'an inclusive
#: environment', 'a safe space' (but 'the test environment' is a place to deploy to).
CULTURE_SETTINGS: frozenset[str] = frozenset(["atmosphere", "environment", "place", "workplace"])

#: Adjectives that make a place a culture.
CULTURE_ADJECTIVES: frozenset[str] = _words(
    """
    blameless caring healthy inclusive open positive psychological psychologically
    respectful safe supportive trusting welcoming
    """
)

#: Outcomes nobody can observe being produced ('impact', 'business value', 'success').
OUTCOME_NOUNS: frozenset[str] = _words(
    """
    difference effect effectiveness efficiency impact outcome productivity success value
    """
)

#: Roles someone is, rather than acts they do: as the complement of 'is', 'acts as' or
#: 'serves as' ('is a role model', 'is a source of expertise', 'a go-to person').
IDENTITY_NOUNS: frozenset[str] = _words(
    """
    advisor adviser advocate ambassador anchor asset authority beacon champion
    collaborator communicator evangelist example expert force go-to guru leader learner
    model multiplier partner pillar player problem-solver resource role self-starter
    source starter steward thinker voice
    """
)

#: Nouns that name no work in particular: 'participates in efforts', 'does things'.
GENERAL_NOUNS: frozenset[str] = frozenset(["effort", "stuff", "thing"])

#: Help in general: 'provides help and support', 'offers guidance' name no act to check.
HELP_NOUNS: frozenset[str] = frozenset(["assistance", "guidance", "help", "support"])

#: Events someone holds or takes part in: 'has a conversation with' is an action.
EVENT_NOUNS: frozenset[str] = _words(
    """
    call conversation debrief demo discussion interview meeting one-on-one one-to-one
    presentation retro retrospective review session talk workshop
    """
)

# --- adjectives and participles ----------------------------------------------------------

#: Traits as adjectives: 'is passionate', 'self-directed', 'reliable'.
TRAIT_ADJECTIVES: frozenset[str] = _words(
    """
    accountable adaptable agile ambitious approachable assertive authentic autonomous
    calm candid capable careful collaborative committed compassionate competent composed
    confident conscientious considerate constructive cooperative courageous creative
    curious decisive dedicated dependable detail-oriented diligent disciplined driven
    dynamic eager empathetic empathic energetic enthusiastic ethical flexible focused
    generous genuine gracious hardworking hard-working helpful honest humble independent
    influential innovative inquisitive inspirational inspiring kind level-headed mature
    meticulous motivated open open-minded optimistic organised passionate patient
    persistent personable pragmatic proactive professional punctual receptive reliable
    resilient resourceful respectful responsive savvy sincere skilled skillful strategic
    supportive tactful tenacious thorough thoughtful tolerant trustworthy versatile
    vigilant visionary willing
    """
)

#: Knowledge and states of mind as adjectives: 'is aware of', 'familiar with',
#: 'up-to-date on', 'comfortable with'.
STATE_ADJECTIVES: frozenset[str] = _words(
    """
    attentive available aware cognisant cognizant comfortable conscious conversant
    current expert experienced familiar fluent informed knowledgeable mindful proficient
    up-to-date versed well-informed well-versed
    """
)

#: Word endings that make a trait adjective of anything: 'customer-focused',
#: 'results-driven', 'growth-minded', 'self-aware', 'self-motivation'.
TRAIT_SUFFIXES: tuple[str, ...] = ("-minded", "-oriented", "-driven", "-focused", "-centric")
TRAIT_PREFIXES: tuple[str, ...] = ("self-",)

#: Participles and nouns that report how others see someone: a reputation, not an act
#: ('is known for', 'regarded as', 'trusted to', 'sought out', 'a track record').
REPUTATION_WORDS: frozenset[str] = _words(
    """
    acknowledged admired celebrated considered counted deemed known looked perceived
    praised recognised recognized regarded relied renowned reputation reputed respected
    seen sought thought trusted valued viewed
    """
)

# --- modifiers ---------------------------------------------------------------------------

#: Words raters read differently: each says what to write instead. On a description
#: that otherwise names a checkable action they are only information; as all a clause
#: says about its verb ('communicates clearly') they are the fault.
VAGUE_WORDS: dict[str, str] = {
    "adequately": "say what is enough: a measure or a threshold",
    "appropriate": "say what appropriate means here: the rule or threshold",
    "appropriately": "say what appropriate means here: the rule or threshold",
    "clearly": "say how clarity shows: a format, a length, an audience",
    "concisely": "say how brevity shows: a length, a format",
    "effective": "say how the effect is seen: what changes, for whom",
    "effectively": "say how the effect is seen: what changes, for whom",
    "efficient": "say what is saved: time, cost, steps",
    "efficiently": "say what is saved: time, cost, steps",
    "etc": "finish the list, or give its number",
    "excellent": "say what makes it excellent: a measure, a frequency, a scope",
    "exceptional": "say what makes it exceptional: a measure, a frequency, a scope",
    "great": "replace with the measure that makes it great",
    "good": "replace with the measure that makes it good",
    "meaningful": "say what it changes, and for whom",
    "often": "give the frequency you can check: 'every sprint'",
    "outstanding": "say what makes it outstanding: a measure, a frequency, a scope",
    "positively": "say what changes, and for whom",
    "proactively": "name the action taken before being asked",
    "properly": "say what proper means here: the rule or the check",
    "significant": "give the size: a number, a scope",
    "smoothly": "say what a smooth result looks like: no incident, on the agreed date",
    "sometimes": "give the frequency you can check: 'once a quarter'",
    "strong": "replace with the measure that makes it strong",
    "successfully": "say what success is: the measure or the result checked",
    "thoughtfully": "say what the thought produces: a written trade-off, a question",
    "various": "name them, or give their number",
    "well": "say what doing it well looks like: a measure, a check",
}

#: The vague words that describe only the manner of a verb: a clause with an action
#: verb, no object and one of these says how, not what ('communicates clearly').
MANNER_WORDS: frozenset[str] = _words(
    """
    adequately appropriately clearly concisely decisively effectively efficiently
    positively properly smoothly successfully thoughtfully unambiguously well
    """
)

# --- text helpers used by the other rules ------------------------------------------------

_WORD = re.compile(r"[a-z][a-z'-]*")
_TERM = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def terms(text: str) -> list[str]:
    """Words and numbers, lower case: what two descriptions are compared on.

    Numbers count, as 'teams of 3' and 'teams of 10' describe different scopes.
    """
    return _TERM.findall(text.lower())


def length(text: str) -> int:
    """How many words a text holds, numbers included ('Ships 2 features' is three).

    A word is a run of characters between spaces with a letter or a digit in it.
    """
    # str.split and str.isalnum are linear: no pattern here can backtrack.
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def normalise(text: str) -> str:
    """Lower case, single spaces: the form every matcher works on."""
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    """The words of a text, lower case, punctuation dropped."""
    return _WORD.findall(text.lower())


def sentences(text: str) -> int:
    """How many sentences a text holds (a full stop, ! or ? followed by a space or the end)."""
    # Abbreviations end in a full stop without ending a sentence.
    stripped = _ABBREVIATIONS.sub("", text).strip()
    if not stripped:
        return 0
    ends = _SENTENCE_END.findall(stripped)
    return max(1, len(ends) + (0 if stripped[-1] in ".!?" else 1))


def similarity(first: str, second: str) -> float:
    """How alike two descriptions read, from 0 (nothing shared) to 1 (the same words).

    The ratio of matching words in order (difflib's ratio over word sequences), so a
    copy with one word changed scores high and a rewrite with the same topic does not.
    """
    return ratio(terms(first), terms(second))


def ratio(first: Sequence[str], second: Sequence[str]) -> float:
    """`similarity` of two lists of terms."""
    from difflib import SequenceMatcher  # noqa: PLC0415 - only lint needs it

    if not first and not second:
        return 1.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()
