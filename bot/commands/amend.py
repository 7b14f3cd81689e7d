"""Plain-language amendments ("also add an S3 bucket for uploads"), read by the understanding engine."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.parser import Command, CommandError
from bot.request.echo import echo
from bot.request.proposal import derive_spec, propose

MAX_AMENDMENT_CHARS = 2000


def run(cc: CommandContext, command: Command) -> None:
    text = command.args.strip()
    if not text:
        raise CommandError("usage: /dev-agent amend <what to change, in plain words>")
    if len(text) > MAX_AMENDMENT_CHARS:
        raise CommandError(f"an amendment is at most {MAX_AMENDMENT_CHARS} characters")
    cc.state.amendments.append(text)
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    if derived.spec is None:
        raise CommandError("the amendment could not be applied: " + "; ".join(derived.questions + derived.notes))
    number = propose(cc.ctx, cc.target, cc.state, derived)
    if number is None:
        cc.not_proposed()
        return
    notes = "".join(f"\n- {echo(n, 300)}" for n in derived.notes)
    cc.reply(f"Amended and updated #{number}.{notes}")
