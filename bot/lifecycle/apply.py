"""`dev-agent apply environments/<name>`: init, plan -out, apply exactly that plan, deploy the chart, report.

`apply_environment()` is the whole flow as one function (the CLI and `dev-agent demo` call it). On
failure it comments the trimmed, redacted error, marks the environment failed and opens a revert PR
(unless `revert_on_failure` is off). A state lock held by another run is reported without touching
anything. Exit codes: 0 applied, 1 failed, 2 nothing to do, 3 bad input.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import ToolError
from bot.lifecycle.github import APPLIED_REF, GitHubTarget
from bot.lifecycle.helm_deploy import HelmDeployError, deploy_chart, skip_reason
from bot.lifecycle.outputs import failure_comment, public_outputs, refused_comment, success_comment, trim_error
from bot.lifecycle.rollback import open_revert_pull
from bot.lifecycle.workspace import LOCK_ERROR, EnvironmentInputError, Workspace, open_environment, working_copy
from bot.metrics import counts_runs
from bot.pipeline import terraform
from bot.request import markers
from bot.review.changeset import ChangedSinceReview, compare, planned_changes, reviewed_plan, stopped_comment
from bot.settings import Settings
from bot.store.audit import Action, AuditEvent, AuditLog
from bot.store.registry import EnvironmentRecord, Registry, Status

PLAN_FILE = "dev-agent.tfplan"
RUN_ACTOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?")  # a GitHub login (GITHUB_ACTOR)
ENVIRONMENT_NAME = re.compile(r"[a-z][a-z0-9-]{1,39}")  # what the workflows' changes job lets through
EXIT_APPLIED, EXIT_FAILED, EXIT_NOTHING, EXIT_INVALID = 0, 1, 2, 3
PLAN_OUTCOMES = {0: "no changes", 2: "changes to apply"}  # terraform plan -detailed-exitcode
Progress = Callable[[str], None]


@dataclass
class ApplyResult:
    """What one apply did."""

    name: str
    exit_code: int
    status: str  # applied | unchanged | failed | locked | invalid | stopped (plan changed since review)
    message: str = ""
    failed_step: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    helm_note: str = ""
    revert_url: str | None = None
    matches_review: bool | None = None  # the applied plan was the reviewed one (None: none was recorded)


class StepFailed(ToolError):
    def __init__(self, step: str, detail: str):
        super().__init__(detail)
        self.step = step


def outcome(step: str, result: terraform.Result) -> str:
    """A finished step in words: `terraform plan -detailed-exitcode` says "no changes" (0) or "changes to apply"
    (2); any other step succeeds with 0; everything else is a failure with its exit code."""
    if result.timed_out:
        return "timed out"
    if step == "terraform plan" and result.returncode in PLAN_OUTCOMES:
        return PLAN_OUTCOMES[result.returncode]
    return "done" if result.returncode == 0 else f"failed (exit {result.returncode})"


def timed(timings: dict[str, float], progress: Progress, step: str, action: Callable[[], terraform.Result]) -> terraform.Result:
    progress(f"{step}…")
    start = time.monotonic()
    result = action()
    timings[step] = time.monotonic() - start
    progress(f"{step}: {outcome(step, result)} in {timings[step]:.1f}s")
    return result


def require_ok(result: terraform.Result, step: str) -> terraform.Result:
    if result.timed_out or outcome(step, result).startswith("failed"):
        raise StepFailed(step, result.stderr or result.stdout)
    return result


def run_terraform(workspace: Workspace, timings: dict[str, float], progress: Progress, timeout: float,
                  before_apply: Callable[[Path], None] | None = None) -> bool:
    """init, plan -out, apply that plan; False when the plan has no changes. `before_apply(terraform_dir)` may
    stop the run (raising) once the plan file is written."""
    tf_dir = workspace.terraform_dir
    require_ok(timed(timings, progress, "terraform init", lambda: terraform.run(
        tf_dir, ["init", "-input=false", "-no-color", "-reconfigure"], timeout)), "terraform init")
    planned = require_ok(timed(timings, progress, "terraform plan", lambda: terraform.run(
        tf_dir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s", "-detailed-exitcode", f"-out={PLAN_FILE}"],
        timeout)), "terraform plan")
    if planned.returncode == 0:
        return False
    if before_apply is not None:
        before_apply(tf_dir)
    require_ok(timed(timings, progress, "terraform apply", lambda: terraform.run(
        tf_dir, ["apply", "-input=false", "-no-color", "-lock-timeout=0s", PLAN_FILE], timeout)), "terraform apply")
    return True


def deploy_helm(workspace: Workspace, settings: Settings, timings: dict[str, float], progress: Progress) -> str:
    """Deploy (or render) the chart of a Kubernetes environment; other environments skip Helm. The note for the
    apply comment."""
    reason = skip_reason(workspace.spec)
    if reason:
        progress(f"helm: skipped ({reason})")
        return f"Helm: skipped ({reason})."
    progress("helm deploy…")
    start = time.monotonic()
    note = deploy_chart(workspace.chart_dir, workspace.name, workspace.name, settings.kube_context)
    timings["helm"] = time.monotonic() - start
    progress(f"helm: {note}")
    return note


def terraform_outputs(workspace: Workspace) -> dict[str, Any]:
    result = terraform.run(workspace.terraform_dir, ["output", "-json", "-no-color"], 120)
    return public_outputs(json.loads(result.stdout or "{}")) if result.ok else {}


@counts_runs("apply")
def apply_environment(
    path: Path | str,
    settings: Settings,
    github: GitHubTarget | None = None,
    overrides: Sequence[Path] = (),
    revision: str = "",
    actor: str = "dev-agent",
    progress: Progress = lambda _line: None,
) -> ApplyResult:
    """Apply one environment end to end and report the result to GitHub (when `github` is given)."""
    try:
        workspace = open_environment(path, overrides)
    except EnvironmentInputError as exc:
        name = Path(path).name
        if github and ENVIRONMENT_NAME.fullmatch(name):  # say it where the merge was reviewed, not only in the run
            for number in filter(None, github.environment_threads(name)):
                github.writer.upsert_comment(number, markers.applied(name), refused_comment(name, str(exc)))
        return ApplyResult(name=name, exit_code=EXIT_INVALID, status="invalid", message=str(exc))
    name, timings = workspace.name, dict[str, float]()
    threads = github.environment_threads(name) if github else (None, None)
    reviewed = reviewed_plan(github, threads[0], name, settings.bot_login) if github and threads[0] else None
    if reviewed is None:
        progress("no plan was recorded on the merged pull request: nothing to compare with")

    def check_reviewed(tf_dir: Path) -> None:
        if reviewed is not None:
            compare(reviewed, planned_changes(tf_dir, PLAN_FILE, settings.tool_timeout_seconds))
            progress("the plan is the one reviewed on the pull request")

    try:
        with working_copy(workspace, list(overrides)) as workspace:
            changed = run_terraform(workspace, timings, progress, settings.tool_timeout_seconds, check_reviewed)
            if not changed:
                return ApplyResult(name=name, exit_code=EXIT_NOTHING, status="unchanged", timings=timings,
                                   message=f"{name}: no changes; nothing to apply")
            outputs = terraform_outputs(workspace)
            helm_note = deploy_helm(workspace, settings, timings, progress)
    except ChangedSinceReview as exc:
        reported = run_outcome(name, "failed", actor, threads[0])
        if github:
            body = f"{stopped_comment(name, exc)}\n{reported.marker()}"
            for number in filter(None, threads):
                github.writer.upsert_comment(number, markers.applied(name), body)
        record_status(settings, workspace, github, "failed", actor, revision, detail="plan changed since review",
                      pull_request=threads[0], outcome=reported)
        return ApplyResult(name=name, exit_code=EXIT_FAILED, status="stopped", timings=timings, matches_review=False,
                           message=f"{name}: not applied, the plan changed since review:\n" + "\n".join(
                               f"  {a}: reviewed {r}, planned now {p}" for a, r, p in exc.rows()))
    except (StepFailed, HelmDeployError, terraform.TerraformError) as exc:
        step = exc.step if isinstance(exc, StepFailed) else "helm" if isinstance(exc, HelmDeployError) else "terraform"
        if LOCK_ERROR in str(exc):
            return ApplyResult(name=name, exit_code=EXIT_FAILED, status="locked", failed_step=step, timings=timings,
                               message=f"{name}: the state is locked by another run; nothing was changed.\n"
                                       + trim_error(str(exc), 1500))
        return _failed(workspace, settings, github, threads, revision, actor, step, str(exc), timings)
    reported = run_outcome(name, "applied", actor, threads[0])
    if github:
        body = f"{success_comment(name, outputs, timings, helm_note)}\n{reported.marker()}"
        for number in filter(None, threads):
            github.writer.upsert_comment(number, markers.applied(name), body)
        if revision:
            github.writer.set_ref(APPLIED_REF.format(name=name), revision)
    record_status(settings, workspace, github, "applied", actor, revision, pull_request=threads[0], outcome=reported)
    return ApplyResult(name=name, exit_code=EXIT_APPLIED, status="applied", outputs=outputs, timings=timings,
                       helm_note=helm_note, message=f"{name}: applied",
                       matches_review=True if reviewed is not None else None)


def _failed(workspace: Workspace, settings: Settings, github: GitHubTarget | None, threads: tuple[int | None, ...],
            revision: str, actor: str, step: str, error: str, timings: dict[str, float]) -> ApplyResult:
    name = workspace.name
    revert_url = None
    reported = run_outcome(name, "failed", actor, threads[0])
    if github:
        if settings.revert_on_failure and revision:
            revert_url = open_revert_pull(github, name, revision, step, threads[1])
        body = f"{failure_comment(name, step, error, revert_url)}\n{reported.marker()}"
        for number in filter(None, threads):
            github.writer.upsert_comment(number, markers.applied(name), body)
    record_status(settings, workspace, github, "failed", actor, revision, detail=f"failed at {step}",
                  pull_request=threads[0], outcome=reported)
    return ApplyResult(name=name, exit_code=EXIT_FAILED, status="failed", failed_step=step, timings=timings,
                       revert_url=revert_url, message=f"{name}: apply failed at {step}\n{trim_error(error, 3000)}")


def run_outcome(name: str, status: markers.OutcomeStatus, actor: str, pull_request: int | None) -> markers.Outcome:
    """What this run did, for the bot's registry: its marker goes into the run's comments (bot/handlers/outcome.py
    reads it there, since the runner's own database is gone when the workflow's job ends)."""
    by = actor if RUN_ACTOR.fullmatch(actor) else "dev-agent"
    return markers.Outcome(name, status, secrets.token_hex(8), int(time.time() * 1000), by, pull_request or 0)


def record_status(settings: Settings, workspace: Workspace, github: GitHubTarget | None, status: Status, actor: str,
                  revision: str, detail: str = "", action: Action = "apply", pull_request: int | None = None,
                  outcome: markers.Outcome | None = None) -> None:
    """Registry status and audit event (who, when, what, which PR) for this run. With the `outcome` its comments
    carry, the run is noted as recorded: when this database is the bot's own, the run's audit event is written
    once, by whichever of the bot and this process gets there first."""
    repository = github.writer.full_name if github else ""
    spec = workspace.spec
    owner: dict[str, Any] = {"owner": spec.owner} if spec.owner else {}  # else the requester the proposal recorded stays
    registry = Registry(settings)
    registry.upsert(EnvironmentRecord(
        name=workspace.name, repository=repository, tier=spec.tier.value, cloud=spec.cloud.value,
        region=spec.region, expires_on=spec.expires_on, status=status, drift=False, **owner))
    if outcome is not None and not registry.record_outcome(outcome.env, repository, outcome.status, outcome.run,
                                                           outcome.when):
        return  # this database is the bot's, and the bot already recorded the run from its comment
    AuditLog(settings).record(AuditEvent(action=action, actor=actor, environment=workspace.name, repository=repository,
                                         pull_request=pull_request, detail=f"{status} {revision[:12]} {detail}".strip()))
