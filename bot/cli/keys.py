"""`dev-agent keys create|list|revoke`: manage REST API keys."""

from __future__ import annotations

import typer

from bot.api.keys import KeyStore
from bot.cli import EXIT_FAILED, EXIT_INVALID
from bot.settings import get_settings

keys_app = typer.Typer(help="Manage API keys for the REST API (stored hashed).", no_args_is_help=True)


@keys_app.command("create")
def create(
    scope: list[str] = typer.Option(..., "--scope", help="read and/or request; repeat for both"),
    name: str = typer.Option("api", help="a label for the key"),
    expires_in_days: int = typer.Option(None, help="days until the key stops working"),
) -> None:
    """Create a key and print it once."""
    try:
        token, key = KeyStore(get_settings()).create(name, scope, expires_in_days)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(token)
    typer.echo(f"created key {key.id} ({', '.join(key.scopes)}); it is shown only now", err=True)


@keys_app.command("list")
def list_keys() -> None:
    """List keys (ids, names, scopes, expiry; never the tokens)."""
    for key in KeyStore(get_settings()).list():
        state = "revoked" if key.revoked else (f"expires {key.expires_at:%Y-%m-%d}" if key.expires_at else "active")
        typer.echo(f"{key.id}\t{key.name}\t{','.join(key.scopes)}\t{state}")


@keys_app.command("revoke")
def revoke(key_id: str) -> None:
    """Revoke a key by id."""
    if not KeyStore(get_settings()).revoke(key_id):
        typer.echo(f"error: no key with id {key_id}", err=True)
        raise typer.Exit(EXIT_FAILED)
    typer.echo(f"revoked {key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
