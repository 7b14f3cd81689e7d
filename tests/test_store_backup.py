"""Backups and upgrades: `dev-agent db export` / `db import` (the restore drill of docs/operations.md) across
PostgreSQL and SQLite, and migrating a database made by the previous schema revision without losing rows."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.api.keys import KeyStore
from bot.github.installations import SqlInstallations
from bot.settings import Settings
from bot.store.audit import AuditEvent, AuditLog
from bot.store.db import Database, database_url, head_revision, open_database
from bot.store.registry import EnvironmentRecord, Registry
from bot.store.sessions import UserSessions
from tests.support.postgres_server import postgres_server  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, state_dir: Path, url: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "DEV_AGENT_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT),
           **({"DEV_AGENT_DATABASE_URL": url} if url else {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _fill(settings: Settings) -> str:
    registry = Registry(settings)
    registry.upsert(EnvironmentRecord(name="web", repository="octo/app", status="planned", monthly_cost_usd=12.0,
                                      expires_on=dt.date(2027, 1, 31), report="## report \u274c"))
    registry.upsert(EnvironmentRecord(name="web", repository="octo/app"), status="applied")
    AuditLog(settings).record(AuditEvent(action="apply", actor="bob", environment="web", repository="octo/app",
                                         pull_request=4, detail="applied abc"))
    SqlInstallations(open_database(settings)).save(7, "octo", ["octo/app"])
    UserSessions(open_database(settings)).create("alice", dt.timedelta(hours=1))
    token, _key = KeyStore(settings).create("ops", ["read"], installation=7)
    KeyStore(settings).session_secret()  # made by the first dashboard sign-in
    return token


@pytest.mark.parametrize("source", ["postgresql", "sqlite"])
def test_the_restore_drill_export_then_import_into_a_new_database(source: str, tmp_path: Path,
                                                                  request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue("postgres_server")
    old_url = server.create_database() if source == "postgresql" else None
    old = Settings(state_dir=tmp_path / "old", database_url=old_url)
    token = _fill(old)
    backup = tmp_path / "backup.jsonl"
    exported = _cli("db", "export", str(backup), state_dir=old.state_dir, url=old_url)
    assert exported.returncode == 0, exported.stderr
    assert oct(backup.stat().st_mode & 0o777) == "0o600" and token not in backup.read_text()
    header = json.loads(backup.read_text().splitlines()[0])
    assert header["dev_agent_export"] == 1 and header["revision"] == head_revision()

    # Restore into the other engine: PostgreSQL -> SQLite, SQLite -> PostgreSQL.
    new_url = None if source == "postgresql" else server.create_database()
    new = Settings(state_dir=tmp_path / "new", database_url=new_url)
    restored = _cli("db", "import", str(backup), state_dir=new.state_dir, url=new_url)
    assert restored.returncode == 0, restored.stderr
    assert "1 environments" in restored.stdout and "1 audit_events" in restored.stdout
    assert KeyStore(new).authenticate(token, "read").installation == 7
    assert Registry(new).environments() == Registry(old).environments()
    assert Registry(new).history("web", "octo/app") == Registry(old).history("web", "octo/app")
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert AuditLog(new).since(start) == AuditLog(old).since(start)
    assert SqlInstallations(open_database(new)).get(7) == {"account": "octo", "repositories": ["octo/app"]}
    assert KeyStore(new).session_secret() == KeyStore(old).session_secret()  # signed-in users stay signed in
    AuditLog(new).record(AuditEvent(action="destroy", actor="carol", environment="web", repository="octo/app"))
    assert [e.actor for e in AuditLog(new).since(start)] == ["bob", "carol"]  # ids continue after the restored ones

    again = _cli("db", "import", str(backup), state_dir=new.state_dir, url=new_url)
    assert again.returncode == 3 and "not empty" in again.stderr and "nothing was imported" in again.stderr
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"table": "environments"}\n')
    refused = _cli("db", "import", str(junk), state_dir=tmp_path / "empty")
    assert refused.returncode == 3 and "not a dev-agent export" in refused.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_of_the_previous_revision_upgrades_with_its_rows(backend: str, tmp_path: Path,
                                                                    request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("postgres_server").create_database() if backend == "postgresql" else None
    settings = Settings(state_dir=tmp_path, database_url=url)
    previous = Database(database_url(settings))
    previous.upgrade("0001")  # the schema before GitHub sign-in sessions
    with previous.write() as conn:
        conn.execute(text("INSERT INTO environments (repository, name, tier, status, drift, report, created_at, "
                          "updated_at) VALUES ('octo/app', 'web', 'dev', 'applied', false, '', :t, :t)"),
                     {"t": dt.datetime.now(dt.UTC)})
    assert previous.revision() == "0001"
    previous.dispose()
    status = _cli("db", "status", state_dir=tmp_path, url=url)
    assert status.returncode == 1 and "revision 0001" in status.stdout
    upgraded = _cli("db", "upgrade", state_dir=tmp_path, url=url)
    assert upgraded.returncode == 0 and f"revision {head_revision()}" in upgraded.stdout, upgraded.stderr
    assert Registry(settings).get("web", "octo/app").status == "applied"  # type: ignore[union-attr]
    assert UserSessions(open_database(settings)).create("alice", dt.timedelta(hours=1)).login == "alice"
    assert _cli("db", "status", state_dir=tmp_path, url=url).returncode == 0
