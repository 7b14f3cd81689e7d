"""Finding and running validator executables; every run takes an argument list (no shell)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bot.errors import ToolError

DETAILS_LIMIT = 4000


def find_tool(name: str) -> str | None:
    """An executable on PATH, else next to this Python (the project venv's bin/)."""
    found = shutil.which(name)
    if found:
        return found
    sibling = Path(sys.executable).parent / name
    return str(sibling) if sibling.is_file() else None


class CheckIncomplete(ToolError):
    """The check reached no verdict on the content (tool missing, timed out): reported as failed, never cached."""


def missing(tool: str) -> CheckIncomplete:
    """The error of a check whose tool is not installed."""
    return CheckIncomplete(f"{tool} is not installed (scripts/bootstrap.sh installs it); the check did not run")


def trim(text: str, limit: int = DETAILS_LIMIT) -> str:
    """Keep the end of long tool output (where the errors are)."""
    text = text.strip()
    return text if len(text) <= limit else "...\n" + text[-limit:]


def run(args: list[str], cwd: Path | None = None, timeout: float = 600,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a tool, capturing output; raises subprocess.TimeoutExpired on timeout."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
