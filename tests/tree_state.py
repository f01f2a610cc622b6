"""What the test run may not change: the files of the git checkout the tests run in.

`snapshot` records every file git reports as changed or untracked, with a digest of its
content, so that a test writing a new file, or changing a file already changed before the
run, shows up in `changes` between a snapshot taken before the run and one taken after.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

__all__ = ["Snapshot", "changes", "snapshot"]

#: path -> (git status code, digest of the content or "" for a deleted file)
Snapshot = dict[str, tuple[str, str]]


def _digest(path: Path) -> str:
    if path.is_dir():  # an untracked folder git could not list, such as a nested repository
        return "folder"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def snapshot(root: Path) -> Snapshot | None:
    """The changed and untracked files under ``root``, or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:  # no git
        return None
    if done.returncode != 0:
        return None
    entries = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    out: Snapshot = {}
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename or copy is followed by its source path
            index += 1
        out[path] = (code, _digest(root / path))
    return out


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """``git status`` lines for what differs between two snapshots, sorted."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            code = after[path][0] if path in after else "back to as committed:"
            lines.append(f"{code} {path}")
    return lines
