"""Sandbox control endpoints and the Python API: fixtures, stats, reset, bad input, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from sandbox import SandboxError, SandboxGitHub


@pytest.fixture()
def sandbox():
    with SandboxGitHub() as sandbox:
        yield sandbox


@pytest.fixture()
def client(sandbox):
    with httpx.Client(base_url=sandbox.url) as client:
        yield client


def test_stats_count_api_calls_per_operation_but_not_control_calls(sandbox):
    sandbox.create_repo("acme", "web")
    token = sandbox.token_for("acme")
    for _ in range(3):
        sandbox.request("GET", "/repos/acme/web", token)
    sandbox.request("GET", "/api/v3/repos/acme/web/git/ref/heads/main", token)
    stats = sandbox.request("GET", "/sandbox/stats")
    assert stats["calls"] == {"GET /repos/{owner}/{repo}": 3, "GET /repos/{owner}/{repo}/git/ref/{ref}": 1}
    assert stats["total"] == 4 and sandbox.calls == stats["calls"]
    sandbox.reset_calls()
    assert sandbox.calls == {}


def test_reset_forgets_everything_including_repos_on_disk(sandbox):
    sandbox.create_repo("acme", "web")
    bare = sandbox.root / "repos/acme/web.git"
    assert bare.is_dir()
    sandbox.reset()
    assert not bare.exists()
    assert sandbox.request("GET", "/repos/acme/web", expect=(404,))["message"] == "Not Found"
    sandbox.create_repo("acme", "web")  # names are free again


def test_bad_fixture_input_is_rejected_with_the_field_named(sandbox, client):
    response = client.post("/sandbox/users", json={"login": "bad login!"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "login"
    sandbox.create_user("alice")
    with pytest.raises(SandboxError, match="already_exists"):
        sandbox.create_user("alice")
    with pytest.raises(SandboxError, match="name"):
        sandbox.create_repo("alice", "bad/name")
    with pytest.raises(SandboxError, match="'owner/name'"):
        sandbox.install({"id": 1}, "no-slash")
    malformed = client.post("/sandbox/users", content=b"{not json")
    assert malformed.status_code == 400 and malformed.json()["message"] == "Problems parsing JSON"


def test_bot_users_and_app_bots_are_type_bot(sandbox):
    bot = sandbox.create_bot("renovate")
    assert (bot["login"], bot["type"]) == ("renovate[bot]", "Bot")
    app = sandbox.create_app("dev-agent")
    assert app["bot_login"] == "dev-agent[bot]"
    assert sandbox.request("GET", "/users/dev-agent[bot]", expect=(404,))  # unknown REST path: GitHub 404


def test_unknown_paths_and_methods_answer_like_github(sandbox, client):
    sandbox.create_repo("acme", "web")
    missing = client.get("/nope/nothing/here")
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"
    wrong_method = client.put("/repos/acme/web")
    assert wrong_method.status_code == 405
    head = client.head("/repos/acme/web")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
    anonymous_write = client.post("/repos/acme/web/issues", json={"title": "x"})
    assert anonymous_write.status_code == 401 and anonymous_write.json()["message"] == "Requires authentication"


def test_concurrent_writers_get_distinct_issue_numbers_and_refs(sandbox, client):
    sandbox.create_repo("acme", "web")
    token = sandbox.token_for("acme")
    main = sandbox.request("GET", "/repos/acme/web/git/ref/heads/main", token)["object"]["sha"]

    auth = {"Authorization": f"token {token}"}

    def work(i: int) -> int:
        ref = {"ref": f"refs/heads/b{i}", "sha": main}
        client.post("/repos/acme/web/git/refs", json=ref, headers=auth).raise_for_status()
        return client.post("/repos/acme/web/issues", json={"title": f"t{i}"}, headers=auth).json()["number"]

    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(work, range(24)))
    assert sorted(numbers) == list(range(1, 25))
    refs = sandbox.request("GET", "/repos/acme/web/git/matching-refs/heads/b", token)
    assert len(refs) == 24
