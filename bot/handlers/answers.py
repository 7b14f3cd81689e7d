"""A plain-language answer on a request issue: the requester replies to dev-agent's questions without a prefix.

Only the issue's author, only on an open request issue that is waiting for answers (`needs-info`), and only
the comment's own prose (quotes of the questions, code blocks and hidden HTML comments are not read). The
answer is kept like an amendment, so it replaces what the request said about the same thing; everyone else
(and any change after the PR exists) still goes through `/dev-agent amend ...`.
"""

from __future__ import annotations

from typing import Any

from bot.commands.parser import prose_lines
from bot.github import authz
from bot.handlers import event_time, target_for, writer_for
from bot.jobs.context import HandlerContext
from bot.request.echo import echo
from bot.request.issue_form import is_environment_request
from bot.request.state import load_state, post_status
from bot.request.write import BranchTaken, plan_request
from bot.store.locks import LockBusy
from bot.usertext import visible

NEEDS_INFO = "needs-info"
MAX_ANSWER_CHARS = 2000


def answer_text(body: str) -> str:
    """The prose of a comment: no quoted lines, code blocks or hidden comments; whitespace folded."""
    return " ".join(" ".join(prose_lines(visible(body or ""))).split())


def is_answer(payload: dict[str, Any]) -> bool:
    """An answer by the requester on their own request issue while dev-agent waits for answers."""
    comment, issue = payload["comment"], payload["issue"]
    author = (issue.get("user") or {}).get("login")
    labels = {label.get("name") for label in issue.get("labels") or [] if isinstance(label, dict)}
    return (
        not issue.get("pull_request")
        and issue.get("state") != "closed"
        and NEEDS_INFO in labels
        and bool(author)
        and (comment.get("user") or {}).get("login") == author
        and payload["sender"]["login"] == author
        and is_environment_request(issue)
        and bool(answer_text(comment.get("body") or ""))
    )


def on_answer(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    """Read the answer with the request (newest answer wins) and ask again or propose."""
    comment, issue = payload["comment"], payload["issue"]
    writer = writer_for(ctx, payload)
    target = target_for(ctx, payload, issue, event_time(comment.get("created_at")), writer)
    state = load_state(target)
    writer.react(issue["number"], "eyes", comment_id=comment["id"])
    refused = authz.refusal(ctx, writer, target.actor, "request")
    if refused:
        post_status(target, state, f"dev-agent cannot act on this request: {echo(refused, 300)}.")
        writer.react(issue["number"], "confused", comment_id=comment["id"])
        return
    state.amendments.append(answer_text(comment.get("body") or "")[:MAX_ANSWER_CHARS])
    try:
        outcome = plan_request(ctx, target, state)
    except (LockBusy, BranchTaken):  # said in the status comment
        outcome = "locked"
    writer.react(issue["number"], "rocket" if outcome == "proposed" else "confused", comment_id=comment["id"])
