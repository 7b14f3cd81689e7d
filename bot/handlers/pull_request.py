"""`pull_request.closed` on a dev-agent branch: release the lock, close or update the request issue, and flag a
merge by someone the org policy's `apply` list does not name (the merge stands: GitHub already ran it)."""

from __future__ import annotations

from typing import Any

from bot.github import authz
from bot.github.branches import parse_branch
from bot.handlers import writer_for
from bot.jobs.routing import router
from bot.request.echo import echo
from bot.request.proposal import request_issue_of
from bot.store.audit import AuditEvent
from bot.store.registry import EnvironmentRecord

CLOSED_MARKER = "<!-- dev-agent:closed:{pull} -->"
UNLISTED_MERGE_MARKER = "<!-- dev-agent:unlisted-merge:{pull} -->"


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
    if request is None and not pull.get("merged"):
        return
    writer = writer_for(ctx, payload)
    if request is not None:
        answer_request_issue(writer, pull, request, environment, branch.kind)
    if pull.get("merged"):
        flag_unlisted_merge(ctx, writer, pull, environment, payload["sender"]["login"])


def answer_request_issue(writer: Any, pull: dict[str, Any], request: int, environment: str, kind: str) -> None:
    """Merged: close the request issue; closed unmerged: say the lock is released and what to do next."""
    marker = CLOSED_MARKER.format(pull=pull["number"])
    if pull.get("merged"):
        writer.close_issue(request, f"{marker}\nMerged in #{pull['number']}; the lock on `{environment}` is released.", marker)
    else:
        again = "Comment `/dev-agent plan` to propose it again." if kind == "request" else \
            f"`{environment}` stays as it is."
        writer.comment(request, f"{marker}\n#{pull['number']} was closed without merging; the lock on "
                                f"`{environment}` is released. {again}", marker)


def flag_unlisted_merge(ctx: Any, writer: Any, pull: dict[str, Any], environment: str, sender: str) -> None:
    """One comment on the PR and a `merge` audit event when whoever merged is not on the `apply` list."""
    merger = (pull.get("merged_by") or {}).get("login") or sender
    refused = authz.list_refusal(ctx, writer, merger, "apply")
    if refused is None:
        return
    marker = UNLISTED_MERGE_MARKER.format(pull=pull["number"])
    if writer.find_comment(pull["number"], marker) is not None:
        return  # a redelivery: flagged and audited already
    ctx.audit.record(AuditEvent(action="merge", actor=merger, environment=environment, repository=writer.full_name,
                                pull_request=pull["number"], detail=refused))
    writer.comment(pull["number"], f"{marker}\n**Merged outside the org policy:** {echo(refused, 300)}. "
                                   "The merge stands and its workflow runs; a platform team makes GitHub enforce "
                                   "the list with branch protection, CODEOWNERS or the production environment's "
                                   "required reviewers.", marker)
