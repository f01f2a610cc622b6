"""Import a job family of the FT engineering-progression repository.

Each file of its ``data/job-families/`` folder is one job family: ``levels`` (id and
name), ``themes`` (id, name, optional summary) and ``competencies``, one entry per
level and theme in the current format, several in the legacy one (``isLegacy: true``,
with ``examples`` and ``supportingUrls``). An entry's ``summary`` is Markdown; its
``proficiency`` is one of five labels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._model import (
    Behaviour,
    BranchPoint,
    Competency,
    CompetencyKind,
    Expectation,
    Framework,
    JobFamily,
    Level,
    Link,
    RatingScale,
    Track,
    TrackKind,
)
from .._validation import ID_PATTERN, one_of
from ..exceptions import Segment
from ._report import Imported, Reader, longest_run, read_source, read_yaml, slug, words

__all__ = ["PROFICIENCY_LABELS", "from_ft"]

#: FT's proficiency labels, lowest first, as its job-family schema lists them.
PROFICIENCY_LABELS = ("Awareness", "Foundational", "Working knowledge", "Practitioner", "Expert")
_KEYS = {"name", "summary", "googleSheetId", "isLegacy", "levels", "themes", "competencies"}
_ENTRY_KEYS = {"id", "level", "theme", "summary", "proficiency", "examples", "supportingUrls"}
_IC = re.compile(r"(^|[-_ ])ic$|individual contributor", re.IGNORECASE)
_MANAGER = re.compile(r"(^|[-_ ])(pm|em)$|people manager|engineering manager", re.IGNORECASE)
_ITEM = re.compile(r"\s{0,3}(?:[0-9]+[.)]|[-*+])\s+(.*)")

_TRACK_NAMES = {
    "shared": ("Shared levels", TrackKind.IC),
    "ic": ("Individual contributor", TrackKind.IC),
    "management": ("People manager", TrackKind.MANAGEMENT),
}


def from_ft(path: Path | str) -> Imported:
    """A framework from an FT engineering-progression job-family YAML file.

    Levels become tracks: the levels before the first one marked as individual
    contributor (``-ic``, "Individual Contributor") or people manager (``-pm``,
    "People Manager") are shared, and the marked ones branch from the last shared level
    into an IC and a management track. Themes become competencies; each entry's
    summary gives behaviours, one per item of a Markdown list; labels become points.

    Raises:
        UnreadableInput: the file is missing, too large or not UTF-8.
        InvalidInput: the file is not in the format, with the path of every mismatch.
    """
    text = read_source(path)
    source = str(path)
    data = read_yaml(text, source)
    legacy = isinstance(data, Mapping) and data.get("isLegacy") is True
    reader = _FtReader(Reader(source, "ft-legacy" if legacy else "ft"), Path(path).stem)
    framework = reader.read(data)
    reader.r.raise_if_any(text)
    assert framework is not None
    return Imported(framework=framework, report=reader.r.report())


class _FtReader:
    def __init__(self, reader: Reader, stem: str) -> None:
        self.r = reader
        self.stem = stem

    # --- the shape of the source --------------------------------------------------------

    def _text(self, item: Mapping[str, Any], key: str, at: tuple[Segment, ...]) -> str | None:
        value = item.get(key)
        if value is None:
            self.r.problem((*at, key), f"missing required key {key!r}", "a string")
        elif not isinstance(value, str) or not value.strip():
            self.r.problem((*at, key), f"{key} is not text", "a non-empty string")
        else:
            return value
        return None

    def _list(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list):
            self.r.problem((key,), f"missing or not a list: {key}", f"a list of {key}")
            return []
        return value

    def _entries(
        self, data: Mapping[str, Any], key: str, required: tuple[str, ...]
    ) -> list[tuple[int, dict[str, Any]]]:
        out = []
        seen: dict[str, int] = {}
        for index, item in enumerate(self._list(data, key)):
            at: tuple[Segment, ...] = (key, index)
            if not isinstance(item, Mapping):
                self.r.problem(
                    at, f"not a mapping in {key}", "a mapping with " + ", ".join(required)
                )
                continue
            values = [self._text(item, name, at) for name in required]
            item_id = values[0]
            if item_id is None or None in values:
                continue
            if item_id in seen:
                self.r.problem(
                    (*at, "id"), f"duplicate id {item_id!r} (first at {key}[{seen[item_id]}])"
                )
                continue
            seen[item_id] = index
            out.append((index, dict(item)))
        return out

    # --- reading ------------------------------------------------------------------------

    def read(self, data: object) -> Framework | None:
        r = self.r
        if not isinstance(data, Mapping):
            r.problem(
                (), "not an FT job family", "a mapping with name, levels, themes and competencies"
            )
            return None
        name = self._text(data, "name", ())
        for key in sorted(set(data) - _KEYS, key=str):
            r.note(r.left_out, (key,), "not a key of FT job families, so not read")
        levels = self._entries(data, "levels", ("id", "name"))
        themes = self._entries(data, "themes", ("id", "name"))
        for index, item in levels + themes:
            kind = "levels" if (index, item) in levels else "themes"
            extra = (
                set(item) - {"id", "name", "summary"} - ({"summary"} if kind == "levels" else set())
            )
            for key in sorted(extra, key=str):
                r.note(r.left_out, (kind, index, key), f"not a key of FT {kind}, so not read")
        entries = self._competencies(
            data, {i["id"] for _, i in levels}, {i["id"] for _, i in themes}
        )
        if r.problems or name is None:
            return None
        if not levels:
            r.problem(("levels",), "no levels", "at least one level")
            return None
        return self._framework(data, name, levels, themes, entries)

    def _competencies(
        self, data: Mapping[str, Any], level_ids: set[str], theme_ids: set[str]
    ) -> list[tuple[int, dict[str, Any]]]:
        r = self.r
        entries = self._entries(
            data, "competencies", ("id", "level", "theme", "summary", "proficiency")
        )
        kept = []
        for index, entry in entries:
            at: tuple[Segment, ...] = ("competencies", index)
            ok = True
            for key, known in (("level", level_ids), ("theme", theme_ids)):
                if entry[key] not in known:
                    r.problem((*at, key), f"unknown {key} {entry[key]!r}", one_of(sorted(known)))
                    ok = False
            if entry["proficiency"] not in PROFICIENCY_LABELS:
                r.problem(
                    (*at, "proficiency"),
                    f"unknown proficiency {entry['proficiency']!r}",
                    one_of(PROFICIENCY_LABELS),
                )
                ok = False
            examples = entry.get("examples", [])
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                r.problem(
                    (*at, "examples"), "examples are not a list of strings", "a list of strings"
                )
                ok = False
            links = entry.get("supportingUrls", [])
            if not isinstance(links, list) or not all(
                isinstance(link, Mapping)
                and isinstance(link.get("url"), str)
                and link["url"].strip()
                and isinstance(link.get("label", ""), str)
                for link in links
            ):
                r.problem(
                    (*at, "supportingUrls"),
                    "supporting URLs are not a list of {label, url}",
                    "a list of mappings with label and url",
                )
                ok = False
            for key in sorted(set(entry) - _ENTRY_KEYS, key=str):
                r.note(r.left_out, (*at, key), "not a key of FT competencies, so not read")
            if ok:
                kept.append((index, entry))
        return kept

    def _framework(
        self,
        data: Mapping[str, Any],
        name: str,
        levels: list[tuple[int, dict[str, Any]]],
        themes: list[tuple[int, dict[str, Any]]],
        entries: list[tuple[int, dict[str, Any]]],
    ) -> Framework:
        r = self.r
        ids = {item["id"]: self._level_id(index, item["id"]) for index, item in levels}
        placed = self._tracks(levels, ids)
        family_id = slug(name, "family")
        scale = RatingScale(
            min=1, max=len(PROFICIENCY_LABELS), labels=dict(enumerate(PROFICIENCY_LABELS, 1))
        )
        r.note(
            r.mapped,
            ("competencies",),
            "proficiency labels became the points of a 1..5 scale labelled, lowest first, "
            + ", ".join(PROFICIENCY_LABELS),
        )
        tracks = []
        for track_id, (owned, point) in placed.items():
            track_name, kind = _TRACK_NAMES[track_id]
            competencies = [
                c
                for index, theme in themes
                if (c := self._competency(index, theme, owned, entries, ids)) is not None
            ]
            tracks.append(
                Track(
                    id=track_id,
                    name=track_name,
                    kind=kind,
                    levels=owned,
                    competencies=competencies,
                    branches_from=point,
                )
            )
        cells = [e for t in tracks for c in t.competencies for e in c.levels.values()]
        r.note(
            r.mapped,
            ("themes",),
            f"{len(themes)} themes became the competencies of each track where they have entries",
        )
        r.note(
            r.mapped,
            ("competencies",),
            f"{_used(cells)} of {len(entries)} entries became"
            f" {sum(len(e.behaviours) for e in cells)} behaviours"
            f" in {len(cells)} expectations (one per level and theme): one behaviour per item"
            " of a Markdown list in a summary, else one per entry, with its examples,"
            " supporting URLs as links and its id as external_id",
        )
        summary = data.get("summary")
        notes = words(summary) if isinstance(summary, str) and summary.strip() else None
        if notes:
            r.note(r.mapped, ("summary",), "became the job family's notes")
        sheet = data.get("googleSheetId")
        external = sheet.strip() if isinstance(sheet, str) and sheet.strip() else None
        if external:
            r.note(r.mapped, ("googleSheetId",), "became the job family's external_id")
        family = JobFamily(
            id=family_id, name=name, tracks=tracks, notes=notes, external_id=external
        )
        metadata: dict[str, Any] = {
            "imported_from": {"format": r.format, "file": Path(r.source).name}
        }
        if data.get("isLegacy") is True:
            metadata["legacy"] = True
            r.note(r.mapped, ("isLegacy",), "kept as metadata legacy: true")
        r.note(r.assumed, (), "version 'imported': FT job families carry no version")
        r.note(
            r.assumed,
            (),
            "quarterly review cycles: FT job families do not say how often reviews happen",
        )
        r.note(
            r.assumed,
            ("themes",),
            "every competency is core: FT does not tell core and functional apart",
        )
        r.note(
            r.to_supply,
            (),
            "promotion policies: FT describes expectations, not the criteria (scores, time,"
            " evidence, approval) that decide a promotion",
        )
        r.note(
            r.to_supply,
            ("levels",),
            "titles, scope and autonomy of each level: FT levels have a name only",
        )
        r.note(
            r.to_supply,
            (),
            "the review cadence and a version, if quarterly and 'imported' are not right",
        )
        return Framework(
            id=slug(self.stem, "framework"),
            name=name,
            version="imported",
            scale=scale,
            job_families=[family],
            metadata=metadata,
        )

    def _level_id(self, index: int, source_id: str) -> str:
        if ID_PATTERN.match(source_id):
            return source_id
        made = slug(source_id, f"level-{index + 1}")
        self.r.note(self.r.assumed, ("levels", index, "id"), f"id {source_id!r} became {made!r}")
        return made

    def _tracks(
        self, levels: list[tuple[int, dict[str, Any]]], ids: dict[str, str]
    ) -> dict[str, tuple[list[Level], BranchPoint | None]]:
        """Shared levels, then an IC and a management branch, from the levels' markers."""
        r = self.r
        marks: list[str | None] = []
        for _, item in levels:
            ic, manager = (
                bool(_IC.search(item["id"]) or _IC.search(item["name"])),
                bool(_MANAGER.search(item["id"]) or _MANAGER.search(item["name"])),
            )
            marks.append(
                "ic" if ic and not manager else "management" if manager and not ic else None
            )
        first = next((i for i, mark in enumerate(marks) if mark), None)
        if first is None:
            owned = [
                self._level(index, item, ids, rank) for rank, (index, item) in enumerate(levels, 1)
            ]
            r.note(
                r.mapped,
                ("levels",),
                f"{len(levels)} levels became one individual contributor track 'ic',"
                " in the order listed, ranked 1 up: none is marked as a people manager level",
            )
            return {"ic": (owned, None)}
        shared = levels[:first]
        branches: dict[str, list[tuple[int, dict[str, Any]]]] = {"ic": [], "management": []}
        current = None
        for position in range(first, len(levels)):
            index, item = levels[position]
            mark = marks[position]
            if mark is None:
                r.note(
                    r.assumed,
                    ("levels", index),
                    f"level {item['id']!r} is not marked as individual contributor or people"
                    f" manager: placed on the {current} track, after the level listed before it",
                )
                mark = current
            assert mark is not None
            branches[mark].append((index, item))
            current = mark
        out: dict[str, tuple[list[Level], BranchPoint | None]] = {}
        point = None
        if shared:
            out["shared"] = (
                [self._level(i, item, ids, rank) for rank, (i, item) in enumerate(shared, 1)],
                None,
            )
            point = BranchPoint(track="shared", level=ids[shared[-1][1]["id"]])
        for track_id, items in branches.items():
            if items:
                start = len(shared) + 1
                out[track_id] = (
                    [
                        self._level(i, item, ids, rank)
                        for rank, (i, item) in enumerate(items, start)
                    ],
                    point,
                )
        described = "; ".join(
            f"{track_id} ({' > '.join(lv.id for lv in owned)})"
            for track_id, (owned, _) in out.items()
        )
        r.note(
            r.mapped,
            ("levels",),
            f"{len(levels)} levels became {len(out)} tracks: {described}"
            + (
                f"; ic and management branch from {point.level} on the shared track"
                if point
                else ""
            ),
        )
        r.note(
            r.assumed,
            ("levels",),
            "ranks count the steps up each ladder from 1, so the IC and people-manager"
            " levels at the same step have the same rank",
        )
        if len([b for b in branches.values() if b]) > 1:
            r.note(
                r.to_supply,
                ("levels",),
                "crossovers or ways back between the IC and people-manager tracks, if people"
                " may switch between them",
            )
        return out

    def _level(self, index: int, item: Mapping[str, Any], ids: dict[str, str], rank: int) -> Level:
        return Level(id=ids[item["id"]], name=words(item["name"]), rank=rank)

    def _competency(
        self,
        index: int,
        theme: Mapping[str, Any],
        owned: list[Level],
        entries: list[tuple[int, dict[str, Any]]],
        ids: dict[str, str],
    ) -> Competency | None:
        r = self.r
        order = [lv.id for lv in owned]
        cells: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for e_index, entry in entries:
            level_id = ids[entry["level"]]
            if entry["theme"] == theme["id"] and level_id in order:
                cells.setdefault(level_id, []).append((e_index, entry))
        if not cells:
            return None
        kept, dropped = longest_run(order, cells)
        for level_id in dropped:
            for e_index, _ in cells[level_id]:
                r.note(
                    r.left_out,
                    ("competencies", e_index),
                    f"theme {theme['id']!r} at {level_id!r}: the theme has no entry at a level"
                    " between this one and the others, and a competency covers consecutive levels",
                )
        summary = theme.get("summary")
        competency_id = (
            theme["id"]
            if ID_PATTERN.match(theme["id"])
            else slug(theme["id"], f"theme-{index + 1}")
        )
        return Competency(
            id=competency_id,
            name=words(theme["name"]),
            kind=CompetencyKind.CORE,
            summary=words(summary) if isinstance(summary, str) and summary.strip() else None,
            levels={
                level_id: self._expectation(theme, level_id, cells[level_id]) for level_id in kept
            },
            starts_at=kept[0] if kept[0] != order[0] else None,
            ends_at=kept[-1] if kept[-1] != order[-1] else None,
        )

    def _expectation(
        self, theme: Mapping[str, Any], level_id: str, cell: list[tuple[int, dict[str, Any]]]
    ) -> Expectation:
        r = self.r
        behaviours: list[Behaviour] = []
        for e_index, entry in cell:
            behaviours.extend(self._behaviours(e_index, entry))
        labels = {entry["proficiency"] for _, entry in cell}
        point = max(PROFICIENCY_LABELS.index(label) + 1 for label in labels)
        if len(labels) > 1:
            r.note(
                r.assumed,
                ("competencies", cell[0][0], "proficiency"),
                f"theme {theme['id']!r} at {level_id!r}: its entries expect"
                f" {one_of(sorted(labels, key=PROFICIENCY_LABELS.index))}; the highest,"
                f" {PROFICIENCY_LABELS[point - 1]!r}, is kept for the level",
            )
        return Expectation(behaviours=behaviours, proficiency=point)

    def _behaviours(self, e_index: int, entry: Mapping[str, Any]) -> list[Behaviour]:
        r = self.r
        at: tuple[Segment, ...] = ("competencies", e_index)
        examples = [words(e) for e in entry.get("examples", []) if isinstance(e, str) and e.strip()]
        links = [
            Link(
                url=link["url"].strip(),
                label=words(link["label"]) if str(link.get("label", "")).strip() else None,
            )
            for link in entry.get("supportingUrls", [])
        ]
        lead, items, tail = split_list(entry["summary"])
        if len(items) > 1 and (examples or links):
            r.note(
                r.assumed,
                (*at, "summary"),
                "kept as one behaviour, list and all: its examples and links belong to the whole",
            )
            items, lead, tail = [], words(entry["summary"]), ""
        texts = [t for t in (lead, *items, tail) if t] if items else [words(entry["summary"])]
        if items and (lead or tail):
            r.note(
                r.assumed,
                (*at, "summary"),
                "the text around its list became a behaviour of its own beside the list items",
            )
        if len(texts) == 1:
            return [
                Behaviour(text=texts[0], examples=examples, links=links, external_id=entry["id"])
            ]
        return [Behaviour(text=t, external_id=entry["id"]) for t in texts]


def _used(cells: list[Expectation]) -> int:
    """How many source entries the expectations hold: each keeps its entry's id."""
    return len({b.external_id for e in cells for b in e.behaviours})


def split_list(markdown: str) -> tuple[str, list[str], str]:
    """(text before the list, the list's items, text after it) of a Markdown summary.

    Items are numbered (``1.``, ``2)``) or bulleted (``-``, ``*``); an item runs on over
    the lines that follow it until the next item, a blank line followed by text that is
    not indented, or the end. Without a list the whole text is the lead.
    """
    lead: list[str] = []
    items: list[list[str]] = []
    tail: list[str] = []
    blank = False
    for line in markdown.splitlines():
        if not line.strip():
            blank = True
            continue
        found = _ITEM.match(line)
        if found:
            # Text between items belongs to the item before it.
            if tail:
                items[-1].extend(tail)
                tail = []
            items.append([found[1]])
        elif not items:
            lead.append(line)
        elif tail or (blank and not line.startswith((" ", "\t"))):
            tail.append(line)
        else:
            items[-1].append(line)
        blank = False
    return (
        words(" ".join(lead)),
        [words(" ".join(item)) for item in items if words(" ".join(item))],
        words(" ".join(tail)),
    )
