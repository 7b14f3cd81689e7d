"""The demo's report as a person reads it in a terminal: rendered, no markers, escapes or HTML."""

from __future__ import annotations

import io
import re

from rich.console import Console

from bot.cli._terminal import print_report, terminal_console, terminal_markdown
from bot.cli.demo import _progress

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
    assert "aws_db_instance.main" in out
    # a <details> section stays folded, as GitHub first shows it
    assert "▶ Files (12) (folded, as on GitHub: open the pull request to read it)" in out
    assert "name: payments-api-staging" not in out
    assert "⚠️ the database is public" in out and "Written by dev-agent" in out


def test_width_follows_the_terminal() -> None:
    line = "word " * 60
    assert max(len(x) for x in rendered(line, 40).splitlines()) <= 40
    assert max(len(x) for x in rendered(line, 160).splitlines()) > 100


def test_an_unclosed_comment_hides_the_rest_as_on_github() -> None:
    assert "secret" not in rendered("visible\n<!-- hidden\nsecret")


def test_an_unclosed_details_section_is_shown_open() -> None:
    out = rendered("<details>\n<summary>Estimate details</summary>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "Estimate details" in out and "folded" not in out and "1" in out and "<details>" not in out


def test_line_breaks_mentions_and_long_cells_read_as_on_github() -> None:
    """GitHub comments keep single line breaks; the zero-width space after @ (no notification) is not shown;
    a long file path in a table wraps so its file name stays readable."""
    report = ("Lock: payments-api-dev held by acme/envs#1 (requested by @\u200boctocat)\nApply: merging applies it.\n\n"
              "| Resource | File |\n|---|---|\n"
              "| aws_s3_bucket_lifecycle_configuration.logs | environments/payments-api-dev/terraform/logs.tf:45 |\n")
    out = rendered(report, 60)
    lines = out.splitlines()
    assert any(line.startswith("Lock: payments-api-dev") for line in lines)
    assert any(line.startswith("Apply: merging applies it.") for line in lines), out
    assert "@octocat" in out and "\u200b" not in out
    assert "…" not in out and "terraform/logs.tf:45" in out  # the cell wrapped: its end (the file) is shown


def test_table_paths_are_relative_to_the_reports_environment() -> None:
    report = ("<!-- dev-agent:report env=payments-api-dev -->\nFiles are under environments/payments-api-dev/.\n\n"
              "| Resource | File |\n|---|---|\n"
              "| aws_s3_bucket.logs | `environments/payments-api-dev/terraform/logs.tf:4` |\n"
              "| other | `environments/other-env/terraform/main.tf:1` |\n")
    out = rendered(report, 100)
    assert re.search(r"aws_s3_bucket\.logs +terraform/logs\.tf:4", out), out
    assert "environments/other-env/terraform/main.tf:1" in out  # another environment's path stays whole
    assert "Files are under environments/payments-api-dev/." in out  # prose is untouched


def test_the_demo_console_prints_text_as_written() -> None:
    """rich's emoji codes turned an ARN's `:secret:` into an emoji in the demo's outputs."""
    console = terminal_console()
    console.width = 200
    arn = "connection_secret_arn = arn:aws:secretsmanager:us-west-2:123456789012:secret:payments-api-dev-x1"
    with console.capture() as capture:
        console.print(arn, markup=False)
    assert capture.get().strip() == arn


def test_json_mode_prints_steps_not_their_details() -> None:
    lines = ["opened issue #1: dev env", "  check zizmor: passed in 0.4 s", "pull request #2: http://x/pull/2",
             "  | terraform apply: done in 85.0s", "outputs (from the apply comment):", "  app_url = http://x",
             "payments-api-dev: applied"]
    console = Console(width=200, color_system=None)
    for brief, expected in ((True, [lines[0], lines[2], lines[6]]), (False, lines)):
        with console.capture() as capture:
            for line in lines:
                _progress(console, line, brief)
        assert capture.get().splitlines() == expected


def test_plan_prints_the_report_rendered_at_a_terminal_and_as_markdown_into_a_pipe() -> None:
    """`dev-agent plan` at a terminal reads like the demo; `dev-agent plan ... > report.md` stays markdown."""
    tty = Console(width=100, force_terminal=True, color_system=None, record=True)
    print_report(REPORT, folded="the whole report is in out/REPORT.md", console=tty)
    shown = tty.export_text()
    assert "<!--" not in shown and "\\(" not in shown and "aws_db_instance.main" in shown
    assert "▶ Files (12) (folded, as on GitHub: the whole report is in out/REPORT.md)" in shown
    pipe = io.StringIO()
    print_report(REPORT, folded="unused", console=Console(file=pipe, width=100))
    assert pipe.getvalue() == REPORT
