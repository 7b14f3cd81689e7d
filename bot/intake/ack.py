"""POST /webhooks as a bare ASGI layer in front of the FastAPI app.

The endpoint is the bot's hot path (GitHub gives it 10 s; it aims for milliseconds), so it answers
before FastAPI's router and request handling run: read the body under the 25 MB cap, verify and parse
(`bot.intake.webhooks.parse_delivery`), skip what no handler wants, dedupe + enqueue in one step, answer.
Every other request goes on to the app.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from redis.exceptions import RedisError

from bot.intake.queue import JobQueue
from bot.intake.webhooks import DELIVERY_ID, MAX_BODY_BYTES, Delivery, WebhookError, parse_delivery
from bot.jobs.routing import Router
from bot.metrics import WEBHOOKS

log = logging.getLogger(__name__)

PATH = "/webhooks"
_TOO_LARGE = f"payload over {MAX_BODY_BYTES} bytes"


class _BodyTooLarge(Exception):
    """The body streamed past MAX_BODY_BYTES."""


class WebhookIntake:
    """ASGI middleware: answers POST /webhooks itself and passes everything else to `app`."""

    def __init__(self, app: Any, secret: bytes, queue: JobQueue, router: Router, bot_login: str = ""):
        self.app, self.secret, self.queue, self.router, self.bot_login = app, secret, queue, router, bot_login
        self._counters: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await _respond(send, 405, {"detail": "Method Not Allowed"}, ((b"allow", b"POST"),))
            return
        try:
            status, event, outcome, content = await self._answer(scope, receive)
        except Exception:  # a bug or an outage nobody foresaw: a JSON 500 naming the delivery, never a bare 500
            cid = _correlation_id(scope)
            log.exception("webhook intake failed (correlation id %s)", cid)
            status, event, outcome = 500, "unverified", "error"
            content = {"error": "internal error; GitHub lists the delivery as failed and it can be redelivered",
                       "correlation_id": cid}
        self._count(event, outcome)
        await _respond(send, status, content)

    async def _answer(self, scope: dict[str, Any], receive: Any) -> tuple[int, str, str, dict[str, Any]]:
        """(HTTP status, event label, outcome label, JSON body) for one delivery."""
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        length = headers.get("content-length", "")
        try:
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                raise _BodyTooLarge
            delivery = parse_delivery(headers, await _read_body(receive), self.secret)
        except _BodyTooLarge:
            return 413, "unverified", "too_large", {"error": _TOO_LARGE}
        except WebhookError as exc:
            return exc.status, "unverified", "bad_signature" if exc.status == 401 else "rejected", {"error": exc.message}
        if delivery.event == "ping":
            return 200, "ping", "pong", {"msg": "pong", "zen": str(delivery.payload.get("zen", ""))[:200]}
        if not self._wanted(delivery):
            return 200, delivery.event, "ignored", {"status": "ignored", "delivery": delivery.id}
        try:
            queued = await self.queue.submit(delivery)
        except RedisError:
            return 503, delivery.event, "queue_unavailable", {"error": "queue unavailable; GitHub will redeliver"}
        if not queued:
            return 200, delivery.event, "duplicate", {"status": "duplicate", "delivery": delivery.id}
        return 202, delivery.event, "accepted", {"status": "queued", "delivery": delivery.id}

    def _wanted(self, delivery: Delivery) -> bool:
        """A handler exists for the event/action that takes its sender (bots only reach workflow handlers)."""
        return bool(self.router.handlers_for(delivery.event, delivery.action, delivery.payload, self.bot_login))

    def _count(self, event: str, outcome: str) -> None:
        counter = self._counters.get((event, outcome))
        if counter is None:
            counter = self._counters[(event, outcome)] = WEBHOOKS.labels(event=event, outcome=outcome)
        counter.inc()


def _correlation_id(scope: dict[str, Any]) -> str:
    """The delivery's id when the request carries a well-formed one, else a fresh id (both appear in the log)."""
    for name, value in scope.get("headers") or []:
        if name == b"x-github-delivery" and DELIVERY_ID.match(value.decode("latin-1")):
            return str(value.decode("latin-1"))
    return uuid.uuid4().hex


async def _respond(send: Any, status: int, content: dict[str, Any], headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps(content, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Any) -> bytes:
    """The request body, refused as soon as it streams past MAX_BODY_BYTES."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body += message.get("body", b"")
        if len(body) > MAX_BODY_BYTES:
            raise _BodyTooLarge
        if not message.get("more_body", False):
            break
    return bytes(body)
