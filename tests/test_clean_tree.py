"""Tests and docs write only to temporary folders: the run leaves the checkout as it was."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tree_state import Snapshot, changes, snapshot

ROOT = Path(__file__).parent.parent


@pytest.mark.last
def test_the_run_leaves_the_checkout_as_it_found_it(tree_at_start: Snapshot | None) -> None:
    if tree_at_start is None:
        pytest.skip("not in a git checkout")
    after = snapshot(ROOT)
    assert after is not None
    assert changes(tree_at_start, after) == [], "tests wrote into the checkout"


# The check itself, on a repository of its own.

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "kept.txt").write_text("one\n", encoding="utf-8")
    (root / "gone.txt").write_text("two\n", encoding="utf-8")
    (root / ".gitignore").write_text("ignored/\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    return root


@needs_git
def test_outside_a_checkout_there_is_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert snapshot(tmp_path) is None


@needs_git
def test_a_clean_checkout_has_nothing_to_report(repo: Path) -> None:
    assert snapshot(repo) == {}
    assert changes({}, {}) == []


@needs_git
def test_every_kind_of_write_is_caught(repo: Path) -> None:
    before = snapshot(repo)
    assert before == {}
    (repo / "new file é.txt").write_text("new\n", encoding="utf-8")
    (repo / "kept.txt").write_text("changed\n", encoding="utf-8")
    (repo / "gone.txt").unlink()
    (repo / "ignored").mkdir()
    (repo / "ignored" / "cache.bin").write_bytes(b"\0")
    after = snapshot(repo)
    assert after is not None
    assert changes(before, after) == [" D gone.txt", " M kept.txt", "?? new file é.txt"]


@needs_git
def test_a_change_to_a_file_already_changed_is_caught(repo: Path) -> None:
    (repo / "kept.txt").write_text("changed before the run\n", encoding="utf-8")
    before = snapshot(repo)
    assert before is not None
    assert list(before) == ["kept.txt"]
    assert changes(before, snapshot(repo) or {}) == []
    (repo / "kept.txt").write_text("changed again by a test\n", encoding="utf-8")
    assert changes(before, snapshot(repo) or {}) == [" M kept.txt"]


@needs_git
def test_putting_a_file_back_is_reported_too(repo: Path) -> None:
    (repo / "kept.txt").write_text("changed before the run\n", encoding="utf-8")
    before = snapshot(repo)
    assert before is not None
    git(repo, "checkout", "--", "kept.txt")
    assert changes(before, snapshot(repo) or {}) == ["back to as committed: kept.txt"]
