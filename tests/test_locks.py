"""Per-environment locks (Redis and in-memory): owner, expiry, holder named to a second requester."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from bot.store.locks import LockBusy, MemoryLocks, RedisLocks
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)


@pytest.fixture(params=["redis", "memory"])
def locks(request):
    if request.param == "memory":
        return lambda ttl: MemoryLocks(ttl)
    server = request.getfixturevalue("redis_server")
    prefix = f"t:{uuid.uuid4().hex}:"
    return lambda ttl: RedisLocks(server.client(), ttl, prefix=prefix)


def test_second_request_is_refused_with_the_holder_named(locks):
    store = locks(60)
    store.acquire("octo/infra:pay", "pay", "octo/infra#1", "alice")
    store.acquire("octo/infra:pay", "pay", "octo/infra#1", "alice")  # same request: renewed
    with pytest.raises(LockBusy) as busy:
        store.acquire("octo/infra:pay", "pay", "octo/infra#2", "bob")
    assert busy.value.holder.owner == "octo/infra#1"
    assert "@alice" in busy.value.holder.describe()
    store.acquire("octo/infra:other", "other", "octo/infra#2", "bob")  # other environments are free


def test_release_by_owner_only_or_by_unlock(locks):
    store = locks(60)
    store.acquire("k", "pay", "octo/infra#1", "alice")
    assert not store.release("k", owner="octo/infra#2")
    assert store.get("k").owner == "octo/infra#1"
    assert store.release("k")
    assert store.get("k") is None
    store.acquire("k", "pay", "octo/infra#2", "bob")


def test_locks_expire(locks):
    store = locks(1)
    store.acquire("k", "pay", "octo/infra#1", "alice")
    time.sleep(1.2)
    store.acquire("k", "pay", "octo/infra#2", "bob")
    assert store.get("k").owner == "octo/infra#2"


def test_mutex_serialises_jobs_and_lets_a_retry_take_over(locks):
    store = locks(60)
    order = []

    def job(name: str) -> None:
        with store.mutex("k", name, timeout=5):
            order.append(f"{name}+")
            time.sleep(0.2)
            order.append(f"{name}-")

    threads = [threading.Thread(target=job, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order in (["a+", "a-", "b+", "b-"], ["b+", "b-", "a+", "a-"])
