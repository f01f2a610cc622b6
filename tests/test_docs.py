"""The Python examples in README.md and docs/ run as written, and print what they claim.

The examples of a page run in order, as one session, in a temporary working directory:
an example that writes a file writes it there, never into the repository.

A ``print(...)`` call claims its output with the comment at the end of its last line,
if there is one, and the comment lines right after that line. The claim is checked
against everything that call printed, wherever it sits: at the top level, in a loop, in
a function, in a ``try``; a call run three times in a loop prints three claimed lines.
The comments (without their ``# ``) must equal what was printed, unless they end in
``...``, in which case what was printed must start with them.

Code fenced as ``py`` instead of ``python`` is shown, not run: it is for services the
tests do not start (a Ray or Spark cluster). It must still be valid Python.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import re
import sys
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHOWN = re.compile(r"^```py\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_there_are_examples_to_run() -> None:
    assert sum(len(FENCE.findall(page.read_text(encoding="utf-8"))) for page in PAGES) >= 5


@dataclass
class Claim:
    """Comment lines that claim what the print calls in the code above them printed."""

    lines: list[str]
    first: int  # where the claim starts (1-based; an inline claim shares a code line)
    calls: list[tuple[int, int]]  # (first line, last line) of each print call claimed

    @property
    def call_lines(self) -> set[int]:
        return {line for first, last in self.calls for line in range(first, last + 1)}


def _strip(comment: str) -> str:
    return comment[2:] if comment.startswith("# ") else comment[1:]


def claims(block: str) -> list[Claim]:
    """Every claim in a block of code, in order.

    A claim is a run of comment lines right under a line of code, or the comment that
    ends the last line of a ``print(...)`` call and the comment lines right under it.
    It claims the output of the print calls in the paragraph above it: the lines of
    code up to the previous claim, blank line or comment line. A run of comments under
    a paragraph without a print call is prose, not a claim.
    """
    comments: dict[int, str] = {}
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(block).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = _strip(token.string)
        elif token.type not in (
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            code.update(range(token.start[0], token.end[0] + 1))
    calls = sorted(
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(ast.parse(block))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
    )
    ends = {last for _, last in calls}
    total = len(block.splitlines())
    found: list[Claim] = []
    floor = 1  # a paragraph never reaches above the end of the previous claim
    line = 1
    while line <= total:
        inline = line in code and line in comments and line in ends
        under_code = line in comments and line not in code and line - 1 in code
        if not (inline or under_code):
            line += 1
            continue
        anchor = line if inline else line - 1
        top = anchor
        while top - 1 >= floor and top - 1 in code:
            top -= 1
        text = [comments[line]]
        end = line
        while end + 1 in comments and end + 1 not in code:
            end += 1
            text.append(comments[end])
        claimed = [(first, last) for first, last in calls if first >= top and last <= anchor]
        if claimed:
            found.append(Claim(lines=text, first=line, calls=claimed))
            floor = end + 1
        line = end + 1
    return found


Printed = list[tuple[str, int, str]]


def recording_print(printed: Printed) -> Callable[..., None]:
    """A ``print`` that records what it prints with its call site: (file name, line)."""

    def record(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("file") is not None:
            builtins.print(*args, **kwargs)
            return
        out = io.StringIO()
        builtins.print(*args, **{**kwargs, "file": out})
        caller = sys._getframe(1)
        printed.append((caller.f_code.co_filename, caller.f_lineno, out.getvalue()))

    return record


def check(claim: list[str], out: str, where: str) -> None:
    out = out.rstrip("\n")
    if claim[-1].endswith("..."):
        expected = "\n".join(claim)[:-3]
        assert out.startswith(expected), f"{where}: printed {out!r}"
    else:
        assert out == "\n".join(claim), f"{where}: printed {out!r}"


def run_page(text: str) -> int:
    """Run every example of a page in the current directory; return the claims checked."""
    printed: Printed = []
    namespace: dict[str, object] = {"__name__": "__docs__", "print": recording_print(printed)}
    blocks = []
    for number, block in enumerate(FENCE.findall(text), 1):
        name = f"example {number}"
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, name, "exec"), namespace)  # the docs are ours
        blocks.append((name, block))
    checked = 0
    # Checked once the whole page has run: a function defined in one example may print
    # when a later one calls it.
    for name, block in blocks:
        for claim in claims(block):
            lines = claim.call_lines
            out = "".join(
                chunk for where, line, chunk in printed if where == name and line in lines
            )
            check(claim.lines, out, f"{name}, line {claim.first}")
            checked += 1
    return checked


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = page.read_text(encoding="utf-8")
    if not FENCE.findall(text):
        pytest.skip("no Python examples on this page")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    run_page(text)


SHOWING = [page for page in PAGES if SHOWN.search(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", SHOWING, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_shown_but_not_run_is_valid_python(page: Path) -> None:
    for number, block in enumerate(SHOWN.findall(page.read_text(encoding="utf-8")), 1):
        compile(block, f"{page.name}, shown example {number}", "exec")


def test_code_fenced_as_py_is_not_run() -> None:
    page = '```py\nraise SystemExit("a cluster is needed")\n```\n'
    assert not FENCE.findall(page)
    assert SHOWN.findall(page) == ['raise SystemExit("a cluster is needed")\n']


# The checker itself: each of these pages must fail, or pass, as stated.

LOOP = """
```python
for word in ["a", "b"]:
    print(word)
# a
# {second}
```
"""


def test_a_claim_inside_a_loop_is_checked() -> None:
    assert run_page(LOOP.format(second="b")) == 1
    with pytest.raises(AssertionError, match=r"example 1, line 3: printed 'a\\nb'"):
        run_page(LOOP.format(second="c"))


FUNCTION = """
```python
def show(value):
    print(value, "suppress" if value else "none")
    # {claim}
```

Some prose.

```python
show(0)
```
"""


def test_a_claim_inside_a_function_is_checked_against_later_calls() -> None:
    assert run_page(FUNCTION.format(claim="0 none")) == 1
    with pytest.raises(AssertionError, match="printed '0 none'"):
        run_page(FUNCTION.format(claim="0 suppress"))


def test_an_inline_claim_and_an_ellipsis() -> None:
    page = '```python\nprint("ready since 2025")  # ready since ...\n```\n'
    assert run_page(page) == 1
    with pytest.raises(AssertionError):
        run_page(page.replace("# ready", "# not ready"))


def test_a_claimed_print_that_never_runs_fails() -> None:
    page = "```python\nfor x in []:\n    print(x)\n# 1\n```\n"
    with pytest.raises(AssertionError, match="printed ''"):
        run_page(page)


def test_a_hash_in_a_string_is_no_claim() -> None:
    assert run_page('```python\nprint("#1")\n```\n') == 0
    assert run_page('```python\nprint("#1")\n\n# prose, not output\n```\n') == 0


def test_a_print_to_a_file_is_not_recorded() -> None:
    page = "```python\nimport sys\nprint('to stderr', file=sys.stderr)\n# to stderr\n```\n"
    with pytest.raises(AssertionError, match="printed ''"):
        run_page(page)


PARAGRAPH = '''
```python
TEXT = """
# a line of text, not a comment
"""
for n in [1, 2]:
    print(n)
    print(" ", n * 10)
    assert n
# 1
#   10
# 2
# {last}
print(len(TEXT))
# 33
```
'''


def test_a_claim_covers_every_print_of_its_paragraph_in_order() -> None:
    assert run_page(PARAGRAPH.format(last="  20")) == 2
    with pytest.raises(AssertionError, match=r"line 8: printed '1\\n  10\\n2\\n  20'"):
        run_page(PARAGRAPH.format(last="20"))
