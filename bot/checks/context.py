"""What every check sees: the environment directory, its spec, a scratch dir, and the rendered chart (shared)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.checks.cache import Input, file_inputs
from bot.checks.helm_tool import render_chart
from bot.settings import Settings

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class RenderedCharts:
    """Manifests rendered from every chart of the environment (path -> YAML), or why rendering failed."""

    manifests: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    directory: Path | None = None


@dataclass
class CheckContext:
    """Inputs of one `run_checks` call. `rendered()` renders the charts once, for every check that needs them."""

    env_dir: Path
    repo_root: Path
    workdir: Path
    settings: Settings
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rendered: RenderedCharts | None = field(default=None, repr=False)
    _spec: dict[str, Any] | None = field(default=None, repr=False)
    _spec_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # rendered() holds _lock

    @property
    def terraform_dir(self) -> Path:
        return self.env_dir / "terraform"

    @property
    def environment_name(self) -> str:
        return self.env_dir.name

    def _spec_field(self, name: str) -> Any:
        with self._spec_lock:
            if self._spec is None:  # read once per run: every check asks for the cloud, the tier or the compute
                try:
                    data = yaml.load((self.env_dir / "environment.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
                except (OSError, yaml.YAMLError):
                    data = None
                self._spec = data if isinstance(data, dict) else {}
            return self._spec.get(name)

    def cloud(self) -> str | None:
        """`cloud` from environment.yaml (None when the file is missing or unreadable)."""
        cloud: str | None = self._spec_field("cloud")
        return cloud

    def tier(self) -> str:
        """`tier` from environment.yaml (dev when absent, as in the spec)."""
        return self._spec_field("tier") or "dev"

    def runs_kubernetes(self) -> bool:
        """Whether the environment's compute is Kubernetes (only then is a Helm chart generated)."""
        compute = self._spec_field("compute")
        return isinstance(compute, dict) and compute.get("kind") == "kubernetes"

    def tf_files(self) -> list[Path]:
        return sorted(self.terraform_dir.glob("*.tf")) if self.terraform_dir.is_dir() else []

    def charts(self) -> list[Path]:
        return sorted(p.parent for p in (self.env_dir / "helm").glob("*/Chart.yaml"))

    def workflow_files(self) -> list[Path]:
        return sorted((self.repo_root / ".github" / "workflows").glob("dev-agent-*.yml"))

    def chart_inputs(self) -> list[Input]:
        """The environment's chart files (for cache keys)."""
        return file_inputs(self.env_dir / "helm", include_hidden=True)

    def workflow_inputs(self) -> list[Input]:
        """The generated workflows' names and contents (for cache keys)."""
        return [item for path in self.workflow_files() for item in (path.name, path.read_bytes())]

    def rendered(self) -> RenderedCharts:
        """Render every chart (release = chart name, namespace = environment) into workdir/rendered/."""
        with self._lock:
            if self._rendered is None:
                directory = self.workdir / "rendered"
                result = RenderedCharts(directory=directory)
                directory.mkdir(parents=True, exist_ok=True)
                charts = self.charts()
                if not charts and self.runs_kubernetes():
                    result.errors.append(f"no Helm chart under {self.env_dir / 'helm'}")
                for chart in charts:
                    try:
                        manifests = render_chart(chart, namespace=self.environment_name)
                    except Exception as exc:  # noqa: BLE001 - any helm failure is reported, not raised
                        result.errors.append(f"{chart.name}: {exc}")
                        continue
                    for name, text in manifests.items():
                        if text.strip():
                            target = directory / name.replace("/", "__")
                            target.write_text(text, encoding="utf-8")
                            result.manifests[name] = text
                self._rendered = result
            return self._rendered
