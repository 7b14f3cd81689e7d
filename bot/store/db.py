"""The database behind the durable store: SQLite in the state dir by default, PostgreSQL when
`DEV_AGENT_DATABASE_URL` is set. Opening it runs the Alembic migrations (once per process and URL).

Writes are serialised per row: PostgreSQL takes row locks (`SELECT ... FOR UPDATE`), SQLite opens write
transactions with `BEGIN IMMEDIATE` (one writer at a time, readers unblocked thanks to WAL), so several
processes (web + workers) can write the same environment without losing updates.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from bot.errors import DevAgentError
from bot.settings import Settings
from bot.store.schema import secrets as table

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_FILE = "dev-agent.db"
_ADVISORY_LOCK = 0x64657661  # "deva": PostgreSQL advisory lock held while migrating
T = TypeVar("T")


class DatabaseError(DevAgentError):
    """The database URL is unusable or the database cannot be migrated."""


def database_url(settings: Settings) -> str:
    """`DEV_AGENT_DATABASE_URL` (postgresql:// is read as postgresql+psycopg://), else SQLite in the state dir."""
    if settings.database_url is not None:
        raw = settings.database_url.get_secret_value()
        for plain in ("postgresql://", "postgres://"):
            if raw.startswith(plain):
                raw = "postgresql+psycopg://" + raw.removeprefix(plain)
        backend = make_url(raw).get_backend_name()
        if backend not in {"postgresql", "sqlite"}:
            raise DatabaseError(f"DEV_AGENT_DATABASE_URL must be a postgresql:// or sqlite:// URL (got {backend}://)")
        return raw
    return f"sqlite:///{Path(settings.state_dir).expanduser().resolve() / SQLITE_FILE}"


def utc(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite hands them back naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Database:
    """One engine; `read()`/`write()` give a connection inside a transaction."""

    def __init__(self, url: str):
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.connect() as conn:
            conn.execution_options(dev_agent_write=True)
            with conn.begin():
                yield conn

    def transact(self, work: Callable[[Connection], T]) -> T:
        """`work(conn)` in a write transaction, run again (up to 5 times) when a concurrent writer inserted the
        same row first (PostgreSQL's row locks cannot lock a row that does not exist yet)."""
        for attempt in range(5):
            try:
                with self.write() as conn:
                    return work(conn)
            except IntegrityError:
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def insert_ignore(self, table: Table) -> Any:
        """INSERT ... ON CONFLICT DO NOTHING for this dialect."""
        if self.dialect == "sqlite":
            # deferred: only the database in use needs its dialect (postgresql's loads in ~150 ms)
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(table).on_conflict_do_nothing()
        # deferred: only the database in use needs its dialect (postgresql's loads in ~150 ms)
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table).on_conflict_do_nothing()

    def upgrade(self, revision: str = "head") -> None:
        """Apply the migrations up to `revision` (one process at a time)."""
        from alembic import command  # deferred: Alembic is only needed to run migrations
        from alembic.config import Config  # deferred: Alembic is only needed to run migrations

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
        logging.getLogger("alembic").setLevel(logging.WARNING)  # not a line per plugin at every process start
        with self._migration_lock(), self.engine.connect() as conn, conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, revision)

    def revision(self) -> str | None:
        """The schema revision the database is at (None: empty database)."""
        from alembic.runtime.migration import MigrationContext  # deferred: Alembic is only needed to run migrations

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.dialect == "sqlite":
            database = make_url(self.url).database
            if not database or database == ":memory:":
                yield
                return
            with open(f"{database}.migrate.lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _ADVISORY_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _ADVISORY_LOCK})
                conn.commit()

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("dev_agent_write") else "BEGIN")


_open: dict[str, Database] = {}
_open_lock = threading.Lock()


def open_database(settings: Settings) -> Database:
    """The process's database for these settings, migrated to the latest schema on first use."""
    url = database_url(settings)
    with _open_lock:
        database = _open.get(url)
        if database is None:
            database = Database(url)
            try:
                database.upgrade()
            except Exception as exc:
                database.dispose()
                raise DatabaseError(f"cannot open the database at {make_url(url).render_as_string()}: "
                                    f"{type(exc).__name__}: {exc}") from exc
            _open[url] = database
        return database


def _after_fork() -> None:
    """A forked child (an rq work horse) must not share its parent's connections."""
    for database in _open.values():
        database.engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork)


def stored_secret(database: Database, name: str) -> bytes:
    """A random secret kept in the store under `name`: made by the first caller, the same for every process after."""
    with database.write() as conn:
        conn.execute(database.insert_ignore(table).values(name=name, value=secrets.token_hex(32)))
        value = conn.execute(select(table.c.value).where(table.c.name == name)).scalar_one()
    return str(value).encode()


def head_revision() -> str:
    """The latest migration's revision."""
    from alembic.config import Config  # deferred: Alembic is only needed to run migrations
    from alembic.script import ScriptDirectory  # deferred: Alembic is only needed to run migrations

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
