"""Importers for FT and Monzo frameworks: real published files and small ones written here.

The real files live beside the repository in ``../shared/frameworks`` (their texts are not
copied into it); the tests that need them are skipped, saying why, where that folder is
missing. The files in ``tests/data/interchange`` follow the same formats with other level
names, themes and shapes, so that the importers are checked against the formats rather
than against one organisation's files.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import progression
from progression import Framework, InvalidInput, TrackKind, UnreadableInput
from progression.cli import main
from progression.interchange import PROFICIENCY_LABELS, Imported, from_ft, from_monzo
from progression.interchange._ft import split_list

Capture = pytest.CaptureFixture[str]

DATA = Path(__file__).parent / "data" / "interchange"
SHARED = Path(__file__).parents[1].parent / "shared" / "frameworks"
FT_FILES = sorted((SHARED / "ft").glob("*.yml"))
MONZO_FILES = sorted((SHARED / "monzo").glob("*.md"))
needs_shared = pytest.mark.skipif(
    not FT_FILES or not MONZO_FILES,
    reason=f"the published FT and Monzo frameworks are not in {SHARED}",
)
STRUCTURAL = re.compile(r"PG[23][0-9]{2}\Z")


def imported(path: Path) -> Imported:
    if path.suffix == ".md":
        generic = path.with_name("generic.md")
        return from_monzo(path, generic=generic if generic.exists() else None)
    return from_ft(path)


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    found = re.match(r"---\r?\n(.*?)^---", text, re.DOTALL | re.MULTILINE)
    assert found is not None
    data: dict[str, Any] = yaml.safe_load(found[1])
    return data


# --- the published files --------------------------------------------------------------


def ft_counts(path: Path) -> Counter[tuple[str, str]]:
    """Behaviours per (level, theme), counted straight from the source."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts: Counter[tuple[str, str]] = Counter()
    for entry in data["competencies"]:
        items = re.findall(r"^\s*[0-9]+[.)]\s", entry["summary"], re.MULTILINE)
        counts[entry["level"], entry["theme"]] += len(items) or 1
    return counts


def monzo_counts(path: Path) -> Counter[tuple[str, str]]:
    """Behaviours per (level, topic): one per criterion and per example criterion."""
    data = front_matter(path)
    counts: Counter[tuple[str, str]] = Counter()
    for topic in data["topics"]:
        for content in topic["content"]:
            if 1 <= content["level"] <= data["levels"]:
                found = len(content.get("criteria") or []) + len(
                    content.get("exampleCriteria") or []
                )
                counts[f"L{content['level']}", topic["name"]] += found
    return +counts


def framework_counts(framework: Framework) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for _, track in framework.tracks():
        for competency in track.competencies:
            for level_id, expectation in competency.levels.items():
                counts[level_id, competency.id] += len(expectation.behaviours)
    return counts


#: The structural findings each published file should get, and why each is true of it.
EXPECTED_STRUCTURE = {
    # The people-manager branch tops out at Technology Director, which has no IC
    # counterpart; and the file defines no way back from the people-manager levels.
    "engineering.yml": {"PG302", "PG303"},
    # Four themes: fewer than the six competencies PG203 asks for.
    "engineering-v1.yml": {"PG203"},
    # Five topics each.
    "backend.md": {"PG203"},
    "generic.md": {"PG203"},
    "web.md": {"PG203"},
}


@needs_shared
@pytest.mark.parametrize("path", FT_FILES + MONZO_FILES, ids=lambda p: p.name)
def test_a_published_framework_imports_with_one_behaviour_per_source_item(path: Path) -> None:
    result = imported(path)
    expected = monzo_counts(path) if path.suffix == ".md" else ft_counts(path)
    assert framework_counts(result.framework) == expected
    # Every level and theme or topic of the source is there: nothing was dropped.
    assert not [n for n in result.report.left_out if "competencies[" in n.where]


@needs_shared
@pytest.mark.parametrize("path", FT_FILES + MONZO_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_a_published_framework_round_trips_in_every_format(path: Path, fmt: Any) -> None:
    framework = imported(path).framework
    text = progression.dump_framework(framework, format=fmt)
    assert progression.loads_framework(text, format=fmt) == framework
    assert progression.structure(progression.unstructure(framework), Framework) == framework


@needs_shared
@pytest.mark.parametrize("path", FT_FILES + MONZO_FILES, ids=lambda p: p.name)
def test_a_published_framework_lints_without_a_structural_false_alarm(path: Path) -> None:
    report = progression.lint(imported(path).framework)
    structural = {f.code for f in report.findings if STRUCTURAL.match(f.code)}
    assert structural == EXPECTED_STRUCTURE[path.name], [str(f.message) for f in report.findings]


@needs_shared
def test_the_ft_framework_branches_into_equal_ic_and_manager_tracks() -> None:
    framework = from_ft(SHARED / "ft" / "engineering.yml").framework
    (family,) = framework.job_families
    assert [t.id for t in family.tracks] == ["shared", "ic", "management"]
    assert [lv.id for lv in family.ladder("ic")] == [
        "junior", "engineer", "senior-1", "senior-2-ic", "principal-ic",
    ]  # fmt: skip
    assert [lv.id for lv in family.ladder("management")][3:] == [
        "senior-2-pm", "principal-pm", "tech-director",
    ]  # fmt: skip
    assert [lv.id for lv in family.next_levels("senior-1")] == ["senior-2-ic", "senior-2-pm"]
    assert family.level("senior-2-ic").rank == family.level("senior-2-pm").rank
    assert family.route("senior-1", "senior-2-pm") == "promotion"
    assert family.route("senior-2-ic", "principal-pm") is None
    assert family.track("management").kind is TrackKind.MANAGEMENT


@needs_shared
def test_ft_ids_and_links_are_kept() -> None:
    path = SHARED / "ft" / "engineering-v1.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    framework = from_ft(path).framework
    behaviours = [
        b
        for _, track in framework.tracks()
        for c in track.competencies
        for e in c.levels.values()
        for b in e.behaviours
    ]
    assert {b.external_id for b in behaviours} == {e["id"] for e in data["competencies"]}
    urls = {u["url"] for e in data["competencies"] for u in e["supportingUrls"]}
    assert {link.url for b in behaviours for link in b.links} == urls
    examples = sum(len(e["examples"]) for e in data["competencies"])
    assert sum(len(b.examples) for b in behaviours) == examples
    assert framework.job_families[0].external_id == data["googleSheetId"]
    assert framework.metadata["legacy"] is True


@needs_shared
def test_monzo_leadership_starts_at_level_3_without_filler() -> None:
    framework = from_monzo(SHARED / "monzo" / "backend.md").framework
    leadership = framework.job_families[0].tracks[0].competency("leadership")
    assert leadership.starts_at == "L3"
    assert sorted(leadership.levels) == ["L3", "L4", "L5", "L6"]
    assert all(e.proficiency is None for e in leadership.levels.values())
    assert [lv.scope for lv in framework.job_families[0].tracks[0].levels] == [None] * 6


# --- files written for these tests ----------------------------------------------------


def test_marked_levels_branch_from_the_levels_before_them() -> None:
    result = from_ft(DATA / "ft-branching.yml")
    family = result.framework.job_families[0]
    assert family.id == "platform-engineering"
    assert family.external_id == "sheet-0001"
    assert family.notes == "Expectations for engineers who build and run the internal platform."
    shared, ic, management = family.tracks
    assert [lv.id for lv in shared.levels] == ["apprentice", "developer"]
    assert ic.branches_from == management.branches_from
    assert ic.branches_from is not None
    assert (ic.branches_from.track, ic.branches_from.level) == ("shared", "developer")
    assert [(lv.id, lv.rank) for lv in management.levels] == [
        ("staff-em", 3),
        ("head-of-platform", 4),
    ]
    # "head-of-platform" carries no marker: it joins the track of the level before it,
    # and the report says so.
    assert any("head-of-platform" in n.message for n in result.report.assumed)


def test_a_competency_covers_the_levels_its_theme_has_entries_for() -> None:
    management = from_ft(DATA / "ft-branching.yml").framework.job_families[0].track("management")
    delivery, reliability, people = management.competencies
    assert (delivery.starts_at, delivery.ends_at, sorted(delivery.levels)) == (
        "head-of-platform",
        None,
        ["head-of-platform"],
    )
    assert (reliability.starts_at, reliability.ends_at) == (None, "staff-em")
    assert (people.starts_at, people.ends_at) == (None, None)
    assert [c.id for c in management.expected_at("staff-em")] == ["reliability", "people"]


def test_list_items_become_behaviours_with_the_entry_id() -> None:
    result = from_ft(DATA / "ft-branching.yml")
    family = result.framework.job_families[0]
    reliability = family.track("ic").competency("reliability").levels["staff-ic"]
    assert [b.text for b in reliability.behaviours] == [
        "Sets the service level objectives of the platform.",
        "Reviews every incident report within a week, and follows each action to its end.",
    ]
    assert {b.external_id for b in reliability.behaviours} == {
        "11111111-0000-4000-8000-000000000006"
    }
    assert reliability.proficiency == PROFICIENCY_LABELS.index("Expert") + 1
    lead = family.track("shared").competency("delivery").levels["developer"]
    assert lead.behaviours[0].text == "Delivers in small steps:"
    assert len(lead.behaviours) == 4
    assert any(n.where == "$.competencies[2].summary" for n in result.report.assumed)
    assert [n.where for n in result.report.left_out] == ["$.competencies[4].comment"]


def test_legacy_entries_share_a_cell_and_keep_examples_and_links() -> None:
    result = from_ft(DATA / "ft-legacy.yml")
    assert result.report.format == "ft-legacy"
    (track,) = result.framework.job_families[0].tracks
    assert track.kind is TrackKind.IC
    tooling = track.competency("tooling").levels["associate"]
    assert [b.text for b in tooling.behaviours] == [
        "Keeps their laptop and tools up to date",
        "Uses the ticket system for every request",
    ]
    assert list(tooling.behaviours[0].examples) == [
        "Installs the security updates the day they arrive"
    ]
    link = tooling.behaviours[1].links[0]
    assert (link.url, link.label) == ("https://example.com/tickets", "Ticket guide")
    # Its entries expect two labels: the higher is kept, and the report says so.
    assert tooling.proficiency == 3
    assert any("proficiency" in n.where for n in result.report.assumed)


def test_a_gap_keeps_the_longest_run_and_reports_the_rest() -> None:
    result = from_ft(DATA / "ft-legacy.yml")
    customers = result.framework.job_families[0].tracks[0].competency("customers")
    assert (sorted(customers.levels), customers.starts_at) == (["senior"], "senior")
    assert [n.where for n in result.report.left_out] == ["$.competencies[2]"]


def test_a_monzo_page_becomes_one_track_of_numbered_levels() -> None:
    result = from_monzo(DATA / "monzo-page.md", generic=DATA / "monzo-generic.md")
    framework = result.framework
    (track,) = framework.job_families[0].tracks
    first = track.levels[0]
    assert (first.id, first.name, first.rank, first.title) == (
        "L1",
        "Level 1",
        1,
        None,
    )
    communication, coaching, tooling = track.competencies
    assert communication.name == "💬 Communication"  # from the generic page
    example = communication.levels["L2"].behaviours[1]
    assert (example.text, list(example.examples)) == (
        "Explains a fault so that the customer can check it themselves",
        ["Sends the three steps that show the setting is off"],
    )
    assert (coaching.starts_at, coaching.ends_at) == ("L2", "L3")
    assert (tooling.starts_at, sorted(tooling.levels)) == ("L3", ["L3", "L4"])
    left_out = [n.where for n in result.report.left_out]
    assert "$.topics[1].content[2].level" in left_out  # level 5 of a 4-level page
    assert "$.topics[2].content" in left_out  # tooling's L1 before a gap
    assert "$.path" in left_out
    assert any("Markdown body" in n.message for n in result.report.left_out)
    assert any("proficiencies" in n.message for n in result.report.to_supply)


def test_a_topic_without_a_title_is_named_from_its_name_and_reported() -> None:
    result = from_monzo(DATA / "monzo-page.md")
    assert result.framework.job_families[0].tracks[0].competencies[0].name == "Communication"
    assert any(n.where == "$.topics[0].title" for n in result.report.assumed)


def test_windows_line_ends_and_a_page_without_a_body() -> None:
    result = from_monzo(DATA / "monzo-crlf.md")
    competency = result.framework.job_families[0].tracks[0].competencies[0]
    assert competency.levels["L2"].description == "Finds the bugs nobody reported"
    assert not any("Markdown body" in n.message for n in result.report.left_out)


@pytest.mark.parametrize("name", ["ft-branching.yml", "ft-legacy.yml", "monzo-page.md"])
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_written_files_round_trip_and_validate(name: str, fmt: Any) -> None:
    framework = imported(DATA / name).framework
    assert (
        progression.loads_framework(progression.dump_framework(framework, format=fmt), format=fmt)
        == framework
    )


def test_nothing_is_invented_silently() -> None:
    # Every choice the source does not make is in the report: version, cadence, kinds.
    for result in (from_ft(DATA / "ft-branching.yml"), from_monzo(DATA / "monzo-page.md")):
        assumed = " ".join(n.message for n in result.report.assumed)
        for word in ("version", "quarterly", "core"):
            assert word in assumed
        assert any("promotion policies" in n.message for n in result.report.to_supply)
        # No promotion criteria are made up: the report asks for them instead.
        assert len(result.framework.policies) == 0


def test_the_report_reads_in_sections() -> None:
    text = from_ft(DATA / "ft-legacy.yml").report.text()
    assert text.splitlines()[0] == (
        f"Imported {DATA / 'ft-legacy.yml'} (FT engineering-progression job family, legacy format)."
    )
    for section in ("Mapped:", "Assumed where the source is silent", "Left out:", "To supply:"):
        assert section in text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Does one thing.", ("Does one thing.", [], "")),
        ("1. One.\n2. Two.", ("", ["One.", "Two."], "")),
        ("1. One\n   goes on.\n\n2. Two.", ("", ["One goes on.", "Two."], "")),
        ("Lead:\n- A.\n- B.", ("Lead:", ["A.", "B."], "")),
        ("1) A.\n2) B.\n\nAfter the list.", ("", ["A.", "B."], "After the list.")),
        ("1. A.\n\nBetween.\n2. B.", ("", ["A. Between.", "B."], "")),
    ],
)
def test_markdown_lists_split_into_items(
    markdown: str, expected: tuple[str, list[str], str]
) -> None:
    assert split_list(markdown) == expected


# --- sources not in the format ----------------------------------------------------------

FT_MINIMAL = """\
name: Tiny
summary: Tiny.
levels:
  - id: one
    name: One
themes:
  - id: craft
    name: Craft
competencies:
  - id: 33333333-0000-4000-8000-000000000001
    level: one
    theme: craft
    summary: Writes code.
    proficiency: Awareness
"""


@pytest.mark.parametrize(
    ("old", "new", "path", "line"),
    [
        ("level: one\n", "level: two\n", "$.competencies[0].level", 11),
        ("proficiency: Awareness", "proficiency: Aware", "$.competencies[0].proficiency", 14),
        ("  - id: craft\n", "  - name: Other\n  - id: craft\n", "$.themes[0].id", 7),
        ("summary: Writes code.", "summary: 42", "$.competencies[0].summary", 13),
        ("name: Tiny\n", "", "$.name", 1),
    ],
)
def test_an_ft_file_out_of_format_names_the_path(
    tmp_path: Path, old: str, new: str, path: str, line: int
) -> None:
    source = tmp_path / "tiny.yml"
    assert FT_MINIMAL.count(old) == 1
    source.write_text(FT_MINIMAL.replace(old, new), encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        from_ft(source)
    problems = raised.value.problems
    assert path in [p.path for p in problems], str(raised.value)
    assert all(p.source == str(source) for p in problems)
    assert line in [p.line for p in problems if p.path == path]


def test_the_minimal_ft_file_imports(tmp_path: Path) -> None:
    source = tmp_path / "tiny.yml"
    source.write_text(FT_MINIMAL, encoding="utf-8")
    framework = from_ft(source).framework
    assert framework.id == "tiny"
    assert framework.job_families[0].tracks[0].competencies[0].levels["one"].proficiency == 1


MONZO_MINIMAL = """\
---
title: Tiny
levels: 2
topics:
  - name: craft
    title: Craft
    content:
      - level: 1
        criteria: ["Writes code"]
---
"""


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        ("no front matter\n", "$", 1),
        (MONZO_MINIMAL.replace("levels: 2", "levels: two"), "$.levels", 3),
        (
            MONZO_MINIMAL.replace("      - level: 1\n", "      - level: first\n"),
            "$.topics[0].content[0].level",
            8,
        ),
        (MONZO_MINIMAL.replace('["Writes code"]', "[42]"), "$.topics[0].content[0].criteria[0]", 9),
        ("---\ntitle: Tiny\nlevels: 2\nyaml: false\n---\nProse only.\n", "$.topics", 2),
        (MONZO_MINIMAL.replace("title: Tiny", "title: [Tiny"), "$", 3),
    ],
)
def test_a_monzo_page_out_of_format_names_the_path(
    tmp_path: Path, text: str, path: str, line: int
) -> None:
    source = tmp_path / "tiny.md"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        from_monzo(source)
    problems = raised.value.problems
    assert path in [p.path for p in problems], str(raised.value)
    assert line in [p.line for p in problems if p.path == path], str(raised.value)


def test_a_missing_source_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput):
        from_ft(tmp_path / "missing.yml")
    with pytest.raises(UnreadableInput):
        from_monzo(tmp_path / "missing.md")


# --- the command line -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".toml"])
def test_import_writes_a_framework_file_and_prints_the_report(
    tmp_path: Path, capsys: Capture, suffix: str
) -> None:
    out = tmp_path / f"platform{suffix}"
    assert main(["import", "ft", str(DATA / "ft-branching.yml"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Mapped:" in printed
    assert "To supply:" in printed
    assert printed.rstrip().endswith(f"Wrote {out}.")
    assert progression.load_framework(out) == from_ft(DATA / "ft-branching.yml").framework


def test_import_without_an_output_writes_yaml_and_reports_on_stderr(capsys: Capture) -> None:
    assert main(["import", "monzo", str(DATA / "monzo-page.md")]) == 0
    out, err = capsys.readouterr()
    assert progression.loads_framework(out) == from_monzo(DATA / "monzo-page.md").framework
    assert err.startswith(f"Imported {DATA / 'monzo-page.md'}")


def test_import_of_a_source_in_another_format_exits_1(capsys: Capture) -> None:
    assert main(["import", "monzo", str(DATA / "ft-legacy.yml")]) == 1
    _, err = capsys.readouterr()
    assert "no YAML front matter" in err
    assert "Traceback" not in err
    assert main(["import", "ft", str(DATA / "monzo-page.md")]) == 1
    assert f"{DATA / 'monzo-page.md'}:" in capsys.readouterr().err


def test_import_of_a_missing_source_exits_2(tmp_path: Path, capsys: Capture) -> None:
    assert main(["import", "ft", str(tmp_path / "missing.yml")]) == 2
    assert capsys.readouterr().err.startswith("progression: ")


def test_import_to_an_unknown_suffix_exits_2(tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "framework.txt"
    assert main(["import", "ft", str(DATA / "ft-legacy.yml"), "-o", str(out)]) == 2
    assert "suffix" in capsys.readouterr().err
    assert not out.exists()


MONZO_MINIMAL = """---
title: "Tiny"
levels: 2
topics:
  - name: "craft"
    title: "Craft"
    content:
      - level: 1
        criteria:
          - "Fixes the bugs they are given"
---
"""


@pytest.mark.parametrize("levels", ["101", "999999999999999999999999999999"])
def test_a_monzo_page_numbering_too_many_levels_is_refused_at_once(
    tmp_path: Path, levels: str
) -> None:
    # Found by fuzzing: every level is made from the number alone, and a page of 300
    # bytes with 30 digits there held the import for ever.
    source = tmp_path / "page.md"
    source.write_text(MONZO_MINIMAL.replace("levels: 2", f"levels: {levels}"), encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        from_monzo(source)
    (problem,) = raised.value.problems
    assert (problem.path, problem.line) == ("$.levels", 3)
    assert problem.message == f"too many levels: {levels}: expected an integer from 1 to 100"
    source.write_text(MONZO_MINIMAL.replace("levels: 2", "levels: 100"), encoding="utf-8")
    assert len(from_monzo(source).framework.job_families[0].tracks[0].levels) == 100
