"""`issue_comment.created` on request issues and dev-agent PRs: run the comment's command."""

from __future__ import annotations

import logging
from typing import Any

from bot.commands.command import CommandError
from bot.commands.context import CommandContext
from bot.commands.parser import extract_command
from bot.commands.table import COMMANDS
from bot.github import authz
from bot.handlers import event_time, target_for, writer_for
from bot.handlers.answers import is_answer, on_answer
from bot.jobs.context import HandlerContext
from bot.jobs.routing import Router
from bot.markdown import inert_markdown
from bot.request import markers
from bot.request.comments import RENAME_HINT
from bot.request.echo import echo
from bot.request.state import load_state
from bot.request.write import BranchTaken
from bot.store.locks import LockBusy

log = logging.getLogger(__name__)
router = Router()  # this module's handlers; bot.jobs.handlers combines the routers



@router.register("issue_comment", "created")
def on_comment(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    comment, issue = payload["comment"], payload["issue"]
    command = extract_command(comment.get("body") or "")
    if command is None:
        if is_answer(payload):
            on_answer(ctx, payload)  # the requester answering dev-agent's questions in plain words
        return
    writer = writer_for(ctx, payload)
    where = issue["number"]
    # On a PR, the request it belongs to, only when the App opened the PR (anyone can paste the link marker).
    request_number = markers.request_of(issue, writer.authors) if issue.get("pull_request") else where
    if request_number is None and command.verb != "help":
        log.info("ignoring /dev-agent %s on #%s: a pull request dev-agent did not open", command.verb, where)
        return
    request_issue = issue if request_number in (None, where) else writer.repo.get_issue(request_number).raw_data
    target = target_for(ctx, payload, request_issue, event_time(comment.get("created_at")), writer)
    cc = CommandContext(ctx=ctx, target=target, state=load_state(target), where=where, comment_id=comment["id"])
    writer.react(where, "eyes", comment_id=comment["id"])
    spec = COMMANDS[command.verb]
    refused = authz.refusal(ctx, writer, target.actor, spec.policy) if spec.policy else None
    if refused:
        cc.reply(f"Not run: {inert_markdown(refused, 300)}.")
        writer.react(where, "confused", comment_id=comment["id"])
        return
    try:
        spec.runner(cc, command)
    except CommandError as exc:
        cc.reply(f"`/dev-agent {command.verb}` failed: {inert_markdown(exc, 1500)}")
        writer.react(where, "confused", comment_id=comment["id"])
        return
    except LockBusy as busy:
        cc.reply(f"The environment is locked by {echo(busy.holder.describe())}. {RENAME_HINT}")
        writer.react(where, "confused", comment_id=comment["id"])
        return
    except BranchTaken as taken:
        cc.reply(f"Not run: the environment is taken ({echo(str(taken), 300)}). {RENAME_HINT}")
        writer.react(where, "confused", comment_id=comment["id"])
        return
    writer.react(where, "rocket", comment_id=comment["id"])
