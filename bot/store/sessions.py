"""Dashboard sessions of users who signed in with GitHub, kept in the database (they survive a restart and are
shared by every web process). A session lists the repositories the user could access when signing in."""

from __future__ import annotations

import datetime as dt
import secrets

from pydantic import BaseModel
from sqlalchemy import delete, insert, select

from bot.store import schema
from bot.store.db import Database, utc


class UserSession(BaseModel):
    """One signed-in user."""

    id: str
    login: str
    repositories: list[str]
    expires_at: dt.datetime

    def allows(self, repository: str | None) -> bool:
        return repository is not None and repository.lower() in {r.lower() for r in self.repositories}


class UserSessions:
    """Create, find and end sessions; expired ones are deleted when a new one is made."""

    def __init__(self, database: Database):
        self.db = database

    def create(self, login: str, repositories: list[str], lifetime: dt.timedelta) -> UserSession:
        now = dt.datetime.now(dt.UTC)
        session = UserSession(id=secrets.token_hex(16), login=login, repositories=sorted(set(repositories)),
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
        return UserSession(id=row.id, login=row.login, repositories=list(row.repositories),
                           expires_at=utc(row.expires_at))

    def end(self, session_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(schema.user_sessions).where(schema.user_sessions.c.id == session_id))
