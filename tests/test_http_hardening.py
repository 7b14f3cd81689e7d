"""HTTP hardening against a real `dev-agent serve` (uvicorn + the bot's protocol) and a real worker: slow
headers and bodies are cut off with 408, deep or oversized JSON is 400, an intake bug is a JSON 500 with a
correlation id, and with Redis down every route answers JSON 503."""

from __future__ import annotations

import json
import socket
import time
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.intake.web import create_app
from bot.intake.webhooks import json_depth, signature_for
from tests.support.bot_stack import SECRET, BotStack
from tests.support.redis_server import RedisServer

TIMEOUTS = {"DEV_AGENT_HTTP_HEADER_TIMEOUT_SECONDS": "1", "DEV_AGENT_HTTP_BODY_TIMEOUT_SECONDS": "1"}


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


@pytest.fixture(scope="module")
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(sandbox, own_redis):
    with BotStack(sandbox, own_redis.url, extra_env=TIMEOUTS) as running:
        yield running


def signed(body: bytes, event: str = "issues") -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": signature_for(SECRET.encode(), body),
    }


def raw(stack: BotStack, chunks: list[bytes], pause: float) -> tuple[bytes, float]:
    """Send `chunks` `pause` seconds apart, then read until the server closes; (answer, seconds open)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as sock:
        answer = b""
        try:
            for index, chunk in enumerate(chunks):
                time.sleep(pause if index else 0)  # apart, not after the last: the answer is read right away
                sock.sendall(chunk)
        except OSError:
            pass  # the server closed the connection while we were still sending: that is the point
        try:
            while data := sock.recv(65536):
                answer += data
        except OSError:
            pass
    return answer, time.monotonic() - started


def test_headers_that_never_finish_are_cut_off_with_408(stack):
    answer, seconds = raw(stack, [b"POST /webhooks HTTP/1.1\r\nHost: x\r\n", b"X-Slow: 1\r\n"], pause=3)
    assert answer.startswith(b"HTTP/1.1 408") and b"headers not received within 1s" in answer
    assert seconds < 8


def test_a_body_that_stalls_after_its_headers_is_cut_off_with_408(stack):
    body = json.dumps({"action": "opened"}).encode()
    head = b"".join(f"{k}: {v}\r\n".encode() for k, v in signed(body).items())
    request = b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n" + head + b"\r\n" + body
    answer, seconds = raw(stack, [request, b"x" * 10], pause=3)
    assert answer.startswith(b"HTTP/1.1 408") and b"body not received within 1s" in answer
    assert seconds < 8
    assert httpx.get(f"{stack.url}/healthz").status_code == 200  # the server itself is fine


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":' * 900 + b"1" + b"}" * 900,  # RecursionError while pickling, before
        b'{"a":' * 65 + b"1" + b"}" * 65,
        b'{"n": ' + b"9" * 5000 + b"}",  # past Python's int digit limit: a ValueError json does not wrap
    ],
)
def test_deep_or_oversized_json_is_400_not_500(stack, body):
    response = httpx.post(f"{stack.url}/webhooks", content=body, headers=signed(body))
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    assert "error" in response.json()


def test_json_depth_is_measured_without_recursion():
    deep: object = 1
    for _ in range(100_000):
        deep = [deep]
    assert json_depth(deep) == 100_000 and json_depth({"a": [1, {"b": 2}]}) == 3 and json_depth(5) == 0


def test_an_unexpected_intake_error_is_a_json_500_with_the_delivery_as_correlation_id():
    class BrokenQueue:
        async def submit(self, delivery):
            raise RuntimeError("a bug nobody foresaw")

        async def ready(self):
            return True

    body = json.dumps({"action": "opened", "issue": {"number": 1}, "sender": {"login": "alice"}}).encode()
    headers = {**signed(body), "X-Hub-Signature-256": signature_for(b"s", body)}
    response = TestClient(create_app(b"s", BrokenQueue())).post("/webhooks", content=body, headers=headers)
    assert response.status_code == 500
    assert response.json()["correlation_id"] == headers["X-GitHub-Delivery"]


def test_with_redis_down_the_queue_routes_answer_json_503_and_the_rest_still_answer(stack, own_redis):
    """Redis holds only the queue, locks and de-duplication: the webhook and readiness answer 503 while it is
    down; the dashboard and the API read the database and keep answering (here: sign in, unknown key)."""
    own_redis.stop()
    try:
        body = json.dumps(
            {
                "action": "opened",
                "issue": {"number": 1},
                "repository": {"full_name": stack.full_name},
                "sender": {"login": "alice", "type": "User"},
            }
        ).encode()
        answers = {
            "/webhooks": httpx.post(f"{stack.url}/webhooks", content=body, headers=signed(body)),
            "/readyz": httpx.get(f"{stack.url}/readyz"),
        }
        for route, response in answers.items():
            assert response.status_code == 503, (route, response.status_code, response.text[:200])
            assert response.headers["content-type"].startswith("application/json"), route
            assert response.json(), route
        assert httpx.get(f"{stack.url}/").headers["location"] == "/dashboard/login"
        assert httpx.get(f"{stack.url}/environments/{stack.full_name}/web-dev").status_code == 303
        for path in ("/api/environments", "/api/jobs/x"):
            unknown = httpx.get(f"{stack.url}{path}", headers={"Authorization": "Bearer da_abcdefgh_" + "x" * 32})
            assert unknown.status_code == 401 and unknown.json()["detail"] == "unknown API key", path
    finally:
        own_redis.start()
