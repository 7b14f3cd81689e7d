"""Job records expire after `job_retention_seconds`: GET /api/jobs/{id} then answers 404 with a JSON body,
the dashboard's recent jobs drop them, and the stores do not grow without bound (file and real Redis)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.keys import KeyStore
from bot.api.routes import OpenedRequest, build_api_router
from bot.intake.webhooks import Delivery
from bot.settings import Settings
from bot.store.registry import JOB_KEY, JOBS_INDEX, JOBS_KEY, JobRecord, Registry
from tests.support.redis_server import redis_server  # noqa: F401  (fixture, requested by name)


@pytest.fixture(params=["file", "redis"])
def store(request, tmp_path: Path):
    """Settings keeping jobs for one second, and the Redis client when the store is Redis."""
    if request.param == "file":
        return Settings(state_dir=tmp_path, job_retention_seconds=1), None
    server = request.getfixturevalue("redis_server")
    client = server.client()
    client.flushdb()
    return Settings(state_dir=tmp_path, redis_url=server.url, job_retention_seconds=1), client


def _open_no_request(repository: str, login: str, title: str, body: str) -> OpenedRequest:
    raise AssertionError(f"this test only reads jobs, yet a request was opened on {repository}")


async def _queue_no_job(delivery: Delivery) -> bool:
    raise AssertionError(f"this test only reads jobs, yet job {delivery.id} was queued")


def test_expired_jobs_answer_404_with_a_json_body(store) -> None:
    settings, _client = store
    registry, keys = Registry(settings), KeyStore(settings)
    app = FastAPI()
    app.include_router(build_api_router(keys, registry, _open_no_request, _queue_no_job, lambda repository: 1))
    api, (token, _) = TestClient(app), keys.create("reader", ["read"], installation=1)
    registry.put_job(JobRecord(id="delivery-1", kind="issues.opened", repository="octo/infra", status="done"))
    fresh = api.get("/api/jobs/delivery-1", headers={"Authorization": f"Bearer {token}"})
    assert fresh.status_code == 200 and fresh.json()["status"] == "done"
    assert [j.id for j in registry.jobs()] == ["delivery-1"]
    time.sleep(1.2)
    gone = api.get("/api/jobs/delivery-1", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 404 and gone.json() == {"detail": "no job 'delivery-1'"}
    assert registry.jobs() == []


def test_a_write_trims_what_expired(store) -> None:
    settings, client = store
    registry = Registry(settings)
    for number in range(3):
        registry.put_job(JobRecord(id=f"old-{number}", kind="issues.opened"))
    time.sleep(1.2)
    registry.put_job(JobRecord(id="new", kind="issues.opened", status="running"))
    registry.put_job(JobRecord(id="new", kind="issues.opened", status="done"))  # an update keeps one record
    assert [(j.id, j.status) for j in registry.jobs()] == [("new", "done")]
    if client is None:
        assert list(Registry(settings)._read_file()[JOBS_KEY]) == ["new"]
    else:
        assert client.zrange(JOBS_INDEX, 0, -1) == [b"new"]
        assert client.keys("dev-agent:job:*") == [JOB_KEY.format(id="new").encode()]
        assert 0 < client.ttl(JOB_KEY.format(id="new")) <= 1
