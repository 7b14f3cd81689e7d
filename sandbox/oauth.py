"""GitHub's OAuth web flow, as a GitHub App's user authorisation uses it (github.com, not the REST API):
`GET /login/oauth/authorize` (here: a page asking which sandbox user signs in, since the sandbox has no
passwords), `POST /login/oauth/authorize` (that user authorises: redirect to the App's callback with a
one-time code) and `POST /login/oauth/access_token` (the App exchanges code + client secret for a `ghu_`
user-to-server token)."""

from __future__ import annotations

import html
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .core import SandboxCore
from .model import OAuthCode, UserToken, now

CODE_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(hours=8)  # GitHub's user-to-server tokens expire after 8 hours
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize {app}</title></head>
<body><h1>Sign in to GitHub (sandbox) to continue to {app}</h1>
<form method="post" action="/login/oauth/authorize">
<input type="hidden" name="client_id" value="{client_id}"><input type="hidden" name="redirect_uri" value="{redirect}">
<input type="hidden" name="state" value="{state}">
<label>Username <input name="login" autocomplete="username"></label>
<button type="submit" name="authorize" value="1">Authorize {app}</button></form>{error}</body></html>"""


def routes(core: SandboxCore) -> list[Route]:
    def app_of(client_id: str):
        return next((a for a in core.state.apps.values() if a.client_id == client_id), None)

    def page(params: dict[str, str], error: str = "", status: int = 200) -> HTMLResponse:
        app = app_of(params.get("client_id", ""))
        return HTMLResponse(PAGE.format(
            app=html.escape(app.name if app else "?"), client_id=html.escape(params.get("client_id", "")),
            redirect=html.escape(params.get("redirect_uri", "")), state=html.escape(params.get("state", "")),
            error=f"<p role='alert'>{html.escape(error)}</p>" if error else ""), status_code=status)

    async def authorize(request: Request) -> Response:
        params = dict(request.query_params) if request.method == "GET" else await _form(request)
        app = app_of(params.get("client_id", ""))
        if app is None:
            return page(params, "unknown client_id", 404)
        redirect = params.get("redirect_uri", "")
        if urlsplit(redirect).scheme not in ("http", "https"):
            return page(params, "redirect_uri must be an http(s) URL", 400)
        if request.method == "GET":
            return page(params)
        with core.state.lock:
            user = core.state.user(str(params.get("login", "")))
            if user is None or user.type != "User":
                return page(params, "no such user", 401)
            code = secrets.token_hex(10)
            core.state.oauth_codes[code] = OAuthCode(user, app, redirect, now() + CODE_LIFETIME)
        query = urlencode({"code": code, "state": params.get("state", "")})
        return RedirectResponse(f"{redirect}{'&' if '?' in redirect else '?'}{query}", status_code=302)

    async def access_token(request: Request) -> Response:
        if request.headers.get("content-type", "").startswith("application/json"):
            params = {k: str(v) for k, v in (await request.json()).items()}
        else:
            params = await _form(request)
        with core.state.lock:
            app = app_of(params.get("client_id", ""))
            if app is None or not secrets.compare_digest(app.client_secret, params.get("client_secret", "")):
                answer = {"error": "incorrect_client_credentials",
                          "error_description": "The client_id and/or client_secret passed are incorrect."}
            else:
                code = core.state.oauth_codes.pop(params.get("code", ""), None)
                redirect = params.get("redirect_uri")
                if code is None or code.app.id != app.id or code.expires_at <= now() \
                        or (redirect and redirect != code.redirect_uri):
                    answer = {"error": "bad_verification_code",
                              "error_description": "The code passed is incorrect or expired."}
                else:
                    token = UserToken(core.state.new_token("ghu_"), code.user, app, now() + TOKEN_LIFETIME)
                    core.state.user_tokens[token.value] = token
                    answer = {"access_token": token.value, "expires_in": int(TOKEN_LIFETIME.total_seconds()),
                              "token_type": "bearer", "scope": ""}
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(answer)  # GitHub answers 200 even for errors, with an `error` field
        return Response(urlencode(answer), media_type="application/x-www-form-urlencoded")

    return [Route("/login/oauth/authorize", authorize, methods=["GET", "POST"]),
            Route("/login/oauth/access_token", access_token, methods=["POST"])]


async def _form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (first value of each field)."""
    return {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
