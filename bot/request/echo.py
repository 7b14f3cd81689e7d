"""Echoing user text in the bot's replies: clipped, then escaped by `bot.markdown.escape_text`."""

from __future__ import annotations

import re

from bot.markdown import escape_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def echo(text: object, limit: int = 200) -> str:
    """`text` as inert inline markdown, at most `limit` characters of it."""
    value = _CONTROL.sub("", str(text))
    clipped = value[:limit] + ("…" if len(value) > limit else "")
    return escape_text(clipped)
