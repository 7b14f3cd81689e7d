"""Writing a generated tree: atomic, confined to the output dir, stale files removed on re-plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from generators.output import write_tree


def test_replan_replaces_the_environment_dir(tmp_path: Path) -> None:
    write_tree({"environments/a/x.tf": "1", "environments/a/old.tf": "1", ".github/workflows/w.yml": "w"}, tmp_path, "environments/a")
    write_tree({"environments/a/x.tf": "2"}, tmp_path, "environments/a")
    assert (tmp_path / "environments/a/x.tf").read_text() == "2"
    assert not (tmp_path / "environments/a/old.tf").exists()
    assert (tmp_path / ".github/workflows/w.yml").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dev-agent")] == []


def test_paths_outside_the_tree_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_tree({"environments/a/x.tf": "1", "../escape.txt": "x"}, tmp_path, "environments/a")
    assert not (tmp_path / "environments").exists()
    assert not (tmp_path.parent / "escape.txt").exists()
