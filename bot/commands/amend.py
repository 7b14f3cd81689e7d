"""Plain-language amendments ("also add an S3 bucket for uploads"), read by the understanding engine."""

from __future__ import annotations

from bot.commands.changes import changes_reply, spec_changes
from bot.commands.command import Command, CommandError
from bot.commands.context import CommandContext
from bot.request.derive import derive_spec
from bot.request.echo import echo
from bot.request.write import propose

MAX_AMENDMENT_CHARS = 2000


def run(cc: CommandContext, command: Command) -> None:
    text = command.args.strip()
    if not text:
        raise CommandError("usage: `/dev-agent amend <what to change, in plain words>`")
    if len(text) > MAX_AMENDMENT_CHARS:
        raise CommandError(f"an amendment is at most {MAX_AMENDMENT_CHARS} characters")
    before = derive_spec(cc.target.issue, cc.state, cc.ctx.settings).spec
    cc.state.amendments.append(text)
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    if derived.spec is None:
        cc.state.amendments.pop()
        problems = "; ".join(echo(n, 300) for n in derived.questions + derived.notes)
        raise CommandError(f"the amendment could not be applied, nothing was changed: {problems}")
    changes = spec_changes(before, derived.spec) if before else []
    if before and not changes:
        cc.state.amendments.pop()
        cc.reply(f"No change: \"{echo(text, 200)}\" does not change anything dev-agent can set, so the pull "
                 "request stays as it is. Name what should change (for example `/dev-agent also add Redis`), or "
                 "use `/dev-agent set key=value`; `/dev-agent help` lists the keys.")
        return
    cost_before = cc.monthly_cost(derived.spec.name)
    number = propose(cc.ctx, cc.target, cc.state, derived)
    if number is None:
        cc.not_proposed()
        return
    notes = "".join(f"\n- {echo(n, 300)}" for n in derived.notes)
    reply = changes_reply(changes, number, cost_before, cc.monthly_cost(derived.spec.name)) if before else (
        f"Amended; proposed #{number}.")
    cc.reply(reply + (f"\n\nNotes:{notes}" if notes else ""))
