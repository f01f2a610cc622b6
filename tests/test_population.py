"""The population engine's inputs, errors and results, on small hand-made companies."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from progression import (
    Cycle,
    EvaluationError,
    InvalidHistory,
    Rater,
    UnreadableInput,
    evaluate,
    examples,
)
from progression.population import (
    Population,
    PopulationVerdicts,
    evaluate_partition,
    evaluate_population,
)
from progression.population._evaluate import CRITERIA_SCHEMA, ERRORS_SCHEMA, VERDICTS_SCHEMA

FRAMEWORK = examples.load("engineering")
SUFFIXES = ("", "_numerator", "_denominator", "_value")

LEVELS = """\
employee_id,family,track,level,since
ann,engineering,ic,IC2,2025-Q1
bob,engineering,ic,IC9,2025-Q1
cat,engineering,ic,IC2,2025-Q1
dan,engineering,ic,IC7,2025-Q1
eve,nowhere,ic,IC2,2025-Q1
"""
RATINGS = """\
employee_id,cycle,competency,score
ann,2025-Q1,communication,4
ann,2025-Q1,ownership,4
cat,2025-Q1,communication,4
cat,2025-Q1,ownership,9
cat,2025-Q2,kindness,3
fay,2025-Q1,communication,3
ann,2025-Q2,communication,not-a-score
"""
EVENTS = """\
employee_id,cycle,event,requirement,value,note
ann,2025-Q1,endorsement,,,
ann,2025-Q1,evidence,design-doc,lots,
"""


def write(
    folder: Path, ratings: str = RATINGS, levels: str = LEVELS, events: str = EVENTS
) -> tuple[str, str, str]:
    paths = (folder / "ratings.csv", folder / "levels.csv", folder / "events.csv")
    for path, text in zip(paths, (ratings, levels, events), strict=True):
        path.write_text(text, encoding="utf-8")
    return str(paths[0]), str(paths[1]), str(paths[2])


def errors_of(result: PopulationVerdicts, employee: str) -> list[dict[str, Any]]:
    return [row for row in result.errors.to_pylist() if row["employee_id"] == employee]


def test_bad_rows_and_bad_histories_are_reported_not_dropped(tmp_path: Path) -> None:
    ratings, levels, events = write(tmp_path)
    result = evaluate_population(FRAMEWORK, Population.read(ratings, levels, events))
    verdicts = {row["employee_id"]: row for row in result.verdicts.to_pylist()}
    assert list(verdicts) == ["ann", "bob", "cat", "dan", "eve", "fay"]
    # A row refused while loading: the line of the file, and the CSV loader's words.
    ann = errors_of(result, "ann")
    assert {(e["code"], e["source"], e["line"], e["row"]) for e in ann} == {
        ("invalid_row", ratings, 8, 6),
        ("invalid_row", events, 3, 1),
    }
    assert any("not a whole number" in e["message"] for e in ann)
    assert any("not a number" in e["message"] for e in ann)
    assert verdicts["ann"]["status"] is None
    assert verdicts["ann"]["errors"] == 2
    # The framework refuses a history: the single evaluator's own problems.
    cat = errors_of(result, "cat")
    assert {e["code"] for e in cat} == {"invalid_history"}
    messages = sorted(e["message"] for e in cat)
    assert any("score 9 for 'ownership' is outside the scale 1..5" in m for m in messages)
    assert any("unknown competency 'kindness'" in m for m in messages)
    # The line of each bad rating, from the file.
    assert {e["line"] for e in cat} == {5, 6}
    bob = errors_of(result, "bob")
    assert [e["code"] for e in bob] == ["invalid_history"]
    assert "unknown level 'IC9'" in bob[0]["message"]
    assert bob[0]["line"] == 3
    # Evaluation errors: the single evaluator's code and message.
    dan = errors_of(result, "dan")
    assert [e["code"] for e in dan] == ["no_next_level"]
    assert "the top of its track" in dan[0]["message"]
    eve = errors_of(result, "eve")
    assert "unknown job family 'nowhere'" in eve[0]["message"]
    fay = errors_of(result, "fay")
    assert fay[0]["message"].startswith("employee 'fay' has no row in")
    assert fay[0]["line"] == 7
    # Every employee counts in the summary, errors too.
    summary = result.summary.to_pylist()
    assert sum(row["employees"] for row in summary) == 6
    assert sum(row["errors"] for row in summary) == 6


def test_a_line_of_the_wrong_cells_is_reported_and_the_lines_after_it_still_named(
    tmp_path: Path,
) -> None:
    ratings = (
        "employee_id,cycle,competency,score\n"
        "ann,2025-Q1,communication,4\n"
        "ann,2025-Q1\n"  # line 3: too few cells
        "cat,2025-Q1,communication,4\n"
        "cat,2025-Q1,ownership,4,extra,cells\n"  # line 5: too many
        "cat,2025-Q1,delivery,9\n"  # line 6: off the scale, row 2 of the table
        "zed,2025-Q1\n"  # line 7: nobody known
    )
    paths = write(tmp_path, ratings=ratings)
    result = evaluate_population(FRAMEWORK, Population.read(*paths))
    found = {(e["employee_id"], e["line"], e["row"], e["code"]) for e in result.errors.to_pylist()}
    assert {
        ("ann", 3, None, "invalid_row"),
        ("cat", 5, None, "invalid_row"),
        (None, 7, None, "invalid_row"),
    } <= found
    message = errors_of(result, "ann")[0]["message"]
    assert message == "2 cells in a row of 4 columns: expected 4 cells"  # as `evaluate` says
    # The rows after a refused line keep their lines; their employee stays in error.
    assert ("cat", 6, 2, "invalid_history") not in found  # cat was refused while loading
    verdicts = {row["employee_id"]: row for row in result.verdicts.to_pylist()}
    assert verdicts["ann"]["status"] is None
    assert verdicts["ann"]["errors"] >= 1
    # Everyone else is evaluated.
    assert verdicts["dan"]["errors"] == 1  # the top of the track, as without the lines

    # A history the framework refuses after a refused line: its line, not its row's + 2.
    ratings = (
        "employee_id,cycle,competency,score\nann,2025-Q1\nbob,2025-Q1\ncat,2025-Q1,delivery,9\n"
    )
    result = evaluate_population(FRAMEWORK, Population.read(*write(tmp_path, ratings=ratings)))
    cat = errors_of(result, "cat")
    assert [(e["line"], e["row"]) for e in cat] == [(4, 0)]
    assert "score 9 for 'delivery'" in cat[0]["message"]


def test_a_file_that_does_not_fit_its_header_or_utf8_is_unreadable(tmp_path: Path) -> None:
    ratings = "employee_id,cycle,competency\nann,2025-Q1,communication,4\n"
    with pytest.raises(UnreadableInput, match=r"line 2: 4 cells where the header has 3"):
        Population.read(*write(tmp_path, ratings=ratings))
    paths = write(tmp_path)
    Path(paths[0]).write_bytes(RATINGS.replace("fay", "f\xe9y").encode("latin-1"))
    with pytest.raises(UnreadableInput, match=r"ratings.csv: line 7: byte 0xe9 at column 2"):
        Population.read(*paths)


def test_strict_raises_every_problem_at_once(tmp_path: Path) -> None:
    population = Population.read(*write(tmp_path))
    with pytest.raises(InvalidHistory) as raised:
        evaluate_population(FRAMEWORK, population, strict=True)
    quiet = evaluate_population(FRAMEWORK, population)
    assert len(raised.value.problems) == quiet.errors.num_rows
    assert "the top of its track" in str(raised.value)


def test_the_errors_match_the_single_evaluator_on_each_history() -> None:
    histories = examples.team()
    broken = [
        *histories[:3],
        histories[3].__class__(
            employee="zed",
            family="engineering",
            track="no-such-track",
            levels=histories[3].levels,
            reviews=histories[3].reviews,
        ),
    ]
    result = evaluate_population(FRAMEWORK, Population.from_histories(broken))
    with pytest.raises(InvalidHistory) as raised:
        evaluate(FRAMEWORK, broken[-1])
    assert [e["message"] for e in errors_of(result, "zed")] == [
        p.message for p in raised.value.problems
    ]


def test_a_target_and_an_as_of_for_everyone() -> None:
    histories = examples.team()
    population = Population.from_histories(histories)
    result = evaluate_population(FRAMEWORK, population, target="IC5", as_of="2026-Q2")
    for history, row in zip(histories, result.verdicts.to_pylist(), strict=True):
        try:
            verdict = evaluate(FRAMEWORK, history, target="IC5", as_of="2026-Q2")
        except EvaluationError as exc:
            code = exc.code
        else:
            assert row["status"] == verdict.status.value
            assert row["as_of"] == "2026-Q2"
            continue
        assert [e["code"] for e in errors_of(result, history.employee)] == [code]
        assert row["as_of"] == "2026-Q2"
    with pytest.raises(EvaluationError) as raised:
        evaluate_population(FRAMEWORK, population, as_of="2026-H1")
    assert raised.value.code == "bad_cycle"


def test_the_results_as_pandas_polars_html_and_single_verdicts() -> None:
    histories = examples.team()
    result = evaluate_population(FRAMEWORK, Population.from_histories(histories))
    frame = result.to_pandas()
    assert list(frame["employee_id"]) == [h.employee for h in histories]
    assert len(result.to_pandas("criteria")) == result.criteria.num_rows
    assert result.to_polars("summary").height == result.summary.num_rows
    with pytest.raises(ValueError, match="no table"):
        result.to_pandas("nope")
    assert "employees" in result._repr_html_()
    first = histories[0]
    assert result.verdict(first.employee) == evaluate(FRAMEWORK, first)
    with pytest.raises(KeyError, match="no employee 'nobody' in the population"):
        result.verdict("nobody")
    with pytest.raises(KeyError, match=f"did you mean {first.employee!r}"):
        result.verdict(first.employee + "x")
    assert len(result) == len(histories)


def test_a_mistyped_id_in_a_large_population_is_matched_among_its_neighbours() -> None:
    result = evaluate_population(FRAMEWORK, Population.from_tables(*examples.population(25_000)))
    with pytest.raises(KeyError, match="did you mean 'e12345'"):
        result.verdict("e12345x")


def test_the_forms_of_a_value_share_one_index_and_frames_get_plain_numbers() -> None:
    result = evaluate_population(FRAMEWORK, Population.from_tables(*examples.population(200)))
    criteria = result.criteria
    for prefix in ("observed", "required"):
        forms = [criteria[f"{prefix}{s}"].chunk(0) for s in SUFFIXES]
        # One buffer of indices behind the text, exact and float forms of the value.
        assert len({f.indices.buffers()[1].address for f in forms}) == 1, prefix
    frame = result.to_pandas("criteria")
    assert frame["observed_numerator"].dtype.kind in "if"
    assert frame["observed_value"].dtype == np.float64
    assert str(frame["code"].dtype) == "category"
    rows = criteria.to_pylist()
    assert [None if pd.isna(v) else v for v in frame["observed_value"].tolist()] == [
        r["observed_value"] for r in rows
    ]
    numerators = frame["observed_numerator"].astype("Int64").tolist()
    assert [None if n is pd.NA else n for n in numerators] == [
        r["observed_numerator"] for r in rows
    ]
    assert result.to_polars("criteria")["observed_numerator"].to_list() == [
        r["observed_numerator"] for r in rows
    ]


def test_tables_from_pandas_polars_and_parquet_agree(tmp_path: Path) -> None:
    ratings, levels, events = examples.population(300, seed=3)
    base = evaluate_population(FRAMEWORK, Population.from_tables(ratings, levels, events))
    as_pandas = Population.from_tables(ratings.to_pandas(), levels.to_pandas(), events.to_pandas())
    import polars

    as_polars = Population.from_tables(
        polars.from_arrow(ratings), polars.from_arrow(levels), polars.from_arrow(events)
    )
    paths = []
    for name, table in zip(("r", "l", "e"), (ratings, levels, events), strict=True):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    as_parquet = Population.read(*paths)
    for population in (as_pandas, as_polars, as_parquet):
        again = evaluate_population(FRAMEWORK, population)
        assert again.verdicts.to_pylist() == base.verdicts.to_pylist()
        assert again.criteria.to_pylist() == base.criteria.to_pylist()
    assert base.errors.num_rows == 0


def test_the_partition_function_keeps_its_schema_when_empty() -> None:
    ratings, levels, events = examples.population(40, seed=5)
    verdicts, criteria, errors = evaluate_partition(FRAMEWORK, ratings, levels, events)
    assert verdicts.schema == VERDICTS_SCHEMA
    assert criteria.schema == CRITERIA_SCHEMA
    assert errors.schema == ERRORS_SCHEMA
    assert verdicts.num_rows == 40
    empty = evaluate_partition(
        FRAMEWORK, ratings.slice(0, 0), levels.slice(0, 0), events.slice(0, 0)
    )
    assert [t.schema for t in empty] == [VERDICTS_SCHEMA, CRITERIA_SCHEMA, ERRORS_SCHEMA]
    assert [t.num_rows for t in empty] == [0, 0, 0]


def test_a_missing_column_is_refused() -> None:
    levels = pa.table({"employee_id": ["a"], "family": ["engineering"]})
    ratings = pa.table(
        {n: pa.array([], pa.string()) for n in ("employee_id", "cycle", "competency", "score")}
    )
    with pytest.raises(InvalidHistory, match="missing column 'track'"):
        Population.from_tables(ratings, levels)


def test_importing_progression_imports_neither_numpy_nor_pyarrow() -> None:
    code = "import sys, progression; print('numpy' in sys.modules, 'pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_without_the_extra_the_import_names_it() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["pyarrow"] = None
        try:
            import progression.population
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'progression[population]'" in out.stdout


def test_the_population_round_trips_through_its_tables() -> None:
    histories = examples.team()
    population = Population.from_histories(histories)
    again = Population.from_tables(*population.to_tables())
    assert list(again.histories()) == list(population.histories())
    assert [h.employee for h in population.histories()] == [h.employee for h in histories]
    assert population.nbytes > 0
    assert "40 employees" in repr(population)


def test_a_bad_rating_in_shuffled_rows_is_found_on_its_own_row() -> None:
    ratings, levels, events = examples.population(200, seed=7)
    ratings = ratings.drop_columns(["rater_id"]).take(
        pa.array(np.random.default_rng(7).permutation(ratings.num_rows))
    )
    scores = ratings.column("score").to_numpy().copy()
    scores[123] = 9
    ratings = ratings.set_column(
        ratings.schema.get_field_index("score"), "score", pa.array(scores, pa.int8())
    )
    population = Population.from_tables(ratings, levels, events)
    assert population._rating_rows_sorted  # every row's number kept
    result = evaluate_population(FRAMEWORK, population)
    employee = ratings.column("employee_id")[123].as_py()
    (error,) = errors_of(result, employee)
    assert error["row"] == 123
    assert error["line"] is None
    assert error["source"] == "ratings"
    assert "score 9 for" in error["message"]
    assert result.errors.num_rows == 1


def test_sorted_exports_keep_one_row_number_per_employee() -> None:
    ratings, levels, events = examples.population(300, seed=2)
    population = Population.from_tables(ratings, levels, events)
    assert not population._rating_rows_sorted
    assert len(population._rating_rows) == len(population)
    # Each history's ratings carry their rows, in the order the rows came in.
    history = population.history(5)
    lines = [
        r.origin.line
        for review in history.reviews
        for r in review.ratings
        if r.origin and r.origin.line
    ]
    assert lines == sorted(lines)
    employee = history.employee
    rows = [i for i, e in enumerate(ratings.column("employee_id").to_pylist()) if e == employee]
    assert [line - 2 for line in lines] == rows


def test_rater_ids_and_a_role_few_are_rated_by() -> None:
    ratings, levels, events = examples.population(300, seed=4)
    population = Population.from_tables(ratings, levels, events)
    assert len(population._rated(Rater.MANAGER)) > len(population) * 3 // 4
    assert 0 < len(population._rated(Rater.SELF)) < len(population) // 2
    ids = population._rater_id_cube(Rater.MANAGER)
    table = ratings.to_pylist()
    names = population._rater_names.to_pylist()
    cycles = {c: i for i, c in enumerate(sorted({r["cycle"] for r in table}))}
    where = {c: k for k, c in enumerate(population._competencies)}
    codes = {e: i for i, e in enumerate(population.employees.to_pylist())}
    for row in table[:500]:
        if row["rater"] != "manager":
            continue
        cell = ids[codes[row["employee_id"]], cycles[row["cycle"]], where[row["competency"]]]
        assert names[cell] == row["rater_id"]
    assert (ids >= 0).sum() == sum(r["rater"] == "manager" for r in table)


def test_scores_are_held_in_blocks_of_a_track_s_competencies() -> None:
    ratings, levels, events = examples.population(400, seed=5)
    population = Population.from_tables(ratings, levels, events)
    k_count = len(population._competencies)
    everyone = np.arange(len(population))
    for rater, blocks in population._scores.items():
        # Each track's block holds fewer competencies than the company rates.
        assert min(len(c) for c in blocks.competencies) < k_count
        cube = population._cube(rater, everyone)
        assert cube.shape == (len(population), population._cycles, k_count)
        assert cube.dtype == np.int8
        # Any competencies, in any order, are the cube's columns.
        some = [k_count - 1, 0, 3]
        assert np.array_equal(population._cube(rater, everyone[5:50], some), cube[5:50][:, :, some])
        rated = population._rated(rater)
        assert (cube[rated] != population._unrated).any(axis=(1, 2)).all()
        others = np.setdiff1d(everyone, rated)
        assert (cube[others] == population._unrated).all()
    # Every rating row is in a block.
    total = sum(
        int((population._cube(r, everyone) != population._unrated).sum())
        for r in population._scores
    )
    assert total == ratings.num_rows


@pytest.mark.parametrize(
    ("low", "span", "packed"), [(1, 15, True), (-3, 16, False), (0, 300, False)]
)
def test_scores_two_to_a_byte_when_they_span_at_most_fifteen_values(
    low: int, span: int, packed: bool
) -> None:
    ratings, levels, events = examples.population(60, seed=3)
    count = ratings.num_rows
    scores = low + np.arange(count) % span
    ratings = ratings.set_column(
        ratings.schema.get_field_index("score"), "score", pa.array(scores, pa.int64())
    )
    population = Population.from_tables(ratings, levels, events)
    assert all((b.pairs is not None) == packed for b in population._scores.values())
    assert population.to_tables()[0].column("score").to_pylist() == scores.tolist()


def test_the_level_of_every_employee_at_a_cycle() -> None:
    histories = examples.team()
    population = Population.from_histories(histories)
    for cycle in ("2024-Q1", "2025-Q3", "2026-Q3", None):
        ordinal = None if cycle is None else Cycle.parse(cycle).ordinal
        codes = population._levels_at(ordinal)
        for history, code in zip(histories, codes, strict=True):
            at = (
                history.level_at(Cycle.parse(cycle))
                if cycle
                else max(history.levels, key=lambda a: a.since)
            )
            expected = None if at is None else at.level
            assert (population._levels[code] if code >= 0 else None) == expected


def test_a_policy_without_criteria_gives_ready_verdicts_and_no_criteria_rows() -> None:
    # Every policy emptied: the columnar executor must not need a criterion to stack.
    empty = attrs.evolve(
        FRAMEWORK, policies=[attrs.evolve(p, criteria=[], drop=[]) for p in FRAMEWORK.policies]
    )
    histories = examples.team()
    result = evaluate_population(empty, Population.from_histories(histories))
    assert result.criteria.num_rows == 0
    for history, row in zip(histories, result.verdicts.to_pylist(), strict=True):
        try:
            verdict = evaluate(empty, history)
        except EvaluationError as exc:
            code = exc.code
        else:
            assert row["status"] == verdict.status.value == "ready"
            assert row["ready_since"] == str(verdict.ready_since)
            continue
        assert [e["code"] for e in errors_of(result, history.employee)] == [code]


def test_cycles_outside_the_years_a_history_may_name_are_row_errors() -> None:
    # As the history loaders refuse them: every cycle a verdict names must read back.
    levels = pa.table(
        {
            "employee_id": ["a", "b"],
            "family": ["engineering"] * 2,
            "track": ["ic"] * 2,
            "level": ["IC2"] * 2,
            "since": ["0005-Q1", "2025-Q1"],
        }
    )
    ratings = pa.table(
        {
            "employee_id": ["b", "b"],
            "cycle": ["2025-Q1", "9950-Q1"],
            "competency": ["communication", "ownership"],
            "score": [3, 3],
        }
    )
    result = evaluate_population(FRAMEWORK, Population.from_tables(ratings, levels))
    found = {(e["employee_id"], e["path"]): e for e in result.errors.to_pylist()}
    assert set(found) == {("a", "$[0].since"), ("b", "$[1].cycle")}
    assert all(e["expected"] == "a cycle in the years 1000 to 9899" for e in found.values())
    with pytest.raises(EvaluationError) as raised:
        evaluate_population(FRAMEWORK, Population.from_tables(ratings, levels), as_of="9990-Q1")
    assert raised.value.code == "bad_cycle"


@pytest.mark.parametrize("target", [None, "IC3", "engineering/IC2", "engineering/M1"])
def test_a_history_without_a_level_is_reported_as_the_single_evaluator_does(
    target: str | None,
) -> None:
    framework = examples.load("engineering")
    team = examples.team()
    lone = attrs.evolve(team[0], levels=[])
    population = Population.from_histories([team[1], lone, team[2]])
    # Its family and track are kept: it comes back as it went in.
    assert {h.employee: h for h in population.histories()}[lone.employee] == lone
    result = evaluate_population(framework, population, target=target)
    single: Any
    try:
        single = evaluate(framework, lone, target=target)
    except EvaluationError as exc:
        single = exc
    if isinstance(single, EvaluationError):
        (error,) = errors_of(result, lone.employee)
        assert (error["code"], error["message"]) == (single.code, str(single))
    else:
        assert result.verdict(lone.employee) == single
    # The others are evaluated as they are without it.
    alone = evaluate_population(
        framework, Population.from_histories([team[1], team[2]]), target=target
    )
    others = [v for v in result.verdicts.to_pylist() if v["employee_id"] != lone.employee]
    assert others == alone.verdicts.to_pylist()
