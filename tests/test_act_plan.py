"""dev-agent-plan.yml, run by act on the bot's own pull request: it passes as the bot made it (the runner cannot
rebuild the bot's report, and does not need to), and fails once someone edits generated Terraform by hand,
naming the file and showing the edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.act_stack import act_stack

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("act_plan")]

REQUEST = "dev environment for thumbs-api: Python 3.12 serverless functions on AWS us-west-2, $50/month, 3 days"


def test_plan_workflow_passes_the_bots_pull_request_and_fails_a_hand_edit(tmp_path: Path) -> None:
    with act_stack(tmp_path) as stack:
        pull = stack.request(REQUEST)
        name = stack.environment(pull)
        clean = stack.plan(pull["number"])
        lambda_tf = f"environments/{name}/terraform/lambda.tf"
        stack.push_edit(pull["number"], lambda_tf, lambda text: text.replace("retention_in_days = 7", "retention_in_days = 1", 1),
                        tmp_path)
        edited = stack.plan(pull["number"])
    print(*clean.lines(), *edited.lines(), sep="\n")
    assert clean.conclusion == "success", clean.log[-8000:]
    job = clean.job(f"Plan {name}")
    said = "\n".join(job.output.get("Verify and check", []))
    assert "exactly what dev-agent generates from environment.yaml" in said, said

    assert edited.conclusion == "failure"
    said = "\n".join(edited.job(f"Plan {name}").output.get("Verify and check", []))
    assert "terraform/lambda.tf: differs from what dev-agent generates from environment.yaml" in said, said
    assert "terraform/lambda.tf: changed since it was generated" in said
    assert "-  retention_in_days = 1" in said and "+  retention_in_days = 7" in said  # the edit, as a diff
