"""`dev-agent destroy environments/<name>`: after a merged destroy PR, `terraform destroy`, then clean up.

Runs on the destroy PR's base commit (where the files still exist). Every input check happens before
terraform runs, so bad input never causes a partial destroy. After a successful destroy: the directory
is removed from the default branch in a follow-up commit if it is still there, the applied ref is
deleted, the request issue is closed and the registry says `destroyed`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

from bot.lifecycle.apply import (
    EXIT_APPLIED,
    EXIT_FAILED,
    EXIT_INVALID,
    ApplyResult,
    Progress,
    StepFailed,
    record_status,
    require_ok,
    run_outcome,
    timed,
)
from bot.lifecycle.github import APPLIED_REF, GitHubTarget
from bot.lifecycle.outputs import trim_error
from bot.lifecycle.workspace import LOCK_ERROR, EnvironmentInputError, open_environment, working_copy
from bot.markdown import code_block
from bot.metrics import counts_runs
from bot.pipeline import terraform
from bot.request import markers
from bot.settings import Settings


@counts_runs("destroy")
def destroy_environment(path: Path | str, settings: Settings, github: GitHubTarget | None = None,
                        overrides: Sequence[Path] = (), actor: str = "dev-agent", pull_request: int | None = None,
                        progress: Progress = lambda _line: None) -> ApplyResult:
    """Destroy one environment's resources and report; exit 0 destroyed, 1 failed, 3 bad input.

    `pull_request` is the merged destroy PR, for the audit event (default: the environment's last merged PR).
    """
    try:
        workspace = open_environment(path, overrides)
    except EnvironmentInputError as exc:
        return ApplyResult(name=Path(path).name, exit_code=EXIT_INVALID, status="invalid", message=str(exc))
    name, timings = workspace.name, dict[str, float]()
    timeout = settings.tool_timeout_seconds
    merged, issue = github.environment_threads(name) if github else (None, None)
    pull_request = pull_request or merged
    try:
        with working_copy(workspace, list(overrides)) as copy:
            tf_dir = copy.terraform_dir
            require_ok(timed(timings, progress, "terraform init", lambda: terraform.run(
                tf_dir, ["init", "-input=false", "-no-color", "-reconfigure"], timeout)), "terraform init")
            result = timed(timings, progress, "terraform destroy", lambda: terraform.run(
                tf_dir, ["destroy", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"], timeout))
            if not result.ok:
                raise StepFailed("terraform destroy", result.stderr or result.stdout)
    except (StepFailed, terraform.TerraformError) as exc:
        step = getattr(exc, "step", "terraform")
        if LOCK_ERROR in str(exc):
            return ApplyResult(name=name, exit_code=EXIT_FAILED, status="locked", failed_step=step, timings=timings,
                               message=f"{name}: the state is locked by another run; nothing was destroyed.\n"
                                       + trim_error(str(exc), 1500))
        reported = run_outcome(name, "failed", actor, pull_request)
        if github and issue:
            github.writer.comment(issue, f"Destroying `{name}` failed at {step}:\n\n{code_block(trim_error(str(exc)))}"
                                         f"\n{reported.marker()}", markers.destroy_failed(name, int(time.time())))
        record_status(settings, workspace, github, "failed", actor, "", detail=f"destroy failed at {step}", action="destroy",
                      pull_request=pull_request, outcome=reported)
        return ApplyResult(name=name, exit_code=EXIT_FAILED, status="failed", failed_step=step, timings=timings,
                           message=f"{name}: destroy failed at {step}\n{trim_error(str(exc), 3000)}")
    reported = run_outcome(name, "destroyed", actor, pull_request)
    if github:
        _clean_up_github(github, name, issue, reported.marker())
    record_status(settings, workspace, github, "destroyed", actor, "", action="destroy", pull_request=pull_request,
                  outcome=reported)
    return ApplyResult(name=name, exit_code=EXIT_APPLIED, status="destroyed", timings=timings, message=f"{name}: destroyed")


def _clean_up_github(github: GitHubTarget, name: str, issue: int | None, outcome: str) -> None:
    prefix = f"environments/{name}"
    if github.writer.read_file(f"{prefix}/environment.yaml", github.default_branch) is not None:
        github.writer.commit_files(base_branch=github.default_branch, branch=github.default_branch, files={},
                                   replace_prefix=prefix, message=f"dev-agent: remove {prefix} after destroy",
                                   when=dt.datetime.now(dt.UTC))
    github.writer.delete_ref(APPLIED_REF.format(name=name))
    drift_issue = github.writer.find_issue(markers.drift(name))
    if drift_issue is not None:
        github.writer.close_issue(drift_issue.number, f"`{name}` was destroyed.", markers.destroyed(name))
    if issue:
        github.writer.close_issue(issue, f"`{name}` was destroyed and its directory removed.\n{outcome}",
                                  markers.destroyed(name))
