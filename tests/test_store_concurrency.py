"""Several processes writing the registry at once (the API and two workers) lose nothing, on SQLite and on
PostgreSQL: every field each writer set is there, every job keeps every writer's link, and each environment's
history has exactly one row per change, ending in the state the record shows."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.store.registry import EnvironmentRecord, JobRecord, Registry
from tests.support.postgres_server import postgres_server  # noqa: F401  (fixture)

REQUESTS = 100
REPOSITORY = "octo/app"


def _write(role: str, state_dir: str, url: str | None) -> int:
    """One process's share of the 100 requests, in its own order: what the API, worker 1 and worker 2 record."""
    registry = Registry(Settings(state_dir=Path(state_dir), database_url=url))
    order = list(range(REQUESTS))
    random.Random(role).shuffle(order)
    for i in order:
        name, job = f"env-{i:03d}", f"delivery-{i:03d}"
        if role == "api":
            registry.put_job(JobRecord(id=job, kind="request", repository=REPOSITORY,
                                       links={"issue": f"https://github.test/{REPOSITORY}/issues/{i}"}))
            registry.upsert(EnvironmentRecord(name=name, repository=REPOSITORY,
                                              issue_url=f"https://github.test/{REPOSITORY}/issues/{i}"))
        elif role == "worker-1":
            registry.upsert(EnvironmentRecord(name=name, repository=REPOSITORY, report=f"report {i}",
                                              pr_url=f"https://github.test/{REPOSITORY}/pull/{i}"), status="planned")
            registry.put_job(JobRecord(id=job, kind="issues.opened", status="done", environment=name,
                                       links={"pull_request": f"https://github.test/{REPOSITORY}/pull/{i}"}))
        else:
            registry.upsert(EnvironmentRecord(name=name, repository=REPOSITORY, owner=f"user{i}",
                                              monthly_cost_usd=float(i)))
            registry.put_job(JobRecord(id=job, kind="issue_comment.created", detail=f"costed {i}"))
    return len(order)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_api_and_two_workers_write_100_requests_without_losing_any(backend: str, tmp_path: Path,
                                                                       request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("postgres_server").create_database() if backend == "postgresql" else None
    settings = Settings(state_dir=tmp_path, database_url=url)
    Registry(settings)  # migrate once up front, like `dev-agent serve` does before workers start
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        done = pool.starmap(_write, [(role, str(tmp_path), url) for role in ("api", "worker-1", "worker-2")])
    assert done == [REQUESTS] * 3

    registry = Registry(settings)
    records = registry.environments()
    assert len(records) == REQUESTS
    for i, record in enumerate(records):
        assert (record.name, record.status, record.report, record.owner, record.monthly_cost_usd) == (
            f"env-{i:03d}", "planned", f"report {i}", f"user{i}", float(i))
        assert record.pr_url and record.pr_url.endswith(f"/pull/{i}") and record.issue_url.endswith(f"/issues/{i}")
        history = registry.history(record.name, REPOSITORY)
        assert len(history) == 3 and history[-1].status == "planned"  # one row per writer's change
        merged: dict[str, object] = {}
        for entry in history:
            merged.update(entry.changes)
        assert merged["owner"] == f"user{i}" and merged["pr_url"] == record.pr_url
        job = registry.job(f"delivery-{i:03d}")
        assert job is not None and (job.status, job.detail, job.environment) == ("done", f"costed {i}", record.name)
        assert set(job.links) == {"issue", "pull_request"}  # the kind is whoever recorded the job first
