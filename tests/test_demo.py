"""`dev-agent demo` as a user runs it, with a light request (Lambda, no database) so it takes about two
minutes: exit 0, the bot's PR and its report printed, the merge, a successful apply against moto, the outputs.
(`bash scripts/demo.sh` runs the default, heavier ECS + S3 request the same way.)"""

from __future__ import annotations

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


def test_demo_opens_a_pr_with_the_report_merges_applies_and_prints_the_outputs():
    require_tool("terraform")
    require_tool("checkov")
    env = {**os.environ, "COLUMNS": "300"}  # one progress line per line
    run = subprocess.run([sys.executable, "-m", "bot", "demo", "--request", REQUEST], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]
    assert "Traceback" not in out
    for check in ("checkov terraform", "checkov kubernetes", "terraform validate", "hcl parse", "zizmor"):
        assert re.search(rf"^  check {check}: (passed|failed|skipped)", out, re.MULTILINE), check
    assert "~30 s" not in out
    pull = re.search(r"^pull request #(\d+): (http://127\.0\.0\.1:\d+/acme/platform-environments/pull/\d+)$", out, re.MULTILINE)
    assert pull, out[-5000:]
    assert "dev-agent review: thumbs-api-dev" in out and "Monthly estimate: $" in out  # rendered, not raw markdown
    for raw in ("<!--", "dev-agent:report", "&lt;", "&gt;", "\\#", "\\(", "\\_", "<details>", "**Monthly"):
        assert raw not in out, raw
    assert f"merged #{pull.group(1)}" in out
    assert re.search(r"^terraform plan: changes to apply in [0-9.]+s$", out, re.MULTILINE)
    assert re.search(r"^terraform apply: done in [0-9.]+s$", out, re.MULTILINE)
    assert "helm: skipped (Lambda environment, no Kubernetes cluster)" in out
    outputs = out[out.index("\noutputs:\n"):]
    assert re.search(r"^  app_url = https://\w+\.execute-api\.us-west-2\.amazonaws\.com/$", outputs, re.MULTILINE), outputs
    assert "thumbs-api-dev: applied" in outputs
    assert re.search(rf"^demo finished: {re.escape(pull.group(2))} applied; \$[0-9.]+/month$", out, re.MULTILINE)
