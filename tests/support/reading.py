"""A comment as a person reads it on GitHub: markdown rendered (CommonMark + tables), tags dropped, entities
decoded, hidden `<!-- -->` markers gone, whitespace collapsed per line. Tests assert replies through this, so an
escaped backtick or a stray `&lt;` shows up as the reader would see it."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|pre|blockquote)>|<br\s*/?>")
_CELL_END = re.compile(r"</t[dh]>")
_TAG = re.compile(r"<!--.*?-->|<[^>]+>", re.S)


def as_read(markdown: str) -> str:
    """The text GitHub shows for `markdown`: one line per paragraph, list item or table row (cells joined by
    ` | `)."""
    page = _MARKDOWN.render(markdown).replace("\n", " ")
    page = _CELL_END.sub(" | ", _BLOCK_END.sub("\n", page))
    text = html.unescape(_TAG.sub("", page))
    lines = (" ".join(line.split()).removesuffix(" |") for line in text.splitlines())
    return "\n".join(line for line in lines if line)
