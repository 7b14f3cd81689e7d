"""Installing dev-agent prints no build warnings (a fresh bootstrap shows only its own progress)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_building_the_package_prints_no_warnings(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    warnings = [line for line in lines if "warning" in line.lower() and "WARNING: Location" not in line]
    assert warnings == [] and list(tmp_path.glob("dev_agent-*.whl"))
