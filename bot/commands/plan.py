"""`/dev-agent plan`: re-run the request and update its pull request."""

from __future__ import annotations

from bot.commands.command import Command
from bot.commands.context import CommandContext
from bot.request.write import plan_request


def run(cc: CommandContext, command: Command) -> None:
    outcome = plan_request(cc.ctx, cc.target, cc.state)
    cc.reply(f"Planned again: see #{cc.state.pull}." if outcome == "proposed"
             else f"More information is needed: see the status comment on #{cc.state.issue}.")
