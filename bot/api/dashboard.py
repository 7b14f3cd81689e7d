"""The dashboard: server-rendered pages (no JavaScript needed) listing environments, jobs and reports, behind a
session: signed in with GitHub or an OIDC provider (the repositories the person's GitHub login is a collaborator
of, asked of GitHub on each request: bot/api/access.py) or with an API key (its scope)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.api.access import RepositoryAccess, no_access
from bot.api.keys import ApiKey, InstallationOf, KeyRejected, KeyStore
from bot.api.oidc import Flow, OidcSignIn
from bot.api.render import report_html
from bot.api.signin import GitHubSignIn, SignInFailed
from bot.store.audit import AuditLog
from bot.store.registry import LIVE, EnvironmentRecord, Registry
from bot.store.sessions import Provider, UserSessions

COOKIE = "dev_agent_session"
SESSION_SECONDS = 8 * 3600
LOGIN_PATH = "/dashboard/login"
MAX_FORM = 4096
OAUTH_START, OAUTH_CALLBACK = "/dashboard/oauth/start", "/dashboard/oauth/callback"
STATE_COOKIE = "dev_agent_oauth_state"
OIDC_START, OIDC_CALLBACK = "/dashboard/oidc/start", "/dashboard/oidc/callback"
FLOW_COOKIE, FLOW_PREFIX, FLOW_SECONDS = "dev_agent_oidc_flow", "oidc-", 600
USER_SESSION = "u-"  # session ids of people (GitHub or OIDC sign-in); API key ids are hex
JOBS_SHOWN = 20

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


def lifetime(record: EnvironmentRecord, today: dt.date | None = None) -> str:
    """The TTL column: what is left of an environment that exists or may still be applied; what happened to
    one that is gone or never came to be."""
    if record.status == "destroyed":
        return "destroyed"
    if record.status == "refused":
        return "not created (refused)"
    return days_left(record.expires_on, today)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an environment's timeline."""

    at: dt.datetime
    what: str
    who: str
    detail: str


def timeline(registry: Registry, audit: AuditLog, record: EnvironmentRecord) -> list[TimelineEntry]:
    """What happened to one environment, newest first: audited actions (who did what) and status changes."""
    entries = [TimelineEntry(e.at, e.action + (f" (PR #{e.pull_request})" if e.pull_request else ""), e.actor,
                             e.detail) for e in audit.of_environment(record.name, record.repository)]
    previous = None
    for change in registry.history(record.name, record.repository):
        if change.status != previous:
            entries.append(TimelineEntry(change.at, f"status: {change.status}", "", ""))
            previous = change.status
    return sorted(entries, key=lambda e: e.at, reverse=True)


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


@dataclass(frozen=True)
class Viewer:
    """Who is looking: what they may see, how the page names them, and what they are limited to (for errors)."""

    allows: Callable[[str | None], bool]
    describe: str
    limit: str


def session_reader(keys: KeyStore, users: UserSessions, installation_of: InstallationOf,
                   access: RepositoryAccess | None = None, oidc_name: str = "SSO") -> Callable[[Request], Viewer | None]:
    """request -> the Viewer of its signed, unexpired session cookie (a person or an API key), else None."""

    access = access or no_access()

    def session(request: Request) -> Viewer | None:
        session_id = session_key_id(keys.session_secret(), request.cookies.get(COOKIE))
        if session_id is None:
            return None
        if session_id.startswith(USER_SESSION):
            user = users.get(session_id.removeprefix(USER_SESSION))
            if user is None:
                return None
            login = user.login
            via = "GitHub" if user.provider == "github" else oidc_name
            shown = f"as {user.name} ({via})" if user.name == login else \
                f"as {user.name} ({via}, GitHub login {login or 'none'})"
            return Viewer(lambda repository: access.allows(login, repository), shown,
                          f"{user.name}'s session is limited to the repositories {login or 'no GitHub login'} "
                          "is a collaborator of")
        key = keys.get(session_id)
        try:
            checked = KeyStore.check(key, "read") if key else None
        except KeyRejected:  # revoked, expired or unscoped since sign-in
            return None
        return key_viewer(checked, installation_of) if checked else None

    return session


def key_viewer(key: ApiKey, installation_of: InstallationOf) -> Viewer:
    """What an API key may see."""
    return Viewer(lambda repository: key.allows(repository, installation_of),
                  f"with a key for {key.describe_scope()}", f"this API key is limited to {key.describe_scope()}")


def _callback_url(request: Request, path: str = OAUTH_CALLBACK) -> str:
    """Where GitHub (or the OIDC provider) sends the user back: register it as the callback/redirect URI."""
    return str(request.base_url).rstrip("/") + path


def seal_flow(secret: bytes, flow: Flow, expires: int) -> str:
    """The OIDC flow cookie: state, nonce and PKCE verifier, signed like a session and expiring."""
    payload = base64.urlsafe_b64encode(json.dumps([flow.state, flow.nonce, flow.verifier]).encode()).decode()
    return sign_session(secret, FLOW_PREFIX + payload.rstrip("="), expires)


def open_flow(secret: bytes, cookie: str | None) -> Flow | None:
    """The flow of a well-signed, unexpired flow cookie, else None."""
    payload = session_key_id(secret, cookie)
    if payload is None or not payload.startswith(FLOW_PREFIX):
        return None
    raw = payload.removeprefix(FLOW_PREFIX)
    state, nonce, verifier = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return Flow(str(state), str(nonce), str(verifier))


def build_dashboard_router(registry: Registry, keys: KeyStore, installation_of: InstallationOf,
                           access: RepositoryAccess | None = None, signin: GitHubSignIn | None = None,
                           oidc: OidcSignIn | None = None) -> APIRouter:
    """`/dashboard/login` (Sign in with GitHub when `signin` is configured, with the OIDC provider when `oidc`
    is, or an API key), `/` (environments and recent jobs) and `/environments/{repository}/{name}` (one
    report); the pages show only what the session may see: the key's installation/repositories, or the
    repositories the person's GitHub login is a collaborator of now."""
    router = APIRouter(include_in_schema=False)
    users = UserSessions(registry.db)
    session = session_reader(keys, users, installation_of, access, oidc.name if oidc else "SSO")

    def to_login() -> RedirectResponse:
        return RedirectResponse(LOGIN_PATH, status_code=303)

    def login_page(error: str = "", status: int = 200) -> HTMLResponse:
        return HTMLResponse(_templates.get_template("login.html").render(
            error=error, github=signin is not None, oidc=oidc.name if oidc else ""), status_code=status)

    def person_signed_in(request: Request, login: str, provider: Provider, name: str, via: str) -> Response:
        created = users.create(login, dt.timedelta(seconds=SESSION_SECONDS), provider, name)
        # A page, not a redirect: a SameSite=Strict cookie set at the end of a redirect chain that began on
        # the provider's site would not be sent with the next redirect's request.
        page = _templates.get_template("signed_in.html").render(name=created.name, login=login, provider=via)
        return signed_in(request, HTMLResponse(page), USER_SESSION + created.id, int(created.expires_at.timestamp()))

    def signed_in(request: Request, answer: Response, session_id: str, expires: int) -> Response:
        now = int(time.time())
        answer.set_cookie(COOKIE, sign_session(keys.session_secret(), session_id, expires), max_age=expires - now,
                          httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
        return answer

    @router.get(LOGIN_PATH, response_class=HTMLResponse)
    def login_form() -> Response:
        return login_page()

    @router.get(OAUTH_START)
    def github_start(request: Request) -> Response:
        if signin is None:
            raise HTTPException(404, "sign-in with GitHub is not configured")
        state = secrets.token_urlsafe(24)
        answer = RedirectResponse(signin.authorize_url(_callback_url(request), state), status_code=303)
        # Lax: the cookie must come back on GitHub's redirect to the callback (a cross-site top-level GET).
        answer.set_cookie(STATE_COOKIE, state, max_age=600, httponly=True, samesite="lax",
                          secure=request.url.scheme == "https", path=OAUTH_CALLBACK)
        return answer

    @router.get(OAUTH_CALLBACK)
    def github_callback(request: Request, code: str = "", state: str = "") -> Response:
        if signin is None:
            raise HTTPException(404, "sign-in with GitHub is not configured")
        expected = request.cookies.get(STATE_COOKIE) or ""
        if not code or not state or not hmac.compare_digest(expected.encode(), state.encode()):
            return login_page("The sign-in did not come from this browser (state mismatch); try again.", 400)
        try:
            user = signin.user(code, _callback_url(request))
        except SignInFailed as exc:
            return login_page(str(exc), 401)
        answer = person_signed_in(request, user.login, "github", user.login, "GitHub")
        answer.delete_cookie(STATE_COOKIE, path=OAUTH_CALLBACK)
        return answer

    @router.get(OIDC_START)
    def oidc_start(request: Request) -> Response:
        if oidc is None:
            raise HTTPException(404, "sign-in with an OIDC provider is not configured")
        flow = Flow.new()
        try:
            url = oidc.authorize_url(_callback_url(request, OIDC_CALLBACK), flow)
        except SignInFailed as exc:
            return login_page(str(exc), 502)
        answer = RedirectResponse(url, status_code=303)
        expires = int(time.time()) + FLOW_SECONDS
        # Lax, as for GitHub: the provider's redirect back is a cross-site top-level GET.
        answer.set_cookie(FLOW_COOKIE, seal_flow(keys.session_secret(), flow, expires), max_age=FLOW_SECONDS,
                          httponly=True, samesite="lax", secure=request.url.scheme == "https", path=OIDC_CALLBACK)
        return answer

    @router.get(OIDC_CALLBACK)
    def oidc_callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
        if oidc is None:
            raise HTTPException(404, "sign-in with an OIDC provider is not configured")
        if error:
            return login_page(f"{oidc.name} did not sign you in ({error[:100]}).", 401)
        flow = open_flow(keys.session_secret(), request.cookies.get(FLOW_COOKIE))
        if not code or flow is None or not hmac.compare_digest(flow.state.encode(), state.encode()):
            return login_page("The sign-in did not come from this browser (state mismatch); try again.", 400)
        try:
            person = oidc.identity(code, _callback_url(request, OIDC_CALLBACK), flow)
        except SignInFailed as exc:
            return login_page(str(exc), 401)
        answer = person_signed_in(request, person.login, "oidc", person.name, oidc.name)
        answer.delete_cookie(FLOW_COOKIE, path=OIDC_CALLBACK)
        return answer

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
            return login_page(str(exc), exc.status)
        expires = int(time.time()) + SESSION_SECONDS
        if key.expires_at is not None:
            expires = min(expires, int(key.expires_at.timestamp()))
        return signed_in(request, RedirectResponse("/", status_code=303), key.id, expires)

    @router.post("/dashboard/logout")
    def logout(request: Request) -> Response:
        session_id = session_key_id(keys.session_secret(), request.cookies.get(COOKIE)) or ""
        if session_id.startswith(USER_SESSION):
            users.end(session_id.removeprefix(USER_SESSION))
        answer = to_login()
        answer.delete_cookie(COOKIE, path="/")
        return answer

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request, repository: str = "", state: str = "", owner: str = "") -> Response:
        viewer = session(request)
        if viewer is None:
            return to_login()
        visible = [r for r in registry.environments() if viewer.allows(r.repository)]
        environments = [r for r in visible if (not repository or r.repository == repository)
                        and (not state or r.status == state) and (not owner or r.owner == owner)]
        jobs = [j for j in registry.jobs(limit=200) if viewer.allows(j.repository)
                and (not repository or j.repository == repository)][:JOBS_SHOWN]
        total = sum(r.monthly_cost_usd or 0 for r in environments if r.status in LIVE)
        filters = {"repository": sorted({r.repository for r in visible}), "state": sorted({r.status for r in visible}),
                   "owner": sorted({r.owner for r in visible if r.owner})}
        return HTMLResponse(_templates.get_template("index.html").render(
            environments=environments, jobs=jobs, total=total, lifetime=lifetime, scope=viewer.describe,
            filters=filters, chosen={"repository": repository, "state": state, "owner": owner},
            live=sum(1 for r in environments if r.status in LIVE),
        ))

    @router.get("/environments/{owner}/{repo}/{name}", response_class=HTMLResponse)
    def environment(request: Request, owner: str, repo: str, name: str) -> Response:
        viewer = session(request)
        if viewer is None:
            return to_login()
        record = registry.get(name, f"{owner}/{repo}")
        if record is None or not viewer.allows(record.repository):
            raise HTTPException(404, f"no environment {name!r} in {owner}/{repo}")
        return HTMLResponse(_templates.get_template("environment.html").render(
            env=record, lifetime=lifetime, report=Markup(report_html(record.report)) if record.report else "",
            timeline=timeline(registry, AuditLog(database=registry.db), record)))

    return router
