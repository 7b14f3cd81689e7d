"""`/dev-agent override POLICY reason`: accept a failing policy, with the reason recorded in the report."""

from __future__ import annotations

import re

from bot.audit import AuditEvent
from bot.commands.context import CommandContext
from bot.commands.parser import Command, CommandError
from bot.echo import echo
from bot.proposal import derive_spec, propose

_POLICY = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")


def run(cc: CommandContext, command: Command) -> None:
    policy, _, reason = command.args.strip().partition(" ")
    if not _POLICY.match(policy) or not reason.strip():
        raise CommandError("usage: /dev-agent override POLICY reason (the reason is required)")
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    if derived.spec is None:
        raise CommandError("this request has no valid environment yet: run `/dev-agent plan` first")
    cc.state.overrides[policy] = reason.strip()[:500]
    cc.ctx.audit.record(AuditEvent(action="override", actor=cc.target.actor, environment=derived.spec.name,
                                   repository=cc.target.full_name, pull_request=cc.state.pull,
                                   detail=f"{policy}: {cc.state.overrides[policy]}"))
    number = propose(cc.ctx, cc.target, cc.state, derived)
    cc.reply(f"Override of `{echo(policy)}` recorded; updated #{number}.")
