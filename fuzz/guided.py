"""Coverage-guided fuzzing with atheris (libFuzzer): ``python -m fuzz.guided TARGET [options]``.

progression is instrumented as it is imported, so libFuzzer keeps the inputs that reach
new code. Inputs are mutated by the target's structure-aware mutator (`fuzz.mutate`),
and one time in five by libFuzzer's own byte-level mutator; an empty or broken input
is replaced by a seed. The oracle is `fuzz.targets`'s: a `Finding` stops the run, and
libFuzzer writes the input as ``crash-<sha1>`` (in the folder given by
``-artifact_prefix=``), which ``python -m fuzz.run --replay`` runs again once renamed
``<target>-<anything>.bin``.

Examples::

    python -m fuzz.guided history-csv -max_total_time=600 -max_len=65536 corpus/csv
    python -m fuzz.guided framework-yaml -runs=100000 -print_final_stats=1

libFuzzer's own options follow the target's name (``-help=1`` lists them). atheris is
in the ``fuzz`` extra: ``pip install -e '.[fuzz]'``.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence

import atheris

__all__ = ["main"]

#: One mutation in this many is libFuzzer's byte-level one rather than ours.
BYTE_LEVEL = 5


def main(argv: Sequence[str] | None = None) -> None:
    """Fuzz one target until libFuzzer's options say stop, or a finding stops it."""
    args = list(sys.argv if argv is None else argv)
    if len(args) < 2 or args[1].startswith("-"):
        sys.exit("usage: python -m fuzz.guided TARGET [libFuzzer options] [corpus folders]")
    name = args.pop(1)
    with atheris.instrument_imports(include=["progression"]):
        # Instrumented here, before anything else imports it.
        import progression  # noqa: F401, PLC0415

    # Imported after progression is instrumented: they import it.
    from .seeds import seeds  # noqa: PLC0415
    from .targets import TARGETS, Finding, Limits, prepare, run_one  # noqa: PLC0415

    if name not in TARGETS:
        sys.exit(f"unknown target {name!r}: expected one of {', '.join(TARGETS)}")
    target = TARGETS[name]
    all_seeds = seeds()
    inputs = list(target.seeds(all_seeds))
    prepare(all_seeds)
    limits = Limits()

    def test_one(data: bytes) -> None:
        try:
            run_one(target, data, random.Random(len(data)), limits)
        except Finding as finding:
            # libFuzzer saves the input of any uncaught exception.
            raise AssertionError(f"{finding.signature}\n{finding.detail}") from None

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        if not data or rng.random() < 0.05:
            data = rng.choice(inputs)
        mutated: bytes | None = None
        if rng.randrange(BYTE_LEVEL):
            try:
                mutated = target.mutate(rng, data, inputs)
            except Exception:  # a fault of the harness: fall back on libFuzzer's mutator
                mutated = None
        if mutated is None:
            mutated = atheris.Mutate(data, max_size)
        return mutated[:max_size]

    atheris.Setup(args, test_one, custom_mutator=mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
