"""The bot's plan gate: its own check run `dev-agent plan: <env>` on the pull request's head.

dev-agent-plan.yml writes the plan section (with its change-set record) into the bot's report comment. GitHub tells
the bot with a signed `issue_comment.edited` whose sender is the workflows' token (`github-actions[bot]`); an edit
by anyone else is ignored, so a section a person forged or changed is never believed. The bot then sets its check
run: failing while a data-holding resource is destroyed, replaced or upgraded across a major version without
`/dev-agent allow-replace` (or when the org policy forbids allowing it for the tier), passing otherwise. Only the App creates that check run, so it
is the record apply compares its own plan with (bot/review/changeset.py).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any

from bot.markdown import code_span, escape_text
from bot.request import markers
from bot.review import section
from bot.review.tfplan import PlanSummary
from policies.schema import Override

WORKFLOW_LOGIN = "github-actions[bot]"  # who GITHUB_TOKEN writes as (bot.jobs.routing lets its edits through)
_SECTION = re.compile(r"<!-- dev-agent:pr-plan env=([a-z][a-z0-9-]{1,39}) -->")
RECORD = "<!-- dev-agent:reviewed-plan {} -->"


def posted_plans(payload: dict[str, Any], authors: Iterable[str]) -> list[dict[str, Any]]:
    """The change sets in a report-comment edit the workflow made: none unless GitHub says the edit's sender is
    the workflows' token and the comment is the bot's own report."""
    sender, comment = payload.get("sender") or {}, payload.get("comment") or {}
    if sender.get("login") != WORKFLOW_LOGIN or sender.get("type") != "Bot":
        return []
    body = str(comment.get("body") or "")
    if markers.REPORT not in body or not markers.authored_by(comment, authors):
        return []
    return [data for env in dict.fromkeys(_SECTION.findall(body)) if (data := section.decode_data(body, env))]


def allowance_text(override: Override) -> str:
    return f"by @{escape_text(override.by)} on {override.at:%Y-%m-%d}: {escape_text(override.reason[:300])}"


def evaluate(data: dict[str, Any], allowances: dict[str, Override], forbidden: str | None) -> tuple[str, str, str]:
    """(conclusion, title, summary) of the gate for a posted change set. `forbidden` (the org policy's reason)
    refuses every allowance."""
    summary = PlanSummary(changes=data["changes"])
    given = {} if forbidden else {a: allowance_text(o) for a, o in allowances.items()}
    blocking = [c.address for c in summary.stateful if c.address not in given]
    lines = [*section.headline(summary, str(data["revision"])),
             *(section.stateful_line(c, given) for c in summary.stateful)]
    if forbidden and summary.stateful:
        lines += ["", f"Allowing this is forbidden here: {escape_text(forbidden)}. Change the request so nothing "
                      "that holds data is destroyed, replaced or upgraded across a major version."]
    if blocking:
        return ("failure", f"{len(blocking)} data-holding resource(s) destroyed, replaced or upgraded without "
                "allow-replace", "\n".join(lines))
    return "success", summary.counts_line(), "\n".join(lines)


def record(data: dict[str, Any]) -> str:
    """The check run's text: the change set, for apply to compare with (bot/review/changeset.py)."""
    return RECORD.format(base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode())


def read_record(text: str) -> dict[str, Any] | None:
    prefix, suffix = RECORD.split("{}")
    if prefix not in (text or ""):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(text.split(prefix, 1)[1].split(suffix, 1)[0].encode()))
        PlanSummary(changes=data["changes"])
    except (ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def set_gate(writer: Any, data: dict[str, Any], allowances: dict[str, Override], forbidden: str | None) -> str:
    """Create or update the check run; returns its conclusion."""
    conclusion, title, summary = evaluate(data, allowances, forbidden)
    writer.upsert_check_run(head_sha=str(data["revision"]), name=markers.plan_check(str(data["environment"])),
                            conclusion=conclusion, title=title, summary=summary, text=record(data))
    return conclusion


def gate_record(writer: Any, head_sha: str, env: str, app_slug: str) -> dict[str, Any] | None:
    """The change set the bot's App recorded for `env` at `head_sha` (its newest plan check run); None when
    there is none. Check runs of any other App are ignored."""
    for run in writer.repo.get_commit(head_sha).get_check_runs(check_name=markers.plan_check(env)):
        if getattr(getattr(run, "app", None), "slug", None) != app_slug:
            continue
        data = read_record((run.output.text if run.output else "") or "")
        if data is not None and data.get("environment") == env and data.get("revision") == head_sha:
            return data
    return None


def forbidden_for(policy: Any, tier: str) -> str | None:
    """The org policy's refusal of allow-replace for a tier, or None."""
    tier_policy = policy.tier(tier)
    if getattr(tier_policy, "allow_replace", True):
        return None
    return f"the org policy forbids allow-replace for {tier} environments (tiers.{tier}.allow_replace: false)"


def describe_changes(changes: Iterable[Any]) -> str:
    return ", ".join(f"{code_span(c.address)} ({c.action})" for c in changes)
