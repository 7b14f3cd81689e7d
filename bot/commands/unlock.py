"""`/dev-agent unlock`: release the environment's lock whoever holds it."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.parser import Command
from bot.markdown import escape


def run(cc: CommandContext, command: Command) -> None:
    environment = cc.environment()
    released = cc.ctx.locks.release(cc.target.lock_key(environment))
    cc.reply(f"Released the lock on `{escape(environment)}`." if released else f"`{escape(environment)}` was not locked.")
