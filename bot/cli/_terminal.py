"""GitHub-flavoured comment markdown rendered for a terminal: what a reviewer reads, without hidden markers.

GitHub hides `<!-- -->` markers and folds `<details>`; a terminal shows neither raw. Hidden comments are
dropped, a `<details>` summary becomes a bold line, `<sub>` notes become plain paragraphs and the few
emoji short codes the bot writes become their emoji; rich renders the rest (escapes and entities included)
at the terminal's width.
"""

from __future__ import annotations

import re

from rich.markdown import Markdown

from bot.usertext import visible

SUMMARY = re.compile(r"<details>\s*<summary>(.*?)</summary>", re.DOTALL | re.IGNORECASE)
TAGS = re.compile(r"</?(?:details|sub|sup|br)\s*/?>", re.IGNORECASE)
EMOJI = {":warning:": "⚠️", ":white_check_mark:": "✅", ":x:": "❌", ":lock:": "🔒"}


def plain_markdown(text: str) -> str:
    """The comment's markdown with GitHub-only HTML turned into what it shows."""
    text = visible(text)  # an unclosed comment hides the rest, as on GitHub
    text = SUMMARY.sub(lambda m: f"\n**{m.group(1).strip()}**\n", text)
    text = TAGS.sub("\n", text)
    for code, emoji in EMOJI.items():
        text = text.replace(code, emoji)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def terminal_markdown(text: str) -> Markdown:
    """A rich renderable of a GitHub comment (print it with a Console: the width is the terminal's)."""
    return Markdown(plain_markdown(text))
