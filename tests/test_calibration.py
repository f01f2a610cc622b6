"""Level fit and rater drift over populations: worked examples, planted raters, plots.

Rater drift is checked on `examples.population` companies, where no manager rates
differently from the others, with lenient and severe managers planted: the planted ones
are found, and companies with none planted flag no more than the false-discovery share.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import matplotlib
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from progression import examples
from progression._policy import Rater
from progression.population import LevelFit, RaterDrift, level_fit, rater_drift
from progression.population._columns import MISSING, Columns

matplotlib.use("Agg")

ENGINEERING = examples.load("engineering")
RATINGS = ("employee_id", "cycle", "competency", "score", "rater", "rater_id")


def expected(level: str) -> dict[str, int]:
    """The proficiency each IC competency expects at ``level``."""
    track = ENGINEERING.family("engineering").track("ic")
    return {c.id: c.levels[level].proficiency or 0 for c in track.competencies}


def tables(rows: list[tuple[Any, ...]], levels: list[tuple[str, str]]) -> tuple[pa.Table, ...]:
    ratings = pa.table(dict(zip(RATINGS, map(list, zip(*rows, strict=True)), strict=True)))
    assignments = pa.table(
        {
            "employee_id": [e for e, _ in levels],
            "family": ["engineering"] * len(levels),
            "track": ["ic"] * len(levels),
            "level": [lv for _, lv in levels],
            "since": ["2024-Q1"] * len(levels),
        }
    )
    return ratings, assignments


def scores(employee: str, cycle: str, values: dict[str, int], rater: str = "manager") -> list[Any]:
    return [(employee, cycle, c, s, rater, "m1") for c, s in values.items()]


def worked() -> tuple[pa.Table, ...]:
    low = {**expected("IC3"), "delivery": 1}
    return tables(
        [
            # Ada holds IC2; her latest scores are what IC3 expects (the earlier ones do not count).
            *scores("ada", "2026-Q1", expected("IC1")),
            *scores("ada", "2026-Q2", expected("IC3")),
            # Bo holds IC4 and scores what IC2 expects.
            *scores("bo", "2026-Q2", expected("IC2")),
            # Cy holds IC3: the manager's low delivery score is replaced by a calibrated one.
            *scores("cy", "2026-Q2", low),
            ("cy", "2026-Q2", "delivery", 4, "calibrated", "panel"),
        ],
        [("ada", "IC2"), ("bo", "IC4"), ("cy", "IC3"), ("di", "IC3")],
    )


def test_level_fit_worked_example() -> None:
    fit = level_fit(ENGINEERING, worked())
    assert isinstance(fit, LevelFit)
    rows = {r["employee_id"]: r for r in fit.employees.to_pylist()}
    # Di has no scores: left out.
    assert sorted(rows) == ["ada", "bo", "cy"]
    assert (rows["ada"]["best_level"], rows["ada"]["distance"]) == ("IC3", 0.0)
    assert (rows["ada"]["meets_own"], rows["ada"]["steps"], rows["ada"]["fit"]) == (
        True,
        1,
        "under",
    )
    assert (rows["bo"]["best_level"], rows["bo"]["steps"], rows["bo"]["fit"]) == ("IC2", -2, "over")
    assert rows["bo"]["meets_own"] is False
    # Root mean square of the differences from IC4: five competencies one point short,
    # four two points short.
    assert rows["bo"]["own_distance"] == pytest.approx(np.sqrt((5 * 1 + 4 * 4) / 9))
    assert (rows["cy"]["best_level"], rows["cy"]["fit"], rows["cy"]["meets_own"]) == (
        "IC3",
        "fits",
        True,
    )
    assert fit.under_levelled["employee_id"].to_pylist() == ["ada"]
    assert fit.over_levelled["employee_id"].to_pylist() == ["bo"]
    by_level = {r["level"]: r for r in fit.levels.to_pylist()}
    assert by_level["IC3"] == {
        "family": "engineering",
        "track": "ic",
        "level": "IC3",
        "employees": 1,
        "meeting": 1.0,
        "under": 0,
        "over": 0,
    }
    assert by_level["IC4"]["meeting"] == 0.0


def test_level_fit_on_a_company_and_its_plot(tmp_path: Path) -> None:
    fit = level_fit(ENGINEERING, examples.population(1500, seed=2))
    levels = fit.levels.to_pandas()
    assert levels["employees"].sum() == fit.employees.num_rows
    assert ((levels["meeting"] >= 0) & (levels["meeting"] <= 1)).all()
    employees = fit.to_pandas("employees")
    # Under-levelled people meet the level above and match one above; over-levelled
    # people do not meet their own level and match one below.
    assert (employees[employees.fit == "under"].meets_above).all()
    assert (employees[employees.fit == "under"].meets_own).all()
    assert (employees[employees.fit == "under"].steps > 0).all()
    assert (~employees[employees.fit == "over"].meets_own).all()
    assert (employees.distance <= employees.own_distance + 1e-12).all()
    assert "<table>" in fit._repr_html_()
    figure = fit.plot()
    (ax,) = figure.axes
    assert ax.get_ylabel() == "share of the level's people"
    assert len(ax.patches) == 3 * len(levels)
    assert len(ax.get_xticklabels()) == len(levels)
    figure.savefig(tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 0


# --- rater drift -------------------------------------------------------------------------


def plant(population: tuple[pa.Table, ...], shifts: dict[str, int]) -> tuple[pa.Table, ...]:
    """The population with each planted manager's scores moved by their shift."""
    ratings, levels, events = population
    ids = ratings["rater_id"].cast(pa.string()).to_numpy(zero_copy_only=False)
    role = ratings["rater"].cast(pa.string()).to_numpy(zero_copy_only=False)
    score = ratings["score"].to_numpy().astype(np.int16)
    for rater, shift in shifts.items():
        rows = (ids == rater) & (role == "manager")
        score[rows] = np.clip(score[rows] + shift, 1, 5)
    at = ratings.column_names.index("score")
    return ratings.set_column(at, "score", pa.array(score.astype(np.int8))), levels, events


def managers(population: tuple[pa.Table, ...]) -> dict[str, int]:
    """Each manager's number of individual contributors rated (managers score near the top)."""
    ratings, levels, _ = population
    contributors = levels.filter(pc.equal(levels["track"].cast(pa.string()), "ic"))
    ratings = ratings.filter(
        pc.is_in(
            ratings["employee_id"].cast(pa.string()),
            value_set=contributors["employee_id"].cast(pa.string()),
        )
    )
    pairs = ratings.select(["rater_id", "employee_id"]).cast(
        pa.schema([("rater_id", pa.string()), ("employee_id", pa.string())])
    )
    people = pairs.group_by("rater_id").aggregate([("employee_id", "count_distinct")])
    return dict(
        zip(
            people["rater_id"].to_pylist(),
            people["employee_id_count_distinct"].to_pylist(),
            strict=True,
        )
    )


def test_planted_lenient_and_severe_raters_are_found(tmp_path: Path) -> None:
    population = examples.population(3000, seed=3)
    teams = managers(population)
    # A point more or less for each of 15 people or more stands out from the noise.
    big = sorted(r for r, people in teams.items() if people >= 15)
    shifts = {big[0]: 1, big[1]: 1, big[2]: -1, big[3]: -1}
    drift = rater_drift(ENGINEERING, plant(population, shifts))
    assert isinstance(drift, RaterDrift)
    rows = {r["rater_id"]: r for r in drift.raters.to_pylist()}
    assert set(drift.flagged["rater_id"].to_pylist()) == set(big[:4])
    for rater, shift in shifts.items():
        assert np.sign(rows[rater]["difference"]) == shift / abs(shift)
    # Flagged exactly when tested and the interval excludes zero.
    for row in rows.values():
        excludes = row["low"] > 0 or row["high"] < 0
        assert row["flagged"] == (row["tested"] and excludes), row
    assert drift.raters.column_names[:6] == [
        "rater_id",
        "ratings",
        "employees",
        "difference",
        "low",
        "high",
    ]
    figure = drift.plot(top=10)
    (ax,) = figure.axes
    assert ax.get_xlabel() == "mean difference from other raters (score points)"
    # One interval and one point per rater shown, and the line at zero.
    assert len(ax.lines) == 2 * 10 + 1
    red = [line for line in ax.lines if line.get_color() == "tab:red"]
    assert len(red) == 2 * 4
    figure.savefig(tmp_path / "forest.png")
    assert (tmp_path / "forest.png").stat().st_size > 0


def test_without_planted_raters_false_discoveries_stay_within_their_share() -> None:
    flagged = tested = runs_with_any = 0
    for seed in range(6):
        drift = rater_drift(ENGINEERING, examples.population(2000, seed=seed), alpha=0.05)
        found = drift.flagged.num_rows
        flagged += found
        runs_with_any += found > 0
        tested += int(pc.sum(drift.raters["tested"]).as_py())
    # Every rater is a true null here: Benjamini-Hochberg bounds the chance of any
    # flag in a run by alpha, so over six runs about 0.3 are expected.
    assert runs_with_any <= 1
    assert flagged <= 0.05 * tested


def test_self_ratings_run_above_the_manager_s() -> None:
    drift = rater_drift(ENGINEERING, examples.population(1500, seed=4))
    gaps = drift.to_pandas("self_gaps")
    assert len(gaps) > 0
    # People rate themselves a little more generously in the generated company.
    assert (gaps.gap > 0).all()
    assert (gaps.low > 0).all()
    assert (gaps.low <= gaps.gap).all()
    assert (gaps.gap <= gaps.high).all()
    assert "Self minus manager" in drift._repr_html_()


@pytest.mark.parametrize(
    "raters",
    [(Rater.SELF, Rater.MANAGER), (Rater.MANAGER, Rater.SELF), (Rater.SELF,), (Rater.CALIBRATED,)],
)
def test_self_gaps_do_not_depend_on_which_scores_count(raters: tuple[Rater, ...]) -> None:
    # The gaps compare the two roles' own scores, whichever of them the framework counts
    # (and so whichever of them reading the counted scores already read).
    company = examples.population(800, seed=6)
    usual = rater_drift(ENGINEERING, company).self_gaps
    other = rater_drift(attrs.evolve(ENGINEERING, raters=raters), company).self_gaps
    assert usual.num_rows > 0
    assert other.equals(usual)


def test_never_flagged_on_fewer_ratings_than_asked() -> None:
    population = examples.population(1500, seed=1)
    teams = managers(population)
    rater = sorted(r for r, people in teams.items() if 4 <= people <= 6)[0]
    planted = plant(population, {rater: 3})
    found = {r["rater_id"]: r for r in rater_drift(ENGINEERING, planted).raters.to_pylist()}
    assert found[rater]["flagged"]
    ratings = found[rater]["ratings"]
    fewer = rater_drift(ENGINEERING, planted, min_ratings=ratings + 1)
    row = fewer.raters.filter(pc.equal(fewer.raters["rater_id"], rater)).to_pylist()[0]
    assert (row["ratings"], row["tested"], row["flagged"]) == (ratings, False, False)
    none = rater_drift(ENGINEERING, population, min_ratings=10**9)
    assert not any(none.raters["tested"].to_pylist())
    assert none.flagged.num_rows == 0
    with pytest.raises(ValueError, match="alpha"):
        rater_drift(ENGINEERING, population, alpha=1.5)


def test_rater_differences_match_a_direct_computation() -> None:
    population = examples.population(300, seed=5)
    columns = Columns.build(ENGINEERING, population, roles=(Rater.SELF, Rater.MANAGER))
    count, width, competencies = columns.counted.shape
    # Every counted score, by cell (level held, cycle, competency), one loop.
    cells: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
    for e in range(count):
        for t in range(width):
            for c in range(competencies):
                score = int(columns.counted[e, t, c])
                by = int(columns.counted_by[e, t, c])
                if score != MISSING and by >= 0 and columns.held[e, t] >= 0:
                    cells.setdefault((int(columns.held[e, t]), t, c), []).append((by, e, score))
    residuals: dict[int, list[float]] = {}
    people: dict[int, set[int]] = {}
    for entries in cells.values():
        for by, e, score in entries:
            others = [s for b, _, s in entries if b != by]
            if others:
                residuals.setdefault(by, []).append(score - sum(others) / len(others))
                people.setdefault(by, set()).add(e)
    found = {r["rater_id"]: r for r in rater_drift(ENGINEERING, population).raters.to_pylist()}
    assert found
    assert set(found) == {columns.raters[by] for by in residuals}
    for by, values in residuals.items():
        row = found[columns.raters[by]]
        assert (row["ratings"], row["employees"]) == (len(values), len(people[by]))
        assert row["difference"] == pytest.approx(sum(values) / len(values), abs=1e-12)
