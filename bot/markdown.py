"""Echoing user text into GitHub comments safely: no HTML, no markdown structure, no mentions."""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(text: str, limit: int = 200) -> str:
    """`text` as inert inline markdown: truncated, one line, HTML- and markdown-escaped, mentions defused."""
    text = str(text)
    clipped = text[:limit] + ("…" if len(text) > limit else "")
    clipped = _CONTROL.sub("", clipped).replace("\r", " ").replace("\n", " ")
    clipped = html.escape(clipped, quote=True)
    clipped = _MARKDOWN_SPECIALS.sub(r"\\\1", clipped)
    return clipped.replace("@", "&#64;")
