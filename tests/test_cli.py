"""The ``progression`` command line: exit codes, output formats and the bundled examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import progression
from progression import examples
from progression.cli import main

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
