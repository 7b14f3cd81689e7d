"""Sandbox GitHub throughput: a bot-style commit (ref, commit, tree, commit, ref) through PyGithub,
plain GET latency, and git clone time. Prints numbers; run: python bench/sandbox_api.py"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from github import Auth, GithubIntegration, InputGitTreeElement

from sandbox import SandboxGitHub

ROUNDS = 20


def main() -> None:
    with SandboxGitHub() as sandbox:
        sandbox.create_repo("acme", "web")
        app = sandbox.create_app("dev-agent")
        sandbox.install(app, "acme/web")
        integration = GithubIntegration(
            auth=Auth.AppAuth(app["id"], app["private_key_pem"]),
            base_url=sandbox.url,
            seconds_between_requests=0,
            seconds_between_writes=0,
        )
        gh = integration.get_github_for_installation(integration.get_repo_installation("acme", "web").id)
        repo = gh.get_repo("acme/web")
        sandbox.reset_calls()
        commit_times = []
        for i in range(ROUNDS):
            started = time.perf_counter()
            ref = repo.get_git_ref("heads/main")
            base = repo.get_git_commit(ref.object.sha)
            tree = repo.create_git_tree([InputGitTreeElement(f"f{i}.txt", "100644", "blob", content=str(i))], base.tree)
            commit = repo.create_git_commit(f"commit {i}", tree, [base])
            ref.edit(commit.sha)
            commit_times.append(time.perf_counter() - started)
        calls = sum(sandbox.calls.values()) / ROUNDS
        token = sandbox.token_for("acme")
        with httpx.Client(base_url=sandbox.url, headers={"Authorization": f"token {token}"}) as client:
            get_times = []
            for _ in range(200):
                started = time.perf_counter()
                client.get("/repos/acme/web").raise_for_status()
                get_times.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            subprocess.run(["git", "clone", "-q", sandbox.clone_url("acme", "web", token), scratch + "/c"], check=True)
            clone = time.perf_counter() - started
    print(
        f"commit via PyGithub: median {statistics.median(commit_times) * 1000:.1f} ms, "
        f"{calls:.1f} API calls per commit ({ROUNDS} rounds)"
    )
    print(
        f"GET /repos/{{owner}}/{{repo}}: median {statistics.median(get_times) * 1000:.2f} ms, "
        f"p95 {sorted(get_times)[int(len(get_times) * 0.95)] * 1000:.2f} ms (200 calls, keep-alive)"
    )
    print(f"git clone over smart HTTP ({ROUNDS + 1} commits): {clone * 1000:.0f} ms")


if __name__ == "__main__":
    main()
