"""Time and peak memory of loading rating histories from the three CSV exports.

Run with ``make bench`` (or ``python benchmarks/bench_csv.py``). For 10,000 and 100,000
people (10 competencies, 8 quarters: 800,000 and 8,000,000 score rows) it writes the
three files into a temporary folder with a seeded generator, loads them with
`progression.load_history` in a fresh interpreter, and prints people, rows, megabytes,
seconds, CPU seconds and the peak resident memory of that interpreter, beside the
figures from before the streaming loader, kept below. ``--people N`` measures other
sizes; ``--repeat N`` loads each N times and keeps the best, as other work on a shared
machine only adds time (CPU seconds are the steadier figure there).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 2026
FAMILY = "engineering"
CYCLES = [f"{2024 + (q + 3) // 4}-Q{(q + 3) % 4 + 1}" for q in range(8)]  # 2024-Q4..2026-Q3
COMPETENCIES = (
    "communication",
    "ownership",
    "collaboration",
    "delivery",
    "system-design",
    "technical-depth",
    "operations",
    "code-quality",
    "mentoring",
    "hiring",
)
IC_LEVELS = ("IC1", "IC2", "IC3", "IC4", "IC5", "IC6")
REQUIREMENTS = ("team-technical-plan", "org-wide-initiative", "industry-impact")

#: Seconds, CPU seconds and peak megabytes of the loader this benchmark came with: the
#: whole text of each file read at once (`load_history` refused files over 16 MiB then,
#: so the files' text was given to the CSV reader directly), one dictionary per row,
#: every value checked again by the history's constructor. Measured the same way as
#: below, on the same machine, in turn with the loader of this change.
BEFORE_DATE = "2026-12-02"
BEFORE = {10_000: (12.9, 11.9, 738.0), 100_000: (142.1, 110.0, 7143.0)}


def write_team(folder: Path, people: int, seed: int = SEED) -> dict[str, Path]:
    """Write ratings.csv, levels.csv and events.csv for ``people`` employees; their paths."""
    rng = random.Random(seed)
    paths = {name: folder / f"{name}.csv" for name in ("ratings", "levels", "events")}
    with (
        paths["ratings"].open("w", encoding="utf-8", newline="") as ratings_file,
        paths["levels"].open("w", encoding="utf-8", newline="") as levels_file,
        paths["events"].open("w", encoding="utf-8", newline="") as events_file,
    ):
        ratings = csv.writer(ratings_file, lineterminator="\n")
        levels = csv.writer(levels_file, lineterminator="\n")
        events = csv.writer(events_file, lineterminator="\n")
        ratings.writerow(("employee_id", "cycle", "competency", "score", "rater"))
        levels.writerow(("employee_id", "family", "track", "level", "since"))
        events.writerow(("employee_id", "cycle", "event", "requirement", "value", "note"))
        for number in range(1, people + 1):
            employee = f"e{number:06d}"
            start = rng.randrange(len(IC_LEVELS) - 1)
            levels.writerow((employee, FAMILY, "ic", IC_LEVELS[start], CYCLES[0]))
            if rng.random() < 0.3:
                promoted = rng.randrange(1, len(CYCLES))
                levels.writerow((employee, FAMILY, "ic", IC_LEVELS[start + 1], CYCLES[promoted]))
            base = rng.randint(2, 4)
            for cycle in CYCLES:
                rater = "calibrated" if rng.random() < 0.2 else "manager"
                for competency in COMPETENCIES:
                    score = min(5, max(1, base + rng.choice((-1, 0, 0, 1))))
                    ratings.writerow((employee, cycle, competency, score, rater))
            for _ in range(rng.randint(0, 2)):
                value = rng.choice(("", str(rng.randint(1, 40)), "2.5"))
                note = rng.choice(("Payments rewrite", 'The "fast path", measured', ""))
                cycle, requirement = rng.choice(CYCLES), rng.choice(REQUIREMENTS)
                events.writerow((employee, cycle, "evidence", requirement, value, note))
            if rng.random() < 0.4:
                events.writerow((employee, CYCLES[-1], "endorsement", "", "", ""))
                events.writerow((employee, CYCLES[-1], "calibration", "", "", ""))
    return paths


def load(folder: Path) -> dict[str, float]:
    """Load the three files in ``folder``: seconds, peak resident megabytes, histories."""
    import progression

    started, cpu = time.perf_counter(), time.process_time()
    histories = progression.load_history(
        folder / "ratings.csv", levels=folder / "levels.csv", events=folder / "events.csv"
    )
    # A few allocations run any garbage collection the load left pending: it is its cost.
    [[] for _ in range(2000)]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # Linux reports kilobytes; the interpreter and the imports are part of the figure.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "histories": len(histories)}


def measure(people: int, repeat: int) -> dict[str, float]:
    """Generate ``people`` employees and load them in a fresh interpreter, best of ``repeat``."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        paths = write_team(folder, people)
        with paths["ratings"].open("rb") as file:
            rows = sum(1 for _ in file) - 1
        size = sum(path.stat().st_size for path in paths.values()) / 1024 / 1024
        runs = []
        for _ in range(repeat):
            done = subprocess.run(
                [sys.executable, __file__, "--load", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(done.stdout))
            if runs[-1]["histories"] != people:
                raise SystemExit(f"loaded {runs[-1]['histories']} histories of {people}")
        # Other work on the machine only ever adds time: the fastest run is the fairest.
        best = {key: min(run[key] for run in runs) for key in ("seconds", "cpu", "peak_mb")}
        return {"people": people, "rows": rows, "mb": size, **best}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, action="append", help="people to generate")
    parser.add_argument("--repeat", type=int, default=1, help="loads of each size (best)")
    parser.add_argument("--load", metavar="FOLDER", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.load:
        print(json.dumps(load(Path(options.load))))
        return
    print(f"{'people':>8} {'rows':>10} {'MB':>6} {'seconds':>8} {'CPU s':>8} {'peak MB':>8}")
    for people in options.people or [10_000, 100_000]:
        row = measure(people, options.repeat)
        size = f"{people:>8,} {int(row['rows']):>10,} {row['mb']:>6.1f}"
        print(f"{size} {row['seconds']:>8.2f} {row['cpu']:>8.2f} {row['peak_mb']:>8.0f}  now")
        if people in BEFORE:
            seconds, cpu, peak = BEFORE[people]
            print(
                f"{size} {seconds:>8.2f} {cpu:>8.2f} {peak:>8.0f}"
                f"  before this change (measured {BEFORE_DATE})"
            )
            print(
                f"{'':>26} {seconds / row['seconds']:>7.1f}x {cpu / row['cpu']:>7.1f}x"
                f" {peak / row['peak_mb']:>7.1f}x  faster, leaner"
            )


if __name__ == "__main__":
    main()
