"""A Lambda environment merged without its container image: the report listed `image` under "Before you merge",
and the generated dev-agent-apply.yml, run by act, fails naming it and applies nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.act_stack import act_stack

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("act_missing_input")]

REQUEST = "dev environment for thumbs-api: Python 3.12 serverless functions on AWS us-west-2, $50/month, 3 days"


def test_merging_without_an_input_fails_the_apply_workflow_naming_it(tmp_path: Path) -> None:
    with act_stack(tmp_path) as stack:
        pull = stack.request(REQUEST, answer=False)
        name = stack.environment(pull)
        assert "- `image`: " in stack.report(pull["number"]).split("### ⛔ Before you merge", 1)[1]
        run = stack.apply(stack.merge(pull["number"]))
        functions = stack.aws("lambda", "us-west-2").list_functions()["Functions"]
    assert run.conclusion == "failure"
    job = run.job(f"Apply {name}")
    assert job.result == "failure"
    said = "\n".join(job.output.get("Apply", []))
    assert "missing input(s), nothing was run" in said and "image: container image of the app" in said, said
    assert "terraform init" not in said  # stopped before terraform ran
    assert functions == []
