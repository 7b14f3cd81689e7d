"""`/dev-agent help`: the command reference (also the answer to unknown commands)."""

from __future__ import annotations

from bot.commands import ACTIONS
from bot.commands.context import CommandContext
from bot.commands.parser import SET_EXAMPLES, Command, settable_keys
from bot.request.echo import echo

ROWS = [  # (verb, usage, what it does)
    ("plan", "`/dev-agent plan`", "Re-run the plan and update the pull request"),
    ("set", "`/dev-agent set key=value …`", "Change spec fields, e.g. `set compute.max_replicas=3 region=us-east-1`"),
    ("amend", "`/dev-agent <plain words>` or `amend <words>`",
     "Amend in plain language, e.g. `also add an S3 bucket for uploads`"),
    ("extend", "`/dev-agent extend 7d`", "Extend the environment's time to live"),
    ("destroy", "`/dev-agent destroy`", "Open a pull request that removes the environment"),
    ("unlock", "`/dev-agent unlock`", "Release the environment's lock"),
    ("override", "`/dev-agent override POLICY reason`", "Accept a failing policy with a recorded reason"),
    ("help", "`/dev-agent help`", "This help"),
]

HELP = "\n".join([
    "| Command | What it does | Org policy list |",
    "|---|---|---|",
    *(f"| {usage} | {text} | {f'`{ACTIONS[verb]}`' if verb in ACTIONS else '—'} |" for verb, usage, text in ROWS),
    "",
    ("Commands in quotes or code blocks are ignored. You need write access to the repository and to be on the "
     "org policy list shown."),
    "",
    "**Keys for `set`**, for example " + ", ".join(f"`{k}={v}`" for k, v in SET_EXAMPLES) + ". "
    "Several at once: `/dev-agent set replicas=2-6 region=eu-west-1`; `none` removes an optional part "
    "(`cache=none`). All keys: " + settable_keys() + ".",
])


def run(cc: CommandContext, command: Command) -> None:
    note = f"{echo(command.problem, 300)}.\n\n" if command.problem else ""
    cc.reply(f"{note}{HELP}")
