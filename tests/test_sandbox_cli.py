"""`dev-agent sandbox --seed` serves a seeded sandbox that a GitHub client can use."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jwt

ROOT = Path(__file__).resolve().parents[1]


def test_seeded_sandbox_serves_the_installed_repo(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--seed", "--state-dir", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        credentials = json.loads(Path(info["app_credentials"]).read_text())
        assert Path(info["app_credentials"]).stat().st_mode & 0o077 == 0
        assert credentials["app_id"] == info["app_id"]
        token = jwt.encode(
            {"iat": 0, "exp": 0, "iss": str(info["app_id"])}, credentials["private_key_pem"], algorithm="RS256"
        )
        assert httpx.get(f"{info['url']}/app", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        now = int(time.time())
        token = jwt.encode(
            {"iat": now, "exp": now + 300, "iss": str(info["app_id"])},
            credentials["private_key_pem"],
            algorithm="RS256",
        )
        access = httpx.post(
            f"{info['url']}/app/installations/{info['installation_id']}/access_tokens",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert access.status_code == 201
        repo = httpx.get(
            f"{info['url']}/repos/{info['repo']}", headers={"Authorization": f"token {access.json()['token']}"}
        )
        assert repo.json()["default_branch"] == "main"
        assert (tmp_path / "repos/acme/payments-api.git/HEAD").exists()
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0


def test_webhook_url_without_secret_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--webhook-url", "http://127.0.0.1:9/hook"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 3
    assert "DEV_AGENT_WEBHOOK_SECRET" in result.stderr
