"""The on-disk caches' files: whole or absent, and only the newest kept."""

from __future__ import annotations

import os
from pathlib import Path

from bot.diskcache import prune_oldest, write_atomic


def test_a_written_entry_is_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.json", b"first")
    write_atomic(tmp_path / "a.json", b"second")
    assert (tmp_path / "a.json").read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_pruning_keeps_the_newest_entries(tmp_path: Path) -> None:
    for age, name in enumerate(["new", "mid", "old"]):
        path = tmp_path / name
        path.write_text(name)
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    prune_oldest(tmp_path.iterdir(), keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mid", "new"]
