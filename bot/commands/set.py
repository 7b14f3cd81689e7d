"""`/dev-agent set key=value …`: change allow-listed spec fields, validated before anything is written."""

from __future__ import annotations

import shlex

from bot.commands.arguments import parse_assignments
from bot.commands.changes import changes_reply, spec_changes
from bot.commands.command import Command, CommandError
from bot.commands.context import CommandContext
from bot.markdown import code_span
from bot.request.derive import derive_spec
from bot.request.echo import echo
from bot.request.write import propose_change


def run(cc: CommandContext, command: Command) -> None:
    assignments = parse_assignments(command.args)
    if "name" in assignments:
        check_rename(cc)
    before = derive_spec(cc.target.issue, cc.state, cc.ctx.settings).spec
    if "ttl_days" in assignments:
        cc.state.assignments.pop("expires_on", None)  # a new TTL replaces a date moved by `extend`
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings, assignments)
    if derived.spec is None:
        raise CommandError("nothing was changed; the result would not be a valid environment: "
                           + "; ".join(echo(q, 300) for q in _problems(cc, assignments, derived.questions)))
    changes = spec_changes(before, derived.spec) if before else []
    typed = dict.fromkeys(token.partition("=")[0].lower() for token in shlex.split(command.args))
    keys = ", ".join(code_span(k) for k in typed)
    if before and not changes:
        cc.reply(f"No change: {keys} already had those values.")
        return
    cc.state.assignments.update(assignments)
    proposed = propose_change(cc.ctx, cc.target, cc.state, derived)
    if proposed is None:
        cc.not_proposed()
        return
    if before:
        cc.reply(changes_reply(changes, proposed))
    else:
        cc.reply(f"Set {keys}; proposed #{proposed.number}.")


def _problems(cc: CommandContext, assignments: dict[str, object], questions: list[str]) -> list[str]:
    """Every problem of a `set`, not only the first the spec's validation stops at: each assignment is also
    checked on its own."""
    found = list(questions)
    for key, value in assignments.items() if len(assignments) > 1 else ():
        alone = derive_spec(cc.target.issue, cc.state, cc.ctx.settings, {key: value})
        found += [q for q in alone.questions if q not in found]
    return found


def check_rename(cc: CommandContext) -> None:
    """A request is renamed only before its first merge and while it has no open PR under the old name."""
    for number in sorted(set(cc.state.pulls.values()) | ({cc.state.pull} if cc.state.pull else set())):
        pull = cc.target.writer.repo.get_pull(number)
        if pull.merged:
            raise CommandError(f"#{number} is merged: an environment keeps its name once merged")
        if pull.state == "open":
            raise CommandError(f"#{number} is open under the name `{echo(cc.state.environment)}`: close it first, "
                               "then set the new name")
