"""`/dev-agent override POLICY reason`: accept a failing policy, recorded with who, when and why.

The override is kept in the request's state and handed to the policy engine on every plan: an authorised
override turns the rule's failure into a warning naming the grantor and the reason (built-in guards stay
failures), and the report lists it.
"""

from __future__ import annotations

import re

from bot.commands.command import Command, CommandError
from bot.commands.context import CommandContext
from bot.github.authz import member_teams, membership
from bot.request.derive import derive_spec
from bot.request.echo import echo
from bot.request.write import propose
from bot.store.audit import AuditEvent
from policies.schema import Override, load_policy

_POLICY = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")


def run(cc: CommandContext, command: Command) -> None:
    policy, _, reason = command.args.strip().partition(" ")
    reason = reason.strip()[:500]
    if not _POLICY.match(policy) or len(reason) < 3:
        raise CommandError("usage: `/dev-agent override POLICY reason` (a reason of at least 3 characters is "
                           "required)")
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    if derived.spec is None:
        raise CommandError("this request has no valid environment yet: run `/dev-agent plan` first")
    actor = cc.target.actor
    teams = member_teams(load_policy(cc.ctx.settings.policy_file).override.teams, membership(cc.target.writer, actor))
    cc.state.overrides[policy] = Override(rule=policy, by=actor, teams=teams, reason=reason, at=cc.target.when)
    cc.ctx.audit.record(AuditEvent(action="override", actor=actor, environment=derived.spec.name,
                                   repository=cc.target.full_name, pull_request=cc.state.pull,
                                   detail=f"{policy}: {reason}"))
    number = propose(cc.ctx, cc.target, cc.state, derived)
    if number is None:
        cc.not_proposed()
        return
    cc.reply(f"Override of `{echo(policy)}` recorded; updated #{number}.")
