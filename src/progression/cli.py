"""The ``progression`` command line: validate, summarise and describe framework files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import examples
from ._render import problems_text, summary_text
from ._schema import json_schema
from ._serialization import load_framework
from .exceptions import InvalidInput, ProgressionError, UnreadableInput

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


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

    schema = commands.add_parser("schema", help="print the JSON Schema of framework files")
    schema.add_argument("--indent", type=int, default=2)

    example = commands.add_parser(
        "example", help="print a bundled example framework as YAML, to copy and adapt"
    )
    example.add_argument("name", choices=examples.names())

    commands.add_parser("demo", help="validate the bundled examples and summarise each")
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
                print(problems_text(exc.problems))
        report.append(entry)
        if fmt == "text" and entry["status"] == "valid":
            print(f"{file}: valid")
        elif fmt == "text" and entry["status"] == "unreadable":
            print(f"progression: {entry['error']}", file=sys.stderr)
    if fmt == "json":
        print(json.dumps({"files": report}, indent=2, ensure_ascii=False))
    return status


def _run(args: argparse.Namespace) -> int:
    if args.command == "validate":
        return _validate(args.files, args.format)
    if args.command == "summary":
        print("\n\n".join(summary_text(load_framework(file)) for file in args.files))
        return EXIT_OK
    if args.command == "schema":
        print(json.dumps(json_schema(), indent=args.indent, ensure_ascii=False))
        return EXIT_OK
    if args.command == "example":
        sys.stdout.write(examples.text(args.name))
        return EXIT_OK
    if args.command == "demo":
        for name in examples.names():
            print(summary_text(examples.load(name)), end="\n\n")
        print(f"{len(examples.names())} bundled frameworks, all valid.")
        return EXIT_OK
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except InvalidInput as exc:
        print(problems_text(exc.problems), file=sys.stderr)
        return EXIT_INVALID
    except ProgressionError as exc:
        print(f"progression: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:  # `progression schema | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
