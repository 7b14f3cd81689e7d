"""End-to-end stack: the sandbox GitHub (in-process), real Redis, `dev-agent serve` and `dev-agent worker`
processes, wired together exactly like production (signed webhooks, App JWT, PyGithub)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.polling import wait_until
from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-webhook-secret"

FORM = """### Description

{description}

### Environment name

{name}

### Cloud

aws

### Region

us-west-2

### Tier

staging

### Monthly budget (USD)

400

### Time to live (days)

14
"""


# How long a test waits, by default, for something the bot will do. Generous: CI runs four test workers on two
# cores, where a job that takes 3 s on an idle machine has been seen to take 10 s (and a process start 25 s).
PATIENCE = 120.0


def wait_for(predicate: Callable[[], Any], timeout: float = PATIENCE, **options: Any) -> Any:
    """`wait_until` that fails the test (AssertionError) rather than erroring when what it waits for never happens."""
    return wait_until(predicate, timeout, error=AssertionError, **options)


class BotStack:
    """One App installed on one fresh repository, served by real bot processes."""

    def __init__(self, sandbox: Any, redis_url: str, workers: int = 1, extra_env: dict[str, str] | None = None,
                 log_path: Path | None = None, worker_args: list[str] | None = None):
        self.sandbox = sandbox
        self.redis_url = redis_url
        self.owner, self.repo = "octo", f"infra-{uuid.uuid4().hex[:8]}"
        self.full_name = f"{self.owner}/{self.repo}"
        self.app = sandbox.create_app(f"dev-agent-{uuid.uuid4().hex[:6]}")
        for login in ("alice", "bob", "eve"):
            if sandbox.core.state.user(login) is None:
                sandbox.create_user(login)
        sandbox.create_repo(self.owner, self.repo)
        sandbox.add_collaborator(self.owner, self.repo, "alice", "write")
        sandbox.add_collaborator(self.owner, self.repo, "bob", "write")
        sandbox.add_collaborator(self.owner, self.repo, "eve", "read")
        self.installation = sandbox.install(self.app, self.full_name)
        self.queue_name = f"dev-agent-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state_dir = Path(tempfile.mkdtemp(prefix="dev-agent-state-"))  # the bot's own database (SQLite)
        self.env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "DEV_AGENT_QUEUE_NAME": self.queue_name,
            "DEV_AGENT_GITHUB_API_URL": sandbox.url,
            "DEV_AGENT_GITHUB_APP_ID": str(self.app["id"]),
            "DEV_AGENT_GITHUB_PRIVATE_KEY": self.app["private_key_pem"],
            "DEV_AGENT_WEBHOOK_SECRET": SECRET,
            "DEV_AGENT_BOT_LOGIN": self.app["bot_login"],
            "DEV_AGENT_RUN_CHECKS": "false",
            "PYTHONPATH": str(ROOT),
            "DEV_AGENT_STATE_DIR": str(self.state_dir),
            "DEV_AGENT_WORKER_MAINTENANCE_SECONDS": "5",
            **(extra_env or {}),
        }
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.worker_count = workers
        self.worker_args = worker_args or []
        self.log = log_path.open("ab") if log_path else None  # stderr of every bot process, when asked

    # processes
    def start(self) -> BotStack:
        self.start_web()
        for _ in range(self.worker_count):
            self.start_worker()
        self.sandbox.set_webhook(f"{self.url}/webhooks", SECRET, self.app)
        self.sandbox.reset_calls()
        return self

    def start_web(self) -> None:
        self.web = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(self.port)], cwd=ROOT,
                                    env=self.env, stderr=self.log)
        wait_for(self._healthy, 2 * PATIENCE, what="dev-agent serve")  # seen past 90 s at a load of 17

    def restart_web(self) -> None:
        """Stop `dev-agent serve` (SIGTERM) and start a new process on the same port and database."""
        assert self.web is not None
        self.web.terminate()
        self.web.wait(timeout=30)
        self.start_web()

    def dev_agent(self, *args: str) -> subprocess.CompletedProcess:
        """Run the `dev-agent` CLI with the bot's settings (database, Redis, App)."""
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120, check=False)

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen([sys.executable, "-m", "bot", "worker", *self.worker_args], cwd=ROOT,
                                  env=self.env, start_new_session=True, stderr=self.log)
        self.workers.append(worker)
        return worker

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        for process in [*self.workers, self.web]:
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM) if process in self.workers else process.terminate()
        for process in [*self.workers, self.web]:
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.log is not None:
            self.log.close()

    def __enter__(self) -> BotStack:
        try:
            return self.start()
        except BaseException:
            self.stop()  # a server that never became healthy must not outlive the test
            raise

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def settings(self) -> Any:
        """Settings reaching the same database and Redis as the bot processes (to make keys, read the registry)."""
        from bot.settings import Settings

        return Settings(state_dir=self.env["DEV_AGENT_STATE_DIR"], database_url=self.env.get("DEV_AGENT_DATABASE_URL"),
                        redis_url=self.redis_url)

    # GitHub views (as alice, through the REST API)
    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.sandbox.request(method, f"/repos/{self.full_name}{path}", self.sandbox.token_for("alice"), **kwargs)

    def pulls(self, state: str = "all") -> list[dict]:
        return self.api("GET", "/pulls", params={"state": state, "per_page": 100})

    def comments(self, number: int) -> list[dict]:
        return self.api("GET", f"/issues/{number}/comments", params={"per_page": 100})

    def bot_comments(self, number: int, marker: str = "") -> list[dict]:
        return [c for c in self.comments(number) if c["user"]["login"] == self.app["bot_login"] and marker in c["body"]]

    def open_request(self, name: str, user: str = "alice", description: str = "staging for payments-api") -> dict:
        return self.sandbox.open_issue(self.owner, self.repo, f"Environment: {name}",
                                       FORM.format(name=name, description=description), user=user,
                                       labels=["environment-request"])

    def comment(self, number: int, body: str, user: str = "alice") -> dict:
        return self.sandbox.comment(self.owner, self.repo, number, body, user=user)

    def wait_for_pull(self, name: str, timeout: float = PATIENCE) -> dict:
        def found() -> dict | None:
            return next((p for p in self.pulls() if p["head"]["ref"] == f"dev-agent/{name}"), None)

        return wait_for(found, timeout, what=f"PR for {name}")

    def file_on(self, ref: str, path: str) -> str:
        import base64

        data = self.api("GET", f"/contents/{path}", params={"ref": ref})
        return base64.b64decode(data["content"]).decode()
