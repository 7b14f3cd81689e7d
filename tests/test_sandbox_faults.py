"""Fault injection: 5xx answers, 403 secondary rate limits with retry-after, slow responses; and
PyGithub's retry recovering from them."""

from __future__ import annotations

import time

import httpx
import pytest
from github import Auth, Github, GithubException, GithubRetry

from sandbox import SandboxGitHub

# PyGithub throttles to 4 requests/s and 1 write/s by default; the sandbox needs no politeness.
NO_THROTTLE = {"seconds_between_requests": 0, "seconds_between_writes": 0}


@pytest.fixture(scope="module")
def sandbox():
    with SandboxGitHub() as sandbox:
        sandbox.create_repo("acme", "web")
        yield sandbox


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.clear_faults()
    sandbox.reset_calls()


def test_secondary_rate_limit_answers_403_with_retry_after(sandbox):
    sandbox.inject_fault(r"^/repos/acme/web$", "403-secondary", method="GET", retry_after=7)
    token = sandbox.token_for("acme")
    first = httpx.get(f"{sandbox.url}/repos/acme/web", headers={"Authorization": f"token {token}"})
    assert first.status_code == 403
    assert first.headers["retry-after"] == "7"
    assert "secondary rate limit" in first.json()["message"]
    assert first.headers["x-ratelimit-remaining"].isdigit()
    assert first.headers["content-type"] == "application/json; charset=utf-8"
    second = httpx.get(f"{sandbox.url}/repos/acme/web", headers={"Authorization": f"token {token}"})
    assert second.status_code == 200


def test_server_errors_are_counted_down_then_clear(sandbox):
    sandbox.inject_fault(r"/issues$", 502, method="POST", count=2)
    token = sandbox.token_for("acme")
    statuses = [
        httpx.post(
            f"{sandbox.url}/repos/acme/web/issues", json={"title": "t"}, headers={"Authorization": f"token {token}"}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [502, 502, 201]
    assert sandbox.calls["POST /repos/{owner}/{repo}/issues"] == 3


def test_slow_responses_take_the_injected_delay(sandbox):
    sandbox.inject_fault(r"/branches/", None, delay_seconds=0.6)
    started = time.monotonic()
    response = httpx.get(f"{sandbox.url}/repos/acme/web/branches/main")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.6


def test_pygithub_retries_through_5xx_and_secondary_limits(sandbox):
    sandbox.inject_fault(r"^/repos/acme/web$", 500, count=1)
    sandbox.inject_fault(r"^/repos/acme/web$", "403-secondary", count=1, retry_after=1)
    retry = GithubRetry(total=4, backoff_factor=0.01)
    gh = Github(
        **NO_THROTTLE, base_url=f"{sandbox.url}/api/v3", auth=Auth.Token(sandbox.token_for("acme")), retry=retry
    )
    started = time.monotonic()
    assert gh.get_repo("acme/web").full_name == "acme/web"
    assert time.monotonic() - started >= 1  # honoured retry-after
    assert sandbox.calls["GET /repos/{owner}/{repo}"] == 3


def test_without_retries_pygithub_surfaces_the_error(sandbox):
    sandbox.inject_fault(r"/repos/acme/web$", 503, count=1)
    gh = Github(**NO_THROTTLE, base_url=f"{sandbox.url}/api/v3", auth=Auth.Token(sandbox.token_for("acme")), retry=None)
    with pytest.raises(GithubException) as caught:
        gh.get_repo("acme/web")
    assert caught.value.status == 503


def test_bad_fault_specs_are_rejected(sandbox):
    response = httpx.post(f"{sandbox.url}/sandbox/faults", json={"path_regex": "(", "status": 500})
    assert response.status_code == 422
    response = httpx.post(f"{sandbox.url}/sandbox/faults", json={"path_regex": ".*", "status": 418})
    assert response.status_code == 422
    assert sandbox.request("GET", "/sandbox/faults") == []
