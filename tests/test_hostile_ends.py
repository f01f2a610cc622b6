"""Hostile input at the ends: the calendar's first and last years, timelines over
centuries, and mapping keys that are one key once read.

Each test starts from a reproducer the fuzz campaign or issue 8 found: a verdict that
named a cycle `Cycle.parse` refuses, a timeline of 40,000 cycles, scale labels that
folded into one.
"""

from __future__ import annotations

import json
import time

import attrs
import pytest
import yaml

import progression
from progression import Cycle, EvaluationError, InvalidFramework, InvalidHistory, Verdict
from progression._evaluation._engine import MAX_TIMELINE
from progression._formats import dumps, parse
from progression._formats._csv import histories_from_csv
from progression._history import FIRST_YEAR, LAST_YEAR
from test_bad_files import MINIMAL

# A framework asking for the longest reach back (a sustained window) and forward (time
# in level): 40 cycles each.
REACHING = MINIMAL.replace(
    "      - {kind: sustained, cycles: 2}\n",
    "      - {kind: sustained, cycles: 40}\n      - {kind: time_in_level, cycles: 40}\n",
)


def history(*cycles: str, level: str = "IC1") -> str:
    reviews = "".join(
        f"  - cycle: {cycle}\n    ratings: [{{competency: craft, score: 4}}]\n" for cycle in cycles
    )
    return (
        "employee: e1\nfamily: eng\ntrack: ic\n"
        f"levels: [{{level: {level}, since: {cycles[0]}}}]\n"
        f"reviews:\n{reviews}"
    )


def round_trips(verdict: Verdict) -> None:
    text = dumps(progression.unstructure(verdict), "json")
    assert progression.structure(parse(text, "json"), Verdict) == verdict, text


# --- cycles are written with four digits, and histories name years 1000 to 9899 ----------


@pytest.mark.parametrize("text", ["0000-Q1", "0005-H2", "0987-Y", "9999-Q4"])
def test_every_cycle_parse_reads_is_written_back_as_it_reads(text: str) -> None:
    # Found by fuzzing verdict JSON: year 0 was written "0-Q1", which parse refuses.
    assert str(Cycle.parse(text)) == text
    assert Cycle.parse(str(Cycle.parse(text))) == Cycle.parse(text)


@pytest.mark.parametrize(
    ("cycle", "path"),
    [
        ("0005-Q1", "$.levels[0].since"),
        ("0999-Q4", "$.levels[0].since"),
        ("9900-Q1", "$.levels[0].since"),
    ],
)
def test_a_history_outside_the_years_1000_to_9899_is_refused_at_its_path(
    cycle: str, path: str
) -> None:
    # Once loaded, 0005-Q1 was dumped as 5-Q1 and the dump could not be read back.
    with pytest.raises(InvalidHistory) as caught:
        progression.loads_history(history(cycle))
    paths = [p.path for p in caught.value.problems]
    assert path in paths
    assert f"cycle {cycle} is out of range" in caught.value.problems[0].message
    assert caught.value.problems[0].expected == "a cycle in the years 1000 to 9899"


def test_a_csv_cycle_outside_the_years_is_refused_with_its_line() -> None:
    ratings = "employee_id,cycle,competency,score\ne1,2026-Q1,craft,3\ne1,9999-Q4,craft,3\n"
    levels = "employee_id,family,track,level,since\ne1,eng,ic,IC1,2026-Q1\n"
    with pytest.raises(InvalidHistory) as caught:
        histories_from_csv(ratings, levels)
    (problem,) = caught.value.problems
    assert (problem.source, problem.line, problem.column) == ("ratings.csv", 3, 2)
    assert problem.message.startswith("cycle out of range: expected a cycle in the years")


@pytest.mark.parametrize(
    ("first", "last"),
    [(f"{FIRST_YEAR}-Q1", f"{FIRST_YEAR}-Q2"), (f"{LAST_YEAR}-Q3", f"{LAST_YEAR}-Q4")],
)
def test_verdicts_at_the_ends_of_the_calendar_read_back(first: str, last: str) -> None:
    # At 9999-Q4, `earliest` was 10009-Q3 and `Cycle.parse` refused it when the verdict
    # JSON was read back; a window before year 1 named cycles like 0-Q1.
    framework = progression.loads_framework(REACHING)
    loaded = progression.loads_history(history(first, last))[0]
    verdict = progression.evaluate(framework, loaded)
    assert verdict.earliest is not None
    round_trips(verdict)
    for each in progression.timeline(framework, loaded).verdicts:
        round_trips(each)


@pytest.mark.parametrize("as_of", ["0001-Q1", "0999-Q4", "9999-Q4"])
def test_evaluating_as_of_a_cycle_out_of_range_is_a_bad_cycle(as_of: str) -> None:
    framework = progression.loads_framework(MINIMAL)
    loaded = progression.loads_history(history("2026-Q1"))[0]
    with pytest.raises(EvaluationError) as caught:
        progression.evaluate(framework, loaded, as_of=as_of)
    assert caught.value.code == "bad_cycle"
    assert "out of range" in str(caught.value)


# --- timelines are bounded --------------------------------------------------------------


def test_a_timeline_over_centuries_is_refused_at_once() -> None:
    # A history naming both ends of the calendar asked for ~35,600 verdicts.
    framework = progression.loads_framework(MINIMAL)
    loaded = progression.loads_history(history(f"{FIRST_YEAR}-Q1", f"{LAST_YEAR}-Q4"))[0]
    started = time.process_time()
    with pytest.raises(EvaluationError) as caught:
        progression.timeline(framework, loaded)
    assert time.process_time() - started < 0.5
    assert caught.value.code == "long_span"
    assert str(caught.value) == (
        "employee 'e1': the history spans 35600 cycles, from 1000-Q1 to 9899-Q4; a timeline"
        " covers at most 400: evaluate single cycles with as_of"
    )
    # One verdict at a time is still there.
    assert progression.evaluate(framework, loaded).as_of == Cycle.parse("9899-Q4")


def test_a_timeline_of_exactly_the_bound_is_made() -> None:
    framework = progression.loads_framework(MINIMAL)
    first = Cycle.parse("2000-Q1")
    last = first.shift(MAX_TIMELINE - 1)
    loaded = progression.loads_history(history(str(first), str(last)))[0]
    assert len(progression.timeline(framework, loaded).verdicts) == MAX_TIMELINE
    longer = progression.loads_history(history(str(first), str(last.shift(1))))[0]
    with pytest.raises(EvaluationError, match="spans 401 cycles"):
        progression.timeline(framework, longer)


# --- keys that are one key once read ------------------------------------------------------

LABELS = "labels: {1: Learning, 2: Developing, 3: Proficient, 4: Advanced, 5: Expert}"


@pytest.mark.parametrize(
    ("labels", "got"),
    [
        ("labels: {'1': Novice, 1: Learning, 2: D, 3: P, 4: A, 5: E}", "key 1 repeats key '1'"),
        ("labels: {1: Learning, '01': Novice, 2: D, 3: P, 4: A, 5: E}", "key '01' repeats key 1"),
        ("labels: {1: Learning, '-0': x, 0: y, 2: D, 3: P, 4: A, 5: E}", "key 0 repeats key '-0'"),
    ],
)
def test_scale_labels_that_fold_into_one_are_refused_in_yaml(labels: str, got: str) -> None:
    # `1` and "1" were read as one point, and one of the two labels silently won.
    with pytest.raises(InvalidFramework) as caught:
        progression.loads_framework(MINIMAL.replace(LABELS, labels))
    messages = [p.message for p in caught.value.problems]
    assert any(m.startswith(got) for m in messages), messages


def test_scale_labels_that_fold_into_one_are_refused_in_json_and_toml() -> None:
    data = yaml.safe_load(MINIMAL)
    data["scale"]["labels"] = {
        "1": "Learning",
        "01": "Novice",
        "2": "D",
        "3": "P",
        "4": "A",
        "5": "E",
    }
    data["scale"]["max"] = 5
    with pytest.raises(InvalidFramework, match="key '01' repeats key '1'") as caught:
        progression.loads_framework(json.dumps(data), format="json")
    assert caught.value.problems[0].path == "$.scale.labels['01']"
    framework = progression.loads_framework(MINIMAL)
    labels = dict(zip(range(1, 6), "abcde", strict=True))
    scale = progression.RatingScale(min=1, max=5, labels=labels)
    text = progression.dump_framework(attrs.evolve(framework, scale=scale), format="toml")
    assert '[scale.labels]\n1 = "a"\n' in text
    folded = text.replace('[scale.labels]\n1 = "a"\n', '[scale.labels]\n1 = "a"\n"01" = "c"\n')
    with pytest.raises(InvalidFramework, match="key '01' repeats key '1'"):
        progression.loads_framework(folded, format="toml")


# --- verdicts read back from JSON -------------------------------------------------------


def test_a_verdict_read_back_with_no_cycles_for_a_failed_run_can_be_written() -> None:
    # Found by fuzzing verdict JSON: the result read back, and its message (written
    # with it) raised IndexError on the empty list of cycles.
    framework = progression.loads_framework(MINIMAL)
    loaded = progression.loads_history(history("2026-Q1", "2026-Q2"))[0]
    data = progression.unstructure(progression.evaluate(framework, loaded))
    (sustained,) = [c for c in data["criteria"] if c["criterion"]["kind"] == "sustained"]
    sustained.update(outcome="failed", cycles=[], observed=1)
    verdict = progression.structure(data, Verdict)
    (result,) = [c for c in verdict.criteria if c.code.startswith("sustained")]
    assert result.message == "score criteria held in 1 of the last 2 consecutive cycles"
    round_trips(verdict)


# --- escapes past the last character ------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\UFFFFFFFF", "\\U00110000", "\\U80000000"])
def test_a_yaml_escape_past_the_last_character_is_malformed_yaml_with_its_line(
    escape: str,
) -> None:
    # Found by fuzzing: PyYAML converts the escape with chr() before checking it, so
    # "\UFFFFFFFF" raised OverflowError from loads_framework and loads_history.
    text = MINIMAL.replace("name: Demo\n", f'name: "De{escape}mo"\n')
    with pytest.raises(InvalidFramework) as caught:
        progression.loads_framework(text, source="f.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (2, 10)
    assert problem.message == (
        f"malformed YAML: the escape {escape} is past U+10FFFF, the last character"
    )
    with pytest.raises(InvalidHistory, match="past U\\+10FFFF"):
        progression.loads_history(f'employee: "{escape}"\n')


# --- YAML aliases ----------------------------------------------------------------------


def _alias_bomb(levels: int, width: int = 10) -> str:
    bomb = "  l0: &l0 [" + ", ".join(["x"] * width) + "]\n"
    for level in range(1, levels + 1):
        bomb += f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]\n"
    return MINIMAL.replace("metadata:\n  owner: Engineering\n", "metadata:\n" + bomb)


@pytest.mark.parametrize("levels", [4, 5])
def test_aliases_that_expand_far_beyond_the_text_are_refused_at_once(levels: int) -> None:
    # 2.5 KB of aliases made a million metadata values: 2 s to load, 17 s and 17 MB
    # to write back. The bound is 10,000 values more than the text has characters.
    text = _alias_bomb(levels)
    started = time.process_time()
    with pytest.raises(InvalidFramework) as caught:
        progression.loads_framework(text)
    assert time.process_time() - started < 0.5
    (problem,) = caught.value.problems
    assert problem.message == (
        f"more than {len(text) + 10_000} values in {len(text)} characters (are YAML aliases"
        " repeating a subtree? They may add 10000 at most)"
    )


def test_aliases_that_repeat_a_few_thousand_values_still_load() -> None:
    text = _alias_bomb(2, width=9)  # 900 values and more
    framework = progression.loads_framework(text)
    assert progression.unstructure(framework)["metadata"]["l2"] == [[["x"] * 9] * 9] * 9
    dumped = progression.dump_framework(framework)
    assert "*" not in dumped
    assert progression.loads_framework(dumped) == framework
