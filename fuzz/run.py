"""The seeded mutation campaign: ``python -m fuzz.run`` (``make fuzz``).

Each input is a seed (or an accepted mutant kept from earlier) mutated one to a few
times by its target's structure-aware mutator, then run under the oracle. One
``--seed`` reproduces a whole campaign. The first input of each distinct finding is
written to ``--findings`` (``<target>-<hash>.bin`` and a ``.txt`` with what the oracle
said), and ``--replay FILE...`` runs such files again.

Examples::

    python -m fuzz.run --seconds 600                     # every target, ten minutes
    python -m fuzz.run --targets history-csv --inputs 50000 --seed 7
    python -m fuzz.run --replay fuzz-findings/history-csv-1a2b3c4d.bin
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import attrs

from .seeds import seeds
from .targets import TARGETS, Finding, Limits, Target, prepare, run_one

__all__ = ["Campaign", "campaign", "main", "replay"]

#: Accepted mutants kept per target to mutate further.
POOL = 200
#: One input in this many is run with its memory traced (tracing slows Python down).
MEMORY_SAMPLE = 25
#: Larger inputs are cut: the oracle's bounds are per byte, so a large input may take
#: seconds, and a campaign is worth more as many small inputs. The largest seed, the
#: engineering example, is 52 KB; the tests cover inputs of megabytes on their own.
MAX_INPUT = 96 * 1024


@attrs.define
class Stats:
    """What one target went through."""

    inputs: int = 0
    accepted: int = 0
    seconds: float = 0.0


@attrs.define
class Campaign:
    """The counts and findings of one campaign."""

    stats: dict[str, Stats] = attrs.field(factory=dict)
    #: The first input and finding of each signature.
    findings: dict[str, tuple[str, bytes, Finding]] = attrs.field(factory=dict)
    #: How many inputs each signature was found by.
    counts: dict[str, int] = attrs.field(factory=dict)
    seconds: float = 0.0
    #: Mutants the harness failed to make (its own faults, not the library's).
    mutator_errors: int = 0

    @property
    def inputs(self) -> int:
        """Inputs run, over every target."""
        return sum(s.inputs for s in self.stats.values())

    def table(self) -> str:
        """The campaign as a table for people."""
        lines = [
            f"{'target':<18} {'inputs':>9} {'accepted':>9} {'inputs/s':>9}",
        ]
        for name, stats in self.stats.items():
            rate = stats.inputs / stats.seconds if stats.seconds else 0.0
            lines.append(f"{name:<18} {stats.inputs:>9} {stats.accepted:>9} {rate:>9.0f}")
        rate = self.inputs / self.seconds if self.seconds else 0.0
        lines.append(f"{'all':<18} {self.inputs:>9} {'':>9} {rate:>9.0f}")
        if self.mutator_errors:
            lines.append(f"{self.mutator_errors} mutants could not be made")
        lines.append(f"{len(self.findings)} distinct findings")
        for signature, (target, _, _) in self.findings.items():
            lines.append(f"  {self.counts[signature]:>6} x {target}: {signature}")
        return "\n".join(lines)


def _mutant(target: Target, rng: random.Random, pool: list[bytes], base: Sequence[bytes]) -> bytes:
    start = rng.choice(pool) if pool and rng.random() < 0.5 else rng.choice(base)
    # Small inputs run faster, so more of them are run: of two, the shorter, mostly.
    other = rng.choice(base)
    if len(other) < len(start) and rng.random() < 0.7:
        start = other
    data = target.mutate(rng, start, base)
    return data[:MAX_INPUT]


def campaign(
    targets: Sequence[str],
    *,
    seed: int = 0,
    inputs: int | None = None,
    seconds: float | None = None,
    limits: Limits | None = None,
    findings: Path | None = None,
    generated: int = 12,
    progress: float = 0.0,
    report: Path | None = None,
) -> Campaign:
    """Run targets until ``inputs`` inputs are run or ``seconds`` have passed.

    Each target gets an equal share of processor time, mutating included.
    """
    limits = limits or Limits()
    all_seeds = seeds(generated)
    prepare(all_seeds)
    rng = random.Random(seed)
    chosen = [TARGETS[name] for name in targets]
    bases = {t.name: list(t.seeds(all_seeds)) for t in chosen}
    pools: dict[str, list[bytes]] = {t.name: [] for t in chosen}
    result = Campaign(stats={t.name: Stats() for t in chosen})
    started = time.monotonic()
    shown = started
    count = 0
    while True:
        elapsed = time.monotonic() - started
        if (inputs is not None and count >= inputs) or (seconds is not None and elapsed >= seconds):
            break
        # Each target gets the same processor time: fast ones run more inputs.
        target = min(chosen, key=lambda t: result.stats[t.name].seconds)
        count += 1
        stats = result.stats[target.name]
        began = time.process_time()
        try:
            data = _mutant(target, rng, pools[target.name], bases[target.name])
        except Exception as exc:  # a fault of the harness, not of the library
            result.mutator_errors += 1
            stats.seconds += time.process_time() - began
            if result.mutator_errors <= 3:
                print(f"mutator error in {target.name}: {exc!r}", file=sys.stderr)
            continue
        input_rng = random.Random(rng.getrandbits(64))
        try:
            accepted = run_one(target, data, input_rng, limits, memory=count % MEMORY_SAMPLE == 0)
        except Finding as finding:
            _record(result, target.name, data, finding, findings)
        else:
            if accepted:
                stats.accepted += 1
                _keep(data, pools[target.name], rng)
        stats.inputs += 1
        stats.seconds += time.process_time() - began
        if progress and time.monotonic() - shown > progress:
            shown = time.monotonic()
            print(
                f"[{shown - started:7.0f} s] {result.inputs} inputs,"
                f" {len(result.findings)} findings",
                file=sys.stderr,
                flush=True,
            )
            if report is not None:
                _write_counts(report, seed, result)
    result.seconds = sum(s.seconds for s in result.stats.values())
    if report is not None:
        _write_counts(report, seed, result)
    return result


def _write_counts(path: Path, seed: int, result: Campaign) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    result.seconds = sum(s.seconds for s in result.stats.values())
    counts = {
        "seed": seed,
        "inputs": result.inputs,
        "seconds": result.seconds,
        "targets": {name: attrs.asdict(stats) for name, stats in result.stats.items()},
        "findings": result.counts,
        "mutator_errors": result.mutator_errors,
    }
    path.write_text(json.dumps(counts, indent=2), encoding="utf-8")


def _keep(data: bytes, pool: list[bytes], rng: random.Random) -> None:
    # Accepted mutants reach deeper than seeds do: mutate them further.
    if len(pool) < POOL:
        pool.append(data)
    else:
        pool[rng.randrange(POOL)] = data


def _record(
    result: Campaign, target: str, data: bytes, finding: Finding, folder: Path | None
) -> None:
    signature = f"{target}: {finding.signature}"
    result.counts[signature] = result.counts.get(signature, 0) + 1
    if signature in result.findings:
        return
    result.findings[signature] = (target, data, finding)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{target}-{hashlib.sha256(signature.encode()).hexdigest()[:8]}"
        (folder / f"{name}.bin").write_bytes(data)
        (folder / f"{name}.txt").write_text(
            f"{signature}\n\n{finding.detail}\n", encoding="utf-8", errors="backslashreplace"
        )


def replay(files: Sequence[Path], limits: Limits | None = None) -> int:
    """Run saved inputs again (the target is the start of the file name); 1 if any fails."""
    status = 0
    prepare()
    for file in files:
        target = next(
            (
                TARGETS[name]
                for name in sorted(TARGETS, key=len, reverse=True)
                if file.name.startswith(name + "-")
            ),
            None,
        )
        if target is None:
            print(f"{file}: no target named in the file name", file=sys.stderr)
            status = 1
            continue
        try:
            run_one(target, file.read_bytes(), random.Random(0), limits or Limits(), memory=True)
        except Finding as finding:
            print(f"{file}: {finding.signature}\n{finding.detail}")
            status = 1
        else:
            print(f"{file}: passes")
    return status


def _limit_memory(mebibytes: int) -> None:
    # The oracle samples memory with tracemalloc; this bound holds for every input, so
    # that one that allocates without end fails with MemoryError (a finding) before
    # the machine runs out.
    try:
        import resource  # noqa: PLC0415 - POSIX only

        limit = mebibytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """The command line of the campaign."""
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n")[0])
    parser.add_argument("--targets", default="all", help=f"comma-separated: {', '.join(TARGETS)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inputs", type=int, help="stop after this many inputs")
    parser.add_argument("--seconds", type=float, help="stop after this many seconds")
    parser.add_argument("--findings", type=Path, default=Path("fuzz-findings"))
    parser.add_argument("--json", type=Path, help="keep the counts here as JSON, as they grow")
    parser.add_argument("--progress", type=float, default=60.0, help="seconds between reports")
    parser.add_argument("--replay", type=Path, nargs="+", metavar="FILE")
    parser.add_argument(
        "--memory",
        type=int,
        default=4096,
        metavar="MIB",
        help="address space of the process: beyond it an input is a memory finding",
    )
    args = parser.parse_args(argv)
    _limit_memory(args.memory)
    if args.replay:
        return replay(args.replay)
    names = list(TARGETS) if args.targets == "all" else args.targets.split(",")
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        parser.error(f"unknown targets {unknown}: expected some of {', '.join(TARGETS)}")
    if args.inputs is None and args.seconds is None:
        args.seconds = 600.0
    result = campaign(
        names,
        seed=args.seed,
        inputs=args.inputs,
        seconds=args.seconds,
        findings=args.findings,
        progress=args.progress,
        report=args.json,
    )
    print(result.table())
    return 1 if result.findings else 0


if __name__ == "__main__":
    sys.exit(main())
