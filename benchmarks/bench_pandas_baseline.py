"""The engineering framework's default policies as a notebook user writes them in pandas.

Run ``python benchmarks/bench_pandas_baseline.py [--employees N]`` (1,000,000 by
default). It draws ``examples.population(N)``, turns it into pandas frames, and times
`pandas_verdicts`: the rules written the way an analyst writes them (a rule table read
from the framework, a groupby per employee and quarter for means, minimums and counts, a
merge onto each employee's window, the streak of qualifying quarters, evidence counted
since the level started, approvals in the latest quarter). Then it times a loop of
`progression.evaluate` over 10,000 histories loaded from the CSV exports, and checks
how often the two agree on the status of those 10,000 people.

`pandas_verdicts` and `evaluate_loop` are importable, so that the population benchmark
measures them in the same run as the engine. Times are CPU seconds: the machine is
shared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from pyarrow import csv

import progression
from progression import (
    AverageScore,
    Calibration,
    Framework,
    ManagerEndorsement,
    RatingHistory,
    ScopeEvidence,
    ScoreFloor,
    Sustained,
    TimeInLevel,
    Verdict,
    examples,
)

#: The raters whose scores count: a calibrated score wins over the manager's.
PRIORITY = {"calibrated": 0, "manager": 1}


def rules_table(framework: Framework) -> pd.DataFrame:
    """One row per level: its next level on the track and the default policy's numbers."""
    rows = []
    for family in framework.job_families:
        for track in family.tracks:
            for level in track.levels:
                target = track.next_level(level.id)
                if target is None:
                    continue
                policy = framework.policy(family.id, level.id, target.id)
                assert policy is not None
                row: dict[str, Any] = {
                    "level": level.id,
                    "target": target.id,
                    "competencies": len(track.expected_at(target.id)),
                    "threshold": None,
                    "floor": None,
                    "sustain": 1,
                    "time_in_level_cycles": None,
                    "evidence": None,
                    "evidence_count": 1,
                    "evidence_min": None,
                    "endorsement": False,
                    "calibration": False,
                }
                for criterion in policy.criteria:
                    if isinstance(criterion, AverageScore):
                        row["threshold"] = float(criterion.threshold)
                    elif isinstance(criterion, ScoreFloor):
                        row["floor"] = criterion.floor
                    elif isinstance(criterion, Sustained):
                        row["sustain"] = criterion.cycles
                    elif isinstance(criterion, TimeInLevel):
                        row["time_in_level_cycles"] = criterion.cycles
                    elif isinstance(criterion, ScopeEvidence):
                        row["evidence"] = criterion.id
                        row["evidence_count"] = criterion.count
                        minimum = criterion.min_value
                        row["evidence_min"] = None if minimum is None else float(minimum)
                    elif isinstance(criterion, ManagerEndorsement):
                        row["endorsement"] = True
                    elif isinstance(criterion, Calibration):
                        row["calibration"] = True
                rows.append(row)
    return pd.DataFrame(rows).set_index("level")


def quarter(column: pd.Series) -> pd.Series:
    """``2026-Q3`` as a number that goes up by one per quarter (worked out per category)."""
    text = pd.Series(column.cat.categories.astype(str))
    numbers = (text.str[:4].astype(int) * 4 + text.str[-1].astype(int) - 1).to_numpy()
    return pd.Series(numbers[column.cat.codes.to_numpy()], index=column.index)


def pandas_verdicts(
    rules: pd.DataFrame, ratings: pd.DataFrame, levels: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:
    """Status and met-except-approval per employee, as a notebook user computes them.

    Text columns are categoricals; employees are grouped by their integer codes in the
    levels table's categories, the usual way to keep a groupby over a million keys fast.
    """
    ids = levels["employee_id"].cat.categories

    def codes(frame: pd.DataFrame) -> Any:
        return pd.Categorical(frame["employee_id"], categories=ids).codes

    levels = levels.assign(e=codes(levels), q=quarter(levels["since"]))
    events = events.assign(e=codes(events), q=quarter(events["cycle"]))
    # Only the columns the rules read: copying 80 million rows of text costs seconds.
    scores = pd.DataFrame(
        {"e": codes(ratings), "q": quarter(ratings["cycle"]), "score": ratings["score"]}
    )

    # The latest quarter anyone wrote anything about an employee is the one judged.
    as_of = (
        pd.concat([table.groupby("e")["q"].max() for table in (scores, events, levels)])
        .groupby(level=0)
        .max()
        .rename("as_of")
    )
    people = levels.sort_values(["e", "q"]).groupby("e").last()
    people = people.drop(columns="since").rename(columns={"q": "since"}).join(as_of)
    people["level"] = people["level"].astype(str)
    people = people.join(rules, on="level")

    # Counted scores: calibrated over manager, self and peer scores left out (NaN).
    rater = ratings["rater"]
    counts = rater.isin(list(PRIORITY)).to_numpy(copy=True)
    if (rater == "calibrated").any():
        keys = scores[["e", "q"]].assign(c=ratings["competency"].cat.codes)
        calibrated = keys[(rater == "calibrated").to_numpy()].drop_duplicates()
        overruled = keys.merge(calibrated, how="left", indicator=True)["_merge"] == "both"
        counts &= ~((rater == "manager").to_numpy() & overruled.to_numpy())
    counted = scores["score"].where(counts)
    per_quarter = (
        scores.assign(counted=counted)
        .groupby(["e", "q"])
        .agg(mean=("counted", "mean"), min=("counted", "min"), count=("counted", "count"))
    )
    # A quarter is reviewed when anything was recorded in it, an endorsement alone too.
    reviewed = events.groupby(["e", "q"]).size().rename("rows")
    per_quarter = per_quarter.join(reviewed, how="outer").reset_index()
    per_quarter["rows"] = 1

    # Each employee's window: the last `sustain` quarters up to as_of.
    window = people[["as_of", "sustain", "threshold", "floor", "competencies"]].reset_index()
    window = window.loc[window.index.repeat(window["sustain"])]
    window["q"] = window["as_of"] - window.groupby("e").cumcount()
    window = window.merge(per_quarter, on=["e", "q"], how="left")
    no_review = window["rows"].isna()
    unrated = window["count"].fillna(0) < window["competencies"]
    average = pd.Series("passed", index=window.index)
    average[window["mean"] < window["threshold"]] = "failed"
    average[unrated] = "undecided"
    average[no_review] = "failed"
    floor = pd.Series("passed", index=window.index)
    floor[unrated] = "undecided"
    floor[window["min"] < window["floor"]] = "failed"
    floor[no_review] = "failed"
    qualifies = (average == "passed") & (floor == "passed")

    def worst(outcomes: pd.Series) -> pd.Series:
        """Failed if any quarter failed, else undecided if any was, else passed."""
        failed = (outcomes == "failed").groupby(window["e"]).any()
        undecided = (outcomes == "undecided").groupby(window["e"]).any()
        worst = pd.Series("passed", index=failed.index)
        return worst.mask(undecided, "undecided").mask(failed, "failed")

    people["average_score"] = worst(average)
    people["score_floor"] = worst(floor)
    streak = qualifies.groupby(window["e"]).all()
    any_failed = (people["average_score"] == "failed") | (people["score_floor"] == "failed")
    people["sustained"] = "undecided"
    people.loc[any_failed, "sustained"] = "failed"
    people.loc[streak[streak].index, "sustained"] = "passed"

    spent = people["as_of"] - people["since"] + 1
    people["time_in_level"] = "failed"
    people.loc[spent >= people["time_in_level_cycles"], "time_in_level"] = "passed"

    evidence = events[events["event"] == "evidence"]
    evidence = evidence.merge(
        people[["since", "as_of", "evidence", "evidence_min"]], left_on="e", right_index=True
    )
    value = pd.to_numeric(evidence["value"].astype(str), errors="coerce")
    counts = (
        evidence[
            (evidence["requirement"].astype(str) == evidence["evidence"])
            & evidence["q"].between(evidence["since"], evidence["as_of"])
            & (evidence["evidence_min"].isna() | (value >= evidence["evidence_min"]))
        ]
        .groupby("e")
        .size()
    )
    records = counts.reindex(people.index, fill_value=0)
    people["scope_evidence"] = "passed"
    people.loc[records < people["evidence_count"], "scope_evidence"] = "failed"
    people.loc[people["evidence"].isna(), "scope_evidence"] = None

    latest = events[events["q"].to_numpy() == people["as_of"].reindex(events["e"]).to_numpy()]
    for event, name in (("endorsement", "manager_endorsement"), ("calibration", "calibration")):
        given = latest.loc[latest["event"] == event, "e"].unique()
        people[name] = "failed"
        people.loc[people.index.isin(given), name] = "passed"

    judged = ["average_score", "score_floor", "sustained", "time_in_level", "scope_evidence"]
    approvals = ["manager_endorsement", "calibration"]
    outcomes = people[judged + approvals]
    status = pd.Series("ready", index=people.index)
    status[(outcomes == "undecided").any(axis=1)] = "insufficient_data"
    status[(outcomes == "failed").any(axis=1)] = "not_ready"
    met = ~people[judged].isin(["failed", "undecided"]).any(axis=1)
    return pd.DataFrame(
        {
            "employee_id": ids[people.index],
            "level": people["level"],
            "target": people["target"],
            "status": status,
            "met_except_approval": met,
        }
    ).set_index("employee_id")


def frames(tables: tuple[Any, Any, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three Arrow tables as pandas frames, with categorical text columns."""
    ratings, levels, events = tables
    return ratings.to_pandas(), levels.to_pandas(), events.to_pandas()


def histories_from_tables(tables: tuple[Any, Any, Any]) -> tuple[RatingHistory, ...]:
    """The histories the CSV loader reads from the tables written as CSV exports."""
    ratings, levels, events = tables
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{name}.csv" for name in ("ratings", "levels", "events")]
        ratings = ratings.select(["employee_id", "cycle", "competency", "score", "rater"])
        options = csv.WriteOptions(quoting_style="needed")
        for table, path in zip((ratings, levels, events), paths, strict=True):
            csv.write_csv(table, str(path), write_options=options)
        return progression.load_history(paths[0], levels=paths[1], events=paths[2])


def evaluate_loop(framework: Framework, histories: tuple[RatingHistory, ...]) -> list[Verdict]:
    """One `evaluate` per history, as a loop in a notebook."""
    return [progression.evaluate(framework, history) for history in histories]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--loop", type=int, default=10_000, help="histories in the loop")
    args = parser.parse_args(argv)
    framework = examples.load("engineering")
    rules = rules_table(framework)

    tables = examples.population(args.employees)
    rows = tables[0].num_rows
    data = frames(tables)
    del tables
    start = time.process_time()
    pandas_verdicts(rules, *data)
    pandas_s = time.process_time() - start
    del data

    small = examples.population(args.loop, seed=1)
    histories = histories_from_tables(small)
    start = time.process_time()
    verdicts = evaluate_loop(framework, histories)
    loop_s = time.process_time() - start
    baseline = pandas_verdicts(rules, *frames(small))
    same = sum(
        baseline.at[v.employee, "status"] == v.status.value
        and bool(baseline.at[v.employee, "met_except_approval"]) == v.met_except_approval
        for v in verdicts
    )

    print(f"{'case':<44} {'employees':>10} {'CPU s':>8} {'us/employee':>12}")
    for name, count, seconds in (
        ("pandas, the rules as a notebook writes them", args.employees, pandas_s),
        ("loop of evaluate() over histories", args.loop, loop_s),
    ):
        print(f"{name:<44} {count:>10,} {seconds:>8.2f} {seconds / count * 1e6:>12.1f}")
    print(
        f"pandas agrees with evaluate() on status and met_except_approval for"
        f" {same:,} of {len(verdicts):,} employees"
    )
    print(
        f"{rows:,} rating rows; python {sys.version.split()[0]}, pandas {pd.__version__}, CPU time"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
