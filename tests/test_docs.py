"""The Python examples in README.md and docs/ run as written, and print what they claim.

A ``print(...)`` statement followed directly by comment lines claims its output: the
comments (without their ``# ``) must equal what it printed, unless they end in ``...``,
in which case what was printed must start with them.
"""

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_there_are_examples_to_run() -> None:
    assert sum(len(FENCE.findall(page.read_text(encoding="utf-8"))) for page in PAGES) >= 5


def claimed_output(lines: list[str], after: int) -> list[str] | None:
    """The comment lines right after line ``after`` (1-based), or None if there are none."""
    found = []
    for line in lines[after:]:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        found.append(stripped[2:] if stripped.startswith("# ") else stripped[1:])
    return found or None


def is_print(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "print"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocks = FENCE.findall(page.read_text(encoding="utf-8"))
    if not blocks:
        pytest.skip("no Python examples on this page")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(blocks, 1):
        name = f"{page.name} (example {number})"
        lines = block.splitlines()
        for node in ast.parse(block).body:
            code = compile(ast.Module(body=[node], type_ignores=[]), name, "exec")
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)  # the docs are ours
            claim = claimed_output(lines, node.end_lineno or node.lineno)
            if claim is None or not is_print(node):
                continue
            out = printed.getvalue().rstrip("\n")
            where = f"{name}, line {node.lineno}"
            if claim[-1].endswith("..."):
                expected = "\n".join(claim)[:-3]
                assert out.startswith(expected), f"{where}: printed {out!r}"
            else:
                assert out == "\n".join(claim), f"{where}: printed {out!r}"
