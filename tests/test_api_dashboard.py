"""REST API and dashboard: keys and scopes, JSON errors, request flow, escaped pages, TTL countdown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.dashboard import build_dashboard_router, days_left
from bot.api.keys import KeyStore
from bot.api.request_issues import plan_delivery
from bot.api.routes import OpenedRequest, build_api_router
from bot.intake.webhooks import Delivery
from bot.settings import Settings
from bot.store.registry import EnvironmentRecord, Registry


@pytest.fixture()
def world(tmp_path: Path):
    settings = Settings(state_dir=tmp_path)
    keys, registry = KeyStore(settings), Registry(settings)
    opened: list[tuple[str, str, str, str]] = []
    queued: list[Delivery] = []

    def open_request(repository: str, login: str, title: str, body: str) -> OpenedRequest:
        if login == "mallory":
            raise PermissionError("mallory may not request environments (policy: requesters)")
        opened.append((repository, login, title, body))
        url = f"http://github.local/{repository}/issues/{len(opened)}"
        issue = {"number": len(opened), "html_url": url, "title": title, "body": body}
        return OpenedRequest(url, plan_delivery(issue, {"full_name": repository}, 7, login))

    async def submit(delivery: Delivery) -> bool:
        queued.append(delivery)
        return True

    app = FastAPI()
    app.include_router(build_api_router(keys, registry, open_request, submit))
    app.include_router(build_dashboard_router(registry))
    read, _ = keys.create("reader", ["read"])
    request, _ = keys.create("requester", ["request", "read"])
    return TestClient(app), registry, {"read": read, "request": request}, opened, queued


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_keys_are_required_and_scoped(world) -> None:
    client, _registry, tokens, _opened, _queued = world
    assert client.get("/api/environments").status_code == 401
    assert client.get("/api/environments", headers=_auth("da_nope_nope")).json() == {"detail": "unknown API key"}
    response = client.post("/api/environments", headers=_auth(tokens["read"]), json={})
    assert response.status_code == 403 and "request" in response.json()["detail"]


def test_listing_and_unknown_names(world) -> None:
    client, registry, tokens, _opened, _queued = world
    registry.upsert(EnvironmentRecord(name="payments-api-staging", repository="acme/infra", tier="staging",
                                      status="planned", monthly_cost_usd=312.4, report="# report"))
    listed = client.get("/api/environments", headers=_auth(tokens["read"])).json()
    assert [(e["name"], e["monthly_cost_usd"], e["report"]) for e in listed] == [("payments-api-staging", 312.4, "")]
    one = client.get("/api/environments/payments-api-staging", headers=_auth(tokens["read"])).json()
    assert one["report"] == "# report"
    missing = client.get("/api/environments/nope", headers=_auth(tokens["read"]))
    assert missing.status_code == 404 and missing.json()["detail"] == "no environment named 'nope'"
    assert client.get("/api/jobs/../../etc", headers=_auth(tokens["read"])).status_code == 404


def test_request_opens_an_issue_and_reports_the_job(world) -> None:
    client, _registry, tokens, opened, queued = world
    body = {"repository": "acme/infra", "requested_by": "octocat", "text": "dev env for a flask app in us-west-2"}
    accepted = client.post("/api/environments", headers=_auth(tokens["request"]), json=body)
    assert accepted.status_code == 202
    assert opened == [("acme/infra", "octocat", "Environment request", body["text"])]
    # The App opened the issue, so its webhook is a bot event: the API queues the plan for the requester.
    assert [(d.event, d.action, d.payload["sender"]["login"], d.payload["issue"]["number"]) for d in queued] == [
        ("issues", "opened", "octocat", 1)]
    job = client.get(accepted.json()["status_url"], headers=_auth(tokens["request"])).json()
    assert job["id"] == f"delivery-{queued[0].id}" and job["status"] == "queued"
    assert job["links"]["issue"] == accepted.json()["issue_url"]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"repository": "acme/infra", "requested_by": "octocat"}, 422, "exactly one"),
        ({"repository": "not a repo", "requested_by": "octocat", "text": "x"}, 422, "repository"),
        ({"repository": "acme/infra", "requested_by": "octocat", "spec": {"name": "a-dev", "cloud": "aws", "region": "mars-1"}}, 422, "region"),
        ({"repository": "acme/infra", "requested_by": "mallory", "text": "a dev env"}, 403, "policy"),
        ({"repository": "acme/infra", "requested_by": "octocat", "text": "x" * 1_100_000}, 413, "body"),
    ],
)
def test_bad_requests_get_json_errors_and_open_nothing(world, body, status, fragment) -> None:
    client, _registry, tokens, opened, queued = world
    response = client.post("/api/environments", headers=_auth(tokens["request"]), json=body)
    assert response.status_code == status
    assert fragment in response.json()["detail"]
    assert opened == [] and queued == []


def test_dashboard_escapes_and_counts_down(world) -> None:
    client, registry, _tokens, _opened, _queued = world
    registry.upsert(EnvironmentRecord(name="web-dev", repository="acme/infra", owner="<script>alert(1)</script>",
                                      status="applied", monthly_cost_usd=40, expires_on=dt.date.today() + dt.timedelta(days=3),
                                      report="<img src=x onerror=alert(1)>"))
    page = client.get("/").text
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "3 days left" in page and "$40.00/month under management" in page
    detail = client.get("/environments/acme/infra/web-dev").text
    assert "&lt;img src=x" in detail
    assert client.get("/environments/acme/infra/nope").status_code == 404


def test_days_left_wording() -> None:
    today = dt.date(2026, 11, 23)
    assert days_left(None) == "-"
    assert days_left(dt.date(2026, 11, 24), today) == "1 day left"
    assert days_left(today, today) == "expires today"
    assert days_left(dt.date(2026, 11, 20), today) == "expired 3 days ago"


def test_expired_revoked_and_malformed_keys_are_401_with_json(world, tmp_path: Path) -> None:
    client, _registry, tokens, _opened, _queued = world
    keys = KeyStore(Settings(state_dir=tmp_path))
    expired_token, expired = keys.create("old", ["read"], expires_in_days=1)
    keys._save(expired.model_copy(update={"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}))
    revoked_token, revoked = keys.create("gone", ["read"])
    keys.revoke(revoked.id)
    for header, fragment in [(_auth(expired_token), "expired"), (_auth(revoked_token), "revoked"),
                             ({"Authorization": f"Basic {tokens['read']}"}, "malformed"), ({}, "API key")]:
        response = client.get("/api/environments", headers=header)
        assert response.status_code == 401 and fragment in response.json()["detail"], (header, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


def test_oversized_streamed_body_is_413_and_opens_nothing(world) -> None:
    client, _registry, tokens, opened, _queued = world

    def chunks():  # no Content-Length: the limit holds while the body streams in
        yield b'{"repository": "acme/infra", "requested_by": "octocat", "text": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'"}'

    response = client.post("/api/environments", headers={**_auth(tokens["request"]), "Content-Type": "application/json"},
                           content=chunks())
    assert response.status_code == 413 and response.json() == {"detail": "request body over 1000000 bytes"}
    assert opened == []
    unknown_job = client.get("/api/jobs/nope", headers=_auth(tokens["read"]))
    assert unknown_job.status_code == 404 and unknown_job.json() == {"detail": "no job 'nope'"}


def test_bad_input_leaves_no_secret_in_the_logs(world) -> None:
    import io
    import logging

    from bot.logs import configure_logging

    client, _registry, tokens, _opened, _queued = world
    stream = io.StringIO()
    configure_logging(level="DEBUG", stream=stream)
    try:
        wrong = tokens["read"][:-4] + "zzzz"
        client.get("/api/environments", headers=_auth(wrong))
        client.post("/api/environments", headers=_auth(tokens["read"]), json={"text": tokens["request"]})
        client.post("/api/environments", headers=_auth(tokens["request"]),
                    json={"repository": "acme/infra", "requested_by": "octocat", "text": tokens["read"] * 40_000})
        client.post("/api/environments", headers=_auth(tokens["request"]),
                    json={"repository": "acme/infra", "requested_by": "mallory", "text": f"key {tokens['request']}"})
        client.get("/api/environments/nope", headers=_auth(tokens["read"]))
    finally:
        logging.getLogger().handlers.clear()
    text = stream.getvalue()
    assert "401 Unauthorized" in text and "413" in text  # the requests were logged
    for secret in (*tokens.values(), wrong):
        assert secret not in text


def test_a_queue_outage_after_the_issue_was_opened_names_the_issue(tmp_path: Path) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    settings = Settings(state_dir=tmp_path)
    keys, registry = KeyStore(settings), Registry(settings)

    def open_request(repository: str, login: str, title: str, body: str) -> OpenedRequest:
        url = f"http://github.local/{repository}/issues/9"
        return OpenedRequest(url, plan_delivery({"number": 9, "html_url": url}, {"full_name": repository}, 7, login))

    async def submit(delivery: Delivery) -> bool:
        raise RedisConnectionError("redis is down")

    app = FastAPI()
    app.include_router(build_api_router(keys, registry, open_request, submit))
    token, _ = keys.create("requester", ["request", "read"])
    answer = TestClient(app).post("/api/environments", headers=_auth(token),
                                  json={"repository": "acme/infra", "requested_by": "octocat", "text": "a dev env"})
    assert answer.status_code == 503
    assert "issues/9" in answer.json()["detail"] and "/dev-agent plan" in answer.json()["detail"]
    assert [job.status for job in registry.jobs()] == ["failed"]
