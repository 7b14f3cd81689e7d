"""Reports over GitHub's 65,536-character comment limit: the bot posts them as several comments, each accepted by
the sandbox GitHub, which answers 422 to a longer comment body as GitHub does."""

from __future__ import annotations

import pytest
from github import Auth, Github, GithubException

from bot.github.writer import RepositoryWriter
from bot.pipeline.report import GITHUB_COMMENT_LIMIT, render_report
from bot.request import markers
from bot.request.comments import post_report, report_comments
from bot.request.state import RequestState
from bot.settings import Settings
from bot.store.locks import LockInfo
from tests.test_report import make_result

OWNER, REPO = "octo", "long-report"


@pytest.fixture(scope="module")
def writer():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as gh:
        gh.create_user(OWNER)
        gh.create_repo(OWNER, REPO)
        issue = gh.open_issue(OWNER, REPO, "dev-agent: payments-api-staging", "the PR conversation", user=OWNER)
        client = Github(base_url=gh.url, auth=Auth.Token(gh.token_for(OWNER)), seconds_between_requests=0,
                        seconds_between_writes=0)
        yield RepositoryWriter(client, f"{OWNER}/{REPO}", authors={OWNER}), issue["number"]


def findings(count: int) -> list[dict]:
    return [{"check_id": f"CKV_AWS_{i}", "check_name": "Ensure something reasonably long is configured " * 2,
             "resource": f"aws_security_group.rule_{i}", "file": "/network.tf", "line": i, "result": "failed"}
            for i in range(count)]


def comments_for(count: int) -> list[str]:
    lock = LockInfo("payments-api-staging", "octo/long-report#1", OWNER, 2_000_000_000)
    failures = [f"check checkov terraform: finding {i}" for i in range(40)]
    result = make_result(findings=findings(count))
    result.report = render_report(result, limit=None)[0]  # as run_pipeline writes REPORT.md
    return report_comments(result, lock, RequestState(issue=1), failures, Settings(run_checks=False),
                   "Merging applies this environment.")


def test_the_sandbox_refuses_a_comment_body_over_the_limit_like_github(writer) -> None:
    repository_writer, number = writer
    issue = repository_writer.repo.get_issue(number)
    with pytest.raises(GithubException) as refused:
        issue.create_comment("x" * (GITHUB_COMMENT_LIMIT + 1))
    assert refused.value.status == 422
    assert "body is too long (maximum is 65536 characters)" in str(refused.value.data)
    comment = issue.create_comment("x" * GITHUB_COMMENT_LIMIT)  # exactly the limit is fine
    with pytest.raises(GithubException) as edited:
        comment.edit("y" * (GITHUB_COMMENT_LIMIT + 1))
    assert edited.value.status == 422


def test_a_long_report_is_posted_as_parts_each_under_the_limit(writer) -> None:
    repository_writer, number = writer
    comments = comments_for(3000)
    assert len(comments) >= 3 and all(len(c) <= GITHUB_COMMENT_LIMIT for c in comments)
    assert comments[0].startswith(markers.REPORT + "\n")
    assert "**Blocking:**" in comments[-1] and "**Lock:**" in comments[-1]
    post_report(repository_writer, number, comments)
    posted = [c.body for c in repository_writer.repo.get_issue(number).get_comments()]
    assert [b for b in posted if b.startswith(markers.REPORT)] == [comments[0]]
    for index, text in enumerate(comments[1:], 2):
        assert [b for b in posted if b.startswith(markers.report_continuation(index))] == [text]
    rows = sum(body.count("| `CKV_AWS_") for body in posted)
    assert rows == 3000, "every finding is in the posted report exactly once"

    shorter = comments_for(10)  # the environment changed: one comment now
    assert len(shorter) == 1 and len(shorter[0]) <= GITHUB_COMMENT_LIMIT
    post_report(repository_writer, number, shorter)
    posted = [c.body for c in repository_writer.repo.get_issue(number).get_comments()]
    assert [b for b in posted if b.startswith(markers.REPORT)] == shorter
    leftovers = [b for b in posted if b.startswith(markers.report_continuation(2))]
    assert len(leftovers) == 1 and "no longer used: the report now has 1 part(s)" in leftovers[0]
