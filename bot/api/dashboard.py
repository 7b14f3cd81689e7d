"""The dashboard: server-rendered pages (no JavaScript needed) listing environments, jobs and reports, behind a
key-backed session (sign in with an API key; the session sees only that key's installation/repositories)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.api.keys import ApiKey, InstallationOf, KeyRejected, KeyStore
from bot.store.protocols import RegistryStore

COOKIE = "dev_agent_session"
SESSION_SECONDS = 8 * 3600
LOGIN_PATH = "/dashboard/login"
MAX_FORM = 4096

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def days_left(expires_on: dt.date | None, today: dt.date | None = None) -> str:
    """Human TTL countdown: '3 days left', 'expires today', 'expired 2 days ago', or '-'."""
    if expires_on is None:
        return "-"
    delta = (expires_on - (today or dt.date.today())).days
    if delta > 1:
        return f"{delta} days left"
    if delta == 1:
        return "1 day left"
    if delta == 0:
        return "expires today"
    return f"expired {-delta} day{'s' if delta < -1 else ''} ago"


def sign_session(secret: bytes, key_id: str, expires: int) -> str:
    """Cookie value `<key id>.<expiry epoch>.<HMAC-SHA256>`."""
    payload = f"{key_id}.{expires}"
    return f"{payload}.{hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()}"


def session_key_id(secret: bytes, cookie: str | None, now: float | None = None) -> str | None:
    """The key id of a well-signed, unexpired session cookie, else None."""
    parts = (cookie or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    key_id, expires, _mac = parts
    if not hmac.compare_digest(sign_session(secret, key_id, int(expires)), cookie or ""):
        return None
    return key_id if int(expires) > (now or time.time()) else None


def build_dashboard_router(registry: RegistryStore, keys: KeyStore, installation_of: InstallationOf) -> APIRouter:
    """`/dashboard/login` (a form taking an API key), `/` (environments and recent jobs) and
    `/environments/{repository}/{name}` (one report); the pages show only the session key's scope."""
    router = APIRouter(include_in_schema=False)

    def session(request: Request) -> ApiKey | None:
        key_id = session_key_id(keys.session_secret(), request.cookies.get(COOKIE))
        key = keys.get(key_id) if key_id else None
        try:
            return KeyStore.check(key, "read") if key else None
        except KeyRejected:  # revoked, expired or unscoped since sign-in
            return None

    def to_login() -> RedirectResponse:
        return RedirectResponse(LOGIN_PATH, status_code=303)

    @router.get(LOGIN_PATH, response_class=HTMLResponse)
    def login_form() -> str:
        return _templates.get_template("login.html").render(error="")

    @router.post(LOGIN_PATH)
    async def login(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM:
                raise HTTPException(413, f"form over {MAX_FORM} bytes")
        token = (parse_qs(body.decode("utf-8", "replace")).get("key") or [""])[0].strip()
        try:
            key = keys.authenticate(token, "read")
        except KeyRejected as exc:
            page = _templates.get_template("login.html").render(error=str(exc))
            return HTMLResponse(page, status_code=exc.status)
        now = int(time.time())
        expires = now + SESSION_SECONDS
        if key.expires_at is not None:
            expires = min(expires, int(key.expires_at.timestamp()))
        answer = RedirectResponse("/", status_code=303)
        answer.set_cookie(COOKIE, sign_session(keys.session_secret(), key.id, expires), max_age=expires - now,
                          httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
        return answer

    @router.post("/dashboard/logout")
    def logout() -> Response:
        answer = to_login()
        answer.delete_cookie(COOKIE, path="/")
        return answer

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        key = session(request)
        if key is None:
            return to_login()
        environments = [r for r in registry.environments() if key.allows(r.repository, installation_of)]
        jobs = [j for j in registry.jobs() if key.allows(j.repository, installation_of)]
        total = sum(r.monthly_cost_usd or 0 for r in environments if r.status not in {"destroyed", "refused"})
        return HTMLResponse(_templates.get_template("index.html").render(
            environments=environments, jobs=jobs, total=total, days_left=days_left, scope=key.describe_scope()
        ))

    @router.get("/environments/{owner}/{repo}/{name}", response_class=HTMLResponse)
    def environment(request: Request, owner: str, repo: str, name: str) -> Response:
        key = session(request)
        if key is None:
            return to_login()
        record = registry.get(name, f"{owner}/{repo}")
        if record is None or not key.allows(record.repository, installation_of):
            raise HTTPException(404, f"no environment {name!r} in {owner}/{repo}")
        return HTMLResponse(_templates.get_template("environment.html").render(env=record, days_left=days_left))

    return router
