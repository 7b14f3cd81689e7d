"""Use the real ``infracost`` binary when it and ``INFRACOST_API_KEY`` are available."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any


def available() -> bool:
    """True when the infracost binary is on PATH and an API key is set."""
    return bool(shutil.which("infracost")) and bool(os.environ.get("INFRACOST_API_KEY"))


def breakdown(path: str | Path, usage_file: str | Path | None = None, timeout: float = 300) -> dict[str, Any]:
    """``infracost breakdown --format json`` for a directory or plan JSON; raises RuntimeError on failure."""
    args = [
        shutil.which("infracost") or "infracost",
        "breakdown",
        "--path",
        str(path),
        "--format",
        "json",
        "--no-color",
    ]
    if usage_file:
        args += ["--usage-file", str(usage_file)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"infracost failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    breakdown: dict[str, Any] = json.loads(proc.stdout)  # `infracost breakdown --format json`: one object
    return breakdown
