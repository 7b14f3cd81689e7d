"""GitHub-flavoured comment markdown rendered for a terminal: what a reviewer reads, without hidden markers.

GitHub hides `<!-- -->` markers and folds `<details>`; a terminal shows neither raw. Hidden comments are
dropped, a `<details>` section stays folded as GitHub first shows it (its summary and a pointer to the PR:
the spec, the resource list and the estimate's lines would fill several screens), `<sub>` notes become plain
paragraphs, the few emoji short codes the bot writes become their emoji and the zero-width space that keeps
`@login` from notifying is dropped. In tables, a path inside the report's environment is shown relative to
`environments/<name>/` (the heading names the environment), so a row fits a terminal line. rich renders the
rest (escapes and entities included) at the terminal's width, with GitHub's comment rules: a line break is a
line break, and a long cell wraps instead of being cut.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown, MarkdownElement, TableElement

from bot.usertext import visible

DETAILS = re.compile(r"<details>\s*<summary>(.*?)</summary>.*?</details>", re.DOTALL | re.IGNORECASE)
SUMMARY = re.compile(r"<details>\s*<summary>(.*?)</summary>", re.DOTALL | re.IGNORECASE)  # unclosed: shown open
FOLDED = "\n▶ **{summary}** (folded, as on GitHub: {where})\n"
ON_THE_PR = "open the pull request to read it"
TAGS = re.compile(r"</?(?:details|sub|sup|br)\s*/?>", re.IGNORECASE)
EMOJI = {":warning:": "⚠️", ":white_check_mark:": "✅", ":x:": "❌", ":lock:": "🔒"}
ZERO_WIDTH_SPACE = "\u200b"
REPORT_ENV = re.compile(r"<!-- dev-agent:report env=([\w.-]+) -->")


def _relative_table_paths(text: str) -> str:
    """Table rows with `environments/<name>/` dropped from paths of the environment the report is about."""
    found = REPORT_ENV.search(text)
    if not found:
        return text
    prefix = f"environments/{found.group(1)}/"
    return "\n".join(line.replace(prefix, "") if line.startswith("|") else line for line in text.split("\n"))


def plain_markdown(text: str, folded: str = ON_THE_PR) -> str:
    """The comment's markdown with GitHub-only HTML turned into what it shows; `folded` says where a folded
    section can be read."""
    text = visible(_relative_table_paths(text))  # an unclosed comment hides the rest, as on GitHub
    text = DETAILS.sub(lambda m: FOLDED.format(summary=m.group(1).strip(), where=folded), text)
    text = SUMMARY.sub(lambda m: f"\n**{m.group(1).strip()}**\n", text)
    text = TAGS.sub("\n", text)
    for code, emoji in EMOJI.items():
        text = text.replace(code, emoji)
    text = text.replace(ZERO_WIDTH_SPACE, "")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _WrappingTable(TableElement):
    """A markdown table whose cells wrap (a path keeps its file name) instead of ending in an ellipsis."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = ([self.header.row] if self.header and self.header.row else []) + (self.body.rows if self.body else [])
        for row in rows:
            for cell in row.cells:
                cell.content.overflow = "fold"
        yield from super().__rich_console__(console, options)


class CommentMarkdown(Markdown):
    """rich's Markdown with GitHub's comment rules (line breaks kept, long table cells wrapped)."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {**Markdown.elements, "table_open": _WrappingTable}

    def __init__(self, markup: str) -> None:
        super().__init__(markup)
        for token in self.parsed:
            for child in token.children or ():
                if child.type == "softbreak":
                    child.type = "hardbreak"


def terminal_markdown(text: str, folded: str = ON_THE_PR) -> Markdown:
    """A rich renderable of a GitHub comment (print it with a Console: the width is the terminal's)."""
    return CommentMarkdown(plain_markdown(text, folded))


def print_report(report: str, folded: str, console: Console | None = None) -> None:
    """The report rendered for a person at a terminal; as markdown when the output is a file or a pipe."""
    console = console or terminal_console()
    if console.is_terminal:
        console.print(terminal_markdown(report, folded))
    else:
        console.file.write(report.rstrip("\n") + "\n")


def terminal_console(*, stderr: bool = False) -> Console:
    """A console that prints text as written: no emoji codes (an ARN's `:secret:` stays), no highlighting."""
    return Console(stderr=stderr, highlight=False, emoji=False)
