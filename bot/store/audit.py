"""Append-only audit trail: who requested, planned, overrode, applied, destroyed or extended what, and when;
merges of dev-agent PRs by someone not on the org policy's `apply` list (`merge`).

Kept in a Redis stream when Redis is configured, else in a JSON-lines file under the state dir.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from bot.settings import Settings

Action = Literal["request", "plan", "override", "allow-replace", "apply", "destroy", "extend", "unlock", "merge"]
STREAM = "dev-agent:audit"


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
    """Write and read audit events; Redis stream or local file, chosen from settings."""

    def __init__(self, settings: Settings, redis_client=None):
        self._redis = redis_client
        if self._redis is None and settings.redis_url:
            import redis

            self._redis = redis.Redis.from_url(settings.redis_url)
        self._file = Path(settings.state_dir) / "audit.jsonl"

    def record(self, event: AuditEvent) -> None:
        """Append one event (never rewrites earlier ones)."""
        line = event.model_dump_json()
        if self._redis is not None:
            self._redis.xadd(STREAM, {"event": line})
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        with self._file.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def since(self, start: dt.datetime) -> list[AuditEvent]:
        """Events at or after `start`, oldest first."""
        if self._redis is not None:
            first_id = f"{int(start.timestamp() * 1000)}-0"
            rows = self._redis.xrange(STREAM, min=first_id, max="+")
            events = [AuditEvent.model_validate_json(fields[b"event"]) for _id, fields in rows]
        elif self._file.exists():
            events = [AuditEvent.model_validate_json(line) for line in self._file.read_text().splitlines() if line]
        else:
            events = []
        return [e for e in events if e.at >= start]


def export_lines(events: list[AuditEvent]) -> str:
    """JSON lines, one event each."""
    return "".join(json.dumps(e.model_dump(mode="json"), sort_keys=True) + "\n" for e in events)
