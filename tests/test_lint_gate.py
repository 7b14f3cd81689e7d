"""The lint gate fails CI on a finding: .ci/run runs scripts/lint.sh (set -e) before the tests, and lint.sh exits
non-zero on a ruff finding, a mypy finding, an import cycle or an undocumented import inside a function.

lint.sh runs for real, with the project's pyproject.toml and scripts, on a copy holding a few small modules (the
project itself is checked by CI's own lint run; here each kind of finding is planted once)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLEAN = {
    "bot/__init__.py": '"""bot."""\n',
    "bot/a.py": '"""a."""\n\nfrom __future__ import annotations\n\n\ndef double(x: int) -> int:\n    """Twice x."""\n'
                "    return 2 * x\n",
    "generators/__init__.py": '"""generators."""\n',
    "policies/__init__.py": '"""policies."""\n',
}


# Stands in for scripts/bootstrap.sh in the copy: records how it was asked, and "installs" the copy's .venv by linking
# this virtualenv's tools into it (the real one pip-installs the project: minutes, tested by a fresh clone's CI).
BOOTSTRAP = """\
#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
echo "$*" >> bootstrap.log
mkdir -p .venv/bin
for tool in python ruff mypy; do ln -sf "{tools}/$tool" ".venv/bin/$tool"; done
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("lint.sh", "env.sh", "import_cycles.py", "function_imports.py"):
        (tmp_path / "scripts").mkdir(exist_ok=True)
        shutil.copy(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    (tmp_path / "scripts" / "bootstrap.sh").write_text(BOOTSTRAP.format(tools=Path(sys.executable).parent))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "sandbox").mkdir()
    for path, text in CLEAN.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def lint(project: Path) -> subprocess.CompletedProcess[str]:
    """lint.sh as on a fresh clone: no ruff or mypy on PATH but what its bootstrap puts into the copy's .venv."""
    env = {**os.environ, "PATH": "/usr/bin:/bin", "MYPY_CACHE_DIR": str(project / ".mc")}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(["bash", str(project / "scripts" / "lint.sh")], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def test_ci_runs_the_lint_gate_before_the_tests_and_stops_on_failure() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "set -euo pipefail" in lines
    assert lines.index("bash scripts/lint.sh") < lines.index("bash scripts/test.sh")


@pytest.mark.parametrize(("path", "text", "finding"), [
    ("bot/b.py", '"""b."""\n\nimport os\n', "F401"),  # an unused import (ruff)
    ("bot/b.py", '"""b."""\n\n\ndef half(x: int) -> int:\n    """Half x."""\n    return x / 2\n',
     "Incompatible return value type"),  # a type error (mypy)
    ("bot/b.py", '"""b."""\n\n\ndef late() -> None:\n    """Imports late."""\n    from bot.a import double\n\n'
                 "    double(1)\n", "without a `# deferred: <why>` comment"),
    ("bot/a.py", CLEAN["bot/a.py"] + "\n\nfrom bot.b import other  # noqa: E402\n", "import cycle"),
])
def test_each_kind_of_finding_fails_the_gate(project: Path, path: str, text: str, finding: str) -> None:
    if finding == "import cycle":
        (project / "bot/b.py").write_text('"""b."""\n\nfrom bot.a import double\n\nother = double\n')
    (project / path).write_text(text)
    result = lint(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert finding in result.stdout + result.stderr


def test_a_clean_project_passes_the_gate(project: Path) -> None:
    result = lint(project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_on_a_fresh_clone_the_gate_installs_what_it_needs_first(project: Path) -> None:
    """No .venv yet: lint.sh asks bootstrap.sh for the lint tools before running them (README: it installs what it
    needs), and the real bootstrap has that mode."""
    assert not (project / ".venv").exists()
    result = lint(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "command not found" not in result.stderr
    assert (project / "bootstrap.log").read_text().split() == ["lint"]
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert '[ "$mode" = lint ] && exit 0' in bootstrap
    assert bootstrap.index('[ "$mode" = lint ] && exit 0') < bootstrap.index("installing checkov")  # .venv only
