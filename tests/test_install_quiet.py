"""Installing dev-agent prints no build warnings (a fresh bootstrap shows only its own progress), and the
package declares its licence as an SPDX expression with the licence text inside."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "scripts" / "bootstrap.sh"


def _warnings(result: subprocess.CompletedProcess) -> list[str]:
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if "warning" in line.lower() and "WARNING: Location" not in line]


def test_building_the_package_prints_no_warnings_and_ships_the_licence(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    assert _warnings(result) == []
    [wheel] = tmp_path.glob("dev_agent-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert "Apache License" in archive.read(licence).decode()
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()


def test_the_bootstraps_editable_install_prints_no_warnings(tmp_path: Path) -> None:
    """The editable install as scripts/bootstrap.sh runs it (its PYTHONWARNINGS filter), into a fresh venv."""
    notice = re.search(r'^EDITABLE_NOTICE="([^"]+)"$', BOOTSTRAP.read_text(), re.MULTILINE)
    assert notice and 'PYTHONWARNINGS="$EDITABLE_NOTICE" pip_quiet' in BOOTSTRAP.read_text()
    venv.create(tmp_path / "venv", with_pip=False)
    env = {**os.environ, "PYTHONWARNINGS": notice.group(1)}
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(tmp_path / "venv" / "bin" / "python"),
                             "install", "--no-deps", "--disable-pip-version-check", "-e", str(ROOT)],
                            capture_output=True, text=True, check=False, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert _warnings(result) == [], result.stdout + result.stderr
