"""`dev-agent --help` as a person reads it: click-style value names, no Python type tags, examples."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app

TYPE_TAG = re.compile(r"<(bool|str|int|float|path|datetime|int range|float range|list\[[^\]]*\])>", re.IGNORECASE)
COMMAND = typer.main.get_command(app)


def _walk(command, prefix: str = "") -> list[str]:
    found = []
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += [f"{prefix}{name}", *_walk(sub, f"{prefix}{name} ")]
    return found


COMMANDS = _walk(COMMAND)  # every command and subcommand (db upgrade, keys create, ...)


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_has_no_type_tags(command: str) -> None:
    text = help_text(*command.split())
    assert not TYPE_TAG.search(text), TYPE_TAG.search(text)


def test_value_options_name_their_value_and_flags_take_none() -> None:
    text = help_text("plan")
    assert re.search(r"--out\s+PATH\s", text) and re.search(r"--json\s+Print", text)


@pytest.mark.parametrize("command", ["parse", "plan", "check", "cost", "demo", "apply", "drift", "destroy", "expire",
                                     "preview", "verify", "serve", "worker", "bootstrap", "audit", "sandbox",
                                     "keys create", "db export"])
def test_main_commands_show_examples(command: str) -> None:
    text = help_text(*command.split())
    assert "Examples:" in text and f"dev-agent {command}" in text.split("Examples:")[1]


def test_docstring_line_breaks_do_not_break_sentences_on_screen() -> None:
    """A docstring is wrapped for the source file; on a wide terminal each paragraph is one line."""
    commands = help_text()
    assert re.search(r"│ verify +Regenerate the environment .* and compare it with the committed files and the lock file "
                     r"\(the bot's REPORT.md", commands), commands
    assert re.search(r"Exit codes: 0 success; .* policy refused\); 2 attention needed", commands)
    apply = help_text("apply")
    assert "on the merged PR (docs/review.md): when they differ nothing is applied" in apply
    assert re.search(r"\n *Exit codes: 0 applied", apply)  # its own paragraph


def test_square_brackets_in_help_print_as_written() -> None:
    """typer's rich help reads [..] as markup: "[default: X]" in an option's help used to vanish."""
    assert "abandoned jobs [default: DEV_AGENT_WORKER_MAINTENANCE_SECONDS]." in help_text("worker")


def test_ranged_numbers_name_their_value() -> None:
    text = help_text("worker")
    assert re.search(r"--processes\s+N\s", text) and re.search(r"--metrics-port\s+PORT\s", text)
    assert "INTEGER RANGE" not in text
