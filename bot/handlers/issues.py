"""`issues.opened` / `issues.edited`: an environment request -> questions back, or a PR."""

from __future__ import annotations

from typing import Any

from bot.github import authz
from bot.handlers import event_time, target_for
from bot.jobs.context import HandlerContext
from bot.jobs.routing import Router
from bot.request.echo import echo
from bot.request.issue_form import is_environment_request
from bot.request.state import load_state, post_status
from bot.request.write import BranchTaken, plan_request
from bot.store.locks import LockBusy

router = Router()  # this module's handlers; bot.jobs.handlers combines the routers

@router.register("issues", "opened")
@router.register("issues", "edited")
def on_request(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    issue = payload["issue"]
    if issue.get("pull_request") or issue.get("state") == "closed" or not is_environment_request(issue):
        return
    target = target_for(ctx, payload, issue, event_time(issue.get("updated_at"), issue.get("created_at")))
    number = issue["number"]
    target.writer.react(number, "eyes")
    state = load_state(target)
    refused = authz.refusal(ctx, target.writer, target.actor, "request")
    if refused:
        post_status(target, state, f"dev-agent cannot act on this request: {echo(refused, 300)}.")
        target.writer.react(number, "confused")
        return
    try:
        outcome = plan_request(ctx, target, state)
    except (LockBusy, BranchTaken):  # said in the status comment
        outcome = "locked"
    target.writer.react(number, "rocket" if outcome == "proposed" else "confused")
