"""`dev-agent db upgrade|status|export|import|import-legacy`: the durable store's schema, its backups (JSON lines)
and the one-time import of what earlier releases kept in Redis or JSON files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import redis
import typer
from sqlalchemy.engine import make_url

from bot.cli import EXIT_FAILED, EXIT_INVALID
from bot.settings import get_settings
from bot.store import backup, legacy
from bot.store.db import Database, DatabaseError, database_url, head_revision, open_database

if TYPE_CHECKING:
    from bot.store.db import Database

db_app = typer.Typer(help="The database of environments, audit events, API keys, installations and jobs.",
                     no_args_is_help=True)


def _database(migrate: bool = True) -> tuple[Database, str]:
    try:
        url = database_url(get_settings())
        return (open_database(get_settings()) if migrate else Database(url)), make_url(url).render_as_string()
    except DatabaseError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_FAILED) from None


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the latest schema (the bot also does this when it starts)."""
    database, where = _database()
    typer.echo(f"{where}: schema at revision {database.revision()}")


@db_app.command("status")
def status() -> None:
    """Show the database in use and its schema revision (without migrating)."""
    database, where = _database(migrate=False)
    current = database.revision()
    database.dispose()
    typer.echo(f"{where}: schema at revision {current or 'none (empty database)'}; latest is {head_revision()}")
    if current != head_revision():
        raise typer.Exit(EXIT_FAILED)


@db_app.command("import-legacy")
def import_legacy(
    redis_url: Annotated[str | None, typer.Option(
        "--redis-url", help="read the previous release's Redis hashes and stream (default: REDIS_URL)")] = None,
    files: Annotated[bool, typer.Option(
        "--files/--no-files", help="read the previous release's JSON files in the state dir")] = True,
) -> None:
    """Import, once, what earlier releases kept in Redis or in JSON files under the state dir."""
    settings = get_settings()
    database, where = _database()
    sources: list[tuple[str, legacy.Legacy]] = []
    if files:
        sources.append((str(settings.state_dir), legacy.read_files(settings.state_dir)))
    url = redis_url or settings.redis_url
    if url:
        try:
            sources.append((url.split("@")[-1], legacy.read_redis(redis.Redis.from_url(url))))
        except redis.RedisError as exc:
            typer.echo(f"error: cannot read Redis at {url.split('@')[-1]}: {exc}", err=True)
            raise typer.Exit(EXIT_FAILED) from None
    if not sources:
        typer.echo("error: nothing to import from: give --redis-url or leave --files on", err=True)
        raise typer.Exit(EXIT_INVALID)
    for source, found in sources:
        added = legacy.import_legacy(database, found)
        typer.echo(f"{source} -> {where}: " + ", ".join(f"{count} {kind}" for kind, count in added.items()))


@db_app.command("export", epilog=(
    "Examples:\n\n"
    "  dev-agent db export backup.jsonl"))
def export(
    output: Annotated[Path, typer.Argument(help="file to write (JSON lines; created with mode 0600)")],
) -> None:
    """Back up every table as JSON lines (works across PostgreSQL and SQLite)."""
    database, where = _database()
    if output.exists():
        typer.echo(f"error: {output} exists; choose a new file", err=True)
        raise typer.Exit(EXIT_INVALID)
    rows = 0
    with os.fdopen(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        for line in backup.export_lines(database):
            handle.write(line)
            rows += 1
    typer.echo(f"{where} -> {output}: {rows - 1} rows")


@db_app.command("import", epilog=(
    "Examples:\n\n"
    "  DEV_AGENT_DATABASE_URL=postgresql+psycopg://bot@db/dev_agent dev-agent db import backup.jsonl"))
def import_(
    source: Annotated[Path, typer.Argument(help="a file written by `dev-agent db export`", exists=True,
                                           dir_okay=False, readable=True)],
) -> None:
    """Restore an export into an empty database (the one DEV_AGENT_DATABASE_URL or the state dir names)."""
    database, where = _database()
    try:
        with source.open(encoding="utf-8") as handle:
            counts = backup.import_lines(database, handle)
    except backup.RestoreError as exc:
        typer.echo(f"error: {exc}; nothing was imported", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(f"{source} -> {where}: " + ", ".join(f"{count} {table}" for table, count in counts.items() if count))


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
