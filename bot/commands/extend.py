"""`/dev-agent extend 7d`: lengthen the environment's time to live."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.parser import Command, CommandError, parse_duration_days
from bot.proposal import derive_spec, propose

MAX_TTL_DAYS = 365


def run(cc: CommandContext, command: Command) -> None:
    days = parse_duration_days(command.args)
    current = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    if current.spec is None:
        raise CommandError("this request has no valid environment yet: run `/dev-agent plan` first")
    ttl = min(MAX_TTL_DAYS, (current.spec.ttl_days or 0) + days)
    assignments = {"ttl_days": str(ttl)}
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings, assignments)
    if derived.spec is None:
        raise CommandError("; ".join(derived.questions))
    cc.state.assignments.update(assignments)
    number = propose(cc.ctx, cc.target, cc.state, derived)
    cc.reply(f"Time to live is now {ttl} days; updated #{number}.")
