"""Level fit and rater drift over a synthetic company, timed in one run.

    python benchmarks/bench_calibration.py [EMPLOYEES]

Builds `examples.population(EMPLOYEES)` (1,000,000 by default: about 80 million rating
rows), then times `level_fit` and `rater_drift` in CPU time, and, where the population
engine is installed, one `evaluate_population` over the same company for the ratio the
targets are stated in (each analysis within 3x of one evaluation). Prints a table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from progression import examples
from progression.population import level_fit, rater_drift


def timed(run: Callable[[], Any]) -> float:
    """CPU seconds of one call: the machine is shared, so wall time would mislead."""
    start = time.process_time()
    run()
    return time.process_time() - start


def main(employees: int) -> None:
    framework = examples.load("engineering")
    start = time.process_time()
    company = examples.population(employees, seed=0)
    generated = time.process_time() - start
    rows = company[0].num_rows
    results: list[tuple[str, float]] = [
        ("level_fit", timed(lambda: level_fit(framework, company))),
        ("rater_drift", timed(lambda: rater_drift(framework, company))),
    ]
    evaluation: float | None = None
    try:
        from progression.population import (  # type: ignore[attr-defined]
            Population,
            evaluate_population,
        )
    except ImportError:
        pass
    else:
        population = Population.from_tables(*company)
        evaluation = timed(lambda: evaluate_population(framework, population))
    print(f"{employees:,} employees, {rows:,} rating rows (generated in {generated:.1f} s CPU)")
    print(f"{'analysis':<22}{'CPU s':>9}{'x one evaluation':>19}")
    if evaluation is not None:
        print(f"{'evaluate_population':<22}{evaluation:>9.2f}{1:>19.2f}")
    for name, seconds in results:
        ratio = f"{seconds / evaluation:.2f}" if evaluation else "n/a"
        print(f"{name:<22}{seconds:>9.2f}{ratio:>19}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
