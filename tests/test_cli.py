"""The ``progression`` command line: exit codes, output formats and the bundled examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import progression
from progression import cli, examples
from progression._render import json_safe, printable, problems_text
from progression.cli import main
from progression.exceptions import Problem

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(examples.text("people"), encoding="utf-8")
    return path


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    text = examples.text("people")
    for old, new in [
        ("name: People Team Career Framework", "name: 42"),
        ("cadence: half-yearly", "cadence: monthly"),
    ]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def missing_file(tmp_path: Path) -> Path:
    return tmp_path / "missing.yaml"


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_validate_a_valid_file(valid_file: Path, capsys: Capture) -> None:
    assert main(["validate", str(valid_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{valid_file}: valid\n"
    assert err == ""


def test_validate_an_invalid_file_lists_every_problem(invalid_file: Path, capsys: Capture) -> None:
    assert main(["validate", str(invalid_file)]) == 1
    out, _ = capsys.readouterr()
    name_line = line_of(invalid_file, "name: 42")
    cadence_line = line_of(invalid_file, "cadence: monthly")
    assert out.splitlines() == [
        f"{invalid_file}:{name_line}:7: $.name: wrong type: expected a string, got 42",
        f"{invalid_file}:{cadence_line}:10: $.cadence: unknown value:"
        " expected 'quarterly', 'half-yearly' or 'annual', got 'monthly'",
    ]


def test_validate_a_missing_file(missing_file: Path, capsys: Capture) -> None:
    assert main(["validate", str(missing_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"progression: {missing_file}: ")
    assert "No such file" in err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_validate_as_json(
    valid_file: Path, invalid_file: Path, missing_file: Path, capsys: Capture
) -> None:
    files = [valid_file, invalid_file, missing_file]
    assert main(["validate", "--format", "json", *map(str, files)]) == 2
    out, err = capsys.readouterr()
    assert err == ""
    report = json.loads(out)
    assert [entry["file"] for entry in report["files"]] == [str(f) for f in files]
    assert [entry["status"] for entry in report["files"]] == ["valid", "invalid", "unreadable"]
    valid, invalid, unreadable = report["files"]
    assert valid["problems"] == []
    assert [(p["path"], p["line"]) for p in invalid["problems"]] == [
        ("$.name", line_of(invalid_file, "name: 42")),
        ("$.cadence", line_of(invalid_file, "cadence: monthly")),
    ]
    assert "expected a string" in invalid["problems"][0]["message"]
    assert all(p["source"] == str(invalid_file) for p in invalid["problems"])
    assert "No such file" in unreadable["error"]


@pytest.fixture
def files(valid_file: Path, invalid_file: Path, missing_file: Path) -> dict[str, Path]:
    return {"valid": valid_file, "invalid": invalid_file, "missing": missing_file}


@pytest.mark.parametrize(
    ("kinds", "status"),
    [
        pytest.param(["valid", "valid"], 0, id="all-valid"),
        pytest.param(["valid", "invalid"], 1, id="valid-then-invalid"),
        pytest.param(["invalid", "valid"], 1, id="invalid-then-valid"),
        pytest.param(["missing", "invalid"], 2, id="missing-then-invalid"),
        pytest.param(["invalid", "missing", "valid"], 2, id="invalid-missing-valid"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_several_files_exits_with_the_worst_status(
    files: dict[str, Path], kinds: list[str], status: int, fmt: str, capsys: Capture
) -> None:
    paths = [str(files[kind]) for kind in kinds]
    assert main(["validate", "--format", fmt, *paths]) == status
    out, _ = capsys.readouterr()
    if fmt == "json":
        assert [entry["file"] for entry in json.loads(out)["files"]] == paths


def test_schema_is_a_json_schema_the_examples_satisfy(capsys: Capture) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "$defs" in schema
    validator_class: Any = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    for name in examples.names():
        data = yaml.safe_load(examples.text(name))
        assert [e.message for e in validator.iter_errors(data)] == [], name


def test_schema_rejects_an_unknown_key(capsys: Capture) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    data = yaml.safe_load(examples.text("people"))
    data["job_families"][0]["tracks"][0]["levels"][0]["titel"] = "Coordinator"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors
    assert any("titel" in error.message for error in errors)


def test_example_prints_the_bundled_framework(capsys: Capture) -> None:
    assert main(["example", "engineering"]) == 0
    out = capsys.readouterr().out
    assert progression.loads_framework(out) == examples.load("engineering")


def test_demo_evaluates_the_sample_team(capsys: Capture) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    team = examples.team()
    assert f"Sample team of {len(team)}" in out
    for history in team:
        assert history.employee in out
    assert f"{len(team)} employees:" in out
    assert "Crossover candidates:" in out
    assert "what it takes:" in out


def test_summary_of_a_valid_file(valid_file: Path, capsys: Capture) -> None:
    assert main(["summary", str(valid_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("people: People Team Career Framework (version 2026.1,")
    assert "ic track ic: P1 > P2 > P3 > P4 > P5" in out


def test_summary_of_an_invalid_file(invalid_file: Path, capsys: Capture) -> None:
    assert main(["summary", str(invalid_file)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{invalid_file}:{line_of(invalid_file, 'name: 42')}:7: $.name:" in err


def test_summary_of_a_missing_file(missing_file: Path, capsys: Capture) -> None:
    assert main(["summary", str(missing_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"progression: {missing_file}: ")
    assert "Traceback" not in err


# Whatever the files hold: text for people has the data's control characters escaped,
# JSON stays JSON, and nothing ends in a traceback.

# What a terminal acts on: C0 controls but newline, DEL and C1 controls, text
# direction marks and overrides, line separators, and lone surrogates (which no UTF-8
# terminal can even receive).
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
CLEAR_SCREEN = "\x1b[2J"
NAME = f"Evil {CLEAR_SCREEN}\x1b]0;title\x07 \x9b31m name \u202e"
FAMILY = "Fam\x1b[31mily\nforged line"
EMPLOYEE = "e\x1b[31m1\x85"


def assert_safe(text: str) -> None:
    assert UNSAFE.search(text) is None, text
    text.encode("utf-8")  # no lone surrogate left


@pytest.fixture
def nasty_framework(tmp_path: Path) -> Path:
    data = yaml.safe_load(examples.text("people"))
    data["name"] = NAME
    data["job_families"][0]["name"] = FAMILY
    data["metadata"] = {"note\x1b[2J": "\x1b[2J"}
    competency = data["job_families"][0]["tracks"][0]["competencies"][0]
    competency["levels"]["P1"]["description"] = "Is passionate and communicates effectively."
    data["suppress"] = [{"code": "PG102", "reason": f"short {CLEAR_SCREEN}\nforged line"}]
    path = tmp_path / "nasty.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_lone_surrogate_is_refused_with_its_path_and_printed_escaped(
    tmp_path: Path, capsys: Capture
) -> None:
    data = yaml.safe_load(examples.text("people"))
    data["name"] = "Evil \ud800"
    path = tmp_path / "surrogate.json"
    # json.dumps escapes the surrogate as \ud800: valid JSON that Python reads back.
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert_safe(out + err)
    assert "$.name" in out + err


@pytest.fixture
def nasty_history(tmp_path: Path) -> Path:
    history = {
        "employee": EMPLOYEE,
        "family": "people",
        "track": "ic",
        "levels": [{"level": "P1", "since": "2024-H1"}],
        "reviews": [{"cycle": "2024-H1", "ratings": [{"competency": "communication", "score": 3}]}],
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history), encoding="utf-8")
    return path


def test_summary_escapes_control_characters_and_surrogates(
    nasty_framework: Path, capsys: Capture
) -> None:
    assert main(["summary", str(nasty_framework)]) == 0
    out, err = capsys.readouterr()
    assert_safe(out)
    lines = out.splitlines()
    assert lines[0].startswith(r"people: Evil \x1b[2J\x1b]0;title\x07 \x9b31m name \u202e (version")
    assert lines[1] == r"  family people: Fam\x1b[31mily\nforged line"
    assert len(lines) == 4
    assert err == ""


def test_evaluate_escapes_the_employee_in_text_and_keeps_it_in_json(
    nasty_framework: Path, nasty_history: Path, capsys: Capture
) -> None:
    assert main(["evaluate", str(nasty_framework), str(nasty_history)]) == 0
    out, _ = capsys.readouterr()
    assert_safe(out)
    assert out.startswith(r"e\x1b[31m1\x85: P1 -> P2 (promotion)")

    assert main(["evaluate", "--format", "json", str(nasty_framework), str(nasty_history)]) == 0
    out, _ = capsys.readouterr()
    assert_safe(out)
    assert json.loads(out)["verdicts"][0]["employee"] == EMPLOYEE


def test_a_file_name_cannot_forge_lines(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "people\x1b[2J\n.yaml"
    path.write_text(examples.text("people"), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert out == str(path).replace("\x1b", r"\x1b").replace("\n", r"\n") + ": valid\n"

    missing = str(tmp_path / "gone\udcff\x1b.yaml")  # how Python spells non-UTF-8 bytes
    assert main(["validate", missing]) == 2
    _, err = capsys.readouterr()
    assert_safe(err)
    assert len(err.splitlines()) == 1
    assert main(["validate", "--format", "json", missing]) == 2
    out, _ = capsys.readouterr()
    assert_safe(out)
    assert json.loads(out)["files"][0]["file"] == missing


def test_lint_text_keeps_its_colours_and_escapes_the_data(
    nasty_framework: Path, capsys: Capture
) -> None:
    assert main(["lint", "--colour", "always", str(nasty_framework)]) == 0
    out, _ = capsys.readouterr()
    assert set(re.findall("\x1b[^a-zA-Z]*[a-zA-Z]", out)) == {"\x1b[33m", "\x1b[0m"}
    assert_safe(out.replace("\x1b[33m", "").replace("\x1b[0m", ""))
    assert r"short \x1b[2J\nforged line" in out
    assert "PG101" in out

    assert main(["lint", "--colour", "never", str(nasty_framework)]) == 0
    out, _ = capsys.readouterr()
    assert_safe(out)
    assert "forged line" not in out.splitlines()

    for fmt in ("json", "sarif"):
        assert main(["lint", "--format", fmt, str(nasty_framework)]) == 0
        out, _ = capsys.readouterr()
        assert_safe(out)
        json.loads(out)


def test_validate_json_escapes_c1_controls_and_stays_json(tmp_path: Path, capsys: Capture) -> None:
    data = yaml.safe_load(examples.text("people"))
    data["cadence"] = "monthly\x9b\ud800"
    path = tmp_path / "bad\x9b\u2028.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", "--format", "json", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert_safe(out)
    assert "bad\\u009b\\u2028.json" in out
    (entry,) = json.loads(out)["files"]
    assert entry["file"] == str(path)
    assert [problem["path"] for problem in entry["problems"]] == ["$.cadence"]
    assert main(["validate", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert_safe(out)
    assert len(out.splitlines()) == 1


@pytest.fixture
def broken_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> object:
        raise RuntimeError(f"no one saw this coming\n{CLEAR_SCREEN}")

    monkeypatch.setattr(cli, "load_framework", boom)


@pytest.mark.usefixtures("broken_loader")
@pytest.mark.parametrize("debug", [None, "0", ""])
def test_an_unexpected_error_is_one_line_and_exit_2(
    valid_file: Path, debug: str | None, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    if debug is None:
        monkeypatch.delenv("PROGRESSION_DEBUG", raising=False)
    else:
        monkeypatch.setenv("PROGRESSION_DEBUG", debug)
    assert main(["summary", str(valid_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        r"progression: unexpected error (RuntimeError: no one saw this coming\n\x1b[2J);"
        " this is a bug in progression, please report it"
    )
    assert "PROGRESSION_DEBUG=1" in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.usefixtures("broken_loader")
def test_progression_debug_shows_the_traceback(
    valid_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROGRESSION_DEBUG", "1")
    with pytest.raises(RuntimeError, match="no one saw this coming"):
        main(["summary", str(valid_file)])


def test_an_interrupt_exits_130_quietly(
    valid_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    def interrupted(*_: object, **__: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_framework", interrupted)
    monkeypatch.delenv("PROGRESSION_DEBUG", raising=False)
    assert main(["validate", str(valid_file)]) == 130
    assert capsys.readouterr() == ("", "")


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "progression.cli", *args],
        capture_output=True,
        env={**os.environ, **env},
        check=False,
    )


def test_the_command_in_a_process_of_its_own_prints_any_data(
    nasty_framework: Path, nasty_history: Path
) -> None:
    for args in (
        ["summary", str(nasty_framework)],
        ["evaluate", str(nasty_framework), str(nasty_history)],
        ["evaluate", "--format", "json", str(nasty_framework), str(nasty_history)],
        ["lint", "--colour", "always", str(nasty_framework)],
    ):
        done = run_cli(*args)
        assert (done.returncode, done.stderr) == (0, b""), args
        assert_safe(done.stdout.decode("utf-8").replace("\x1b[33m", "").replace("\x1b[0m", ""))


def test_a_terminal_that_cannot_spell_the_data_gets_escapes(tmp_path: Path) -> None:
    data = yaml.safe_load(examples.text("people"))
    data["name"] = "Équipe 日本"
    path = tmp_path / "people.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("summary", str(path), PYTHONIOENCODING="ascii")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"people: \\xc9quipe \\u65e5\\u672c (version")


@pytest.mark.parametrize("args", [["example", "engineering"], ["schema"], ["demo"]])
def test_a_reader_that_goes_away_is_no_error(args: list[str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "progression.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # as `| head` does once it has read enough
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (0, b"")


@given(st.text())
def test_printable_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    single = printable(text)
    assert_safe(single)
    assert "\n" not in single
    assert_safe(printable(text, lines=True))
    assert printable(text, lines=True).count("\n") == text.count("\n")
    if UNSAFE.search(text) is None and "\n" not in text:
        assert single == text  # any script, emoji and joiners included, is kept as it is
    assert printable(single) == single


@given(st.recursive(st.text() | st.integers(), lambda inner: st.lists(inner, max_size=3)))
def test_json_safe_keeps_the_value(value: object) -> None:
    text = json_safe(json.dumps(value, indent=2, ensure_ascii=False))
    assert_safe(text)
    assert json.loads(text) == value


def test_a_repeated_problem_prints_as_lines_and_data_newlines_stay_escaped() -> None:
    problems = [
        Problem(segments=("a", i), message="bad\nvalue", source="f.csv", line=i + 2)
        for i in range(5)
    ]
    assert problems_text(problems).splitlines() == [
        "bad\\nvalue (5 times):",
        "  f.csv:2: $.a[0]",
        "  f.csv:3: $.a[1]",
        "  f.csv:4: $.a[2]",
        "  and 2 more",
    ]
