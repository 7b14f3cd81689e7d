"""`dev-agent demo`: the whole product on this machine (sandbox GitHub, bot, moto), no accounts needed."""

from __future__ import annotations

import json
import time

import typer
from rich.console import Console

from bot.cli import EXIT_FAILED, EXIT_OK
from bot.cli._terminal import terminal_console, terminal_markdown
from bot.demo import SAMPLE_REQUEST, run_demo, serve_metrics


def register(app: typer.Typer) -> None:
    @app.command("demo", epilog=(
        "Examples:\n\n"
        "  dev-agent demo\n\n"
        "  dev-agent demo --json --request \"functions with Postgres on AWS, $50/month\""))
    def demo(
        as_json: bool = typer.Option(False, "--json", help="Print a summary object instead of the progress."),
        request: str = typer.Option(None, "--request", help="The environment request to open as an issue."),
        metrics_port: int = typer.Option(None, "--metrics-port", min=0, max=65535, metavar="PORT",
                                         help="Afterwards keep serving the demo's Prometheus metrics at "
                                              "http://127.0.0.1:PORT/metrics until Ctrl-C (0 = any free port)."),
    ) -> None:
        """Open an issue, let the bot answer with a PR, merge it, run the generated dev-agent-apply.yml with act
        (GitHub Actions on this machine) against moto, print each job's result and the outputs.

        Exit 0 only when every step succeeded.
        """
        console = terminal_console(stderr=as_json)
        # --json: stdout is the summary alone; stderr gets the step lines, not their indented details (checks,
        # workflow log, outputs: they are in the summary) and not the report (it stays on the PR)
        show_report = (lambda _report: None) if as_json else (lambda report: console.print(terminal_markdown(report)))
        result = run_demo(request or SAMPLE_REQUEST, progress=lambda line: _progress(console, line, as_json),
                          show_report=show_report)
        if as_json:
            typer.echo(json.dumps(result.summary(), indent=2))
        elif not result.ok:
            console.print(f"demo failed: {result.error or 'apply ' + str(result.apply.get('status'))}", markup=False,
                          style="red")
        else:
            console.print(f"demo finished: {result.pr_url} applied; ${result.monthly_cost:.2f}/month", markup=False)
        if metrics_port is not None:
            _serve_metrics_until_interrupted(console, metrics_port)
        raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def _progress(console: Console, line: str, brief: bool) -> None:
    """Print one progress line; `brief` (--json) leaves out details and the headings that introduce them."""
    if not brief or not (line.startswith(" ") or line.endswith(":")):
        console.print(line, markup=False, soft_wrap=True)  # the terminal wraps: a URL or ARN stays one string


def _serve_metrics_until_interrupted(console: Console, port: int) -> None:
    url, stop = serve_metrics(port)
    console.print(f"the demo's metrics: curl {url}  (Ctrl-C to stop)", markup=False)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
