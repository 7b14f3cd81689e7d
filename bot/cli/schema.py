"""`dev-agent schema`: print the EnvironmentSpec JSON Schema."""

from __future__ import annotations

import json

import typer

from bot.spec import json_schema


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema() -> None:
        """Print the JSON Schema of environment.yaml (published as docs/environment.schema.json)."""
        typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
