"""The terraform plan section of the bot's report comment, written by dev-agent-plan.yml, and the job summary.

The section sits between two markers (bot.request.markers.pr_plan) in the first report comment, so a later plan
replaces it and the bot's own re-render keeps it. Counts, every stateful destroy/replace and the cost of the change
(before → after per resource, priced from the plan: bot.cost.diff.diff_plan) always fit; the full plan text is cut
to what the comment's 65,536 characters leave (the job summary has all of it).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from bot.cost.diff import change_table, changes, delta_line
from bot.markdown import code_block, code_span, escape_text
from bot.pipeline.report import GITHUB_COMMENT_LIMIT
from bot.request import markers
from bot.review.tfplan import PlanSummary, ResourceChange

DATA = "<!-- dev-agent:plan-data {} -->"
MIN_PLAN_ROOM = 200  # below this the collapsed block only says where the full plan is
VERBS = {"delete": "destroyed", "replace": "replaced", "update": "upgraded in place to a new major version"}


def stateful_line(change: ResourceChange, allowed: dict[str, str] | None = None) -> str:
    """`aws_db_instance.main` (database) is **replaced**, forced by `engine_version` (...): who allowed it, or how
    to allow it. `allowed` maps addresses to who allowed them and why (already escaped)."""
    forced = (", forced by " + ", ".join(code_span(p) for p in change.forced_by)) if change.forced_by else ""
    why = f" ({escape_text(change.reason)})" if change.reason else ""
    if change.upgrade:
        attribute, old, new = change.upgrade
        forced = f", {code_span(attribute)} {code_span(old)} → {code_span(new)}"
        why = " (it cannot be downgraded afterwards, and the data is offline while it upgrades)"
    given = (allowed or {}).get(change.address)
    state = f"allowed {given}" if given else ("needs `/dev-agent allow-replace "
                                              f"{change.address} <reason>` by someone on the policy's apply list")
    return (f"- {code_span(change.address)} ({escape_text(change.kind or '')}) is **{VERBS[change.action]}**"
            f"{forced}{why}: {state}")


def headline(summary: PlanSummary, revision: str) -> list[str]:
    lines = [f"**Plan of `{revision[:12]}`:** {summary.counts_line()}."]
    if summary.stateful:
        lines += ["", "⛔ **Data-holding resources destroyed, replaced or upgraded across a major version:**"]
    return lines


def cost_lines(cost: dict[str, Any] | None) -> list[str]:
    """The change's cost from the plan: the monthly delta and, when a resource's cost changes, the table."""
    lines = ["", "#### Cost of this change (priced from the plan)", ""]
    if cost is None:
        return [*lines, "The plan could not be priced; the report's estimate above is from the generated files."]
    lines.append(delta_line(cost) + ".")
    if changes(cost):
        lines += ["", change_table(cost)]
    return lines


def render(env: str, summary: PlanSummary, plan_text: str, revision: str, room: int = GITHUB_COMMENT_LIMIT,
           cost: dict[str, Any] | None = None) -> str:
    """The section (markers and the change-set record included) in at most `room` characters when possible: the
    plan text is cut first."""
    start, end = markers.pr_plan(env)
    head = [start, encode_data(env, summary, revision), "### Terraform plan (dev-agent-plan.yml)", "",
            *headline(summary, revision), *(stateful_line(c) for c in summary.stateful), *cost_lines(cost)]
    tail = "\n".join(["", end])

    def build(block: str) -> str:
        return "\n".join(head) + f"\n\n<details><summary>Full plan</summary>\n\n{block}\n\n</details>\n" + tail

    whole = build(code_block(plan_text))
    if len(whole) <= room:
        return whole
    note = "\n… trimmed: {} more characters; the whole plan is in the workflow run's job summary."
    keep = len(plan_text) - (len(whole) - room) - len(note) - 16
    while keep >= MIN_PLAN_ROOM:
        text = build(code_block(plan_text[:keep]) + note.format(len(plan_text) - keep))
        if len(text) <= room:
            return text
        keep -= len(text) - room
    return build("_The whole plan is in the workflow run's job summary (no room left in this comment)._")


def encode_data(env: str, summary: PlanSummary, revision: str) -> str:
    """The hidden, machine-readable change set at the top of the section (the bot reads it from the workflow's
    edit, bot/review/gate.py)."""
    data = {"environment": env, "revision": revision, "changes": [c.model_dump() for c in summary.changes]}
    return DATA.format(base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode())


def decode_data(text: str, env: str) -> dict[str, Any] | None:
    """The change set recorded in the environment's section of `text`; None when absent or unreadable."""
    found = section_of(text, env)
    prefix, suffix = DATA.split("{}")
    if found is None or prefix not in found:
        return None
    body = found.split(prefix, 1)[1].split(suffix, 1)[0]
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
        PlanSummary(changes=data["changes"])
    except (ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("environment") == env else None


def without_section(body: str, env: str) -> str:
    """The comment body with the environment's plan section taken out."""
    start, end = markers.pr_plan(env)
    if start not in body:
        return body
    before, _, rest = body.partition(start)
    _, found, after = rest.partition(end)
    return (before.rstrip("\n") + ("\n" + after.lstrip("\n") if found and after.strip() else "")).rstrip("\n") + "\n"


def section_of(body: str, env: str) -> str | None:
    """The environment's plan section in a comment body, markers included; None when there is none."""
    start, end = markers.pr_plan(env)
    if start not in body or end not in body.split(start, 1)[1]:
        return None
    return start + body.split(start, 1)[1].split(end, 1)[0] + end


def with_section(body: str, env: str, section: str) -> str:
    """The report comment with `section` in place of its previous plan section (appended at the end)."""
    return without_section(body, env).rstrip("\n") + "\n\n" + section + "\n"


def job_summary(env: str, summary: PlanSummary, plan_text: str, revision: str,
                cost: dict[str, Any] | None = None) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the counts, the stateful changes, the cost and the whole plan."""
    lines = [f"## Terraform plan: {escape_text(env)}", "", *headline(summary, revision),
             *(stateful_line(c) for c in summary.stateful), *cost_lines(cost), "", code_block(plan_text), ""]
    return "\n".join(lines)


_START = re.compile(r"<!-- dev-agent:pr-plan env=([a-z][a-z0-9-]{1,39}) -->")


def carry_over(old_body: str, new_body: str) -> str:
    """`new_body` (the bot's re-rendered report) with the plan sections of `old_body` kept, where they still fit."""
    out = new_body
    for env in dict.fromkeys(_START.findall(old_body or "")):
        found = section_of(old_body, env)
        if found and section_of(out, env) is None and len(out.rstrip("\n")) + len(found) + 3 <= GITHUB_COMMENT_LIMIT:
            out = with_section(out, env, found)
    return out
