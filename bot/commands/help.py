"""`/dev-agent help`: the command reference (also the answer to unknown commands)."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.parser import Command
from bot.echo import echo

HELP = """\
| Command | What it does |
|---|---|
| `/dev-agent plan` | Re-run the plan and update the pull request |
| `/dev-agent set key=value …` | Change spec fields, e.g. `set compute.max_replicas=3 region=us-east-1` |
| `/dev-agent <plain words>` or `amend <words>` | Amend in plain language, e.g. `also add an S3 bucket for uploads` |
| `/dev-agent extend 7d` | Extend the environment's time to live |
| `/dev-agent destroy` | Open a pull request that removes the environment |
| `/dev-agent unlock` | Release the environment's lock |
| `/dev-agent override POLICY reason` | Accept a failing policy with a recorded reason (appliers only) |
| `/dev-agent help` | This help |

Commands in quotes or code blocks are ignored. You need write access to the repository."""


def run(cc: CommandContext, command: Command) -> None:
    note = f"{echo(command.problem, 300)}.\n\n" if command.problem else ""
    cc.reply(f"{note}{HELP}")
