"""Plain-language amendments ("also add an S3 bucket for uploads"), read by the understanding engine."""

from __future__ import annotations

from bot.commands.arguments import SET_EXAMPLES
from bot.commands.changes import changes_reply, spec_changes
from bot.commands.cheaper import asks_cheaper, cheaper_plan, give_up_hints
from bot.commands.command import Command, CommandError
from bot.commands.context import CommandContext
from bot.request.derive import derive_spec
from bot.request.echo import echo
from bot.request.write import propose_change
from bot.spec import EnvironmentSpec
from policies.schema import load_policy

MAX_AMENDMENT_CHARS = 2000


def run(cc: CommandContext, command: Command) -> None:
    text = command.args.strip()
    if not text:
        raise CommandError("usage: `/dev-agent amend <what to change, in plain words>`")
    if len(text) > MAX_AMENDMENT_CHARS:
        raise CommandError(f"an amendment is at most {MAX_AMENDMENT_CHARS} characters")
    earlier = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    before = earlier.spec
    cc.state.amendments.append(text)
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings)
    if derived.spec is None:
        cc.state.amendments.pop()
        problems = "; ".join(echo(n, 300) for n in derived.questions + derived.notes)
        raise CommandError(f"the amendment could not be applied, nothing was changed: {problems}")
    changes = spec_changes(before, derived.spec) if before else []
    if before and not changes:
        cc.state.amendments.pop()
        if asks_cheaper(text):
            _cheaper(cc, before)
        else:
            cc.reply(not_understood(text, cc.state.pull))
        return
    proposed = propose_change(cc.ctx, cc.target, cc.state, derived)
    if proposed is None:
        cc.not_proposed()
        return
    notes = "".join(f"\n- {echo(n, 300)}" for n in derived.notes if n not in earlier.notes)  # what this amendment
    # added: the request's own assumptions are in the report already
    reply = changes_reply(changes, proposed) if before else f"Amended; proposed #{proposed.number}."
    if asks_cheaper(text):  # the words changed the spec too: the cheaper re-fit is its own step, never dropped silently
        reply += ("\n\nNot made cheaper in this step: comment `/dev-agent make it cheaper` on its own to fit the plan "
                  "to the cheapest one that keeps what was asked.")
    cc.reply(reply + (f"\n\nNotes:{notes}" if notes else ""))


def not_understood(text: str, pull: int | None) -> str:
    """The answer to plain words that change nothing: what was not understood and what dev-agent can do."""
    stays = f"#{pull} stays as it is" if pull else "nothing was changed"
    examples = ", ".join(f"`/dev-agent set {k}={v}`" for k, v in SET_EXAMPLES[:4])
    return "\n".join([
        f"No change: dev-agent did not understand \"{echo(text, 200)}\" as a change it can make, so {stays}. "
        "What it can do:",
        "- add or remove a part, in plain words: `/dev-agent also add an S3 bucket for uploads`, "
        "`/dev-agent add Redis`;",
        f"- set a field: {examples} (several at once: `/dev-agent set replicas=2-6 region=eu-west-1`);",
        "- make the plan cheaper within what the request asks for: `/dev-agent make it cheaper`;",
        "- re-plan, extend, destroy, override a policy: `/dev-agent help` lists every command and settable key.",
    ])


def _cheaper(cc: CommandContext, before: EnvironmentSpec) -> None:
    """"Make it cheaper": set the budget to the cheapest acceptable plan's cost and re-plan, or say why not."""
    found = cheaper_plan(before, load_policy(cc.ctx.settings.policy_file))
    if found.budget is None:
        hints = give_up_hints(before)
        cc.reply(f"No change: **{echo(before.name)}** is already the cheapest plan dev-agent can make for what the "
                 f"request asks for (about ${found.current:,.2f}/month at the {before.tier.value} tier's usage). "
                 + ("To spend less, ask for less:\n\n" + "\n".join(f"- {h}" for h in hints) if hints else
                    "To spend less, ask for less: a smaller request, or fewer parts."))
        return
    assignments = {"budget_monthly_usd": found.budget}
    derived = derive_spec(cc.target.issue, cc.state, cc.ctx.settings, assignments)
    if derived.spec is None:
        raise CommandError("nothing was changed; a lower budget would not be a valid environment: "
                           + "; ".join(echo(q, 300) for q in derived.questions))
    cc.state.assignments.update(assignments)
    proposed = propose_change(cc.ctx, cc.target, cc.state, derived)
    if proposed is None:
        cc.not_proposed()
        return
    steps = "\n".join(f"- `{key}`: {echo(old)} → {echo(new)}" + (f" ({echo(why, 200)})" if why else "")
                      for key, old, new, why in found.steps)
    cc.reply(f"Made it cheaper: the budget is now ${found.budget:,}, the cost of the cheapest plan that keeps "
             "everything the request asks for, and the plan was fitted to it. "
             + changes_reply(spec_changes(before, derived.spec), proposed)
             + (f"\n\nWhat the plan gives up:\n{steps}" if steps else ""))
