"""Where the App is installed: recorded from `installation*` events."""

from __future__ import annotations

import json
import threading
from typing import Any, Protocol


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


class RedisInstallations:
    """One hash field per installation; updates are read-modify-write under WATCH."""

    KEY = "dev-agent:installations"

    def __init__(self, redis: Any):
        self.redis = redis

    def save(self, installation_id: int, account: str, repositories: list[str]) -> None:
        self.redis.hset(self.KEY, str(installation_id),
                        json.dumps({"account": account, "repositories": sorted(set(repositories))}))

    def add_repositories(self, installation_id: int, repositories: list[str]) -> None:
        self._update(installation_id, lambda repos: repos | set(repositories))

    def remove_repositories(self, installation_id: int, repositories: list[str]) -> None:
        self._update(installation_id, lambda repos: repos - set(repositories))

    def delete(self, installation_id: int) -> None:
        self.redis.hdel(self.KEY, str(installation_id))

    def get(self, installation_id: int) -> dict[str, Any] | None:
        raw = self.redis.hget(self.KEY, str(installation_id))
        return json.loads(raw) if raw else None

    def _update(self, installation_id: int, change: Any) -> None:
        from redis import WatchError

        while True:
            with self.redis.pipeline() as pipe:
                try:
                    pipe.watch(self.KEY)
                    raw = pipe.hget(self.KEY, str(installation_id))
                    entry = json.loads(raw) if raw else {"account": "", "repositories": []}
                    entry["repositories"] = sorted(change(set(entry["repositories"])))
                    pipe.multi()
                    pipe.hset(self.KEY, str(installation_id), json.dumps(entry))
                    pipe.execute()
                    return
                except WatchError:
                    continue
