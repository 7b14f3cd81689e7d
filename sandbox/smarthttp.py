"""Git smart HTTP (clone, fetch, push) through ``git http-backend`` as a CGI subprocess."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess

from .context import Identity, identify
from .core import SandboxCore
from .errors import ApiError
from .events import branch_moved
from .model import PERMISSION_RANK

GIT_PATH = re.compile(
    r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?(?P<rest>/(?:info/refs|git-upload-pack|git-receive-pack|HEAD))$"
)


class GitHttpResult:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body


def _challenge(message: str = "Authentication failed") -> GitHttpResult:
    return GitHttpResult(
        401, [("WWW-Authenticate", 'Basic realm="GitHub"'), ("Content-Type", "text/plain")], message.encode() + b"\n"
    )


def _allowed(core: SandboxCore, ident: Identity, repo, write: bool) -> bool:
    if ident.kind == "anonymous":
        return not repo.private and not write
    if ident.kind == "installation":
        if repo.id not in ident.token.repository_ids:
            return False
        return not write or ident.app.permissions.get("contents") == "write"
    if ident.kind == "user":
        role = core.state.permission(ident.user, repo)
        return PERMISSION_RANK[role] >= PERMISSION_RANK["write" if write else "read"]
    return False


def serve(core: SandboxCore, method: str, path: str, query: str, headers: dict[str, str], body: bytes):
    """Answer a git smart-HTTP request, or None when ``path`` is not a git URL."""
    found = GIT_PATH.match(path)
    if not found:
        return None
    repo = core.state.repo(found["owner"], found["repo"])
    write = found["rest"] == "/git-receive-pack" or "service=git-receive-pack" in query
    try:
        ident = identify(core, headers.get("authorization"))
    except ApiError:
        return _challenge()
    if repo is None or not _allowed(core, ident, repo, write):
        if ident.kind == "anonymous":
            return _challenge()
        return GitHttpResult(403 if repo else 404, [("Content-Type", "text/plain")], b"Permission denied\n")
    before = repo.git.refs("refs/heads/") if write else {}
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(repo.git.path.parent),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": f"/{repo.git.path.name}{found['rest']}",
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_TYPE": headers.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": ident.user.login if ident.user else "anonymous",
        "REMOTE_ADDR": "127.0.0.1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(core.state.root),
    }
    if headers.get("content-encoding"):
        env["HTTP_CONTENT_ENCODING"] = headers["content-encoding"]
    if headers.get("git-protocol"):
        env["GIT_PROTOCOL"] = headers["git-protocol"]
    with core.state.lock if write else contextlib.nullcontext():
        proc = subprocess.run(["git", "http-backend"], input=body, capture_output=True, env=env, check=False)
        if write:
            after = repo.git.refs("refs/heads/")
            for ref in sorted(set(before) | set(after)):
                if before.get(ref) != after.get(ref):
                    branch_moved(core, repo, ref, before.get(ref), after.get(ref), ident.user)
    head, _, payload = proc.stdout.partition(b"\r\n\r\n")
    status, out_headers = 200, []
    for line in head.decode(errors="replace").split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            out_headers.append((name.strip(), value.strip()))
    if proc.returncode != 0 and not proc.stdout:
        return GitHttpResult(500, [("Content-Type", "text/plain")], proc.stderr)
    return GitHttpResult(status, out_headers, payload)
