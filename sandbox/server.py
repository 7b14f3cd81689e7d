"""``SandboxGitHub``: run the sandbox in a background uvicorn thread and drive it from Python."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

import httpx
import uvicorn

from .asgi import create_app
from .core import SandboxCore


class SandboxError(Exception):
    """A sandbox control or helper call failed."""


class SandboxGitHub:
    """A local GitHub: REST API, git smart HTTP and signed webhooks, backed by bare repos in a temp dir.

    Helpers act through HTTP with the acting user's token, so they run the same code as REST clients
    (and trigger the same webhooks).
    """

    def __init__(self, root: Path | None = None):
        self._own_root = root is None
        self.root = Path(root or tempfile.mkdtemp(prefix="sandbox-github-"))
        self.core = SandboxCore(self.root)
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._http: httpx.Client | None = None

    # lifecycle
    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.url = f"http://{host}:{sock.getsockname()[1]}"
        self.core.urls = type(self.core.urls)(self.url, self.url)
        config = uvicorn.Config(create_app(self.core), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="sandbox-github"
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise SandboxError("sandbox server did not start")
            time.sleep(0.01)
        # Plain http:// on loopback: no TLS, so skip loading CA certificates (~0.2 s per client).
        self._http = httpx.Client(base_url=self.url, timeout=30, verify=False)
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None
        if self._http is not None:
            self._http.close()
            self._http = None
        self.core.close()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # plumbing
    def request(
        self,
        method: str,
        path: str,
        token: str | None = None,
        json=None,
        params=None,
        expect: tuple[int, ...] = (200, 201, 202, 204),
    ):
        """Call the sandbox over HTTP; raise SandboxError unless the status is expected."""
        headers = {"Accept": "application/vnd.github+json"}
        if token:
            headers["Authorization"] = f"token {token}"
        response = self._http.request(method, path, json=json, params=params, headers=headers)
        if response.status_code not in expect:
            raise SandboxError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def _control(self, method: str, path: str, json=None):
        return self.request(method, f"/sandbox{path}", json=json)

    # fixtures
    def create_user(self, login: str, name: str | None = None, email: str | None = None) -> dict:
        """A user with a personal access token in ``["token"]``."""
        return self._control("POST", "/users", {"login": login, "name": name, "email": email})

    def create_org(self, login: str) -> dict:
        return self._control("POST", "/orgs", {"login": login})

    def create_bot(self, slug: str) -> dict:
        """A ``Bot`` user named ``<slug>[bot]`` with a token."""
        return self._control("POST", "/bots", {"slug": slug})

    def create_app(self, name: str = "dev-agent", owner: str | None = None, permissions: dict | None = None) -> dict:
        """A GitHub App: ``id``, ``slug``, ``client_id``, ``private_key_pem``, ``bot_login``."""
        return self._control("POST", "/apps", {"name": name, "owner": owner, "permissions": permissions})

    def create_repo(
        self,
        owner: str,
        name: str,
        files: dict[str, str] | None = None,
        private: bool = False,
        default_branch: str = "main",
    ) -> dict:
        """A repository with one commit on ``default_branch`` (README.md unless ``files`` is given);
        the owner user/org is created when missing."""
        if self.core.state.user(owner) is None:
            self.create_user(owner)
        return self._control(
            "POST",
            "/repos",
            {"owner": owner, "name": name, "files": files, "private": private, "default_branch": default_branch},
        )

    def add_collaborator(self, owner: str, repo: str, login: str, permission: str = "write") -> dict:
        return self._control("POST", f"/repos/{owner}/{repo}/collaborators", {"login": login, "permission": permission})

    def remove_collaborator(self, owner: str, repo: str, login: str) -> None:
        self._control("DELETE", f"/repos/{owner}/{repo}/collaborators/{login}")

    def add_team_member(self, org: str, team_slug: str, login: str, role: str = "member") -> dict:
        """Put a user in an organisation's team (the team is created on first use)."""
        return self._control("POST", f"/orgs/{org}/teams/{team_slug}/members", {"login": login, "role": role})

    def install(self, app: dict, *repos: str) -> dict:
        """Install ``app`` on repositories given as ``"owner/name"`` (one owner); sends ``installation.created``
        the first time and returns the installation."""
        owners = {r.split("/", 1)[0] for r in repos}
        if len(owners) != 1 or any(r.count("/") != 1 for r in repos):
            raise SandboxError("install() takes one or more 'owner/name' repositories of a single owner")
        names = [r.split("/", 1)[1] for r in repos]
        return self._control(
            "POST", "/installations", {"app_id": app["id"], "account": owners.pop(), "repositories": names}
        )

    def set_webhook(self, url: str, secret: str, app: dict | None = None) -> dict:
        """Deliver events to ``url`` signed with ``secret``; with ``app``, only for repos it is installed on."""
        return self._control("POST", "/webhook", {"url": url, "secret": secret, "app_id": app["id"] if app else None})

    def inject_fault(
        self,
        path_regex: str,
        status: int | str | None = 500,
        method: str | None = None,
        count: int = 1,
        delay_seconds: float = 0,
        retry_after: int = 1,
    ) -> dict:
        """Make the next ``count`` matching API calls fail with ``status`` (500/502/503/"403-secondary")
        and/or take ``delay_seconds``."""
        return self._control(
            "POST",
            "/faults",
            {
                "path_regex": path_regex,
                "status": status,
                "method": method,
                "count": count,
                "delay_seconds": delay_seconds,
                "retry_after": retry_after,
            },
        )

    def clear_faults(self) -> None:
        self._control("DELETE", "/faults")

    def reset(self) -> None:
        self._control("POST", "/reset")

    # acting as a user (same code path as REST clients)
    def token_for(self, login: str) -> str:
        user = self.core.state.user(login)
        if user is None or not user.token:
            raise SandboxError(f"unknown user {login}")
        return user.token

    def open_issue(
        self,
        owner: str,
        repo: str,
        title: str,
        body: str = "",
        user: str | None = None,
        labels: list[str] | None = None,
    ) -> dict:
        """Open an issue as ``user`` (default: the repo owner); sends ``issues.opened``."""
        return self.request(
            "POST",
            f"/repos/{owner}/{repo}/issues",
            self.token_for(user or owner),
            {"title": title, "body": body, "labels": labels or []},
        )

    def comment(self, owner: str, repo: str, number: int, body: str, user: str | None = None) -> dict:
        """Comment on an issue or PR as ``user``; sends ``issue_comment.created``."""
        return self.request(
            "POST", f"/repos/{owner}/{repo}/issues/{number}/comments", self.token_for(user or owner), {"body": body}
        )

    def merge_pull(
        self, owner: str, repo: str, number: int, user: str | None = None, merge_method: str = "merge"
    ) -> dict:
        """Merge a PR as ``user`` (a real merge/squash commit); sends ``pull_request.closed`` (merged)."""
        return self.request(
            "PUT",
            f"/repos/{owner}/{repo}/pulls/{number}/merge",
            self.token_for(user or owner),
            {"merge_method": merge_method},
        )

    def close_issue(self, owner: str, repo: str, number: int, user: str | None = None) -> dict:
        return self.request(
            "PATCH", f"/repos/{owner}/{repo}/issues/{number}", self.token_for(user or owner), {"state": "closed"}
        )

    # observation
    @property
    def calls(self) -> dict[str, int]:
        """API calls per ``"METHOD /openapi/path/{template}"`` since start or ``reset_calls()``."""
        return dict(self.core.stats)

    def reset_calls(self) -> None:
        self.core.reset_counters()

    @property
    def deliveries(self) -> list[dict]:
        """The webhook delivery log (event, action, payload, status_code, ...), oldest first."""
        return [d.summary() for d in self.core.deliverer.log]

    def wait_for_deliveries(self, timeout: float = 10.0) -> list[dict]:
        if not self.core.deliverer.wait_idle(timeout):
            raise SandboxError("webhook deliveries still pending")
        return self.deliveries

    def clone_url(self, owner: str, repo: str, token: str | None = None) -> str:
        """Smart-HTTP URL for ``git clone``/``push``, with ``token`` as basic-auth password when given."""
        host = self.url.removeprefix("http://")
        auth = f"x-access-token:{token}@" if token else ""
        return f"http://{auth}{host}/{owner}/{repo}.git"
