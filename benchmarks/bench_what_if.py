"""Sweeps of 50 policies against one evaluation, over a synthetic company, in one run.

    python benchmarks/bench_what_if.py [EMPLOYEES]

Builds `examples.population(EMPLOYEES)` (1,000,000 by default) and its `Population`,
then times, in CPU time, one `evaluate_population`; `sweep` over 50 thresholds; `sweep`
over a 50-point grid mixing threshold, floor, sustained cycles and time in level (5 x 2
x 5, the last two moving together); and `sweep` over 3 sustained values. Each sweep
reads every point from the critical values of one run of the engine. The target: 50
policies in at most 3x one evaluation. Prints a table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from progression import examples
from progression.population import Population, evaluate_population, sweep

#: 50 thresholds from 3 (the policies' floors) to 4.96.
THRESHOLDS = [{"threshold": Fraction(3) + Fraction(k, 25)} for k in range(50)]
#: 5 thresholds x 2 floors x 5 (sustained, time in level): thresholds stay at or above
#: the floors, as the framework asks.
MIXED = [
    {"threshold": threshold, "floor": floor, "sustained": cycles, "time_in_level": 2 * cycles}
    for threshold in ("3", "3.25", "3.5", "3.75", "4")
    for floor in (2, 3)
    for cycles in (1, 2, 3, 4, 5)
]


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of one call: the machine is shared, so wall time would mislead."""
    start = time.process_time()
    found = run()
    return time.process_time() - start, found


def main(employees: int) -> None:
    framework = examples.load("engineering")
    company = examples.population(employees, seed=0)
    population = Population.from_tables(*company)
    del company
    evaluation, _ = timed(lambda: evaluate_population(framework, population))
    thresholds, result = timed(lambda: sweep(framework, population, THRESHOLDS))
    mixed, grid = timed(lambda: sweep(framework, population, MIXED))
    others, _ = timed(lambda: sweep(framework, population, {"sustained": [1, 2, 3]}))
    print(f"{employees:,} employees")
    print(f"{'run':<36}{'CPU s':>9}{'x one evaluation':>19}")
    print(f"{'evaluate_population':<36}{evaluation:>9.2f}{1:>19.2f}")
    name = f"sweep, 50 thresholds ({result.evaluations} run)"
    print(f"{name:<36}{thresholds:>9.2f}{thresholds / evaluation:>19.2f}")
    name = f"sweep, 50 mixed points ({grid.evaluations} run)"
    print(f"{name:<36}{mixed:>9.2f}{mixed / evaluation:>19.2f}")
    print(f"{'sweep, sustained 1, 2, 3 (1 run)':<36}{others:>9.2f}{others / evaluation:>19.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
