"""`/dev-agent unlock`: release the environment's lock whoever holds it."""

from __future__ import annotations

from bot.commands.command import Command
from bot.commands.context import CommandContext
from bot.request.echo import echo


def run(cc: CommandContext, command: Command) -> None:
    environment = cc.environment()
    released = cc.ctx.locks.release(cc.target.lock_key(environment))
    cc.reply(f"Released the lock on `{echo(environment)}`." if released else f"`{echo(environment)}` was not locked.")
