"""The demo's report as a person reads it in a terminal: rendered, no markers, escapes or HTML."""

from __future__ import annotations

from rich.console import Console

from bot.cli._terminal import terminal_markdown

REPORT = """<!-- dev-agent:report env=payments-api-staging -->
## dev-agent report for `payments-api-staging`
Requested by @alice in \\#1 \\(requested 14 days\\), a \\*bold\\* &lt;claim&gt;

| resource | monthly |
|---|---:|
| aws\\_db\\_instance.main | $12.00 |

<details>
<summary>Files (12)</summary>

```yaml
name: payments-api-staging
```

</details>

- :warning: the database is public
<sub>Written by dev-agent; this comment is updated when the environment changes.</sub>
<!-- dev-agent:report-end env=payments-api-staging -->
"""


def rendered(text: str, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None)
    with console.capture() as capture:
        console.print(terminal_markdown(text))
    return capture.get()


def test_report_renders_without_markers_escapes_or_html() -> None:
    out = rendered(REPORT)
    for raw in ("<!--", "dev-agent:report", "&lt;", "\\#", "\\(", "\\_", "<details>", "<summary>", "<sub>",
                ":warning:", "```"):
        assert raw not in out, raw
    assert "Requested by @alice in #1 (requested 14 days), a *bold* <claim>" in out
    assert "aws_db_instance.main" in out and "Files (12)" in out and "name: payments-api-staging" in out
    assert "⚠️ the database is public" in out and "Written by dev-agent" in out


def test_width_follows_the_terminal() -> None:
    line = "word " * 60
    assert max(len(x) for x in rendered(line, 40).splitlines()) <= 40
    assert max(len(x) for x in rendered(line, 160).splitlines()) > 100


def test_an_unclosed_comment_hides_the_rest_as_on_github() -> None:
    assert "secret" not in rendered("visible\n<!-- hidden\nsecret")
