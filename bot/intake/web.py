"""The web app: the webhook endpoint (verify, then dedupe + enqueue in one step, answer 202 — in
milliseconds), the REST API under /api (OpenAPI at /docs), the dashboard at / and /metrics.

`build_runtime(settings)` wires the app to its queue: rq when `REDIS_URL` is set, otherwise the embedded
in-process worker (one process runs everything; the demo uses this).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from bot.api.access import RepositoryAccess, github_is_collaborator, no_access
from bot.api.dashboard import build_dashboard_router, session_reader
from bot.api.keys import InstallationOf, KeyStore, no_installation
from bot.api.oidc import OidcSignIn
from bot.api.request_issues import github_installation_of, github_request_opener
from bot.api.routes import RequestOpener, build_api_router
from bot.api.signin import GitHubSignIn
from bot.checks import warm_up
from bot.errors import DevAgentError
from bot.github.app import GitHubApp
from bot.intake.ack import WebhookIntake
from bot.intake.queue import InProcessQueue, JobQueue, RQQueue
from bot.jobs.delivery import build_context, process_delivery
from bot.jobs.handlers import load_handlers
from bot.logs import configure_logging
from bot.metrics import MANAGED_COST, QUEUE_DEPTH, initialise_series, render_metrics
from bot.settings import Settings, get_settings
from bot.store.db import open_database
from bot.store.registry import Registry
from bot.store.sessions import UserSessions

log = logging.getLogger(__name__)


class ConfigError(DevAgentError, RuntimeError):
    """The bot cannot serve with these settings."""


@dataclass
class Operations:
    """What the API and dashboard read and write."""

    registry: Registry  # the SQL store: the dashboard also reads its history, audit trail and sessions
    keys: KeyStore
    open_request: RequestOpener
    installation_of: InstallationOf = no_installation  # repository -> App installation id, for key scopes
    signin: GitHubSignIn | None = None  # "Sign in with GitHub" on the dashboard, when the App's client is set
    oidc: OidcSignIn | None = None  # "Sign in with <provider>", when an OIDC issuer and client are set
    access: RepositoryAccess = field(default_factory=no_access)  # what a signed-in person may see, asked of GitHub


def create_app(secret: bytes, queue: JobQueue, bot_login: str = "", ops: Operations | None = None) -> FastAPI:
    """The ASGI app: POST /webhooks (answered by `bot.intake.ack.WebhookIntake` ahead of the router), GET /healthz,
    GET /readyz, GET /metrics; with `ops` also /api and /."""
    app = FastAPI(title="dev-agent", version="1", description="Environments, requests and jobs of the dev-agent bot.",
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")

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
            headers["Allow"] = ", ".join(sorted({m for route in app.routes
                                                 if route.matches(request.scope)[0] != Match.NONE
                                                 for m in getattr(route, "methods", None) or ()}))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RedisError)
    async def storage_unavailable(request: Request, exc: RedisError) -> JSONResponse:
        cid = uuid.uuid4().hex
        log.warning("Redis unavailable answering %s %s (correlation id %s): %s", request.method, request.url.path, cid,
                    exc.__class__.__name__)
        return JSONResponse({"error": "storage unavailable; try again shortly", "correlation_id": cid},
                            status_code=503, headers={"Retry-After": "5", "X-Correlation-Id": cid})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        cid = uuid.uuid4().hex
        log.error("unexpected error answering %s %s (correlation id %s)", request.method, request.url.path, cid,
                  exc_info=exc)
        return JSONResponse({"error": "internal error", "correlation_id": cid}, status_code=500,
                            headers={"X-Correlation-Id": cid})

    if ops is not None:
        session = session_reader(ops.keys, UserSessions(ops.registry.db), ops.installation_of, ops.access,
                                 ops.oidc.name if ops.oidc else "SSO")
        app.include_router(build_api_router(ops.keys, ops.registry, ops.open_request, queue.submit,
                                            ops.installation_of, session))
        app.include_router(build_dashboard_router(ops.registry, ops.keys, ops.installation_of, ops.access,
                                                  ops.signin, ops.oidc))

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

    app.add_middleware(WebhookIntake, secret=secret, queue=queue, router=load_handlers(), bot_login=bot_login)
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
    initialise_series()

    ctx = context or build_context(settings)
    github = GitHubApp(settings)
    database = open_database(settings)
    installation_of = github_installation_of(github)
    ops = Operations(Registry(settings, database), KeyStore(settings, database), github_request_opener(ctx, github),
                     installation_of, GitHubSignIn.from_settings(settings), OidcSignIn.from_settings(settings),
                     RepositoryAccess(installation_of, github_is_collaborator(github), settings.access_cache_seconds))
    if settings.redis_url:
        queue: JobQueue = RQQueue(settings.redis_url, settings.queue_name)
        return Runtime(create_app(secret, queue, settings.bot_login, ops), queue)
    queue = InProcessQueue(lambda delivery_id, event, payload: process_delivery(delivery_id, event, payload, ctx))

    threading.Thread(target=warm_up, args=(settings,), name="dev-agent-warm-up", daemon=True).start()
    return Runtime(create_app(secret, queue, settings.bot_login, ops), queue, ctx)


def app_from_environment() -> FastAPI:
    """uvicorn factory (`bot.intake.web:app_from_environment`) for `dev-agent serve`."""
    configure_logging()
    return build_runtime(get_settings()).app
