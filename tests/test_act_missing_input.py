"""A reviewer removes the container image of a Lambda environment (`/dev-agent set image=none`) and merges anyway:
the report lists `image` under "Before you merge" again, and the generated dev-agent-apply.yml, run by act,
fails naming it, says so on the merged PR and applies nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.polling import wait_until
from tests.support.act_stack import act_stack

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("act_missing_input")]

REQUEST = "dev environment for thumbs-api: Python 3.12 serverless functions on AWS us-west-2, $50/month, 3 days"


def _missing(report: str) -> str:
    return report.split("### ⛔ Before you merge", 1)[1].split("\n### ", 1)[0] if "Before you merge" in report else ""


def test_merging_without_an_input_fails_the_apply_workflow_naming_it(tmp_path: Path) -> None:
    with act_stack(tmp_path) as stack:
        pull = stack.request(REQUEST)  # the image is set, as the demo does
        name = stack.environment(pull)
        assert "- `image`: " not in _missing(stack.report(pull["number"]))
        pull = stack.set(pull["number"], "image=none")
        wait_until(lambda: "- `image`: " in _missing(stack.report(pull["number"])), 300, interval=0.5,
                   what="the report to list the image again", error=AssertionError)
        run = stack.apply(stack.merge(pull["number"]))
        functions = stack.aws("lambda", "us-west-2").list_functions()["Functions"]
        comments = stack.comments(pull["number"])
    assert run.conclusion == "failure"
    job = run.job(f"Apply {name}")
    assert job.result == "failure"
    said = "\n".join(job.output.get("Apply", []))
    assert "missing input(s), nothing was run" in said and "image: container image of the app" in said, said
    assert "terraform init" not in said  # stopped before terraform ran
    assert functions == []
    # said on the merged PR too (not only in a red run): by the workflow, naming the input
    refused = [c for c in comments if f"`{name}` was not applied: nothing was run" in c["body"]]
    assert refused and refused[-1]["user"]["login"] == "github-actions[bot]"
    assert "image: container image of the app" in refused[-1]["body"]
