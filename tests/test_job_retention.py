"""Job records expire after `job_retention_seconds`: GET /api/jobs/{id} then answers 404 with a JSON body,
the dashboard's recent jobs drop them, and the store does not grow without bound (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.api.keys import KeyStore
from bot.api.routes import OpenedRequest, build_api_router
from bot.intake.webhooks import Delivery
from bot.settings import Settings
from bot.store.registry import JobRecord, Registry
from tests.support.postgres_server import postgres_server  # noqa: F401  (fixture, requested by name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path):
    """Settings keeping jobs for one second, on the embedded SQLite or a real PostgreSQL."""
    url = request.getfixturevalue("postgres_server").create_database() if request.param == "postgresql" else None
    return Settings(state_dir=tmp_path, database_url=url, job_retention_seconds=1)


def _open_no_request(repository: str, login: str, title: str, body: str) -> OpenedRequest:
    raise AssertionError(f"this test only reads jobs, yet a request was opened on {repository}")


async def _queue_no_job(delivery: Delivery) -> bool:
    raise AssertionError(f"this test only reads jobs, yet job {delivery.id} was queued")


def test_expired_jobs_answer_404_with_a_json_body(store) -> None:
    settings = store
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
    settings = store
    registry = Registry(settings)
    for number in range(3):
        registry.put_job(JobRecord(id=f"old-{number}", kind="issues.opened"))
    time.sleep(1.2)
    registry.put_job(JobRecord(id="new", kind="issues.opened", status="running"))
    registry.put_job(JobRecord(id="new", kind="issues.opened", status="done"))  # an update keeps one record
    assert [(j.id, j.status) for j in registry.jobs()] == [("new", "done")]
    with registry.db.read() as conn:  # the expired rows are gone from the table, not just hidden
        assert [row.id for row in conn.execute(text("SELECT id FROM jobs"))] == ["new"]
