"""How well the wording rules tell vague descriptions from observable ones.

Reads the labelled corpus in tests/data/wording/ and prints Cohen's kappa of the two
labellings, the confusion matrix of "any wording finding of severity warning or error"
against the gold labels (the texts both readers labelled alike), precision and recall
overall and per framework, leave-one-framework-out figures, and the worst misses with
their findings.

Leave-one-framework-out: the only tuned numbers are the clause weights
(`Weights.main` and `Weights.participle`). For each framework, the weights are chosen
on the other four (best F1 over a small grid) and the held-out framework is measured
with them; the word classes themselves are never edited per sentence.

    python benchmarks/wording_measure.py [--misses N] [--exclude PREFIX,...]
"""

from __future__ import annotations

import argparse
import csv
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from progression import Severity
from progression._lint._rules import _wording_findings
from progression._lint._wording import Weights

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "wording"
GRID = [
    Weights(main=main, participle=participle)
    for main, participle in itertools.product([1.0, 1.5, 2.0, 3.0], [0.5, 1.0])
]


@dataclass(frozen=True)
class Text:
    id: str
    framework: str
    text: str
    label: str  # the gold label: "vague" or "observable"


def labels(name: str) -> dict[str, str]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["label"] for row in csv.DictReader(handle)}


def corpus() -> tuple[list[Text], float, int]:
    """The gold texts, Cohen's kappa of the two labellings, and the corpus size."""
    first, second = labels("labels_a.csv"), labels("labels_b.csv")
    with (DATA / "corpus.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    gold = [
        Text(
            id=row["id"],
            framework=row["id"].split("-")[0],
            text=row["text"],
            label=first[row["id"]],
        )
        for row in rows
        if first[row["id"]] == second[row["id"]]
    ]
    return gold, kappa([first[r["id"]] for r in rows], [second[r["id"]] for r in rows]), len(rows)


def kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa: agreement beyond what two labellers would reach by chance."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    expected = sum(
        (first.count(label) / n) * (second.count(label) / n) for label in set(first) | set(second)
    )
    return (observed - expected) / (1 - expected)


def flagged(text: str, weights: Weights) -> bool:
    """Whether any wording finding of severity warning or error is reported."""
    return any(f.severity is not Severity.INFO for f in _wording_findings(text, weights))


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            tp=self.tp + other.tp,
            fp=self.fp + other.fp,
            fn=self.fn + other.fn,
            tn=self.tn + other.tn,
        )


def score(texts: Iterable[Text], predicted: dict[str, bool]) -> Scores:
    tp = fp = fn = tn = 0
    for t in texts:
        vague, said = t.label == "vague", predicted[t.id]
        tp += vague and said
        fp += not vague and said
        fn += vague and not said
        tn += not vague and not said
    return Scores(tp=tp, fp=fp, fn=fn, tn=tn)


def predictions(texts: Sequence[Text], weights: Weights) -> dict[str, bool]:
    return {t.id: flagged(t.text, weights) for t in texts}


def leave_one_framework_out(texts: Sequence[Text]) -> list[tuple[str, Weights, Scores]]:
    """For each framework: the weights chosen on the others, and its scores with them."""
    by_weights = {w: predictions(texts, w) for w in GRID}
    out = []
    for held in sorted({t.framework for t in texts}):
        rest = [t for t in texts if t.framework != held]
        # Ties go to the weights listed first (the smaller ones).
        best = max(GRID, key=lambda w: score(rest, by_weights[w]).f1)
        out.append((held, best, score([t for t in texts if t.framework == held], by_weights[best])))
    return out


def row(name: str, s: Scores) -> str:
    n = s.tp + s.fp + s.fn + s.tn
    return (
        f"| {name} | {n} | {s.tp} | {s.fp} | {s.fn} | {s.tn} | {s.precision:.2f} | {s.recall:.2f} |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=15, help="worst misses to print")
    parser.add_argument("--exclude", default="", help="framework prefixes to leave out")
    args = parser.parse_args(argv)
    gold, agreement, size = corpus()
    excluded = {p for p in args.exclude.split(",") if p}
    gold = [t for t in gold if t.framework not in excluded]
    print(f"corpus: {size} texts; kappa of the two labellings: {agreement:.2f}")
    print(f"gold set (both labels agree): {len(gold)} texts", end="")
    print(f" (frameworks left out: {', '.join(sorted(excluded))})" if excluded else "")
    print()
    weights = Weights()
    predicted = predictions(gold, weights)
    overall = score(gold, predicted)
    print(f"weights: main {weights.main}, participle {weights.participle}")
    print()
    print("|  | gold vague | gold observable |")
    print("|---|---:|---:|")
    print(f"| flagged (warning or error) | {overall.tp} | {overall.fp} |")
    print(f"| not flagged | {overall.fn} | {overall.tn} |")
    print()
    print("| framework | texts | TP | FP | FN | TN | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for framework in sorted({t.framework for t in gold}):
        print(row(framework, score([t for t in gold if t.framework == framework], predicted)))
    print(row("all", overall))
    print()
    print("Leave one framework out (weights chosen on the other frameworks):")
    print()
    print(
        "| held out | weights (main, participle) | texts | TP | FP | FN | TN | precision | recall |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    pooled = Scores(0, 0, 0, 0)
    for held, best, s in leave_one_framework_out(gold):
        pooled += s
        print(row(f"{held} | {best.main}, {best.participle}", s))
    print(row("all, pooled | ", pooled))
    for title, wanted in (("False alarms", "observable"), ("Misses", "vague")):
        wrong = [
            t for t in gold if t.label == wanted and predicted[t.id] == (wanted == "observable")
        ]
        print()
        print(f"{title} ({len(wrong)}):")
        for t in wrong[: args.misses]:
            print(f"- {t.id}: {t.text}")
            for f in _wording_findings(t.text, weights):
                print(f"    {f.severity.value} {f.code} {f.message}")


if __name__ == "__main__":
    main()
