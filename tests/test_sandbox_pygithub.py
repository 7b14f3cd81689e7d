"""PyGithub end to end against the sandbox: App JWT -> installation token, git data, PR, comments,
labels, check runs, merge; plus auth failures, ETag/304, pagination and rate-limit headers."""

from __future__ import annotations

import subprocess
import time

import httpx
import jwt
import pytest
from github import Auth, BadCredentialsException, Github, GithubException, GithubIntegration, InputGitTreeElement

from sandbox import SandboxGitHub

# PyGithub throttles to 4 requests/s and 1 write/s by default; the sandbox needs no politeness.
NO_THROTTLE = {"seconds_between_requests": 0, "seconds_between_writes": 0}


@pytest.fixture(scope="module")
def world():
    with SandboxGitHub() as sandbox:
        sandbox.create_org("acme")
        sandbox.create_user("alice")
        sandbox.create_repo(
            "acme",
            "payments-api",
            files={"README.md": "# payments\n", "app/main.py": "x = 1\n", "app/legacy.py": "y = 2\n"},
        )
        sandbox.create_repo("acme", "not-installed")
        sandbox.add_collaborator("acme", "payments-api", "alice", "write")
        app = sandbox.create_app("dev-agent")
        sandbox.install(app, "acme/payments-api")
        yield sandbox, app


@pytest.mark.parametrize("prefix", ["/api/v3", ""])
def test_app_installation_flow_builds_a_pull_request_and_merges_it(world, prefix):
    sandbox, app = world
    integration = GithubIntegration(
        auth=Auth.AppAuth(app["id"], app["private_key_pem"]), **NO_THROTTLE, base_url=sandbox.url + (prefix or "/")
    )
    assert integration.get_app().slug == "dev-agent"
    installation = integration.get_repo_installation("acme", "payments-api")
    gh = integration.get_github_for_installation(installation.id)
    repo = gh.get_repo("acme/payments-api")
    sandbox.reset_calls()

    branch = f"dev-agent/staging{prefix.replace('/', '-')}"
    env_file = f"envs/staging{prefix.replace('/', '-')}/main.tf"
    victim = "app/main.py" if prefix else "app/legacy.py"
    main = repo.get_git_ref("heads/main")
    base = repo.get_git_commit(main.object.sha)
    tree = repo.create_git_tree(
        [
            InputGitTreeElement(env_file, "100644", "blob", content="terraform {}\n"),
            InputGitTreeElement(victim, "100644", "blob", sha=None),
        ],
        base.tree,
    )
    commit = repo.create_git_commit("Add staging environment", tree, [base])
    repo.create_git_ref(f"refs/heads/{branch}", commit.sha)
    assert sum(sandbox.calls.values()) <= 6  # one commit costs at most 6 API calls

    pr = repo.create_pull(title="Staging for payments-api", body="Review report", head=branch, base="main")
    assert pr.user.login == "dev-agent[bot]" and pr.user.type == "Bot"
    assert {f.filename: f.status for f in pr.get_files()} == {env_file: "added", victim: "removed"}
    assert [p.number for p in repo.get_pulls(state="open", head=f"acme:{branch}")] == [pr.number]
    comment = pr.create_issue_comment("Plan ready")
    comment.edit("Plan ready (edited)")
    assert pr.get_issue_comments()[0].body == "Plan ready (edited)"
    pr.add_to_labels("dev-agent", "cost:low")
    pr.remove_from_labels("cost:low")
    assert [lbl.name for lbl in repo.get_pull(pr.number).labels] == ["dev-agent"]
    run = repo.create_check_run(name="dev-agent/policy", head_sha=commit.sha, status="in_progress")
    run.edit(conclusion="success", output={"title": "Policies pass", "summary": "0 findings"})
    runs = list(repo.get_commit(commit.sha).get_check_runs())
    assert [(r.name, r.conclusion) for r in runs] == [("dev-agent/policy", "success")]
    assert repo.get_contents(env_file, ref=branch).decoded_content == b"terraform {}\n"

    status = pr.merge(merge_method="squash", commit_title=f"Staging (#{pr.number})")
    assert status.merged
    merged = repo.get_commit(status.sha)
    assert [p.sha for p in merged.parents] == [main.object.sha]
    assert repo.get_branch("main").commit.sha == status.sha
    assert repo.get_pull(pr.number).merged
    repo.get_git_ref(f"heads/{branch}").delete()


def test_merge_commit_has_both_parents_and_conflicts_are_refused(world):
    sandbox, _ = world
    token = sandbox.token_for("alice")
    gh = Github(**NO_THROTTLE, base_url=sandbox.url + "/api/v3", auth=Auth.Token(token))
    repo = gh.get_repo("acme/payments-api")
    main_sha = repo.get_branch("main").commit.sha
    tips = {}
    for name, text in (("left", "left\n"), ("right", "right\n")):
        base = repo.get_git_commit(main_sha)
        tree = repo.create_git_tree([InputGitTreeElement("README.md", "100644", "blob", content=text)], base.tree)
        tips[name] = repo.create_git_commit(f"{name} change", tree, [base]).sha
        repo.create_git_ref(f"refs/heads/{name}", tips[name])
    left = repo.create_pull(title="left", body="", head="left", base="main")
    right = repo.create_pull(title="right", body="", head="right", base="main")
    result = left.merge(merge_method="merge")
    assert [p.sha for p in repo.get_commit(result.sha).parents] == [main_sha, tips["left"]]
    assert repo.get_pull(right.number).mergeable is False
    with pytest.raises(GithubException) as refused:
        right.merge()
    assert refused.value.status == 405


def test_installation_token_can_push_over_git(world, tmp_path):
    sandbox, app = world
    integration = GithubIntegration(
        auth=Auth.AppAuth(app["id"], app["private_key_pem"]), **NO_THROTTLE, base_url=sandbox.url
    )
    token = integration.get_access_token(integration.get_repo_installation("acme", "payments-api").id).token
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    work = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", sandbox.clone_url("acme", "payments-api", token), str(work)], check=True, env=env
    )
    (work / "bot.txt").write_text("from the bot\n")
    for args in (
        ["add", "bot.txt"],
        ["-c", "user.name=bot", "-c", "user.email=bot@x", "commit", "-qm", "bot"],
        ["push", "-q", "origin", "HEAD:refs/heads/bot-push"],
    ):
        subprocess.run(["git", *args], cwd=work, check=True, env=env)
    gh = Github(**NO_THROTTLE, base_url=sandbox.url, auth=Auth.Token(token))
    assert gh.get_repo("acme/payments-api").get_branch("bot-push").commit.commit.message == "bot"


def test_auth_failures_look_like_github(world):
    sandbox, app = world
    bad = Github(**NO_THROTTLE, base_url=sandbox.url, auth=Auth.Token("ghs_not-a-token"), retry=None)
    with pytest.raises(BadCredentialsException):
        bad.get_repo("acme/payments-api")
    now = int(time.time())
    forged = jwt.encode({"iat": now, "exp": now + 300, "iss": str(app["id"])}, "x" * 32, algorithm="HS256")
    response = httpx.get(f"{sandbox.url}/app", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and response.json()["message"] == "A JSON web token could not be decoded"
    integration = GithubIntegration(
        auth=Auth.AppAuth(app["id"], app["private_key_pem"]), **NO_THROTTLE, base_url=sandbox.url
    )
    token = integration.get_access_token(integration.get_repo_installation("acme", "payments-api").id).token
    gh = Github(**NO_THROTTLE, base_url=sandbox.url, auth=Auth.Token(token), retry=None)
    with pytest.raises(GithubException) as hidden:
        gh.get_repo("acme/not-installed")
    assert hidden.value.status == 404
    assert hidden.value.data == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404",
    }
    with pytest.raises(GithubException) as wrong_user:
        Github(**NO_THROTTLE, base_url=sandbox.url, auth=Auth.Token(sandbox.token_for("alice")), retry=None).get_repo(
            "acme/payments-api"
        ).create_check_run(name="x", head_sha="0" * 40)
    assert wrong_user.value.status == 403


def test_etags_pagination_and_rate_limit_headers(world):
    sandbox, _ = world
    headers = {"Authorization": f"token {sandbox.token_for('alice')}"}
    for i in range(5):
        sandbox.open_issue("acme", "payments-api", f"request {i}", user="alice")
    url = f"{sandbox.url}/repos/acme/payments-api/issues?per_page=2"
    first = httpx.get(url, headers=headers)
    assert len(first.json()) == 2
    assert 'rel="next"' in first.headers["link"] and 'rel="last"' in first.headers["link"]
    cached = httpx.get(url, headers={**headers, "If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b""
    used = int(first.headers["x-ratelimit-used"])
    assert int(first.headers["x-ratelimit-remaining"]) == int(first.headers["x-ratelimit-limit"]) - used
    assert first.headers["x-ratelimit-resource"] == "core" and first.headers["x-github-request-id"]
    gh = Github(**NO_THROTTLE, base_url=sandbox.url, auth=Auth.Token(sandbox.token_for("alice")), per_page=2)
    titles = [i.title for i in gh.get_repo("acme/payments-api").get_issues(state="open")]
    assert len(titles) == len(set(titles)) >= 5
