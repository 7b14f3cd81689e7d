"""`dev-agent keys create|list|revoke`: manage REST API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.api.keys import KeyStore
from bot.cli import EXIT_FAILED, EXIT_INVALID
from bot.settings import get_settings

keys_app = typer.Typer(help="Manage API keys for the REST API (stored hashed).", no_args_is_help=True)


@keys_app.command("create", epilog=(
    "Examples:\n\n"
    "  dev-agent keys create ci-bot --scope read --scope request --installation 42 --owner octocat\n\n"
    "  dev-agent keys create dashboard --scope read --installation 42 --repository acme/payments-api --expires-in-days 90"))
def create(
    scope: Annotated[list[str], typer.Option("--scope", help="read and/or request; repeat for both")],
    installation: Annotated[int, typer.Option("--installation", help="the App installation id the key is limited to")],
    name_arg: Annotated[str | None, typer.Argument(metavar="NAME", help="a label for the key")] = None,
    repository: Annotated[list[str] | None, typer.Option(
        "--repository", help="owner/name; repeat to limit the key to these repositories")] = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", help="GitHub login requests are filed for (needed for 'request')")] = None,
    name: Annotated[str | None, typer.Option("--name", help="a label for the key (same as NAME)")] = None,
    expires_in_days: Annotated[int | None, typer.Option(help="days until the key stops working")] = None,
) -> None:
    """Create a key scoped to an installation (optionally repositories) and print it once."""
    try:
        token, key = KeyStore(get_settings()).create(name_arg or name or "api", scope, expires_in_days,
                                                     installation=installation, repositories=repository or [],
                                                     owner=owner)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(token)
    owner_note = f", owner {key.owner}" if key.owner else ""
    typer.echo(f"created key {key.id} ({', '.join(key.scopes)}; {key.describe_scope()}{owner_note}); "
               "it is shown only now", err=True)


@keys_app.command("list")
def list_keys() -> None:
    """List keys (ids, names, scopes, installation, owner, expiry; never the tokens)."""
    for key in KeyStore(get_settings()).list():
        state = "revoked" if key.revoked else (f"expires {key.expires_at:%Y-%m-%d}" if key.expires_at else "active")
        where = key.describe_scope() if key.installation is not None else "UNSCOPED (refused: re-create it)"
        typer.echo(f"{key.id}\t{key.name}\t{','.join(key.scopes)}\t{where}\t{key.owner or '-'}\t{state}")


@keys_app.command("revoke")
def revoke(key_id: str) -> None:
    """Revoke a key by id."""
    if not KeyStore(get_settings()).revoke(key_id):
        typer.echo(f"error: no key with id {key_id}", err=True)
        raise typer.Exit(EXIT_FAILED)
    typer.echo(f"revoked {key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
