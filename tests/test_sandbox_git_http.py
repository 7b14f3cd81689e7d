"""``git clone`` and ``git push`` over smart HTTP against the sandbox's bare repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sandbox import SandboxGitHub
from tests.conftest import require_tool

ENV = {
    **os.environ,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Alice",
    "GIT_AUTHOR_EMAIL": "alice@example.com",
    "GIT_COMMITTER_NAME": "Alice",
    "GIT_COMMITTER_EMAIL": "alice@example.com",
}


def git(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=ENV, capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def sandbox():
    require_tool("git")
    with SandboxGitHub() as sandbox:
        sandbox.create_user("alice")
        sandbox.create_user("mallory")
        sandbox.create_repo("alice", "infra", files={"README.md": "# infra\n"})
        sandbox.create_repo("alice", "secret", private=True)
        yield sandbox


def test_clone_push_and_see_the_commit_through_the_api(sandbox, tmp_path):
    token = sandbox.token_for("alice")
    work = tmp_path / "infra"
    git("clone", "--quiet", sandbox.clone_url("alice", "infra", token), str(work))
    assert (work / "README.md").read_text() == "# infra\n"
    (work / "main.tf").write_text("terraform {}\n")
    git("add", "main.tf", cwd=work)
    git("commit", "--quiet", "-m", "Add main.tf", cwd=work)
    git("push", "--quiet", "origin", "HEAD:refs/heads/feature", cwd=work)
    head = git("rev-parse", "HEAD", cwd=work).stdout.strip()
    branch = sandbox.request("GET", "/repos/alice/infra/branches/feature", token)
    assert branch["commit"]["sha"] == head
    content = sandbox.request("GET", "/repos/alice/infra/contents/main.tf", token, params={"ref": "feature"})
    assert content["sha"] == git("rev-parse", "HEAD:main.tf", cwd=work).stdout.strip()


def test_push_to_an_open_pull_request_sends_synchronize(sandbox, tmp_path):
    token = sandbox.token_for("alice")
    work = tmp_path / "sync"
    git("clone", "--quiet", sandbox.clone_url("alice", "infra", token), str(work))
    git("checkout", "--quiet", "-b", "sync-branch", cwd=work)
    (work / "a.txt").write_text("a\n")
    git("add", "a.txt", cwd=work)
    git("commit", "--quiet", "-m", "a", cwd=work)
    git("push", "--quiet", "origin", "sync-branch", cwd=work)
    pull = sandbox.request(
        "POST", "/repos/alice/infra/pulls", token, {"title": "Sync", "head": "sync-branch", "base": "main"}
    )
    (work / "b.txt").write_text("b\n")
    git("add", "b.txt", cwd=work)
    git("commit", "--quiet", "-m", "b", cwd=work)
    git("push", "--quiet", "origin", "sync-branch", cwd=work)
    head = git("rev-parse", "HEAD", cwd=work).stdout.strip()
    refreshed = sandbox.request("GET", f"/repos/alice/infra/pulls/{pull['number']}", token)
    assert refreshed["head"]["sha"] == head
    assert refreshed["commits"] == 2 and refreshed["changed_files"] == 2


def test_anonymous_can_clone_public_but_not_push_or_read_private(sandbox, tmp_path):
    work = tmp_path / "anon"
    git("clone", "--quiet", sandbox.clone_url("alice", "infra"), str(work))
    (work / "x.txt").write_text("x\n")
    git("add", "x.txt", cwd=work)
    git("commit", "--quiet", "-m", "x", cwd=work)
    pushed = git("push", "origin", "HEAD:refs/heads/anon", cwd=work, check=False)
    assert pushed.returncode != 0
    private = git("clone", sandbox.clone_url("alice", "secret"), str(tmp_path / "secret"), check=False)
    assert private.returncode != 0


def test_non_collaborators_cannot_push_and_bad_tokens_are_refused(sandbox, tmp_path):
    work = tmp_path / "m"
    git("clone", "--quiet", sandbox.clone_url("alice", "infra", sandbox.token_for("mallory")), str(work))
    (work / "m.txt").write_text("m\n")
    git("add", "m.txt", cwd=work)
    git("commit", "--quiet", "-m", "m", cwd=work)
    assert git("push", "origin", "HEAD:refs/heads/m", cwd=work, check=False).returncode != 0
    refused = git("clone", sandbox.clone_url("alice", "secret", "ghp_bogus"), str(tmp_path / "bad"), check=False)
    assert refused.returncode != 0
    git("remote", "set-url", "origin", sandbox.clone_url("alice", "infra", "ghp_bogus"), cwd=work)
    assert git("push", "origin", "HEAD:refs/heads/m", cwd=work, check=False).returncode != 0
    assert sandbox.request("GET", "/repos/alice/infra/git/ref/heads/m", expect=(404,))
