"""Where the App is installed: recorded from `installation*` events (the SQL store; in memory for tests)."""

from __future__ import annotations

import threading
from typing import Any, Protocol

from sqlalchemy import Connection, delete, insert, select

from bot.store import schema
from bot.store.db import Database


class InstallationStore(Protocol):
    def save(self, installation_id: int, account: str, repositories: list[str]) -> None: ...

    def add_repositories(self, installation_id: int, repositories: list[str]) -> None: ...

    def remove_repositories(self, installation_id: int, repositories: list[str]) -> None: ...

    def delete(self, installation_id: int) -> None: ...

    def get(self, installation_id: int) -> dict[str, Any] | None: ...


class MemoryInstallations:
    def __init__(self) -> None:
        self._data: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def save(self, installation_id: int, account: str, repositories: list[str]) -> None:
        with self._lock:
            self._data[installation_id] = {"account": account, "repositories": sorted(set(repositories))}

    def add_repositories(self, installation_id: int, repositories: list[str]) -> None:
        with self._lock:
            entry = self._data.setdefault(installation_id, {"account": "", "repositories": []})
            entry["repositories"] = sorted(set(entry["repositories"]) | set(repositories))

    def remove_repositories(self, installation_id: int, repositories: list[str]) -> None:
        with self._lock:
            entry = self._data.get(installation_id)
            if entry:
                entry["repositories"] = sorted(set(entry["repositories"]) - set(repositories))

    def delete(self, installation_id: int) -> None:
        with self._lock:
            self._data.pop(installation_id, None)

    def get(self, installation_id: int) -> dict[str, Any] | None:
        with self._lock:
            entry = self._data.get(installation_id)
            return dict(entry) if entry else None


class SqlInstallations:
    """Installations and their repositories in the SQL store (one row per installation, one per repository)."""

    def __init__(self, database: Database):
        self.db = database

    def save(self, installation_id: int, account: str, repositories: list[str]) -> None:
        def work(conn: Connection) -> None:
            conn.execute(delete(schema.installations).where(schema.installations.c.id == installation_id))
            conn.execute(insert(schema.installations).values(id=installation_id, account=account))
            self._add(conn, installation_id, repositories)

        self.db.transact(work)

    def add_repositories(self, installation_id: int, repositories: list[str]) -> None:
        def work(conn: Connection) -> None:
            conn.execute(self.db.insert_ignore(schema.installations).values(id=installation_id, account=""))
            self._add(conn, installation_id, repositories)

        self.db.transact(work)

    def remove_repositories(self, installation_id: int, repositories: list[str]) -> None:
        table = schema.installation_repositories
        with self.db.write() as conn:
            conn.execute(delete(table).where((table.c.installation_id == installation_id)
                                             & table.c.repository.in_(repositories)))

    def delete(self, installation_id: int) -> None:
        with self.db.write() as conn:
            conn.execute(delete(schema.installation_repositories)
                         .where(schema.installation_repositories.c.installation_id == installation_id))
            conn.execute(delete(schema.installations).where(schema.installations.c.id == installation_id))

    def get(self, installation_id: int) -> dict[str, Any] | None:
        table = schema.installation_repositories
        with self.db.read() as conn:
            account = conn.execute(select(schema.installations.c.account)
                                   .where(schema.installations.c.id == installation_id)).scalar_one_or_none()
            repositories = conn.execute(select(table.c.repository).where(table.c.installation_id == installation_id)
                                        .order_by(table.c.repository)).scalars().all()
        return None if account is None else {"account": account, "repositories": list(repositories)}

    def _add(self, conn: Connection, installation_id: int, repositories: list[str]) -> None:
        for repository in sorted(set(repositories)):
            conn.execute(self.db.insert_ignore(schema.installation_repositories)
                         .values(installation_id=installation_id, repository=repository))
