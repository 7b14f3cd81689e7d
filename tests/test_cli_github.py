"""`dev-agent serve` / `dev-agent worker` refuse incomplete configuration with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEV_AGENT_") and k != "REDIS_URL"}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_serve_without_a_webhook_secret_is_refused():
    result = run("serve", "--port", "1")
    assert result.returncode == 3
    assert "DEV_AGENT_WEBHOOK_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_serve_with_several_web_processes_needs_redis():
    result = run("serve", "--workers", "2", DEV_AGENT_WEBHOOK_SECRET="s")
    assert result.returncode == 3 and "REDIS_URL" in result.stderr


def test_worker_needs_redis_and_an_app():
    assert "REDIS_URL" in run("worker").stderr
    result = run("worker", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 3
    assert "DEV_AGENT_GITHUB_APP_ID" in result.stderr and "Traceback" not in result.stderr
