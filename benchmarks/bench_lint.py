"""How long the wording rules take per description, and lint on the bundled examples.

Run with ``python benchmarks/bench_lint.py``. Prints a table: the first call in a
process (which loads the lexicon), then `lint_description` over the 418 texts of the
wording corpus (tests/data/wording/corpus.csv) on a first pass, when each new word is
looked up in the lexicon, and on later passes, when the lookups are cached; then
`lint` of each bundled example framework (every rule, not only wording). The target is
under 1 ms per description on average. The times are wall-clock: other busy processes
on the machine show up in the p99 column first.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from progression import examples, lint, lint_description

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "wording" / "corpus.csv"
PASSES = 20


def texts() -> list[str]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def p99(samples: Sequence[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def row(what: str, samples: Sequence[float], unit: float = 1e-3, name: str = "ms") -> str:
    mean = statistics.fmean(samples) / unit
    tail = p99(samples) / unit if len(samples) > 1 else samples[0] / unit
    return f"| {what} | {len(samples)} | {mean:.3f} {name} | {tail:.3f} {name} |"


def main() -> None:
    corpus = texts()
    cold = timed(lambda: lint_description("Reviews every design change for the team."))
    first = [timed(lambda t=t: lint_description(t)) for t in corpus]  # type: ignore[misc]
    warm = [
        timed(lambda t=t: lint_description(t))  # type: ignore[misc]
        for _ in range(PASSES)
        for t in corpus
    ]
    print("| what | runs | mean | p99 |")
    print("|---|---:|---:|---:|")
    print(row("first call in a process (loads the lexicon)", [cold]))
    print(row("lint_description, corpus, first pass", first))
    print(row(f"lint_description, corpus, {PASSES} more passes", warm))
    for name in examples.names():
        framework = examples.load(name)
        count = sum(
            len(competency.levels)
            for family in framework.job_families
            for track in family.tracks
            for competency in track.competencies
        )
        runs = [timed(lambda f=framework: lint(f)) for _ in range(PASSES)]  # type: ignore[misc]
        print(row(f"lint({name!r}): {count} descriptions", runs))
    print()
    mean = statistics.fmean(warm) * 1e3
    verdict = "meets" if statistics.fmean(first) * 1e3 < 1 and mean < 1 else "misses"
    print(f"target: under 1 ms per description on average ({verdict} it)")


if __name__ == "__main__":
    main()
