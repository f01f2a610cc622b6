"""Level fit and rater drift over a synthetic company, timed in one run.

    python benchmarks/bench_calibration.py [EMPLOYEES]

Builds `examples.population(EMPLOYEES)` (1,000,000 by default: about 67 million rating
rows) and its `Population`, then times one `evaluate_population`, `level_fit` and
`rater_drift` over it in CPU time, for the ratio the targets are stated in (each
analysis within 3x of one evaluation). Prints a table, with the process's peak resident
memory after each step (it only grows: a step that needs more than all before it raises
it).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from progression import examples
from progression.population import Population, evaluate_population, level_fit, rater_drift


def timed(run: Callable[[], Any]) -> float:
    """CPU seconds of one call: the machine is shared, so wall time would mislead."""
    start = time.process_time()
    run()
    return time.process_time() - start


def peak() -> float:
    """The process's peak resident memory so far, in GB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main(employees: int) -> None:
    framework = examples.load("engineering")
    start = time.process_time()
    company = examples.population(employees, seed=0)
    generated = time.process_time() - start
    rows = company[0].num_rows
    loading = timed(lambda: Population.from_tables(*company))
    population = Population.from_tables(*company)
    loaded = peak()
    evaluation = timed(lambda: evaluate_population(framework, population))
    results = [("evaluate_population", evaluation, peak())]
    analyses: list[tuple[str, Callable[[], Any]]] = [
        ("level_fit", partial(level_fit, framework, population)),
        ("rater_drift", partial(rater_drift, framework, population)),
    ]
    for name, analysis in analyses:
        results.append((name, timed(analysis), peak()))
    print(f"{employees:,} employees, {rows:,} rating rows (generated in {generated:.1f} s CPU)")
    print(f"Population.from_tables: {loading:.2f} s CPU, once for all of the below")
    print(f"peak resident memory once loaded: {loaded:.2f} GB")
    print(f"{'analysis':<22}{'CPU s':>9}{'x one evaluation':>19}{'peak GB after':>15}")
    for name, seconds, memory in results:
        print(f"{name:<22}{seconds:>9.2f}{seconds / evaluation:>19.2f}{memory:>15.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
