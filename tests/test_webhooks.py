"""POST /webhooks: every header/body defect gets the right status; good deliveries are queued once."""

from __future__ import annotations

import hmac
import json
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.intake import webhooks
from bot.intake.queue import RQQueue
from bot.intake.web import create_app
from bot.intake.webhooks import MAX_BODY_BYTES, MemoryDeduper, signature_for, verify_signature
from tests.support.redis_server import free_port, redis_server  # noqa: F401  (fixture)

SECRET = b"it's a secret to everybody"
PAYLOAD = {"action": "opened", "issue": {"number": 1}, "repository": {"full_name": "octo/infra"},
           "sender": {"login": "alice", "type": "User"}}


class RecordingQueue:
    """Collects submitted deliveries, deduped by id (stands in for the worker in these endpoint tests)."""

    def __init__(self) -> None:
        self.deliveries = []
        self.deduper = MemoryDeduper()

    async def submit(self, delivery) -> bool:
        if not self.deduper.first_time(delivery.id):
            return False
        self.deliveries.append(delivery)
        return True

    async def ready(self) -> bool:
        return True


def headers_for(body: bytes, event: str = "issues", delivery: str | None = None, secret: bytes = SECRET) -> dict:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": signature_for(secret, body),
    }


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def client(queue: RecordingQueue) -> TestClient:
    return TestClient(create_app(SECRET, queue))


def post(client: TestClient, body: bytes, headers: dict):
    return client.post("/webhooks", content=body, headers=headers)


def test_signed_delivery_is_queued_and_acknowledged_with_202(client, queue):
    body = json.dumps(PAYLOAD).encode()
    response = post(client, body, headers_for(body, delivery="abc-123"))
    assert response.status_code == 202
    assert response.json() == {"status": "queued", "delivery": "abc-123"}
    assert [(d.id, d.event, d.action) for d in queue.deliveries] == [("abc-123", "issues", "opened")]


@pytest.mark.parametrize("signature", [
    None,
    "",
    "sha256=" + "0" * 64,
    "sha1=" + "0" * 40,
    "sha256=deadbeef",
    "not-a-signature",
])
def test_missing_or_wrong_signature_is_401(client, queue, signature):
    body = json.dumps(PAYLOAD).encode()
    headers = headers_for(body)
    if signature is None:
        del headers["X-Hub-Signature-256"]
    else:
        headers["X-Hub-Signature-256"] = signature
    response = post(client, body, headers)
    assert response.status_code == 401
    assert queue.deliveries == []


def test_signature_of_another_body_or_secret_is_401(client, queue):
    body = json.dumps(PAYLOAD).encode()
    tampered = body.replace(b"alice", b"mallory")
    assert post(client, tampered, headers_for(body)).status_code == 401
    assert post(client, body, headers_for(body, secret=b"other secret")).status_code == 401
    assert queue.deliveries == []


def test_signature_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhooks.hmac, "compare_digest", spy)
    body = b"{}"
    assert verify_signature(SECRET, body, signature_for(SECRET, body))
    assert not verify_signature(SECRET, body, "sha256=" + "f" * 64)
    assert len(calls) == 2


def test_body_over_25_mb_is_413_before_anything_else(client, queue):
    body = b" " * (MAX_BODY_BYTES + 1)
    response = post(client, body, {"Content-Type": "application/json"})  # no signature: size comes first
    assert response.status_code == 413
    assert queue.deliveries == []


def test_streamed_body_over_25_mb_without_a_length_is_413(client, queue):
    def chunks():
        for _ in range(MAX_BODY_BYTES // (1024 * 1024) + 1):
            yield b" " * (1024 * 1024)

    response = post(client, chunks(), {"Content-Type": "application/json"})  # chunked: no Content-Length
    assert response.status_code == 413
    assert queue.deliveries == []


def test_other_methods_on_the_webhook_path_are_405_naming_post(client, queue):
    response = client.get("/webhooks")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert queue.deliveries == []


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", b'"text"', b"[" * 100_000])
def test_signed_but_malformed_json_is_400(client, queue, body):
    response = post(client, body, headers_for(body))
    assert response.status_code == 400
    assert queue.deliveries == []


@pytest.mark.parametrize("header,value", [
    ("X-GitHub-Event", None),
    ("X-GitHub-Event", ""),
    ("X-GitHub-Event", "issues; rm -rf /"),
    ("X-GitHub-Delivery", None),
    ("X-GitHub-Delivery", "../../etc/passwd"),
    ("X-GitHub-Delivery", "x" * 200),
])
def test_missing_or_malformed_github_headers_are_400(client, queue, header, value):
    body = json.dumps(PAYLOAD).encode()
    headers = headers_for(body)
    if value is None:
        del headers[header]
    else:
        headers[header] = value
    response = post(client, body, headers)
    assert response.status_code == 400
    assert header.lower() in response.json()["error"].lower()
    assert queue.deliveries == []


def test_form_encoded_delivery_is_415_with_a_hint(client, queue):
    body = b"payload=%7B%7D"
    headers = {**headers_for(body), "Content-Type": "application/x-www-form-urlencoded"}
    response = post(client, body, headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]


def test_ping_is_answered_and_not_queued(client, queue):
    body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    response = post(client, body, headers_for(body, event="ping"))
    assert response.status_code == 200
    assert response.json()["msg"] == "pong"
    assert queue.deliveries == []


def test_same_delivery_twice_is_queued_once(client, queue):
    body = json.dumps(PAYLOAD).encode()
    headers = headers_for(body, delivery="dup-1")
    assert post(client, body, headers).status_code == 202
    second = post(client, body, headers)
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert len(queue.deliveries) == 1


@pytest.mark.parametrize("event,payload", [
    ("issues", {**PAYLOAD, "action": "labeled"}),
    ("push", {"ref": "refs/heads/main", "sender": {"login": "alice", "type": "User"}}),
    ("issues", {**PAYLOAD, "sender": {"login": "dev-agent[bot]", "type": "Bot"}}),
])
def test_deliveries_nobody_handles_are_acknowledged_but_not_queued(queue, event, payload):
    client = TestClient(create_app(SECRET, queue, "dev-agent[bot]"))
    body = json.dumps(payload).encode()
    response = post(client, body, headers_for(body, event=event))
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert queue.deliveries == []


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_redis_dedupe_turns_fifty_deliveries_into_one_job(redis_server):  # noqa: F811
    queue = RQQueue(redis_server.url, f"test-{uuid.uuid4().hex}", dedupe_prefix=f"t:{uuid.uuid4().hex}:")
    body = json.dumps(PAYLOAD).encode()
    headers = headers_for(body)
    with TestClient(create_app(SECRET, queue)) as client:
        statuses = [post(client, body, headers).status_code for _ in range(50)]
        assert client.get("/readyz").status_code == 200
    assert statuses.count(202) == 1 and statuses.count(200) == 49
    assert queue.queue.count == 1
    job = queue.queue.jobs[0]  # a regular rq job: the worker runs bot.jobs.delivery.process_delivery with the delivery
    assert job.func_name == "bot.jobs.delivery.process_delivery" and job.args[1:] == ("issues", PAYLOAD)
    assert job.retries_left == 3


def test_redis_down_answers_503_and_queues_nothing():
    body = json.dumps(PAYLOAD).encode()
    with TestClient(create_app(SECRET, RQQueue(f"redis://127.0.0.1:{free_port()}/0", "down"))) as client:
        response = post(client, body, headers_for(body))
        assert response.status_code == 503
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
