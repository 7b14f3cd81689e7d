"""`dev-agent drift`: `terraform plan -detailed-exitcode` per environment, one GitHub issue per drifted one.

An open issue "Drift in <name>" (found by its marker) is created or updated with the drifted resources
and attributes; it is closed with a comment when a later run is clean.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.lifecycle.apply import Progress, StepFailed, require_ok
from bot.lifecycle.drift import DriftedResource, drift_from_plan, drift_issue_body, drift_issue_title
from bot.lifecycle.github import GitHubTarget
from bot.lifecycle.outputs import trim_error
from bot.lifecycle.workspace import EnvironmentInputError, Workspace, open_environment, working_copy
from bot.pipeline import terraform
from bot.request import markers
from bot.settings import Settings
from bot.store.registry import EnvironmentRecord, Registry

DRIFT_PLAN = "dev-agent-drift.tfplan"
DRIFT_LABEL = "dev-agent:drift"


@dataclass
class DriftResult:
    """One environment's drift check."""

    name: str
    status: str  # clean | drifted | error
    resources: list[DriftedResource] = field(default_factory=list)
    issue: int | None = None
    error: str = ""
    seconds: float = 0.0


def environment_dirs(root: Path) -> list[Path]:
    """Every `environments/<name>/` with an environment.yaml under the repository root."""
    return sorted(p.parent for p in (root / "environments").glob("*/environment.yaml"))


def check_drift(workspace: Workspace, timeout: float) -> list[DriftedResource]:
    """Resources changed outside Terraform (empty: none)."""
    tf_dir = workspace.terraform_dir
    require_ok(terraform.run(tf_dir, ["init", "-input=false", "-no-color", "-reconfigure"], timeout), "terraform init")
    planned = require_ok(terraform.run(tf_dir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s",
                                            "-detailed-exitcode", f"-out={DRIFT_PLAN}"], timeout), "terraform plan")
    if planned.returncode == 0:
        return []
    return drift_from_plan(terraform.show_json(tf_dir, DRIFT_PLAN))


def report_drift(github: GitHubTarget, name: str, drifted: list[DriftedResource]) -> int | None:
    """Open/update the drift issue, or close it when clean; the issue number."""
    marker = markers.drift(name)
    if drifted:
        issue, _ = github.writer.upsert_issue(marker=marker, title=drift_issue_title(name),
                                              body=drift_issue_body(name, drifted), labels=[DRIFT_LABEL])
        return int(issue.number)
    issue = github.writer.find_issue(marker)
    if issue is None:
        return None
    github.writer.close_issue(issue.number, "A drift check found no differences any more; closing.",
                              markers.drift_clean(name))
    return int(issue.number)


def drift_environment(path: Path, settings: Settings, github: GitHubTarget | None, overrides: Sequence[Path] = (),
                      progress: Progress = lambda _line: None) -> DriftResult:
    """Check one environment and report it."""
    start = time.monotonic()
    try:
        workspace = open_environment(path, overrides)
    except EnvironmentInputError as exc:
        return DriftResult(name=Path(path).name, status="error", error=str(exc))
    progress(f"{workspace.name}: terraform plan -detailed-exitcode…")
    try:
        with working_copy(workspace, list(overrides)) as copy:
            drifted = check_drift(copy, settings.tool_timeout_seconds)
    except (StepFailed, terraform.TerraformError) as exc:
        return DriftResult(name=workspace.name, status="error", error=trim_error(str(exc), 2000),
                           seconds=time.monotonic() - start)
    issue = report_drift(github, workspace.name, drifted) if github else None
    repository = github.writer.full_name if github else ""
    registry = Registry(settings)
    if registry.get(workspace.name, repository) is not None or drifted:
        registry.upsert(EnvironmentRecord(name=workspace.name, repository=repository), drift=bool(drifted),
                        status="drifted" if drifted else "applied")
    result = DriftResult(name=workspace.name, status="drifted" if drifted else "clean", resources=drifted, issue=issue,
                         seconds=time.monotonic() - start)
    progress(f"{workspace.name}: {result.status} ({len(drifted)} resources) in {result.seconds:.1f}s")
    return result
