"""`dev-agent --help` as a person reads it: click-style value names, no Python type tags, examples."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app

TYPE_TAG = re.compile(r"<(bool|str|int|float|path|datetime|int range|float range|list\[[^\]]*\])>", re.IGNORECASE)
COMMAND = typer.main.get_command(app)
COMMANDS = sorted(COMMAND.commands)  # type: ignore[attr-defined]


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["", *COMMANDS, "keys create"])
def test_help_has_no_type_tags(command: str) -> None:
    text = help_text(*command.split())
    assert not TYPE_TAG.search(text), TYPE_TAG.search(text)


def test_value_options_name_their_value_and_flags_take_none() -> None:
    text = help_text("plan")
    assert re.search(r"--out\s+PATH\s", text) and re.search(r"--json\s+Print", text)


@pytest.mark.parametrize("command", ["parse", "plan", "check", "cost", "demo", "apply", "drift"])
def test_main_commands_show_examples(command: str) -> None:
    text = help_text(command)
    assert "Examples:" in text and f"dev-agent {command}" in text.split("Examples:")[1]
