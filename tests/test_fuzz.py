"""The fuzz harness in the test suite: a short seeded campaign, Hypothesis driving the
mutators, and checks that the oracle catches what it is there to catch.

The long campaigns are ``make fuzz`` and ``python -m fuzz.guided``; see docs/fuzzing.md.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import progression
from fuzz import mutate
from fuzz.run import campaign, replay
from fuzz.seeds import seeds
from fuzz.targets import (
    CSV_SEPARATOR,
    TARGETS,
    Finding,
    Limits,
    _allowed,
    _csv_kept,
    _run_cli,
    guarded,
    prepare,
    run_one,
)

pytestmark = pytest.mark.fuzz

#: Drawn frameworks in the seeds of these tests: few, so that they are made quickly.
GENERATED = 2


@pytest.fixture(scope="module", autouse=True)
def prepared() -> None:
    prepare(seeds(GENERATED))


def test_a_short_seeded_campaign_over_every_target_finds_nothing(tmp_path: Path) -> None:
    result = campaign(
        list(TARGETS), seed=0, inputs=30 * len(TARGETS), generated=GENERATED, findings=tmp_path
    )
    assert not result.findings, result.table()
    assert all(stats.inputs > 0 for stats in result.stats.values()), result.table()
    assert sum(stats.accepted for stats in result.stats.values()) > 0


@pytest.mark.parametrize("name", list(TARGETS))
@given(random=st.randoms(use_true_random=False), data=st.data())
def test_mutants_of_every_seed_pass_the_oracle(
    name: str, random: random.Random, data: st.DataObject
) -> None:
    target = TARGETS[name]
    # The small seeds: the bundled examples take a second each to load and write back.
    inputs = [i for i in target.seeds(seeds(GENERATED)) if len(i) < 8000]
    start = data.draw(st.sampled_from(inputs))
    mutant = start
    for _ in range(data.draw(st.integers(0, 3))):
        mutant = target.mutate(random, mutant, inputs)
    run_one(target, mutant, random, Limits())


def test_every_seed_is_accepted_by_its_target() -> None:
    # Seeds that loaders refuse would leave the mutators with nothing deep to start from.
    all_seeds = seeds(GENERATED)
    for name, target in TARGETS.items():
        if name in ("cli", "lint-description"):
            continue
        for data in target.seeds(all_seeds):
            if len(data) > 8000:
                continue  # the bundled examples: loaded by many other tests
            assert run_one(target, data, random.Random(0), Limits()), (name, data[:200])


# --- the oracle catches what it is there for ---------------------------------------------


def _busy(seconds: float) -> None:
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass


def _hold(kib: int) -> None:
    held = [bytes(1024) for _ in range(kib)]
    assert len(held) == kib


def test_time_out_of_proportion_to_the_input_is_a_finding() -> None:
    limits = Limits(seconds=0.01, seconds_per_byte=0)
    with pytest.raises(Finding) as caught, guarded(10, limits):
        _busy(0.05)
    assert caught.value.kind in ("slow", "hang")
    with guarded(10, Limits()):
        _busy(0.05)


def test_memory_out_of_proportion_to_the_input_is_a_finding() -> None:
    limits = Limits(memory=1024 * 1024, memory_per_byte=0)
    with pytest.raises(Finding, match="memory"), guarded(10, limits, memory=True):
        _hold(4096)
    with guarded(10, limits, memory=True):
        _hold(64)


def test_a_raw_exception_is_a_finding_and_a_progression_error_is_not() -> None:
    with _allowed() as refused:
        progression.loads_framework("id: [")
    assert len(refused) == 1
    with pytest.raises(Finding) as caught, _allowed():
        progression.lint(None)  # type: ignore[arg-type]
    assert caught.value.kind == "raw"
    assert "Error at" in caught.value.signature


def test_a_csv_row_that_does_not_reach_the_histories_is_a_finding() -> None:
    ratings, levels, events = seeds(GENERATED).csv[0]
    histories = progression._formats._csv.histories_from_csv(ratings, levels, events)
    _csv_kept(ratings, levels, events, histories)
    lines = ratings.splitlines(keepends=True)
    extra = lines[0] + lines[1] + "".join(lines[1:])  # one row more than was loaded
    with pytest.raises(Finding, match="loss"):
        _csv_kept(extra, levels, events, histories)


def test_the_command_line_oracle_reads_exit_status_and_output(tmp_path: Path) -> None:
    framework = tmp_path / "framework.yaml"
    framework.write_text(mutate.dump({"id": "x"}, "yaml"), encoding="utf-8")
    assert _run_cli(["validate", str(framework)]) == 1
    assert _run_cli(["validate", "--format", "json", str(framework)]) == 1


def test_a_saved_input_is_replayed_by_the_name_of_its_target(tmp_path: Path) -> None:
    passing = tmp_path / "history-csv-passing.bin"
    passing.write_bytes(CSV_SEPARATOR.join(seeds(GENERATED).csv[0]).encode())
    assert replay([passing]) == 0
    unnamed = tmp_path / "nothing.bin"
    unnamed.write_bytes(b"")
    assert replay([unnamed]) == 1


# --- the mutators ------------------------------------------------------------------------


@given(random=st.randoms(use_true_random=False))
def test_mutators_are_reproducible_from_their_seed(random: random.Random) -> None:
    text = seeds(GENERATED).framework_texts["yaml"][0]
    state = random.getstate()
    first = mutate.mutate_document(random, text, "yaml")
    random.setstate(state)
    assert mutate.mutate_document(random, text, "yaml") == first


def test_mutators_reach_every_kind_of_damage() -> None:
    rng = random.Random(1)
    text = seeds(GENERATED).framework_texts["yaml"][0]
    ratings = seeds(GENERATED).csv[0][0]
    mutants = [mutate.mutate_document(rng, text, "yaml") for _ in range(400)]
    csv_mutants = [mutate.mutate_csv(rng, ratings) for _ in range(400)]
    joined = "".join(mutants)
    assert any(m.count("\n") < text.count("\n") // 2 for m in mutants)  # truncated
    assert any(c in joined for c in ("\x85", "\u202e", "\u200b", "\ud800"))
    assert any("1e999999999" in m or "NaN" in m or ".nan" in m for m in mutants)
    assert any(m.count('"') % 2 for m in csv_mutants)  # a quote left open
    assert any(m.splitlines()[0].count("employee_id") > 1 for m in csv_mutants if m)
