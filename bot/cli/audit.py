"""`dev-agent audit --since DATE`: export the audit trail as JSON lines."""

from __future__ import annotations

import datetime as dt

import typer

from bot.cli import EXIT_INVALID
from bot.settings import get_settings
from bot.store.audit import AuditLog, export_lines


def _parse_since(value: str) -> dt.datetime:
    """An ISO date/datetime, or a relative age like 7d / 12h."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    now = dt.datetime.now(dt.UTC)
    if value[:-1].isdigit() and value[-1:] in units:
        return now - dt.timedelta(**{units[value[-1]]: int(value[:-1])})
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def register(app: typer.Typer) -> None:
    @app.command("audit", epilog=(
        "Examples:\n\n"
        "  dev-agent audit --since 7d\n\n"
        "  dev-agent audit --since 2026-12-01 > audit.jsonl"))
    def audit(since: str = typer.Option("30d", help="ISO date/time or age (7d, 12h)")) -> None:
        """Export audit events (request, plan, override, apply, destroy, extend, merge) as JSON lines."""
        try:
            start = _parse_since(since)
        except ValueError:
            typer.echo(f"error: --since {since!r} is neither an ISO date nor an age like 7d", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        typer.echo(export_lines(AuditLog(get_settings()).since(start)), nl=False)
