"""Operations plumbing: redacted JSON logs, the audit trail, API keys (file store and real Redis)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.api.keys import KeyRejected, KeyStore
from bot.logs import configure_logging, correlated, get_logger
from bot.settings import Settings
from bot.store.audit import AuditEvent, AuditLog

ROOT = Path(__file__).resolve().parents[1]


def test_logs_are_json_with_correlation_id_and_no_secrets() -> None:
    stream = io.StringIO()
    configure_logging(stream=stream)
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"
    with correlated("delivery-123"):
        get_logger("test").info("token minted", token="ghs_abcdefghijklmnopqrstuvwxyz012345",
                                detail=f"key {pem} and Bearer ghs_abcdefghijklmnopqrstuvwxyz012345",
                                webhook_secret="s3cr3t")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["correlation_id"] == "delivery-123" and line["event"] == "token minted"
    text = stream.getvalue()
    for secret in ("ghs_abcdef", "MIIEow", "s3cr3t"):
        assert secret not in text


def test_audit_trail_is_append_only_and_filtered_by_time(tmp_path: Path) -> None:
    log = AuditLog(Settings(state_dir=tmp_path))
    old = AuditEvent(action="request", actor="octocat", environment="a-dev", at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    log.record(old)
    log.record(AuditEvent(action="apply", actor="hubot", environment="a-dev", pull_request=7))
    recent = log.since(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert [e.action for e in recent] == ["apply"]
    assert len(log.since(dt.datetime.min.replace(tzinfo=dt.UTC))) == 2
    out = subprocess.run([sys.executable, "-m", "bot", "audit", "--since", "2025-12-31"], cwd=ROOT, capture_output=True,
                         text=True, env={"DEV_AGENT_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert [json.loads(line)["actor"] for line in out.stdout.splitlines()] == ["octocat", "hubot"]


def test_api_keys_are_hashed_scoped_and_expire(tmp_path: Path) -> None:
    store = KeyStore(Settings(state_dir=tmp_path))
    token, key = store.create("ci", ["read"], installation=1)
    assert token.encode() not in (tmp_path / "dev-agent.db").read_bytes()
    assert store.authenticate(token, "read").id == key.id
    with pytest.raises(KeyRejected) as wrong_scope:
        store.authenticate(token, "request")
    assert wrong_scope.value.status == 403
    for bad in (None, "nope", token[:-1] + ("x" if token[-1] != "x" else "y")):
        with pytest.raises(KeyRejected) as info:
            store.authenticate(bad, "read")
        assert info.value.status == 401
    expired_token, expired = store.create("old", ["read"], expires_in_days=1, installation=1)
    store._save(expired.model_copy(update={"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}))
    with pytest.raises(KeyRejected, match="expired"):
        store.authenticate(expired_token, "read")
    assert store.revoke(key.id)
    with pytest.raises(KeyRejected, match="revoked"):
        store.authenticate(token, "read")


def test_configuration_reference_is_current() -> None:
    from bot.cli.config import configuration_reference

    assert (ROOT / "docs/configuration.md").read_text() == configuration_reference(), \
        "run: dev-agent config > docs/configuration.md"


def test_worker_metrics_port_needs_a_multiprocess_directory() -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "worker", "--metrics-port", "9100"], cwd=ROOT,
                         capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "REDIS_URL": "redis://127.0.0.1:1/0"}, timeout=120)
    assert out.returncode == 3 and "PROMETHEUS_MULTIPROC_DIR" in out.stderr and "Traceback" not in out.stderr
