"""The environment registry: what the bot manages, for the API, the dashboard and the metrics.

One record per (repository, environment), updated by the worker (PR opened/updated/merged), by
`dev-agent apply`/`drift`/`expire` reports, and by the API. Redis hash when configured, else a JSON file.
Job records expire `job_retention_seconds` after their last update (Redis: one key per job with that
expiry plus a time-ordered index trimmed on every write; file: pruned on write, hidden when older).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from bot.settings import Settings

Status = Literal["requested", "clarifying", "planned", "refused", "merged", "applied", "failed", "drifted", "expiring", "destroyed"]
HttpUrl = Annotated[str, Field(pattern=r"^https?://[^\s\"'<>]+$")]
REDIS_KEY = "dev-agent:environments"
JOBS_KEY = "dev-agent:jobs"  # the file store's table of jobs
JOB_KEY = "dev-agent:job:{id}"  # Redis: one string per job, with an expiry
JOBS_INDEX = "dev-agent:jobs:recent"  # Redis: sorted set of job ids by last update (epoch seconds)


class EnvironmentRecord(BaseModel):
    """One managed environment as the dashboard shows it."""

    name: str
    repository: str
    tier: str = "dev"
    owner: str | None = None
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


class Registry:
    """Environment and job records; Redis hashes or a local JSON file (thread-safe)."""

    _lock = threading.Lock()

    def __init__(self, settings: Settings, redis_client=None):
        self._redis = redis_client
        if self._redis is None and settings.redis_url:
            import redis

            self._redis = redis.Redis.from_url(settings.redis_url)
        self._file = Path(settings.state_dir) / "registry.json"
        self._job_retention = dt.timedelta(seconds=settings.job_retention_seconds)

    def _read_file(self) -> dict[str, dict[str, dict]]:
        if not self._file.exists():
            return {REDIS_KEY: {}, JOBS_KEY: {}}
        return json.loads(self._file.read_text())

    def _put(self, table: str, key: str, value: BaseModel, prune: Callable[[dict], bool] | None = None) -> None:
        """Write one record; with `prune`, the file store also drops the table's records it matches."""
        if self._redis is not None:
            self._redis.hset(table, key, value.model_dump_json())
            return
        with self._lock:
            data = self._read_file()
            rows = data.setdefault(table, {})
            if prune is not None:
                for stale in [k for k, row in rows.items() if prune(row)]:
                    del rows[stale]
            rows[key] = value.model_dump(mode="json")
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1))
            tmp.replace(self._file)

    def _all(self, table: str) -> list[str]:
        if self._redis is not None:
            return [v.decode() if isinstance(v, bytes) else v for v in self._redis.hvals(table)]
        with self._lock:
            return [json.dumps(v) for v in self._read_file().get(table, {}).values()]

    def upsert(self, record: EnvironmentRecord, **changes: object) -> EnvironmentRecord:
        """Store a record, merged over the existing one for the same repository and name."""
        current = self.get(record.name, record.repository)
        base = current.model_copy(update=record.model_dump(exclude_unset=True)) if current else record
        merged = base.model_copy(update={**changes, "updated_at": dt.datetime.now(dt.UTC)})
        self._put(REDIS_KEY, merged.key, merged)
        return merged

    def environments(self) -> list[EnvironmentRecord]:
        records = [EnvironmentRecord.model_validate_json(v) for v in self._all(REDIS_KEY)]
        return sorted(records, key=lambda r: (r.repository, r.name))

    def get(self, name: str, repository: str | None = None) -> EnvironmentRecord | None:
        """The record named `name` (in `repository` when given)."""
        matches = [r for r in self.environments() if r.name == name and (repository is None or r.repository == repository)]
        return matches[0] if matches else None

    def monthly_cost_under_management(self) -> float:
        """Estimated monthly cost of every environment that is neither destroyed nor refused."""
        return sum(r.monthly_cost_usd or 0 for r in self.environments() if r.status not in {"destroyed", "refused"})

    def put_job(self, job: JobRecord) -> None:
        """Store a job record; it expires `job_retention_seconds` after this update."""
        now = dt.datetime.now(dt.UTC)
        job = job.model_copy(update={"updated_at": now})
        if self._redis is None:
            self._put(JOBS_KEY, job.id, job, prune=self._expired_job)
            return
        cutoff = (now - self._job_retention).timestamp()
        with self._redis.pipeline() as pipe:  # MULTI/EXEC: record, index and trim together
            pipe.set(JOB_KEY.format(id=job.id), job.model_dump_json(), ex=self._job_retention)
            pipe.zadd(JOBS_INDEX, {job.id: now.timestamp()})
            pipe.zremrangebyscore(JOBS_INDEX, "-inf", cutoff)
            pipe.execute()

    def job(self, job_id: str) -> JobRecord | None:
        """The job with this id, or None when unknown or expired."""
        if self._redis is not None:
            raw = self._redis.get(JOB_KEY.format(id=job_id))
            return JobRecord.model_validate_json(raw) if raw else None
        with self._lock:
            raw_job = self._read_file().get(JOBS_KEY, {}).get(job_id)
        job = JobRecord.model_validate(raw_job) if raw_job else None
        return None if job is None or self._expired_job(job.model_dump(mode="json")) else job

    def jobs(self, limit: int = 20) -> list[JobRecord]:
        """The most recently updated jobs that have not expired, newest first."""
        if self._redis is not None:
            ids = [i.decode() if isinstance(i, bytes) else i for i in self._redis.zrevrange(JOBS_INDEX, 0, limit - 1)]
            raws = self._redis.mget([JOB_KEY.format(id=i) for i in ids]) if ids else []
            return [JobRecord.model_validate_json(raw) for raw in raws if raw]
        records = [JobRecord.model_validate_json(v) for v in self._all(JOBS_KEY)]
        live = [j for j in records if not self._expired_job(j.model_dump(mode="json"))]
        return sorted(live, key=lambda j: j.updated_at, reverse=True)[:limit]

    def _expired_job(self, record: dict) -> bool:
        updated = dt.datetime.fromisoformat(record["updated_at"])
        return dt.datetime.now(dt.UTC) - updated > self._job_retention
