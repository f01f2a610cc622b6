"""`progression evaluate`, the history and verdict schemas, and the notebook view."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import progression
from progression import examples
from progression.cli import main

Capture = pytest.CaptureFixture[str]
FRAMEWORK = examples.load("engineering")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    framework = tmp_path / "engineering.yaml"
    framework.write_text(examples.text("engineering"), encoding="utf-8")
    ratings, levels, events = examples.team_files()
    return {"framework": str(framework), "ratings": ratings, "levels": levels, "events": events}


def evaluate_args(files: dict[str, str], *extra: str) -> list[str]:
    return [
        "evaluate",
        files["framework"],
        files["ratings"],
        "--levels",
        files["levels"],
        "--events",
        files["events"],
        *extra,
    ]


def test_the_team_table_lists_every_employee_with_a_status(
    files: dict[str, str], capsys: Capture
) -> None:
    assert main(evaluate_args(files)) == 0
    out = capsys.readouterr().out
    for history in examples.team():
        assert history.employee in out
    assert "40 employees: 10 ready, 28 not ready, 2 with insufficient data" in out
    assert "READY PENDING APPROVAL" in out


def test_json_output_holds_a_verdict_per_employee_that_round_trips(
    files: dict[str, str], capsys: Capture
) -> None:
    assert main(evaluate_args(files, "--format", "json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["verdicts"]) == 40
    assert report["skipped"] == []
    schema = progression.json_schema(progression.Verdict)
    for data in report["verdicts"]:
        jsonschema.validate(data, schema)
        verdict = progression.structure(data, progression.Verdict)
        assert all(r.message for r in verdict.criteria)
    first = report["verdicts"][0]["criteria"][0]
    assert {"code", "outcome", "observed", "required", "cycles", "message"} <= set(first)


def test_a_target_and_an_earlier_cycle_can_be_given(files: dict[str, str], capsys: Capture) -> None:
    assert main(evaluate_args(files, "--target", "M1", "--as-of", "2026-Q2", "--details")) == 0
    out = capsys.readouterr().out
    assert "e18: IC3 -> M1 (crossover), as of 2026-Q2" in out
    # Employees with no route to M1 are reported, not crashed on.
    assert "not evaluated: no route leads from 'IC5' to 'M1'" in out


def test_a_yaml_history_of_one_employee_gets_its_criteria_listed(
    tmp_path: Path, files: dict[str, str], capsys: Capture
) -> None:
    history = next(h for h in examples.team() if h.employee == "e17")
    path = tmp_path / "e17.yaml"
    path.write_text(yaml.safe_dump(progression.unstructure(history)), encoding="utf-8")
    assert main(["evaluate", files["framework"], str(path)]) == 0
    out = capsys.readouterr().out
    assert "e17: IC3 -> IC4 (promotion), as of 2026-Q3: READY" in out
    assert "pass  average_score.met" in out


def test_bad_input_gives_a_message_and_an_exit_code_not_a_traceback(
    tmp_path: Path, files: dict[str, str], capsys: Capture
) -> None:
    assert main(evaluate_args(files, "--as-of", "2026-Q9")) == 2
    assert "--as-of" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("employee: e1\nfamily: engineering\ntrack: ic\nreviews: [{cycle: soon}]\n")
    assert main(["evaluate", files["framework"], str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:4:19: $.reviews[0].cycle: not a review cycle" in err
    assert main(["evaluate", files["framework"], files["ratings"]]) == 2
    assert "need the level assignments too" in capsys.readouterr().err


@pytest.mark.parametrize("shape", ["one", "list", "employees"])
def test_every_history_document_shape_matches_the_history_schema(
    shape: str, capsys: Capture
) -> None:
    assert main(["schema", "history"]) == 0
    schema = json.loads(capsys.readouterr().out)
    histories = [progression.unstructure(h) for h in examples.team()[:3]]
    document = {"one": histories[0], "list": histories, "employees": {"employees": histories}}
    jsonschema.validate(document[shape], schema)
    text = json.dumps(document[shape])
    assert progression.loads_history(text, format="json") == tuple(
        examples.team()[: 1 if shape == "one" else 3]
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"employees": histories, "extra": 1}, schema)


def test_errors_in_an_employees_document_name_the_employee_path() -> None:
    text = "employees:\n  - employee: e1\n    family: engineering\n    track: ic\n    levels: 3\n"
    with pytest.raises(progression.InvalidHistory) as raised:
        progression.loads_history(text, source="team.yaml")
    (problem,) = raised.value.problems
    assert problem.path == "$.employees[0].levels"
    assert (problem.line, problem.column) == (5, 13)


def test_a_verdict_shows_as_an_html_table_in_notebooks() -> None:
    history = next(h for h in examples.team() if h.employee == "e07")
    verdict = progression.evaluate(FRAMEWORK, history)
    html = verdict._repr_html_()
    assert html.startswith("<div>")
    assert html.count("<tr") == len(verdict.criteria) + 1
    assert "<code>average_score.below_threshold</code>" in html
    assert "NOT READY" in html
    assert "What it takes:" in html
    # Text from the framework is escaped, never injected.
    assert "&gt;=" in html or "&gt;" in html


def test_an_unknown_track_is_reported_before_any_target_is_resolved() -> None:
    # With no level held the track is all there is to go on: it must be known first.
    history = progression.RatingHistory(
        employee="x",
        family="engineering",
        track="nope",
        reviews=[progression.Review(cycle=progression.Cycle.parse("2026-Q3"))],
    )
    with pytest.raises(progression.InvalidHistory) as raised:
        progression.evaluate(FRAMEWORK, history, target="IC2")
    (problem,) = raised.value.problems
    assert problem.path == "$.track"
    assert "unknown track 'nope'" in problem.message


def test_a_typo_repeated_over_every_employee_is_one_entry_per_mistake_with_its_count(
    files: dict[str, str], tmp_path: Path, capsys: Capture
) -> None:
    text = Path(files["ratings"]).read_text(encoding="utf-8")
    misspelt = text.replace(",communication,", ",comunication,")
    typos = misspelt.count(",comunication,")
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(misspelt, encoding="utf-8")
    assert main(evaluate_args({**files, "ratings": str(ratings)})) == 1
    out, err = capsys.readouterr()
    assert out == ""
    # Grouped lines are lines, not a newline spelt as an escape.
    assert "\\n" not in err
    heads = [line for line in err.splitlines() if not line.startswith("  ")]
    assert heads
    assert all(h.startswith("unknown competency 'comunication'") for h in heads)
    assert all("(did you mean 'communication'?)" in h for h in heads)
    # Every employee with the typo is counted, not only the first.
    counts = [int(h.split(" (")[-1].split(" times")[0]) for h in heads]
    assert sum(counts) == typos
    assert f"{ratings}:2: $.reviews[0].ratings[0].competency" in err
