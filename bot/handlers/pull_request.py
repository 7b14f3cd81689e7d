"""`pull_request.closed` on a dev-agent branch: release the lock, close or update the request issue, and flag a
merge by someone the org policy's `apply` list does not name (the merge stands: GitHub already ran it).

Only PRs the App opened, from its own branch in the same repository, whose number is the PR the request's (signed)
state recorded for that branch, are acted on; any other PR is ignored and logged (bot/request/markers.py)."""

from __future__ import annotations

import logging
from typing import Any

from bot.github import authz
from bot.github.branches import bot_branch, parse_branch
from bot.github.protocols import GitHubWriter
from bot.handlers import event_time, target_for, writer_for
from bot.jobs.context import HandlerContext
from bot.jobs.routing import Router
from bot.markdown import inert_markdown
from bot.request import markers
from bot.request.state import load_state
from bot.store.audit import AuditEvent
from bot.store.registry import EnvironmentRecord

log = logging.getLogger(__name__)
router = Router()  # this module's handlers; bot.jobs.handlers combines the routers



@router.register("pull_request", "closed")
def on_closed(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    pull = payload["pull_request"]
    ref = (pull.get("head") or {}).get("ref") or ""
    branch = parse_branch(ref)
    if branch is None:
        return
    environment = branch.environment
    full_name = payload["repository"]["full_name"]
    request, why, writer = trusted_request(ctx, payload)
    if request is None or writer is None:
        log.warning("ignoring pull_request.closed on %s#%s (%s): %s", full_name, pull.get("number"), ref, why)
        return
    ctx.locks.release(f"{full_name}:{environment}", owner=f"{full_name}#{request}")
    if branch.kind == "request" and ctx.registry.get(environment, full_name) is not None:
        ctx.registry.upsert(EnvironmentRecord(name=environment, repository=full_name),
                            status="merged" if pull.get("merged") else "refused")
    answer_request_issue(writer, pull, request, environment, branch.kind)
    if pull.get("merged"):
        flag_unlisted_merge(ctx, writer, pull, environment, payload["sender"]["login"])
        if branch.kind == "extend":
            close_stale_destroy(writer, pull, environment)


def trusted_request(ctx: HandlerContext, payload: dict[str, Any]) -> tuple[int | None, str, Any]:
    """(request issue, "", writer) for a closed PR the bot may act on, else (None, why not, None)."""
    pull, full_name = payload["pull_request"], payload["repository"]["full_name"]
    head = pull.get("head") or {}
    authors = ctx.authors()
    if not markers.authored_by(pull, authors):
        return None, f"opened by @{markers.login_of(pull)[0]}, not by dev-agent", None
    if ((head.get("repo") or {}).get("full_name")) != full_name:
        return None, "its branch is in another repository", None
    request = markers.request_of(pull, authors)
    if request is None:
        return None, "it names no request issue", None
    writer = writer_for(ctx, payload)
    issue = writer.repo.get_issue(request).raw_data
    target = target_for(ctx, payload, issue, event_time(pull.get("closed_at")), writer)
    recorded = load_state(target).pulls.get(head.get("ref") or "")
    if recorded != pull.get("number"):
        return None, f"request #{request} recorded {'#' + str(recorded) if recorded else 'no PR'} for this branch", None
    return request, "", writer


def answer_request_issue(writer: GitHubWriter, pull: dict[str, Any], request: int, environment: str, kind: str) -> None:
    """Merged: close the request issue; closed unmerged: say the lock is released and what to do next."""
    marker = markers.closed(pull["number"])
    if pull.get("merged"):
        writer.close_issue(request, f"{marker}\nMerged in #{pull['number']}; the lock on `{environment}` is released.", marker)
    else:
        again = "Comment `/dev-agent plan` to propose it again." if kind == "request" else \
            f"`{environment}` stays as it is."
        writer.comment(request, f"{marker}\n#{pull['number']} was closed without merging; the lock on "
                                f"`{environment}` is released. {again}", marker)


def close_stale_destroy(writer: GitHubWriter, pull: dict[str, Any], environment: str) -> None:
    """An extension merged: a destroy PR opened for the old expiry date (by `dev-agent expire` in the expiry
    workflow) is stale; close it with a note saying why."""
    owner = writer.full_name.split("/")[0]
    for stale in writer.repo.get_pulls(state="open", head=f"{owner}:{bot_branch('destroy', environment)}"):
        if ((stale.raw_data.get("head") or {}).get("repo") or {}).get("full_name") != writer.full_name:
            continue
        marker = markers.superseded(stale.number)
        writer.comment(stale.number, f"{marker}\nClosed without merging: `{environment}` was extended in "
                                     f"#{pull['number']}, so it is no longer due to be destroyed.", marker)
        stale.edit(state="closed")


def flag_unlisted_merge(ctx: HandlerContext, writer: GitHubWriter, pull: dict[str, Any], environment: str, sender: str) -> None:
    """One comment on the PR and a `merge` audit event when whoever merged is not on the `apply` list."""
    merger = (pull.get("merged_by") or {}).get("login") or sender
    refused = authz.list_refusal(ctx, writer, merger, "apply")
    if refused is None:
        return
    marker = markers.unlisted_merge(pull["number"])
    if writer.find_comment(pull["number"], marker) is not None:
        return  # a redelivery: flagged and audited already
    ctx.audit.record(AuditEvent(action="merge", actor=merger, environment=environment, repository=writer.full_name,
                                pull_request=pull["number"], detail=refused))
    writer.comment(pull["number"], f"{marker}\n**Merged outside the org policy:** {inert_markdown(refused, 300)}. "
                                   "The merge stands and its workflow runs; a platform team makes GitHub enforce "
                                   "the list with branch protection, CODEOWNERS or the production environment's "
                                   "required reviewers.", marker)
