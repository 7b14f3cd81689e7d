"""Per-request context: who is calling, request data, authorization and pagination helpers."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt

from .core import SandboxCore
from .errors import ApiError, bad_credentials, forbidden, not_found, requires_auth
from .model import PERMISSION_RANK, App, Installation, Repository, Token, User, now
from .shapes import Shapes, Urls


@dataclass
class Identity:
    kind: str  # anonymous | user | installation | app
    user: User | None = None  # the acting user (the App's bot user for installations)
    app: App | None = None
    installation: Installation | None = None
    token: Token | None = None

    @property
    def rate_key(self) -> str:
        if self.kind == "installation":
            return f"installation:{self.installation.id}"
        if self.kind == "app":
            return f"app:{self.app.id}"
        if self.kind == "user":
            return f"user:{self.user.id}"
        return "anonymous"


def identify(core: SandboxCore, authorization: str | None) -> Identity:
    """Resolve an Authorization header (token/Bearer PAT or installation token, Bearer App JWT, Basic)."""
    if not authorization:
        return Identity("anonymous")
    scheme, _, credential = authorization.partition(" ")
    credential = credential.strip()
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            user, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, ValueError):
            raise bad_credentials() from None
        credential = password or user
    elif scheme not in ("token", "bearer"):
        raise bad_credentials()
    state = core.state
    if credential.count(".") == 2 and scheme == "bearer":
        return _identify_jwt(core, credential)
    user_token = state.user_tokens.get(credential)
    if user_token is not None:
        if user_token.expires_at <= now():
            raise bad_credentials()
        return Identity("user", user_token.user, user_token.app)
    token = state.tokens.get(credential)
    if token is not None:
        if token.expires_at <= now():
            raise bad_credentials()
        return Identity("installation", token.installation.app.bot, token.installation.app, token.installation, token)
    user = state.user_by_token(credential)
    if user is not None:
        return Identity("user", user)
    raise bad_credentials()


def _identify_jwt(core: SandboxCore, credential: str) -> Identity:
    try:
        claims = jwt.decode(credential, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise ApiError(401, "A JSON web token could not be decoded") from None
    issuer = str(claims.get("iss", ""))
    app = next((a for a in core.state.apps.values() if issuer in (str(a.id), a.client_id)), None)
    if app is None:
        raise ApiError(401, "A JSON web token could not be decoded")
    try:
        verified = jwt.decode(
            credential, app.public_key_pem, algorithms=["RS256"], leeway=60, options={"require": ["iat", "exp", "iss"]}
        )
    except jwt.ExpiredSignatureError:
        raise ApiError(
            401,
            "'Expiration time' claim ('exp') must be a numeric value representing the future time "
            "at which the assertion expires",
        ) from None
    except jwt.PyJWTError:
        raise ApiError(401, "A JSON web token could not be decoded") from None
    if verified["exp"] - verified["iat"] > 660:
        raise ApiError(401, "'Expiration time' claim ('exp') is too far in the future")
    return Identity("app", app.bot, app)


@dataclass
class Ctx:
    core: SandboxCore
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: bytes
    identity: Identity
    urls: Urls
    headers: dict[str, str] = field(default_factory=dict)  # response headers set by handlers

    @property
    def state(self):
        return self.core.state

    @property
    def shapes(self) -> Shapes:
        return self.core.shapes(self.urls)

    def json_value(self):
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise ApiError(400, "Problems parsing JSON") from None

    def json(self) -> dict:
        data = self.json_value()
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data

    def actor(self) -> User:
        if self.identity.user is None:
            raise requires_auth()
        return self.identity.user

    def require_app(self) -> App:
        if self.identity.kind != "app":
            raise ApiError(401, "A JSON web token could not be decoded")
        return self.identity.app

    def repo(self, scope: str = "metadata", need: str = "read") -> Repository:
        """The path's repository, if the caller may ``need`` (read/triage/write/admin) it under ``scope``."""
        repo = self.state.repo(self.params["owner"], self.params["repo"])
        if repo is None:
            raise not_found()
        ident = self.identity
        if ident.kind == "anonymous":
            if repo.private:
                raise not_found()
            if need != "read":
                raise requires_auth()
        elif ident.kind == "app":
            raise forbidden("Resource not accessible by integration")
        elif ident.kind == "installation":
            if repo.id not in ident.token.repository_ids or repo.id not in ident.installation.repository_ids:
                raise not_found()
            granted = ident.app.permissions.get(scope, "read" if scope == "metadata" else "none")
            wanted = "read" if need == "read" else "write"
            if PERMISSION_RANK.get(granted, 0) < PERMISSION_RANK[wanted]:
                raise forbidden()
        else:
            role = self.state.permission(ident.user, repo)
            if role == "none":
                raise not_found()
            if PERMISSION_RANK[role] < PERMISSION_RANK[need]:
                raise forbidden(f"Must have {need} access to repository.")
        return repo

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise not_found() from None

    def paginate(self, items: list) -> list:
        """Slice ``items`` by per_page/page and set a GitHub ``Link`` header."""
        try:
            per_page = max(1, min(100, int(self.query.get("per_page", 30))))
            page = max(1, int(self.query.get("page", 1)))
        except ValueError:
            raise ApiError(422, "Validation Failed") from None
        last = max(1, -(-len(items) // per_page))
        links = []
        rels = [("prev", page - 1), ("next", page + 1), ("last", last), ("first", 1)]
        for rel, number in rels:
            if (rel in ("prev", "first") and page > 1) or (rel in ("next", "last") and page < last):
                query = {**self.query, "per_page": str(per_page), "page": str(number)}
                links.append(f'<{self.urls.api}{self.path}?{urlencode(query)}>; rel="{rel}"')
        if links:
            self.headers["Link"] = ", ".join(links)
        return items[(page - 1) * per_page : page * per_page]
