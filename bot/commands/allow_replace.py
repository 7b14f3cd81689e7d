"""`/dev-agent allow-replace <address> [reason]`: accept that the reviewed plan destroys, replaces or upgrades
across a major version one data-holding resource (policy `apply` list; the org policy can forbid it per tier).

The address must be one the bot's plan check names for the pull request's current head. The allowance is kept in
the request's signed state (later pushes keep it while the plan still replaces that address), recorded in the
audit log, shown in the report's plan section, and the plan check is set again.
"""

from __future__ import annotations

import re

from bot.commands.command import Command, CommandError
from bot.commands.context import CommandContext
from bot.github.authz import member_teams, membership
from bot.handlers.plan_posted import environment_tier
from bot.markdown import code_span
from bot.request import markers
from bot.request.state import save_state
from bot.review import section
from bot.review.gate import allowance_text, forbidden_for, gate_record, set_gate
from bot.review.tfplan import PlanSummary
from bot.store.audit import AuditEvent
from policies.schema import Override, load_policy

ADDRESS = re.compile(r'^[A-Za-z0-9_.\-\[\]"]{3,300}$')  # a Terraform resource address


def run(cc: CommandContext, command: Command) -> None:
    address, _, reason = command.args.strip().partition(" ")
    reason = reason.strip()[:500] or "no reason given"
    if not ADDRESS.match(address):
        raise CommandError("usage: `/dev-agent allow-replace <resource address> [reason]`, e.g. "
                           "`/dev-agent allow-replace aws_db_instance.main upgrading to Postgres 17`")
    env = cc.environment()
    if cc.state.pull is None:
        raise CommandError("this request has no pull request yet")
    writer = cc.target.writer
    head = writer.repo.get_pull(cc.state.pull).head.sha
    slug = next(iter(cc.ctx.authors())).removesuffix("[bot]")
    data = gate_record(writer, head, env, slug)
    if data is None:
        raise CommandError(f"no plan of the pull request's head `{head[:12]}` yet: dev-agent-plan.yml posts it")
    changes = {c.address: c for c in PlanSummary(changes=data["changes"]).stateful}
    if address not in changes:
        named = ", ".join(code_span(a) for a in changes) or "none"
        raise CommandError(f"{code_span(address)} is not a data-holding resource the plan of `{head[:12]}` destroys, "
                           f"replaces or upgrades across a major version (those are: {named})")
    policy = load_policy(cc.ctx.settings.policy_file)
    forbidden = forbidden_for(policy, environment_tier(writer, env, head))
    if forbidden:
        raise CommandError(forbidden)
    actor = cc.target.actor
    teams = member_teams(policy.apply.teams, membership(writer, actor))
    allowance = Override(rule=f"allow-replace:{address}", by=actor, teams=teams, reason=reason, at=cc.target.when)
    cc.state.allowances.setdefault(env, {})[address] = allowance
    save_state(cc.target, cc.state)
    cc.ctx.audit.record(AuditEvent(action="allow-replace", actor=actor, environment=env,
                                   repository=cc.target.full_name, pull_request=cc.state.pull,
                                   detail=f"{address} ({changes[address].action}): {reason}"))
    conclusion = set_gate(writer, data, cc.state.allowances[env], None)
    report = writer.find_comment(cc.state.pull, markers.REPORT)
    if report is not None:  # the plan section shows who allowed it
        before = section.stateful_line(changes[address])
        after = section.stateful_line(changes[address], {address: allowance_text(allowance)})
        if before in (report.body or ""):
            report.edit(report.body.replace(before, after))
    cc.reply(f"Allowed: {code_span(address)} is {section.VERBS[changes[address].action]} ({allowance_text(allowance)}). "
             f"Recorded in the audit log; the check `{markers.plan_check(env)}` is now **{conclusion}**.")
