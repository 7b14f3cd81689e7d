"""Operations on the real stack (sandbox GitHub, Redis, `dev-agent serve` + worker): after an issue -> PR run,
/metrics, the dashboard and the API show it; the API files request issues; no secret reaches the logs."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from bot.api.keys import KeyStore
from tests.support.bot_stack import SECRET, BotStack, wait_for
from tests.support.redis_server import free_port, redis_server  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


@pytest.fixture(scope="module")
def run(sandbox, redis_server, tmp_path_factory):  # noqa: F811
    """One request served to a PR, with every bot process's stderr in `log` and counters shared across processes."""
    tmp = tmp_path_factory.mktemp("ops")
    metrics_dir = tmp / "prometheus"
    metrics_dir.mkdir()
    log = tmp / "bot.log"
    worker_metrics = free_port()
    with BotStack(sandbox, redis_server.url, extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
                  log_path=log, worker_args=["--metrics-port", str(worker_metrics)]) as stack:
        stack.worker_metrics_url = f"http://127.0.0.1:{worker_metrics}/metrics"
        stack.metrics_dir = metrics_dir
        keys = KeyStore(stack.settings())
        installation = stack.installation["id"]
        read, _ = keys.create("dashboard", ["read"], installation=installation)
        request, _ = keys.create("portal", ["request", "read"], installation=installation, owner="alice")
        eve, _ = keys.create("eve-portal", ["request"], installation=installation, owner="eve")
        stack.open_request("ops-web")
        pull = stack.wait_for_pull("ops-web")
        wait_for(lambda: _api(stack, read, "/api/environments").json(), what="registry record")
        yield stack, pull, {"read": read, "request": request, "eve": eve}, log


def _api(stack: BotStack, token: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(kwargs.pop("method", "GET"), stack.url + path, headers={"Authorization": f"Bearer {token}"},
                         timeout=15, **kwargs)


def _sample(metrics: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in metrics.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? ([0-9.e+-]+)$", line)
        if match and all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()):
            total += float(match.group(2))
    return total


def test_metrics_count_the_webhooks_the_pr_and_the_job_stages(run):
    stack, _pull, _tokens, _log = run
    response = httpx.get(f"{stack.url}/metrics", timeout=15)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert _sample(text, "dev_agent_webhooks_total", event="issues", outcome="accepted") >= 1
    assert _sample(text, "dev_agent_pull_requests_total", action="opened") >= 1
    for stage in ("parse", "generate", "cost", "github"):
        assert _sample(text, "dev_agent_job_stage_seconds_count", stage=stage) >= 1, stage
    assert _sample(text, "dev_agent_github_api_calls_total") > 0
    assert _sample(text, "dev_agent_github_rate_limit_remaining") > 0
    planned = _sample(text, "dev_agent_monthly_cost_usd", environment=f"{stack.full_name}/ops-web")
    assert planned > 0
    assert _sample(text, "dev_agent_managed_monthly_cost_usd") == 0  # planned, not applied: nothing runs yet
    from bot.store.registry import EnvironmentRecord, Registry

    Registry(stack.settings()).upsert(EnvironmentRecord(name="ops-live", repository=stack.full_name, status="applied",
                                                        monthly_cost_usd=42.5))
    scraped = httpx.get(f"{stack.url}/metrics", timeout=15).text  # read from the database at the scrape
    assert _sample(scraped, "dev_agent_managed_monthly_cost_usd") == 42.5


def test_the_worker_serves_its_jobs_metrics_from_one_file_set_per_worker(run):
    stack, _pull, _tokens, _log = run
    stack.open_request("ops-second")  # a second job, in a second forked work horse
    stack.wait_for_pull("ops-second")

    def second_pr_counted() -> str | None:
        text = httpx.get(stack.worker_metrics_url, timeout=15).text
        return text if _sample(text, "dev_agent_pull_requests_total", action="opened") >= 2 else None

    text = wait_for(second_pr_counted, what="the second PR in the worker's metrics")
    assert _sample(text, "dev_agent_job_stage_seconds_count", stage="parse") >= 2
    (worker,) = stack.workers
    counter_files = sorted(p.name for p in stack.metrics_dir.glob("counter_*.db"))
    # rq forks a work horse per job; they all write the worker's `jobs-<pid>` files (the directory does not
    # grow with the number of jobs)
    assert f"counter_jobs-{worker.pid}.db" in counter_files
    assert len(counter_files) <= 3, counter_files  # web, worker, the worker's horses


def test_dashboard_and_api_list_the_environment_with_its_cost(run):
    stack, pull, tokens, _log = run
    [record] = [r for r in _api(stack, tokens["read"], "/api/environments").json() if r["name"] == "ops-web"]
    assert record["repository"] == stack.full_name and record["status"] in {"planned", "refused"}
    assert record["monthly_cost_usd"] > 0 and record["pr_url"].endswith(f"/pull/{pull['number']}")
    assert record["expires_on"] and record["report"] == ""  # the list leaves reports out
    detail = _api(stack, tokens["read"], "/api/environments/ops-web").json()
    assert "ops-web" in detail["report"]

    for path in ("/", f"/environments/{stack.full_name}/ops-web"):  # no session: the login form, no report
        answer = httpx.get(f"{stack.url}{path}", timeout=15)
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/login", path
    with httpx.Client(base_url=stack.url, timeout=15, follow_redirects=True) as browser:
        assert browser.post("/dashboard/login", data={"key": tokens["read"]}).url.path == "/"
        page = browser.get("/").text
    assert "ops-web" in page and f"{record['monthly_cost_usd']:.2f}" in page
    assert "14 days left" in page or "13 days left" in page

    assert _api(stack, tokens["read"], "/api/environments/nope").status_code == 404
    assert httpx.get(f"{stack.url}/api/environments", timeout=15).status_code == 401
    assert httpx.get(f"{stack.url}/openapi.json", timeout=15).json()["paths"]["/api/environments"]
    assert httpx.get(f"{stack.url}/docs", timeout=15).status_code == 200


def test_api_request_opens_an_issue_for_an_allowed_requester_only(run):
    stack, _pull, tokens, _log = run
    body = {"repository": stack.full_name,
            "text": "dev environment ops-api for a FastAPI app with Postgres on AWS us-west-2, $300/month, 7 days"}
    assert _api(stack, tokens["read"], "/api/environments", method="POST", json=body).status_code == 403
    response = _api(stack, tokens["request"], "/api/environments", method="POST", json=body)
    assert response.status_code == 202, response.text
    accepted = response.json()
    number = int(accepted["issue_url"].rsplit("/", 1)[1])
    issue = stack.api("GET", f"/issues/{number}")
    assert "ops-api" in issue["body"] and "@alice" in issue["body"]
    assert {label["name"] for label in issue["labels"]} == {"environment-request"}
    job = wait_for(lambda: (j := _api(stack, tokens["read"], accepted["status_url"]).json())["status"] == "done" and j,
                   60, what="the API request's plan job")  # the API queues the plan: no comment needed
    assert job["links"]["issue"] == accepted["issue_url"]

    forged = _api(stack, tokens["request"], "/api/environments", method="POST", json={**body, "requested_by": "bob"})
    assert forged.status_code == 400 and "key's owner" in forged.json()["detail"]  # requested_by is the key's owner
    refused = _api(stack, tokens["eve"], "/api/environments", method="POST", json=body)
    assert refused.status_code == 403 and "write access" in refused.json()["detail"]


def test_a_key_for_one_installation_cannot_list_or_file_for_another(run, sandbox, redis_server):  # noqa: F811
    """A second installation of the same App (another account): each key sees and files only for its own."""
    from bot.store.registry import EnvironmentRecord, Registry

    stack, _pull, tokens, _log = run
    other = f"globex/infra-{stack.repo[-8:]}"
    sandbox.create_repo(*other.split("/"))
    sandbox.add_collaborator(*other.split("/"), "alice", "write")
    installation = sandbox.install(stack.app, other)["id"]
    assert installation != stack.installation["id"]
    Registry(stack.settings()).upsert(EnvironmentRecord(name="globex-dev", repository=other,
                                                                            status="planned", report="globex report"))
    keys = KeyStore(stack.settings())
    globex, _ = keys.create("globex", ["read", "request"], installation=installation, owner="alice")

    mine = {e["name"] for e in _api(stack, tokens["read"], "/api/environments").json()}
    theirs = {e["name"] for e in _api(stack, globex, "/api/environments").json()}
    assert "ops-web" in mine and "globex-dev" not in mine and theirs == {"globex-dev"}
    peek = _api(stack, tokens["read"], f"/api/environments/globex-dev?repository={other}")
    assert peek.status_code == 403 and peek.json()["detail"].endswith(f"{other} is outside it")
    filed = _api(stack, tokens["request"], "/api/environments", method="POST",
                 json={"repository": other, "text": "dev environment for a FastAPI app on AWS us-west-2, 7 days"})
    assert filed.status_code == 403 and "limited to installation" in filed.json()["detail"]
    assert sandbox.request("GET", f"/repos/{other}/issues", sandbox.token_for("alice")) == []  # nothing filed
    assert _api(stack, globex, "/api/environments", method="POST",
                json={"repository": stack.full_name, "text": "dev environment"}).status_code == 403

    with httpx.Client(base_url=stack.url, timeout=15) as browser:  # the dashboard session has the key's scope
        assert browser.post("/dashboard/login", data={"key": globex}).status_code == 303
        page = browser.get("/").text
        assert "globex-dev" in page and "ops-web" not in page
        assert browser.get(f"/environments/{stack.full_name}/ops-web").status_code == 404



def test_no_secret_reaches_the_logs(run, sandbox):
    stack, _pull, tokens, log = run
    httpx.post(f"{stack.url}/webhooks", content=b"{}", timeout=15,
               headers={"X-GitHub-Event": "issues", "X-Hub-Signature-256": "sha256=" + "0" * 64,
                        "Authorization": f"Bearer {tokens['request']}"})
    _api(stack, "da_wrong_" + "x" * 30, "/api/environments")
    text = log.read_text(errors="replace")
    assert "correlation_id" in text  # the worker logged in JSON with the delivery id
    key_lines = stack.app["private_key_pem"].strip().splitlines()[1:3]
    tokens_issued = list(sandbox.core.state.tokens)  # installation (and user) tokens the sandbox handed out
    assert tokens_issued
    for secret in [SECRET, *key_lines, *tokens.values(), *tokens_issued]:
        assert secret not in text


def test_a_fresh_server_exposes_its_metric_families(sandbox, redis_server, tmp_path):  # noqa: F811
    """Before any delivery, /metrics already has the labelled series dashboards and alerts bind to (at 0)."""
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    with BotStack(sandbox, redis_server.url, extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}) as stack:
        text = httpx.get(stack.url + "/metrics", timeout=15).text
    series = {line.split(" ")[0] for line in text.splitlines() if line.startswith("dev_agent_")}
    assert len(series) >= 10, sorted(series)
    assert 'dev_agent_webhooks_total{event="issues",outcome="accepted"}' in series
    assert 'dev_agent_applies_total{action="apply",outcome="failed"}' in series
    assert 'dev_agent_pull_requests_total{action="opened",kind="request"}' in series
    assert _sample(text, "dev_agent_job_stage_seconds_count", stage="check") == 0
    for status in ("200", "403", "429", "502"):  # what a rate-limit or GitHub-outage alert binds to
        assert f'dev_agent_github_api_calls_total{{method="GET",status="{status}"}}' in series, status
    # every labelled family of the operations runbook's table has its series, but per-environment cost (no
    # environment is known to a fresh server)
    runbook = (ROOT / "docs" / "operations.md").read_text()
    labelled = re.findall(r"^\| `(dev_agent_\w+)` \| `", runbook, re.M)
    assert len(labelled) >= 8, labelled
    bound = {name.split("{")[0] for name in series if "{" in name}
    missing = {f for f in labelled if not {f, f + "_total", f + "_count"} & bound}
    assert missing == {"dev_agent_monthly_cost_usd"}, missing
