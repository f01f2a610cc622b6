"""A catalogue of bad framework files and exactly what progression reports for each.

Most cases start from `MINIMAL`, a small valid framework, and make one edit to it, so
each row of the table names one fault, the path it is reported at, the words the
message must contain, and for YAML the line and column. Files that cannot be read at
all (too large, unknown suffix, not UTF-8, missing) come after the table.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import progression
from progression import Format, InvalidFramework, Problem, UnreadableInput

MINIMAL = """\
id: demo
name: Demo
version: "1"
scale:
  min: 1
  max: 5
  labels: {1: Learning, 2: Developing, 3: Proficient, 4: Advanced, 5: Expert}
job_families:
  - id: eng
    name: Engineering
    tracks:
      - id: ic
        name: Individual contributor
        kind: ic
        levels:
          - {id: IC1, name: Engineer, rank: 1, title: Engineer, scope: Tasks, autonomy: Guided}
          - {id: IC2, name: Senior, rank: 2, scope: Features, autonomy: Independent}
          - {id: IC3, name: Staff, rank: 3, scope: Systems, autonomy: Sets direction}
        competencies:
          - id: craft
            name: Craft
            kind: core
            summary: Builds software.
            levels:
              IC1: {description: Writes tested code, proficiency: 2}
              IC2: {description: Designs features, proficiency: 3}
              IC3: {description: Designs systems, proficiency: 4}
      - id: mgmt
        name: Management
        kind: management
        levels:
          - {id: M1, name: Manager, rank: 3, scope: A team, autonomy: Runs the team}
        competencies:
          - id: people
            name: People
            kind: core
            summary: Grows people.
            levels:
              M1: {description: Coaches the team, proficiency: 3}
    crossovers:
      - {from_level: IC3, to_level: M1}
    lateral_paths:
      - {from_level: IC2, to_family: data, to_level: DS1, transferable: [craft]}
  - id: data
    name: Data
    tracks:
      - id: ic
        name: Individual contributor
        kind: ic
        levels:
          - {id: DS1, name: Analyst, rank: 1, scope: Reports, autonomy: Guided}
        competencies:
          - id: analysis
            name: Analysis
            kind: core
            summary: Answers questions with data.
            levels: {DS1: {description: Writes reports, proficiency: 2}}
policies:
  - family: eng
    track: ic
    criteria:
      - {kind: average_score, threshold: 3, competencies: [craft]}
      - {kind: score_floor, floor: 2}
      - {kind: sustained, cycles: 2}
  - family: eng
    from_level: IC3
    to_level: M1
    criteria:
      - {kind: manager_endorsement}
metadata:
  owner: Engineering
"""

SCALE = (
    "scale:\n"
    "  min: 1\n"
    "  max: 5\n"
    "  labels: {1: Learning, 2: Developing, 3: Proficient, 4: Advanced, 5: Expert}\n"
)
M1_LEVEL = (
    "levels:\n"
    "          - {id: M1, name: Manager, rank: 3, scope: A team, autonomy: Runs the team}\n"
)
M1_EXPECTATION = "levels:\n              M1: {description: Coaches the team, proficiency: 3}\n"
CROSSOVER = "    crossovers:\n      - {from_level: IC3, to_level: M1}\n"
IC2_EXPECTATION = "              IC2: {description: Designs features, proficiency: 3}\n"
IC3_EXPECTATION = "              IC3: {description: Designs systems, proficiency: 4}\n"
LATERAL_PATH = (
    "    lateral_paths:\n"
    "      - {from_level: IC2, to_family: data, to_level: DS1, transferable: [craft]}\n"
)
ANALYSIS_LEVELS = "            levels: {DS1: {description: Writes reports, proficiency: 2}}\n"
ANALYSIS_AGAIN = (
    "          - id: analysis\n"
    "            name: Analysis again\n"
    "            kind: functional\n"
    "            summary: Repeats the id.\n"
    "            levels: {DS1: {description: Again, proficiency: 2}}\n"
)
KIND_NAMES = ("'average_score'", "'score_floor'", "'meets_expectations'", "'calibration'")


def edit(*changes: tuple[str, str], text: str = MINIMAL) -> str:
    """``text`` with each ``old`` replaced by ``new``; each ``old`` must occur exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def as_json(text: str) -> str:
    return json.dumps(yaml.safe_load(text), indent=2)


def line_of(text: str, needle: str) -> int:
    """The number of the one line of ``text`` that contains ``needle``."""
    (number,) = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return number


def as_toml(text: str) -> str:
    return progression.dump_framework(progression.loads_framework(text), format="toml")


@dataclass(frozen=True)
class Expected:
    """One problem: its path, words its message contains, and where it is (if checked)."""

    path: str
    words: tuple[str, ...]
    line: int | None = None
    column: int | None = None

    def matches(self, problem: Problem) -> bool:
        message = problem.message.lower()
        return (
            problem.path == self.path
            and all(word.lower() in message for word in self.words)
            and self.line in (None, problem.line)
            and self.column in (None, problem.column)
        )


def at(path: str, *words: str, line: int | None = None, column: int | None = None) -> Expected:
    return Expected(path, words, line, column)


def case(name: str, text: str, *expected: Expected, format: Format = "yaml") -> Any:
    return pytest.param(text, format, expected, id=name)


JSON_NAME_42 = edit(('"name": "Demo"', '"name": 42'), text=as_json(MINIMAL))
JSON_PROFICIENCY_7 = as_json(edit(("proficiency: 4}", "proficiency: 7}")))
FAMILY = "$.job_families[0]"
IC = f"{FAMILY}.tracks[0]"
CRAFT = f"{IC}.competencies[0]"

CASES = [
    # Wrong shapes and types.
    case(
        "string-field-given-a-number",
        edit(("name: Demo", "name: 42")),
        at("$.name", "expected a string", "got 42", line=2, column=7),
    ),
    case(
        "float-where-an-integer-is-required",
        edit(("code, proficiency: 2}", "code, proficiency: 3.7}")),
        at(f"{CRAFT}.levels.IC1.proficiency", "expected an integer", "3.7", line=25, column=67),
    ),
    case(
        "boolean-where-an-integer-is-required",
        edit(("rank: 2,", "rank: true,")),
        at(f"{IC}.levels[1].rank", "expected an integer", "got true", line=17, column=43),
    ),
    case(
        "string-where-a-list-is-required",
        edit((M1_LEVEL, 'levels: "M1"\n')),
        at(f"{FAMILY}.tracks[1].levels", "expected a list", "got 'M1'", line=31, column=17),
    ),
    case(
        "scalar-where-a-mapping-is-required",
        edit((SCALE, "scale: 5\n")),
        at("$.scale", "expected a mapping", "got 5", line=4, column=8),
    ),
    case(
        "missing-required-key",
        edit(("    name: Engineering\n", "")),
        at(f"{FAMILY}.name", "missing required key 'name'", "expected a string", line=9, column=5),
    ),
    case(
        "unknown-key-at-top-level",
        edit(('version: "1"\n', 'version: "1"\ncadense: quarterly\n')),
        at("$.cadense", "unknown key 'cadense'", "did you mean 'cadence'", line=4),
    ),
    case(
        "unknown-key-nested",
        edit(("title: Engineer,", "titel: Engineer,")),
        at(f"{IC}.levels[0].titel", "unknown key 'titel'", "did you mean 'title'", line=16),
    ),
    case(
        "unknown-key-in-a-criterion",
        edit(("{kind: average_score, threshold: 3,", "{kind: average_score, treshold: 3,")),
        at("$.policies[0].criteria[0].threshold", "missing required key 'threshold'", line=62),
        at("$.policies[0].criteria[0].treshold", "did you mean 'threshold'", line=62),
    ),
    case(
        "unknown-criterion-kind",
        edit(("{kind: manager_endorsement}", "{kind: x}")),
        at(
            "$.policies[1].criteria[0].kind",
            "unknown kind 'x', expected one of",
            *KIND_NAMES,
            line=69,
            column=16,
        ),
    ),
    case(
        "criterion-without-kind",
        edit(("{kind: manager_endorsement}", "{cycles: 2}")),
        at("$.policies[1].criteria[0].kind", "missing key 'kind'", *KIND_NAMES, line=69),
    ),
    case(
        "criterion-not-a-mapping",
        edit(("{kind: manager_endorsement}", "calibration")),
        at("$.policies[1].criteria[0]", "a criterion with a kind of", "got 'calibration'", line=69),
    ),
    case(
        "unknown-track-kind",
        edit(("kind: management", "kind: individual")),
        at(
            f"{FAMILY}.tracks[1].kind",
            "unknown value",
            "'ic' or 'management'",
            "got 'individual'",
            line=30,
            column=15,
        ),
    ),
    case(
        "unknown-cadence",
        edit(('version: "1"\n', 'version: "1"\ncadence: monthly\n')),
        at("$.cadence", "'half-yearly' or 'annual'", "got 'monthly'", line=4, column=10),
    ),
    case(
        "threshold-not-a-number",
        edit(("threshold: 3,", "threshold: three,")),
        at("$.policies[0].criteria[0].threshold", "not a number", "'three'", line=62),
    ),
    # Ids and the structure of tracks, families and the scale.
    case(
        "invalid-id-characters",
        edit(("- id: mgmt", '- id: "has space"')),
        at(f"{FAMILY}.tracks[1].id", "invalid id", "'has space'", line=28, column=13),
    ),
    case(
        "duplicate-level-ids",
        edit(("{id: IC3,", "{id: IC2,"), (IC3_EXPECTATION, "")),
        at(f"{IC}.levels[2].id", "duplicate id 'IC2'", "index 1", line=18, column=18),
    ),
    case(
        "duplicate-competency-ids",
        edit((ANALYSIS_LEVELS, ANALYSIS_LEVELS + ANALYSIS_AGAIN)),
        at(
            "$.job_families[1].tracks[0].competencies[1].id",
            "duplicate id 'analysis'",
            "index 0",
            line=58,
        ),
    ),
    case(
        "duplicate-family-ids",
        edit(("  - id: data", "  - id: eng"), (LATERAL_PATH, "")),
        at("$.job_families[1].id", "duplicate id 'eng'", "index 0", line=42, column=9),
    ),
    case(
        "level-ranks-out-of-order",
        edit(("rank: 3, scope: Systems", "rank: 1, scope: Systems")),
        at(f"{IC}.levels[2].rank", "rank order", "a rank above 2", "got 1", line=18),
    ),
    case(
        "track-without-levels",
        edit((M1_LEVEL, "levels: []\n"), (M1_EXPECTATION, "levels: {}\n"), (CROSSOVER, "")),
        at(f"{FAMILY}.tracks[1].levels", "at least one level", line=31, column=9),
    ),
    case(
        "competency-missing-a-level",
        edit((IC2_EXPECTATION, "")),
        at(f"{CRAFT}.levels", "no expectation for level 'IC2'", line=24, column=13),
    ),
    case(
        "expectation-for-a-level-not-on-the-track",
        edit(
            (
                IC3_EXPECTATION,
                IC3_EXPECTATION + "              IC9: {description: x, proficiency: 5}\n",
            )
        ),
        at(
            f"{CRAFT}.levels.IC9",
            "not a level of this track",
            "'IC1', 'IC2' or 'IC3'",
            "'IC9'",
            line=28,
        ),
    ),
    case(
        "proficiency-outside-the-scale",
        edit(("proficiency: 4}", "proficiency: 7}")),
        at(
            f"{CRAFT}.levels.IC3.proficiency",
            "proficiency outside the scale",
            "from 1 to 5",
            "got 7",
            line=27,
            column=64,
        ),
    ),
    case(
        "scale-max-equal-to-min",
        edit(("  min: 1\n  max: 5\n", "  min: 5\n  max: 5\n")),
        at("$.scale.max", "the scale is empty", "more than min 5", "got 5", line=6, column=8),
    ),
    case(
        "scale-max-below-min",
        edit(("  max: 5\n", "  max: 0\n")),
        at("$.scale.max", "the scale is empty", "more than min 1", "got 0", line=6, column=8),
    ),
    case(
        "scale-label-missing-for-a-point",
        edit(("3: Proficient, ", "")),
        at("$.scale.labels", "no label for point 3", line=7, column=3),
    ),
    case(
        "scale-label-key-not-an-integer",
        edit(("{1: Learning", "{one: Learning")),
        at("$.scale.labels.one", "expected an integer", "'one'", line=7),
    ),
    # References between parts of the framework.
    case(
        "crossover-to-a-level-on-an-ic-track",
        edit(("{from_level: IC3, to_level: M1}", "{from_level: IC3, to_level: IC2}")),
        at(
            f"{FAMILY}.crossovers[0].to_level",
            "level 'IC2' is on ic track 'ic'",
            "a level on a management track",
            line=41,
        ),
    ),
    case(
        "crossover-from-an-unknown-level",
        edit(("{from_level: IC3, to_level: M1}", "{from_level: IC4, to_level: M1}")),
        at(f"{FAMILY}.crossovers[0].from_level", "unknown ic level", "got 'IC4'", "'IC3'", line=41),
    ),
    case(
        "lateral-path-to-an-unknown-family",
        edit(("to_family: data,", "to_family: dat,")),
        at(
            f"{FAMILY}.lateral_paths[0].to_family",
            "unknown job family",
            "expected 'data'",
            "got 'dat'",
            line=43,
            column=38,
        ),
    ),
    case(
        "lateral-path-carrying-an-unknown-competency",
        edit(("transferable: [craft]", "transferable: [kraft]")),
        at(
            f"{FAMILY}.lateral_paths[0].transferable[0]",
            "unknown competency on track 'ic'",
            "expected 'craft'",
            "got 'kraft'",
            line=43,
        ),
    ),
    case(
        "policy-for-an-unknown-family",
        edit(("family: eng\n    from_level", "family: sales\n    from_level")),
        at("$.policies[1].family", "unknown job family", "'eng' or 'data'", "'sales'", line=65),
    ),
    case(
        "policy-for-an-unknown-track",
        edit(("track: ic\n    criteria", "track: icc\n    criteria")),
        at(
            "$.policies[0].track",
            "unknown track in family 'eng'",
            "'ic' or 'mgmt'",
            "'icc'",
            line=60,
        ),
    ),
    case(
        "policy-counting-an-unknown-competency",
        edit(("competencies: [craft]}", "competencies: [craf]}")),
        at(
            "$.policies[0].criteria[0].competencies[0]",
            "unknown competency on track 'ic'",
            "expected 'craft'",
            "got 'craf'",
            line=62,
            column=60,
        ),
    ),
    case(
        "policy-for-a-move-no-route-allows",
        edit(("from_level: IC3\n    to_level: M1", "from_level: IC3\n    to_level: IC1")),
        at(
            "$.policies[1].to_level", "no step up the same track leads from 'IC3' to 'IC1'", line=67
        ),
    ),
    case(
        "policy-for-an-unknown-level",
        edit(("from_level: IC3\n", "from_level: IC9\n")),
        at("$.policies[1].from_level", "unknown level in family 'eng'", "'IC9'", line=66),
    ),
    case(
        "duplicate-policy-for-a-track",
        edit(("from_level: IC3\n    to_level: M1\n", "track: ic\n")),
        at("$.policies[1]", "duplicate policy", "policy 0", "same track", line=65, column=5),
    ),
    case(
        "policy-with-track-and-transition",
        edit(("    track: ic\n", "    track: ic\n    from_level: IC1\n    to_level: IC2\n")),
        at("$.policies[0].track", "either track or from_level/to_level", line=60),
    ),
    # Criteria out of range.
    case(
        "threshold-outside-the-scale",
        edit(("threshold: 3,", "threshold: 5.5,")),
        at(
            "$.policies[0].criteria[0].threshold",
            "threshold outside the scale",
            "from 1 to 5",
            "5.5",
            line=62,
            column=42,
        ),
    ),
    case(
        "floor-outside-the-scale",
        edit(("floor: 2}", "floor: 0}")),
        at(
            "$.policies[0].criteria[1].floor",
            "floor outside the scale",
            "from 1 to 5",
            "got 0",
            line=63,
        ),
    ),
    case(
        "floor-above-threshold",
        edit(("floor: 2}", "floor: 4}")),
        at("$.policies[0].criteria[0].threshold", "threshold 3 is below the floor 4", line=62),
    ),
    case(
        "sustained-for-zero-cycles",
        edit(("cycles: 2}", "cycles: 0}")),
        at(
            "$.policies[0].criteria[2].cycles",
            "too few cycles",
            "1 or more",
            "got 0",
            line=64,
            column=35,
        ),
    ),
    case(
        "two-sustained-criteria",
        edit(
            (
                "{kind: sustained, cycles: 2}",
                "{kind: sustained, cycles: 2}\n      - {kind: sustained, cycles: 3}",
            )
        ),
        at("$.policies[0].criteria[3]", "more than one 'sustained' criterion", line=65),
    ),
    case(
        "threshold-too-large-to-hold",
        edit(("threshold: 3,", 'threshold: "1e999999999",')),
        at(
            "$.policies[0].criteria[0].threshold",
            "number out of range",
            "exponent from -100 to 100",
            line=62,
            column=42,
        ),
    ),
    case(
        "weight-too-precise-to-hold",
        edit(("competencies: [craft]}", 'competencies: [craft], weights: {craft: "1e-31"}}')),
        at(
            "$.policies[0].criteria[0].weights.craft",
            "number out of range",
            "at most 30 digits",
            line=62,
        ),
    ),
    case(
        "integer-too-large-to-hold",
        edit(("rank: 2,", "rank: 1000000000000000000000000000000,")),
        at(
            f"{IC}.levels[1].rank",
            "integer out of range",
            "at most 30 digits",
            line=17,
            column=43,
        ),
    ),
    case(
        "scale-too-long",
        edit(("  max: 5\n", "  max: 100000000\n")),
        at("$.scale.max", "the scale is too long", "at most 100 points", line=6, column=8),
    ),
    # Metadata.
    case(
        "metadata-with-null",
        edit(("owner: Engineering", "owner: null")),
        at("$.metadata.owner", "unsupported metadata value", "null", line=71, column=10),
    ),
    case(
        "metadata-with-nan",
        edit(("owner: Engineering", "owner: .nan")),
        at("$.metadata.owner", "must be finite", line=71),
    ),
    # Text that is not a framework document at all.
    case(
        "malformed-yaml",
        edit(("name: Demo", "name: [Demo")),
        at("$", "malformed YAML", line=3, column=8),
    ),
    case(
        "malformed-yaml-tab-indent",
        edit(("\n    name: Engineering", "\n\tname: Engineering")),
        at("$", "malformed YAML", "'\\t'", line=10, column=1),
    ),
    case(
        "malformed-json",
        '{\n  "id": "demo",\n  "name": "Demo",\n}\n',
        at("$", "malformed JSON", "double quotes", line=4, column=1),
        format="json",
    ),
    case(
        "malformed-toml",
        'id = "demo"\nname = \nversion = "1"\n',
        at("$", "malformed TOML", "invalid value", line=2, column=8),
        format="toml",
    ),
    case(
        "duplicate-key-in-yaml",
        edit(("name: Demo\n", "name: Demo\nname: Again\n")),
        at("$", "malformed YAML", "duplicate key 'name'", line=3, column=1),
    ),
    case(
        "duplicate-key-in-json",
        '{\n  "id": "demo",\n  "id": "again"\n}\n',
        at("$", "malformed JSON", "duplicate key 'id'"),
        format="json",
    ),
    case(
        "list-as-a-yaml-key",
        edit(("name: Demo\n", "name: Demo\n? [a, b]\n: 1\n")),
        at("$", "malformed YAML", "a list cannot be a key", line=3, column=3),
    ),
    case(
        "yaml-set",
        edit(("owner: Engineering", "owner: !!set {a}")),
        at("$", "malformed YAML", "tag:yaml.org,2002:set", line=71, column=10),
    ),
    case(
        "lone-surrogate-in-json",
        '{\n  "id": "demo",\n  "name": "\\ud800"\n}\n',
        at("$.name", "lone surrogate", line=3, column=11),
        format="json",
    ),
    case(
        "several-yaml-documents",
        MINIMAL + "---\n" + MINIMAL,
        at("$", "malformed YAML", "single document", line=72, column=1),
    ),
    case(
        "python-tag-in-yaml",
        edit(("name: Demo", "name: !!python/object:os.system Demo")),
        at("$", "malformed YAML", "python/object", line=2, column=7),
    ),
    case("empty-file", "", at("$", "the document is empty", "Framework")),
    case(
        "only-whitespace-and-comments",
        "\n   \n# a framework will go here\n\n",
        at("$", "the document is empty", "Framework"),
    ),
    case(
        "top-level-list",
        "- id: demo\n- name: Demo\n",
        at("$", "expected a mapping", "got [", line=1, column=1),
    ),
    case(
        "top-level-list-in-json",
        '[{"id": "demo"}]',
        at("$", "expected a mapping", "got [", line=1, column=1),
        format="json",
    ),
    # The same faults found in JSON (with lines) and TOML.
    case(
        "json-string-field-given-a-number",
        JSON_NAME_42,
        at("$.name", "expected a string", "got 42", line=line_of(JSON_NAME_42, '"name": 42')),
        format="json",
    ),
    case(
        "json-proficiency-outside-the-scale",
        JSON_PROFICIENCY_7,
        at(
            f"{CRAFT}.levels.IC3.proficiency",
            "proficiency outside the scale",
            "got 7",
            line=line_of(JSON_PROFICIENCY_7, '"proficiency": 7'),
        ),
        format="json",
    ),
    case(
        "toml-string-field-given-a-number",
        as_toml(MINIMAL).replace('name = "Demo"', "name = 42"),
        at("$.name", "expected a string", "got 42"),
        format="toml",
    ),
]


def test_the_minimal_framework_is_valid() -> None:
    framework = progression.loads_framework(MINIMAL)
    assert [family.id for family in framework.job_families] == ["eng", "data"]
    assert progression.loads_framework(as_json(MINIMAL), format="json") == framework
    assert progression.loads_framework(as_toml(MINIMAL), format="toml") == framework


@pytest.mark.parametrize(("text", "format", "expected"), CASES)
def test_bad_file(text: str, format: Format, expected: tuple[Expected, ...]) -> None:
    source = f"bad.{format}"
    with pytest.raises(InvalidFramework) as caught:
        progression.loads_framework(text, format=format, source=source)
    problems = caught.value.problems
    report = "\n".join(f"{p} (line {p.line}, column {p.column})" for p in problems)
    assert sorted(p.path for p in problems) == sorted(e.path for e in expected), report
    for want in expected:
        assert any(want.matches(p) for p in problems), f"no problem like {want}:\n{report}"
    assert all(p.source == source for p in problems)


def test_every_fault_of_a_file_is_reported_at_once() -> None:
    text = edit(
        ("name: Demo", "name: 42"),
        ("rank: 2,", "rank: two,"),
        ("title: Engineer,", "titel: Engineer,"),
        ("kind: management", "kind: individual"),
        ("{kind: sustained, cycles: 2}", "{kind: sustained}"),
    )
    with pytest.raises(InvalidFramework) as caught:
        progression.loads_framework(text, source="bad.yaml")
    assert sorted(p.path for p in caught.value.problems) == [
        "$.job_families[0].tracks[0].levels[0].titel",
        "$.job_families[0].tracks[0].levels[1].rank",
        "$.job_families[0].tracks[1].kind",
        "$.name",
        "$.policies[0].criteria[2].cycles",
    ]
    assert all(p.line is not None for p in caught.value.problems)
    assert str(caught.value).startswith("5 problems:\n")


# Files that cannot be read at all.


def test_a_50_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.write(MINIMAL.encode())
        file.write(b"#" + b"x" * (50 * 1024 * 1024) + b"\n")
    started = time.process_time()
    with pytest.raises(UnreadableInput) as caught:
        progression.load_framework(path)
    assert time.process_time() - started < 1.0
    message = str(caught.value)
    assert str(path) in message
    assert "50.0 MiB" in message
    assert "over the limit of 16 MiB" in message


def test_over_long_text_is_refused_before_parsing() -> None:
    text = MINIMAL + "#" + "x" * (20 * 1024 * 1024) + "\n"
    started = time.process_time()
    with pytest.raises(UnreadableInput, match="over the limit"):
        progression.loads_framework(text, source="huge.yaml")
    assert time.process_time() - started < 1.0


UNREADABLE = [
    pytest.param("framework.txt", MINIMAL.encode(), ("suffix '.txt'", ".yaml", ".json"), id="txt"),
    pytest.param("framework", MINIMAL.encode(), ("suffix ''", ".toml"), id="no-suffix"),
    pytest.param(
        "latin-1.yaml",
        MINIMAL.replace("Demo", "Démo").encode("latin-1"),
        ("not UTF-8",),
        id="not-utf-8",
    ),
    pytest.param("missing.yaml", None, ("No such file",), id="missing-file"),
]


@pytest.mark.parametrize(("name", "content", "words"), UNREADABLE)
def test_unreadable_file(
    tmp_path: Path, name: str, content: bytes | None, words: tuple[str, ...]
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableInput) as caught:
        progression.load_framework(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.mkdir()
    with pytest.raises(UnreadableInput, match=r"framework\.yaml: "):
        progression.load_framework(path)
