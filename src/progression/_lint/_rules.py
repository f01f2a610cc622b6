"""Framework analysis: lint rules for the faults that make frameworks go unused, and reports."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from .._model import Framework, JobFamily, Track, TrackKind
from .._numbers import format_number
from .._policy import (
    AverageScore,
    MeetsExpectations,
    PromotionPolicy,
    ScopeEvidence,
    ScoreFloor,
    Suppression,
    Sustained,
)
from ..exceptions import InvalidInput, Problem, Segment, render_path
from . import _vocabulary as vocabulary
from ._wording import MAX_CHARS, Analysis, Kind, Weights, analyse

__all__ = [
    "RULES",
    "Finding",
    "LintReport",
    "Rule",
    "Severity",
    "SuppressedFinding",
    "lint",
    "lint_description",
]

#: Word-sequence similarity above which two neighbouring levels read as the same.
NEAR_IDENTICAL = 0.85


class Severity(enum.Enum):
    """How much a finding matters: errors break a framework, warnings weaken it."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    __hash__ = object.__hash__

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error: for ``--fail-on`` comparisons."""
        return list(Severity).index(self)


@attrs.frozen(kw_only=True)
class Rule:
    """A lint rule: its stable code, default severity, and what it looks for."""

    code: str
    severity: Severity
    name: str
    summary: str


@attrs.frozen(kw_only=True)
class Finding:
    """One fault found in a framework: where, what, and a concrete way to fix it."""

    code: str
    severity: Severity
    segments: tuple[Segment, ...]
    message: str
    suggestion: str

    @property
    def path(self) -> str:
        """Where the finding is, such as ``$.job_families[0].tracks[1].levels[2]``."""
        return render_path(self.segments)


@attrs.frozen(kw_only=True)
class SuppressedFinding:
    """A finding silenced in the framework file, with the reason given there."""

    finding: Finding
    reason: str


def _findings(items: Iterable[Finding]) -> PVector[Finding]:
    return pvector(items)


def _suppressed(items: Iterable[SuppressedFinding]) -> PVector[SuppressedFinding]:
    return pvector(items)


@attrs.frozen(kw_only=True)
class LintReport:
    """Every finding for one framework, and those suppressed with their reasons."""

    framework: str
    findings: PVector[Finding] = attrs.field(converter=_findings, factory=pvector)
    suppressed: PVector[SuppressedFinding] = attrs.field(converter=_suppressed, factory=pvector)

    def at_or_above(self, severity: Severity) -> list[Finding]:
        """Findings of ``severity`` or worse."""
        return [f for f in self.findings if f.severity.rank >= severity.rank]

    @property
    def clean(self) -> bool:
        """Whether nothing was found (suppressed findings do not count)."""
        return not self.findings


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


RULES: dict[str, Rule] = {}
_Check = Callable[[Framework], Iterator[tuple[tuple[Segment, ...], str, str]]]
_CHECKS: list[tuple[Rule, _Check]] = []


def _rule(code: str, severity: Severity, name: str, summary: str) -> Callable[[_Check], _Check]:
    def register(check: _Check) -> _Check:
        rule = Rule(code=code, severity=severity, name=name, summary=summary)
        RULES[code] = rule
        _CHECKS.append((rule, check))
        return check

    return register


def _descriptions(
    framework: Framework,
) -> Iterator[tuple[tuple[Segment, ...], Track, str, str]]:
    """(path of the behaviour's text, track, level id, text) for every behaviour.

    The one place that knows where behavioural descriptions live in the model: the
    wording rules lint each text it yields. Each behaviour of an expectation is read on
    its own, at the path where a file written by progression holds its text
    (``description`` for the one-behaviour shorthand, ``behaviours[i]`` otherwise).
    """
    for f_index, family in enumerate(framework.job_families):
        for t_index, track in enumerate(family.tracks):
            for c_index, competency in enumerate(track.competencies):
                for level in track.levels:
                    expectation = competency.expectation(level.id)
                    if expectation is None:
                        continue
                    base: tuple[Segment, ...] = (
                        "job_families", f_index, "tracks", t_index, "competencies", c_index,
                        "levels", level.id,
                    )  # fmt: skip
                    for where, behaviour in zip(
                        expectation.behaviour_paths(), expectation.behaviours, strict=True
                    ):
                        yield (*base, *where), track, level.id, behaviour.text


def _tracks(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], JobFamily, Track]]:
    for f_index, family in enumerate(framework.job_families):
        for t_index, track in enumerate(family.tracks):
            yield ("job_families", f_index, "tracks", t_index), family, track


# --- descriptions ----------------------------------------------------------------------

#: Words and sentences above which a description is reported as long (information).
MAX_WORDS, MAX_SENTENCES = 60, 2
#: Words compared by the similarity of neighbouring levels: bounds the work per pair.
SIMILARITY_WORDS = 400


def _wording_rule(code: str, severity: Severity, name: str, summary: str) -> None:
    # Wording rules read one description at a time, all at once: see lint_description.
    RULES[code] = Rule(code=code, severity=severity, name=name, summary=summary)


_wording_rule(
    "PG101",
    Severity.WARNING,
    "trait-wording",
    "A behavioural description names a trait, an identity or a reputation instead of behaviour.",
)
_wording_rule(
    "PG102",
    Severity.WARNING,
    "vague-word",
    "A word raters read differently, such as 'effectively': a warning where it is all a"
    " clause says about its verb, information otherwise.",
)
_wording_rule(
    "PG103",
    Severity.WARNING,
    "no-action-verb",
    "A behavioural description names no checkable action: no verb, or only general ones.",
)
_wording_rule(
    "PG104",
    Severity.INFO,
    "description-length",
    f"A behavioural description of more than {MAX_WORDS} words or {MAX_SENTENCES} sentences.",
)
_wording_rule(
    "PG105",
    Severity.WARNING,
    "influence-wording",
    "A behavioural description names an influence on others or a culture, not an action.",
)
_wording_rule(
    "PG106",
    Severity.WARNING,
    "state-wording",
    "A behavioural description names knowledge, a state of mind or an attitude, not an action.",
)
_wording_rule(
    "PG107",
    Severity.WARNING,
    "outcome-wording",
    "A behavioural description names an outcome, not the action that produces it.",
)
_wording_rule(
    "PG108",
    Severity.INFO,
    "hedge",
    "A behavioural description hedges its behaviour: 'strives to', 'where possible', 'may'.",
)

_SOFT_CODES = {
    Kind.TRAIT: "PG101",
    Kind.MANNER: "PG102",
    Kind.INFLUENCE: "PG105",
    Kind.STATE: "PG106",
    Kind.OUTCOME: "PG107",
}
_SOFT_MESSAGES = {
    Kind.TRAIT: "describes a trait, not behaviour",
    Kind.MANNER: "says how it is done, not what is done",
    Kind.INFLUENCE: "describes influence on others, not an action",
    Kind.STATE: "describes knowledge or a state of mind, not behaviour",
    Kind.OUTCOME: "names an outcome, not the action that produces it",
}
_SOFT_SUGGESTIONS = {
    Kind.TRAIT: "say what someone with this trait visibly does instead of {cue!r}: an action"
    " verb, its object, and a scope or frequency, such as 'Proposes one change to the"
    " team's process each quarter'",
    Kind.MANNER: "{vague}; name the object instead of {cue!r}: 'Writes a one-page summary of"
    " each decision for the team'",
    Kind.INFLUENCE: "name the acts behind {cue!r}: who does what, and how often, such as"
    " 'Runs a monthly session where the team reviews one incident'",
    Kind.STATE: "name what the knowledge or attitude behind {cue!r} lets someone do, and"
    " where: 'Debugs production issues in the payments service without help'",
    Kind.OUTCOME: "name the action that brings about what {cue!r} promises, and how it is"
    " checked: 'Reviews each release against the error budget before it ships'",
}
_NO_ACTION = (
    "start with an action verb, then its object and a frequency or scope: 'Reviews every"
    " design change for the team'"
)


def lint_description(text: str) -> tuple[Finding, ...]:
    """The wording findings for one behavioural description.

    These are the findings `lint` reports at the path of a description (PG101 to
    PG108); here their ``segments`` are empty. A finding whose rule is a warning is
    reported as information when the description's main content is an observable
    action: one softer clause does not spoil it.

    Args:
        text: The description, such as ``"Reviews every design change for the team."``.

    Returns:
        The findings, in rule order.
    """
    return tuple(_wording_findings(text, Weights()))


def _finding(code: str, message: str, suggestion: str, *, info: bool = False) -> Finding:
    rule = RULES[code]
    return Finding(
        code=code,
        severity=Severity.INFO if info else rule.severity,
        segments=(),
        message=message,
        suggestion=suggestion,
    )


def _wording_findings(text: str, weights: Weights) -> list[Finding]:
    if not text.strip():
        return [_finding("PG103", "no action verb: the description is empty", _NO_ACTION)]
    analysis = analyse(text, weights)
    checkable = analysis.checkable
    actions = analysis.actions
    found: list[Finding] = []
    manner = set()
    for clause in analysis.clauses:
        if not clause.kind.soft:
            continue
        if clause.kind is Kind.MANNER:
            message = f"vague word {clause.cue!r}: {_SOFT_MESSAGES[clause.kind]}"
        else:
            message = f"{_SOFT_MESSAGES[clause.kind]}: {clause.cue!r} ({clause.reason})"
        if checkable:
            message += f"; the main action {actions[0].verb or actions[0].cue!r} is observable"
        if clause.kind is Kind.MANNER:
            manner.add(clause.cue)
        vague = vocabulary.VAGUE_WORDS.get(clause.cue, "say what it looks like when done")
        suggestion = _SOFT_SUGGESTIONS[clause.kind].format(cue=clause.cue, vague=vague)
        found.append(_finding(_SOFT_CODES[clause.kind], message, suggestion, info=checkable))
    for word in analysis.vague_words:
        if word not in manner:
            found.append(
                _finding("PG102", f"vague word {word!r}", vocabulary.VAGUE_WORDS[word], info=True)
            )
    if not checkable and not any(f.severity is not Severity.INFO for f in found):
        found.append(_no_action(analysis))
    for hedge in analysis.hedges:
        found.append(
            _finding(
                "PG108",
                f"hedge {hedge!r}: an aim or a possibility, not the behaviour itself",
                f"state the behaviour itself: drop {hedge!r} and say what is done, and when",
            )
        )
    # Counted, like the clauses, in the first MAX_CHARS characters only.
    read = text[:MAX_CHARS]
    count, sentences = vocabulary.length(read), vocabulary.sentences(read)
    if count > MAX_WORDS or sentences > MAX_SENTENCES:
        more = f"more than {MAX_CHARS} characters, " if analysis.truncated else ""
        found.append(
            _finding(
                "PG104",
                f"long: {more}{_plural(count, 'word')} in {_plural(sentences, 'sentence')}"
                f"{' analysed' if more else ''}, {_plural(len(actions), 'action')}",
                "keep the one or two behaviours that tell this level apart; move the rest"
                " to the competency summary",
            )
        )
    order = list(RULES)
    return sorted(found, key=lambda f: order.index(f.code))


def _no_action(analysis: Analysis) -> Finding:
    weak = [c for c in analysis.clauses if c.kind is Kind.WEAK]
    verbs = [c for c in analysis.clauses if c.verb is not None]
    if weak:
        message = (
            f"no checkable action: {weak[0].cue!r} (general verb) says who is involved, not"
            " what is done"
        )
    elif verbs:
        message = f"no checkable action: {verbs[0].cue!r} has no object to check"
    else:
        message = "no action verb: the description does not say what someone does"
    return _finding("PG103", message, _NO_ACTION)


# --- levels ----------------------------------------------------------------------------


@_rule(
    "PG111",
    Severity.ERROR,
    "identical-levels",
    "A competency reads the same at two neighbouring levels: the levels are not distinct.",
)
def _identical(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    yield from _neighbours(framework, identical=True)


@_rule(
    "PG112",
    Severity.WARNING,
    "near-identical-levels",
    f"A competency's descriptions at neighbouring levels are at least {NEAR_IDENTICAL:.0%} alike.",
)
def _near_identical(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    yield from _neighbours(framework, identical=False)


@functools.lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    # PG111 and PG112 both compare every pair of neighbours: split each text once.
    return tuple(vocabulary.terms(text))


def _neighbours(
    framework: Framework, *, identical: bool
) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for base, _, track in _tracks(framework):
        for c_index, competency in enumerate(track.competencies):
            for low, high in zip(track.levels, track.levels[1:], strict=False):
                lower, upper = competency.expectation(low.id), competency.expectation(high.id)
                if lower is None or upper is None:
                    continue  # the competency starts or ends here: nothing to compare
                first, second = lower.description, upper.description
                at = (*base, "competencies", c_index, "levels", high.id)
                if upper.shorthand:
                    at = (*at, "description")
                # Punctuation and case do not make a level different.
                first_terms, second_terms = _terms(first), _terms(second)
                same = first_terms == second_terms
                if identical and same:
                    yield (
                        at,
                        f"{competency.id!r} reads the same at {low.id} and {high.id}",
                        f"say what changes at {high.id}: a wider scope, more autonomy, a"
                        " larger object",
                    )
                elif not identical and not same:
                    score = vocabulary.ratio(
                        first_terms[:SIMILARITY_WORDS], second_terms[:SIMILARITY_WORDS]
                    )
                    if score >= NEAR_IDENTICAL:
                        yield (
                            at,
                            f"{competency.id!r} at {high.id} is {score:.0%} like {low.id}",
                            f"rewrite {high.id} around what is new at that level, not a word"
                            " or two changed",
                        )


# --- size ------------------------------------------------------------------------------


def _ladders(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], JobFamily, Track, str]]:
    """Each track whose ladder ends at its own top, and the words for its ladder's size.

    A branch's ladder counts the levels it shares with the track it branches from. A
    track whose top level is where others branch (a trunk of shared levels) is left
    out: its levels are counted in every branch.
    """
    for at, family, track in _tracks(framework):
        top = track.levels[-1].id
        if any(
            t.branches_from is not None
            and (t.branches_from.track, t.branches_from.level) == (track.id, top)
            for t in family.tracks
        ):
            continue
        ladder = family.ladder(track.id)
        shared = len(ladder) - len(track.levels)
        words = f"track {track.id!r} has {_plural(len(ladder), 'level')}"
        point = track.branches_from
        if shared and point is not None:
            words += f" ({shared} shared with {point.track!r})"
        yield at, family, track, words


@_rule("PG201", Severity.WARNING, "too-few-levels", "A track has fewer than 4 levels.")
def _few_levels(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, family, track, words in _ladders(framework):
        if len(family.ladder(track.id)) < 4:
            yield (
                (*at, "levels"),
                words,
                "four to seven levels let people see progress every year or two",
            )


@_rule("PG202", Severity.WARNING, "too-many-levels", "A track has more than 7 levels.")
def _many_levels(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, family, track, words in _ladders(framework):
        if len(family.ladder(track.id)) > 7:
            yield (
                (*at, "levels"),
                words,
                "merge levels whose scope and autonomy do not differ; seven is plenty",
            )


@_rule(
    "PG203", Severity.WARNING, "too-few-competencies", "A track rates fewer than 6 competencies."
)
def _few_competencies(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, _, track in _tracks(framework):
        if len(track.competencies) < 6:
            yield (
                (*at, "competencies"),
                f"track {track.id!r} rates {_plural(len(track.competencies), 'competency')}",
                "six to ten competencies cover the core (communication, collaboration,"
                " ownership, delivery) and the craft",
            )


@_rule("PG204", Severity.WARNING, "many-competencies", "A track rates 11 or 12 competencies.")
def _many_competencies(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, _, track in _tracks(framework):
        if 10 < len(track.competencies) <= 12:
            yield (
                (*at, "competencies"),
                f"track {track.id!r} rates {_plural(len(track.competencies), 'competency')}",
                "merge overlapping competencies: raters lose focus beyond ten",
            )


@_rule("PG205", Severity.ERROR, "too-many-competencies", "A track rates more than 12 competencies.")
def _too_many(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, _, track in _tracks(framework):
        if len(track.competencies) > 12:
            yield (
                (*at, "competencies"),
                f"track {track.id!r} rates {_plural(len(track.competencies), 'competency')}",
                "merge competencies down to ten or fewer; nobody rates thirteen consistently",
            )


# --- dual track ------------------------------------------------------------------------


@_rule(
    "PG301",
    Severity.WARNING,
    "no-crossover",
    "A management track that no IC level can cross over into.",
)
def _no_crossover(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, family, track in _tracks(framework):
        if track.kind is TrackKind.MANAGEMENT:
            ids = {level.id for level in track.levels}
            shared = family.shared_levels(track.id)
            if any(family.track_of(level.id).kind is TrackKind.IC for level in shared):
                continue  # it branches from an IC ladder: ICs enter it by promotion
            if not any(c.to_level in ids for c in family.crossovers):
                yield (
                    at,
                    f"nothing leads from an IC level into management track {track.id!r}",
                    "add a crossover: which IC level may enter which management level, and"
                    " what it takes",
                )


@_rule("PG302", Severity.WARNING, "no-way-back", "Management levels with no way back to IC.")
def _no_way_back(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, family, track in _tracks(framework):
        if track.kind is TrackKind.MANAGEMENT and not any(
            w.from_level in {lv.id for lv in track.levels} for w in family.way_back
        ):
            yield (
                at,
                f"no way back from management track {track.id!r} to an IC track",
                "map each management level to the IC level a manager returns to: people try"
                " management more readily when they can return",
            )


@_rule(
    "PG303",
    Severity.WARNING,
    "no-ic-parity",
    "The IC track stops below the top management level in rank.",
)
def _no_parity(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    tops = {at: track for at, _, track, _ in _ladders(framework)}
    for at, family, track in _tracks(framework):
        if track.kind is not TrackKind.IC or at not in tops:
            continue  # a trunk's top is not where its IC ladders end
        top = track.levels[-1].rank
        managers = [t for t in family.tracks if t.kind is TrackKind.MANAGEMENT]
        highest = max((t.levels[-1] for t in managers), key=lambda lv: lv.rank, default=None)
        if highest is not None and highest.rank > top:
            yield (
                (*at, "levels", len(track.levels) - 1),
                f"the IC track tops out at rank {top}, below {highest.id} (rank {highest.rank})",
                "add IC levels up to the top management rank, so growth does not require"
                " managing people",
            )


@_rule(
    "PG304",
    Severity.WARNING,
    "crossover-too-high",
    "Fewer than two IC levels lie above the crossover point.",
)
def _crossover_height(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for f_index, family in enumerate(framework.job_families):
        for c_index, crossover in enumerate(family.crossovers):
            # Every IC ladder through the level counts: from a shared level, the best.
            ladders = [
                [level.id for level in family.ladder(t.id)]
                for t in family.tracks_through(crossover.from_level)
                if t.kind is TrackKind.IC
            ]
            above = max(len(ids) - ids.index(crossover.from_level) - 1 for ids in ladders)
            if above < 2:
                yield (
                    ("job_families", f_index, "crossovers", c_index, "from_level"),
                    f"only {_plural(above, 'IC level')} above the crossover from"
                    f" {crossover.from_level}",
                    "cross over lower, so the IC path above it stays a real alternative",
                )


# --- lateral paths ---------------------------------------------------------------------


@_rule(
    "PG401",
    Severity.WARNING,
    "no-transferable",
    "A lateral path names no transferable competencies.",
)
def _no_transferable(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for f_index, family in enumerate(framework.job_families):
        for p_index, path in enumerate(family.lateral_paths):
            if not path.transferable:
                yield (
                    ("job_families", f_index, "lateral_paths", p_index, "transferable"),
                    f"the path {path.from_level} -> {path.to_family}/{path.to_level} names no"
                    " transferable competencies",
                    "list the competencies that carry over, so people see what they keep",
                )


@_rule("PG402", Severity.WARNING, "no-gaps", "A lateral path names no gaps to close.")
def _no_gaps(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for f_index, family in enumerate(framework.job_families):
        for p_index, path in enumerate(family.lateral_paths):
            if not path.gaps:
                yield (
                    ("job_families", f_index, "lateral_paths", p_index, "gaps"),
                    f"the path {path.from_level} -> {path.to_family}/{path.to_level} names no gaps",
                    "list the competencies of the target track to learn before the move",
                )


# --- promotion criteria ----------------------------------------------------------------


def _policies(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], PromotionPolicy]]:
    for index, policy in enumerate(framework.policies):
        yield ("policies", index), policy


@_rule(
    "PG501",
    Severity.WARNING,
    "floor-at-threshold",
    "A score floor at or above the average threshold (above it is rejected on load).",
)
def _floor_threshold(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, policy in _policies(framework):
        floors = [c for c in policy.criteria if isinstance(c, ScoreFloor)]
        for c_index, criterion in enumerate(policy.criteria):
            if isinstance(criterion, AverageScore) and not criterion.strict:
                counted = set(criterion.competencies)
                for floor in floors:
                    # Redundant only when the floor covers every competency averaged.
                    covers = not floor.competencies or (
                        counted and counted <= set(floor.competencies)
                    )
                    if covers and floor.floor >= criterion.threshold:
                        yield (
                            (*at, "criteria", c_index, "threshold"),
                            f"the floor {floor.floor} is at or above the threshold"
                            f" {format_number(criterion.threshold)}: the average adds nothing",
                            "lower the floor below the threshold, or drop the average",
                        )


@_rule(
    "PG502",
    Severity.WARNING,
    "unreachable-threshold",
    "An average threshold at the top of the scale: reachable only with every score perfect.",
)
def _top_threshold(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    top = Fraction(framework.scale.max)
    for at, policy in _policies(framework):
        for c_index, criterion in enumerate(policy.criteria):
            if isinstance(criterion, AverageScore) and criterion.threshold >= top:
                never = " and, being strict, can never be met" if criterion.strict else ""
                yield (
                    (*at, "criteria", c_index, "threshold"),
                    f"threshold {format_number(criterion.threshold)} is the top of the"
                    f" scale{never}",
                    "set the threshold below the top, such as half a point under it",
                )


@_rule(
    "PG503", Severity.WARNING, "long-sustain", "Scores must be sustained for more than 4 cycles."
)
def _long_sustain(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, policy in _policies(framework):
        for c_index, criterion in enumerate(policy.criteria):
            if isinstance(criterion, Sustained) and criterion.cycles > 4:
                yield (
                    (*at, "criteria", c_index, "cycles"),
                    f"scores must hold for {criterion.cycles} cycles in a row",
                    "two to four cycles show a trend; longer runs punish one bad cycle",
                )


@_rule("PG504", Severity.ERROR, "no-criteria", "A policy has no criteria: promotion is automatic.")
def _no_criteria(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, policy in _policies(framework):
        if not policy.criteria:
            yield (
                (*at, "criteria"),
                "the policy has no criteria, so everyone is ready at once",
                "add the criteria that decide this move: scores, time in level, evidence, approval",
            )


@_rule(
    "PG505",
    Severity.WARNING,
    "evidence-without-description",
    "A scope evidence requirement without a description employees can read.",
)
def _evidence(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, policy in _policies(framework):
        for c_index, criterion in enumerate(policy.criteria):
            if isinstance(criterion, ScopeEvidence) and not criterion.description.strip():
                yield (
                    (*at, "criteria", c_index, "description"),
                    f"evidence requirement {criterion.id!r} has no description",
                    "describe the evidence in one sentence: 'Led a project with 3+ cross-team"
                    " stakeholders'",
                )


@_rule(
    "PG506",
    Severity.WARNING,
    "nothing-to-sustain",
    "A sustained criterion in a policy without score criteria.",
)
def _nothing_to_sustain(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    scored = (AverageScore, ScoreFloor, MeetsExpectations)
    for at, policy in _policies(framework):
        if not any(isinstance(c, scored) for c in policy.criteria):
            for c_index, criterion in enumerate(policy.criteria):
                if isinstance(criterion, Sustained):
                    yield (
                        (*at, "criteria", c_index),
                        "nothing to sustain: the policy has no score criteria",
                        "add the average or floor to sustain, or drop this criterion",
                    )


# --- titles ----------------------------------------------------------------------------


@_rule("PG601", Severity.WARNING, "duplicate-title", "Two levels on one track share a title.")
def _duplicate_title(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, _, track in _tracks(framework):
        seen: dict[str, str] = {}
        for l_index, level in enumerate(track.levels):
            if level.title is None:
                continue
            key = vocabulary.normalise(level.title)
            if key in seen:
                yield (
                    (*at, "levels", l_index, "title"),
                    f"{level.id} has the same title as {seen[key]}: {level.title!r}",
                    "give each level its own external title, so people can tell them apart",
                )
            seen.setdefault(key, level.id)


@_rule("PG602", Severity.WARNING, "missing-title", "A level without an external title.")
def _missing_title(framework: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    for at, _, track in _tracks(framework):
        for l_index, level in enumerate(track.levels):
            if level.title is None or not level.title.strip():
                yield (
                    (*at, "levels", l_index),
                    f"level {level.id} has no external title",
                    "add the title people see on offers and profiles, such as 'Senior Engineer'",
                )


@_rule(
    "PG901",
    Severity.WARNING,
    "unused-suppression",
    "A suppression in the file that silences nothing: an unknown code, or a fixed fault.",
)
def _unused_suppressions(_: Framework) -> Iterator[tuple[tuple[Segment, ...], str, str]]:
    # Found by `lint` itself, which alone knows which suppressions were used.
    return iter(())


Silencer = tuple[tuple[Segment, ...], int, Suppression]


def _suppressions(framework: Framework) -> list[Silencer]:
    """Every suppression in the file: the element holding it, its index there, itself."""
    found: list[Silencer] = []

    def add(holder: tuple[Segment, ...], items: Iterable[Suppression]) -> None:
        found.extend((holder, index, s) for index, s in enumerate(items))

    add((), framework.suppress)
    for f_index, family in enumerate(framework.job_families):
        base: tuple[Segment, ...] = ("job_families", f_index)
        add(base, family.suppress)
        for t_index, track in enumerate(family.tracks):
            at = (*base, "tracks", t_index)
            add(at, track.suppress)
            for l_index, level in enumerate(track.levels):
                add((*at, "levels", l_index), level.suppress)
            for c_index, competency in enumerate(track.competencies):
                add((*at, "competencies", c_index), competency.suppress)
        for p_index, path in enumerate(family.lateral_paths):
            add((*base, "lateral_paths", p_index), path.suppress)
    for p_index, policy in enumerate(framework.policies):
        add(("policies", p_index), policy.suppress)
    return found


def lint(framework: Framework, *, ignore: Iterable[str] = ()) -> LintReport:
    """Check a framework for the faults that make frameworks go unused.

    Args:
        framework: The framework to check.
        ignore: Codes to leave out of this run, such as ``["PG104"]``.

    Returns:
        A report of every finding; those suppressed in the file are kept apart with
        their reasons.

    Raises:
        InvalidInput: ``ignore`` names a code no rule has.
    """
    skipped = set(ignore)
    _check_codes(skipped)
    silencers = _suppressions(framework)
    used: set[int] = set()
    findings: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    for finding in _all_findings(framework):
        if finding.code in skipped:
            continue
        at = finding.segments
        match = next(
            (
                number
                for number, (holder, _, s) in enumerate(silencers)
                if s.code == finding.code and at[: len(holder)] == holder
            ),
            None,
        )
        if match is None:
            findings.append(finding)
        else:
            used.add(match)
            suppressed.append(SuppressedFinding(finding=finding, reason=silencers[match][2].reason))
    if "PG901" not in skipped:
        rule = RULES["PG901"]
        for number, (holder, index, s) in enumerate(silencers):
            if number in used or s.code in skipped:
                continue
            what = "no rule has that code" if s.code not in RULES else "nothing here triggers it"
            findings.append(
                Finding(
                    code=rule.code,
                    severity=rule.severity,
                    segments=(*holder, "suppress", index),
                    message=f"the suppression of {s.code} silences nothing: {what}",
                    suggestion="remove the suppression, or correct its code",
                )
            )
    return LintReport(framework=framework.id, findings=findings, suppressed=suppressed)


def _all_findings(framework: Framework) -> list[Finding]:
    """Every finding of every rule, in rule order, before suppressions."""
    found: list[Finding] = []
    for at, _, _, text in _descriptions(framework):
        found.extend(attrs.evolve(f, segments=at) for f in lint_description(text))
    for rule, check in _CHECKS:
        found.extend(
            Finding(
                code=rule.code,
                severity=rule.severity,
                segments=at,
                message=message,
                suggestion=suggestion,
            )
            for at, message, suggestion in check(framework)
        )
    order = {code: index for index, code in enumerate(RULES)}
    # Stable: within a rule, findings keep the order of the framework.
    return sorted(found, key=lambda f: order[f.code])


def _check_codes(codes: set[str]) -> None:
    from difflib import get_close_matches  # noqa: PLC0415 - only for a mistyped code

    problems = []
    for code in sorted(codes - set(RULES)):
        close = get_close_matches(code.upper(), list(RULES), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]}?" if close else ""
        problems.append(
            Problem(
                segments=("ignore",),
                message=f"unknown lint code {code!r}{hint}",
                expected="a lint code: " + ", ".join(RULES),
                got=code,
            )
        )
    if problems:
        raise InvalidInput(problems)
