"""Every REST operation the sandbox implements answers with the status and body schema GitHub's
OpenAPI description documents (trimmed fixture: scripts/trim_openapi.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest
from jsonschema import validators
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from sandbox import SandboxGitHub
from sandbox.operations import OPERATIONS
from sandbox.routing import match

SPEC = json.loads((Path(__file__).parent / "fixtures/github/openapi/api.github.com.trimmed.json").read_text())


def _nullable_enum(validator, enums, instance, schema):
    if instance is None and schema.get("nullable"):
        return
    if instance not in enums:
        yield validators.ValidationError(f"{instance!r} is not one of {enums!r}")


# GitHub's description uses OpenAPI 3.0 loosely, so three keywords get the meaning GitHub intends:
# oneOf alternatives overlap (validation-error vs repository-rule-violation-error, user vs empty-object),
# so "valid under one of them" is checked; nullable enums (state_reason, conclusion) allow null; and the
# contents discriminator maps an *array* to content-directory, so discriminators are left as hints.
GitHubValidator = validators.extend(
    OAS30Validator,
    {
        "oneOf": validators.Draft4Validator.VALIDATORS["anyOf"],
        "enum": _nullable_enum,
        "discriminator": lambda *args: iter(()),
    },
)


class Recorder:
    """An httpx client that keeps (method, template, status, body) of every API response."""

    def __init__(self, url: str):
        self.client = httpx.Client(base_url=url, timeout=30)
        self.exchanges: list[tuple[str, str, int, object]] = []

    def call(self, method: str, path: str, token: str | None = None, expect: int | None = None, **kwargs):
        headers = {"Accept": "application/vnd.github+json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.request(method, path, headers=headers, **kwargs)
        route, _, _ = match(method, path.split("?")[0].removeprefix("/api/v3"))
        assert route is not None, path
        body = response.json() if response.content else None
        self.exchanges.append((method, route.template, response.status_code, body))
        if expect is not None:
            assert response.status_code == expect, (method, path, response.text)
        return body


def _scenario(sandbox: SandboxGitHub, rec: Recorder) -> None:
    """Drive every operation through success and typical failure answers."""
    import time

    import jwt

    alice = sandbox.create_user("alice")
    sandbox.create_user("bob")
    sandbox.create_org("acme")
    sandbox.create_repo("acme", "web", files={"README.md": "# web\n", "app/main.py": "print('hi')\n"})
    sandbox.add_collaborator("acme", "web", "alice", "write")
    app = sandbox.create_app("dev-agent")
    inst = sandbox.install(app, "acme/web")
    now = int(time.time())
    app_jwt = jwt.encode(
        {"iat": now - 30, "exp": now + 540, "iss": str(app["id"])}, app["private_key_pem"], algorithm="RS256"
    )
    rec.call("GET", "/app", app_jwt, 200)
    rec.call("GET", "/app/installations", app_jwt, 200)
    rec.call("GET", "/repos/acme/web/installation", app_jwt, 200)
    rec.call("GET", "/repos/acme/nope/installation", app_jwt, 404)
    token = rec.call("POST", f"/app/installations/{inst['id']}/access_tokens", app_jwt, 201)["token"]
    rec.call("POST", "/app/installations/999999/access_tokens", app_jwt, 404)
    rec.call("POST", f"/app/installations/{inst['id']}/access_tokens", "ghp_wrong", 401)
    rec.call("POST", f"/app/installations/{inst['id']}/access_tokens", app_jwt, 422, json={"repositories": ["missing"]})
    rec.call("GET", "/rate_limit", token, 200)

    # A user signs in through the App (OAuth web flow): a user-to-server token sees that user's repositories.
    signed = rec.client.post("/login/oauth/authorize", data={
        "client_id": app["client_id"], "redirect_uri": "http://127.0.0.1/cb", "state": "s", "login": "alice"})
    code = signed.headers["location"].split("code=")[1].split("&")[0]
    user_token = rec.client.post("/login/oauth/access_token", headers={"Accept": "application/json"}, data={
        "client_id": app["client_id"], "client_secret": app["client_secret"], "code": code}).json()["access_token"]
    rec.call("GET", "/user", user_token, 200)
    rec.call("GET", "/user", None, 401)
    rec.call("GET", "/user/installations", user_token, 200)
    rec.call("GET", "/user/installations", sandbox.token_for("alice"), 403)  # a personal token: not an App's
    rec.call("GET", f"/user/installations/{inst['id']}/repositories", user_token, 200)
    rec.call("GET", "/user/installations/999999/repositories", user_token, 404)

    r = "/repos/acme/web"
    rec.call("GET", r, token, 200)
    rec.call("GET", "/repos/acme/missing", token, 404)
    rec.call("GET", f"{r}/collaborators/alice", token, 204)
    rec.call("GET", f"{r}/collaborators/bob", token, 404)
    rec.call("GET", f"{r}/collaborators/alice/permission", token, 200)
    rec.call("GET", f"{r}/collaborators/nobody/permission", token, 404)
    sandbox.add_team_member("acme", "platform", "alice", "maintainer")
    rec.call("GET", "/orgs/acme/teams/platform/memberships/alice", token, 200)
    rec.call("GET", "/orgs/acme/teams/platform/memberships/bob", token, 404)
    main = rec.call("GET", f"{r}/git/ref/heads/main", token, 200)
    rec.call("GET", f"{r}/git/ref/heads/missing", token, 404)
    rec.call("GET", f"{r}/git/matching-refs/heads/", token, 200)
    base_sha = main["object"]["sha"]
    base_commit = rec.call("GET", f"{r}/git/commits/{base_sha}", token, 200)
    rec.call("GET", f"{r}/git/commits/{'0' * 40}", token, 404)
    blob = rec.call(
        "POST",
        f"{r}/git/blobs",
        token,
        201,
        json={"content": base64.b64encode(b"bin\x00ary").decode(), "encoding": "base64"},
    )
    rec.call("POST", f"{r}/git/blobs", token, 422, json={"content": 5})
    rec.call("GET", f"{r}/git/blobs/{blob['sha']}", token, 200)
    rec.call("GET", f"{r}/git/blobs/{'1' * 40}", token, 404)
    tree = rec.call(
        "POST",
        f"{r}/git/trees",
        token,
        201,
        json={
            "base_tree": base_commit["tree"]["sha"],
            "tree": [
                {"path": "envs/staging/main.tf", "mode": "100644", "type": "blob", "content": "terraform {}\n"},
                {"path": "data.bin", "mode": "100644", "type": "blob", "sha": blob["sha"]},
                {"path": "app/main.py", "mode": "100644", "type": "blob", "sha": None},
            ],
        },
    )
    rec.call("POST", f"{r}/git/trees", token, 422, json={"tree": [{"path": "x", "mode": "100644", "type": "blob"}]})
    rec.call("GET", f"{r}/git/trees/{tree['sha']}?recursive=1", token, 200)
    rec.call("GET", f"{r}/git/trees/{'2' * 40}", token, 404)
    commit = rec.call(
        "POST",
        f"{r}/git/commits",
        token,
        201,
        json={"message": "Add staging", "tree": tree["sha"], "parents": [base_sha]},
    )
    rec.call("POST", f"{r}/git/commits", token, 422, json={"message": "x", "tree": "3" * 40, "parents": []})
    rec.call("POST", f"{r}/git/refs", token, 201, json={"ref": "refs/heads/feature", "sha": base_sha})
    rec.call("POST", f"{r}/git/refs", token, 422, json={"ref": "refs/heads/feature", "sha": base_sha})
    rec.call("PATCH", f"{r}/git/refs/heads/feature", token, 200, json={"sha": commit["sha"], "force": False})
    rec.call("PATCH", f"{r}/git/refs/heads/feature", token, 422, json={"sha": base_sha, "force": False})
    rec.call("POST", f"{r}/git/refs", token, 201, json={"ref": "refs/heads/scratch", "sha": base_sha})
    rec.call("DELETE", f"{r}/git/refs/heads/scratch", token, 204)
    rec.call("DELETE", f"{r}/git/refs/heads/scratch", token, 422)
    rec.call("GET", f"{r}/contents/envs/staging/main.tf?ref=feature", token, 200)
    rec.call("GET", f"{r}/contents/envs?ref=feature", token, 200)
    rec.call("GET", f"{r}/contents/absent.txt", token, 404)
    rec.call("GET", f"{r}/branches/main", token, 200)
    rec.call("GET", f"{r}/branches/absent", token, 404)
    rec.call("GET", f"{r}/commits/{commit['sha']}", token, 200)
    rec.call("GET", f"{r}/commits/feature", token, 200)
    rec.call("GET", f"{r}/commits/absent-branch", token, 422)

    issue = rec.call(
        "POST",
        f"{r}/issues",
        alice["token"],
        201,
        json={"title": "staging for web", "body": "Postgres 16", "labels": ["env-request"]},
    )
    rec.call("POST", f"{r}/issues", token, 422, json={"body": "no title"})
    n = issue["number"]
    rec.call("GET", f"{r}/issues?state=all&per_page=1", token, 200)
    rec.call("GET", f"{r}/issues/{n}", token, 200)
    rec.call("GET", f"{r}/issues/999", token, 404)
    rec.call("PATCH", f"{r}/issues/{n}", token, 200, json={"title": "staging for web (edited)"})
    rec.call("PATCH", f"{r}/issues/999", token, 404, json={"title": "x"})
    comment = rec.call("POST", f"{r}/issues/{n}/comments", token, 201, json={"body": "Working on it"})
    rec.call("POST", f"{r}/issues/{n}/comments", token, 422, json={"body": ""})
    rec.call("POST", f"{r}/issues/999/comments", token, 404, json={"body": "x"})
    rec.call("GET", f"{r}/issues/{n}/comments", token, 200)
    rec.call("GET", f"{r}/issues/comments/{comment['id']}", token, 200)
    rec.call("GET", f"{r}/issues/comments/1", token, 404)
    rec.call("PATCH", f"{r}/issues/comments/{comment['id']}", token, 200, json={"body": "Done"})
    rec.call("PATCH", f"{r}/issues/comments/{comment['id']}", token, 422, json={"body": ""})
    rec.call("POST", f"{r}/issues/{n}/labels", token, 200, json={"labels": ["dev-agent"]})
    rec.call("POST", f"{r}/issues/{n}/labels", token, 422, json={"labels": [""]})
    rec.call("DELETE", f"{r}/issues/{n}/labels/dev-agent", token, 200)
    rec.call("DELETE", f"{r}/issues/{n}/labels/dev-agent", token, 404)
    rec.call("GET", f"{r}/labels", token, 200)
    rec.call("POST", f"{r}/labels", token, 201, json={"name": "cost", "color": "fbca04", "description": "Cost"})
    rec.call("POST", f"{r}/labels", token, 422, json={"name": "cost", "color": "fbca04"})
    rec.call("POST", f"{r}/issues/{n}/reactions", token, 201, json={"content": "eyes"})
    rec.call("POST", f"{r}/issues/{n}/reactions", token, 200, json={"content": "eyes"})
    rec.call("POST", f"{r}/issues/{n}/reactions", token, 422, json={"content": "nope"})
    rec.call("POST", f"{r}/issues/comments/{comment['id']}/reactions", token, 201, json={"content": "+1"})
    rec.call("POST", f"{r}/issues/comments/{comment['id']}/reactions", token, 422, json={"content": "x"})

    pull = rec.call(
        "POST", f"{r}/pulls", token, 201, json={"title": "Staging", "head": "feature", "base": "main", "body": "Report"}
    )
    rec.call("POST", f"{r}/pulls", token, 422, json={"title": "Dup", "head": "feature", "base": "main"})
    rec.call("GET", f"{r}/pulls?head=acme:feature&state=open", token, 200)
    rec.call("GET", f"{r}/pulls/{pull['number']}", token, 200)
    rec.call("GET", f"{r}/pulls/999", token, 404)
    rec.call("PATCH", f"{r}/pulls/{pull['number']}", token, 200, json={"body": "Updated report"})
    rec.call("PATCH", f"{r}/pulls/{pull['number']}", token, 422, json={"base": "absent"})
    rec.call("GET", f"{r}/pulls/{pull['number']}/files", token, 200)
    run = rec.call(
        "POST",
        f"{r}/check-runs",
        token,
        201,
        json={"name": "dev-agent/checks", "head_sha": commit["sha"], "status": "in_progress"},
    )
    rec.call(
        "PATCH",
        f"{r}/check-runs/{run['id']}",
        token,
        200,
        json={"conclusion": "success", "output": {"title": "Checks passed", "summary": "All good"}},
    )
    rec.call("GET", f"{r}/commits/{commit['sha']}/check-runs", token, 200)
    rec.call("GET", f"{r}/check-runs/{run['id']}", token, 200)
    rec.call("PUT", f"{r}/pulls/{pull['number']}/merge", token, 409, json={"sha": base_sha})
    rec.call("PUT", f"{r}/pulls/{pull['number']}/merge", token, 200, json={"merge_method": "squash"})
    rec.call("PUT", f"{r}/pulls/{pull['number']}/merge", token, 405, json={})
    rec.call("PUT", f"{r}/pulls/999/merge", token, 404, json={})


@pytest.fixture(scope="module")
def exchanges():
    with SandboxGitHub() as sandbox:
        recorder = Recorder(sandbox.url)
        _scenario(sandbox, recorder)
        yield recorder.exchanges


def _response_schema(method: str, template: str, status: int) -> dict | None:
    responses = SPEC["paths"][template][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {template} answered {status}, undocumented ({sorted(responses)})"
    response = responses[str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {})
    media = content.get("application/json") or content.get("application/scim+json")
    return media["schema"] if media else None


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_matches_openapi(exchanges, operation):
    method, template = operation
    seen = [(status, body) for m, t, status, body in exchanges if (m, t) == operation]
    assert seen, f"scenario never called {method} {template}"
    assert any(200 <= status < 300 for status, _ in seen), f"{method} {template} never succeeded"
    for status, body in seen:
        schema = _response_schema(method, template, status)
        if schema is None:
            assert body is None, f"{method} {template} {status} should have no body"
            continue
        validator = GitHubValidator({**schema, "components": SPEC["components"]}, format_checker=oas30_format_checker)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, f"{method} {template} {status}: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5]
        )


def test_trimmed_description_covers_exactly_the_implemented_operations():
    documented = {(m.upper(), p) for p, item in SPEC["paths"].items() for m in item if m != "parameters"}
    assert documented == set(OPERATIONS)


def test_validation_catches_a_body_that_breaks_the_schema(exchanges):
    body = next(b for m, t, s, b in exchanges if (m, t, s) == ("GET", "/repos/{owner}/{repo}", 200))
    broken = {k: v for k, v in body.items() if k != "full_name"} | {"private": "no"}
    schema = _response_schema("GET", "/repos/{owner}/{repo}", 200)
    errors = list(GitHubValidator({**schema, "components": SPEC["components"]}).iter_errors(broken))
    assert {e.message for e in errors} == {"'full_name' is a required property", "'no' is not of type 'boolean'"}
