"""The benchmark scripts still build their inputs and compare like with like.

They run outside the test suite (``make bench``), so a change to the model that breaks
them would otherwise go unnoticed until someone measures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_evaluation_benchmark_builds_and_its_baseline_matches_every_verdict() -> None:
    bench = load("bench_evaluate")
    framework, history, plain = bench.build()
    bench.check(framework, history, plain)
