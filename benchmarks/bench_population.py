"""The population engine on a synthetic company: loading, memory, evaluation, and baselines.

Run ``python benchmarks/bench_population.py [--employees N] [--csv-employees M]``
(1,000,000 by default, about 80 million rating rows over 8 quarters). In one run it
draws ``examples.population(N)``, writes it as Parquet (and as CSV for M employees) in
a temporary folder, then measures, in CPU seconds (the machine is shared):

- Parquet files to a ready `Population`, and CSV files to one;
- the population's memory (`Population.nbytes`, per employee);
- `evaluate_population` with full per-criterion output, and the peak memory while it
  runs: the population's, plus the most the evaluation allocated at once (numpy's
  arrays through tracemalloc, pyarrow's through its memory pool, sampled every 5 ms);
- the same rules written the way a notebook user writes pandas
  (``bench_pandas_baseline.pandas_verdicts``) on the same company;
- a loop of `progression.evaluate` over 10,000 histories, beside the engine on them.

It prints a table, each figure beside its target.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from progression import examples
from progression.population import Population, evaluate_population

sys.path.insert(0, str(Path(__file__).parent))
from bench_pandas_baseline import (
    evaluate_loop,
    frames,
    histories_from_tables,
    pandas_verdicts,
    rules_table,
)

NAMES = ("ratings", "levels", "events")


def allocated() -> int:
    """Bytes numpy (traced by tracemalloc) and pyarrow (its memory pool) hold now."""
    return int(tracemalloc.get_traced_memory()[0]) + int(pa.total_allocated_bytes())


class PeakMemory:
    """The most memory allocated while the block runs, above what was before, sampled.

    Resident memory cannot say it: the allocator keeps freed memory for later arrays.
    numpy's arrays are traced by tracemalloc and pyarrow's by its memory pool; both are
    sampled every 5 ms, and once more at the end.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._start = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, allocated() - self._start)

    def __enter__(self) -> PeakMemory:
        tracemalloc.start()
        self._start = allocated()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, allocated() - self._start, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


def plain(table: pa.Table) -> pa.Table:
    """Text columns as plain strings, as an export writes them (Parquet then keeps a
    dictionary per row group of the values in it)."""
    fields = [
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def write(tables: tuple[pa.Table, ...], folder: Path, suffix: str) -> list[Path]:
    paths = [folder / f"{name}.{suffix}" for name in NAMES]
    for table, path in zip(tables, paths, strict=True):
        if suffix == "parquet":
            pq.write_table(plain(table), path)
        else:
            options = pcsv.WriteOptions(quoting_style="needed")
            pcsv.write_csv(table, str(path), write_options=options)
    return paths


def timed(action: Any) -> tuple[Any, float]:
    start = time.process_time()
    result = action()
    return result, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--csv-employees", type=int, default=None, help="default: --employees")
    parser.add_argument("--loop", type=int, default=10_000, help="histories in the loop")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args(argv)
    n = args.employees
    csv_n = n if args.csv_employees is None else args.csv_employees
    framework = examples.load("engineering")
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        tables = examples.population(n)
        rating_rows = tables[0].num_rows
        parquet = write(tables, folder, "parquet")
        if not args.skip_pandas:
            rules = rules_table(framework)
            data = frames(tables)
            _, pandas_s = timed(lambda: pandas_verdicts(rules, *data))
            del data
        del tables
        gc.collect()
        if csv_n:
            csv_tables = examples.population(csv_n)
            csv_files = write(csv_tables, folder, "csv")
            del csv_tables
            gc.collect()
            _, csv_s = timed(lambda: Population.read(*csv_files))
            gc.collect()

        population, parquet_s = timed(lambda: Population.read(*parquet))
        gc.collect()
        result, evaluate_s = timed(lambda: evaluate_population(framework, population))
        del result
        gc.collect()
        # Again, traced: tracing costs time, so the time is the untraced run's.
        with PeakMemory() as peak:
            result = evaluate_population(framework, population)
        criteria = result.criteria.num_rows
        errors = result.errors.num_rows
        fallbacks = result.fallbacks
        del result
        per_employee = population.nbytes / n

    small = examples.population(args.loop, seed=1)
    histories = histories_from_tables(small)
    _, loop_s = timed(lambda: evaluate_loop(framework, histories))
    small_population = Population.from_tables(*small)
    _, small_s = timed(lambda: evaluate_population(framework, small_population))

    mb = 1024 * 1024
    rows.append(("Parquet to a ready population", f"{parquet_s:.2f} s", "<= 1.5 s", ""))
    if csv_n:
        rows.append((f"CSV to a ready population ({csv_n:,})", f"{csv_s:.2f} s", "reported", ""))
    rows.append(("population in memory", f"{per_employee:.0f} B/employee", "<= 100", ""))
    rows.append(("evaluate, full per-criterion output", f"{evaluate_s:.2f} s", "<= 0.2 s", ""))
    held = per_employee * n
    rows.append(("peak memory while evaluating", f"{(held + peak.peak) / mb:.0f} MB", "<= 500", ""))
    rows.append(("  the population", f"{held / mb:.0f} MB", "", ""))
    rows.append(("  allocated by the evaluation at most", f"{peak.peak / mb:.0f} MB", "", ""))
    if not args.skip_pandas:
        rows.append(("pandas, rules as a notebook writes them", f"{pandas_s:.2f} s", "", ""))
        rows.append(("  pandas / engine", f"{pandas_s / evaluate_s:.1f}x", ">= 15x", ""))
    rows.append((f"loop of evaluate() over {args.loop:,} histories", f"{loop_s:.2f} s", "", ""))
    rows.append((f"engine over the same {args.loop:,}", f"{small_s:.3f} s", "", ""))
    rows.append(("  loop / engine, per employee", f"{loop_s / small_s:.0f}x", "", ""))

    def verdict(value: str, target: str) -> str:
        if not target or target == "reported":
            return ""
        number = float(value.split(maxsplit=1)[0].rstrip("x"))
        limit = float(target.split()[1].rstrip("x"))
        ok = number >= limit if target.startswith(">=") else number <= limit
        return "met" if ok else "NOT MET"

    print(f"{'measure':<44} {'value':>16} {'target':>14} {'':>8}")
    for name, value, target, _ in rows:
        print(f"{name:<44} {value:>16} {target:>14} {verdict(value, target):>8}")
    whole = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{n:,} employees, {rating_rows:,} rating rows, {criteria:,} criterion rows,"
        f" {errors} errors, {fallbacks} fallbacks; CPU seconds; python"
        f" {sys.version.split()[0]}, pyarrow {pa.__version__};"
        f" peak RSS of the whole run {whole // 1024} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
