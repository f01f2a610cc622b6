"""Differential check: the population engine against the single evaluator, employee by employee.

Run ``python benchmarks/bench_population_exact.py [--employees N]`` (100,000 by
default). It draws ``examples.population(N)``, writes the CSV exports, reads them twice
(the CSV loader's histories, evaluated one by one with `progression.evaluate`, and
`Population.read`, evaluated with `evaluate_population`) and compares, for every
employee, the status, ``met_except_approval``, ``ready_since``, ``earliest``, the level,
the target, and every criterion's code, outcome, observed and required values, exactly.
It prints the counts and exits 1 on the first difference it finds (with the employee).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow.csv as pcsv

import progression
from progression import EvaluationError, InvalidHistory, Verdict, examples
from progression.population import Population, evaluate_population


def exact(text: str | None) -> Any:
    """The value a criteria row's exact text stands for."""
    if text is None or text in {"true", "false"}:
        return None if text is None else text == "true"
    return Fraction(text)


def same(verdict: Verdict, row: dict[str, Any], criteria: list[dict[str, Any]]) -> str | None:
    """What differs between a verdict and the engine's rows, or None."""
    expected = {
        "status": verdict.status.value,
        "met_except_approval": verdict.met_except_approval,
        "ready_since": None if verdict.ready_since is None else str(verdict.ready_since),
        "earliest": None if verdict.earliest is None else str(verdict.earliest),
        "as_of": str(verdict.as_of),
        "level": verdict.current_level,
        "target": verdict.target_level,
        "target_family": verdict.target_family,
        "route": verdict.route,
    }
    for name, value in expected.items():
        if row[name] != value:
            return f"{name}: {row[name]!r} != {value!r}"
    if len(criteria) != len(verdict.criteria):
        return f"{len(criteria)} criteria != {len(verdict.criteria)}"
    for got, result in zip(criteria, verdict.criteria, strict=True):
        want = (result.code, result.outcome.value, result.observed, result.required)
        have = (got["code"], got["outcome"], exact(got["observed"]), exact(got["required"]))
        if have != want or isinstance(have[2], bool) != isinstance(want[2], bool):
            return f"criterion {got['position']}: {have} != {want}"
        if result.observed is not None and got["observed_value"] != float(result.observed):
            return f"criterion {got['position']}: float {got['observed_value']}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    framework = examples.load("engineering")
    ratings, levels, events = examples.population(args.employees, seed=args.seed)
    # The columns the CSV loader reads (rater ids are the population's own).
    tables = (ratings.drop_columns(["rater_id"]), levels, events)
    with tempfile.TemporaryDirectory() as temp:
        paths = [Path(temp) / f"{name}.csv" for name in ("ratings", "levels", "events")]
        options = pcsv.WriteOptions(quoting_style="needed")
        for table, path in zip(tables, paths, strict=True):
            pcsv.write_csv(table, str(path), write_options=options)
        start = time.process_time()
        histories = progression.load_history(paths[0], levels=paths[1], events=paths[2])
        single_load = time.process_time() - start
        start = time.process_time()
        population = Population.read(*paths)
        engine_load = time.process_time() - start
    start = time.process_time()
    result = evaluate_population(framework, population)
    engine_s = time.process_time() - start

    start = time.process_time()
    singles: dict[str, Verdict | Exception] = {}
    for history in histories:
        try:
            singles[history.employee] = progression.evaluate(framework, history)
        except (EvaluationError, InvalidHistory) as exc:
            singles[history.employee] = exc
    single_s = time.process_time() - start

    criteria: dict[str, list[dict[str, Any]]] = {}
    for row in result.criteria.to_pylist():
        criteria.setdefault(row["employee_id"], []).append(row)
    errors: dict[str, list[str]] = {}
    for row in result.errors.to_pylist():
        errors.setdefault(row["employee_id"], []).append(row["code"])
    checked = criteria_checked = 0
    rows = result.verdicts.to_pylist()
    if [row["employee_id"] for row in rows] != [h.employee for h in histories]:
        print("the employees differ (order or ids)")
        return 1
    for row in rows:
        employee = row["employee_id"]
        expected = singles[employee]
        if isinstance(expected, Exception):
            code = getattr(expected, "code", "invalid_history")
            if set(errors.get(employee, [])) != {code}:
                print(f"{employee}: errors {errors.get(employee)} != {code}")
                return 1
        else:
            found = same(expected, row, criteria.get(employee, []))
            if found is not None:
                print(f"{employee}: {found}")
                return 1
            criteria_checked += len(expected.criteria)
        checked += 1
    print(f"{'step':<44} {'CPU s':>8}")
    print(f"{'CSV loader, histories':<44} {single_load:>8.2f}")
    print(f"{'Population.read, same CSV files':<44} {engine_load:>8.2f}")
    print(f"{'evaluate() per history, all':<44} {single_s:>8.2f}")
    print(f"{'evaluate_population':<44} {engine_s:>8.2f}")
    print(
        f"identical for {checked:,} of {len(rows):,} employees ({criteria_checked:,} criterion"
        f" results, {result.errors.num_rows} errors, {result.fallbacks} fallbacks)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
