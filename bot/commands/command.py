"""A command read from a comment, and the error a command answers with."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import InputError


@dataclass(frozen=True)
class Command:
    """One command: its verb and the rest of the line."""

    verb: str
    args: str = ""
    problem: str = ""  # why the comment could not be read (answered with help)


class CommandError(InputError):
    """A command that cannot run. The message is markdown written by dev-agent: any user-supplied value in it
    must already be escaped (`bot.request.echo.echo`, `bot.markdown.code_span`)."""
