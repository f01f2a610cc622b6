"""Level fit and rater drift over a synthetic company, timed in one run.

    python benchmarks/bench_calibration.py [EMPLOYEES]

Builds `examples.population(EMPLOYEES)` (1,000,000 by default: about 67 million rating
rows) and its `Population`, then times one `evaluate_population`, `level_fit` and
`rater_drift` over it in CPU time, for the ratio the targets are stated in (each
analysis within 3x of one evaluation). Prints a table, with the peak resident memory
(`resource.getrusage`) of the whole run and of each step: on Linux the high-water mark is
reset before each step (``/proc/self/clear_refs``), so a step's figure is the most the
process held during it, the loaded population included; elsewhere it is the peak so far.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from progression import examples
from progression.population import Population, evaluate_population, level_fit, rater_drift


def timed(run: Callable[[], Any]) -> float:
    """CPU seconds of one call: the machine is shared, so wall time would mislead."""
    start = time.process_time()
    run()
    return time.process_time() - start


def peak() -> float:
    """The process's peak resident memory since the last reset, in GB (Linux: kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def reset_peak() -> None:
    """Start a new high-water mark where the system allows it (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def step(run: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds and peak resident GB of one call."""
    reset_peak()
    seconds = timed(run)
    return seconds, peak()


def main(employees: int) -> None:
    framework = examples.load("engineering")
    start = time.process_time()
    company = examples.population(employees, seed=0)
    generated = time.process_time() - start
    rows = company[0].num_rows
    loading = timed(lambda: Population.from_tables(*company))
    population = Population.from_tables(*company)
    loaded = peak()
    results = [("evaluate_population", *step(partial(evaluate_population, framework, population)))]
    results.append(("level_fit", *step(partial(level_fit, framework, population))))
    results.append(("rater_drift", *step(partial(rater_drift, framework, population))))
    evaluation = results[0][1]
    whole = max(loaded, *(memory for _, _, memory in results))
    print(f"{employees:,} employees, {rows:,} rating rows (generated in {generated:.1f} s CPU)")
    print(f"Population.from_tables: {loading:.2f} s CPU, once for all of the below")
    print(f"peak resident memory: {loaded:.2f} GB until loaded, {whole:.2f} GB in the whole run")
    print(f"{'analysis':<22}{'CPU s':>9}{'x one evaluation':>19}{'peak GB':>10}")
    for name, seconds, memory in results:
        print(f"{name:<22}{seconds:>9.2f}{seconds / evaluation:>19.2f}{memory:>10.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
