"""What the bot's jobs need from the stores, as Protocols: environment locks, the registry and the audit log.

Handlers, commands and the request's write sequence are typed on these, not on one backend: the Redis and
in-memory locks, and whichever registry/audit backend `build_context` picks, all fit them.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Protocol

from bot.store.audit import AuditEvent
from bot.store.locks import LockInfo
from bot.store.registry import EnvironmentRecord, JobRecord, Status


class LockStore(Protocol):
    """One lock per environment (who proposed it), and a short mutex around a job's writes."""

    def acquire(self, key: str, environment: str, owner: str, holder: str) -> LockInfo: ...

    def get(self, key: str) -> LockInfo | None: ...

    def release(self, key: str, owner: str | None = None) -> bool: ...

    def mutex(self, key: str, token: str, timeout: float = 120.0) -> AbstractContextManager[None]: ...


class RegistryStore(Protocol):
    """The environments dev-agent manages and the jobs it ran."""

    def upsert(self, record: EnvironmentRecord, **changes: object) -> EnvironmentRecord: ...

    def environments(self) -> list[EnvironmentRecord]: ...

    def get(self, name: str, repository: str | None = None) -> EnvironmentRecord | None: ...

    def monthly_cost_under_management(self) -> float: ...

    def record_outcome(self, name: str, repository: str, status: Status, run: str, at: dt.datetime) -> bool: ...

    def put_job(self, job: JobRecord) -> None: ...

    def link_job(self, job_id: str, environment: str, links: dict[str, str]) -> None: ...

    def drop_job(self, job_id: str) -> None: ...

    def job(self, job_id: str) -> JobRecord | None: ...

    def jobs(self, limit: int = 20) -> list[JobRecord]: ...


class AuditStore(Protocol):
    """Who did what to which environment, append-only."""

    def record(self, event: AuditEvent) -> None: ...

    def since(self, start: dt.datetime) -> list[AuditEvent]: ...
