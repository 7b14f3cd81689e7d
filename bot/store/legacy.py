"""One-time import of what earlier releases kept in Redis hashes/streams or JSON files under the state dir:
environments, API keys (their hashes), the audit trail, installations and unexpired jobs.

Running it twice changes nothing: rows already in the store are left as they are (environments and keys by
their key, audit events by their time, action, actor and environment, installations by id, jobs by id).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from bot.api.keys import ApiKey
from bot.store import schema
from bot.store.audit import AuditEvent
from bot.store.db import Database
from bot.store.registry import EnvironmentRecord, JobRecord

# Where the previous release kept things.
REDIS_ENVIRONMENTS, REDIS_KEYS, REDIS_AUDIT = "dev-agent:environments", "dev-agent:api-keys", "dev-agent:audit"
REDIS_INSTALLATIONS, REDIS_JOBS_INDEX, REDIS_JOB = "dev-agent:installations", "dev-agent:jobs:recent", "dev-agent:job:"
FILE_REGISTRY, FILE_KEYS, FILE_AUDIT = "registry.json", "api-keys.json", "audit.jsonl"
FILE_JOBS = "dev-agent:jobs"


@dataclass
class Legacy:
    """What was found in the old places."""

    environments: list[EnvironmentRecord] = field(default_factory=list)
    keys: list[ApiKey] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    installations: dict[int, dict[str, Any]] = field(default_factory=dict)
    jobs: list[JobRecord] = field(default_factory=list)


def read_files(state_dir: Path) -> Legacy:
    """The JSON files of the embedded mode."""
    found = Legacy()
    registry = state_dir / FILE_REGISTRY
    if registry.exists():
        data = json.loads(registry.read_text())
        found.environments = [EnvironmentRecord.model_validate(v) for v in data.get(REDIS_ENVIRONMENTS, {}).values()]
        found.jobs = [JobRecord.model_validate(v) for v in data.get(FILE_JOBS, {}).values()]
    keys = state_dir / FILE_KEYS
    if keys.exists():
        found.keys = [ApiKey.model_validate(v) for v in json.loads(keys.read_text()).values()]
    audit = state_dir / FILE_AUDIT
    if audit.exists():
        found.audit = [AuditEvent.model_validate_json(line) for line in audit.read_text().splitlines() if line.strip()]
    return found


def read_redis(client: Any) -> Legacy:
    """The Redis hashes, stream and job keys of the Redis mode."""
    found = Legacy()
    found.environments = [EnvironmentRecord.model_validate_json(v) for v in client.hvals(REDIS_ENVIRONMENTS)]
    found.keys = [ApiKey.model_validate_json(v) for v in client.hvals(REDIS_KEYS)]
    found.audit = [AuditEvent.model_validate_json(fields[b"event"]) for _id, fields in client.xrange(REDIS_AUDIT)]
    found.installations = {int(k): json.loads(v) for k, v in client.hgetall(REDIS_INSTALLATIONS).items()}
    ids = [i.decode() for i in client.zrange(REDIS_JOBS_INDEX, 0, -1)]
    raws = client.mget([REDIS_JOB + i for i in ids]) if ids else []
    found.jobs = [JobRecord.model_validate_json(raw) for raw in raws if raw]
    return found


def import_legacy(database: Database, found: Legacy) -> dict[str, int]:
    """Write what is not in the store yet; returns how many rows of each kind were added."""
    added = {"environments": 0, "keys": 0, "audit events": 0, "installations": 0, "jobs": 0}
    now = dt.datetime.now(dt.UTC)
    with database.write() as conn:
        for record in found.environments:
            added["environments"] += _insert_new(database, conn, schema.environments,
                                                 {**record.model_dump(), "created_at": record.updated_at})
        for key in found.keys:
            added["keys"] += _insert_new(database, conn, schema.api_keys, key.model_dump())
        for event in found.audit:
            if not _has_event(conn, event):
                conn.execute(insert(schema.audit_events).values(**event.model_dump()))
                added["audit events"] += 1
        for installation_id, entry in found.installations.items():
            added["installations"] += _insert_new(database, conn, schema.installations,
                                                  {"id": installation_id, "account": entry.get("account", "")})
            for repository in entry.get("repositories", []):
                conn.execute(database.insert_ignore(schema.installation_repositories)
                             .values(installation_id=installation_id, repository=repository))
        for job in found.jobs:
            added["jobs"] += _insert_new(database, conn, schema.jobs, {**job.model_dump(), "created_at": now})
    return added


def _insert_new(database: Database, conn: Connection, table: Any, values: dict[str, Any]) -> int:
    statement = database.insert_ignore(table).values(**values).returning(*table.primary_key.columns)
    return int(conn.execute(statement).first() is not None)


def _has_event(conn: Connection, event: AuditEvent) -> bool:
    table = schema.audit_events
    return conn.execute(select(table.c.id).where(
        (table.c.at == event.at) & (table.c.action == event.action) & (table.c.actor == event.actor)
        & (table.c.environment == event.environment) & (table.c.repository == event.repository)).limit(1)
    ).first() is not None
