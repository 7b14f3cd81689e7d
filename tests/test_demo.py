"""`dev-agent demo` as a user runs it, with a light request (Lambda, no database) so it takes a few minutes:
exit 0, the bot's PR, the generated dev-agent-plan.yml run by act against moto posting the real terraform plan
into the bot's report before the merge, the report printed, the merge, the generated dev-agent-apply.yml applying
the change set that was reviewed, each job's result, the outputs the workflow posted; `--json` names the runner,
each run, the PR plan's counts (`pr_plan`) and whether apply ran the reviewed plan (`apply.matches_review`).
(`bash scripts/demo.sh` runs the default, heavier ECS + S3 request the same way.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]
REQUEST = "dev environment for thumbs-api: Python 3.12 serverless functions on AWS us-west-2, $50/month, 3 days"
pytestmark = pytest.mark.slow


def _demo(*args: str) -> subprocess.CompletedProcess:
    require_tool("terraform")
    require_tool("checkov")
    env = {**os.environ, "COLUMNS": "300"}  # one progress line per line
    return subprocess.run([sys.executable, "-m", "bot", "demo", *args, "--request", REQUEST], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def _workflow_lines(out: str) -> None:
    """The plan workflow before the merge, then the apply workflow as the demo prints it: dev-agent apply's own
    lines from the Apply step under act, each job and its result, the outputs github-actions[bot] posted."""
    assert re.search(r"GitHub Actions runs dev-agent-plan.yml for the pull request's head \([0-9a-f]{12}\) with act "
                     r"0\.2\.89 against moto", out), out[-5000:]
    assert re.search(r"^dev-agent-plan.yml \(pull_request\): success in \d+s\n  Find changed environments: success\n"
                     r"  Plan thumbs-api-dev: success\n", out, re.MULTILINE), out[-5000:]
    assert re.search(r"^  check dev-agent plan: thumbs-api-dev: success \(\d+ to add, 0 to change, 0 to destroy, "
                     r"0 to replace\)$", out, re.MULTILINE), out[-5000:]
    assert out.index("dev-agent-plan.yml (pull_request)") < out.index("merged #")  # reviewed before the merge
    assert "  | the plan is the one reviewed on the pull request" in out  # apply compared it with the PR's plan
    assert re.search(r"GitHub Actions runs dev-agent-apply.yml for the push to main \([0-9a-f]{12}\) "
                     r"with act 0\.2\.89 against moto", out), out[-5000:]
    assert re.search(r"^  \| terraform plan: changes to apply in [0-9.]+s$", out, re.MULTILINE), out[-5000:]
    assert re.search(r"^  \| terraform apply: done in [0-9.]+s$", out, re.MULTILINE)
    assert "  | helm: skipped (Lambda environment, no Kubernetes cluster)" in out
    assert re.search(r"^dev-agent-apply.yml \(push\): success in \d+s\n  Find changed environments: success\n"
                     r"  Apply thumbs-api-dev: success\n  apply-production: skipped$", out, re.MULTILINE), out[-3000:]
    outputs = out[out.index("\noutputs (from the apply comment github-actions[bot] posted on the PR):\n"):]
    app_url = r"^  app_url = https://\w+\.execute-api\.us-west-2\.amazonaws\.com/$"
    assert re.search(app_url, outputs, re.MULTILINE), outputs
    assert "thumbs-api-dev: applied" in outputs


@pytest.mark.xdist_group("demo")
def test_demo_opens_a_pr_with_the_report_merges_and_the_apply_workflow_applies_it():
    run = _demo()
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]
    assert "Traceback" not in out
    for check in ("checkov terraform", "checkov kubernetes", "terraform validate", "hcl parse", "zizmor"):
        assert re.search(rf"^  check {check}: (passed|failed|skipped)", out, re.MULTILINE), check
    assert "~30 s" not in out
    pull = re.search(r"^pull request #(\d+): (http://127\.0\.0\.1:\d+/acme/platform-environments/pull/\d+)$", out,
                     re.MULTILINE)
    assert pull, out[-5000:]
    assert "dev-agent review: thumbs-api-dev" in out and "Monthly estimate: $" in out  # rendered, not raw markdown
    assert "Terraform plan (dev-agent-plan.yml)" in out and "Cost of this change (priced from the plan)" in out
    for raw in ("<!--", "dev-agent:report", "&lt;", "&gt;", "&amp;", "\\#", "\\(", "\\_", "\\`", "<details>",
                "<summary>", "```", "**Monthly"):
        assert raw not in out, raw
    assert f"merged #{pull.group(1)}; GitHub Actions runs" in out
    _workflow_lines(out)
    assert re.search(rf"^demo finished: {re.escape(pull.group(2))} applied; \$[0-9.]+/month$", out, re.MULTILINE)


@pytest.mark.xdist_group("demo_json")
def test_demo_json_names_the_runner_and_each_workflow_run():
    run = _demo("--json")
    assert run.returncode == 0, run.stderr[-5000:] + run.stdout[-3000:]
    # --json: stdout is the summary; stderr a few step lines (no check, workflow-log or output details, no report)
    steps = run.stderr.splitlines()
    assert 6 <= len(steps) <= 12 and not [line for line in steps if line.startswith(" ")], run.stderr
    assert re.search(r"^merged #\d+; GitHub Actions runs dev-agent-apply.yml", run.stderr, re.MULTILINE), run.stderr
    assert re.search(r"^dev-agent-apply.yml \(push\): success in \d+s$", run.stderr, re.MULTILINE), run.stderr
    assert "dev-agent review" not in run.stderr and "thumbs-api-dev: applied" in steps
    summary = json.loads(run.stdout)
    assert summary["error"] is None and summary["pr_url"].startswith("http://127.0.0.1:")
    assert summary["runner"] == "act 0.2.89"
    assert summary["workflows"] == [{"file": "dev-agent-plan.yml", "event": "pull_request", "conclusion": "success"},
                                    {"file": "dev-agent-apply.yml", "event": "push", "conclusion": "success"}]
    plan = summary["pr_plan"]
    assert plan["source"] == "dev-agent-plan.yml" and plan["check"] == "success"
    assert plan["add"] > 5 and (plan["change"], plan["destroy"], plan["replace"]) == (0, 0, 0), plan
    assert summary["apply"]["status"] == "applied" and summary["apply"]["environment"] == "thumbs-api-dev"
    assert summary["apply"]["matches_review"] is True
    assert summary["apply"]["outputs"]["app_url"].endswith(".execute-api.us-west-2.amazonaws.com/")
