"""Fuzz targets, one per loader and for the command line, each with its oracle.

A target takes the bytes of one input and raises `Finding` when the oracle says the
library misbehaved:

- ``raw``: an exception other than a `progression.exceptions` error escaped a public
  call (or the command line printed a traceback or an "unexpected error");
- ``unprintable``: an error's text cannot be printed or written as UTF-8;
- ``slow`` and ``memory``: time or memory out of proportion to the input's size
  (``hang`` when the hard time limit interrupts the call);
- ``roundtrip``: what loaded was written and read back different, or refused;
- ``loss``: what loaded holds less than the input said (rows, labels, ratings);
- ``exit``: the command line returned a status other than 0, 1 and 2, or output that
  is not what its ``--format`` promises.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

import progression
from progression import (
    Framework,
    ProgressionError,
    RatingHistory,
    Verdict,
    cli,
)
from progression._formats import FORMATS, Format, parse
from progression._formats._csv import histories_from_csv
from progression._render import verdict_text
from progression.exceptions import InvalidInput

from . import mutate
from .seeds import SMALL_FRAMEWORK, SMALL_HISTORY, Seeds, seeds

__all__ = [
    "TARGETS",
    "Finding",
    "Hang",
    "Limits",
    "Target",
    "guarded",
    "prepare",
    "run_one",
]

#: Separates the three CSV exports in one input.
CSV_SEPARATOR = "\n\x1e\n"


class Finding(Exception):
    """The oracle's verdict on one input: the library misbehaved."""

    def __init__(self, kind: str, detail: str, signature: str | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        #: What tells this finding apart from others of its kind: same cause, same one.
        self.signature = signature or f"{kind}: {detail.splitlines()[0][:120]}"


class Hang(BaseException):
    """Raised by the hard time limit; a BaseException, so that no handler swallows it."""


@attrs.frozen
class Limits:
    """Time and memory allowed for one input, in proportion to its size."""

    #: Processor seconds for any input, and per byte of it.
    seconds: float = 2.0
    seconds_per_byte: float = 40e-6
    #: Processor seconds after which the call is interrupted, as a multiple of the above.
    hard_factor: float = 5.0
    #: Bytes of memory for any input, and per byte of it (checked on sampled inputs).
    memory: int = 96 * 1024 * 1024
    memory_per_byte: int = 600

    def time_for(self, size: int) -> float:
        """Processor seconds allowed for an input of ``size`` bytes."""
        return self.seconds + self.seconds_per_byte * size

    def memory_for(self, size: int) -> int:
        """Bytes of memory allowed at peak for an input of ``size`` bytes."""
        return self.memory + self.memory_per_byte * size


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang


def _signature(exc: BaseException) -> str:
    """The exception type and the innermost frame in progression: one per cause."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "progression" in f.filename and "fuzz" not in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = f"{Path(where.filename).name}:{where.lineno} {where.name}" if where else "?"
    return f"raw: {type(exc).__name__} at {place}"


@contextlib.contextmanager
def guarded(size: int, limits: Limits, *, memory: bool = False) -> Iterator[None]:
    """Run the block under the oracle's time and memory bounds for an input of ``size`` bytes."""
    allowed = limits.time_for(size)
    hard = allowed * limits.hard_factor
    use_alarm = hasattr(signal, "setitimer") and os.name == "posix"
    previous: Any = None
    if use_alarm:
        previous = signal.signal(signal.SIGPROF, _on_alarm)
        signal.setitimer(signal.ITIMER_PROF, hard)
    if memory:
        tracemalloc.start()
    started = time.process_time()
    try:
        yield
    except Hang:
        raise Finding("hang", f"interrupted after {hard:.1f} s of processor time") from None
    except MemoryError:
        raise Finding("memory", "MemoryError") from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
        peak = 0
        if memory:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    spent = time.process_time() - started
    if spent > allowed:
        raise Finding("slow", f"{spent:.2f} s of processor time for {size} bytes")
    if memory and peak > limits.memory_for(size):
        raise Finding("memory", f"{peak / 2**20:.0f} MiB at peak for {size} bytes")


def _refused(exc: ProgressionError) -> None:
    """An error the library meant: its text must be printable and writable."""
    try:
        text = str(exc)
        text.encode("utf-8")
        if isinstance(exc, InvalidInput):
            for problem in exc.problems:
                json.dumps(problem.to_dict(), ensure_ascii=False).encode("utf-8")
    except Exception as inner:
        raise Finding(
            "unprintable", f"{type(exc).__name__}: {inner!r}", _signature(inner)
        ) from inner


@contextlib.contextmanager
def _allowed() -> Iterator[list[ProgressionError]]:
    """Let `progression.exceptions` errors end the block quietly; report any other."""
    refused: list[ProgressionError] = []
    try:
        yield refused
    except Finding:
        raise
    except ProgressionError as exc:
        _refused(exc)
        refused.append(exc)
    except (Hang, MemoryError):
        raise
    except Exception as exc:
        detail = "".join(traceback.format_exception(exc)[-12:])
        raise Finding("raw", detail, _signature(exc)) from exc


def _text(data: bytes) -> str:
    # Lone surrogates are kept: a caller of loads_* may hand any str over.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


# --- what every accepted value must satisfy ---------------------------------------------


def _written_back(
    value: Any,
    formats: Sequence[Format],
    dump: Callable[..., str],
    loads: Callable[..., Any],
    label: str = "",
) -> None:
    """``value`` written in each format reads back equal and is written the same again."""
    for fmt in formats:
        written = dump(value, format=fmt)
        try:
            again = loads(written, format=fmt)
        except ProgressionError as exc:
            raise Finding(
                "roundtrip",
                f"{label}{fmt}: what was written is refused: {str(exc)[:300]}",
                f"roundtrip: {label}{fmt} refused: {_first_message(exc)}",
            ) from None
        if again != value:
            raise Finding(
                "roundtrip",
                f"{label}{fmt}: read back different",
                f"roundtrip: {label}{fmt} differs",
            )
        if dump(again, format=fmt) != written:
            raise Finding("roundtrip", f"{label}{fmt}: written differently the second time")


def _framework_round_trip(framework: Framework) -> None:
    _written_back(framework, FORMATS, progression.dump_framework, progression.loads_framework)
    data = progression.unstructure(framework)
    if progression.structure(data, Framework) != framework:
        raise Finding("roundtrip", "structure(unstructure(framework)) differs")


def _first_message(exc: BaseException) -> str:
    if isinstance(exc, InvalidInput) and exc.problems:
        return exc.problems[0].message[:60]
    return str(exc)[:60]


def _history_round_trip(histories: Sequence[RatingHistory]) -> None:
    # Read back as a tuple: the value compared is the tuple of histories.
    _written_back(
        tuple(histories),
        ("yaml", "json"),
        progression.dump_history,
        progression.loads_history,
        "history ",
    )


def _verdict_round_trip(verdict: Verdict) -> None:
    text = progression._formats.dumps(progression.unstructure(verdict), "json")
    try:
        again = progression.structure(parse(text, "json"), Verdict, error=InvalidInput)
    except ProgressionError as exc:
        raise Finding(
            "roundtrip",
            f"verdict JSON is refused: {str(exc)[:300]}",
            f"roundtrip: verdict refused: {_first_message(exc)}",
        ) from None
    if again != verdict:
        raise Finding("roundtrip", "verdict JSON read back different")
    verdict_text(verdict).encode("utf-8", "backslashreplace")


def _evaluate(framework: Framework, history: RatingHistory) -> None:
    with _allowed():
        verdict = progression.evaluate(framework, history)
        _verdict_round_trip(verdict)
    with _allowed():
        verdicts = progression.timeline(framework, history).verdicts
        # A timeline holds up to 400 verdicts, each one like `evaluate`'s: a sample of
        # them, the first and the last included, is written and read back.
        for verdict in [*verdicts[:: max(1, len(verdicts) // 8)], *verdicts[-1:]]:
            _verdict_round_trip(verdict)


def _history_for(framework: Framework, rng: random.Random) -> RatingHistory | None:
    """A plausible history for a framework that loaded: a ladder, scores, events."""
    family = rng.choice(list(framework.job_families))
    track = rng.choice(list(family.tracks))
    ladder = [level.id for level in family.ladder(track.id)]
    if not ladder:
        return None
    first = progression.Cycle.parse(
        {"quarterly": "2025-Q1", "half-yearly": "2024-H1", "annual": "2020-Y"}[
            framework.cadence.value
        ]
    )
    levels = [progression.LevelAssignment(level=ladder[0], since=first)]
    if len(ladder) > 1:
        levels.append(progression.LevelAssignment(level=ladder[1], since=first.shift(2)))
    scale = framework.scale
    reviews = []
    competencies = sorted({c.id for t in family.tracks for c in t.competencies})
    for offset in range(rng.randint(1, 5)):
        ratings = [
            progression.Rating(competency=c, score=rng.randint(scale.min, scale.max))
            for c in competencies
            if rng.random() < 0.9
        ]
        reviews.append(
            progression.Review(
                cycle=first.shift(offset),
                ratings=ratings,
                endorsed=rng.random() < 0.5,
                calibrated=rng.random() < 0.5,
            )
        )
    try:
        return RatingHistory(
            employee="e1", family=family.id, track=track.id, levels=levels, reviews=reviews
        )
    except ProgressionError:
        return None


def _labels_kept(text: str, fmt: str, framework: Framework) -> None:
    """A scale's labels are each kept: none folded into another (1 and "1")."""
    try:
        data = parse(text, fmt)  # type: ignore[arg-type]
    except ProgressionError:
        return
    scale = data.get("scale") if isinstance(data, dict) else None
    labels = scale.get("labels") if isinstance(scale, dict) else None
    if isinstance(labels, dict) and len(labels) != len(framework.scale.labels):
        raise Finding(
            "loss",
            f"{len(labels)} scale labels in the file, {len(framework.scale.labels)} loaded",
            "loss: scale labels folded",
        )


# --- the targets -------------------------------------------------------------------------


@attrs.frozen
class Target:
    """One fuzz target: how to run an input, where its seeds come from, how to mutate one."""

    name: str
    run: Callable[[bytes, random.Random], bool]
    seeds: Callable[[Seeds], Sequence[bytes]]
    mutate: Callable[[random.Random, bytes, Sequence[bytes]], bytes]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _framework_target(fmt: str) -> Target:
    def run(data: bytes, rng: random.Random) -> bool:
        text = _text(data)
        with _allowed() as refused:
            framework = progression.loads_framework(text, format=fmt)  # type: ignore[arg-type]
        if refused:
            return False
        _labels_kept(text, fmt, framework)
        with _allowed():
            progression.lint(framework)
        _framework_round_trip(framework)
        history = _history_for(framework, rng)
        if history is not None:
            _evaluate(framework, history)
        return True

    def seed_inputs(all_seeds: Seeds) -> list[bytes]:
        return [_encode(t) for t in all_seeds.framework_texts[fmt]]

    return Target(f"framework-{fmt}", run, seed_inputs, _document_mutant(fmt))


def _document_mutant(fmt: str) -> Callable[[random.Random, bytes, Sequence[bytes]], bytes]:
    """Mutate a document of ``fmt``, splicing in parts of up to two others."""

    def mutant(rng: random.Random, data: bytes, others: Sequence[bytes]) -> bytes:
        parsed = [_parsed(o, fmt) for o in rng.sample(list(others), min(2, len(others)))]
        return _encode(
            mutate.mutate_document(rng, _text(data), fmt, others=[p for p in parsed if p])
        )

    return mutant


def _parsed(data: bytes, fmt: str) -> Any:
    return mutate._parsed(_text(data), fmt)


#: The seeds in use: those `prepare` was given.
_SEEDS: list[Seeds] = []


def _seeds() -> Seeds:
    if not _SEEDS:
        _SEEDS.append(seeds())
    return _SEEDS[0]


@functools.cache
def _frameworks_by_family() -> dict[str, Framework]:
    found: dict[str, Framework] = {}
    for framework in _seeds().frameworks:
        for family in framework.job_families:
            found.setdefault(family.id, framework)
    return found


def _check_histories(histories: Sequence[RatingHistory]) -> None:
    _history_round_trip(histories)
    known = _frameworks_by_family()
    for history in histories[:4]:
        framework = known.get(history.family)
        if framework is not None:
            _evaluate(framework, history)


def _count_ratings(data: Any) -> int | None:
    """Ratings in a history document, or None if its shape is not one that loads."""
    if isinstance(data, dict) and "employees" in data:
        data = data["employees"]
    people = data if isinstance(data, list) else [data]
    try:
        return sum(
            len(review["ratings"])
            for p in people
            for review in p.get("reviews", [])
            if "ratings" in review
        )
    except (TypeError, AttributeError, KeyError):
        return None


def _history_target(fmt: str) -> Target:
    def run(data: bytes, rng: random.Random) -> bool:
        text = _text(data)
        with _allowed() as refused:
            histories = progression.loads_history(text, format=fmt)  # type: ignore[arg-type]
        if refused:
            return False
        loaded = sum(len(r.ratings) for h in histories for r in h.reviews)
        expected = _count_ratings(parse(text, fmt, error=InvalidInput))  # type: ignore[arg-type]
        if expected is not None and expected != loaded:
            raise Finding("loss", f"{expected} ratings in the document, {loaded} loaded")
        _check_histories(histories)
        return True

    def seed_inputs(all_seeds: Seeds) -> list[bytes]:
        return [_encode(t) for t in all_seeds.history_texts[fmt]]

    return Target(f"history-{fmt}", run, seed_inputs, _document_mutant(fmt))


def _csv_rows(text: str) -> list[list[str]] | None:
    """The rows of a CSV text as the csv module reads it strictly, blank rows left out."""
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True))
    except csv.Error:
        return None
    return [row for row in rows if any(cell.strip() for cell in row)]


def _csv_target() -> Target:
    def run(data: bytes, rng: random.Random) -> bool:
        # Three files at most; anything after a third separator is not read.
        files = data.split(CSV_SEPARATOR.encode())[:3]
        try:
            parts = [part.decode("utf-8") for part in files]
        except UnicodeDecodeError:
            # What a file can hold: bytes that are not UTF-8 are the files' to refuse.
            with _allowed() as refused:
                _load_csv_files(files)
            if not refused or not isinstance(refused[0], progression.UnreadableInput):
                raise Finding("loss", "CSV files that are not UTF-8 were read") from None
            return False
        ratings, levels = parts[0], parts[1] if len(parts) > 1 else ""
        events = parts[2] if len(parts) > 2 else None
        with _allowed() as refused:
            histories = histories_from_csv(ratings, levels, events)
        if refused:
            return False
        _csv_kept(ratings, levels, events, histories)
        _check_histories(histories)
        return True

    def seed_inputs(all_seeds: Seeds) -> list[bytes]:
        return [_encode(CSV_SEPARATOR.join(texts)) for texts in all_seeds.csv]

    def mutant(rng: random.Random, data: bytes, others: Sequence[bytes]) -> bytes:
        parts = _text(data).split(CSV_SEPARATOR)
        index = rng.randrange(len(parts))
        for _ in range(rng.choice((1, 1, 2, 4))):
            parts[index] = mutate.mutate_csv(rng, parts[index])
        if rng.random() < 0.05 and len(parts) == 3:
            parts.pop()  # no events file
        return _encode(CSV_SEPARATOR.join(parts))

    return Target("history-csv", run, seed_inputs, mutant)


def _load_csv_files(parts: list[bytes]) -> tuple[RatingHistory, ...]:
    folder = _workdir() / "csv"
    folder.mkdir(exist_ok=True)
    paths = [folder / name for name in ("ratings.csv", "levels.csv", "events.csv")]
    for path, part in zip(paths, [*parts, b"", b""][:3], strict=True):
        path.write_bytes(part)
    events = paths[2] if len(parts) > 2 else None
    return progression.load_history(paths[0], levels=paths[1], events=events)


def _csv_kept(
    ratings: str, levels: str, events: str | None, histories: Sequence[RatingHistory]
) -> None:
    """Every row of the files is in the histories, with the values it says."""
    rows = _csv_rows(ratings)
    if rows is None:
        raise Finding("loss", "ratings accepted that the csv module refuses", "loss: csv refused")
    header = [name.strip() for name in rows[0]] if rows else []
    want: Counter[tuple[str, str, str, int, str]] = Counter()
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        want[
            (
                cells["employee_id"].strip(),
                str(progression.Cycle.parse(cells["cycle"])),
                cells["competency"].strip(),
                # As the reader does: str.strip() also takes U+001C to U+001F.
                int(cells["score"].strip()),
                cells.get("rater", "").strip() or "manager",
            )
        ] += 1
    got: Counter[tuple[str, str, str, int, str]] = Counter(
        (h.employee, str(r.cycle), rating.competency, rating.score, rating.rater.value)
        for h in histories
        for r in h.reviews
        for rating in r.ratings
    )
    if want != got:
        missing = list((want - got).items())[:2]
        extra = list((got - want).items())[:2]
        raise Finding("loss", f"ratings rows and ratings differ: missing {missing}, extra {extra}")
    level_rows = _csv_rows(levels)
    assignments = sum(len(h.levels) for h in histories)
    if level_rows is None or len(level_rows) - 1 != assignments:
        raise Finding("loss", f"level rows and {assignments} level assignments differ")
    if events is None:
        return
    event_rows = _csv_rows(events)
    if event_rows is None:
        raise Finding("loss", "events accepted that the csv module refuses", "loss: csv refused")
    kinds = Counter(row[2].strip() for row in event_rows[1:] if len(row) > 2)
    evidence = sum(len(r.evidence) for h in histories for r in h.reviews)
    approvals = sum(len(r.approvals) for h in histories for r in h.reviews)
    if kinds["evidence"] != evidence or kinds["approval"] != approvals:
        raise Finding(
            "loss",
            f"event rows {dict(kinds)} and {evidence} evidence, {approvals} approvals differ",
        )


def _verdict_target() -> Target:
    def run(data: bytes, rng: random.Random) -> bool:
        with _allowed() as refused:
            verdict = progression.structure(
                parse(_text(data), "json", error=InvalidInput), Verdict, error=InvalidInput
            )
        if refused:
            return False
        _verdict_round_trip(verdict)
        return True

    def seed_inputs(all_seeds: Seeds) -> list[bytes]:
        return [_encode(t) for t in all_seeds.verdicts]

    def mutant(rng: random.Random, data: bytes, others: Sequence[bytes]) -> bytes:
        return _encode(mutate.mutate_document(rng, _text(data), "json"))

    return Target("verdict-json", run, seed_inputs, mutant)


def _description_target() -> Target:
    def run(data: bytes, rng: random.Random) -> bool:
        with _allowed() as refused:
            progression.lint_description(_text(data))
        return not refused

    def seed_inputs(all_seeds: Seeds) -> list[bytes]:
        return [_encode(t) for t in all_seeds.descriptions]

    def mutant(rng: random.Random, data: bytes, others: Sequence[bytes]) -> bytes:
        text = _text(data)
        if rng.random() < 0.2:
            text = text + " " + _text(rng.choice(list(others)))
        if rng.random() < 0.1:
            text = text * rng.choice((10, 100, 1000))
        return _encode(mutate.mutate_text(rng, text))

    return Target("lint-description", run, seed_inputs, mutant)


# --- the command line --------------------------------------------------------------------

#: Commands run on an input file (``{file}``), beside seed files of the other kinds;
#: ``{text}`` is an argument chosen by the input (`_ARGUMENTS`).
_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("framework", ("validate", "{file}")),
    ("framework", ("validate", "--format", "json", "{file}")),
    ("framework", ("summary", "{file}")),
    ("framework", ("lint", "{file}")),
    ("framework", ("lint", "--format", "json", "{file}")),
    ("framework", ("lint", "--format", "sarif", "{file}")),
    ("framework", ("lint", "--colour", "always", "{file}")),
    ("framework", ("lint", "--ignore", "{text}", "--fail-on", "info", "{file}")),
    ("framework", ("evaluate", "{file}", "{history}")),
    ("history", ("evaluate", "{framework}", "{file}")),
    ("history", ("evaluate", "{framework}", "{file}", "--format", "json")),
    ("history", ("evaluate", "{framework}", "{file}", "--details")),
    ("history", ("evaluate", "{framework}", "{file}", "--as-of", "{text}")),
    ("history", ("evaluate", "{framework}", "{file}", "--target", "{text}")),
    ("history", ("evaluate", "{framework}", "{file}", "--target", "{text}", "--format", "json")),
    ("csv", ("evaluate", "{framework}", "{file}", "--levels", "{levels}", "--events", "{events}")),
    ("csv", ("evaluate", "{framework}", "{file}", "--levels", "{levels}", "--as-of", "{text}")),
    ("ft", ("import", "ft", "{file}")),
    ("ft", ("import", "ft", "{file}", "-o", "{output}.json")),
    ("monzo", ("import", "monzo", "{file}")),
    ("monzo", ("import", "monzo", "{file}", "--generic", "{file}", "-o", "{output}.toml")),
)
_SUFFIXES = (".yaml", ".json", ".toml", ".yml")
_KIND_SUFFIX = {"csv": ".csv", "ft": ".yml", "monzo": ".md"}
#: Arguments an input may give: edge texts and ids of the small framework.
_ARGUMENTS = (
    "IC2",
    "IC3",
    "M1",
    "data/DS1",
    "eng/IC3",
    "a/b/c",
    "/",
    "2025-Q3",
    "2025-Y",
    "PG101",
    "PG101,PG999",
    "{employee!r}",
    *mutate.EDGE_TEXTS[:30],
)
#: Published frameworks the importers read, as the tests keep them.
_INTERCHANGE = Path(__file__).parent.parent / "tests" / "data" / "interchange"


@functools.cache
def _workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="progression-fuzz-"))


def _cli_target() -> Target:
    def run(data: bytes, rng: random.Random) -> bool:
        if len(data) < 3:
            return False
        kind, argv = _COMMANDS[data[0] % len(_COMMANDS)]
        suffix = _KIND_SUFFIX.get(kind, _SUFFIXES[data[1] % len(_SUFFIXES)])
        if kind == "history":
            suffix = suffix.replace(".toml", ".yaml")
        folder = _workdir()
        file = folder / f"input{suffix}"
        file.write_bytes(data[3:])
        fixed = _fixed_files(folder)
        text = _ARGUMENTS[data[2] % len(_ARGUMENTS)]
        output = folder / "output"
        args = [
            part.format(file=file, text=text, output=output, **fixed) if part != "{text}" else text
            for part in argv
        ]
        return _run_cli(args) == 0

    def seed_inputs(all_seeds: Seeds) -> list[bytes]:
        inputs = []
        imported = {
            "ft": [p.read_bytes() for p in sorted(_INTERCHANGE.glob("*.yml"))],
            "monzo": [p.read_bytes() for p in sorted(_INTERCHANGE.glob("*.md"))],
        }
        for index, (kind, _) in enumerate(_COMMANDS):
            if kind == "framework":
                texts = [all_seeds.framework_texts["yaml"][0], all_seeds.framework_texts["json"][0]]
                inputs += [
                    bytes([index, 0, 0]) + _encode(texts[0]),
                    bytes([index, 1, 1]) + _encode(texts[1]),
                ]
            elif kind == "history":
                inputs.append(bytes([index, 0, 0]) + _encode(all_seeds.history_texts["yaml"][-1]))
            elif kind == "csv":
                inputs.append(bytes([index, 0, 7]) + _encode(all_seeds.csv[0][0]))
            else:
                inputs += [bytes([index, 0, 0]) + body for body in imported[kind]]
        return inputs

    def mutant(rng: random.Random, data: bytes, others: Sequence[bytes]) -> bytes:
        head, body = data[:3].ljust(3, b"\0"), data[3:]
        if rng.random() < 0.1:
            head = bytes([head[0], rng.randrange(256), rng.randrange(256)])
        kind = _COMMANDS[head[0] % len(_COMMANDS)][0]
        text = _text(body)
        if kind == "csv":
            text = mutate.mutate_csv(rng, text)
        elif kind == "monzo":
            text = mutate.mutate_text(rng, text, "markdown")
        else:
            fmt = "json" if text.lstrip().startswith("{") else "yaml"
            text = mutate.mutate_document(rng, text, fmt)
        return head + _encode(text)

    return Target("cli", run, seed_inputs, mutant)


@functools.cache
def _fixed_files(folder: Path) -> dict[str, str]:
    """The seed files the commands use beside the input: small, valid, written once."""
    all_seeds = _seeds()
    paths = {
        "framework": folder / "framework.yaml",
        "history": folder / "history.yaml",
        "levels": folder / "levels.csv",
        "events": folder / "events.csv",
    }
    paths["framework"].write_text(SMALL_FRAMEWORK, encoding="utf-8")
    paths["history"].write_text(SMALL_HISTORY, encoding="utf-8")
    _, levels, events = all_seeds.csv[0]
    paths["levels"].write_text(levels, encoding="utf-8")
    paths["events"].write_text(events, encoding="utf-8")
    # The CSV seed is the small history's: evaluate it against the small framework.
    return {name: str(path) for name, path in paths.items()}


def _written(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n"} | {chr(c) for c in range(0x7F, 0xA0)}


def _run_cli(args: list[str]) -> int:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    before = os.environ.get(cli.DEBUG_VARIABLE)
    # With the debug variable set, an unforeseen exception escapes main() as itself.
    os.environ[cli.DEBUG_VARIABLE] = "1"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli.main(args)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 2
            out.flush()
            err.flush()
    except (Hang, MemoryError, Finding):
        raise
    except Exception as exc:
        detail = "".join(traceback.format_exception(exc)[-12:])
        raise Finding(
            "raw", f"cli {args[0]}: {detail}", f"cli {args[0]} {_signature(exc)}"
        ) from exc
    finally:
        if before is None:
            del os.environ[cli.DEBUG_VARIABLE]
        else:
            os.environ[cli.DEBUG_VARIABLE] = before
    stdout = _written(out)
    stderr = _written(err)
    command = " ".join(a for a in args if not a.startswith("/"))
    if status not in (0, 1, 2):
        raise Finding("exit", f"{command}: exit status {status}")
    if "Traceback" in stderr or "unexpected error" in stderr:
        raise Finding("raw", f"{command}: {stderr[-500:]}", f"cli {args[0]}: traceback printed")
    colour = "--colour" in args
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        shown = text.replace("\x1b[33m", "").replace("\x1b[0m", "") if colour else text
        shown = shown.replace("\x1b[31m", "").replace("\x1b[1m", "") if colour else shown
        bad = sorted({c for c in shown if c in _CONTROL} - {"\t"})
        if bad:
            raise Finding(
                "exit",
                f"{command}: control characters {bad!r} on {name}",
                f"exit: {args[0]} control characters on {name}",
            )
    if "json" in args or "sarif" in args:
        try:
            if stdout:
                json.loads(stdout)
        except ValueError:
            raise Finding(
                "exit", f"{command}: --format json printed no JSON: {stdout[:200]!r}"
            ) from None
    return status


#: Every target, by name.
TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        *(_framework_target(fmt) for fmt in FORMATS),
        *(_history_target(fmt) for fmt in ("yaml", "json")),
        _csv_target(),
        _verdict_target(),
        _description_target(),
        _cli_target(),
    )
}


def prepare(all_seeds: Seeds | None = None) -> None:
    """Build the seeds and the files every target shares, outside any input's time."""
    if all_seeds is not None and (not _SEEDS or _SEEDS[0] is not all_seeds):
        _SEEDS[:] = [all_seeds]
        _frameworks_by_family.cache_clear()
        _fixed_files.cache_clear()
    _frameworks_by_family()
    _fixed_files(_workdir())


def run_one(
    target: Target, data: bytes, rng: random.Random, limits: Limits, *, memory: bool = False
) -> bool:
    """Run one input under the oracle: whether it was accepted; `Finding` on a violation."""
    with guarded(len(data), limits, memory=memory):
        try:
            accepted = target.run(data, rng)
        except (Finding, Hang, MemoryError):
            raise
        except Exception as exc:
            # Raised by the oracle's own calls into the library (writing what loaded).
            detail = "".join(traceback.format_exception(exc)[-12:])
            raise Finding("raw", detail, _signature(exc)) from exc
    return accepted


def main_module() -> Any:
    """The module itself, for tools that look targets up by name."""
    return sys.modules[__name__]
