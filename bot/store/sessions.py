"""Dashboard sessions of people who signed in with GitHub or an OIDC provider, kept in the database (they survive a
restart and are shared by every web process). A session names the GitHub login whose repository access applies;
that access is checked on each request (bot/api/access.py), not stored here."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import delete, insert, select

from bot.store import schema
from bot.store.db import Database, utc

Provider = Literal["github", "oidc"]


class UserSession(BaseModel):
    """One signed-in person: `login` is the GitHub login they act as ("" when their OIDC identity names none)."""

    id: str
    login: str
    provider: Provider
    name: str
    expires_at: dt.datetime


class UserSessions:
    """Create, find and end sessions; expired ones are deleted when a new one is made."""

    def __init__(self, database: Database):
        self.db = database

    def create(self, login: str, lifetime: dt.timedelta, provider: Provider = "github",
               name: str = "") -> UserSession:
        now = dt.datetime.now(dt.UTC)
        session = UserSession(id=secrets.token_hex(16), login=login, provider=provider, name=name or login,
                              expires_at=now + lifetime)
        with self.db.write() as conn:
            conn.execute(delete(schema.user_sessions).where(schema.user_sessions.c.expires_at < now))
            conn.execute(insert(schema.user_sessions).values(**session.model_dump(), created_at=now))
        return session

    def get(self, session_id: str) -> UserSession | None:
        """The session if it exists and has not expired."""
        with self.db.read() as conn:
            row = conn.execute(select(schema.user_sessions).where(schema.user_sessions.c.id == session_id)).first()
        if row is None or utc(row.expires_at) <= dt.datetime.now(dt.UTC):
            return None
        return UserSession(id=row.id, login=row.login, provider=row.provider, name=row.name,
                           expires_at=utc(row.expires_at))

    def end(self, session_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(schema.user_sessions).where(schema.user_sessions.c.id == session_id))
