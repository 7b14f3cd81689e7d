"""Apply what was reviewed: the change set apply is about to run against the one the bot recorded for the merged
pull request's head (its `dev-agent plan: <env>` check run, bot/review/gate.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.errors import DevAgentError
from bot.markdown import code_span, escape_cell
from bot.pipeline import terraform
from bot.request import markers
from bot.review.gate import gate_record
from bot.review.tfplan import PlanSummary, summarise


class ChangedSinceReview(DevAgentError):
    """The plan apply would run is not the plan reviewers saw on the pull request; nothing was applied."""

    def __init__(self, reviewed: dict[str, str], planned: dict[str, str], revision: str):
        super().__init__("the plan changed since review")
        self.reviewed, self.planned, self.revision = reviewed, planned, revision

    def rows(self) -> list[tuple[str, str, str]]:
        """(address, reviewed action, planned action) for every difference ("none" when absent)."""
        return [(a, self.reviewed.get(a, "none"), self.planned.get(a, "none"))
                for a in sorted(set(self.reviewed) | set(self.planned)) if self.reviewed.get(a) != self.planned.get(a)]


def reviewed_plan(github: Any, pull: int, name: str, bot_login: str) -> dict[str, Any] | None:
    """The change set recorded for `name` at the head the pull request was merged with; None when none was."""
    head = github.writer.repo.get_pull(pull).head.sha
    return gate_record(github.writer, head, name, bot_login.removesuffix("[bot]"))


def planned_changes(tf_dir: Path, plan_file: str, timeout: float) -> PlanSummary:
    shown = terraform.run(tf_dir, ["show", "-json", plan_file], timeout)
    if not shown.ok:
        raise terraform.TerraformError(shown.stderr or shown.stdout)
    return summarise(json.loads(shown.stdout))


def compare(reviewed: dict[str, Any], planned: PlanSummary) -> None:
    """Raise ChangedSinceReview when the (address, action) pairs differ."""
    before = dict(PlanSummary(changes=reviewed["changes"]).change_set())
    now = dict(planned.change_set())
    if before != now:
        raise ChangedSinceReview(before, now, str(reviewed.get("revision", "")))


def stopped_comment(name: str, exc: ChangedSinceReview) -> str:
    """The comment on the merged PR (and request issue) when apply stops."""
    rows = "\n".join(f"| {code_span(a, in_table=True)} | {escape_cell(r)} | {escape_cell(p)} |" for a, r, p in exc.rows())
    return (f"{markers.applied(name)}\n### ✋ `{escape_cell(name)}` was not applied: the plan changed since review\n\n"
            f"The plan reviewed on this pull request (of `{escape_cell(exc.revision[:12])}`) and the plan after the "
            "merge differ, so nothing was applied:\n\n| resource | reviewed | planned now |\n|---|---|---|\n"
            f"{rows}\n\nThe usual cause is **drift**: something in the cloud account changed after the pull "
            "request's plan (a change made outside Terraform, or another apply). `dev-agent drift` names what "
            "changed. Review the new plan in a new pull request (re-plan the request with `/dev-agent plan`) "
            "before it is applied.\n")
