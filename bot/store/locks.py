"""Per-environment locks: who holds an environment (owner + expiry) and a short job mutex.

The environment lock belongs to the request (issue) that proposed the environment and is held until
its PR is closed, the lock expires, or someone runs `/dev-agent unlock`. A second request for the same
environment is told who holds it. Redis backs both in production; a dict backs the embedded mode.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from bot.errors import DevAgentError
from bot.polling import wait_until

_ACQUIRE = """
local current = redis.call('GET', KEYS[1])
if current then
  local holder = cjson.decode(current)
  if holder['owner'] ~= ARGV[2] then return current end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return false
"""

_RELEASE_IF_OWNER = """
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if ARGV[1] == '' or cjson.decode(current)['owner'] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class LockInfo:
    """Who holds an environment and until when (unix seconds)."""

    environment: str
    owner: str  # e.g. "octo/app#12"
    holder: str  # GitHub login that asked
    expires_at: float

    def describe(self) -> str:
        until = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.expires_at))
        return f"{self.owner} (requested by @{self.holder}), until {until}"


def _free(key: str) -> str:
    return f"environment {key} to come free"


class LockBusy(DevAgentError):
    """The environment is held by someone else."""

    def __init__(self, holder: LockInfo):
        super().__init__(holder.describe())
        self.holder = holder


class RedisLocks:
    """Locks in Redis: atomic acquire-or-report through a Lua script."""

    def __init__(self, redis: Any, ttl_seconds: int, prefix: str = "dev-agent:lock:"):
        self.redis, self.ttl, self.prefix = redis, ttl_seconds, prefix
        self._acquire = redis.register_script(_ACQUIRE)
        self._release = redis.register_script(_RELEASE_IF_OWNER)

    def acquire(self, key: str, environment: str, owner: str, holder: str) -> LockInfo:
        """Take (or renew, for the same owner) the lock, else raise LockBusy naming the holder."""
        info = LockInfo(environment, owner, holder, time.time() + self.ttl)
        current = self._acquire(keys=[self.prefix + key], args=[json.dumps(asdict(info)), owner, self.ttl])
        if current:
            raise LockBusy(LockInfo(**json.loads(current)))
        return info

    def get(self, key: str) -> LockInfo | None:
        raw = self.redis.get(self.prefix + key)
        return LockInfo(**json.loads(raw)) if raw else None

    def release(self, key: str, owner: str | None = None) -> bool:
        """Release; with `owner` only when that owner holds it."""
        return bool(self._release(keys=[self.prefix + key], args=[owner or ""]))

    @contextmanager
    def mutex(self, key: str, token: str, timeout: float = 120.0) -> Iterator[None]:
        """Serialise jobs on one environment. A retried job (same token) takes over its own mutex."""
        name = f"{self.prefix}mutex:{key}"
        wait_until(lambda: self._take_mutex(name, token, timeout), timeout, interval=0.05,
                   what=_free(key))
        try:
            yield
        finally:
            self._release_mutex(name, token)

    def _take_mutex(self, name: str, token: str, timeout: float) -> bool:
        if self.redis.set(name, token, nx=True, ex=int(timeout)):
            return True
        if self.redis.get(name) == token.encode():
            self.redis.expire(name, int(timeout))
            return True
        return False

    def _release_mutex(self, name: str, token: str) -> None:
        with self.redis.pipeline() as pipe:
            pipe.watch(name)
            if pipe.get(name) == token.encode():
                pipe.multi()
                pipe.delete(name)
                pipe.execute()
            else:
                pipe.unwatch()


class MemoryLocks:
    """The same semantics in one process."""

    def __init__(self, ttl_seconds: int):
        self.ttl = ttl_seconds
        self._locks: dict[str, LockInfo] = {}
        self._guard = threading.Lock()
        self._mutexes: dict[str, threading.Lock] = {}

    def acquire(self, key: str, environment: str, owner: str, holder: str) -> LockInfo:
        with self._guard:
            current = self._current(key)
            if current and current.owner != owner:
                raise LockBusy(current)
            info = LockInfo(environment, owner, holder, time.time() + self.ttl)
            self._locks[key] = info
            return info

    def get(self, key: str) -> LockInfo | None:
        with self._guard:
            return self._current(key)

    def release(self, key: str, owner: str | None = None) -> bool:
        with self._guard:
            current = self._current(key)
            if current and (owner is None or current.owner == owner):
                del self._locks[key]
                return True
            return False

    @contextmanager
    def mutex(self, key: str, token: str, timeout: float = 120.0) -> Iterator[None]:
        with self._guard:
            lock = self._mutexes.setdefault(key, threading.Lock())
        if not lock.acquire(timeout=timeout):
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {_free(key)}")
        try:
            yield
        finally:
            lock.release()

    def _current(self, key: str) -> LockInfo | None:
        info = self._locks.get(key)
        if info and info.expires_at < time.time():
            del self._locks[key]
            return None
        return info
