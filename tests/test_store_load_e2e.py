"""The user's path under load, on a real PostgreSQL: 100 environment requests through the REST API, planned by two
`dev-agent worker` processes while `dev-agent serve` records jobs, all writing the same database at once. Every
request ends as exactly one planned environment with its issue, PR, owner and cost, its job links both, and no
record contradicts another (one PR per environment, history ending in the state the record shows)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.api.keys import KeyStore
from bot.store.registry import Registry
from tests.support.bot_stack import BotStack, wait_for
from tests.support.postgres_server import postgres_server  # noqa: F401  (fixture)
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

REQUESTS = 100


@pytest.mark.slow  # about 5 minutes on a busy 2-core machine
def test_100_api_requests_planned_by_two_workers_leave_consistent_records(redis_server, postgres_server):  # noqa: F811
    from sandbox import SandboxGitHub

    url = postgres_server.create_database()
    with SandboxGitHub() as sandbox, BotStack(sandbox, redis_server.url, workers=2,
                                              extra_env={"DEV_AGENT_DATABASE_URL": url}) as stack:
        token, _key = KeyStore(stack.settings()).create("load", ["request", "read"],
                                                        installation=stack.installation["id"], owner="alice")
        auth = {"Authorization": f"Bearer {token}"}

        def ask(i: int) -> dict:
            body = {"repository": stack.full_name,
                    "spec": {"name": f"load-{i:03d}", "cloud": "aws", "region": "us-west-2", "tier": "dev"}}
            answer = httpx.post(f"{stack.url}/api/environments", json=body, headers=auth, timeout=120)
            assert answer.status_code == 202, answer.text
            return answer.json()

        with ThreadPoolExecutor(8) as pool:
            accepted = list(pool.map(ask, range(REQUESTS)))
        registry = Registry(stack.settings())

        def all_done() -> bool:
            jobs = [registry.job(a["job_id"]) for a in accepted]
            return all(j is not None and j.status in {"done", "failed"} for j in jobs)

        wait_for(all_done, 1800, interval=2, what=f"{REQUESTS} plan jobs")
        records = {r.name: r for r in registry.environments()}
        assert sorted(records) == [f"load-{i:03d}" for i in range(REQUESTS)]
        pulls = [p for p in stack.pulls("open") if p["head"]["ref"].startswith("dev-agent/load-")]
        assert len(pulls) == REQUESTS == len({p["head"]["ref"] for p in pulls})  # one PR per environment
        by_branch = {p["head"]["ref"]: p["html_url"] for p in pulls}
        for answer in accepted:
            job = registry.job(answer["job_id"])
            assert job is not None and job.status == "done", job
            record = records[job.environment or ""]
            assert record.status == "planned" and record.owner == "alice" and record.monthly_cost_usd is not None
            assert record.pr_url == by_branch[f"dev-agent/{record.name}"] == job.links["pull_request"]
            assert record.issue_url == answer["issue_url"] == job.links["issue"]
            history = registry.history(record.name, stack.full_name)
            assert history[-1].status == "planned" and len({h.changes.get("pr_url") for h in history} - {None}) == 1
