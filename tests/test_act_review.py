"""Issue 13 end to end, through the sandbox GitHub, the bot's worker, act and moto: the reviewer sees the real
terraform plan on the pull request before merging, a plan destroying data needs a named allowance, and the merge
applies exactly the change set reviewed.

request → the bot's PR → dev-agent-plan.yml posts the plan (and the cost of the change priced from it) into the
bot's report → the bot's plan check passes → merge → dev-agent-apply.yml applies the same change set. Then
`/dev-agent set databases.0.version=17` → the plan names the database and the attribute: AWS upgrades RDS across a
major version in place (an update, not a replacement, in AWS provider 5.x; only its parameter group is replaced),
which cannot be undone, so it is gated like a replacement → the check fails → allow-replace by someone off the
`apply` list is refused, by someone on it turns the check green → the VPC is changed in moto (drift) → merge →
apply stops, applies nothing, and says what changed since review.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.demo import OWNER, REPO, USER
from bot.polling import wait_until
from sandbox.actions import WorkflowRun
from tests.support.act_stack import ActStack, act_stack

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("act_review")]

REQUEST = ("dev environment for thumbs-api: Python 3.12 serverless functions on AWS us-west-2 with a Postgres 16 "
           "database, $120/month, 3 days")
DB = "aws_db_instance.postgres"
REGION = "us-west-2"


def plan_check(stack: ActStack, sha: str, name: str, conclusion: str | None = None) -> dict[str, Any]:
    """The bot's `dev-agent plan: <name>` check run on `sha`, once it exists (with `conclusion`, when given)."""
    def found() -> dict[str, Any] | None:
        runs = stack.api("GET", f"/commits/{sha}/check-runs", params={"check_name": f"dev-agent plan: {name}"})
        run = next(iter(runs["check_runs"]), None)
        return run if run and (conclusion is None or run["conclusion"] == conclusion) else None

    return wait_until(found, 300, interval=0.5, what=f"the plan check of {name} ({conclusion})", error=AssertionError)


def said(run: WorkflowRun, name: str) -> str:
    """What the plan job's own steps printed (the failure's cause), for assertion messages."""
    job = run.job(f"Plan {name}")
    return "\n".join(f"[{step}] {line}" for step in ("Verify and check", "Terraform plan")
                     for line in job.output.get(step, []))[:12000]


def reply_to(stack: ActStack, number: int, text: str, user: str) -> str:
    """Comment a command as `user`; the bot's reply to it."""
    comment = stack.gh.comment(OWNER, REPO, number, text, user=user)
    marker = f"<!-- dev-agent:reply:{comment['id']} -->"
    return wait_until(lambda: next((c["body"] for c in stack.comments(number) if marker in c["body"]), None), 300,
                      interval=0.5, what=f"the reply to {text!r}", error=AssertionError)


def test_the_reviewed_plan_is_posted_gated_and_applied_exactly(tmp_path: Path) -> None:
    with act_stack(tmp_path) as stack:
        stack.gh.create_user("mallory")
        stack.gh.add_collaborator(OWNER, REPO, "mallory", "write")  # write access, not on the policy's apply list
        pull = stack.request(REQUEST)
        name, number = stack.environment(pull), pull["number"]

        # 1. the plan on the PR, in the bot's report, and the bot's check
        first_plan = stack.plan(number)
        assert first_plan.conclusion == "success", said(first_plan, name)
        report = stack.report(number)
        check = plan_check(stack, pull["head"]["sha"], name)
        assert check["app"]["slug"] == "dev-agent" and check["conclusion"] == "success", check["output"]
        report_comment = next(c for c in stack.comments(number) if "dev-agent:report" in c["body"])
        assert report_comment["user"]["login"] == stack.app["bot_login"]  # still the bot's own comment

        # 2. merge: apply runs the change set that was reviewed
        applied = stack.apply(stack.merge(number))
        assert applied.conclusion == "success", applied.log[-6000:]
        apply_log = "\n".join(applied.job(f"Apply {name}").output.get("Apply", []))

        # 3. Postgres 16 -> 17: the check fails until someone on the apply list allows it
        stack.gh.comment(OWNER, REPO, pull["number"], "/dev-agent set databases.0.version=17", user=USER)
        amended = wait_until(lambda: next((p for p in stack.open_pulls() if p["number"] != number), None), 600,
                             interval=0.5, what="the amendment's pull request", error=AssertionError)
        second_plan = stack.plan(amended["number"])
        assert second_plan.conclusion == "success", said(second_plan, name)
        amended_report = stack.report(amended["number"])
        failing = plan_check(stack, amended["head"]["sha"], name, "failure")
        refused = reply_to(stack, amended["number"], f"/dev-agent allow-replace {DB} upgrading now", "mallory")
        still = plan_check(stack, amended["head"]["sha"], name)
        allowed = reply_to(stack, amended["number"], f"/dev-agent allow-replace {DB} Postgres 17 features", USER)
        green = plan_check(stack, amended["head"]["sha"], name, "success")
        allowed_report = stack.report(amended["number"])

        # 4. drift between the review and the merge: apply stops and says what changed
        vpc = stack.aws("ec2", REGION).describe_vpcs(Filters=[{"Name": "tag:environment", "Values": [name]}])["Vpcs"][0]
        stack.aws("ec2", REGION).create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "owner", "Value": "mallory"}])
        stopped = stack.apply(stack.merge(amended["number"]))
        versions = [d["EngineVersion"] for d in stack.aws("rds", REGION).describe_db_instances()["DBInstances"]]
        amended_comments = stack.comments(amended["number"])

    assert "### Terraform plan (dev-agent-plan.yml)" in report
    assert f"**Plan of `{pull['head']['sha'][:12]}`:**" in report and " to add, 0 to change, 0 to destroy, 0 to replace" in report
    assert "<summary>Full plan</summary>" in report and f"{DB} will be created" in report
    # the cost of the change, priced from the plan: a new environment, everything added
    assert "#### Cost of this change (priced from the plan)" in report
    assert re.search(r"Monthly cost: \$0\.00 → \$[0-9,.]+ \(\+\$[0-9,.]+\)\.", report), report
    assert re.search(rf"^\| `{re.escape(DB)}` \| - \| \$[0-9.]+ \| \+\$[0-9.]+ \|$", report, re.MULTILINE)
    assert "the plan is the one reviewed on the pull request" in apply_log, apply_log

    assert (f"- `{DB}` (database) is **upgraded in place to a new major version**, `engine_version` `16` → `17` (it "
            "cannot be downgraded afterwards, and the data is offline while it upgrades): needs `/dev-agent "
            f"allow-replace {DB} <reason>`") in amended_report, amended_report
    assert "0 to add, " in amended_report and " to replace" in amended_report  # the parameter group (`family`)
    assert "Monthly cost: unchanged at $" in amended_report  # same instance class: the upgrade costs nothing more
    assert failing["output"]["title"] == "1 data-holding resource(s) destroyed, replaced or upgraded without allow-replace"
    assert "Not run:" in refused and "mallory" in refused
    assert still["conclusion"] == "failure"
    assert f"Allowed: `{DB}` is upgraded in place to a new major version (by @octocat" in allowed
    assert green["conclusion"] == "success"
    assert "allowed by @octocat on " in allowed_report and "Postgres 17 features" in allowed_report

    assert stopped.conclusion == "failure", stopped.log[-6000:]
    notice = next(c for c in amended_comments if "was not applied: the plan changed since review" in c["body"])
    assert notice["user"]["login"] == "github-actions[bot]"
    assert "| `aws_vpc.main` | none | update |" in notice["body"] and "**drift**" in notice["body"]
    assert versions and all(v.startswith("16") for v in versions), versions  # nothing was applied: still Postgres 16
