"""Markdown helpers for text that came from users (READMEs, review reports, PR comments)."""

from __future__ import annotations

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# Inline syntax (emphasis, code, links, images, tables, strikethrough, autolinks) is escaped anywhere.
_INLINE = re.compile(r"([\\`*_{}\[\]()!|~:@$])")
# Block markers (headings, lists, quotes, setext underlines) only matter at the start of a line.
_BLOCK_START = re.compile(r"^([#+\-=]|\d+[.)])")


def md_escape(text: object) -> str:
    """`text` as inert inline markdown: HTML special characters become entities, markdown syntax is
    backslash-escaped, and line breaks become spaces so a value cannot start a new block."""
    value = " ".join(str(text).split())
    value = "".join(_HTML.get(ch, ch) for ch in value)
    value = _INLINE.sub(r"\\\1", value)
    return _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], value)


def md_code(text: object) -> str:
    """`text` as an inline code span (content is literal; the fence is longer than any backtick run inside)."""
    value = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"
