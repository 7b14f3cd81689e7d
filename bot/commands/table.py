"""Every comment command, defined once: verb, usage, runner, the org policy list it needs, and its help line.

The parser reads verbs from here, the issue_comment handler checks `policy` and runs `runner`, and
`/dev-agent help` is rendered from the same rows. A new command is one runner module and one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.commands import allow_replace, amend, destroy, extend, override, plan, set, unlock
from bot.commands.arguments import SET_EXAMPLES, settable_keys
from bot.commands.command import Command
from bot.commands.context import CommandContext
from bot.request.echo import echo

Runner = Callable[[CommandContext, Command], None]
Policy = str  # the org policy's people list a verb needs: "request", "apply" or "override" (bot.github.authz)


@dataclass(frozen=True)
class CommandSpec:
    """One comment command."""

    verb: str
    usage: str  # markdown, as help shows it
    runner: Runner
    policy: Policy | None  # None: anyone may run it (help)
    summary: str  # what it does, as help shows it


def _help(cc: CommandContext, command: Command) -> None:
    """`/dev-agent help`: the command reference (also the answer to unknown commands)."""
    note = f"{echo(command.problem, 300)}.\n\n" if command.problem else ""
    cc.reply(f"{note}{help_text()}")


# `destroy` needs `apply`: its PR is the environment's teardown. `extend` stays on `request`: the tier's
# max_ttl_days bounds it and its PR is reviewed like a request. `unlock` stays on `request`: the lock only keeps a
# second request from proposing the same environment (bot/request/write.py); applies are serialised by the
# workflows' concurrency group and Terraform's state lock.
COMMANDS: dict[str, CommandSpec] = {spec.verb: spec for spec in (
    CommandSpec("plan", "`/dev-agent plan`", plan.run, "request", "Re-run the plan and update the pull request"),
    CommandSpec("set", "`/dev-agent set key=value …`", set.run, "request",
                "Change spec fields, e.g. `set compute.max_replicas=3 region=us-east-1`"),
    CommandSpec("amend", "`/dev-agent <plain words>` or `amend <words>`", amend.run, "request",
                "Amend in plain language, e.g. `also add an S3 bucket for uploads`, or `make it cheaper` to fit the "
                "plan to the cheapest one that keeps what was asked"),
    CommandSpec("extend", "`/dev-agent extend 7d`", extend.run, "request", "Extend the environment's time to live"),
    CommandSpec("destroy", "`/dev-agent destroy`", destroy.run, "apply",
                "Open a pull request that removes the environment"),
    CommandSpec("unlock", "`/dev-agent unlock`", unlock.run, "request", "Release the environment's lock"),
    CommandSpec("override", "`/dev-agent override POLICY reason`", override.run, "override",
                "Accept a failing policy with a recorded reason"),
    CommandSpec("allow-replace", "`/dev-agent allow-replace ADDRESS [reason]`", allow_replace.run, "apply",
                "Accept that the PR's plan destroys or replaces a data-holding resource (docs/review.md)"),
    CommandSpec("help", "`/dev-agent help`", _help, None, "This help"),
)}


def help_text() -> str:
    """The command reference `/dev-agent help` posts."""
    return "\n".join([
        "| Command | What it does | Org policy list |",
        "|---|---|---|",
        *(f"| {c.usage} | {c.summary} | {f'`{c.policy}`' if c.policy else '—'} |" for c in COMMANDS.values()),
        "",
        ("Commands in quotes or code blocks are ignored. You need write access to the repository and to be on the "
         "org policy list shown."),
        "",
        "**Keys for `set`**, for example " + ", ".join(f"`{k}={v}`" for k, v in SET_EXAMPLES) + ". "
        "Several at once: `/dev-agent set replicas=2-6 region=eu-west-1`; `none` removes an optional part "
        "(`cache=none`). All keys: " + settable_keys() + ".",
    ])
