"""`issue_comment.edited` by the workflows' token on the bot's report comment: dev-agent-plan.yml posted a plan;
set the bot's plan check run from it (bot/review/gate.py)."""

from __future__ import annotations

import logging
from typing import Any

import yaml

from bot.handlers import event_time, target_for, writer_for
from bot.jobs.routing import Router
from bot.request import markers
from bot.request.state import load_state
from bot.review.gate import forbidden_for, posted_plans, set_gate
from policies.schema import load_policy

log = logging.getLogger(__name__)
router = Router()


def environment_tier(writer: Any, env: str, ref: str) -> str:
    """The tier in environments/<env>/environment.yaml at `ref` (dev when unreadable)."""
    try:
        data = yaml.safe_load(writer.read_file(f"environments/{env}/environment.yaml", ref) or "") or {}
    except yaml.YAMLError:
        return "dev"
    return str(data.get("tier") or "dev") if isinstance(data, dict) else "dev"


@router.register("issue_comment", "edited", workflows=True)
def on_plan_posted(ctx: Any, payload: dict[str, Any]) -> None:
    issue = payload.get("issue") or {}
    if not issue.get("pull_request"):
        return
    plans = posted_plans(payload, ctx.authors())
    if not plans:
        return
    writer = writer_for(ctx, payload)
    head = writer.repo.get_pull(issue["number"]).head.sha
    request_number = markers.request_of(issue, writer.authors)
    if request_number is None:
        return
    request_issue = writer.repo.get_issue(request_number).raw_data
    state = load_state(target_for(ctx, payload, request_issue, event_time(payload["comment"].get("updated_at")),
                                  writer))
    policy = load_policy(ctx.settings.policy_file)
    for data in plans:
        env = str(data["environment"])
        if data.get("revision") != head:
            log.info("plan of %s at %s is not the head of #%s (%s): ignored", env, data.get("revision"),
                     issue["number"], head)
            continue
        conclusion = set_gate(writer, data, state.allowances.get(env, {}),
                              forbidden_for(policy, environment_tier(writer, env, head)))
        log.info("plan check of %s on #%s: %s", env, issue["number"], conclusion)
