"""Replies as the requester reads them, through the sandbox, `dev-agent serve` and the rq worker: what a
`set` or an amendment changed (before → after, cost delta), "no change", every bad key at once, the keys in
`help`, our own backticks shown as code, and an issue status that says when the PR is blocked."""

from __future__ import annotations

import re

import pytest

from bot.request.state import STATUS_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.xdist_group("replies-e2e")
CERT = "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


@pytest.fixture(scope="module")
def pull(redis_server):  # noqa: F811
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github, BotStack(github, redis_server.url) as stack:
        issue = stack.open_request("replies-e2e")
        yield stack, issue, stack.wait_for_pull("replies-e2e")


def reply(stack: BotStack, number: int, body: str) -> str:
    comment = stack.comment(number, body)
    return wait_for(lambda: stack.bot_comments(number, f"reply:{comment['id']}"), 120, what="reply")[0]["body"]


def test_set_replies_with_the_fields_it_changed_and_the_cost_delta(pull):
    stack, _, pr = pull
    text = reply(stack, pr["number"], "/dev-agent set replicas=2-4")
    assert f"Updated #{pr['number']}:" in text
    assert "| `compute.max_replicas` | 1 | 4 |" in text and "| `compute.min_replicas` | 1 | 2 |" in text
    assert re.search(r"Monthly estimate: \$[0-9,.]+ → \$[0-9,.]+ \([+-]\$[0-9,.]+\)\.", text), text

    again = reply(stack, pr["number"], "/dev-agent set replicas=2-4")
    assert again.endswith("No change: `replicas` already had those values.")


def test_every_bad_key_or_value_is_reported_at_once(pull):
    stack, _, pr = pull
    keys = reply(stack, pr["number"], "/dev-agent set colour=blue size=xl")
    assert "`colour` cannot be set; `size` cannot be set. Settable keys: " in keys and "`replicas`" in keys
    values = reply(stack, pr["number"], "/dev-agent set region=mars-1 compute.max_replicas=500")
    assert "nothing was changed" in values and "mars-1" in values and "less than or equal to 100" in values
    assert "\\`" not in keys + values  # our own code spans are code, not escaped backticks


def test_an_amendment_that_changes_nothing_says_so(pull):
    stack, _, pr = pull
    head = stack.wait_for_pull("replies-e2e")["head"]["sha"]
    text = reply(stack, pr["number"], "/dev-agent make it cheaper please")
    assert "No change:" in text and "make it cheaper please" in text and "`/dev-agent set key=value`" in text
    assert stack.wait_for_pull("replies-e2e")["head"]["sha"] == head  # nothing re-planned or pushed


def test_help_lists_the_settable_keys_with_examples(pull):
    stack, _, pr = pull
    text = reply(stack, pr["number"], "/dev-agent help")
    assert "**Keys for `set`**" in text and "`replicas=2-6`" in text and "`region=eu-west-1`" in text


def test_the_issue_status_says_when_the_pr_is_blocked(pull):
    stack, issue, pr = pull
    reply(stack, pr["number"], f"/dev-agent set certificate_arn={CERT}")  # staging needs one before merging
    assert "blocked" not in stack.bot_comments(issue["number"], STATUS_MARKER)[0]["body"]
    reply(stack, pr["number"], "/dev-agent set ttl=120")  # staging allows at most 90 days
    status = wait_for(lambda: [c["body"] for c in stack.bot_comments(issue["number"], STATUS_MARKER)
                               if "blocked" in c["body"]], 120, what="blocked status")[0]
    assert f"Proposed **replies-e2e** in #{pr['number']}" in status
    assert "It is **blocked**: 1 blocking finding(s)" in status
