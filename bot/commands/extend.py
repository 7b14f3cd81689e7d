"""`/dev-agent extend 7d`: move the environment's expiry date, within the org policy's maximum TTL for its tier.

The date is `expires_on` in `environments/<name>/environment.yaml`: read from the default branch once the
environment is merged (else from its open PR), moved, and proposed through a pull request reviewed and merged like
any other (it changes the date, the `expires-at` tags and the lock): before the merge the open request PR is
updated; after it an extend PR (its own branch, bot/github/branches.py) is opened, which `dev-agent expire` respects.
"""

from __future__ import annotations

import yaml

from bot.commands.arguments import parse_duration_days
from bot.commands.command import Command, CommandError
from bot.commands.context import CommandContext
from bot.github.branches import bot_branch
from bot.lifecycle.expiry import extended_spec
from bot.markdown import code_span
from bot.request.derive import Derived, derive_spec
from bot.request.echo import echo
from bot.request.write import propose
from bot.spec import EnvironmentSpec, SpecError, spec_from_data
from bot.store.audit import AuditEvent
from policies.schema import PolicyError, load_policy


def run(cc: CommandContext, command: Command) -> None:
    days = parse_duration_days(command.args)
    name = cc.environment()
    spec, merged = current_spec(cc, name)
    if spec.expires_on is None:
        raise CommandError(f"{code_span(name)} has no expiry date (no ttl_days): there is nothing to extend")
    try:
        limit = load_policy(cc.ctx.settings.policy_file).tier(spec.tier).max_ttl_days
    except PolicyError as exc:
        raise CommandError(f"the org policy cannot be read: {echo(exc, 500)}") from None
    try:
        extended = extended_spec(spec, days, cc.target.when.date(), limit)
    except ValueError as exc:
        raise CommandError(echo(exc, 500)) from None
    assert extended.expires_on is not None  # extended_spec always sets the date
    cc.state.assignments["expires_on"] = extended.expires_on.isoformat()  # later re-plans keep the date
    ledger = derive_spec(cc.target.issue, cc.state, cc.ctx.settings).requirements  # the report keeps the request's asks
    number = propose(cc.ctx, cc.target, cc.state, Derived(extended, {}, [], [], requirements=ledger),
                     title=f"dev-agent: extend {name} to {extended.expires_on}" if merged else None,
                     kind="extend" if merged else "request")
    if number is None:
        cc.not_proposed()
        return
    cc.ctx.audit.record(AuditEvent(action="extend", actor=cc.target.actor, environment=name,
                                   repository=cc.target.full_name, pull_request=number,
                                   detail=f"expires_on {spec.expires_on} -> {extended.expires_on}"))
    cc.reply(f"`{name}` would now expire on {extended.expires_on} instead of {spec.expires_on}; "
             f"merge #{number} to keep it.")


def current_spec(cc: CommandContext, name: str) -> tuple[EnvironmentSpec, bool]:
    """The environment's spec as merged on the default branch (True), else as proposed on its open PR (False)."""
    path = f"environments/{name}/environment.yaml"
    default_branch = cc.target.repo.get("default_branch") or "main"
    request_branch = bot_branch("request", name)
    for ref in (default_branch, request_branch):
        text = cc.target.writer.read_file(path, ref)
        if text is None:
            continue
        try:
            return spec_from_data(yaml.safe_load(text), f"{path} on {ref}"), ref == default_branch
        except (SpecError, yaml.YAMLError) as exc:
            raise CommandError(f"{code_span(path)} on {code_span(ref)} is not a valid environment: "
                               f"{echo(exc, 500)}") from None
    raise CommandError(f"{code_span(path)} is neither on {code_span(default_branch)} nor on "
                       f"{code_span(request_branch)}: run `/dev-agent plan` first")
