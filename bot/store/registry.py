"""The environment registry: what the bot manages, for the API, the dashboard and the metrics.

One record per (repository, environment), updated by the worker (PR opened/updated/merged), by
`dev-agent apply`/`drift`/`expire` reports, and by the API; every change also appends a history row.
Job records (what a delivery or API request did) expire `job_retention_seconds` after their last update.
Both live in the SQL store (bot/store/db.py): several processes may write at once without losing updates.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, delete, func, insert, select, update

from bot.settings import Settings
from bot.store import schema
from bot.store.db import Database, open_database, utc

Status = Literal["requested", "clarifying", "planned", "refused", "merged", "applied", "failed", "drifted", "expiring", "destroyed"]
HttpUrl = Annotated[str, Field(pattern=r"^https?://[^\s\"'<>]+$")]
# Statuses whose environments exist in a cloud account (cost under management counts only these).
LIVE: frozenset[str] = frozenset({"applied", "drifted", "expiring"})


class EnvironmentRecord(BaseModel):
    """One managed environment as the dashboard shows it."""

    name: str
    repository: str
    tier: str = "dev"
    owner: str | None = None  # the spec's owner (who answers for it), else who requested it
    requested_by: str | None = None
    cloud: str | None = None
    region: str | None = None
    status: Status = "requested"
    monthly_cost_usd: float | None = None
    expires_on: dt.date | None = None
    pr_url: HttpUrl | None = None
    issue_url: HttpUrl | None = None
    drift: bool = False
    report: str = ""
    updated_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def key(self) -> str:
        return f"{self.repository}#{self.name}"


class HistoryEntry(BaseModel):
    """One change of an environment record: when, the status after it and the fields it set."""

    at: dt.datetime
    status: Status
    changes: dict[str, Any]


class JobRecord(BaseModel):
    """A unit of work the API can report on (GET /api/jobs/{id})."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"] = "queued"
    environment: str | None = None
    repository: str | None = None
    detail: str = ""
    links: dict[str, str] = Field(default_factory=dict)
    updated_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


_ENV_FIELDS = [c.name for c in schema.environments.columns if c.name != "created_at"]


def _environment(row: Any) -> EnvironmentRecord:
    values = {name: getattr(row, name) for name in _ENV_FIELDS}
    values["updated_at"] = utc(values["updated_at"])
    return EnvironmentRecord.model_validate(values)


def _job(row: Any) -> JobRecord:
    return JobRecord(id=row.id, kind=row.kind, status=row.status, environment=row.environment,
                     repository=row.repository, detail=row.detail, links=dict(row.links or {}),
                     updated_at=utc(row.updated_at))


class Registry:
    """Environment and job records in the SQL store."""

    def __init__(self, settings: Settings, database: Database | None = None):
        self.db = database or open_database(settings)
        self._job_retention = dt.timedelta(seconds=settings.job_retention_seconds)

    def upsert(self, record: EnvironmentRecord, **changes: object) -> EnvironmentRecord:
        """Store a record, merged over the existing one for the same repository and name: only the fields set
        on `record` (and `changes`) change. Atomic: concurrent upserts of one environment never lose a field."""
        return self.db.transact(lambda conn: _merge(conn, record, changes))

    def record_outcome(self, name: str, repository: str, status: Status, run: str, at: dt.datetime) -> bool:
        """A workflow run's reported outcome: True the first time this run is reported for a known environment
        (False for a repeat, or an environment the bot never proposed). The status is set only when no later run
        has been reported (reports can arrive out of order)."""
        table, outcomes = schema.environments, schema.workflow_outcomes
        mine = (outcomes.c.repository == repository) & (outcomes.c.name == name)

        def work(conn: Connection) -> bool:
            row = conn.execute(select(table).where((table.c.repository == repository) & (table.c.name == name))
                               .with_for_update()).first()
            if row is None:
                return False
            if conn.execute(select(outcomes.c.run).where(mine & (outcomes.c.run == run))).first() is not None:
                return False
            conn.execute(insert(outcomes).values(repository=repository, name=name, run=run, status=status, at=at))
            if conn.execute(select(func.count()).select_from(outcomes).where(mine & (outcomes.c.at > at))).scalar_one():
                return True  # a later run already reported: keep its status
            _merge(conn, EnvironmentRecord(name=name, repository=repository, status=status),
                   {"drift": False} if status != "failed" else {})
            return True

        return self.db.transact(work)

    def environments(self) -> list[EnvironmentRecord]:
        with self.db.read() as conn:
            rows = conn.execute(select(schema.environments).order_by(schema.environments.c.repository,
                                                                      schema.environments.c.name)).all()
        return [_environment(row) for row in rows]

    def get(self, name: str, repository: str | None = None) -> EnvironmentRecord | None:
        """The record named `name` (in `repository` when given)."""
        table = schema.environments
        query = select(table).where(table.c.name == name)
        if repository is not None:
            query = query.where(table.c.repository == repository)
        with self.db.read() as conn:
            row = conn.execute(query.order_by(table.c.repository).limit(1)).first()
        return _environment(row) if row is not None else None

    def history(self, name: str, repository: str) -> list[HistoryEntry]:
        """Every recorded change of one environment, oldest first."""
        table = schema.environment_history
        with self.db.read() as conn:
            rows = conn.execute(select(table).where((table.c.repository == repository) & (table.c.name == name))
                                .order_by(table.c.id)).all()
        return [HistoryEntry(at=utc(r.at), status=r.status, changes=dict(r.changes)) for r in rows]

    def monthly_cost_under_management(self) -> float:
        """Estimated monthly cost of the environments that exist (applied, drifted or expiring)."""
        table = schema.environments
        with self.db.read() as conn:
            total = conn.execute(select(func.coalesce(func.sum(table.c.monthly_cost_usd), 0.0))
                                 .where(table.c.status.in_(sorted(LIVE)))).scalar_one()
        return float(total)

    def put_job(self, job: JobRecord) -> None:
        """Store a job record (fields not set on `job` keep their stored value; links are merged); it expires
        `job_retention_seconds` after this update."""
        table = schema.jobs

        def work(conn: Connection) -> None:
            now = dt.datetime.now(dt.UTC)
            row = conn.execute(select(table).where(table.c.id == job.id).with_for_update()).first()
            if row is None:
                values = job.model_dump(exclude={"updated_at"})
                conn.execute(insert(table).values(**values, created_at=now, updated_at=now))
            else:
                given = job.model_dump(exclude_unset=True, exclude={"id", "kind", "updated_at"})  # kind: set once
                given["links"] = {**dict(row.links or {}), **job.links}
                for field in ("environment", "repository"):  # never forget what an earlier update learnt
                    if given.get(field) is None:
                        given.pop(field, None)
                conn.execute(update(table).where(table.c.id == job.id).values(**given, updated_at=now))
            conn.execute(delete(table).where(table.c.updated_at < now - self._job_retention))

        self.db.transact(work)

    def link_job(self, job_id: str, environment: str, links: dict[str, str]) -> None:
        """Note on a recorded job which environment it worked on and what it produced (a PR); no-op when the job
        is unknown (a CLI run)."""
        table = schema.jobs

        def work(conn: Connection) -> None:
            row = conn.execute(select(table).where(table.c.id == job_id).with_for_update()).first()
            if row is not None:
                conn.execute(update(table).where(table.c.id == job_id).values(
                    environment=environment, links={**dict(row.links or {}), **links}))

        self.db.transact(work)

    def drop_job(self, job_id: str) -> None:
        """Forget a job (a delivery that turned out to need no work)."""
        with self.db.write() as conn:
            conn.execute(delete(schema.jobs).where(schema.jobs.c.id == job_id))

    def job(self, job_id: str) -> JobRecord | None:
        """The job with this id, or None when unknown or expired."""
        with self.db.read() as conn:
            row = conn.execute(select(schema.jobs).where(schema.jobs.c.id == job_id)).first()
        job = _job(row) if row is not None else None
        return None if job is None or self._expired(job) else job

    def jobs(self, limit: int = 20) -> list[JobRecord]:
        """The most recently updated jobs that have not expired, newest first."""
        cutoff = dt.datetime.now(dt.UTC) - self._job_retention
        with self.db.read() as conn:
            rows = conn.execute(select(schema.jobs).where(schema.jobs.c.updated_at >= cutoff)
                                .order_by(schema.jobs.c.updated_at.desc(), schema.jobs.c.id).limit(limit)).all()
        return [_job(row) for row in rows]

    def _expired(self, job: JobRecord) -> bool:
        return dt.datetime.now(dt.UTC) - job.updated_at > self._job_retention


def _merge(conn: Connection, record: EnvironmentRecord, changes: dict[str, object]) -> EnvironmentRecord:
    """Merge `record` (its set fields) and `changes` over the stored row, in the caller's write transaction."""
    table = schema.environments
    where = (table.c.repository == record.repository) & (table.c.name == record.name)
    now = dt.datetime.now(dt.UTC)
    row = conn.execute(select(table).where(where).with_for_update()).first()
    current = _environment(row) if row is not None else None
    given = record.model_dump(exclude_unset=True)
    base = current.model_copy(update=given) if current else record
    merged = EnvironmentRecord.model_validate(
        {**base.model_dump(), **changes, "updated_at": now})  # validated: a bad status is refused
    values = merged.model_dump()
    if current is None:
        conn.execute(insert(table).values(**values, created_at=now))
        changed = {k: v for k, v in values.items() if k != "updated_at" and v not in (None, "", False)}
    else:
        old = current.model_dump()
        changed = {k: v for k, v in values.items() if k != "updated_at" and old.get(k) != v}
        conn.execute(update(table).where(where).values(**values))
    if changed:
        conn.execute(insert(schema.environment_history).values(
            repository=merged.repository, name=merged.name, at=now, status=merged.status,
            changes=_summarise(changed)))
    return merged


def _summarise(changed: dict[str, Any]) -> dict[str, Any]:
    """History rows keep the fields that changed, JSON-ready; the report is long, so only its size is kept."""
    out: dict[str, Any] = {}
    for key, value in changed.items():
        if key == "report":
            out[key] = f"{len(value)} characters"
        elif isinstance(value, dt.date | dt.datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out

