"""Markdown for GitHub comments: any text that did not come from our code goes through these helpers.

Escaped text carries no invisible or bidi-reordering characters, and cannot open HTML (or a `<!-- -->` comment that hides the rest of the body),
links,
emphasis, tables or mentions.
"""

from __future__ import annotations

import re

from bot.usertext import strip_invisible

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#!|~])")
_NEWLINES = re.compile(r"[\r\n]+")
_BACKTICK_RUNS = re.compile(r"`+")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_text(text: object) -> str:
    """Inline text shown literally: HTML and Markdown syntax escaped, @mentions defused, one line."""
    value = _NEWLINES.sub(" ", strip_invisible(str(text)))
    value = _MARKDOWN_SPECIALS.sub(r"\\\1", _html(value))
    if value[:1] in {"-", "+", "="}:
        value = "\\" + value
    return value.replace("@", "@\u200b")


def inert_markdown(text: object, limit: int = 1000) -> str:
    """Markdown that dev-agent wrote (any user value inside already escaped), kept as markdown, but unable to
    open HTML or an HTML comment, mention anyone or carry invisible characters; at most `limit` characters."""
    value = strip_invisible(str(text))
    value = value[:limit] + ("…" if len(value) > limit else "")
    return _html(value).replace("@", "@\u200b")


def escape_cell(text: object) -> str:
    """Text for a table cell (pipes escaped too; never empty so the row keeps its columns)."""
    value = escape_text(text)
    return value if value.strip() else " "


def code_span(text: object, in_table: bool = False) -> str:
    """Inline code showing `text` exactly (a fence longer than any backtick run inside it)."""
    value = _NEWLINES.sub(" ", str(text))
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    if in_table:
        value = value.replace("|", "\\|")
    return f"{fence}{pad}{value}{pad}{fence}"


def code_block(text: str, language: str = "") -> str:
    """A fenced code block that `text` cannot close early."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A table from already-escaped cells (`align` items: "l" or "r")."""
    align = align or ["l"] * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
