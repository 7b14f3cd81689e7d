"""The context a command runs in: the request it is about and where to answer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.command import CommandError
from bot.jobs.context import HandlerContext
from bot.request import markers
from bot.request.state import RequestState, Target


@dataclass
class CommandContext:
    """A command being run: the job context, the request it is about, and where to answer."""

    ctx: HandlerContext
    target: Target  # the request issue
    state: RequestState
    where: int  # issue or PR number the comment was posted on
    comment_id: int

    def reply(self, text: str) -> None:
        marker = markers.reply(self.comment_id)
        self.target.writer.upsert_comment(self.where, marker, f"{marker}\n{text}")

    def not_proposed(self) -> None:
        """The answer when no plan fits the budget (the status comment asks how to go on)."""
        self.reply(f"No plan fits the budget: see the status comment on #{self.state.issue} for the cheapest "
                   "plan's cost.")

    def environment(self) -> str:
        if not self.state.environment:
            raise CommandError("this request has no environment yet: run `/dev-agent plan` first")
        return self.state.environment
