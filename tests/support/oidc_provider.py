"""A small OpenID Connect provider for the tests (no internet): discovery, JWKS, the authorization endpoint and
the token endpoint of the authorization code flow with PKCE (S256), ID tokens signed RS256 with its own key.

At `/authorize` the person "signs in" by name: the tests add `login_as=<name>` to the URL the bot sent the browser
to (a real provider would show its login page there). Knobs let a test make the provider misbehave the ways a
relying party must refuse: `claims_override` (wrong aud/iss/nonce, expired), `sign_with` (a key not in the JWKS).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route


@dataclass
class Grant:
    """A one-time authorization code and what it was issued for."""

    person: str
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str


@dataclass
class OidcProvider:
    """Run with `with OidcProvider() as idp:`; `idp.issuer` is its URL."""

    client_id: str = "dev-agent-dashboard"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    people: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> extra ID token claims
    claims_override: dict[str, Any] = field(default_factory=dict)
    sign_with: RSAKey | OctKey | None = None  # OctKey: HS256 (the client secret as key, the classic confusion)
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-1"}))
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def __enter__(self) -> OidcProvider:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self._discovery),
            Route("/jwks", self._jwks),
            Route("/authorize", self._authorize),
            Route("/token", self._token, methods=["POST"]),
        ])
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline and self._thread.is_alive(), "the OIDC provider did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def add_person(self, name: str, **claims: Any) -> None:
        self.people[name] = claims

    async def _discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def _authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != self.client_id or q.get("response_type") != "code" \
                or "openid" not in q.get("scope", "").split():
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return JSONResponse({"error": "invalid_request", "error_description": "PKCE S256 required"}, 400)
        person = q.get("login_as", "")
        if person not in self.people:
            return JSONResponse({"error": "access_denied"}, status_code=401)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(person, self.client_id, q["redirect_uri"], q.get("nonce", ""), q["code_challenge"])
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q.get('state', '')})}", 302)

    async def _token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        self.token_requests.append(form)
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if not secrets.compare_digest(challenge, grant.challenge):
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE verification failed"}, 400)
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": f"sub-{grant.person}", "aud": self.client_id, "iat": now,
                  "exp": now + 300, "nonce": grant.nonce, **self.people[grant.person], **self.claims_override}
        key = self.sign_with or self.key
        alg = "HS256" if isinstance(key, OctKey) else "RS256"
        id_token = jwt.encode({"alg": alg, "kid": key.kid or "test-1"}, claims, key, algorithms=[alg])
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                             "id_token": id_token})
