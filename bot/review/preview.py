"""`dev-agent preview`: the real `terraform plan` of a pull request's environment, shown where reviewers look.

Run by dev-agent-plan.yml with the read-only plan identity (`-lock=false`: it never writes state). It writes the
plan section into the bot's report comment (the comment stays the App's own: it is edited, not re-posted), creates
and puts the whole plan in the job summary.

The bot, told by GitHub that the workflow edited its comment (a signed `issue_comment.edited` whose sender is
`github-actions[bot]`), reads the change set from that edit and sets its own check run `dev-agent plan: <env>`:
failing while a data-holding resource is destroyed or replaced without `/dev-agent allow-replace` (bot/review/gate.py).
Only the App creates that check run, so apply trusts the change set recorded there, never a comment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github import GithubException

from bot.cost.defaults import OVERRIDE_NAME, merged, tier_usage
from bot.cost.diff import diff_plan
from bot.cost.usage import CostInputError, parse_usage
from bot.errors import ToolError
from bot.lifecycle.github import GitHubTarget
from bot.lifecycle.outputs import trim_error
from bot.lifecycle.workspace import Workspace, open_environment, working_copy
from bot.pipeline import terraform
from bot.pipeline.report import GITHUB_COMMENT_LIMIT
from bot.request import markers
from bot.review import section
from bot.review.tfplan import PlanSummary

PLAN_FILE = "dev-agent-review.tfplan"
Progress = Callable[[str], None]


class PreviewError(ToolError):
    """Terraform could not plan the environment (the message is the trimmed, redacted error)."""


@dataclass
class Preview:
    """One environment's PR plan."""

    name: str
    summary: PlanSummary
    text: str
    revision: str
    cost: dict[str, Any] | None = None  # Infracost's diff JSON of the plan (bot.cost.diff.diff_plan)
    posted: list[str] = field(default_factory=list)  # what was written to GitHub, for the log


def plan_cost(workspace: Workspace, show_json: dict[str, Any]) -> dict[str, Any] | None:
    """The plan's change in monthly cost (Infracost's diff JSON), priced with the environment's usage (its tier's
    defaults and its cost-usage.yml); None when the plan cannot be priced (the section then says so)."""
    override = workspace.env_dir / OVERRIDE_NAME
    try:
        usage = merged(tier_usage(workspace.spec.tier.value),
                       parse_usage(override.read_text(encoding="utf-8"), OVERRIDE_NAME) if override.is_file() else None)
        return diff_plan(show_json, usage, project=workspace.name)
    except (CostInputError, OSError):
        return None


def plan_environment(path: Path | str, overrides: list[Path], timeout: float,
                     progress: Progress) -> tuple[Workspace, dict[str, Any], str]:
    """(the environment, `terraform show -json`, `terraform show` text) of a fresh plan, read-only (no state lock)."""
    workspace = open_environment(path, overrides)
    with working_copy(workspace, list(overrides)) as copy:
        tf_dir = copy.terraform_dir
        for step, args in (("terraform init", ["init", "-input=false", "-no-color", "-reconfigure"]),
                           ("terraform plan", ["plan", "-input=false", "-no-color", "-lock=false",
                                               f"-out={PLAN_FILE}"])):
            progress(f"{step}…")
            result = terraform.run(tf_dir, args, timeout)
            if not result.ok:
                raise PreviewError(f"{step} failed:\n" + trim_error(result.stderr or result.stdout, 4000))
        shown = terraform.run(tf_dir, ["show", "-json", PLAN_FILE], timeout)
        text = terraform.run(tf_dir, ["show", "-no-color", PLAN_FILE], timeout)
        if not (shown.ok and text.ok):
            raise PreviewError("terraform show failed:\n" + trim_error(shown.stderr or text.stderr, 4000))
    return workspace, json.loads(shown.stdout), text.stdout


def post(github: GitHubTarget, pull: int, preview: Preview, summary_path: Path | None) -> None:
    """The report comment's plan section (edited in place: the comment stays the App's) and the job summary."""
    writer = github.writer
    comment = writer.find_comment(pull, markers.REPORT)
    if comment is not None:
        body = section.without_section(comment.body or "", preview.name)
        room = GITHUB_COMMENT_LIMIT - len(body.rstrip("\n")) - 3
        text = section.with_section(body, preview.name, section.render(
            preview.name, preview.summary, preview.text, preview.revision, room=room, cost=preview.cost))
        try:
            comment.edit(text)
            preview.posted.append(f"plan section in the report comment on #{pull} ({len(text)} characters)")
        except GithubException as exc:  # a fork's read-only token, for instance
            preview.posted.append(f"the report comment on #{pull} could not be edited (HTTP {exc.status})")
    else:
        preview.posted.append(f"no dev-agent report comment on #{pull}: the plan is in the job summary only")
    if summary_path is not None:
        with summary_path.open("a", encoding="utf-8") as out:
            out.write(section.job_summary(preview.name, preview.summary, preview.text, preview.revision,
                                          cost=preview.cost))
        preview.posted.append("the whole plan in the job summary")


def event() -> dict[str, Any]:
    """The workflow run's event payload (GITHUB_EVENT_PATH), {} outside Actions."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    try:
        return json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
