"""The webhook endpoint: verify, then dedupe + enqueue in one step, answer 202 — in milliseconds.

`build_runtime(settings)` wires the app to its queue: rq when `REDIS_URL` is set, otherwise the embedded
in-process worker (one process runs everything; the demo uses this).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.queue import InProcessQueue, JobQueue, RQQueue
from bot.settings import Settings
from bot.webhooks import MAX_BODY_BYTES, WebhookError, parse_delivery

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """The bot cannot serve with these settings."""


def create_app(secret: bytes, queue: JobQueue, bot_login: str = "") -> FastAPI:
    """The ASGI app: POST /webhooks, GET /healthz, GET /readyz.

    Deliveries nobody handles (no handler for the event/action, or sent by a bot such as this App)
    are acknowledged with 200 and never queued.
    """
    from redis.exceptions import RedisError

    from bot.routing import load_handlers, sent_by_bot

    router = load_handlers()

    app = FastAPI(title="dev-agent", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/webhooks")
    async def webhooks(request: Request) -> JSONResponse:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _answer(413, error=f"payload over {MAX_BODY_BYTES} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _answer(413, error=f"payload over {MAX_BODY_BYTES} bytes")
        try:
            delivery = parse_delivery({k.lower(): v for k, v in request.headers.items()}, bytes(body), secret)
        except WebhookError as exc:
            return _answer(exc.status, error=exc.message)
        if delivery.event == "ping":
            return _answer(200, msg="pong", zen=str(delivery.payload.get("zen", ""))[:200])
        if not router.handlers_for(delivery.event, delivery.action) or sent_by_bot(delivery.payload, bot_login):
            return _answer(200, status="ignored", delivery=delivery.id)
        try:
            queued = await queue.submit(delivery)
        except RedisError:
            return _answer(503, error="queue unavailable; GitHub will redeliver")
        if not queued:
            return _answer(200, status="duplicate", delivery=delivery.id)
        return _answer(202, status="queued", delivery=delivery.id)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return _answer(200, status="ok")

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        try:
            ready = await queue.ready()
        except RedisError:
            ready = False
        return _answer(200, status="ready") if ready else _answer(503, status="queue unavailable")

    return app


def _answer(http_status: int, **content: Any) -> JSONResponse:
    return JSONResponse(content, status_code=http_status)


@dataclass
class Runtime:
    """The web app and what it enqueues into."""

    app: FastAPI
    queue: JobQueue
    context: Any = None  # the embedded worker's JobContext (None with rq)


def build_runtime(settings: Settings, context: Any = None) -> Runtime:
    """App + queue from settings: rq with REDIS_URL, else an in-process worker using `context`."""
    if settings.webhook_secret is None:
        raise ConfigError("set DEV_AGENT_WEBHOOK_SECRET (the App's webhook secret)")
    secret = settings.webhook_secret.get_secret_value().encode()
    if settings.redis_url:
        queue: JobQueue = RQQueue(settings.redis_url, settings.queue_name)
        return Runtime(create_app(secret, queue, settings.bot_login), queue)
    from bot.jobs import build_context, process_delivery

    ctx = context or build_context(settings)
    queue = InProcessQueue(lambda delivery_id, event, payload: process_delivery(delivery_id, event, payload, ctx))
    return Runtime(create_app(secret, queue, settings.bot_login), queue, ctx)


def app_from_environment() -> FastAPI:
    """uvicorn factory (`bot.web:app_from_environment`) for `dev-agent serve`."""
    from bot.settings import get_settings

    return build_runtime(get_settings()).app
