"""The curated vocabulary behind the description lint rules: traits, vague words, action verbs.

A behavioural description is observable when it says what someone does (an action
verb), to what (an object), and how often or how widely (a frequency or a scope).
Trait words describe who someone is instead, which nobody can observe or rate
consistently. Each entry below says why it is vague and what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = [
    "ACTION_VERBS",
    "TRAIT_PHRASES",
    "VAGUE_WORDS",
    "has_action_verb",
    "length",
    "normalise",
    "sentences",
    "similarity",
    "terms",
    "trait_phrases",
    "vague_words",
    "words",
]

#: Phrases that describe a trait or an impression rather than behaviour, each with the
#: observable rewrite to suggest. Matched as whole words, case-insensitively.
TRAIT_PHRASES: dict[str, str] = {
    "demonstrates leadership": "name what they lead: 'Leads the quarterly planning for two teams'",
    "shows leadership": "name what they lead: 'Leads the incident review for their service'",
    "leadership skills": "name the behaviour: 'Runs the weekly design review and records decisions'",
    "leadership qualities": "name the behaviour: 'Sets the team's goals each quarter with its manager'",
    "thinks strategically": "name the output: 'Writes a yearly roadmap tied to company goals'",
    "strategic thinker": "name the output: 'Proposes and costs a two-year plan for their area'",
    "strategic mindset": "name the output: 'Writes a yearly roadmap tied to company goals'",
    "shows ownership": "name what they own: 'Fixes and follows up bugs in their service to closure'",
    "takes ownership": "name what they own: 'Carries each feature from design to production metrics'",
    "ownership mindset": "name what they own: 'Carries each feature from design to production metrics'",
    "sense of ownership": "name what they own: 'Carries each feature from design to production metrics'",
    "is passionate": "name what they do about it: 'Runs a monthly session on testing practice'",
    "passionate about": "name what they do about it: 'Runs a monthly session on testing practice'",
    "strong communicator": "name the communication: 'Writes a weekly status update read by two teams'",
    "communicates well": "name the communication: 'Presents the team's results at the monthly review'",
    "communicates effectively": "name the communication: 'Writes decision records for every design change'",
    "good communication skills": "name the communication: 'Explains trade-offs in writing before each review'",
    "excellent communication": "name the communication: 'Writes a weekly status update read by two teams'",
    "good understanding of": "name what the understanding lets them do: 'Debugs production issues in service X without help'",
    "solid understanding of": "name what the understanding lets them do: 'Designs the schema changes for service X each quarter'",
    "deep understanding of": "name what the understanding lets them do: 'Reviews every change to service X before it ships'",
    "strong understanding of": "name what the understanding lets them do: 'Designs the schema changes for service X each quarter'",
    "understanding of": "name what the understanding lets them do: 'Designs the schema changes for service X each quarter'",
    "good knowledge of": "name what the knowledge lets them do: 'Configures and operates service X for the team'",
    "solid knowledge of": "name what the knowledge lets them do: 'Configures and operates service X for the team'",
    "deep knowledge of": "name what the knowledge lets them do: 'Configures and operates service X for the team'",
    "has knowledge of": "name what the knowledge lets them do: 'Configures and operates service X for the team'",
    "demonstrates ownership": "name what they own: 'Carries each feature from design to production metrics'",
    "demonstrates initiative": "name the initiative: 'Proposes one improvement to the team's process each quarter'",
    "demonstrates expertise": "name what the expertise produces: 'Reviews every schema change for the team'",
    "displays leadership": "name what they lead: 'Leads the incident review for their service'",
    "exhibits leadership": "name what they lead: 'Leads the incident review for their service'",
    "embodies our values": "name the behaviour people see, with its scope and frequency",
    "familiarity with": "name what they do with it: 'Uses tool X to ship features without help'",
    "is familiar with": "name what they do with it: 'Uses tool X to ship features without help'",
    "team player": "name the collaboration: 'Pairs with a teammate on a task every week'",
    "self-starter": "name the initiative: 'Picks up the next backlog item without being asked'",
    "self starter": "name the initiative: 'Picks up the next backlog item without being asked'",
    "go-getter": "name the initiative: 'Proposes one improvement to the team's process each quarter'",
    "detail-oriented": "name the check: 'Reviews every change against the checklist before merging'",
    "detail oriented": "name the check: 'Reviews every change against the checklist before merging'",
    "results-driven": "name the results: 'Ships the quarter's committed features on the agreed date'",
    "results oriented": "name the results: 'Ships the quarter's committed features on the agreed date'",
    "growth mindset": "name the learning: 'Asks for feedback after each project and acts on one item'",
    "has a positive attitude": "name the behaviour people see: 'Offers help in the team channel daily'",
    "positive attitude": "name the behaviour people see: 'Offers help in the team channel daily'",
    "is able to": "state the behaviour itself: 'Deploys' rather than 'is able to deploy'",
    "is capable of": "state the behaviour itself: 'Designs' rather than 'is capable of designing'",
    "has the ability to": "state the behaviour itself: 'Runs' rather than 'has the ability to run'",
    "strives to": "state what they do, not what they aim for",
    "is expected to": "state the behaviour itself; every description is an expectation",
}

#: Words that make a description unmeasurable: what counts as 'excellent' or
#: 'various' differs between raters. Each maps to what to write instead.
VAGUE_WORDS: dict[str, str] = {
    "excellent": "say what makes it excellent: a measure, a frequency, a scope",
    "exceptional": "say what makes it exceptional: a measure, a frequency, a scope",
    "outstanding": "say what makes it outstanding: a measure, a frequency, a scope",
    "great": "replace with the measure that makes it great",
    "good": "replace with the measure that makes it good",
    "strong": "replace with the measure that makes it strong",
    "effectively": "say how the effect is seen: what changes, for whom",
    "efficiently": "say what is saved: time, cost, steps",
    "appropriately": "say what appropriate means here: the rule or threshold",
    "various": "name them, or give their number",
    "etc": "finish the list, or give its number",
    "proactive": "name the action taken before being asked",
    "proactively": "name the action taken before being asked",
    "passionate": "name what the passion leads them to do",
    "mindset": "name the behaviour the mindset produces",
    "attitude": "name the behaviour the attitude produces",
    "sometimes": "give the frequency you can check: 'once a quarter'",
    "often": "give the frequency you can check: 'every sprint'",
}

_BASE_VERBS = """
accept achieve adapt add address adjust adopt advise advocate align allocate analyse
analyze anticipate apply approve arrange assess assign audit author automate balance
benchmark break brief bring budget build calibrate carry champion change chair check
choose clarify close coach collaborate collect commit communicate compare compile complete
compose conduct configure confirm connect consolidate consult contribute convert coordinate
correct cost counsel create curate debug decide decompose define delegate deliver deploy
deprecate derive describe design detect determine develop devise diagnose direct discover
discuss dispatch document draft drive edit educate eliminate enable encourage engage
establish estimate evaluate examine execute expand experiment explain explore facilitate
file find fix flag follow forecast formalise formalize frame gather generate give grow
guide handle help hire host identify implement improve incorporate increase influence inform
initiate inspect instrument integrate interview introduce investigate involve join keep
launch lead learn lift list lower maintain manage map measure mediate meet mentor merge
migrate model moderate monitor motivate move negotiate notice notify observe obtain onboard
open operate optimise optimize orchestrate organise organize own pair partner pick pilot
plan practise practice predict prepare present prevent prioritise prioritize produce profile
program promote propose prospect protect prototype provide publish raise rate reach recommend
reconcile record recruit redesign reduce refactor refine release remove repair replace report
represent reproduce request research resolve respond restructure retire review revise rewrite
roll rotate run scale schedule scope score screen secure select sell set settle shadow shape
share ship simplify size sketch solve source specify spend sponsor standardise standardize
start steer structure submit summarise summarize supervise support survey sustain synthesise
synthesize teach test track train transfer translate triage troubleshoot tune turn update
upgrade use validate verify visit volunteer walk watch weigh welcome win work write
act answer ask attend call clear contact cover cut deal draw earn ensure escalate feed fill
hand hold invite lay leave listen make offer pass pay prove put read receive reply save see
send show sign speak split spot stay stop take tell think
"""

_IRREGULAR = {
    "break": ("broke", "broken"),
    "bring": ("brought",),
    "build": ("built",),
    "choose": ("chose", "chosen"),
    "find": ("found",),
    "give": ("gave", "given"),
    "grow": ("grew", "grown"),
    "keep": ("kept",),
    "lead": ("led",),
    "meet": ("met",),
    "run": ("ran",),
    "sell": ("sold",),
    "set": (),
    "spend": ("spent",),
    "teach": ("taught",),
    "win": ("won",),
    "write": ("wrote", "written"),
    "take": ("took", "taken"),
    "make": ("made",),
    "send": ("sent",),
    "speak": ("spoke", "spoken"),
    "tell": ("told",),
    "hold": ("held",),
    "deal": ("dealt",),
    "draw": ("drew", "drawn"),
    "leave": ("left",),
    "pay": ("paid",),
    "put": (),
    "read": (),
    "see": ("saw", "seen"),
    "show": ("shown",),
    "think": ("thought",),
    "feed": ("fed",),
    "cut": (),
    "lay": ("laid",),
}


def _inflections(base: str) -> Iterator[str]:
    yield base
    yield from _IRREGULAR.get(base, ())
    if base.endswith("e"):
        yield base + "s"
        yield base + "d"
        yield base[:-1] + "ing"
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        yield base[:-1] + "ies"
        yield base[:-1] + "ied"
        yield base + "ing"
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        yield base + "es"
        yield base + "ed"
        yield base + "ing"
    else:
        yield base + "s"
        yield base + "ed"
        yield base + "ing"
        # run -> running, plan -> planned, ship -> shipped: a doubled last consonant.
        if re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgklmnprt]", base):
            yield base + base[-1] + "ed"
            yield base + base[-1] + "ing"


#: Action verbs in every common inflection ('writes', 'wrote', 'writing').
ACTION_VERBS: frozenset[str] = frozenset(
    form for base in _BASE_VERBS.split() for form in _inflections(base)
)

_WORD = re.compile(r"[a-z][a-z'-]*")
_TOKEN = re.compile(r"\S*[A-Za-z0-9]\S*")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl)\.", re.IGNORECASE)


_TERM = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def terms(text: str) -> list[str]:
    """Words and numbers, lower case: what two descriptions are compared on.

    Numbers count, as 'teams of 3' and 'teams of 10' describe different scopes.
    """
    return _TERM.findall(text.lower())


def length(text: str) -> int:
    """How many words a text holds, numbers included ('Ships 2 features' is three)."""
    return len(_TOKEN.findall(text))


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
    ends = re.findall(r"[.!?](?=\s|$)", stripped)
    return max(1, len(ends) + (0 if stripped[-1] in ".!?" else 1))


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])")


_TRAITS = [(phrase, _phrase_pattern(phrase)) for phrase in TRAIT_PHRASES]


def trait_phrases(text: str) -> list[str]:
    """The trait phrases in a text, longest first, none counted inside a longer match."""
    lowered = normalise(text)
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for phrase, pattern in sorted(_TRAITS, key=lambda item: -len(item[0])):
        for match in pattern.finditer(lowered):
            span = match.span()
            if not any(span[0] < end and start < span[1] for start, end in taken):
                taken.append(span)
                if phrase not in found:
                    found.append(phrase)
    return found


def vague_words(text: str) -> list[str]:
    """The vague words in a text, in order of appearance."""
    seen: list[str] = []
    for word in words(text):
        if word in VAGUE_WORDS and word not in seen:
            seen.append(word)
    return seen


def has_action_verb(text: str) -> bool:
    """Whether any word of the text is a known action verb in some inflection."""
    return any(word in ACTION_VERBS for word in words(text))


def similarity(first: str, second: str) -> float:
    """How alike two descriptions read, from 0 (nothing shared) to 1 (the same words).

    The ratio of matching words in order (difflib's ratio over word sequences), so a
    copy with one word changed scores high and a rewrite with the same topic does not.
    """
    from difflib import SequenceMatcher  # noqa: PLC0415 - only lint needs it

    a, b = terms(first), terms(second)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
