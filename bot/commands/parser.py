"""Reading `/dev-agent ...` commands out of a comment.

Only command lines in the comment's own prose count: fenced or indented code, inline code spans, block
quotes and HTML comments are skipped, so quoting someone else's command never runs it; an unclosed `<!--`
hides the rest of the comment on GitHub, so it hides any command there too. The text is read as the page
shows it (`bot.usertext.readable`: invisible characters removed, NFKC). One command per comment (the
first). Parsing is linear in the comment length.
"""

from __future__ import annotations

import re

from bot.commands.cheaper import asks_cheaper
from bot.commands.command import Command
from bot.commands.table import COMMANDS
from bot.usertext import readable

PREFIX = "/dev-agent"
MAX_COMMENT_CHARS = 65_536  # GitHub's own limit for a comment body
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"`[^`\n]*`")

def extract_command(body: str) -> Command | None:
    """The first command in a comment, or None when the comment has none."""
    body = body or ""
    if len(body) > MAX_COMMENT_CHARS:
        if PREFIX not in body:
            return None
        return Command("help", problem=f"the comment is {len(body):,} characters; commands are read from comments "
                                       f"up to {MAX_COMMENT_CHARS:,}")
    text = readable(body)
    if PREFIX not in text:
        return None
    for line in prose_lines(text):
        line = _INLINE_CODE.sub("", line).strip()
        if line == PREFIX or line.startswith(PREFIX + " ") or line.startswith(PREFIX + "\t"):
            return _command(line[len(PREFIX):].strip())
    return None


def prose_lines(body: str) -> list[str]:
    """Lines outside code blocks and block quotes."""
    lines, fence = [], ""
    for line in body.splitlines():
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        if line.startswith(("    ", "\t")) or line.lstrip(" ").startswith(">"):
            continue
        lines.append(line)
    return lines


def _command(rest: str) -> Command:
    verb, _, args = rest.partition(" ")
    verb = verb.lower()
    if verb in COMMANDS:
        return Command(verb, args.strip())
    if len(rest.split()) >= 3 or asks_cheaper(rest):
        return Command("amend", rest)  # plain language: "/dev-agent also add an S3 bucket for uploads", "cheaper"
    return Command("help", problem=f"unknown command {verb!r}" if verb else "")


