"""The ``progression`` command line: validate and describe frameworks, evaluate histories.

Whatever the files hold, the command prints no traceback: bad input gets its problems
and exit status 1 or 2, and anything unexpected one line asking for a report and exit
status 2 (``PROGRESSION_DEBUG=1`` shows the traceback instead). Text for people has
every control character from the data escaped; JSON output stays JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import TextIO

import attrs

from . import examples, interchange
from ._convert import unstructure
from ._convert._schema import history_document_schema, json_schema
from ._evaluation import Verdict, evaluate
from ._formats import (
    dump_framework,
    dumps,
    format_of,
    load_framework,
    load_history,
    loads_framework,
    read_text,
)
from ._formats._documents import locate
from ._history import Cycle, RatingHistory
from ._lint import (
    RULES,
    Finding,
    LintReport,
    Location,
    Severity,
    lint,
    lint_sarif,
    lint_text,
)
from ._model import Framework
from ._render import json_safe, printable, problems_text, summary_text, team_text, verdict_text
from .exceptions import (
    EvaluationError,
    InvalidHistory,
    InvalidInput,
    Problem,
    ProgressionError,
    UnreadableInput,
)

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
#: Set to anything but ``0`` or nothing to see the traceback of an unexpected error.
DEBUG_VARIABLE = "PROGRESSION_DEBUG"

_SGR = re.compile(r"(\x1b\[[0-9;]*m)")


def _write(text: str, stream: TextIO) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        # A terminal or pipe whose encoding cannot spell every character of the data.
        encoding = stream.encoding or "utf-8"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _say(text: str, *, err: bool = False, colours: bool = False) -> None:
    """Print lines for people; ``colours`` keeps the colour codes our own output adds."""
    if colours:
        parts = _SGR.split(text)  # odd items are the colour codes
        safe = "".join(p if i % 2 else printable(p, lines=True) for i, p in enumerate(parts))
    else:
        safe = printable(text, lines=True)
    _write(safe + "\n", sys.stderr if err else sys.stdout)


def _say_json(text: str) -> None:
    _write(json_safe(text if text.endswith("\n") else text + "\n"), sys.stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="progression",
        description="Career progression frameworks: validate, summarise, describe.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check framework files; exit 0 valid, 1 invalid, 2 unreadable",
        description="Check framework files (YAML, JSON or TOML) and list every problem.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--format", choices=("text", "json"), default="text")

    summary = commands.add_parser("summary", help="summarise framework files")
    summary.add_argument("files", nargs="+", metavar="FILE")

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of framework files, histories or verdicts"
    )
    schema.add_argument(
        "kind", nargs="?", choices=("framework", "history", "verdict"), default="framework"
    )
    schema.add_argument("--indent", type=int, default=2)

    evaluate_ = commands.add_parser(
        "evaluate",
        help="evaluate rating histories against a framework",
        description="Evaluate promotion readiness. HISTORY is YAML or JSON (one employee or"
        " many), or a CSV of ratings with --levels (and --events).",
    )
    evaluate_.add_argument("framework", metavar="FRAMEWORK")
    evaluate_.add_argument("history", metavar="HISTORY")
    evaluate_.add_argument("--levels", metavar="CSV", help="level assignments, for CSV ratings")
    evaluate_.add_argument("--events", metavar="CSV", help="evidence, endorsements, calibrations")
    evaluate_.add_argument(
        "--target", metavar="LEVEL", help="target level (family/level for lateral)"
    )
    evaluate_.add_argument("--as-of", metavar="CYCLE", help="cycle to evaluate, such as 2026-Q3")
    evaluate_.add_argument("--format", choices=("table", "json"), default="table")
    evaluate_.add_argument(
        "--details", action="store_true", help="every criterion for every employee"
    )

    example = commands.add_parser(
        "example", help="print a bundled example framework as YAML, to copy and adapt"
    )
    example.add_argument("name", choices=examples.names())

    lint_ = commands.add_parser(
        "lint",
        help="check frameworks for vague, indistinct or one-sided content",
        description="Check framework files for the faults that make frameworks go unused."
        " Exit 0 when no finding reaches --fail-on, 1 when one does, 2 for unreadable or"
        " invalid input.",
    )
    lint_.add_argument("files", nargs="+", metavar="FILE")
    lint_.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    lint_.add_argument(
        "--fail-on", choices=[s.value for s in Severity], default="error", metavar="SEVERITY"
    )
    lint_.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="leave a code out of this run (repeat, or separate with commas)",
    )
    lint_.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto")

    commands.add_parser(
        "demo", help="evaluate the bundled sample team against the engineering example"
    )

    import_ = commands.add_parser(
        "import",
        help="make a framework file from a framework published in another format",
        description="Read an FT engineering-progression job family (ft) or a Monzo"
        " progression-framework page (monzo), write it as a framework file and print what"
        " was mapped, assumed, left out and is still to supply. Exit 0 on success, 1 when"
        " the source is not in the format, 2 when it cannot be read.",
    )
    import_.add_argument("source_format", choices=("ft", "monzo"), metavar="{ft,monzo}")
    import_.add_argument("source", metavar="SOURCE")
    import_.add_argument(
        "-o", "--output", metavar="OUT", help="the framework file to write (.yaml, .json, .toml)"
    )
    import_.add_argument(
        "--generic", metavar="PAGE", help="monzo: the generic page, for topics without a title"
    )
    return parser


def _validate(files: Sequence[str], fmt: str) -> int:
    status = EXIT_OK
    report = []
    for file in files:
        entry: dict[str, object] = {"file": file, "status": "valid", "problems": []}
        try:
            load_framework(file)
        except UnreadableInput as exc:
            entry.update(status="unreadable", error=str(exc))
            status = max(status, EXIT_UNREADABLE)
        except InvalidInput as exc:
            entry.update(status="invalid", problems=[p.to_dict() for p in exc.problems])
            status = max(status, EXIT_INVALID)
            if fmt == "text":
                _say(problems_text(exc.problems))
        report.append(entry)
        if fmt == "text" and entry["status"] == "valid":
            _say(f"{printable(file)}: valid")
        elif fmt == "text" and entry["status"] == "unreadable":
            _say(f"progression: {printable(str(entry['error']))}", err=True)
    if fmt == "json":
        _say_json(json.dumps({"files": report}, indent=2, ensure_ascii=False))
    return status


def _evaluate_all(
    framework: Framework,
    histories: Sequence[RatingHistory],
    target: str | None,
    as_of: Cycle | None,
) -> tuple[list[Verdict], list[tuple[str, str]]]:
    verdicts, skipped = [], []
    broken: list[Problem] = []
    for history in histories:
        try:
            verdicts.append(evaluate(framework, history, target=target, as_of=as_of))
        except EvaluationError as exc:
            skipped.append((history.employee, str(exc)))
        except InvalidHistory as exc:
            # Every bad history at once, not the first: a fix-and-rerun loop per
            # employee is slow at company size.
            broken.extend(exc.problems)
    if broken:
        raise InvalidHistory(broken)
    return verdicts, skipped


def _print_evaluation(
    verdicts: list[Verdict], skipped: list[tuple[str, str]], fmt: str, details: bool
) -> None:
    if fmt == "json":
        report = {
            "verdicts": unstructure(verdicts),
            "skipped": [{"employee": e, "reason": r} for e, r in skipped],
        }
        _say_json(dumps(report, "json"))
        return
    if len(verdicts) == 1 or details:
        _say("\n\n".join(verdict_text(v) for v in verdicts))
    else:
        _say(team_text(verdicts))
    for employee, reason in skipped:
        _say(f"{printable(employee)}: not evaluated: {printable(reason)}")


def _cycle(text: str | None) -> Cycle | None:
    if text is None:
        return None
    try:
        return Cycle.parse(text)
    except ValueError as exc:
        raise ProgressionError(f"--as-of: {exc}") from None


def _demo() -> int:
    framework = examples.load("engineering")
    team = examples.team()
    _say(
        f"Sample team of {len(team)} against"
        f" {printable(framework.name)} {printable(framework.version)}\n"
    )
    verdicts, skipped = _evaluate_all(framework, team, None, None)
    _print_evaluation(verdicts, skipped, "table", False)
    family = framework.family("engineering")
    _say("\nCrossover candidates:")
    for crossover in family.crossovers:
        for history in team:
            held = history.level_at(history.cycles()[-1])
            if held is None or held.level != crossover.from_level:
                continue
            verdict = evaluate(framework, history, target=crossover.to_level)
            if verdict.ready or verdict.met_except_approval:
                _say("  " + printable(verdict.summary))
    ready = [v for v in verdicts if v.ready]
    if ready:
        _say("\nIn detail:\n" + verdict_text(ready[0]))
    not_ready = [v for v in verdicts if not v.ready and v.plan and v.plan.increases]
    if not_ready:
        _say("\n" + verdict_text(not_ready[0]))
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    ignore = [code.strip() for value in args.ignore for code in value.split(",") if code.strip()]
    unknown = sorted(set(ignore) - set(RULES))
    if unknown:
        raise ProgressionError(f"--ignore: unknown code(s) {', '.join(unknown)}")
    fail_on = Severity(args.fail_on)
    status = EXIT_OK
    done: list[tuple[str, LintReport, list[Location]]] = []
    broken: list[dict[str, object]] = []
    for file in args.files:
        try:
            fmt = format_of(file)
            text = read_text(file)
            framework = loads_framework(text, format=fmt, source=file)
        except UnreadableInput as exc:
            broken.append({"file": file, "status": "unreadable", "error": str(exc), "problems": []})
            _say(f"progression: {printable(str(exc))}", err=True)
            continue
        except InvalidInput as exc:
            problems = [p.to_dict() for p in exc.problems]
            broken.append({"file": file, "status": "invalid", "problems": problems})
            _say(problems_text(exc.problems), err=True)
            continue
        report = lint(framework, ignore=ignore)
        marks = locate(
            text, fmt, [Problem(segments=f.segments, message="") for f in report.findings]
        )
        done.append((file, report, [(m.line, m.column) for m in marks]))
        if report.at_or_above(fail_on):
            status = EXIT_INVALID
    if broken:
        status = EXIT_UNREADABLE
    if args.format == "sarif":
        _say_json(json.dumps(lint_sarif(done), indent=2, ensure_ascii=False))
    elif args.format == "json":
        files: list[dict[str, object]] = [
            {
                "file": file,
                "status": "linted",
                "findings": [
                    {**unstructure(f), "line": line, "column": column}
                    for f, (line, column) in zip(report.findings, where, strict=True)
                ],
                "suppressed": unstructure(report.suppressed),
            }
            for file, report, where in done
        ]
        _say_json(json.dumps({"files": files + broken}, indent=2, ensure_ascii=False))
    elif done:
        colour = args.colour == "always" or (args.colour == "auto" and sys.stdout.isatty())
        _say(lint_text(_printable_reports(done), colour=colour), colours=colour)
    return status


def _printable_reports(
    done: Sequence[tuple[str, LintReport, list[Location]]],
) -> list[tuple[str, LintReport, list[Location]]]:
    """The reports with their text escaped, so that colour codes are only ever ours."""

    def finding(f: Finding) -> Finding:
        return attrs.evolve(f, message=printable(f.message), suggestion=printable(f.suggestion))

    return [
        (
            printable(file),
            attrs.evolve(
                report,
                findings=[finding(f) for f in report.findings],
                suppressed=[
                    attrs.evolve(s, finding=finding(s.finding), reason=printable(s.reason))
                    for s in report.suppressed
                ],
            ),
            where,
        )
        for file, report, where in done
    ]


def _import(args: argparse.Namespace) -> int:
    if args.source_format == "ft":
        if args.generic is not None:
            raise ProgressionError("--generic: only Monzo pages have a generic page")
        imported = interchange.from_ft(args.source)
    else:
        imported = interchange.from_monzo(args.source, generic=args.generic)
    if args.output is None:
        # The framework is the output; the report goes beside it, to standard error.
        sys.stdout.write(dump_framework(imported.framework))
        print(imported.report.text(), file=sys.stderr)
        return EXIT_OK
    text = dump_framework(imported.framework, format=format_of(args.output))
    try:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        raise UnreadableInput(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    print(imported.report.text())
    print(f"Wrote {args.output}.")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "validate":
        return _validate(args.files, args.format)
    if args.command == "summary":
        _say("\n\n".join(summary_text(load_framework(file)) for file in args.files))
        return EXIT_OK
    if args.command == "schema":
        schema = (
            history_document_schema()
            if args.kind == "history"
            else json_schema(Framework if args.kind == "framework" else Verdict)
        )
        _say_json(json.dumps(schema, indent=args.indent, ensure_ascii=False))
        return EXIT_OK
    if args.command == "evaluate":
        framework = load_framework(args.framework)
        histories = load_history(args.history, levels=args.levels, events=args.events)
        verdicts, skipped = _evaluate_all(framework, histories, args.target, _cycle(args.as_of))
        _print_evaluation(verdicts, skipped, args.format, args.details)
        return EXIT_OK
    if args.command == "example":
        sys.stdout.write(examples.text(args.name))
        return EXIT_OK
    if args.command == "lint":
        return _lint(args)
    if args.command == "demo":
        return _demo()
    if args.command == "import":
        return _import(args)
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


def _debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    try:
        return _run(_parser().parse_args(argv))
    except InvalidInput as exc:
        _say(problems_text(exc.problems), err=True)
        return EXIT_INVALID
    except ProgressionError as exc:
        _say(f"progression: {printable(str(exc))}", err=True)
        return EXIT_UNREADABLE
    except BrokenPipeError:  # `progression schema | head`
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        if _debugging():
            raise
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Some input reached a path nobody foresaw: say so in one line, not a traceback.
        if _debugging():
            raise
        _say(
            f"progression: unexpected error ({type(exc).__name__}: {printable(str(exc))});"
            " this is a bug in progression, please report it with the command and input"
            f" that caused it ({DEBUG_VARIABLE}=1 shows the details)",
            err=True,
        )
        return EXIT_UNREADABLE


def _silence_stdout() -> None:
    # The reader has gone: without this, flushing stdout at exit fails a second time
    # and Python prints that failure.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor, as under capture
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
