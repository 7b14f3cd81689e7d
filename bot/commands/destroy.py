"""`/dev-agent destroy`: a pull request that removes the environment."""

from __future__ import annotations

from bot.commands.command import Command
from bot.commands.context import CommandContext
from bot.request.write import propose_destroy


def run(cc: CommandContext, command: Command) -> None:
    number = propose_destroy(cc.ctx, cc.target, cc.state, cc.environment())
    cc.reply(f"Opened #{number} to destroy the environment; merge it to tear it down.")
