"""docs/github-app.md lists exactly the comment commands of bot.commands.table.COMMANDS (scripts/docs_commands.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands.table import COMMANDS
from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
docs_commands = load_script("docs_commands")


def test_the_docs_command_table_is_the_bots() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "docs_commands.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout  # fix: python scripts/docs_commands.py
    text = docs_commands.DOC.read_text(encoding="utf-8")
    for spec in COMMANDS.values():
        assert f"| {spec.usage} | {spec.summary} |" in text


def test_a_missing_or_stale_row_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = docs_commands.DOC.read_text(encoding="utf-8").replace("| `/dev-agent unlock` |", "| `/dev-agent unlok` |")
    doc = tmp_path / "github-app.md"
    doc.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(docs_commands, "DOC", doc)
    monkeypatch.setattr(docs_commands, "ROOT", tmp_path)
    assert docs_commands.main(["--check"]) == 1
    assert doc.read_text(encoding="utf-8") == stale  # --check writes nothing
    assert docs_commands.main([]) == 0
    assert "| `/dev-agent unlock` |" in doc.read_text(encoding="utf-8")
    assert docs_commands.main(["--check"]) == 0
    doc.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        docs_commands.main(["--check"])
