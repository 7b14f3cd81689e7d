"""Review reports (GitHub-flavoured markdown the bot posts on PRs) as safe HTML for the dashboard.

markdown-it renders CommonMark with tables; raw HTML in the report (`<details>`, `<summary>`) is kept, then nh3
(Ammonia) removes everything outside its allow-list: scripts, event handlers, `javascript:` links, comments
(the `<!-- dev-agent:report -->` marker). The status emoji become text symbols every font has, with a label.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

# Emoji the report uses -> (symbol present in common text fonts, what it means). Emoji fonts are often missing
# on servers and kiosks, where the emoji render as empty boxes.
_MARKS = {
    "\u274c": ("\u2717", "fail"),  # ❌ -> ✗
    "\u2705": ("\u2713", "pass"),  # ✅ -> ✓
    "\u26a0\ufe0f": ("\u26a0", "warning"),  # ⚠️ -> ⚠ (text presentation)
    "\u26a0": ("\u26a0", "warning"),
    "\u2139\ufe0f": ("\u2139", "note"),  # information source, text presentation
}

_EMOJI = re.compile("|".join(re.escape(e) for e in sorted(_MARKS, key=len, reverse=True)))
_markdown = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
_ATTRIBUTES = {"span": {"class", "title"}, "td": {"align"}, "th": {"align"}, "code": {"class"}}


def _mark(match: re.Match[str]) -> str:
    symbol, meaning = _MARKS[match.group(0)]
    return f'<span class="mark mark-{meaning}" title="{meaning}">{symbol}</span>'


def report_html(markdown: str) -> str:
    """The report as sanitised HTML (safe to insert into the page unescaped)."""
    html = _EMOJI.sub(_mark, _markdown.render(markdown))
    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, names in _ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | names
    return nh3.clean(html, attributes=attributes, link_rel="noopener noreferrer nofollow")
