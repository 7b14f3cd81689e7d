"""The sandbox's HTTP front: routing, auth, faults, rate-limit and ETag headers, stats, git smart HTTP."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import (
    handlers,  # noqa: F401  (registers the routes)
    oauth,
    smarthttp,
)
from .context import Ctx, Identity, identify
from .core import SandboxCore
from .errors import ApiError, not_found
from .faults import fault_error
from .gitstore import GitError
from .routing import match
from .shapes import Urls

API_PREFIX = "/api/v3"
JSON = "application/json; charset=utf-8"


def _etag(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def create_app(core: SandboxCore) -> Starlette:
    async def endpoint(request: Request) -> Response:
        raw_path = request.url.path
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        git = await run_in_threadpool(smarthttp.serve, core, request.method, raw_path, request.url.query, headers, body)
        if git is not None:
            return Response(git.body, git.status, headers=dict(git.headers))
        prefix = API_PREFIX if raw_path.startswith(API_PREFIX + "/") or raw_path == API_PREFIX else ""
        path = raw_path[len(prefix) :] or "/"
        base = f"{request.url.scheme}://{request.url.netloc}"
        urls = Urls(base + prefix, base)
        request_id = uuid.uuid4().hex[:8].upper() + ":" + uuid.uuid4().hex[:12].upper()
        control = path.startswith("/sandbox/")
        method = "GET" if request.method == "HEAD" else request.method  # HEAD: a GET without the body
        out_headers = {"X-GitHub-Request-Id": request_id, "X-GitHub-Media-Type": "github.v3; format=json"}
        status, payload = 200, None
        identity = Identity("anonymous")
        try:
            route, params, exists = match(method, path)
            if not control:
                identity = identify(core, headers.get("authorization"))
                if route is not None:
                    core.count_call(method, route.template)
                fault = core.faults.take(method, path)
                if fault is not None:
                    if fault.delay_seconds:
                        await asyncio.sleep(fault.delay_seconds)
                    error = fault_error(fault, request_id)
                    if error is not None:
                        raise error
            if route is None:
                raise ApiError(405, "Method Not Allowed") if exists else not_found()
            if not control:
                window = core.rate(identity.rate_key, identity.kind, spend=route.template != "/rate_limit")
                out_headers.update(_rate_headers(window))
                if window.used > window.limit:
                    raise ApiError(403, f"API rate limit exceeded for {identity.rate_key}.")
            ctx = Ctx(core, method, path, params, dict(request.query_params), body, identity, urls)
            status, payload = await run_in_threadpool(_call, route.handler, ctx)
            out_headers.update(ctx.headers)
        except ApiError as error:
            status, payload = error.status, error.body()
            out_headers.update(error.headers)
            if not control and "X-RateLimit-Limit" not in out_headers:
                out_headers.update(_rate_headers(core.rate(identity.rate_key, identity.kind, spend=False)))
        if status == 204 or payload is None:
            return Response(status_code=status, headers=out_headers)
        data = json.dumps(payload, indent=None, separators=(",", ":")).encode()
        if method == "GET" and status == 200:
            tag = _etag(data)
            out_headers["ETag"] = tag
            out_headers["Cache-Control"] = "private, max-age=60, s-maxage=60"
            out_headers["Vary"] = "Accept, Authorization, Cookie, X-GitHub-OTP"
            wanted = {t.strip().removeprefix("W/") for t in headers.get("if-none-match", "").split(",")}
            if tag.removeprefix("W/") in wanted:
                return Response(status_code=304, headers=out_headers)
        return Response(data, status, headers=out_headers, media_type=JSON)

    methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]
    return Starlette(routes=[*oauth.routes(core), Route("/{path:path}", endpoint, methods=methods)])


def _call(handler, ctx: Ctx):
    """Run a handler holding the state lock, so requests see and leave consistent state."""
    try:
        with ctx.state.lock:
            return handler(ctx)
    except GitError as exc:
        raise ApiError(422, f"Git error: {exc}") from None


def _rate_headers(window) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(max(0, window.limit - window.used)),
        "X-RateLimit-Reset": str(window.reset),
        "X-RateLimit-Used": str(window.used),
        "X-RateLimit-Resource": "core",
    }
