"""REST API and dashboard: keys, scopes and installation scopes, requester = key owner, JSON errors, request flow,
key-backed dashboard sessions, escaped pages, TTL countdown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.dashboard import build_dashboard_router, days_left
from bot.api.keys import ApiKey, KeyStore
from bot.api.request_issues import plan_delivery
from bot.api.routes import OpenedRequest, build_api_router
from bot.intake.webhooks import Delivery
from bot.settings import Settings
from bot.store.registry import EnvironmentRecord, Registry

INSTALLATIONS = {"acme": 7, "globex": 8}  # account -> App installation id


def installation_of(repository: str) -> int | None:
    return INSTALLATIONS.get(repository.split("/", 1)[0])


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
    app.include_router(build_api_router(keys, registry, open_request, submit, installation_of))
    app.include_router(build_dashboard_router(registry, keys, installation_of))
    read, _ = keys.create("reader", ["read"], installation=7)
    request, _ = keys.create("requester", ["request", "read"], installation=7, owner="octocat")
    mallory, _ = keys.create("mallory", ["request", "read"], installation=7, owner="mallory")
    globex, _ = keys.create("globex", ["request", "read"], installation=8, owner="wile")
    one_repo, _ = keys.create("one-repo", ["read"], installation=7, repositories=["acme/web"])
    tokens = {"read": read, "request": request, "mallory": mallory, "globex": globex, "one_repo": one_repo}
    return TestClient(app), registry, tokens, opened, queued


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
        ({"repository": "acme/infra", "requested_by": "octocat",
          "spec": {"name": "a-dev", "cloud": "aws", "region": "mars-1"}}, 422, "region"),
        ({"repository": "acme/infra", "requested_by": "mallory", "text": "a dev env"}, 400, "not this key's owner"),
        ({"repository": "globex/infra", "text": "a dev env"}, 403, "limited to installation 7"),
        ({"repository": "acme/infra", "requested_by": "octocat", "text": "x" * 1_100_000}, 413, "body"),
    ],
)
def test_bad_requests_get_json_errors_and_open_nothing(world, body, status, fragment) -> None:
    client, _registry, tokens, opened, queued = world
    response = client.post("/api/environments", headers=_auth(tokens["request"]), json=body)
    assert response.status_code == status
    assert fragment in response.json()["detail"]
    assert opened == [] and queued == []


def _sign_in(client: TestClient, token: str):
    return client.post("/dashboard/login", data={"key": token}, follow_redirects=False)


def test_dashboard_escapes_and_counts_down(world) -> None:
    client, registry, tokens, _opened, _queued = world
    assert _sign_in(client, tokens["read"]).status_code == 303
    registry.upsert(EnvironmentRecord(name="web-dev", repository="acme/infra", owner="<script>alert(1)</script>",
                                      status="applied", monthly_cost_usd=40,
                                      expires_on=dt.date.today() + dt.timedelta(days=3),
                                      report="<img src=x onerror=alert(1)>"))
    page = client.get("/").text
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "3 days left" in page and "$40.00/month under management" in page
    detail = client.get("/environments/acme/infra/web-dev").text
    assert "onerror" not in detail and "<script>" not in detail  # the report is rendered, then sanitised
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
    expired_token, expired = keys.create("old", ["read"], expires_in_days=1, installation=7)
    keys._save(expired.model_copy(update={"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}))
    revoked_token, revoked = keys.create("gone", ["read"], installation=7)
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

    response = client.post("/api/environments",
                           headers={**_auth(tokens["request"]), "Content-Type": "application/json"},
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
    app.include_router(build_api_router(keys, registry, open_request, submit, installation_of))
    token, _ = keys.create("requester", ["request", "read"], installation=7, owner="octocat")
    answer = TestClient(app).post("/api/environments", headers=_auth(token),
                                  json={"repository": "acme/infra", "text": "a dev env"})
    assert answer.status_code == 503
    assert "issues/9" in answer.json()["detail"] and "/dev-agent plan" in answer.json()["detail"]
    assert [job.status for job in registry.jobs()] == ["failed"]


def _seed(registry: Registry) -> None:
    for name, repository in [("web-dev", "acme/web"), ("infra-dev", "acme/infra"), ("secret-dev", "globex/infra")]:
        registry.upsert(EnvironmentRecord(name=name, repository=repository, status="applied", monthly_cost_usd=10,
                                          report=f"# report of {name}"))


def test_a_key_sees_and_acts_only_on_its_installation_or_repositories(world) -> None:
    client, registry, tokens, opened, queued = world
    _seed(registry)

    def names(token: str) -> list[str]:
        return sorted(e["name"] for e in client.get("/api/environments", headers=_auth(token)).json())

    assert names(tokens["read"]) == ["infra-dev", "web-dev"]
    assert names(tokens["globex"]) == ["secret-dev"]
    assert names(tokens["one_repo"]) == ["web-dev"]
    assert client.get("/api/environments/secret-dev", headers=_auth(tokens["read"])).status_code == 404
    other = client.get("/api/environments/secret-dev?repository=globex/infra", headers=_auth(tokens["read"]))
    assert other.status_code == 403
    assert other.json() == {"detail": "this API key is limited to installation 7; globex/infra is outside it"}
    assert client.get("/api/environments/secret-dev", headers=_auth(tokens["globex"])).json()["report"] == \
        "# report of secret-dev"

    filed = client.post("/api/environments", headers=_auth(tokens["globex"]),
                        json={"repository": "acme/infra", "text": "a dev env"})
    assert filed.status_code == 403 and "limited to installation 8" in filed.json()["detail"]
    assert opened == [] and queued == []
    accepted = client.post("/api/environments", headers=_auth(tokens["globex"]),
                           json={"repository": "globex/infra", "text": "a dev env"}).json()
    # the job belongs to globex: another installation's key cannot read it
    assert client.get(accepted["status_url"], headers=_auth(tokens["read"])).status_code == 404
    assert client.get(accepted["status_url"], headers=_auth(tokens["globex"])).json()["status"] == "queued"


def test_requests_are_filed_for_the_key_owner_never_the_body(world) -> None:
    client, _registry, tokens, opened, queued = world
    accepted = client.post("/api/environments", headers=_auth(tokens["request"]),
                           json={"repository": "acme/infra", "text": "a dev env"})
    assert accepted.status_code == 202
    assert [o[1] for o in opened] == ["octocat"] and queued[0].payload["sender"]["login"] == "octocat"
    forged = client.post("/api/environments", headers=_auth(tokens["request"]),
                         json={"repository": "acme/infra", "requested_by": "admin-alice", "text": "a dev env"})
    assert forged.status_code == 400 and "not this key's owner (octocat)" in forged.json()["detail"]
    refused = client.post("/api/environments", headers=_auth(tokens["mallory"]),
                          json={"repository": "acme/infra", "text": "a dev env"})
    assert refused.status_code == 403 and "policy" in refused.json()["detail"]
    assert len(opened) == 1 and len(queued) == 1


def test_keys_made_before_scopes_are_refused_with_how_to_fix(world, tmp_path: Path) -> None:
    import datetime as dt

    client, _registry, _tokens, _opened, _queued = world
    keys = KeyStore(Settings(state_dir=tmp_path))
    token, key = keys.create("legacy", ["read"], installation=7)
    legacy = ApiKey.model_validate({k: v for k, v in key.model_dump().items() if k not in {"installation", "owner"}})
    assert legacy.installation is None and legacy.created_at <= dt.datetime.now(dt.UTC)
    keys._save(legacy)
    answer = client.get("/api/environments", headers=_auth(token))
    assert answer.status_code == 403
    assert "no installation scope" in answer.json()["detail"] and "--installation ID" in answer.json()["detail"]
    assert _sign_in(client, token).status_code == 403


def test_key_creation_needs_a_valid_scope_and_an_owner_for_requests(tmp_path: Path) -> None:
    keys = KeyStore(Settings(state_dir=tmp_path))
    for kwargs, fragment in [({"installation": 7}, "--owner"), ({"installation": 0, "owner": "o"}, "installation"),
                             ({"installation": 7, "owner": "o", "repositories": ["x"]}, "owner/name"),
                             ({"installation": 7, "owner": "bad login"}, "GitHub login")]:
        with pytest.raises(ValueError, match=fragment):
            keys.create("k", ["request"], **kwargs)
    assert keys.list() == []


def test_the_dashboard_needs_a_session_and_shows_only_its_scope(world, tmp_path: Path) -> None:
    client, registry, tokens, _opened, _queued = world
    _seed(registry)
    for path in ("/", "/environments/acme/web/web-dev", "/environments/globex/infra/secret-dev"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/login", path
    assert 'name="key"' in client.get("/dashboard/login").text
    wrong = _sign_in(client, "da_nope_nope")
    assert wrong.status_code == 401 and "unknown API key" in wrong.text
    assert "dev_agent_session" not in wrong.headers.get("set-cookie", "")

    signed = _sign_in(client, tokens["one_repo"])
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie and "path=/" in cookie
    page = client.get("/").text
    assert "web-dev" in page and "infra-dev" not in page and "secret-dev" not in page
    assert "$10.00/month under management" in page and "installation 7 (acme/web)" in page
    assert "<h1>report of web-dev</h1>" in client.get("/environments/acme/web/web-dev").text
    assert client.get("/environments/globex/infra/secret-dev").status_code == 404
    assert client.get("/environments/acme/infra/infra-dev").status_code == 404

    session = client.cookies["dev_agent_session"]
    key_id, expires, mac = session.split(".")
    client.cookies.clear()
    client.cookies.set("dev_agent_session", f"{tokens['globex'].split('_')[1]}.{expires}.{mac}")  # forged key id
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("dev_agent_session", f"{key_id}.{int(expires) + 3600}.{mac}")  # stretched expiry
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("dev_agent_session", session)
    assert client.get("/", follow_redirects=False).status_code == 200
    KeyStore(Settings(state_dir=tmp_path)).revoke(key_id)  # revoking a key ends its sessions
    assert client.get("/", follow_redirects=False).status_code == 303
    out = client.post("/dashboard/logout", follow_redirects=False)
    assert out.headers["location"] == "/dashboard/login"
    assert 'dev_agent_session=""' in out.headers["set-cookie"] and "max-age=0" in out.headers["set-cookie"].lower()


def test_the_dashboard_filters_by_repository_state_and_owner_within_the_scope(world) -> None:
    client, registry, tokens, _opened, _queued = world
    _seed(registry)
    registry.upsert(EnvironmentRecord(name="old-dev", repository="acme/infra", status="destroyed", owner="carol",
                                      monthly_cost_usd=99))
    registry.upsert(EnvironmentRecord(name="web-dev", repository="acme/web", owner="alice"))
    assert _sign_in(client, tokens["read"]).status_code == 303  # installation 7: acme/web and acme/infra

    def shown(query: str) -> list[str]:
        page = client.get("/" + query).text
        return sorted(set(re.findall(r'<td><a href="/environments/[^/"]+/[^/"]+/([^"]+)">', page)))

    assert shown("") == ["infra-dev", "old-dev", "web-dev"]
    assert shown("?repository=acme/infra") == ["infra-dev", "old-dev"]
    assert shown("?state=applied") == ["infra-dev", "web-dev"]
    assert shown("?repository=acme/infra&state=destroyed") == ["old-dev"]
    assert shown("?owner=alice") == ["web-dev"]
    assert shown("?repository=globex/infra") == []  # outside the key's scope: a filter cannot reach it
    assert "$10.00/month under management" in client.get("/?repository=acme/infra").text  # destroyed not counted
