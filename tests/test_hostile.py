"""Hostile input: documents built to crash the loader, hold it for minutes or lose data.

Each test starts from a reproducer: a document that once raised a raw builtin
exception, ran in time out of proportion to its size, or loaded a value that could not
be written back. The properties at the end hold for whatever the loader accepts.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import assume, example, given
from hypothesis import strategies as st

import progression
from progression import (
    Framework,
    InvalidFramework,
    InvalidHistory,
    InvalidInput,
    Problem,
    RatingHistory,
    RatingScale,
    UnreadableInput,
    strategies,
)
from progression._convert import make_converter
from progression._formats import FORMATS, dump_history, parse
from progression._formats._documents import _json_marks, _yaml_marks
from progression._validation import Checker, show
from progression.exceptions import group_problems, render_path
from test_bad_files import MINIMAL, edit

HISTORY = """\
employee: e1
family: eng
track: ic
levels:
  - {level: IC1, since: 2026-Q1}
reviews:
  - cycle: 2026-Q1
    ratings:
      - {competency: craft, score: 3}
"""


def refused(
    load: Callable[[], object], error: type[InvalidInput] = InvalidFramework
) -> tuple[Problem, ...]:
    """The problems ``load`` raises, after checking that they can be printed."""
    with pytest.raises(error) as caught:
        load()
    text = str(caught.value)
    text.encode("utf-8")  # printable and writable, whatever the input held
    assert all(p.got is None or len(p.got) <= 80 for p in caught.value.problems)
    return caught.value.problems


def quickly(load: Callable[[], object], error: type[InvalidInput] = InvalidFramework) -> Problem:
    """The one problem ``load`` raises, raised in well under a second of CPU time.

    CPU time, not wall time: a loaded machine must not fail the check, a hang must.
    """
    started = time.process_time()
    problems = refused(load, error)
    assert time.process_time() - started < 1.0
    assert len(problems) == 1, problems
    return problems[0]


# One converter per purpose.


def test_a_second_converter_is_independent_of_the_first() -> None:
    data = progression.unstructure(progression.loads_framework(MINIMAL))
    seen: list[str] = []

    def recording(value: object, _: type) -> str:
        assert isinstance(value, str)
        seen.append(value)
        return value

    second = make_converter()
    second.register_structure_hook(str, recording)
    built = second.structure(data, Framework)
    assert built == progression.structure(data, Framework)
    # Strings deep inside went through the second converter's own hook: a summary,
    # level ids as mapping keys, and competency ids inside a criterion.
    assert {"Builds software.", "IC3", "craft"} <= set(seen)
    seen.clear()
    progression.structure(data, Framework)
    progression.converter.structure(data, Framework)
    assert seen == []


# Formats named wrongly.


def test_an_unknown_format_is_named() -> None:
    with pytest.raises(UnreadableInput) as caught:
        parse("a: 1", "xml")  # type: ignore[arg-type]
    assert str(caught.value) == "unknown format 'xml', expected one of yaml, json, toml"
    framework = progression.loads_framework(MINIMAL)
    with pytest.raises(UnreadableInput, match="unknown format 'xml'"):
        progression.dump_framework(framework, format="xml")  # type: ignore[arg-type]


def test_histories_are_not_read_or_written_as_toml(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="histories are YAML, JSON or CSV"):
        progression.loads_history('employee = "e1"', format="toml")
    path = tmp_path / "history.toml"
    path.write_text('employee = "e1"\n')
    with pytest.raises(UnreadableInput, match=f"{path}: histories are YAML, JSON or CSV"):
        progression.load_history(path)
    (history,) = progression.loads_history(HISTORY)
    with pytest.raises(UnreadableInput, match="histories are YAML, JSON or CSV"):
        dump_history(history, format="toml")


# Values shown in problems.


def test_a_value_shown_in_a_problem_is_cut_at_80_characters() -> None:
    assert len(Problem(message="m", got="9" * 401).got or "") == 80
    assert len(show(Fraction(10**400, 3))) <= 80
    assert show(10**5000) == "a number of about 5000 digits"
    check = Checker()
    check.add(("threshold",), "outside the scale", expected="1 to 5", got=Fraction(10**100, 7))
    (problem,) = check.problems
    assert problem.got is not None
    assert len(problem.got) == 80
    assert len(problem.message) < 140
    # The reproducer: a threshold of "1e400" used to be shown with its 401 digits.
    problem = quickly(
        lambda: progression.loads_framework(edit(("threshold: 3,", 'threshold: "1e400",')))
    )
    assert problem.path == "$.policies[0].criteria[0].threshold"
    assert problem.got == "'1e400'"


# A mistake repeated thousands of times.


def test_a_mistake_repeated_17000_times_is_shown_once_and_kept_every_time() -> None:
    ratings = [{"competency": "craft", "score": 3, "rater": "manger"}] * 17_000
    document: dict[str, Any] = {"employee": "e1", "family": "eng", "track": "ic"}
    document["reviews"] = [{"cycle": "2026-Q1", "ratings": ratings}]
    text = json.dumps(document)
    problems = refused(
        lambda: progression.loads_history(text, format="json", source="h.json"), InvalidHistory
    )
    assert len(problems) == 17_000
    with pytest.raises(InvalidHistory) as caught:
        progression.loads_history(text, format="json", source="h.json")
    (group,) = caught.value.groups()
    assert group.count == 17_000
    assert group.problems == problems
    columns = [found.start() + 1 for found in re.finditer('"manger"', text)]
    assert str(caught.value).splitlines() == [
        "17000 problems:",
        "  unknown value: expected 'self', 'peer', 'manager' or 'calibrated', got 'manger'"
        " (17000 times):",
        f"    h.json:1:{columns[0]}: $.reviews[0].ratings[0].rater",
        f"    h.json:1:{columns[1]}: $.reviews[0].ratings[1].rater",
        f"    h.json:1:{columns[2]}: $.reviews[0].ratings[2].rater",
        "    and 16997 more",
    ]


def test_groups_keep_the_order_found_and_single_problems_read_as_before() -> None:
    typo = [Problem(segments=("rows", n), message="unknown rater 'manger'") for n in range(4)]
    other = Problem(segments=("name",), message="wrong type", source="f.yaml", line=2, column=7)
    error = InvalidInput([typo[0], other, *typo[1:]])
    assert [group.count for group in error.groups()] == [4, 1]
    assert group_problems(error.problems) == error.groups()
    assert str(error).splitlines() == [
        "5 problems:",
        "  unknown rater 'manger' (4 times):",
        "    $.rows[0]",
        "    $.rows[1]",
        "    $.rows[2]",
        "    and 1 more",
        "  f.yaml:2:7: $.name: wrong type",
    ]
    # The same message about two different values is two mistakes, not one.
    two = [Problem(message="bad", got="1"), Problem(message="bad", got="2")]
    assert len(group_problems(two)) == 2


# Numbers that would cost unbounded time or could not be written back.

HUGE_NUMBERS = [
    '"1e999999999"',
    '"-1e999999999"',
    '"1e-999999999"',
    "1e999999999",
    "1.0e+300",
    '"' + "9" * 200 + '"',
    '"1' + "0" * 40 + '"',
    '"1/' + "3" * 31 + '"',
]


@pytest.mark.parametrize("number", HUGE_NUMBERS)
@pytest.mark.parametrize(
    ("old", "template", "path"),
    [
        ("threshold: 3,", "threshold: {},", "$.policies[0].criteria[0].threshold"),
        (
            "competencies: [craft]}",
            "competencies: [craft], weights: {{craft: {}}}}}",
            "$.policies[0].criteria[0].weights.craft",
        ),
        (
            "{kind: sustained, cycles: 2}",
            "{{kind: scope_evidence, id: big, min_value: {}}}",
            "$.policies[0].criteria[2].min_value",
        ),
    ],
)
def test_a_huge_number_is_refused_at_its_path_before_it_is_built(
    number: str, old: str, template: str, path: str
) -> None:
    problem = quickly(lambda: progression.loads_framework(edit((old, template.format(number)))))
    assert problem.path == path
    assert problem.message.startswith(("number out of range", "not a number")), problem
    assert problem.line is not None


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_a_huge_evidence_value_is_refused_in_a_history(number: str) -> None:
    text = HISTORY + f"    evidence:\n      - {{requirement: big, value: {number}}}\n"
    problem = quickly(lambda: progression.loads_history(text), InvalidHistory)
    assert problem.path == "$.reviews[0].evidence[0].value"
    assert problem.line == 11


def test_the_largest_exact_numbers_load_and_dump() -> None:
    largest = "9" * 30 + "/" + "7" * 30
    text = edit(
        ("competencies: [craft]}", f'competencies: [craft], weights: {{craft: "{largest}"}}}}')
    )
    framework = progression.loads_framework(text)
    for fmt in FORMATS:
        dumped = progression.dump_framework(framework, format=fmt)
        assert progression.loads_framework(dumped, format=fmt) == framework


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_integer_over_30_digits_is_refused_at_its_path(fmt: Any) -> None:
    data = yaml.safe_load(MINIMAL)
    data["job_families"][0]["tracks"][0]["levels"][1]["rank"] = 10**40
    data["metadata"]["serial"] = -(10**30)
    text = progression.dump_framework(progression.loads_framework(MINIMAL), format=fmt)
    if fmt == "json":
        text = json.dumps(data, indent=2)
    elif fmt == "yaml":
        text = yaml.safe_dump(data)
    else:
        text = text.replace("rank = 2\n", f"rank = {10**40}\n").replace(
            "[metadata]\n", f"[metadata]\nserial = {-(10**30)}\n"
        )
    problems = refused(lambda: progression.loads_framework(text, format=fmt))
    assert sorted(p.path for p in problems) == [
        "$.job_families[0].tracks[0].levels[1].rank",
        "$.metadata.serial",
    ]
    assert all("integer out of range" in p.message for p in problems)
    assert all((p.line is None) == (fmt == "toml") for p in problems)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("yaml", edit(("rank: 2,", "rank: " + "9" * 5000 + ","))),
        ("yaml", edit(("rank: 2,", "rank: " + ":".join(["59"] * 2000) + ","))),
        ("json", '{"id": "demo",\n "rank": ' + "9" * 5000 + "}"),
        ("toml", 'id = "demo"\nrank = ' + "9" * 5000 + "\n"),
    ],
    ids=["yaml", "yaml-base-60", "json", "toml"],
)
def test_an_integer_too_long_to_convert_is_malformed_text_with_its_line(
    fmt: Any, text: str
) -> None:
    problem = quickly(lambda: progression.loads_framework(text, format=fmt))
    assert problem.message.startswith(f"malformed {fmt.upper()}: an integer")
    assert problem.path == "$"
    assert problem.line == (17 if fmt == "yaml" else 2)


# Scales.


def test_a_scale_of_a_hundred_million_points_is_one_problem() -> None:
    problem = quickly(
        lambda: progression.loads_framework(edit(("  max: 5\n", "  max: 100000000\n")))
    )
    assert problem.path == "$.scale.max"
    assert "at most 100 points" in problem.message
    assert problem.line == 6
    started = time.process_time()
    with pytest.raises(InvalidFramework) as caught:
        RatingScale(min=-(10**20), max=10**20)
    assert len(caught.value.problems) == 1
    assert time.process_time() - started < 0.1


def test_a_scale_may_have_a_hundred_points_and_no_more() -> None:
    labels = {point: f"point {point}" for point in range(1, 101)}
    assert len(RatingScale(min=1, max=100, labels=labels).points) == 100
    with pytest.raises(InvalidFramework, match="the scale is too long"):
        RatingScale(min=0, max=100, labels={0: "zero", **labels})


# Large JSON documents.


def _team(size: int) -> dict[str, Any]:
    competencies = ("craft", "design", "delivery", "communication", "ownership", "mentoring")
    return {
        "employees": [
            {
                "employee": f"e{number}",
                "family": "eng",
                "track": "ic",
                "levels": [{"level": "IC2", "since": "2024-Q1"}],
                "reviews": [
                    {
                        "cycle": f"{2024 + quarter // 4}-Q{quarter % 4 + 1}",
                        "ratings": [{"competency": c, "score": 3} for c in competencies],
                    }
                    for quarter in range(8)
                ],
            }
            for number in range(size)
        ]
    }


def _fastest(load: Callable[[], object], times: int = 2) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.process_time()
        with contextlib.suppress(InvalidHistory):
            load()
        best = min(best, time.process_time() - started)
    return best


def test_refusing_a_5_mib_json_history_costs_about_what_loading_it_does() -> None:
    team = _team(1000)
    valid = json.dumps(team, indent=2)
    assert len(valid) > 5 * 1024 * 1024
    team["employees"][-1]["reviews"][-1]["ratings"][-1]["score"] = "three"
    invalid = json.dumps(team, indent=2)
    (problem,) = refused(lambda: progression.loads_history(invalid, format="json"), InvalidHistory)
    assert problem.path == "$.employees[999].reviews[7].ratings[5].score"
    assert problem.line == invalid.count("\n") - 6
    loading = _fastest(lambda: progression.loads_history(valid, format="json"))
    refusing = _fastest(lambda: progression.loads_history(invalid, format="json"))
    assert refusing < 5 * loading, (refusing, loading)


def test_json_positions_agree_with_the_yaml_composer() -> None:
    framework = progression.examples.load("engineering")
    data = progression.unstructure(framework)
    paths: list[tuple[Any, ...]] = [("scale", "labels", 3), ("scale", "labels", 9)]

    def walk(value: Any, at: tuple[Any, ...]) -> None:
        paths.extend((at, (*at, "missing"), (*at, 999)))
        if isinstance(value, dict | list):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                walk(item, (*at, key))

    walk(data, ())
    for indent in (2, None):
        text = json.dumps(data, indent=indent, ensure_ascii=False)
        assert _json_marks(text, paths) == _yaml_marks(text, paths)


# Documents whose shapes no hook expected.

ODD_DOCUMENTS = [
    pytest.param(
        MINIMAL.replace("job_families:\n", "job_families:\n  - [1, 2]\n", 1),
        "$.job_families[0]",
        id="list-for-a-family",
    ),
    pytest.param(
        edit(("IC1: {description: Writes tested code, proficiency: 2}", "IC1: [[2]]")),
        "$.job_families[0].tracks[0].competencies[0].levels.IC1",
        id="list-for-an-expectation",
    ),
    pytest.param(
        edit(("- {kind: manager_endorsement}", "- [[kind, manager_endorsement]]")),
        "$.policies[1].criteria[0]",
        id="list-for-a-criterion",
    ),
    pytest.param(
        edit(("  labels: {1: Learning", "  labels: [{1: Learning"), ("5: Expert}", "5: Expert}]")),
        "$.scale.labels",
        id="list-for-labels",
    ),
    pytest.param(
        edit(("  - id: data\n", "  - null: 4\n    id: data\n")),
        "$.job_families[1][null]",
        id="null-key",
    ),
    pytest.param(
        edit(("{1: Learning", "{2.5: Half, 1: Learning")), "$.scale.labels[2.5]", id="float-label"
    ),
    pytest.param(
        edit(("{1: Learning", "{false: No, 1: Learning")),
        "$.scale.labels[false]",
        id="boolean-label",
    ),
    pytest.param(MINIMAL + "? [a]\n: 1\n", "$", id="list-as-key"),
    pytest.param(edit(("owner: Engineering", "? {a: 1}\n  : 2")), "$", id="mapping-as-key"),
    pytest.param(edit(("owner: Engineering", "owner: !!set {a, b}")), "$", id="set"),
    pytest.param(edit(("owner: Engineering", "owner: !!binary aGk=")), "$", id="binary"),
    pytest.param(edit(("owner: Engineering", "owner: !!omap [{a: 1}]")), "$", id="omap"),
]


@pytest.mark.parametrize(("text", "path"), ODD_DOCUMENTS)
def test_an_odd_document_is_a_problem_at_its_path(text: str, path: str) -> None:
    problems = refused(lambda: progression.loads_framework(text, source="odd.yaml"))
    assert path in [p.path for p in problems], problems
    assert all(p.line is not None for p in problems)


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ("employees: 2", "$.employees", "expected a list"),
        ("employees: {e1: x}", "$.employees", "expected a list"),
        ("employees: [[1]]", "$.employees[0]", "expected a mapping"),
        ("[1, 2]", "$[0]", "expected a mapping"),
        ("employees: []\n~: 1", "$[null]", "unknown key null"),
        ('"e1"', "$", "expected a mapping"),
    ],
)
def test_an_odd_history_document_is_a_problem_at_its_path(text: str, path: str, words: str) -> None:
    problems = refused(lambda: progression.loads_history(text), InvalidHistory)
    assert problems[0].path == path
    assert words in problems[0].message


def test_paths_spell_any_key() -> None:
    assert (
        render_path(["a", None, 2.5, True, 3, "b c", b"x"])
        == "$.a[null][2.5][true][3]['b c'][b'x']"
    )


# Text that cannot be written.


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (("name", "\ud800"), "$.name"),
        (("metadata", {"owner\udfff": 1}), "$.metadata['owner\\udfff']"),
        (
            ("metadata", {"owner": ["ok", "\udbff\udfff is a pair, \udbff is not"]}),
            "$.metadata.owner[1]",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_at_its_path(change: tuple[str, Any], path: str) -> None:
    data = yaml.safe_load(MINIMAL)
    data[change[0]] = change[1]
    text = json.dumps(data)  # JSON spells lone surrogates as \\ud800 escapes
    (problem,) = refused(lambda: progression.loads_framework(text, format="json", source="f.json"))
    assert problem.path == path
    assert "lone surrogate" in problem.message
    assert problem.line == 1


def test_a_lone_surrogate_is_refused_in_a_history() -> None:
    text = json.dumps({"employee": "e\udc80", "family": "eng", "track": "ic"})
    (problem,) = refused(lambda: progression.loads_history(text, format="json"), InvalidHistory)
    assert problem.path == "$.employee"


# Whatever loads, dumps and loads back equal.

#: Characters that YAML folds, normalises or cannot write raw, beside ordinary text.
FOLDED = "\x85\u2028\u2029\ufeff\r\n\t \x00\x07\x1b\x7f\x9f\ufffe\uffff\U0010ffff\"'\\:#-?{}"
HOSTILE_TEXT = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(FOLDED), max_size=30)
#: The keys of free text in framework and history documents (ids are checked, not free).
FREE_TEXT = {
    "name",
    "summary",
    "description",
    "scope",
    "autonomy",
    "title",
    "note",
    "requirements",
    "unit",
    "reason",
    "employee",
}


#: Free text that a framework accepts: never blank (required text must say something).
SAID_TEXT = st.builds(lambda head, rest: head + rest, st.sampled_from("aZ9é"), HOSTILE_TEXT)


def _with_text(data: Any, texts: st.DataObject) -> Any:
    """``data`` with every free text drawn anew, hostile characters included."""
    if isinstance(data, dict):
        return {
            key: texts.draw(SAID_TEXT)
            if key in FREE_TEXT and isinstance(value, str)
            else _with_text(value, texts)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_with_text(item, texts) for item in data]
    return data


# Mostly values that load, so that the round trip is what is tested; the refusals of
# out-of-range numbers have tests of their own.
METADATA_LEAVES = (
    HOSTILE_TEXT
    | st.integers(-(10**29), 10**29)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
)
METADATA = st.dictionaries(
    HOSTILE_TEXT,
    st.recursive(
        METADATA_LEAVES,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3)
        ),
        max_leaves=6,
    ),
    max_size=3,
)


def _accepted_framework(text: str) -> Framework | None:
    try:
        return progression.loads_framework(text, format="json")
    except InvalidFramework as exc:
        str(exc).encode("utf-8")
        return None


@given(framework=strategies.frameworks(max_families=1), texts=st.data(), metadata=METADATA)
def test_every_framework_that_loads_dumps_and_loads_back_equal(
    framework: Framework, texts: st.DataObject, metadata: dict[str, Any]
) -> None:
    data = _with_text(progression.unstructure(framework), texts)
    data["metadata"] = metadata
    loaded = _accepted_framework(json.dumps(data))
    if loaded is None:
        return  # refused cleanly: nothing to round-trip, and no filtering to starve on
    for fmt in FORMATS:
        dumped = progression.dump_framework(loaded, format=fmt)
        dumped.encode("utf-8")
        assert progression.loads_framework(dumped, format=fmt) == loaded, (fmt, dumped)


NUMBER_TEXT = st.one_of(
    st.builds(
        lambda sign, whole, part, exponent: f"{sign}{whole}{part}{exponent}",
        st.sampled_from(["", "-", "+"]),
        st.text("0123456789", min_size=1, max_size=40),
        st.sampled_from(["", "."]).flatmap(
            lambda point: st.text("0123456789", max_size=40).map(
                lambda d: point + d if point else ""
            )
        ),
        st.one_of(
            st.just(""),
            st.integers(-120, 120).map(lambda e: f"e{e}"),
            st.integers(-5000, 5000).map(lambda e: f"e{e}"),
        ),
    ),
    st.builds(
        lambda top, bottom: f"{top}/{bottom}",
        st.integers(-(10**35), 10**35),
        st.integers(0, 10**35),
    ),
)
NUMBER = NUMBER_TEXT | st.integers(-(10**35), 10**35) | st.floats()


@given(weight=NUMBER, minimum=NUMBER)
@example(weight="1e4400", minimum=1)  # loaded, then could not be written: 4,401 digits
@example(weight="1/3", minimum="-0.000000000000000000000000000001")
def test_every_number_that_loads_dumps_and_loads_back_equal(weight: Any, minimum: Any) -> None:
    data = yaml.safe_load(MINIMAL)
    criteria = data["policies"][0]["criteria"]
    criteria[0]["weights"] = {"craft": weight}
    criteria.append({"kind": "scope_evidence", "id": "big", "min_value": minimum})
    loaded = _accepted_framework(json.dumps(data))
    if loaded is None:
        return  # refused cleanly: nothing to round-trip, and no filtering to starve on
    for fmt in FORMATS:
        dumped = progression.dump_framework(loaded, format=fmt)
        assert progression.loads_framework(dumped, format=fmt) == loaded, dumped


@functools.cache
def _engineering() -> Framework:
    return progression.examples.load("engineering")


@given(st.data())
def test_every_history_that_loads_dumps_and_loads_back_equal(data: st.DataObject) -> None:
    framework = _engineering()
    histories = data.draw(st.lists(strategies.rating_histories(framework, cycles=4), max_size=2))
    plain = _with_text([progression.unstructure(h) for h in histories], data)
    try:
        loaded = progression.loads_history(json.dumps(plain), format="json")
    except InvalidHistory as exc:
        str(exc).encode("utf-8")
        assume(False)
    for fmt in ("yaml", "json"):
        dumped = dump_history(loaded, format=fmt)
        assert progression.loads_history(dumped, format=fmt) == loaded, dumped
        assert dump_history(progression.loads_history(dumped, format=fmt), format=fmt) == dumped


def _replace(data: Any, path: list[int], value: Any) -> Any:
    """``data`` with the node that ``path`` picks (by position, wrapping) replaced."""
    if not path or not isinstance(data, dict | list) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = _replace(data[key], path[1:], value)
    return copy


ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
    max_leaves=5,
)


@given(path=st.lists(st.integers(0, 50), max_size=8), value=ANY_VALUE)
def test_any_value_anywhere_is_a_framework_or_a_problem(path: list[int], value: Any) -> None:
    data = _replace(yaml.safe_load(MINIMAL), path, value)
    for text, fmt in ((json.dumps(data), "json"), (yaml.safe_dump(data), "yaml")):
        try:
            framework = progression.loads_framework(text, format=fmt)  # type: ignore[arg-type]
        except InvalidFramework as exc:
            problems = exc.problems
            str(exc).encode("utf-8")
        else:
            problems = ()
            for out in FORMATS:
                progression.dump_framework(framework, format=out)
        assert all(p.path.startswith("$") for p in problems)


@given(path=st.lists(st.integers(0, 50), max_size=8), value=ANY_VALUE)
def test_any_value_anywhere_is_a_history_or_a_problem(path: list[int], value: Any) -> None:
    data = _replace({"employees": [yaml.safe_load(HISTORY)]}, path, value)
    try:
        histories = progression.loads_history(json.dumps(data), format="json")
    except InvalidHistory as exc:
        str(exc).encode("utf-8")
    else:
        assert all(isinstance(h, RatingHistory) for h in histories)
        dump_history(histories)


ODD_VALUES = [[[1]], [{}], [], [None], {"a": [1]}, 2.5, None, True, "x", 2, {1: 2}, {None: 1}]


def _every_path(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found.extend(_every_path(item, (*at, key)))
    return found


def _swapped(data: Any, at: tuple[Any, ...], value: Any) -> Any:
    if not at:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[at[0]] = _swapped(data[at[0]], at[1:], value)
    return copy


def _texts(data: Any) -> list[tuple[str, Any]]:
    # JSON keys are strings: a null key needs YAML.
    if "None:" in repr(data) or "1: 2" in repr(data):
        return [(yaml.safe_dump(data), "yaml")]
    return [(json.dumps(data), "json")]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_an_odd_value_at_every_path_of_a_framework_is_a_problem(value: Any) -> None:
    base = yaml.safe_load(MINIMAL)
    for at in _every_path(base):
        for text, fmt in _texts(_swapped(base, at, value)):
            try:
                framework = progression.loads_framework(text, format=fmt)
            except InvalidFramework as exc:
                str(exc).encode("utf-8")
            else:
                for out in FORMATS:
                    progression.dump_framework(framework, format=out)


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_an_odd_value_at_every_path_of_a_history_is_a_problem(value: Any) -> None:
    one = yaml.safe_load(HISTORY + "    evidence:\n      - {requirement: r, value: 2}\n")
    for base in (one, [one], {"employees": [one]}):
        for at in _every_path(base):
            data = _swapped(base, at, value)
            for text, fmt in [*_texts(data), (yaml.safe_dump(data), "yaml")]:
                try:
                    histories = progression.loads_history(text, format=fmt)
                except InvalidHistory as exc:
                    str(exc).encode("utf-8")
                else:
                    dump_history(histories)


def test_structure_turns_any_fault_into_a_problem() -> None:
    # Built directly, not from a document: no bound was checked before.
    with pytest.raises(InvalidFramework) as caught:
        progression.structure({"id": "x", "scale": {"min": 1, "max": 10**6}}, Framework)
    paths = [p.path for p in caught.value.problems]
    assert "$.scale.max" in paths
    with pytest.raises(InvalidHistory):
        progression.structure(7, tuple[RatingHistory, ...], error=InvalidHistory)


def test_metadata_that_cannot_round_trip_is_refused() -> None:
    for value, words in (("1.0e+400", "finite"), (".nan", "finite"), ("null", "null")):
        text = edit(("owner: Engineering", f"owner: {value}"))
        (problem,) = refused(functools.partial(progression.loads_framework, text))
        assert problem.path == "$.metadata.owner"
        assert words in problem.message
    framework = attrs.evolve(progression.loads_framework(MINIMAL), name="a\x85b")
    assert progression.loads_framework(progression.dump_framework(framework)) == framework


SYNTAX = st.sampled_from(
    [
        *"{}[]:,-?!&*|>'\"%@`#\n \t\\0123456789.eE+_~",
        "\x85",
        "\u2028",
        "\ufeff",
        "!!set ",
        "!!binary ",
        "<<: ",
        "&a ",
        "*a",
        "!!int ",
        "!!float ",
        "? ",
        "---\n",
        "\\ud800",
    ]
)


@pytest.mark.parametrize("fmt", FORMATS)
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 5), SYNTAX), max_size=4))
def test_any_edit_of_the_text_is_a_framework_or_a_problem(
    fmt: Any, edits: list[tuple[float, int, str]]
) -> None:
    text = progression.dump_framework(progression.loads_framework(MINIMAL), format=fmt)
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    try:
        framework = progression.loads_framework(text, format=fmt)
    except InvalidFramework as exc:
        str(exc).encode("utf-8")
    else:
        for out in FORMATS:
            assert (
                progression.loads_framework(
                    progression.dump_framework(framework, format=out), format=out
                )
                == framework
            )


@pytest.mark.parametrize(
    ("tag", "said"),
    [
        ('!!int ""', "is not an integer"),
        ("!!int x", "is not an integer"),
        ('!!float ""', "is not a number"),
        ("!!float x", "is not a number"),
        ("!!bool x", "is not true or false"),
    ],
)
def test_an_explicit_tag_on_text_that_is_not_of_its_type_is_malformed_yaml(
    tag: str, said: str
) -> None:
    text = progression.examples.text("engineering").replace("name:", f"name: {tag} #", 1)
    problem = quickly(lambda: progression.loads_framework(text, format="yaml"))
    assert problem.message.startswith("malformed YAML: ")
    assert said in problem.message
    assert problem.line is not None
