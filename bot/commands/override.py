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
from bot.pipeline.results import PipelineResult
from bot.request.comments import pending_items
from bot.request.derive import derive_spec
from bot.request.echo import echo
from bot.request.write import propose_change
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
    proposed = propose_change(cc.ctx, cc.target, cc.state, derived)
    if proposed is None:
        cc.not_proposed()
        return
    cc.reply(outcome(policy, proposed.number, proposed.result))


def outcome(policy: str, number: int, result: PipelineResult) -> str:
    """What the override did on the re-planned PR: the rule now a warning, still failing, or no rule of that name;
    and whether the PR is still blocked by policy."""
    rule = f"`{echo(policy, 80)}`"
    verdict = next((v for v in result.verdicts if v.rule == policy), None)
    failing = [v.rule for v in result.verdicts if v.outcome == "fail" and v.rule != policy]
    if policy.startswith("requirement:"):
        still = len(pending_items(result))
        done = f"Override of {rule} recorded; updated #{number}." + (
            f" {still} requirement(s) are still neither supported nor accepted (the report lists them)." if still else
            " Every requirement the report lists is now supported or accepted.")
    elif verdict is None:
        checked = ", ".join(f"`{echo(v.rule, 80)}`" for v in result.verdicts)
        done = (f"Override of {rule} recorded, but no org policy rule of that name is checked on #{number}, so it "
                f"changes nothing. Rules checked: {checked or 'none'}.")
    elif verdict.outcome == "fail":
        done = (f"Override of {rule} recorded, but {rule} still fails on #{number}: "
                f"{echo((verdict.message or verdict.value).rstrip('.'), 300)}. Built-in guards cannot be overridden, "
                "and the override counts only from someone on the org policy `override` list.")
    else:
        done = f"Override of {rule} recorded; updated #{number}: {rule} is now a warning naming you and the reason."
    if failing:
        return done + f" #{number} is still blocked by policy: " + ", ".join(f"`{echo(r, 80)}`" for r in failing) + "."
    return done + (f" #{number} is not blocked by policy." if verdict is not None and verdict.outcome != "fail" else "")
