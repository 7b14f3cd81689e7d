"""The web app: the webhook endpoint (verify, then dedupe + enqueue in one step, answer 202 — in
milliseconds), the REST API under /api (OpenAPI at /docs), the dashboard at / and /metrics.

`build_runtime(settings)` wires the app to its queue: rq when `REDIS_URL` is set, otherwise the embedded
in-process worker (one process runs everything; the demo uses this).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from bot.api import RequestOpener, build_api_router
from bot.apikeys import KeyStore
from bot.dashboard import build_dashboard_router
from bot.metrics import MANAGED_COST, QUEUE_DEPTH, WEBHOOKS, render_metrics
from bot.queue import InProcessQueue, JobQueue, RQQueue
from bot.registry import Registry
from bot.settings import Settings
from bot.webhooks import MAX_BODY_BYTES, WebhookError, parse_delivery

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """The bot cannot serve with these settings."""


@dataclass
class Operations:
    """What the API and dashboard read and write."""

    registry: Registry
    keys: KeyStore
    open_request: RequestOpener


def create_app(secret: bytes, queue: JobQueue, bot_login: str = "", ops: Operations | None = None) -> FastAPI:
    """The ASGI app: POST /webhooks, GET /healthz, GET /readyz, GET /metrics; with `ops` also /api and /.

    Deliveries nobody handles (no handler for the event/action, or sent by a bot such as this App)
    are acknowledged with 200 and never queued.
    """
    from redis.exceptions import RedisError

    from bot.routing import load_handlers, sent_by_bot

    router = load_handlers()

    app = FastAPI(title="dev-agent", version="1", description="Environments, requests and jobs of the dev-agent bot.",
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")

    @app.post("/webhooks", include_in_schema=False)
    async def webhooks(request: Request) -> JSONResponse:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _webhook_answer("unverified", "too_large", 413, error=f"payload over {MAX_BODY_BYTES} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _webhook_answer("unverified", "too_large", 413, error=f"payload over {MAX_BODY_BYTES} bytes")
        try:
            delivery = parse_delivery({k.lower(): v for k, v in request.headers.items()}, bytes(body), secret)
        except WebhookError as exc:
            outcome = "bad_signature" if exc.status == 401 else "rejected"
            return _webhook_answer("unverified", outcome, exc.status, error=exc.message)
        if delivery.event == "ping":
            return _webhook_answer("ping", "pong", 200, msg="pong", zen=str(delivery.payload.get("zen", ""))[:200])
        if not router.handlers_for(delivery.event, delivery.action) or sent_by_bot(delivery.payload, bot_login):
            return _webhook_answer(delivery.event, "ignored", 200, status="ignored", delivery=delivery.id)
        try:
            queued = await queue.submit(delivery)
        except RedisError:
            return _webhook_answer(delivery.event, "queue_unavailable", 503, error="queue unavailable; GitHub will redeliver")
        if not queued:
            return _webhook_answer(delivery.event, "duplicate", 200, status="duplicate", delivery=delivery.id)
        return _webhook_answer(delivery.event, "accepted", 202, status="queued", delivery=delivery.id)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        try:
            QUEUE_DEPTH.set(queue.depth())
            if ops is not None:
                MANAGED_COST.set(ops.registry.monthly_cost_under_management())
        except RedisError:
            log.warning("queue depth or registry unavailable")
        body, content_type = render_metrics()
        return Response(body, media_type=content_type)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Allow lists every method of the path, not just one route's
            headers["Allow"] = ", ".join(sorted({m for route in app.routes if route.matches(request.scope)[0] != Match.NONE
                                                 for m in getattr(route, "methods", None) or ()}))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    if ops is not None:
        app.include_router(build_api_router(ops.keys, ops.registry, ops.open_request, queue.submit))
        app.include_router(build_dashboard_router(ops.registry))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return _answer(200, status="ok")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        try:
            ready = await queue.ready()
        except RedisError:
            ready = False
        return _answer(200, status="ready") if ready else _answer(503, status="queue unavailable")

    return app


def _answer(http_status: int, **content: Any) -> JSONResponse:
    return JSONResponse(content, status_code=http_status)


def _webhook_answer(event: str, outcome: str, http_status: int, **content: Any) -> JSONResponse:
    WEBHOOKS.labels(event=event, outcome=outcome).inc()
    return _answer(http_status, **content)


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
    from bot.github_app import GitHubApp
    from bot.jobs import build_context, process_delivery
    from bot.request_issues import github_request_opener

    ctx = context or build_context(settings)
    ops = Operations(ctx.registry, KeyStore(settings), github_request_opener(ctx, GitHubApp(settings)))
    if settings.redis_url:
        queue: JobQueue = RQQueue(settings.redis_url, settings.queue_name)
        return Runtime(create_app(secret, queue, settings.bot_login, ops), queue)
    queue = InProcessQueue(lambda delivery_id, event, payload: process_delivery(delivery_id, event, payload, ctx))
    return Runtime(create_app(secret, queue, settings.bot_login, ops), queue, ctx)


def app_from_environment() -> FastAPI:
    """uvicorn factory (`bot.web:app_from_environment`) for `dev-agent serve`."""
    from bot.logs import configure_logging
    from bot.settings import get_settings

    configure_logging()
    return build_runtime(get_settings()).app
