"""Helm through the `helm` binary when it is on PATH, else through helm-python-sdk (the same Helm, as a library)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from bot.checks.cache import tool_identity
from bot.errors import ToolError


class HelmUnavailable(ToolError):
    """Neither the helm binary nor helm-python-sdk can be used."""


def _sdk() -> Any:
    try:
        import helm_python  # deferred: the Helm SDK loads a shared library (~220 ms); unused when helm is on PATH
    except (ImportError, OSError) as exc:
        raise HelmUnavailable(f"helm is not on PATH and helm-python-sdk cannot load: {exc}") from None
    return helm_python


def helm_identity() -> str:
    """Which Helm runs the charts: the binary on PATH, else the SDK module (for check result cache keys)."""
    binary = shutil.which("helm")
    if binary:
        return tool_identity(binary)
    spec = importlib.util.find_spec("helm_python")  # where it is, without loading its shared library
    return tool_identity(spec.origin) if spec is not None and spec.origin else "missing"


def lint_chart(chart: Path) -> list[str]:
    """Problems `helm lint --strict` reports (empty list: clean)."""
    binary = shutil.which("helm")
    if binary:
        proc = subprocess.run([binary, "lint", "--strict", str(chart)], capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode == 0:
            return []
        return [line for line in proc.stdout.splitlines() if "[" in line] or [proc.stderr]
    report = _sdk().lint(str(chart), strict=True)
    problems = [f"{m.get('path', '')}: {m.get('error', '')}"
                for m in report.get("messages", []) if m.get("severity", 0) >= 2]
    return problems + list(report.get("errors") or [])


def render_chart(chart: Path, namespace: str) -> dict[str, str]:
    """Rendered manifests of the chart: template path -> YAML text."""
    release = chart.name
    binary = shutil.which("helm")
    if binary:
        proc = subprocess.run([binary, "template", release, str(chart), "--namespace", namespace],
                              capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip())
        return _split_template_output(proc.stdout)
    helm = _sdk()
    rendered: dict[str, str] = helm.Chart.load(str(chart)).render(name=release, namespace=namespace, is_install=True)
    return rendered


def _split_template_output(text: str) -> dict[str, str]:
    """`helm template` output split by its `# Source:` comments."""
    manifests: dict[str, str] = {}
    for document in text.split("\n---\n"):
        lines = document.strip().splitlines()
        if lines and lines[0].startswith("# Source: "):
            source = lines[0].removeprefix("# Source: ")
            manifests[source] = manifests.get(source, "") + "---\n" + "\n".join(lines[1:]) + "\n"
    return manifests


def documents(manifests: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every non-empty YAML document of the rendered manifests with its template path."""
    found = []
    for source, text in manifests.items():
        for doc in yaml.safe_load_all(text):
            if doc:
                found.append((source, doc))
    return found
