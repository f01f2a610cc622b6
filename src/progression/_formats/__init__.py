"""File formats: YAML, JSON and TOML documents, and CSV exports of rating histories."""

from ._documents import (
    FORMATS,
    MAX_BYTES,
    Format,
    dump_framework,
    dump_history,
    dumps,
    format_of,
    load_framework,
    load_history,
    loads_framework,
    loads_history,
    parse,
    read_text,
)

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "Format",
    "dump_framework",
    "dump_history",
    "dumps",
    "format_of",
    "load_framework",
    "load_history",
    "loads_framework",
    "loads_history",
    "parse",
    "read_text",
]
