"""Rating histories from the three CSV exports: values, origins, strictness and bounds.

The property at the end writes random histories as CSV files, in any column order and
with awkward cells, and reads them back equal, whatever the size of the chunks the
files are read in.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyrsistent import pvector

import progression
from progression import (
    Cadence,
    Cycle,
    Evidence,
    InvalidHistory,
    LevelAssignment,
    Origin,
    Problem,
    Rater,
    Rating,
    RatingHistory,
    Review,
    UnreadableInput,
)
from progression._formats import _csv, _documents
from progression._formats._csv import MAX_CELL, MAX_ROW, histories_from_csv
from progression._history import (
    unchecked_evidence,
    unchecked_history,
    unchecked_level,
    unchecked_origin,
    unchecked_rating,
    unchecked_review,
)
from progression._numbers import format_number

RATINGS_HEADER = "employee_id,cycle,competency,score,rater\n"
LEVELS = "employee_id,family,track,level,since\nada,engineering,ic,IC2,2025-Q1\n"
EVENTS_HEADER = "employee_id,cycle,event,requirement,value,note\n"


def write(
    folder: Path, ratings: str, levels: str = LEVELS, events: str | None = None
) -> dict[str, Any]:
    """Write the files; the keyword arguments of `load_history` for them."""
    (folder / "ratings.csv").write_text(ratings, encoding="utf-8", newline="")
    (folder / "levels.csv").write_text(levels, encoding="utf-8", newline="")
    paths: dict[str, Any] = {"path": folder / "ratings.csv", "levels": folder / "levels.csv"}
    if events is not None:
        (folder / "events.csv").write_text(events, encoding="utf-8", newline="")
        paths["events"] = folder / "events.csv"
    return paths


def load(folder: Path, ratings: str, levels: str = LEVELS, events: str | None = None) -> Any:
    return progression.load_history(**write(folder, ratings, levels, events))


def problems(ratings: str, levels: str = LEVELS, events: str | None = None) -> list[Problem]:
    with pytest.raises(InvalidHistory) as caught:
        histories_from_csv(ratings, levels, events)
    return list(caught.value.problems)


def where(problem: Problem) -> tuple[str | None, int | None, int | None]:
    return problem.source, problem.line, problem.column


# Values and origins.


def test_rows_become_histories_with_their_origins(tmp_path: Path) -> None:
    (history,) = load(
        tmp_path,
        RATINGS_HEADER + "ada,2026-Q2,delivery,4,\nada,2026-Q1,delivery,3,self\n",
        LEVELS + "ada,engineering,management,M1,2026-Q2\n",
        EVENTS_HEADER + "ada,2026-Q2,evidence,plan,7/2,Queue plan\nada,2026-Q2,endorsement,,,\n",
    )
    assert history == RatingHistory(
        employee="ada",
        family="engineering",
        track="management",
        levels=[
            LevelAssignment(level="IC2", since=Cycle.parse("2025-Q1")),
            LevelAssignment(level="M1", since=Cycle.parse("2026-Q2")),
        ],
        reviews=[
            Review(
                cycle=Cycle.parse("2026-Q1"),
                ratings=[Rating(competency="delivery", score=3, rater=Rater.SELF)],
            ),
            Review(
                cycle=Cycle.parse("2026-Q2"),
                ratings=[Rating(competency="delivery", score=4)],
                evidence=[Evidence(requirement="plan", note="Queue plan", value=Fraction(7, 2))],
                endorsed=True,
            ),
        ],
    )
    ratings, levels, events = (str(tmp_path / f"{n}.csv") for n in ("ratings", "levels", "events"))
    assert history.reviews[0].ratings[0].origin == Origin(source=ratings, line=3)
    assert history.reviews[1].ratings[0].origin == Origin(source=ratings, line=2)
    assert [a.origin for a in history.levels] == [
        Origin(source=levels, line=2),
        Origin(source=levels, line=3),
    ]
    assert history.reviews[1].evidence[0].origin == Origin(source=events, line=2)


def test_origins_take_no_part_in_equality_nor_in_documents() -> None:
    here = Origin(source="a.csv", line=3)
    rating = Rating(competency="delivery", score=4, origin=here)
    assert rating == Rating(competency="delivery", score=4)
    assert hash(rating) == hash(Rating(competency="delivery", score=4))
    evidence = Evidence(requirement="plan", value=2, origin=here)
    assert evidence == Evidence(requirement="plan", value=2)
    assert progression.unstructure(evidence) == {"requirement": "plan", "value": 2}
    assert "origin" not in progression.json_schema(RatingHistory)["$defs"]["Evidence"]["properties"]


def test_unchecked_constructors_equal_the_checked_ones() -> None:
    here = unchecked_origin("a.csv", 3, 2)
    assert attrs.asdict(here) == attrs.asdict(Origin(source="a.csv", line=3, column=2))
    cycle = Cycle.parse("2026-Q1")
    rating = unchecked_rating("delivery", 4, Rater.PEER, here, "m7")
    level = unchecked_level("IC2", cycle, here)
    evidence = unchecked_evidence("plan", "a note", Fraction(5, 2), here)
    review = unchecked_review(
        cycle, pvector([rating]), pvector([evidence]), True, False, pvector(["panel"])
    )
    history = unchecked_history("ada", "eng", "ic", pvector([level]), pvector([review]))
    built = RatingHistory(
        employee="ada",
        family="eng",
        track="ic",
        levels=[LevelAssignment(level="IC2", since=cycle, origin=here)],
        reviews=[
            Review(
                cycle=cycle,
                ratings=[
                    Rating(
                        competency="delivery",
                        score=4,
                        rater=Rater.PEER,
                        rater_id="m7",
                        origin=here,
                    )
                ],
                evidence=[Evidence(requirement="plan", note="a note", value="2.5", origin=here)],
                endorsed=True,
                approvals=["panel"],
            )
        ],
    )
    # asdict reads every field, so a field left unset would fail here, origins included.
    assert attrs.asdict(history, recurse=True) == attrs.asdict(built, recurse=True)
    assert history == built
    assert hash(history) == hash(built)


def test_a_rater_id_column_names_who_gave_each_score() -> None:
    ratings = (
        "employee_id,cycle,competency,score,rater,rater_id\n"
        "ada,2026-Q2,delivery,4,, m7 \n"
        "ada,2026-Q2,craft,3,,m7\n"
        "ada,2026-Q2,delivery,5,self,ada\n"
        "ada,2026-Q3,delivery,4,,\n"
    )
    (history,) = histories_from_csv(ratings, LEVELS)
    found = [(r.competency, r.rater, r.rater_id) for v in history.reviews for r in v.ratings]
    assert found == [
        ("delivery", Rater.MANAGER, "m7"),
        ("craft", Rater.MANAGER, "m7"),
        ("delivery", Rater.SELF, "ada"),
        ("delivery", Rater.MANAGER, None),
    ]
    # Without the column, or with it empty, the histories are the ones read before ids.
    plain = RATINGS_HEADER + "ada,2026-Q3,delivery,4,\n"
    empty = "employee_id,cycle,competency,score,rater,rater_id\nada,2026-Q3,delivery,4,,\n"
    assert histories_from_csv(plain, LEVELS) == histories_from_csv(empty, LEVELS)
    assert "rater_id" not in progression.dump_history(histories_from_csv(empty, LEVELS))


def test_a_rater_id_row_with_other_faults_is_reported_like_any_row() -> None:
    ratings = (
        "employee_id,cycle,competency,score,rater_id\n"
        "ada,2026-Q2,delivery,x,m7\n"
        "bo,2026-Q2,delivery,4,m7\n"
        "ada,2026-Q2,delivery,4,m7\n"
    )
    found = problems(ratings)
    assert [p.line for p in found] == [2, 3]
    assert "not a whole number" in found[0].message
    assert "employee 'bo' has no row" in found[1].message


def test_a_blank_rater_id_is_refused_in_histories() -> None:
    with pytest.raises(InvalidHistory) as caught:
        progression.loads_history(
            "employee: ada\nfamily: eng\ntrack: ic\n"
            "reviews:\n- cycle: 2026-Q2\n  ratings:\n"
            "  - {competency: delivery, score: 4, rater_id: m7}\n"
            "  - {competency: craft, score: 4, rater_id: ' m7'}\n"
        )
    (problem,) = caught.value.problems
    assert problem.path == "$.reviews[0].ratings[1].rater_id"
    assert problem.message.endswith(
        "not a rater id: expected a rater id: text, not blank, without spaces at either end,"
        " got ' m7'"
    )


def test_rater_ids_are_written_only_when_given_and_described_in_the_schema() -> None:
    rating = Rating(competency="delivery", score=4)
    named = attrs.evolve(rating, rater_id="m7")
    assert named != rating
    assert progression.unstructure(rating) == {"competency": "delivery", "score": 4}
    assert progression.unstructure(named) == {
        "competency": "delivery",
        "score": 4,
        "rater_id": "m7",
    }
    schema = progression.json_schema(RatingHistory)["$defs"]["Rating"]["properties"]["rater_id"]
    text = schema["anyOf"][0]
    assert re.search(text["pattern"], "m7")
    assert re.search(text["pattern"], "a b")
    for blank in ("", " ", " m7", "m7\n"):
        assert not re.search(text["pattern"], blank)


def test_an_unchecked_constructor_must_know_every_field() -> None:
    with pytest.raises(TypeError, match="fields"):
        progression._history._setters(Rating, "competency", "score")


def test_text_and_files_read_alike(tmp_path: Path) -> None:
    ratings = RATINGS_HEADER + "ada,2026-Q2,delivery,4,\n"
    events = EVENTS_HEADER + "ada,2026-Q3,calibration,,,\n"
    assert load(tmp_path, ratings, events=events) == histories_from_csv(ratings, LEVELS, events)


def test_spaces_around_cells_line_breaks_and_a_byte_order_mark(tmp_path: Path) -> None:
    plain = load(tmp_path, RATINGS_HEADER + "ada,2026-Q2,delivery,4,manager\n")
    padded = (
        " employee_id , cycle,competency,score,rater\r\n ada ,2026-q2 , delivery, 4 ,manager\r\n"
    )
    assert load(tmp_path, padded) == plain
    assert load(tmp_path, "\ufeff" + padded.replace("\r\n", "\r")) == plain


def test_blank_rows_and_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    ratings = "\n , \n" + RATINGS_HEADER + "\n,,,,\nada,2026-Q2,delivery,4,\n \t\n"
    (history,) = load(tmp_path, ratings)
    assert history.reviews[0].ratings[0].origin == Origin(
        source=str(tmp_path / "ratings.csv"), line=6
    )


# Streaming: no cap on the size of a CSV file.


def test_csv_files_are_not_capped_like_documents(tmp_path: Path) -> None:
    rows = "".join(f"ada,2026-Q2,c{n},4,\n" for n in range(3000))
    with mock.patch.object(_documents, "MAX_BYTES", 1000):
        (history,) = load(tmp_path, RATINGS_HEADER + rows)
        assert len(history.reviews[0].ratings) == 3000
        (tmp_path / "ada.yaml").write_text("employee: ada\n" + "#" * 2000, encoding="utf-8")
        with pytest.raises(UnreadableInput, match="over the limit"):
            progression.load_history(tmp_path / "ada.yaml")


def test_a_ratings_file_over_sixteen_megabytes_loads(tmp_path: Path) -> None:
    people = 1000
    levels = "employee_id,family,track,level,since\n" + "".join(
        f"e{n:05d},engineering,ic,IC2,2024-Q1\n" for n in range(people)
    )
    quarters = [f"{2024 + q // 4}-Q{q % 4 + 1}" for q in range(8)]
    # 1,000 people x 8 quarters x 40 competencies with long names: 320,000 rows.
    rows = "".join(
        f"e{n:05d},{quarter},competency-with-a-long-name-{c:02d},{(n + c) % 5 + 1},manager\n"
        for n in range(people)
        for quarter in quarters
        for c in range(40)
    )
    paths = write(tmp_path, RATINGS_HEADER + rows, levels)
    assert paths["path"].stat().st_size > _documents.MAX_BYTES
    histories = progression.load_history(**paths)
    assert len(histories) == people
    assert sum(len(r.ratings) for h in histories for r in h.reviews) == 320_000
    last = histories[-1].reviews[-1].ratings[-1]
    assert (last.competency, last.score, last.origin) == (
        "competency-with-a-long-name-39",
        (people - 1 + 39) % 5 + 1,
        Origin(source=str(paths["path"]), line=320_001),
    )


def test_many_employees_do_not_crowd_repeated_names_out_of_the_lookup_tables() -> None:
    levels = "employee_id,family,track,level,since\n" + "".join(
        f"e{n},engineering,ic,IC2,2025-Q1\n" for n in range(100)
    )
    ratings = RATINGS_HEADER + "".join(
        f"e{n},2026-Q2,{competency},4,\n" for n in range(100) for competency in ("a", "b")
    )
    slow: list[int] = []
    original = _csv._Loader.rating_row

    def spy(self: Any, table: Any, line: int, cells: list[str]) -> Any:
        slow.append(line)
        return original(self, table, line, cells)

    with (
        mock.patch.object(_csv, "_CACHE_LIMIT", 20),
        mock.patch.object(_csv._Loader, "rating_row", spy),
    ):
        histories = histories_from_csv(ratings, levels)
    assert len(histories) == 100
    # Only the first rows meet a competency, score or rater not yet looked up.
    assert slow == [2, 3]


def test_the_collector_is_held_while_reading_and_runs_once_after_a_large_file(
    tmp_path: Path,
) -> None:
    paths = write(tmp_path, RATINGS_HEADER + "ada,2026-Q2,delivery,4,\n")
    seen: list[bool] = []
    full: list[str] = []
    original = _csv._Loader.read_ratings

    def spy(self: Any, table: Any) -> None:
        seen.append(gc.isenabled())
        original(self, table)

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(phase)

    gc.callbacks.append(collected)
    try:
        with mock.patch.object(_csv._Loader, "read_ratings", spy):
            assert gc.isenabled()
            progression.load_history(**paths)  # too small to be worth a collection
            assert gc.isenabled()
            assert full == []
            with mock.patch.object(_csv, "_COLLECT_AFTER", 0):
                progression.load_history(**paths)
            assert len(full) == 1
            gc.disable()
            try:
                progression.load_history(**paths)
                assert not gc.isenabled()
            finally:
                gc.enable()
            with mock.patch.object(_csv, "_COLLECT_AFTER", 0), pytest.raises(InvalidHistory):
                load(tmp_path, RATINGS_HEADER + "ada,2026-Q2,delivery,four,\n")
            assert gc.isenabled()
    finally:
        gc.callbacks.remove(collected)
    # Held in all four loads; collected once, after the large enough one that loaded.
    assert seen == [False, False, False, False]
    assert len(full) == 1


# Bounds on one cell and one line.


def test_a_cell_over_the_bound_is_a_problem_not_a_csv_error() -> None:
    note = "x" * (MAX_CELL + 1)
    huge = "y" * (csv.field_size_limit() + 10)  # over the csv module's own limit too
    events = (
        EVENTS_HEADER
        + f"ada,2026-Q2,evidence,plan,,{note}\n"
        + f'ada,2026-Q2,evidence,plan,,"{huge}"\n'
        + "ada,2026-Q2,endorsment,,,\n"
    )
    found = problems(RATINGS_HEADER, events=events)
    assert [where(p) for p in found] == [
        ("events.csv", 2, 6),
        ("events.csv", 3, 6),
        ("events.csv", 4, 3),
    ]
    assert found[0].message.startswith("a cell longer than 65,536 characters")
    assert found[1].message.startswith("a cell longer than 65,536 characters")
    assert found[0].path == "$[1].note"


def test_a_lower_bound_set_in_the_csv_module_is_kept_alike_with_or_without_quotes() -> None:
    plain = EVENTS_HEADER + "ada,2026-Q2,evidence,plan,," + "x" * 150 + "\n"
    quoted = EVENTS_HEADER + 'ada,2026-Q2,evidence,plan,,"' + "x" * 150 + '"\n'
    before = csv.field_size_limit(100)
    try:
        for events in (plain, quoted):
            (found,) = problems(RATINGS_HEADER, events=events)
            assert where(found) == ("events.csv", 2, 6)
            assert found.message.startswith("a cell longer than 100 characters")
    finally:
        csv.field_size_limit(before)


def test_a_csv_error_with_no_place_found_is_still_a_problem() -> None:
    with mock.patch.object(_csv, "_quoting_fault", return_value=None):
        (found,) = problems(RATINGS_HEADER + 'ada,2026-Q2,"delivery"x,4,\n')
    assert where(found) == ("ratings.csv", 2, None)
    assert found.message.startswith("malformed CSV: ")


def test_a_line_over_the_bound_is_reported_and_the_lines_after_keep_their_numbers() -> None:
    ratings = RATINGS_HEADER + "ada," + "z" * MAX_ROW + "\nada,2026-Q2,delivery,four,\n"
    found = problems(ratings)
    assert [where(p) for p in found] == [("ratings.csv", 2, None), ("ratings.csv", 3, 4)]
    assert found[0].message.startswith("a line longer than 1,048,576 characters")
    assert found[1].got == "'four'"


def test_a_line_over_the_bound_across_chunks(tmp_path: Path) -> None:
    ratings = RATINGS_HEADER + "z" * (MAX_ROW * 3) + "\r\nada,2026-Q2,delivery,four,\n"
    with mock.patch.object(_csv, "_CHUNK", 100_000):
        found = problems(ratings)
    assert [where(p) for p in found] == [("ratings.csv", 2, None), ("ratings.csv", 3, 4)]


def test_a_quote_left_open_in_a_note_stops_at_the_bound_of_a_cell() -> None:
    # The note's quote is never closed: it would take in the rest of the file.
    body = "".join(f"ada,2026-Q2,evidence,plan,{n},note {n}\n" for n in range(40_000))
    events = EVENTS_HEADER + 'ada,2026-Q2,evidence,plan,,"open\n' + body
    with mock.patch.object(_csv, "_CHUNK", 64 * 1024):
        found = problems(RATINGS_HEADER, events=events)
    assert [where(p) for p in found] == [("events.csv", 2, 6)]
    assert found[0].message.startswith("a cell longer than 65,536 characters")
    (history,) = histories_from_csv(RATINGS_HEADER, LEVELS, EVENTS_HEADER + body)
    assert len(history.reviews[0].evidence) == 40_000


def test_a_row_over_the_bound_across_chunks_is_reported() -> None:
    body = "".join(f"ada,2026-Q2,evidence,plan,{n},note {n}\n" for n in range(100))
    events = EVENTS_HEADER + 'ada,2026-Q2,evidence,plan,,"open\n' + body
    with mock.patch.object(_csv, "MAX_ROW", 1000), mock.patch.object(_csv, "_CHUNK", 300):
        found = problems(RATINGS_HEADER, events=events)
    assert [where(p) for p in found] == [("events.csv", 2, None)]
    assert found[0].message.startswith("a row longer than 1,000 characters")


# Strict quoting: every csv.Error is a problem, and a quote left open hides nothing.


def test_a_quote_left_open_does_not_swallow_the_rows_after_it() -> None:
    ratings = (
        RATINGS_HEADER
        + 'ada,"2026-Q2,delivery,4,\n'
        + "ada,2026-Q2,ownership,4,\n"
        + "ada,2026-Q2,craft,five,\n"
        + 'ada,2026-Q2,"delivery",3,\n'
        + "ada,2026-Q2,design,3,boss\n"
    )
    found = problems(ratings)
    assert [where(p) for p in found] == [
        ("ratings.csv", 2, 2),
        ("ratings.csv", 4, 4),
        ("ratings.csv", 6, 5),
    ]
    assert "quote" in found[0].message
    assert "line 2 runs on to line 5" in found[0].message
    assert found[1].got == "'five'"
    assert found[2].got == "'boss'"


def test_a_quote_left_open_at_the_end_of_the_file() -> None:
    ratings = RATINGS_HEADER + "ada,2026-Q2,delivery,4,\n" + 'ada,2026-Q2,"ownership,4,\n'
    found = problems(ratings)
    assert [where(p) for p in found] == [("ratings.csv", 3, 3)]
    assert found[0].message.startswith("a quoted cell is never closed")


def test_a_quote_left_open_across_chunks() -> None:
    rows = "".join(f"ada,2026-Q{n % 4 + 1},c{n},4,\n" for n in range(2000))
    ratings = RATINGS_HEADER + 'ada,2026-Q2,"delivery,4,\n' + rows + "ada,2026-Q1,x,,\n"
    for chunk in (10, 1000, 1 << 20):
        with mock.patch.object(_csv, "_CHUNK", chunk):
            found = problems(ratings)
        assert [where(p) for p in found] == [("ratings.csv", 2, 3), ("ratings.csv", 2003, 4)]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ('ada,2026-Q2,"delivery"x,4,', 3, "text after the closing quote"),
        ('"ada"b,2026-Q2,delivery,4,', 1, "text after the closing quote"),
        ('ada,2026-Q2,delivery,4,"manager" ', 5, "text after the closing quote"),
        ('ada,2026-Q2,delivery,4,"man"ager"', 5, "text after the closing quote"),
    ],
)
def test_text_after_a_closing_quote_is_refused_with_its_row(
    row: str, column: int, words: str
) -> None:
    found = problems(RATINGS_HEADER + "ada,2026-Q2,design,3,\n" + row + "\nada,2026-Q2,x,y,\n")
    assert [where(p) for p in found] == [("ratings.csv", 3, column), ("ratings.csv", 4, 4)]
    assert found[0].message.startswith(words)


def test_quoted_cells_and_doubled_quotes_are_read() -> None:
    events = EVENTS_HEADER + 'ada,2026-Q2,evidence,"plan","2.5","The ""fast"", path"\n'
    (history,) = histories_from_csv(RATINGS_HEADER, LEVELS, events)
    assert history.reviews[0].evidence[0] == Evidence(
        requirement="plan", value=Fraction(5, 2), note='The "fast", path'
    )


def test_line_breaks_are_kept_in_notes_and_refused_elsewhere() -> None:
    events = (
        EVENTS_HEADER
        + 'ada,2026-Q2,evidence,plan,,"First line\r\nsecond line"\n'
        + "ada,2026-Q3,endorsement,,,\n"
    )
    (history,) = histories_from_csv(RATINGS_HEADER, LEVELS, events)
    assert history.reviews[0].evidence[0].note == "First line\r\nsecond line"
    assert history.reviews[1].endorsed
    assert history.reviews[1].cycle == Cycle.parse("2026-Q3")

    # Outside notes, the row is refused and its lines after the first read again as rows.
    ratings = RATINGS_HEADER + 'ada,2026-Q2,"deli\nvery",4,\nada,2026-Q2,design,x,\n'
    found = problems(ratings)
    assert [where(p) for p in found] == [
        ("ratings.csv", 2, 3),
        ("ratings.csv", 3, None),
        ("ratings.csv", 4, 4),
    ]
    assert found[0].message.startswith("a line break inside a quoted cell")
    assert found[1].message.startswith("3 cells in a row of 5 columns")


def test_a_repeated_column_is_refused_naming_both_positions() -> None:
    found = problems("employee_id,cycle,score,competency,score\n" + "ada,2026-Q2,4,x,5\n")
    assert [where(p) for p in found] == [("ratings.csv", 1, 5)]
    assert "column 'score' appears twice, as columns 3 and 5" in found[0].message


def test_missing_and_unknown_columns() -> None:
    found = problems("employee_id,cycle,competence,score\nada,2026-Q2,x,4\n")
    assert [(p.line, p.column, p.message.split(":")[0]) for p in found] == [
        (1, None, "missing column 'competency'"),
        (1, 3, "unknown column 'competence'"),
    ]
    assert [p.message.split(":")[0] for p in problems("")] == [
        f"missing column {name!r}" for name in _csv.RATING_COLUMNS
    ]


def test_rows_with_the_wrong_number_of_cells() -> None:
    found = problems(RATINGS_HEADER + "ada,2026-Q2,delivery,4\nada,2026-Q2,design,4,,\n")
    assert [(p.line, p.message.split(":")[0]) for p in found] == [
        (2, "4 cells in a row of 5 columns"),
        (3, "6 cells in a row of 5 columns"),
    ]


# Scores and evidence values: problems, never a ValueError.


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("3.0", "not a whole number"),
        ("x", "not a whole number"),
        ("", "not a whole number"),
        ("+3", "not a whole number"),
        ("3_0", "not a whole number"),
        ("1e3", "not a whole number"),
        ("\u0663", "not a whole number"),  # ARABIC-INDIC DIGIT THREE, which int() reads
        ("\uff13", "not a whole number"),  # FULLWIDTH DIGIT THREE
        ("99999999999999999999", "score too large"),
        ("1" * 5000, "score too large"),  # over int()'s limit of digits
        ("-1234567890", "score too large"),
    ],
)
def test_a_bad_score_is_a_problem_with_its_place(score: str, message: str) -> None:
    (found,) = problems(RATINGS_HEADER + f"ada,2026-Q2,delivery,{score},\n")
    assert where(found) == ("ratings.csv", 2, 4)
    assert found.message.startswith(message)
    assert found.path == "$[1].score"
    assert found.got is not None


@pytest.mark.parametrize(("score", "value"), [("4", 4), ("-2", -2), ("0", 0), (" 3", 3)])
def test_whole_number_scores(score: str, value: int) -> None:
    (history,) = histories_from_csv(RATINGS_HEADER + f"ada,2026-Q2,delivery,{score},\n", LEVELS)
    assert history.reviews[0].ratings[0].score == value


@pytest.mark.parametrize(
    ("value", "exact"),
    [
        ("3", Fraction(3)),
        ("2.5", Fraction(5, 2)),
        ("7/2", Fraction(7, 2)),
        ("-1.25", Fraction(-5, 4)),
        (".5", Fraction(1, 2)),
        ("1e29", Fraction(10**29)),
        ("25E-1", Fraction(5, 2)),
        ("+4", Fraction(4)),
    ],
)
def test_evidence_values_are_exact(value: str, exact: Fraction) -> None:
    events = EVENTS_HEADER + f"ada,2026-Q2,evidence,plan,{value},\n"
    (history,) = histories_from_csv(RATINGS_HEADER, LEVELS, events)
    assert history.reviews[0].evidence[0].value == exact


@pytest.mark.parametrize(
    "value",
    [
        "lots",
        "1e999999999",
        "1e-999999999",
        "1e" + "9" * 5000,
        "9" * 31,
        "1e31",
        "7/0",
        "nan",
        "inf",
        "1_000",
        "\u0663",
        "3 / 2",
        "0x10",
    ],
)
def test_a_bad_evidence_value_is_refused_quickly(value: str) -> None:
    events = EVENTS_HEADER + f"ada,2026-Q2,evidence,plan,{value},\n"
    started = time.process_time()
    (found,) = problems(RATINGS_HEADER, events=events)
    assert time.process_time() - started < 1
    assert where(found) == ("events.csv", 2, 5)
    assert found.message.startswith(("not a number", "number out of bounds"))


# Rows that break the rules of a history.


def test_mixed_cadences_in_csv_rows() -> None:
    levels = LEVELS + "ada,engineering,ic,IC3,2026-H1\n"
    ratings = RATINGS_HEADER + "ada,2026-H2,delivery,4,\n"
    events = EVENTS_HEADER + "ada,2025-H2,endorsement,,,\n"
    found = problems(ratings, levels, events)
    assert [where(p) for p in found] == [
        ("ratings.csv", 2, 2),
        ("levels.csv", 3, 5),
        ("events.csv", 2, 2),
    ]
    assert all("mixes cadences" in p.message for p in found)


def test_mixed_cadences_in_a_history_name_the_cycle_and_its_path() -> None:
    with pytest.raises(InvalidHistory) as caught:
        RatingHistory(
            employee="ada",
            family="eng",
            track="ic",
            levels=[
                LevelAssignment(level="IC2", since=Cycle.parse("2025-Q1")),
                LevelAssignment(level="IC3", since=Cycle.parse("2026-H1")),
            ],
            reviews=[Review(cycle=Cycle.parse("2026-Q2")), Review(cycle=Cycle.parse("2026-H2"))],
        )
    assert [(p.path, p.got) for p in caught.value.problems] == [
        ("$.levels[1].since", "'2026-H1'"),
        ("$.reviews[1].cycle", "'2026-H2'"),
    ]
    assert "a quarterly cycle like levels[0].since (2025-Q1)" in caught.value.problems[0].message


def test_mixed_cadences_in_a_history_document_have_their_line() -> None:
    text = (
        "employee: ada\nfamily: eng\ntrack: ic\nreviews:\n  - cycle: 2026-H1\n  - cycle: 2026-Q3\n"
    )
    with pytest.raises(InvalidHistory) as caught:
        progression.loads_history(text, source="ada.yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.got) == ("$.reviews[1].cycle", 6, "'2026-Q3'")
    assert "a half-yearly cycle like reviews[0].cycle (2026-H1)" in problem.message


def test_a_second_score_names_the_first_line() -> None:
    ratings = (
        RATINGS_HEADER
        + "ada,2026-Q2,delivery,4,\n"
        + "ada,2026-Q2,delivery,5,peer\n"
        + "ada,2026-Q3,delivery,x,\n"
        + "ada,2026-Q2,delivery,3,manager\n"
    )
    found = problems(ratings)
    assert [where(p) for p in found] == [("ratings.csv", 4, 4), ("ratings.csv", 5, 4)]
    assert "the first is on line 2" in found[1].message


def test_rows_of_an_employee_whose_level_rows_were_refused() -> None:
    levels = "employee_id,family,track,level,since\nbo,engineering,ic,IC2,2025\n"
    found = problems(RATINGS_HEADER + "bo,2026-Q2,delivery,4,\nbo,2026-Q2,x,y,\n", levels)
    # The level row is the fault; the other rows are still checked, cell by cell.
    assert [where(p) for p in found] == [("ratings.csv", 3, 4), ("levels.csv", 2, 5)]


def test_a_mistake_repeated_in_many_rows_is_kept_every_time_and_stays_fast() -> None:
    def refused(rows: int) -> float:
        ratings = RATINGS_HEADER + "ada,2026-Q2,delivery,4,boss\n" * rows
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            with pytest.raises(InvalidHistory) as caught:
                histories_from_csv(ratings, LEVELS)
            best = min(best, time.process_time() - started)
            assert len(caught.value.problems) == rows
        return best

    small, large = refused(5_000), refused(20_000)
    # Four times the rows; linear work takes about four times as long.
    assert large < 10 * small


# Files that cannot be read.


def test_a_file_that_is_not_utf8_is_unreadable_with_its_place(tmp_path: Path) -> None:
    paths = write(tmp_path, RATINGS_HEADER)
    good = "ada,2026-Q2,delivery,4,\n" * 50_000
    paths["path"].write_bytes((RATINGS_HEADER + good).encode() + b"ada,\xff\n")
    with pytest.raises(UnreadableInput, match=r"not UTF-8 text \(byte 1200045, line 50002\)"):
        progression.load_history(**paths)


def test_missing_files_are_unreadable(tmp_path: Path) -> None:
    paths = write(tmp_path, RATINGS_HEADER)
    with pytest.raises(UnreadableInput, match=r"nowhere\.csv"):
        progression.load_history(**paths, events=tmp_path / "nowhere.csv")
    with pytest.raises(UnreadableInput, match="levels"):
        progression.load_history(paths["path"])
    with pytest.raises(UnreadableInput):
        progression.load_history(paths["path"], levels=tmp_path)


# Random histories written as CSV read back equal.

_TEXT = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
cells = st.text(_TEXT, min_size=1, max_size=8).filter(lambda s: s == s.strip())
notes = (
    st.lists(st.one_of(_TEXT, st.sampled_from(["\n", "\r\n", "\r", '"', ","])), max_size=20)
    .map("".join)
    .filter(lambda s: s == s.strip())
)
values = st.none() | st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=1000)


@st.composite
def histories(draw: st.DrawFn) -> list[RatingHistory]:
    """Histories as CSV can hold them: every review has a row, and cells are trimmed."""
    cadence = draw(st.sampled_from(Cadence))
    first = Cycle.parse("2024-Q1" if cadence is Cadence.QUARTERLY else "2020-H1")
    people = []
    for employee in draw(st.lists(cells, min_size=1, max_size=4, unique=True)):
        starts = sorted(draw(st.sets(st.integers(0, 11), min_size=1, max_size=3)))
        reviews = []
        for offset in sorted(draw(st.sets(st.integers(0, 11), max_size=4))):
            ratings = draw(
                st.lists(
                    st.builds(
                        Rating,
                        competency=cells,
                        score=st.integers(-999_999_999, 999_999_999),
                        rater=st.sampled_from(Rater),
                        rater_id=st.none() | cells,
                    ),
                    max_size=4,
                    unique_by=lambda r: (r.competency, r.rater),
                )
            )
            evidence = draw(
                st.lists(
                    st.builds(Evidence, requirement=cells, note=notes, value=values), max_size=2
                )
            )
            endorsed, calibrated = draw(st.booleans()), draw(st.booleans())
            if ratings or evidence or endorsed or calibrated:
                reviews.append(
                    Review(
                        cycle=first.shift(offset),
                        ratings=ratings,
                        evidence=evidence,
                        endorsed=endorsed,
                        calibrated=calibrated,
                    )
                )
        people.append(
            RatingHistory(
                employee=employee,
                family=draw(cells),
                track=draw(cells),
                levels=[LevelAssignment(level=draw(cells), since=first.shift(s)) for s in starts],
                reviews=reviews,
            )
        )
    return people


STYLES: list[tuple[str, Literal[0, 1]]] = [
    ("\r\n", csv.QUOTE_MINIMAL),
    ("\n", csv.QUOTE_ALL),
    ("\r\n", csv.QUOTE_ALL),
]


def to_csv(people: list[RatingHistory], data: st.DataObject) -> tuple[str, str, str]:
    """The three files of ``people``, columns and reviews in a drawn order."""

    def table(header: list[str], rows: list[dict[str, str]]) -> str:
        order = data.draw(st.permutations(header))
        out = io.StringIO()
        # With "\n" alone ending rows, the csv module leaves a "\r" in a cell unquoted.
        end, quoting = data.draw(st.sampled_from(STYLES))
        writer = csv.writer(out, lineterminator=end, quoting=quoting)
        writer.writerow(order)
        writer.writerows([row[name] for name in order] for row in rows)
        return out.getvalue()

    blank_manager = data.draw(st.booleans())
    named = any(r.rater_id for h in people for v in h.reviews for r in v.ratings)
    # Files without rater ids may leave the column out.
    rater_columns = ["rater", "rater_id"] if named or data.draw(st.booleans()) else ["rater"]
    ratings, levels, events = [], [], []
    for history in people:
        for assignment in history.levels:
            levels.append(
                {
                    "employee_id": history.employee,
                    "family": history.family,
                    "track": history.track,
                    "level": assignment.level,
                    "since": str(assignment.since),
                }
            )
        for review in data.draw(st.permutations(history.reviews)):
            here = {"employee_id": history.employee, "cycle": str(review.cycle)}
            for rating in review.ratings:
                rater = rating.rater.value
                if blank_manager and rating.rater is Rater.MANAGER:
                    rater = ""
                ratings.append(
                    {**here, "competency": rating.competency, "score": str(rating.score)}
                    | {"rater": rater, "rater_id": rating.rater_id or ""}
                )
            empty = {"requirement": "", "value": "", "note": ""}
            for evidence in review.evidence:
                value = "" if evidence.value is None else format_number(evidence.value)
                events.append(
                    {**here, "event": "evidence", "requirement": evidence.requirement}
                    | {"value": value, "note": evidence.note}
                )
            if review.endorsed:
                events.append({**here, "event": "endorsement", **empty})
            if review.calibrated:
                events.append({**here, "event": "calibration", **empty})
    return (
        table(["employee_id", "cycle", "competency", "score", *rater_columns], ratings),
        table(["employee_id", "family", "track", "level", "since"], levels),
        table(["employee_id", "cycle", "event", "requirement", "value", "note"], events),
    )


def rows_by_line(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of ``text`` with the line it starts on, read by the csv module itself."""
    line = 2  # the header is one line
    for row in csv.DictReader(io.StringIO(text, newline="")):
        yield line, {name.strip(): cell.strip() for name, cell in row.items()}
        # A row takes one line, and one more for each line break in its cells.
        line += 1 + sum(len(re.findall(r"\r\n|\r|\n", cell)) for cell in row.values())


@given(histories(), st.data())
def test_histories_written_as_csv_read_back_equal(
    people: list[RatingHistory], data: st.DataObject
) -> None:
    ratings, levels, events = to_csv(people, data)
    loaded = histories_from_csv(ratings, levels, events)
    assert list(loaded) == people
    # Whatever the chunks the text is read in.
    with mock.patch.object(_csv, "_CHUNK", data.draw(st.integers(1, 200))):
        assert histories_from_csv(ratings, levels, events) == loaded
    # Every value names the row it came from.
    for text, source, found in (
        (
            ratings,
            "ratings.csv",
            [(r, "competency") for h in loaded for v in h.reviews for r in v.ratings],
        ),
        (levels, "levels.csv", [(a, "level") for h in loaded for a in h.levels]),
        (
            events,
            "events.csv",
            [(e, "requirement") for h in loaded for v in h.reviews for e in v.evidence],
        ),
    ):
        rows = dict(rows_by_line(text))
        for value, name in found:
            assert value.origin is not None
            assert value.origin.source == source
            assert value.origin.line is not None
            assert rows[value.origin.line][name] == getattr(value, name)


WORDS = ["ada", "bo", "2026-Q2", "2026-H1", "delivery", "4", "x", "evidence", "endorsement"]
MARKS = ["", " ", ",", ",", ",", '"', '""', '"a"b', "\n", "\r\n", "\r", "\u2028", "\x0b"]
FRAGMENTS = st.sampled_from([*WORDS, *MARKS])
# Loose text, and rows of about the right width with odd cells among good ones.
BODIES = st.lists(FRAGMENTS, max_size=60).map("".join) | st.lists(
    st.lists(FRAGMENTS, min_size=4, max_size=7).map(",".join), max_size=8
).map(lambda rows: "".join(row + "\n" for row in rows))


@given(BODIES, BODIES, BODIES, st.integers(1, 40))
def test_any_text_loads_or_is_refused_alike_whatever_the_chunks(
    ratings: str, levels: str, events: str, chunk: int
) -> None:
    texts = (
        RATINGS_HEADER + ratings,
        "employee_id,family,track,level,since\n" + levels,
        EVENTS_HEADER + events,
    )

    def outcome() -> object:
        try:
            return histories_from_csv(*texts)
        except InvalidHistory as error:
            return [p.to_dict() for p in error.problems]

    whole = outcome()
    if isinstance(whole, list):
        assert all(problem["line"] for problem in whole)
    with mock.patch.object(_csv, "_CHUNK", chunk):
        assert outcome() == whole
