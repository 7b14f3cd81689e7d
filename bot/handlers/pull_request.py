"""`pull_request.closed` on a dev-agent branch: release the lock, close or update the request issue."""

from __future__ import annotations

from typing import Any

from bot.branches import parse_branch
from bot.handlers import writer_for
from bot.proposal import request_issue_of
from bot.registry import EnvironmentRecord
from bot.routing import router

CLOSED_MARKER = "<!-- dev-agent:closed:{pull} -->"


@router.register("pull_request", "closed")
def on_closed(ctx: Any, payload: dict[str, Any]) -> None:
    pull = payload["pull_request"]
    branch = parse_branch((pull.get("head") or {}).get("ref") or "")
    if branch is None:
        return
    environment = branch.environment
    full_name = payload["repository"]["full_name"]
    request = request_issue_of(pull.get("body") or "")
    owner = f"{full_name}#{request}" if request else None
    ctx.locks.release(f"{full_name}:{environment}", owner=owner)
    if branch.kind == "request" and ctx.registry.get(environment, full_name) is not None:
        ctx.registry.upsert(EnvironmentRecord(name=environment, repository=full_name),
                            status="merged" if pull.get("merged") else "refused")
    if request is None:
        return
    writer = writer_for(ctx, payload)
    marker = CLOSED_MARKER.format(pull=pull["number"])
    if pull.get("merged"):
        writer.close_issue(request, f"{marker}\nMerged in #{pull['number']}; the lock on `{environment}` is released.", marker)
    else:
        again = "Comment `/dev-agent plan` to propose it again." if branch.kind == "request" else \
            f"`{environment}` stays as it is."
        writer.comment(request, f"{marker}\n#{pull['number']} was closed without merging; the lock on "
                                f"`{environment}` is released. {again}", marker)
