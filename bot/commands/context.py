"""The context a command runs in: the request it is about and where to answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.commands.parser import CommandError
from bot.request.proposal import RequestState, Target

REPLY_MARKER = "<!-- dev-agent:reply:{comment_id} -->"


@dataclass
class CommandContext:
    """A command being run: the job context, the request it is about, and where to answer."""

    ctx: Any
    target: Target  # the request issue
    state: RequestState
    where: int  # issue or PR number the comment was posted on
    comment_id: int

    def reply(self, text: str) -> None:
        marker = REPLY_MARKER.format(comment_id=self.comment_id)
        self.target.writer.upsert_comment(self.where, marker, f"{marker}\n{text}")

    def environment(self) -> str:
        if not self.state.environment:
            raise CommandError("this request has no environment yet: run `/dev-agent plan` first")
        return self.state.environment
