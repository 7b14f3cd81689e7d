"""The durable store (bot/store): the same behaviour on the embedded SQLite and on a real PostgreSQL 15."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from bot.api.keys import KeyRejected, KeyStore
from bot.github.installations import SqlInstallations
from bot.settings import Settings
from bot.store import legacy
from bot.store.audit import AuditEvent, AuditLog
from bot.store.db import Database, database_url, head_revision, open_database
from bot.store.registry import EnvironmentRecord, JobRecord, Registry
from bot.store.sessions import UserSessions
from tests.support.postgres_server import postgres_server  # noqa: F401  (fixture)
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

TABLES = {"environments", "environment_history", "audit_events", "api_keys", "installations",
          "installation_repositories", "jobs", "secrets", "user_sessions", "workflow_outcomes", "alembic_version"}


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
        return Settings(state_dir=tmp_path, database_url=url)
    return Settings(state_dir=tmp_path)


def test_the_default_is_sqlite_in_the_state_dir_and_postgresql_urls_use_psycopg(tmp_path: Path) -> None:
    assert database_url(Settings(state_dir=tmp_path)) == f"sqlite:///{tmp_path.resolve()}/dev-agent.db"
    url = database_url(Settings(state_dir=tmp_path, database_url="postgresql://u:pw@db/dev_agent"))
    assert url == "postgresql+psycopg://u:pw@db/dev_agent"


def test_migrations_build_every_table_from_an_empty_database(settings: Settings) -> None:
    bare = Database(database_url(settings))
    assert bare.revision() is None
    bare.dispose()
    database = open_database(settings)
    assert database.revision() == head_revision()
    assert set(inspect(database.engine).get_table_names()) >= TABLES
    database.upgrade()  # a second run (another process starting) changes nothing
    assert database.revision() == head_revision()


def test_an_upsert_changes_only_the_fields_it_sets_and_appends_history(settings: Settings) -> None:
    registry = Registry(settings)
    registry.upsert(EnvironmentRecord(name="web", repository="octo/app", owner="alice", status="planned",
                                      monthly_cost_usd=12.5, report="## report"))
    registry.upsert(EnvironmentRecord(name="web", repository="octo/app"), status="applied")
    record = registry.get("web", "octo/app")
    assert record is not None
    assert (record.owner, record.status, record.monthly_cost_usd, record.report) == ("alice", "applied", 12.5,
                                                                                      "## report")
    history = registry.history("web", "octo/app")
    assert [h.status for h in history] == ["planned", "applied"]
    assert history[1].changes == {"status": "applied"}
    assert history[0].changes["report"] == "9 characters"
    with pytest.raises(ValueError):
        registry.upsert(EnvironmentRecord(name="web", repository="octo/app"), status="gone")


def test_a_workflow_runs_outcome_counts_once_and_never_overrides_a_later_run(settings: Settings) -> None:
    registry = Registry(settings)
    registry.upsert(EnvironmentRecord(name="web", repository="octo/app", status="merged"))
    at = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    assert registry.record_outcome("web", "octo/app", "applied", "run-1", at)
    assert not registry.record_outcome("web", "octo/app", "applied", "run-1", at)  # the same run, reported twice
    assert registry.record_outcome("web", "octo/app", "destroyed", "run-3", at + dt.timedelta(minutes=9))
    assert registry.record_outcome("web", "octo/app", "failed", "run-2", at + dt.timedelta(minutes=5))  # late
    assert not registry.record_outcome("ghost", "octo/app", "applied", "run-4", at)  # never proposed: not created
    record = registry.get("web", "octo/app")
    assert record is not None and record.status == "destroyed" and registry.get("ghost") is None
    assert [h.status for h in registry.history("web", "octo/app")] == ["merged", "applied", "destroyed"]


def test_cost_under_management_counts_only_environments_that_exist(settings: Settings) -> None:
    registry = Registry(settings)
    for name, status, cost in [("a", "applied", 10.0), ("b", "planned", 1000.0), ("c", "destroyed", 50.0),
                               ("d", "drifted", 5.0), ("e", "failed", 70.0), ("f", "expiring", 1.0)]:
        registry.upsert(EnvironmentRecord(name=name, repository="octo/app", status=status, monthly_cost_usd=cost))
    assert registry.monthly_cost_under_management() == 16.0


def test_audit_events_are_append_only_in_the_database(settings: Settings) -> None:
    audit = AuditLog(settings)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    audit.record(AuditEvent(action="plan", actor="alice", environment="web", repository="octo/app", pull_request=3))
    audit.record(AuditEvent(action="apply", actor="bob", environment="web", repository="octo/app"))
    audit.record(AuditEvent(action="plan", actor="carol", environment="api", repository="octo/app"))
    assert [e.actor for e in audit.since(start)] == ["alice", "bob", "carol"]
    assert [e.action for e in audit.of_environment("web", "octo/app")] == ["plan", "apply"]
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), audit.db.write() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in audit.since(start)] == ["alice", "bob", "carol"]


def test_api_keys_are_stored_hashed_and_survive_a_new_process_view(settings: Settings) -> None:
    keys = KeyStore(settings)
    token, key = keys.create("ci", ["read"], installation=7, repositories=["octo/app"])
    assert KeyStore(settings).authenticate(token, "read").id == key.id
    with keys.db.read() as conn:
        stored = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM api_keys"))]
    assert len(stored) == 1 and token not in json.dumps(stored, default=str)
    assert stored[0]["sha256"] == key.sha256
    assert keys.revoke(key.id) and not keys.revoke("nope")
    with pytest.raises(KeyRejected, match="revoked"):
        KeyStore(settings).authenticate(token, "read")
    assert keys.session_secret() == KeyStore(settings).session_secret() and len(keys.session_secret()) == 64


def test_sign_in_sessions_expire_and_expired_ones_are_deleted(settings: Settings) -> None:
    sessions = UserSessions(open_database(settings))
    lapsed = sessions.create("alice", dt.timedelta(seconds=-1))
    assert sessions.get(lapsed.id) is None  # past its lifetime: signed out, whatever the cookie says
    live = sessions.create("bob", dt.timedelta(hours=1), provider="oidc", name="Bob B")
    found = UserSessions(open_database(settings)).get(live.id)  # another process sees it
    assert found is not None and (found.login, found.provider, found.name) == ("bob", "oidc", "Bob B")
    with sessions.db.read() as conn:  # making bob's session deleted alice's expired row
        assert [r.login for r in conn.execute(text("SELECT login FROM user_sessions"))] == ["bob"]
    sessions.end(live.id)
    assert sessions.get(live.id) is None


def test_installations_keep_their_repositories(settings: Settings) -> None:
    store = SqlInstallations(open_database(settings))
    store.save(7, "octo", ["octo/a", "octo/b"])
    store.add_repositories(7, ["octo/c", "octo/a"])
    store.remove_repositories(7, ["octo/b"])
    store.add_repositories(9, ["other/x"])  # an added event for an installation seen first now
    assert store.get(7) == {"account": "octo", "repositories": ["octo/a", "octo/c"]}
    assert store.get(9) == {"account": "", "repositories": ["other/x"]}
    store.save(7, "octo", ["octo/z"])
    assert store.get(7) == {"account": "octo", "repositories": ["octo/z"]}
    store.delete(7)
    assert store.get(7) is None


def test_a_job_keeps_its_kind_links_environment_and_expires(settings: Settings) -> None:
    registry = Registry(settings)
    registry.put_job(JobRecord(id="delivery-1", kind="request", repository="octo/app", links={"issue": "https://i/1"}))
    registry.put_job(JobRecord(id="delivery-1", kind="issues.opened", status="running"))
    registry.put_job(JobRecord(id="delivery-1", kind="issues.opened", status="done", environment="web",
                               links={"pull_request": "https://p/2"}))
    job = registry.job("delivery-1")
    assert job is not None
    assert (job.kind, job.status, job.environment, job.repository) == ("request", "done", "web", "octo/app")
    assert job.links == {"issue": "https://i/1", "pull_request": "https://p/2"}
    short = Registry(settings.model_copy(update={"job_retention_seconds": 1}))
    short.put_job(JobRecord(id="old", kind="x"))
    with short.db.write() as conn:
        conn.execute(text("UPDATE jobs SET updated_at = :t WHERE id = 'old'"),
                     {"t": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)})
    assert short.job("old") is None and "old" not in [j.id for j in short.jobs()]
    registry.drop_job("delivery-1")
    assert registry.job("delivery-1") is None


def test_the_previous_releases_files_are_imported_once(settings: Settings, tmp_path: Path) -> None:
    old = tmp_path / "old-state"
    old.mkdir()
    now = dt.datetime.now(dt.UTC)
    (old / "registry.json").write_text(json.dumps({
        "dev-agent:environments": {"octo/app#web": {"name": "web", "repository": "octo/app", "status": "applied",
                                                    "monthly_cost_usd": 3.0, "updated_at": now.isoformat()}},
        "dev-agent:jobs": {"delivery-9": {"id": "delivery-9", "kind": "issues.opened", "status": "done",
                                          "repository": "octo/app", "updated_at": now.isoformat()}}}))
    token = "da_abcd1234_secret"
    import hashlib

    (old / "api-keys.json").write_text(json.dumps({"abcd1234": {
        "id": "abcd1234", "name": "ci", "scopes": ["read"], "sha256": hashlib.sha256(token.encode()).hexdigest(),
        "created_at": now.isoformat(), "installation": 7}}))
    (old / "audit.jsonl").write_text(AuditEvent(action="apply", actor="bob", environment="web",
                                                repository="octo/app").model_dump_json() + "\n")
    database = open_database(settings)
    first = legacy.import_legacy(database, legacy.read_files(old))
    assert first == {"environments": 1, "keys": 1, "audit events": 1, "installations": 0, "jobs": 1}
    assert legacy.import_legacy(database, legacy.read_files(old)) == dict.fromkeys(first, 0)
    assert Registry(settings).get("web", "octo/app").status == "applied"  # type: ignore[union-attr]
    assert KeyStore(settings).authenticate(token, "read").installation == 7
    assert [e.actor for e in AuditLog(settings).of_environment("web", "octo/app")] == ["bob"]


def test_a_redis_restart_loses_nothing_durable(settings: Settings, redis_server) -> None:  # noqa: F811
    """With Redis configured, keys, environments, audit and installations live in the database: Redis started
    again empty (the default, no persistence) changes nothing the API or dashboard read."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from bot.jobs.delivery import build_context

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings = settings.model_copy(update={"redis_url": redis_server.url, "github_app_id": 1,
                                           "github_private_key": SecretStr(pem)})
    ctx = build_context(settings, redis_server.client())
    token, _key = KeyStore(settings).create("ci", ["read"], installation=7)
    ctx.registry.upsert(EnvironmentRecord(name="web", repository="octo/app", status="applied"))
    ctx.audit.record(AuditEvent(action="apply", actor="bob", environment="web", repository="octo/app"))
    ctx.installations.save(7, "octo", ["octo/app"])
    redis_server.stop()
    redis_server.start()
    assert redis_server.client().dbsize() == 0
    again = build_context(settings, redis_server.client())
    assert KeyStore(settings).authenticate(token, "read").installation == 7
    assert again.registry.get("web", "octo/app").status == "applied"
    assert [e.actor for e in again.audit.of_environment("web", "octo/app")] == ["bob"]
    assert again.installations.get(7) == {"account": "octo", "repositories": ["octo/app"]}


def test_an_upgrade_in_place_imports_the_state_dirs_files_with_the_cli(tmp_path: Path) -> None:
    """An operator upgrading the embedded mode: the old JSON files sit in the state dir; one command imports them
    into the SQLite database beside them, and a second run adds nothing."""
    import os
    import subprocess
    import sys

    now = dt.datetime.now(dt.UTC).isoformat()
    (tmp_path / "registry.json").write_text(json.dumps({"dev-agent:environments": {"octo/app#web": {
        "name": "web", "repository": "octo/app", "status": "merged", "updated_at": now}}}))
    (tmp_path / "audit.jsonl").write_text(AuditEvent(action="plan", actor="alice", environment="web",
                                                     repository="octo/app").model_dump_json() + "\n")
    env = {"PATH": os.environ["PATH"], "DEV_AGENT_STATE_DIR": str(tmp_path), "REDIS_URL": ""}
    root = Path(__file__).resolve().parents[1]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", "db", "import-legacy"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    first = run()
    assert first.returncode == 0, first.stderr
    assert "1 environments, 0 keys, 1 audit events" in first.stdout
    assert "0 environments, 0 keys, 0 audit events" in run().stdout
    assert Registry(Settings(state_dir=tmp_path)).get("web", "octo/app").status == "merged"  # type: ignore[union-attr]
