"""API keys for the REST API and dashboard: random tokens shown once, stored only as hashes, with scopes, expiry,
an owner (the GitHub login requests are filed for) and the installation (optionally repositories) they may see."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import insert, select, update

from bot.errors import DevAgentError
from bot.settings import Settings
from bot.store import schema
from bot.store.db import Database, open_database, stored_secret, utc

Scope = Literal["read", "request"]
SCOPES: tuple[str, ...] = ("read", "request")
PREFIX = "da_"
REPOSITORY = r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}"
LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
SESSION_SECRET_NAME = "dashboard-session"
# installation_of(repository) -> the App installation id serving it, or None (not installed / unknown).
InstallationOf = Callable[[str], int | None]


def no_installation(repository: str) -> int | None:
    """An InstallationOf that knows no installation: keys then see only the repositories they list."""
    return None


class ApiKey(BaseModel):
    """A stored key: never the token itself, only its hash."""

    id: str
    name: str
    scopes: list[Scope]
    sha256: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    revoked: bool = False
    owner: str | None = None
    installation: int | None = None
    repositories: list[str] = []

    def allows(self, repository: str | None, installation_of: InstallationOf) -> bool:
        """Whether this key may see or act on `repository`: one of its repositories when it lists some, else any
        repository of its installation. Keys without an installation see nothing."""
        if repository is None or self.installation is None:
            return False
        if self.repositories:
            return repository.lower() in {r.lower() for r in self.repositories}
        return installation_of(repository) == self.installation

    def describe_scope(self) -> str:
        """'installation 7' or 'installation 7 (octo/infra, octo/web)'."""
        repos = f" ({', '.join(self.repositories)})" if self.repositories else ""
        return f"installation {self.installation}{repos}"


class KeyRejected(DevAgentError):
    """The presented key is unknown, revoked, expired or lacks the scope; `status` is 401 or 403."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyStore:
    """Keys in the SQL store's `api_keys` table (bot/store/db.py)."""

    def __init__(self, settings: Settings, database: Database | None = None):
        self.db = database or open_database(settings)

    def _save(self, key: ApiKey) -> None:
        table = schema.api_keys
        with self.db.write() as conn:
            if conn.execute(update(table).where(table.c.id == key.id).values(**key.model_dump())).rowcount == 0:
                conn.execute(insert(table).values(**key.model_dump()))

    def create(self, name: str, scopes: list[str], expires_in_days: int | None = None, *, installation: int,
               repositories: list[str] | tuple[str, ...] = (), owner: str | None = None) -> tuple[str, ApiKey]:
        """A new key for `installation` (and only `repositories` of it, when given); a `request` key needs an
        `owner`, the GitHub login its requests are filed for. The returned token is shown once and not stored."""
        if not 1 <= len(name) <= 100 or not name.isprintable():
            raise ValueError("the key's name must be 1-100 printable characters")
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown or not scopes:
            raise ValueError(f"scopes must be among {', '.join(SCOPES)} (got {', '.join(unknown) or 'none'})")
        if installation <= 0:
            raise ValueError("--installation must be a positive App installation id")
        bad = [r for r in repositories if not re.fullmatch(REPOSITORY, r) or {".", ".."} & set(r.split("/"))]
        if bad:
            raise ValueError(f"--repository must look like owner/name (got {bad[0]!r})")
        if owner is not None and not re.fullmatch(LOGIN, owner):
            raise ValueError(f"--owner must be a GitHub login (got {owner!r})")
        if "request" in scopes and owner is None:
            raise ValueError("a 'request' key needs --owner LOGIN: the GitHub user its requests are filed for")
        key_id = secrets.token_hex(4)
        token = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        now = dt.datetime.now(dt.UTC)
        key = ApiKey.model_validate(dict(
                     id=key_id, name=name, scopes=sorted(set(scopes)), sha256=_digest(token), created_at=now,
                     expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
                     owner=owner, installation=installation, repositories=sorted(set(repositories))))
        self._save(key)
        return token, key

    def revoke(self, key_id: str) -> bool:
        """Revoke a key by id; False when there is no such key."""
        table = schema.api_keys
        with self.db.write() as conn:
            return bool(conn.execute(update(table).where(table.c.id == key_id).values(revoked=True)).rowcount)

    def list(self) -> list[ApiKey]:
        with self.db.read() as conn:
            rows = conn.execute(select(schema.api_keys).order_by(schema.api_keys.c.created_at)).all()
        return [_key(row) for row in rows]

    def authenticate(self, token: str | None, scope: str) -> ApiKey:
        """The key behind `token` if it may use `scope`; KeyRejected (401/403) otherwise."""
        if not token:
            raise KeyRejected(401, "missing API key: send 'Authorization: Bearer da_...'")
        parts = token.split("_")
        if not token.startswith(PREFIX) or len(parts) < 3:
            raise KeyRejected(401, "malformed API key")
        key = self.get(parts[1])
        if key is None or not hmac.compare_digest(key.sha256, _digest(token)):
            raise KeyRejected(401, "unknown API key")
        return self.check(key, scope)

    def get(self, key_id: str) -> ApiKey | None:
        with self.db.read() as conn:
            row = conn.execute(select(schema.api_keys).where(schema.api_keys.c.id == key_id)).first()
        return _key(row) if row is not None else None

    @staticmethod
    def check(key: ApiKey, scope: str) -> ApiKey:
        """`key` if it is usable for `scope` now; KeyRejected (401/403) otherwise."""
        if key.revoked:
            raise KeyRejected(401, "API key revoked")
        if key.expires_at and key.expires_at <= dt.datetime.now(dt.UTC):
            raise KeyRejected(401, "API key expired")
        if scope not in key.scopes:
            raise KeyRejected(403, f"API key lacks the '{scope}' scope")
        if key.installation is None:
            raise KeyRejected(403, f"API key {key.id} has no installation scope (it predates scoped keys); ask an "
                                   "admin to revoke it and create a new one: dev-agent keys create NAME --scope ... "
                                   "--installation ID [--repository owner/name] [--owner LOGIN]")
        if "request" in key.scopes and scope == "request" and key.owner is None:
            raise KeyRejected(403, f"API key {key.id} has no owner to file requests for; re-create it with --owner")
        return key

    def session_secret(self) -> bytes:
        """The secret dashboard session cookies are signed with: random, made once, kept in the store."""
        return stored_secret(self.db, SESSION_SECRET_NAME)


def _key(row: Any) -> ApiKey:
    values = dict(row._mapping)
    values["created_at"] = utc(values["created_at"])
    values["expires_at"] = utc(values["expires_at"]) if values["expires_at"] else None
    return ApiKey.model_validate(values)
