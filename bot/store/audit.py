"""Append-only audit trail: who requested, planned, overrode, applied, destroyed or extended what, and when;
merges of dev-agent PRs by someone not on the org policy's `apply` list (`merge`).

Kept in the SQL store's `audit_events` table, which the database itself keeps append-only (triggers refuse
UPDATE and DELETE).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import insert, select

from bot.settings import Settings
from bot.store import schema
from bot.store.db import Database, open_database, utc

Action = Literal["request", "plan", "override", "allow-replace", "apply", "destroy", "extend", "unlock", "merge"]


class AuditEvent(BaseModel):
    """One audited action."""

    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    action: Action
    actor: str
    environment: str
    repository: str = ""
    pull_request: int | None = None
    detail: str = ""


class AuditLog:
    """Write and read audit events."""

    def __init__(self, settings: Settings | None = None, database: Database | None = None):
        if database is None:
            assert settings is not None, "AuditLog needs settings or a database"
            database = open_database(settings)
        self.db = database

    def record(self, event: AuditEvent) -> None:
        """Append one event (never rewrites earlier ones)."""
        with self.db.write() as conn:
            conn.execute(insert(schema.audit_events).values(**event.model_dump()))

    def since(self, start: dt.datetime) -> list[AuditEvent]:
        """Events at or after `start`, oldest first."""
        table = schema.audit_events
        with self.db.read() as conn:
            rows = conn.execute(select(table).where(table.c.at >= start).order_by(table.c.at, table.c.id)).all()
        return [_event(row) for row in rows]

    def of_environment(self, name: str, repository: str) -> list[AuditEvent]:
        """One environment's events, oldest first (its timeline)."""
        table = schema.audit_events
        with self.db.read() as conn:
            rows = conn.execute(select(table).where((table.c.repository == repository) & (table.c.environment == name))
                                .order_by(table.c.at, table.c.id)).all()
        return [_event(row) for row in rows]


def _event(row: object) -> AuditEvent:
    mapping = dict(row._mapping)  # type: ignore[attr-defined]
    mapping.pop("id")
    return AuditEvent.model_validate({**mapping, "at": utc(mapping["at"])})


def export_lines(events: list[AuditEvent]) -> str:
    """JSON lines, one event each."""
    return "".join(json.dumps(e.model_dump(mode="json"), sort_keys=True) + "\n" for e in events)
