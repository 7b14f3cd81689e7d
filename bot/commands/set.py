"""`/dev-agent set key=value …`: change allow-listed spec fields, validated before anything is written."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.parser import Command, CommandError, parse_assignments
from bot.request.echo import echo
from bot.request.proposal import derive_spec, propose


def run(cc: CommandContext, command: Command) -> None:
    assignments = parse_assignments(command.args)
    if "name" in assignments:
        check_rename(cc)
    if "ttl_days" in assignments:
        cc.state.assignments.pop("expires_on", None)  # a new TTL replaces a date moved by `extend`
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings, assignments)
    if derived.spec is None:
        raise CommandError("the result would not be a valid environment: " + "; ".join(derived.questions))
    cc.state.assignments.update(assignments)
    number = propose(cc.ctx, cc.target, cc.state, derived)
    if number is None:
        cc.not_proposed()
        return
    changed = ", ".join(f"`{echo(k)}`" for k in assignments)
    cc.reply(f"Set {changed}; updated #{number}.")


def check_rename(cc: CommandContext) -> None:
    """A request is renamed only before its first merge and while it has no open PR under the old name."""
    for number in sorted(set(cc.state.pulls.values()) | ({cc.state.pull} if cc.state.pull else set())):
        pull = cc.target.writer.repo.get_pull(number)
        if pull.merged:
            raise CommandError(f"#{number} is merged: an environment keeps its name once merged")
        if pull.state == "open":
            raise CommandError(f"#{number} is open under the name `{echo(cc.state.environment)}`: close it first, "
                               "then set the new name")
