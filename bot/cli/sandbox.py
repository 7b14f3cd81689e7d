"""`dev-agent sandbox`: run the local GitHub-compatible sandbox server (see docs/sandbox.md)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from bot.cli import EXIT_INVALID


def register(app: typer.Typer) -> None:
    @app.command("sandbox", epilog=(
        "Examples:\n\n"
        "  dev-agent sandbox --seed --port 9000 --state-dir ./sandbox-state"))
    def sandbox(
        port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1 (0 picks a free one).")] = 0,
        seed: Annotated[
            bool, typer.Option(help="Create org 'acme', repo 'acme/payments-api' and App 'dev-agent' installed on it.")
        ] = False,
        state_dir: Annotated[
            Optional[Path],  # noqa: UP045  (typer needs Optional)
            typer.Option(help="Directory for the bare repositories and, with --seed, app.json (App id and key)."),
        ] = None,
        webhook_url: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option(help="Deliver webhooks here (needs DEV_AGENT_WEBHOOK_SECRET)."),
        ] = None,
    ) -> None:
        """Serve the sandbox GitHub until interrupted; print one JSON line with its URL first."""
        from sandbox import SandboxGitHub  # deferred: the sandbox GitHub is not part of the workflows' install

        secret = os.environ.get("DEV_AGENT_WEBHOOK_SECRET", "")
        if webhook_url and not secret:
            typer.echo("--webhook-url needs the DEV_AGENT_WEBHOOK_SECRET environment variable", err=True)
            raise typer.Exit(EXIT_INVALID)
        if state_dir is not None:
            state_dir.mkdir(parents=True, exist_ok=True)
        server = SandboxGitHub(root=state_dir)
        url = server.start(port=port)
        info: dict[str, Any] = {"url": url}
        try:
            if seed:
                github_app = server.create_app("dev-agent")
                server.create_org("acme")
                server.create_repo("acme", "payments-api")
                installation = server.install(github_app, "acme/payments-api")
                info.update(app_id=github_app["id"], installation_id=installation["id"], repo="acme/payments-api")
                if state_dir is not None:
                    key_file = state_dir / "app.json"
                    key_file.touch(mode=0o600)
                    key_file.write_text(
                        json.dumps({"app_id": github_app["id"], "private_key_pem": github_app["private_key_pem"]})
                    )
                    info["app_credentials"] = str(key_file)
                if webhook_url:
                    server.set_webhook(webhook_url, secret, github_app)
            elif webhook_url:
                server.set_webhook(webhook_url, secret)
            typer.echo(json.dumps(info), nl=True)
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
        finally:
            server.stop()
