"""Replies as the requester reads them, through the sandbox, `dev-agent serve` and the rq worker: what a
`set` or an amendment changed (before → after, cost delta), "no change", every bad key at once, the keys in
`help`, our own backticks shown as code, and an issue status that says when the PR is blocked."""

from __future__ import annotations

import re

import pytest

from bot.request.comments import REPORT_MARKER
from bot.request.state import STATUS_MARKER
from tests.support.bot_stack import BotStack, wait_for
from tests.support.reading import as_read
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
    text = as_read(reply(stack, pr["number"], "/dev-agent set replicas=2-4"))
    lines = text.splitlines()
    assert lines[:4] == [f"Updated #{pr['number']}:", "field | before | after", "compute.max_replicas | 1 | 4",
                         "compute.min_replicas | 1 | 2"], text
    # the cost of the change, from the estimates before and after it: one task became two
    total = re.fullmatch(r"Monthly cost: \$([0-9,.]+) → \$([0-9,.]+) \(\+\$([0-9,.]+), \+[0-9]+%\)\.", lines[4])
    task = re.fullmatch(r"aws_ecs_service\.app \| \$([0-9,.]+) \| \$([0-9,.]+) \| \+\$([0-9,.]+)", lines[6])
    assert total and task and lines[5] == "Resource | Before | After | Change", text
    assert float(task[2]) == 2 * float(task[1]) and task[3] == total[3], text
    assert lines[7:] == [f"Total | ${total[1]} | ${total[2]} | +${total[3]}"], text

    again = reply(stack, pr["number"], "/dev-agent set replicas=2-4")
    assert again.endswith("No change: `replicas` already had those values.")


def test_every_bad_key_or_value_is_reported_at_once(pull):
    stack, _, pr = pull
    keys = reply(stack, pr["number"], "/dev-agent set colour=blue size=xl")
    assert "`colour` cannot be set; `size` cannot be set. Settable keys: " in keys and "`replicas`" in keys
    values = reply(stack, pr["number"], "/dev-agent set region=mars-1 compute.max_replicas=500")
    assert "nothing was changed" in values and "mars-1" in values and "less than or equal to 100" in values
    assert "\\`" not in keys + values  # our own code spans are code, not escaped backticks
    assert as_read(values) == (
        "/dev-agent set failed: nothing was changed; the result would not be a valid environment: "
        "compute.max_replicas: Input should be less than or equal to 100; region: region 'mars-1' is not an aws "
        "region")


def test_words_it_does_not_understand_change_nothing_and_it_says_what_it_can_do(pull):
    stack, _, pr = pull
    head = stack.wait_for_pull("replies-e2e")["head"]["sha"]
    text = as_read(reply(stack, pr["number"], "/dev-agent please make it feel nicer"))
    assert text.splitlines() == [
        'No change: dev-agent did not understand "please make it feel nicer" as a change it can make, so '
        f"#{pr['number']} stays as it is. What it can do:",
        "add or remove a part, in plain words: /dev-agent also add an S3 bucket for uploads, /dev-agent add Redis;",
        "set a field: /dev-agent set replicas=2-6, /dev-agent set region=eu-west-1, /dev-agent set tier=staging, "
        "/dev-agent set db=postgres (several at once: /dev-agent set replicas=2-6 region=eu-west-1);",
        "make the plan cheaper within what the request asks for: /dev-agent make it cheaper;",
        "re-plan, extend, destroy, override a policy: /dev-agent help lists every command and settable key.",
    ], text
    assert stack.wait_for_pull("replies-e2e")["head"]["sha"] == head  # nothing re-planned or pushed


def test_help_lists_the_settable_keys_with_examples(pull):
    stack, _, pr = pull
    text = reply(stack, pr["number"], "/dev-agent help")
    assert "**Keys for `set`**" in text and "`replicas=2-6`" in text and "`region=eu-west-1`" in text
    read = as_read(text).splitlines()
    assert ("/dev-agent <plain words> or amend <words> | Amend in plain language, e.g. also add an S3 bucket for "
            "uploads, or make it cheaper to fit the plan to the cheapest one that keeps what was asked | request") in read
    assert read[-1].startswith("Keys for set, for example replicas=2-6, region=eu-west-1, tier=staging, db=postgres,")


def test_a_plain_language_amendment_replies_with_what_it_changed(pull):
    stack, _, pr = pull
    text = as_read(reply(stack, pr["number"], "/dev-agent also add an S3 bucket for uploads"))
    lines = text.splitlines()
    assert lines[:4] == [f"Updated #{pr['number']}:", "field | before | after", "buckets.0.name | — | uploads",
                         "buckets.0.versioning | — | true"], text
    cost = re.fullmatch(r"Monthly cost: \$([0-9,.]+) → \$([0-9,.]+) \(\+\$([0-9,.]+), \+[0-9]+%\)\.", lines[4])
    assert cost and lines[5] == "Resource | Before | After | Change", text
    assert lines[6:] == [f"aws_s3_bucket.bucket_uploads | - | ${cost[3]} | +${cost[3]}",
                         f"Total | ${cost[1]} | ${cost[2]} | +${cost[3]}"], text  # no stale notes (the form's region)
    report = stack.bot_comments(pr["number"], REPORT_MARKER)[0]["body"]
    assert "us-east-1" not in report and "no region named" not in report  # the form names us-west-2


def test_aliases_set_the_fields_they_name(pull):
    stack, _, pr = pull
    text = as_read(reply(stack, pr["number"], "/dev-agent set replicas=3 db=postgres cache=redis"))
    assert text.splitlines()[:6] == [
        f"Updated #{pr['number']}:", "field | before | after",
        "cache.engine | — | redis", "cache.high_availability | — | false",
        "compute.max_replicas | 4 | 3", "compute.min_replicas | 2 | 3"], text
    assert "databases.0.engine | — | postgres" in text.splitlines()
    spec = stack.file_on("dev-agent/replies-e2e", "environments/replies-e2e/environment.yaml")
    assert "engine: postgres" in spec and "engine: redis" in spec


def test_the_issue_status_says_when_the_pr_is_blocked(pull):
    stack, issue, pr = pull
    reply(stack, pr["number"], f"/dev-agent set certificate_arn={CERT}")  # staging needs one before merging
    status = stack.bot_comments(issue["number"], STATUS_MARKER)[0]["body"]
    assert as_read(status).startswith(f"Proposed replies-e2e in #{pr['number']} (")
    reply(stack, pr["number"], "/dev-agent set ttl=120")  # staging allows at most 90 days
    status = wait_for(lambda: [c["body"] for c in stack.bot_comments(issue["number"], STATUS_MARKER)
                               if "Blocked" in c["body"]], 120, what="blocked status")[0]
    lines = as_read(status).splitlines()
    assert lines[0].startswith(f"Blocked by policy in #{pr['number']}: ttl-within-tier. replies-e2e is proposed ("), status
    assert lines[0].endswith(") but cannot merge until each rule passes or is overridden:"), status
    assert lines[1:] == [
        "ttl-within-tier: staging environments live at most 90 days. Fix: set ttl_days <= 90.",
        f"Change the request with /dev-agent set key=value on #{pr['number']}, or someone on the org policy override "
        "list comments /dev-agent override <rule> <reason>."], status


def test_make_it_cheaper_refits_the_plan_then_says_when_it_is_the_cheapest(pull):
    stack, _, _ = pull
    stack.open_request("cheaper-e2e", description="staging for payments-api with a PostgreSQL database")
    pr = stack.wait_for_pull("cheaper-e2e", timeout=120)
    text = as_read(reply(stack, pr["number"], "/dev-agent make it cheaper please"))
    lines = text.splitlines()
    assert lines[0].startswith("Made it cheaper: the budget is now $"), text
    assert lines[0].endswith(", the cost of the cheapest plan that keeps everything the request asks for, and the "
                             f"plan was fitted to it. Updated #{pr['number']}:"), text
    assert lines[1] == "field | before | after"
    budget = re.fullmatch(r"budget_monthly_usd \| 400 \| ([0-9]+)", lines[2])
    assert budget and lines[0].startswith(f"Made it cheaper: the budget is now ${int(budget[1]):,},"), text
    cost = re.fullmatch(r"Monthly cost: \$([0-9,.]+) → \$([0-9,.]+) \(-\$([0-9,.]+), -[0-9]+%\)\.", lines[3])
    assert cost and float(cost[2].replace(",", "")) <= int(budget[1]), text
    assert lines[4] == "Resource | Before | After | Change"
    assert re.fullmatch(rf"aws_db_instance\.postgres \| \$[0-9.]+ \| \$[0-9.]+ \| -\${cost[3]}", lines[5]), text
    assert lines[6:] == [f"Total | ${cost[1]} | ${cost[2]} | -${cost[3]}",
                         "What the plan gives up:", "db_instance_class: db.t3.small → db.t3.micro",
                         "log_retention_days: 30 → 7 (staging: a week of logs is enough to debug)"], text
    spec = stack.file_on("dev-agent/cheaper-e2e", "environments/cheaper-e2e/environment.yaml")
    assert f"budget_monthly_usd: {budget[1]}" in spec

    head = stack.wait_for_pull("cheaper-e2e")["head"]["sha"]
    again = as_read(reply(stack, pr["number"], "/dev-agent can you reduce the cost"))
    assert again.startswith("No change: cheaper-e2e is already the cheapest plan dev-agent can make for what the "
                            "request asks for (about $"), again
    assert again.splitlines()[0].endswith("/month at the staging tier's usage). To spend less, ask for less:")
    assert again.splitlines()[1:] == ["/dev-agent set tier=dev (dev sizes)"], again
    assert stack.wait_for_pull("cheaper-e2e")["head"]["sha"] == head
