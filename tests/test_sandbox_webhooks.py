"""Signed webhooks from the sandbox reach a local receiver, match GitHub's payload schemas/examples,
are delivered without blocking the API call, and can be redelivered."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
import referencing
import referencing.jsonschema

from sandbox import SandboxGitHub

HOOKS = Path(__file__).parent / "fixtures/github/webhooks"
SCHEMAS = HOOKS / "payload-schemas/api.github.com"
EXAMPLES = HOOKS / "payload-examples/api.github.com"
SECRET = "s3cret-for-tests"


def _uri(path: Path) -> str:
    """Event schemas refer to ``common/...`` from the api.github.com root, as upstream resolves them."""
    if path.parent.name == "common":
        return path.as_uri()
    return (SCHEMAS / f"{path.parent.name}.{path.name}").as_uri()


def _registry() -> referencing.Registry:
    resources = []
    for path in SCHEMAS.rglob("*.schema.json"):
        schema = json.loads(path.read_text())
        schema["$id"] = _uri(path)
        resource = referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT7)
        resources.append((schema["$id"], resource))
    return referencing.Registry().with_resources(resources)


REGISTRY = _registry()


def schema_errors(event: str, action: str, payload: dict) -> list[str]:
    uri = _uri(SCHEMAS / event / f"{action}.schema.json")
    schema = REGISTRY.contents(uri)
    validator = jsonschema.Draft7Validator(schema, registry=REGISTRY)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(payload)]


class Receiver:
    """A tiny webhook endpoint recording (headers, raw body); ``delay`` slows its answers."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.from_setup = 0  # how many of `received` the module's setup caused
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[tuple[str, str | None, dict, dict]]:
        return [(h["x-github-event"], json.loads(b).get("action"), json.loads(b), h) for h, b in self.received]


@pytest.fixture(scope="module")
def world():
    receiver = Receiver()
    with SandboxGitHub() as sandbox:
        sandbox.create_org("acme")
        sandbox.create_user("alice")
        sandbox.create_repo("acme", "web")
        sandbox.add_collaborator("acme", "web", "alice", "write")
        app = sandbox.create_app("dev-agent")
        sandbox.set_webhook(receiver.url, SECRET, app)
        sandbox.install(app, "acme/web")
        issue = sandbox.open_issue("acme", "web", "staging for web", "FastAPI, Postgres 16", user="alice")
        n = issue["number"]
        sandbox.request("PATCH", f"/repos/acme/web/issues/{n}", sandbox.token_for("alice"), {"body": "FastAPI only"})
        sandbox.request(
            "POST", f"/repos/acme/web/issues/{n}/labels", sandbox.token_for("alice"), {"labels": ["env-request"]}
        )
        sandbox.comment("acme", "web", n, "/dev-agent plan", user="alice")
        sandbox.close_issue("acme", "web", n, user="alice")
        pr = _open_pull(sandbox, "feature", "Staging")
        _push_commit(sandbox, "feature", "second.txt")
        sandbox.comment("acme", "web", pr["number"], "looks good", user="alice")
        sandbox.merge_pull("acme", "web", pr["number"], user="alice")
        other = _open_pull(sandbox, "abandoned", "Abandoned")
        sandbox.request(
            "PATCH", f"/repos/acme/web/pulls/{other['number']}", sandbox.token_for("alice"), {"state": "closed"}
        )
        sandbox.wait_for_deliveries()
        receiver.from_setup = len(receiver.received)  # later tests add events of their own
        yield sandbox, receiver, app


def _push_commit(sandbox: SandboxGitHub, branch: str, path: str) -> str:
    token = sandbox.token_for("alice")
    ref = f"/repos/acme/web/git/refs/heads/{branch}"
    tip = sandbox.request("GET", f"/repos/acme/web/git/ref/heads/{branch}", token)["object"]["sha"]
    base_tree = sandbox.request("GET", f"/repos/acme/web/git/commits/{tip}", token)["tree"]["sha"]
    tree = sandbox.request(
        "POST",
        "/repos/acme/web/git/trees",
        token,
        {"base_tree": base_tree, "tree": [{"path": path, "mode": "100644", "type": "blob", "content": path}]},
    )
    commit = sandbox.request(
        "POST", "/repos/acme/web/git/commits", token, {"message": f"Add {path}", "tree": tree["sha"], "parents": [tip]}
    )
    sandbox.request("PATCH", ref, token, {"sha": commit["sha"]})
    return commit["sha"]


def _open_pull(sandbox: SandboxGitHub, branch: str, title: str) -> dict:
    token = sandbox.token_for("alice")
    main = sandbox.request("GET", "/repos/acme/web/git/ref/heads/main", token)["object"]["sha"]
    sandbox.request("POST", "/repos/acme/web/git/refs", token, {"ref": f"refs/heads/{branch}", "sha": main})
    _push_commit(sandbox, branch, f"{branch}.txt")
    return sandbox.request("POST", "/repos/acme/web/pulls", token, {"title": title, "head": branch, "base": "main"})


def test_every_delivery_is_signed_and_carries_github_headers(world):
    sandbox, receiver, app = world
    assert len(receiver.received) == len(sandbox.deliveries) >= 12
    for headers, body in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-hub-signature-256"], expected)
        assert headers["user-agent"].startswith("GitHub-Hookshot/")
        assert uuid.UUID(headers["x-github-delivery"])
        assert headers["x-github-hook-installation-target-type"] == "integration"
        assert int(headers["x-github-hook-installation-target-id"]) == app["id"]
        assert headers["x-github-hook-id"].isdigit()
        payload = json.loads(body)
        assert payload["installation"]["id"] > 0


def test_the_expected_events_arrive_in_order(world):
    _, receiver, _ = world
    names = [(e, a) for e, a, _, _ in receiver.events()[:receiver.from_setup]]  # whichever tests ran before
    assert names == [
        ("installation", "created"),
        ("issues", "opened"),
        ("issues", "edited"),
        ("issues", "labeled"),
        ("issue_comment", "created"),
        ("issues", "closed"),
        ("pull_request", "opened"),
        ("pull_request", "synchronize"),
        ("issue_comment", "created"),
        ("pull_request", "closed"),
        ("pull_request", "opened"),
        ("pull_request", "closed"),
    ]


@pytest.mark.parametrize(
    "event,action",
    [
        ("installation", "created"),
        ("issues", "opened"),
        ("issues", "edited"),
        ("issue_comment", "created"),
        ("pull_request", "closed"),
    ],
)
def test_payloads_validate_against_octokit_schemas(world, event, action):
    _, receiver, _ = world
    payloads = [p for e, a, p, _ in receiver.events() if (e, a) == (event, action)]
    assert payloads
    for payload in payloads:
        assert schema_errors(event, action, payload) == []


@pytest.mark.parametrize(
    "event,action,example",
    [
        ("issues", "labeled", "issues/opened.payload.json"),
        ("issues", "closed", "issues/opened.payload.json"),
        ("pull_request", "opened", "pull_request/opened.payload.json"),
        ("pull_request", "synchronize", "pull_request/opened.payload.json"),
    ],
)
def test_payloads_without_a_schema_have_the_example_shape(world, event, action, example):
    _, receiver, _ = world
    reference = json.loads((EXAMPLES / example).read_text())
    payload = next(p for e, a, p, _ in receiver.events() if (e, a) == (event, action))
    main = "issue" if event == "issues" else "pull_request"
    assert set(payload[main]) >= set(reference[main]) - {"performed_via_github_app"}
    assert set(payload["repository"]) >= set(reference["repository"])
    assert set(payload["sender"]) == set(reference["sender"])


def test_merge_and_close_report_merged_flag_and_pr_comments_link_the_pr(world):
    _, receiver, _ = world
    closed = [p for e, a, p, _ in receiver.events() if (e, a) == ("pull_request", "closed")]
    assert [p["pull_request"]["merged"] for p in closed] == [True, False]
    merged_example = json.loads((HOOKS / "derived/pull_request.closed.merged.payload.json").read_text())
    assert set(closed[0]["pull_request"]) == set(merged_example["pull_request"])
    assert closed[0]["pull_request"]["merged_at"] == closed[0]["pull_request"]["closed_at"]
    assert closed[0]["pull_request"]["merge_commit_sha"]
    assert closed[0]["pull_request"]["merged_by"]["login"] == "alice"
    comments = [p for e, a, p, _ in receiver.events() if e == "issue_comment"]
    assert "pull_request" not in comments[0]["issue"]
    assert comments[1]["issue"]["pull_request"]["url"].endswith("/pulls/2")


def test_synchronize_reports_the_new_head(world):
    _, receiver, _ = world
    sync = next(p for e, a, p, _ in receiver.events() if (e, a) == ("pull_request", "synchronize"))
    assert sync["after"] == sync["pull_request"]["head"]["sha"] != sync["before"]


def test_redelivery_resends_the_same_delivery_guid(world):
    sandbox, receiver, _app = world
    first = sandbox.deliveries[0]
    again = sandbox.request("POST", f"/sandbox/deliveries/{first['id']}/redeliver", expect=(202,))
    sandbox.wait_for_deliveries()
    headers, body = receiver.received[-1]
    assert again["guid"] == first["guid"] == headers["x-github-delivery"]
    assert json.loads(body) == first["payload"]
    log = sandbox.request("GET", "/sandbox/deliveries")
    assert log[-1]["redelivery"] is True and log[-1]["status_code"] == 202


def test_slow_receivers_do_not_slow_the_api(world):
    sandbox, receiver, _app = world
    receiver.delay = 1.5
    try:
        started = time.monotonic()
        sandbox.open_issue("acme", "web", "another request", user="alice")
        elapsed = time.monotonic() - started
        assert elapsed < 1.0
        sandbox.wait_for_deliveries()
    finally:
        receiver.delay = 0
