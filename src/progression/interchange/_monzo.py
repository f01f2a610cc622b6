"""Import a page of Monzo's progression-framework.

Each page is Markdown with YAML front matter: ``title``, ``levels`` (how many levels:
the site shows levels 1 to ``levels``) and ``topics``, each with a ``name``, an optional
``title`` and ``content``: per ``level``, ``criteria`` (strings) and ``exampleCriteria``
(``criteria`` with ``examples``). The Markdown body is prose about the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import attrs

from .._model import (
    Behaviour,
    Competency,
    CompetencyKind,
    Expectation,
    Framework,
    JobFamily,
    Level,
    Track,
    TrackKind,
)
from ..exceptions import InvalidInput, Problem, Segment
from ._report import Imported, Reader, longest_run, read_source, read_yaml, slug, words

__all__ = ["from_monzo"]

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_KEYS = {"title", "levels", "topics"}
#: The most levels a page may number; Monzo's own pages have at most eight.
MAX_LEVELS = 100
#: Keys that place the page on the Monzo site; they say nothing about the framework.
_SITE_KEYS = {"path", "sidebarTitle", "sidebarGroup", "yaml", "homepage"}


def from_monzo(path: Path | str, *, generic: Path | str | None = None) -> Imported:
    """A framework from a Monzo progression-framework Markdown page.

    One IC track of levels ``L1`` to ``Ln``; each topic a competency, expected from the
    first to the last level its content covers; each criterion and each example
    criterion one behaviour. Monzo gives no proficiencies, scope or titles, so none are
    set. Topics without a title take the title of the topic of the same name in the
    ``generic`` page, as the Monzo site shows them, when that page is given.

    Raises:
        UnreadableInput: a file is missing, too large or not UTF-8.
        InvalidInput: a page is not in the format, with the path of every mismatch.
    """
    source = str(path)
    reader = Reader(source, "monzo")
    data, front, body = _front_matter(read_source(path), source)
    titles = _generic_titles(generic) if generic is not None else {}
    framework = _MonzoReader(reader, Path(path).stem, titles).read(data)
    if body.strip():
        reader.note(
            reader.left_out,
            (),
            f"the Markdown body ({len(body.strip())} characters): prose about the page,"
            " not part of the framework",
        )
    # The front matter starts on the page's second line.
    reader.raise_if_any(front, line_offset=1)
    assert framework is not None
    return Imported(framework=framework, report=reader.report())


def _front_matter(text: str, source: str) -> tuple[object, str, str]:
    """The front matter's data, its text, and the Markdown body after it."""
    found = _FRONT.match(text)
    if found is None:
        raise InvalidInput(
            [
                Problem(
                    segments=(),
                    message="no YAML front matter: expected the page to start with a line"
                    " '---', the front matter, and another line '---'",
                    source=source,
                    line=1,
                    column=1,
                )
            ]
        )
    front = found[1]
    try:
        return read_yaml(front, source), front, text[found.end() :]
    except InvalidInput as exc:
        raise InvalidInput(
            attrs.evolve(p, line=None if p.line is None else p.line + 1) for p in exc.problems
        ) from None


def _generic_titles(path: Path | str) -> dict[str, str]:
    data, _, _ = _front_matter(read_source(path), str(path))
    topics = data.get("topics") if isinstance(data, Mapping) else None
    return {
        topic["name"]: topic["title"]
        for topic in topics or []
        if isinstance(topic, Mapping)
        and isinstance(topic.get("name"), str)
        and isinstance(topic.get("title"), str)
        and topic["title"].strip()
    }


class _MonzoReader:
    def __init__(self, reader: Reader, stem: str, titles: dict[str, str]) -> None:
        self.r = reader
        self.stem = stem
        self.titles = titles

    def read(self, data: object) -> Framework | None:
        r = self.r
        if not isinstance(data, Mapping):
            r.problem((), "the front matter is not a mapping", "keys title, levels and topics")
            return None
        for key in sorted(set(data) - _KEYS, key=str):
            why = (
                "places the page on the Monzo site"
                if key in _SITE_KEYS
                else "not a key of Monzo pages"
            )
            r.note(r.left_out, (key,), f"{why}, so not read")
        count = data.get("levels")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            r.problem(("levels",), "levels is not a number of levels", "an integer of 1 or more")
            count = None
        elif count > MAX_LEVELS:
            # Each level is made from the number alone: without a bound, 30 digits in a
            # page of 300 bytes would hold the import for ever.
            r.problem(
                ("levels",),
                f"too many levels: {count}",
                f"an integer from 1 to {MAX_LEVELS}",
            )
            count = None
        topics = data.get("topics")
        if not isinstance(topics, list) or not topics:
            prose = " (yaml: false marks a page of prose only)" if data.get("yaml") is False else ""
            r.problem(
                ("topics",), f"no topics{prose}", "a list of topics, each with a name and content"
            )
            topics = []
        title = data.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            r.problem(("title",), "title is not text", "a non-empty string")
        read = [self._topic(index, topic, count) for index, topic in enumerate(topics)]
        if r.problems or count is None:
            return None
        return self._framework(title if isinstance(title, str) else None, count, read)

    def _topic(
        self, index: int, topic: object, count: int | None
    ) -> tuple[str, str, dict[int, list[Behaviour]]] | None:
        r = self.r
        at: tuple[Segment, ...] = ("topics", index)
        if not isinstance(topic, Mapping):
            r.problem(at, "a topic is not a mapping", "a mapping with name and content")
            return None
        name = topic.get("name")
        if not isinstance(name, str) or not name.strip():
            r.problem((*at, "name"), "a topic needs a name", "a non-empty string")
            return None
        title = topic.get("title")
        if title is not None and not isinstance(title, str):
            r.problem((*at, "title"), "title is not text", "a string or nothing")
        for key in sorted(set(topic) - {"name", "title", "content"}, key=str):
            r.note(r.left_out, (*at, key), "not a key of Monzo topics, so not read")
        content = topic.get("content")
        if not isinstance(content, list):
            r.problem((*at, "content"), "content is not a list", "a list of levels with criteria")
            return None
        cells: dict[int, list[Behaviour]] = {}
        for c_index, item in enumerate(content):
            where: tuple[Segment, ...] = (*at, "content", c_index)
            level, behaviours = self._content(where, item)
            if level is None:
                continue
            if level in cells:
                r.problem((*where, "level"), f"level {level} is listed twice in this topic")
            elif count is not None and not 1 <= level <= count:
                r.note(
                    r.left_out,
                    (*where, "level"),
                    f"level {level} is outside levels 1 to {count}, which the page has"
                    " (the Monzo site shows only those)",
                )
            elif not behaviours:
                r.note(r.left_out, where, f"level {level} has no criteria, so no expectation")
            else:
                cells[level] = behaviours
        shown = title.strip() if isinstance(title, str) and title.strip() else None
        if shown is None and name in self.titles:
            shown = self.titles[name]
            r.note(r.mapped, (*at, "title"), f"taken from the generic page's topic {name!r}")
        elif shown is None:
            shown = name.strip()[:1].upper() + name.strip()[1:]
            r.note(r.assumed, (*at, "title"), f"none given: the competency is named {shown!r}")
        return name.strip(), shown, cells

    def _content(self, at: tuple[Segment, ...], item: object) -> tuple[int | None, list[Behaviour]]:
        r = self.r
        if not isinstance(item, Mapping):
            r.problem(at, "content is not a mapping", "a mapping with level and criteria")
            return None, []
        level = item.get("level")
        if isinstance(level, bool) or not isinstance(level, int):
            r.problem((*at, "level"), "level is not a level number", "an integer")
            return None, []
        for key in sorted(set(item) - {"level", "criteria", "exampleCriteria"}, key=str):
            r.note(r.left_out, (*at, key), "not a key of Monzo content, so not read")
        behaviours: list[Behaviour] = []
        criteria = item.get("criteria") or []
        if not isinstance(criteria, list):
            r.problem((*at, "criteria"), "criteria are not a list", "a list of strings")
            criteria = []
        for index, criterion in enumerate(criteria):
            text = self._string((*at, "criteria", index), criterion)
            if text:
                behaviours.append(Behaviour(text=text))
        examples = item.get("exampleCriteria") or []
        if not isinstance(examples, list):
            r.problem((*at, "exampleCriteria"), "example criteria are not a list", "a list")
            examples = []
        for index, example in enumerate(examples):
            where = (*at, "exampleCriteria", index)
            if not isinstance(example, Mapping):
                r.problem(where, "not a mapping", "a mapping with criteria and examples")
                continue
            text = self._string((*where, "criteria"), example.get("criteria"))
            shown = example.get("examples") or []
            if not isinstance(shown, list):
                r.problem((*where, "examples"), "examples are not a list", "a list of strings")
                shown = []
            texts = [
                t for i, e in enumerate(shown) if (t := self._string((*where, "examples", i), e))
            ]
            for key in sorted(set(example) - {"criteria", "examples"}, key=str):
                r.note(
                    r.left_out, (*where, key), "not a key of Monzo example criteria, so not read"
                )
            if text:
                behaviours.append(Behaviour(text=text, examples=texts))
        return level, behaviours

    def _string(self, at: tuple[Segment, ...], value: object) -> str | None:
        if not isinstance(value, str):
            self.r.problem(at, "not text", "a string")
            return None
        if not value.strip():
            self.r.note(self.r.left_out, at, "empty, so not a behaviour")
            return None
        return words(value)

    def _framework(
        self,
        title: str | None,
        count: int,
        topics: list[tuple[str, str, dict[int, list[Behaviour]]] | None],
    ) -> Framework:
        r = self.r
        levels = [Level(id=f"L{n}", name=f"Level {n}", rank=n) for n in range(1, count + 1)]
        order = [level.id for level in levels]
        competencies = []
        seen: dict[str, int] = {}
        for index, topic in enumerate(topics):
            if topic is None:
                continue
            name, shown, cells = topic
            competency_id = slug(name, f"topic-{index + 1}")
            if competency_id in seen:
                r.problem(
                    ("topics", index, "name"),
                    f"topic {name!r} has the id {competency_id!r} of topics[{seen[competency_id]}]",
                    "topic names that differ",
                )
                continue
            seen[competency_id] = index
            if competency_id != name:
                r.note(
                    r.assumed,
                    ("topics", index, "name"),
                    f"the id {competency_id!r} was made from {name!r}",
                )
            present = {f"L{n}": behaviours for n, behaviours in cells.items()}
            kept, dropped = longest_run(order, present)
            for level_id in dropped:
                r.note(
                    r.left_out,
                    ("topics", index, "content"),
                    f"{level_id} of topic {name!r}: the topic has no criteria at a level"
                    " between it and the others, and a competency covers consecutive levels",
                )
            if not kept:
                r.note(
                    r.left_out, ("topics", index), f"topic {name!r} has no criteria at any level"
                )
                continue
            competencies.append(
                Competency(
                    id=competency_id,
                    name=shown,
                    kind=CompetencyKind.CORE,
                    levels={
                        level_id: Expectation(behaviours=present[level_id]) for level_id in kept
                    },
                    starts_at=kept[0] if kept[0] != order[0] else None,
                    ends_at=kept[-1] if kept[-1] != order[-1] else None,
                )
            )
        behaviours = sum(len(e.behaviours) for c in competencies for e in c.levels.values())
        r.note(
            r.mapped,
            ("levels",),
            f"{count} levels became L1 to L{count}, named 'Level 1' up, ranked 1 up, on one"
            " individual contributor track 'ic'",
        )
        r.note(
            r.mapped,
            ("topics",),
            f"{len(competencies)} of {len(topics)} topics became competencies, each expected"
            " from the first to"
            f" the last level with criteria; their criteria and example criteria became"
            f" {behaviours} behaviours, example criteria with their examples",
        )
        name = title.strip() if title else self.stem
        if title is None:
            r.note(r.assumed, ("title",), f"no title: the framework is named {name!r}")
        r.note(r.assumed, (), "the default 1..5 rating scale: the page gives no scale for ratings")
        r.note(
            r.assumed,
            (),
            "one individual contributor track: Monzo pages do not tell IC and management"
            " levels apart",
        )
        r.note(
            r.assumed,
            ("topics",),
            "every competency is core: Monzo does not tell core and functional apart",
        )
        r.note(
            r.assumed, (), "version 'imported' and quarterly review cycles: the page says neither"
        )
        r.note(
            r.to_supply,
            (),
            "promotion policies: Monzo describes expectations, not the criteria (scores, time,"
            " evidence, approval) that decide a promotion",
        )
        r.note(
            r.to_supply,
            ("topics",),
            "proficiencies: Monzo gives none, so criteria that compare scores with expected"
            " proficiency (meets_expectations) cannot be used until they are added",
        )
        r.note(
            r.to_supply,
            ("levels",),
            "titles, scope and autonomy of each level: Monzo numbers its levels only",
        )
        track = Track(
            id="ic",
            name="Individual contributor",
            kind=TrackKind.IC,
            levels=levels,
            competencies=competencies,
        )
        family_id = slug(self.stem, "family")
        return Framework(
            id=family_id,
            name=name,
            version="imported",
            job_families=[JobFamily(id=family_id, name=name, tracks=[track])],
            metadata={"imported_from": {"format": "monzo", "file": Path(r.source).name}},
        )
