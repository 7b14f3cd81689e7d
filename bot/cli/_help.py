"""`--help` text as a person reads it in a terminal.

Docstrings are wrapped for the source file, not for the terminal: typer's rich help keeps their line breaks
(a sentence broken in the middle of the screen) and reads `[...]` as rich markup (so "[default: X]" in an
option's help vanished). `HelpGroup` rewrites every command's help once the click tree is built: the lines of
each paragraph are joined (the terminal wraps them at its width), an indented paragraph (examples) keeps its
lines, and square brackets are escaped so they print as written.
"""

from __future__ import annotations

import inspect
from typing import Any

from rich.markup import escape
from typer.core import TyperGroup


def reflow(text: str) -> str:
    """`text` with each paragraph on one line; paragraphs with indented lines (examples) are kept as they are."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if any(line[:1].isspace() for line in p.splitlines()) or p.startswith("\b")
                       else " ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def terminal_help(text: str | None) -> str | None:
    """A help text ready for typer's rich formatter (reflowed, brackets escaped)."""
    return escape(reflow(text)) if text else text


def rewrite_help(command: Any) -> None:
    """Rewrite the help of `command` (typer's own click), its parameters and, for a group, every command below."""
    command.help = terminal_help(command.help)
    command.short_help = terminal_help(command.short_help)
    command.epilog = escape(command.epilog) if command.epilog else command.epilog
    for param in command.params:
        if getattr(param, "help", None):
            param.help = terminal_help(param.help)
    for sub in getattr(command, "commands", {}).values():
        rewrite_help(sub)


class HelpGroup(TyperGroup):
    """The root `dev-agent` group: its help and every subcommand's help are rewritten for the terminal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rewrite_help(self)
